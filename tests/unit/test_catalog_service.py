"""CatalogService: Unity Catalog listings through the real SDK against the fake workspace."""

from __future__ import annotations

import threading

import pytest
from databricks.sdk.clock import Clock

from dashboard_app.services.catalog import CatalogService
from dashboard_app.services.databricks_auth import DatabricksAuth
from dashboard_app.services.sql.databricks import DatabricksEngine
from dashboard_app.services.sql.engine import ColumnInfo, Identity, QueryError, TableInfo
from dashboard_app.services.sql.errors import AuthError, PermissionDenied
from dashboard_app.settings import Settings
from tests.fakes.thrift_sql import small_samples
from tests.fakes.workspace import FakeWorkspace
from tests.fakes.workspace_routes import FakeUnityCatalog, tree_from_duckdb

PAT = "dapi-catalog-test"
SP = Identity(user="analyst@example.com", pool_key="sp")
COMMENTS = {
    "samples": "Databricks sample data",
    "samples.tpch": "TPC-H benchmark",
    "samples.tpch.orders": "One row per order",
    "samples.tpch.orders.o_totalprice": "Order total in USD",
}


class NoWaitClock(Clock):
    """The SDK's retry clock, without real waiting (its backoff sleeps up to a second)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class TtlClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def tree():
    con = small_samples()
    con.execute("CREATE VIEW samples.tpch.big_orders AS SELECT * FROM samples.tpch.orders WHERE o_totalprice > 300")
    con.execute("CREATE SCHEMA samples.nyctaxi")
    con.execute("CREATE TABLE samples.nyctaxi.trips AS SELECT 1.5 AS trip_distance")
    con.execute('CREATE TABLE main_db."default".notes (id INTEGER, body VARCHAR)')
    t = tree_from_duckdb(con, catalogs=["samples", "main_db"], comments=COMMENTS)
    t["main"] = t.pop("main_db")
    t["system"] = {"comment": "", "schemas": {}}
    con.close()
    return t


@pytest.fixture
def ws():
    with FakeWorkspace(tokens={PAT, "dapi-other"}) as ws:
        yield ws


@pytest.fixture
def uc(ws, tree):
    return FakeUnityCatalog(tree, page_size=2).register(ws)  # small pages: pagination is exercised


@pytest.fixture
def sdk_clock():
    return NoWaitClock()


def make_auth(ws: FakeWorkspace, clock: Clock, token: str = PAT) -> DatabricksAuth:
    settings = Settings(DATABRICKS_HOST=ws.url, DATABRICKS_TOKEN=token, DATABRICKS_WAREHOUSE_ID="w")  # type: ignore[call-arg]
    return DatabricksAuth(settings, config_kwargs={"clock": clock, "retry_timeout_seconds": 30})


@pytest.fixture
def ttl():
    return TtlClock()


@pytest.fixture
def service(ws, uc, sdk_clock, ttl):
    auth = make_auth(ws, sdk_clock)
    return CatalogService(auth.workspace_client, ttl_s=60, page_size=2, clock=ttl)


def uc_requests(ws: FakeWorkspace, what: str) -> int:
    return sum(1 for r in ws.requests if r.path == f"/api/2.1/unity-catalog/{what}")


def test_catalogs_across_pages(service, ws):
    assert service.list_catalogs(SP) == ["main", "samples", "system"]
    assert uc_requests(ws, "catalogs") == 2  # page size 2, three catalogs


def test_schemas_hide_information_schema(service):
    assert service.list_schemas(SP, "samples") == ["nyctaxi", "tpch"]
    assert service.list_schemas(SP, "main") == ["default"]


def test_tables_bring_kinds_comments_and_columns_in_one_sweep(service, ws):
    tables = service.list_tables(SP, "samples", "tpch")
    assert [t.name for t in tables] == ["big_orders", "nation", "orders", "region", "supplier"]
    assert TableInfo("orders", "TABLE", "One row per order") in tables
    assert TableInfo("big_orders", "VIEW", "") in tables
    sweeps = uc_requests(ws, "tables")
    assert sweeps == 3  # five tables, two per page
    cols = service.list_columns(SP, "samples", "tpch", "orders")
    assert cols[:2] == [ColumnInfo("o_orderkey", "bigint", ""), ColumnInfo("o_totalprice", "decimal(12,2)", "Order total in USD")]
    assert [c.name for c in cols] == ["o_orderkey", "o_totalprice", "o_orderdate", "o_comment"]
    assert service.list_columns(SP, "samples", "tpch", "NATION")[1] == ColumnInfo("n_name", "string", "")
    assert uc_requests(ws, "tables") == sweeps  # columns came with the sweep


def test_schemas_load_lazily_one_at_a_time(service, ws):
    service.list_tables(SP, "samples", "nyctaxi")
    assert {r.query["schema_name"][0] for r in ws.requests if r.path.endswith("/tables")} == {"nyctaxi"}


def test_cache_serves_repeats_until_the_ttl_passes(service, ws, ttl):
    service.list_catalogs(SP)
    service.list_tables(SP, "samples", "tpch")
    before = len(ws.requests)
    service.list_catalogs(SP)
    service.list_tables(SP, "samples", "tpch")
    service.list_columns(SP, "samples", "tpch", "orders")
    assert len(ws.requests) == before
    ttl.now += 61
    service.list_catalogs(SP)
    assert uc_requests(ws, "catalogs") == 4


def test_refresh_forgets_what_it_names(service, ws, uc):
    service.list_catalogs(SP)
    service.list_tables(SP, "samples", "tpch")
    service.list_tables(SP, "samples", "nyctaxi")
    uc.tree["samples"]["schemas"]["tpch"]["tables"]["lineitem"] = {"comment": "new", "table_type": "MANAGED", "columns": [("l_orderkey", "bigint", "")]}
    assert "lineitem" not in [t.name for t in service.list_tables(SP, "samples", "tpch")]
    tables_before, catalogs_before = uc_requests(ws, "tables"), uc_requests(ws, "catalogs")
    service.refresh(SP, "samples", "tpch")
    assert "lineitem" in [t.name for t in service.list_tables(SP, "samples", "tpch")]
    service.list_tables(SP, "samples", "nyctaxi")  # untouched schema: still cached
    service.list_catalogs(SP)
    assert uc_requests(ws, "catalogs") == catalogs_before
    assert uc_requests(ws, "tables") == tables_before + 3
    service.refresh()
    service.list_catalogs(SP)
    assert uc_requests(ws, "catalogs") == catalogs_before + 2


def test_each_identity_has_its_own_cache(service, ws):
    other = Identity(user="bob@example.com", pool_key="user:bob@example.com")
    service.list_catalogs(SP)
    service.list_catalogs(other)
    assert uc_requests(ws, "catalogs") == 4


def test_concurrent_callers_share_one_fetch(service, ws):
    barrier = threading.Barrier(4)
    results: list[list[str]] = []

    def call() -> None:
        barrier.wait()
        results.append(service.list_schemas(SP, "samples"))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [["nyctaxi", "tpch"]] * 4
    assert uc_requests(ws, "schemas") == 2  # one paginated fetch (two pages), not four


def test_unknown_catalog_and_table(service):
    with pytest.raises(QueryError) as info:
        service.list_schemas(SP, "nope")
    assert "nope" in str(info.value)
    with pytest.raises(QueryError):
        service.list_columns(SP, "samples", "tpch", "missing")


def test_forbidden_catalog_is_permission_denied(service, uc):
    uc.forbidden.add("main")
    with pytest.raises(PermissionDenied) as info:
        service.list_schemas(SP, "main")
    assert "USE CATALOG" in str(info.value)


def test_bad_token_is_an_auth_error(ws, uc, sdk_clock):
    auth = make_auth(ws, sdk_clock, token="dapi-revoked-token")
    svc = CatalogService(auth.workspace_client)
    with pytest.raises(AuthError) as info:
        svc.list_catalogs(SP)  # the workspace answers 403 "Invalid access token."
    assert "dapi-revoked-token" not in str(info.value)
    assert "DATABRICKS_TOKEN" in str(info.value) and not info.value.expired


@pytest.mark.parametrize("status", [429, 503])
def test_throttled_metadata_calls_are_retried_with_backoff(service, ws, sdk_clock, status):
    ws.fail("/api/2.1/unity-catalog/schemas", status, times=2)
    assert service.list_schemas(SP, "samples") == ["nyctaxi", "tpch"]
    assert len(sdk_clock.slept) == 2


def test_the_engine_delegates_listings_to_the_catalog_service(ws, uc, sdk_clock):
    auth = make_auth(ws, sdk_clock)
    engine = DatabricksEngine(auth.settings, auth=auth)
    try:
        assert engine.list_catalogs(SP) == ["main", "samples", "system"]
        assert engine.list_schemas(SP, "samples") == ["nyctaxi", "tpch"]
        assert "orders" in [t.name for t in engine.list_tables(SP, "samples", "tpch")]
        assert engine.list_columns(SP, "samples", "tpch", "region")[1].name == "r_name"
        with pytest.raises(AuthError):
            DatabricksEngine(auth.settings, auth=make_auth(ws, sdk_clock, token="dapi-bad")).list_catalogs(SP)
    finally:
        engine.close()
