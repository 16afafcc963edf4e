"""The query engine interface shared by the embedded DuckDB engine and Databricks.

Results are Arrow tables that stay on the server; the UI only ever asks for one page.
Cancellation works from any thread through a `CancelScope`, which the engine arms with
its own way of stopping a statement (DuckDB's interrupt, the connector's cursor.cancel).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol, Sequence

import pyarrow as pa


class QueryError(Exception):
    """A statement failed in the engine; the message is safe to show to the user."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None, engine_sql: str = ""):
        super().__init__(message)
        self.line = line
        self.column = column
        # The SQL the engine actually ran, where it differs from the user's (the embedded
        # engine's DuckDB translation); shown on demand.
        self.engine_sql = engine_sql


class QueryCancelled(QueryError):
    """The user (or a timeout) stopped the statement."""


class QueryTimeout(QueryCancelled):
    """The statement ran longer than the configured timeout."""


@dataclass(frozen=True)
class Identity:
    """Who a query or file call runs as. `token` is never shown or logged."""

    user: str
    token: str | None = field(default=None, repr=False, compare=False)
    # Key for connection pools: two identities with the same key may share a connection.
    pool_key: str = ""


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class TableInfo:
    name: str
    kind: str = "TABLE"
    comment: str = ""


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    comment: str = ""


@dataclass(frozen=True)
class WarehouseInfo:
    id: str
    name: str
    state: str  # RUNNING, STARTING, STOPPED, ...
    http_path: str


@dataclass
class QueryResult:
    table: pa.Table
    columns: list[Column]
    truncated: bool
    elapsed_s: float
    row_limit: int
    engine_sql: str = ""  # see QueryError.engine_sql

    @property
    def row_count(self) -> int:
        return self.table.num_rows


class CancelScope:
    """Lets another thread stop a running statement, and carries a timeout.

    The engine calls `arm(stop)` once it has something to interrupt; `cancel()` may come
    before or after that, from any thread, any number of times.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stop: Callable[[], None] | None = None
        self.cancelled = False
        self.timed_out = False

    def arm(self, stop: Callable[[], None]) -> None:
        with self._lock:
            self._stop = stop
            fire = self.cancelled
        if fire:
            stop()

    def disarm(self) -> None:
        with self._lock:
            self._stop = None

    def cancel(self, *, timeout: bool = False) -> None:
        with self._lock:
            if timeout and not self.cancelled:
                self.timed_out = True
            first = not self.cancelled
            self.cancelled = True
            stop = self._stop
        if stop is not None:
            _call_quietly(stop)
            if first:
                # An interrupt that lands just before the engine starts the statement is lost;
                # keep interrupting until the engine disarms (the statement ended).
                threading.Thread(target=self._keep_stopping, daemon=True).start()

    def _keep_stopping(self, interval_s: float = 0.05, give_up_s: float = 30.0) -> None:
        deadline = time.monotonic() + give_up_s
        while time.monotonic() < deadline:
            time.sleep(interval_s)
            interval_s = min(interval_s * 2, 1.0)  # a remote cancel is an RPC: back off
            with self._lock:
                stop = self._stop
            if stop is None:
                return
            _call_quietly(stop)

    def raise_if_cancelled(self, timeout_s: float | None = None) -> None:
        if self.timed_out:
            raise QueryTimeout(f"Query timed out after {timeout_s:g} s" if timeout_s else "Query timed out")
        if self.cancelled:
            raise QueryCancelled("Query cancelled")


def _call_quietly(fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - a failed interrupt must not crash the caller
        pass


class timeout_timer:
    """Context manager: cancels the scope (as a timeout) when `seconds` pass."""

    def __init__(self, scope: CancelScope, seconds: float | None):
        self._timer = (
            threading.Timer(seconds, scope.cancel, kwargs={"timeout": True}) if seconds and seconds > 0 else None
        )
        if self._timer:
            self._timer.daemon = True

    def __enter__(self) -> "timeout_timer":
        if self._timer:
            self._timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._timer:
            self._timer.cancel()


def collect_limited(batches: Any, row_limit: int, scope: CancelScope, schema: pa.Schema | None = None) -> tuple[pa.Table, bool]:
    """Reads record batches until `row_limit` rows, so memory stays bounded by the limit.

    Returns the table cut at the limit and whether more rows existed.
    """
    taken: list[pa.RecordBatch] = []
    count = 0
    truncated = False
    for batch in batches:
        if scope.cancelled:
            break
        if count + batch.num_rows > row_limit:
            taken.append(batch.slice(0, row_limit - count))
            count = row_limit
            truncated = True
            break
        taken.append(batch)
        count += batch.num_rows
    if taken:
        table = pa.Table.from_batches(taken)
    elif schema is not None:
        table = schema.empty_table()
    else:
        table = pa.table({})
    return table, truncated


def arrow_columns(schema: pa.Schema, type_names: Sequence[str] | None = None) -> list[Column]:
    names = type_names or [str(f.type) for f in schema]
    return [Column(f.name, t) for f, t in zip(schema, names)]


class QueryEngine(Protocol):
    """What the app needs from a SQL backend."""

    #: Shown in every page header, e.g. "Local DuckDB · sample data".
    label: str

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
        """Runs one statement; raises QueryError (or QueryCancelled / QueryTimeout).

        `warehouse_id` chooses a compute target other than the configured one, where the
        backend has several (Databricks SQL warehouses); others ignore it.

        `read_only` is the guard's verdict: only a read-only statement may be retried after
        a transient failure, since a write might have happened before the failure.
        """
        ...

    def check_syntax(self, sql: str, identity: Identity, *, warehouse_id: str | None = None) -> QueryError | None:
        """The engine's own syntax error for `sql`, found without running anything; None when
        the engine can parse it (or cannot tell). For text the guard cannot read: a typo shows
        the engine's error instead of asking to run unchecked SQL."""
        ...

    def list_catalogs(self, identity: Identity) -> list[str]: ...

    def list_schemas(self, identity: Identity, catalog: str) -> list[str]: ...

    def list_tables(self, identity: Identity, catalog: str, schema: str) -> list[TableInfo]: ...

    def list_columns(self, identity: Identity, catalog: str, schema: str, table: str) -> list[ColumnInfo]: ...

    def refresh_metadata(self, identity: Identity) -> None:
        """Forgets cached catalog metadata, so the next listing asks the source again."""
        ...

    def warehouses(self, identity: Identity) -> list["WarehouseInfo"]:
        """Compute targets the identity may choose from (empty when there is no choice)."""
        ...

    def close(self) -> None: ...


def elapsed_since(start: float) -> float:
    return time.perf_counter() - start
