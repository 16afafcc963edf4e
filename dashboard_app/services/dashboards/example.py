"""The example dashboard of the embedded default, installed on the first start."""

from __future__ import annotations

from pathlib import Path

from .model import parse
from .store import DashboardStore

EXAMPLE = Path(__file__).with_name("sales_overview.yaml")
EXAMPLE_ID = "example-sales-overview"


def install(store: DashboardStore, *, owner: str) -> None:
    """Adds the example to a store without dashboards (a first start, or every one deleted)."""
    if store.is_empty():
        store.create(owner, parse(EXAMPLE.read_text("utf-8")), dashboard_id=EXAMPLE_ID)
