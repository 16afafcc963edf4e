"""The root app state: who is asking and which backend answers, shown in every header."""

from __future__ import annotations

import reflex as rx

from ..backend import services
from ..services.sql.engine import Identity
from ..identity import resolve_identity


class AppState(rx.State):
    user: str = ""
    backend_label: str = ""
    read_only: bool = False

    def _assign(self, **values) -> None:
        """Sets only the vars whose value changes: an assignment sends the var to the page
        even when its value stays the same."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _identity(self) -> Identity:
        """The caller, from the websocket's headers; never stored in a public var."""
        settings = services().settings
        # Headers count only inside a Databricks App; reading them costs as much as a page flip.
        return resolve_identity(settings, self.router.headers.raw_headers if settings.is_databricks_app else {})

    @rx.event
    def load_header(self):
        svc = services()
        self.user = self._identity().user
        self.backend_label = svc.engine.label
        self.read_only = svc.settings.read_only
