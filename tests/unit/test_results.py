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


# --- sorting a cut result in the engine: the statement again, wrapped and ordered ---


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from dashboard_app.services.sql.local import LocalEngine

    e = LocalEngine(tmp_path_factory.mktemp("data"))
    yield e
    e.close()


def run_sorted(engine, sql: str, column: str, descending: bool, row_limit: int = 100, params=None) -> list:
    from dashboard_app.services.results import sorted_sql
    from dashboard_app.services.sql import gate
    from dashboard_app.services.sql.engine import Identity

    wrapped = sorted_sql(sql, column, descending)
    assert wrapped is not None
    res = gate.run_statement(
        engine, wrapped, identity=Identity("a"), confirmed=False, read_only_mode=True, row_limit=row_limit,
        timeout_s=30, params=params,
    )
    return res.table.column(column).to_pylist()


def test_a_cut_result_sorted_in_the_engine_starts_with_the_true_maximum(engine):
    # The first 10 of 25 nations by key; sorted descending, the whole statement's maximum comes first.
    keys = run_sorted(engine, "SELECT n_nationkey FROM samples.tpch.nation ORDER BY n_nationkey", "n_nationkey", True, row_limit=10)
    assert keys == list(range(24, 14, -1))


def test_sorted_sql_quotes_any_column_name(engine):
    name = 'we`ird "name"; DROP TABLE x --'
    sql = f"SELECT * FROM VALUES (2, 'b'), (1, 'a'), (3, 'c') AS t(`{name.replace('`', '``')}`, s)"
    assert run_sorted(engine, sql, name, False) == [1, 2, 3]
    assert run_sorted(engine, sql, name, True) == [3, 2, 1]


def test_nulls_are_placed_as_databricks_places_them(engine):
    sql = "SELECT * FROM VALUES (2), (NULL), (1) AS t(v)"
    assert run_sorted(engine, sql, "v", False) == [None, 1, 2]  # ASC NULLS FIRST
    assert run_sorted(engine, sql, "v", True) == [2, 1, None]  # DESC NULLS LAST


def test_the_statement_keeps_its_parameters(engine):
    sql = "SELECT n_nationkey FROM samples.tpch.nation WHERE n_regionkey = :region"
    assert run_sorted(engine, sql, "n_nationkey", True, params={"region": 1}) == [24, 17, 3, 2, 1]


@pytest.mark.parametrize("tail", [";", "; -- done", "\n-- the end", " /* c */ ;\n"])
def test_a_trailing_semicolon_or_comment_is_handled(engine, tail):
    sql = "SELECT r_regionkey FROM samples.tpch.region -- five regions" + "\nWHERE r_regionkey < 3" + tail
    assert run_sorted(engine, sql, "r_regionkey", True) == [2, 1, 0]


@pytest.mark.parametrize(
    "sql", ["DROP TABLE main.default.t", "SELECT 1 AS x; SELECT 2 AS x", "SHOW TABLES", "SELEC 1", "EXPLAIN SELECT 1"]
)
def test_only_one_read_only_query_is_run_again(sql):
    from dashboard_app.services.results import sorted_sql

    assert sorted_sql(sql, "x", False) is None


def test_discard_forgets_only_the_owners_result(store):
    rid = store.put(owner="a", session="s", sql="q", result=result(pa.table({"i": [1]})))
    store.discard(rid, owner="b")
    assert store.get(rid, owner="a")
    store.discard(rid, owner="a")
    with pytest.raises(ResultNotFound):
        store.get(rid, owner="a")


# --- the byte budget: a fair share for each user, and the reason for each eviction ---


def big_table(n: int = 100_000) -> pa.Table:
    return pa.table({"i": list(range(n))})  # 8 bytes a row


def test_one_users_large_results_do_not_evict_another_users():
    big = big_table()
    store = ResultStore(max_bytes=4 * big.nbytes)
    small = store.put(owner="ana", session="ana-tab", sql="q", result=result(pa.table({"i": [1]})))
    hog = [store.put(owner="bo", session=f"bo-{i}", sql="q", result=result(big)) for i in range(10)]
    assert store.get(small, owner="ana").owner == "ana"
    assert store.nbytes <= 4 * big.nbytes
    assert store.get(hog[-1], owner="bo")  # the newest stays, the oldest went
    with pytest.raises(ResultNotFound) as gone:
        store.get(hog[0], owner="bo")
    assert "fair share" in gone.value.reason and "least recently used" in gone.value.reason
    # Nobody else learns anything about someone's result, evicted or not.
    with pytest.raises(ResultNotFound) as other:
        store.get(hog[0], owner="ana")
    assert other.value.reason == ""


def test_the_user_furthest_over_their_share_is_evicted_first():
    big = big_table()
    store = ResultStore(max_bytes=6 * big.nbytes)
    ana = [store.put(owner="ana", session=f"a{i}", sql="q", result=result(big)) for i in range(2)]
    bo = [store.put(owner="bo", session=f"b{i}", sql="q", result=result(big)) for i in range(4)]
    # Full (6 of 6). Ana holds 2 (under her share of 3), Bo 4: Bo's next result costs Bo.
    store.put(owner="bo", session="b9", sql="q", result=result(big))
    assert all(store.get(r, owner="ana") for r in ana)
    with pytest.raises(ResultNotFound):
        store.get(bo[0], owner="bo")
    # Ana's next result also costs Bo, still over his share; none of Ana's go.
    store.put(owner="ana", session="a9", sql="q", result=result(big))
    assert all(store.get(r, owner="ana") for r in ana)
    assert store.usage() == {"ana": 3 * big.nbytes, "bo": 3 * big.nbytes}


def test_a_result_larger_than_a_share_is_shown_and_then_goes_first():
    big = big_table()
    store = ResultStore(max_bytes=2 * big.nbytes)
    ana = store.put(owner="ana", session="a", sql="q", result=result(big))
    huge = store.put(owner="bo", session="b", sql="q", result=result(big_table(300_000)))
    # Ana is within her share: she keeps her result; Bo's huge one is kept to be shown.
    assert store.get(ana, owner="ana") and store.get(huge, owner="bo")
    store.put(owner="ana", session="a2", sql="q", result=result(pa.table({"i": [1]})))
    with pytest.raises(ResultNotFound) as gone:
        store.get(huge, owner="bo")
    assert "fair share" in gone.value.reason
    assert store.get(ana, owner="ana")
    assert store.nbytes <= 2 * big.nbytes


def test_a_tab_keeps_its_last_results_and_says_so():
    store = ResultStore(per_session=2)
    ids = [store.put(owner="a", session="s", sql="q", result=result(pa.table({"i": [i]}))) for i in range(3)]
    with pytest.raises(ResultNotFound) as gone:
        store.get(ids[0], owner="a")
    assert "last 2 results" in gone.value.reason


def test_a_sort_order_counts_against_the_budget():
    big = big_table()
    store = ResultStore()
    rid = store.put(owner="a", session="s", sql="q", result=result(big))
    before = store.nbytes
    store.page(rid, owner="a", offset=0, limit=10, sort="i", descending=True)
    assert store.nbytes > before
    store.discard(rid, owner="a")
    assert store.nbytes == 0 and store.usage() == {}


def test_dropping_a_session_frees_its_bytes():
    store = ResultStore()
    for i in range(3):
        store.put(owner="a", session="s", sql="q", result=result(pa.table({"i": [i]})))
    keep = store.put(owner="a", session="t", sql="q", result=result(pa.table({"i": [9]})))
    store.drop_session("s")
    assert store.nbytes == store.get(keep, owner="a").nbytes


def test_evicting_large_results_hands_their_memory_back(monkeypatch):
    from dashboard_app.services import results as results_module

    released = []
    monkeypatch.setattr(results_module, "release_in_background", lambda: released.append(1))
    big = big_table(1_100_000)  # 8.8 MB
    store = ResultStore(per_session=1)
    for _ in range(3):
        store.put(owner="a", session="s", sql="q", result=result(big))
    assert released == [1]  # two evictions: 17.6 MB freed, one release
    store.put(owner="a", session="t", sql="q", result=result(pa.table({"i": [1]})))
    assert released == [1]  # nothing freed since


def test_releasing_freed_memory_runs_on_this_c_library():
    from dashboard_app.services.memory import release_freed_memory

    assert release_freed_memory() is True  # glibc, as on the app's images
