"""One page of a result as a table: typed headers, server-side sort, NULL shown as NULL."""

from __future__ import annotations

import reflex as rx
from reflex_base.event import EventHandler
from reflex_base.vars.base import Var

from ..state.query import QueryState
from ..state.results import ResultsState
from .cell import cell_value
from .engine_sql import engine_sql
from .pin_dialog import pin_button


def _header_cell(col: rx.Var) -> rx.Component:
    name = col["name"].to(str)
    return rx.el.th(
        rx.el.div(
            name,
            rx.el.span(rx.cond(ResultsState.sort_col == name, rx.cond(ResultsState.sort_desc, " ▼", " ▲"), ""), class_name="sort-mark"),
        ),
        rx.el.div(col["type"].to(str), class_name="col-type"),
        on_click=ResultsState.sort_by(name),
        aria_sort=rx.cond(ResultsState.sort_col == name, rx.cond(ResultsState.sort_desc, "descending", "ascending"), "none"),
        title="Sort by this column",
    )


def _row_of_click(event: Var) -> tuple[Var[int]]:
    # The page index of the clicked row (its data-row), -1 outside the rows.
    return (Var(_js_expr=f"Number({event}?.target?.closest?.('tr[data-row]')?.dataset?.row ?? -1)").to(int),)


class PageRows(rx.el.Tbody):
    """The page's rows, with one click handler for all of them (a click shows the row with
    every value in full) instead of one per row."""

    on_click: EventHandler[_row_of_click]


def _row(row: rx.Var, index: rx.Var) -> rx.Component:
    # Plain elements styled by one stylesheet rule: a page flip updates the cells' text in
    # place, so the browser restyles nothing and only lays the table out again.
    return rx.el.tr(
        rx.el.td(ResultsState.first_row + index + 1, class_name="row-number"),
        rx.foreach(row.to(list[str | None]), lambda cell: rx.el.td(cell_value(cell))),
        data_row=index,
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.icon_button(rx.icon("chevrons-left"), on_click=ResultsState.first_page, size="1", variant="soft", disabled=ResultsState.page == 0, aria_label="First page"),
        rx.icon_button(rx.icon("chevron-left"), on_click=ResultsState.prev_page, size="1", variant="soft", disabled=ResultsState.page == 0, aria_label="Previous page", id="prev-page"),
        rx.form(
            rx.hstack(
                rx.text("Page", size="2"),
                rx.input(value=ResultsState.page_input, on_change=ResultsState.set_page_input, width="5em", size="1", id="page-input", name="page"),
                rx.text("of ", ResultsState.page_count, size="2"),
                align="center",
                spacing="1",
            ),
            on_submit=ResultsState.jump,
        ),
        rx.icon_button(rx.icon("chevron-right"), on_click=ResultsState.next_page, size="1", variant="soft", disabled=ResultsState.page + 1 >= ResultsState.page_count, aria_label="Next page", id="next-page"),
        rx.icon_button(rx.icon("chevrons-right"), on_click=ResultsState.last_page, size="1", variant="soft", disabled=ResultsState.page + 1 >= ResultsState.page_count, aria_label="Last page"),
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
        # Built in the page from the id: a run sends the id once, not two URLs beside it.
        link("CSV", "/api/results/" + ResultsState.result_id + "/download?format=csv", "download-csv"),
        link("Parquet", "/api/results/" + ResultsState.result_id + "/download?format=parquet", "download-parquet"),
        spacing="2",
    )


def row_dialog() -> rx.Component:
    def field(item: rx.Var) -> rx.Component:
        value = item["value"]
        return rx.el.tr(
            rx.el.th(item["name"].to(str)),
            rx.el.td(cell_value(value)),
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(ResultsState.row_title),
            rx.box(
                rx.el.table(rx.el.tbody(rx.foreach(ResultsState.row_values, field)), class_name="row-detail"),
                max_height="60vh",
                overflow_y="auto",
            ),
            rx.flex(rx.button("Close", on_click=ResultsState.close_row, variant="soft"), justify="end", margin_top="1em"),
            max_width="900px",
        ),
        open=ResultsState.row_open,
        on_open_change=lambda _open: ResultsState.close_row(),
    )


def results_grid() -> rx.Component:
    # A new run starts with no statement selected; until its first result arrives the one on
    # screen is the previous run's, so it is dimmed and labelled (app.css).
    previous = QueryState.running & (QueryState.selected < 0)
    return rx.cond(
        ResultsState.result_id != "",
        rx.vstack(
            rx.cond(previous, rx.badge("previous result", color_scheme="gray", variant="soft", id="previous-result-label")),
            rx.vstack(
                _result_view(),
                class_name=rx.cond(previous, "result-view previous-result", "result-view"),
                width="100%",
                spacing="2",
            ),
            width="100%",
            spacing="2",
        ),
        rx.text("Run a query to see its result here.", color="var(--gray-10)", size="2"),
    )


def _result_view() -> rx.Component:
    return rx.fragment(
        rx.cond(ResultsState.error != "", rx.callout.root(rx.callout.text(ResultsState.error), color_scheme="amber", width="100%")),
        rx.hstack(
            rx.text(ResultsState.row_summary, size="2", id="row-summary"),
            rx.spacer(),
            pin_button(),
            downloads(),
            pager(),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.box(
            rx.el.table(
                rx.el.thead(rx.el.tr(rx.el.th("#", class_name="row-number"), rx.foreach(ResultsState.columns, _header_cell))),
                PageRows.create(rx.foreach(ResultsState.rows, _row), on_click=ResultsState.show_row, title="Show this row in full"),
                class_name="result-grid",
                id="results-table",
            ),
            width="100%",
            overflow_x="auto",
            max_height="60vh",
            overflow_y="auto",
            class_name="result-scroll",
        ),
        engine_sql(ResultsState.engine_sql, "result-engine-sql"),
        row_dialog(),
    )
