"""One tool call of an answer: what was called, its SQL, status and time, a preview of the
rows, a chart when one was made, and what can be done with it."""

from __future__ import annotations

import reflex as rx

from ..state.chat import ChatState
from .mini_table import mini_table

_STATUS_COLOR = {"ok": "green", "error": "red", "needs_confirmation": "amber", "running": "blue"}


def _status(card: rx.Var) -> rx.Component:
    status = card["status"].to(str)
    return rx.match(
        status,
        *[(k, rx.badge(k.replace("_", " "), color_scheme=c, size="1", class_name="tool-status")) for k, c in _STATUS_COLOR.items()],
        rx.badge(status, size="1", class_name="tool-status"),
    )


def tool_card(card: rx.Var, figures: rx.Var | None, key: rx.Var | None, index: rx.Var | None) -> rx.Component:
    """`figures`: the list the card's chart indexes into; `key`/`index` address the stored
    card for its buttons. All None while the turn runs (charts show once it is saved)."""
    actions = rx.fragment()
    if key is not None and index is not None:
        actions = rx.hstack(
            rx.cond(
                card["sql"].to(str) != "",
                rx.button(rx.icon("square-pen", size=14), "Open in SQL editor", size="1", variant="soft",
                          on_click=ChatState.open_in_editor(key, index), class_name="open-in-editor"),
            ),
            rx.cond(
                (card["status"].to(str) == "ok") & (card["sql"].to(str) != ""),
                rx.button(rx.icon("pin", size=14), "Pin to dashboard", size="1", variant="soft",
                          on_click=ChatState.pin(key, index), class_name="pin-answer"),
            ),
            rx.cond(
                card["proposal"].to(str) == "1",
                rx.button(rx.icon("play", size=14), "Run…", size="1", color_scheme="amber",
                          on_click=ChatState.run_proposal(key, index), class_name="run-proposal"),
            ),
            spacing="2",
            wrap="wrap",
        )
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.cond(card["label"].to(str) != "", rx.badge(card["label"].to(str), variant="solid", size="1", class_name="tool-label")),
                rx.code(card["name"].to(str), size="1"),
                _status(card),
                rx.cond(card["verified"].to(str) != "",
                        rx.badge(rx.icon("badge-check", size=12), "verified: " + card["verified"].to(str), color_scheme="green", size="1", class_name="verified-badge")),
                rx.spacer(),
                rx.cond(card["rows"].to(str) != "", rx.text(card["rows"].to(str) + " rows", size="1", color="var(--gray-10)")),
                rx.text(card["time"].to(str), size="1", color="var(--gray-10)"),
                width="100%",
                align="center",
                spacing="2",
            ),
            rx.cond(
                card["sql"].to(str) != "",
                rx.code_block(card["sql"].to(str), language="sql", wrap_long_lines=True, width="100%", font_size="12px", class_name="tool-sql"),
                rx.cond(card["arguments"].to(str) != "", rx.text(card["arguments"].to(str), size="1", color="var(--gray-11)", class_name="tool-args")),
            ),
            rx.cond(card["proposal"].to(str) == "1",
                    rx.callout.root(rx.callout.text("Not run: " + card["kind"].to(str) + rx.cond(card["objects"].to(str) != "", " on " + card["objects"].to(str), "")
                                                    + ". It changes data, so it runs only if you confirm it in the SQL editor."),
                                    color_scheme="amber", size="1", width="100%")),
            rx.cond(card["error"].to(str) != "", rx.text(card["error"].to(str), size="1", color="var(--red-11)", class_name="tool-error")),
            rx.cond(card["columns"].to(list[str]).length() > 0, mini_table(card["columns"], card["preview"], max_height="16em", width="100%")),
            rx.cond(
                card["figure"].to(int) >= 0,
                rx.box(rx.plotly.basic(data=figures[card["figure"].to(int)], use_resize_handler=True, width="100%", height="300px"),
                       width="100%", height="300px", class_name="tool-chart"),
            ) if figures is not None else rx.fragment(),
            actions,
            spacing="2",
            width="100%",
        ),
        id=card["anchor"].to(str),
        class_name="tool-card",
        data_status=card["status"].to(str),
        width="100%",
        size="1",
    )
