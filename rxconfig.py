"""Reflex configuration. Ports are given on the command line, never here (prod refuses two)."""

import reflex as rx

from dashboard_app.settings import SettingsError, load_settings

try:
    _settings = load_settings()
except SettingsError:
    # The app reports the bad setting itself at start, with a one-line message.
    _settings = None
_db_url = _settings.effective_db_url if _settings else None
# Who may connect (api/security.py decides per request; README "Who can reach the app").
# The host to listen on (launch.py passes the same as --backend-host), and the other sites
# allowed to call: given to Reflex's CORS and to socket.io only when configured, since an
# explicit list replaces Reflex's "*" (the app's own page is let through by the middleware).
_security: dict = {}
if _settings:
    _security["backend_host"] = _settings.effective_bind
    if _settings.allowed_origin_list:
        _security["cors_allowed_origins"] = list(_settings.allowed_origin_list)

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
    **_security,
)
