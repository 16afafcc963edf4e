"""Click -> rows visible for a one-row query, against the engine alone and the framework floor.

Measured in one run, each figure beside its baselines:
  app:    the real app in prod mode; `SELECT <n> AS v` with a new n each run. The editor is
          filled and the value has reached the server before the click, so only click -> rows
          is timed, inside the page (click listener -> MutationObserver sees n in the grid).
  engine: LocalEngine.execute of the same query on the same data dir, in this process.
  floor:  a minimal Reflex app (prod mode, one port) whose button only sets a text var:
          click -> text visible, timed the same way. No app can answer faster.
50 runs each after 50 warm-up runs (so the history panel holds its full 50 entries, as it
does for anyone who runs queries every day); app and floor clicks interleaved. Prints p50/p95
and the target: app p50 <= 1.2 x (floor p50 + engine p50).

Also, for app and floor alike, "painted": until the frame showing the change has been drawn
(style, layout and paint; what a person actually sees), which the DOM figure leaves out.

Also the bytes each run sends to the browser: every websocket frame from the click until the
run is over and its after-run refreshes (history, chart, warehouse) have arrived, with the
state vars that carry them. The app is the whole app: the CodeMirror editor on this page, the
dashboards and chat pages compiled beside it. A script, not a test: never asserts.

    python bench/query_overhead.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    AppPage,
    breakdown,
    delta_bytes,
    floor_click,
    header,
    launch_browser,
    open_floor_page,
    p50,
    p95,
    start_app,
    start_floor_app,
    stop_app,
    summarize_breakdowns,
    painted_ms,
    timed_click,
    verdict,
    wait_quiet,
)
from playwright.sync_api import sync_playwright

from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine

RUNS = 50
WARMUP = 50  # fills the history panel (50 entries) before anything is measured
TRAILING_MS = 300  # after the run ends: the after-run refreshes still belong to it
BASE = 7_000_003  # n = BASE + i * STEP: seven digits, never a substring of another run's value
STEP = 7_919


def value(i: int) -> int:
    return BASE + i * STEP


def sql_for(n: int) -> str:
    return f"SELECT {n} AS v"


def engine_baseline(data_dir: Path) -> list[float]:
    engine = LocalEngine(data_dir)
    who = Identity(user="bench@localhost")
    times = []
    try:
        for i in range(-WARMUP, RUNS):
            n = value(10_000 + i)
            start = time.perf_counter()
            result = engine.execute(sql_for(n), identity=who, row_limit=100_000, timeout_s=60)
            elapsed = time.perf_counter() - start
            if result.table.column(0)[0].as_py() != n:
                raise RuntimeError("engine returned the wrong value")
            if i >= 0:
                times.append(elapsed * 1000)
    finally:
        engine.close()
    return times


TYPICAL = (
    "SELECT date_format(o_orderdate, 'yyyy-MM') AS month, o_orderpriority, count(*) AS orders, "
    "round(sum(nvl(o_totalprice, 0)), 2) AS revenue FROM samples.tpch.orders "
    "WHERE o_orderdate >= DATE'1995-01-01' GROUP BY ALL ORDER BY month, o_orderpriority"
)


def translation_cost(data_dir: Path) -> None:
    """Databricks -> DuckDB translation of a typical query, first time and cached, beside the
    engine's time for the same query."""
    from dashboard_app.services.sql.translation import core

    cold, warm = [], []
    for i in range(RUNS):
        text = TYPICAL + f" LIMIT {1000 + i}"  # a new text each time: no cache hit
        start = time.perf_counter()
        core.translate(text)
        cold.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        core.translate(text)
        warm.append((time.perf_counter() - start) * 1000)
    engine = LocalEngine(data_dir)
    try:
        runs = []
        for _ in range(WARMUP + 20):
            start = time.perf_counter()
            engine.execute(TYPICAL, identity=Identity(user="bench@localhost"), row_limit=100_000, timeout_s=60)
            runs.append((time.perf_counter() - start) * 1000)
        runs = runs[WARMUP:]
    finally:
        engine.close()
    print(f"translate (new text)   p50 {p50(cold):8.3f} ms   p95 {p95(cold):8.3f} ms")
    print(f"translate (cached)     p50 {p50(warm):8.4f} ms   p95 {p95(warm):8.4f} ms")
    print(f"engine, typical query  p50 {p50(runs):8.2f} ms (translation included, cached after the first run)")
    print(f"ratio  translation (new text) / engine = {p50(cold) / p50(runs):.3f} ; cached: {p50(warm) / p50(runs):.5f}")


def app_run(app_page: AppPage, n: int) -> tuple[float, dict | None, list]:
    app_page.prepare(sql_for(n))
    wait_quiet(1.0)
    mark = len(app_page.frames)
    ms = timed_click(app_page.page, "#run-button", "#results-table tbody", str(n), "includes")
    info = breakdown(app_page.page, str(n))
    info = {**(info or {}), "painted": painted_ms(app_page.page)}
    # Let the run finish (history, chart, warehouse refreshes) before the next one, as a person would.
    app_page.wait_idle()
    app_page.page.wait_for_timeout(TRAILING_MS)
    return ms, info, app_page.frames[mark:]


def main() -> int:
    header("query_overhead: click -> rows visible, one-row query")
    tmp = Path(tempfile.mkdtemp(prefix="bench-query-"))
    data_dir = tmp / "data"
    app = floor = None
    try:
        # Engine first, on the data dir the app will use (DuckDB locks the user database file
        # for one process, so the two cannot hold it at the same time).
        t = time.perf_counter()
        engine_ms = engine_baseline(data_dir)
        print(f"engine baseline: {RUNS} runs in {time.perf_counter() - t:.1f} s", flush=True)
        translation_cost(data_dir)

        t = time.perf_counter()
        floor = start_floor_app()
        print(f"floor app up in {time.perf_counter() - t:.1f} s at {floor.url}", flush=True)
        t = time.perf_counter()
        app = start_app(tmp)
        print(f"app up in {time.perf_counter() - t:.1f} s at {app.url}", flush=True)

        app_ms, floor_ms, app_info, floor_info = [], [], [], []
        run_bytes, run_frames, by_var = [], [], []
        with sync_playwright() as p:
            browser = launch_browser(p)
            try:
                floor_page = open_floor_page(browser, floor)
                app_page = AppPage(browser, app.url)

                for i in range(-WARMUP, RUNS):
                    app_page.page.bring_to_front()
                    ms, info, frames = app_run(app_page, value(i + WARMUP))
                    floor_page.bring_to_front()
                    wait_quiet(1.0)
                    fms = floor_click(floor_page)
                    finfo = {**(breakdown(floor_page, "") or {}), "painted": painted_ms(floor_page)}
                    if i >= 0:
                        app_ms.append(ms)
                        app_info.append(info)
                        floor_ms.append(fms)
                        floor_info.append(finfo)
                        run_bytes.append(sum(f.size for f in frames))
                        run_frames.append(len(frames))
                        by_var.append(delta_bytes(frames))
            finally:
                browser.close()

        e50, e95 = p50(engine_ms), p95(engine_ms)
        a50, a95 = p50(app_ms), p95(app_ms)
        f50, f95 = p50(floor_ms), p95(floor_ms)
        target = 1.2 * (f50 + e50)
        print()
        print(f"runs: {RUNS} each after {WARMUP} warm-up; app and floor interleaved; engine before the app started")
        print(f"app    click->rows visible   p50 {a50:8.2f} ms   p95 {a95:8.2f} ms")
        print(f"engine LocalEngine.execute   p50 {e50:8.2f} ms   p95 {e95:8.2f} ms")
        print(f"floor  click->text visible  p50 {f50:8.2f} ms   p95 {f95:8.2f} ms")
        print(f"ratio  app p50 / (floor p50 + engine p50) = {a50 / (f50 + e50):.2f}x ; "
              f"app overhead beyond floor+engine = {a50 - f50 - e50:+.2f} ms")
        print(f"target app p50 <= 1.2 x (floor p50 + engine p50) = {target:.2f} ms: {verdict(a50 <= target)}")
        ap50 = p50([i["painted"] for i in app_info])
        fp50 = p50([i["painted"] for i in floor_info])
        print(f"painted (the frame showing the change drawn: style, layout, paint) app p50 {ap50:.2f} ms · "
              f"floor p50 {fp50:.2f} ms · ratio {ap50 / fp50:.2f}x")
        print(f"app   breakdown: {summarize_breakdowns(app_info)}")
        print(f"floor breakdown: {summarize_breakdowns(floor_info)}")
        print(f"bytes per run (click -> run over + {TRAILING_MS} ms) p50 {p50(run_bytes):,.0f} B "
              f"(min {min(run_bytes):,}, max {max(run_bytes):,}), frames p50 {p50(run_frames):.0f}")
        keys = sorted({k for d in by_var for k in d}, key=lambda k: -p50([d.get(k, 0) for d in by_var]))
        print("  per run, p50 bytes by state var: " + ", ".join(
            f"{k} {p50([d.get(k, 0) for d in by_var]):,.0f}" for k in keys if p50([d.get(k, 0) for d in by_var]) > 0))
        return 0
    finally:
        if app is not None:
            stop_app(app.proc)
        if floor is not None:
            floor.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
