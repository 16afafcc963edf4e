"""Databricks failures as QueryError subclasses with messages an analyst can act on.

The connector and the SDK raise a zoo of exceptions (urllib3, requests, Thrift statuses,
DB-API errors). `classify` is the one place that decides what a failure means, from the HTTP
status, the REST `error_code`, the message and the SQL error class / SQLSTATE Databricks puts
in it ("[TABLE_OR_VIEW_NOT_FOUND] ... SQLSTATE: 42P01"). `from_connector_error`,
`from_sdk_error` and the file stores' `translate_sdk_error` all map its `Category`, so they
cannot disagree. The QueryErrors they return carry `error_class` and `sqlstate` (or None).
Messages never carry a token: every message goes through `redact`.

Databricks answers a bad, revoked or expired token with HTTP 403 "Invalid access token."
(REST and the SQL warehouse alike), so a 403 is an auth failure or a permission failure
depending on its message; only the first means "sign in again".
"""

from __future__ import annotations

import enum
import errno
import re
import socket
from dataclasses import dataclass
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
_ERROR_CLASS = re.compile(r"\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]")
_SQLSTATE = re.compile(r"SQLSTATE:\s*([0-9A-Z]{5})")
# What Databricks says for a missing, malformed, revoked or expired token (HTTP 401 or 403).
_AUTH = re.compile(
    r"Invalid access token|invalid (?:bearer |oauth )?token|token (?:is |has )?(?:expired|been revoked|revoked|invalid)|"
    r"expired token|Credential was not sent|unsupported type for this API|not authenticated",
    re.IGNORECASE,
)
_PERMISSION = re.compile(
    r"INSUFFICIENT_PERMISSIONS|PERMISSION_DENIED|does not have (?:\w+ )*(?:privilege|permission)|"
    r"Insufficient privileges|not authorized",
    re.IGNORECASE,
)
# Databricks says "Statement has timed out after N seconds" when STATEMENT_TIMEOUT fires.
_TIMEOUT = re.compile(r"Statement has timed out|QUERY_EXECUTION_TIMEOUT_EXCEEDED", re.IGNORECASE)
_SESSION = re.compile(r"Invalid SessionHandle|Invalid OperationHandle|session (?:is )?(?:closed|expired)", re.IGNORECASE)


class Category(enum.Enum):
    AUTH = "auth"  # credentials refused: sign in again (or fix the app's credentials)
    PERMISSION = "permission"  # authenticated, but not allowed
    NOT_FOUND = "not_found"
    ALREADY_EXISTS = "already_exists"
    CONFLICT = "conflict"
    INVALID = "invalid"  # a bad request or bad SQL
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    SESSION = "session"
    NOT_IMPLEMENTED = "not_implemented"
    INTERNAL = "internal"
    OTHER = "other"


@dataclass(frozen=True)
class ErrorInfo:
    category: Category
    status: int | None = None
    error_code: str | None = None
    error_class: str | None = None  # e.g. TABLE_OR_VIEW_NOT_FOUND, UNRESOLVED_COLUMN.WITH_SUGGESTION
    sqlstate: str | None = None
    line: int | None = None
    pos: int | None = None  # 0-based, as Databricks prints it
    # False for a bare 403 (a HEAD answer has no body): auth and permission look the same.
    reason_given: bool = True


_BY_CODE: dict[str, Category] = {
    "UNAUTHENTICATED": Category.AUTH,
    "PERMISSION_DENIED": Category.PERMISSION,
    "INSUFFICIENT_PERMISSIONS": Category.PERMISSION,
    "RESOURCE_DOES_NOT_EXIST": Category.NOT_FOUND,
    "NOT_FOUND": Category.NOT_FOUND,
    "ALREADY_EXISTS": Category.ALREADY_EXISTS,
    "RESOURCE_ALREADY_EXISTS": Category.ALREADY_EXISTS,
    "RESOURCE_CONFLICT": Category.CONFLICT,
    "ABORTED": Category.CONFLICT,
    "INVALID_PARAMETER_VALUE": Category.INVALID,
    "INVALID_STATE": Category.INVALID,
    "BAD_REQUEST": Category.INVALID,
    "MALFORMED_REQUEST": Category.INVALID,
    "PARSE_SYNTAX_ERROR": Category.INVALID,
    "REQUEST_LIMIT_EXCEEDED": Category.THROTTLED,
    "TOO_MANY_REQUESTS": Category.THROTTLED,
    "RESOURCE_EXHAUSTED": Category.THROTTLED,
    "TEMPORARILY_UNAVAILABLE": Category.UNAVAILABLE,
    "DEADLINE_EXCEEDED": Category.TIMEOUT,
    "QUERY_EXECUTION_TIMEOUT_EXCEEDED": Category.TIMEOUT,
    "NOT_IMPLEMENTED": Category.NOT_IMPLEMENTED,
    "INTERNAL_ERROR": Category.INTERNAL,
    "UNKNOWN": Category.INTERNAL,
    "DATA_LOSS": Category.INTERNAL,
}
_BY_SQLSTATE = {"42501": Category.PERMISSION, "42P01": Category.NOT_FOUND, "42704": Category.NOT_FOUND, "42P07": Category.ALREADY_EXISTS}
_BY_STATUS = {
    400: Category.INVALID,
    403: Category.PERMISSION,
    404: Category.NOT_FOUND,
    409: Category.CONFLICT,
    429: Category.THROTTLED,
    501: Category.NOT_IMPLEMENTED,
    503: Category.UNAVAILABLE,
    504: Category.TIMEOUT,
}


def classify(*, status: int | None = None, error_code: object = None, message: str = "") -> ErrorInfo:
    """What a Databricks failure means, from its HTTP status, REST error_code and message."""
    code = str(error_code).upper() if error_code not in (None, "") else None
    if status is None and code and code.isdigit():
        status = int(code)  # Databricks often sends the HTTP status as the error_code ("403")
    cls_match, state_match, pos_match = _ERROR_CLASS.search(message), _SQLSTATE.search(message), _LINE_POS.search(message)
    error_class = cls_match.group(1) if cls_match else None
    sqlstate = state_match.group(1) if state_match else None
    category = _category(status, code, error_class, sqlstate, message)
    bare = category is Category.PERMISSION and code is None and message.strip(" .:").lower() in ("", "forbidden")
    return ErrorInfo(
        category,
        status=status,
        error_code=code,
        error_class=error_class,
        sqlstate=sqlstate,
        line=int(pos_match.group(1)) if pos_match else None,
        pos=int(pos_match.group(2)) if pos_match else None,
        reason_given=not bare,
    )


def _category(status: int | None, code: str | None, error_class: str | None, sqlstate: str | None, message: str) -> Category:
    # A message with an error class is a statement's (e.g. a federated source's token): the class decides.
    if status == 401 or code == "UNAUTHENTICATED" or (status in (None, 403) and not error_class and _AUTH.search(message)):
        return Category.AUTH
    for name in (code, error_class, (error_class or "").split(".")[0]):
        if name in _BY_CODE:
            return _BY_CODE[name]
        if name and name.endswith(("_NOT_FOUND", "_DOES_NOT_EXIST")):
            return Category.NOT_FOUND
        if name and name.endswith("_ALREADY_EXISTS"):
            return Category.ALREADY_EXISTS
    if sqlstate in _BY_SQLSTATE:
        return _BY_SQLSTATE[sqlstate]
    if _PERMISSION.search(message):
        return Category.PERMISSION
    if _TIMEOUT.search(message):
        return Category.TIMEOUT
    if _SESSION.search(message):
        return Category.SESSION
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status is not None and status >= 500:
        return Category.INTERNAL
    if sqlstate and sqlstate.startswith("42"):  # syntax error or access rule violation
        return Category.INVALID
    return Category.OTHER


def sdk_cause(err: BaseException) -> tuple[BaseException, bool]:
    """The SDK error behind `err`, and whether the SDK had retried before giving up.

    The SDK retries 429/503 until its retry timeout, then raises TimeoutError (or
    RuntimeError after max attempts) from the last API error.
    """
    from databricks.sdk.errors import DatabricksError

    if isinstance(err, (TimeoutError, RuntimeError)) and isinstance(err.__cause__, (DatabricksError, OSError)):
        return err.__cause__, True
    return err, False


# The SDK appends its Config (host, auth type ...) to 401/403 messages: noise for a user.
_SDK_DEBUG = re.compile(r"\.? Config: .*\Z", re.DOTALL)


def sdk_message(err: BaseException) -> str:
    """The service's own message of an SDK error."""
    return _SDK_DEBUG.sub("", _message(err))


def classify_sdk(err: BaseException) -> ErrorInfo:
    """`classify` for a databricks-sdk DatabricksError (its class tells the HTTP status)."""
    from databricks.sdk.errors import platform

    status = next((s for s, cls in platform.STATUS_CODE_MAPPING.items() if isinstance(err, cls)), None)
    return classify(status=status, error_code=getattr(err, "error_code", None), message=sdk_message(err))


def _tagged(err: QueryError, info: ErrorInfo) -> QueryError:
    # So the engine (and the UI) can branch on Databricks' error class without parsing text.
    err.error_class = info.error_class  # type: ignore[attr-defined]
    err.sqlstate = info.sqlstate  # type: ignore[attr-defined]
    return err


def _auth_error(user_token: bool, status: int | None = None) -> AuthError:
    if user_token:
        return AuthError("Your Databricks sign-in is no longer valid: reload the page to sign in again.", expired=True)
    http = f" (HTTP {status})" if status else ""
    return AuthError(f"Databricks rejected the credentials{http}: check DATABRICKS_TOKEN or the app's service principal.")


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
    text = redact(_message(err), secrets)
    # An HTTP failure is about the warehouse endpoint (its reason phrase says why); otherwise the statement's text.
    info = classify(status=code, message=detail if code is not None else text)
    if info.category is Category.AUTH:
        return _auth_error(user_token, code)
    if code is not None:
        if info.category is Category.PERMISSION:
            return PermissionDenied(
                f"Databricks refused access to the SQL warehouse (HTTP {code}): ask for CAN USE permission on it."
                + (f" ({detail})" if detail else "")
            )
        if code == 404:
            return WarehouseUnavailable(
                "No SQL warehouse answers at this path (HTTP 404): check DATABRICKS_WAREHOUSE_ID or DATABRICKS_HTTP_PATH."
            )
        if info.category in (Category.THROTTLED, Category.UNAVAILABLE):
            what = "is rate limiting requests" if code == 429 else "is temporarily unavailable (the warehouse may be starting)"
            return TransientError(f"Databricks {what} (HTTP {code}). Try again shortly.", status=code, retry_after=retry_after)
        if code >= 500:
            return TransientError(f"Databricks had an internal error (HTTP {code}). Try again.", status=code)

    net = _network_message(chain, host)
    if info.category is Category.SESSION:
        return SessionLost("The warehouse session expired or was closed.")
    if type(err).__name__ == "ServerOperationError" or (code is None and net is None):
        if info.category is Category.PERMISSION:
            return _tagged(PermissionDenied(_clean(text)), info)
        if info.category is Category.TIMEOUT:
            return _tagged(QueryTimeout(_clean(text)), info)
        return _tagged(_with_position(_clean(text), info), info)
    if net:
        return ConnectionFailed(net)
    return QueryError(_clean(text))


def _clean(text: str) -> str:
    # The connector prefixes transport errors; the Spark server prefixes its exception class.
    text = re.sub(r"^(?:org\.apache\.hive\.service\.cli\.HiveSQLException:\s*)?(?:Error running query:\s*)?", "", text)
    return text.strip() or "The statement failed."


def _with_position(text: str, info: ErrorInfo) -> QueryError:
    if info.line is not None and info.pos is not None:
        return QueryError(text, line=info.line, column=info.pos + 1)  # Databricks counts pos from 0
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
    cause, retried = sdk_cause(err)
    text = redact(sdk_message(cause), secrets)
    if isinstance(cause, sdk_errors.DatabricksError):
        info = classify_sdk(cause)
        if info.category is Category.AUTH:
            return _auth_error(user_token)
        if info.category is Category.PERMISSION:
            return _tagged(PermissionDenied(f"Databricks refused access: {text}"), info)
        if info.category is Category.NOT_FOUND:
            return _tagged(QueryError(f"Not found: {text}"), info)
        if info.category in (Category.THROTTLED, Category.UNAVAILABLE):
            status = 429 if info.category is Category.THROTTLED else 503
            again = " even after retrying" if retried else ""
            return TransientError(f"Databricks is busy (HTTP {status}){again}. Try again shortly.", status=status)
        return _tagged(QueryError(text), info)
    net = _network_message(chain, host)
    if net:
        return ConnectionFailed(net)
    if isinstance(err, ValueError):
        # Config() raises ValueError for unusable credentials (e.g. an OAuth client the IdP rejects).
        hint = " (check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)" if "invalid_client" in text else ""
        return AuthError(f"Cannot authenticate to Databricks{hint}: {text}")
    return QueryError(text)
