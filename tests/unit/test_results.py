"""Server-side results: paging, sorting, NULLs, long values, ownership and the memory budget."""

from __future__ import annotations

import pyarrow as pa
import pytest

from dashboard_app.services.results import CELL_CHARS, ResultNotFound, ResultStore
from dashboard_app.services.sql.engine import Column, QueryResult


def result(table: pa.Table, truncated: bool = False) -> QueryResult:
    return QueryResult(table, [Column(n, str(t)) for n, t in zip(table.column_names, table.schema.types)], truncated, 0.01, 1000)


@pytest.fixture
def store() -> ResultStore:
    return ResultStore()


def test_pages_are_slices(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"i": list(range(250))})))
    p = store.page(rid, owner="a", offset=100, limit=100)
    assert p.total == 250 and p.offset == 100
    assert [r[0] for r in p.rows] == [str(i) for i in range(100, 200)]
    last = store.page(rid, owner="a", offset=200, limit=100)
    assert len(last.rows) == 50


def test_offset_past_the_end_is_clamped(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"i": [1, 2, 3]})))
    assert store.page(rid, owner="a", offset=10_000, limit=100).offset == 2


def test_sort_on_server_with_nulls_last(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"v": [3, None, 1, 2]})))
    asc = store.page(rid, owner="a", offset=0, limit=10, sort="v")
    desc = store.page(rid, owner="a", offset=0, limit=10, sort="v", descending=True)
    assert [r[0] for r in asc.rows] == ["1", "2", "3", None]
    assert [r[0] for r in desc.rows] == ["3", "2", "1", None]


def test_sort_nested_column_by_text(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"l": [[2], [1], None]})))
    assert [r[0] for r in store.page(rid, owner="a", offset=0, limit=10, sort="l").rows] == ["[1]", "[2]", None]


def test_null_and_empty_string_differ(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"s": [None, ""]})))
    assert store.page(rid, owner="a", offset=0, limit=10).rows == [[None], [""]]


def test_long_values_are_shortened_and_full_on_demand(store):
    long = "x" * 5000
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"s": [long]})))
    cell = store.page(rid, owner="a", offset=0, limit=10).rows[0][0]
    assert len(cell) == CELL_CHARS and cell.endswith("…")
    assert store.row(rid, owner="a", row=0) == [("s", long)]


def test_row_follows_sort_order_and_keeps_nulls(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"v": [2, 1], "n": [None, "x"]})))
    assert store.row(rid, owner="a", row=0, sort="v") == [("v", "1"), ("n", "x")]
    assert store.row(rid, owner="a", row=1, sort="v") == [("v", "2"), ("n", None)]
    with pytest.raises(IndexError):
        store.row(rid, owner="a", row=2)


def test_only_the_owner_can_read(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"i": [1]})))
    with pytest.raises(ResultNotFound):
        store.page(rid, owner="b", offset=0, limit=10)


def test_ids_are_unguessable(store):
    ids = {store.put(owner="a", session=str(i), sql="q", result=result(pa.table({"i": [1]}))) for i in range(50)}
    assert len(ids) == 50 and all(len(i) >= 24 for i in ids)


def test_per_session_limit_evicts_oldest():
    store = ResultStore(per_session=2)
    ids = [store.put(owner="a", session="s", sql="q", result=result(pa.table({"i": [i]}))) for i in range(3)]
    with pytest.raises(ResultNotFound):
        store.get(ids[0], owner="a")
    assert store.get(ids[2], owner="a")


def test_byte_budget_evicts_least_recently_used():
    big = pa.table({"i": list(range(100_000))})  # 800 KB
    store = ResultStore(max_bytes=2 * big.nbytes + 10)
    a = store.put(owner="u", session="1", sql="q", result=result(big))
    b = store.put(owner="u", session="2", sql="q", result=result(big))
    store.get(a, owner="u")  # a is now the most recent
    store.put(owner="u", session="3", sql="q", result=result(big))
    assert store.get(a, owner="u")
    with pytest.raises(ResultNotFound):
        store.get(b, owner="u")
    assert store.nbytes <= 2 * big.nbytes + 10


def test_values_are_formatted_for_people(store):
    import datetime as dt
    import decimal

    t = pa.table({
        "d": [dt.date(2024, 1, 2)], "ts": [dt.datetime(2024, 1, 2, 3, 4, 5)], "dec": [decimal.Decimal("1.50")],
        "b": [True], "f": [0.1], "bin": [b"\x00\xff"], "m": [{"k": 1}],
    })
    rid = store.put(owner="a", session="s", sql="q", result=result(t))
    assert store.page(rid, owner="a", offset=0, limit=1).rows[0] == [
        "2024-01-02", "2024-01-02 03:04:05", "1.50", "true", "0.1", "0x00ff", '{"k": 1}'
    ]


def test_very_wide_results_send_their_first_columns(store):
    from dashboard_app.services.results import MAX_COLUMNS

    wide = pa.table({f"c{i}": [i] for i in range(MAX_COLUMNS + 50)})
    rid = store.put(owner="a", session="s", sql="q", result=result(wide))
    row = store.page(rid, owner="a", offset=0, limit=10).rows[0]
    assert len(row) == MAX_COLUMNS and row[-1] == str(MAX_COLUMNS - 1)
