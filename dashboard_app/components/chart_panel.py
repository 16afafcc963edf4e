"""Chart controls and the plotly chart of the displayed result."""

from __future__ import annotations

import reflex as rx

from ..services.charts import AGGREGATIONS, KINDS, ORDERS
from ..state.chart import ChartState


def _labelled(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="1", color="var(--gray-10)"), control, spacing="1")


# Labels for charts.ORDERS.
ORDER_LABELS = {"result": "As returned", "value_desc": "Value, high to low", "value_asc": "Value, low to high", "label": "Label, A to Z"}


def _order_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id="chart-order"),
        rx.select.content(*(rx.select.item(ORDER_LABELS[o], value=o) for o in ORDERS)),
        value=ChartState.order,
        on_change=ChartState.set_order,
        size="1",
    )


def chart_panel() -> rx.Component:
    controls = rx.hstack(
        _labelled("Type", rx.select(list(KINDS), value=ChartState.kind, on_change=ChartState.set_kind, size="1", id="chart-kind")),
        _labelled("X", rx.select(ChartState.all_columns, value=ChartState.x, on_change=ChartState.set_x, size="1", id="chart-x")),
        _labelled(
            "Y",
            rx.hstack(
                rx.foreach(
                    ChartState.ys,
                    lambda y: rx.badge(y, rx.icon("x", size=12, on_click=ChartState.remove_y(y), cursor="pointer"), variant="soft"),
                ),
                rx.select(ChartState.y_options, value="", placeholder="add…", on_change=ChartState.add_y, size="1", id="chart-y"),
                spacing="1",
                align="center",
            ),
        ),
        _labelled("Colour / group", rx.select(ChartState.color_options, value=ChartState.color, on_change=ChartState.set_color, size="1")),
        _labelled("Aggregate", rx.select(list(AGGREGATIONS), value=ChartState.agg, on_change=ChartState.set_agg, size="1", id="chart-agg")),
        _labelled("Order", _order_select()),
        rx.button("Suggest", on_click=ChartState.suggest, size="1", variant="soft"),
        wrap="wrap",
        spacing="4",
        align="end",
    )
    return rx.vstack(
        controls,
        rx.cond(ChartState.error != "", rx.callout.root(rx.callout.text(ChartState.error), color_scheme="amber", width="100%")),
        rx.cond(ChartState.note != "", rx.text(ChartState.note, size="1", color="var(--gray-10)")),
        rx.box(rx.plotly.basic(data=ChartState.figure, use_resize_handler=True, width="100%"), width="100%", id="chart"),
        width="100%",
        spacing="3",
    )
