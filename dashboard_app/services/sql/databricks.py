"""The Databricks engine: SQL on a SQL warehouse through databricks-sql-connector.

- One bounded connection pool per (warehouse http_path, identity pool key): users never
  share a session, and no single connection serialises the whole app.
- Results come back as Arrow in batches (`fetchmany_arrow`), stopping at row_limit + 1 so
  memory is bounded by the limit and `truncated` is exact; `resultRowLimit` tells the
  warehouse not to produce more either.
- Cancel: CancelScope.arm(cursor.cancel); timeout: a client timer plus the session's
  STATEMENT_TIMEOUT as the server-side backstop.
- Values go as native parameters (`:name`), never into the SQL text.
- Retries belong to this engine, not the connector (its own retry is switched off, because
  it would resend any statement on HTTP 429/503): opening a session is retried while the
  warehouse is busy or starting; a statement is retried only if the caller says it is
  read-only (429/503 with backoff, and once after a lost connection).
- Catalog listings go to Unity Catalog through `CatalogService` (the SDK), not SQL.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Mapping
from urllib.parse import urlsplit

import pyarrow as pa

from ...settings import Settings
from ..catalog import CatalogService
from ..databricks_auth import DatabricksAuth, default_auth, token_expired, token_fingerprint, uses_user_token
from . import guard
from .engine import (
    CancelScope,
    Column,
    ColumnInfo,
    Identity,
    QueryCancelled,
    QueryError,
    QueryResult,
    TableInfo,
    WarehouseInfo,
    collect_limited,
    timeout_timer,
)
from .errors import (
    AuthError,
    ConnectionFailed,
    TransientError,
    WarehouseUnavailable,
    from_connector_error,
    from_sdk_error,
)

if TYPE_CHECKING:
    from databricks.sql.client import Connection, Cursor

log = logging.getLogger(__name__)


class _QuietLegacyRetryNotice(logging.Filter):
    # We turn the connector's retries off on purpose (see module docstring); it warns on every connect.
    def filter(self, record: logging.LogRecord) -> bool:
        return "Legacy retry behavior is enabled" not in record.getMessage()


logging.getLogger("databricks.sql.backend.thrift_backend").addFilter(_QuietLegacyRetryNotice())

DEFAULT_ARRAYSIZE = 100_000
SYNTAX_CHECK_TIMEOUT_S = 15.0  # past this the check gives up (None): the caller asks as before
_EXPLAIN = re.compile(r"EXPLAIN\b", re.IGNORECASE)
_SCRIPT = re.compile(r"(?:\w+\s*:\s*)?BEGIN\b", re.IGNORECASE)  # a SQL script: EXPLAIN takes none
_WAREHOUSE_ID = re.compile(r"[A-Za-z0-9]{1,64}")  # it goes into the connection's HTTP path


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # tries of a read-only statement answered with HTTP 429/503
    base_delay_s: float = 0.5
    max_delay_s: float = 10.0
    connect_wait_s: float = 120.0  # keep opening a session this long while the warehouse starts

    def delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return min(self.max_delay_s, max(backoff, retry_after or 0.0))


class _Pool:
    """Connections for one (warehouse, identity); at most `size` open at once."""

    def __init__(self, size: int):
        self.size = size
        self.cond = threading.Condition()
        self.idle: list[tuple["Connection", float]] = []
        self.in_use = 0
        self.waiting = 0  # callers queued for a connection
        self.fingerprint = ""
        self.generation = 0


class _Stopper:
    """Cancels the cursor's statement, from any thread.

    The connector learns the statement id only when ExecuteStatement answers; a cancel that
    arrives earlier is delivered by a helper thread as soon as the id exists.
    """

    def __init__(self, cursor: "Cursor"):
        self.cursor = cursor
        self.finished = threading.Event()
        self._lock = threading.Lock()
        self._pending = False

    def __call__(self) -> None:
        if self.cursor.active_command_id is not None:
            self.cursor.cancel()
            return
        with self._lock:
            if self._pending:
                return
            self._pending = True
        threading.Thread(target=self._deliver, daemon=True, name="dbsql-cancel").start()

    def _deliver(self) -> None:
        while not self.finished.wait(0.01):
            if self.cursor.active_command_id is not None:
                try:
                    self.cursor.cancel()
                except Exception:  # noqa: BLE001 - the statement may have just ended
                    pass
                return


class DatabricksEngine:
    def __init__(
        self,
        settings: Settings,
        *,
        auth: DatabricksAuth | None = None,
        catalog: CatalogService | None = None,
        http_path: str | None = None,
        extra_connect_args: Mapping[str, Any] | None = None,
        pool_size: int = 4,
        max_pools: int = 64,
        max_idle_s: float = 600.0,
        arraysize: int = DEFAULT_ARRAYSIZE,
        socket_timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
    ):
        self.settings = settings
        self.auth = auth or default_auth(settings)
        self.http_path = http_path or settings.effective_http_path
        self.warehouse_id = self.http_path.rstrip("/").rsplit("/", 1)[-1]
        self.host = urlsplit(settings.databricks_host).netloc or settings.databricks_host
        # Only tests pass these (to reach a local fake); production connects to the host.
        self.extra_connect_args = dict(extra_connect_args or {})
        self.pool_size = pool_size
        self.max_pools = max_pools
        self.max_idle_s = max_idle_s
        self.arraysize = arraysize
        self.socket_timeout_s = socket_timeout_s
        self.retry = retry or RetryPolicy()
        self.session_timeout_s = int(math.ceil(settings.query_timeout_s))
        self.catalog = catalog or CatalogService(self.auth.workspace_client, error_mapper=self._map_sdk)
        self._pools: OrderedDict[tuple[str, str], _Pool] = OrderedDict()
        self._pools_lock = threading.Lock()
        self._warehouse_name: str | None = None
        self._closed = False

    @property
    def label(self) -> str:
        return f"Databricks · {self.host} · {self._warehouse_name or self.warehouse_id}"

    # --- queries ------------------------------------------------------------------------
    def execute(
        self,
        sql: str,
        *,
        identity: Identity,
        params: Mapping[str, Any] | None = None,
        row_limit: int,
        timeout_s: float | None,
        scope: CancelScope | None = None,
        read_only: bool = False,
        warehouse_id: str | None = None,
    ) -> QueryResult:
        """Runs one statement. `read_only=True` allows retrying it after a transient failure;
        `warehouse_id` picks another warehouse than the configured one for this statement."""
        if warehouse_id and not _WAREHOUSE_ID.fullmatch(warehouse_id):
            raise QueryError("That is not a SQL warehouse id: pick a warehouse from the list.")
        http_path = f"/sql/1.0/warehouses/{warehouse_id}" if warehouse_id else self.http_path
        scope = scope or CancelScope()
        start = time.perf_counter()
        if uses_user_token(self.settings, identity) and token_expired(identity.token):
            # Known from the token's own exp claim: no need to ask the warehouse.
            raise AuthError("Your Databricks sign-in has expired: reload the page to sign in again.", expired=True)
        with timeout_timer(scope, timeout_s):
            attempt = 0
            while True:
                attempt += 1
                try:
                    scope.raise_if_cancelled(timeout_s)
                    table, type_names, truncated = self._run_once(sql, identity, params, row_limit, scope, timeout_s, http_path)
                    break
                except QueryCancelled:
                    raise
                except QueryError as err:
                    if scope.cancelled:
                        scope.raise_if_cancelled(timeout_s)
                    if not self._retryable(err, attempt, read_only):
                        raise self._explain_no_retry(err, read_only) from None
                    log.info("Retrying a read-only statement after %s (attempt %d)", type(err).__name__, attempt)
                    self._sleep(self.retry.delay(attempt, getattr(err, "retry_after", None)), scope, timeout_s)
        return QueryResult(
            table=table,
            columns=[Column(f.name, t) for f, t in zip(table.schema, type_names)],
            truncated=truncated,
            elapsed_s=time.perf_counter() - start,
            row_limit=row_limit,
        )

    def check_syntax(self, sql: str, identity: Identity, *, warehouse_id: str | None = None) -> QueryError | None:
        """EXPLAIN parses and plans the statement without running it: its syntax error, if any.

        The statement goes on a line of its own, so the warehouse's line numbers are the
        user's plus one and its columns are the user's. A warehouse takes one statement per
        call (a second is "extra input", a syntax error), so only the EXPLAIN can run."""
        head = (guard.split_statements(sql) or [""])[0]
        if _SCRIPT.match(head):
            return None
        explained = _EXPLAIN.match(head) is not None
        try:
            self.execute(
                sql if explained else f"EXPLAIN\n{sql}", identity=identity, row_limit=1,
                timeout_s=min(SYNTAX_CHECK_TIMEOUT_S, self.settings.query_timeout_s),
                read_only=True,  # EXPLAIN changes nothing: safe to retry
                warehouse_id=warehouse_id,
            )
        except QueryError as err:
            if getattr(err, "error_class", None) != "PARSE_SYNTAX_ERROR":
                return None  # not about the text (a missing table, a timeout, ...): running it will tell
            return err if explained else _without_explain(err)
        return None

    def _retryable(self, err: QueryError, attempt: int, read_only: bool) -> bool:
        if not read_only:
            return False
        if isinstance(err, TransientError):
            return attempt < self.retry.attempts
        if isinstance(err, ConnectionFailed):
            return attempt == 1  # a fresh session once; a second failure is not a blip
        return False

    @staticmethod
    def _explain_no_retry(err: QueryError, read_only: bool) -> QueryError:
        if read_only or not isinstance(err, (TransientError, ConnectionFailed)):
            return err
        # Same class (callers still see what happened); the text says why we stopped.
        err.args = (
            f"{err} It was not retried automatically (only read-only statements are): "
            "check whether it took effect before running it again.",
        )
        return err

    def _sleep(self, seconds: float, scope: CancelScope, timeout_s: float | None) -> None:
        wake = threading.Event()
        scope.arm(wake.set)  # a cancel or the timeout ends the wait at once
        try:
            wake.wait(seconds)
        finally:
            scope.disarm()
        scope.raise_if_cancelled(timeout_s)

    def _run_once(
        self,
        sql: str,
        identity: Identity,
        params: Mapping[str, Any] | None,
        row_limit: int,
        scope: CancelScope,
        timeout_s: float | None,
        http_path: str,
    ) -> tuple[pa.Table, list[str], bool]:
        pool = self._pool(identity, http_path)
        conn, generation = self._acquire(pool, identity, scope, timeout_s, http_path)
        broken = False
        try:
            cursor = conn.cursor(arraysize=max(1, min(self.arraysize, row_limit + 1)), row_limit=row_limit + 1)
            stopper = _Stopper(cursor)
            try:
                scope.arm(stopper)
                scope.raise_if_cancelled(timeout_s)
                cursor.execute(sql, parameters=dict(params) if params else None)
                description = cursor.description or []
                first = cursor.fetchmany_arrow(min(self.arraysize, row_limit + 1))
                table, truncated = collect_limited(
                    self._batches(cursor, first, row_limit, scope), row_limit, scope, first.schema
                )
                scope.raise_if_cancelled(timeout_s)
            finally:
                scope.disarm()
                stopper.finished.set()
                try:
                    cursor.close()
                except Exception:  # noqa: BLE001 - a cursor that cannot close means a dead session
                    broken = True
            return table, _type_names(description, table.schema), truncated
        except QueryCancelled:
            raise
        except Exception as err:  # noqa: BLE001 - everything the connector raises is mapped
            if scope.cancelled:
                scope.raise_if_cancelled(timeout_s)
            mapped = err if isinstance(err, QueryError) else self._map(err, identity)
            if isinstance(mapped, (ConnectionFailed, AuthError)):
                broken = True
            if isinstance(mapped, AuthError):
                self.auth.forget(identity)
            raise mapped from None
        finally:
            self._release(pool, conn, generation, broken)

    def _batches(self, cursor: "Cursor", first: pa.Table, row_limit: int, scope: CancelScope) -> Iterator[pa.RecordBatch]:
        want, got = row_limit + 1, first.num_rows
        yield from first.to_batches()
        while got < want and first.num_rows and not scope.cancelled:
            more = cursor.fetchmany_arrow(min(self.arraysize, want - got))
            if more.num_rows == 0:
                return
            got += more.num_rows
            yield from more.to_batches()

    # --- connections --------------------------------------------------------------------
    def _pool(self, identity: Identity, http_path: str) -> _Pool:
        key = (http_path, self.auth.key(identity))
        evicted: list[_Pool] = []
        with self._pools_lock:
            if self._closed:
                raise QueryError("The Databricks engine is closed.")
            pool = self._pools.get(key)
            if pool is None:
                pool = self._pools[key] = _Pool(self.pool_size)
            self._pools.move_to_end(key)
            if len(self._pools) > self.max_pools:
                for k, p in list(self._pools.items()):
                    if len(self._pools) <= self.max_pools:
                        break
                    if p is not pool and p.in_use == 0:
                        evicted.append(self._pools.pop(k))
        for p in evicted:
            self._drain(p)
        return pool

    def _acquire(
        self, pool: _Pool, identity: Identity, scope: CancelScope, timeout_s: float | None, http_path: str
    ) -> tuple["Connection", int]:
        fp = token_fingerprint(identity.token) if uses_user_token(self.settings, identity) else ""
        stale: list["Connection"] = []
        conn = None
        with pool.cond:
            if pool.fingerprint != fp:
                # The user's forwarded token changed: sessions opened with the old one go.
                pool.fingerprint, pool.generation = fp, pool.generation + 1
                stale.extend(c for c, _ in pool.idle)
                pool.idle.clear()
            generation = pool.generation
            scope.arm(lambda: _notify(pool))
            try:
                while True:
                    scope.raise_if_cancelled(timeout_s)
                    now = time.monotonic()
                    while pool.idle and conn is None:
                        candidate, last = pool.idle.pop()
                        if now - last > self.max_idle_s or not candidate.open:
                            stale.append(candidate)
                        else:
                            conn = candidate
                    if conn is not None or pool.in_use < pool.size:
                        pool.in_use += 1
                        break
                    pool.waiting += 1
                    pool.cond.notify_all()  # lets observers see the queue grow
                    try:
                        pool.cond.wait()  # woken by a release, a cancel or the timeout
                    finally:
                        pool.waiting -= 1
            finally:
                scope.disarm()
        for c in stale:
            _close_quietly(c)
        if conn is not None:
            return conn, generation
        try:
            return self._open(identity, scope, timeout_s, http_path), generation
        except BaseException:
            with pool.cond:
                pool.in_use -= 1
                pool.cond.notify()
            raise

    def connect_kwargs(self, identity: Identity, http_path: str | None = None) -> dict[str, Any]:
        """What `databricks.sql.connect` gets for this identity (also used by bench/)."""
        kwargs: dict[str, Any] = {
            "server_hostname": self.host,
            "http_path": http_path or self.http_path,
            "credentials_provider": self.auth.credentials_provider(identity),
            "session_configuration": {"STATEMENT_TIMEOUT": str(self.session_timeout_s)},
            "enable_telemetry": False,
            "user_agent_entry": "dashboard_app",
            "_socket_timeout": self.socket_timeout_s,
            # The engine decides about retries (see module docstring).
            "_enable_v3_retries": False,
            "_retry_stop_after_attempts_count": 1,
        }
        host_url = urlsplit(self.settings.databricks_host)
        if host_url.scheme == "http":
            # The connector assumes HTTPS; a host configured as plain http (a local proxy or
            # a test double) is spoken to exactly as configured.
            kwargs["server_hostname"] = host_url.hostname or self.host
            kwargs["_port"] = host_url.port or 80
            kwargs["_connection_uri"] = f"{self.settings.databricks_host}/{kwargs['http_path'].lstrip('/')}"
        kwargs.update(self.extra_connect_args)
        return kwargs

    def _open(self, identity: Identity, scope: CancelScope, timeout_s: float | None, http_path: str) -> "Connection":
        """Opens a session; while the warehouse answers 429/503 (busy, starting) keep trying."""
        from databricks import sql as dbsql

        give_up = time.monotonic() + self.retry.connect_wait_s
        attempt = 0
        while True:
            attempt += 1
            scope.raise_if_cancelled(timeout_s)
            try:
                kwargs = self.connect_kwargs(identity, http_path)
                return dbsql.connect(**kwargs)
            except QueryError:
                raise
            except Exception as err:  # noqa: BLE001
                mapped = self._map(err, identity)
            if isinstance(mapped, TransientError) and time.monotonic() < give_up:
                self._sleep(self.retry.delay(attempt, mapped.retry_after), scope, timeout_s)
                continue
            if isinstance(mapped, TransientError) and mapped.status == 503:
                raise self._unavailable(identity) or mapped
            raise mapped

    def _unavailable(self, identity: Identity) -> WarehouseUnavailable | None:
        """Turns a 503 into a message about the warehouse's state, when the SDK can tell."""
        try:
            state = self.warehouse_state(identity=identity)
        except QueryError:
            return None
        name = self._warehouse_name or self.warehouse_id
        if state in ("STARTING",):
            return WarehouseUnavailable(f"The SQL warehouse '{name}' is starting: try again in a minute.", state=state)
        if state in ("STOPPED", "STOPPING"):
            return WarehouseUnavailable(
                f"The SQL warehouse '{name}' is stopped: start it from the SQL Warehouses page in Databricks.", state=state
            )
        if state in ("DELETED", "DELETING"):
            return WarehouseUnavailable(
                f"The SQL warehouse '{name}' was deleted: set DATABRICKS_WAREHOUSE_ID to another warehouse.", state=state
            )
        return None

    def _release(self, pool: _Pool, conn: "Connection", generation: int, broken: bool) -> None:
        keep = not broken and generation == pool.generation and conn.open and not self._closed
        with pool.cond:
            pool.in_use -= 1
            if keep:
                pool.idle.append((conn, time.monotonic()))
            pool.cond.notify()
        if not keep:
            _close_quietly(conn)

    def _drain(self, pool: _Pool) -> None:
        with pool.cond:
            idle = [c for c, _ in pool.idle]
            pool.idle.clear()
            pool.generation += 1
        for c in idle:
            _close_quietly(c)

    # --- errors -------------------------------------------------------------------------
    def _map(self, err: BaseException, identity: Identity) -> QueryError:
        return from_connector_error(
            err, host=self.host, secrets=self.auth.secrets(identity), user_token=uses_user_token(self.settings, identity)
        )

    def _map_sdk(self, err: BaseException, identity: Identity) -> QueryError:
        return from_sdk_error(
            err, host=self.host, secrets=self.auth.secrets(identity), user_token=uses_user_token(self.settings, identity)
        )

    # --- warehouses ---------------------------------------------------------------------
    def warehouses(self, identity: Identity | None = None) -> list[WarehouseInfo]:
        ident = identity or Identity(user="", pool_key="sp")
        try:
            listing = list(self.auth.workspace_client(identity).warehouses.list())
        except QueryError:
            raise
        except Exception as err:  # noqa: BLE001
            raise self._map_sdk(err, ident) from None
        out = [
            WarehouseInfo(
                id=w.id or "",
                name=w.name or "",
                state=w.state.value if w.state is not None else "UNKNOWN",
                http_path=(w.odbc_params.path if w.odbc_params and w.odbc_params.path else f"/sql/1.0/warehouses/{w.id}"),
            )
            for w in listing
        ]
        for w in out:
            if w.id == self.warehouse_id:
                self._warehouse_name = w.name or None
        return sorted(out, key=lambda w: w.name.lower())

    def warehouse_state(self, warehouse_id: str | None = None, *, identity: Identity | None = None) -> str:
        """RUNNING, STARTING, STOPPED, STOPPING, DELETED, DELETING (or UNKNOWN)."""
        wid = warehouse_id or self.warehouse_id
        ident = identity or Identity(user="", pool_key="sp")
        try:
            info = self.auth.workspace_client(identity).warehouses.get(wid)
        except QueryError:
            raise
        except Exception as err:  # noqa: BLE001
            raise self._map_sdk(err, ident) from None
        if wid == self.warehouse_id and info.name:
            self._warehouse_name = info.name
        return info.state.value if info.state is not None else "UNKNOWN"

    # --- metadata (Unity Catalog) -------------------------------------------------------
    def list_catalogs(self, identity: Identity) -> list[str]:
        return self.catalog.list_catalogs(identity)

    def list_schemas(self, identity: Identity, catalog: str) -> list[str]:
        return self.catalog.list_schemas(identity, catalog)

    def list_tables(self, identity: Identity, catalog: str, schema: str) -> list[TableInfo]:
        return self.catalog.list_tables(identity, catalog, schema)

    def list_columns(self, identity: Identity, catalog: str, schema: str, table: str) -> list[ColumnInfo]:
        return self.catalog.list_columns(identity, catalog, schema, table)

    def refresh_metadata(self, identity: Identity) -> None:
        self.catalog.refresh(identity)

    def close(self) -> None:
        with self._pools_lock:
            self._closed = True
            pools = list(self._pools.values())
            self._pools.clear()
        for p in pools:
            self._drain(p)


_LINE_IN_TEXT = re.compile(r"(line )(\d+)(,? pos(?:ition)? \d+)", re.IGNORECASE)


def _without_explain(err: QueryError) -> QueryError:
    """The warehouse's error as if the user's text had gone alone: a line up, no EXPLAIN line."""
    text = _LINE_IN_TEXT.sub(lambda m: f"{m[1]}{max(1, int(m[2]) - 1)}{m[3]}", str(err))
    err.args = (text.replace("== SQL ==\nEXPLAIN\n", "== SQL ==\n", 1),)
    err.line = err.line - 1 if err.line and err.line > 1 else None
    err.column = err.column if err.line else None
    return err


def _notify(pool: _Pool) -> None:
    with pool.cond:
        pool.cond.notify_all()


def _close_quietly(conn: "Connection") -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a dead session must not hide the real error
        pass


def _type_names(description: list[tuple], schema: pa.Schema) -> list[str]:
    names = []
    for i, field in enumerate(schema):
        if i < len(description):
            _, code, _, _, precision, scale, _ = description[i]
            names.append(f"{code}({precision},{scale})" if code == "decimal" and precision is not None else str(code))
        else:
            names.append(str(field.type))
    return names
