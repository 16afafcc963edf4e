"""The SQL editor's named parameters: which `:name` markers a statement uses (by the
Databricks tokenizer), their values checked by type, and bound natively, never as SQL text."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard_app.services.sql import parameters
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.services.sql.parameters import ParameterError, bind, names

ME = Identity("analyst@test")
PROPERTY = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> LocalEngine:
    e = LocalEngine(tmp_path_factory.mktemp("data"))
    yield e
    e.close()


def run(engine: LocalEngine, sql: str, params=None):
    return engine.execute(sql, identity=ME, params=params, row_limit=100, timeout_s=30)


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql, expected",
    [
        ("SELECT * FROM t WHERE a = :a AND b = :b", ["a", "b"]),
        ("SELECT :b, :a, :b, :a", ["b", "a"]),  # order of first appearance, each once
        ("SELECT * FROM t WHERE x IN(:a,:b) LIMIT :n", ["a", "b", "n"]),
        ("SELECT * FROM IDENTIFIER(:tbl) WHERE a = ?", ["tbl"]),  # `?` is positional, not named
        ("SELECT :date, :limit, :from_date", ["date", "limit", "from_date"]),  # keywords are names too
        ("SELECT '12:30', 'a :x b', \"c:d\", r'\\d:e' FROM t", []),  # string literals
        ("SELECT 'it''s :x', 'esc\\' :y' , :z", ["z"]),  # quotes doubled and escaped inside strings
        ("SELECT 1 -- :in_comment\n, :after", ["after"]),
        ("SELECT /* :a /* nested :b */ still :c */ :d", ["d"]),
        ("SELECT x::int, y :: string, CAST(z AS INT)::bigint FROM t", []),  # casts
        ("SELECT `a:b`, `weird``:q` FROM t", []),  # inside backquoted identifiers
        ("SELECT :`quoted` FROM t", []),  # a backquoted identifier is not a marker
        ("SELECT raw:owner, raw:store.bicycle, arr[0]:k, f(x):a, `col`:b, 'j':c FROM t", []),  # JSON paths
        ("SELECT a FROM t WHERE b = :1", []),  # not a name
        ("SELECT CAST(x AS STRUCT<a:INT, b: STRING>)", []),
        ("SELECT CASE WHEN :flag THEN :yes ELSE :no END", ["flag", "yes", "no"]),
        ("SELECT * FROM t VERSION AS OF :v WHERE d BETWEEN :lo AND :hi", ["v", "lo", "hi"]),
        ("SELECT:p, a=:q, (:r), a>=:s, a||:t", ["p", "q", "r", "s", "t"]),
        ("SELECT a = /* note */ :after_comment, b = -- note\n :after_line", ["after_comment", "after_line"]),
        ("SHOW TABLES LIKE :pattern", ["pattern"]),  # commands are tokenized too
        ("SELECT :größe", ["größe"]),
        ("SELECT :p, 'unterminated :q", ["p"]),  # markers before an unclosed string still count
        ("", []),
        ("SELECT 1", []),
    ],
)
def test_names(sql, expected):
    assert names(sql) == expected


def test_names_of_a_megabyte_is_quick():
    line = "SELECT o_orderkey, o_totalprice, 'x:y' AS s, c::int FROM samples.tpch.orders WHERE o_orderdate >= :start AND o_custkey = :c{} -- :no\n"
    text = "".join(line.format(i) for i in range(20_000))[:1_000_000]
    start = time.perf_counter()
    found = names(text)
    elapsed = time.perf_counter() - start
    assert found[:3] == ["start", "c0", "c1"] and "no" not in found and "y" not in found and "int" not in found
    assert elapsed < 1.0, f"names() took {elapsed:.2f}s on 1 MB"
    # A synthetic worst-ish case: three colons, a string and a comment every 34 characters
    # (some 0.7 s here); bounded more loosely so a busy machine does not fail it.
    dense = "select a,b,:p,c::d,'e:f',g=:q--:r\n" * (1_000_000 // 34)
    start = time.perf_counter()
    assert names(dense) == ["p", "q"]
    assert time.perf_counter() - start < 2.5


_FRAGMENTS = [
    "select", " ", "\n", "\t", "a", "json", "date", "limit", "where", "order by", ":", "::", ":p", ":q1",
    ":date", "'", "'12:30'", '"', '"x:y"', "`", "`a:b`", "--", "/*", "*/", "r'", "x'", 'R"', "\\", "(", ")",
    "[", "]", ",", "=", "1", "1.5", "-", "*", "/", "  ", "\r", "ab'", "é", "${v}", "?", ";", "_y", "''",
    "\\'", "IDENTIFIER(:t)", "struct<a:int>",
]


@PROPERTY
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=16))
def test_the_fast_path_answers_as_the_whole_texts_tokens_do(pieces):
    # names() tokenizes a skeleton of the text (to be quick on large texts); the reference
    # tokenizes the whole text. They must always agree.
    sql = "".join(pieces)
    parameters._names.cache_clear()
    assert names(sql) == list(parameters._names_exact(sql))


@PROPERTY
@given(st.text(alphabet="ab:'\"`-/*\\\n ;(),=x1_", max_size=40))
def test_the_fast_path_agrees_on_any_text(sql):
    parameters._names.cache_clear()
    assert names(sql) == list(parameters._names_exact(sql))


# --- bind ----------------------------------------------------------------------------------------


def test_values_are_coerced_by_type():
    specs = {
        "name": {"type": "text", "value": "  O'Brien  "},
        "empty": {"type": "text", "value": ""},
        "n": {"type": "number", "value": " 42 "},
        "neg": {"type": "number", "value": "-7"},
        "price": {"type": "number", "value": "3.50"},
        "sci": {"type": "number", "value": "1.5e-2"},
        "big": {"type": "number", "value": "123456789012345678901234567890"},
        "d": {"type": "date", "value": "2024-02-29"},
        "unused": {"type": "number", "value": "not a number"},  # not asked for: not checked, not bound
    }
    got = bind(specs, ["name", "empty", "n", "neg", "price", "sci", "big", "d"])
    assert got == {
        "name": "  O'Brien  ",  # text as given
        "empty": "",
        "n": 42,
        "neg": -7,
        "price": Decimal("3.50"),
        "sci": Decimal("0.015"),
        "big": Decimal("123456789012345678901234567890"),
        "d": dt.date(2024, 2, 29),
    }
    assert type(got["n"]) is int and type(got["price"]) is Decimal
    assert bind({}, []) == {}


@pytest.mark.parametrize("value", ["abc", "1,000", "0x10", "NaN", "inf", "1e", "--1", "4 2", "٣", "1e99999", "9" * 39])
def test_non_numbers_are_refused_naming_the_parameter(value):
    with pytest.raises(ParameterError, match=":qty") as info:
        bind({"qty": {"type": "number", "value": value}}, ["qty"])
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("value", ["2023-02-29", "20240131", "2024-1-5", "31/01/2024", "2024-01-31T10:00", "yesterday"])
def test_non_dates_are_refused_naming_the_parameter(value):
    with pytest.raises(ParameterError, match=r":day must be a date like 2024-01-31"):
        bind({"day": {"type": "date", "value": value}}, ["day"])


@pytest.mark.parametrize(
    "specs",
    [
        {},
        {"p": {"type": "text"}},
        {"p": {"type": "text", "value": None}},
        {"p": {"type": "number", "value": "  "}},
        {"p": {"type": "date", "value": ""}},
        {"p": "x"},
    ],
)
def test_a_missing_value_is_asked_for(specs):
    with pytest.raises(ParameterError) as info:
        bind(specs, ["p"])
    assert str(info.value) == "Give a value for :p"


def test_bad_types_and_oversized_text_are_refused():
    with pytest.raises(ParameterError, match=":p has an unknown type"):
        bind({"p": {"type": "money", "value": "1"}}, ["p"])
    with pytest.raises(ParameterError, match=":p must be text"):
        bind({"p": {"type": "text", "value": 5}}, ["p"])  # type: ignore[dict-item]
    with pytest.raises(ParameterError, match=":p is longer"):
        bind({"p": {"type": "text", "value": "x" * (parameters.MAX_TEXT_VALUE + 1)}}, ["p"])


# --- values travel as native parameters ----------------------------------------------------------

INJECTION = "'); DROP TABLE main.default.t; --"


def test_a_text_value_stays_a_value(engine):
    run(engine, "CREATE OR REPLACE TABLE main.default.t AS SELECT 1 AS id")
    sql = "SELECT :v AS v, (SELECT count(*) FROM main.default.t) AS n"
    params = bind({"v": {"type": "text", "value": INJECTION}}, names(sql))
    result = run(engine, sql, params)
    assert result.table.to_pylist() == [{"v": INJECTION, "n": 1}]
    assert run(engine, "SELECT count(*) AS n FROM main.default.t").table.to_pylist() == [{"n": 1}]
    assert any(t.name == "t" for t in engine.list_tables(ME, "main", "default"))


def test_values_of_each_type_reach_the_engine_natively(engine):
    sql = (
        "SELECT :name AS name, :n + 1 AS n1, :price * 2 AS price2, :d AS d, date_add(:d, 1) AS next_day,"
        " typeof(:n) AS n_type, ':not_a_param' AS literal -- :nor_this\n"
    )
    found = names(sql)
    assert found == ["name", "n", "price", "d"]
    specs = {
        "name": {"type": "text", "value": "a:b 'quoted' \\ -- not a comment"},
        "n": {"type": "number", "value": "41"},
        "price": {"type": "number", "value": "1.25"},
        "d": {"type": "date", "value": "2024-12-31"},
    }
    row = run(engine, sql, bind(specs, found)).table.to_pylist()[0]
    assert row["name"] == "a:b 'quoted' \\ -- not a comment"
    assert row["n1"] == 42 and Decimal(str(row["price2"])) == Decimal("2.50")
    assert row["d"] == dt.date(2024, 12, 31) and row["next_day"] == dt.date(2025, 1, 1)
    assert row["literal"] == ":not_a_param"


def test_names_match_what_the_engine_binds(engine):
    # A keyword-named marker, a JSON path and a cast side by side: the engine runs with exactly
    # the names found (it would refuse a missing one).
    sql = "SELECT :limit AS l, CAST('{\"a\": 1}' AS STRING):a AS j, '5'::int AS c, :date AS d"
    found = names(sql)
    assert found == ["limit", "date"]
    row = run(engine, sql, bind({"limit": {"type": "number", "value": "3"}, "date": {"type": "date", "value": "2020-01-02"}}, found))
    assert row.table.to_pylist()[0]["l"] == 3 and row.table.to_pylist()[0]["d"] == dt.date(2020, 1, 2)
