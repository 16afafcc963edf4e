"""The file tree: folders open lazily; sizes and modified times beside each file."""

from __future__ import annotations

import reflex as rx

from ..state.files import FilesState


def _node(n: rx.Var) -> rx.Component:
    is_dir = n["dir"] == "1"
    return rx.hstack(
        rx.cond(
            is_dir,
            rx.icon(rx.cond(n["open"] == "1", "folder-open", "folder"), size=14),
            rx.icon("file-text", size=14),
        ),
        rx.text(n["name"], size="2", trim="end", weight=rx.cond(n["selected"] == "1", "bold", "regular")),
        rx.spacer(),
        rx.text(n["size"], size="1", color="var(--gray-10)", white_space="nowrap"),
        rx.text(n["modified"], size="1", color="var(--gray-10)", white_space="nowrap"),
        rx.icon_button(
            rx.icon("trash-2", size=12), size="1", variant="ghost", color_scheme="red",
            on_click=FilesState.ask_delete(n["path"]).stop_propagation, title="Delete", aria_label="Delete " + n["name"].to(str),
        ),
        on_click=rx.cond(is_dir, FilesState.toggle_dir(n["path"]), FilesState.open_file(n["path"])),
        padding_left=n["depth"].to(int) * 16,
        padding_y="2px",
        width="100%",
        align="center",
        spacing="2",
        cursor="pointer",
        class_name="file-node",
        data_path=n["path"],
    )


def file_tree() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.tooltip(rx.text(FilesState.root_label, size="1", color="var(--gray-10)", trim="end", on_click=FilesState.select_root, cursor="pointer"), content="Root folder"),
            rx.spacer(),
            rx.icon_button(rx.icon("refresh-cw", size=14), size="1", variant="soft", on_click=FilesState.refresh, title="Refresh", aria_label="Refresh files"),
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
        rx.text("New files go into: ", FilesState.target_dir, size="1", color="var(--gray-10)"),
        rx.vstack(rx.foreach(FilesState.nodes, _node), spacing="0", width="100%", id="file-tree"),
        width="100%",
        spacing="2",
    )
