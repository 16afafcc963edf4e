"""Which SQL warehouse runs the next query, and whether it is running (a stopped one takes
minutes to start). Shown only when the backend has warehouses to choose from."""

from __future__ import annotations

import asyncio

import reflex as rx

from ..backend import services
from ..services.sql.engine import QueryError
from .base import AppState


class WarehouseState(AppState):
    available: bool = False
    options: list[dict[str, str]] = []
    selected: str = ""
    error: str = ""

    @rx.var
    def selected_state(self) -> str:
        for w in self.options:
            if w["id"] == self.selected:
                return w["state"]
        return ""

    @rx.var
    def option_ids(self) -> list[str]:
        return [w["id"] for w in self.options]

    @rx.event
    async def load(self):
        engine = services().engine
        try:
            found = await asyncio.to_thread(engine.warehouses, self._identity())
        except QueryError as err:
            self.error = str(err)
            return
        self._assign(available=bool(found))
        if not found:
            return
        self._assign(error="", backend_label=engine.label,  # now names the warehouse, not just its id
                     options=[{"id": w.id, "name": w.name or w.id, "state": str(w.state or "UNKNOWN")} for w in found])
        default = getattr(engine, "warehouse_id", "")
        if not any(w["id"] == self.selected for w in self.options):
            self.selected = default if any(w["id"] == default for w in self.options) else self.options[0]["id"]

    @rx.event
    async def refresh(self):
        """The warehouses' states again, after a run; nothing to do on a backend without them."""
        if self.available:
            await self.load()

    @rx.event
    async def select(self, warehouse_id: str):
        if any(w["id"] == warehouse_id for w in self.options):
            self.selected = warehouse_id
            await self.load()
