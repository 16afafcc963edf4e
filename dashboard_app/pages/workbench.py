"""The SQL workbench page: schema browser, editor, results / chart / history tabs."""

from __future__ import annotations

import reflex as rx

from ..components.chart_panel import chart_panel
from ..components.history_panel import history_panel
from ..components.layout import page_frame
from ..components.results_grid import results_grid
from ..components.schema_browser import schema_browser
from ..components.sql_editor import sql_editor
from ..state.base import AppState
from ..state.catalog import CatalogState
from ..state.chart import ChartState
from ..state.history import HistoryState
from ..state.tabs import TabsState
from ..state.warehouse import WarehouseState


def workbench() -> rx.Component:
    return page_frame(
        rx.hstack(
            rx.box(schema_browser(), width="280px", min_width="220px", max_height="85vh", overflow_y="auto"),
            rx.vstack(
                sql_editor(),
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger("Results", value="results"),
                        rx.tabs.trigger("Chart", value="chart", id="chart-tab"),
                        rx.tabs.trigger("History", value="history", id="history-tab"),
                    ),
                    rx.tabs.content(results_grid(), value="results", padding_top="0.75em"),
                    rx.tabs.content(chart_panel(), value="chart", padding_top="0.75em"),
                    rx.tabs.content(history_panel(), value="history", padding_top="0.75em"),
                    default_value="results",
                    on_change=ChartState.show,
                    width="100%",
                ),
                width="100%",
                min_width="0",
                spacing="3",
            ),
            width="100%",
            align="start",
            spacing="4",
        )
    )


ON_LOAD = [AppState.load_header, TabsState.load, CatalogState.load, HistoryState.load, WarehouseState.load]
