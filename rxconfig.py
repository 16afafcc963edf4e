"""Reflex configuration. Ports are given on the command line, never here (prod refuses two)."""

import reflex as rx

from dashboard_app.settings import SettingsError, load_settings

try:
    _db_url = load_settings().effective_db_url
except SettingsError:
    # The app reports the bad setting itself at start, with a one-line message.
    _db_url = None

config = rx.Config(
    app_name="dashboard_app",
    db_url=_db_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Results and clients live in process-level services, so session state is small and
    # kept in memory: no pickling to disk on every event.
    state_manager_mode="memory",
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="blue", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
