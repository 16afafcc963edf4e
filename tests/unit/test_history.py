"""History and saved queries are per user, bounded, and survive a restart."""

from __future__ import annotations

import pytest

from dashboard_app.services import history
from dashboard_app.services.history import HistoryStore


@pytest.fixture
def store(tmp_path) -> HistoryStore:
    return HistoryStore(f"sqlite:///{tmp_path / 'app.db'}")


def test_runs_are_per_user_newest_first(store):
    store.record("a", "select 1", duration_ms=5, rows=1, truncated=False, status="ok")
    store.record("a", "select 2", duration_ms=7, rows=0, truncated=False, status="error", error="boom")
    store.record("b", "select 3", duration_ms=1, rows=1, truncated=False, status="ok")
    runs = store.recent("a")
    assert [r.sql for r in runs] == ["select 2", "select 1"]
    assert runs[0].status == "error" and runs[0].error == "boom"
    assert store.get_run("b", runs[0].id) is None


def test_history_is_pruned(store, monkeypatch):
    monkeypatch.setattr(history, "HISTORY_KEEP", 5)
    for i in range(8):
        store.record("a", f"select {i}", duration_ms=1, rows=1, truncated=False, status="ok")
    assert [r.sql for r in store.recent("a")] == [f"select {i}" for i in range(7, 2, -1)]


def test_saved_queries_upsert_by_name(store):
    store.save("a", "daily", "select 1")
    store.save("a", "daily", "select 2")
    store.save("b", "daily", "select 3")
    assert [(s.name, s.sql) for s in store.saved("a")] == [("daily", "select 2")]
    with pytest.raises(ValueError, match="name"):
        store.save("a", "   ", "select 1")


def test_delete_only_own(store):
    mine = store.save("a", "q", "select 1")
    assert store.get_saved("a", mine.id).sql == "select 1"
    assert store.get_saved("b", mine.id) is None
    store.delete_saved("b", mine.id)
    assert store.saved("a")
    store.delete_saved("a", mine.id)
    assert not store.saved("a")


def test_survives_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    HistoryStore(url).record("a", "select 42", duration_ms=1, rows=1, truncated=False, status="ok")
    assert HistoryStore(url).recent("a")[0].sql == "select 42"
