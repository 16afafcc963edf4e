"""The SQL editor with its toolbar: run (button or Ctrl/Cmd+Enter), cancel, timer, save."""

from __future__ import annotations

import reflex as rx

from ..state.history import HistoryState
from ..state.query import QueryState
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


def sql_editor() -> rx.Component:
    return rx.vstack(
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
