"""The file editor in a real browser: open, edit, save, reopen; a conflict, seen and resolved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

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
    page.locator("#file-editor").fill("# Title\n\nsome *notes*")
    expect(page.locator("#dirty-badge")).to_be_visible()
    page.locator("#save-file").click()
    expect(page.locator("#files-notice")).to_contain_text("Saved notes_e2e.md")
    expect(page.locator("#dirty-badge")).to_have_count(0)
    assert (app.data_dir / "files" / "notes_e2e.md").read_text() == "# Title\n\nsome *notes*"
    # A fresh page: the edit is there.
    page.reload()
    expect(page.locator("#new-file")).to_be_visible()
    node(page, "notes_e2e.md").click()
    expect(page.locator("#file-editor")).to_have_value("# Title\n\nsome *notes*")
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
        expect(p.locator("#file-editor")).to_have_value("SELECT 1")
        pages.append(p)
    alice, bob = pages
    alice.locator("#file-editor").fill("SELECT 'alice'")
    alice.locator("#save-file").click()
    expect(alice.locator("#files-notice")).to_contain_text("Saved")
    bob.locator("#file-editor").fill("SELECT 'bob'")
    bob.locator("#save-file").click()
    expect(bob.locator("#conflict-theirs")).to_contain_text("SELECT 'alice'")
    expect(bob.locator("#conflict-mine")).to_contain_text("SELECT 'bob'")
    assert (app.data_dir / "files" / "shared_e2e.sql").read_text() == "SELECT 'alice'"
    bob.locator("#keep-mine").click()
    expect(bob.locator("#files-notice")).to_contain_text("Saved")
    assert (app.data_dir / "files" / "shared_e2e.sql").read_text() == "SELECT 'bob'"
    # Alice now holds a stale version: her next save conflicts; she takes Bob's.
    alice.locator("#file-editor").fill("SELECT 'alice again'")
    alice.locator("#save-file").click()
    alice.locator("#take-theirs").click()
    expect(alice.locator("#file-editor")).to_have_value("SELECT 'bob'")
    for p in pages:
        p.context.close()


def test_sql_file_opens_in_the_sql_editor_and_runs(page: Page, app):
    (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
    (app.data_dir / "files" / "count_e2e.sql").write_text("SELECT count(*) AS regions FROM samples.tpch.region")
    open_files(page, app)
    node(page, "count_e2e.sql").click()
    page.locator("#open-in-sql").click()
    expect(page.locator("#sql-editor")).to_have_value("SELECT count(*) AS regions FROM samples.tpch.region")
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
    expect(page.locator("#files-error")).to_be_visible()
    assert not (app.data_dir.parent / "escape.txt").exists()


def test_upload_and_ctrl_s(page: Page, app, tmp_path):
    source = tmp_path / "uploaded_e2e.yaml"
    source.write_text("key: value\n")
    open_files(page, app)
    page.locator("#file-upload input[type=file]").set_input_files(str(source))
    expect(page.locator("#files-notice")).to_contain_text("Uploaded uploaded_e2e.yaml")
    node(page, "uploaded_e2e.yaml").click()
    expect(page.locator("#file-editor")).to_have_value("key: value\n")
    page.locator("#file-editor").fill("key: changed\n")
    page.locator("#file-editor").press("Control+s")
    expect(page.locator("#files-notice")).to_contain_text("Saved uploaded_e2e.yaml")
    assert (app.data_dir / "files" / "uploaded_e2e.yaml").read_text() == "key: changed\n"


def test_unsaved_changes_ask_before_opening_another_file(page: Page, app):
    for name in ("first_e2e.txt", "second_e2e.txt"):
        (app.data_dir / "files").mkdir(parents=True, exist_ok=True)
        (app.data_dir / "files" / name).write_text(name)
    open_files(page, app)
    node(page, "first_e2e.txt").click()
    page.locator("#file-editor").fill("edited")
    expect(page.locator("#dirty-badge")).to_be_visible()
    node(page, "second_e2e.txt").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("unsaved changes")
    dialog.get_by_role("button", name="Keep editing").click()
    expect(page.locator("#file-editor")).to_have_value("edited")
    node(page, "second_e2e.txt").click()
    page.locator("#confirm-discard").click()
    expect(page.locator("#file-editor")).to_have_value("second_e2e.txt")


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
