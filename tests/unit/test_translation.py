"""The translation itself: what cannot be carried over is named, unparseable text runs as
written, errors point at the user's text, and no parse ever fails the translation."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp, parse_one

from dashboard_app.services.sql import guard
from dashboard_app.services.sql.engine import Identity, QueryError
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.services.sql.translation import Unsupported, translate

ME = Identity("translation@test")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LocalEngine(tmp_path_factory.mktemp("data"))
    yield e
    e.close()


def run(engine, sql, **kw):
    return engine.execute(sql, identity=ME, row_limit=100, timeout_s=30, **kw)


@pytest.mark.parametrize(
    "sql, named",
    [
        ("SELECT * FROM samples.tpch.orders VERSION AS OF 3", "time travel"),
        ("SELECT * FROM samples.tpch.orders TIMESTAMP AS OF '2024-01-01'", "time travel"),
        ("OPTIMIZE samples.tpch.orders ZORDER BY (o_orderdate)", "OPTIMIZE"),
        ("VACUUM main.default.t", "VACUUM"),
        ("SELECT * FROM csv.`/Volumes/main/default/files/a.csv`", "/Volumes/main/default/files/a.csv"),
        ("SELECT * FROM read_files('/Volumes/main/default/files/')", "read_files"),
        ("SELECT * FROM parquet.`s3://bucket/x`", "s3://bucket/x"),
        ("CREATE STREAMING TABLE main.default.s AS SELECT 1", "Streaming tables"),
        ("CREATE MATERIALIZED VIEW main.default.m AS SELECT 1", "Materialized views"),
        ("SELECT * FROM STREAM(samples.tpch.orders)", "STREAM"),
        ("DESCRIBE HISTORY samples.tpch.orders", "DESCRIBE HISTORY"),
        ("LIST '/Volumes/main/default/files'", "LIST"),
    ],
)
def test_databricks_only_constructs_are_named(engine, sql, named):
    with pytest.raises(Unsupported) as info:
        run(engine, sql)
    message = str(info.value)
    assert named in message and "Databricks SQL warehouse" in message and "embedded" in message
    assert "duckdb" not in message.replace("DuckDB", "")  # no DuckDB error about what the user never wrote


def test_unparseable_text_runs_as_written_and_duckdb_says_why(engine):
    assert translate("SELEC 1").translated is False and translate("SELEC 1").sql == "SELEC 1"
    with pytest.raises(QueryError) as info:
        run(engine, "SELEC 1")
    assert "SELEC" in str(info.value) and (info.value.line, info.value.column) == (1, 1)
    assert info.value.engine_sql == ""  # nothing was translated


def test_errors_point_at_the_users_text_not_the_generated_sql(engine):
    sql = "SELECT date_format(o_orderdate, 'yyyy')\n  , nvl(o_missing, 0)\nFROM samples.tpch.orders"
    with pytest.raises(QueryError) as info:
        run(engine, sql)
    err = info.value
    assert (err.line, err.column) == (2, 9)
    assert "STRFTIME" not in str(err) and "COALESCE" not in str(err)  # no excerpt of generated SQL
    assert "STRFTIME" in err.engine_sql  # ... which is there on demand


def test_a_position_that_cannot_be_known_is_left_out(engine):
    with pytest.raises(QueryError) as info:
        run(engine, "SELECT nvl(1, 'x') + date_format(DATE'2024-01-01', 'yyyy') * 2")
    assert info.value.line is None and info.value.column is None
    assert "LINE" not in str(info.value)


def test_the_result_carries_the_duckdb_sql_only_when_it_differs(engine):
    assert run(engine, "SELECT 1 AS x").engine_sql == ""
    assert "COALESCE" in run(engine, "SELECT nvl(NULL, 2) AS x").engine_sql


def test_catalog_and_parameters_survive_translation(engine):
    run(engine, "CREATE OR REPLACE TABLE main.default.tr_t AS SELECT 1 AS a")
    got = run(engine, "SELECT a + :n AS b FROM main.default.tr_t WHERE a = :one", params={"n": 41, "one": 1})
    assert got.table.column("b").to_pylist() == [42]
    assert "main_db" not in got.engine_sql  # the page shows the catalog as the user knows it


def test_translation_is_cached_by_text():
    assert translate("SELECT nvl(a, 1) FROM t") is translate("SELECT nvl(a, 1) FROM t")


# --- properties ---------------------------------------------------------------------------

COLUMNS = ["o_orderkey", "o_totalprice", "o_orderdate", "o_comment", "o_orderpriority", "NULL", "1", "'x'", "2.5"]
UNARY = ["nvl({}, 0)", "size(array({}))", "upper({})", "year({})", "to_date({})", "abs({})", "collect_list({})",
         "date_format({}, 'yyyy-MM')", "length({})", "cast({} AS STRING)", "try_cast({} AS INT)", "explode(array({}))",
         "element_at(array({}), 1)", "sum({})", "({})::double", "coalesce({}, NULL)", "{} IS NULL", "-{}"]
BINARY = ["{} + {}", "{} = {}", "concat({}, {})", "datediff({}, {})", "pmod({}, {})", "{} || {}", "greatest({}, {})",
          "if({} > 1, {}, NULL)", "nvl2({}, {}, 1)", "{} div {}"]


@st.composite
def expressions(draw, depth=0):
    if depth >= 2 or draw(st.booleans()):
        return draw(st.sampled_from(COLUMNS))
    if draw(st.booleans()):
        return draw(st.sampled_from(UNARY)).format(draw(expressions(depth + 1)))
    return draw(st.sampled_from(BINARY)).format(draw(expressions(depth + 1)), draw(expressions(depth + 1)))


@st.composite
def statements(draw):
    cols = ", ".join(draw(st.lists(expressions(), min_size=1, max_size=3)))
    tail = draw(st.sampled_from(["", " WHERE o_orderkey < 10", " GROUP BY ALL", " ORDER BY 1 LIMIT 5", " QUALIFY row_number() OVER (ORDER BY 1) = 1"]))
    return f"SELECT {cols} FROM samples.tpch.orders{tail}"


WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Command, exp.Copy)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_every_parsed_statement_translates_and_read_only_stays_read_only(sql):
    verdict = guard.classify(sql)
    translation = translate(sql)  # never raises for what sqlglot parses
    if not translation.translated:
        return
    tree = parse_one(translation.sql, read="duckdb")
    if verdict.read_only:
        assert not any(isinstance(node, WRITES) for node in tree.walk()), translation.sql
