"""Recent runs and saved queries; clicking one puts its SQL back in the editor."""

from __future__ import annotations

import reflex as rx

from reflex_base.vars.base import Var, VarData

from ..state.history import SLOTS, HistoryState, slot_name


def _runs_newest_first() -> Var:
    """The ring's slots (state/history.py) in the order the panel lists them, newest first,
    put together in the page: a new run sends one slot, and the rows follow it in order."""
    slots = [getattr(HistoryState, slot_name(k)) for k in range(SLOTS)]
    expr = (f"((s, n) => s.slice(n).concat(s.slice(0, n)).filter((r) => r && r.id))"
            f"([{', '.join(str(v) for v in slots)}], {HistoryState.newest})")
    data = VarData.merge(HistoryState.newest._get_all_var_data(), *(v._get_all_var_data() for v in slots))
    return Var(_js_expr=expr, _var_type=list[dict[str, str]], _var_data=data)


def _run(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["when"], white_space="nowrap"),
        rx.table.cell(rx.badge(r["status"], color_scheme=rx.match(r["status"], ("ok", "green"), ("cancelled", "gray"), "red"))),
        rx.table.cell(r["rows"]),
        rx.table.cell(r["duration"]),
        rx.table.cell(rx.text(r["sql"], font_family="var(--code-font-family)", size="1")),
        rx.table.cell(rx.button("Open", size="1", variant="soft", on_click=HistoryState.reopen(r["id"]))),
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
        rx.table.root(
            rx.table.header(rx.table.row(*(rx.table.column_header_cell(h) for h in ("When (UTC)", "Status", "Rows", "Time", "SQL", "")))),
            rx.table.body(rx.foreach(_runs_newest_first(), _run)),
            size="1",
            width="100%",
            id="history-table",
        ),
        width="100%",
        spacing="2",
    )
