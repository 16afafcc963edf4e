"""The result memory's fair share, in the browser: one person's large results are evicted
before anyone else's, and the page says which result went and why."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import isolated_project, start_app, stop_app
from .helpers import run, wait_idle

pytestmark = pytest.mark.e2e

ANA, BO = "ana@example.com", "bo@example.com"
# Four results of 1.6 MB each (100,000 rows of two BIGINTs) in a 4 MiB budget.
LARGE = ";\n".join(f"SELECT i, i * {k} AS k FROM range(100000) t(i)" for k in range(1, 5))


@pytest.fixture(scope="module")
def small_memory_app(tmp_path_factory, app):
    # A copy of the project (after the shared app's build): two apps built in one folder
    # would send each other's pages to the wrong port.
    tmp = tmp_path_factory.mktemp("memory")
    running = start_app(tmp, extra_env={"DATABRICKS_APP_NAME": "memory-e2e", "APP_RESULT_MEMORY_MB": "4"},
                        project=isolated_project(tmp))
    yield running
    stop_app(running.proc)


def page_as(browser: Browser, app, user: str) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, extra_http_headers={"X-Forwarded-Email": user})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app.url + "/")
    expect(page.locator("#user-label")).to_contain_text(user)
    return page


def test_one_persons_large_results_evict_their_own_and_say_why(browser: Browser, small_memory_app):
    ana = page_as(browser, small_memory_app, ANA)
    bo = page_as(browser, small_memory_app, BO)
    try:
        run(ana, "SELECT 'ana_keeps_7731' AS m")
        expect(ana.locator("#results-table")).to_contain_text("ana_keeps_7731")

        run(bo, LARGE)
        statements = bo.locator("#statements > div")
        expect(statements).to_have_count(4)
        wait_idle(bo)
        # Bo's first result went to make room for his later ones, and the page says why.
        statements.first.click()
        error = bo.locator(".result-view").get_by_text("no longer in the server's memory")
        expect(error).to_contain_text("fair share")
        # His newest is still there.
        statements.last.click()
        expect(bo.locator("#row-summary")).to_contain_text("Rows 1–100 of 100,000")

        # Ana's small result was never touched: its row opens in full, from the server.
        ana.locator("#results-table tbody tr").first.click()
        expect(ana.get_by_role("dialog")).to_contain_text("ana_keeps_7731")
    finally:
        ana.context.close()
        bo.context.close()
