"""Starts the real app in production mode (one port) and drives Debian's headless Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.fakes.model_server import FakeModel, Reply, Text, ToolCalls

ROOT = Path(__file__).resolve().parents[2]
# A loaded 2-core CI machine can be slow to render: wait longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningApp:
    def __init__(self, url: str, proc: subprocess.Popen, log: Path, data_dir: Path, project: Path = ROOT):
        self.url, self.proc, self.log, self.data_dir, self.project = url, proc, log, data_dir, project


def isolated_project(tmp: Path) -> Path:
    """A copy of the project for a second app. A production build writes the backend's port
    into `.web`, so two apps built in one folder would send each other's pages to the wrong
    port. The copy reuses the installed npm packages (a link) and the first app's build."""
    if not (ROOT / ".web" / "node_modules").is_dir():
        raise RuntimeError("start the shared app first: it installs the page's packages")
    dest = tmp / "project"
    for name in ("dashboard_app", "assets", "reflex.lock"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    shutil.copy2(ROOT / "rxconfig.py", dest / "rxconfig.py")
    shutil.copytree(ROOT / ".web", dest / ".web", symlinks=True, ignore=shutil.ignore_patterns("node_modules"))
    (dest / ".web" / "node_modules").symlink_to(ROOT / ".web" / "node_modules")
    return dest


def start_app(
    tmp: Path, extra_env: dict[str, str] | None = None, timeout_s: float = 240, *, project: Path = ROOT
) -> RunningApp:
    port = free_port()
    data_dir = tmp / "data"
    env = {
        **os.environ,
        "APP_DATA_DIR": str(data_dir),
        "APP_ENV_FILE": os.devnull,
        "REFLEX_PERF_MODE": "raise",
        **(extra_env or {}),
    }
    log = tmp / "app.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard_app.launch", "--port", str(port)],
        cwd=project, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/ping", timeout=2) as r:
                if r.status == 200:
                    with urllib.request.urlopen(url + "/", timeout=5) as page:
                        if page.status == 200:
                            return RunningApp(url, proc, log, data_dir, project)
        except OSError:
            pass
        time.sleep(0.5)
    stop_app(proc)
    raise RuntimeError(f"app did not start in {timeout_s}s:\n{log.read_text()[-3000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def echo_agent(request: dict) -> Reply:
    """The fake model's default: it runs the user's message as SQL, then says it did. So
    every message a test sends (hostile ones included) goes through run_sql and the guard."""
    last = request["messages"][-1]
    if last["role"] == "user" and request.get("tools"):
        return ToolCalls([("run_sql", {"sql": last["content"]})])
    return Text("Done.")


@pytest.fixture(scope="session")
def model() -> FakeModel:
    """The chat model of the shared app: an OpenAI-compatible fake in this process, which
    each test scripts (and resets)."""
    with FakeModel() as fm:
        fm.responder = echo_agent
        yield fm


def model_env(fm: FakeModel) -> dict[str, str]:
    return {"APP_LLM_BASE_URL": fm.base_url, "APP_LLM_MODEL": "fake-model", "APP_LLM_API_KEY": fm.api_key}


@pytest.fixture(scope="session")
def app(tmp_path_factory, model) -> RunningApp:
    running = start_app(tmp_path_factory.mktemp("app"), model_env(model))
    yield running
    stop_app(running.proc)


@pytest.fixture(scope="session")
def browser(tmp_path_factory) -> Browser:
    with sync_playwright() as p:
        # Playwright gives each launch a fresh, empty profile of its own.
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, app: RunningApp) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(app.url + "/")
    pg.wait_for_selector("#backend-label:not(:empty)")
    yield pg
    context.close()
