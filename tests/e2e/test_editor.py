"""The SQL editor as an analyst types into it: CodeMirror in the real page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import SQL_EDITOR, expect_editor, type_sql, wait_idle

pytestmark = pytest.mark.e2e


def typed(page: Page, text: str) -> None:
    """Keystrokes at the cursor, one by one (completion reacts to each)."""
    page.keyboard.type(text, delay=30)


def test_sql_is_highlighted_and_nothing_loads_from_elsewhere(page: Page, app):
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((app.url, "data:", "blob:")) else None)
    page.reload()
    page.wait_for_selector("#backend-label:not(:empty)")
    type_sql(page, "SELECT o_orderkey FROM samples.tpch.orders WHERE o_totalprice > 100 -- big ones")
    keyword = page.locator(f"{SQL_EDITOR} span", has_text="SELECT").first
    plain = page.locator(f"{SQL_EDITOR} .cm-line").first
    assert keyword.evaluate("el => getComputedStyle(el).color") != plain.evaluate("el => getComputedStyle(el).color")
    expect(page.locator("#sql-editor .cm-lineNumbers")).to_be_visible()
    assert outside == []


def test_completion_offers_a_table_then_its_columns(page: Page):
    type_sql(page, "")
    page.locator(SQL_EDITOR).click()
    typed(page, "SELECT * FROM samples.tpch.ord")
    popup = page.locator(".cm-tooltip-autocomplete")
    expect(popup.locator("li[aria-selected]")).to_contain_text("orders")
    page.wait_for_timeout(150)  # CodeMirror ignores an Enter in the popup's first 75 ms
    page.keyboard.press("Enter")
    expect_editor(page, "SELECT * FROM samples.tpch.orders")
    typed(page, " o WHERE o.o_tot")
    expect(popup.locator("li[aria-selected]")).to_contain_text("o_totalprice")
    page.wait_for_timeout(150)
    page.keyboard.press("Enter")
    expect_editor(page, "SELECT * FROM samples.tpch.orders o WHERE o.o_totalprice")


def test_running_a_selection_runs_only_that(page: Page):
    type_sql(page, "SELECT 'first_stmt' AS s;\nSELECT 'second_stmt' AS s")
    page.locator(SQL_EDITOR).click()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.press("Shift+Home")  # the second line selected
    page.keyboard.press("ControlOrMeta+Enter")
    wait_idle(page)
    expect(page.locator("#results-table")).to_contain_text("second_stmt")
    expect(page.locator("#statements")).to_have_count(0)  # one statement ran
    expect_editor(page, "SELECT 'first_stmt' AS s;\nSELECT 'second_stmt' AS s")  # Mod-Enter typed nothing
    # The statement at the cursor: Ctrl+Shift+Enter on the first line.
    page.keyboard.press("ControlOrMeta+Home")
    page.keyboard.press("ControlOrMeta+Shift+Enter")
    wait_idle(page)
    expect(page.locator("#results-table")).to_contain_text("first_stmt")
    expect(page.locator("#statements")).to_have_count(0)


def test_an_engine_error_marks_its_line(page: Page):
    type_sql(page, "SELECT 1 AS one,\n  2 AS two\nFROM samples.tpch.no_such_table")
    page.locator("#run-button").click()
    expect(page.locator("#query-error")).to_be_visible()
    marked = page.locator("#sql-editor .cm-error-line")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text("no_such_table")
    page.locator(SQL_EDITOR).click()
    typed(page, " ")
    expect(marked).to_have_count(0)  # edited: the mark goes


def test_format_keeps_comments_and_leaves_bad_sql_alone(page: Page):
    type_sql(page, "select a, b from samples.tpch.region -- keep me\nwhere a = 1")
    page.locator("#format-button").click()
    expect_editor(page, __import__("re").compile(r"^SELECT\n.*FROM samples\.tpch\.region.*keep me", __import__("re").S))
    type_sql(page, "SELEC oops (")
    page.locator("#format-button").click()
    expect(page.locator("#query-notice")).to_contain_text("Not formatted")
    expect_editor(page, "SELEC oops (")


def test_tabs_are_restored_after_a_reload(page: Page):
    type_sql(page, "SELECT 'tab_one_marker' AS t")
    page.locator("#new-tab").click()
    expect(page.locator(".editor-tab")).to_have_count(page.locator(".editor-tab").count())
    expect_editor(page, "")
    type_sql(page, "SELECT 'tab_two_marker' AS t")
    page.locator(".editor-tab[data-active='1'] .tab-title").dblclick()
    page.locator(".tab-rename input").fill("Second")
    page.keyboard.press("Enter")
    expect(page.locator(".editor-tab[data-active='1'] .tab-title")).to_have_text("Second")
    page.wait_for_timeout(2500)  # the autosave
    page.reload()
    page.wait_for_selector("#backend-label:not(:empty)")
    expect_editor(page, "SELECT 'tab_two_marker' AS t")
    page.locator(".editor-tab .tab-title", has_text="Query").first.click()
    expect_editor(page, "SELECT 'tab_one_marker' AS t")
    # Closing the active tab shows its neighbour.
    page.locator(".editor-tab", has_text="Second").locator(".tab-close").click()
    expect(page.locator(".editor-tab", has_text="Second")).to_have_count(0)


def test_parameters_bind_as_values(page: Page):
    type_sql(page, "SELECT count(*) AS n, :label AS label FROM samples.tpch.nation WHERE n_regionkey = :region")
    inputs = page.locator("#parameters .param")
    expect(inputs).to_have_count(2)
    page.locator("#parameters .param[data-name='label'] input").fill(
        "x'); DROP TABLE samples.tpch.nation; --")
    region = page.locator("#parameters .param[data-name='region'] input")
    region.fill("2")
    page.locator("#run-button").click()
    wait_idle(page)
    grid = page.locator("#results-table")
    expect(grid).to_contain_text("DROP TABLE samples.tpch.nation")  # the value came back as a value
    expect(grid.locator("tbody tr").first.locator("td").nth(1)).to_have_text("5")
    type_sql(page, "SELECT count(*) AS n FROM samples.tpch.nation")
    page.locator("#run-button").click()
    wait_idle(page)
    expect(grid.locator("tbody tr").first.locator("td").nth(1)).to_have_text("25")


def test_a_1_mb_paste_stays_responsive_and_is_refused_as_a_tab(page: Page):
    big = "SELECT 1 AS x -- " + "y" * 1_100_000
    page.locator(SQL_EDITOR).click()
    page.keyboard.press("ControlOrMeta+a")
    page.locator(SQL_EDITOR).evaluate(
        """(el, text) => { const d = new DataTransfer(); d.setData("text/plain", text);
           el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: d, bubbles: true, cancelable: true})); }""", big)
    expect(page.locator("#query-notice")).to_contain_text("not saved")
    # Typing goes on at once: the keystrokes travel as changes, not as the whole megabyte.
    page.keyboard.press("ControlOrMeta+End")
    typed(page, "zz")
    expect(page.locator(f"{SQL_EDITOR} .cm-line").last).to_contain_text("yzz")
    page.locator("#run-button").click()
    expect(page.locator("#query-error")).to_contain_text("the limit is 1,048,576")
    type_sql(page, "SELECT 2 AS small")
    expect(page.locator("#query-notice")).to_have_count(0)
