"""The app pointed at a fake Databricks workspace (REST + Thrift SQL on one 127.0.0.1 host),
running as a Databricks App in read-only mode with the user's forwarded token: the header
names the workspace and the user, queries return the warehouse's rows, writes are refused,
and no secret ever reaches the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.fakes.combined import FakeDatabricks

from .conftest import start_app, stop_app
from .helpers import run

pytestmark = pytest.mark.e2e

PAT = "dapi-e2e-service-principal-secret-7f3a"
USER_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbmFseXN0In0.user-token-e2e-91c4"
USER = "ana.lyst@example.com"


@pytest.fixture(scope="module")
def workspace():
    with FakeDatabricks(tokens={PAT, USER_TOKEN}, warehouse_ids=["wh0001", "wh0002"]) as fake:
        yield fake


@pytest.fixture(scope="module")
def databricks_app(tmp_path_factory, workspace):
    running = start_app(
        tmp_path_factory.mktemp("dbapp"),
        extra_env={
            "DATABRICKS_HOST": workspace.url,
            "DATABRICKS_TOKEN": PAT,
            "DATABRICKS_WAREHOUSE_ID": "wh0001",
            "DATABRICKS_APP_NAME": "lakehouse-e2e",  # forwarded headers are trusted only in an App
            "APP_RUN_AS": "user",
            "APP_READ_ONLY": "true",
        },
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
    assert any("samples.tpch.region" in s for s in workspace.warehouses["wh0001"].executed)

    # The schema browser lists Unity Catalog from the workspace.
    expect(page.locator("#schema-tree")).to_contain_text("samples")

    # Bad SQL: the warehouse's message, and the page keeps serving.
    run(page, "SELECT * FROM samples.tpch.missing_table")
    expect(page.locator("#query-error")).to_be_visible()
    run(page, "SELECT 1 AS one")
    expect(page.locator("#results-table")).to_contain_text("1")

    # Read-only mode: a write is refused with a message naming it, and never reaches the warehouse.
    run(page, "DROP TABLE main.default.important")
    expect(page.locator("#query-error")).to_contain_text("Read-only mode: DROP TABLE on main.default.important")
    assert not any("important" in s for s in workspace.warehouses["wh0001"].executed)

    page.reload()
    expect(page.locator("#user-label")).to_contain_text(USER)
    assert received, "no websocket frames were recorded"
    everything = "\n".join(received + bodies)
    for secret in (PAT, USER_TOKEN):
        assert secret not in everything
    context.close()
