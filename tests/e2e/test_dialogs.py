"""Dialogs close with Escape, and Escape counts as Cancel."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import type_sql

pytestmark = pytest.mark.e2e


def test_escape_on_the_sql_confirmation_is_cancel(page: Page):
    type_sql(page, "DROP TABLE main.default.x")
    page.locator("#run-button").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.locator("#query-notice")).to_have_text("Not run.")
