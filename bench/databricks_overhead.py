"""What the app's DatabricksEngine adds on top of a bare databricks-sql-connector call.

Starts the fake Thrift warehouse (tests/fakes/thrift_sql.py, DuckDB behind it) and a fake
workspace (for the SDK Config), then times, interleaved in one run and over the same
connection settings:
  engine: DatabricksEngine.execute (pool, cancel scope, timeout timer, row limit + 1,
          Arrow batches, type names)
  bare:   one open connection, cursor.execute + fetchall_arrow
for a one-row query (median of 50 after warm-up) and a 100,000-row query (median of 5).
Target: engine <= 1.1 x bare + 10 ms. Not part of the test run.

    python bench/databricks_overhead.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402
from databricks import sql as dbsql  # noqa: E402

from dashboard_app.services.databricks_auth import DatabricksAuth  # noqa: E402
from dashboard_app.services.sql.databricks import DatabricksEngine  # noqa: E402
from dashboard_app.services.sql.engine import Identity  # noqa: E402
from dashboard_app.settings import Settings  # noqa: E402
from tests.fakes.thrift_sql import FakeSqlWarehouse  # noqa: E402
from tests.fakes.workspace import FakeWorkspace  # noqa: E402

TOKEN = "dapi-bench"
WAREHOUSE = "bench0123456789"
ONE_ROW = "SELECT 1 AS one"
MANY_ROWS = "SELECT * FROM bench.rows"
SP = Identity(user="bench@localhost", pool_key="sp")


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def compare(name: str, engine_fn: Callable[[], int], bare_fn: Callable[[], int], rows: int, warmup: int, runs: int) -> bool:
    for _ in range(warmup):
        assert engine_fn() == rows and bare_fn() == rows
    engine_t, bare_t = [], []
    for _ in range(runs):  # interleaved, so drift in the machine hits both sides alike
        engine_t.append(timed(engine_fn))
        bare_t.append(timed(bare_fn))
    e, b = statistics.median(engine_t), statistics.median(bare_t)
    ok = e <= 1.1 * b + 0.010
    print(
        f"{name:<16} rows={rows:>7}  runs={runs:>2}  engine={e * 1000:8.2f} ms  bare={b * 1000:8.2f} ms  "
        f"ratio={e / b:5.2f}x  overhead={(e - b) * 1000:+7.2f} ms  target<=1.1x+10ms: {'PASS' if ok else 'FAIL'}"
    )
    return ok


def main() -> int:
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ':memory:' AS bench")
    con.execute(
        "CREATE TABLE bench.rows AS SELECT CAST(i AS BIGINT) AS id, 'row ' || i AS label, "
        "CAST(i * 0.25 AS DECIMAL(12,2)) AS amount, DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS day "
        "FROM range(100000) t(i)"
    )
    with FakeWorkspace(tokens={TOKEN}) as ws, FakeSqlWarehouse(con, tokens={TOKEN}, http_path=f"/sql/1.0/warehouses/{WAREHOUSE}") as fake:
        settings = Settings(DATABRICKS_HOST=ws.url, DATABRICKS_TOKEN=TOKEN, DATABRICKS_WAREHOUSE_ID=WAREHOUSE)  # type: ignore[call-arg]
        engine = DatabricksEngine(settings, auth=DatabricksAuth(settings), extra_connect_args=fake.connect_args(), pool_size=1)
        bare = dbsql.connect(**engine.connect_kwargs(SP))  # the very same connection settings

        def engine_run(sql: str, limit: int) -> Callable[[], int]:
            return lambda: engine.execute(sql, identity=SP, row_limit=limit, timeout_s=60).row_count

        def bare_run(sql: str) -> Callable[[], int]:
            def run() -> int:
                with bare.cursor() as cur:
                    cur.execute(sql)
                    return cur.fetchall_arrow().num_rows

            return run

        print(f"fake warehouse on {fake.url} (DuckDB behind the connector's own Thrift protocol)")
        try:
            ok = compare("one row", engine_run(ONE_ROW, 100_000), bare_run(ONE_ROW), 1, warmup=10, runs=50)
            ok &= compare("100,000 rows", engine_run(MANY_ROWS, 100_000), bare_run(MANY_ROWS), 100_000, warmup=1, runs=5)
        finally:
            bare.close()
            engine.close()
    con.close()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
