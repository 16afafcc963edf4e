"""/api/dashboards on a real socket: the FastAPI app served by granian (the server Reflex runs
in production; uvicorn is not a dependency), the embedded engine and a SQLite app database.
Every answer is checked: never a 5xx, and every error is JSON `{"error": {"code", "message"}}`."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time

import httpx
import pytest
import yaml

from dashboard_app.api.app import build
from dashboard_app.backend import Services
from dashboard_app.services.dashboards import example
from dashboard_app.services.history import HistoryStore
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.settings import Settings
from tests.unit.api_server import serve_asgi

ANA = {"X-Forwarded-Email": "ana@example.com"}
BOB = {"X-Forwarded-Email": "bob@example.com"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ORDERS_YAML = """\
version: 1
title: Orders in a period
parameters:
  - {name: period, type: date_range, default: ["1995-01-01", "1995-12-31"]}
  - {name: status, type: text, default: O}
tiles:
  - title: Orders
    sql: |
      SELECT o_orderkey, o_orderdate, o_orderstatus FROM samples.tpch.orders
      WHERE o_orderdate BETWEEN :period_start AND :period_end AND o_orderstatus = :status
      ORDER BY o_orderkey
  - title: How many
    sql: |
      SELECT count(*) AS n FROM samples.tpch.orders
      WHERE o_orderdate BETWEEN :period_start AND :period_end AND o_orderstatus = :status
    viz: {type: counter, value: n}
  - title: Broken
    sql: SELECT * FROM samples.tpch.no_such_table
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("app")
    settings = Settings(APP_DATA_DIR=str(data), DATABRICKS_APP_NAME="app", APP_AUDIT_LOG="file")  # type: ignore[call-arg]
    engine = LocalEngine(settings.data_dir)
    svc = Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
    try:
        with serve_asgi(build(), lambda: svc) as base:
            yield base, svc
    finally:
        engine.close()


@pytest.fixture
def api(served):
    """An httpx client on the server; after the test, every answer it got is checked."""
    base, svc = served
    answers: list[httpx.Response] = []
    with httpx.Client(base_url=base, timeout=60, event_hooks={"response": [answers.append]}) as client:
        yield client, svc
    for resp in answers:
        resp.read()
        where = f"{resp.request.method} {resp.request.url.path} -> {resp.status_code}"
        assert resp.status_code < 500, f"{where}: {resp.text[:300]}"
        if resp.status_code >= 400:
            assert resp.headers["content-type"].startswith("application/json"), where
            error = resp.json()["error"]
            assert set(error) == {"code", "message"}, where
            assert isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str) and error["message"]
            assert "Traceback" not in error["message"]


def post(client: httpx.Client, body: str | bytes, headers=ANA, content_type="application/yaml") -> httpx.Response:
    return client.post("/api/dashboards", content=body, headers={**headers, "Content-Type": content_type})


def imported(client: httpx.Client, body: str, headers=ANA) -> str:
    resp = post(client, body, headers)
    assert resp.status_code == 201, resp.text
    assert set(resp.json()) == {"id"}
    return resp.json()["id"]


def refreshed(client: httpx.Client, dashboard_id: str, parameters=None, headers=ANA) -> list[dict]:
    resp = client.post(f"/api/dashboards/{dashboard_id}/refresh", json={"parameters": parameters or {}}, headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()["tiles"]


def error_of(resp: httpx.Response) -> dict:
    return resp.json()["error"]


# --- list and import -------------------------------------------------------------------------


def test_the_list_shows_the_example(api):
    client, _ = api
    resp = client.get("/api/dashboards", headers=ANA)
    assert resp.status_code == 200
    listed = {d["id"]: d for d in resp.json()}
    ex = listed[example.EXAMPLE_ID]
    assert (ex["title"], ex["owner"]) == ("Sales overview", "analyst@localhost")
    assert set(ex) >= {"id", "title", "owner"}


def test_import_yaml_and_the_same_as_json(api):
    client, _ = api
    first = imported(client, ORDERS_YAML)
    as_json = json.dumps(yaml.safe_load(ORDERS_YAML), indent="\t")
    resp = post(client, as_json, content_type="application/json")
    assert resp.status_code == 201, resp.text
    second = resp.json()["id"]
    assert first != second
    listed = {d["id"]: d for d in client.get("/api/dashboards", headers=ANA).json()}
    assert listed[first]["owner"] == listed[second]["owner"] == "ana@example.com"
    assert listed[first]["title"] == listed[second]["title"] == "Orders in a period"
    exports = [client.get(f"/api/dashboards/{i}/export?format=json", headers=ANA).json() for i in (first, second)]
    assert exports[0] == exports[1]


@pytest.mark.parametrize(("body", "message"), [
    ("title: [unclosed", "neither valid YAML nor JSON (line 1"),
    ('{"title": "T", "tiles": [}', "neither valid YAML nor JSON"),
    ("description: no title", "title: missing"),
    ("title: T\ntiles: [{title: a, sql: 'SELECT 1', position: {w: wide}}]", "tiles[1].position.w"),
    ("title: T\nextra: 1", "extra: unknown field"),
    ("version: 9\ntitle: T", "unknown version 9"),
    ("[1, 2]", "one mapping"),
    ("", "one mapping"),
    ("title: T\ndescription: &a [*a]", "nested too deeply"),
])
def test_import_of_a_bad_file_is_400_naming_the_problem(api, body, message):
    client, _ = api
    before = len(client.get("/api/dashboards").json())
    resp = post(client, body)
    assert resp.status_code == 400, resp.text
    assert error_of(resp)["code"] == "INVALID_DASHBOARD" and message in error_of(resp)["message"]
    assert len(client.get("/api/dashboards").json()) == before  # nothing was created


def test_import_of_a_tile_that_writes_is_400_naming_the_tile(api):
    client, _ = api
    body = "title: T\ntiles:\n  - {title: Fine, sql: SELECT 1}\n  - {title: Drop it, sql: DROP TABLE main.default.x}\n"
    resp = post(client, body)
    assert resp.status_code == 400
    assert "tile 2 ('Drop it')" in error_of(resp)["message"] and "read-only" in error_of(resp)["message"]


def test_import_of_an_oversized_body_is_413(api):
    client, _ = api
    resp = post(client, "title: T\ndescription: " + "x" * (2 * 1024 * 1024))
    assert resp.status_code == 413 and error_of(resp)["code"] == "TOO_LARGE"


def test_import_of_an_alias_bomb_is_refused(api):
    client, _ = api
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    resp = post(client, "\n".join([*lines, "title: T"]))
    assert resp.status_code == 400 and "more than 100000 values" in error_of(resp)["message"]


def test_a_large_import_does_not_hold_up_other_requests(api):
    client, _ = api
    # Just under 1 MB of parameters: seconds of YAML parsing, then refused (version 2), so
    # nothing is stored. Meanwhile the server answers others: the parse is off the event loop.
    params = "".join(f"  - {{name: p{i}, type: text, default: 'value {i}', label: 'Parameter number {i}'}}\n" for i in range(11_000))
    body = "title: Big\nparameters:\n" + params + "version: 2\n"
    assert len(body) < 1024 * 1024
    done: dict[str, float] = {}

    def big() -> None:
        resp = post(client, body)
        done["import"] = time.perf_counter()
        done["status"] = resp.status_code

    worker = threading.Thread(target=big)
    worker.start()
    time.sleep(0.3)
    assert client.get("/api/dashboards", headers=ANA).status_code == 200
    done["list"] = time.perf_counter()
    worker.join(60)
    assert done["status"] == 400
    assert done["list"] < done["import"]  # the list did not wait for the parse


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_refreshes_the_same(api, fmt):
    client, _ = api
    resp = client.get(f"/api/dashboards/{example.EXAMPLE_ID}/export", params={"format": fmt}, headers=ANA)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/json" if fmt == "json" else "application/yaml")
    assert f'filename="sales_overview.{fmt}"' in resp.headers["content-disposition"]
    data = json.loads(resp.text) if fmt == "json" else yaml.safe_load(resp.text)
    assert data["version"] == 1 and data["title"] == "Sales overview" and len(data["tiles"]) == 5
    copy = imported(client, resp.text)
    again = client.get(f"/api/dashboards/{copy}/export", params={"format": fmt}, headers=ANA)
    assert again.text == resp.text
    for parameters in ({}, {"region": "AMERICA", "period": ["1996-01-01", "1996-06-30"]}):
        original, reimported = refreshed(client, example.EXAMPLE_ID, parameters), refreshed(client, copy, parameters)
        assert original == reimported
        assert [t["status"] for t in original] == ["ok"] * 5 and all(t["rows"] for t in original)


def test_export_of_an_unknown_format_is_400(api):
    client, _ = api
    resp = client.get(f"/api/dashboards/{example.EXAMPLE_ID}/export?format=xml", headers=ANA)
    assert resp.status_code == 400 and "format" in error_of(resp)["message"]


# --- refresh ---------------------------------------------------------------------------------


def test_refresh_with_parameters(api):
    client, svc = api
    did = imported(client, ORDERS_YAML)
    tiles = refreshed(client, did, {"period": ["1995-03-01", "1995-08-31"], "status": "F"})
    assert [t["title"] for t in tiles] == ["Orders", "How many", "Broken"]
    orders, count, broken = tiles
    assert set(orders) == {"title", "status", "columns", "rows", "row_count", "error"}
    assert orders["status"] == "ok" and orders["error"] == ""
    assert orders["columns"] == ["o_orderkey", "o_orderdate", "o_orderstatus"]
    assert count["rows"] == [[orders["row_count"]]] and orders["row_count"] > 100
    assert len(orders["rows"]) == 100  # at most 100 rows; row_count says how many there are
    for key, day, status in orders["rows"]:
        assert isinstance(key, int) and status == "F"
        assert ISO_DATE.match(day) and "1995-03-01" <= day <= "1995-08-31"
    direct = svc.engine.execute(
        "SELECT o_orderkey, o_orderdate FROM samples.tpch.orders WHERE o_orderdate BETWEEN DATE '1995-03-01' "
        "AND DATE '1995-08-31' AND o_orderstatus = 'F' ORDER BY o_orderkey LIMIT 100",
        identity=Identity(user="test"), row_limit=100, timeout_s=30,
    ).table.to_pylist()
    assert [[r["o_orderkey"], r["o_orderdate"].isoformat()] for r in direct] == [row[:2] for row in orders["rows"]]
    assert broken["status"] == "error" and "no_such_table" in broken["error"]
    assert (broken["columns"], broken["rows"], broken["row_count"]) == ([], [], 0)
    # Other values give other rows; the defaults apply when a value is left out.
    defaults = refreshed(client, did)
    assert defaults[1]["rows"] != count["rows"] and defaults[0]["rows"][0][2] == "O"


@pytest.mark.parametrize(("body", "message"), [
    ({"parameters": {"period": "1995"}}, "parameter 'period' must be two dates"),
    ({"parameters": {"period": ["1995-12-31", "1995-01-01"]}}, "start is after the end"),
    ({"parameters": {"period": ["1995-01-01", "1995-02-01'; DROP TABLE x; --"]}}, "parameter 'period' end must be a date"),
    ({"parameters": {"status": {"a": 1}}}, "parameter 'status' must be text"),
    ({"parameters": {"nope": 1}}, "unknown parameter 'nope'"),
    ({"parameters": [1]}, "parameters"),
    ({"parameters": {}, "extra": 1}, "extra"),
])
def test_refresh_with_a_bad_parameter_is_400(api, body, message):
    client, _ = api
    did = imported(client, ORDERS_YAML)
    resp = client.post(f"/api/dashboards/{did}/refresh", json=body, headers=ANA)
    assert resp.status_code == 400, resp.text
    assert message in error_of(resp)["message"]


def test_refresh_with_a_malformed_body_is_400(api):
    client, _ = api
    resp = client.post(f"/api/dashboards/{example.EXAMPLE_ID}/refresh", content=b"{not json", headers={**ANA, "Content-Type": "application/json"})
    assert resp.status_code == 400


def test_unknown_dashboard_is_404_everywhere(api):
    client, _ = api
    for resp in (
        client.post("/api/dashboards/nope/refresh", json={"parameters": {}}, headers=ANA),
        client.get("/api/dashboards/nope/export", headers=ANA),
        client.get("/api/dashboards/nope/tiles/0/download", headers=ANA),
        client.delete("/api/dashboards/nope", headers=ANA),
    ):
        assert resp.status_code == 404 and error_of(resp)["code"] == "NOT_FOUND"
    resp = client.get("/api/no/such/route")
    assert resp.status_code == 404 and error_of(resp)["code"] == "NOT_FOUND"


# --- download --------------------------------------------------------------------------------


def test_a_tile_downloads_as_csv(api):
    client, _ = api
    did = imported(client, ORDERS_YAML)
    parameters = {"period": ["1995-03-01", "1995-03-31"], "status": "F"}
    [orders, count, _] = refreshed(client, did, parameters)
    resp = client.get(f"/api/dashboards/{did}/tiles/0/download", params={"parameters": json.dumps(parameters)}, headers=ANA)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert 'filename="orders.csv"' in resp.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(resp.text)))
    assert table[0] == orders["columns"]
    assert len(table) - 1 == orders["row_count"] == count["rows"][0][0]  # every row, not the 100 shown
    assert [[int(k), d, s] for k, d, s in table[1:101]] == orders["rows"]


def test_tile_download_errors(api):
    client, _ = api
    did = imported(client, ORDERS_YAML)
    bad_json = client.get(f"/api/dashboards/{did}/tiles/0/download", params={"parameters": "{oops"}, headers=ANA)
    assert bad_json.status_code == 400
    bad_value = client.get(f"/api/dashboards/{did}/tiles/0/download", params={"parameters": '{"period": 5}'}, headers=ANA)
    assert bad_value.status_code == 400 and "period" in error_of(bad_value)["message"]
    for index in (3, -1):
        assert client.get(f"/api/dashboards/{did}/tiles/{index}/download", headers=ANA).status_code == 404
    broken = client.get(f"/api/dashboards/{did}/tiles/2/download", headers=ANA)
    assert broken.status_code == 409 and "no_such_table" in error_of(broken)["message"]


# --- delete ----------------------------------------------------------------------------------


def test_only_the_owner_deletes(api):
    client, _ = api
    did = imported(client, ORDERS_YAML, headers=ANA)
    refused = client.delete(f"/api/dashboards/{did}", headers=BOB)
    assert refused.status_code == 403 and error_of(refused)["code"] == "NOT_OWNER"
    assert client.get(f"/api/dashboards/{did}/export", headers=BOB).status_code == 200  # still there
    assert client.delete(f"/api/dashboards/{did}").status_code == 403  # nobody named: not the owner either
    deleted = client.delete(f"/api/dashboards/{did}", headers=ANA)
    assert deleted.status_code == 204 and deleted.content == b""
    assert client.get(f"/api/dashboards/{did}/export", headers=ANA).status_code == 404
    assert client.delete(f"/api/dashboards/{did}", headers=ANA).status_code == 404
    assert did not in {d["id"] for d in client.get("/api/dashboards", headers=ANA).json()}


def test_the_example_is_not_deletable_by_a_user(api):
    client, _ = api
    assert client.delete(f"/api/dashboards/{example.EXAMPLE_ID}", headers=BOB).status_code == 403
    assert example.EXAMPLE_ID in {d["id"] for d in client.get("/api/dashboards").json()}
