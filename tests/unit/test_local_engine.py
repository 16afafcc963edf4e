"""The embedded DuckDB engine: sample data, limits, cancel, timeout, parameters, metadata."""

from __future__ import annotations

import threading

import duckdb
import pytest

from dashboard_app.services.sql import sample_data
from dashboard_app.services.sql.engine import CancelScope, Identity, QueryCancelled, QueryError, QueryTimeout
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.settings import DataDirError

ME = Identity("analyst@test")


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> LocalEngine:
    e = LocalEngine(tmp_path_factory.mktemp("data"))
    yield e
    e.close()


def run(engine: LocalEngine, sql: str, **kw):
    kw.setdefault("row_limit", 1000)
    kw.setdefault("timeout_s", 30)
    return engine.execute(sql, identity=ME, **kw)


def test_sample_tables_have_databricks_names_and_sizes(engine):
    counts = {
        t: run(engine, f"SELECT count(*) FROM samples.{t}").table.column(0)[0].as_py()
        for t in ["tpch.region", "tpch.nation", "tpch.customer", "tpch.orders", "tpch.lineitem", "nyctaxi.trips"]
    }
    assert counts["tpch.region"] == 5 and counts["tpch.nation"] == 25
    assert counts["tpch.lineitem"] >= 600_000
    assert counts["nyctaxi.trips"] == 21_932
    cols = [c.name for c in engine.list_columns(ME, "samples", "nyctaxi", "trips")]
    assert cols == ["tpep_pickup_datetime", "tpep_dropoff_datetime", "trip_distance", "fare_amount", "pickup_zip", "dropoff_zip"]
    lineitem = [c.name for c in engine.list_columns(ME, "samples", "tpch", "lineitem")]
    assert lineitem[:4] == ["l_orderkey", "l_partkey", "l_suppkey", "l_linenumber"] and len(lineitem) == 16


def test_tpch_relationships_hold(engine):
    orphans = run(engine, """
        SELECT count(*) FROM samples.tpch.lineitem l
        LEFT JOIN samples.tpch.orders o ON o.o_orderkey = l.l_orderkey
        LEFT JOIN samples.tpch.part p ON p.p_partkey = l.l_partkey
        WHERE o.o_orderkey IS NULL OR p.p_partkey IS NULL""").table.column(0)[0].as_py()
    assert orphans == 0


def test_generation_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        sample_data.build(d / "s.duckdb")
    q = "SELECT sum(hash(o_orderkey, o_custkey, o_totalprice, o_orderdate)) FROM tpch.orders"
    results = [duckdb.connect(str(d / "s.duckdb"), read_only=True).execute(q).fetchone()[0] for d in (a, b)]
    assert results[0] == results[1]


def test_corrupt_sample_file_is_rebuilt(tmp_path):
    path = sample_data.ensure(tmp_path)
    path.write_bytes(b"not a database" * 100)
    assert not sample_data.is_valid(path)
    rebuilt = sample_data.ensure(tmp_path)
    assert sample_data.is_valid(rebuilt)


def test_half_written_build_is_ignored(tmp_path):
    (tmp_path / (sample_data.SAMPLES_FILE + ".building")).write_bytes(b"partial")
    path = sample_data.ensure(tmp_path)
    assert sample_data.is_valid(path)
    assert not (tmp_path / (sample_data.SAMPLES_FILE + ".building")).exists()


def test_unwritable_data_dir_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataDirError, match="APP_DATA_DIR"):
        LocalEngine(blocker / "data")


def test_row_limit_truncates_and_says_so(engine):
    r = run(engine, "SELECT * FROM samples.tpch.lineitem", row_limit=1234)
    assert r.row_count == 1234 and r.truncated
    r = run(engine, "SELECT * FROM samples.tpch.region", row_limit=5)
    assert r.row_count == 5 and not r.truncated


def test_ten_million_rows_are_cut_at_the_limit(engine):
    r = run(engine, "SELECT i, i * 2 AS j FROM range(10000000) t(i)", row_limit=100_000)
    assert r.row_count == 100_000 and r.truncated
    assert r.table.nbytes < 5 * 1024 * 1024


def test_column_types_are_engine_types(engine):
    r = run(engine, "SELECT 1::BIGINT AS a, 'x' AS b, DATE '2020-01-01' AS c, 1.5::DECIMAL(10,2) AS d")
    assert [(c.name, c.type) for c in r.columns] == [("a", "BIGINT"), ("b", "VARCHAR"), ("c", "DATE"), ("d", "DECIMAL(10,2)")]


def test_bad_sql_gives_engine_message_with_line(engine):
    with pytest.raises(QueryError) as info:
        run(engine, "SELECT 1\nFROM\nWHERE")
    assert "syntax error" in str(info.value).lower()
    assert info.value.line == 3


def test_cancel_from_another_thread_stops_the_query(engine):
    scope = CancelScope()
    threading.Timer(0.3, scope.cancel).start()
    with pytest.raises(QueryCancelled) as info:
        run(engine, "SELECT count(*) FROM range(1000000000000) a, range(100) b", scope=scope)
    assert not isinstance(info.value, QueryTimeout)


def test_cancel_before_start_never_runs(engine):
    scope = CancelScope()
    scope.cancel()
    with pytest.raises(QueryCancelled):
        run(engine, "CREATE TABLE main.default.never AS SELECT 1", scope=scope)
    assert "never" not in [t.name for t in engine.list_tables(ME, "main", "default")]


def test_timeout(engine):
    with pytest.raises(QueryTimeout, match="timed out"):
        run(engine, "SELECT count(*) FROM range(1000000000000) a, range(100) b", timeout_s=0.3)


def test_parameters_are_bound_not_formatted(engine):
    hostile = "x'); DROP TABLE main.default.t; --"
    r = run(engine, "SELECT :v AS v, :n + 1 AS n", params={"v": hostile, "n": 41})
    assert r.table.to_pylist() == [{"v": hostile, "n": 42}]


def test_databricks_spelling_runs_locally(engine):
    run(engine, "CREATE OR REPLACE TABLE main.default.spelling AS SELECT 1 AS a, \"text\" AS s")
    r = run(engine, "SELECT a, s FROM `main`.`default`.`spelling` WHERE s = \"text\"")
    assert r.table.to_pylist() == [{"a": 1, "s": "text"}]
    # Unqualified names land in main.default, as on a workspace whose default catalog is main.
    assert run(engine, "SELECT count(*) FROM spelling").table.column(0)[0].as_py() == 1


def test_metadata_lists(engine):
    assert {"main", "samples"} <= set(engine.list_catalogs(ME))
    assert engine.list_schemas(ME, "samples") == ["nyctaxi", "tpch"]
    assert [t.name for t in engine.list_tables(ME, "samples", "tpch")] == sorted(
        ["customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"]
    )


def test_samples_are_read_only(engine):
    with pytest.raises(QueryError, match="read-only|read only"):
        run(engine, "DELETE FROM samples.tpch.region")


def test_concurrent_queries_do_not_block_each_other(engine):
    scope = CancelScope()
    outcome: list[object] = []

    def slow_query() -> None:
        # A failed assertion in a thread is only a warning: hand the outcome to the test instead.
        try:
            outcome.append(run(engine, "SELECT count(*) FROM range(1000000000000) a, range(100) b", scope=scope))
        except BaseException as err:  # noqa: BLE001 - checked below
            outcome.append(err)

    slow = threading.Thread(target=slow_query)
    slow.start()
    try:
        assert run(engine, "SELECT 7 AS x").table.to_pylist() == [{"x": 7}]
    finally:
        scope.cancel()
        slow.join(10)
    assert not slow.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], QueryCancelled), outcome


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("locked")
    (tmp / "files").mkdir()
    (tmp / "files" / "a.csv").write_text("x,y\n1,2\n")
    (tmp / "outside.csv").write_text("x\n1\n")
    e = LocalEngine(tmp / "data", files_root=tmp / "files")
    yield e, tmp
    e.close()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_csv('{tmp}/outside.csv')",
        "SELECT * FROM read_csv('{tmp}/files/../outside.csv')",
        "COPY (SELECT 1) TO '{tmp}/written.csv'",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "SELECT * FROM glob('/*')",
    ],
)
def test_host_files_outside_the_files_root_are_refused(locked, sql):
    engine, tmp = locked
    with pytest.raises(QueryError) as info:
        run(engine, sql.format(tmp=tmp))
    assert "APP_FILES_ROOT" in str(info.value) and "Databricks warehouse" in str(info.value)
    assert not (tmp / "written.csv").exists() and not (tmp / "other.duckdb").exists()


def test_files_under_the_root_can_be_read_and_written(locked):
    engine, tmp = locked
    assert run(engine, f"SELECT y FROM read_csv('{tmp}/files/a.csv')").table.column(0).to_pylist() == [2]
    run(engine, f"COPY (SELECT 7 AS n) TO '{tmp}/files/out.csv'")
    assert (tmp / "files" / "out.csv").read_text().split() == ["n", "7"]


@pytest.mark.parametrize("sql", ["SET enable_external_access = true", "RESET allowed_directories", "SET lock_configuration = false"])
def test_no_statement_can_lift_the_lock(locked, sql):
    engine, tmp = locked
    with pytest.raises(QueryError, match="locked"):
        run(engine, sql)
    with pytest.raises(QueryError, match="APP_FILES_ROOT"):
        run(engine, f"SELECT * FROM read_csv('{tmp}/outside.csv')")


# --- check_syntax: DuckDB's parser only, nothing bound or run ---


def test_check_syntax_names_the_bad_word_where_the_user_wrote_it(engine):
    err = engine.check_syntax("SELEC 1", ME)
    assert err is not None and 'syntax error at or near "SELEC"' in str(err)
    assert (err.line, err.column) == (1, 1)
    later = engine.check_syntax("SELECT 1;\nSELECT *\nFRM samples.tpch.region", ME)
    assert later is not None and later.line == 3


def test_check_syntax_accepts_what_parses_without_running_it(engine):
    assert engine.check_syntax("CREATE TABLE main.default.t AS SELECT 1", ME) is None
    assert "t" not in [t.name for t in engine.list_tables(ME, "main", "default")]
    # Binding is not parsing: a missing table is for the run to report.
    assert engine.check_syntax("SELECT * FROM samples.tpch.no_such_table", ME) is None


def test_check_syntax_reports_a_databricks_only_construct(engine):
    err = engine.check_syntax("SELECT * FROM samples.tpch.orders VERSION AS OF 1", ME)
    assert err is not None and "Delta time travel" in str(err)
