"""/api/query: SQL statements over HTTP, shaped like Databricks' Statement Execution API.

`POST /api/query` checks the statement with the gate (the guard and read-only mode), starts
it, waits up to `wait_timeout` and answers its status, and its first rows once SUCCEEDED.
`GET /api/query/{id}` polls and pages; `POST /api/query/{id}/cancel` stops it. A statement is
its submitter's: anyone else is told it does not exist (404). The jobs live in
services/statements.py, their rows in the ResultStore.
"""

from __future__ import annotations

import asyncio
import math
import re
from typing import Annotated, Any, Literal

import pyarrow as pa
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.concurrency import run_in_threadpool

from ..backend import Services
from ..services import statements
from ..services.limits import RateLimited
from ..services.results import ResultNotFound
from ..services.sql import gate
from ..services.sql.engine import Identity
from .dashboards import _json_value
from .deps import ApiError, Caller, ServicesDep

router = APIRouter(prefix="/api/query", tags=["query"])

MAX_STATEMENT_BYTES = 1024 * 1024  # as the editor: no hand-written statement comes near it
MAX_PARAMETERS = 256
MAX_PARAMETER_CHARS = 65_536
DEFAULT_PAGE_ROWS = 1000
MAX_PAGE_ROWS = 10_000
MAX_PAGE_CELLS = 1_000_000  # a very wide result gets fewer rows a page
MAX_WAIT_S = 50
CANCEL_WAIT_S = 5.0  # a cancel answers once the engine stopped, or after this long
INT64 = (-(2**63), 2**63 - 1)

_STATEMENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_WAIT = re.compile(r"(\d{1,2})s")

State = Literal["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED"]


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in the JSON)
        raise ValueError(f"{what} is not valid Unicode") from None


def _absent_if_none(value: Any) -> bool:
    return value is None


# --------------------------------------------------------------------------- bodies and answers


class QueryRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    statement: str = Field(min_length=1, description="One SQL statement; `:name` markers take `parameters`.")
    parameters: dict[Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")], Any] | None = Field(
        None, description="Values for `:name` markers: text, numbers, booleans or null, passed natively."
    )
    warehouse_id: str | None = Field(None, pattern=r"^[A-Za-z0-9]{1,64}$")
    wait_timeout: str = Field("10s", description='How long to wait for the end, "0s" to "50s".')
    row_limit: int | None = Field(None, ge=1, description="At most this many rows (capped by the server's limit).")
    confirm: bool = Field(False, description="Run a statement that is not read-only (it is refused without).")

    @field_validator("statement")
    @classmethod
    def _statement_size(cls, value: str) -> str:
        size = len(_utf8(value, "the statement"))
        if size > MAX_STATEMENT_BYTES:
            raise ValueError(f"the statement is {size:,} bytes; the limit is {MAX_STATEMENT_BYTES:,}")
        return value

    @field_validator("wait_timeout")
    @classmethod
    def _wait_timeout(cls, value: str) -> str:
        m = _WAIT.fullmatch(value)
        if m is None or int(m.group(1)) > MAX_WAIT_S:
            raise ValueError(f'must be "0s" to "{MAX_WAIT_S}s"')
        return value

    @field_validator("parameters")
    @classmethod
    def _parameter_values(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        if len(value) > MAX_PARAMETERS:
            raise ValueError(f"at most {MAX_PARAMETERS} parameters")
        for name, v in value.items():
            if v is None or isinstance(v, bool):
                continue
            if isinstance(v, int):
                if not INT64[0] <= v <= INT64[1]:
                    raise ValueError(f"{name}: an integer must fit in 64 bits")
            elif isinstance(v, float):
                if not math.isfinite(v):
                    raise ValueError(f"{name}: a number must be finite")
            elif isinstance(v, str):
                _utf8(v, name)
                if len(v) > MAX_PARAMETER_CHARS:
                    raise ValueError(f"{name}: a text value is at most {MAX_PARAMETER_CHARS:,} characters")
            else:
                raise ValueError(f"{name}: a value must be text, a number, a boolean or null")
        return value

    @property
    def wait_seconds(self) -> int:
        return int(self.wait_timeout[:-1])


class StatusError(BaseModel):
    message: str


class Status(BaseModel):
    state: State
    error: StatusError | None = Field(None, exclude_if=_absent_if_none)


class ColumnOut(BaseModel):
    name: str
    type_name: str


class SchemaOut(BaseModel):
    columns: list[ColumnOut]


class Manifest(BaseModel):
    schema_: SchemaOut = Field(serialization_alias="schema")
    total_row_count: int
    truncated: bool


class ResultOut(BaseModel):
    data_array: list[list[Any]]
    next_offset: int | None


class StatementResponse(BaseModel):
    statement_id: str
    status: Status
    manifest: Manifest | None = Field(None, exclude_if=_absent_if_none)
    result: ResultOut | None = Field(None, exclude_if=_absent_if_none)


# --------------------------------------------------------------------------- helpers


def _registry(svc: Services) -> statements.StatementRegistry:
    return statements.registry_for(svc.results)


def _owner(caller: Identity) -> str:
    if not caller.user.strip():
        raise ApiError(401, "UNAUTHENTICATED", "No signed-in user came with this request.")
    return caller.user


def _not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "No such statement: it is unknown, expired, or not yours.")


def _statement_id(value: str) -> str:
    if not _STATEMENT_ID.fullmatch(value):
        raise _not_found()  # not one of ours: the same answer as any unknown id
    return value


def _cell(value: Any) -> Any:
    """A JSON value for one cell, as the dashboards API gives them; text for anything else."""
    value = _json_value(value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_cell(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _cell(v) for k, v in value.items()}
    return str(value)


def _page(table: pa.Table, offset: int, limit: int) -> ResultOut:
    total = table.num_rows
    if table.num_columns:
        limit = max(1, min(limit, MAX_PAGE_CELLS // table.num_columns))
    view = table.slice(min(offset, total), limit)
    columns = [c.to_pylist() for c in view.columns]
    rows = [[_cell(col[i]) for col in columns] for i in range(view.num_rows)]
    end = offset + view.num_rows
    return ResultOut(data_array=rows, next_offset=end if end < total else None)


def _answer(registry: statements.StatementRegistry, snap: statements.Snapshot, offset: int, limit: int) -> StatementResponse:
    """The status, and the manifest and one page of rows once SUCCEEDED (runs in a thread)."""
    error = StatusError(message=snap.error) if snap.error and snap.state in ("FAILED", "CANCELED") else None
    answer = StatementResponse(statement_id=snap.id, status=Status(state=snap.state, error=error))
    if snap.state != "SUCCEEDED":
        return answer
    try:
        snap, stored = registry.result(snap.id, owner=snap.owner)
    except statements.StatementNotFound:
        raise _not_found() from None
    except ResultNotFound as err:
        why = f" ({err.reason})" if err.reason else ""
        raise ApiError(410, "RESULT_EXPIRED", f"The rows of this statement were dropped to free memory{why}: run it again.") from None
    table = stored.result.table
    answer.manifest = Manifest(
        schema_=SchemaOut(columns=[ColumnOut(name=c.name, type_name=c.type) for c in snap.columns]),
        total_row_count=table.num_rows,
        truncated=snap.truncated,
    )
    answer.result = _page(table, offset, limit)
    return answer


async def _wait(registry: statements.StatementRegistry, statement_id: str, owner: str, seconds: float) -> statements.Snapshot:
    """Waits without holding a thread: the job's thread wakes this loop when it ends."""
    if seconds > 0:
        loop = asyncio.get_running_loop()
        ended = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(ended.set)
            except RuntimeError:  # the loop is gone (server shutting down): nobody waits
                pass

        withdraw = registry.on_done(statement_id, owner=owner, callback=wake)
        try:
            await asyncio.wait_for(ended.wait(), seconds)
        except TimeoutError:
            pass
        finally:
            withdraw()
    return registry.get(statement_id, owner=owner)


# --------------------------------------------------------------------------- routes


@router.post("", response_model=StatementResponse)
async def execute_statement(body: QueryRequest, svc: ServicesDep, caller: Caller):
    """Runs one statement; answers when it ends or after `wait_timeout`, whichever is first."""
    owner = _owner(caller)
    settings = svc.settings
    try:
        # The gate's verdict, off the event loop (parsing a long statement takes a while). The
        # job checks again where it runs; this answers a refusal before any job exists.
        verdict = await run_in_threadpool(
            gate.check, body.statement, confirmed=body.confirm, read_only_mode=settings.read_only
        )
    except gate.ReadOnlyRefused as err:
        raise ApiError(403, "READ_ONLY", str(err)) from None
    except gate.ConfirmationRequired as err:
        raise ApiError(409, "CONFIRMATION_REQUIRED", f'{err} Send "confirm": true to run it.') from None
    except gate.NothingToRun as err:
        raise ApiError(400, "EMPTY", str(err)) from None
    except gate.StatementRefused as err:
        raise ApiError(403, err.code, str(err)) from None
    if len(verdict.statements) > 1:
        raise ApiError(400, "MULTIPLE_STATEMENTS", f"Send one statement per request; this text holds {len(verdict.statements)}.")
    registry = _registry(svc)
    try:
        snap = registry.submit(
            svc.engine,
            body.statement,
            identity=caller,
            confirmed=body.confirm,
            read_only_mode=settings.read_only,
            row_limit=min(body.row_limit or settings.max_result_rows, settings.max_result_rows),
            timeout_s=settings.query_timeout_s,
            params=body.parameters,
            warehouse_id=body.warehouse_id,
            source="api",
        )
    except statements.TooManyStatements as err:
        raise ApiError(429, "TOO_MANY_STATEMENTS", str(err)) from None
    try:
        snap = await _wait(registry, snap.id, owner, body.wait_seconds)
    except statements.StatementNotFound:
        raise _not_found() from None
    if snap.state == "FAILED" and snap.error_code == "RATE_LIMITED":
        # Over the caller's per-user limit: nothing ran. Answered as such (429, Retry-After),
        # as the statement never got going.
        raise RateLimited(snap.retry_after_s or 1.0, snap.error or "Too many statements: try again shortly.")
    return await run_in_threadpool(_answer, registry, snap, 0, DEFAULT_PAGE_ROWS)


@router.get("/{statement_id}", response_model=StatementResponse)
async def get_statement(
    statement_id: str,
    svc: ServicesDep,
    caller: Caller,
    offset: Annotated[int, Query(ge=0, le=2**53)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_ROWS)] = DEFAULT_PAGE_ROWS,
):
    """The statement's status; once SUCCEEDED, its rows from `offset`, `limit` at a time."""
    owner = _owner(caller)
    registry = _registry(svc)
    try:
        snap = registry.get(_statement_id(statement_id), owner=owner)
    except statements.StatementNotFound:
        raise _not_found() from None
    return await run_in_threadpool(_answer, registry, snap, offset, limit)


@router.post("/{statement_id}/cancel", response_model=StatementResponse)
async def cancel_statement(statement_id: str, svc: ServicesDep, caller: Caller):
    """Stops the statement; 409 when it already ended. Answers once it stopped (CANCELED), or
    after a few seconds with its state then."""
    owner = _owner(caller)
    registry = _registry(svc)
    try:
        snap = registry.cancel(_statement_id(statement_id), owner=owner)
        snap = await _wait(registry, snap.id, owner, CANCEL_WAIT_S)
    except statements.StatementNotFound:
        raise _not_found() from None
    except statements.StatementFinished as err:
        raise ApiError(409, "ALREADY_FINISHED", str(err)) from None
    return await run_in_threadpool(_answer, registry, snap, 0, DEFAULT_PAGE_ROWS)
