"""Databricks SQL on the embedded engine means what it means on Databricks: each statement of
the corpus gives the rows and the column types of its hand-written DuckDB equivalent, run
straight on the sample data file. Rows are compared as multisets, column names ignored."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections import Counter

import duckdb
import pyarrow as pa
import pytest

from dashboard_app.services.sql import sample_data
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine

from .translation_corpus import Case, collections, scalars

CORPUS: list[Case] = [*scalars.CASES, *collections.CASES]
ME = Identity("corpus@test")


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    data = tmp_path_factory.mktemp("corpus")
    engine = LocalEngine(data)
    direct = duckdb.connect(":memory:")
    direct.execute(f"ATTACH '{sample_data.ensure(data)}' AS samples (READ_ONLY)")
    yield engine, direct
    engine.close()
    direct.close()


def _value(v):
    if isinstance(v, float):
        return "nan" if math.isnan(v) else round(v, 9)
    if isinstance(v, decimal.Decimal):
        return v.normalize()
    if isinstance(v, list):
        return tuple(_value(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted((k, _value(x)) for k, x in v.items()))
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    return v


def rows(table: pa.Table) -> Counter:
    return Counter(tuple(_value(v) for v in row.values()) for row in table.to_pylist())


def types(table: pa.Table) -> list[str]:
    return [str(f.type) for f in table.schema]


def outcome(case: Case, engines) -> str:
    """'' when the translation matches, else what differs."""
    engine, direct = engines
    expected = direct.sql(case.duckdb).to_arrow_table()
    got = engine.execute(case.databricks, identity=ME, row_limit=100_000, timeout_s=60).table
    if types(got) != types(expected):
        return f"types {types(got)} instead of {types(expected)}"
    if rows(got) != rows(expected):
        return f"rows {sorted(rows(got).items())[:5]} instead of {sorted(rows(expected).items())[:5]}"
    return ""


@pytest.mark.parametrize("case", CORPUS, ids=[c.databricks[:60] for c in CORPUS])
def test_corpus(case: Case, engines):
    found = outcome(case, engines)
    if case.differs:
        assert found, f"this now matches: drop its `differs` ({case.differs})"
    else:
        assert found == ""


def test_corpus_is_broad():
    assert len(CORPUS) >= 150
    assert len({c.databricks for c in CORPUS}) == len(CORPUS)
