"""The SQL editor with its toolbar: run (button or Ctrl/Cmd+Enter), cancel, timer, save."""

from __future__ import annotations

import reflex as rx

from ..state.history import HistoryState
from ..state.query import QueryState
from ..state.tabs import TabsState
from ..state.warehouse import WarehouseState
from .code_editor import code_editor
from .engine_sql import engine_sql
from .confirm import confirm_alert, prompt_dialog


def warehouse_picker() -> rx.Component:
    """On Databricks: the warehouse for the next run, with its state (stopped ones take minutes)."""
    return rx.cond(
        WarehouseState.available,
        rx.hstack(
            rx.select.root(
                rx.select.trigger(placeholder="Warehouse"),
                rx.select.content(rx.foreach(WarehouseState.options, lambda w: rx.select.item(w["name"], value=w["id"]))),
                value=WarehouseState.selected,
                on_change=WarehouseState.select,
                size="2",
            ),
            rx.badge(
                WarehouseState.selected_state,
                color_scheme=rx.match(WarehouseState.selected_state, ("RUNNING", "green"), ("STARTING", "amber"), "gray"),
                id="warehouse-state",
            ),
            rx.icon_button(rx.icon("refresh-cw", size=12), size="1", variant="ghost", on_click=WarehouseState.load, title="Refresh warehouse state", aria_label="Refresh warehouse state"),
            rx.cond(WarehouseState.error != "", rx.text(WarehouseState.error, size="1", color="var(--red-11)")),
            align="center",
            spacing="2",
        ),
    )


def toolbar() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("play", size=14), "Run",
            on_click=QueryState.run,
            loading=QueryState.running,
            id="run-button",
            title="Run the selection, or everything (Ctrl+Enter); the statement at the cursor: Ctrl+Shift+Enter",
        ),
        rx.cond(
            QueryState.running,
            rx.hstack(
                rx.button(rx.icon("square", size=14), "Cancel", on_click=QueryState.cancel, color_scheme="red", variant="soft", id="cancel-button"),
                rx.text(QueryState.elapsed, " s", size="2", id="elapsed", font_family="var(--code-font-family)"),
                align="center",
            ),
        ),
        rx.button(rx.icon("bookmark", size=14), "Save", variant="soft", on_click=HistoryState.open_save),
        rx.button(rx.icon("wand-sparkles", size=14), "Format", variant="soft", on_click=QueryState.format_sql,
                  id="format-button", title="Format (Shift+Alt+F)"),
        warehouse_picker(),
        rx.spacer(),
        rx.text("Ctrl+Enter runs the selection or all · Ctrl+Shift+Enter the statement at the cursor", size="1", color="var(--gray-10)"),
        width="100%",
        align="center",
    )


def messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            QueryState.error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(
                    rx.cond(
                        QueryState.error_line > 0,
                        rx.el.strong(
                            "Line ", QueryState.error_line,
                            rx.cond(QueryState.error_column > 0, rx.fragment(", column ", QueryState.error_column), ""), ": ",
                        ),
                    ),
                    QueryState.error,
                    white_space="pre-wrap",
                    font_family="var(--code-font-family)",
                ),
                engine_sql(QueryState.error_engine_sql, "error-engine-sql"),
                color_scheme="red",
                role="alert",
                id="query-error",
                width="100%",
            ),
        ),
        rx.cond(
            QueryState.notice != "",
            rx.callout.root(rx.callout.text(QueryState.notice), color_scheme="gray", id="query-notice", width="100%"),
        ),
    )


def confirm_dialog() -> rx.Component:
    return confirm_alert(
        open_=QueryState.confirm_open,
        title=QueryState.confirm_title,
        description=rx.text(QueryState.confirm_detail, id="confirm-detail", as_="span"),
        confirm_label="Run it",
        on_confirm=QueryState.confirm,
        on_cancel=QueryState.dismiss_confirm,
        confirm_id="confirm-run",
    )


def save_dialog() -> rx.Component:
    return prompt_dialog(
        open_=HistoryState.save_open,
        title="Save query",
        value=HistoryState.save_name,
        on_change=HistoryState.set_save_name,
        on_submit=HistoryState.save,
        on_cancel=HistoryState.close_save,
        input_id="save-name",
        submit_id="save-confirm",
        submit_label="Save",
        error=HistoryState.save_error,
    )


def statements_list() -> rx.Component:
    def item(s: rx.Var, i: rx.Var) -> rx.Component:
        return rx.hstack(
            rx.badge(s["index"], variant=rx.cond(QueryState.selected == i, "solid", "soft")),
            rx.badge(s["status"], color_scheme=rx.match(s["status"], ("ok", "green"), ("cancelled", "gray"), "red")),
            rx.text(s["sql"], size="1", font_family="var(--code-font-family)", trim="end", max_width="60vw"),
            rx.text(s["rows"], " rows · ", s["time"], size="1", color="var(--gray-10)"),
            on_click=QueryState.select_statement(i),
            cursor="pointer",
            align="center",
        )

    return rx.cond(
        QueryState.statements.length() > 1,
        rx.vstack(rx.foreach(QueryState.statements, item), spacing="1", width="100%", id="statements"),
    )


def _tab(tab: rx.Var) -> rx.Component:
    active = TabsState.active == tab["id"]
    return rx.hstack(
        rx.cond(
            TabsState.rename_id == tab["id"],
            rx.input(value=TabsState.rename_draft, on_change=TabsState.set_rename_draft, on_blur=TabsState.rename,
                     on_key_down=TabsState.rename_key,
                     size="1", width="10em", auto_focus=True, class_name="tab-rename"),
            rx.text(tab["title"], size="2", weight=rx.cond(active, "bold", "regular"), on_click=TabsState.switch(tab["id"]),
                    on_double_click=TabsState.start_rename(tab["id"]), cursor="pointer", class_name="tab-title",
                    title="Double-click to rename"),
        ),
        rx.cond(active, rx.hstack(
            rx.icon_button(rx.icon("chevron-left", size=12), size="1", variant="ghost", on_click=TabsState.move_tab(tab["id"], -1),
                           aria_label="Move left", title="Move left"),
            rx.icon_button(rx.icon("chevron-right", size=12), size="1", variant="ghost", on_click=TabsState.move_tab(tab["id"], 1),
                           aria_label="Move right", title="Move right"),
            spacing="0",
        )),
        rx.icon_button(rx.icon("x", size=12), size="1", variant="ghost", color_scheme="gray", on_click=TabsState.close_tab(tab["id"]),
                       aria_label="Close tab", title="Close tab", class_name="tab-close"),
        padding_x="0.6em",
        padding_y="0.2em",
        border_bottom=rx.cond(active, "2px solid var(--accent-9)", "2px solid transparent"),
        align="center",
        spacing="1",
        class_name="editor-tab",
        data_active=rx.cond(active, "1", "0"),
    )


def tab_bar() -> rx.Component:
    return rx.hstack(
        rx.foreach(TabsState.tabs, _tab),
        rx.icon_button(rx.icon("plus", size=14), size="1", variant="soft", on_click=TabsState.new_tab,
                       aria_label="New tab", title="New tab", id="new-tab"),
        rx.cond(TabsState.error != "", rx.text(TabsState.error, size="1", color="var(--red-11)", id="tabs-error")),
        width="100%",
        spacing="1",
        align="center",
        wrap="wrap",
        id="editor-tabs",
        border_bottom="1px solid var(--gray-a5)",
    )


def _param(p: rx.Var) -> rx.Component:
    name = p["name"]
    return rx.hstack(
        rx.text(":" + name, size="1", font_family="var(--code-font-family)"),
        rx.input(value=p["value"], on_change=lambda v: QueryState.set_param_value(name, v), size="1", width="12em",
                 type=rx.match(p["type"], ("number", "number"), ("date", "date"), "text"), class_name="param-value"),
        rx.select(["text", "number", "date"], value=p["type"], on_change=lambda v: QueryState.set_param_type(name, v), size="1",
                  class_name="param-type"),
        spacing="1",
        align="center",
        class_name="param",
        data_name=name,
    )


def parameter_inputs() -> rx.Component:
    return rx.cond(
        QueryState.params.length() > 0,
        rx.hstack(rx.foreach(QueryState.params, _param), spacing="3", wrap="wrap", width="100%", id="parameters"),
    )


def sql_editor() -> rx.Component:
    return rx.vstack(
        tab_bar(),
        parameter_inputs(),
        code_editor(
            value=QueryState.editor_doc,
            key=QueryState.editor_key,
            on_change=QueryState.set_sql,
            on_cursor=QueryState.set_cursor,
            on_key_down=QueryState.on_editor_key,
            language="sql",
            error_at=QueryState.error_at,
            completion=QueryState.completion,
            id="sql-editor",
            height="16em",
            placeholder="SELECT … FROM samples.tpch.orders",
        ),
        toolbar(),
        messages(),
        statements_list(),
        confirm_dialog(),
        save_dialog(),
        width="100%",
        spacing="2",
    )
