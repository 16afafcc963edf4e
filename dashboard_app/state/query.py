"""The SQL editor: guard, then run off the event loop with a live timer and cancel.

Results go to the process-level ResultStore; the grid's own state (results.py) shows one
page of them, so paging never re-renders the editor and the timer never re-renders the grid.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from ..backend import services
from ..services.sql import gate, guard, parameters
from ..services.sql.engine import CancelScope, QueryCancelled, QueryError, QueryTimeout
from .base import AppState
from .editor_text import edited_text, index_to_utf16_offset, utf16_offset_to_index
from .results import ResultsState
from .warehouse import WarehouseState

MAX_SQL_BYTES = 1024 * 1024
# The parameter inputs follow the text as it is typed up to this size (the scan runs on the
# event loop with every keystroke); a longer text's markers are found at Run, off the loop.
PARAMS_SCAN_CHARS = 20_000
MAX_PARAMS_SHOWN = 30
COMPLETION_LIMIT = 50
# Completion kinds as CodeMirror names (and draws) them.
_CM_TYPES = {"keyword": "keyword", "function": "function", "catalog": "namespace", "schema": "namespace",
             "table": "class", "view": "class", "column": "property"}
TICK_S = 0.1  # how often the running timer is pushed to the page

# Running statements by client token, so Cancel (another event) can reach them.
RUNNING: dict[str, CancelScope] = {}

DEFAULT_SQL = """SELECT o_orderpriority, count(*) AS orders, round(sum(o_totalprice), 2) AS revenue
FROM samples.tpch.orders
GROUP BY o_orderpriority
ORDER BY o_orderpriority"""


class QueryState(AppState):
    # The editor keeps its text; the server has a copy (`_sql`, sent on every change, never
    # echoed back). `editor_doc` changes only when the server replaces the text on purpose,
    # and `editor_key` remounts the editor when the same text must be put back.
    editor_doc: str = DEFAULT_SQL
    editor_key: int = 0
    error_at: int = -1  # where in the text the last engine error points (-1: nowhere)
    # The `:name` parameters of the text, with their type and value (kept with the tab).
    params: list[dict[str, str]] = []
    # Completion for the word at the cursor: {"start", "prefix", "complete" (every match is
    # there), "options": [{label, type, detail}]}.
    completion: dict[str, Any] = {}
    running: bool = False
    elapsed: float = 0.0
    error: str = ""
    error_line: int = 0
    error_column: int = 0
    error_engine_sql: str = ""  # what the embedded engine ran, for an error in translated SQL
    notice: str = ""

    # One entry per statement of the last run: kind, status, rows, time, result id.
    statements: list[dict[str, str]] = []
    selected: int = -1

    # Confirmation of a statement that is not read-only.
    confirm_open: bool = False
    confirm_title: str = ""
    confirm_detail: str = ""
    _pending: list[str] = []

    # What start_run runs, and whether a person confirmed it. Backend-only and set only by
    # the server's own run / confirm paths: the page can neither see nor set them.
    _job: list[str] = []
    _job_confirmed: bool = False
    _job_warehouse: str = ""
    _sql: str = DEFAULT_SQL
    _anchor: int = 0
    _head: int = 0
    _selected: str = ""
    # Where each statement of the run starts in the editor's text (for the error mark).
    _job_offsets: list[int] = []
    _job_params: list[dict[str, Any]] = []
    _tab_id: str = ""  # the tab the editor shows (state/tabs.py)
    _typed: bool = False  # the last change typed one character
    _param_specs: dict[str, dict[str, str]] = {}  # every parameter the tab has had a value for

    # --- editing ---
    @property
    def sql(self) -> str:
        return self._sql

    def _replace(self, text: str) -> None:
        """Puts `text` in the editor (and the server's copy)."""
        end = index_to_utf16_offset(text, len(text))
        self._sql, self._anchor, self._head, self._selected = text, end, end, ""
        if self.editor_doc == text:
            self.editor_key += 1
        self.editor_doc, self.error_at = text, -1
        if self._tab_id and len(text.encode("utf-8")) <= MAX_SQL_BYTES:
            from .tabs import autosave

            autosave.schedule(self._identity().user, self._tab_id, sql=text)

    def _open_tab(self, tab: Any) -> None:
        """Shows a tab's text and parameters (TabsState opens it)."""
        self._tab_id, self._param_specs = tab.id, dict(tab.params)
        self._replace(tab.sql)
        self.error, self.notice, self.error_line, self.error_column = "", "", 0, 0
        self._update_params()

    @rx.event
    def set_sql(self, value: dict[str, Any] | str):
        """The editor's text changed: `value` is its whole text, or the change (editor_text)."""
        text = edited_text(self._sql, value)
        if text is None:
            self.notice = ("The editor and the server no longer agree about the text. Copy your text, "
                           "reload the page, and paste it back.")
            return
        # Completion follows typing (one character more), never a paste or a deletion.
        self._typed = len(text) == len(self._sql) + 1
        value = self._sql = text
        if self.error_at >= 0:
            self.error_at = -1  # the text changed: the mark may point elsewhere now
        if len(value) > MAX_SQL_BYTES // 4 and len(value.encode("utf-8")) > MAX_SQL_BYTES:
            self.notice = (f"This text is {len(value.encode('utf-8')):,} bytes: a tab keeps at most "
                           f"{MAX_SQL_BYTES:,} (1 MB), so it is not saved. Shorten it, or keep it in a file.")
        else:
            if self.notice.startswith("This text is"):
                self.notice = ""
            if self._tab_id:
                from .tabs import autosave

                autosave.schedule(self._identity().user, self._tab_id, sql=value)
        if len(value) <= PARAMS_SCAN_CHARS:
            self._update_params()

    def _update_params(self) -> None:
        """One input per `:name` of the text, keeping the values already given."""
        try:
            sql = self._sql
            found = parameters.names(sql) if ":" in sql and len(sql) <= PARAMS_SCAN_CHARS else []
        except Exception:  # noqa: BLE001 - a text the tokenizer rejects has no parameters to show
            found = []
        self._show_params(found)

    def _show_params(self, found: list[str]) -> None:
        shown = [{"name": n, "type": self._param_specs.get(n, {}).get("type", "text"),
                  "value": self._param_specs.get(n, {}).get("value", "")} for n in found[:MAX_PARAMS_SHOWN]]
        if shown != self.params:
            self.params = shown

    def _save_params(self) -> None:
        if self._tab_id:
            from .tabs import autosave

            keep = {p["name"] for p in self.params}
            autosave.schedule(self._identity().user, self._tab_id,
                              params={k: v for k, v in self._plain_specs().items() if k in keep})

    def _plain_specs(self) -> dict[str, dict[str, str]]:
        # State values come wrapped (Reflex tracks their changes): services get plain dicts.
        return {str(k): {"type": str(v.get("type", "text")), "value": str(v.get("value", ""))} for k, v in self._param_specs.items()}

    @rx.event
    def set_param_value(self, name: str, value: str):
        if isinstance(name, str) and isinstance(value, str) and any(p["name"] == name for p in self.params):
            spec = self._param_specs.get(name, {"type": "text", "value": ""})
            self._param_specs = {**self._param_specs, name: {**spec, "value": value[:parameters.MAX_TEXT_VALUE]}}
            self.params = [{**p, "value": value[:parameters.MAX_TEXT_VALUE]} if p["name"] == name else p for p in self.params]
            self._save_params()

    @rx.event
    def set_param_type(self, name: str, kind: str):
        if isinstance(name, str) and kind in parameters.TYPES and any(p["name"] == name for p in self.params):
            spec = self._param_specs.get(name, {"type": "text", "value": ""})
            self._param_specs = {**self._param_specs, name: {**spec, "type": kind}}
            self.params = [{**p, "type": kind} if p["name"] == name else p for p in self.params]
            self._save_params()

    @rx.event
    async def set_cursor(self, info: dict):
        """Where the cursor and the selection are (CodeMirror's statistics, after each change
        and move); the completion options for that place go back to the editor."""
        if not isinstance(info, dict):
            return
        anchor, head, selected = info.get("anchor"), info.get("head"), info.get("selected")
        if isinstance(anchor, int) and isinstance(head, int) and not isinstance(anchor, bool) and not isinstance(head, bool):
            self._anchor, self._head = anchor, head
        self._selected = selected if isinstance(selected, str) else ""
        typed, self._typed = self._typed, False
        if typed:  # other updates (a move, the popup itself) keep the options: they fit one word
            await self._complete()

    async def _complete(self) -> None:
        sql = self._sql
        head = utf16_offset_to_index(sql, self._head)  # the editor counts UTF-16 units
        offered: dict[str, Any] = {}
        # Only while a name is being typed (or right after a dot): no popup on plain moves.
        if self._anchor == head and 0 < head <= len(sql) and (sql[head - 1].isalnum() or sql[head - 1] in "_.`"):
            found = await asyncio.to_thread(services().completer.complete, self._identity(), sql, head, limit=COMPLETION_LIMIT)
            if found.options and (found.prefix or sql[head - 1] == "."):
                now = self.completion
                if (now.get("start") == found.start and now.get("complete")
                        and found.prefix.lower().startswith(str(now.get("prefix", "")).lower())):
                    return  # the word grew and the options on the page already hold all its matches
                offered = {"start": index_to_utf16_offset(sql, found.start), "prefix": found.prefix, "complete": len(found.options) < COMPLETION_LIMIT,
                           "options": [{"label": o.label, "type": _CM_TYPES.get(o.type, "text"), "detail": o.detail}
                                       for o in found.options]}
        if offered != self.completion:
            self.completion = offered

    @rx.event
    def insert_text(self, text: str):
        """Puts a name from the schema browser at the cursor."""
        if not isinstance(text, str):
            return
        sql = self._sql
        at = utf16_offset_to_index(sql, self._head)
        before = sql[:at]
        sep = "" if not before or before.endswith((" ", "\n", "(", ",", ".")) else " "
        self._replace(f"{before}{sep}{text}{sql[at:]}")

    @rx.event
    def on_editor_key(self, key: str, info: dict):
        if not isinstance(info, dict) or not (info.get("ctrl_key") or info.get("meta_key") or info.get("alt_key")):
            return None
        if key == "Enter" and info.get("shift_key"):
            return QueryState.run_at_cursor
        if key == "Enter":
            return QueryState.run
        if key in ("f", "F", "Ï") and info.get("shift_key") and info.get("alt_key"):
            return QueryState.format_sql
        return None

    @rx.event
    async def format_sql(self):
        from ..services.sql.formatting import FormatError, format_sql

        try:
            text = await asyncio.to_thread(format_sql, self._sql)
        except FormatError as err:
            self.notice = f"Not formatted: {err}"
            return
        self.notice = ""
        if text != self._sql:
            self._replace(text)

    # --- running ---
    def _begin(self) -> None:
        """Shows the run as started in the same update that accepted it."""
        self._clear_messages()
        self._assign(running=True, elapsed=0.0, statements=[], selected=-1)

    def _clear_messages(self) -> None:
        self._assign(error="", notice="", error_line=0, error_column=0, error_engine_sql="")

    async def _launch(self, parts: list[str], *, confirmed: bool):
        """Queues `parts` for start_run. Runs under the state lock, as does the end of a run,
        so a tab has at most one run and `running` always ends with it."""
        token = self.router.session.client_token
        if self.running or token in RUNNING:
            return None
        warehouse = await self.get_state(WarehouseState)
        RUNNING[token] = CancelScope()
        self._job, self._job_confirmed, self._job_warehouse = list(parts), confirmed, warehouse.selected
        self._begin()
        return QueryState.start_run

    @rx.event
    async def run(self):
        """Runs the selection when there is one, else the whole text."""
        if self.running:
            return
        sql, selected = self._sql, self._selected
        start = utf16_offset_to_index(sql, min(self._anchor, self._head))
        if selected.strip() and sql[start:start + len(selected)] == selected:
            return await self._run_text(selected, start)
        return await self._run_text(sql, 0)

    @rx.event
    async def run_at_cursor(self):
        """Runs the statement the cursor is in."""
        if self.running:
            return
        sql = self._sql
        start, end = await asyncio.to_thread(_statement_at, sql, utf16_offset_to_index(sql, self._head))
        return await self._run_text(sql[start:end], start)

    async def _run_text(self, text: str, base: int):
        if not text.strip():
            return
        self._clear_messages()
        size = len(text.encode("utf-8"))
        if size > MAX_SQL_BYTES:
            self.error = f"The query is {size:,} bytes; the limit is {MAX_SQL_BYTES:,} (1 MB)."
            return
        verdict = await asyncio.to_thread(guard.classify, text)
        if verdict.empty:
            self.notice = "Nothing to run: the editor holds only comments or whitespace."
            return
        parts = [s.sql for s in verdict.statements] if verdict.error is None else [text]
        self._job_offsets = _offsets(text, parts, base)
        try:
            # Values travel as the engine's own parameters, never inside the SQL.
            specs = self._plain_specs()
            self._job_params = await asyncio.to_thread(lambda: [parameters.bind(specs, parameters.names(p)) for p in parts])
        except parameters.ParameterError as err:
            self.error = str(err)
            if len(self._sql) > PARAMS_SCAN_CHARS:  # inputs not kept up while typing: show them now
                found = await asyncio.to_thread(parameters.names, self._sql)
                self._show_params(found)
            return
        if verdict.read_only:
            return await self._launch(parts, confirmed=False)
        if verdict.error is not None:
            # The guard could not read it: a typo gets the engine's own syntax error (parsed
            # there, never run); only text the engine accepts needs the dialog.
            warehouse = await self.get_state(WarehouseState)
            syntax = await asyncio.to_thread(
                services().engine.check_syntax, text, self._identity(), warehouse_id=warehouse.selected or None
            )
            if syntax is not None:
                self.error = str(syntax)
                self.error_line, self.error_column = syntax.line or 0, syntax.column or 0
                self.error_at = _mark(self._sql, base, syntax.line, syntax.column)
                self.error_engine_sql = syntax.engine_sql
                return
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

    async def _run_generated(self, text: str):
        """Runs SQL the server wrote (a table preview) when it is read-only; the editor stays."""
        if self.running:
            return None
        verdict = await asyncio.to_thread(guard.classify, text)
        if verdict.read_only:
            return await self._launch([s.sql for s in verdict.statements], confirmed=False)
        self.error = f"Refused: {verdict.describe()}"
        return None

    @rx.event
    async def confirm(self):
        parts, self._pending = self._pending, []
        self.confirm_open = False
        if not parts:
            return
        if services().settings.read_only:
            self.error = "Read-only mode: only read-only statements run here."
            return
        return await self._launch(parts, confirmed=True)

    @rx.event
    def dismiss_confirm(self):
        self._pending = []
        self.confirm_open = False
        self.notice = "Not run."

    @rx.event(background=True)
    async def start_run(self):
        svc = services()
        async with self:
            token = self.router.session.client_token
            parts, confirmed, warehouse_id = self._job, self._job_confirmed, self._job_warehouse
            job_params = list(self._job_params)
            self._job, self._job_confirmed = [], False
            scope = RUNNING.get(token)
            if not parts or scope is None:
                return  # nothing was queued by run / confirm: a stray or crafted call
            identity = self._identity()
        started = time.perf_counter()
        try:
            for index, stmt in enumerate(parts):
                last = index == len(parts) - 1
                job = asyncio.ensure_future(
                    asyncio.to_thread(
                        gate.run_statement,
                        svc.engine,
                        stmt,
                        identity=identity,
                        confirmed=confirmed,
                        read_only_mode=svc.settings.read_only,
                        row_limit=svc.settings.max_result_rows,
                        timeout_s=svc.settings.query_timeout_s,
                        scope=scope,
                        warehouse_id=warehouse_id or None,
                        params=(job_params[index] if index < len(job_params) else None) or None,
                        source="page",  # counted against the per-user limits and audited as the page's
                        count=index == 0,  # a Run is one submission, however many statements it holds
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
                    async with self:
                        self.statements = [*self.statements, summary]
                        self.error = _error_text(err, index, len(parts))
                        self.error_line, self.error_column = err.line or 0, err.column or 0
                        offsets = self._job_offsets
                        self.error_at = _mark(self._sql, offsets[index] if index < len(offsets) else 0, err.line, err.column)
                        self.error_engine_sql = err.engine_sql
                        self._end(token, started)
                    await self._record(identity.user, stmt, duration_ms=0, rows=0, truncated=False, status=status, error=str(err))
                    break
                rid = svc.results.put(owner=identity.user, session=token, sql=stmt, result=result)
                summary.update(rows=f"{result.row_count:,}{'+' if result.truncated else ''}", time=f"{result.elapsed_s:.2f} s", id=rid)
                page = await asyncio.to_thread(svc.results.page, rid, owner=identity.user, offset=0, limit=svc.settings.page_size)
                async with self:
                    self.statements = [*self.statements, summary]
                    self.selected = index
                    (await self.get_state(ResultsState))._show(rid, result, page)
                    if last:
                        self._end(token, started)  # the rows and the end of the run in one update
                # History is written after the rows are on their way.
                await self._record(identity.user, stmt, duration_ms=int(result.elapsed_s * 1000),
                                   rows=result.row_count, truncated=result.truncated, status="ok")
        finally:
            async with self:
                if RUNNING.get(token) is scope:
                    self._end(token, started)
        return QueryState.after_run

    async def _record(self, user: str, stmt: str, **run: Any) -> None:
        """Writes the run to the history, and adds it to the panel: one entry, not the list."""
        from .history import HistoryState

        recorded = await asyncio.to_thread(services().history.record, user, stmt, **run)
        async with self:
            (await self.get_state(HistoryState))._add(recorded)

    def _end(self, token: str, started: float) -> None:
        """The end of a run: the tab may start another. Called under the state lock."""
        RUNNING.pop(token, None)
        self._finish(started)

    def _finish(self, started: float) -> None:
        self._assign(running=False, elapsed=round(time.perf_counter() - started, 1))

    @rx.event
    def after_run(self):
        """Lets the chart follow the new result (when its tab is open) once a run ends."""
        from .chart import ChartState

        # The warehouse may have started (or stopped) meanwhile: show its state again.
        return [ChartState.result_changed, WarehouseState.refresh]

    @rx.event
    def cancel(self):
        scope = RUNNING.get(self.router.session.client_token)
        if scope is not None:
            scope.cancel()
            self.notice = "Cancelling…"

    @rx.event
    async def select_statement(self, index: int):
        if not isinstance(index, int) or not (0 <= index < len(self.statements)) or not self.statements[index].get("id"):
            return
        rid = self.statements[index]["id"]
        results = await self.get_state(ResultsState)
        if await results._load(rid):
            self.selected = index
            from .chart import ChartState

            return ChartState.result_changed


def _statement_at(sql: str, cursor: int) -> tuple[int, int]:
    """The span of the statement the cursor is in (or just after: its `;` and the spaces
    that follow still count as it)."""
    spans, at = [], 0
    for part in guard.split_statements(sql):
        found = sql.find(part, at)
        if found < 0:
            break
        spans.append((found, found + len(part)))
        at = found + len(part)
    if not spans:
        return 0, len(sql)
    chosen = spans[0]
    for start, end in spans:
        if start <= cursor:
            chosen = (start, end)
    return chosen


def _offsets(text: str, parts: list[str], base: int) -> list[int]:
    """Where each statement of `text` starts in the editor's text."""
    out, at = [], 0
    for part in parts:
        found = text.find(part, at)
        at = found if found >= 0 else at
        out.append(base + at)
        at += len(part)
    return out


def _position(sql: str, base: int, line: int | None, column: int | None) -> int:
    """The offset in `sql` of (line, column), counted from `base`; -1 when unknown."""
    if not line:
        return -1
    at = base
    for _ in range(line - 1):
        nl = sql.find("\n", at)
        if nl < 0:
            return -1
        at = nl + 1
    return min(at + max((column or 1) - 1, 0), len(sql))


def _mark(sql: str, base: int, line: int | None, column: int | None) -> int:
    """The editor's position (UTF-16 units) of an error at (line, column) from `base`."""
    at = _position(sql, base, line, column)
    return index_to_utf16_offset(sql, at) if at >= 0 else -1


def _one_line(sql: str, limit: int = 120) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_text(err: QueryError, index: int, count: int) -> str:
    prefix = f"Statement {index + 1} of {count}: " if count > 1 else ""
    return prefix + str(err)
