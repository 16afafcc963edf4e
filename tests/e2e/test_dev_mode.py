"""`make dev` (launch --dev): the page is served and a Python edit shows without a restart."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import Browser

from .conftest import free_port, isolated_project, stop_app

pytestmark = pytest.mark.e2e


def test_dev_mode_serves_the_page_and_picks_up_an_edited_python_file(app, browser: Browser, tmp_path):
    project = isolated_project(tmp_path)  # edits land in a copy, never in the checkout
    port, backend = free_port(), free_port()
    env = {**os.environ, "APP_DATA_DIR": str(tmp_path / "data"), "APP_ENV_FILE": os.devnull}
    log = tmp_path / "dev.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard_app.launch", "--dev", "--port", str(port), "--backend-port", str(backend)],
        cwd=project, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=3) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        # The page's websocket reaches the backend on its own port: the header is filled in.
        page.wait_for_selector("#backend-label:not(:empty)", timeout=120_000)
        layout = project / "dashboard_app" / "components" / "layout.py"
        layout.write_text(layout.read_text().replace('rx.heading("Lakehouse workbench"', 'rx.heading("Workbench edited live"'))
        page.wait_for_function("() => document.body.innerText.includes('Workbench edited live')", timeout=120_000)
        context.close()
    finally:
        stop_app(proc)
