"""Dashboards in a real browser: the example on the sample data, parameters, a new dashboard
with a broken tile, pinning from the editor, export and re-import, and sharing. The app runs
as a Databricks App on the embedded engine, so the forwarded e-mail names each user."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import isolated_project, start_app, stop_app
from .helpers import run, wait_idle

pytestmark = pytest.mark.e2e

ANA = "ana@example.com"
BOB = "bob@example.com"


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory, app):
    tmp = tmp_path_factory.mktemp("dashapp")
    running = start_app(tmp, extra_env={"DATABRICKS_APP_NAME": "dashboards-e2e"}, project=isolated_project(tmp))
    yield running
    stop_app(running.proc)


def page_as(browser: Browser, app, user: str, path: str = "/dashboards") -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True,
                                  extra_http_headers={"X-Forwarded-Email": user})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app.url + path)
    expect(page.locator("#user-label")).to_contain_text(user)
    return page


def tile(page: Page, title: str):
    return page.locator(".dashboard-tile", has=page.locator(".tile-title", has_text=title))


def wait_tiles(page: Page) -> None:
    expect(page.locator(".dashboard-tile").first).to_be_visible()  # the dashboard has loaded
    expect(page.locator(".dashboard-tile[data-state='loading']")).to_have_count(0, timeout=60_000)


def pick(page: Page, trigger, option: str) -> None:
    trigger.click()
    page.get_by_role("option", name=option, exact=True).click()


def test_example_dashboard_and_its_parameters(browser: Browser, shared_app):
    page = page_as(browser, shared_app, ANA)
    page.get_by_role("link", name="Sales overview").click()
    expect(page.locator("#dashboard-title")).to_have_text("Sales overview")
    wait_tiles(page)
    counter = tile(page, "Open orders").locator(".tile-counter")
    expect(counter).to_have_text("7343")
    expect(tile(page, "Revenue by month").locator(".js-plotly-plot")).to_have_count(1)
    customers = tile(page, "Top customers").locator("tbody tr")
    expect(customers).to_have_count(10)
    expect(tile(page, "Top customers")).to_contain_text("INDONESIA")
    expect(page.locator("#last-refresh")).to_contain_text("Refreshed at")

    # Another region: every tile follows.
    pick(page, page.locator(".dashboard-param[data-name='region'] button"), "EUROPE")
    expect(counter).not_to_have_text("7343")
    expect(tile(page, "Top customers")).not_to_contain_text("INDONESIA")
    europe = counter.inner_text()
    # A narrower period: fewer open orders.
    page.locator(".dashboard-param[data-name='period'] input").nth(1).fill("1995-06-30")
    expect(counter).not_to_have_text(europe)
    wait_tiles(page)
    assert int(counter.inner_text()) < int(europe)
    page.context.close()


def test_new_dashboard_with_a_broken_tile_isolated(browser: Browser, shared_app):
    page = page_as(browser, shared_app, ANA)
    page.locator("#new-dashboard").click()
    expect(page.locator("#add-tile")).to_be_visible()  # a new dashboard opens in edit mode

    def add(title: str, sql: str, viz: str) -> None:
        page.locator("#add-tile").click()
        page.locator("#tile-title").fill(title)
        page.locator("#tile-sql").fill(sql)
        pick(page, page.locator("#tile-viz"), viz)
        page.locator("#tile-save").click()
        expect(page.get_by_role("dialog")).to_have_count(0)

    add("Nations", "SELECT count(*) AS n FROM samples.tpch.nation", "counter")
    add("Broken", "SELECT * FROM samples.tpch.no_such_table", "table")
    wait_tiles(page)
    expect(tile(page, "Nations").locator(".tile-counter")).to_have_text("25")
    expect(tile(page, "Broken").locator(".tile-error")).to_contain_text("no_such_table")

    # A tile that would write is refused when saved, with a message naming the tile.
    page.locator("#add-tile").click()
    page.locator("#tile-sql").fill("DROP TABLE main.default.x")
    page.locator("#tile-save").click()
    expect(page.locator("#tile-error")).to_contain_text("only read-only SQL")
    page.keyboard.press("Escape")
    expect(page.locator(".dashboard-tile")).to_have_count(2)
    page.context.close()


def test_pin_a_result_from_the_editor(browser: Browser, shared_app):
    page = page_as(browser, shared_app, ANA, "/")
    run(page, "SELECT r_name AS region, count(*) AS nations FROM samples.tpch.nation JOIN samples.tpch.region ON n_regionkey = r_regionkey GROUP BY ALL ORDER BY region")
    wait_idle(page)
    page.locator("#pin-button").click()
    pick(page, page.locator("#pin-target"), "A new dashboard")
    page.locator("#pin-title").fill("Nations per region")
    page.locator("#pin-confirm").click()
    page.locator("#pinned-link").click()
    wait_tiles(page)
    pinned = tile(page, "Nations per region")
    expect(pinned.locator("tbody tr")).to_have_count(5)
    expect(pinned).to_contain_text("MIDDLE EAST")
    page.context.close()


def test_export_and_import_round_trip(browser: Browser, shared_app, tmp_path):
    page = page_as(browser, shared_app, ANA)
    page.get_by_role("link", name="Sales overview").first.click()
    wait_tiles(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="YAML").click()
    exported = tmp_path / "sales.yaml"
    info.value.save_as(exported)
    assert "title: Sales overview" in exported.read_text()

    page.goto(shared_app.url + "/dashboards")
    page.locator("#dashboard-upload input[type=file]").set_input_files(str(exported))
    expect(page.locator("#dashboard-title")).to_have_text("Sales overview")
    wait_tiles(page)
    expect(tile(page, "Open orders").locator(".tile-counter")).to_have_text("7343")
    expect(page.locator("#edit-dashboard")).to_be_visible()  # the importer owns the copy

    # A malformed file says why, and nothing is created.
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 7\ntitle: x\n")
    page.goto(shared_app.url + "/dashboards")
    rows = page.locator("#dashboards-table tbody tr")
    before = len(page.request.get(shared_app.url + "/api/dashboards").json())
    expect(rows).to_have_count(before)  # the list as the server has it, not a stale render
    page.locator("#dashboard-upload input[type=file]").set_input_files(str(bad))
    expect(page.locator("#dashboards-error")).to_contain_text("unknown version 7")
    expect(rows).to_have_count(before)
    page.context.close()


def test_someone_else_can_view_and_duplicate_but_not_edit(browser: Browser, shared_app):
    owner = page_as(browser, shared_app, ANA)
    owner.locator("#new-dashboard").click()
    expect(owner.locator("#add-tile")).to_be_visible()
    url = owner.url.split("?")[0]
    owner.context.close()

    page = page_as(browser, shared_app, BOB, url.removeprefix(shared_app.url))
    expect(page.locator("#view-only")).to_contain_text(ANA)
    expect(page.locator("#edit-dashboard")).to_have_count(0)
    expect(page.locator("#add-tile")).to_have_count(0)
    page.locator("#duplicate-dashboard").click()
    expect(page.locator("#dashboard-title")).to_contain_text("Copy of")
    expect(page.locator("#edit-dashboard")).to_be_visible()
    page.context.close()
