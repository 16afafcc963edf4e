"""A small table of formatted rows (a tile's, a tool card's preview): NULL apart from "",
scrolled inside its box."""

from __future__ import annotations

import reflex as rx

from .cell import cell_value


def mini_table(columns: rx.Var, rows: rx.Var, **box_props) -> rx.Component:
    return rx.box(
        rx.el.table(
            rx.el.thead(rx.el.tr(rx.foreach(columns.to(list[str]), lambda c: rx.el.th(c)))),
            rx.el.tbody(
                rx.foreach(
                    rows.to(list[list[str | None]]),
                    lambda row: rx.el.tr(
                        rx.foreach(row, lambda cell: rx.el.td(cell_value(cell)))
                    ),
                )
            ),
            class_name="result-grid",
        ),
        overflow="auto",
        **box_props,
    )
