"""The SQL editor: guard, run off the event loop with a live timer, cancel, page, sort.

Results stay in the process-level ResultStore; this state holds only the visible page,
the column list and counts (what the browser needs), plus result ids.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from ..backend import services
from ..services.results import ResultNotFound
from ..services.sql import guard
from ..services.sql.engine import CancelScope, QueryCancelled, QueryError, QueryTimeout
from .base import AppState
from .warehouse import WarehouseState

MAX_SQL_BYTES = 1024 * 1024
TICK_S = 0.1  # how often the running timer is pushed to the page

# Running statements by client token, so Cancel (another event) can reach them.
RUNNING: dict[str, CancelScope] = {}

DEFAULT_SQL = """SELECT o_orderpriority, count(*) AS orders, round(sum(o_totalprice), 2) AS revenue
FROM samples.tpch.orders
GROUP BY o_orderpriority
ORDER BY o_orderpriority"""


class QueryState(AppState):
    sql: str = DEFAULT_SQL
    running: bool = False
    elapsed: float = 0.0
    error: str = ""
    error_line: int = 0
    notice: str = ""

    # The displayed result: one page of rows, its columns and counts.
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

    # One entry per statement of the last run: kind, status, rows, time, result id.
    statements: list[dict[str, str]] = []
    selected: int = -1

    # Confirmation of a statement that is not read-only.
    confirm_open: bool = False
    confirm_title: str = ""
    confirm_detail: str = ""
    _pending: list[str] = []

    # Full value of one grid cell, on demand.
    cell_open: bool = False
    cell_title: str = ""
    cell_value: str = ""

    # --- derived ---
    @rx.var
    def page_size(self) -> int:
        return services().settings.page_size

    @rx.var
    def page_count(self) -> int:
        size = services().settings.page_size
        return max(1, -(-self.total_rows // size))

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
        return text + f" · {self.duration:.2f} s"

    @rx.var
    def csv_url(self) -> str:
        return f"/api/results/{self.result_id}/download?format=csv" if self.result_id else ""

    @rx.var
    def parquet_url(self) -> str:
        return f"/api/results/{self.result_id}/download?format=parquet" if self.result_id else ""

    # --- editing ---
    @rx.event
    def set_sql(self, value: str):
        self.sql = value

    @rx.event
    def insert_text(self, text: str):
        """Adds a name from the schema browser to the editor."""
        sep = "" if not self.sql or self.sql.endswith((" ", "\n", "(", ",")) else " "
        self.sql = f"{self.sql}{sep}{text}"

    @rx.event
    def on_editor_key(self, key: str, info: dict):
        if key == "Enter" and (info.get("ctrl_key") or info.get("meta_key")):
            return QueryState.run

    # --- running ---
    @rx.event
    async def run(self):
        if self.running:
            return
        text = self.sql
        if not text.strip():
            return
        self.error, self.notice, self.error_line = "", "", 0
        if len(text.encode("utf-8")) > MAX_SQL_BYTES:
            self.error = f"The query is {len(text.encode('utf-8')):,} bytes; the limit is {MAX_SQL_BYTES:,} (1 MB)."
            return
        verdict = await asyncio.to_thread(guard.classify, text)
        if verdict.empty:
            self.notice = "Nothing to run: the editor holds only comments or whitespace."
            return
        parts = [s.sql for s in verdict.statements] if verdict.error is None else [text]
        if verdict.read_only:
            return QueryState.start_run(parts, True)
        what = verdict.describe()
        if services().settings.read_only:
            self.error = f"Read-only mode: {what} is not allowed here."
            return
        self._pending = parts
        if verdict.error is not None:
            self.confirm_title = "This SQL could not be checked"
            self.confirm_detail = f"The parser could not read it ({verdict.error}). Run it anyway?"
        else:
            self.confirm_title = "This statement can change data"
            self.confirm_detail = f"{what}. Run it?"
        self.confirm_open = True

    @rx.event
    async def run_text(self, text: str):
        """Runs generated SQL (a table preview) through the same guard, leaving the editor alone."""
        verdict = await asyncio.to_thread(guard.classify, text)
        if verdict.read_only:
            return QueryState.start_run([s.sql for s in verdict.statements], True)
        self.error = f"Refused: {verdict.describe()}"

    @rx.event
    def confirm(self):
        parts, self._pending = self._pending, []
        self.confirm_open = False
        if parts:
            return QueryState.start_run(parts, False)

    @rx.event
    def dismiss_confirm(self):
        self._pending = []
        self.confirm_open = False
        self.notice = "Not run."

    @rx.event(background=True)
    async def start_run(self, parts: list[str], read_only: bool):
        svc = services()
        async with self:
            if self.running:
                return
            token = self.router.session.client_token
            identity = self.identity()
            warehouse = await self.get_state(WarehouseState)
            warehouse_id = warehouse.selected or None
            self.running, self.elapsed = True, 0.0
            self.error, self.notice, self.error_line = "", "", 0
            self.statements, self.selected = [], -1
        scope = CancelScope()
        RUNNING[token] = scope
        started = time.perf_counter()
        try:
            for index, stmt in enumerate(parts):
                job = asyncio.ensure_future(
                    asyncio.to_thread(
                        svc.engine.execute,
                        stmt,
                        identity=identity,
                        row_limit=svc.settings.max_result_rows,
                        timeout_s=svc.settings.query_timeout_s,
                        scope=scope,
                        read_only=read_only,
                        warehouse_id=warehouse_id,
                    )
                )
                while not job.done():
                    await asyncio.wait({job}, timeout=TICK_S)
                    if not job.done():
                        async with self:
                            self.elapsed = round(time.perf_counter() - started, 1)
                summary = {"index": str(index + 1), "sql": _one_line(stmt), "status": "ok", "rows": "", "time": "", "id": ""}
                try:
                    result = job.result()
                except QueryError as err:
                    status = "timeout" if isinstance(err, QueryTimeout) else "cancelled" if isinstance(err, QueryCancelled) else "error"
                    summary.update(status=status, time=f"{time.perf_counter() - started:.2f} s")
                    await asyncio.to_thread(
                        svc.history.record, identity.user, stmt, duration_ms=0, rows=0, truncated=False,
                        status=status, error=str(err),
                    )
                    async with self:
                        self.statements = [*self.statements, summary]
                        self.error = _error_text(err, index, len(parts))
                        self.error_line = err.line or 0
                    break
                rid = svc.results.put(owner=identity.user, session=token, sql=stmt, result=result)
                summary.update(rows=f"{result.row_count:,}{'+' if result.truncated else ''}", time=f"{result.elapsed_s:.2f} s", id=rid)
                await asyncio.to_thread(
                    svc.history.record, identity.user, stmt, duration_ms=int(result.elapsed_s * 1000),
                    rows=result.row_count, truncated=result.truncated, status="ok",
                )
                page = await asyncio.to_thread(svc.results.page, rid, owner=identity.user, offset=0, limit=svc.settings.page_size)
                async with self:
                    self.statements = [*self.statements, summary]
                    self.selected = index
                    self._show(rid, result, page)
        finally:
            RUNNING.pop(token, None)
            async with self:
                self.running = False
                self.elapsed = round(time.perf_counter() - started, 1)
        return QueryState.after_run

    @rx.event
    def after_run(self):
        """Lets other panels (history, chart) refresh once a run ends."""
        from .history import HistoryState
        from .chart import ChartState

        return [HistoryState.load, ChartState.result_changed]

    def _show(self, rid, result, page) -> None:
        self.result_id = rid
        self.columns = [{"name": c.name, "type": c.type} for c in result.columns]
        self.rows = page.rows
        self.page, self.page_input = 0, "1"
        self.total_rows = result.row_count
        self.truncated = result.truncated
        self.row_limit = result.row_limit
        self.duration = result.elapsed_s
        self.sort_col, self.sort_desc = "", False

    @rx.event
    def cancel(self):
        scope = RUNNING.get(self.router.session.client_token)
        if scope is not None:
            scope.cancel()
            self.notice = "Cancelling…"

    # --- paging and sorting ---
    async def _load_page(self, page: int) -> None:
        if not self.result_id:
            return
        svc = services()
        size = svc.settings.page_size
        page = max(0, min(page, max(0, -(-self.total_rows // size) - 1)))
        try:
            data = await asyncio.to_thread(
                svc.results.page, self.result_id, owner=self.identity().user, offset=page * size, limit=size,
                sort=self.sort_col or None, descending=self.sort_desc,
            )
        except ResultNotFound:
            self.error = "This result has expired from the server's memory: run the query again."
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
        self.page_input = value

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
        if self.sort_col == column:
            if self.sort_desc:
                self.sort_col, self.sort_desc = "", False
            else:
                self.sort_desc = True
        else:
            self.sort_col, self.sort_desc = column, False
        await self._load_page(0)

    @rx.event
    async def select_statement(self, index: int):
        if not (0 <= index < len(self.statements)) or not self.statements[index].get("id"):
            return
        rid = self.statements[index]["id"]
        svc = services()
        try:
            item = svc.results.get(rid, owner=self.identity().user)
        except ResultNotFound:
            self.error = "This result has expired from the server's memory: run the query again."
            return
        page = await asyncio.to_thread(svc.results.page, rid, owner=item.owner, offset=0, limit=svc.settings.page_size)
        self.selected = index
        self._show(rid, item.result, page)
        from .chart import ChartState

        return ChartState.result_changed

    # --- one cell in full ---
    @rx.event
    async def show_cell(self, row: int, column: int):
        if not self.result_id or not (0 <= column < len(self.columns)):
            return
        absolute = self.page * services().settings.page_size + row
        try:
            value = await asyncio.to_thread(
                services().results.cell, self.result_id, owner=self.identity().user, row=absolute, column=column,
                sort=self.sort_col or None, descending=self.sort_desc,
            )
        except (ResultNotFound, IndexError):
            return
        self.cell_title = f"{self.columns[column]['name']} · row {absolute + 1:,}"
        self.cell_value = "NULL" if value is None else value
        self.cell_open = True

    @rx.event
    def close_cell(self):
        self.cell_open = False
        self.cell_value = ""


def _one_line(sql: str, limit: int = 120) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_text(err: QueryError, index: int, count: int) -> str:
    prefix = f"Statement {index + 1} of {count}: " if count > 1 else ""
    return prefix + str(err)
