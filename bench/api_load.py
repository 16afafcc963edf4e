"""The API under load: 50 concurrent clients running small queries, alone and beside 10
browser sessions running queries at once; the server's memory round over round; and the API's
own overhead on a one-row query against the engine called directly.

Measured side by side in one run (the real app in production mode on one port):
  overhead  `SELECT 1 AS x` 200 times, interleaved: LocalEngine.execute in this process, the
            gate in this process (guard + per-user limits + audit record), and POST /api/query
            (wait_timeout 10s) from one client. Target: API p50 <= 1.2 x engine p50 + 5 ms.
  baseline  one API client alone (POST /api/query of a small query over samples.tpch.nation,
            a new parameter each time) and one browser session alone (click Run -> the rows
            visible), each for a few seconds.
  rounds    two identical rounds of 60 s: 50 API clients in a closed loop (a separate process,
            so they do not share this one's interpreter with the browser driver); for the
            second half of each, 10 browser sessions (Debian chromium) run queries at once too.
            p50 / p95 of each beside its single-client baseline, the errors, the throughput,
            and the server's resident memory after each round (it must not grow round over round).

Each client and each browser session is its own person (`X-Forwarded-Email`, the app runs as a
Databricks App would, listening on 127.0.0.1 only). Per-user limits stay on:
APP_RATE_LIMIT_PER_MINUTE is raised to 100000 because a closed-loop client sends far more than
the default 120 a minute a person would; APP_MAX_RUNNING_PER_USER keeps its default.
A script, not a test: it prints figures and never asserts.

    python bench/api_load.py            # about 4 minutes
    python bench/api_load.py --quick    # 10 s rounds, to try the script itself
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    header,
    mb,
    p50,
    p95,
    reflex_env,
    server_pid,
    status_kb,
    stop_group,
    verdict,
    wait_http,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

API_CLIENTS = 50
BROWSERS = 10
ROUND_S = 60.0
BROWSERS_FROM_S = 30.0  # the browser sessions join for the second half of each round
BASELINE_S = 6.0
OVERHEAD_RUNS = 200
if "--quick" in sys.argv:
    ROUND_S, BROWSERS_FROM_S, BASELINE_S, OVERHEAD_RUNS = 10.0, 5.0, 2.0, 30
SMALL = "SELECT n_name, n_regionkey, n_comment FROM samples.tpch.nation WHERE n_nationkey = :k"
ONE_ROW = "SELECT 1 AS x"
ENV = {
    "DATABRICKS_APP_NAME": "api-load-bench",  # trust X-Forwarded-Email: one person per client
    "APP_AUDIT_LOG": "file",
    "APP_RATE_LIMIT_PER_MINUTE": "100000",
}


# --------------------------------------------------------------------------- the app

class App:
    def __init__(self, tmp: Path):
        from tests.e2e.conftest import isolated_project

        # A copy of the project: a production build writes its port into .web, and someone
        # may be running the browser tests from the project folder meanwhile.
        self.project = isolated_project(tmp)
        self.data = tmp / "data"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "app.log"
        env = reflex_env({**ENV, "APP_DATA_DIR": str(self.data), "APP_ENV_FILE": os.devnull})
        # The launcher's checks and sample data, then `reflex run` as it would run it, but on
        # 127.0.0.1 (as a Databricks App it would listen on every interface).
        subprocess.run([sys.executable, "-m", "dashboard_app.launch", "--check"], cwd=self.project, env=env,
                       check=True, stdout=subprocess.DEVNULL)
        cmd = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port", "--frontend-port", str(self.port),
               "--backend-port", str(self.port), "--backend-host", "127.0.0.1"]
        self.proc = subprocess.Popen(cmd, cwd=self.project, env=env, stdin=subprocess.DEVNULL, stdout=self.log.open("w"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_http(self.url, self.proc, self.log, 300)
            self.pid = server_pid(self.proc.pid, self.port)
        except BaseException:
            self.stop()
            raise

    def rss(self) -> int:
        return status_kb(self.pid, "VmRSS") * 1024

    def stop(self) -> None:
        stop_group(self.proc)


def who(kind: str, i: int) -> dict[str, str]:
    return {"X-Forwarded-Email": f"{kind}{i:02d}@bench.example"}


def query_body(sql: str, params: dict | None = None) -> dict:
    body: dict = {"statement": sql, "wait_timeout": "10s"}
    if params:
        body["parameters"] = params
    return body


def outcome(resp: httpx.Response) -> tuple[bool, str]:
    if resp.status_code != 200:
        try:
            return False, f"{resp.status_code} {resp.json()['error']['code']}"
        except (ValueError, KeyError, TypeError):
            return False, str(resp.status_code)
    state = resp.json()["status"]["state"]
    return state == "SUCCEEDED", state


# --------------------------------------------------------------------------- overhead

def overhead(app: App, tmp: Path) -> dict:
    from dashboard_app.services.audit import AuditLog
    from dashboard_app.services.limits import Limiter
    from dashboard_app.services.sql import gate
    from dashboard_app.services.sql.engine import Identity
    from dashboard_app.services.sql.local import LocalEngine

    me = Identity("bench@bench.example")
    engine = LocalEngine(tmp / "engine")
    policy = gate.Policy(limiter=Limiter(per_minute=100_000, max_running=8), audit=AuditLog(tmp / "gate-audit.jsonl"))
    direct, gated, api = [], [], []
    try:
        with httpx.Client(base_url=app.url, timeout=30, headers=who("single", 0)) as client:
            for i in range(-20, OVERHEAD_RUNS):  # 20 warm-up rounds
                t = time.perf_counter()
                engine.execute(ONE_ROW, identity=me, row_limit=100_000, timeout_s=60, read_only=True)
                e = (time.perf_counter() - t) * 1000
                t = time.perf_counter()
                gate.run_statement(engine, ONE_ROW, identity=me, confirmed=False, read_only_mode=False, row_limit=100_000,
                                   timeout_s=60, source="api", policy=policy)
                g = (time.perf_counter() - t) * 1000
                t = time.perf_counter()
                resp = client.post("/api/query", json=query_body(ONE_ROW))
                a = (time.perf_counter() - t) * 1000
                ok, what = outcome(resp)
                if not ok or resp.json()["result"]["data_array"] != [[1]]:
                    raise RuntimeError(f"POST /api/query answered {what}: {resp.text[:300]}")
                if i >= 0:
                    direct.append(e)
                    gated.append(g)
                    api.append(a)
    finally:
        engine.close()
    return {"engine": direct, "gate": gated, "api": api}


# --------------------------------------------------------------------------- API clients

def api_single(url: str, seconds: float) -> list[tuple[float, float, bool, str]]:
    out = []
    with httpx.Client(base_url=url, timeout=30, headers=who("single", 1)) as client:
        t0 = time.monotonic()
        k = 0
        while time.monotonic() - t0 < seconds:
            k = (k + 7) % 25
            s = time.monotonic()
            try:
                ok, what = outcome(client.post("/api/query", json=query_body(SMALL, {"k": k})))
            except httpx.HTTPError as err:
                ok, what = False, type(err).__name__
            out.append((s - t0, (time.monotonic() - s) * 1000, ok, what))
    return out


async def _api_load(url: str, seconds: float, clients: int) -> list[tuple[float, float, bool, str]]:
    out: list[tuple[float, float, bool, str]] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        t0 = time.monotonic()
        deadline = t0 + seconds

        async def one(i: int) -> None:
            k = i
            headers = who("api", i)
            while time.monotonic() < deadline:
                k = (k + 7) % 25
                s = time.monotonic()
                try:
                    ok, what = outcome(await client.post("/api/query", json=query_body(SMALL, {"k": k}), headers=headers))
                except httpx.HTTPError as err:
                    ok, what = False, type(err).__name__
                out.append((s - t0, (time.monotonic() - s) * 1000, ok, what))

        await asyncio.gather(*(one(i) for i in range(clients)))
    return out


def api_load_process(url: str, seconds: float, clients: int, results) -> None:  # noqa: ANN001 - a multiprocessing queue
    results.put(asyncio.run(_api_load(url, seconds, clients)))


# --------------------------------------------------------------------------- browsers

class Session:
    def __init__(self, context, page, i: int):
        self.context, self.page, self.i = context, page, i
        self.frames: list[str] = []
        self.runs = 0

    def _frame(self, payload) -> None:  # noqa: ANN001
        self.frames.append(payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace"))
        if len(self.frames) > 400:
            del self.frames[:200]

    async def run(self) -> float:
        """Fills the editor (until the server has it), then clicks Run: ms until the rows show."""
        self.runs += 1
        n = 7_000_003 + (self.i * 10_000 + self.runs) * 7_919
        sql = f"SELECT {n} AS v"
        page = self.page
        self.frames.clear()
        await page.locator("#sql-editor .cm-content").fill(sql)
        await page.locator("#sql-editor .cm-content").blur()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not any(sql in f for f in self.frames):
            await asyncio.sleep(0.02)
        start = time.perf_counter()
        await page.locator("#run-button").click()
        await page.wait_for_function(
            "n => (document.querySelector('#results-table tbody')?.textContent || '').includes(n)",
            arg=str(n), polling=20, timeout=60_000,
        )
        ms = (time.perf_counter() - start) * 1000
        await page.wait_for_selector("#cancel-button", state="detached", timeout=60_000)
        return ms


async def open_session(browser, url: str, i: int) -> Session:  # noqa: ANN001
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers=who("browser", i))
    page = await context.new_page()
    page.set_default_timeout(60_000)
    session = Session(context, page, i)
    page.on("websocket", lambda ws: ws.on("framereceived", session._frame))
    await page.goto(url + "/")
    await page.wait_for_selector("#backend-label:not(:empty)")
    await session.run()  # warm-up: the socket is up and the engine has answered this tab
    return session


async def browse_until(sessions: list[Session], deadline: float) -> tuple[list[float], list[str]]:
    times: list[float] = []
    errors: list[str] = []

    async def loop(s: Session) -> None:
        while time.monotonic() < deadline:
            try:
                times.append(await s.run())
            except Exception as err:  # noqa: BLE001 - counted, then the session goes on
                errors.append(type(err).__name__)
            await asyncio.sleep(0.1)  # a person does not click Run the instant the rows show

    await asyncio.gather(*(loop(s) for s in sessions))
    return times, errors


# --------------------------------------------------------------------------- figures

def row(label: str, ms: list[float], base: float | None = None, errors: int = 0, seconds: float | None = None) -> str:
    if not ms:
        return f"  {label:<44} no answers"
    ratio = f"{p50(ms) / base:5.2f}x" if base else "     "
    rate = f"{len(ms) / seconds:7.1f}/s" if seconds else " " * 9
    return (f"  {label:<44} n {len(ms):6d}  p50 {p50(ms):8.1f} ms  p95 {p95(ms):8.1f} ms  {ratio}  {rate}  "
            f"errors {errors}")


def split(samples: list[tuple[float, float, bool, str]], lo: float, hi: float):
    part = [s for s in samples if lo <= s[0] < hi]
    ok = [s[1] for s in part if s[2]]
    bad: dict[str, int] = {}
    for s in part:
        if not s[2]:
            bad[s[3]] = bad.get(s[3], 0) + 1
    return ok, bad


async def drive(app: App) -> None:
    from playwright.async_api import async_playwright

    ctx = multiprocessing.get_context("spawn")
    memory = [("after start and warm-up", 0)]
    single_api = api_single(app.url, BASELINE_S)
    api_base = p50([s[1] for s in single_api if s[2]])
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            sessions = list(await asyncio.gather(*(open_session(browser, app.url, i) for i in range(BROWSERS))))
            single_browser, single_errors = await browse_until(sessions[:1], time.monotonic() + BASELINE_S)
            browser_base = p50(single_browser)
            await asyncio.sleep(3)
            memory[0] = ("after start and warm-up", app.rss())
            print()
            print(f"{'':46}{'':8}{'':14}{'':16}vs one   rate")
            print(row("API, 1 client alone", [s[1] for s in single_api if s[2]], api_base,
                      sum(1 for s in single_api if not s[2]), BASELINE_S))
            print(row("browser, 1 session alone (click -> rows)", single_browser, browser_base, len(single_errors), BASELINE_S))
            for rnd in (1, 2):
                queue = ctx.Queue()
                load = ctx.Process(target=api_load_process, args=(app.url, ROUND_S, API_CLIENTS, queue), daemon=True)
                started = time.monotonic()
                load.start()
                await asyncio.sleep(BROWSERS_FROM_S + 1.0)  # the load process takes ~1 s to start
                b_times, b_errors = await browse_until(sessions, started + ROUND_S + 1.0)
                samples = await asyncio.to_thread(queue.get, True, ROUND_S + 120)
                await asyncio.to_thread(load.join, 30)
                await asyncio.sleep(3)
                memory.append((f"after round {rnd}", app.rss()))
                alone, alone_bad = split(samples, 0, BROWSERS_FROM_S)
                mixed, mixed_bad = split(samples, BROWSERS_FROM_S, ROUND_S + 10)
                print(f" round {rnd}: {API_CLIENTS} API clients for {ROUND_S:.0f} s; {BROWSERS} browser sessions join at "
                      f"{BROWSERS_FROM_S:.0f} s")
                print(row(f"API, {API_CLIENTS} clients", alone, api_base, sum(alone_bad.values()), BROWSERS_FROM_S))
                print(row(f"API, {API_CLIENTS} clients + {BROWSERS} browsers", mixed, api_base, sum(mixed_bad.values()),
                          ROUND_S - BROWSERS_FROM_S))
                print(row(f"browser, {BROWSERS} sessions + {API_CLIENTS} API clients", b_times, browser_base, len(b_errors),
                          ROUND_S - BROWSERS_FROM_S))
                errors = {**alone_bad}
                for k, v in mixed_bad.items():
                    errors[k] = errors.get(k, 0) + v
                for e in b_errors:
                    errors[f"browser {e}"] = errors.get(f"browser {e}", 0) + 1
                if errors:
                    print(f"  errors by kind: {json.dumps(errors)}")
        finally:
            await browser.close()
    print()
    print(" server memory (resident, the process serving the port):")
    for label, rss in memory:
        print(f"  {label:<28} {mb(rss):>10}")
    growth = memory[2][1] - memory[1][1]
    print(f"  round 2 - round 1            {growth / 1024**2:+9.1f} MB ; does not grow round over round "
          f"(within 5%): {verdict(growth <= 0.05 * memory[1][1])}")
    audit = sorted(app.data.glob("audit.jsonl*"))
    print(f"  audit log: {', '.join(f'{a.name} {mb(a.stat().st_size)}' for a in audit)}")


def main() -> int:
    header("api_load: 50 API clients, then with 10 browser sessions; memory round over round; API overhead")
    tmp = Path(tempfile.mkdtemp(prefix="bench-api-"))
    app = None
    started = time.monotonic()
    try:
        app = App(tmp)
        print(f"app up in {time.monotonic() - started:.1f} s at {app.url} (server pid {app.pid})", flush=True)
        o = overhead(app, tmp)
        e50, g50, a50 = p50(o["engine"]), p50(o["gate"]), p50(o["api"])
        target = 1.2 * e50 + 5
        print(f"\n overhead, `{ONE_ROW}` x {OVERHEAD_RUNS} (interleaved, after 20 warm-up rounds)")
        print(f"  engine called directly (LocalEngine.execute)    p50 {e50:7.2f} ms  p95 {p95(o['engine']):7.2f} ms")
        print(f"  gate.run_statement (guard, limits, audit)        p50 {g50:7.2f} ms  p95 {p95(o['gate']):7.2f} ms  "
              f"{g50 / e50:5.2f}x engine")
        print(f"  POST /api/query, one client                      p50 {a50:7.2f} ms  p95 {p95(o['api']):7.2f} ms  "
              f"{a50 / e50:5.2f}x engine, +{a50 - e50:.2f} ms")
        print(f"  target API p50 <= 1.2 x engine p50 + 5 ms = {target:.2f} ms: {verdict(a50 <= target)}")
        asyncio.run(drive(app))
        print(f"\n total {time.monotonic() - started:.0f} s")
    finally:
        if app is not None:
            app.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
