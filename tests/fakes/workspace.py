"""A fake Databricks workspace REST server on 127.0.0.1 for the real databricks-sdk.

Serves what `Config` needs to authenticate (well-known config, OIDC metadata and the M2M
token endpoint) and lets feature modules register their own routes:

    ws = FakeWorkspace(tokens={"dapi-test"}, clients={"cid": "secret"})
    ws.route("GET", r"/api/2.0/sql/warehouses", handler)   # handler(req) -> Response
    with ws:  # starts on a free port
        WorkspaceClient(config=Config(host=ws.url, token="dapi-test"))

Errors look like the real service's: JSON `{"error_code", "message"}`. A missing token is
401, a bad, revoked or expired one 403 "Invalid access token." (error_code 403, as a
workspace sends it), which the SDK raises as PermissionDenied. Faults are injected per path
prefix with `ws.fail(prefix, status, times=1)`. Every call's bearer token is recorded in
`ws.token_log` as ("METHOD /path", token or None).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    match: re.Match | None = None
    token: str | None = None

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> "Response":
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

    @classmethod
    def error(cls, status: int, error_code: str | int, message: str) -> "Response":
        return cls.json({"error_code": error_code, "message": message}, status)


def bearer(headers: dict[str, str]) -> str | None:
    """The token of an `Authorization: Bearer ...` header (keys lower-cased), or None."""
    auth = headers.get("authorization", "")
    return auth[7:] if auth.lower().startswith("bearer ") else None


Handler = Callable[[Request], Response]

# error_code and message of an injected fault, as Databricks sends them for that status.
_STATUS_CODES: dict[int, tuple[str | int, str]] = {
    400: ("INVALID_PARAMETER_VALUE", "Invalid parameter value"),
    401: (401, "Credential was not sent or was of an unsupported type for this API."),
    403: ("PERMISSION_DENIED", "User does not have permission on this resource."),
    404: ("RESOURCE_DOES_NOT_EXIST", "The resource does not exist."),
    409: ("RESOURCE_CONFLICT", "The resource was changed concurrently."),
    429: ("REQUEST_LIMIT_EXCEEDED", "Request limit exceeded. Please retry later."),
    500: ("INTERNAL_ERROR", "Internal error."),
    503: ("TEMPORARILY_UNAVAILABLE", "The service is temporarily unavailable. Please retry later."),
}
INVALID_TOKEN = "Invalid access token."


class FakeWorkspace:
    def __init__(self, *, tokens: set[str] | None = None, clients: dict[str, str] | None = None):
        self.tokens: set[str] = set(tokens or ())
        self.clients: dict[str, str] = dict(clients or {})
        self.issued: dict[str, str] = {}  # access token -> client id
        self.token_lifetime_s = 3600
        self.requests: list[Request] = []
        self.token_log: list[tuple[str, str | None]] = []  # ("METHOD /path", bearer token) of every call
        self._routes: list[tuple[str, re.Pattern, Handler]] = []
        self._faults: list[list[Any]] = []  # [prefix, status, remaining]
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.route("GET", r"/\.well-known/databricks-config", self._well_known, public=True)
        self.route("GET", r"/oidc/\.well-known/oauth-authorization-server", self._oidc_metadata, public=True)
        self.route("POST", r"/oidc/v1/token", self._oidc_token, public=True)

    # --- configuration ---
    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, method: str, pattern: str, handler: Handler, *, public: bool = False) -> None:
        """Adds a route; non-public routes need a valid bearer token."""
        compiled = re.compile(pattern + r"$")
        self._routes.insert(0, (method.upper(), compiled, handler if public else self._authed(handler)))

    def fail(self, prefix: str, status: int, *, times: int = 1, message: str | None = None) -> None:
        with self._lock:
            self._faults.append([prefix, status, times, message])

    # --- lifecycle ---
    def start(self) -> "FakeWorkspace":
        fake = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus the
            # client's delayed ACK adds ~40 ms to every response with a body.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                fake._dispatch(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        # A short poll keeps stop() quick (shutdown waits for the next poll).
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeWorkspace":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- internals ---
    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        req = Request(h.command, parts.path, parse_qs(parts.query), {k.lower(): v for k, v in h.headers.items()}, body)
        with self._lock:
            self.requests.append(req)
            self.token_log.append((f"{req.method} {req.path}", bearer(req.headers)))
            fault = next((f for f in self._faults if parts.path.startswith(f[0]) and f[2] > 0), None)
            if fault:
                fault[2] -= 1
        if fault:
            code, text = _STATUS_CODES.get(fault[1], (fault[1], "Injected fault."))
            resp = Response.error(fault[1], code, fault[3] or text)
            if fault[1] in (429, 503):
                resp.headers["Retry-After"] = "0"
        else:
            resp = self._handle(req)
        h.send_response(resp.status)
        headers = {"Content-Length": str(len(resp.body)), **resp.headers}
        for k, v in headers.items():
            h.send_header(k, v)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(resp.body)

    def _handle(self, req: Request) -> Response:
        allowed_methods = set()
        for method, pattern, handler in self._routes:
            m = pattern.match(req.path)
            if m:
                allowed_methods.add(method)
                if method == req.method:
                    req.match = m
                    try:
                        return handler(req)
                    except Exception as err:  # noqa: BLE001 - a fake must answer, like a server would
                        return Response.error(500, "INTERNAL_ERROR", f"fake server error: {err!r}")
        if allowed_methods:
            return Response.error(405, "METHOD_NOT_ALLOWED", f"{req.method} not allowed")
        return Response.error(404, "ENDPOINT_NOT_FOUND", f"No API found for '{req.method} {req.path}'")

    def token_ok(self, token: str | None) -> bool:
        return token is not None and (token in self.tokens or token in self.issued)

    def _authed(self, handler: Handler) -> Handler:
        def wrapped(req: Request) -> Response:
            token = bearer(req.headers)
            if self.token_ok(token):
                req.token = token
                return handler(req)
            # Databricks answers a missing token 401, a bad, revoked or expired one 403 (not 401).
            status, code, text = (401, *_STATUS_CODES[401]) if token is None else (403, 403, INVALID_TOKEN)
            resp = Response.error(status, code, text)
            resp.headers["X-Databricks-Reason-Phrase"] = text
            return resp

        return wrapped

    def _well_known(self, req: Request) -> Response:
        return Response.json({"oidc_endpoint": self.url + "/oidc", "workspace_id": "1234567890"})

    def _oidc_metadata(self, req: Request) -> Response:
        return Response.json(
            {
                "issuer": self.url + "/oidc",
                "authorization_endpoint": self.url + "/oidc/v1/authorize",
                "token_endpoint": self.url + "/oidc/v1/token",
            }
        )

    def _oidc_token(self, req: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs(req.body.decode()).items()}
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = req.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            import base64

            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if form.get("grant_type") != "client_credentials" or self.clients.get(client_id or "") != client_secret:
            return Response.json({"error": "invalid_client", "error_description": "Client authentication failed"}, 401)
        token = "fake-m2m-" + secrets.token_hex(8)
        self.issued[token] = client_id or ""
        return Response.json(
            {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime_s, "scope": "all-apis"}
        )


def now_ms() -> int:
    return int(time.time() * 1000)
