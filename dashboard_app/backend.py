"""Builds the process's services once, from Settings: the engine, results, history, files.

The one place that decides between the embedded default and Databricks. No Reflex here:
state classes call `services()` and get plain Python objects back.
"""

from __future__ import annotations

import functools
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .settings import Settings, ensure_writable_dir, get_settings
from .services.history import HistoryStore
from .services.results import ResultStore
from .services.sql.engine import Identity, QueryEngine

if TYPE_CHECKING:
    from .services.audit import AuditLog
    from .services.dashboards.refresh import Refresher
    from .services.dashboards.store import DashboardStore
    from .services.files.store import FileStore

log = logging.getLogger(__name__)

#: Who the current file call is for. With APP_RUN_AS=user, file calls use that person's
#: forwarded token; the state sets it around each call (threads inherit it).
CALLER: ContextVar[Identity | None] = ContextVar("caller", default=None)


@dataclass
class Services:
    settings: Settings
    engine: QueryEngine
    results: ResultStore
    history: HistoryStore

    @functools.cached_property
    def audit(self) -> "AuditLog":
        from .services.audit import AuditLog, DatabaseTable

        if self.settings.effective_audit_log == "database":
            return AuditLog(DatabaseTable(self.history.engine), secrets=self.settings.secrets())
        return AuditLog(self.settings.data_dir / "audit.jsonl", secrets=self.settings.secrets())

    @functools.cached_property
    def dashboards(self) -> "DashboardStore":
        from .services.dashboards import example
        from .services.dashboards.store import DashboardStore

        store = DashboardStore(self.history.engine)
        if not self.settings.uses_databricks:
            example.install(store, owner=self.settings.local_user)
        return store

    @functools.cached_property
    def refresher(self) -> "Refresher":
        from .services.dashboards.refresh import Limits, Refresher

        s = self.settings
        limits = Limits(
            row_limit=s.max_result_rows, timeout_s=s.query_timeout_s, read_only_mode=s.read_only,
            concurrency=s.dashboard_concurrency, cache_ttl_s=s.dashboard_cache_s,
        )
        return Refresher(self.engine, limits)

    @functools.cached_property
    def files(self) -> "FileStore":
        from .services.files import make_file_store

        return make_file_store(self.settings, self.workspace_client, self.audit)

    def workspace_client(self):  # noqa: ANN201 - databricks-sdk is imported only when configured
        from .services.databricks_auth import workspace_client

        caller = CALLER.get() if self.settings.run_as == "user" else None
        return workspace_client(self.settings, caller)


def build_engine(settings: Settings) -> QueryEngine:
    if settings.uses_databricks:
        from .services.sql.databricks import DatabricksEngine

        return DatabricksEngine(settings)
    from .services.sql.local import LocalEngine

    return LocalEngine(settings.data_dir, settings.effective_files_root)


@functools.lru_cache(maxsize=1)
def services() -> Services:
    settings = get_settings()
    ensure_writable_dir(settings.data_dir)  # history and the audit log live there on any backend
    return Services(
        settings=settings,
        engine=build_engine(settings),
        results=ResultStore(),
        history=HistoryStore(settings.effective_db_url),
    )
