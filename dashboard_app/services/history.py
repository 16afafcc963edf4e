"""Each user's query history and saved queries, in the app's own database.

Plain SQLModel on the same database URL that rxconfig gives Reflex (a SQLite file by default,
any SQLAlchemy URL in production), so this module needs no Reflex import and is tested alone.
"""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import UniqueConstraint
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, create_engine, select

from .clock import utc_now

MAX_SQL_CHARS = 1_000_000
HISTORY_KEEP = 500  # per user; older runs are pruned


class QueryRun(SQLModel, table=True):
    __tablename__ = "query_run"
    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(index=True)
    sql: str
    started_at: dt.datetime = Field(default_factory=utc_now, index=True)
    duration_ms: int = 0
    rows: int = 0
    truncated: bool = False
    status: str = "ok"  # ok | error | cancelled | timeout
    error: str = ""


class SavedQuery(SQLModel, table=True):
    __tablename__ = "saved_query"
    __table_args__ = (UniqueConstraint("user", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(index=True)
    name: str
    sql: str
    updated_at: dt.datetime = Field(default_factory=utc_now)


class HistoryStore:
    def __init__(self, url: str):
        connect_args = {"check_same_thread": False} if url.startswith("sqlite") else {}
        self.engine: Engine = create_engine(url, connect_args=connect_args)
        SQLModel.metadata.create_all(self.engine, tables=[QueryRun.__table__, SavedQuery.__table__])
        self._lock = threading.Lock()  # SQLite allows one writer; serialise ours

    def record(self, user: str, sql: str, *, duration_ms: int, rows: int, truncated: bool, status: str, error: str = "") -> QueryRun:
        """Adds a run to the user's history and returns it (with its id and time)."""
        with self._lock, Session(self.engine, expire_on_commit=False) as s:
            run = QueryRun(user=user, sql=sql[:MAX_SQL_CHARS], duration_ms=duration_ms, rows=rows,
                           truncated=truncated, status=status, error=error[:2000])
            s.add(run)
            s.commit()
            old = s.exec(
                select(QueryRun.id).where(QueryRun.user == user).order_by(QueryRun.id.desc()).offset(HISTORY_KEEP)  # type: ignore[union-attr]
            ).all()
            if old:
                for stale in s.exec(select(QueryRun).where(QueryRun.id.in_(old))):  # type: ignore[union-attr]
                    s.delete(stale)
                s.commit()
        return run

    def recent(self, user: str, limit: int = 50) -> list[QueryRun]:
        with Session(self.engine) as s:
            return list(s.exec(select(QueryRun).where(QueryRun.user == user).order_by(QueryRun.id.desc()).limit(limit)))  # type: ignore[union-attr]

    def get_run(self, user: str, run_id: int) -> QueryRun | None:
        with Session(self.engine) as s:
            run = s.get(QueryRun, run_id)
            return run if run is not None and run.user == user else None

    def save(self, user: str, name: str, sql: str) -> SavedQuery:
        name = name.strip()
        if not name:
            raise ValueError("Give the query a name")
        if len(name) > 200:
            raise ValueError("Names are limited to 200 characters")
        with self._lock, Session(self.engine) as s:
            existing = s.exec(select(SavedQuery).where(SavedQuery.user == user, SavedQuery.name == name)).first()
            item = existing or SavedQuery(user=user, name=name, sql=sql)
            item.sql, item.updated_at = sql[:MAX_SQL_CHARS], utc_now()
            s.add(item)
            s.commit()
            s.refresh(item)
            return item

    def saved(self, user: str) -> list[SavedQuery]:
        with Session(self.engine) as s:
            return list(s.exec(select(SavedQuery).where(SavedQuery.user == user).order_by(SavedQuery.name)))

    def get_saved(self, user: str, saved_id: int) -> SavedQuery | None:
        with Session(self.engine) as s:
            item = s.get(SavedQuery, saved_id)
            return item if item is not None and item.user == user else None

    def delete_saved(self, user: str, saved_id: int) -> None:
        with self._lock, Session(self.engine) as s:
            item = s.get(SavedQuery, saved_id)
            if item is not None and item.user == user:
                s.delete(item)
                s.commit()
