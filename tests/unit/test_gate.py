"""The gate: the guard and read-only mode are decided where a statement runs, on a real
DuckDB engine, whatever the caller claims."""

from __future__ import annotations

import pytest

from dashboard_app.services.sql import gate
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine
from tests.conftest import run_async

ME = Identity("analyst@test")


class Recording:
    """The real engine, remembering the read-only hint each call carried."""

    def __init__(self, engine: LocalEngine):
        self.engine, self.hints = engine, []

    def execute(self, sql, **kw):
        self.hints.append(kw["read_only"])
        return self.engine.execute(sql, **kw)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    e = LocalEngine(tmp_path_factory.mktemp("data"))
    yield Recording(e)
    e.close()


def run(engine, sql: str, *, confirmed: bool = False, read_only_mode: bool = False):
    return gate.run_statement(
        engine, sql, identity=ME, confirmed=confirmed, read_only_mode=read_only_mode, row_limit=100, timeout_s=30
    )


def table_exists(engine, name: str) -> bool:
    sql = f"SELECT count(*) FROM information_schema.tables WHERE table_name = '{name}'"
    return run(engine, sql).table.column(0)[0].as_py() == 1


def test_read_only_runs_and_the_engine_gets_the_guards_verdict(engine):
    assert run(engine, "SELECT 1 AS x").table.column("x").to_pylist() == [1]
    assert engine.hints[-1] is True


@pytest.mark.parametrize("sql", ["CREATE TABLE main.default.gate_t AS SELECT 1", "SELEC 1", "SELECT 1; DROP TABLE main.default.x"])
def test_not_read_only_needs_a_confirmation(engine, sql):
    calls = len(engine.hints)
    with pytest.raises(gate.ConfirmationRequired) as info:
        run(engine, sql)
    assert info.value.code == "CONFIRMATION_REQUIRED" and not info.value.verdict.read_only
    assert len(engine.hints) == calls  # the engine never saw it


def test_read_only_mode_refuses_even_a_confirmed_write(engine):
    with pytest.raises(gate.ReadOnlyRefused, match="Read-only mode: CREATE TABLE on main.default.gate_ro"):
        run(engine, "CREATE TABLE main.default.gate_ro AS SELECT 1", confirmed=True, read_only_mode=True)
    assert not table_exists(engine, "gate_ro")


def test_a_confirmed_write_runs_and_is_not_marked_read_only(engine):
    run(engine, "CREATE TABLE main.default.gate_ok AS SELECT 1 AS x", confirmed=True)
    assert engine.hints[-1] is False
    assert table_exists(engine, "gate_ok")


@pytest.mark.parametrize("sql", ["", "  ", "-- only a comment"])
def test_nothing_to_run(engine, sql):
    with pytest.raises(gate.NothingToRun):
        run(engine, sql, confirmed=True)


# --------------------------------------------------------------------------- limits and audit

import json  # noqa: E402

from dashboard_app.services.audit import AuditLog, STATEMENT_FIELDS  # noqa: E402
from dashboard_app.services.limits import Limiter, RateLimited  # noqa: E402
from dashboard_app.services.sql.engine import CancelScope, QueryCancelled, QueryError, QueryTimeout  # noqa: E402

PAT = "dapi0123456789abcdef0123456789abcdef"
REGISTERED = "my-registered-secret-value"


@pytest.fixture
def audited(engine, tmp_path):
    """The engine with limits (5 a minute, 2 running) and an audit file attached to it."""
    log = AuditLog(tmp_path / "audit.jsonl", secrets=[REGISTERED])
    policy = gate.Policy(limiter=Limiter(per_minute=5, max_running=2), audit=log)
    gate.attach(engine, policy)
    try:
        yield engine, policy, log
    finally:
        gate.attach(engine, gate.Policy())


def go(engine, sql: str, *, who=ME, source="page", confirmed=False, read_only_mode=False, scope=None, timeout_s=30):
    return gate.run_statement(
        engine, sql, identity=who, confirmed=confirmed, read_only_mode=read_only_mode, row_limit=100,
        timeout_s=timeout_s, scope=scope, source=source,
    )


def test_every_statement_is_counted_and_the_limit_refuses_before_the_engine(audited):
    engine, _, _ = audited
    for _ in range(5):
        go(engine, "SELECT 1")
    calls = len(engine.hints)
    with pytest.raises(gate.StatementLimited) as info:
        go(engine, "SELECT 1")
    err = info.value
    assert isinstance(err, RateLimited) and isinstance(err, QueryError)  # every caller shows it
    assert (err.line, err.column, err.engine_sql) == (None, None, "")  # what the page reads of a QueryError
    assert err.code == "RATE_LIMITED" and 1 <= err.retry_after <= 12 and "5 a minute" in str(err)
    assert len(engine.hints) == calls  # the engine never saw it
    go(engine, "SELECT 1", who=Identity("bob@test"))  # another person is not limited


def test_dashboard_tiles_have_a_budget_of_their_own(audited):
    engine, _, _ = audited
    for _ in range(5):
        go(engine, "SELECT 1", source="api")
    with pytest.raises(gate.StatementLimited):
        go(engine, "SELECT 1", source="chat")  # page, api and chat share the statements budget
    for _ in range(5):
        go(engine, "SELECT 1", source="dashboard")  # a refresh is not refused for the editor's use
    with pytest.raises(gate.StatementLimited, match="dashboard tile queries"):
        go(engine, "SELECT 1", source="dashboard")


def test_running_slots_refuse_a_statement_when_all_are_taken(audited):
    engine, policy, _ = audited
    with policy.limiter.running(ME.user), policy.limiter.running(ME.user):
        with pytest.raises(gate.StatementLimited, match="already running"):
            go(engine, "SELECT 1")
        go(engine, "SELECT 1", who=Identity("bob@test"))
    go(engine, "SELECT 1")
    assert policy.limiter.running_count(ME.user) == 0  # the gate gave its slot back


def test_a_failed_statement_gives_its_slot_back(audited):
    engine, policy, _ = audited
    with pytest.raises(QueryError):
        go(engine, "SELECT * FROM main.default.no_such_table")
    assert policy.limiter.running_count(ME.user) == 0


def test_unknown_source_is_a_programming_error(audited):
    with pytest.raises(ValueError):
        go(audited[0], "SELECT 1", source="browser")


def records(log: AuditLog) -> list[dict]:
    return [e for e in log.tail(1000) if e["action"] == "statement"]


def test_one_audit_record_per_statement_with_what_happened(audited):
    engine, _, log = audited
    go(engine, "SELECT 42 AS x UNION ALL SELECT 43", source="api")
    with pytest.raises(QueryError):
        go(engine, "SELECT * FROM main.default.no_such_table", source="dashboard")
    go(engine, "CREATE OR REPLACE TABLE main.default.gate_audit AS SELECT 1 AS x", confirmed=True, source="chat")
    ok, failed, write = records(log)
    assert set(ok) == {"ts", "user", "action", "path", "size", "detail", *STATEMENT_FIELDS}
    assert ok["user"] == ME.user and ok["ts"].endswith("Z") and ok["action"] == "statement"
    assert (ok["source"], ok["kind"], ok["read_only"], ok["confirmed"], ok["status"], ok["row_count"]) == (
        "api", "UNION", True, False, "ok", 2)
    assert isinstance(ok["duration_ms"], int) and ok["duration_ms"] >= 0
    assert ok["sql"] == "SELECT 42 AS x UNION ALL SELECT 43" and ok["detail"] == ""
    assert (failed["source"], failed["status"], failed["row_count"]) == ("dashboard", "error", None)
    assert "no_such_table" in failed["detail"]
    assert (write["source"], write["kind"], write["read_only"], write["confirmed"], write["status"]) == (
        "chat", "CREATE TABLE", False, True, "ok")


def test_refusals_are_recorded_too(audited):
    engine, _, log = audited
    with pytest.raises(gate.ConfirmationRequired):
        go(engine, "DROP TABLE main.default.gate_keep")
    with pytest.raises(gate.ReadOnlyRefused):
        go(engine, "DROP TABLE main.default.gate_keep", confirmed=True, read_only_mode=True)
    with pytest.raises(gate.NothingToRun):
        go(engine, "-- nothing")
    unconfirmed, read_only, empty = records(log)
    assert (unconfirmed["status"], unconfirmed["kind"], unconfirmed["read_only"], unconfirmed["confirmed"]) == (
        "refused", "DROP TABLE", False, False)
    assert "needs a confirmation" in unconfirmed["detail"]
    assert (read_only["status"], read_only["confirmed"]) == ("refused", True) and "Read-only mode" in read_only["detail"]
    assert (empty["status"], empty["kind"], empty["read_only"]) == ("refused", "", None)


def test_a_flood_over_the_limit_leaves_one_record(audited):
    engine, _, log = audited
    for _ in range(5):
        go(engine, "SELECT 1")
    for _ in range(20):
        with pytest.raises(gate.StatementLimited):
            go(engine, "SELECT 1")
    statuses = [e["status"] for e in records(log)]
    assert statuses == ["ok"] * 5 + ["refused"]
    limited = records(log)[-1]
    assert "a minute" in limited["detail"] and limited["kind"] == "" and limited["read_only"] is None


def test_cancelled_and_timed_out_statements_are_recorded_as_such(audited):
    engine, _, log = audited
    scope = CancelScope()
    scope.cancel()
    with pytest.raises(QueryCancelled):
        go(engine, "SELECT count(*) FROM range(100000000000)", scope=scope)
    with pytest.raises(QueryTimeout):
        go(engine, "SELECT count(*) FROM range(100000000000) a, range(1000) b", timeout_s=0.3)
    assert [e["status"] for e in records(log)] == ["cancelled", "timeout"]


def test_secrets_are_redacted_and_long_sql_is_cut(audited):
    engine, _, log = audited
    go(engine, f"SELECT '{PAT}' AS a, '{REGISTERED}' AS b, 'Bearer abc.def.ghi' AS c")
    long_sql = "SELECT 1 AS x -- " + "y" * 5000
    go(engine, long_sql)
    secret, long = records(log)
    text = json.dumps(log.tail(100))
    assert PAT not in text and REGISTERED not in text and "abc.def.ghi" not in text
    assert secret["sql"].count("[redacted]") == 3
    assert len(long["sql"]) == 2000 and long["sql"].endswith("…") and long["sql"].startswith("SELECT 1 AS x")


def test_a_broken_audit_log_never_fails_the_statement(engine):
    class Broken:
        def statement(self, *a, **kw):
            raise OSError("disk full")

    policy = gate.Policy(limiter=None, audit=Broken())
    result = gate.run_statement(engine, "SELECT 1 AS x", identity=ME, confirmed=False, read_only_mode=False,
                                row_limit=10, timeout_s=30, policy=policy)
    assert result.table.column("x").to_pylist() == [1]


def test_without_a_policy_nothing_is_counted_or_recorded(engine):
    for _ in range(300):  # far beyond any default figure
        run(engine, "SELECT 1")


def test_the_services_engine_carries_the_limits_and_the_audit_log(tmp_path):
    """Whoever calls the gate on the Services' engine — here a dashboard refresh, whose code
    passes only source="dashboard" — is counted and recorded."""
    import asyncio

    from dashboard_app.backend import Services
    from dashboard_app.services.dashboards import model
    from dashboard_app.services.history import HistoryStore
    from dashboard_app.services.results import ResultStore
    from dashboard_app.settings import Settings

    settings = Settings(APP_DATA_DIR=str(tmp_path), APP_AUDIT_LOG="file", APP_RATE_LIMIT_PER_MINUTE="3")  # type: ignore[call-arg]
    local = LocalEngine(tmp_path / "engine")
    svc = Services(settings=settings, engine=local, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
    try:
        assert gate.policy_for(local).limiter is svc.limiter
        board = model.from_data({"title": "T", "tiles": [{"title": f"t{i}", "sql": f"SELECT {i} AS v"} for i in range(4)]})
        tiles = run_async(svc.refresher.all_tiles(board, {}, ME, fresh=True))
        # Three tiles fit the (tiny) per-minute figure; the fourth shows the limit as its error.
        assert sorted(t.status for t in tiles) == ["error", "ok", "ok", "ok"]
        assert "dashboard tile queries" in next(t.error for t in tiles if t.status == "error")
        logged = [e for e in svc.audit.tail(10) if e["action"] == "statement"]
        assert [e["source"] for e in logged] == ["dashboard"] * 4
        assert sorted(e["status"] for e in logged) == ["ok", "ok", "ok", "refused"]
        assert (tmp_path / "audit.jsonl").exists()
    finally:
        local.close()


def test_the_rest_of_a_counted_submission_is_not_counted_again(audited):
    """The editor's Run of a script: its first statement pays, the others ride on it, and each
    is still audited and takes a running slot while it runs."""
    engine, policy, log = audited
    script = [f"SELECT {i} AS x" for i in range(20)]  # far more than the 5 a minute
    for index, sql in enumerate(script):
        go_counted = gate.run_statement(
            engine, sql, identity=ME, confirmed=False, read_only_mode=False, row_limit=10, timeout_s=30,
            source="page", count=index == 0,
        )
        assert go_counted.table.column("x").to_pylist() == [index]
    assert len(records(log)) == 20 and policy.limiter.running_count(ME.user) == 0
    for _ in range(4):  # the script took one token of five
        go(engine, "SELECT 1")
    with pytest.raises(gate.StatementLimited):
        go(engine, "SELECT 1")
