"""The chart of the displayed result: type, x, y, colour and aggregation, built on the server."""

from __future__ import annotations

import asyncio

import plotly.graph_objects as go
import reflex as rx

from ..backend import services
from ..services import charts
from ..services.results import ResultNotFound
from .base import AppState

NONE = "(none)"


class ChartState(AppState):
    visible: bool = False  # charts are built only while the chart tab is open
    kind: str = "bar"
    x: str = ""
    ys: list[str] = []
    color: str = NONE
    agg: str = "sum"
    order: str = "result"  # charts.ORDERS
    figure: go.Figure = go.Figure()
    note: str = ""
    error: str = ""
    numeric_columns: list[str] = []
    all_columns: list[str] = []
    _for_result: str = ""

    @rx.var
    def color_options(self) -> list[str]:
        return [NONE, *self.all_columns]

    @rx.var
    def y_options(self) -> list[str]:
        return [c for c in self.numeric_columns if c not in self.ys]

    async def _result(self):
        from .results import ResultsState

        q = await self.get_state(ResultsState)
        if not q.result_id:
            return None, ""
        try:
            return services().results.get(q.result_id, owner=self._identity().user), q.result_id
        except ResultNotFound:
            return None, q.result_id

    @rx.event
    async def show(self, tab: str):
        self.visible = tab == "chart"
        if self.visible:
            await self._refresh(guess=False)

    @rx.event
    async def result_changed(self):
        if self.visible:
            await self._refresh(guess=False)

    async def _refresh(self, guess: bool) -> None:
        item, rid = await self._result()
        if item is None:
            self.figure, self.note, self.error = go.Figure(), "", "Run a query to chart its result." if not rid else "This result has expired: run the query again."
            return
        table = item.result.table
        if rid != self._for_result or guess:
            kinds = charts.column_kinds(table)
            self.all_columns = list(table.column_names)
            self.numeric_columns = [c for c, k in kinds.items() if k == "number"]
            spec = charts.guess(table)
            self.kind, self.x, self.ys = spec.kind, spec.x, list(spec.ys)
            self.color, self.agg, self.order = spec.color or NONE, spec.agg, spec.order
            self._for_result = rid
        await self._build(table)

    async def _build(self, table) -> None:
        spec = charts.ChartSpec(self.kind, self.x, tuple(self.ys), "" if self.color == NONE else self.color, self.agg, self.order)
        try:
            data = await asyncio.to_thread(charts.build, table, spec)
        except charts.ChartError as err:
            self.error, self.note, self.figure = str(err), "", go.Figure()
            return
        self.figure, self.note, self.error = data.figure, data.note, ""

    async def _rebuild(self) -> None:
        item, _ = await self._result()
        if item is not None:
            await self._build(item.result.table)

    @rx.event
    async def set_kind(self, value: str):
        if value in charts.KINDS:
            self.kind = value
            if value == "scatter" and self.agg != "none":
                self.agg = "none"
            elif value != "scatter" and self.agg == "none":
                self.agg = "sum"
            await self._rebuild()

    @rx.event
    async def set_x(self, value: str):
        if value not in self.all_columns:
            return
        self.x = value
        await self._rebuild()

    @rx.event
    async def add_y(self, value: str):
        if value in self.numeric_columns and value not in self.ys:
            self.ys = [*self.ys, value]
            await self._rebuild()

    @rx.event
    async def remove_y(self, value: str):
        self.ys = [y for y in self.ys if y != value]
        await self._rebuild()

    @rx.event
    async def set_color(self, value: str):
        if value != NONE and value not in self.all_columns:
            return
        self.color = value
        await self._rebuild()

    @rx.event
    async def set_agg(self, value: str):
        if value in charts.AGGREGATIONS:
            self.agg = value
            await self._rebuild()

    @rx.event
    async def set_order(self, value: str):
        if isinstance(value, str) and value in charts.ORDERS:
            self.order = value
            await self._rebuild()

    @rx.event
    async def suggest(self):
        await self._refresh(guess=True)
