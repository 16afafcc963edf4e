"""The text editor for one file, with save, preview, conflict and confirmation dialogs."""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import VarData
from reflex.vars.function import ArgsFunctionOperation, FunctionVar
from reflex_base.utils.imports import ImportVar

from ..state.files import FilesState
from .code_editor import code_editor
from .confirm import cancel_on_close, confirm_alert, prompt_dialog


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.text(FilesState.path, weight="bold", id="open-path"),
        rx.cond(FilesState.dirty, rx.badge("unsaved", color_scheme="amber", id="dirty-badge")),
        rx.badge(FilesState.language, variant="soft"),
        rx.spacer(),
        rx.cond(FilesState.is_sql, rx.button(rx.icon("play", size=14), "Open in SQL editor", size="1", variant="soft", on_click=FilesState.open_in_sql, id="open-in-sql")),
        rx.cond(FilesState.language != "text", rx.button(rx.cond(FilesState.preview, "Edit", "Preview"), size="1", variant="soft", on_click=FilesState.toggle_preview, id="preview-toggle")),
        rx.el.a(rx.button(rx.icon("download", size=14), "Download", size="1", variant="soft", tab_index=-1), href=FilesState.download_url, download="", target="_blank", id="download-file"),
        rx.button("Rename", size="1", variant="soft", on_click=FilesState.ask_name("rename"), id="rename-file"),
        rx.button(rx.icon("save", size=14), "Save", size="1", on_click=FilesState.save, disabled=~FilesState.dirty, id="save-file", title="Save (Ctrl+S)"),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _conflict_dialog() -> rx.Component:
    pane = dict(white_space="pre-wrap", font_family="var(--code-font-family)", size="1")
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Someone else saved this file"),
            rx.dialog.description("Nothing was saved. Compare the two versions and choose which to keep."),
            rx.grid(
                rx.vstack(rx.text("Their version (now in the folder)", weight="bold", size="2"),
                          rx.box(rx.text(FilesState.theirs, **pane), id="conflict-theirs", max_height="50vh", overflow="auto", width="100%", border="1px solid var(--gray-a6)", padding="0.5em")),
                rx.vstack(rx.text("Your version", weight="bold", size="2"),
                          rx.box(rx.text(FilesState.text, **pane), id="conflict-mine", max_height="50vh", overflow="auto", width="100%", border="1px solid var(--gray-a6)", padding="0.5em")),
                columns="2",
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.button("Back to editing", variant="soft", color_scheme="gray", on_click=FilesState.close_conflict),
                rx.button("Take theirs", variant="soft", on_click=FilesState.take_theirs, id="take-theirs"),
                rx.button("Keep mine (overwrite theirs)", color_scheme="red", on_click=FilesState.keep_mine, id="keep-mine"),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
            max_width="1100px",
        ),
        open=FilesState.conflict_open,
        # Escape (or a click outside) is "Back to editing": nothing is written either way.
        on_open_change=cancel_on_close(FilesState.close_conflict),
    )


def _name_dialog() -> rx.Component:
    return prompt_dialog(
        open_=FilesState.name_dialog != "",
        title=rx.match(FilesState.name_dialog, ("file", "New file"), ("folder", "New folder"), "Rename"),
        value=FilesState.name_value,
        on_change=FilesState.set_name_value,
        on_submit=FilesState.submit_name,
        on_cancel=FilesState.close_name,
        input_id="name-input",
        submit_id="name-ok",
        error=FilesState.name_error,
    )


def _delete_dialog() -> rx.Component:
    return confirm_alert(
        open_=FilesState.delete_target != "",
        title="Delete?",
        description=rx.fragment("Delete ", rx.code(FilesState.delete_target), "? This cannot be undone."),
        confirm_label="Delete",
        on_confirm=FilesState.confirm_delete,
        on_cancel=FilesState.cancel_delete,
        confirm_id="confirm-delete",
    )


def _discard_dialog() -> rx.Component:
    return confirm_alert(
        open_=FilesState.discard_target != "",
        title="Unsaved changes",
        description=rx.fragment("You have unsaved changes in ", rx.code(FilesState.path), ". Discard them?"),
        confirm_label="Discard",
        on_confirm=FilesState.confirm_discard,
        on_cancel=FilesState.keep_editing,
        confirm_id="confirm-discard",
        cancel_label="Keep editing",
    )


# --- Markdown preview ---------------------------------------------------------------------
# react-markdown hands each element to a component map (Reflex's `component_map`); inside a
# map function the element's attributes are in `props`, and in the "pre" (code block) function
# the code element's own children are in `components` (names fixed by Reflex 0.10.1's markdown
# template; Reflex is pinned).
_MD_PROPS = rx.Var("props").to(dict)
_MD_CODE_CHILDREN = rx.Var("components")
_MARKDOWN_LIB = "react-markdown@10.1.0"  # the version Reflex's rx.markdown is built on
_default_url_transform = rx.Var(
    "defaultUrlTransform", _var_data=VarData(imports={_MARKDOWN_LIB: [ImportVar(tag="defaultUrlTransform")]})
).to(FunctionVar)


def _md_code_block(code: rx.Var, **props) -> rx.Component:
    # An empty fence has no children at all: Reflex's default turns that into String(undefined).
    return rx.code_block(rx.cond(_MD_CODE_CHILDREN.is_none(), "", code), margin_y="1em", wrap_long_lines=True, **props)


def _shown_inline(src: rx.Var) -> rx.Var:
    """Whether an image may load: only a `data:` image or a URL relative to this app's own
    origin — no scheme (no ':' at all), not protocol-relative ('//host'), no backslash or
    whitespace (browsers read '/\\host' and '/<tab>/host' as '//host')."""
    relative = ~src.contains(":") & ~src.startswith("//")
    for ch in ("\\", " ", "\t", "\n", "\r"):
        relative = relative & ~src.contains(ch)
    return src.to(bool) & (src.lower().startswith("data:image/") | relative)


def _md_image(_children: rx.Var, **_props) -> rx.Component:
    """An image from elsewhere could be a tracking beacon: it becomes a link to open on purpose."""
    src, alt = _MD_PROPS["src"].to(str), _MD_PROPS["alt"].to(str)
    return rx.el.span(
        rx.cond(
            _shown_inline(src),
            rx.el.img(src=src, alt=alt, max_width="100%"),
            rx.cond(
                src.to(bool),
                rx.el.a(
                    rx.icon("image", size=14, flex_shrink="0"), rx.cond(alt.to(bool), alt, src),
                    href=src, target="_blank", rel="noopener noreferrer", class_name="md-external-image",
                    display="inline-flex", align_items="center", gap="0.25em", color="var(--accent-11)",
                ),
                rx.el.span(alt, class_name="md-image-alt"),  # an unsafe scheme, dropped by the transform
            ),
        ),
    )


def _md_url_transform() -> rx.Var:
    # react-markdown drops `data:` URLs; let them through for images (src) only, everything
    # else goes through its default (which drops javascript: and other unsafe schemes).
    url, key = rx.Var("url").to(str), rx.Var("key").to(str)
    return ArgsFunctionOperation.create(
        ("url", "key"),
        rx.cond((key == "src") & url.lower().startswith("data:image/"), url, _default_url_transform.call(url)),
    )


def markdown_preview(text: rx.Var) -> rx.Component:
    """The markdown as rx.markdown renders it, minus raw HTML (shown as text, never run),
    with empty code blocks left empty and images loaded only from this app or data: URLs."""
    plugin = rx.markdown.plugin
    return rx.markdown.root(
        text,
        component_map={"pre": _md_code_block, "img": _md_image},
        remark_plugins=[plugin.math, plugin.gfm],
        rehype_plugins=[plugin.katex, plugin.unwrap_images],  # no plugin.raw
        custom_attrs={"urlTransform": _md_url_transform()},
    )


def messages() -> rx.Component:
    return rx.fragment(
        rx.cond(FilesState.error != "", rx.callout.root(rx.callout.icon(rx.icon("triangle-alert")), rx.callout.text(FilesState.error), color_scheme="red", role="alert", id="files-error", width="100%")),
        rx.cond(FilesState.notice != "", rx.callout.root(rx.callout.text(FilesState.notice), color_scheme="green", id="files-notice", width="100%")),
    )


def file_editor() -> rx.Component:
    body = rx.cond(
        FilesState.download_only,
        rx.text("This file can only be downloaded.", color="var(--gray-10)"),
        rx.cond(
            FilesState.preview,
            rx.cond(
                FilesState.language == "markdown",
                rx.box(markdown_preview(FilesState.text), id="markdown-preview", width="100%", padding="1em", border="1px solid var(--gray-a5)", border_radius="6px"),
                # Code is shown highlighted, read-only; "Edit" goes back to the text area.
                rx.box(rx.code_block(FilesState.text, language=FilesState.language, show_line_numbers=True, wrap_long_lines=True), id="code-preview", width="100%"),
            ),
            # Ctrl/Cmd+S is the page's key listener (pages/files.py), here and everywhere else.
            code_editor(value=FilesState.text, key=FilesState.editor_key, on_change=FilesState.set_text,
                        language=FilesState.language, id="file-editor", height="32em"),
        ),
    )
    return rx.vstack(
        messages(),
        rx.cond(
            FilesState.path != "",
            rx.vstack(_toolbar(), body, width="100%", spacing="2"),
            rx.text("Open a file from the tree, or create one.", color="var(--gray-10)"),
        ),
        _conflict_dialog(),
        _name_dialog(),
        _delete_dialog(),
        _discard_dialog(),
        width="100%",
        spacing="2",
    )
