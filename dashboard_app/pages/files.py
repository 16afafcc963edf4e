"""The files page: the tree of the configured root folder beside the editor."""

from __future__ import annotations

import reflex as rx

from ..components.file_editor import file_editor
from ..components.file_tree import file_tree
from ..components.layout import page_frame
from ..state.base import AppState
from ..state.files import FilesState


def files_page() -> rx.Component:
    return page_frame(
        rx.hstack(
            rx.box(file_tree(), width="360px", min_width="260px", max_height="85vh", overflow_y="auto"),
            rx.box(file_editor(), width="100%", min_width="0"),
            width="100%",
            align="start",
            spacing="4",
        )
    )


ON_LOAD = [AppState.load_header, FilesState.load]
