"""Query results kept on the server, handed to the page one small page at a time.

Each result is an Arrow table owned by one session and one user, addressed by an unguessable
id (the id doubles as the download capability). Memory is bounded by a byte budget shared by
all sessions, evicting the least recently used results first.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .sql import guard
from .sql.engine import QueryResult

#: Longest text shown in one grid cell; the full value is one click away.
CELL_CHARS = 200
#: Widest page sent to the browser: a very wide result shows its first columns (downloads have all).
MAX_COLUMNS = 200


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
    """The result expired (evicted) or belongs to someone else."""


class ResultStore:
    def __init__(self, *, max_bytes: int = 1024**3, per_session: int = 8):
        self._max_bytes = max_bytes
        self._per_session = per_session
        self._items: OrderedDict[str, StoredResult] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, *, owner: str, session: str, sql: str, result: QueryResult) -> str:
        rid = secrets.token_urlsafe(18)
        item = StoredResult(rid, owner, session, sql, result)
        with self._lock:
            self._items[rid] = item
            mine = [k for k, v in self._items.items() if v.session == session]
            for k in mine[: max(0, len(mine) - self._per_session)]:
                del self._items[k]
            self._evict_locked(keep=rid)
        return rid

    def _evict_locked(self, keep: str) -> None:
        total = sum(v.nbytes for v in self._items.values())
        for k in list(self._items):
            if total <= self._max_bytes:
                break
            if k == keep:
                continue
            total -= self._items.pop(k).nbytes

    def get(self, rid: str, *, owner: str) -> StoredResult:
        with self._lock:
            item = self._items.get(rid)
            if item is None or item.owner != owner:
                raise ResultNotFound(rid)
            self._items.move_to_end(rid)
            return item

    def discard(self, rid: str, *, owner: str) -> None:
        """Forgets a result nobody shows any more (a sorted copy replaced by another)."""
        with self._lock:
            if rid in self._items and self._items[rid].owner == owner:
                del self._items[rid]

    def drop_session(self, session: str) -> None:
        with self._lock:
            for k in [k for k, v in self._items.items() if v.session == session]:
                del self._items[k]

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(v.nbytes for v in self._items.values())

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
