"""The file editor in a real browser: open, edit, save, reopen; a conflict, seen and resolved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from .helpers import expect_editor, type_into

pytestmark = pytest.mark.e2e


def open_files(page: Page, app) -> None:
    page.goto(app.url + "/files")
    expect(page.locator("#new-file")).to_be_visible()


def create_file(page: Page, name: str) -> None:
    page.locator("#new-file").click()
    page.locator("#name-input").fill(name)
    page.locator("#name-ok").click()
    expect(page.locator("#open-path")).to_have_text(name)


def node(page: Page, name: str):
    return page.locator("#file-tree .file-node", has_text=name).first


def test_open_edit_save_reopen(page: Page, app):
    open_files(page, app)
    create_file(page, "notes_e2e.md")
    type_into(page, "#file-editor .cm-content", "# Title\n\nsome *notes*")
    expect(page.locator("#dirty-badge")).to_be_visible()
    page.locator("#save-file").click()
    expect(page.locator("#files-notice")).to_contain_text("Saved notes_e2e.md")
    expect(page.locator("#dirty-badge")).to_have_count(0)
    assert (app.data_dir / "files" / "notes_e2e.md").read_text() == "# Title\n\nsome *notes*"
    # A fresh page: the edit is there.
    page.reload()
    expect(page.locator("#new-file")).to_be_visible()
    node(page, "notes_e2e.md").click()
    expect_editor(page, "# Title\n\nsome *notes*", "#file-editor")
    page.locator("#preview-toggle").click()
    expect(page.locator("#markdown-preview h1")).to_have_text("Title")
    audit = (app.data_dir / "audit.jsonl").read_text()
    assert "notes_e2e.md" in audit and '"save"' in audit


def test_conflict_is_shown_and_resolved(browser: Browser, app):
    (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
    (app.data_dir / "files" / "shared_e2e.sql").write_text("SELECT 1")
    pages = []
    for _ in range(2):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        p = ctx.new_page()
        p.set_default_timeout(30_000)
        open_files(p, app)
        node(p, "shared_e2e.sql").click()
        expect_editor(p, "SELECT 1", "#file-editor")
        pages.append(p)
    alice, bob = pages
    type_into(alice, "#file-editor .cm-content", "SELECT 'alice'")
    alice.locator("#save-file").click()
    expect(alice.locator("#files-notice")).to_contain_text("Saved")
    type_into(bob, "#file-editor .cm-content", "SELECT 'bob'")
    bob.locator("#save-file").click()
    expect(bob.locator("#conflict-theirs")).to_contain_text("SELECT 'alice'")
    expect(bob.locator("#conflict-mine")).to_contain_text("SELECT 'bob'")
    assert (app.data_dir / "files" / "shared_e2e.sql").read_text() == "SELECT 'alice'"
    bob.locator("#keep-mine").click()
    expect(bob.locator("#files-notice")).to_contain_text("Saved")
    assert (app.data_dir / "files" / "shared_e2e.sql").read_text() == "SELECT 'bob'"
    # Alice now holds a stale version: her next save conflicts; she takes Bob's.
    type_into(alice, "#file-editor .cm-content", "SELECT 'alice again'")
    alice.locator("#save-file").click()
    alice.locator("#take-theirs").click()
    expect_editor(alice, "SELECT 'bob'", "#file-editor")
    for p in pages:
        p.context.close()


def test_sql_file_opens_in_the_sql_editor_and_runs(page: Page, app):
    (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
    (app.data_dir / "files" / "count_e2e.sql").write_text("SELECT count(*) AS regions FROM samples.tpch.region")
    open_files(page, app)
    node(page, "count_e2e.sql").click()
    page.locator("#open-in-sql").click()
    expect_editor(page, "SELECT count(*) AS regions FROM samples.tpch.region")
    page.locator("#run-button").click()
    expect(page.locator("#results-table thead th").nth(1).locator("div").first).to_have_text("regions")
    expect(page.locator("#results-table tbody tr").first.locator("td").nth(1)).to_have_text("5")


def test_binary_file_is_download_only_and_delete_asks(page: Page, app):
    (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
    (app.data_dir / "files" / "blob_e2e.bin").write_bytes(b"\x00\x01\x02binary")
    open_files(page, app)
    node(page, "blob_e2e.bin").click()
    expect(page.locator("#files-error")).to_be_visible()
    with page.expect_download() as info:
        page.locator("#download-file").click()
    assert open(info.value.path(), "rb").read() == b"\x00\x01\x02binary"
    node(page, "blob_e2e.bin").get_by_role("button").click()
    page.locator("#confirm-delete").click()
    expect(page.locator("#files-notice")).to_contain_text("Deleted blob_e2e.bin")
    assert not (app.data_dir / "files" / "blob_e2e.bin").exists()


def test_escaping_name_is_refused(page: Page, app):
    open_files(page, app)
    page.locator("#new-file").click()
    page.locator("#name-input").fill("../../escape.txt")
    page.locator("#name-ok").click()
    # The refusal is shown in the dialog, beside the field (not behind the overlay).
    expect(page.get_by_role("dialog").locator("#name-input-error")).to_be_visible()
    assert not (app.data_dir.parent / "escape.txt").exists()


def test_upload_and_ctrl_s(page: Page, app, tmp_path):
    source = tmp_path / "uploaded_e2e.yaml"
    source.write_text("key: value\n")
    open_files(page, app)
    page.locator("#file-upload input[type=file]").set_input_files(str(source))
    expect(page.locator("#files-notice")).to_contain_text("Uploaded uploaded_e2e.yaml")
    node(page, "uploaded_e2e.yaml").click()
    expect_editor(page, "key: value\n", "#file-editor")
    type_into(page, "#file-editor .cm-content", "key: changed\n")
    page.locator("#file-editor .cm-content").press("Control+s")
    expect(page.locator("#files-notice")).to_contain_text("Saved uploaded_e2e.yaml")
    assert (app.data_dir / "files" / "uploaded_e2e.yaml").read_text() == "key: changed\n"


def test_unsaved_changes_ask_before_opening_another_file(page: Page, app):
    for name in ("first_e2e.txt", "second_e2e.txt"):
        (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
        (app.data_dir / "files" / name).write_text(name)
    open_files(page, app)
    node(page, "first_e2e.txt").click()
    type_into(page, "#file-editor .cm-content", "edited")
    expect(page.locator("#dirty-badge")).to_be_visible()
    node(page, "second_e2e.txt").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("unsaved changes")
    dialog.get_by_role("button", name="Keep editing").click()
    expect_editor(page, "edited", "#file-editor")
    node(page, "second_e2e.txt").click()
    page.locator("#confirm-discard").click()
    expect_editor(page, "second_e2e.txt", "#file-editor")


def test_markdown_preview_does_not_run_embedded_html(page: Page, app):
    (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
    (app.data_dir / "files" / "hostile_e2e.md").write_text(
        '# Notes\n\n<iframe srcdoc="<script>parent.document.title=\'pwned\'</script>"></iframe>\n'
        '<img src="x" onerror="document.title=\'pwned\'">\n\n[link](javascript:alert(1))\n'
    )
    open_files(page, app)
    node(page, "hostile_e2e.md").click()
    page.locator("#preview-toggle").click()
    preview = page.locator("#markdown-preview")
    expect(preview.locator("h1")).to_have_text("Notes")
    expect(preview.locator("iframe")).to_have_count(0)
    expect(preview.locator("img")).to_have_count(0)
    page.wait_for_timeout(500)
    assert page.title() != "pwned"
    assert "javascript:" not in (preview.locator("a").first.get_attribute("href") or "")


def test_code_preview_is_highlighted(page: Page, app):
    (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
    (app.data_dir / "files" / "query_e2e.sql").write_text("SELECT o_orderkey\nFROM samples.tpch.orders\nWHERE o_totalprice > 1000")
    open_files(page, app)
    node(page, "query_e2e.sql").click()
    page.locator("#preview-toggle").click()
    preview = page.locator("#code-preview")
    expect(preview).to_contain_text("samples.tpch.orders")
    # Keywords sit in their own highlighted tokens.
    expect(preview.locator("span.token", has_text="SELECT")).to_have_count(1)
    page.locator("#preview-toggle").click()
    expect(page.locator("#file-editor")).to_be_visible()



# --- dialogs, keys, the tree's layout and freshness, the markdown preview ---------------------

def write_file(app, name: str, text: str):
    root = app.data_dir / "files"
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)
    return root / name


def test_escape_closes_every_files_dialog_as_cancel(page: Page, app):
    target = write_file(app, "esc_one_e2e.txt", "one")
    write_file(app, "esc_two_e2e.txt", "two")
    open_files(page, app)
    # Delete: Escape cancels, nothing is deleted, and the dialog can be used again.
    node(page, "esc_one_e2e.txt").get_by_role("button").click()
    expect(page.get_by_role("alertdialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert target.exists()
    # New file: Escape closes the name dialog; opening it again starts empty.
    page.locator("#new-file").click()
    page.locator("#name-input").fill("never_created_e2e.txt")
    page.locator("#name-input").press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert not (app.data_dir / "files" / "never_created_e2e.txt").exists()
    page.locator("#new-file").click()
    expect(page.locator("#name-input")).to_have_value("")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    # Unsaved changes: Escape is "Keep editing".
    node(page, "esc_one_e2e.txt").click()
    expect_editor(page, "one", "#file-editor")
    type_into(page, "#file-editor .cm-content", "one edited")
    expect(page.locator("#dirty-badge")).to_be_visible()
    node(page, "esc_two_e2e.txt").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("unsaved changes")
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(page.locator("#open-path")).to_have_text("esc_one_e2e.txt")
    expect_editor(page, "one edited", "#file-editor")
    # A conflict (someone saved meanwhile): Escape is "Back to editing", nothing is written.
    target.write_text("theirs, saved meanwhile")
    page.locator("#save-file").click()
    expect(page.locator("#conflict-theirs")).to_contain_text("theirs, saved meanwhile")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect_editor(page, "one edited", "#file-editor")
    assert target.read_text() == "theirs, saved meanwhile"


def test_refused_name_is_shown_in_the_dialog_beside_the_field(page: Page, app):
    open_files(page, app)
    page.locator("#new-folder").click()
    page.locator("#name-input").fill("../outside_e2e")
    page.locator("#name-input").press("Enter")
    dialog = page.get_by_role("dialog")
    error = dialog.locator("#name-input-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#files-error")).to_have_count(0)  # not under the overlay
    # The message is on top, where the user looks: the element at its centre is the message.
    box = error.bounding_box()
    assert page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('#name-input-error') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert not (app.data_dir / "outside_e2e").exists()
    # Correcting the name clears the message; a good name then goes through.
    page.locator("#name-input").fill("inside_e2e")
    expect(error).to_have_count(0)
    page.locator("#name-ok").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#files-notice")).to_contain_text("Created folder inside_e2e")
    # Opening the dialog again starts without the old message.
    page.locator("#new-folder").click()
    page.locator("#name-input").fill("../again_e2e")
    page.locator("#name-ok").click()
    expect(error).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#new-folder").click()
    expect(page.locator("#name-input")).to_be_visible()
    expect(error).to_have_count(0)


# Records, for every keydown, whether the page prevented its default: read after the whole
# dispatch (a task later), so whatever order the listeners run in, the app's have run.
RECORD_KEYS = """() => {
    window.__keys = [];
    window.addEventListener('keydown', (e) => {
        setTimeout(() => window.__keys.push({key: e.key, ctrl: e.ctrlKey || e.metaKey, prevented: e.defaultPrevented}), 0);
    }, true);
}"""


def recorded(page: Page, key: str) -> list[bool]:
    return page.evaluate("(k) => window.__keys.filter((r) => r.key.toLowerCase() === k).map((r) => r.prevented)", key)


def test_ctrl_s_saves_and_stops_the_browsers_save_page(page: Page, app):
    path = write_file(app, "keys_e2e.txt", "start")
    open_files(page, app)
    node(page, "keys_e2e.txt").click()
    expect_editor(page, "start", "#file-editor")
    page.evaluate(RECORD_KEYS)
    editor = page.locator("#file-editor .cm-content")
    editor.click()
    editor.press("End")
    # A plain key types, and its default is left alone.
    editor.press("a")
    expect_editor(page, "starta", "#file-editor")
    page.wait_for_function("() => window.__keys.some((r) => r.key === 'a')")
    assert recorded(page, "a") == [False]
    # Ctrl+S in the editor: saved, and the browser's own save is prevented.
    editor.press("Control+s")
    expect(page.locator("#files-notice")).to_contain_text("Saved keys_e2e.txt")
    assert path.read_text() == "starta"
    assert recorded(page, "s") == [True]
    # Elsewhere on the page (focus off the editor): the same.
    editor.press("b")
    expect(page.locator("#dirty-badge")).to_be_visible()
    page.locator("#open-path").click()
    page.keyboard.press("Meta+s")
    expect(page.locator("#dirty-badge")).to_have_count(0)
    assert path.read_text() == "startab"
    assert recorded(page, "s") == [True, True]
    # A plain "s" still types.
    editor.press("s")
    expect_editor(page, "startabs", "#file-editor")
    page.wait_for_function("() => window.__keys.filter((r) => r.key === 's').length === 3")
    assert recorded(page, "s") == [True, True, False]


def test_long_names_are_cut_and_the_actions_stay_reachable(page: Page, app):
    name = "a_very_long_file_name_that_would_never_fit_in_the_tree_panel_at_all_" + "x" * 60 + "_e2e.txt"
    write_file(app, name, "long")
    open_files(page, app)
    row = node(page, name)
    label = row.locator(".file-name")
    expect(label).to_have_attribute("title", name)
    style = label.evaluate(
        "(el) => ({ov: getComputedStyle(el).textOverflow, ws: getComputedStyle(el).whiteSpace,"
        " cut: el.scrollWidth > el.clientWidth})"
    )
    assert style == {"ov": "ellipsis", "ws": "nowrap", "cut": True}, style
    panel = page.locator("#files-tree-panel").bounding_box()
    assert panel["width"] >= 380, panel
    row_box = row.bounding_box()
    assert row_box["height"] < 32, row_box  # one line, not wrapped
    icon = row.locator("svg").first.bounding_box()
    assert icon["width"] >= 13, icon
    delete = row.get_by_role("button", name="Delete")
    box = delete.bounding_box()
    assert box["width"] >= 16 and box["x"] >= panel["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"], (box, panel)
    delete.click()
    expect(page.get_by_role("alertdialog")).to_contain_text(name)
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)


def test_tree_sizes_follow_saves_made_elsewhere(browser: Browser, page: Page, app):
    path = write_file(app, "sized_e2e.txt", "12345")
    open_files(page, app)
    expect(node(page, "sized_e2e.txt")).to_contain_text("5 bytes")
    # Bob, in another browser, saves a longer version.
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    bob = ctx.new_page()
    bob.set_default_timeout(30_000)
    try:
        open_files(bob, app)
        node(bob, "sized_e2e.txt").click()
        expect_editor(bob, "12345", "#file-editor")
        type_into(bob, "#file-editor .cm-content", "1234567890")
        bob.locator("#save-file").click()
        expect(bob.locator("#files-notice")).to_contain_text("Saved sized_e2e.txt")
    finally:
        ctx.close()
    # Coming back to the page shows it (the app re-lists at most every few seconds).
    row = node(page, "sized_e2e.txt")
    for _ in range(20):
        page.evaluate("() => window.dispatchEvent(new Event('focus'))")
        if "10 bytes" in row.inner_text():
            break
        page.wait_for_timeout(1000)
    expect(row).to_contain_text("10 bytes")
    # Opening the file lists its folder again too.
    path.write_text("x" * 20)
    row.click()
    expect_editor(page, "x" * 20, "#file-editor")
    expect(row).to_contain_text("20 bytes")
    # And so does Refresh.
    path.write_text("y" * 30)
    page.locator("#refresh-files").click()
    expect(row).to_contain_text("30 bytes")


PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def test_markdown_preview_empty_code_block_and_images(page: Page, app):
    write_file(
        app, "pictures_e2e.md",
        "# Pictures\n\n```\n```\n\n```sql\n```\n\n"
        "![local](/favicon.ico)\n\n"
        f"![dot]({PIXEL})\n\n"
        "![beacon](http://tracker.invalid/pixel.png)\n\n"
        "![](https://tracker.invalid/noalt.gif)\n\n"
        "![sneaky](//tracker.invalid/p.png)\n\n"
        "![bad](javascript:alert(1))\n",
    )
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    open_files(page, app)
    node(page, "pictures_e2e.md").click()
    page.locator("#preview-toggle").click()
    preview = page.locator("#markdown-preview")
    expect(preview.locator("h1")).to_have_text("Pictures")
    # Empty fences render as empty code blocks.
    expect(preview.locator("pre")).to_have_count(2)
    expect(preview).not_to_contain_text("undefined")
    # Images from this app and data: URLs load; the others are links to open on purpose.
    imgs = preview.locator("img")
    expect(imgs).to_have_count(2)
    assert [imgs.nth(i).get_attribute("src") for i in range(2)] == ["/favicon.ico", PIXEL]
    links = preview.locator("a.md-external-image")
    expect(links).to_have_count(3)
    expect(links.nth(0)).to_have_text("beacon")
    expect(links.nth(1)).to_have_text("https://tracker.invalid/noalt.gif")
    expect(links.nth(2)).to_have_text("sneaky")
    hrefs = [links.nth(i).get_attribute("href") for i in range(3)]
    assert hrefs == ["http://tracker.invalid/pixel.png", "https://tracker.invalid/noalt.gif", "//tracker.invalid/p.png"], hrefs
    for i in range(3):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    expect(preview).to_contain_text("bad")
    assert "javascript:" not in preview.inner_html()
    page.wait_for_timeout(500)
    assert not [u for u in requested if "tracker.invalid" in u], requested
