"""What an analyst does on the SQL page, as small steps shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def type_sql(page: Page, sql: str) -> None:
    editor = page.locator("#sql-editor")
    editor.fill(sql)


def run(page: Page, sql: str) -> None:
    type_sql(page, sql)
    page.locator("#run-button").click()


def wait_idle(page: Page) -> None:
    expect(page.locator("#cancel-button")).to_have_count(0, timeout=60_000)


def grid_text(page: Page) -> str:
    return page.locator("#results-table").inner_text()


def confirm_and_wait(page: Page) -> None:
    """Confirms a write and waits for the run to end. The dialog closes in the same update
    that marks the run as started, so waiting for it first makes the idle check meaningful."""
    page.locator("#confirm-run").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    wait_idle(page)
