"""Statements run for the HTTP API: submitted, polled, paged and cancelled by id.

Each statement runs in a thread of its own with a `CancelScope`, through `gate.run_statement`
(the guard and read-only mode are checked again where it runs). A statement belongs to the
user who submitted it: every look-up takes the owner, and anyone else is told it does not
exist. Its rows go to the `ResultStore`, which pages them and bounds their memory; the
registry keeps at most `max_finished` finished statements, forgetting the oldest (and their
rows) first, and at most `max_active` / `max_active_per_owner` pending or running ones.

The life of a statement:

    PENDING --> RUNNING --> SUCCEEDED | FAILED | CANCELED
    PENDING --> CANCELED                 (cancelled before it started)

PENDING waits for one of `max_running` slots; a cancel there ends it without the engine. A
timeout (APP_QUERY_TIMEOUT_SECONDS) is FAILED, saying so; a per-user limit refusing it is
FAILED with the code RATE_LIMITED. Plain Python: no FastAPI, no Reflex.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping

from .results import ResultNotFound, ResultStore, StoredResult
from .sql import gate
from .sql.engine import CancelScope, Column, Identity, QueryCancelled, QueryEngine, QueryError, QueryTimeout

log = logging.getLogger(__name__)

State = Literal["PENDING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED"]
FINISHED: frozenset[str] = frozenset({"SUCCEEDED", "FAILED", "CANCELED"})

_SLOT_POLL_S = 0.1  # how often a pending statement looks for a cancel while it waits for a slot


class StatementNotFound(KeyError):
    """No such statement for this owner: unknown, forgotten, or someone else's."""


class StatementFinished(Exception):
    """The statement already ended; it cannot be cancelled any more."""

    def __init__(self, state: str):
        super().__init__(f"The statement already ended ({state}); there is nothing to cancel.")
        self.state = state


class TooManyStatements(Exception):
    """Too many statements pending or running (for this user, or in all)."""


@dataclass(frozen=True)
class Snapshot:
    """A consistent view of one statement at one moment."""

    id: str
    owner: str
    state: State
    error: str | None
    #: The failure's code where it has one (READ_ONLY, CONFIRMATION_REQUIRED, RATE_LIMITED ...).
    error_code: str | None
    #: For RATE_LIMITED: seconds until the caller may try again.
    retry_after_s: float | None
    result_id: str | None
    columns: tuple[Column, ...]
    row_count: int
    truncated: bool
    submitted: float
    finished: float | None


@dataclass
class _Job:
    id: str
    owner: str
    sql: str
    scope: CancelScope
    state: State = "PENDING"
    error: str | None = None
    error_code: str | None = None
    retry_after_s: float | None = None
    result_id: str | None = None
    columns: tuple[Column, ...] = ()
    row_count: int = 0
    truncated: bool = False
    submitted: float = field(default_factory=time.time)
    finished: float | None = None
    done: threading.Event = field(default_factory=threading.Event)
    callbacks: list[Callable[[], None]] = field(default_factory=list)

    def snapshot(self) -> Snapshot:
        return Snapshot(
            self.id, self.owner, self.state, self.error, self.error_code, self.retry_after_s, self.result_id, self.columns, self.row_count,
            self.truncated, self.submitted, self.finished,
        )


class StatementRegistry:
    def __init__(
        self,
        results: ResultStore,
        *,
        max_finished: int = 1000,
        max_active: int = 64,
        max_active_per_owner: int = 8,
        max_running: int = 8,
    ):
        self._results = results
        self.max_finished = max_finished
        self.max_active = max_active
        self.max_active_per_owner = max_active_per_owner
        self._slots = threading.BoundedSemaphore(max_running)
        self._jobs: dict[str, _Job] = {}
        self._finished: OrderedDict[str, None] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    # ----------------------------------------------------------------- submit

    def submit(
        self,
        engine: QueryEngine,
        sql: str,
        *,
        identity: Identity,
        confirmed: bool,
        read_only_mode: bool,
        row_limit: int,
        timeout_s: float | None,
        params: Mapping[str, Any] | None = None,
        warehouse_id: str | None = None,
        source: str = "api",
    ) -> Snapshot:
        """Starts `sql` as `identity.user` and returns at once (PENDING). The caller has checked
        it with `gate.check` to answer refusals before any job exists; the job's thread checks
        it again in `gate.run_statement`, where it runs."""
        owner = identity.user
        job = _Job(id=secrets.token_urlsafe(24), owner=owner, sql=sql, scope=CancelScope())
        with self._lock:
            active = [j for j in self._jobs.values() if j.state not in FINISHED]
            if len(active) >= self.max_active:
                raise TooManyStatements("The server is running too many statements: try again in a moment.")
            if sum(1 for j in active if j.owner == owner) >= self.max_active_per_owner:
                raise TooManyStatements(
                    f"You have {self.max_active_per_owner} statements pending or running: wait for one to end or cancel one."
                )
            self._jobs[job.id] = job
        run = {
            "identity": identity, "confirmed": confirmed, "read_only_mode": read_only_mode, "row_limit": row_limit,
            "timeout_s": timeout_s, "params": dict(params) if params else None, "warehouse_id": warehouse_id or None,
            "source": source,
        }
        thread = threading.Thread(target=self._run, args=(job, engine, run), name=f"statement-{job.id[:8]}", daemon=True)
        thread.start()
        return job.snapshot()

    def _run(self, job: _Job, engine: QueryEngine, run: dict[str, Any]) -> None:
        # Wait for a slot, watching for a cancel meanwhile.
        while not self._slots.acquire(timeout=_SLOT_POLL_S):
            if job.scope.cancelled:
                self._finish(job, "CANCELED", error="Query cancelled")
                return
        try:
            with self._lock:
                if job.scope.cancelled:
                    job.state = "CANCELED"  # finished below, outside the lock
                else:
                    job.state = "RUNNING"
            if job.state == "CANCELED":
                self._finish(job, "CANCELED", error="Query cancelled")
                return
            try:
                result = gate.run_statement(engine, job.sql, scope=job.scope, **run)
                rid = self._results.put(owner=job.owner, session=f"api:{job.id}", sql=job.sql, result=result)
            except QueryTimeout as err:
                self._finish(job, "FAILED", error=str(err))
            except QueryCancelled as err:
                self._finish(job, "CANCELED", error=str(err) or "Query cancelled")
            except QueryError as err:  # the engine's (the guard's, a limit's) message, safe to show
                retry = getattr(err, "retry_after_s", None)
                self._finish(
                    job, "FAILED", error=str(err) or type(err).__name__, error_code=getattr(err, "code", None),
                    retry_after_s=float(retry) if isinstance(retry, (int, float)) else None,
                )
            except Exception:  # noqa: BLE001 - a bug must end the job, not leave it RUNNING
                log.exception("statement %s failed unexpectedly", job.id[:8])
                self._finish(job, "FAILED", error="The statement failed on the server; the error has been logged.")
            else:
                self._finish(
                    job, "SUCCEEDED", result_id=rid, columns=tuple(result.columns), row_count=result.row_count,
                    truncated=result.truncated,
                )
        finally:
            self._slots.release()

    def _finish(self, job: _Job, state: State, **values: Any) -> None:
        with self._lock:
            for name, value in values.items():
                setattr(job, name, value)
            job.state, job.finished = state, time.time()
            callbacks, job.callbacks = job.callbacks, []
            self._finished[job.id] = None
            evicted = self._evict_locked()
        job.done.set()
        for rid, owner in evicted:
            self._results.discard(rid, owner=owner)
        for callback in callbacks:
            _call_quietly(callback)

    def _evict_locked(self) -> list[tuple[str, str]]:
        dropped: list[tuple[str, str]] = []
        while len(self._finished) > self.max_finished:
            old, _ = self._finished.popitem(last=False)
            job = self._jobs.pop(old, None)
            if job is not None and job.result_id is not None:
                dropped.append((job.result_id, job.owner))
        return dropped

    # ----------------------------------------------------------------- look-ups

    def _job(self, statement_id: str, owner: str) -> _Job:
        job = self._jobs.get(statement_id) if isinstance(statement_id, str) else None
        if job is None or not owner or not secrets.compare_digest(job.owner.encode(), owner.encode()):
            raise StatementNotFound(statement_id)
        return job

    def get(self, statement_id: str, *, owner: str) -> Snapshot:
        with self._lock:
            return self._job(statement_id, owner).snapshot()

    def result(self, statement_id: str, *, owner: str) -> tuple[Snapshot, StoredResult]:
        """A SUCCEEDED statement and its rows; ResultNotFound when the rows were evicted."""
        snap = self.get(statement_id, owner=owner)
        if snap.state != "SUCCEEDED" or snap.result_id is None:
            raise ResultNotFound(statement_id)
        return snap, self._results.get(snap.result_id, owner=owner)

    def wait(self, statement_id: str, *, owner: str, timeout_s: float) -> Snapshot:
        """Blocks until the statement ends or `timeout_s` passes (for threads; see on_done)."""
        with self._lock:
            job = self._job(statement_id, owner)
        job.done.wait(max(0.0, timeout_s))
        return self.get(statement_id, owner=owner)

    def on_done(self, statement_id: str, *, owner: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Calls `callback` (from the job's thread, or now if it already ended) once the
        statement ends; returns a function that withdraws it. For async waiters."""
        with self._lock:
            job = self._job(statement_id, owner)
            if job.state not in FINISHED:
                job.callbacks.append(callback)

                def withdraw() -> None:
                    with self._lock:
                        if callback in job.callbacks:
                            job.callbacks.remove(callback)

                return withdraw
        _call_quietly(callback)
        return lambda: None

    # ----------------------------------------------------------------- cancel

    def cancel(self, statement_id: str, *, owner: str) -> Snapshot:
        """Asks the statement to stop (the engine interrupts it); StatementFinished if it
        already ended. Returns at once: poll or `wait` for CANCELED. A statement that ends
        before the interrupt lands keeps its real outcome (a write that finished is SUCCEEDED)."""
        with self._lock:
            job = self._job(statement_id, owner)
            if job.state in FINISHED:
                raise StatementFinished(job.state)
        job.scope.cancel()
        return self.get(statement_id, owner=owner)

    def cancel_all(self) -> None:
        """Stops everything still running (at shutdown)."""
        with self._lock:
            scopes = [j.scope for j in self._jobs.values() if j.state not in FINISHED]
        for scope in scopes:
            scope.cancel()

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)


def _call_quietly(fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001 - a waiter that went away must not break the job
        log.debug("a statement callback failed", exc_info=True)


_REGISTRIES: "weakref.WeakKeyDictionary[ResultStore, StatementRegistry]" = weakref.WeakKeyDictionary()
_REGISTRIES_LOCK = threading.Lock()


def registry_for(results: ResultStore) -> StatementRegistry:
    """The process's registry for a result store (one per store, created on first use), so
    the statements live as long as the services that hold their rows."""
    with _REGISTRIES_LOCK:
        registry = _REGISTRIES.get(results)
        if registry is None:
            registry = _REGISTRIES[results] = StatementRegistry(results)
        return registry
