"""The one way user SQL reaches an engine: the guard decides, here, where it runs.

Every caller (the editor, table previews, and later the API, the agent and dashboard tiles)
runs statements through `run_statement`, so none can skip the guard or read-only mode, and
the engine's `read_only` hint (which allows retries) is the guard's verdict, never a flag a
caller passed along. `confirmed` must come from the server's own confirmation path: a person
saw the statement kind and its objects and said yes.
"""

from __future__ import annotations

from typing import Any, Mapping

from . import guard
from .engine import CancelScope, Identity, QueryEngine, QueryError, QueryResult


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
) -> QueryResult:
    """Checks `sql` with the guard, then runs it; raises StatementRefused or QueryError."""
    verdict = check(sql, confirmed=confirmed, read_only_mode=read_only_mode)
    return engine.execute(
        sql,
        identity=identity,
        params=params,
        row_limit=row_limit,
        timeout_s=timeout_s,
        scope=scope,
        read_only=verdict.read_only,
        warehouse_id=warehouse_id,
    )
