"""Dashboards as services: parameter binding, the file format, refresh (cache, concurrency,
failure, cancel) and the store, on the real embedded engine and a real SQLite app database."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest
import yaml
from sqlmodel import create_engine

from dashboard_app.services.dashboards import example, model
from dashboard_app.services.dashboards.binding import bind, coerce, placeholders, values_of
from dashboard_app.services.dashboards.model import Dashboard, DashboardError, Parameter, parse
from dashboard_app.services.dashboards.refresh import Limits, Refresher, RefreshRun, ResultCache
from dashboard_app.services.dashboards.store import DashboardConflict, DashboardNotFound, DashboardStore, NotOwner
from dashboard_app.services.sql.engine import CancelScope, Identity, QueryCancelled, QueryError
from dashboard_app.services.sql.local import LocalEngine
from tests.conftest import run_async

ANA = Identity(user="ana@example.com", pool_key="sp")
BOB = Identity(user="bob@example.com", pool_key="sp")


# --- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> LocalEngine:
    eng = LocalEngine(tmp_path_factory.mktemp("engine"))
    yield eng
    eng.close()


@pytest.fixture
def store(tmp_path) -> DashboardStore:
    return DashboardStore(create_engine(f"sqlite:///{tmp_path / 'app.db'}", connect_args={"check_same_thread": False}))


class SlowEngine:
    """The real engine behind a cancellable wait, counting calls, overlap and cancellations."""

    def __init__(self, inner: LocalEngine, delay: float = 0.2, delay_of=None):
        self.inner, self.label = inner, inner.label
        self.delay_of = delay_of or (lambda sql: delay)
        self._lock = threading.Lock()
        self.calls = self.running = self.peak = self.cancelled = 0

    def execute(self, sql, *, scope=None, **kw):
        scope = scope or CancelScope()
        with self._lock:
            self.calls += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            event = threading.Event()
            scope.arm(event.set)
            event.wait(self.delay_of(sql))
            scope.disarm()
            try:
                scope.raise_if_cancelled()
            except QueryCancelled:
                with self._lock:
                    self.cancelled += 1
                raise
            return self.inner.execute(sql, scope=scope, **kw)
        finally:
            with self._lock:
                self.running -= 1

    def __getattr__(self, name):
        return getattr(self.inner, name)


def limits(**kw) -> Limits:
    return Limits(**{"row_limit": 10_000, "timeout_s": 60.0, "read_only_mode": False, **kw})


def refresh(refresher: Refresher, dashboard: Dashboard, given=None, identity: Identity = ANA, **kw):
    return run_async(refresher.all_tiles(dashboard, given, identity, **kw))


def dashboard(tiles: list[tuple[str, str]], parameters: list[dict] | None = None) -> Dashboard:
    return model.from_data({
        "title": "Test", "parameters": parameters or [],
        "tiles": [{"title": title, "sql": sql} for title, sql in tiles],
    })


def rows(result) -> list[dict]:
    return result.result.table.to_pylist()


def main_tables(engine: LocalEngine) -> set[str]:
    return {t.name for t in engine.list_tables(ANA, "main", "default")}


# --- parameter binding -----------------------------------------------------------------------

INJECTIONS = [
    "x'; DROP TABLE main.default.victim; --",
    "' OR 1=1 --",
    "'); CREATE TABLE main.default.pwned (i INT); --",
    "\\'; DROP TABLE main.default.victim; --",
    "$1 :region ? %s {region}",
]


@pytest.mark.parametrize("kind", ["text", "list"])
def test_text_and_list_values_carrying_sql_stay_values(engine, kind):
    engine.execute("CREATE OR REPLACE TABLE main.default.victim AS SELECT * FROM range(3) t(i)",
                   identity=ANA, row_limit=10, timeout_s=30)
    param = {"name": "region", "type": kind}
    if kind == "list":
        param["values_sql"] = "SELECT r_name FROM samples.tpch.region"
    d = dashboard([
        ("echo", "SELECT :region AS v"),
        ("filter", "SELECT count(*) AS n FROM samples.tpch.region WHERE r_name = :region"),
        ("victim", "SELECT count(*) AS n FROM main.default.victim"),
    ], [param])
    refresher = Refresher(engine, limits(cache_ttl_s=0))
    for value in INJECTIONS:
        echo, filtered, victim = refresh(refresher, d, {"region": value})
        assert [echo.status, filtered.status, victim.status] == ["ok", "ok", "ok"], (echo.error, filtered.error)
        assert rows(echo) == [{"v": value}]
        assert rows(filtered) == [{"n": 0}]  # "' OR 1=1 --" as SQL would match all 5 regions
        assert rows(victim) == [{"n": 3}]
    assert "victim" in main_tables(engine) and "pwned" not in main_tables(engine)
    # The same tile with an honest value does match: the filter itself works.
    assert rows(refresh(refresher, d, {"region": "ASIA"})[1]) == [{"n": 1}]


@pytest.mark.parametrize(("ptype", "value"), [
    ("number", "1; DROP TABLE main.default.victim"),
    ("number", "1 OR 1=1"),
    ("number", "0) UNION SELECT 1 --"),
    ("date", "1995-01-01'; DROP TABLE main.default.victim; --"),
    ("date", "1995-01-01' OR '1'='1"),
    ("date_range", ["1995-01-01", "1996-01-01' OR '1'='1"]),
    ("date_range", ["1995-01-01; DROP TABLE x", "1996-01-01"]),
])
def test_number_and_date_values_carrying_sql_are_refused(engine, ptype, value):
    counting = SlowEngine(engine, delay=0)
    sql = {"number": "SELECT :p AS v", "date": "SELECT :p AS v", "date_range": "SELECT :p_start AS a, :p_end AS b"}[ptype]
    d = dashboard([("t", sql)], [{"name": "p", "type": ptype}])
    with pytest.raises(DashboardError, match="parameter 'p'"):
        values_of(d, {"p": value})
    with pytest.raises(DashboardError, match="parameter 'p'"):
        refresh(Refresher(counting, limits()), d, {"p": value})
    assert counting.calls == 0  # refused before anything ran


@pytest.mark.parametrize(("ptype", "value", "message"), [
    ("number", {"a": 1}, "must be a number"),
    ("number", [1], "must be a number"),
    ("number", True, "must be a number"),
    ("number", "twelve", "must be a number"),
    ("number", float("nan"), "must be a number"),
    ("number", "1e999", "must be a number"),
    ("text", {"a": 1}, "must be text"),
    ("text", ["a", "b"], "must be text"),
    ("text", False, "must be text"),
    ("text", "x" * 1001, "longer than 1000"),
    ("date", 19950101, "must be a date"),
    ("date", "31/01/1995", "must be a date"),
    ("date", ["1995-01-01"], "must be a date"),
    ("date_range", "1995-01-01", "two dates"),
    ("date_range", ["1995-01-01"], "two dates"),
    ("date_range", {"start": "1995-01-01", "end": "1995-02-01"}, "two dates"),
    ("date_range", ["1995-02-01", "1995-01-01"], "the start is after the end"),
])
def test_wrong_types_are_refused_naming_the_parameter(ptype, value, message):
    param = Parameter(name="p", type=ptype, values_sql="SELECT 1" if ptype == "list" else "")
    with pytest.raises(DashboardError) as err:
        coerce(param, value)
    assert "parameter 'p'" in str(err.value) and message in str(err.value)


def test_values_are_coerced_to_their_type():
    assert coerce(Parameter(name="n", type="number"), "42") == 42
    assert coerce(Parameter(name="n", type="number"), "1.5") == 1.5
    assert coerce(Parameter(name="d", type="date"), "1995-01-31") == dt.date(1995, 1, 31)
    assert coerce(Parameter(name="d", type="date"), "1995-01-31T10:30:00") == dt.date(1995, 1, 31)
    assert coerce(Parameter(name="r", type="date_range"), ["1995-01-01", dt.date(1995, 1, 1)]) == (dt.date(1995, 1, 1),) * 2
    assert coerce(Parameter(name="t", type="text"), 7) == "7"


def test_unknown_parameter_and_non_mapping_are_refused():
    d = dashboard([("t", "SELECT :a AS a")], [{"name": "a", "default": "x"}])
    with pytest.raises(DashboardError, match="unknown parameter 'zzz'"):
        values_of(d, {"a": "y", "zzz": 1})
    with pytest.raises(DashboardError, match="mapping"):
        values_of(d, ["a"])  # type: ignore[arg-type]
    assert values_of(d, None) == {"a": "x"}  # the default


def test_date_range_binds_start_and_end(engine):
    d = dashboard(
        [("orders", "SELECT count(*) AS n FROM samples.tpch.orders WHERE o_orderdate BETWEEN :period_start AND :period_end")],
        [{"name": "period", "type": "date_range", "default": ["1995-01-01", "1995-12-31"]}],
    )
    values = values_of(d, {"period": ["1995-03-01", "1995-03-31"]})
    assert bind(d, values, d.tiles[0].sql) == {"period_start": dt.date(1995, 3, 1), "period_end": dt.date(1995, 3, 31)}
    direct = engine.execute(
        "SELECT count(*) AS n FROM samples.tpch.orders WHERE o_orderdate BETWEEN DATE '1995-03-01' AND DATE '1995-03-31'",
        identity=ANA, row_limit=10, timeout_s=30,
    ).table.to_pylist()
    [tile] = refresh(Refresher(engine, limits()), d, {"period": ["1995-03-01", "1995-03-31"]})
    assert tile.status == "ok" and rows(tile) == direct and direct[0]["n"] > 0
    [whole_year] = refresh(Refresher(engine, limits()), d)
    assert rows(whole_year)[0]["n"] > direct[0]["n"]


def test_placeholders_in_strings_comments_and_casts_are_ignored(engine):
    sql = "SELECT ':a' AS s, \"x:b\" AS q, v::int AS c -- :c\n/* :d */ FROM t WHERE y = :e AND z = :e"
    assert placeholders(sql) == ("e",)
    d = dashboard([("t", "SELECT ':q' AS lit, :q AS v, '1'::int AS c -- :nope\n/* :nope2 */")], [{"name": "q", "default": "x"}])
    assert bind(d, values_of(d, None), d.tiles[0].sql) == {"q": "x"}
    [tile] = refresh(Refresher(engine, limits()), d)
    assert tile.status == "ok" and rows(tile) == [{"lit": ":q", "v": "x", "c": 1}]


def test_a_tile_naming_no_parameter_fails_alone(engine):
    d = dashboard([("bad", "SELECT :zz AS v"), ("good", "SELECT 1 AS one")])
    bad, good = refresh(Refresher(engine, limits()), d)
    assert bad.status == "error" and "tile 1" in bad.error and ":zz" in bad.error
    assert good.status == "ok" and rows(good) == [{"one": 1}]


# --- the file format -------------------------------------------------------------------------

RICH = {
    "version": 1,
    "title": "Rich",
    "description": "Every kind of field",
    "parameters": [
        {"name": "q", "type": "text", "label": "Search", "default": ""},
        {"name": "n", "type": "number", "default": 0},
        {"name": "day", "type": "date", "default": "1995-06-01"},
        {"name": "period", "type": "date_range", "default": ["1995-01-01", "1995-12-31"]},
        {"name": "region", "type": "list", "default": "ASIA", "values_sql": "SELECT r_name FROM samples.tpch.region"},
    ],
    "tiles": [
        {"title": "Counter", "sql": "SELECT count(*) AS c FROM samples.tpch.orders WHERE o_orderdate >= :day",
         "viz": {"type": "counter", "value": "c"}, "position": {"x": 0, "y": 0, "w": 3, "h": 2}},
        {"title": "Bars", "sql": "SELECT r_name AS region, :n AS n FROM samples.tpch.region",
         "viz": {"type": "bar", "x": "region", "y": ["n"], "on_click": {"parameter": "region", "column": "region"}}},
        {"title": "Table", "sql": "SELECT :q AS q, :period_start AS a, :period_end AS b"},
    ],
}


def test_yaml_and_json_with_the_same_fields_give_the_same_dashboard():
    from_yaml = parse(yaml.safe_dump(RICH, sort_keys=False))
    from_json = parse(json.dumps(RICH))
    assert from_yaml == from_json == Dashboard.model_validate(RICH)
    assert parse(json.dumps(RICH, indent="\t")) == from_json  # tab-indented JSON is JSON
    assert parse(json.dumps(RICH).encode("utf-8")) == from_json
    # Unquoted YAML dates are read as the same ISO text.
    plain = parse("title: T\nparameters:\n  - {name: d, type: date, default: 1995-06-01}\n")
    assert plain.parameters[0].default == "1995-06-01"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_then_parse_is_the_same_dashboard(fmt):
    for d in (Dashboard.model_validate(RICH), Dashboard.model_validate(RICH).laid_out(), parse(example.EXAMPLE.read_text("utf-8"))):
        text = model.dump(d, fmt)  # type: ignore[arg-type]
        assert parse(text) == d
        assert text.lstrip().startswith("{") == (fmt == "json")
    # The empty text default survives (without it the tile would have no value for :q).
    assert parse(model.dump(Dashboard.model_validate(RICH), fmt)).parameters[0].default == ""  # type: ignore[arg-type]


TILE = "{title: ok, sql: 'SELECT 1'}"


@pytest.mark.parametrize(("text", "message"), [
    ("version: 2\ntitle: T", "version: unknown version 2"),
    ("description: no title here", "title: missing"),
    (f"title: T\ntiles: [{TILE}, {{title: b, sql: 'SELECT 1', position: {{w: wide}}}}]", "tiles[2].position.w: Input should be a valid integer"),
    ("title: T\ncolour: red", "colour: unknown field"),
    (f"title: T\ntiles: [{{title: a, sql: 'SELECT 1', colour: red}}]", "tiles[1].colour: unknown field"),
    ("title: T\ntiles: [unclosed", "neither valid YAML nor JSON (line"),
    ('{"title": "T", "tiles": [}', "neither valid YAML nor JSON (line 1"),
    (f"title: T\ntiles: [{TILE}, {{title: Drop it, sql: 'DROP TABLE main.default.x'}}]", "tile 2 ('Drop it'): only read-only SQL"),
    (f"title: T\ntiles: [{TILE}, {{title: Sneaky, sql: 'SELECT 1; DELETE FROM main.default.x'}}]", "tile 2 ('Sneaky'): only read-only SQL"),
    (f"title: T\ntiles: [{{title: Empty, sql: '-- nothing'}}]", "tile 1 ('Empty'): the SQL is empty"),
    ("title: T\nparameters: [{name: p, type: list, values_sql: 'DELETE FROM main.default.x'}]", "parameter 'p' values_sql: only read-only SQL"),
    ("title: T\nparameters: [{name: p, type: list}]", "parameters[1]: a list parameter needs values_sql"),
    ("title: T\nparameters: [{name: p}, {name: q}, {name: p}]", "parameters: duplicate name 'p'"),
    ("title: T\nparameters: [{name: 'p; drop'}]", "parameters[1].name: must be a letter"),
    ("title: T\nparameters: [{name: n, type: number, default: 'ten'}]", "parameters[1]: default: parameter 'n' must be a number"),
    (f"title: T\nparameters: [{{name: r}}]\ntiles: [{TILE}, {{title: Bars, sql: 'SELECT 1', viz: {{type: bar, on_click: {{parameter: zz, column: c}}}}}}]",
     "tile 2 ('Bars'): on_click names no parameter 'zz'"),
    (f"title: T\ntiles: [{{title: a, sql: 'SELECT 1', viz: {{type: radar}}}}]", "tiles[1].viz.type"),
    (f"title: T\ntiles: [{{title: a, sql: 'SELECT 1', position: {{x: 8, w: 6}}}}]", "tiles[1].position: x + w must be at most 12"),
    ("- just\n- a list", "one mapping"),
    ("", "one mapping"),
])
def test_bad_files_are_refused_naming_the_field(text, message):
    with pytest.raises(DashboardError) as err:
        parse(text)
    assert message in str(err.value)


def test_too_many_tiles_and_too_large_files_are_refused():
    many = {"title": "T", "tiles": [{"title": f"t{i}", "sql": "SELECT 1"} for i in range(model.MAX_TILES + 1)]}
    with pytest.raises(DashboardError, match="tiles"):
        parse(json.dumps(many))
    huge = "title: T\ndescription: " + "x" * (model.MAX_FILE_BYTES + 1)
    with pytest.raises(DashboardError, match="over 1024 KB"):
        parse(huge)
    with pytest.raises(DashboardError, match="over 1024 KB"):
        parse(huge.encode())
    with pytest.raises(DashboardError, match="not UTF-8"):
        parse(b"title: \xff\xfe")


def test_alias_bombs_and_deep_nesting_are_refused_quickly():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]  # 10**9 strings
    started = time.perf_counter()
    with pytest.raises(DashboardError, match="more than 100000 values"):
        parse("\n".join([*lines, "title: T"]))
    assert time.perf_counter() - started < 10  # expanded, it would take minutes and gigabytes
    with pytest.raises(DashboardError, match="nested too deeply"):
        parse("title: T\ndescription: &a [*a]")  # a list that holds itself
    with pytest.raises(DashboardError, match="nested too deeply"):
        parse("[" * 5000 + "]" * 5000)
    with pytest.raises(DashboardError, match="nested too deeply"):
        parse('{"title": ' + "[" * 5000 + "]" * 5000 + "}")
    # A few aliases are fine.
    assert parse("title: &t Shared\ndescription: *t").description == "Shared"


# --- refresh: cache, concurrency, failures, cancel -------------------------------------------


CACHED = dashboard(
    [("nations", "SELECT count(*) AS n FROM samples.tpch.nation WHERE n_regionkey = :r")],
    [{"name": "r", "type": "number", "default": 1}],
)


def test_the_same_values_are_served_from_the_cache(engine):
    counting = SlowEngine(engine, delay=0)
    refresher = Refresher(counting, limits(cache_ttl_s=60))
    [first] = refresh(refresher, CACHED)
    assert first.status == "ok" and not first.cached and counting.calls == 1
    [second] = refresh(refresher, CACHED)
    assert second.cached and counting.calls == 1 and rows(second) == rows(first) == [{"n": 5}]
    [other_values] = refresh(refresher, CACHED, {"r": 2})
    assert not other_values.cached and counting.calls == 2
    [as_bob] = refresh(refresher, CACHED, identity=BOB)  # another user never sees ana's cached result
    assert not as_bob.cached and counting.calls == 3
    [other_pool] = refresh(refresher, CACHED, identity=Identity(user=ANA.user, pool_key="user:ana"))
    assert not other_pool.cached and counting.calls == 4
    [fresh] = refresh(refresher, CACHED, fresh=True)
    assert not fresh.cached and counting.calls == 5
    [again] = refresh(refresher, CACHED)
    assert again.cached and counting.calls == 5


def test_a_ttl_of_zero_never_serves_from_the_cache(engine):
    counting = SlowEngine(engine, delay=0)
    refresher = Refresher(counting, limits(cache_ttl_s=0))
    results = [refresh(refresher, CACHED)[0] for _ in range(3)]
    assert [r.cached for r in results] == [False, False, False] and counting.calls == 3


def test_the_cache_expires_after_its_ttl(engine):
    counting = SlowEngine(engine, delay=0)
    refresher = Refresher(counting, limits(cache_ttl_s=0.3))
    refresh(refresher, CACHED)
    assert refresh(refresher, CACHED)[0].cached
    time.sleep(0.35)
    assert not refresh(refresher, CACHED)[0].cached and counting.calls == 2


def test_the_cache_is_bounded_in_entries():
    from dashboard_app.services.sql.engine import QueryResult
    import pyarrow as pa

    cache = ResultCache(max_entries=2)
    result = QueryResult(pa.table({"n": [1]}), [], False, 0.0, 10)
    keys = [ResultCache.key(f"SELECT {i}", {}, ANA) for i in range(3)]
    for k in keys:
        cache.put(k, result)
    assert cache.get(keys[0], 60) is None and cache.get(keys[2], 60) is result


def test_concurrency_is_bounded(engine):
    slow = SlowEngine(engine, delay=0.2)
    d = dashboard([(f"t{i}", f"SELECT {i} AS i") for i in range(9)])
    results = refresh(Refresher(slow, limits(concurrency=3)), d)
    assert [r.status for r in results] == ["ok"] * 9
    assert [rows(r) for r in results] == [[{"i": i}] for i in range(9)]  # in tile order
    assert slow.calls == 9 and slow.peak == 3  # three at once, never more (bench/ measures the time)


def test_one_failing_tile_is_that_tiles_error(engine):
    d = dashboard([
        ("one", "SELECT 1 AS n"),
        ("missing", "SELECT * FROM samples.tpch.no_such_table"),
        ("regions", "SELECT count(*) AS n FROM samples.tpch.region"),
        ("nations", "SELECT count(*) AS n FROM samples.tpch.nation"),
    ])
    results = refresh(Refresher(engine, limits()), d)
    assert [r.status for r in results] == ["ok", "error", "ok", "ok"]
    with pytest.raises(QueryError) as direct:
        engine.execute(d.tiles[1].sql, identity=ANA, row_limit=10, timeout_s=30)
    assert results[1].error == str(direct.value) and "no_such_table" in results[1].error
    assert results[1].result is None and results[1].row_count == 0
    assert [rows(r) for r in (results[0], results[2], results[3])] == [[{"n": 1}], [{"n": 5}], [{"n": 25}]]


def test_a_write_in_a_tile_is_refused_by_the_guard(engine):
    # A Dashboard built around validation (as an old file in the database might be) still
    # cannot write: every tile goes through the gate.
    d = Dashboard.model_construct(title="T", parameters=[], tiles=[
        model.Tile.model_construct(title="w", sql="CREATE TABLE main.default.sneaky AS SELECT 1", viz=model.Viz(), position=None),
    ])
    [tile] = refresh(Refresher(engine, limits()), d)
    assert tile.status == "error" and "confirmation" in tile.error
    assert "sneaky" not in main_tables(engine)


def test_cancelling_a_run_stops_the_tiles_still_running_or_queued(engine):
    slow = SlowEngine(engine, delay_of=lambda sql: 0.05 if "fast" in sql else 30.0)
    d = dashboard([("fast", "SELECT 'fast' AS k")] + [(f"slow {i}", f"SELECT {i} AS k") for i in range(5)])
    refresher = Refresher(slow, limits(concurrency=3))
    run = RefreshRun()

    async def go():
        seen, cancelled_at = [], None
        async for result in refresher.tiles(d, None, ANA, run=run):
            seen.append(result)
            if cancelled_at is None:
                run.cancel()  # the parameters changed
                cancelled_at = time.perf_counter()
        return seen, time.perf_counter() - cancelled_at

    seen, after_cancel = run_async(go())
    first, rest = seen[0], seen[1:]
    assert first.index == 0 and first.status == "ok" and rows(first) == [{"k": "fast"}]
    assert sorted(r.index for r in rest) == [1, 2, 3, 4, 5]
    assert {r.status for r in rest} == {"cancelled"} and all("Cancelled" in r.error for r in rest)
    assert after_cancel < 10  # not the 30 s each slow tile would have waited
    assert slow.cancelled >= 2  # the two slow tiles running beside the fast one were interrupted
    assert slow.calls <= 4  # the queued ones never reached the engine (one may have just started)


def test_choices_of_a_list_parameter(engine):
    d = parse(example.EXAMPLE.read_text("utf-8"))
    region = next(p for p in d.parameters if p.name == "region")
    assert Refresher(engine, limits()).choices(region, ANA) == ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]


# --- the store -------------------------------------------------------------------------------


def test_create_get_and_list(store):
    d = Dashboard.model_validate(RICH)
    stored = store.create(ANA.user, d)
    assert stored.owner == ANA.user and stored.revision == 1
    got = store.get(stored.id)
    assert got.dashboard == d.laid_out() and got.owner == ANA.user
    assert all(t.position is not None for t in got.dashboard.tiles)
    assert got.dashboard.tiles[0].position == d.tiles[0].position  # a given position is kept
    other = store.create(BOB.user, dashboard([("t", "SELECT 1")]))
    listed = {(r.id, r.title, r.owner) for r in store.list()}
    assert listed == {(stored.id, "Rich", ANA.user), (other.id, "Test", BOB.user)}
    with pytest.raises(DashboardNotFound):
        store.get("nope")


def test_only_the_owner_saves(store):
    stored = store.create(ANA.user, dashboard([("t", "SELECT 1")]))
    changed = stored.dashboard.model_copy(update={"title": "Bob was here"})
    with pytest.raises(NotOwner, match=ANA.user):
        store.save(stored.id, BOB.user, changed, revision=1)
    assert store.get(stored.id).dashboard.title == "Test" and store.get(stored.id).revision == 1
    saved = store.save(stored.id, ANA.user, changed, revision=1)
    assert saved.revision == 2 and store.get(stored.id).dashboard.title == "Bob was here"


def test_a_stale_revision_is_a_conflict_and_loses_nothing(store):
    stored = store.create(ANA.user, dashboard([("t", "SELECT 1")]))
    # Two tabs opened revision 1; the first saves.
    first = stored.dashboard.model_copy(update={"title": "First tab"})
    second = stored.dashboard.model_copy(update={"title": "Second tab", "description": "overwrites?"})
    assert store.save(stored.id, ANA.user, first, revision=1).revision == 2
    with pytest.raises(DashboardConflict, match="nothing was overwritten"):
        store.save(stored.id, ANA.user, second, revision=1)
    kept = store.get(stored.id)
    assert kept.revision == 2 and kept.dashboard.title == "First tab" and kept.dashboard.description == ""
    assert [r.title for r in store.list()] == ["First tab"]


def test_only_the_owner_deletes(store):
    stored = store.create(ANA.user, dashboard([("t", "SELECT 1")]))
    with pytest.raises(NotOwner):
        store.delete(stored.id, BOB.user)
    assert store.get(stored.id).owner == ANA.user
    store.delete(stored.id, ANA.user)
    with pytest.raises(DashboardNotFound):
        store.get(stored.id)
    with pytest.raises(DashboardNotFound):
        store.delete(stored.id, ANA.user)
    with pytest.raises(DashboardNotFound):
        store.save(stored.id, ANA.user, stored.dashboard, revision=1)
    assert store.list() == []


def test_duplicate_gives_the_caller_their_own_copy(store):
    original = store.create(ANA.user, Dashboard.model_validate(RICH))
    copy = store.duplicate(original.id, BOB.user)
    assert copy.id != original.id and copy.owner == BOB.user and copy.revision == 1
    assert copy.dashboard.title == "Copy of Rich"
    assert copy.dashboard.tiles == original.dashboard.tiles and copy.dashboard.parameters == original.dashboard.parameters
    # Bob can change his copy; the original stays Ana's and unchanged.
    store.save(copy.id, BOB.user, copy.dashboard.model_copy(update={"title": "Bob's"}), revision=1)
    assert store.get(original.id).dashboard.title == "Rich" and store.get(original.id).owner == ANA.user
    long = store.create(ANA.user, dashboard([("t", "SELECT 1")]).model_copy(update={"title": "x" * 200}))
    assert len(store.duplicate(long.id, BOB.user).dashboard.title) == 200  # still a valid title


def test_the_example_installs_once(store):
    example.install(store, owner="analyst@localhost")
    example.install(store, owner="analyst@localhost")
    [row] = store.list()
    assert (row.id, row.title, row.owner) == (example.EXAMPLE_ID, "Sales overview", "analyst@localhost")


def test_the_example_is_not_added_to_a_store_that_has_dashboards(store):
    mine = store.create(ANA.user, dashboard([("t", "SELECT 1")]))
    example.install(store, owner="analyst@localhost")
    assert [r.id for r in store.list()] == [mine.id]


def test_every_example_tile_runs_on_the_embedded_engine(store, engine):
    example.install(store, owner="analyst@localhost")
    d = store.get(example.EXAMPLE_ID).dashboard
    refresher = Refresher(engine, limits())
    asia = refresh(refresher, d)
    europe = refresh(refresher, d, {"region": "EUROPE"})
    for results in (asia, europe):
        assert [(r.title, r.status, r.error) for r in results] == [(t.title, "ok", "") for t in d.tiles]
        assert all(r.row_count > 0 for r in results)
    by_title = {r.title: (rows(a), rows(r)) for a, r in zip(asia, europe)}
    open_asia, open_europe = by_title["Open orders"]
    assert open_asia != open_europe and open_asia[0]["open_orders"] > 0
    top_asia, top_europe = by_title["Top customers"]
    assert len(top_asia) == 10 and {r["nation"] for r in top_asia}.isdisjoint({r["nation"] for r in top_europe})
    # The region tile does not depend on the region: the same rows either way, all 5 regions.
    regions_asia, regions_europe = by_title["Revenue by region (click a bar to pick the region)"]
    assert regions_asia == regions_europe and len(regions_asia) == 5
    months = [r["month"] for r in by_title["Revenue by month"][0]]
    assert months == sorted(months) and months[0] == "1995-01" and months[-1] == "1996-12"
