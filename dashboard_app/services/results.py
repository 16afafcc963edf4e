"""Query results kept on the server, handed to the page one small page at a time.

Each result is an Arrow table owned by one session and one user, addressed by an unguessable
id (the id doubles as the download capability). Memory is bounded by a byte budget shared by
all users: when it is full, the results evicted are those of the users holding more than a
fair share of it (the budget divided by the users holding results), least recently used
first, so one user's large results never push out everyone else's. Each session (a browser
tab, an API statement, a chat) also keeps only its last few results. An evicted result's
owner is told which limit evicted it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .memory import release_in_background
from .sql import guard
from .sql.engine import QueryResult

log = logging.getLogger(__name__)

#: Longest text shown in one grid cell; the full value is one click away.
CELL_CHARS = 200
#: Widest page sent to the browser: a very wide result shows its first columns (downloads have all).
MAX_COLUMNS = 200
#: How many evicted ids keep their reason (for "why is my result gone?"), newest kept.
EVICTIONS_KEPT = 10_000
#: Freed result bytes after which the memory is handed back to the system (services/memory.py).
RELEASE_BYTES = 16 * 1024**2


@dataclass
class StoredResult:
    id: str
    owner: str  # the user the result belongs to (checked again on download)
    session: str
    sql: str
    result: QueryResult
    created: float = field(default_factory=time.time)
    _order_cache: dict[tuple[str, bool], pa.Array] = field(default_factory=dict, repr=False)

    @property
    def nbytes(self) -> int:
        return self.result.table.nbytes + sum(a.nbytes for a in self._order_cache.values())


@dataclass(frozen=True)
class Page:
    rows: list[list[str | None]]  # None is SQL NULL, distinct from ""
    offset: int
    total: int


class ResultNotFound(KeyError):
    """The result was evicted, or belongs to someone else. `reason` says why it was evicted
    (only to its owner; empty otherwise)."""

    def __init__(self, rid: str, reason: str = ""):
        super().__init__(rid)
        self.reason = reason


class ResultStore:
    def __init__(self, *, max_bytes: int = 1024**3, per_session: int = 8):
        self._max_bytes = max_bytes
        self._per_session = per_session
        self._items: OrderedDict[str, StoredResult] = OrderedDict()  # least recently used first
        self._sizes: dict[str, int] = {}  # the bytes each item is counted for
        self._by_session: dict[str, OrderedDict[str, None]] = {}
        self._by_owner: dict[str, OrderedDict[str, None]] = {}
        self._owner_bytes: dict[str, int] = {}
        self._total = 0
        self._evicted: OrderedDict[str, tuple[str, str]] = OrderedDict()  # id -> (owner, reason)
        self._freed = 0  # bytes removed since memory was last handed back
        self._lock = threading.Lock()

    def put(self, *, owner: str, session: str, sql: str, result: QueryResult) -> str:
        rid = secrets.token_urlsafe(18)
        item = StoredResult(rid, owner, session, sql, result)
        with self._lock:
            self._items[rid] = item
            self._by_session.setdefault(session, OrderedDict())[rid] = None
            self._by_owner.setdefault(owner, OrderedDict())[rid] = None
            self._count_locked(rid, item.nbytes)
            mine = self._by_session[session]
            while len(mine) > self._per_session:
                oldest = next(iter(mine))
                self._evict_locked(oldest, f"each tab or statement keeps its last {self._per_session} results, and this was an older one")
            self._fit_locked(keep=rid)
        self._release_if_freed()
        return rid

    def _release_if_freed(self) -> None:
        with self._lock:
            if self._freed < RELEASE_BYTES:
                return
            self._freed = 0
        release_in_background()

    def _count_locked(self, rid: str, size: int) -> None:
        owner = self._items[rid].owner
        delta = size - self._sizes.get(rid, 0)
        self._sizes[rid] = size
        self._total += delta
        self._owner_bytes[owner] = self._owner_bytes.get(owner, 0) + delta

    def _remove_locked(self, rid: str) -> StoredResult:
        item = self._items.pop(rid)
        size = self._sizes.pop(rid)
        self._total -= size
        self._freed += size
        self._owner_bytes[item.owner] -= size
        for index, key in ((self._by_session, item.session), (self._by_owner, item.owner)):
            index[key].pop(rid, None)
            if not index[key]:
                del index[key]
        if item.owner not in self._by_owner:
            del self._owner_bytes[item.owner]
        return item

    def _evict_locked(self, rid: str, reason: str) -> None:
        item = self._remove_locked(rid)
        self._evicted[rid] = (item.owner, reason)
        while len(self._evicted) > EVICTIONS_KEPT:
            self._evicted.popitem(last=False)
        # The id is a download capability: only its first characters go in the log.
        log.info("result %s… of %s evicted (%s bytes): %s", rid[:4], item.owner, f"{item.nbytes:,}", reason)

    def _fit_locked(self, keep: str) -> None:
        """Evicts until the budget holds: from the user furthest over a fair share, their least
        recently used result first; users within their share are never evicted for someone
        else. The result just stored (`keep`, about to be shown) stays even when it alone is
        over its share; it is then the first to go when anyone stores the next one."""
        while self._total > self._max_bytes:
            share = self._max_bytes // max(1, len(self._owner_bytes))
            over = sorted((o for o, n in self._owner_bytes.items() if n > share),
                          key=lambda o: self._owner_bytes[o] - share, reverse=True)
            victim = next((r for o in over for r in self._by_owner[o] if r != keep), None)
            if victim is None:
                return
            owner = self._items[victim].owner
            users = len(self._owner_bytes)
            why = (f"the server's result memory ({_size(self._max_bytes)}) was full, and this was your least recently "
                   f"used result" if users == 1 else
                   f"the server's result memory ({_size(self._max_bytes)}) was full, and your results held "
                   f"{_size(self._owner_bytes[owner])}, more than a fair share ({_size(share)} for each of {users} users); "
                   f"this was your least recently used one")
            self._evict_locked(victim, why)

    def get(self, rid: str, *, owner: str) -> StoredResult:
        with self._lock:
            item = self._items.get(rid)
            if item is None or item.owner != owner:
                evicted = self._evicted.get(rid) if item is None else None
                raise ResultNotFound(rid, evicted[1] if evicted and evicted[0] == owner else "")
            self._items.move_to_end(rid)
            self._by_session[item.session].move_to_end(rid)
            self._by_owner[item.owner].move_to_end(rid)
            return item

    def discard(self, rid: str, *, owner: str) -> None:
        """Forgets a result nobody shows any more (a sorted copy replaced by another)."""
        with self._lock:
            if rid in self._items and self._items[rid].owner == owner:
                self._remove_locked(rid)
        self._release_if_freed()

    def drop_session(self, session: str) -> None:
        with self._lock:
            for rid in list(self._by_session.get(session, ())):
                self._remove_locked(rid)
        self._release_if_freed()

    @property
    def nbytes(self) -> int:
        with self._lock:
            return self._total

    def usage(self) -> dict[str, int]:
        """Bytes held per user (for figures and tests)."""
        with self._lock:
            return dict(self._owner_bytes)

    def page(
        self, rid: str, *, owner: str, offset: int, limit: int, sort: str | None = None, descending: bool = False
    ) -> Page:
        item = self.get(rid, owner=owner)
        table = item.result.table
        total = table.num_rows
        offset = max(0, min(offset, max(total - 1, 0)))
        if sort and sort in table.column_names:
            order = self._order(item, sort, descending)
            view = table.take(order.slice(offset, limit))
        else:
            view = table.slice(offset, limit)
        if view.num_columns > MAX_COLUMNS:
            view = view.select(list(range(MAX_COLUMNS)))
        return Page(rows=format_rows(view), offset=offset, total=total)

    def _order(self, item: StoredResult, column: str, descending: bool) -> pa.Array:
        key = (column, descending)
        with self._lock:
            cached = item._order_cache.get(key)
        if cached is not None:
            return cached
        col = item.result.table.column(column)
        if pa.types.is_nested(col.type):
            # Arrow cannot order lists or structs: order by their text, as the grid shows them.
            col = pa.chunked_array([pa.array([None if v is None else format_value(v, limit=None) for v in col.to_pylist()], pa.string())])
        order = pc.sort_indices(
            pa.table({"k": col}), sort_keys=[("k", "descending" if descending else "ascending", "at_end")]
        )
        with self._lock:
            item._order_cache.clear()  # keep one sort order per result: memory stays ~1x
            item._order_cache[key] = order
            if item.id in self._items:  # the order counts against the budget too
                self._count_locked(item.id, item.nbytes)
                self._fit_locked(keep=item.id)
        self._release_if_freed()
        return order

    def row(self, rid: str, *, owner: str, row: int, sort: str | None = None, descending: bool = False) -> list[tuple[str, str | None]]:
        """One whole row, every value in full (the grid shortens long ones): (column, text)."""
        item = self.get(rid, owner=owner)
        table = item.result.table
        if not 0 <= row < table.num_rows:
            raise IndexError(row)
        index = row
        if sort and sort in table.column_names:
            index = self._order(item, sort, descending)[row].as_py()
        values = table.slice(index, 1).to_pylist()[0]
        return [(name, None if v is None else format_value(v, limit=None)) for name, v in zip(table.column_names, values.values())]


# What can stand as a subquery in FROM: one query, nothing that writes or only describes.
_QUERY_KINDS = frozenset({"SELECT", "UNION", "INTERSECT", "EXCEPT", "VALUES"})


def sorted_sql(sql: str, column: str, descending: bool) -> str | None:
    """`sql` run again sorted by one of its columns, so a result cut at the row limit is sorted
    as a whole; None unless `sql` is one read-only query. NULLs go where Databricks puts them
    by default (first ascending, last descending), spelled out so DuckDB agrees. Parameter
    markers stay in the text, to be bound as before; the caller still runs it through the gate."""
    verdict = guard.classify(sql)
    if not verdict.read_only or len(verdict.statements) != 1 or verdict.statements[0].kind not in _QUERY_KINDS:
        return None
    body = verdict.statements[0].sql  # first to last token: no trailing `;` or comment
    order = "DESC NULLS LAST" if descending else "ASC NULLS FIRST"
    # The body on lines of its own, so a `--` comment inside it cannot swallow the `)`.
    return f"SELECT * FROM (\n{body}\n) AS sorted ORDER BY {quote_identifier(column)} {order}"


def quote_identifier(name: str) -> str:
    """A Databricks identifier: backticks, with backticks inside doubled."""
    return "`" + name.replace("`", "``") + "`"


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}".replace(".0 ", " ")
    return f"{n:,} bytes"


def format_value(value: Any, *, limit: int | None = CELL_CHARS) -> str:
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, (dt.datetime,)):
        text = value.isoformat(sep=" ")
    elif isinstance(value, (dt.date, dt.time, decimal.Decimal)):
        text = str(value)
    elif isinstance(value, bytes):
        text = "0x" + value[:512].hex()
    elif isinstance(value, (list, dict, tuple)):
        text = json.dumps(value, default=str, ensure_ascii=False)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def format_rows(view: pa.Table) -> list[list[str | None]]:
    columns = [c.to_pylist() for c in view.columns]
    return [[None if col[i] is None else format_value(col[i]) for col in columns] for i in range(view.num_rows)]
