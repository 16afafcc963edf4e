"""The foundation's journey: open the page, count orders, survive bad SQL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import run

pytestmark = pytest.mark.e2e


def test_header_names_backend_and_user(page: Page):
    expect(page.locator("#backend-label")).to_have_text("Local DuckDB · sample data")
    expect(page.locator("#user-label")).to_contain_text("analyst@localhost")


def test_count_orders(page: Page):
    run(page, "SELECT count(*) AS n FROM samples.tpch.orders")
    expect(page.locator("#results-table")).to_contain_text("152000")
    expect(page.locator("#row-summary")).to_contain_text("Rows 1–1 of 1")


def test_bad_sql_shows_engine_error_and_page_keeps_working(page: Page):
    run(page, "SELECT count(*) FROM samples.tpch.no_such_table")
    expect(page.locator("#query-error")).to_contain_text("no_such_table")
    run(page, "SELECT 40 + 2 AS answer")
    expect(page.locator("#results-table")).to_contain_text("42")
    expect(page.locator("#query-error")).to_have_count(0)


def test_unparseable_sql_is_never_run_silently(page: Page):
    # The engine accepts it (DuckDB's SUMMARIZE) but the guard cannot read it: a person decides.
    run(page, "SUMMARIZE samples.tpch.region")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("could not be checked")
    page.locator("#confirm-run").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(page.locator("#results-table")).to_contain_text("r_regionkey")
    # A typo is the engine's syntax error at once: nothing to confirm.
    run(page, "SELEC 1 FROM")
    expect(page.locator("#query-error")).to_contain_text(re.compile("syntax error", re.I))
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def test_starting_the_app_leaves_the_tracked_lock_files_as_committed(app):
    """Reflex rewrites reflex.lock/ on every start; the committed files are what it writes."""
    import shutil
    import subprocess

    from .conftest import ROOT

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    changed = subprocess.run(["git", "status", "--porcelain", "--", "reflex.lock"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert changed == "", f"starting the app changed tracked files:\n{changed}"
