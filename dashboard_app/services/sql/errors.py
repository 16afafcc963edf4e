"""Databricks failures as QueryError subclasses with messages an analyst can act on.

The connector and the SDK raise a zoo of exceptions (urllib3, requests, Thrift statuses,
DB-API errors). `from_connector_error` and `from_sdk_error` turn them into a handful of
classes the engine can reason about (retry or not) and the UI can show as they are.
Messages never carry a token: every message goes through `redact`.
"""

from __future__ import annotations

import errno
import re
import socket
from typing import Iterable, Iterator

from .engine import QueryError, QueryTimeout


class AuthError(QueryError):
    """The credentials were rejected (bad, revoked or expired token, wrong client secret)."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        # True when a signed-in user's forwarded token expired: the UI asks for a page reload.
        self.expired = expired


class PermissionDenied(QueryError):
    """Authenticated, but not allowed (no SELECT on a table, no CAN_USE on the warehouse)."""


class WarehouseUnavailable(QueryError):
    """The SQL warehouse is stopped, starting, deleted or not found."""

    def __init__(self, message: str, *, state: str | None = None):
        super().__init__(message)
        self.state = state


class TransientError(QueryError):
    """HTTP 429 / 503: the service asked us to come back later."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class ConnectionFailed(QueryError):
    """The network path failed: wrong host, refused, DNS, timeout, dropped connection."""


class SessionLost(ConnectionFailed):
    """The server no longer knows our session (expired or the warehouse restarted)."""


# --- redaction -------------------------------------------------------------------------

_TOKENISH = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"\bdapi[0-9a-f]{16,}(-\d+)?\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),  # a JWT
    re.compile(r"(?i)((?:access_token|client_secret|token|password)[\"']?\s*[:=]\s*[\"']?)[^\s\"',&]+"),
]


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Removes known secrets and anything shaped like a token from a message."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    for pattern in _TOKENISH:
        text = pattern.sub(lambda m: (m.group(1) if m.re.groups and m.group(1) else "") + "***", text)
    return text


# --- connector errors ----------------------------------------------------------------------


def _chain(err: BaseException) -> Iterator[BaseException]:
    """The error, its causes, and exceptions nested in args or urllib3's `reason`."""
    seen: set[int] = set()
    todo = [err]
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        for attr in ("reason", "original_error", "__cause__", "__context__"):
            nxt = getattr(e, attr, None)
            if isinstance(nxt, BaseException):
                todo.append(nxt)


def _context(err: BaseException) -> dict:
    ctx = getattr(err, "context", None)
    return ctx if isinstance(ctx, dict) else {}


def _message(err: BaseException) -> str:
    msg = getattr(err, "message", None)
    return str(msg if msg else err)


_LINE_POS = re.compile(r"line (\d+),? pos(?:ition)? (\d+)", re.IGNORECASE)
_PERMISSION = re.compile(
    r"INSUFFICIENT_PERMISSIONS|PERMISSION_DENIED|does not have (?:\w+ )*(?:privilege|permission)|"
    r"Insufficient privileges|not authorized",
    re.IGNORECASE,
)
# Databricks says "Statement has timed out after N seconds" when STATEMENT_TIMEOUT fires.
_TIMEOUT = re.compile(r"Statement has timed out|QUERY_EXECUTION_TIMEOUT_EXCEEDED", re.IGNORECASE)
_SESSION = re.compile(r"Invalid SessionHandle|Invalid OperationHandle|session (?:is )?(?:closed|expired)", re.IGNORECASE)


def _network_message(chain: list[BaseException], host: str) -> str | None:
    where = f"Databricks at {host}" if host else "Databricks"
    for e in chain:
        if isinstance(e, ConnectionRefusedError) or "Connection refused" in str(e):
            return f"Cannot reach {where}: connection refused. Check DATABRICKS_HOST."
        if isinstance(e, socket.gaierror) or "Name or service not known" in str(e) or "nodename nor servname" in str(e):
            return f"Cannot reach {where}: host name not found. Check DATABRICKS_HOST."
    for e in chain:
        name = type(e).__name__
        if isinstance(e, (TimeoutError, socket.timeout)) or name in ("ConnectTimeoutError", "ReadTimeoutError") or (
            isinstance(e, OSError) and e.errno == errno.ETIMEDOUT
        ):
            return f"Cannot reach {where}: the network timed out. Try again; if it persists check DATABRICKS_HOST."
    for e in chain:
        name = type(e).__name__
        if name in ("ProtocolError", "RemoteDisconnected", "NewConnectionError", "MaxRetryError") or isinstance(
            e, (ConnectionError, BrokenPipeError)
        ):
            return f"The connection to {where} was dropped."
    return None


def from_connector_error(
    err: BaseException, *, host: str = "", secrets: Iterable[str | None] = (), user_token: bool = False
) -> QueryError:
    """Maps an exception raised by databricks-sql-connector (or its transport)."""
    secrets = list(secrets)
    chain = list(_chain(err))
    for e in chain:
        if isinstance(e, QueryError):  # raised by our own header factory inside the connector
            return e
    code = next((c for c in (_context(e).get("http-code") for e in chain) if isinstance(c, int)), None)
    detail = redact(" ".join(str(_context(e).get("error-message") or "") for e in chain).strip(" :"), secrets)
    retry_after = next(
        (float(d) for d in (_context(e).get("bounded-retry-delay") for e in chain) if isinstance(d, (int, float))), None
    )
    if code == 401 or (code == 403 and re.search(r"token|credential|authenticat", detail, re.IGNORECASE)):
        if user_token:
            return AuthError("Your Databricks sign-in is no longer valid: reload the page to sign in again.", expired=True)
        return AuthError(
            f"Databricks rejected the credentials (HTTP {code}): check DATABRICKS_TOKEN or the app's service principal."
        )
    if code == 403:
        return PermissionDenied(
            "Databricks refused access to the SQL warehouse (HTTP 403): ask for CAN USE permission on it."
            + (f" ({detail})" if detail else "")
        )
    if code == 404:
        return WarehouseUnavailable(
            "No SQL warehouse answers at this path (HTTP 404): check DATABRICKS_WAREHOUSE_ID or DATABRICKS_HTTP_PATH."
        )
    if code in (429, 503):
        what = "is rate limiting requests" if code == 429 else "is temporarily unavailable (the warehouse may be starting)"
        return TransientError(f"Databricks {what} (HTTP {code}). Try again shortly.", status=code, retry_after=retry_after)
    if code is not None and code >= 500:
        return TransientError(f"Databricks had an internal error (HTTP {code}). Try again.", status=code)

    net = _network_message(chain, host)
    text = redact(_message(err), secrets)
    if _SESSION.search(text):
        return SessionLost("The warehouse session expired or was closed.")
    if type(err).__name__ == "ServerOperationError" or (code is None and net is None):
        if _PERMISSION.search(text):
            return PermissionDenied(_clean(text))
        if _TIMEOUT.search(text):
            return QueryTimeout(_clean(text))
        return _with_position(_clean(text))
    if net:
        return ConnectionFailed(net)
    return QueryError(_clean(text))


def _clean(text: str) -> str:
    # The connector prefixes transport errors; the Spark server prefixes its exception class.
    text = re.sub(r"^(?:org\.apache\.hive\.service\.cli\.HiveSQLException:\s*)?(?:Error running query:\s*)?", "", text)
    return text.strip() or "The statement failed."


def _with_position(text: str) -> QueryError:
    m = _LINE_POS.search(text)
    if m:
        return QueryError(text, line=int(m.group(1)), column=int(m.group(2)) + 1)
    return QueryError(text)


# --- SDK errors --------------------------------------------------------------------------


def from_sdk_error(err: BaseException, *, host: str = "", secrets: Iterable[str | None] = (), user_token: bool = False) -> QueryError:
    """Maps an exception raised by databricks-sdk (REST)."""
    from databricks.sdk import errors as sdk_errors

    secrets = list(secrets)
    chain = list(_chain(err))
    for e in chain:
        if isinstance(e, QueryError):
            return e
    text = redact(_message(err), secrets)
    if isinstance(err, sdk_errors.Unauthenticated):
        if user_token:
            return AuthError("Your Databricks sign-in is no longer valid: reload the page to sign in again.", expired=True)
        return AuthError("Databricks rejected the credentials: check DATABRICKS_TOKEN or the app's service principal.")
    if isinstance(err, sdk_errors.PermissionDenied):
        return PermissionDenied(f"Databricks refused access: {text}")
    if isinstance(err, sdk_errors.NotFound):
        return QueryError(f"Not found: {text}")
    if isinstance(err, (sdk_errors.TooManyRequests, sdk_errors.TemporarilyUnavailable)):
        status = 429 if isinstance(err, sdk_errors.TooManyRequests) else 503
        return TransientError(f"Databricks is busy (HTTP {status}). Try again shortly.", status=status)
    if isinstance(err, sdk_errors.DatabricksError):
        return QueryError(text)
    net = _network_message(chain, host)
    if net:
        return ConnectionFailed(net)
    if isinstance(err, ValueError):
        # Config() raises ValueError for unusable credentials (e.g. an OAuth client the IdP rejects).
        hint = " (check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)" if "invalid_client" in text else ""
        return AuthError(f"Cannot authenticate to Databricks{hint}: {text}")
    return QueryError(text)
