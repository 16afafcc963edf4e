"""The file tree: folders open lazily; sizes and modified times beside each file."""

from __future__ import annotations

import reflex as rx

from ..state.files import FilesState


def _node(n: rx.Var) -> rx.Component:
    """One row: icon, name (cut with an ellipsis, the full name on hover), size, time, delete.
    Only the name gives way when the panel is narrow; the icon and the actions keep their size."""
    is_dir = n["dir"] == "1"
    fixed = dict(flex_shrink="0", white_space="nowrap")
    return rx.hstack(
        rx.cond(
            is_dir,
            rx.icon(rx.cond(n["open"] == "1", "folder-open", "folder"), size=14, flex_shrink="0"),
            rx.icon("file-text", size=14, flex_shrink="0"),
        ),
        rx.text(
            n["name"], size="2", weight=rx.cond(n["selected"] == "1", "bold", "regular"),
            title=n["name"], class_name="file-name",
            flex="1 1 auto", min_width="0", overflow="hidden", text_overflow="ellipsis", white_space="nowrap",
        ),
        rx.text(n["size"], size="1", color="var(--gray-10)", class_name="file-size", **fixed),
        rx.text(n["modified"], size="1", color="var(--gray-10)", class_name="file-modified", **fixed),
        rx.icon_button(
            rx.icon("trash-2", size=12), size="1", variant="ghost", color_scheme="red", margin="0", flex_shrink="0",
            on_click=FilesState.ask_delete(n["path"]).stop_propagation, title="Delete", aria_label="Delete " + n["name"].to(str),
            class_name="file-delete",
        ),
        on_click=rx.cond(is_dir, FilesState.toggle_dir(n["path"]), FilesState.open_file(n["path"])),
        padding_left=n["depth"].to(int) * 16,
        padding_right="4px",
        padding_y="2px",
        width="100%",
        min_width="0",
        align="center",
        spacing="2",
        cursor="pointer",
        class_name="file-node",
        data_path=n["path"],
    )


def file_tree() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.tooltip(rx.text(FilesState.root_label, size="1", color="var(--gray-10)", on_click=FilesState.select_root, cursor="pointer",
                               flex="1 1 auto", min_width="0", overflow="hidden", text_overflow="ellipsis", white_space="nowrap"), content="Root folder"),
            rx.icon_button(rx.icon("refresh-cw", size=14), size="1", variant="soft", on_click=FilesState.refresh, title="Refresh", aria_label="Refresh files", id="refresh-files", flex_shrink="0"),
            width="100%",
            align="center",
        ),
        rx.hstack(
            rx.button(rx.icon("file-plus", size=14), "File", size="1", variant="soft", on_click=FilesState.ask_name("file"), id="new-file"),
            rx.button(rx.icon("folder-plus", size=14), "Folder", size="1", variant="soft", on_click=FilesState.ask_name("folder"), id="new-folder"),
            rx.upload.root(
                rx.button(rx.icon("upload", size=14), "Upload", size="1", variant="soft"),
                id="file-upload",
                on_drop=FilesState.upload(rx.upload_files(upload_id="file-upload")),
                multiple=True,
                no_drag=False,
                border="none",
                padding="0",
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.text("New files go into: ", FilesState.target_dir, size="1", color="var(--gray-10)", word_break="break-all"),
        rx.vstack(rx.foreach(FilesState.nodes, _node), spacing="0", width="100%", id="file-tree"),
        width="100%",
        spacing="2",
    )
