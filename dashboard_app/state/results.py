"""The results grid: one page of the displayed result, its columns and counts.

A state of its own, so that flipping pages re-renders only the grid, and the editor's
timer ticks never touch it. Rows stay in the process-level ResultStore.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ..backend import services
from ..services.results import MAX_COLUMNS, Page, ResultNotFound
from ..services.sql.engine import QueryResult
from .base import AppState

EXPIRED = "This result has expired from the server's memory: run the query again."


class ResultsState(AppState):
    result_id: str = ""
    columns: list[dict[str, str]] = []
    rows: list[list[str | None]] = []
    page: int = 0
    total_rows: int = 0
    truncated: bool = False
    row_limit: int = 0
    duration: float = 0.0
    sort_col: str = ""
    sort_desc: bool = False
    page_input: str = "1"
    error: str = ""
    all_columns: int = 0  # the result's width; the grid shows at most MAX_COLUMNS
    engine_sql: str = ""  # the DuckDB SQL the embedded engine ran, when it differs

    # One row in full, on demand (the grid shortens long values).
    row_open: bool = False
    row_title: str = ""
    row_values: list[dict[str, str | None]] = []

    @rx.var
    def page_count(self) -> int:
        return max(1, -(-self.total_rows // services().settings.page_size))

    @rx.var
    def first_row(self) -> int:
        return self.page * services().settings.page_size

    @rx.var
    def row_summary(self) -> str:
        if not self.result_id:
            return ""
        size = services().settings.page_size
        start = self.page * size + 1 if self.total_rows else 0
        end = min(self.total_rows, (self.page + 1) * size)
        text = f"Rows {start:,}–{end:,} of {self.total_rows:,}"
        if self.truncated:
            text += f" · truncated at {self.row_limit:,} rows (the query returned more)"
        if self.all_columns > len(self.columns):
            text += f" · showing the first {len(self.columns):,} of {self.all_columns:,} columns (downloads have all)"
        return text + f" · {self.duration:.2f} s"

    @rx.var
    def csv_url(self) -> str:
        return f"/api/results/{self.result_id}/download?format=csv" if self.result_id else ""

    @rx.var
    def parquet_url(self) -> str:
        return f"/api/results/{self.result_id}/download?format=parquet" if self.result_id else ""

    def _show(self, rid: str, result: QueryResult, page: Page) -> None:
        self.result_id, self.error = rid, ""
        self.columns = [{"name": c.name, "type": c.type} for c in result.columns[:MAX_COLUMNS]]
        self.all_columns = len(result.columns)
        self.rows = page.rows
        self.page, self.page_input = 0, "1"
        self.total_rows = result.row_count
        self.truncated = result.truncated
        self.row_limit = result.row_limit
        self.duration = result.elapsed_s
        self.engine_sql = result.engine_sql
        self.sort_col, self.sort_desc = "", False

    async def _load(self, rid: str) -> bool:
        """Shows an earlier result of this session (another statement of the last run)."""
        svc = services()
        try:
            item = svc.results.get(rid, owner=self._identity().user)
            page = await asyncio.to_thread(svc.results.page, rid, owner=item.owner, offset=0, limit=svc.settings.page_size)
        except ResultNotFound:
            self.error = EXPIRED
            return False
        self._show(rid, item.result, page)
        return True

    async def _load_page(self, page: int) -> None:
        if not self.result_id:
            return
        svc = services()
        size = svc.settings.page_size
        page = max(0, min(page, max(0, -(-self.total_rows // size) - 1)))
        try:
            data = await asyncio.to_thread(
                svc.results.page, self.result_id, owner=self._identity().user, offset=page * size, limit=size,
                sort=self.sort_col or None, descending=self.sort_desc,
            )
        except ResultNotFound:
            self.error = EXPIRED
            return
        self.rows = data.rows
        self.page = page
        self.page_input = str(page + 1)

    @rx.event
    async def next_page(self):
        await self._load_page(self.page + 1)

    @rx.event
    async def prev_page(self):
        await self._load_page(self.page - 1)

    @rx.event
    async def first_page(self):
        await self._load_page(0)

    @rx.event
    async def last_page(self):
        await self._load_page(self.page_count - 1)

    @rx.event
    def set_page_input(self, value: str):
        if isinstance(value, str):
            self.page_input = value[:12]

    @rx.event
    async def jump(self, _form: dict | None = None):
        try:
            target = int(self.page_input.strip()) - 1
        except ValueError:
            self.page_input = str(self.page + 1)
            return
        await self._load_page(target)

    @rx.event
    async def sort_by(self, column: str):
        if not any(c["name"] == column for c in self.columns):
            return
        if self.sort_col == column:
            if self.sort_desc:
                self.sort_col, self.sort_desc = "", False
            else:
                self.sort_desc = True
        else:
            self.sort_col, self.sort_desc = column, False
        await self._load_page(0)

    @rx.event
    async def show_row(self, row: int):
        if not self.result_id or type(row) is not int or not 0 <= row < len(self.rows):
            return
        absolute = self.page * services().settings.page_size + row
        try:
            values = await asyncio.to_thread(
                services().results.row, self.result_id, owner=self._identity().user, row=absolute,
                sort=self.sort_col or None, descending=self.sort_desc,
            )
        except (ResultNotFound, IndexError):
            return
        self.row_title = f"Row {absolute + 1:,}"
        self.row_values = [{"name": name, "value": value} for name, value in values]
        self.row_open = True

    @rx.event
    def close_row(self):
        self.row_open = False
        self.row_values = []
