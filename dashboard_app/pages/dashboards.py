"""The dashboards pages: the list, and one dashboard with its parameters and tiles."""

from __future__ import annotations

import reflex as rx

from ..components.layout import page_frame
from ..components.tile import tile_card
from ..services.dashboards.model import VIZ_TYPES
from ..state.base import AppState
from ..state.dashboards import AUTO_REFRESH, DashboardListState, DashboardState

UPLOAD_ID = "dashboard-upload"


def _row(item: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.link(item["title"], href="/dashboards/" + item["id"], class_name="dashboard-link")),
        rx.table.cell(item["owner"]),
        rx.table.cell(item["updated"]),
        rx.table.cell(
            rx.hstack(
                rx.button("Duplicate", size="1", variant="soft", on_click=DashboardListState.duplicate(item["id"])),
                rx.cond(
                    item["mine"] == "1",
                    rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=DashboardListState.delete(item["id"])),
                ),
                spacing="2",
            )
        ),
    )


def dashboard_list() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.hstack(
                rx.heading("Dashboards", size="6"),
                rx.spacer(),
                rx.button(rx.icon("plus", size=14), "New dashboard", on_click=DashboardListState.create, id="new-dashboard"),
                rx.upload.root(
                    rx.button(rx.icon("upload", size=14), "Import file", variant="soft"),
                    id=UPLOAD_ID,
                    accept={"application/yaml": [".yaml", ".yml"], "application/json": [".json"], "text/yaml": [".yaml", ".yml"]},
                    max_files=1,
                    on_drop=DashboardListState.upload(rx.upload_files(upload_id=UPLOAD_ID)),
                ),
                rx.cond(
                    DashboardListState.files.length() > 0,
                    rx.select(DashboardListState.files, placeholder="Import from files…", on_change=DashboardListState.import_from_files, id="import-from-files"),
                ),
                width="100%",
                align="center",
                spacing="3",
            ),
            rx.cond(DashboardListState.error != "", rx.callout.root(rx.callout.text(DashboardListState.error), color_scheme="red", id="dashboards-error", width="100%")),
            rx.table.root(
                rx.table.header(rx.table.row(rx.table.column_header_cell("Title"), rx.table.column_header_cell("Owner"),
                                             rx.table.column_header_cell("Last change"), rx.table.column_header_cell(""))),
                rx.table.body(rx.foreach(DashboardListState.items, _row)),
                width="100%",
                id="dashboards-table",
            ),
            width="100%",
            spacing="4",
        )
    )


def _param(p: rx.Var) -> rx.Component:
    name = p["name"].to(str)
    label = rx.text(p["label"].to(str), size="1", color="var(--gray-10)")
    value = p["value"].to(str)
    control = rx.match(
        p["type"].to(str),
        ("list", rx.select(p["choices"].to(list[str]), value=value, on_change=lambda v: DashboardState.set_param(name, v), size="2")),
        ("date", rx.input(type="date", value=value, on_change=lambda v: DashboardState.set_param(name, v), size="2")),
        (
            "date_range",
            rx.hstack(
                rx.input(type="date", value=p["start"].to(str), on_change=lambda v: DashboardState.set_range(name, "start", v), size="2", aria_label="From"),
                rx.text("to", size="2"),
                rx.input(type="date", value=p["end"].to(str), on_change=lambda v: DashboardState.set_range(name, "end", v), size="2", aria_label="To"),
                align="center",
                spacing="2",
            ),
        ),
        rx.input(
            default_value=value,
            key=value,  # a value set elsewhere (a chart click) replaces what the box shows
            type=rx.cond(p["type"].to(str) == "number", "number", "text"),
            on_blur=lambda v: DashboardState.set_param(name, v),
            size="2",
        ),
    )
    return rx.vstack(label, control, spacing="1", class_name="dashboard-param", data_name=name)


def _toolbar() -> rx.Component:
    link = lambda label, href: rx.el.a(rx.button(rx.icon("download", size=14), label, size="1", variant="soft", tab_index=-1), href=href, download="", target="_blank", rel="noopener")  # noqa: E731
    return rx.hstack(
        rx.cond(DashboardState.refreshing, rx.spinner(size="2")),
        rx.text(rx.cond(DashboardState.last_refresh != "", "Refreshed at " + DashboardState.last_refresh, ""), size="1", color="var(--gray-10)", id="last-refresh"),
        rx.button(rx.icon("refresh-cw", size=14), "Refresh", size="1", variant="soft", on_click=DashboardState.refresh, id="refresh-dashboard"),
        rx.select(list(AUTO_REFRESH), value=DashboardState.auto_refresh, on_change=DashboardState.set_auto_refresh, size="1", aria_label="Auto-refresh"),
        # Only once the dashboard is loaded: an empty href would download the page itself.
        rx.cond(DashboardState.dashboard_id != "", rx.hstack(link("YAML", DashboardState.export_yaml), link("JSON", DashboardState.export_json), spacing="2")),
        rx.button("Save to files", size="1", variant="soft", on_click=DashboardState.save_to_files, id="save-to-files"),
        rx.button("Duplicate", size="1", variant="soft", on_click=DashboardState.duplicate, id="duplicate-dashboard"),
        rx.cond(
            DashboardState.mine,
            rx.button(rx.cond(DashboardState.editing, "Done", "Edit"), size="1", on_click=DashboardState.toggle_edit, id="edit-dashboard"),
            rx.badge("view only: owned by ", DashboardState.owner, variant="soft", id="view-only"),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _tile_dialog() -> rx.Component:
    field = lambda label, control: rx.vstack(rx.text(label, size="1", color="var(--gray-10)"), control, spacing="1", width="100%")  # noqa: E731
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Tile"),
            rx.vstack(
                field("Title", rx.input(value=DashboardState.tile_title, on_change=lambda v: DashboardState.set_tile_field("title", v), id="tile-title", width="100%")),
                field("SQL (parameters as :name)", rx.text_area(value=DashboardState.tile_sql, on_change=lambda v: DashboardState.set_tile_field("sql", v), id="tile-sql", rows="8", width="100%", font_family="var(--code-font-family)")),
                rx.hstack(
                    field("Visualization", rx.select(list(VIZ_TYPES), value=DashboardState.tile_viz, on_change=lambda v: DashboardState.set_tile_field("viz", v), id="tile-viz")),
                    field("X column", rx.input(value=DashboardState.tile_x, on_change=lambda v: DashboardState.set_tile_field("x", v), id="tile-x")),
                    field("Y columns (comma-separated)", rx.input(value=DashboardState.tile_y, on_change=lambda v: DashboardState.set_tile_field("y", v), id="tile-y")),
                    field("Counter column", rx.input(value=DashboardState.tile_value, on_change=lambda v: DashboardState.set_tile_field("value", v), id="tile-value")),
                    width="100%",
                    spacing="3",
                ),
                rx.cond(DashboardState.tile_error != "", rx.callout.root(rx.callout.text(DashboardState.tile_error), color_scheme="red", size="1", id="tile-error", width="100%")),
                rx.cond(
                    DashboardState.tile_preview_columns.length() > 0,
                    rx.box(
                        rx.el.table(
                            rx.el.thead(rx.el.tr(rx.foreach(DashboardState.tile_preview_columns, lambda c: rx.el.th(c)))),
                            rx.el.tbody(rx.foreach(DashboardState.tile_preview, lambda row: rx.el.tr(rx.foreach(row, lambda c: rx.el.td(rx.cond(c.is_none(), "NULL", c.to(str))))))),
                            class_name="result-grid",
                        ),
                        max_height="30vh",
                        overflow="auto",
                        width="100%",
                        id="tile-preview",
                    ),
                ),
                rx.hstack(
                    rx.button("Preview", variant="soft", on_click=DashboardState.preview_tile, id="tile-preview-button"),
                    rx.spacer(),
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=DashboardState.close_tile)),
                    rx.button("Save tile", on_click=DashboardState.save_tile, id="tile-save"),
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="900px",
        ),
        open=DashboardState.tile_open,
        on_open_change=lambda _o: DashboardState.close_tile(),
    )


def _file_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Dashboard file"),
            rx.dialog.description("Title, description, parameters and tiles, in the file format (YAML or JSON).", size="2"),
            rx.text_area(value=DashboardState.file_text, on_change=DashboardState.set_file_text, rows="24", width="100%",
                         font_family="var(--code-font-family)", id="dashboard-file-text", margin_top="0.5em"),
            rx.cond(DashboardState.file_error != "", rx.callout.root(rx.callout.text(DashboardState.file_error), color_scheme="red", size="1", id="dashboard-file-error", margin_top="0.5em")),
            rx.hstack(
                rx.spacer(),
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=DashboardState.close_file)),
                rx.button("Save", on_click=DashboardState.save_file, id="dashboard-file-save"),
                margin_top="1em",
            ),
            max_width="900px",
        ),
        open=DashboardState.file_open,
        on_open_change=lambda _o: DashboardState.close_file(),
    )


def dashboard_view() -> rx.Component:
    return page_frame(
        rx.vstack(
            rx.hstack(
                rx.link("← Dashboards", href="/dashboards", size="2"),
                width="100%",
            ),
            rx.hstack(
                rx.vstack(
                    rx.heading(DashboardState.title, size="6", id="dashboard-title"),
                    rx.cond(DashboardState.description != "", rx.text(DashboardState.description, size="2", color="var(--gray-11)")),
                    spacing="1",
                ),
                rx.spacer(),
                _toolbar(),
                width="100%",
                align="start",
                wrap="wrap",
            ),
            rx.cond(DashboardState.error != "", rx.callout.root(rx.callout.text(DashboardState.error), color_scheme="red", id="dashboard-error", width="100%")),
            rx.cond(DashboardState.notice != "", rx.callout.root(rx.callout.text(DashboardState.notice), color_scheme="green", id="dashboard-notice", width="100%")),
            rx.cond(
                DashboardState.editing,
                rx.hstack(
                    rx.button(rx.icon("plus", size=14), "Add tile", size="1", on_click=DashboardState.edit_tile(-1), id="add-tile"),
                    rx.button(rx.icon("file-code", size=14), "Edit title, parameters and tiles as a file", size="1", variant="soft", on_click=DashboardState.open_file, id="edit-file"),
                    spacing="2",
                ),
            ),
            rx.hstack(rx.foreach(DashboardState.params, _param), spacing="4", wrap="wrap", id="dashboard-params"),
            rx.box(
                rx.foreach(DashboardState.tiles, tile_card),
                class_name="dashboard-grid",
                id="dashboard-grid",
                width="100%",
            ),
            _tile_dialog(),
            _file_dialog(),
            width="100%",
            spacing="3",
            on_unmount=DashboardState.leave,
        )
    )


LIST_ON_LOAD = [AppState.load_header, DashboardListState.load]
VIEW_ON_LOAD = [AppState.load_header, DashboardState.open]
