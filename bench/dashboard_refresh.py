"""A 12-tile dashboard refreshed in parallel, against its 12 queries run one after another.

Measured side by side in one run:
  1. embedded DuckDB as it is: refresh (all tiles, concurrency 4, cache off) vs the 12
     queries run sequentially on the same engine; the ratio is reported.
  2. the same engine answering each query 200 ms late, as a remote warehouse does:
     target refresh <= 0.35 x sequential.
  3. in the page: click Refresh -> the last tile drawn (a clock inside the page), against
     the same 12 queries run sequentially on the engine, and against the framework floor
     (a bare Reflex page whose button only sets a text).
A script, not a test: it prints figures and never asserts.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import free_port, header, install_timer, launch_browser, open_floor_page, floor_click, p50, p95, start_floor_app, stop_group, verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright  # noqa: E402

from dashboard_app.services.dashboards import model  # noqa: E402
from dashboard_app.services.dashboards.refresh import Limits, Refresher  # noqa: E402
from dashboard_app.services.sql.engine import CancelScope, Identity  # noqa: E402
from dashboard_app.services.sql.local import LocalEngine  # noqa: E402

RUNS = 10
DELAY_S = 0.2
WHO = Identity("bench@localhost")

TILES = [
    "SELECT count(*) AS n FROM samples.tpch.orders WHERE o_orderdate BETWEEN :period_start AND :period_end",
    "SELECT o_orderpriority, count(*) AS n FROM samples.tpch.orders WHERE o_orderdate BETWEEN :period_start AND :period_end GROUP BY ALL ORDER BY 1",
    "SELECT date_format(o_orderdate, 'yyyy-MM') AS m, sum(o_totalprice) AS r FROM samples.tpch.orders WHERE o_orderdate BETWEEN :period_start AND :period_end GROUP BY ALL ORDER BY 1",
    "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS q FROM samples.tpch.lineitem GROUP BY ALL ORDER BY 1, 2",
    "SELECT l_shipmode, avg(l_extendedprice) AS p FROM samples.tpch.lineitem GROUP BY ALL ORDER BY 1",
    "SELECT n_name, count(*) AS c FROM samples.tpch.customer JOIN samples.tpch.nation ON c_nationkey = n_nationkey GROUP BY ALL ORDER BY 2 DESC",
    "SELECT r_name, sum(o_totalprice) AS r FROM samples.tpch.orders JOIN samples.tpch.customer ON o_custkey = c_custkey JOIN samples.tpch.nation ON c_nationkey = n_nationkey JOIN samples.tpch.region ON n_regionkey = r_regionkey GROUP BY ALL ORDER BY 1",
    "SELECT p_type, count(*) AS c FROM samples.tpch.part GROUP BY ALL ORDER BY 2 DESC LIMIT 20",
    "SELECT s_name, s_acctbal FROM samples.tpch.supplier ORDER BY s_acctbal DESC LIMIT 10",
    "SELECT ps_partkey, sum(ps_availqty) AS q FROM samples.tpch.partsupp GROUP BY ALL ORDER BY 2 DESC LIMIT 10",
    "SELECT pickup_zip, count(*) AS trips, avg(fare_amount) AS fare FROM samples.nyctaxi.trips GROUP BY ALL ORDER BY 2 DESC LIMIT 10",
    "SELECT c_mktsegment, count(*) AS c FROM samples.tpch.customer GROUP BY ALL ORDER BY 1",
]
VALUES = {"period": ["1995-01-01", "1996-12-31"]}


def dashboard() -> model.Dashboard:
    return model.from_data({
        "title": "Bench",
        "parameters": [{"name": "period", "type": "date_range", "default": VALUES["period"]}],
        "tiles": [{"title": f"Tile {i + 1}", "sql": sql, "viz": {"type": "table"}} for i, sql in enumerate(TILES)],
    })


class Remote:
    """The real engine, answering each statement DELAY_S late (cancellable), as a warehouse does."""

    def __init__(self, engine: LocalEngine):
        self.engine = engine

    def execute(self, sql, *, scope=None, **kw):
        scope = scope or CancelScope()
        wake = threading.Event()
        scope.arm(wake.set)
        try:
            wake.wait(DELAY_S)
        finally:
            scope.disarm()
        scope.raise_if_cancelled()
        return self.engine.execute(sql, scope=scope, **kw)


def sequential(engine, d: model.Dashboard) -> float:
    from dashboard_app.services.dashboards.binding import bind, values_of

    values = values_of(d, VALUES)
    start = time.perf_counter()
    for tile in d.tiles:
        engine.execute(tile.sql, identity=WHO, params=bind(d, values, tile.sql) or None, row_limit=100_000, timeout_s=60, read_only=True)
    return (time.perf_counter() - start) * 1000


def refreshed(engine, d: model.Dashboard) -> float:
    refresher = Refresher(engine, Limits(row_limit=100_000, timeout_s=60, read_only_mode=False, concurrency=4, cache_ttl_s=0))
    start = time.perf_counter()
    results = asyncio.run(refresher.all_tiles(d, VALUES, WHO, fresh=True))
    elapsed = (time.perf_counter() - start) * 1000
    bad = [r for r in results if r.status != "ok"]
    if bad:
        raise RuntimeError(f"tile failed: {bad[0].error}")
    return elapsed


def measure(engine, d: model.Dashboard, label: str, target: float | None) -> None:
    seq, par = [], []
    for _ in range(RUNS):  # interleaved, so load on the machine hits both alike
        seq.append(sequential(engine, d))
        par.append(refreshed(engine, d))
    ratio = p50(par) / p50(seq)
    print(f"{label}")
    print(f"  sequential (12 queries, one after another)  p50 {p50(seq):8.1f} ms   p95 {p95(seq):8.1f} ms")
    print(f"  dashboard refresh (concurrency 4)           p50 {p50(par):8.1f} ms   p95 {p95(par):8.1f} ms")
    line = f"  ratio refresh / sequential = {ratio:.2f}x"
    if target is not None:
        line += f" ; target <= {target:.2f}x: {verdict(ratio <= target)}"
    print(line)


def page_refresh(data_dir: Path, engine_ms: float) -> None:
    import os
    import subprocess

    from _common import reflex_env, wait_http

    root = Path(__file__).resolve().parents[1]
    port = free_port()
    log = data_dir.parent / "app.log"
    env = {**reflex_env(), "APP_DATA_DIR": str(data_dir), "APP_ENV_FILE": os.devnull, "APP_DASHBOARD_CACHE_SECONDS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard_app.launch", "--port", str(port)], cwd=root, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    floor = None
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(url, proc, log, 300)
        # The bench dashboard, created through the API as a script would.
        import urllib.request

        req = urllib.request.Request(url + "/api/dashboards", data=model.dump(dashboard()).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            import json

            dash_id = json.loads(r.read())["id"]
        floor = start_floor_app()
        with sync_playwright() as p:
            browser = launch_browser(p)
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.goto(f"{url}/dashboards/{dash_id}")
            page.wait_for_selector(".dashboard-tile[data-state='ok']")
            page.wait_for_function("() => !document.querySelector(\".dashboard-tile[data-state='loading']\")", timeout=60_000)
            install_timer(page)
            floor_page = open_floor_page(browser, floor)
            app_ms, floor_ms = [], []
            for i in range(RUNS + 2):
                # The last tile drawn: no tile loading, and the refresh time shown has changed.
                page.evaluate("([c, w, e, m]) => window.__bench.arm(c, w, e, m)", ["#refresh-dashboard", "#last-refresh", "", "changes"])
                page.wait_for_timeout(1100)  # the clock shows seconds: let it tick before the next refresh
                page.locator("#refresh-dashboard").click()
                page.wait_for_function("() => window.__bench.t1 !== null", polling=25, timeout=60_000)
                page.wait_for_function("() => !document.querySelector(\".dashboard-tile[data-state='loading']\")", timeout=60_000)
                ms = page.evaluate("() => window.__bench.elapsed()")
                f = floor_click(floor_page)
                if i >= 2:
                    app_ms.append(float(ms))
                    floor_ms.append(f)
            browser.close()
        print("page: click Refresh -> last tile drawn (clock inside the page), 12 tiles, cache off")
        print(f"  app                     p50 {p50(app_ms):8.1f} ms   p95 {p95(app_ms):8.1f} ms")
        print(f"  engine, 12 sequential   p50 {engine_ms:8.1f} ms")
        print(f"  floor (bare Reflex)     p50 {p50(floor_ms):8.1f} ms")
        print(f"  ratio app / (engine sequential + floor) = {p50(app_ms) / (engine_ms + p50(floor_ms)):.2f}x")
    finally:
        stop_group(proc)
        if floor is not None:
            stop_group(floor.proc)


def main() -> int:
    header("dashboard_refresh: 12 tiles in parallel vs 12 queries in a row")
    tmp = Path(tempfile.mkdtemp(prefix="bench-dash-"))
    try:
        engine = LocalEngine(tmp / "engine-data")
        d = dashboard()
        try:
            refreshed(engine, d)  # warm-up: translation caches, data in memory
            measure(engine, d, "embedded DuckDB as it is", None)
            measure(Remote(engine), d, f"each query answered {DELAY_S * 1000:.0f} ms late (a remote warehouse)", 0.35)
            engine_ms = p50([sequential(engine, d) for _ in range(RUNS)])
        finally:
            engine.close()
        page_refresh(tmp / "app-data", engine_ms)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
