"""Catalogs → schemas → tables → columns, opened lazily, filterable; names go into the editor."""

from __future__ import annotations

import reflex as rx

from ..state.catalog import CatalogState
from ..state.query import QueryState

def _node(n: rx.Var) -> rx.Component:
    return rx.cond(
        n["kind"] == "more",
        rx.text(n["label"], size="1", color="var(--gray-10)", padding_left=n["depth"].to(int) * 14 + 20, class_name="schema-more"),
        _named_node(n),
    )


def _named_node(n: rx.Var) -> rx.Component:
    expandable = n["kind"] != "column"
    return rx.hstack(
        rx.cond(
            expandable,
            rx.icon(rx.cond(n["open"] == "1", "chevron-down", "chevron-right"), size=14, on_click=CatalogState.toggle(n["key"]), cursor="pointer", class_name="expander", aria_label="Open"),
            rx.box(width="14px"),
        ),
        rx.match(
            n["kind"],
            ("catalog", rx.icon("library", size=14)),
            ("schema", rx.icon("folder", size=14)),
            ("table", rx.icon("table-2", size=14)),
            rx.icon("columns-2", size=14),
        ),
        rx.text(n["label"], size="2", on_click=QueryState.insert_text(n["name"]), cursor="pointer", title="Insert into the editor", trim="end", class_name="node-name"),
        rx.text(n["detail"], size="1", color="var(--gray-10)", trim="end"),
        rx.spacer(),
        rx.cond(
            n["kind"] == "table",
            rx.icon_button(rx.icon("eye", size=12), size="1", variant="ghost", on_click=CatalogState.preview(n["key"]), title="Preview first rows", aria_label="Preview " + n["label"].to(str), class_name="preview"),
        ),
        padding_left=n["depth"].to(int) * 14,
        class_name="schema-node",
        min_height="24px",
        data_name=n["label"],
        width="100%",
        align="center",
        spacing="1",
    )


def schema_browser() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.input(placeholder="Filter", value=CatalogState.filter, on_change=CatalogState.set_filter, size="1", width="100%"),
            rx.icon_button(rx.icon("refresh-cw", size=14), size="1", variant="soft", on_click=CatalogState.refresh, title="Refresh metadata", aria_label="Refresh metadata", loading=CatalogState.loading),
            width="100%",
        ),
        rx.cond(CatalogState.error != "", rx.text(CatalogState.error, color="var(--red-11)", size="1")),
        rx.vstack(rx.foreach(CatalogState.nodes, _node), spacing="0", width="100%", id="schema-tree"),
        width="100%",
        spacing="2",
    )
