"""Builds the process's services once, from Settings: the engine, results, history, files,
the per-user limits and the audit log.

The one place that decides between the embedded default and Databricks. No Reflex here:
state classes call `services()` and get plain Python objects back.
"""

from __future__ import annotations

import functools
import logging
import threading
import weakref
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .settings import Settings, ensure_writable_dir, get_settings
from .services.history import HistoryStore
from .services.limits import Limiter
from .services.results import ResultStore
from .services.sql import gate
from .services.sql.engine import Identity, QueryEngine

if TYPE_CHECKING:
    from .services.audit import AuditLog
    from .services.conversations import ConversationStore
    from .services.sql.completion import Completer
    from .services.tabs import TabStore
    from .services.llm.chat import ChatService
    from .services.dashboards.refresh import Refresher
    from .services.dashboards.store import DashboardStore
    from .services.files.store import FileStore

log = logging.getLogger(__name__)
_AUDIT_LOCK = threading.Lock()

#: Who the current file call is for. With APP_RUN_AS=user, file calls use that person's
#: forwarded token; the state sets it around each call (threads inherit it).
CALLER: ContextVar[Identity | None] = ContextVar("caller", default=None)


@dataclass
class Services:
    settings: Settings
    engine: QueryEngine
    results: ResultStore
    history: HistoryStore
    #: Per-user limits (APP_RATE_LIMIT_PER_MINUTE, APP_MAX_RUNNING_PER_USER), in memory. The
    #: gate applies them to every statement on `engine`; the files page and the API count
    #: file writes and chat messages with `limiter.acquire(user, "file_writes" | "chat")`.
    limiter: Limiter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        s = self.settings
        self.limiter = Limiter(per_minute=s.rate_limit_per_minute, max_running=s.max_running_per_user)
        if self.engine is not None:
            # Every statement on this engine, whoever calls the gate (the editor, a sort, the
            # tiles, the API, the agent), is counted and audited; the log is built on first use.
            # The policy reaches these Services weakly: the registry it lives in is keyed by the
            # engine, which these Services hold.
            me = weakref.ref(self)
            gate.attach(self.engine, gate.Policy(limiter=self.limiter, audit=lambda: _audit_of(me())))

    @functools.cached_property
    def audit(self) -> "AuditLog":
        from .services.audit import AuditLog, DatabaseTable

        if self.settings.effective_audit_log == "database":
            return AuditLog(DatabaseTable(self.history.engine), secrets=self.settings.secrets())
        return AuditLog(
            self.settings.data_dir / "audit.jsonl", secrets=self.settings.secrets(), max_bytes=self.settings.audit_max_bytes
        )

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
    def tabs(self) -> "TabStore":
        from .services.tabs import TabStore

        return TabStore(self.history.engine)

    @functools.cached_property
    def completer(self) -> "Completer":
        """The SQL editor's completion: the engine's listings by prefix, cached per user."""
        from .services.sql.completion import Completer

        return Completer(self.engine)

    @functools.cached_property
    def conversations(self) -> "ConversationStore":
        from .services.conversations import ConversationStore

        return ConversationStore(self.history.engine)

    @functools.cached_property
    def chat(self) -> "ChatService":
        from .services.llm.chat import ChatService

        return ChatService(self.settings, self.engine, self.results, self.conversations, lambda: self.files, self.limiter)

    @functools.cached_property
    def files(self) -> "FileStore":
        from .services.files import make_file_store

        return make_file_store(self.settings, self.workspace_client, self.audit)

    def workspace_client(self):  # noqa: ANN201 - databricks-sdk is imported only when configured
        from .services.databricks_auth import workspace_client

        caller = CALLER.get() if self.settings.run_as == "user" else None
        return workspace_client(self.settings, caller)


def _audit_of(svc: Services | None) -> "AuditLog | None":
    if svc is None:
        return None
    with _AUDIT_LOCK:  # the first statements may arrive together, from several threads
        return svc.audit


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
    svc = Services(
        settings=settings,
        engine=build_engine(settings),
        results=ResultStore(max_bytes=settings.result_memory_mb * 1024**2),
        history=HistoryStore(settings.effective_db_url),
    )
    if not settings.uses_databricks and settings.chat_model_configured:
        # An example agent and knowledge beside the sample data, once, before anyone looks.
        from .services.llm import knowledge

        try:
            knowledge.install_examples(svc.files, settings.local_user)
        except Exception:  # noqa: BLE001 - examples are a nicety; the chat works without them
            log.warning("could not install the example agent and knowledge files", exc_info=True)
    return svc
