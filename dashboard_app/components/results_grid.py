"""One page of a result as a table: typed headers, server-side sort, NULL shown as NULL."""

from __future__ import annotations

import reflex as rx

from ..state.query import QueryState

CELL_STYLE = {"font_family": "var(--code-font-family)", "font_size": "13px", "white_space": "nowrap", "cursor": "pointer"}


def _header_cell(col: rx.Var) -> rx.Component:
    name = col["name"].to(str)
    arrow = rx.cond(
        QueryState.sort_col == name,
        rx.cond(QueryState.sort_desc, rx.icon("arrow-down", size=12), rx.icon("arrow-up", size=12)),
        rx.fragment(),
    )
    return rx.table.column_header_cell(
        rx.vstack(
            rx.hstack(rx.text(name, weight="bold"), arrow, spacing="1", align="center"),
            rx.text(col["type"].to(str), size="1", color="var(--gray-10)"),
            spacing="0",
        ),
        on_click=QueryState.sort_by(name),
        aria_sort=rx.cond(QueryState.sort_col == name, rx.cond(QueryState.sort_desc, "descending", "ascending"), "none"),
        cursor="pointer",
        title="Sort by this column",
    )


def _cell(cell: rx.Var, row_index: rx.Var, col_index: rx.Var) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            cell.is_none(),
            rx.text("NULL", color="var(--gray-9)", font_style="italic", class_name="null-cell"),
            rx.text(cell.to(str)),
        ),
        style=CELL_STYLE,
        on_click=QueryState.show_cell(row_index, col_index),
    )


def _row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(QueryState.first_row + index + 1, color="var(--gray-9)", style=CELL_STYLE),
        rx.foreach(row.to(list[str | None]), lambda cell, j: _cell(cell, index, j)),
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.icon_button(rx.icon("chevrons-left"), on_click=QueryState.first_page, size="1", variant="soft", disabled=QueryState.page == 0, aria_label="First page"),
        rx.icon_button(rx.icon("chevron-left"), on_click=QueryState.prev_page, size="1", variant="soft", disabled=QueryState.page == 0, aria_label="Previous page", id="prev-page"),
        rx.form(
            rx.hstack(
                rx.text("Page", size="2"),
                rx.input(value=QueryState.page_input, on_change=QueryState.set_page_input, width="5em", size="1", id="page-input", name="page"),
                rx.text("of ", QueryState.page_count, size="2"),
                align="center",
                spacing="1",
            ),
            on_submit=QueryState.jump,
        ),
        rx.icon_button(rx.icon("chevron-right"), on_click=QueryState.next_page, size="1", variant="soft", disabled=QueryState.page + 1 >= QueryState.page_count, aria_label="Next page", id="next-page"),
        rx.icon_button(rx.icon("chevrons-right"), on_click=QueryState.last_page, size="1", variant="soft", disabled=QueryState.page + 1 >= QueryState.page_count, aria_label="Last page"),
        align="center",
        spacing="2",
    )


def downloads() -> rx.Component:
    # A plain anchor with `download`: the browser fetches the file itself, streamed by the
    # server, so the rows never pass through page state (a router link would not download).
    def link(label: str, href: rx.Var, id_: str) -> rx.Component:
        return rx.el.a(
            rx.button(rx.icon("download", size=14), label, size="1", variant="soft", tab_index=-1),
            href=href,
            download="",
            target="_blank",  # keeps the router from treating it as in-app navigation
            rel="noopener",
            id=id_,
        )

    return rx.hstack(
        link("CSV", QueryState.csv_url, "download-csv"),
        link("Parquet", QueryState.parquet_url, "download-parquet"),
        spacing="2",
    )


def cell_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(QueryState.cell_title),
            rx.box(
                rx.text(QueryState.cell_value, white_space="pre-wrap", font_family="var(--code-font-family)", size="2"),
                max_height="60vh",
                overflow_y="auto",
            ),
            rx.flex(rx.button("Close", on_click=QueryState.close_cell, variant="soft"), justify="end", margin_top="1em"),
        ),
        open=QueryState.cell_open,
        on_open_change=lambda _open: QueryState.close_cell(),
    )


def results_grid() -> rx.Component:
    return rx.cond(
        QueryState.result_id != "",
        rx.vstack(
            rx.hstack(
                rx.text(QueryState.row_summary, size="2", id="row-summary"),
                rx.spacer(),
                downloads(),
                pager(),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("#", width="3em"),
                            rx.foreach(QueryState.columns, _header_cell),
                        )
                    ),
                    rx.table.body(rx.foreach(QueryState.rows, _row)),
                    size="1",
                    variant="surface",
                    id="results-table",
                ),
                width="100%",
                overflow_x="auto",
                max_height="60vh",
                overflow_y="auto",
            ),
            cell_dialog(),
            width="100%",
            spacing="2",
        ),
        rx.text("Run a query to see its result here.", color="var(--gray-10)", size="2"),
    )
