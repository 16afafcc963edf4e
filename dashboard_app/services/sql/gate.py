"""The one way user SQL reaches an engine: the guard decides, here, where it runs.

Every caller (the editor, table previews, and later the API, the agent and dashboard tiles)
runs statements through `run_statement`, so none can skip the guard or read-only mode, and
the engine's `read_only` hint (which allows retries) is the guard's verdict, never a flag a
caller passed along. `confirmed` must come from the server's own confirmation path: a person
saw the statement kind and its objects and said yes.

The per-user limits and the audit log are applied here too, so they hold for every caller
alike. They travel with the engine: `attach(engine, Policy(limiter, audit))` (the Services
do it for their engine), and every statement on that engine is counted and recorded:

- per minute, in the limiter's "statements" bucket (page, api, chat) or its "dashboard" bucket
  (tiles and list-parameter queries: a refresh of 12 tiles is 12 statements, in a budget of
  its own, so dashboards and the editor never use up each other's); the editor's Run of a
  script is one submission (`count=False` for its statements after the first);
- running at once: one slot per statement while the engine runs it, across every source;
- one audit record per statement: run (ok, error, cancelled, timeout) or refused (the
  guard, read-only mode, or a limit: only the first refusal of a run of them is recorded).
"""

from __future__ import annotations

import logging
import time
import weakref
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Union

from ..limits import RateLimited
from . import guard
from .engine import CancelScope, Identity, QueryCancelled, QueryEngine, QueryError, QueryResult, QueryTimeout

if TYPE_CHECKING:
    from ..audit import AuditLog
    from ..limits import Limiter

log = logging.getLogger(__name__)

#: Where a statement comes from; each is recorded, and picks its per-minute bucket.
SOURCES = ("page", "api", "chat", "dashboard")
_BUCKET = {"page": "statements", "api": "statements", "chat": "statements", "dashboard": "dashboard"}


class StatementRefused(QueryError):
    """The guard stopped the statement before the engine saw it."""

    code = "REFUSED"

    def __init__(self, message: str, verdict: guard.Verdict):
        super().__init__(message)
        self.verdict = verdict


class ReadOnlyRefused(StatementRefused):
    code = "READ_ONLY"


class ConfirmationRequired(StatementRefused):
    code = "CONFIRMATION_REQUIRED"


class NothingToRun(StatementRefused):
    code = "EMPTY"


class StatementLimited(RateLimited, QueryError):
    """Over a per-user limit: nothing ran. A QueryError too, so every caller that shows a
    failed statement shows this message; the API answers it 429 with Retry-After."""

    code = "RATE_LIMITED"

    def __init__(self, err: RateLimited):
        RateLimited.__init__(self, err.retry_after_s, err.message, bucket=err.bucket, first=err.first)


@dataclass(frozen=True)
class Policy:
    """What the gate applies besides the guard: per-user limits and the audit log (or a
    function returning it, so it is built on first use). Either may be None: not applied."""

    limiter: "Limiter | None" = None
    audit: "Union[AuditLog, Callable[[], AuditLog], None]" = None

    def audit_log(self) -> "AuditLog | None":
        a = self.audit
        if a is None or hasattr(a, "statement"):
            return a  # type: ignore[return-value]
        return a()  # type: ignore[operator]


_NO_POLICY = Policy()
_POLICIES: "weakref.WeakKeyDictionary[Any, Policy]" = weakref.WeakKeyDictionary()


def attach(engine: Any, policy: Policy) -> None:
    """Applies `policy` to every statement run on `engine` (the last attach wins)."""
    _POLICIES[engine] = policy


def policy_for(engine: Any) -> Policy:
    try:
        return _POLICIES.get(engine, _NO_POLICY)
    except TypeError:  # an engine that cannot be weakly referenced has no policy attached
        return _NO_POLICY


def check(sql: str, *, confirmed: bool, read_only_mode: bool) -> guard.Verdict:
    """The guard's verdict for `sql`, or the refusal that stops it."""
    verdict = guard.classify(sql)
    if verdict.empty:
        raise NothingToRun("Nothing to run: the SQL is empty or only comments.", verdict)
    if verdict.read_only:
        return verdict
    what = verdict.describe()
    if read_only_mode:
        raise ReadOnlyRefused(f"Read-only mode: {what} is not allowed here.", verdict)
    if not confirmed:
        raise ConfirmationRequired(f"{what} needs a confirmation before it runs.", verdict)
    return verdict


def run_statement(
    engine: QueryEngine,
    sql: str,
    *,
    identity: Identity,
    confirmed: bool,
    read_only_mode: bool,
    row_limit: int,
    timeout_s: float | None,
    scope: CancelScope | None = None,
    params: Mapping[str, Any] | None = None,
    warehouse_id: str | None = None,
    source: str = "page",
    count: bool = True,
    policy: Policy | None = None,
) -> QueryResult:
    """Counts `sql` against the caller's limits, checks it with the guard, then runs it in
    one of the caller's running slots, and records it in the audit log whatever happens.

    Raises StatementLimited (over a limit), StatementRefused (the guard) or QueryError.
    `source` is one of SOURCES; `policy` overrides the one attached to `engine`. `count=False`
    for a statement of a submission already counted: the editor's Run of a script counts once
    (its first statement), whatever the number of statements — each still takes a running
    slot and gets its audit record.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    policy = policy if policy is not None else policy_for(engine)
    limiter = policy.limiter
    started = time.perf_counter()
    verdict: guard.Verdict | None = None
    outcome: dict[str, Any] = {"status": "error", "detail": ""}
    try:
        # The budget first: a flood is refused before the guard spends time parsing it.
        if limiter is not None and count:
            limiter.acquire(identity.user, _BUCKET[source])
        verdict = check(sql, confirmed=confirmed, read_only_mode=read_only_mode)
        with limiter.running(identity.user) if limiter is not None else nullcontext():
            result = engine.execute(
                sql,
                identity=identity,
                params=params,
                row_limit=row_limit,
                timeout_s=timeout_s,
                scope=scope,
                read_only=verdict.read_only,
                warehouse_id=warehouse_id,
            )
        outcome = {"status": "ok", "detail": "", "row_count": result.row_count}
        return result
    except RateLimited as err:
        outcome = {"status": "refused", "detail": err.message, "skip": not err.first}
        raise StatementLimited(err) from None
    except StatementRefused as err:
        verdict = err.verdict
        outcome = {"status": "refused", "detail": str(err)}
        raise
    except QueryTimeout as err:
        outcome = {"status": "timeout", "detail": str(err)}
        raise
    except QueryCancelled as err:
        outcome = {"status": "cancelled", "detail": str(err)}
        raise
    except QueryError as err:
        outcome = {"status": "error", "detail": str(err)}
        raise
    except BaseException as err:
        outcome = {"status": "error", "detail": f"{type(err).__name__}"}
        raise
    finally:
        if policy.audit is not None and not outcome.get("skip"):
            _record(policy, identity, source, sql, verdict, confirmed, outcome, started)


def _record(policy: Policy, identity: Identity, source: str, sql: str, verdict: guard.Verdict | None,
            confirmed: bool, outcome: dict[str, Any], started: float) -> None:
    """One audit record for one statement; a broken audit log is logged, never raised (the
    statement's own outcome is what the caller must see)."""
    try:
        audit = policy.audit_log()
        if audit is None:
            return
        kind = ", ".join(dict.fromkeys(verdict.kinds)) if verdict is not None else ""
        audit.statement(
            identity.user,
            source=source,
            sql=sql,
            kind=kind,
            read_only=verdict.read_only if verdict is not None and not verdict.empty else None,
            confirmed=confirmed,
            status=outcome["status"],
            row_count=outcome.get("row_count"),
            duration_ms=round((time.perf_counter() - started) * 1000),
            detail=outcome.get("detail", ""),
        )
    except Exception:  # noqa: BLE001
        log.exception("could not write the audit record of a statement")
