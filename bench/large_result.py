"""A 1,000,000-row, 10-column result: first page, server memory, page-flip bytes and time.

Measured in one run, each figure beside its baseline (app in prod mode with
APP_MAX_RESULT_ROWS=1000000; engine runs interleaved with the app's):
  (a) click -> first row visible in the browser (in-page timer), against LocalEngine.execute
      of the same query with row_limit=1,000,000 in this process. Target <= 1.2x.
      Also printed, as diagnostics: the engine keeping its last 8 results (as the app's store
      does) and the app's own engine.execute time (from its result delta), so the app's cost
      beyond its engine shows even when the engine's time is noisy.
  (b) the app server process's RSS increase (peak during the query - before it; VmRSS
      sampled every 20 ms plus VmHWM reset before the query) against the result's Arrow size
      (table.nbytes). Target <= 2x. The headline is the first large query of the session.
  (c) websocket bytes the browser receives for one 100-row page flip (Playwright's
      framereceived, from the click on #next-page until the page shows, plus 300 ms for
      trailing frames). Target <= 20 KB.
  (d) page flip p50 over 20 flips (click #next-page -> #row-summary changes, in-page) against
      the framework floor (a minimal Reflex app whose button only sets a text var), clicks
      interleaved. Target <= 1.2x. Also "painted", for both: until the frame showing the
      new page has been drawn (style, layout and paint included).
  (e) the server's resident memory (VmRSS) at idle (started, page open, one small query),
      after 100 small queries, and after the ten million-row results, beside the Arrow bytes
      the result store holds.
A script, not a test: never asserts.

    python bench/large_result.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    AppPage,
    RssSampler,
    breakdown,
    floor_click,
    header,
    kb,
    launch_browser,
    mb,
    open_floor_page,
    p50,
    p95,
    server_pid,
    status_kb,
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

ROWS = 1_000_000
LARGE_RUNS = 10
SMALL_RUNS = 100
FLIPS = 20
FLIP_WARMUP = 3
TRAILING_S = 0.3


def large_sql(k: int) -> str:
    """Mixed types: 3 ints, 3 doubles, 2 short strings, a date, a boolean. First id is k."""
    return f"""SELECT i AS id,
       i * 2 AS twice,
       CAST(i % 97 AS INTEGER) AS mod97,
       CAST(i AS DOUBLE) / 2 AS half,
       sqrt(i) AS root,
       'name_' || (i % 1000) AS name,
       ['red', 'green', 'blue'][CAST(i % 3 AS INTEGER) + 1] AS color,
       DATE '2020-01-01' + CAST(i % 3650 AS INTEGER) AS day,
       CAST(i % 10000 AS DOUBLE) / 100 AS price,
       i % 2 = 0 AS even
FROM range({k}, {k} + {ROWS}) t(i)"""


def start_of(run: int) -> int:
    # Eight digits, distinct per run: the first cell of the first row tells the runs apart.
    return 10_000_000 * (run + 2) + 123_457


FIRST_ID_CELL = "#results-table tbody tr:first-child td:nth-child(2)"


def main() -> int:
    header(f"large_result: {ROWS:,} rows x 10 columns")
    tmp = Path(tempfile.mkdtemp(prefix="bench-large-"))
    app = floor = None
    engine = None
    try:
        # The engine gets a data folder of its own: the query reads no table, and DuckDB locks
        # the user database file for one process, so this lets its runs interleave with the app's.
        engine = LocalEngine(tmp / "engine-data")
        who = Identity(user="bench@localhost")

        kept: list = []  # for the "results kept" variant: the app's store holds up to 8 per session

        def engine_run(k: int, keep: bool = False) -> tuple[float, int]:
            start = time.perf_counter()
            result = engine.execute(large_sql(k), identity=who, row_limit=ROWS, timeout_s=300)
            ms = (time.perf_counter() - start) * 1000
            if result.row_count != ROWS or result.truncated or result.table.column(0)[0].as_py() != k:
                raise RuntimeError("engine returned an unexpected result")
            if keep:
                kept.append(result)
                del kept[:-8]
            return ms, result.table.nbytes

        engine_run(1)  # warm-up

        t = time.perf_counter()
        floor = start_floor_app()
        print(f"floor app up in {time.perf_counter() - t:.1f} s at {floor.url}", flush=True)
        t = time.perf_counter()
        app = start_app(tmp, {"APP_MAX_RESULT_ROWS": str(ROWS)})
        port = int(app.url.rsplit(":", 1)[1])
        pid = server_pid(app.proc.pid, port)
        print(f"app up in {time.perf_counter() - t:.1f} s at {app.url}; server process {pid}", flush=True)

        engine_ms: list[float] = []
        kept_ms: list[float] = []
        app_ms: list[float] = []
        app_info: list[dict | None] = []
        mem: list[tuple[int, int, int]] = []  # (before, increase, samples)
        nbytes = 0
        flip_ms: list[float] = []
        floor_ms: list[float] = []
        flip_bytes: list[int] = []
        flip_bytes_until_shown: list[int] = []
        flip_frames: list[int] = []
        sample_frames: list[str] = []
        flip_info: list[dict | None] = []
        floor_info: list[dict | None] = []
        with sync_playwright() as p:
            browser = launch_browser(p)
            try:
                floor_page = open_floor_page(browser, floor)
                ap = AppPage(browser, app.url)
                page = ap.page

                # Warm-up: a small query through the whole path (session, history, grid).
                ap.prepare("SELECT 424242 AS v")
                timed_click(page, "#run-button", "#results-table tbody", "424242", "includes")
                ap.wait_idle()
                page.wait_for_timeout(300)
                rss_idle = status_kb(pid, "VmRSS") * 1024

                # (e) 100 small queries, each through the whole path.
                for i in range(SMALL_RUNS):
                    n = 5_000_000 + i * 7
                    ap.prepare(f"SELECT {n} AS v, 'small' AS kind")
                    timed_click(page, "#run-button", "#results-table tbody", str(n), "includes")
                    ap.wait_idle()
                page.wait_for_timeout(500)
                rss_small = status_kb(pid, "VmRSS") * 1024
                print(f"  {SMALL_RUNS} small queries: server rss {mb(rss_idle)} -> {mb(rss_small)}", flush=True)

                # (a) + (b): first page of the large result, and the server's memory.
                for run in range(LARGE_RUNS):
                    k = start_of(run)

                    def app_side() -> None:
                        ap.prepare(large_sql(k))
                        busy.append(wait_quiet())
                        with RssSampler(pid) as sampler:
                            app_ms.append(timed_click(page, "#run-button", FIRST_ID_CELL, str(k), "equals", timeout_ms=300_000))
                            app_info.append(breakdown(page, str(k)))
                            ap.wait_idle(300_000)
                            page.wait_for_timeout(300)  # history refresh, chart: still part of the run
                        mem.append((sampler.before_kb * 1024, sampler.increase_bytes, sampler.samples))

                    def engine_side() -> None:
                        nonlocal nbytes
                        busy.append(wait_quiet())
                        ms, nbytes = engine_run(k + 1)
                        engine_ms.append(ms)

                    def kept_side() -> None:
                        busy.append(wait_quiet())
                        kept_ms.append(engine_run(k + 2, keep=True)[0])

                    busy: list[float] = []
                    sides = [app_side, engine_side, kept_side]
                    for side in sides[run % 3:] + sides[: run % 3]:  # rotate which goes first
                        side()
                    inside = (app_info[-1] or {}).get("engine_in_app")
                    print(f"  large run {run + 1}: app {app_ms[-1]:6.1f} ms (its own engine.execute "
                          f"{'-' if inside is None else f'{inside:.1f}'} ms) · engine {engine_ms[-1]:6.1f} ms · "
                          f"engine, results kept {kept_ms[-1]:6.1f} ms · max cpu busy before a side {max(busy):.0%} · "
                          f"server rss before {mb(mem[-1][0])}, increase {mb(mem[-1][1])} ({mem[-1][2]} samples)", flush=True)

                summary = page.locator("#row-summary").inner_text()
                # (c) + (d): page flips of the last large result, interleaved with floor clicks.
                for flip in range(-FLIP_WARMUP, FLIPS):
                    page.bring_to_front()
                    wait_quiet(1.0)
                    mark = len(ap.frames)
                    t_click = time.monotonic()
                    ms = timed_click(page, "#next-page", "#row-summary", "", "changes")
                    t_shown = time.monotonic()
                    info = {**(breakdown(page, "row_summary") or {}), "painted": painted_ms(page)}
                    page.wait_for_timeout(TRAILING_S * 1000)
                    frames = [f for f in ap.frames[mark:] if f.t >= t_click]
                    floor_page.bring_to_front()
                    wait_quiet(1.0)
                    fms = floor_click(floor_page)
                    finfo = {**(breakdown(floor_page, "") or {}), "painted": painted_ms(floor_page)}
                    if flip >= 0:
                        flip_info.append(info)
                        floor_info.append(finfo)
                        flip_ms.append(ms)
                        floor_ms.append(fms)
                        flip_bytes.append(sum(f.size for f in frames))
                        flip_bytes_until_shown.append(sum(f.size for f in frames if f.t <= t_shown))
                        flip_frames.append(len(frames))
                        if not sample_frames:
                            sample_frames = [f.text for f in frames]
                last_summary = page.locator("#row-summary").inner_text()
                rss_large = status_kb(pid, "VmRSS") * 1024
            finally:
                browser.close()

        # --- figures ---
        print()
        print(f"result: {ROWS:,} rows x 10 columns, Arrow table.nbytes = {mb(nbytes)}; grid shows: {summary!r}")
        a50, e50 = p50(app_ms), p50(engine_ms)
        print(f"(a) first page   app click->first row p50 {a50:8.1f} ms (min {min(app_ms):.1f}, max {max(app_ms):.1f}, n={len(app_ms)})")
        print(f"                 engine execute       p50 {e50:8.1f} ms (min {min(engine_ms):.1f}, max {max(engine_ms):.1f}, n={len(engine_ms)})")
        print(f"                 ratio p50 {a50 / e50:.2f}x (min/min {min(app_ms) / min(engine_ms):.2f}x)   "
              f"target p50 <= 1.2x: {verdict(a50 <= 1.2 * e50)}")
        k50 = p50(kept_ms)
        print(f"                 engine, results kept p50 {k50:8.1f} ms (min {min(kept_ms):.1f}, max {max(kept_ms):.1f}; "
              f"keeps the last 8 results as the app's store does)")
        inside = [i["engine_in_app"] for i in app_info if i and i.get("engine_in_app") is not None]
        if inside:
            over = [a - e for a, e in zip(app_ms, inside)]
            print(f"                 the app's own engine.execute (from its result delta) p50 {p50(inside):.1f} ms; "
                  f"app minus its own engine p50 {p50(over):.1f} ms")
        print(f"                 ratio app p50 / engine-kept p50 {a50 / k50:.2f}x (diagnostic, not the target)")
        print(f"                 app breakdown: {summarize_breakdowns(app_info)}")
        first_before, first_inc, first_samples = mem[0]
        ratio_mem = first_inc / nbytes
        print(f"(b) memory       server RSS before {mb(first_before)}, peak increase during the first large query "
              f"{mb(first_inc)} ({first_samples} samples + VmHWM)")
        print(f"                 increase / table.nbytes = {ratio_mem:.2f}x   target <= 2x: {verdict(ratio_mem <= 2)}")
        print(f"                 later runs' increase (earlier results still held): "
              + ", ".join(f"{mb(inc)}" for _, inc, _ in mem[1:])
              + f"; RSS after all runs {mb(mem[-1][0] + mem[-1][1])}")
        c50, cmax = p50(flip_bytes), max(flip_bytes)
        print(f"(c) page flip    bytes received per flip p50 {kb(c50)} (max {kb(cmax)}, until shown p50 "
              f"{kb(p50(flip_bytes_until_shown))}), frames p50 {p50(flip_frames):.0f}")
        print(f"                 target <= 20 KB: {verdict(c50 <= 20 * 1024 and cmax <= 20 * 1024)}")
        for text in sample_frames:
            print(f"                 frame ({len(text.encode()):,} B): {text[:300]}{'…' if len(text) > 300 else ''}")
        f50, s50 = p50(flip_ms), p50(floor_ms)
        print(f"(d) page flip    app click->summary changed p50 {f50:6.2f} ms  p95 {p95(flip_ms):6.2f} ms (n={len(flip_ms)})")
        print(f"                 floor click->text visible  p50 {s50:6.2f} ms  p95 {p95(floor_ms):6.2f} ms")
        print(f"                 ratio {f50 / s50:.2f}x   target <= 1.2x: {verdict(f50 <= 1.2 * s50)}   (grid now: {last_summary!r})")
        fp, sp = p50([i["painted"] for i in flip_info]), p50([i["painted"] for i in floor_info])
        print(f"                 painted (the frame showing it drawn: style, layout, paint) app p50 {fp:6.2f} ms · "
              f"floor p50 {sp:6.2f} ms · ratio {fp / sp:.2f}x")
        print(f"                 app   breakdown: {summarize_breakdowns(flip_info)}")
        print(f"                 floor breakdown: {summarize_breakdowns(floor_info)}")
        held = min(LARGE_RUNS, 8)  # a tab keeps its last 8 results
        print(f"(e) server RSS   idle {mb(rss_idle)} · after {SMALL_RUNS} small queries {mb(rss_small)} "
              f"({mb(rss_small - rss_idle)} more) · after {LARGE_RUNS} million-row results {mb(rss_large)} "
              f"({mb(rss_large - rss_idle)} more than idle; the store holds at most {held} of them, "
              f"{mb(held * nbytes)} of Arrow data, within its 1 GiB budget)")
        return 0
    finally:
        if app is not None:
            stop_app(app.proc)
        if floor is not None:
            floor.stop()
        if engine is not None:
            engine.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
