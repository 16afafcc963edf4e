"""The gate: the guard and read-only mode are decided where a statement runs, on a real
DuckDB engine, whatever the caller claims."""

from __future__ import annotations

import pytest

from dashboard_app.services.sql import gate
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine

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
