"""The app's two small dialogs: confirm a risky action, and ask for a name."""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_alert(
    *,
    open_: Any,
    title: Any,
    description: rx.Component | Any,
    confirm_label: str,
    on_confirm: Any,
    on_cancel: Any,
    confirm_id: str,
    cancel_label: str = "Cancel",
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.flex(
                rx.alert_dialog.cancel(rx.button(cancel_label, variant="soft", color_scheme="gray", on_click=on_cancel)),
                rx.alert_dialog.action(rx.button(confirm_label, color_scheme="red", on_click=on_confirm, id=confirm_id)),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=open_,
    )


def prompt_dialog(
    *,
    open_: Any,
    title: Any,
    value: Any,
    on_change: Any,
    on_submit: Any,
    on_cancel: Any,
    input_id: str,
    submit_id: str,
    submit_label: str = "OK",
    error: Any = "",
    placeholder: str = "name",
) -> rx.Component:
    """Asks for one line of text; Enter submits."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.input(value=value, on_change=on_change, placeholder=placeholder, id=input_id, auto_focus=True),
                rx.cond(error != "", rx.text(error, color="var(--red-11)", size="2")),
                rx.flex(
                    rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=on_cancel),
                    rx.button(submit_label, type="submit", id=submit_id),
                    spacing="3",
                    justify="end",
                    margin_top="1em",
                ),
                on_submit=lambda _data: on_submit(),
            ),
        ),
        open=open_,
    )
