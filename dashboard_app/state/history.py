"""Each user's recent queries and saved queries; one click puts one back in the editor.

The recent runs sit in a ring of SLOTS state vars, one run each, with `newest` naming the
slot of the newest: a run adds one entry by writing the slot of the oldest, so the page
receives that entry and not the whole list (the panel puts the slots in order).
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from ..backend import services
from .base import AppState

SLOTS = 50  # runs shown in the panel
EMPTY: dict[str, str] = {"id": "", "sql": "", "when": "", "duration": "", "rows": "", "status": ""}


def entry(run: Any) -> dict[str, str]:
    """A run (services.history.QueryRun) as the panel shows it."""
    return {
        "id": str(run.id),
        "sql": " ".join(run.sql.split())[:160],
        "when": run.started_at.strftime("%Y-%m-%d %H:%M:%S"),
        "duration": f"{run.duration_ms / 1000:.2f} s",
        "rows": f"{run.rows:,}{'+' if run.truncated else ''}",
        "status": run.status,
    }


class HistoryState(AppState):
    newest: int = 0  # the slot holding the newest run; slot (newest + k) % SLOTS the k-th newest
    saved: list[dict[str, str]] = []
    save_open: bool = False
    save_name: str = ""
    save_error: str = ""

    @rx.event
    async def load(self):
        user = self._identity().user
        store = services().history
        runs, _ = await asyncio.gather(asyncio.to_thread(store.recent, user, SLOTS), self._load_saved())
        shown = [entry(r) for r in runs] + [EMPTY] * (SLOTS - len(runs))
        self.newest = 0
        for k, item in enumerate(shown):
            if getattr(self, slot_name(k)) != item:
                setattr(self, slot_name(k), item)

    def _add(self, run: Any) -> None:
        """Shows a new run first, in place of the oldest."""
        self.newest = (self.newest - 1) % SLOTS
        setattr(self, slot_name(self.newest), entry(run))

    async def _load_saved(self) -> None:
        saved = await asyncio.to_thread(services().history.saved, self._identity().user)
        self.saved = [{"id": str(s.id), "name": s.name, "sql": " ".join(s.sql.split())[:160]} for s in saved]

    @rx.event
    async def reopen(self, run_id: str):
        """Opens a past run's SQL in a new tab."""
        from .tabs import TabsState

        if not str(run_id).isdigit():
            return
        run = await asyncio.to_thread(services().history.get_run, self._identity().user, int(run_id))
        if run is not None:
            await (await self.get_state(TabsState))._open_new(None, run.sql)

    @rx.event
    async def open_saved(self, saved_id: str):
        """Opens a saved query in a new tab named after it."""
        from .tabs import TabsState

        if not str(saved_id).isdigit():
            return
        item = await asyncio.to_thread(services().history.get_saved, self._identity().user, int(saved_id))
        if item is not None:
            await (await self.get_state(TabsState))._open_new(item.name, item.sql)

    @rx.event
    async def delete_saved(self, saved_id: str):
        if not str(saved_id).isdigit():
            return
        await asyncio.to_thread(services().history.delete_saved, self._identity().user, int(saved_id))
        await self._load_saved()

    @rx.event
    def open_save(self):
        self.save_open, self.save_error = True, ""

    @rx.event
    def close_save(self):
        self.save_open = False

    @rx.event
    def set_save_name(self, value: str):
        if isinstance(value, str):
            self.save_name = value[:1000]

    @rx.event
    async def save(self):
        from .query import QueryState

        q = await self.get_state(QueryState)
        if not q.sql.strip():
            self.save_error = "The editor is empty."
            return
        try:
            await asyncio.to_thread(services().history.save, self._identity().user, self.save_name, q.sql)
        except ValueError as err:
            self.save_error = str(err)
            return
        self.save_open, self.save_name = False, ""
        await self._load_saved()


def slot_name(k: int) -> str:
    return f"run_{k}"


for _k in range(SLOTS):
    HistoryState.add_var(slot_name(_k), dict[str, str], dict(EMPTY))
