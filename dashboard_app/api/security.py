"""Who may call and from where, and the headers every answer carries: one ASGI middleware.

`api/app.py` wraps the FastAPI app in it; Reflex mounts that app (`rx.App(api_transformer=)`)
in front of all of its own routes — verified in reflex/app.py `App.__call__`: a Starlette
transformer gets Reflex's whole backend mounted at "" inside it, so this middleware sees every
request of the process: /api, the page's HTML and assets, /_upload, /ping, and the page's
socket.io websocket on /_event. Only Reflex's own CORS middleware sits outside it.

In order, for each request or websocket handshake:

1. Host (DNS rebinding): a request over loopback (to or from 127.0.0.1 / ::1) must name a
   loopback host (localhost, 127.0.0.1, [::1]) or the host of an `APP_ALLOWED_ORIGINS` entry;
   otherwise a page on another site whose name was pointed at 127.0.0.1 would be "same origin"
   with the app and could drive the workbench. Not applied inside a Databricks App (its proxy
   names the public host).
2. Origin: a browser names the page that sent a request in `Origin`. One from another site is
   refused (403) on every /api and /_upload request, on every state-changing request (POST,
   PUT, PATCH, DELETE) anywhere, and on every websocket handshake (the page's /_event). GETs
   to /api are covered too, because Reflex's CORS default (`*` with credentials) would let any
   site read the answers. Allowed: the app's own origin (the request's scheme and Host; inside
   an App also https:// + X-Forwarded-Host), `APP_ALLOWED_ORIGINS`, and in `reflex run`'s dev
   mode a loopback page on another port (the dev server). No `Origin` (curl, scripts): allowed.
3. Key: outside an App with `APP_API_KEY` set, /api requires `Authorization: Bearer <key>`
   (compared in constant time, 401 otherwise). The page's own download links (GET/HEAD of a
   path ending in /download or /export) are accepted without it when the browser says the
   request comes from the app's own page (`Sec-Fetch-Site: same-origin`, or lacking that a
   same-origin `Referer`). That grants nothing the page does not: whoever can open the page can
   press the same buttons. The key keeps programs from using the API without it; it does not
   authenticate the page (outside an App the page is open to whoever reaches the port, which
   is why the app listens on 127.0.0.1 unless `APP_BIND` says otherwise).
4. Size: an /api request body above `APP_MAX_REQUEST_BYTES` is refused with 413, from
   Content-Length when given and otherwise counted as it streams in (chunked uploads).

Every answer gets `Content-Security-Policy`, `X-Content-Type-Options: nosniff`,
`Referrer-Policy: same-origin` and `X-Frame-Options: SAMEORIGIN`; /api answers also
`Cache-Control: no-store`. The page's inline scripts (the theme switch and React Router's
hydration data, different on each page) are allowed by their SHA-256 hashes, computed from the
HTML as it is sent, so the policy needs neither 'unsafe-inline' nor 'unsafe-eval' for scripts.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import gzip
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import re
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from ..settings import Settings, get_settings

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/api"
UPLOAD_PREFIX = "/_upload"
EVENT_PREFIX = "/_event"
#: GET routes the page links to (downloads and exports): see "Key" above.
PAGE_LINK = re.compile(r"^/api/.+/(download|export)$")
# Of a refused body, this much is still read (and dropped), briefly: a client that is still
# sending it then reads the 413, where an unread body would get it a reset connection.
DRAIN_BYTES = 4 * 1024 * 1024
DRAIN_S = 2.0

BASE_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
)
_REPLACED = {b"content-security-policy", b"x-content-type-options", b"referrer-policy", b"x-frame-options"}


# --------------------------------------------------------------------------------------------
# Content-Security-Policy


def content_security_policy(script_hashes: Iterable[str] = (), connect: Iterable[str] = ()) -> str:
    """The policy of the page (and of every other answer: harmless on JSON, CSV or assets).

    Scripts: the app's own files plus the page's inline scripts by hash. Styles need
    'unsafe-inline' (Radix and Emotion write style attributes and <style> tags at run time).
    Images: the app and data: URLs only — what the Markdown preview allows too. connect-src
    lists the websocket's ws:/wss: URL explicitly: 'self' covers it only in newer browsers.
    """
    scripts = " ".join(["'self'", *(f"'sha256-{h}'" for h in sorted(set(script_hashes)))])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        " ".join(["connect-src 'self'", *sorted(set(connect))]),
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)


@functools.lru_cache(maxsize=64)
def inline_script_hashes(html: bytes) -> tuple[str, ...]:
    """Base64 SHA-256 of each inline <script> body, as CSP hash sources are written."""
    out = []
    for attrs, body in _SCRIPT.findall(html):
        if re.search(rb"\bsrc\s*=", attrs) or not body:
            continue
        out.append(base64.b64encode(hashlib.sha256(body).digest()).decode("ascii"))
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Helpers on the request


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in scope.get("headers") or () if key.lower() == name]


def _is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback_ip(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _hostname(hostport: str) -> str:
    try:
        return (urlsplit("//" + hostport).hostname or "").lower()
    except ValueError:
        return ""


def normalize_origin(origin: str) -> str:
    """scheme://host[:port] in lower case, default ports dropped; "" when unreadable."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def own_origins(scope: Scope, settings: Settings) -> set[str]:
    """The origins this request's page can have: its own scheme and Host (and, inside a
    Databricks App, the public host its proxy forwards)."""
    secure = scope.get("scheme") in ("https", "wss")
    out = set()
    host = _header(scope, b"host")
    if host:
        out.add(normalize_origin(f"{'https' if secure else 'http'}://{host}"))
    if settings.is_databricks_app:
        fwd_host = (_header(scope, b"x-forwarded-host") or "").split(",")[0].strip()
        proto = (_header(scope, b"x-forwarded-proto") or "https").split(",")[0].strip().lower()
        for h in filter(None, (fwd_host, host)):
            out.add(normalize_origin(f"{proto if proto in ('http', 'https') else 'https'}://{h}"))
            out.add(normalize_origin(f"https://{h}"))
    out.discard("")
    return out


def _dev_mode() -> bool:
    # `reflex run` sets this for the backend it starts; launch.py always runs "prod".
    return os.environ.get("REFLEX_ENV_MODE", "").lower() == "dev"


def origin_allowed(origin: str, scope: Scope, settings: Settings) -> bool:
    o = normalize_origin(origin)
    if not o:
        return False  # "null" (sandboxed frames, file://) or garbage: never the app's page
    if o in own_origins(scope, settings) or o in settings.allowed_origin_list:
        return True
    if _dev_mode():
        # `reflex run` serves the page from a dev server on another port of this machine.
        host = _hostname(_header(scope, b"host") or "")
        return o.startswith("http://") and _is_loopback_host(_hostname(o[7:])) and _is_loopback_host(host)
    return False


def _same_origin_browser(scope: Scope, settings: Settings) -> bool:
    site = _header(scope, b"sec-fetch-site")
    if site is not None:
        return site.strip().lower() == "same-origin"
    referer = _header(scope, b"referer")
    return bool(referer) and normalize_origin(_origin_of(referer)) in own_origins(scope, settings)


def _origin_of(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}" if parts.scheme and parts.netloc else ""


def bearer_ok(scope: Scope, key: str) -> bool:
    """Whether the request carries `Authorization: Bearer <key>`, compared in constant time."""
    given = _header(scope, b"authorization") or ""
    scheme, _, token = given.strip().partition(" ")
    if scheme.lower() != "bearer":
        token = ""
    # Digests first, so that neither where they differ nor their lengths show in the time taken.
    given_digest = hashlib.sha256(token.strip().encode("utf-8", "replace")).digest()
    return hmac.compare_digest(given_digest, hashlib.sha256(key.encode("utf-8")).digest())


# --------------------------------------------------------------------------------------------
# The middleware


class _TooLarge(Exception):
    """Raised from `receive` when the body passes the limit; the app's answer is discarded."""


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, settings: Callable[[], Settings]):
        self.app = app
        self._settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        settings = self._settings()
        path: str = scope.get("path", "")
        is_api = path == API_PREFIX or path.startswith(API_PREFIX + "/")
        method = scope.get("method", "GET").upper()

        if kind == "http":
            send = self._with_headers(send, is_api, scope, settings)

        # 1. Host
        server = str((scope.get("server") or ("",))[0] or "")
        client = str((scope.get("client") or ("",))[0] or "")
        if not settings.is_databricks_app and (_is_loopback_ip(server) or _is_loopback_ip(client)):
            host = _hostname(_header(scope, b"host") or "")
            allowed_hosts = {_hostname(o.split("://", 1)[1]) for o in settings.allowed_origin_list}
            if not (_is_loopback_host(host) or host in allowed_hosts):
                log.warning("refused a %s to %s naming another host over loopback (Host %.100s)", kind, path, host)
                await self._refuse(scope, send, is_api, 403, "FORBIDDEN",
                                   "This app answers only to localhost names here; add the site to APP_ALLOWED_ORIGINS to use another.")
                return

        # 2. Origin (a browser sends one; a request with several must pass with each)
        origins = _headers(scope, b"origin")
        if origins:
            checked = (
                kind == "websocket" or is_api or method in STATE_CHANGING
                or path == UPLOAD_PREFIX or path.startswith(UPLOAD_PREFIX + "/")
            )
            foreign = next((o for o in origins if not origin_allowed(o, scope, settings)), None)
            if checked and foreign is not None:
                log.warning("refused a %s to %s from another site's page (Origin %.100s)", kind, path, foreign)
                await self._refuse(scope, send, is_api, 403, "FORBIDDEN",
                                   "Requests from another site's page are refused; add its origin to APP_ALLOWED_ORIGINS to allow it.")
                return
            if kind == "websocket" and settings.allowed_origin_list and any(
                normalize_origin(o) not in settings.allowed_origin_list for o in origins
            ):
                # rxconfig gives socket.io the configured list, which it treats as complete:
                # it would refuse the app's own page. Checked above already, so it need not see it.
                scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"origin"]}

        if kind == "websocket":
            await self.app(scope, receive, send)
            return

        # 3. Key
        if is_api and not settings.is_databricks_app and settings.api_key is not None:
            key = settings.api_key.get_secret_value()
            page_link = method in ("GET", "HEAD") and PAGE_LINK.match(path) is not None
            if not bearer_ok(scope, key) and not (page_link and _same_origin_browser(scope, settings)):
                log.info("refused an API request without a valid key: %s %s", method, path)
                await self._refuse(scope, send, True, 401, "UNAUTHENTICATED",
                                   "This API needs the app's key: send `Authorization: Bearer <APP_API_KEY>`.",
                                   extra=[(b"www-authenticate", b'Bearer realm="api"')])
                return

        # 4. Size
        if is_api:
            limit = settings.max_request_bytes
            declared = _header(scope, b"content-length")
            if declared is not None and declared.strip().isdigit() and int(declared) > limit:
                await _drain(scope, receive)
                await self._too_large(scope, send, limit)
                return
            await self._limited(scope, receive, send, limit)
            return

        await self.app(scope, receive, send)

    async def _limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        seen = 0
        over = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            if over:
                raise _TooLarge()
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if over:
                return  # whatever the app makes of the interrupted body is not sent
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            if not over:
                raise
        if over and not started:
            await _drain(scope, receive)
            await self._too_large(scope, send, limit)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        # The connection closes after the answer: the rest of the body is never read.
        await self._refuse(scope, send, True, 413, "TOO_LARGE",
                           f"The request body is larger than APP_MAX_REQUEST_BYTES ({limit} bytes).",
                           extra=[(b"connection", b"close")])

    @staticmethod
    async def _refuse(scope: Scope, send: Send, as_json: bool, status: int, code: str, message: str,
                      extra: list[tuple[bytes, bytes]] | None = None) -> None:
        if as_json:
            body = json.dumps({"error": {"code": code, "message": message}}).encode()
            ctype = b"application/json"
        else:
            body = message.encode()
            ctype = b"text/plain; charset=utf-8"
        headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode()), *(extra or [])]
        if scope["type"] == "websocket":
            if "websocket.http.response" in (scope.get("extensions") or {}):
                headers += [*BASE_HEADERS, (b"content-security-policy", content_security_policy().encode())]
                await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
                await send({"type": "websocket.http.response.body", "body": body})
            else:
                await send({"type": "websocket.close", "code": 1008})  # before accept: the server answers 403
            return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _with_headers(send: Send, is_api: bool, scope: Scope, settings: Settings) -> Send:
        connect = set()
        for origin in own_origins(scope, settings):
            connect.add(origin.replace("https://", "wss://", 1).replace("http://", "ws://", 1))
        held: list[Message] = []
        start: Message | None = None

        def finish(message: Message, hashes: tuple[str, ...]) -> Message:
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
            headers += BASE_HEADERS
            if message.get("status") != 304:
                # A 304's headers update the cached page's: a policy without its scripts'
                # hashes (a 304 has no body to hash) would block them, so it keeps the cached one.
                headers.append((b"content-security-policy", content_security_policy(hashes, connect).encode()))
            if is_api:
                headers = [(k, v) for k, v in headers if k.lower() not in (b"cache-control", b"expires", b"pragma")]
                headers.append((b"cache-control", b"no-store"))
            return {**message, "headers": headers}

        async def wrapped(message: Message) -> None:
            nonlocal start
            kind = message["type"]
            if kind == "http.response.start":
                ctype = (_raw_header(message, b"content-type") or b"").lower()
                if ctype.startswith(b"text/html"):
                    start = message  # held until the body is complete, to hash its scripts
                    return
                await send(finish(message, ()))
                return
            if start is None:
                await send(message)
                return
            if kind == "http.response.body":
                held.append(message)
                if message.get("more_body", False):
                    return
                body = b"".join(m.get("body", b"") for m in held)
                await send(finish(start, _hashes_of(body, _raw_header(start, b"content-encoding"))))
                await send({"type": "http.response.body", "body": body})
                return
            if kind == "http.response.pathsend":
                # A file sent by path (the server's zero-copy extension): read it to hash it.
                try:
                    with open(message["path"], "rb") as f:
                        body = f.read()
                except OSError:
                    body = b""
                await send(finish(start, _hashes_of(body, _raw_header(start, b"content-encoding"))))
                await send(message)
                return
            await send(message)

        return wrapped


def _raw_header(message: Message, name: bytes) -> bytes | None:
    for k, v in message.get("headers", []):
        if k.lower() == name:
            return v
    return None


def _hashes_of(body: bytes, encoding: bytes | None) -> tuple[str, ...]:
    enc = (encoding or b"").strip().lower()
    try:
        if enc == b"gzip":
            body = gzip.decompress(body)
        elif enc not in (b"", b"identity"):
            log.warning("cannot read a %s page to hash its scripts; its inline scripts will be blocked", enc.decode())
            return ()
    except (OSError, EOFError):
        return ()
    return inline_script_hashes(body)


def current_settings() -> Settings:
    """The settings the routes use, without building the services: a page asset or /ping must
    not wait on (or fail with) the app database. Tests that replace `deps.services` get theirs."""
    from . import deps

    if hasattr(deps.services, "cache_info"):  # the real backend.services, which reads these
        return get_settings()
    return deps.services().settings


async def _drain(scope: Scope, receive: Receive) -> None:
    """Reads and drops what is left of a refused body (DRAIN_BYTES at most, for DRAIN_S);
    not for a client that waits to be told to send it (`Expect: 100-continue`)."""
    if _header(scope, b"expect") is not None:
        return

    async def drain() -> None:
        left = DRAIN_BYTES
        while left > 0:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            left -= len(message.get("body", b""))
            if not message.get("more_body", False):
                return

    try:
        await asyncio.wait_for(drain(), DRAIN_S)
    except asyncio.TimeoutError:
        pass
