"""The files page: the tree of the configured root folder beside the editor."""

from __future__ import annotations

import reflex as rx

from ..components.file_editor import file_editor
from ..components.file_tree import file_tree
from ..components.layout import page_frame
from ..state.base import AppState
from ..state.files import FilesState


def _is_save_key(key: rx.Var, info: rx.Var) -> rx.Var:
    # Modifier first, and a key at all (autofill sends keydowns without one), then the letter.
    key = key.to(str)
    return (info.ctrl_key | info.meta_key) & key.to(bool) & (key.lower() == "s")


def _page_keys() -> rx.Component:
    """Ctrl/Cmd+S anywhere on the page (the editor included) saves the open file and stops the
    browser's own "Save page as". Only that key is prevented: every other key press reaches
    the page untouched (and goes no further than the browser: the else branch is a no-op
    that never leaves it). The page regaining focus re-lists the folder in use, so a size
    saved meanwhile from another browser shows (the handler rate-limits itself)."""
    return rx.window_event_listener(
        on_key_down=lambda key, info: rx.cond(
            _is_save_key(key, info), FilesState.save_after_typing.prevent_default, rx.noop()
        ),
        on_focus=FilesState.on_page_focus,
    )


def files_page() -> rx.Component:
    return page_frame(
        _page_keys(),
        rx.hstack(
            # The tree keeps its width (the editor takes what is left) and can be dragged
            # wider from its bottom-right corner; long names are cut, never wrapped.
            rx.box(
                file_tree(),
                width="420px", min_width="300px", max_width="70vw", flex_shrink="0",
                max_height="85vh", overflow="auto", resize="horizontal", padding_right="6px",
                id="files-tree-panel", class_name="files-tree-panel",
            ),
            rx.box(file_editor(), flex="1 1 0", width="100%", min_width="0"),
            width="100%",
            align="start",
            spacing="4",
        ),
    )


ON_LOAD = [AppState.load_header, FilesState.load]
