"""The app pointed at a fake Databricks workspace (REST + Thrift SQL on one 127.0.0.1 host),
running as a Databricks App in read-only mode with the user's forwarded token: the header
names the workspace and the user, queries return the warehouse's rows, writes are refused,
SQL and file calls carry the user's token (never the app's PAT), and no secret reaches the
browser, the served files, the app's log or the audit file."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.fakes.combined import FILES_ROOT, FakeDatabricks

from .conftest import isolated_project, start_app, stop_app
from .helpers import expect_editor, run

pytestmark = pytest.mark.e2e

PAT = "dapi-e2e-service-principal-secret-7f3a"
USER_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbmFseXN0In0.user-token-e2e-91c4"
USER = "ana.lyst@example.com"


@pytest.fixture(scope="module")
def workspace():
    with FakeDatabricks(tokens={PAT, USER_TOKEN}, warehouse_ids=["wh0001", "wh0002"]) as fake:
        fake.files.put_file(FILES_ROOT + "/notes_e2e.sql", b"SELECT 42 AS answer")
        yield fake


@pytest.fixture(scope="module")
def databricks_app(tmp_path_factory, workspace, app):
    tmp = tmp_path_factory.mktemp("dbapp")
    running = start_app(
        tmp,
        extra_env={
            "DATABRICKS_HOST": workspace.url,
            "DATABRICKS_TOKEN": PAT,
            "DATABRICKS_WAREHOUSE_ID": "wh0001",
            "APP_FILES_ROOT": FILES_ROOT,
            "DATABRICKS_APP_NAME": "lakehouse-e2e",  # forwarded headers are trusted only in an App
            "APP_RUN_AS": "user",
            "APP_READ_ONLY": "true",
        },
        project=isolated_project(tmp),
    )
    yield running
    stop_app(running.proc)


def test_header_query_and_no_secret_in_any_frame_or_file(browser: Browser, databricks_app, workspace):
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        # What the Databricks Apps proxy adds to every request, the websocket's included.
        extra_http_headers={"X-Forwarded-Email": USER, "X-Forwarded-Access-Token": USER_TOKEN, "X-Forwarded-User": "123@456"},
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))
    bodies: list[str] = []

    def keep_body(response):
        try:
            bodies.append(response.body().decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - redirects and aborted loads have no body
            pass

    page.on("response", keep_body)
    page.goto(databricks_app.url + "/")
    expect(page.locator("#backend-label")).to_contain_text("Databricks · 127.0.0.1")
    expect(page.locator("#backend-label")).to_contain_text("Warehouse 1")
    expect(page.locator("#user-label")).to_contain_text(USER)
    expect(page.locator("#warehouse-state")).to_have_text("RUNNING")

    run(page, "SELECT r_name FROM samples.tpch.region ORDER BY r_regionkey")
    expect(page.locator("#results-table")).to_contain_text("MIDDLE EAST")
    expect(page.locator("#row-summary")).to_contain_text("of 5")
    # The statement reached the fake warehouse with the user's own token.
    assert any("samples.tpch.region" in sql and token == USER_TOKEN for sql, token in workspace.warehouses["wh0001"].statements)

    # The schema browser lists Unity Catalog from the workspace.
    expect(page.locator("#schema-tree")).to_contain_text("samples")

    # Bad SQL: the warehouse's message, and the page keeps serving.
    run(page, "SELECT * FROM samples.tpch.missing_table")
    expect(page.locator("#query-error")).to_be_visible()
    run(page, "SELECT 1 AS one")
    expect(page.locator("#results-table th", has_text="one")).to_have_count(1)
    expect(page.locator("#results-table tbody tr").first.locator("td").nth(1)).to_have_text("1")

    # Read-only mode: a write is refused with a message naming it, and never reaches the warehouse.
    run(page, "DROP TABLE main.default.important")
    expect(page.locator("#query-error")).to_contain_text("Read-only mode: DROP TABLE on main.default.important")
    assert not any("important" in s for s in workspace.warehouses["wh0001"].executed)

    # The file editor reads the Volume as the user.
    page.goto(databricks_app.url + "/files")
    page.locator("#file-tree .file-node", has_text="notes_e2e.sql").first.click()
    expect_editor(page, "SELECT 42 AS answer", "#file-editor")

    page.reload()
    expect(page.locator("#user-label")).to_contain_text(USER)

    # Every statement and every file call carried the forwarded user token, never the app's PAT.
    statements = [st for wh in workspace.warehouses.values() for st in wh.statements]
    assert any("samples.tpch.region" in sql for sql, _ in statements)
    assert {token for _, token in statements} == {USER_TOKEN}
    assert PAT not in {token for wh in workspace.warehouses.values() for _, token in wh.token_log}
    file_calls = workspace.files.calls
    assert {c.op for c in file_calls} >= {"dirs.list", "files.get"}
    assert {c.token for c in file_calls} == {USER_TOKEN}

    assert received, "no websocket frames were recorded"
    everything = "\n".join(received + bodies)
    for secret in (PAT, USER_TOKEN):
        assert secret not in everything
    context.close()

    # Nor in what the server serves, logs or audits.
    for where, text in served_and_written(databricks_app):
        for secret in (PAT, USER_TOKEN):
            assert secret not in text, f"a secret leaked into {where}"


def served_and_written(app) -> list[tuple[str, str]]:
    """The page's HTML and its built JS/HTML/JSON files, the app's log and the audit file."""
    import urllib.request

    with urllib.request.urlopen(app.url + "/", timeout=10) as r:
        out = [("the page", r.read().decode("utf-8", "replace"))]
    build = app.project / ".web" / "build"
    assert build.is_dir()
    for f in build.rglob("*"):
        if f.is_file() and f.suffix in (".js", ".html", ".json", ".txt", ".map"):
            out.append((str(f.relative_to(app.project)), f.read_text("utf-8", "replace")))
    out.append(("the app log", Path(app.log).read_text("utf-8", "replace")))
    # Inside an App the audit log and the history are in the app database (a SQLite file here).
    for name in ("audit.jsonl", "app.db"):
        path = Path(app.data_dir) / name
        if path.exists():
            out.append((name, path.read_bytes().decode("utf-8", "replace")))
    assert any(name == "app.db" for name, _ in out)
    return out
