"""The history panel's ring: a run adds one entry to what the page receives, never the list."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import reflex as rx

from dashboard_app.state.history import SLOTS, HistoryState, slot_name


def run(i: int) -> SimpleNamespace:
    return SimpleNamespace(id=i, sql=f"SELECT {i}\n  AS n", started_at=dt.datetime(2026, 1, 1, 0, 0, i % 60),
                           duration_ms=1500, rows=1000 + i, truncated=i % 2 == 1, status="ok")


def panel() -> tuple[rx.State, HistoryState]:
    root = rx.State(_reflex_internal_init=True)
    return root, root.get_substate(HistoryState.get_full_name().split(".")[1:])


def listed(history: HistoryState) -> list[str]:
    """The run ids in the panel's order: the slots from `newest` on, round the ring."""
    slots = (getattr(history, slot_name((history.newest + k) % SLOTS)) for k in range(SLOTS))
    return [r["id"] for r in slots if r.get("id")]


def sent(root: rx.State) -> dict:
    """What the next update would carry for the history state (names without Reflex's suffix)."""
    delta = root.get_delta().get(HistoryState.get_full_name(), {})
    return {k.removesuffix("_rx_state_"): v for k, v in delta.items()}


def test_a_run_sends_its_entry_and_where_the_ring_starts():
    root, history = panel()
    for i in range(SLOTS):
        history._add(run(i))
    root._clean()
    history._add(run(99))
    delta = sent(root)
    assert set(delta) == {"newest", slot_name(history.newest)}
    assert delta[slot_name(history.newest)] == {
        "id": "99", "sql": "SELECT 99 AS n", "when": "2026-01-01 00:00:39", "duration": "1.50 s", "rows": "1,099+", "status": "ok",
    }


def test_the_panel_shows_the_last_runs_newest_first():
    root, history = panel()
    for i in range(SLOTS + 7):
        history._add(run(i))
    assert listed(history) == [str(i) for i in range(SLOTS + 6, 6, -1)]


def test_a_short_history_shows_only_its_runs():
    _, history = panel()
    assert listed(history) == []
    history._add(run(1))
    history._add(run(2))
    assert listed(history) == ["2", "1"]


def test_the_page_summary_follows_the_shown_result_it_reads():
    # The summary lives with the page (ResultsState) and reads the shown result's counts
    # (its parent state): a new result must recompute it, not only a page flip.
    from dashboard_app.state.results import ResultsState, ShownResultState

    root = rx.State(_reflex_internal_init=True)
    results = root.get_substate(ResultsState.get_full_name().split(".")[1:])
    shown = root.get_substate(ShownResultState.get_full_name().split(".")[1:])
    shown.result_id, shown.total_rows, shown.duration = "r1", 250, 0.5
    assert results.row_summary.startswith("Rows 1–100 of 250")
    root._clean()
    shown.total_rows = 1_000
    assert results.row_summary.startswith("Rows 1–100 of 1,000")
    assert "row_summary_rx_state_" in root.get_delta().get(ResultsState.get_full_name(), {})
