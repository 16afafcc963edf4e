"""Who may call and from where, on a real socket: the FastAPI app of api/app.py served by
granian (the server Reflex runs in production), composed as Reflex composes it — the page's
files and a socket.io server on /_event mounted inside it — so the middleware of
api/security.py sees the same requests it sees in the app: the key, origin and host checks,
the security headers, the body limit. Settings are swapped per test on the one server."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import logging
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import socketio
from granian.constants import Interfaces
from granian.server.embed import Server
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from dashboard_app.api import deps, security
from dashboard_app.api.app import build
from dashboard_app.backend import Services
from dashboard_app.services.history import HistoryStore
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-key-" + "Zq7" * 8
EVIL = "http://evil.example"
TOOLS = "https://tools.example.com"
THEME_SCRIPT = "document.documentElement.dataset.theme = 'light';"
PAGE = f"""<!DOCTYPE html><html><head><script src="/assets/app.js"></script>
<script>{THEME_SCRIPT}</script><script type="module" async="">import "/assets/entry.js";</script></head>
<body>workbench</body></html>"""
SMALL_BODY = "title: T\ntiles: []\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _settings(data: Path, **env: str) -> Settings:
    return Settings(APP_DATA_DIR=str(data), APP_AUDIT_LOG="file", **env)  # type: ignore[call-arg]


async def _upload(request: Request) -> JSONResponse:
    """Stands in for Reflex's /_upload, which keeps its own limit."""
    return JSONResponse({"received": len(await request.body())})


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("app")
    web = tmp_path_factory.mktemp("web")
    (web / "index.html").write_text(PAGE)
    (web / "index.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (web / "assets").mkdir()
    (web / "assets" / "app.js").write_text("console.log('app')")

    settings = _settings(data)
    engine = LocalEngine(settings.data_dir)
    svc = Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
    # As rxconfig gives socket.io an APP_ALLOWED_ORIGINS list: an explicit list is all it accepts.
    sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins=[TOOLS], transports=["websocket"])
    connected: list[str] = []

    @sio.event
    async def connect(sid, environ):
        connected.append(environ.get("HTTP_ORIGIN", ""))

    # Reflex's composition (reflex/app.py App.__call__): its backend — /_upload, /_event, the
    # page's files — is mounted at "" inside the Starlette app that api_transformer gives.
    app = build()
    app.router.routes.append(Route("/_upload", _upload, methods=["POST"]))
    app.mount("/_event", socketio.ASGIApp(sio, socketio_path=""))
    app.mount("", PrecompressedStaticFiles(directory=web, html=True, encodings=["gzip"]))

    port = _free_port()
    server = Server(app, address="127.0.0.1", port=port, interface=Interfaces.ASGI, log_enabled=False)
    loop = asyncio.new_event_loop()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve())

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(deps, "services", lambda: svc)
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/api/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or not thread.is_alive():
                    raise
                time.sleep(0.05)
        try:
            yield base, svc, data, connected
        finally:
            asyncio.run_coroutine_threadsafe(sio.shutdown(), loop).result(10)
            loop.call_soon_threadsafe(server.stop)
            thread.join(10)
            left = [t for t in asyncio.all_tasks(loop) if not t.done()]  # socket.io's ping tasks
            for task in left:
                task.cancel()

            def drain() -> None:  # on a thread: the browser tests keep a loop running in this one
                loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))

            finisher = threading.Thread(target=drain)
            finisher.start()
            finisher.join(10)
            engine.close()


@pytest.fixture
def configure(served):
    """Sets the running server's settings for one test (restored afterwards)."""
    _, svc, data, _ = served
    before = svc.settings

    def set_(**env: str) -> Settings:
        svc.settings = _settings(data, **env)
        return svc.settings

    yield set_
    svc.settings = before


@pytest.fixture
def client(served):
    base = served[0]
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


def error(resp: httpx.Response) -> dict:
    assert resp.headers["content-type"].startswith("application/json"), resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return body["error"]


def own_origin(client: httpx.Client) -> str:
    return str(client.base_url).rstrip("/")


# --- who is calling: APP_API_KEY -----------------------------------------------------------------


def test_the_key_is_required_accepted_and_wrong_keys_refused(client, configure):
    configure(APP_API_KEY=KEY)
    missing = client.get("/api/dashboards")
    assert missing.status_code == 401
    assert error(missing)["code"] == "UNAUTHENTICATED" and "Authorization: Bearer" in error(missing)["message"]
    assert missing.headers["www-authenticate"].startswith("Bearer")
    for wrong in (f"Bearer {KEY[:-1]}", f"Bearer {KEY}x", f"Basic {KEY}", KEY, "Bearer", f"Bearer {KEY.upper()}"):
        resp = client.get("/api/dashboards", headers={"Authorization": wrong})
        assert resp.status_code == 401, wrong
        assert error(resp)["code"] == "UNAUTHENTICATED"
    for right in (f"Bearer {KEY}", f"bearer {KEY}", f"Bearer  {KEY}"):
        assert client.get("/api/dashboards", headers={"Authorization": right}).status_code == 200, right
    ok = client.post("/api/dashboards", content=SMALL_BODY, headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/yaml"})
    assert ok.status_code == 201, ok.text
    # Everything under /api, the OpenAPI document too; the page and Reflex's routes are not the API.
    assert client.get("/api/openapi.json").status_code == 401
    assert client.get("/").status_code == 200


def test_without_a_key_the_api_is_open_and_inside_an_app_the_platform_authenticates(client, configure):
    configure()
    assert client.get("/api/dashboards").status_code == 200
    configure(APP_API_KEY=KEY, DATABRICKS_APP_NAME="app")
    assert client.get("/api/dashboards", headers={"X-Forwarded-Email": "ana@example.com"}).status_code == 200


def test_the_pages_own_download_links_work_without_the_key(client, configure):
    configure(APP_API_KEY=KEY)
    links = ["/api/results/nope/download?format=csv", "/api/files/download?path=none.txt",
             "/api/dashboards/example-sales-overview/export?format=yaml"]
    same_origin = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate"}
    for link in links:
        assert client.get(link).status_code == 401, link
        assert client.get(link, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 401, link
        assert client.get(link, headers={"Sec-Fetch-Site": "same-site"}).status_code == 401, link
        assert client.get(link, headers={"Sec-Fetch-Site": "none"}).status_code == 401, link  # typed in the address bar
        assert client.get(link, headers=same_origin).status_code != 401, link
        # A browser without Fetch Metadata: the page's own Referer.
        assert client.get(link, headers={"Referer": own_origin(client) + "/files"}).status_code != 401, link
        assert client.get(link, headers={"Referer": EVIL + "/"}).status_code == 401, link
    export = client.get(links[2], headers=same_origin)
    assert export.status_code == 200 and "Sales overview" in export.text
    # Only GET links: an API call that changes something needs the key whatever it claims.
    resp = client.post("/api/dashboards", content=SMALL_BODY, headers={**same_origin, "Content-Type": "application/yaml"})
    assert resp.status_code == 401
    assert client.get("/api/dashboards", headers=same_origin).status_code == 401


def test_the_key_is_in_no_answer_and_no_log_line(client, configure, caplog):
    settings = configure(APP_API_KEY=KEY)
    assert KEY in settings.secrets()
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())
    caplog.set_level(logging.DEBUG)
    answers = [
        client.get("/api/dashboards"),
        client.get("/api/dashboards", headers={"Authorization": f"Bearer {KEY[:-2]}"}),
        client.get("/api/dashboards", headers={"Authorization": f"Bearer {KEY}"}),
        client.get("/api/dashboards/nope/export", headers={"Authorization": f"Bearer {KEY}"}),
        client.post("/api/dashboards", content="title: [", headers={"Authorization": f"Bearer {KEY}"}),
        client.post("/api/dashboards", content="x", headers={"Authorization": f"Bearer {KEY}", "Origin": EVIL}),
        client.get("/"),
    ]
    for resp in answers:
        assert KEY not in resp.text and KEY[:-2] not in resp.text
        assert all(KEY[:12] not in v for v in resp.headers.values())
    for record in caplog.records:
        line = record.getMessage() + (record.exc_text or "")
        assert KEY[:12] not in line, line


# --- origin checks -------------------------------------------------------------------------------


def test_a_state_changing_api_call_from_another_site_is_403(client, configure):
    configure()
    headers = {"Content-Type": "application/yaml"}
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        resp = client.request(method, "/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": EVIL})
        assert resp.status_code == 403, method
        assert error(resp)["code"] == "FORBIDDEN" and "APP_ALLOWED_ORIGINS" in error(resp)["message"]
    for origin in ("null", "http://127.0.0.1.evil.example", own_origin(client).replace("http:", "https:"),
                   own_origin(client).rsplit(":", 1)[0] + ":1"):
        assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": origin}).status_code == 403, origin
    # The app's own page, and programs that send no Origin at all, are not refused.
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": own_origin(client)}).status_code == 201
    assert client.post("/api/dashboards", content=SMALL_BODY, headers=headers).status_code == 201


def test_reads_from_another_sites_page_are_refused_too(client, configure):
    # Reflex's CORS default (`*`, with credentials) would let any site read /api answers.
    configure()
    assert client.get("/api/dashboards", headers={"Origin": EVIL}).status_code == 403
    assert client.get("/api/dashboards", headers={"Origin": own_origin(client)}).status_code == 200
    # The page's HTML and files are public: a GET with another Origin is served.
    assert client.get("/", headers={"Origin": EVIL}).status_code == 200


def test_app_allowed_origins_allows_another_site(client, configure):
    configure(APP_ALLOWED_ORIGINS=f"{TOOLS}, http://localhost:8080")
    headers = {"Content-Type": "application/yaml"}
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": TOOLS}).status_code == 201
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": TOOLS + ":443"}).status_code == 201
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": "http://localhost:8080"}).status_code == 201
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": EVIL}).status_code == 403
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": own_origin(client)}).status_code == 201


def test_uploads_and_other_posts_from_another_site_are_refused_as_plain_403(client, configure):
    configure()
    resp = client.post("/_upload", content=b"file", headers={"Origin": EVIL})
    assert resp.status_code == 403 and resp.headers["content-type"].startswith("text/plain")
    assert client.post("/_upload", content=b"file", headers={"Origin": own_origin(client)}).status_code == 200
    assert client.post("/", headers={"Origin": EVIL}).status_code == 403


def test_inside_an_app_the_forwarded_host_is_the_apps_own_origin(client, configure):
    configure(DATABRICKS_APP_NAME="app")
    public = "lakehouse-workbench-123.aws.databricksapps.com"
    headers = {"Content-Type": "application/yaml", "X-Forwarded-Email": "ana@example.com", "X-Forwarded-Host": public}
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": f"https://{public}"}).status_code == 201
    assert client.post("/api/dashboards", content=SMALL_BODY, headers={**headers, "Origin": EVIL}).status_code == 403


def test_dns_rebinding_a_loopback_server_answers_only_to_loopback_names(client, served, configure):
    port = served[0].rsplit(":", 1)[1]
    configure()
    for host in (f"evil.example:{port}", f"192.168.1.10:{port}"):
        resp = client.get("/api/dashboards", headers={"Host": host})
        assert resp.status_code == 403 and error(resp)["code"] == "FORBIDDEN", host
        assert client.get("/", headers={"Host": host}).status_code == 403
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"workbench.localhost:{port}"):
        assert client.get("/api/dashboards", headers={"Host": host}).status_code == 200, host
    configure(APP_ALLOWED_ORIGINS="https://workbench.corp.example")  # a local reverse proxy's name
    assert client.get("/api/dashboards", headers={"Host": "workbench.corp.example"}).status_code == 200
    configure(DATABRICKS_APP_NAME="app")  # the platform's proxy names the public host
    assert client.get("/api/dashboards", headers={"Host": "x.databricksapps.com", "X-Forwarded-Email": "a@b.c"}).status_code == 200


def test_the_websocket_handshake_from_another_site_is_refused(served, configure):
    base, _, _, connected = served
    configure(APP_ALLOWED_ORIGINS=TOOLS)

    def connect(origin: str | None, as_header: bool = False) -> bool:
        # websocket-client writes its own `Origin: <the server>` unless told otherwise; given
        # as a header, the second Origin is added beside it (and must not slip through).
        options = {"suppress_origin": True} if origin is None else {} if as_header else {"origin": origin}
        sio = socketio.Client(reconnection=False, websocket_extra_options=options)
        try:
            sio.connect(base, socketio_path="/_event", transports=["websocket"],
                        headers={"Origin": origin} if as_header and origin else {}, wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False
        sio.disconnect()
        return True

    assert not connect(EVIL)
    assert not connect(EVIL, as_header=True)
    assert not connect("null")
    assert not connect(base.replace("127.0.0.1", "localhost"))  # another origin than the page's
    assert connect(base)  # the page's own origin, although socket.io's list names only TOOLS
    assert connect(TOOLS)
    assert connect(TOOLS, as_header=True)
    assert connect(None)
    assert EVIL not in connected and len(connected) == 4
    # The refusal is a plain 403 to the handshake, before any websocket is accepted.
    raw = subprocess.run(
        ["curl", "-s", "-i", "--max-time", "5", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
         "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
         "-H", f"Origin: {EVIL}", f"{base}/_event/?EIO=4&transport=websocket"],
        capture_output=True, text=True, timeout=10,
    ).stdout
    assert raw.startswith("HTTP/1.1 403"), raw[:200]


# --- security headers ----------------------------------------------------------------------------


def _csp(resp: httpx.Response) -> dict[str, str]:
    out = {}
    for part in resp.headers["content-security-policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        out[name] = value
    return out


def assert_security_headers(resp: httpx.Response) -> dict[str, str]:
    csp = _csp(resp)
    assert csp["frame-ancestors"] == "'self'" and csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
    assert "'unsafe-eval'" not in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"]
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "same-origin"
    assert resp.headers["x-frame-options"] == "SAMEORIGIN"
    return csp


def test_api_answers_carry_the_security_headers_and_no_store(client, configure):
    configure()
    answers = [
        client.get("/api/dashboards"),
        client.get("/api/openapi.json"),
        client.get("/api/dashboards/nope/export"),                        # 404 from a route
        client.get("/api/no/such/route"),                                 # 404 from FastAPI
        client.get("/api/dashboards/example-sales-overview/export?format=yaml"),
        client.post("/api/dashboards", content=b"x", headers={"Origin": EVIL}),  # refused by the middleware
        client.get("/api/files/download?path=../etc/passwd"),
    ]
    for resp in answers:
        where = f"{resp.request.method} {resp.request.url.path} -> {resp.status_code}"
        assert_security_headers(resp)
        assert resp.headers.get_list("cache-control") == ["no-store"], where


def test_the_page_html_carries_a_csp_with_its_inline_scripts_hashes(client, configure):
    configure()
    expected = {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in (THEME_SCRIPT, 'import "/assets/entry.js";')
    }
    for encoding in ("identity", "gzip"):
        resp = client.get("/", headers={"Accept-Encoding": encoding})
        assert resp.status_code == 200 and "workbench" in resp.text
        assert (resp.headers.get("content-encoding") == "gzip") == (encoding == "gzip")
        csp = assert_security_headers(resp)
        sources = set(csp["script-src"].split())
        assert sources == {"'self'", *expected}, csp["script-src"]
        port = str(client.base_url).rsplit(":", 1)[1].rstrip("/")
        assert f"ws://127.0.0.1:{port}" in csp["connect-src"].split()
        assert csp["img-src"] == "'self' data: blob:"
    asset = client.get("/assets/app.js")
    assert_security_headers(asset)
    assert "no-store" not in asset.headers.get("cache-control", "")
    # A revalidated page (304) keeps the policy the browser cached with its body: a 304's
    # headers replace the cached ones, and it has no body whose scripts could be hashed.
    etag = client.get("/").headers["etag"]
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and "content-security-policy" not in again.headers
    assert again.headers["x-content-type-options"] == "nosniff"


def test_inline_script_hashes():
    html = b'<script src="/a.js"></script><script>one()</script><SCRIPT type="module">two()</SCRIPT><script></script>'
    digest = lambda b: base64.b64encode(hashlib.sha256(b).digest()).decode()  # noqa: E731
    assert security.inline_script_hashes(html) == (digest(b"one()"), digest(b"two()"))


# --- request body size ---------------------------------------------------------------------------


def test_a_body_above_the_limit_is_413_declared_or_chunked(client, configure):
    configure(APP_MAX_REQUEST_BYTES=str(64 * 1024))
    headers = {"Content-Type": "application/yaml"}
    big = b"title: T\ndescription: " + b"x" * (100 * 1024)
    resp = client.post("/api/dashboards", content=big, headers=headers)
    assert resp.status_code == 413 and error(resp)["code"] == "TOO_LARGE" and "APP_MAX_REQUEST_BYTES" in error(resp)["message"]
    assert resp.headers.get_list("cache-control") == ["no-store"]

    def chunks():
        yield b"title: T\ndescription: "
        for _ in range(20):
            yield b"x" * 8192

    resp = client.post("/api/dashboards", content=chunks(), headers=headers)
    assert "content-length" not in resp.request.headers and resp.request.headers["transfer-encoding"] == "chunked"
    assert resp.status_code == 413 and error(resp)["code"] == "TOO_LARGE"

    def small_chunks():
        yield b"title: Chunked\n"
        yield b"tiles: []\n"

    assert client.post("/api/dashboards", content=small_chunks(), headers=headers).status_code == 201
    # The server keeps answering after a refused body.
    assert client.get("/api/dashboards").status_code == 200


def test_the_default_limit_and_uploads_keep_their_own(client, configure):
    settings = configure()
    assert settings.max_request_bytes == 10 * 1024 * 1024
    big = b"x" * (settings.max_request_bytes + 1)
    assert client.post("/api/dashboards", content=big).status_code == 413
    resp = client.post("/_upload", content=big)
    assert resp.status_code == 200 and resp.json() == {"received": len(big)}


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "needle"), [
    ({"APP_API_KEY": "k3y-0f-9"}, "at least 16 characters"),
    ({"APP_API_KEY": "has a space in it, long enough"}, "spaces"),
    ({"APP_API_KEY": "ключ-ключ-ключ-ключ"}, "ASCII"),
    ({"APP_BIND": "everywhere"}, "IP address"),
    ({"APP_BIND": "example.com"}, "IP address"),
    ({"APP_ALLOWED_ORIGINS": "*"}, "wildcards"),
    ({"APP_ALLOWED_ORIGINS": "https://*.example.com"}, "wildcards"),
    ({"APP_ALLOWED_ORIGINS": "tools.example.com"}, "scheme://host"),
    ({"APP_ALLOWED_ORIGINS": "https://ok.example, ftp://files.example"}, "scheme://host"),
    ({"APP_ALLOWED_ORIGINS": "https://tools.example.com/app"}, "no path"),
    ({"APP_ALLOWED_ORIGINS": "https://tools.example.com:99999"}, "port"),
    ({"APP_MAX_REQUEST_BYTES": "lots"}, "integer"),
    ({"APP_MAX_REQUEST_BYTES": "10"}, "greater than or equal to 1024"),
    ({"APP_MAX_REQUEST_BYTES": str(2 * 1024**3)}, "less than or equal"),
])
def test_each_setting_is_validated_with_one_line(monkeypatch, env, needle):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert next(iter(env)) in message and needle in message and "\n" not in message, message
    if "APP_API_KEY" in env:
        assert env["APP_API_KEY"] not in message  # a secret is never echoed


def test_settings_are_normalized(monkeypatch):
    monkeypatch.setenv("APP_ALLOWED_ORIGINS", " HTTPS://Tools.Example.com:443/ ,http://[::1]:8080,, ")
    monkeypatch.setenv("APP_BIND", "localhost")
    monkeypatch.setenv("APP_API_KEY", KEY)
    monkeypatch.setenv("APP_MAX_REQUEST_BYTES", "2048")
    s = load_settings()
    assert s.allowed_origin_list == ("https://tools.example.com", "http://[::1]:8080")
    assert s.effective_bind == "127.0.0.1" and s.max_request_bytes == 2048
    assert s.api_key is not None and s.secrets()[-1] == KEY
    monkeypatch.setenv("APP_API_KEY", "")
    assert load_settings().api_key is None
    monkeypatch.setenv("APP_BIND", "[::]")
    assert load_settings().effective_bind == "::"
    monkeypatch.setenv("DATABRICKS_APP_NAME", "app")
    assert load_settings().effective_bind == "0.0.0.0"  # inside an App: where the platform expects it


def test_rxconfig_gives_reflex_the_same_origins_and_host(tmp_path):
    code = "import rxconfig; c = rxconfig.config; print(c.backend_host, list(c.cors_allowed_origins))"

    def run(**env: str) -> str:
        full = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "APP_ENV_FILE": "/dev/null", "APP_DATA_DIR": str(tmp_path),
                "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false", **env}
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip().splitlines()[-1]

    assert run() == "127.0.0.1 ['*']"
    assert run(APP_ALLOWED_ORIGINS=f"{TOOLS},http://localhost:3000", APP_BIND="0.0.0.0") == \
        f"0.0.0.0 ['{TOOLS}', 'http://localhost:3000']"
    assert re.match(r"^0\.0\.0\.0 ", run(DATABRICKS_APP_NAME="app"))
