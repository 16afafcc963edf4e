"""One confirmation dialog for every risky action: a title, what will happen, two buttons."""

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
