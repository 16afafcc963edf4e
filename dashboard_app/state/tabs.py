"""The SQL editor's tabs: each user's queries in progress, kept in the app database
(services/tabs.py), so a reload or another machine finds them as they were.

The editor's text reaches QueryState on every change; `autosave` writes the active tab a
moment after the typing stops (and at once when the tab is left), so nothing is lost and
the database is not written on every keystroke.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from ..backend import services
from ..services.tabs import TabNotFound, TabTooLarge, TooManyTabs
from .base import AppState

AUTOSAVE_S = 2.0


class Autosaver:
    """The latest unsaved text of each tab, written AUTOSAVE_S after its last change."""

    def __init__(self, delay_s: float = AUTOSAVE_S):
        self.delay_s = delay_s
        self._latest: dict[tuple[str, str], dict[str, Any]] = {}
        self._tasks: dict[tuple[str, str], asyncio.Task] = {}

    def schedule(self, owner: str, tab_id: str, **fields: Any) -> None:
        key = (owner, tab_id)
        self._latest.setdefault(key, {}).update(fields)
        if key not in self._tasks or self._tasks[key].done():
            self._tasks[key] = asyncio.get_running_loop().create_task(self._later(key))

    async def _later(self, key: tuple[str, str]) -> None:
        await asyncio.sleep(self.delay_s)
        await self.flush(*key)

    async def flush(self, owner: str, tab_id: str) -> None:
        fields = self._latest.pop((owner, tab_id), None)
        if not fields:
            return
        try:
            await asyncio.to_thread(services().tabs.save, owner, tab_id, **fields)
        except (TabNotFound, ValueError):
            pass  # closed meanwhile, or refused (too large: the editor said so when it was typed)


autosave = Autosaver()


class TabsState(AppState):
    tabs: list[dict[str, str]] = []  # id, title
    active: str = ""
    error: str = ""
    rename_id: str = ""
    rename_draft: str = ""

    @rx.event
    async def load(self):
        """The user's tabs (a first one if there are none), the active one in the editor."""
        user = self._identity().user
        rows = await asyncio.to_thread(services().tabs.ensure_one, user)
        self._show(rows)
        if not any(t["id"] == self.active for t in self.tabs):
            self.active = ""
        from .query import QueryState

        query = await self.get_state(QueryState)
        if self.active and query._tab_id == self.active:
            # Kept as it is (another page may have put text there); a new page's editor
            # starts from the server's copy.
            query._replace(query.sql)
            return
        await self._open(self.active or rows[0].id)

    def _show(self, rows: list[Any]) -> None:
        self.tabs = [{"id": r.id, "title": r.title} for r in rows]

    async def _open(self, tab_id: str) -> bool:
        from .query import QueryState

        user = self._identity().user
        try:
            tab = await asyncio.to_thread(services().tabs.get, user, tab_id)
        except TabNotFound:
            return False
        query = await self.get_state(QueryState)
        query._open_tab(tab)
        self.active, self.error = tab.id, ""
        return True

    async def _leave(self) -> None:
        """Saves the active tab's text now (its autosave may still be waiting)."""
        if self.active:
            await autosave.flush(self._identity().user, self.active)

    @rx.event
    async def switch(self, tab_id: str):
        if not isinstance(tab_id, str) or tab_id == self.active or not await self._idle():
            return
        await self._leave()
        if not await self._open(tab_id):
            self.error = "That tab was closed (on another page?)."
            await self._reload()

    async def _idle(self) -> bool:
        from .query import QueryState

        if (await self.get_state(QueryState)).running:
            self.error = "A query is running in this tab: wait for it or cancel it first."
            return False
        return True

    async def _reload(self) -> None:
        rows = await asyncio.to_thread(services().tabs.ensure_one, self._identity().user)
        self._show(rows)

    @rx.event
    async def new_tab(self):
        await self._open_new(None, "")

    async def _open_new(self, title: str | None, sql: str) -> None:
        """A new tab holding `sql` (a history entry, a saved query), made the active one."""
        if not await self._idle():
            return
        await self._leave()
        user = self._identity().user
        try:
            tab = await asyncio.to_thread(services().tabs.create, user, (title or None) and title[:100], sql)
        except (TooManyTabs, TabTooLarge, ValueError) as err:
            self.error = str(err)
            return
        await self._reload()
        await self._open(tab.id)

    @rx.event
    async def close_tab(self, tab_id: str):
        if not isinstance(tab_id, str) or (tab_id == self.active and not await self._idle()):
            return
        user = self._identity().user
        ids = [t["id"] for t in self.tabs]
        try:
            left = await asyncio.to_thread(services().tabs.close, user, tab_id)
        except TabNotFound:
            left = None
        if not left:
            left = await asyncio.to_thread(services().tabs.ensure_one, user)
        self._show(left)
        if tab_id == self.active or not any(t.id == self.active for t in left):
            # The neighbour on the right takes its place, as in a browser.
            at = ids.index(tab_id) if tab_id in ids else 0
            await self._open(left[min(at, len(left) - 1)].id)

    @rx.event
    async def move_tab(self, tab_id: str, delta: int):
        if not isinstance(tab_id, str) or not isinstance(delta, int) or isinstance(delta, bool) or delta not in (-1, 1):
            return
        ids = [t["id"] for t in self.tabs]
        if tab_id not in ids:
            return
        try:
            rows = await asyncio.to_thread(services().tabs.move, self._identity().user, tab_id, ids.index(tab_id) + delta)
        except (TabNotFound, ValueError) as err:
            self.error = str(err)
            return
        self._show(rows)

    @rx.event
    def start_rename(self, tab_id: str):
        tab = next((t for t in self.tabs if t["id"] == tab_id), None) if isinstance(tab_id, str) else None
        if tab is not None:
            self.rename_id, self.rename_draft = tab["id"], tab["title"]

    @rx.event
    def set_rename_draft(self, value: str):
        if isinstance(value, str):
            self.rename_draft = value[:100]

    @rx.event
    async def rename_key(self, key: str, info: dict):
        if key == "Enter":
            await self.rename()
        elif key == "Escape":
            self.rename_id = ""

    @rx.event
    def cancel_rename(self):
        self.rename_id = ""

    @rx.event
    async def rename(self):
        if not self.rename_id:
            return
        try:
            await asyncio.to_thread(services().tabs.rename, self._identity().user, self.rename_id, self.rename_draft)
        except (TabNotFound, ValueError) as err:
            self.error = str(err)
            return
        self.rename_id = ""
        await self._reload()
