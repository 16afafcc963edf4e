"""/api/metadata on a real socket (granian, as in test_api_query.py): the listings of the
schema browser, from the embedded DuckDB engine with the sample data."""

from __future__ import annotations

import pytest

from dashboard_app.backend import Services
from dashboard_app.services.history import HistoryStore
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.engine import ColumnInfo, Identity, QueryError, TableInfo
from dashboard_app.services.sql.errors import AuthError, PermissionDenied
from dashboard_app.services.sql.local import LocalEngine
from tests.unit.test_api_query import ANA, checked_client, error_of, make_settings, serve

BASE = "/api/metadata/catalogs"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("metadata_app")
    settings = make_settings(data)
    engine = LocalEngine(settings.data_dir)
    svc = Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
    holder = {"svc": svc}
    with serve(lambda: holder["svc"]) as base:
        try:
            yield base, holder, svc
        finally:
            engine.close()


@pytest.fixture
def api(served):
    base, holder, svc = served
    holder["svc"] = svc
    with checked_client(base) as client:
        yield client, svc


def listed(client, path: str) -> list[dict]:
    resp = client.get(path, headers=ANA)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert set(body) == {"data", "count"} and body["count"] == len(body["data"])
    return body["data"]


def test_catalogs(api):
    client, svc = api
    data = listed(client, BASE)
    names = [c["name"] for c in data]
    assert {"samples", "main"} <= set(names)
    assert names == svc.engine.list_catalogs(Identity("ana@example.com"))  # the schema browser's listing


def test_schemas_of_a_catalog(api):
    client, _ = api
    data = listed(client, f"{BASE}/samples/schemas")
    assert {"tpch", "nyctaxi"} <= {s["name"] for s in data}
    assert all(s["catalog"] == "samples" for s in data)
    assert "default" in {s["name"] for s in listed(client, f"{BASE}/main/schemas")}


def test_tables_of_a_schema(api):
    client, _ = api
    data = listed(client, f"{BASE}/samples/schemas/tpch/tables")
    names = [t["name"] for t in data]
    assert {"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"} <= set(names)
    assert all(set(t) == {"name", "kind", "comment"} and t["kind"] in ("TABLE", "VIEW") for t in data)
    assert [t["name"] for t in listed(client, f"{BASE}/samples/schemas/nyctaxi/tables")] == ["trips"]


def test_columns_of_a_table(api):
    client, _ = api
    data = listed(client, f"{BASE}/samples/schemas/tpch/tables/nation/columns")
    assert [c["name"] for c in data] == ["n_nationkey", "n_name", "n_regionkey", "n_comment"]
    assert all(set(c) == {"name", "type", "comment"} and c["type"] for c in data)


def test_an_empty_schema_is_an_empty_list(api):
    client, svc = api
    svc.engine.execute("CREATE SCHEMA IF NOT EXISTS main.empty_one", identity=Identity("ana@example.com"), row_limit=1, timeout_s=30)
    assert listed(client, f"{BASE}/main/schemas/empty_one/tables") == []


@pytest.mark.parametrize(
    "path",
    [
        f"{BASE}/nope/schemas",
        f"{BASE}/samples/schemas/nope/tables",
        f"{BASE}/nope/schemas/tpch/tables",
        f"{BASE}/samples/schemas/tpch/tables/nope/columns",
        f"{BASE}/samples/schemas/nope/tables/nation/columns",
        f"{BASE}/samples%2Ftpch/schemas",
        f"{BASE}/samples/schemas/tpch'%20OR%20'1'='1/tables",
    ],
)
def test_unknown_names_are_404(api, path):
    client, _ = api
    resp = client.get(path, headers=ANA)
    assert resp.status_code == 404, resp.text


def test_malformed_names_are_4xx(api):
    client, _ = api
    for path in (f"{BASE}/{'x' * 300}/schemas", f"{BASE}/a%00b/schemas", f"{BASE}/a%0Ab/schemas"):
        resp = client.get(path, headers=ANA)
        assert resp.status_code in (400, 404), resp.text


def test_a_request_without_a_user_is_401(api):
    client, _ = api
    resp = client.get(BASE)
    assert resp.status_code == 401 and error_of(resp)["code"] == "UNAUTHENTICATED"


class FailingEngine:
    """An engine whose listings fail as Databricks' do: sign-in, permission, not found."""

    label = "failing"

    def __init__(self, error: QueryError):
        self.error = error

    def list_catalogs(self, identity):
        return ["main"]

    def list_schemas(self, identity, catalog):
        raise self.error

    def list_tables(self, identity, catalog, schema) -> list[TableInfo]:
        raise self.error

    def list_columns(self, identity, catalog, schema, table) -> list[ColumnInfo]:
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (AuthError("Your Databricks sign-in is no longer valid: reload the page.", expired=True), 401, "SIGN_IN_REQUIRED"),
        (PermissionDenied("Databricks refused access: no USE CATALOG"), 403, "FORBIDDEN"),
        (QueryError("Not found: Catalog 'nope' does not exist."), 404, "NOT_FOUND"),
    ],
)
def test_source_failures_keep_their_meaning(served, error, status, code):
    base, holder, svc = served
    holder["svc"] = Services(settings=svc.settings, engine=FailingEngine(error), results=ResultStore(), history=svc.history)  # type: ignore[arg-type]
    try:
        with checked_client(base) as client:
            where = f"{BASE}/nope/schemas" if code == "NOT_FOUND" else f"{BASE}/main/schemas"
            resp = client.get(where, headers=ANA)
            assert resp.status_code == status and error_of(resp)["code"] == code, resp.text
    finally:
        holder["svc"] = svc


def test_the_routes_are_in_the_openapi_document(api):
    client, _ = api
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert {
        BASE,
        f"{BASE}/{{catalog}}/schemas",
        f"{BASE}/{{catalog}}/schemas/{{schema}}/tables",
        f"{BASE}/{{catalog}}/schemas/{{schema}}/tables/{{table}}/columns",
    } <= paths
