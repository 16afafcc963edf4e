"""One dashboard tile: its title, state and actions, and a chart, a counter or a table."""

from __future__ import annotations

import reflex as rx

from ..state.dashboards import DashboardState
from .mini_table import mini_table


def _body(tile: rx.Var) -> rx.Component:
    index = tile["index"].to(int)
    return rx.match(
        tile["state"].to(str),
        ("loading", rx.center(rx.spinner(size="3"), height="100%", class_name="tile-loading")),
        ("error", rx.callout.root(rx.callout.text(tile["error"].to(str)), color_scheme="red", size="1", class_name="tile-error")),
        ("cancelled", rx.text(tile["error"].to(str), size="1", color="var(--gray-10)")),
        rx.match(
            tile["viz"].to(str),
            ("counter", rx.center(rx.text(tile["counter"].to(str), size="9", weight="bold", class_name="tile-counter"), height="100%")),
            ("table", mini_table(tile["columns"], tile["rows"], height="100%")),
            rx.plotly.basic(  # the basic bundle the workbench chart already ships
                data=DashboardState.figures[index],
                use_resize_handler=True,
                width="100%",
                height="100%",
                on_click=lambda points: DashboardState.chart_click(index, points),
            ),
        ),
    )


def _edit_actions(tile: rx.Var) -> rx.Component:
    index = tile["index"].to(int)

    def button(icon: str, label: str, event) -> rx.Component:
        return rx.icon_button(rx.icon(icon, size=14), size="1", variant="ghost", on_click=event, aria_label=label, title=label)

    return rx.hstack(
        button("arrow-left", "Move left", DashboardState.move_tile(index, -1, 0, 0, 0)),
        button("arrow-right", "Move right", DashboardState.move_tile(index, 1, 0, 0, 0)),
        button("arrow-up", "Move up", DashboardState.move_tile(index, 0, -1, 0, 0)),
        button("arrow-down", "Move down", DashboardState.move_tile(index, 0, 1, 0, 0)),
        button("fold-horizontal", "Narrower", DashboardState.move_tile(index, 0, 0, -1, 0)),
        button("unfold-horizontal", "Wider", DashboardState.move_tile(index, 0, 0, 1, 0)),
        button("fold-vertical", "Shorter", DashboardState.move_tile(index, 0, 0, 0, -1)),
        button("unfold-vertical", "Taller", DashboardState.move_tile(index, 0, 0, 0, 1)),
        button("pencil", "Edit tile", DashboardState.edit_tile(index)),
        button("copy", "Duplicate tile", DashboardState.duplicate_tile(index)),
        button("trash-2", "Remove tile", DashboardState.remove_tile(index)),
        spacing="1",
        wrap="wrap",
    )


def tile_card(tile: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(tile["title"].to(str), weight="bold", size="2", class_name="tile-title"),
                rx.spacer(),
                rx.cond(tile["note"].to(str) != "", rx.tooltip(rx.icon("info", size=14), content=tile["note"].to(str))),
                rx.cond(
                    tile["csv"].to(str) != "",
                    rx.el.a(rx.icon("download", size=14), href=tile["csv"].to(str), download="", target="_blank",
                            rel="noopener", title="Download CSV", aria_label="Download CSV", class_name="tile-csv"),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(DashboardState.editing, _edit_actions(tile)),
            rx.box(_body(tile), width="100%", flex="1", min_height="0"),
            height="100%",
            width="100%",
            spacing="2",
        ),
        grid_column=tile["style"].to(str),
        grid_row=tile["row"].to(str),
        class_name="dashboard-tile",
        data_state=tile["state"].to(str),
        min_height="0",
    )
