"""A fake Databricks SQL warehouse: the Thrift-over-HTTP endpoint the SQL connector talks to.

Built from the connector's own generated `TCLIService` classes, so the wire format is the
real one: each HTTP POST carries one TBinaryProtocol message (that is what the connector's
THttpClient + TBinaryProtocol send), the body is handed to `TCLIService.Processor`, and the
reply goes back as `application/x-thrift`. Statements run on a real DuckDB connection you
pass in (Databricks SQL is translated with `dialect_bridge.to_duckdb`); results go back as
Arrow IPC batches (`arrowBatches`) with `resultSetMetadata`, like a warehouse without
cloud fetch.

    fake = FakeSqlWarehouse(con, tokens={"dapi-test"}, workspace=ws)
    with fake:
        sql.connect(**fake.connect_args(), access_token="dapi-test")

Implemented calls: OpenSession, CloseSession, ExecuteStatement (sync with direct results,
and async), GetOperationStatus, GetResultSetMetadata, FetchResults, CancelOperation (which
interrupts DuckDB), CloseOperation. Session configuration and confOverlay STATEMENT_TIMEOUT
are honoured; native parameters (`:name`, TSparkParameter) are bound, never formatted in.

Authentication: a bearer token from `tokens`, or one the FakeWorkspace issued (M2M);
no token answers 401, an unknown or expired one 403 "Invalid access token.", as the
service does. Every call's token is recorded in `token_log` (Thrift method, token) and
every statement's in `statements` (sql, token).

SQL errors read like a warehouse's: DuckDB's are rewritten into Databricks error classes,
e.g. "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. ... SQLSTATE: 42P01;
line 1 pos 14" and "[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'. SQLSTATE: 42601 (line 1,
pos 7)", with the SQLSTATE also in the Thrift status.

Faults: `fail(status, method=..., times=..)` answers HTTP 429/503/... (with Retry-After),
`drop_sessions()` forgets every session, `drop_connection(method)` closes the socket
without answering, `hang(method)` answers nothing until `release()` (a network stall),
`slow(seconds)` holds each statement before it runs (cancellable), `deny(table)` answers
INSUFFICIENT_PERMISSIONS for statements naming a table.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import socket
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable

import duckdb
import pyarrow as pa
from databricks.sql.thrift_api.TCLIService import TCLIService, ttypes
from thrift.protocol import TBinaryProtocol
from thrift.transport import TTransport

from dashboard_app.services.sql.dialect_bridge import to_duckdb

from .workspace import FakeWorkspace

V = ttypes.TProtocolVersion
OK = ttypes.TStatus(statusCode=ttypes.TStatusCode.SUCCESS_STATUS)
S = ttypes.TOperationState


def _error_status(message: str, sql_state: str | None = None, *, invalid_handle: bool = False) -> ttypes.TStatus:
    code = ttypes.TStatusCode.INVALID_HANDLE_STATUS if invalid_handle else ttypes.TStatusCode.ERROR_STATUS
    return ttypes.TStatus(statusCode=code, errorMessage=message, displayMessage=message, sqlState=sql_state)


def _guid() -> ttypes.THandleIdentifier:
    return ttypes.THandleIdentifier(guid=uuid.uuid4().bytes, secret=uuid.uuid4().bytes)


def _locate(sql: str, needle: str | None) -> tuple[int, int]:
    """1-based line and 0-based pos of `needle` in `sql` (Databricks counts that way)."""
    at = sql.lower().find(needle.lower()) if needle else -1
    at = len(sql.rstrip()) if at < 0 else at
    return sql.count("\n", 0, at) + 1, at - (sql.rfind("\n", 0, at) + 1)


def _quoted(name: str) -> str:
    return ".".join(f"`{part}`" for part in name.split("."))


def databricks_error(sql: str, err: duckdb.Error) -> tuple[str, str]:
    """DuckDB's error as a Databricks warehouse words it: (message, SQLSTATE)."""
    text = str(err).strip()
    m = re.search(r'Table with name "?([^"\s!]+)"? does not exist', text)
    if m:
        # DuckDB may name only the table: Databricks names it as the statement did.
        last = re.escape(m.group(1).split(".")[-1])
        written = re.search(rf"(?:`?\w+`?\.)*`?{last}`?(?!\w)", sql, re.IGNORECASE)
        name = written.group(0).replace("`", "") if written else m.group(1)
        line, pos = _locate(sql, written.group(0) if written else name)
        return (
            f"[TABLE_OR_VIEW_NOT_FOUND] The table or view {_quoted(name)} cannot be found. Verify the spelling "
            "and correctness of the schema and catalog.\nIf you did not qualify the name with a schema, verify the "
            "current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the error "
            f"on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. SQLSTATE: 42P01; line {line} pos {pos}",
            "42P01",
        )
    m = re.search(r'Referenced column "([^"]+)" not found', text)
    if m:
        line, pos = _locate(sql, m.group(1))
        found = re.search(r"Candidate bindings: (.*)", text)
        hint = ""
        if found:
            names = ", ".join(f"`{c.strip()}`" for c in found.group(1).replace('"', "").split(","))
            hint = f" Did you mean one of the following? [{names}]."
        kind = "WITH_SUGGESTION" if hint else "WITHOUT_SUGGESTION"
        return (
            f"[UNRESOLVED_COLUMN.{kind}] A column, variable, or function parameter with name `{m.group(1)}` cannot be "
            f"resolved.{hint} SQLSTATE: 42703; line {line} pos {pos}",
            "42703",
        )
    if isinstance(err, duckdb.ParserException):
        m = re.search(r'syntax error at or near "([^"]*)"', text)
        near = m.group(1) if m else None
        line, pos = _locate(sql, near)
        shown = f"'{near}'" if near else "end of input"
        return f"[PARSE_SYNTAX_ERROR] Syntax error at or near {shown}. SQLSTATE: 42601 (line {line}, pos {pos})", "42601"
    return text, "42000"


# --- Arrow <-> Thrift schema -------------------------------------------------------------

_T = ttypes.TTypeId


def _normalise(table: pa.Table) -> pa.Table:
    """Casts DuckDB's Arrow types to the ones a Databricks warehouse sends."""
    cols, fields = [], []
    for f, col in zip(table.schema, table.columns):
        t = f.type
        target: pa.DataType | None = None
        if pa.types.is_dictionary(t):
            target = t.value_type
        elif pa.types.is_large_string(t) or getattr(pa.types, "is_string_view", lambda _: False)(t):
            target = pa.string()
        elif pa.types.is_large_binary(t) or getattr(pa.types, "is_binary_view", lambda _: False)(t):
            target = pa.binary()
        elif t == pa.uint8():
            target = pa.int16()
        elif t == pa.uint16():
            target = pa.int32()
        elif t == pa.uint32():
            target = pa.int64()
        elif t == pa.uint64():
            target = pa.decimal128(20, 0)
        elif pa.types.is_timestamp(t) and t.unit != "us":
            target = pa.timestamp("us", t.tz)
        elif pa.types.is_date64(t):
            target = pa.date32()
        elif pa.types.is_time(t) or pa.types.is_interval(t) or pa.types.is_duration(t) or pa.types.is_decimal256(t):
            target = pa.string()
        if target is not None:
            col = col.cast(target) if not pa.types.is_interval(t) else pa.chunked_array(
                [pa.array([None if v is None else str(v) for v in col.to_pylist()], pa.string())]
            )
            f = pa.field(f.name, target)
        cols.append(col)
        fields.append(f)
    return pa.Table.from_arrays(cols, schema=pa.schema(fields))


def _type_entry(t: pa.DataType) -> ttypes.TTypeEntry:
    qualifiers = None
    if pa.types.is_boolean(t):
        tid = _T.BOOLEAN_TYPE
    elif t == pa.int8():
        tid = _T.TINYINT_TYPE
    elif t == pa.int16():
        tid = _T.SMALLINT_TYPE
    elif t == pa.int32():
        tid = _T.INT_TYPE
    elif t == pa.int64():
        tid = _T.BIGINT_TYPE
    elif t == pa.float32():
        tid = _T.FLOAT_TYPE
    elif t == pa.float64():
        tid = _T.DOUBLE_TYPE
    elif pa.types.is_decimal(t):
        tid = _T.DECIMAL_TYPE
        qualifiers = ttypes.TTypeQualifiers(
            qualifiers={
                "precision": ttypes.TTypeQualifierValue(i32Value=t.precision),
                "scale": ttypes.TTypeQualifierValue(i32Value=t.scale),
            }
        )
    elif pa.types.is_timestamp(t):
        tid = _T.TIMESTAMP_TYPE
    elif pa.types.is_date(t):
        tid = _T.DATE_TYPE
    elif pa.types.is_binary(t):
        tid = _T.BINARY_TYPE
    elif pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        tid = _T.ARRAY_TYPE
    elif pa.types.is_map(t):
        tid = _T.MAP_TYPE
    elif pa.types.is_struct(t):
        tid = _T.STRUCT_TYPE
    elif pa.types.is_null(t):
        tid = _T.NULL_TYPE
    else:
        tid = _T.STRING_TYPE
    return ttypes.TTypeEntry(primitiveEntry=ttypes.TPrimitiveTypeEntry(type=tid, typeQualifiers=qualifiers))


def _table_schema(schema: pa.Schema) -> ttypes.TTableSchema:
    return ttypes.TTableSchema(
        columns=[
            ttypes.TColumnDesc(columnName=f.name, typeDesc=ttypes.TTypeDesc(types=[_type_entry(f.type)]), position=i + 1)
            for i, f in enumerate(schema)
        ]
    )


# --- parameters --------------------------------------------------------------------------


def _param_value(p: ttypes.TSparkParameter) -> Any:
    raw = p.value.stringValue if p.value is not None else None
    kind = (p.type or "STRING").upper()
    if raw is None or kind == "VOID":
        return None
    if kind in ("INT", "BIGINT", "SMALLINT", "TINYINT"):
        return int(raw)
    if kind in ("DOUBLE", "FLOAT"):
        return float(raw)
    if kind == "BOOLEAN":
        return raw.strip().lower() == "true"
    if kind.startswith("DECIMAL"):
        return decimal.Decimal(raw)
    if kind == "DATE":
        return dt.date.fromisoformat(raw)
    if kind.startswith("TIMESTAMP"):
        return dt.datetime.fromisoformat(raw)
    return raw


# --- operations --------------------------------------------------------------------------


@dataclass
class _Session:
    handle: ttypes.TSessionHandle
    conf: dict[str, str]


@dataclass
class _Operation:
    handle: ttypes.TOperationHandle
    session: bytes
    sql: str
    params: dict[str, Any]
    timeout_s: float
    row_limit: int | None
    state: int = S.PENDING_STATE
    message: str | None = None
    sql_state: str | None = None
    table: pa.Table | None = None
    offset: int = 0
    done: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    cursor: Any = None
    timed_out: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def interrupt(self) -> None:
        if self.stop.is_set():
            return
        self.stop.set()
        # DuckDB forgets an interrupt that lands before the query starts, so keep
        # interrupting until the statement has really ended.
        threading.Thread(target=self._keep_interrupting, daemon=True, name="fake-sql-interrupt").start()

    def _keep_interrupting(self) -> None:
        while True:
            cur = self.cursor
            if cur is not None:
                try:
                    cur.interrupt()
                except Exception:  # noqa: BLE001 - the cursor may just have closed
                    pass
            if self.done.wait(0.02):
                return


class _Handler:
    """The TCLIService.Iface implementation; one instance per fake server."""

    def __init__(self, fake: "FakeSqlWarehouse"):
        self.fake = fake

    # sessions
    def OpenSession(self, req: ttypes.TOpenSessionReq) -> ttypes.TOpenSessionResp:
        handle = ttypes.TSessionHandle(sessionId=_guid(), serverProtocolVersion=self.fake.protocol_version)
        conf = {k.upper(): str(v) for k, v in (req.configuration or {}).items()}
        with self.fake._lock:
            self.fake._sessions[handle.sessionId.guid] = _Session(handle, conf)
            self.fake.sessions_opened += 1
        return ttypes.TOpenSessionResp(
            status=OK,
            serverProtocolVersion=self.fake.protocol_version,
            sessionHandle=handle,
            configuration={},
            initialNamespace=req.initialNamespace,
            canUseMultipleCatalogs=True,
        )

    def CloseSession(self, req: ttypes.TCloseSessionReq) -> ttypes.TCloseSessionResp:
        guid = req.sessionHandle.sessionId.guid
        with self.fake._lock:
            self.fake._sessions.pop(guid, None)
            ops = [op for op in self.fake._ops.values() if op.session == guid]
            for op in ops:
                self.fake._ops.pop(op.handle.operationId.guid, None)
        for op in ops:
            op.interrupt()
        return ttypes.TCloseSessionResp(status=OK)

    def _session(self, handle: ttypes.TSessionHandle) -> _Session | None:
        with self.fake._lock:
            return self.fake._sessions.get(handle.sessionId.guid)

    def _op(self, handle: ttypes.TOperationHandle) -> _Operation | None:
        with self.fake._lock:
            return self.fake._ops.get(handle.operationId.guid)

    @staticmethod
    def _bad_session(handle: ttypes.TSessionHandle) -> ttypes.TStatus:
        return _error_status(f"Invalid SessionHandle: SessionHandle [{uuid.UUID(bytes=handle.sessionId.guid)}]", invalid_handle=True)

    @staticmethod
    def _bad_op(handle: ttypes.TOperationHandle) -> ttypes.TStatus:
        return _error_status(f"Invalid OperationHandle: OperationHandle [{uuid.UUID(bytes=handle.operationId.guid)}]", invalid_handle=True)

    # statements
    def ExecuteStatement(self, req: ttypes.TExecuteStatementReq) -> ttypes.TExecuteStatementResp:
        session = self._session(req.sessionHandle)
        if session is None:
            return ttypes.TExecuteStatementResp(status=self._bad_session(req.sessionHandle))
        conf = dict(session.conf)
        conf.update({k.upper(): str(v) for k, v in (req.confOverlay or {}).items()})
        params = {p.name: _param_value(p) for p in (req.parameters or []) if p.name}
        op = _Operation(
            handle=ttypes.TOperationHandle(
                operationId=_guid(), operationType=ttypes.TOperationType.EXECUTE_STATEMENT, hasResultSet=True
            ),
            session=req.sessionHandle.sessionId.guid,
            sql=req.statement,
            params=params,
            timeout_s=float(conf.get("STATEMENT_TIMEOUT", "0") or 0),
            row_limit=req.resultRowLimit,
        )
        with self.fake._lock:
            self.fake._ops[op.handle.operationId.guid] = op
            self.fake.row_limits.append(req.resultRowLimit)
            self.fake.statements.append((req.statement, getattr(self.fake._request, "token", None)))
        threading.Thread(target=self.fake._run, args=(op, session), daemon=True, name="fake-sql-op").start()
        if req.getDirectResults is None:
            return ttypes.TExecuteStatementResp(status=OK, operationHandle=op.handle)
        # Like the real service: wait briefly so short statements come back in one round trip.
        op.done.wait(self.fake.direct_results_wait_s)
        direct = ttypes.TSparkDirectResults(operationStatus=self._status(op))
        if op.done.is_set() and op.state == S.FINISHED_STATE:
            direct.resultSetMetadata = self._metadata(op)
            rows = self._rows(op, req.getDirectResults.maxRows)
            direct.resultSet = ttypes.TFetchResultsResp(status=OK, hasMoreRows=rows.hasMoreRows, results=rows)
            if not rows.hasMoreRows:
                direct.closeOperation = ttypes.TCloseOperationResp(status=OK)
                with self.fake._lock:
                    self.fake._ops.pop(op.handle.operationId.guid, None)
        return ttypes.TExecuteStatementResp(status=OK, operationHandle=op.handle, directResults=direct)

    def _status(self, op: _Operation) -> ttypes.TGetOperationStatusResp:
        resp = ttypes.TGetOperationStatusResp(status=OK, operationState=op.state, hasResultSet=True)
        if op.state == S.ERROR_STATE:
            resp.errorMessage = f"org.apache.hive.service.cli.HiveSQLException: Error running query: {op.message}"
            resp.displayMessage = op.message
            resp.sqlState = op.sql_state
        return resp

    def GetOperationStatus(self, req: ttypes.TGetOperationStatusReq) -> ttypes.TGetOperationStatusResp:
        op = self._op(req.operationHandle)
        if op is None:
            return ttypes.TGetOperationStatusResp(status=self._bad_op(req.operationHandle))
        # Hold the poll a little (the connector polls in a tight loop) but stay short so a
        # concurrent CancelOperation, which shares the client's request lock, gets through.
        op.done.wait(self.fake.poll_wait_s)
        return self._status(op)

    def _metadata(self, op: _Operation) -> ttypes.TGetResultSetMetadataResp:
        assert op.table is not None
        return ttypes.TGetResultSetMetadataResp(
            status=OK,
            schema=_table_schema(op.table.schema),
            resultFormat=ttypes.TSparkRowSetType.ARROW_BASED_SET,
            lz4Compressed=False,
            arrowSchema=op.table.schema.serialize().to_pybytes(),
            isStagingOperation=False,
        )

    def GetResultSetMetadata(self, req: ttypes.TGetResultSetMetadataReq) -> ttypes.TGetResultSetMetadataResp:
        op = self._op(req.operationHandle)
        if op is None:
            return ttypes.TGetResultSetMetadataResp(status=self._bad_op(req.operationHandle))
        if op.state != S.FINISHED_STATE:
            return ttypes.TGetResultSetMetadataResp(status=_error_status(self._not_finished(op)))
        return self._metadata(op)

    @staticmethod
    def _not_finished(op: _Operation) -> str:
        if op.state == S.CANCELED_STATE:
            return "The operation was cancelled."
        if op.state == S.ERROR_STATE:
            return op.message or "The operation failed."
        return "The operation has not finished."

    def _rows(self, op: _Operation, max_rows: int | None) -> ttypes.TRowSet:
        assert op.table is not None
        with op.lock:
            start = op.offset
            n = max(1, max_rows or 10_000)
            chunk = op.table.slice(start, n)
            op.offset = start + chunk.num_rows
            more = op.offset < op.table.num_rows
        batches = [
            ttypes.TSparkArrowBatch(batch=b.serialize().to_pybytes(), rowCount=b.num_rows)
            for b in chunk.to_batches()
            if b.num_rows
        ]
        rs = ttypes.TRowSet(startRowOffset=start, rows=[], arrowBatches=batches)
        rs.hasMoreRows = more  # carried to the response by the caller
        return rs

    def FetchResults(self, req: ttypes.TFetchResultsReq) -> ttypes.TFetchResultsResp:
        op = self._op(req.operationHandle)
        if op is None:
            return ttypes.TFetchResultsResp(status=self._bad_op(req.operationHandle))
        if op.state != S.FINISHED_STATE:
            return ttypes.TFetchResultsResp(status=_error_status(self._not_finished(op)))
        rows = self._rows(op, req.maxRows)
        return ttypes.TFetchResultsResp(
            status=OK,
            hasMoreRows=rows.hasMoreRows,
            results=rows,
            resultSetMetadata=self._metadata(op) if req.includeResultSetMetadata else None,
        )

    def CancelOperation(self, req: ttypes.TCancelOperationReq) -> ttypes.TCancelOperationResp:
        op = self._op(req.operationHandle)
        if op is None:
            return ttypes.TCancelOperationResp(status=self._bad_op(req.operationHandle))
        with self.fake._lock:
            self.fake.cancel_requests += 1
        if not op.done.is_set():
            op.interrupt()
        return ttypes.TCancelOperationResp(status=OK)

    def CloseOperation(self, req: ttypes.TCloseOperationReq) -> ttypes.TCloseOperationResp:
        with self.fake._lock:
            op = self.fake._ops.pop(req.operationHandle.operationId.guid, None)
        if op is not None and not op.done.is_set():
            op.interrupt()
        return ttypes.TCloseOperationResp(status=OK)

    def GetInfo(self, req: ttypes.TGetInfoReq) -> ttypes.TGetInfoResp:
        return ttypes.TGetInfoResp(status=OK, infoValue=ttypes.TGetInfoValue(stringValue="Databricks SQL (fake)"))


@dataclass
class _Fault:
    status: int
    method: str | None
    remaining: int
    retry_after: str | None
    reason: str


_SET = re.compile(r"^\s*SET\s+([A-Za-z_][\w.]*)\s*=\s*(.*?)\s*;?\s*$", re.IGNORECASE | re.DOTALL)


class FakeSqlWarehouse:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        tokens: Iterable[str] = (),
        workspace: FakeWorkspace | None = None,
        http_path: str = "/sql/1.0/warehouses/fake0123456789",
        protocol_version: int = V.SPARK_CLI_SERVICE_PROTOCOL_V8,
        direct_results_wait_s: float = 0.05,
        poll_wait_s: float = 0.05,
    ):
        self.con = con
        self.tokens: set[str] = set(tokens)
        self.expired_tokens: set[str] = set()
        self.workspace = workspace
        self.http_path = http_path
        self.protocol_version = protocol_version
        self.direct_results_wait_s = direct_results_wait_s
        self.poll_wait_s = poll_wait_s
        # observations for tests
        self.calls: Counter[str] = Counter()
        self.executed: list[str] = []  # statements that reached DuckDB
        self.interrupted = 0
        self.cancel_requests = 0
        self.sessions_opened = 0
        self.row_limits: list[int | None] = []  # resultRowLimit of each statement
        self.auth_failures = 0
        self.token_log: list[tuple[str, str | None]] = []  # (Thrift method, bearer token) of every call
        self.statements: list[tuple[str, str | None]] = []  # (sql, bearer token) of every ExecuteStatement
        self._request = threading.local()  # the token of the call this handler thread serves
        # state
        self._sessions: dict[bytes, _Session] = {}
        self._ops: dict[bytes, _Operation] = {}
        self._faults: list[_Fault] = []
        self._drops: list[list[Any]] = []  # [method | None, remaining]
        self._hangs: list[list[Any]] = []
        self._released = threading.Event()
        self._denied: set[str] = set()
        self._slow_s = 0.0
        self._lock = threading.Lock()
        self._running = threading.Condition(self._lock)
        self._running_count = 0
        self._started_count = 0
        self._con_lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._processor = TCLIService.Processor(_Handler(self))
        self._server: ThreadingHTTPServer | None = None

    # --- connection -------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.http_path}"

    def connect_args(self) -> dict[str, Any]:
        """Where the connector should go: plain HTTP on 127.0.0.1, telemetry off."""
        return {
            "server_hostname": "127.0.0.1",
            "http_path": self.http_path,
            "_port": self.port,
            "_connection_uri": self.url,
            "enable_telemetry": False,
        }

    # --- faults -----------------------------------------------------------------------
    def fail(
        self, status: int, *, method: str | None = None, times: int = 1, retry_after: str | None = "0", reason: str = ""
    ) -> None:
        """The next `times` calls (of `method`, or any) answer HTTP `status` with no Thrift body."""
        with self._lock:
            self._faults.append(_Fault(status, method, times, retry_after, reason))

    def drop_connection(self, method: str | None = None, *, times: int = 1) -> None:
        """The next `times` calls (of `method`, or any) get the socket closed without an answer."""
        with self._lock:
            self._drops.append([method, times])

    def hang(self, method: str | None = None, *, times: int = 1) -> None:
        """The next `times` calls get no answer until `release()` (or stop): a network stall."""
        with self._lock:
            self._hangs.append([method, times])

    def release(self) -> None:
        self._released.set()

    def drop_sessions(self) -> None:
        """Forgets every session, as a warehouse restart does."""
        with self._lock:
            self._sessions.clear()
            ops = list(self._ops.values())
            self._ops.clear()
        for op in ops:
            op.interrupt()

    def slow(self, seconds: float) -> None:
        """Holds every statement this long before it runs (a cancel ends the wait)."""
        self._slow_s = seconds

    def deny(self, table: str) -> None:
        """Statements naming `table` fail with INSUFFICIENT_PERMISSIONS."""
        self._denied.add(table.lower())

    def wait_running(self, count: int = 1, timeout: float = 10.0) -> bool:
        """Blocks until `count` statements have started in DuckDB (in total)."""
        with self._running:
            return self._running.wait_for(lambda: self._started_count >= count, timeout)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Blocks until no statement is running in DuckDB."""
        with self._running:
            return self._running.wait_for(lambda: self._running_count == 0, timeout)

    @property
    def open_sessions(self) -> int:
        with self._lock:
            return len(self._sessions)

    # --- lifecycle --------------------------------------------------------------------
    def start(self) -> "FakeSqlWarehouse":
        fake = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                with fake._lock:
                    fake._sockets.add(self.connection)

            def finish(self) -> None:
                with fake._lock:
                    fake._sockets.discard(self.connection)
                super().finish()

            def do_POST(self) -> None:
                fake._serve(self)

            def do_GET(self) -> None:
                self._plain(404, b"")

            def _plain(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for k, v in {"Content-Length": str(len(body)), **(headers or {})}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="fake-sql-http"
        ).start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        # Keep-alive connections park a handler thread each; end them with the server.
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self._lock:
            ops = list(self._ops.values())
        for op in ops:
            op.interrupt()

    def __enter__(self) -> "FakeSqlWarehouse":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- HTTP -------------------------------------------------------------------------
    def _token_ok(self, token: str | None) -> bool:
        if not token or token in self.expired_tokens:
            return False
        return token in self.tokens or (self.workspace is not None and self.workspace.token_ok(token))

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        if h.path.split("?")[0] != self.http_path:
            return h._plain(404, b"", {"x-databricks-reason-phrase": "No such warehouse"})  # type: ignore[attr-defined]
        try:
            method = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(body)).readMessageBegin()[0]
        except Exception:  # noqa: BLE001 - not Thrift: answer like a gateway would
            return h._plain(400, b"")  # type: ignore[attr-defined]
        auth = h.headers.get("Authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        with self._lock:
            self.calls[method] += 1
            self.token_log.append((method, token))
            drop = next((d for d in self._drops if d[1] > 0 and d[0] in (None, method)), None)
            if drop:
                drop[1] -= 1
            hang = None if drop else next((d for d in self._hangs if d[1] > 0 and d[0] in (None, method)), None)
            if hang:
                hang[1] -= 1
            fault = None if drop else next((f for f in self._faults if f.remaining > 0 and f.method in (None, method)), None)
            if fault:
                fault.remaining -= 1
        if hang:
            self._released.wait()
        if drop or hang:
            h.close_connection = True
            try:
                h.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if not token:
            self.auth_failures += 1
            return h._plain(401, b"", {"x-databricks-reason-phrase": "Credential was not sent or was of an unsupported type for this API."})  # type: ignore[attr-defined]
        if not self._token_ok(token):
            self.auth_failures += 1
            return h._plain(403, b"", {"x-databricks-reason-phrase": "Invalid access token."})  # type: ignore[attr-defined]
        if fault:
            headers = {"x-databricks-reason-phrase": fault.reason or "injected fault"}
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
            return h._plain(fault.status, b"", headers)  # type: ignore[attr-defined]
        out = TTransport.TMemoryBuffer()
        self._request.token = token
        self._processor.process(TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(body)), TBinaryProtocol.TBinaryProtocol(out))
        h._plain(200, out.getvalue(), {"Content-Type": "application/x-thrift"})  # type: ignore[attr-defined]

    # --- running statements -----------------------------------------------------------
    def _run(self, op: _Operation, session: _Session) -> None:
        timer = None
        try:
            if self._slow_s and op.stop.wait(self._slow_s):
                op.state = S.CANCELED_STATE
                return
            set_match = _SET.match(op.sql)
            if set_match:
                session.conf[set_match.group(1).upper()] = set_match.group(2).strip("'\"")
                op.table = pa.table({"key": [set_match.group(1)], "value": [set_match.group(2)]})
                op.state = S.FINISHED_STATE
                return
            denied = next((t for t in self._denied if t in op.sql.lower()), None)
            if denied:
                op.state, op.sql_state = S.ERROR_STATE, "42501"
                op.message = f"[INSUFFICIENT_PERMISSIONS] Insufficient privileges:\nUser does not have SELECT on Table '{denied}'. SQLSTATE: 42501"
                return
            with self._con_lock:
                cur = self.con.cursor()
            op.cursor = cur
            if op.timeout_s > 0:
                def _expire() -> None:
                    op.timed_out = True
                    op.interrupt()

                timer = threading.Timer(op.timeout_s, _expire)
                timer.daemon = True
                timer.start()
            with self._running:
                self.executed.append(op.sql)
                self._started_count += 1
                self._running_count += 1
                self._running.notify_all()
            op.state = S.RUNNING_STATE
            try:
                if op.stop.is_set():
                    raise duckdb.InterruptException("interrupted before start")
                rel = cur.sql(to_duckdb(op.sql, params=bool(op.params)), params=op.params or None)
                if op.stop.is_set():
                    raise duckdb.InterruptException("interrupted")
                if rel is None:
                    table = pa.table({})
                else:
                    reader = rel.to_arrow_reader(64 * 1024)
                    batches, n = [], 0
                    for b in reader:
                        if op.stop.is_set():
                            raise duckdb.InterruptException("interrupted")
                        if op.row_limit and n + b.num_rows >= op.row_limit:
                            batches.append(b.slice(0, op.row_limit - n))
                            break
                        batches.append(b)
                        n += b.num_rows
                    table = pa.Table.from_batches(batches, schema=reader.schema)
                op.table = _normalise(table)
                op.state = S.FINISHED_STATE
            except duckdb.InterruptException:
                with self._lock:
                    self.interrupted += 1
                if op.timed_out:
                    op.state, op.sql_state = S.ERROR_STATE, "57014"
                    op.message = f"Statement has timed out after {op.timeout_s:g} seconds"
                else:
                    op.state = S.CANCELED_STATE
            except duckdb.Error as err:
                if op.stop.is_set() and not op.timed_out:
                    op.state = S.CANCELED_STATE
                else:
                    op.state = S.ERROR_STATE
                    op.message, op.sql_state = databricks_error(op.sql, err)
            finally:
                op.cursor = None
                cur.close()
                with self._running:
                    self._running_count -= 1
                    self._running.notify_all()
        except Exception as err:  # noqa: BLE001 - a fake must report, not die
            op.state, op.message = S.ERROR_STATE, f"fake server error: {err!r}"
        finally:
            if timer:
                timer.cancel()
            op.done.set()


def small_samples() -> duckdb.DuckDBPyConnection:
    """A small in-memory DuckDB shaped like Databricks' `samples` catalog, plus a writable `main`."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ':memory:' AS samples")
    con.execute("ATTACH ':memory:' AS main_db")  # the app's `main` (dialect_bridge renames it)
    for stmt in (
        "CREATE SCHEMA samples.tpch",
        'CREATE SCHEMA main_db."default"',
        "CREATE TABLE samples.tpch.region AS SELECT CAST(i AS BIGINT) AS r_regionkey, "
        "['AFRICA','AMERICA','ASIA','EUROPE','MIDDLE EAST'][i + 1] AS r_name FROM range(5) t(i)",
        "CREATE TABLE samples.tpch.nation AS SELECT CAST(i AS BIGINT) AS n_nationkey, 'NATION ' || i AS n_name, "
        "CAST(i % 5 AS BIGINT) AS n_regionkey FROM range(25) t(i)",
        "CREATE TABLE samples.tpch.supplier AS SELECT CAST(i AS BIGINT) AS s_suppkey, 'Supplier#' || i AS s_name "
        "FROM range(10) t(i)",
        "CREATE TABLE samples.tpch.orders AS SELECT CAST(i AS BIGINT) AS o_orderkey, "
        "CAST(100 + i * 0.25 AS DECIMAL(12,2)) AS o_totalprice, DATE '2024-01-01' + CAST(i % 365 AS INTEGER) AS o_orderdate, "
        "'comment ' || i AS o_comment FROM range(1000) t(i)",
    ):
        con.execute(stmt)
    return con
