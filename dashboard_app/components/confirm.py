"""The app's two small dialogs: confirm a risky action, and ask for a name.

Escape closes every dialog and counts as Cancel. The dialogs are controlled (their `open` is
a state var), so Radix only *asks* to close; the cancel handler is what closes them:

- an alert dialog calls it from `on_escape_key_down` on its content. Not from the root's
  `on_open_change`: Radix also reports "closed" there after its Action button is clicked,
  which would queue a cancel right behind every confirmation.
- a plain dialog calls it from the root's `on_open_change(False)` (Escape, or a click outside).
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def cancel_on_close(on_cancel: Any):
    """An `on_open_change` handler for a controlled dialog: closing it means cancel."""
    return lambda is_open: rx.cond(is_open, rx.noop(), on_cancel)


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
            on_escape_key_down=on_cancel,
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
    """Asks for one line of text; Enter submits. A refusal (`error`) shows under the field,
    inside the dialog (id `<input_id>-error`), and the dialog stays open to correct it."""
    error_id = f"{input_id}-error"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.input(
                    value=value, on_change=on_change, placeholder=placeholder, id=input_id, auto_focus=True,
                    aria_invalid=rx.cond(error != "", "true", "false"), aria_describedby=error_id,
                ),
                rx.cond(error != "", rx.text(error, color="var(--red-11)", size="2", id=error_id, role="alert", margin_top="0.5em")),
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
        on_open_change=cancel_on_close(on_cancel),
    )
