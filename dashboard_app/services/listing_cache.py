"""Listings (catalogs, schemas, tables) cached per identity for a while: users see different
catalogs, and a workspace's listing is a network call. Concurrent misses for one entry
share one fetch; identities beyond `max_identities` are dropped least recently used first.

Used by the catalog service (Unity Catalog listings) and by SQL completion.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable

_FAILED = object()


class ListingCache:
    def __init__(self, *, ttl_s: float, max_identities: int, max_entries: int | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.ttl_s = ttl_s
        self._max_identities = max(1, max_identities)
        self._max_entries = max_entries
        self._clock = clock
        # identity -> entry key -> (expires_at, value or _FAILED)
        self._entries: OrderedDict[str, OrderedDict[Hashable, tuple[float, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self._inflight: dict[tuple[str, Hashable], threading.Lock] = {}

    def get(self, ident: str, key: Hashable, load: Callable[[], Any], *, failure_ttl_s: float | None = None,
            failed: Any = None) -> Any:
        """The entry, loaded on a miss. A failing load raises, and nothing is kept; with
        `failure_ttl_s` the failure is kept that long instead and `failed` is returned."""
        hit = self._lookup(ident, key)
        if hit is not None:
            return failed if hit[0] is _FAILED else hit[0]
        with self._lock:
            flight = self._inflight.setdefault((ident, key), threading.Lock())
        with flight:  # one fetch per entry; the others wait, then read the cache
            hit = self._lookup(ident, key)
            if hit is not None:
                return failed if hit[0] is _FAILED else hit[0]
            try:
                value, ttl = load(), self.ttl_s
            except Exception:
                if failure_ttl_s is None:
                    with self._lock:
                        self._inflight.pop((ident, key), None)
                    raise
                value, ttl = _FAILED, min(self.ttl_s, failure_ttl_s)
            with self._lock:
                entries = self._entries.setdefault(ident, OrderedDict())
                self._entries.move_to_end(ident)
                entries[key] = (self._clock() + ttl, value)
                while self._max_entries is not None and len(entries) > self._max_entries:
                    entries.popitem(last=False)
                while len(self._entries) > self._max_identities:
                    self._entries.popitem(last=False)
                self._inflight.pop((ident, key), None)
        return failed if value is _FAILED else value

    def forget(self, ident: str | None = None, keep: Callable[[Hashable], bool] | None = None) -> None:
        """Drops entries: everyone's or one identity's; with `keep`, only those it rejects."""
        with self._lock:
            idents = [ident] if ident is not None else list(self._entries)
            for i in idents:
                if keep is None:
                    self._entries.pop(i, None)
                    continue
                entries = self._entries.get(i, {})
                for k in [k for k in entries if not keep(k)]:
                    del entries[k]

    def _lookup(self, ident: str, key: Hashable) -> tuple[Any] | None:
        with self._lock:
            entries = self._entries.get(ident)
            hit = entries.get(key) if entries else None
            if hit is None:
                return None
            if hit[0] <= self._clock():
                del entries[key]  # type: ignore[union-attr]
                return None
            self._entries.move_to_end(ident)
            entries.move_to_end(key)  # type: ignore[union-attr]
            return (hit[1],)
