"""The results grid: one page of the displayed result, its columns and counts.

A state of its own, so that flipping pages re-renders only the grid, and the editor's
timer ticks never touch it. Rows stay in the process-level ResultStore.
"""

from __future__ import annotations

import asyncio
import functools
import time

import pyarrow as pa
import reflex as rx

from ..backend import services
from ..services.results import MAX_COLUMNS, Page, ResultNotFound, sorted_sql
from ..services.sql import gate
from ..services.sql.engine import CancelScope, QueryCancelled, QueryError, QueryResult
from .base import AppState
from .warehouse import WarehouseState

def expired(err: ResultNotFound) -> str:
    """What the page says of a result no longer in the server's memory, and why it went."""
    why = f" ({err.reason})" if err.reason else ""
    return f"This result is no longer in the server's memory{why}: run the query again."


TICK_S = 0.1  # the running timer, as the editor's
INLINE_CELLS = 2_000  # a page up to this many plain cells is formatted on the event loop


class ShownResultState(AppState):
    """The result on screen: its columns, counts and sort, and the row opened in full. Kept
    apart from the page (ResultsState, below) so that a page flip re-renders only the rows
    and the pager, never the headers, links and dialogs that read these."""

    result_id: str = ""
    columns: list[dict[str, str]] = []
    total_rows: int = 0
    truncated: bool = False
    row_limit: int = 0
    duration: float = 0.0
    sort_col: str = ""
    sort_desc: bool = False
    error: str = ""
    all_columns: int = 0  # the result's width; the grid shows at most MAX_COLUMNS
    engine_sql: str = ""  # the DuckDB SQL the embedded engine ran, when it differs
    sort_note: str = ""  # says when a sort covers only the rows kept

    # One row in full, on demand (the grid shortens long values).
    row_open: bool = False
    row_title: str = ""
    row_values: list[dict[str, str | None]] = []


class ResultsState(ShownResultState):
    """The page of the shown result on screen, and every handler of the grid."""

    rows: list[list[str | None]] = []  # the page's values, None for NULL
    page: int = 0
    page_input: str = "1"
    first_row: int = 0  # the page's first row, counted from 0

    # The statement behind the shown result, for sorting a cut result in the engine. Set by
    # the server from the result store (never from the page); a sorted copy keeps them.
    _source_id: str = ""
    _source_sql: str = ""
    _source_truncated: bool = False
    _source_columns: list[str] = []
    _engine_sorted: bool = False  # the shown rows are already in order: page them as they are
    _plain: bool = False  # no nested or binary columns: a page formats quickly
    _sort_job: list[str] = []  # [sql, column, "asc" | "desc"] for sort_in_engine

    @rx.var
    def page_count(self) -> int:
        return max(1, -(-self.total_rows // services().settings.page_size))

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
        if self.sort_note:
            text += f" · {self.sort_note}"
        if self.all_columns > len(self.columns):
            text += f" · showing the first {len(self.columns):,} of {self.all_columns:,} columns (downloads have all)"
        return text + f" · {self.duration:.2f} s"

    def _show(self, rid: str, result: QueryResult, page: Page, *, sorted_by: tuple[str, bool] | None = None) -> None:
        """Shows a new result, or (`sorted_by`) the engine-sorted copy of the current one."""
        self._assign(
            result_id=rid, error="", sort_note="",
            columns=[{"name": c.name, "type": c.type} for c in result.columns[:MAX_COLUMNS]],
            all_columns=len(result.columns), page=0, page_input="1", total_rows=result.row_count,
            truncated=result.truncated, row_limit=result.row_limit, engine_sql=result.engine_sql,
        )
        self._set_rows(page.rows, 0)
        self.duration = result.elapsed_s
        self._plain = not any(pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
                              for t in result.table.schema.types)
        if sorted_by is not None:
            self._assign(sort_col=sorted_by[0], sort_desc=sorted_by[1])
            self._engine_sorted = True
            return
        self._assign(sort_col="", sort_desc=False)
        self._engine_sorted = False
        try:
            sql = services().results.get(rid, owner=self._identity().user).sql
        except ResultNotFound:
            sql = ""
        self._source_id, self._source_sql, self._source_truncated = rid, sql, result.truncated
        self._source_columns = [c.name for c in result.columns]

    def _set_rows(self, rows: list[list[str | None]], first_row: int) -> None:
        self.rows = rows
        self._assign(first_row=first_row)

    def _page_sort(self) -> tuple[str | None, bool]:
        # Rows sorted by the engine are paged as they came (an in-memory sort would move NULLs).
        return (None, False) if self._engine_sorted else (self.sort_col or None, self.sort_desc)

    async def _load(self, rid: str) -> bool:
        """Shows an earlier result of this session (another statement of the last run)."""
        svc = services()
        try:
            item = svc.results.get(rid, owner=self._identity().user)
            page = await asyncio.to_thread(svc.results.page, rid, owner=item.owner, offset=0, limit=svc.settings.page_size)
        except ResultNotFound as err:
            self.error = expired(err)
            return False
        self._show(rid, item.result, page)
        return True

    async def _load_page(self, page: int) -> None:
        if not self.result_id:
            return
        svc = services()
        size = svc.settings.page_size
        page = max(0, min(page, max(0, -(-self.total_rows // size) - 1)))
        sort, descending = self._page_sort()
        fetch = functools.partial(svc.results.page, self.result_id, owner=self._identity().user, offset=page * size,
                                  limit=size, sort=sort, descending=descending)
        try:
            # A page of plain values in the query's order formats in well under a millisecond:
            # here, without the hand-off to a thread; a sort or nested values go to one.
            quick = self._plain and not sort and size * len(self.columns) <= INLINE_CELLS
            data = fetch() if quick else await asyncio.to_thread(fetch)
        except ResultNotFound as err:
            self.error = expired(err)
            return
        self._set_rows(data.rows, page * size)
        self._assign(page=page, page_input=str(page + 1))

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
        """Ascending, descending, then the query's own order. A result cut at the row limit is
        sorted by running its statement again, ordered, in the engine; a result that is whole
        is sorted here, in memory."""
        if not isinstance(column, str) or not self.result_id or column not in self._source_columns:
            return
        if self.sort_col != column:
            col, desc = column, False
        else:
            col, desc = (column, True) if not self.sort_desc else ("", False)
        if not self._source_truncated:
            self.sort_col, self.sort_desc = col, desc
            await self._load_page(0)
            return
        if not col:
            if self._engine_sorted:
                shown = self.result_id
                if await self._load(self._source_id):
                    services().results.discard(shown, owner=self._identity().user)
            else:
                self.sort_col, self.sort_desc, self.sort_note = "", False, ""
                await self._load_page(0)
            return
        sql = await asyncio.to_thread(sorted_sql, self._source_sql, col, desc)
        if sql is None:
            # Not a read-only query: it is never run again without being asked, so say plainly
            # what this sort covers.
            self.sort_col, self.sort_desc = col, desc
            self.sort_note = f"sorted within these first {self.row_limit:,} rows only (the statement is not run again)"
            await self._load_page(0)
            return
        return await self._start_sort(sql, col, desc)

    async def _start_sort(self, sql: str, column: str, descending: bool):
        """Runs as the editor's run does: one per tab, with its timer and Cancel button."""
        from .query import RUNNING, QueryState

        token = self.router.session.client_token
        query = await self.get_state(QueryState)
        if query.running or token in RUNNING:
            return None
        RUNNING[token] = CancelScope()
        query.running, query.elapsed, query.notice = True, 0.0, ""
        self._sort_job = [sql, column, "desc" if descending else "asc"]
        return ResultsState.sort_in_engine

    @rx.event(background=True)
    async def sort_in_engine(self):
        from .chart import ChartState
        from .query import RUNNING, QueryState

        svc = services()
        async with self:
            token = self.router.session.client_token
            job, self._sort_job = self._sort_job, []
            scope = RUNNING.get(token)
            if len(job) != 3 or scope is None:
                return  # not queued by sort_by: a stray or crafted call
            sql, column, descending = job[0], job[1], job[2] == "desc"
            source, identity = self._source_id, self._identity()
            warehouse = (await self.get_state(WarehouseState)).selected or None
        started = time.perf_counter()
        outcome: tuple[str, QueryResult, Page] | QueryError | None = None
        run = asyncio.ensure_future(
            asyncio.to_thread(
                gate.run_statement, svc.engine, sql, identity=identity, confirmed=False,
                read_only_mode=svc.settings.read_only, row_limit=svc.settings.max_result_rows,
                timeout_s=svc.settings.query_timeout_s, scope=scope, warehouse_id=warehouse,
            )
        )
        try:
            while not run.done():
                await asyncio.wait({run}, timeout=TICK_S)
                if not run.done():
                    async with self:
                        (await self.get_state(QueryState)).elapsed = round(time.perf_counter() - started, 1)
            try:
                result = run.result()
                rid = svc.results.put(owner=identity.user, session=token, sql=sql, result=result)
                page = await asyncio.to_thread(svc.results.page, rid, owner=identity.user, offset=0, limit=svc.settings.page_size)
                outcome = (rid, result, page)
            except QueryError as err:
                outcome = err
        finally:
            if not run.done():
                scope.cancel()  # this task was stopped: so is the statement
            async with self:
                query = await self.get_state(QueryState)
                if RUNNING.get(token) is scope:
                    RUNNING.pop(token, None)
                    query.running, query.elapsed = False, round(time.perf_counter() - started, 1)
                # The sorted rows and the end of the run in one update, for the result they sort.
                if isinstance(outcome, tuple) and self._source_id == source:
                    shown = self.result_id
                    self._show(*outcome, sorted_by=(column, descending))
                    if shown != source:
                        svc.results.discard(shown, owner=identity.user)  # the previous sorted copy
                elif isinstance(outcome, QueryCancelled):
                    query.notice = "Sort cancelled: the rows are shown as they were."
                elif isinstance(outcome, QueryError):
                    self.error = f"Could not sort in the engine: {outcome}"
        return ChartState.result_changed if isinstance(outcome, tuple) else None

    @rx.event
    async def show_row(self, row: int):
        if not self.result_id or type(row) is not int or not 0 <= row < len(self.rows):
            return
        absolute = self.page * services().settings.page_size + row
        sort, descending = self._page_sort()
        try:
            values = await asyncio.to_thread(
                services().results.row, self.result_id, owner=self._identity().user, row=absolute,
                sort=sort, descending=descending,
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
