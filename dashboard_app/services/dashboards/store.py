"""Dashboards in the app database: anyone may open one; only its owner saves or deletes it.

A save carries the revision it was read at: a second editor saving an older revision gets
DashboardConflict and nothing is overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from ..clock import utc_now
from .model import Dashboard, DashboardError, from_data


class DashboardRow(SQLModel, table=True):
    __tablename__ = "dashboard"
    id: str = Field(primary_key=True)
    owner: str = Field(index=True)
    title: str
    body: str  # the dashboard as JSON, in the file format
    revision: int = 1
    updated_at: dt.datetime = Field(default_factory=utc_now)


class DashboardNotFound(DashboardError):
    """No such dashboard (or it was deleted)."""


class NotOwner(DashboardError):
    """Only the owner may change or delete a dashboard."""


class DashboardConflict(DashboardError):
    """Someone saved the dashboard since it was opened."""


@dataclass(frozen=True)
class Stored:
    id: str
    owner: str
    revision: int
    updated_at: dt.datetime
    dashboard: Dashboard


def _stored(row: DashboardRow) -> Stored:
    return Stored(row.id, row.owner, row.revision, row.updated_at, from_data(json.loads(row.body)))


class DashboardStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        SQLModel.metadata.create_all(engine, tables=[DashboardRow.__table__])
        self._lock = threading.Lock()  # SQLite allows one writer; the revision check needs it too

    def list(self) -> list[DashboardRow]:
        with Session(self.engine) as s:
            rows = s.exec(select(DashboardRow).order_by(DashboardRow.updated_at.desc())).all()  # type: ignore[attr-defined]
            return [DashboardRow(id=r.id, owner=r.owner, title=r.title, body="", revision=r.revision, updated_at=r.updated_at) for r in rows]

    def get(self, dashboard_id: str) -> Stored:
        with Session(self.engine) as s:
            row = s.get(DashboardRow, str(dashboard_id)) if isinstance(dashboard_id, str) else None
            if row is None:
                raise DashboardNotFound("This dashboard does not exist (it may have been deleted)")
            return _stored(row)

    def create(self, owner: str, dashboard: Dashboard, *, dashboard_id: str | None = None) -> Stored:
        row = DashboardRow(
            id=dashboard_id or uuid.uuid4().hex, owner=owner, title=dashboard.title,
            body=dashboard.laid_out().model_dump_json(),
        )
        with self._lock, Session(self.engine) as s:
            s.add(row)
            s.commit()
            s.refresh(row)
            return _stored(row)

    @staticmethod
    def _owned(s: Session, dashboard_id: str, owner: str, change: str) -> DashboardRow:
        row = s.get(DashboardRow, dashboard_id)
        if row is None:
            raise DashboardNotFound("This dashboard does not exist (it may have been deleted)")
        if row.owner != owner:
            raise NotOwner(f"Only its owner ({row.owner}) can {change} this dashboard: duplicate it to have your own copy")
        return row

    def save(self, dashboard_id: str, owner: str, dashboard: Dashboard, *, revision: int) -> Stored:
        with self._lock, Session(self.engine) as s:
            row = self._owned(s, dashboard_id, owner, "change")
            if row.revision != revision:
                raise DashboardConflict("Someone saved this dashboard since you opened it; nothing was overwritten")
            row.title, row.body = dashboard.title, dashboard.laid_out().model_dump_json()
            row.revision, row.updated_at = row.revision + 1, utc_now()
            s.add(row)
            s.commit()
            s.refresh(row)
            return _stored(row)

    def delete(self, dashboard_id: str, owner: str) -> None:
        with self._lock, Session(self.engine) as s:
            s.delete(self._owned(s, dashboard_id, owner, "delete"))
            s.commit()

    def duplicate(self, dashboard_id: str, owner: str) -> Stored:
        original = self.get(dashboard_id)
        copy = original.dashboard.model_copy(update={"title": f"Copy of {original.dashboard.title}"[:200]})
        return self.create(owner, copy)

    def is_empty(self) -> bool:
        with Session(self.engine) as s:
            return s.exec(select(DashboardRow.id).limit(1)).first() is None
