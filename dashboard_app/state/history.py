"""Each user's recent queries and saved queries; one click puts one back in the editor."""

from __future__ import annotations

import asyncio

import reflex as rx

from ..backend import services
from .base import AppState


class HistoryState(AppState):
    runs: list[dict[str, str]] = []
    saved: list[dict[str, str]] = []
    save_open: bool = False
    save_name: str = ""
    save_error: str = ""

    @rx.event
    async def load(self):
        user = self._identity().user
        store = services().history
        runs, saved = await asyncio.gather(asyncio.to_thread(store.recent, user, 50), asyncio.to_thread(store.saved, user))
        self.runs = [
            {
                "id": str(r.id),
                "sql": " ".join(r.sql.split())[:160],
                "when": r.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                "duration": f"{r.duration_ms / 1000:.2f} s",
                "rows": f"{r.rows:,}{'+' if r.truncated else ''}",
                "status": r.status,
            }
            for r in runs
        ]
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
        await self.load()

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
        await self.load()
