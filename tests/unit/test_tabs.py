"""The SQL editor's query tabs: per user, ordered, bounded, and they survive a restart."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlmodel import create_engine

from dashboard_app.services.tabs import (
    MAX_TAB_SQL_BYTES,
    MAX_TABS,
    TabNotFound,
    TabStore,
    TabTooLarge,
    TooManyTabs,
)

ROOT = Path(__file__).resolve().parents[2]


def _engine(path):
    return create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})


@pytest.fixture
def db(tmp_path):
    return tmp_path / "app.db"


@pytest.fixture
def store(db) -> TabStore:
    return TabStore(_engine(db))


def titles(store: TabStore, owner: str = "a") -> list[str]:
    return [t.title for t in store.list(owner)]


def test_create_numbers_default_titles_and_lists_in_order(store):
    first = store.create("a")
    second = store.create("a", sql="select 2")
    named = store.create("a", title="  Daily   revenue ")
    assert (first.title, second.title, named.title) == ("Query 1", "Query 2", "Daily revenue")
    assert len(first.id) == 32 and int(first.id, 16) >= 0
    listed = store.list("a")
    assert [t.id for t in listed] == [first.id, second.id, named.id]
    assert [t.position for t in listed] == [0, 1, 2]
    assert listed[1].sql == "select 2" and listed[0].sql == "" and listed[0].params == {}
    assert listed[0].warehouse_id == "" and listed[0].result_id == ""


def test_default_title_takes_the_first_free_number(store):
    one, two, _ = (store.create("a") for _ in range(3))
    store.close("a", two.id)
    assert store.create("a").title == "Query 2"
    store.rename("a", one.id, "Query 7")
    assert store.create("a").title == "Query 1"
    assert titles(store) == ["Query 7", "Query 3", "Query 2", "Query 1"]


def test_save_changes_only_the_given_fields(store):
    tab = store.create("a", sql="select 1")
    params = {"region": {"type": "text", "value": "EUROPE"}, "n": {"type": "number", "value": "10"}}
    saved = store.save("a", tab.id, sql="select :region, :n", warehouse_id="wh-1", params=params)
    assert (saved.sql, saved.warehouse_id, saved.result_id, saved.title) == ("select :region, :n", "wh-1", "", "Query 1")
    assert saved.params == params
    assert saved.updated_at >= tab.updated_at
    again = store.save("a", tab.id, result_id="r-42")
    assert (again.sql, again.warehouse_id, again.result_id, again.params) == ("select :region, :n", "wh-1", "r-42", params)
    cleared = store.save("a", tab.id, warehouse_id="", params={})
    assert (cleared.warehouse_id, cleared.params, cleared.sql) == ("", {}, "select :region, :n")
    assert store.get("a", tab.id) == cleared


def test_params_are_checked(store):
    tab = store.create("a")
    for bad in (
        {"x": {"type": "money", "value": "1"}},
        {"1x": {"type": "text", "value": "1"}},
        {"x": {"type": "text", "value": 5}},
        {"x": "5"},
        ["x"],
    ):
        with pytest.raises(ValueError):
            store.save("a", tab.id, params=bad)  # type: ignore[arg-type]
    assert store.get("a", tab.id).params == {}
    saved = store.save("a", tab.id, params={"d": {"type": "date"}})
    assert saved.params == {"d": {"type": "date", "value": ""}}


def test_rename_checks_the_title(store):
    tab = store.create("a")
    assert store.rename("a", tab.id, "Top customers").title == "Top customers"
    for bad in ("", "   ", "x" * 101):
        with pytest.raises(ValueError):
            store.rename("a", tab.id, bad)
    assert store.rename("a", tab.id, "x" * 100).title == "x" * 100
    with pytest.raises(ValueError):
        store.create("a", title="")


def test_close_renumbers_and_the_last_close_leaves_none(store):
    a, b, c = (store.create("a") for _ in range(3))
    left = store.close("a", b.id)
    assert [t.id for t in left] == [a.id, c.id] and [t.position for t in left] == [0, 1]
    assert [t.id for t in store.list("a")] == [a.id, c.id]
    store.close("a", a.id)
    assert store.close("a", c.id) == [] and store.list("a") == []
    with pytest.raises(TabNotFound):
        store.close("a", c.id)


def test_move_reorders_and_keeps_positions_dense(store):
    a, b, c, d = (store.create("a") for _ in range(4))
    order = store.move("a", d.id, 0)
    assert [t.id for t in order] == [d.id, a.id, b.id, c.id]
    assert [t.position for t in order] == [0, 1, 2, 3]
    assert [t.id for t in store.move("a", d.id, 2)] == [a.id, b.id, d.id, c.id]
    assert [t.id for t in store.move("a", a.id, 99)] == [b.id, d.id, c.id, a.id]  # clamped to the end
    assert [t.id for t in store.move("a", a.id, -5)] == [a.id, b.id, d.id, c.id]  # ... and the start
    assert [t.position for t in store.list("a")] == [0, 1, 2, 3]
    assert [t.id for t in store.list("a")] == [a.id, b.id, d.id, c.id]
    with pytest.raises(ValueError):
        store.move("a", a.id, "1")  # type: ignore[arg-type]
    new = store.create("a")
    assert store.list("a")[-1].id == new.id and new.position == 4


def test_ensure_one_creates_a_first_tab_only_when_there_is_none(store):
    first = store.ensure_one("a")
    assert [t.title for t in first] == ["Query 1"]
    assert store.ensure_one("a") == first
    store.create("a", sql="select 1")
    assert len(store.ensure_one("a")) == 2
    for t in store.list("a"):
        store.close("a", t.id)
    assert [t.title for t in store.ensure_one("a")] == ["Query 1"]


def test_tabs_survive_a_restart(db):
    before = TabStore(_engine(db))
    a = before.create("a", title="Revenue", sql="select sum(x) from t -- total")
    b = before.create("a")
    before.save("a", b.id, sql="select :d", params={"d": {"type": "date", "value": "2024-01-31"}}, result_id="r1")
    before.move("a", b.id, 0)
    before.engine.dispose()

    after = TabStore(_engine(db))
    restored = after.list("a")
    assert [t.id for t in restored] == [b.id, a.id]
    assert restored[0].sql == "select :d" and restored[0].params == {"d": {"type": "date", "value": "2024-01-31"}}
    assert restored[0].result_id == "r1"
    assert restored[1].title == "Revenue" and restored[1].sql == "select sum(x) from t -- total"
    assert after.ensure_one("a") == restored


def test_someone_elses_tab_is_not_found(store):
    mine = store.create("a", sql="select 'secret'")
    theirs = store.create("b")
    assert store.list("b") == [theirs] and theirs.title == "Query 1"
    for attempt in (
        lambda: store.get("b", mine.id),
        lambda: store.save("b", mine.id, sql="select 1"),
        lambda: store.rename("b", mine.id, "mine now"),
        lambda: store.close("b", mine.id),
        lambda: store.move("b", mine.id, 0),
        lambda: store.get("a", "no-such-tab"),
        lambda: store.get("a", ""),
    ):
        with pytest.raises(TabNotFound, match="does not exist"):
            attempt()
    assert store.get("a", mine.id) == mine
    assert [t.id for t in store.list("a")] == [mine.id]


def test_at_most_max_tabs_per_user(store):
    for _ in range(MAX_TABS):
        store.create("a")
    with pytest.raises(TooManyTabs, match=f"at most {MAX_TABS} tabs") as info:
        store.create("a")
    assert isinstance(info.value, ValueError)
    assert len(store.list("a")) == MAX_TABS
    assert store.create("b").title == "Query 1"  # another user's limit is their own


def test_oversized_sql_is_refused_and_the_old_text_stays(store):
    tab = store.create("a", sql="select 1")
    just = "x" * MAX_TAB_SQL_BYTES
    assert store.save("a", tab.id, sql=just).sql == just
    store.save("a", tab.id, sql="select 1")
    too_big = "é" * (MAX_TAB_SQL_BYTES // 2 + 1)  # 2 bytes each: over the limit in UTF-8, not in characters
    with pytest.raises(TabTooLarge) as info:
        store.save("a", tab.id, sql=too_big, title="renamed")
    err = info.value
    assert isinstance(err, ValueError)
    assert err.size == MAX_TAB_SQL_BYTES + 2 and err.limit == MAX_TAB_SQL_BYTES
    assert f"{MAX_TAB_SQL_BYTES + 2:,} bytes" in str(err) and f"{MAX_TAB_SQL_BYTES:,} bytes" in str(err)
    kept = store.get("a", tab.id)
    assert (kept.sql, kept.title) == ("select 1", "Query 1")  # nothing of the refused save was written
    with pytest.raises(TabTooLarge):
        store.create("a", sql=too_big)
    assert len(store.list("a")) == 1


def test_concurrent_writes_keep_the_limit_and_dense_positions(store):
    errors: list[Exception] = []

    def work():
        for _ in range(10):
            try:
                store.create("a")
            except TooManyTabs:
                pass
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    listed = store.list("a")
    assert len(listed) == MAX_TABS
    assert [t.position for t in listed] == list(range(MAX_TABS))
    assert len({t.title for t in listed}) == MAX_TABS


def test_the_services_do_not_import_reflex():
    code = (
        "import sys\n"
        "import dashboard_app.services.tabs, dashboard_app.services.sql.formatting, dashboard_app.services.sql.parameters\n"
        "print(sorted(m for m in sys.modules if m == 'reflex' or m.startswith('reflex.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
