"""One fake workspace host serving both the REST API and the SQL warehouse's Thrift endpoint,
as a real workspace does, so an app pointed at `DATABRICKS_HOST` finds both.

Thrift requests to `/sql/1.0/warehouses/<id>` are forwarded to a FakeSqlWarehouse (each has
its own id); everything else is the FakeWorkspace's, including the Files API (`files`, with
the app's default Volume folder). Who called with which token: `workspace.token_log`,
`files.calls[i].token`, and each warehouse's `statements` / `token_log`.
"""

from __future__ import annotations

import http.client
from typing import Iterable

from .files_api import FakeFiles
from .thrift_sql import FakeSqlWarehouse, small_samples
from .workspace import FakeWorkspace, Request, Response
from .workspace_routes import FakeUnityCatalog, FakeWarehouses, tree_from_duckdb


FILES_ROOT = "/Volumes/main/default/app_files"  # the app's default APP_FILES_ROOT on Databricks


class FakeDatabricks:
    def __init__(self, *, tokens: Iterable[str] = (), clients: dict[str, str] | None = None, warehouse_ids: Iterable[str] = ("fakewh0001",)):
        self.workspace = FakeWorkspace(tokens=set(tokens), clients=clients)
        self.con = small_samples()
        self.warehouses = {
            wid: FakeSqlWarehouse(self.con, tokens=tokens, workspace=self.workspace, http_path=f"/sql/1.0/warehouses/{wid}")
            for wid in warehouse_ids
        }
        self.warehouse_list = FakeWarehouses([{"id": wid, "name": f"Warehouse {i + 1}"} for i, wid in enumerate(self.warehouses)])
        self.catalog = FakeUnityCatalog(tree_from_duckdb(self.con, comments={"samples.tpch.region": "The five regions"}))
        self.warehouse_list.register(self.workspace)
        self.catalog.register(self.workspace)
        self.files = FakeFiles(self.workspace)
        self.files.add_dir(FILES_ROOT)
        self.workspace.route("POST", r"/sql/1\.0/warehouses/(?P<id>[^/]+)", self._forward, public=True)

    @property
    def url(self) -> str:
        return self.workspace.url

    def _forward(self, req: Request) -> Response:
        assert req.match is not None
        target = self.warehouses.get(req.match.group("id"))
        if target is None:
            return Response.error(404, "RESOURCE_DOES_NOT_EXIST", "No such warehouse")
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=120)
        try:
            headers = {k: v for k, v in req.headers.items() if k in ("authorization", "content-type", "user-agent")}
            conn.request("POST", target.http_path, body=req.body, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            passed = {k: v for k, v in resp.getheaders() if k.lower() in ("content-type", "retry-after")}
            return Response(resp.status, body, passed)
        finally:
            conn.close()

    def start(self) -> "FakeDatabricks":
        for wh in self.warehouses.values():
            wh.start()
        self.workspace.start()
        return self

    def stop(self) -> None:
        self.workspace.stop()
        for wh in self.warehouses.values():
            wh.stop()

    def __enter__(self) -> "FakeDatabricks":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
