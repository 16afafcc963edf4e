"""Runs a dashboard's tiles: all at once up to a concurrency bound, each through the gate as
the caller, with results cached per (SQL, parameter values, identity) for a while. One tile's
failure is that tile's error; a newer refresh of the same view cancels what is still running.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

from ..sql import gate
from ..sql.engine import CancelScope, Identity, QueryCancelled, QueryEngine, QueryError, QueryResult
from .binding import bind, values_of
from .model import Dashboard, DashboardError, Parameter

MAX_CHOICES = 1_000


@dataclass(frozen=True)
class Limits:
    row_limit: int
    timeout_s: float
    read_only_mode: bool
    concurrency: int = 4
    cache_ttl_s: float = 60.0


@dataclass
class TileResult:
    index: int
    title: str
    status: str  # "ok" | "error" | "cancelled"
    result: QueryResult | None = None
    error: str = ""
    cached: bool = False
    elapsed_s: float = 0.0

    @property
    def row_count(self) -> int:
        return self.result.row_count if self.result is not None else 0


class ResultCache:
    """Results by (SQL, parameter values, identity), kept `ttl_s`; bounded in entries and bytes."""

    def __init__(self, max_entries: int = 256, max_bytes: int = 256 * 1024**2):
        self._items: OrderedDict[tuple, tuple[float, QueryResult]] = OrderedDict()
        self._max, self._max_bytes, self._bytes = max_entries, max_bytes, 0
        self._lock = threading.Lock()

    @staticmethod
    def key(sql: str, params: dict[str, Any], identity: Identity) -> tuple:
        # The user and the pool key: two people never share a cached result, since their
        # permissions may differ.
        return sql, tuple(sorted((k, repr(v)) for k, v in params.items())), identity.user, identity.pool_key

    def get(self, key: tuple, ttl_s: float) -> QueryResult | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None or time.monotonic() - hit[0] >= ttl_s:  # a TTL of 0 never serves
                return None
            self._items.move_to_end(key)
            return hit[1]

    def put(self, key: tuple, result: QueryResult) -> None:
        size = result.table.nbytes
        if size > self._max_bytes // 4:
            return  # one huge result would push out everyone else's
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1].table.nbytes
            self._items[key] = (time.monotonic(), result)
            self._bytes += size
            while len(self._items) > self._max or self._bytes > self._max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped.table.nbytes


@dataclass
class RefreshRun:
    """One refresh of one view; `cancel()` stops its tiles that are still running or queued."""

    scopes: list[CancelScope] = field(default_factory=list)
    cancelled: bool = False

    def scope(self) -> CancelScope:
        s = CancelScope()
        self.scopes.append(s)
        if self.cancelled:
            s.cancel()
        return s

    def cancel(self) -> None:
        self.cancelled = True
        for s in list(self.scopes):
            s.cancel()


class Refresher:
    def __init__(self, engine: QueryEngine, limits: Limits, cache: ResultCache | None = None):
        self.engine, self.limits = engine, limits
        self.cache = cache or ResultCache()

    def _run(self, sql: str, params: dict[str, Any], identity: Identity, scope: CancelScope, fresh: bool) -> tuple[QueryResult, bool]:
        key = ResultCache.key(sql, params, identity)
        if not fresh:
            hit = self.cache.get(key, self.limits.cache_ttl_s)
            if hit is not None:
                return hit, True
        result = gate.run_statement(
            self.engine, sql, identity=identity, confirmed=False, read_only_mode=self.limits.read_only_mode,
            row_limit=self.limits.row_limit, timeout_s=self.limits.timeout_s, scope=scope, params=params or None,
            source="dashboard",
        )
        self.cache.put(key, result)
        return result, False

    def _tile(self, dashboard: Dashboard, values: dict[str, Any], index: int, identity: Identity, run: RefreshRun, fresh: bool) -> TileResult:
        tile = dashboard.tiles[index]
        started = time.perf_counter()
        out = TileResult(index, tile.title, "ok")
        try:
            if run.cancelled:
                raise QueryCancelled("Cancelled")
            params = bind(dashboard, values, tile.sql, where=f"tile {index + 1}")
            out.result, out.cached = self._run(tile.sql, params, identity, run.scope(), fresh)
        except QueryCancelled:
            out.status, out.error = "cancelled", "Cancelled: the parameters changed or the page closed"
        except (QueryError, DashboardError) as err:
            out.status, out.error = "error", str(err)
        out.elapsed_s = time.perf_counter() - started
        return out

    async def tiles(
        self,
        dashboard: Dashboard,
        given: dict[str, Any] | None,
        identity: Identity,
        *,
        run: RefreshRun | None = None,
        fresh: bool = False,
        only: list[int] | None = None,
    ) -> AsyncIterator[TileResult]:
        """Each tile's result as it completes. Bad parameter values raise DashboardError first."""
        values = values_of(dashboard, given)
        run = run or RefreshRun()
        bound = asyncio.Semaphore(max(1, self.limits.concurrency))

        async def one(i: int) -> TileResult:
            async with bound:
                return await asyncio.to_thread(self._tile, dashboard, values, i, identity, run, fresh)

        indexes = range(len(dashboard.tiles)) if only is None else [i for i in only if 0 <= i < len(dashboard.tiles)]
        jobs = [asyncio.ensure_future(one(i)) for i in indexes]
        try:
            for job in asyncio.as_completed(jobs):
                yield await job
        finally:
            for job in jobs:
                job.cancel()

    async def all_tiles(self, dashboard: Dashboard, given: dict[str, Any] | None, identity: Identity, **kw: Any) -> list[TileResult]:
        """Every tile's result, in tile order."""
        out = [r async for r in self.tiles(dashboard, given, identity, **kw)]
        return sorted(out, key=lambda r: r.index)

    def choices(self, param: Parameter, identity: Identity) -> list[str]:
        """A list parameter's values: the first column of its values_sql, at most MAX_CHOICES."""
        result, _ = self._run(param.values_sql, {}, identity, CancelScope(), False)
        if result.table.num_columns == 0:
            return []
        seen: dict[str, None] = {}
        for v in result.table.column(0).to_pylist():
            if v is not None:
                seen.setdefault(str(v), None)
            if len(seen) >= MAX_CHOICES:
                break
        return list(seen)


