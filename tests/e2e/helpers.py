"""What an analyst does on the SQL page, as small steps shared by the browser tests."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect


SQL_EDITOR = "#sql-editor .cm-content"


PASTE_JS = """(el, text) => {
  const data = new DataTransfer();
  data.setData("text/plain", text);
  el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def type_into(page: Page, selector: str, text: str) -> None:
    """Replaces the text of a code editor (CodeMirror) as a person pasting would: select all,
    paste (typed line breaks would get the language's indentation and list continuation)."""
    content = page.locator(selector)
    content.click()
    page.keyboard.press("ControlOrMeta+a")
    if text:
        content.evaluate(PASTE_JS, text)
    else:
        page.keyboard.press("Delete")


def type_sql(page: Page, sql: str) -> None:
    type_into(page, SQL_EDITOR, sql)


def editor_text(page: Page, selector: str = "#sql-editor") -> str:
    """The text of the code editor in `selector`: its lines (CodeMirror draws those in view,
    which for a test's short texts is all of them)."""
    return page.locator(f"{selector} .cm-content").evaluate(
        "el => Array.from(el.querySelectorAll('.cm-line'), (line) => line.querySelector('.cm-placeholder') ? '' : line.textContent).join('\\n')")


def expect_editor(page: Page, expected, selector: str = "#sql-editor", timeout_ms: float = 15_000) -> None:
    """Waits until the editor's text equals `expected` (a string) or matches it (a pattern)."""
    deadline = time.monotonic() + timeout_ms / 1000
    text = None
    while time.monotonic() < deadline:
        text = editor_text(page, selector)
        if (expected.search(text) is not None) if hasattr(expected, "search") else text == expected:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"editor {selector} holds {text!r}, expected {expected!r}")


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
