"""Unity Catalog metadata (catalogs, schemas, tables, columns with comments) via databricks-sdk.

Listings are cached per identity pool key for `ttl_s` (users see different catalogs), loaded
lazily: nothing until a catalog or schema is opened, and one paginated `tables.list` sweep
per schema, which brings every table's columns and comments along, so the schema browser
and the chat agent's column look-ups cost no further calls. `refresh()` forgets entries.
Concurrent callers asking for the same entry share one fetch.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .listing_cache import ListingCache
from .sql.engine import ColumnInfo, Identity, QueryError, TableInfo
from .sql.errors import from_sdk_error

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

_VIEW_TYPES = {"VIEW", "MATERIALIZED_VIEW", "METRIC_VIEW"}
HIDDEN_SCHEMAS = {"information_schema"}


@dataclass
class _Schema:
    tables: list[TableInfo]
    columns: dict[str, list[ColumnInfo]]


class CatalogService:
    def __init__(
        self,
        client_for: Callable[[Identity], "WorkspaceClient"],
        *,
        ttl_s: float = 300.0,
        page_size: int = 200,
        max_identities: int = 64,
        clock: Callable[[], float] = time.monotonic,
        error_mapper: Callable[[BaseException, Identity], QueryError] | None = None,
    ):
        self._client_for = client_for
        self.ttl_s = ttl_s
        self.page_size = page_size
        self._map = error_mapper or (lambda err, ident: from_sdk_error(err, secrets=[ident.token]))
        self._cache = ListingCache(ttl_s=ttl_s, max_identities=max_identities, clock=clock)

    # --- public -----------------------------------------------------------------------
    def list_catalogs(self, identity: Identity) -> list[str]:
        return self._get(identity, ("catalogs",), lambda w: sorted(c.name for c in w.catalogs.list(max_results=self.page_size) if c.name))

    def list_schemas(self, identity: Identity, catalog: str) -> list[str]:
        def load(w: "WorkspaceClient") -> list[str]:
            names = (s.name for s in w.schemas.list(catalog_name=catalog, max_results=self.page_size))
            return sorted(n for n in names if n and n.lower() not in HIDDEN_SCHEMAS)

        return self._get(identity, ("schemas", catalog), load)

    def list_tables(self, identity: Identity, catalog: str, schema: str) -> list[TableInfo]:
        return list(self._schema(identity, catalog, schema).tables)

    def list_columns(self, identity: Identity, catalog: str, schema: str, table: str) -> list[ColumnInfo]:
        loaded = self._schema(identity, catalog, schema)
        cols = loaded.columns.get(table.lower())
        if cols is None:
            raise QueryError(f"Table {catalog}.{schema}.{table} was not found (or you cannot see it).")
        return list(cols)

    def refresh(self, identity: Identity | None = None, catalog: str | None = None, schema: str | None = None) -> None:
        """Forgets cached listings: everything, or one identity's, narrowed to a catalog or schema."""
        def keep(k: Any) -> bool:
            return not (catalog is None or (len(k) > 1 and k[1] == catalog and (schema is None or k[2:] == (schema,))))

        self._cache.forget(identity.pool_key or identity.user if identity is not None else None, keep)

    # --- internals --------------------------------------------------------------------
    def _schema(self, identity: Identity, catalog: str, schema: str) -> _Schema:
        def load(w: "WorkspaceClient") -> _Schema:
            tables: list[TableInfo] = []
            columns: dict[str, list[ColumnInfo]] = {}
            listing = w.tables.list(
                catalog_name=catalog,
                schema_name=schema,
                max_results=self.page_size,
                omit_properties=True,
                omit_username=True,
            )
            for t in listing:
                if not t.name:
                    continue
                kind = t.table_type.value if t.table_type is not None else "TABLE"
                tables.append(TableInfo(t.name, "VIEW" if kind in _VIEW_TYPES else "TABLE", t.comment or ""))
                cols = sorted(t.columns or [], key=lambda c: c.position if c.position is not None else 1 << 30)
                columns[t.name.lower()] = [
                    ColumnInfo(c.name or "", c.type_text or (c.type_name.value.lower() if c.type_name else ""), c.comment or "")
                    for c in cols
                ]
            tables.sort(key=lambda t: t.name)
            return _Schema(tables, columns)

        return self._get(identity, ("tables", catalog, schema), load)

    def _get(self, identity: Identity, key: tuple, load: Callable[["WorkspaceClient"], Any]) -> Any:
        def fetch() -> Any:
            try:
                return load(self._client_for(identity))
            except QueryError:
                raise
            except Exception as err:  # noqa: BLE001 - SDK and network errors become QueryErrors
                raise self._map(err, identity) from None

        return self._cache.get(identity.pool_key or identity.user, key, fetch)
