"""The SQL editor's query tabs, per user, in the app database, so they survive a restart.

A tab belongs to one user: every read and change checks the owner, so someone else's tab id
answers "not found" (TabNotFound), as an unknown one does. Positions stay 0..n-1 in the
order the user sees. Closing the last tab leaves none; the caller then creates one
(`ensure_one`).

Pure SQLModel on the app database engine; must never import reflex.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from .clock import utc_now
from .sql.parameters import MAX_TEXT_VALUE, TYPES

MAX_TABS = 30  # per user
MAX_TAB_SQL_BYTES = 1024 * 1024  # UTF-8 bytes of one tab's SQL
MAX_TITLE = 100
MAX_PARAMS = 100  # parameters remembered per tab
MAX_ID = 200  # warehouse and result ids
DEFAULT_TITLE = "Query"

_PARAM_NAME = re.compile(r"[^\W\d]\w*")
_NUMBERED = re.compile(re.escape(DEFAULT_TITLE) + r" ([1-9][0-9]{0,5})")


class EditorTab(SQLModel, table=True):
    __tablename__ = "editor_tab"
    id: str = Field(primary_key=True)
    owner: str = Field(index=True)
    title: str
    sql: str = ""
    warehouse_id: str = ""
    result_id: str = ""
    params: str = "{}"  # JSON: {name: {"type": "text" | "number" | "date", "value": str}}
    position: int = 0
    updated_at: dt.datetime = Field(default_factory=utc_now)


class TabNotFound(LookupError):
    """No such tab for this user (never theirs, or closed)."""


class TooManyTabs(ValueError):
    """The user has MAX_TABS tabs open."""


class TabTooLarge(ValueError):
    """The SQL is larger than a tab holds; nothing was saved."""

    def __init__(self, size: int, limit: int = MAX_TAB_SQL_BYTES):
        super().__init__(
            f"This query is {size:,} bytes; a tab holds at most {limit:,} bytes (1 MiB). Nothing was saved."
        )
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class Tab:
    id: str
    owner: str
    title: str
    sql: str
    warehouse_id: str
    result_id: str
    params: dict[str, dict[str, str]]
    position: int
    updated_at: dt.datetime


def _tab(row: EditorTab) -> Tab:
    return Tab(
        row.id, row.owner, row.title, row.sql, row.warehouse_id, row.result_id,
        json.loads(row.params or "{}"), row.position, row.updated_at,
    )


# --- checks (before anything is written) -----------------------------------------------------


def _title(title: Any) -> str:
    if not isinstance(title, str):
        raise ValueError("A tab's name must be text")
    one = " ".join(title.split())
    if not one:
        raise ValueError("Give the tab a name")
    if len(one) > MAX_TITLE:
        raise ValueError(f"Tab names are limited to {MAX_TITLE} characters")
    return one


def _sql(sql: Any) -> str:
    if not isinstance(sql, str):
        raise ValueError("A tab's SQL must be text")
    size = len(sql.encode("utf-8", errors="surrogatepass"))
    if size > MAX_TAB_SQL_BYTES:
        raise TabTooLarge(size)
    return sql


def _ident(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"The {what} must be text")
    if len(value) > MAX_ID:
        raise ValueError(f"The {what} is longer than {MAX_ID} characters")
    return value


def _params(params: Any) -> str:
    """The parameters as stored JSON, after checking their shape."""
    if not isinstance(params, Mapping):
        raise ValueError("Parameters must be a mapping of name to {type, value}")
    if len(params) > MAX_PARAMS:
        raise ValueError(f"A tab remembers at most {MAX_PARAMS} parameters")
    out: dict[str, dict[str, str]] = {}
    for name, spec in params.items():
        if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
            raise ValueError(f"{name!r} is not a parameter name")
        if not isinstance(spec, Mapping):
            raise ValueError(f"Parameter :{name} must be {{type, value}}")
        kind, value = spec.get("type", "text"), spec.get("value", "")
        if kind not in TYPES:
            raise ValueError(f"Parameter :{name} has an unknown type {kind!r} (use text, number or date)")
        if not isinstance(value, str):
            raise ValueError(f"The value of :{name} must be text")
        if len(value) > MAX_TEXT_VALUE:
            raise ValueError(f"The value of :{name} is longer than {MAX_TEXT_VALUE:,} characters")
        out[name] = {"type": kind, "value": value}
    return json.dumps(out, ensure_ascii=False)


def _next_title(taken: set[str]) -> str:
    used = {int(m.group(1)) for t in taken if (m := _NUMBERED.fullmatch(t))}
    n = 1
    while n in used:
        n += 1
    return f"{DEFAULT_TITLE} {n}"


class TabStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        SQLModel.metadata.create_all(engine, tables=[EditorTab.__table__])  # type: ignore[attr-defined]
        self._lock = threading.Lock()  # SQLite allows one writer; the count and order checks need it too

    # --- reading ---------------------------------------------------------------------------------
    @staticmethod
    def _rows(s: Session, owner: str) -> list[EditorTab]:
        q = select(EditorTab).where(EditorTab.owner == owner).order_by(EditorTab.position, EditorTab.updated_at, EditorTab.id)  # type: ignore[arg-type]
        return list(s.exec(q))

    @staticmethod
    def _owned(s: Session, owner: str, tab_id: Any) -> EditorTab:
        row = s.get(EditorTab, tab_id) if isinstance(tab_id, str) and tab_id else None
        if row is None or row.owner != owner:
            raise TabNotFound("This tab does not exist (it may have been closed)")
        return row

    def list(self, owner: str) -> list[Tab]:
        with Session(self.engine) as s:
            return [_tab(r) for r in self._rows(s, owner)]

    def get(self, owner: str, tab_id: str) -> Tab:
        with Session(self.engine) as s:
            return _tab(self._owned(s, owner, tab_id))

    # --- changing --------------------------------------------------------------------------------
    def create(self, owner: str, title: str | None = None, sql: str = "") -> Tab:
        """A new tab at the end; without a title, the first free "Query N"."""
        chosen = None if title is None else _title(title)
        text = _sql(sql)
        with self._lock, Session(self.engine) as s:
            return _tab(self._create(s, owner, chosen, text))

    def _create(self, s: Session, owner: str, title: str | None, sql: str) -> EditorTab:
        rows = self._rows(s, owner)
        if len(rows) >= MAX_TABS:
            raise TooManyTabs(f"You can have at most {MAX_TABS} tabs open; close one to open another")
        row = EditorTab(
            id=uuid.uuid4().hex, owner=owner, title=title or _next_title({r.title for r in rows}),
            sql=sql, position=len(rows),
        )
        s.add(row)
        s.commit()
        s.refresh(row)
        return row

    def save(
        self,
        owner: str,
        tab_id: str,
        *,
        title: str | None = None,
        sql: str | None = None,
        warehouse_id: str | None = None,
        result_id: str | None = None,
        params: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Tab:
        """Change the given fields only (None leaves one as it is; "" clears an id). Every value
        is checked before anything is written: a refused change leaves the tab as it was."""
        changes: dict[str, Any] = {}
        if title is not None:
            changes["title"] = _title(title)
        if sql is not None:
            changes["sql"] = _sql(sql)
        if warehouse_id is not None:
            changes["warehouse_id"] = _ident(warehouse_id, "warehouse id")
        if result_id is not None:
            changes["result_id"] = _ident(result_id, "result id")
        if params is not None:
            changes["params"] = _params(params)
        with self._lock, Session(self.engine) as s:
            row = self._owned(s, owner, tab_id)
            if changes:
                for key, value in changes.items():
                    setattr(row, key, value)
                row.updated_at = utc_now()
                s.add(row)
                s.commit()
                s.refresh(row)
            return _tab(row)

    def rename(self, owner: str, tab_id: str, title: str) -> Tab:
        return self.save(owner, tab_id, title=title)

    def close(self, owner: str, tab_id: str) -> list[Tab]:
        """Delete the tab; the others keep their order. Returns the tabs left (maybe none)."""
        with self._lock, Session(self.engine) as s:
            s.delete(self._owned(s, owner, tab_id))
            s.flush()
            return self._renumber(s, self._rows(s, owner))

    def move(self, owner: str, tab_id: str, new_index: int) -> list[Tab]:
        """Put the tab at `new_index` (clamped to the ends) and return the tabs in order."""
        if isinstance(new_index, bool) or not isinstance(new_index, int):
            raise ValueError("The new position must be a whole number")
        with self._lock, Session(self.engine) as s:
            row = self._owned(s, owner, tab_id)
            rows = [r for r in self._rows(s, owner) if r.id != row.id]
            rows.insert(max(0, min(new_index, len(rows))), row)
            return self._renumber(s, rows)

    def ensure_one(self, owner: str) -> list[Tab]:
        """The user's tabs, after creating a first one if there are none."""
        with self._lock, Session(self.engine) as s:
            if not self._rows(s, owner):
                self._create(s, owner, None, "")
            return [_tab(r) for r in self._rows(s, owner)]

    @staticmethod
    def _renumber(s: Session, rows: list[EditorTab]) -> list[Tab]:
        for i, r in enumerate(rows):
            if r.position != i:
                r.position = i
                s.add(r)
        s.commit()
        return [_tab(r) for r in rows]
