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

    def _identity(self) -> Identity:
        """The caller, from the websocket's headers; never stored in a public var."""
        return resolve_identity(services().settings, self.router.headers.raw_headers)

    @rx.event
    def load_header(self):
        svc = services()
        self.user = self._identity().user
        self.backend_label = svc.engine.label
        self.read_only = svc.settings.read_only
