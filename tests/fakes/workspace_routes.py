"""REST routes for FakeWorkspace: SQL warehouses and Unity Catalog listings.

    ws = FakeWorkspace(tokens={"dapi-test"})
    warehouses = FakeWarehouses([{"id": "abc", "name": "Shared", "state": "RUNNING"}]).register(ws)
    uc = FakeUnityCatalog(tree_from_duckdb(con, comments=...), page_size=2).register(ws)

Unity Catalog lists paginate like the service: `max_results` (0 or absent: the server's page
size) and an opaque `page_token`; a page says `next_page_token` while more remain.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping

import duckdb

from .workspace import FakeWorkspace, Request, Response

# catalog -> {"comment", "schemas": {schema -> {"comment", "tables": {table -> {
#     "comment", "table_type", "columns": [(name, type_text, comment), ...]}}}}}
Tree = dict[str, dict[str, Any]]


def tree_from_duckdb(
    con: duckdb.DuckDBPyConnection,
    *,
    catalogs: list[str] | None = None,
    comments: Mapping[str, str] | None = None,
) -> Tree:
    """A Unity Catalog tree from DuckDB's information_schema; `comments` keys are dotted names."""
    comments = dict(comments or {})
    rows = con.execute(
        "SELECT c.table_catalog, c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type "
        "FROM information_schema.columns c JOIN information_schema.tables t USING (table_catalog, table_schema, table_name) "
        "WHERE c.table_schema NOT IN ('information_schema', 'pg_catalog') ORDER BY 1, 2, 3, c.ordinal_position"
    ).fetchall()
    tree: Tree = {}
    for cat, sch, tbl, ttype, col, dtype in rows:
        if catalogs is not None and cat not in catalogs:
            continue
        c = tree.setdefault(cat, {"comment": comments.get(cat, ""), "schemas": {}})
        s = c["schemas"].setdefault(sch, {"comment": comments.get(f"{cat}.{sch}", ""), "tables": {}})
        t = s["tables"].setdefault(
            tbl,
            {
                "comment": comments.get(f"{cat}.{sch}.{tbl}", ""),
                "table_type": "VIEW" if ttype == "VIEW" else "MANAGED",
                "columns": [],
            },
        )
        t["columns"].append((col, _type_text(dtype), comments.get(f"{cat}.{sch}.{tbl}.{col}", "")))
    return tree


def _type_text(duck_type: str) -> str:
    t = duck_type.lower()
    return {"varchar": "string", "integer": "int", "hugeint": "decimal(38,0)", "real": "float"}.get(t, t)


def _page(req: Request, items: list[dict], key: str, server_page: int) -> Response:
    max_results = int(req.arg("max_results", "0") or 0)
    if max_results < 0:
        return Response.error(400, "INVALID_PARAMETER_VALUE", "max_results must be >= 0")
    size = min(max_results, server_page) if max_results > 0 else server_page
    start = int(req.arg("page_token", "0") or 0)
    body: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        body["next_page_token"] = str(start + size)
    return Response.json(body)


class FakeUnityCatalog:
    def __init__(self, tree: Tree, *, page_size: int = 50):
        self.tree = copy.deepcopy(tree)
        self.page_size = page_size
        self.forbidden: set[str] = set()  # catalog names answering 403

    def register(self, ws: FakeWorkspace) -> "FakeUnityCatalog":
        base = r"/api/2\.1/unity-catalog"
        ws.route("GET", base + r"/catalogs", self._catalogs)
        ws.route("GET", base + r"/schemas", self._schemas)
        ws.route("GET", base + r"/tables", self._tables)
        ws.route("GET", base + r"/tables/(?P<full_name>[^/]+)", self._table)
        return self

    def _catalog(self, name: str | None) -> tuple[dict | None, Response | None]:
        if name in self.forbidden:
            return None, Response.error(403, "PERMISSION_DENIED", f"User does not have USE CATALOG on Catalog '{name}'.")
        cat = self.tree.get(name or "")
        if cat is None:
            return None, Response.error(404, "CATALOG_DOES_NOT_EXIST", f"Catalog '{name}' does not exist.")
        return cat, None

    def _catalogs(self, req: Request) -> Response:
        items = [{"name": n, "comment": c.get("comment", ""), "catalog_type": "MANAGED_CATALOG"} for n, c in sorted(self.tree.items())]
        return _page(req, items, "catalogs", self.page_size)

    def _schemas(self, req: Request) -> Response:
        cat_name = req.arg("catalog_name")
        cat, err = self._catalog(cat_name)
        if err:
            return err
        assert cat is not None
        items = [
            {"name": n, "catalog_name": cat_name, "full_name": f"{cat_name}.{n}", "comment": s.get("comment", "")}
            for n, s in sorted(cat["schemas"].items())
        ]
        items.append({"name": "information_schema", "catalog_name": cat_name, "full_name": f"{cat_name}.information_schema"})
        return _page(req, items, "schemas", self.page_size)

    def _table_json(self, cat: str, sch: str, name: str, t: dict, with_columns: bool) -> dict:
        out: dict[str, Any] = {
            "name": name,
            "catalog_name": cat,
            "schema_name": sch,
            "full_name": f"{cat}.{sch}.{name}",
            "table_type": t.get("table_type", "MANAGED"),
            "comment": t.get("comment", ""),
        }
        if with_columns:
            out["columns"] = [
                {"name": c, "type_text": tt, "type_name": tt.split("(")[0].upper(), "comment": cm, "position": i, "nullable": True}
                for i, (c, tt, cm) in enumerate(t["columns"])
            ]
        return out

    def _tables(self, req: Request) -> Response:
        cat_name, sch_name = req.arg("catalog_name"), req.arg("schema_name")
        cat, err = self._catalog(cat_name)
        if err:
            return err
        assert cat is not None
        sch = cat["schemas"].get(sch_name or "")
        if sch is None:
            return Response.error(404, "SCHEMA_DOES_NOT_EXIST", f"Schema '{cat_name}.{sch_name}' does not exist.")
        with_columns = (req.arg("omit_columns", "false") or "false").lower() != "true"
        items = [self._table_json(cat_name or "", sch_name or "", n, t, with_columns) for n, t in sorted(sch["tables"].items())]
        return _page(req, items, "tables", self.page_size)

    def _table(self, req: Request) -> Response:
        assert req.match is not None
        cat_name, sch_name, name = (req.match.group("full_name").split(".") + ["", "", ""])[:3]
        cat, err = self._catalog(cat_name)
        if err:
            return err
        assert cat is not None
        t = cat["schemas"].get(sch_name, {}).get("tables", {}).get(name)
        if t is None:
            return Response.error(404, "TABLE_DOES_NOT_EXIST", f"Table '{cat_name}.{sch_name}.{name}' does not exist.")
        return Response.json(self._table_json(cat_name, sch_name, name, t, True))


class FakeWarehouses:
    """`/api/2.0/sql/warehouses` list and get; change `.items[id]["state"]` to move a warehouse."""

    def __init__(self, warehouses: list[Mapping[str, Any]], *, hostname: str = "127.0.0.1"):
        self.items: dict[str, dict[str, Any]] = {}
        for w in warehouses:
            item = {"state": "RUNNING", "cluster_size": "2X-Small", "warehouse_type": "PRO", **dict(w)}
            item.setdefault(
                "odbc_params",
                {"hostname": hostname, "path": f"/sql/1.0/warehouses/{item['id']}", "port": 443, "protocol": "https"},
            )
            self.items[item["id"]] = item

    def register(self, ws: FakeWorkspace) -> "FakeWarehouses":
        ws.route("GET", r"/api/2\.0/sql/warehouses", self._list)
        ws.route("GET", r"/api/2\.0/sql/warehouses/(?P<id>[^/]+)", self._get)
        return self

    def _list(self, req: Request) -> Response:
        return Response.json({"warehouses": list(self.items.values())})

    def _get(self, req: Request) -> Response:
        assert req.match is not None
        item = self.items.get(req.match.group("id"))
        if item is None:
            return Response.error(404, "RESOURCE_DOES_NOT_EXIST", f"Warehouse {req.match.group('id')} does not exist.")
        return Response.json(item)
