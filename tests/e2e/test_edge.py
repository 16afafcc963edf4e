"""The app's edge on the real app in production mode: where it listens, who may open the
page's websocket, and the Content-Security-Policy the pages run under in Chromium."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import httpx
import pytest
import socketio
from playwright.sync_api import Browser, Page, expect

from .conftest import RunningApp
from .helpers import expect_editor, run, wait_idle
from .state_socket import StateSocket

pytestmark = pytest.mark.e2e

EVIL = "http://evil.example"
MARKDOWN = "edge_csp_e2e.md"
PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


def _listening(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from /proc/net/tcp{,6}."""
    out = set()
    for name in ("tcp", "tcp6"):
        path = Path(f"/proc/net/{name}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr, _, hexport = local.partition(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                out.add(addr)
    return out


def test_the_local_default_listens_on_127_0_0_1_only(app: RunningApp):
    port = int(app.url.rsplit(":", 1)[1])
    # 0100007F is 127.0.0.1 as /proc writes it; 00000000 would be every interface.
    assert _listening(port) == {"0100007F"}, _listening(port)


# --- the page's websocket ----------------------------------------------------------------------------


def test_a_websocket_from_another_sites_page_is_refused(app: RunningApp):
    with pytest.raises(socketio.exceptions.ConnectionError):
        StateSocket(app.url, headers={"Origin": EVIL})
    with pytest.raises(socketio.exceptions.ConnectionError):
        StateSocket(app.url, headers={"Origin": "null"})
    # The handshake itself gets a plain 403, before anything is accepted.
    raw = subprocess.run(
        ["curl", "-s", "-i", "--max-time", "10", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
         "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
         "-H", f"Origin: {EVIL}", f"{app.url}/_event/?EIO=4&transport=websocket"],
        capture_output=True, text=True, timeout=20,
    ).stdout
    assert raw.startswith("HTTP/1.1 403"), raw[:300]


def test_a_websocket_from_the_apps_own_page_is_accepted(app: RunningApp):
    sock = StateSocket(app.url, headers={"Origin": app.url})
    try:
        assert sock._sio.connected
    finally:
        sock.close()


def test_state_changes_from_another_site_are_refused_and_answers_carry_the_headers(app: RunningApp):
    with httpx.Client(base_url=app.url, timeout=30) as client:
        refused = client.post("/api/dashboards", content="title: T\n", headers={"Origin": EVIL, "Content-Type": "application/yaml"})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN"
        upload = client.post("/_upload", files={"files": ("x.txt", b"x")}, headers={"Origin": EVIL})
        assert upload.status_code == 403
        api = client.get("/api/dashboards")
        assert api.status_code == 200 and api.headers["cache-control"] == "no-store"
        page = client.get("/files")
        for resp in (api, page, refused):
            assert "frame-ancestors 'self'" in resp.headers["content-security-policy"]
            assert resp.headers["x-content-type-options"] == "nosniff"
            assert resp.headers["referrer-policy"] == "same-origin"


# --- the pages under their Content-Security-Policy ---------------------------------------------------

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
"""


@pytest.fixture
def watched(browser: Browser, app: RunningApp):
    """A fresh page whose CSP violations are recorded from the first byte: Chromium reports
    each in the console ("Refused to ... Content Security Policy") and as an event."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))

    def violations() -> list[str]:
        found = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
        try:
            found += page.evaluate("window.__csp || []")
        except Exception:  # noqa: BLE001 - a page in the middle of navigating
            pass
        return found

    yield page, violations
    context.close()


def _goto(page: Page, url: str) -> None:
    resp = page.goto(url)
    assert resp is not None and resp.status == 200
    policy = resp.headers["content-security-policy"]
    assert "'unsafe-eval'" not in policy and "script-src 'self' 'sha256-" in policy
    page.wait_for_selector("#backend-label:not(:empty)")


def test_the_workbench_runs_a_query_and_a_chart_under_the_policy(watched, app: RunningApp):
    page, violations = watched
    _goto(page, app.url + "/")
    run(page, "SELECT n_name, n_regionkey FROM samples.tpch.nation ORDER BY n_nationkey")
    wait_idle(page)
    expect(page.locator("#results-table")).to_contain_text("ALGERIA")
    page.get_by_role("tab", name="Chart").click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.wait_for_timeout(500)
    assert violations() == []
    # Reloaded, the page is revalidated from the browser's cache (a 304 keeps its policy).
    page.reload()
    page.wait_for_selector("#backend-label:not(:empty)")
    expect(page.locator("#run-button")).to_be_enabled()
    assert violations() == []


def test_dashboards_render_their_charts_under_the_policy(watched, app: RunningApp):
    page, violations = watched
    _goto(page, app.url + "/dashboards")
    expect(page.locator(".dashboard-link").first).to_be_visible()
    page.locator(".dashboard-link", has_text="Sales overview").first.click()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.get_by_text("Open orders")).to_be_visible()
    page.wait_for_timeout(500)
    assert violations() == []
    _goto(page, app.url + "/dashboards/example-sales-overview")  # opened directly: another prerendered page
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert violations() == []


def test_the_files_page_edits_and_previews_under_the_policy(watched, app: RunningApp):
    page, violations = watched
    root = app.data_dir / "files"
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKDOWN).write_text(f"# Edge\n\n![pixel](data:image/png;base64,{PIXEL})\n\n```sql\nSELECT 1\n```\n")
    try:
        _goto(page, app.url + "/files")
        page.locator("#file-tree .file-node", has_text=MARKDOWN).first.click()
        expect_editor(page, re.compile("^# Edge"), "#file-editor")
        page.locator("#preview-toggle").click()
        expect(page.locator("#markdown-preview h1")).to_have_text("Edge")
        # A data: image is allowed by img-src, as the preview's own rule allows it.
        expect(page.locator("#markdown-preview img")).to_have_count(1)
        page.wait_for_function("document.querySelector('#markdown-preview img').complete")
        assert page.evaluate("document.querySelector('#markdown-preview img').naturalWidth") == 1
        page.wait_for_timeout(500)
        assert violations() == []

        # Control: the policy is enforced and a violation would be seen — an inline script the
        # server did not hash is blocked and reported.
        page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.head.appendChild(s); }")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__ran") is None
        assert any("script-src" in v for v in violations()), violations()
    finally:
        (root / MARKDOWN).unlink(missing_ok=True)
