"""The schema browser: catalogs, schemas, tables and columns, loaded lazily as nodes open.

The tree is flattened on the server into the rows currently visible, so the page renders a
simple list and never holds more than what is open.
"""

from __future__ import annotations

import asyncio
import re

import reflex as rx

from ..backend import services
from ..services.sql.engine import QueryError
from .base import AppState

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_CHILDREN = 300  # rows listed under one node; the filter reaches the rest


def quote(name: str) -> str:
    return name if _PLAIN.match(name) else "`" + name.replace("`", "``") + "`"


def qualified(*parts: str) -> str:
    return ".".join(quote(p) for p in parts)


class CatalogState(AppState):
    nodes: list[dict[str, str]] = []
    filter: str = ""
    error: str = ""
    loading: bool = False
    _children: dict[str, list[dict[str, str]]] = {}
    _open: list[str] = []

    @rx.event
    async def load(self):
        if "" not in self._children:
            await self._fetch("")
        self._flatten()

    @rx.event
    async def refresh(self):
        self.loading = True
        yield  # show the spinner while the metadata is fetched again
        self._children, self._open = {}, []
        await asyncio.to_thread(services().engine.refresh_metadata, self._identity())
        await self._fetch("")
        self._flatten()
        self.loading = False

    async def _fetch(self, key: str) -> None:
        engine, ident = services().engine, self._identity()
        parts = key.split("\x1f") if key else []
        try:
            if not parts:
                names = await asyncio.to_thread(engine.list_catalogs, ident)
                kids = [{"key": n, "label": n, "kind": "catalog", "detail": ""} for n in names]
            elif len(parts) == 1:
                names = await asyncio.to_thread(engine.list_schemas, ident, parts[0])
                kids = [{"key": f"{key}\x1f{n}", "label": n, "kind": "schema", "detail": ""} for n in names]
            elif len(parts) == 2:
                tables = await asyncio.to_thread(engine.list_tables, ident, parts[0], parts[1])
                kids = [{"key": f"{key}\x1f{t.name}", "label": t.name, "kind": "table", "detail": t.comment or t.kind.lower()} for t in tables]
            else:
                cols = await asyncio.to_thread(engine.list_columns, ident, *parts[:3])
                kids = [{"key": f"{key}\x1f{c.name}", "label": c.name, "kind": "column", "detail": c.type} for c in cols]
            self.error = ""
        except QueryError as err:
            self.error = str(err)
            kids = []
        self._children = {**self._children, key: kids}

    def _flatten(self) -> None:
        needle = self.filter.strip().lower()
        out: list[dict[str, str]] = []

        def walk(key: str, depth: int) -> bool:
            any_match = False
            shown = 0
            for node in self._children.get(key, []):
                if shown >= MAX_CHILDREN:
                    # Thousands of rows freeze the page: say how many more, and let the filter find them.
                    rest = sum(1 for n in self._children[key] if not needle or needle in n["label"].lower()) - shown
                    if rest > 0:
                        out.append({"key": key + "\x1f\x1e", "label": f"… {rest:,} more: type in the filter", "kind": "more",
                                    "detail": "", "depth": str(depth), "open": "0", "name": ""})
                    break
                is_open = node["key"] in self._open
                row_index = len(out)
                parts = node["key"].split("\x1f")
                out.append({
                    **node,
                    "depth": str(depth),
                    "open": "1" if is_open else "0",
                    "name": qualified(*parts[:3]) if node["kind"] != "column" else quote(parts[-1]),
                })
                child_match = walk(node["key"], depth + 1) if is_open else False
                match = not needle or needle in node["label"].lower() or child_match
                if not match:
                    del out[row_index:]
                else:
                    shown += 1
                any_match = any_match or match
            return any_match

        walk("", 0)
        self.nodes = out

    @rx.event
    async def toggle(self, key: str):
        if not isinstance(key, str) or key.count("\x1f") > 3:
            return
        if key in self._open:
            self._open = [k for k in self._open if k != key and not k.startswith(key + "\x1f")]
        else:
            if key not in self._children:
                await self._fetch(key)
            self._open = [*self._open, key]
        self._flatten()

    @rx.event
    def set_filter(self, value: str):
        if not isinstance(value, str):
            return
        self.filter = value[:200]
        self._flatten()

    @rx.event
    async def preview(self, key: str):
        from .query import QueryState

        if not isinstance(key, str):
            return
        parts = key.split("\x1f")
        if len(parts) < 3:
            return
        query = await self.get_state(QueryState)
        return await query._run_generated(f"SELECT * FROM {qualified(*parts[:3])} LIMIT 100")
