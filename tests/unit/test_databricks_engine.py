"""DatabricksEngine with the real SQL connector and SDK on real sockets, against local fakes.

The fake warehouse speaks the connector's own Thrift protocol over HTTP and runs the SQL on
DuckDB; the fake workspace serves the SDK (well-known config, OIDC M2M, warehouses, UC).
"""

from __future__ import annotations

import logging
import socket
import threading

import pytest

from dashboard_app.identity import resolve_identity
from dashboard_app.services.databricks_auth import DatabricksAuth
from dashboard_app.services.sql.databricks import DatabricksEngine, RetryPolicy
from dashboard_app.services.sql.engine import CancelScope, Identity, QueryCancelled, QueryError, QueryTimeout
from dashboard_app.services.sql.errors import (
    AuthError,
    ConnectionFailed,
    PermissionDenied,
    SessionLost,
    TransientError,
    WarehouseUnavailable,
)
from dashboard_app.settings import Settings
from tests.fakes.thrift_sql import FakeSqlWarehouse, small_samples
from tests.fakes.workspace import FakeWorkspace
from tests.fakes.workspace_routes import FakeWarehouses

PAT = "dapi-test-0123456789abcdef"
WAREHOUSE = "fake0123456789"
SP = Identity(user="analyst@example.com", pool_key="sp")
# Never finishes on its own (10^11 rows); only an interrupt stops it.
SLOW = "SELECT count(*) FROM range(100000000000) t(i) WHERE hash(i) % 7 = 3"
FAST_RETRY = RetryPolicy(attempts=3, base_delay_s=0.0, max_delay_s=0.0, connect_wait_s=5.0)


@pytest.fixture(scope="module")
def duck():
    con = small_samples()
    yield con
    con.close()


@pytest.fixture
def ws():
    with FakeWorkspace(tokens={PAT}, clients={"app-sp": "sp-secret"}) as ws:
        yield ws


@pytest.fixture
def warehouses(ws):
    return FakeWarehouses(
        [{"id": WAREHOUSE, "name": "Shared Analytics", "state": "RUNNING"}, {"id": "w2", "name": "ETL", "state": "STOPPED"}]
    ).register(ws)


@pytest.fixture
def fake(duck, ws):
    with FakeSqlWarehouse(duck, tokens={PAT}, workspace=ws, http_path=f"/sql/1.0/warehouses/{WAREHOUSE}") as fake:
        yield fake


def make_settings(ws: FakeWorkspace, **env: object) -> Settings:
    values: dict[str, object] = {"DATABRICKS_HOST": ws.url, "DATABRICKS_WAREHOUSE_ID": WAREHOUSE}
    if "DATABRICKS_CLIENT_ID" not in env:
        values["DATABRICKS_TOKEN"] = PAT
    values.update(env)
    return Settings(**values)  # type: ignore[arg-type]


def make_engine(fake: FakeSqlWarehouse, settings: Settings, **kw: object) -> DatabricksEngine:
    kw.setdefault("retry", FAST_RETRY)
    return DatabricksEngine(
        settings,
        auth=DatabricksAuth(settings, config_kwargs={"retry_timeout_seconds": 5}),
        extra_connect_args=fake.connect_args(),
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def engine(fake, ws):
    eng = make_engine(fake, make_settings(ws))
    yield eng
    eng.close()


def run(engine: DatabricksEngine, sql: str, *, identity: Identity = SP, **kw):
    kw.setdefault("row_limit", 1000)
    kw.setdefault("timeout_s", 30)
    return engine.execute(sql, identity=identity, **kw)


# --- authentication ----------------------------------------------------------------------


def test_token_auth_runs_a_query_with_databricks_types(engine, fake):
    res = run(engine, "SELECT o_orderkey, o_totalprice, o_orderdate, o_comment FROM samples.tpch.orders ORDER BY 1 LIMIT 3")
    assert res.row_count == 3 and not res.truncated
    assert [c.type for c in res.columns] == ["bigint", "decimal(12,2)", "date", "string"]
    assert res.table.column("o_orderkey").to_pylist() == [0, 1, 2]
    assert str(res.table.schema.field("o_totalprice").type) == "decimal128(12, 2)"
    assert fake.calls["OpenSession"] == 1


def test_m2m_auth_gets_its_token_from_the_workspace_oidc_endpoint(fake, ws):
    settings = make_settings(ws, DATABRICKS_CLIENT_ID="app-sp", DATABRICKS_CLIENT_SECRET="sp-secret")
    fake.tokens.clear()  # only tokens the workspace issued are accepted now
    eng = make_engine(fake, settings)
    try:
        assert run(eng, "SELECT 1 AS one").table.column("one").to_pylist() == [1]
    finally:
        eng.close()
    assert list(ws.issued.values()) == ["app-sp"]
    assert any(r.path == "/oidc/v1/token" for r in ws.requests)


def test_m2m_with_a_wrong_secret_is_an_auth_error_without_the_secret(fake, ws):
    settings = make_settings(ws, DATABRICKS_CLIENT_ID="app-sp", DATABRICKS_CLIENT_SECRET="not-the-secret")
    eng = make_engine(fake, settings)
    try:
        with pytest.raises(AuthError) as info:
            run(eng, "SELECT 1")
    finally:
        eng.close()
    assert "not-the-secret" not in str(info.value)
    assert fake.calls["ExecuteStatement"] == 0


def test_bad_token_is_a_clear_auth_error_without_the_token(fake, ws):
    eng = make_engine(fake, make_settings(ws, DATABRICKS_TOKEN="dapi-wrong-token-value"))
    try:
        with pytest.raises(AuthError) as info:
            run(eng, "SELECT 1")
    finally:
        eng.close()
    assert "credentials" in str(info.value) and "DATABRICKS_TOKEN" in str(info.value)
    assert "dapi-wrong-token-value" not in str(info.value)
    assert not info.value.expired
    assert fake.auth_failures == 1  # an auth failure is not retried


def test_forwarded_user_token_runs_as_the_user_with_its_own_pool(fake, ws):
    settings = make_settings(ws, DATABRICKS_APP_NAME="dash", APP_RUN_AS="user")
    fake.tokens.add("user-token-alice")
    eng = make_engine(fake, settings)
    try:
        alice = resolve_identity(settings, {"X-Forwarded-Email": "alice@example.com", "X-Forwarded-Access-Token": "user-token-alice"})
        bob = resolve_identity(settings, {"x-forwarded-email": "bob@example.com", "x-forwarded-access-token": "user-token-expired"})
        nobody = resolve_identity(settings, {"x-forwarded-email": "carol@example.com"})
        assert run(eng, "SELECT 42 AS answer", identity=alice).table.column("answer").to_pylist() == [42]
        with pytest.raises(AuthError) as info:
            run(eng, "SELECT 1", identity=bob)
        assert info.value.expired and "reload" in str(info.value)
        assert "user-token-expired" not in str(info.value)
        # A user whose token is missing must not silently run as the service principal.
        with pytest.raises(AuthError):
            run(eng, "SELECT 1", identity=nobody)
        assert run(eng, "SELECT 1 AS x", identity=alice).row_count == 1
    finally:
        eng.close()
    assert fake.sessions_opened == 1  # bob never got a session; alice reused hers


def test_a_changed_forwarded_token_replaces_the_users_sessions(fake, ws):
    settings = make_settings(ws, DATABRICKS_APP_NAME="dash", APP_RUN_AS="user")
    fake.tokens.update({"alice-1", "alice-2"})
    eng = make_engine(fake, settings)
    try:
        for token in ("alice-1", "alice-2"):
            ident = resolve_identity(settings, {"X-Forwarded-Email": "alice@example.com", "X-Forwarded-Access-Token": token})
            run(eng, "SELECT 1", identity=ident)
    finally:
        eng.close()
    assert fake.sessions_opened == 2


# --- results ------------------------------------------------------------------------------


def test_row_limit_cuts_and_flags_truncation(fake, ws):
    eng = make_engine(fake, make_settings(ws), arraysize=7)  # several fetches per result
    try:
        res = run(eng, "SELECT o_orderkey FROM samples.tpch.orders ORDER BY 1", row_limit=50)
        assert res.row_count == 50 and res.truncated
        assert res.table.column(0).to_pylist() == list(range(50))
        exact = run(eng, "SELECT o_orderkey FROM samples.tpch.orders", row_limit=1000)
        assert exact.row_count == 1000 and not exact.truncated
        assert not run(eng, "SELECT o_orderkey FROM samples.tpch.orders", row_limit=1001).truncated
    finally:
        eng.close()
    # The warehouse itself was told to stop one row past the limit.
    assert fake.row_limits[:3] == [51, 1001, 1002]
    assert fake.calls["FetchResults"] >= 50 // 7


def test_empty_result_keeps_its_columns(engine):
    res = run(engine, "SELECT n_nationkey, n_name FROM samples.tpch.nation WHERE false")
    assert res.row_count == 0 and [c.name for c in res.columns] == ["n_nationkey", "n_name"]
    assert [c.type for c in res.columns] == ["bigint", "string"]


def test_writes_to_main_and_reads_back(engine):
    run(engine, "CREATE OR REPLACE TABLE main.default.notes (id INT, body STRING)")
    run(engine, "INSERT INTO main.default.notes VALUES (1, 'hello')")
    assert run(engine, "SELECT body FROM main.default.notes").table.column(0).to_pylist() == ["hello"]


def test_sql_error_is_a_plain_query_error(engine):
    with pytest.raises(QueryError) as info:
        run(engine, "SELECT * FROM samples.tpch.no_such_table")
    assert type(info.value) is QueryError
    assert "no_such_table" in str(info.value)
    # The warehouse's error class and position, as Databricks prints them ("line 1 pos 14").
    assert info.value.error_class == "TABLE_OR_VIEW_NOT_FOUND" and info.value.sqlstate == "42P01"  # type: ignore[attr-defined]
    assert (info.value.line, info.value.column) == (1, 15)


def test_syntax_error_points_at_the_position(engine):
    with pytest.raises(QueryError) as info:
        run(engine, "SELECT 1\nFROM samples.tpch.region WHER r_regionkey = 1")
    assert type(info.value) is QueryError and info.value.error_class == "PARSE_SYNTAX_ERROR"  # type: ignore[attr-defined]
    # WHER reads as an alias, so the error is at the next word, as on Databricks.
    assert "at or near 'r_regionkey'. SQLSTATE: 42601" in str(info.value) and (info.value.line, info.value.column) == (2, 31)


def test_no_permission_on_a_table(engine, fake):
    fake.deny("samples.tpch.supplier")
    with pytest.raises(PermissionDenied) as info:
        run(engine, "SELECT * FROM samples.tpch.supplier")
    assert "INSUFFICIENT_PERMISSIONS" in str(info.value) and info.value.sqlstate == "42501"  # type: ignore[attr-defined]


def test_a_revoked_forwarded_token_means_sign_in_again_not_no_permission(fake, ws):
    # The warehouse answers HTTP 403 "Invalid access token." (not 401), as Databricks does.
    settings = make_settings(ws, DATABRICKS_APP_NAME="dash", APP_RUN_AS="user")
    eng = make_engine(fake, settings)
    try:
        with pytest.raises(AuthError) as info:
            run(eng, "SELECT 1", identity=Identity(user="a@x", token="user-token-revoked", pool_key="user:a@x"))
    finally:
        eng.close()
    assert not isinstance(info.value, PermissionDenied)
    assert info.value.expired and "reload the page" in str(info.value)
    assert ("OpenSession", "user-token-revoked") in fake.token_log and fake.auth_failures == 1


# --- parameters ---------------------------------------------------------------------------


def test_parameters_are_bound_natively_never_formatted(engine, fake):
    nasty = "O'Brien\"; DROP TABLE samples.tpch.nation; --"
    res = run(engine, "SELECT :who AS who, :n + 1 AS n", params={"who": nasty, "n": 41})
    assert res.table.to_pylist() == [{"who": nasty, "n": 42}]
    none = run(engine, "SELECT n_name FROM samples.tpch.nation WHERE n_name = :name", params={"name": "x'; DROP TABLE t; --"})
    assert none.row_count == 0
    assert all("O'Brien" not in s and "DROP" not in s for s in fake.executed)
    assert run(engine, "SELECT count(*) AS c FROM samples.tpch.nation").table.column(0).to_pylist() == [25]


# --- cancel and timeout ------------------------------------------------------------------


def _run_in_thread(engine: DatabricksEngine, sql: str, scope: CancelScope, **kw) -> tuple[threading.Thread, list]:
    outcome: list = []

    def target() -> None:
        try:
            outcome.append(run(engine, sql, scope=scope, **kw))
        except BaseException as err:  # noqa: BLE001 - the test inspects it
            outcome.append(err)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, outcome


@pytest.mark.parametrize("direct_wait", [0.0, 0.3], ids=["after-reply", "during-execute-call"])
def test_cancel_from_another_thread_really_stops_duckdb(engine, fake, direct_wait):
    # direct_wait > 0 holds the ExecuteStatement reply, so the cancel lands before the
    # connector knows the statement id; it must still reach the warehouse.
    fake.direct_results_wait_s = direct_wait
    scope = CancelScope()
    t, outcome = _run_in_thread(engine, SLOW, scope, timeout_s=None)
    assert fake.wait_running()
    scope.cancel()
    t.join(30)
    assert not t.is_alive()
    assert isinstance(outcome[0], QueryCancelled) and not isinstance(outcome[0], QueryTimeout)
    assert fake.wait_idle()
    assert fake.interrupted == 1 and fake.cancel_requests >= 1
    assert run(engine, "SELECT 1 AS ok").row_count == 1  # the session is still usable


def test_client_timeout_cancels_the_statement(engine, fake):
    with pytest.raises(QueryTimeout) as info:
        run(engine, SLOW, timeout_s=0.3)
    assert "timed out" in str(info.value)
    assert fake.wait_idle() and fake.interrupted == 1


def test_timeout_reaches_a_statement_still_queued_on_the_warehouse(engine, fake):
    run(engine, "SELECT 1")
    executed = len(fake.executed)
    fake.slow(60)  # the warehouse holds the statement before running it
    with pytest.raises(QueryTimeout):
        run(engine, "SELECT 2", timeout_s=0.3)
    assert fake.cancel_requests == 1 and len(fake.executed) == executed


def test_server_statement_timeout_is_the_backstop(fake, ws):
    eng = make_engine(fake, make_settings(ws, APP_QUERY_TIMEOUT_SECONDS=1))
    try:
        with pytest.raises(QueryTimeout) as info:
            run(eng, SLOW, timeout_s=None)  # no client timer: only the warehouse's STATEMENT_TIMEOUT
    finally:
        eng.close()
    assert "Statement has timed out" in str(info.value)
    assert fake.wait_idle() and fake.interrupted == 1


def _queued(engine: DatabricksEngine, count: int = 1) -> bool:
    (pool,) = engine._pools.values()
    with pool.cond:
        return pool.cond.wait_for(lambda: pool.waiting == count, timeout=10)


def test_a_full_pool_waits_and_a_cancel_frees_it(fake, ws):
    eng = make_engine(fake, make_settings(ws), pool_size=1)
    try:
        slow_scope = CancelScope()
        t1, out1 = _run_in_thread(eng, SLOW, slow_scope, timeout_s=None)
        assert fake.wait_running()
        quick_scope = CancelScope()
        t2, out2 = _run_in_thread(eng, "SELECT 7 AS seven", quick_scope)
        assert _queued(eng)  # behind the only connection
        slow_scope.cancel()
        t1.join(30)
        t2.join(30)
        assert isinstance(out1[0], QueryCancelled)
        assert out2[0].table.column(0).to_pylist() == [7]
    finally:
        eng.close()
    assert fake.sessions_opened == 1


def test_cancel_while_waiting_for_a_connection(fake, ws):
    eng = make_engine(fake, make_settings(ws), pool_size=1)
    try:
        busy = CancelScope()
        t1, _ = _run_in_thread(eng, SLOW, busy, timeout_s=None)
        assert fake.wait_running()
        waiting = CancelScope()
        t2, out2 = _run_in_thread(eng, "SELECT 1", waiting)
        assert _queued(eng)
        waiting.cancel()
        t2.join(30)
        assert isinstance(out2[0], QueryCancelled)
        busy.cancel()
        t1.join(30)
    finally:
        eng.close()


# --- lost connections and retries ------------------------------------------------------------


def test_dropped_session_reconnects_for_a_read_only_statement(engine, fake):
    run(engine, "SELECT 1")
    fake.drop_sessions()  # as a warehouse restart would
    assert run(engine, "SELECT 2 AS two", read_only=True).table.column(0).to_pylist() == [2]
    assert fake.sessions_opened == 2


def test_dropped_session_is_not_retried_for_a_write_but_the_next_call_works(engine, fake):
    run(engine, "CREATE OR REPLACE TABLE main.default.audit_t (x INT)")
    fake.drop_sessions()
    with pytest.raises(SessionLost) as info:
        run(engine, "INSERT INTO main.default.audit_t VALUES (1)")
    assert "not retried" in str(info.value)
    assert run(engine, "SELECT count(*) FROM main.default.audit_t").table.column(0).to_pylist() == [0]


def test_dropped_tcp_connection_is_retried_once_for_read_only(engine, fake):
    run(engine, "SELECT 1")
    fake.drop_connection("ExecuteStatement")
    assert run(engine, "SELECT 3 AS three", read_only=True).table.column(0).to_pylist() == [3]
    fake.drop_connection("ExecuteStatement", times=2)
    with pytest.raises(ConnectionFailed) as info:
        run(engine, "SELECT 4", read_only=True)
    assert "dropped" in str(info.value)


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_is_retried_for_read_only(engine, fake, status):
    run(engine, "SELECT 1")
    before = fake.calls["ExecuteStatement"]
    fake.fail(status, method="ExecuteStatement", times=2)
    assert run(engine, "SELECT 5 AS five", read_only=True).table.column(0).to_pylist() == [5]
    assert fake.calls["ExecuteStatement"] - before == 3


@pytest.mark.parametrize("status", [429, 503])
def test_throttling_is_not_retried_for_a_write(engine, fake, status):
    run(engine, "CREATE OR REPLACE TABLE main.default.w (x INT)")
    before, executed = fake.calls["ExecuteStatement"], len(fake.executed)
    fake.fail(status, method="ExecuteStatement", times=1)
    with pytest.raises(TransientError) as info:
        run(engine, "INSERT INTO main.default.w VALUES (1)")
    assert info.value.status == status and "not retried" in str(info.value)
    assert fake.calls["ExecuteStatement"] - before == 1 and len(fake.executed) == executed


def test_retries_give_up_after_the_policy(engine, fake):
    fake.fail(429, method="ExecuteStatement", times=10)
    with pytest.raises(TransientError):
        run(engine, "SELECT 1", read_only=True)
    assert fake.calls["ExecuteStatement"] == FAST_RETRY.attempts


def test_opening_a_session_waits_for_a_starting_warehouse(engine, fake):
    fake.fail(503, method="OpenSession", times=2)
    assert run(engine, "SELECT 6 AS six").row_count == 1
    assert fake.calls["OpenSession"] == 3


@pytest.mark.parametrize("state, words", [("STOPPED", "is stopped"), ("STARTING", "is starting"), ("DELETED", "was deleted")])
def test_an_unavailable_warehouse_says_why(fake, ws, warehouses, state, words):
    warehouses.items[WAREHOUSE]["state"] = state
    eng = make_engine(fake, make_settings(ws), retry=RetryPolicy(base_delay_s=0, max_delay_s=0, connect_wait_s=0))
    try:
        fake.fail(503, method="OpenSession", times=1)
        with pytest.raises(WarehouseUnavailable) as info:
            run(eng, "SELECT 1")
    finally:
        eng.close()
    assert info.value.state == state
    assert words in str(info.value) and "Shared Analytics" in str(info.value)


def test_wrong_host_fails_fast_with_a_clear_message(fake, ws):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = {**fake.connect_args(), "_connection_uri": f"http://127.0.0.1:{port}{fake.http_path}", "_port": port}
    settings = make_settings(ws)
    eng = DatabricksEngine(settings, auth=DatabricksAuth(settings), extra_connect_args=args, retry=FAST_RETRY)
    try:
        with pytest.raises(ConnectionFailed) as info:
            run(eng, "SELECT 1", read_only=True)
    finally:
        eng.close()
    assert "connection refused" in str(info.value) and "DATABRICKS_HOST" in str(info.value)


# --- warehouses and label --------------------------------------------------------------------


def test_warehouses_with_states_and_label(engine, warehouses):
    assert "fake0123456789" in engine.label and "127.0.0.1" in engine.label
    listing = engine.warehouses()
    assert [(w.name, w.state) for w in listing] == [("ETL", "STOPPED"), ("Shared Analytics", "RUNNING")]
    assert listing[1].http_path == f"/sql/1.0/warehouses/{WAREHOUSE}"
    assert engine.warehouse_state("w2") == "STOPPED"
    assert engine.warehouse_state() == "RUNNING"
    assert engine.label.endswith("· Shared Analytics")


# --- secrets stay out of logs and messages ---------------------------------------------------


def test_no_token_reaches_the_logs(fake, ws, caplog):
    caplog.set_level(logging.DEBUG)
    settings = make_settings(ws, DATABRICKS_APP_NAME="dash", APP_RUN_AS="user")
    fake.tokens.add("user-token-in-logs-check")
    eng = make_engine(fake, settings)
    try:
        good = Identity(user="a@x", token="user-token-in-logs-check", pool_key="user:a@x")
        bad = Identity(user="b@x", token="user-token-rejected-check", pool_key="user:b@x")
        run(eng, "SELECT 1", identity=good)
        with pytest.raises(AuthError):
            run(eng, "SELECT 1", identity=bad)
    finally:
        eng.close()
    bad_sp = make_engine(fake, make_settings(ws, DATABRICKS_TOKEN="dapi-sp-token-in-logs"))
    try:
        with pytest.raises(AuthError):
            run(bad_sp, "SELECT 1")
    finally:
        bad_sp.close()
    text = caplog.text
    assert caplog.records  # the libraries did log at DEBUG
    for secret in ("user-token-in-logs-check", "user-token-rejected-check", "dapi-sp-token-in-logs", PAT):
        assert secret not in text


def test_error_mapping_for_dns_failures_and_redaction():
    import urllib3

    from dashboard_app.services.sql.errors import from_connector_error, redact

    try:
        try:
            raise socket.gaierror(-2, "Name or service not known")
        except socket.gaierror as dns:
            raise urllib3.exceptions.NameResolutionError("adb-1.example", None, dns) from dns  # type: ignore[arg-type]
    except urllib3.exceptions.HTTPError as err:
        mapped = from_connector_error(urllib3.exceptions.MaxRetryError(None, "/sql", err), host="adb-1.example")  # type: ignore[arg-type]
    assert isinstance(mapped, ConnectionFailed) and "host name not found" in str(mapped)
    text = "Authorization: Bearer abc.def-123 token=dapi0123456789abcdef0123 eyJhbGciOi.eyJzdWIiOiJ4In0.sig my-secret"
    clean = redact(text, ["my-secret"])
    for leaked in ("abc.def-123", "dapi0123456789abcdef0123", "eyJhbGciOi", "my-secret"):
        assert leaked not in clean


def test_a_network_stall_times_out_with_a_clear_message(fake, ws):
    eng = make_engine(fake, make_settings(ws), socket_timeout_s=0.3)
    try:
        run(eng, "SELECT 1")
        fake.hang("ExecuteStatement")
        with pytest.raises(ConnectionFailed) as info:
            run(eng, "SELECT 2")
        assert "timed out" in str(info.value)
        fake.release()
        assert run(eng, "SELECT 3 AS three").row_count == 1
    finally:
        eng.close()


def test_an_expired_forwarded_jwt_is_refused_before_any_call(fake, ws):
    import base64
    import json

    claims = base64.urlsafe_b64encode(json.dumps({"sub": "alice", "exp": 1_000}).encode()).decode().rstrip("=")
    expired = f"eyJhbGciOiJSUzI1NiJ9.{claims}.c2ln"
    settings = make_settings(ws, DATABRICKS_APP_NAME="dash", APP_RUN_AS="user")
    eng = make_engine(fake, settings)
    try:
        with pytest.raises(AuthError) as info:
            run(eng, "SELECT 1", identity=Identity(user="alice", token=expired, pool_key="user:alice"))
    finally:
        eng.close()
    assert info.value.expired and "reload" in str(info.value)
    assert fake.calls["OpenSession"] == 0


# --- the fake itself speaks the protocol the connector expects ---------------------------------


def test_fake_serves_polling_metadata_and_async_execution(fake):
    from databricks import sql as dbsql

    fake.direct_results_wait_s = 0.0  # no direct results: poll, GetResultSetMetadata, FetchResults
    with dbsql.connect(**fake.connect_args(), access_token=PAT) as conn, conn.cursor() as cur:
        cur.execute("SELECT n_name FROM samples.tpch.nation WHERE n_nationkey = :k", {"k": 3})
        assert cur.fetchall_arrow().column(0).to_pylist() == ["NATION 3"]
        cur.execute_async("SELECT count(*) AS c FROM samples.tpch.orders")
        cur.get_async_execution_result()
        assert cur.fetchall_arrow().column(0).to_pylist() == [1000]
    assert fake.calls["GetResultSetMetadata"] >= 1 and fake.calls["GetOperationStatus"] >= 2
    assert fake.calls["CloseSession"] == 1


# --- check_syntax: EXPLAIN plans without running ----------------------------------------


def test_check_syntax_returns_the_warehouse_syntax_error_at_the_users_position(engine, fake):
    err = engine.check_syntax("SELEC 1", SP)
    assert err is not None and err.error_class == "PARSE_SYNTAX_ERROR"  # type: ignore[attr-defined]
    assert "at or near 'SELEC'" in str(err) and (err.line, err.column) == (1, 1)
    assert "(line 1, pos 0)" in str(err)  # the text agrees with the position given
    assert fake.statements[-1][0] == "EXPLAIN\nSELEC 1"
    # Lines are the user's, though EXPLAIN went on a line of its own.
    err = engine.check_syntax("SELECT 1\nFROM samples.tpch.region WHER r_regionkey = 1", SP)
    assert err is not None and (err.line, err.column) == (2, 31)


def test_check_syntax_runs_nothing(engine, fake):
    assert engine.check_syntax("CREATE TABLE main.default.t AS SELECT 1", SP) is None
    assert fake.statements[-1][0] == "EXPLAIN\nCREATE TABLE main.default.t AS SELECT 1"
    with pytest.raises(QueryError, match="TABLE_OR_VIEW_NOT_FOUND"):
        run(engine, "SELECT * FROM main.default.t")


def test_check_syntax_leaves_other_errors_to_the_run(engine, fake):
    assert engine.check_syntax("SELECT * FROM samples.tpch.no_such_table", SP) is None
    # An EXPLAIN is not wrapped again; a SQL script (which EXPLAIN does not take) is not sent.
    err = engine.check_syntax("EXPLAIN SELEC 1", SP)
    assert err is not None and fake.statements[-1][0] == "EXPLAIN SELEC 1" and (err.line, err.column) == (1, 9)
    sent = len(fake.statements)
    assert engine.check_syntax("BEGIN\n  SELECT 1;\nEND", SP) is None
    assert len(fake.statements) == sent
