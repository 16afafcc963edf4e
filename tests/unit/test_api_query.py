"""/api/query on a real socket: the FastAPI app served by granian (as test_api_dashboards.py
does), the embedded DuckDB engine with the sample data. Every answer is checked: never a 5xx,
and every error is JSON `{"error": {"code", "message"}}`.

`serve` and `checked_client` are shared with test_api_files.py and test_api_metadata.py."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Any, Callable, Iterator

import httpx
import pytest

from dashboard_app.api.app import build
from dashboard_app.backend import Services
from dashboard_app.services import statements
from dashboard_app.services.history import HistoryStore
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.settings import Settings
from tests.unit.api_server import serve_asgi

ANA = {"X-Forwarded-Email": "ana@example.com"}
BOB = {"X-Forwarded-Email": "bob@example.com"}
SLOW = "SELECT count(*) FROM samples.tpch.lineitem a, samples.tpch.lineitem b"
NATION = "SELECT n_nationkey, n_name FROM samples.tpch.nation ORDER BY n_nationkey"


# --------------------------------------------------------------------------- shared helpers


def make_settings(data_dir, **env: Any) -> Settings:
    """Settings of a Databricks App (so X-Forwarded-Email names the caller) on a local folder."""
    return Settings(APP_DATA_DIR=str(data_dir), DATABRICKS_APP_NAME="app", APP_AUDIT_LOG="file", **env)  # type: ignore[call-arg]


def serve(current: Callable[[], Services]) -> contextlib.AbstractContextManager[str]:
    """The API app on granian on a free port, answering with `current()` services; yields its URL."""
    return serve_asgi(build(), current)


def check_answers(answers: list[httpx.Response]) -> None:
    for resp in answers:
        resp.read()
        where = f"{resp.request.method} {resp.request.url} -> {resp.status_code}"
        assert resp.status_code < 500, f"{where}: {resp.text[:300]}"
        if resp.status_code >= 400:
            assert resp.headers["content-type"].startswith("application/json"), where
            error = resp.json()["error"]
            assert set(error) == {"code", "message"}, where
            assert isinstance(error["code"], str) and error["code"] and isinstance(error["message"], str) and error["message"]
            assert "Traceback" not in error["message"] and 'File "' not in error["message"], where


@contextlib.contextmanager
def checked_client(base: str) -> Iterator[httpx.Client]:
    """An httpx client on the server; afterwards every answer it got is checked."""
    answers: list[httpx.Response] = []
    with httpx.Client(base_url=base, timeout=60, event_hooks={"response": [answers.append]}) as client:
        yield client
    check_answers(answers)


def error_of(resp: httpx.Response) -> dict:
    return resp.json()["error"]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("app")
    settings = make_settings(data)
    engine = LocalEngine(settings.data_dir)
    history = HistoryStore(settings.effective_db_url)
    svc = Services(settings=settings, engine=engine, results=ResultStore(), history=history)
    read_only = Services(settings=make_settings(data, APP_READ_ONLY=True), engine=engine, results=ResultStore(), history=history)
    holder = {"svc": svc}
    with serve(lambda: holder["svc"]) as base:
        try:
            yield base, holder, svc, read_only
        finally:
            for s in (svc, read_only):
                statements.registry_for(s.results).cancel_all()
            engine.close()


@pytest.fixture
def api(served):
    base, holder, svc, _ = served
    holder["svc"] = svc
    with checked_client(base) as client:
        yield client, svc


def run(client: httpx.Client, statement: str, headers=ANA, **body: Any) -> httpx.Response:
    return client.post("/api/query", json={"statement": statement, **body}, headers=headers)


def succeeded(client: httpx.Client, statement: str, headers=ANA, **body: Any) -> dict:
    resp = run(client, statement, headers, wait_timeout="50s", **body)
    assert resp.status_code == 200, resp.text
    answer = resp.json()
    assert answer["status"]["state"] == "SUCCEEDED", answer
    return answer


def poll(client: httpx.Client, statement_id: str, until: Callable[[dict], bool], headers=ANA, timeout_s: float = 30) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        resp = client.get(f"/api/query/{statement_id}", headers=headers)
        assert resp.status_code == 200, resp.text
        answer = resp.json()
        if until(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def tables_in_main(svc: Services) -> list[str]:
    return [t.name for t in svc.engine.list_tables(Identity("ana@example.com"), "main", "default")]


# --------------------------------------------------------------------------- running


def test_a_select_succeeds_with_manifest_and_rows(api):
    client, _ = api
    answer = succeeded(client, NATION)
    assert set(answer) == {"statement_id", "status", "manifest", "result"}
    assert answer["status"] == {"state": "SUCCEEDED"}
    manifest = answer["manifest"]
    assert [c["name"] for c in manifest["schema"]["columns"]] == ["n_nationkey", "n_name"]
    assert all(set(c) == {"name", "type_name"} and c["type_name"] for c in manifest["schema"]["columns"])
    assert manifest["total_row_count"] == 25 and manifest["truncated"] is False
    rows = answer["result"]["data_array"]
    assert len(rows) == 25 and rows[0][0] == 0 and isinstance(rows[0][1], str)
    assert answer["result"]["next_offset"] is None


def test_values_are_json_safe(api):
    client, _ = api
    answer = succeeded(
        client,
        "SELECT o_orderdate, o_totalprice, CAST(NULL AS STRING) AS nothing, array(1, 2) AS arr, "
        "CAST('2024-01-02 03:04:05' AS TIMESTAMP) AS ts FROM samples.tpch.orders ORDER BY o_orderkey LIMIT 1",
    )
    [[date, price, nothing, arr, ts]] = answer["result"]["data_array"]
    assert len(date) == 10 and date[4] == "-"  # ISO date
    assert isinstance(price, (str, float)) and float(price) > 0
    assert nothing is None and arr == [1, 2] and ts.startswith("2024-01-02T03:04:05")


def test_parameters_are_bound_natively(api):
    client, _ = api
    answer = succeeded(client, "SELECT :n + 1 AS x, :s AS s, :b AS b", parameters={"n": 41, "s": "it's", "b": True})
    assert answer["result"]["data_array"] == [[42, "it's", True]]
    answer = succeeded(client, "SELECT n_name FROM samples.tpch.nation WHERE n_nationkey = :k", parameters={"k": 7})
    assert answer["result"]["data_array"] == [["GERMANY"]]


def test_a_failing_statement_is_200_failed_with_the_engine_message(api):
    client, _ = api
    resp = run(client, "SELECT * FROM samples.tpch.no_such_table", wait_timeout="50s")
    assert resp.status_code == 200
    answer = resp.json()
    assert answer["status"]["state"] == "FAILED"
    assert "no_such_table" in answer["status"]["error"]["message"]
    assert "manifest" not in answer and "result" not in answer
    # Polling says the same.
    again = client.get(f"/api/query/{answer['statement_id']}", headers=ANA).json()
    assert again["status"] == answer["status"]


def test_a_slow_statement_runs_on_is_polled_and_cancelled(api):
    client, _ = api
    resp = run(client, SLOW, wait_timeout="0s")
    assert resp.status_code == 200, resp.text
    first = resp.json()
    assert first["status"]["state"] in ("PENDING", "RUNNING")
    assert "manifest" not in first and "result" not in first
    sid = first["statement_id"]
    assert len(sid) >= 32  # unguessable
    running = poll(client, sid, lambda a: a["status"]["state"] == "RUNNING")
    assert running["status"]["state"] == "RUNNING"
    # Someone else sees nothing, and cannot cancel it.
    assert client.get(f"/api/query/{sid}", headers=BOB).status_code == 404
    assert client.post(f"/api/query/{sid}/cancel", headers=BOB).status_code == 404
    cancel = client.post(f"/api/query/{sid}/cancel", headers=ANA)
    assert cancel.status_code == 200, cancel.text
    final = cancel.json() if cancel.json()["status"]["state"] == "CANCELED" else poll(
        client, sid, lambda a: a["status"]["state"] != "RUNNING"
    )
    assert final["status"]["state"] == "CANCELED"
    assert poll(client, sid, lambda a: True)["status"]["state"] == "CANCELED"
    # Cancelling what already ended is refused, saying so.
    again = client.post(f"/api/query/{sid}/cancel", headers=ANA)
    assert again.status_code == 409 and error_of(again)["code"] == "ALREADY_FINISHED"
    assert "CANCELED" in error_of(again)["message"]


def test_a_short_wait_answers_then_polling_gets_the_rows(api):
    client, _ = api
    resp = run(client, NATION, wait_timeout="0s")
    sid = resp.json()["statement_id"]
    answer = poll(client, sid, lambda a: a["status"]["state"] == "SUCCEEDED")
    assert answer["manifest"]["total_row_count"] == 25 and len(answer["result"]["data_array"]) == 25
    done = client.post(f"/api/query/{sid}/cancel", headers=ANA)
    assert done.status_code == 409 and "SUCCEEDED" in error_of(done)["message"]


def test_paging_with_offset_and_limit(api):
    client, _ = api
    sid = succeeded(client, NATION)["statement_id"]

    def page(**params):
        resp = client.get(f"/api/query/{sid}", params=params, headers=ANA)
        assert resp.status_code == 200, resp.text
        return resp.json()["result"]

    middle = page(offset=10, limit=5)
    assert [r[0] for r in middle["data_array"]] == [10, 11, 12, 13, 14] and middle["next_offset"] == 15
    last = page(offset=20, limit=10)
    assert [r[0] for r in last["data_array"]] == [20, 21, 22, 23, 24] and last["next_offset"] is None
    beyond = page(offset=100, limit=10)
    assert beyond == {"data_array": [], "next_offset": None}
    # Walking the pages gives every row once.
    seen, offset = [], 0
    while offset is not None:
        chunk = page(offset=offset, limit=7)
        seen += [r[0] for r in chunk["data_array"]]
        offset = chunk["next_offset"]
    assert seen == list(range(25))


def test_row_limit_cuts_and_is_capped(api):
    client, svc = api
    answer = succeeded(client, NATION, row_limit=3)
    assert answer["manifest"]["total_row_count"] == 3 and answer["manifest"]["truncated"] is True
    huge = succeeded(client, NATION, row_limit=10**30)  # capped by the server's limit, not refused
    assert huge["manifest"]["total_row_count"] == 25


# --------------------------------------------------------------------------- the gate


def test_a_write_without_confirm_is_409_and_nothing_runs(api):
    client, svc = api
    resp = run(client, "CREATE TABLE main.default.t AS SELECT 1 AS x")
    assert resp.status_code == 409
    error = error_of(resp)
    assert error["code"] == "CONFIRMATION_REQUIRED"
    assert "CREATE" in error["message"] and "main.default.t" in error["message"]
    assert "t" not in tables_in_main(svc)
    ran = succeeded(client, "CREATE TABLE main.default.t AS SELECT 1 AS x", confirm=True)
    assert ran["status"]["state"] == "SUCCEEDED"
    assert "t" in tables_in_main(svc)
    assert succeeded(client, "SELECT x FROM main.default.t")["result"]["data_array"] == [[1]]


@pytest.mark.parametrize("text", ["SELEC 1", "SELECT FROM WHERE (", "DROP TABLE samples.tpch.nation"])
def test_unparseable_or_writing_text_needs_confirmation(api, text):
    client, svc = api
    resp = run(client, text)
    assert resp.status_code == 409 and error_of(resp)["code"] == "CONFIRMATION_REQUIRED"


def test_unparseable_text_with_confirm_reaches_the_engine_and_fails_there(api):
    client, _ = api
    resp = run(client, "SELEC 1", confirm=True, wait_timeout="50s")
    assert resp.status_code == 200 and resp.json()["status"]["state"] == "FAILED"
    assert resp.json()["status"]["error"]["message"]


def test_read_only_mode_refuses_writes_with_403(served):
    base, holder, svc, read_only = served
    holder["svc"] = read_only
    try:
        with checked_client(base) as client:
            for body in ({}, {"confirm": True}):
                resp = run(client, "CREATE TABLE main.default.ro AS SELECT 1", **body)
                assert resp.status_code == 403 and error_of(resp)["code"] == "READ_ONLY", resp.text
                assert "main.default.ro" in error_of(resp)["message"]
            unparseable = run(client, "SELEC 1", confirm=True)
            assert unparseable.status_code == 403 and error_of(unparseable)["code"] == "READ_ONLY"
            assert succeeded(client, "SELECT 1 AS one")["result"]["data_array"] == [[1]]
    finally:
        holder["svc"] = svc
    assert "ro" not in tables_in_main(svc)


def test_empty_and_several_statements_are_400(api):
    client, _ = api
    for text in ("   ", "-- only a comment"):
        resp = run(client, text)
        assert resp.status_code == 400 and error_of(resp)["code"] == "EMPTY"
    several = run(client, "SELECT 1; SELECT 2")
    assert several.status_code == 400 and error_of(several)["code"] == "MULTIPLE_STATEMENTS"


# --------------------------------------------------------------------------- owners and ids


def test_another_users_statement_is_404(api):
    client, _ = api
    sid = succeeded(client, NATION)["statement_id"]
    for headers in (BOB, {}):
        resp = client.get(f"/api/query/{sid}", headers=headers)
        assert resp.status_code in (401, 404) and "ARGENTINA" not in resp.text
    assert client.get(f"/api/query/{sid}", headers=BOB).status_code == 404
    assert client.get(f"/api/query/{sid}", headers={"X-Forwarded-Email": "ANA@example.com"}).status_code == 404


@pytest.mark.parametrize("sid", ["nope", "x" * 300, "..%2F..%2Fetc", "%00", "a b"])
def test_unknown_or_malformed_ids_are_404(api, sid):
    client, _ = api
    assert client.get(f"/api/query/{sid}", headers=ANA).status_code == 404
    assert client.post(f"/api/query/{sid}/cancel", headers=ANA).status_code == 404


def test_a_request_without_a_user_is_401(api):
    client, _ = api
    resp = client.post("/api/query", json={"statement": "SELECT 1"})
    assert resp.status_code == 401 and error_of(resp)["code"] == "UNAUTHENTICATED"


def test_finished_statements_are_bounded_oldest_first(api):
    _, svc = api
    registry = statements.StatementRegistry(svc.results, max_finished=3)
    ident = Identity("ana@example.com")
    ids = []
    for i in range(5):
        snap = registry.submit(svc.engine, f"SELECT {i} AS i", identity=ident, confirmed=False, read_only_mode=False,
                               row_limit=10, timeout_s=30)
        ids.append(snap.id)
        assert registry.wait(snap.id, owner=ident.user, timeout_s=30).state == "SUCCEEDED"
    assert len(registry) == 3
    for old in ids[:2]:
        with pytest.raises(statements.StatementNotFound):
            registry.get(old, owner=ident.user)
    assert registry.get(ids[-1], owner=ident.user).state == "SUCCEEDED"


class CountingEngine:
    """Records what reaches it; a statement ends when the test lets it."""

    label = "counting"

    def __init__(self, inner):
        self.inner, self.seen, self.release = inner, [], threading.Event()

    def execute(self, sql, **kw):
        self.seen.append(sql)
        scope = kw["scope"]
        while not self.release.wait(0.02):
            scope.raise_if_cancelled()
        return self.inner.execute(sql, **kw)


def test_a_pending_statement_cancelled_never_reaches_the_engine(api):
    _, svc = api
    engine = CountingEngine(svc.engine)
    registry = statements.StatementRegistry(svc.results, max_running=1)
    ident = Identity("ana@example.com")
    kw = {"identity": ident, "confirmed": False, "read_only_mode": False, "row_limit": 10, "timeout_s": 30}
    first = registry.submit(engine, "SELECT 1 AS a", **kw)
    second = registry.submit(engine, "SELECT 2 AS b", **kw)
    deadline = time.monotonic() + 10
    while registry.get(first.id, owner=ident.user).state != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert registry.get(second.id, owner=ident.user).state == "PENDING"  # waiting for the one slot
    registry.cancel(second.id, owner=ident.user)
    assert registry.wait(second.id, owner=ident.user, timeout_s=10).state == "CANCELED"
    engine.release.set()
    assert registry.wait(first.id, owner=ident.user, timeout_s=30).state == "SUCCEEDED"
    assert engine.seen == ["SELECT 1 AS a"]
    with pytest.raises(statements.StatementFinished):
        registry.cancel(second.id, owner=ident.user)
    with pytest.raises(statements.StatementNotFound):
        registry.get(first.id, owner="bob@example.com")


def test_statements_are_audited_as_api(api):
    client, svc = api
    succeeded(client, "SELECT 'audit me' AS a")
    records = [json.loads(line) for line in (svc.settings.data_dir / "audit.jsonl").read_text().splitlines()]
    mine = [r for r in records if r.get("action") == "statement" and "audit me" in json.dumps(r)]
    assert mine and mine[-1]["user"] == "ana@example.com" and mine[-1].get("source") == "api"


def test_over_the_per_user_limit_is_429(tmp_path):
    settings = make_settings(tmp_path, APP_RATE_LIMIT_PER_MINUTE=1)
    engine = LocalEngine(settings.data_dir)
    svc = Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
    try:
        with serve(lambda: svc) as base, checked_client(base) as client:
            assert succeeded(client, "SELECT 1 AS one")["result"]["data_array"] == [[1]]
            resp = run(client, "SELECT 2 AS two", wait_timeout="50s")
            assert resp.status_code == 429 and error_of(resp)["code"] == "RATE_LIMITED"
            assert int(resp.headers["retry-after"]) >= 1
            assert succeeded(client, "SELECT 3 AS three", headers=BOB)["result"]["data_array"] == [[3]]  # per user
    finally:
        engine.close()


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"statement": 1}, "statement"),
        ({"statement": ["SELECT 1"]}, "statement"),
        ({}, "statement"),
        ({"statement": ""}, "statement"),
        ({"statement": "SELECT 1", "extra": 1}, "extra"),
        ({"statement": "SELECT 1", "wait_timeout": "51s"}, "wait_timeout"),
        ({"statement": "SELECT 1", "wait_timeout": "10"}, "wait_timeout"),
        ({"statement": "SELECT 1", "wait_timeout": 10}, "wait_timeout"),
        ({"statement": "SELECT 1", "wait_timeout": "-1s"}, "wait_timeout"),
        ({"statement": "SELECT 1", "row_limit": 0}, "row_limit"),
        ({"statement": "SELECT 1", "row_limit": "10"}, "row_limit"),
        ({"statement": "SELECT 1", "row_limit": 1.5}, "row_limit"),
        ({"statement": "SELECT 1", "confirm": "yes"}, "confirm"),
        ({"statement": "SELECT 1", "confirm": 1}, "confirm"),
        ({"statement": "SELECT 1", "warehouse_id": "../x"}, "warehouse_id"),
        ({"statement": "SELECT 1", "parameters": ["a"]}, "parameters"),
        ({"statement": "SELECT :a", "parameters": {"bad name": 1}}, "parameters"),
        ({"statement": "SELECT :a", "parameters": {"a": [1, 2]}}, "parameters"),
        ({"statement": "SELECT :a", "parameters": {"a": {"b": 1}}}, "parameters"),
        ({"statement": "SELECT :a", "parameters": {"a": 2**70}}, "parameters"),
        ({"statement": "SELECT :a", "parameters": {"a": "x" * 70_000}}, "parameters"),
        ({"statement": "SELECT :a", "parameters": {f"p{i}": i for i in range(300)}}, "parameters"),
        ({"statement": "SELECT '" + "x" * (1024 * 1024) + "'"}, "statement"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(api, body, where):
    client, _ = api
    resp = client.post("/api/query", json=body, headers=ANA)
    assert resp.status_code == 400, resp.text
    assert error_of(resp)["code"] == "BAD_REQUEST" and where in error_of(resp)["message"]


@pytest.mark.parametrize(
    "raw",
    [b"{", b"not json", b'{"statement": "SELECT 1",}', b"[]", b"null", b'"SELECT 1"', b'{"statement": "\\ud800"}',
     b'{"statement": "SELECT :a", "parameters": {"a": NaN}}', b"\xff\xfe"],
)
def test_malformed_json_is_400(api, raw):
    client, _ = api
    resp = client.post("/api/query", content=raw, headers={**ANA, "Content-Type": "application/json"})
    assert resp.status_code == 400, resp.text


def test_a_body_that_is_not_json_or_too_big_is_refused(api):
    client, _ = api
    plain = client.post("/api/query", content=b'{"statement": "SELECT 1"}', headers={**ANA, "Content-Type": "text/plain"})
    assert plain.status_code in (400, 415)
    big = client.post("/api/query", content=json.dumps({"statement": "x" * (5 * 1024 * 1024)}),
                      headers={**ANA, "Content-Type": "application/json"})
    assert big.status_code == 400 and "statement" in error_of(big)["message"]
    huge = client.post("/api/query", content=json.dumps({"statement": "x" * (11 * 1024 * 1024)}),
                       headers={**ANA, "Content-Type": "application/json"})
    assert huge.status_code == 413


@pytest.mark.parametrize("params", [{"offset": -1}, {"offset": "x"}, {"limit": 0}, {"limit": 10**6}, {"offset": 10**30}])
def test_bad_paging_is_400(api, params):
    client, _ = api
    sid = succeeded(client, "SELECT 1 AS one")["statement_id"]
    resp = client.get(f"/api/query/{sid}", params=params, headers=ANA)
    assert resp.status_code == 400, resp.text


def test_the_routes_are_in_the_openapi_document(api):
    client, _ = api
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/query", "/api/query/{statement_id}", "/api/query/{statement_id}/cancel"} <= set(paths)
