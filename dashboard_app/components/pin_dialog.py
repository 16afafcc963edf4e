""""Pin to dashboard" beside a result: the query (and its chart) becomes a tile."""

from __future__ import annotations

import reflex as rx

from ..state.dashboards import NEW, PinState


def pin_button() -> rx.Component:
    return rx.fragment(
        rx.button(rx.icon("pin", size=14), "Pin to dashboard", size="1", variant="soft", on_click=PinState.start, id="pin-button"),
        pinned_link(),
        pin_dialog(),
    )


def pinned_link() -> rx.Component:
    return rx.cond(
        PinState.pinned != "",
        rx.link("Open the dashboard", href="/dashboards/" + PinState.pinned, size="1", id="pinned-link"),
    )


def pin_dialog() -> rx.Component:
    """The dialog alone, for pages that open it from their own buttons (the chat's cards)."""
    return rx.dialog.root(
            rx.dialog.content(
                rx.dialog.title("Pin to dashboard"),
                rx.dialog.description("The query, and its chart if you made one, becomes a tile.", size="2"),
                rx.vstack(
                    rx.text("Dashboard", size="1", color="var(--gray-10)"),
                    rx.select.root(
                        rx.select.trigger(id="pin-target"),
                        rx.select.content(
                            rx.select.item("A new dashboard", value=NEW),
                            rx.foreach(PinState.targets, lambda t: rx.select.item(t["title"], value=t["id"])),
                        ),
                        value=PinState.target,
                        on_change=PinState.set_target,
                    ),
                    rx.text("Tile title", size="1", color="var(--gray-10)"),
                    rx.input(value=PinState.title, on_change=PinState.set_title, id="pin-title", width="100%"),
                    rx.cond(PinState.error != "", rx.callout.root(rx.callout.text(PinState.error), color_scheme="red", size="1", width="100%")),
                    rx.hstack(
                        rx.spacer(),
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", on_click=PinState.close)),
                        rx.button("Pin", on_click=PinState.pin, id="pin-confirm"),
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                    margin_top="0.5em",
                ),
            ),
            open=PinState.open,
            on_open_change=lambda _o: PinState.close(),
        )
