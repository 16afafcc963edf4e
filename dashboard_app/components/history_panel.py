"""Recent runs and saved queries; clicking one puts its SQL back in the editor."""

from __future__ import annotations

import reflex as rx

from ..state.history import SLOTS, HistoryState, slot_name


def _run(k: int) -> rx.Component:
    # Slot k of the ring (state/history.py), placed by CSS `order`: a new run rewrites one
    # slot and `newest`, and the rows move without their contents being sent again.
    r = getattr(HistoryState, slot_name(k))
    return rx.cond(
        r["id"] != "",
        rx.el.tr(
            rx.el.td(r["when"].to(str), white_space="nowrap"),
            rx.el.td(rx.badge(r["status"], color_scheme=rx.match(r["status"], ("ok", "green"), ("cancelled", "gray"), "red"))),
            rx.el.td(r["rows"].to(str)),
            rx.el.td(r["duration"].to(str)),
            rx.el.td(r["sql"].to(str), class_name="history-sql"),
            rx.el.td(rx.button("Open", size="1", variant="soft", on_click=HistoryState.reopen(r["id"]))),
            style={"order": (HistoryState.newest * -1 + (k + SLOTS)) % SLOTS},
        ),
    )


def _saved(s: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.button(s["name"], size="1", variant="soft", on_click=HistoryState.open_saved(s["id"])),
        rx.text(s["sql"], size="1", font_family="var(--code-font-family)", color="var(--gray-10)", trim="end"),
        rx.spacer(),
        rx.icon_button(rx.icon("trash-2", size=12), size="1", variant="ghost", color_scheme="red", on_click=HistoryState.delete_saved(s["id"]), aria_label="Delete saved query " + s["name"].to(str), title="Delete"),
        width="100%",
        align="center",
    )


def history_panel() -> rx.Component:
    return rx.vstack(
        rx.heading("Saved queries", size="3"),
        rx.cond(HistoryState.saved.length() > 0, rx.vstack(rx.foreach(HistoryState.saved, _saved), width="100%", spacing="1"),
                rx.text("None yet: use Save next to Run.", size="2", color="var(--gray-10)")),
        rx.heading("Recent queries", size="3", margin_top="1em"),
        rx.el.table(
            rx.el.thead(rx.el.tr(*(rx.el.th(h) for h in ("When (UTC)", "Status", "Rows", "Time", "SQL", "")))),
            rx.el.tbody(*(_run(k) for k in range(SLOTS))),
            class_name="history-table",
            id="history-table",
        ),
        width="100%",
        spacing="2",
    )
