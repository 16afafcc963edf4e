"""The page frame: a header naming the backend and the user, and the navigation."""

from __future__ import annotations

import reflex as rx

from ..state.base import AppState


def _nav(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, size="3", weight="medium", underline="none")


def header() -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.icon("database-zap", size=22),
            rx.heading("Lakehouse workbench", size="4"),
            _nav("SQL", "/"),
            _nav("Dashboards", "/dashboards"),
            _nav("Chat", "/chat"),
            _nav("Files", "/files"),
            spacing="4",
            align="center",
        ),
        rx.spacer(),
        rx.hstack(
            rx.cond(AppState.read_only, rx.badge("read-only", color_scheme="amber")),
            rx.badge(AppState.backend_label, color_scheme="blue", variant="soft", size="2", id="backend-label"),
            rx.badge(rx.icon("user", size=14), AppState.user, variant="outline", size="2", id="user-label"),
            spacing="2",
            align="center",
        ),
        width="100%",
        padding_x="1em",
        padding_y="0.6em",
        border_bottom="1px solid var(--gray-a5)",
        align="center",
    )


def page_frame(*children: rx.Component) -> rx.Component:
    return rx.box(
        header(),
        rx.box(*children, padding="1em", width="100%"),
        width="100%",
        min_height="100vh",
    )
