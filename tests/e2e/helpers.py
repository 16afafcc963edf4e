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
