"""SQL editor completions: contexts, ranking, quoting, laziness, caching, robustness, bounds."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard_app.services.sql.completion import (
    FUNCTIONS,
    KEYWORDS,
    MAX_ENTRIES_PER_USER,
    NEGATIVE_TTL_S,
    Completer,
    Completions,
    Option,
    quote_name,
)
from dashboard_app.services.sql.engine import (
    ColumnInfo,
    Identity,
    QueryError,
    TableInfo,
)
from dashboard_app.services.sql.local import LocalEngine

ME = Identity("analyst@test")


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("completion")
    e = LocalEngine(tmp / "data", str(tmp / "files"))
    for sql in [
        "CREATE TABLE main.default.`my table` (id INT, `order` INT, `two words` STRING)",
        "CREATE VIEW main.default.v_orders AS SELECT 1 AS x",
    ]:
        e.execute(sql, identity=ME, row_limit=10, timeout_s=30)
    yield e
    e.close()


@pytest.fixture
def completer(engine) -> Completer:
    return Completer(engine)


def ask(completer: Completer, marked: str, **kw) -> Completions:
    """Completes `marked` at its `|` (or at its end when there is none)."""
    cursor = marked.index("|") if "|" in marked else len(marked)
    return completer.complete(kw.pop("identity", ME), marked.replace("|", "", 1), cursor, **kw)


def labels(result: Completions, type_: str | None = None) -> list[str]:
    return [o.label for o in result.options if type_ is None or o.type == type_]


class FakeEngine:
    """The four listing methods over a catalog `big` whose schema `s` holds 10,000 tables."""

    def __init__(self, tables: int = 10_000, *, fail: BaseException | None = None, delay_s: float = 0.0):
        self.calls: list[tuple] = []
        self.tables = [TableInfo(f"t_{n:05d}", "TABLE", "") for n in range(tables)]
        self.fail = fail
        self.delay_s = delay_s
        self._lock = threading.Lock()

    def _record(self, *call) -> None:
        with self._lock:
            self.calls.append(call)
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail is not None:
            raise self.fail

    def count(self, method: str) -> int:
        return sum(1 for c in self.calls if c[0] == method)

    def list_catalogs(self, identity):
        self._record("catalogs", identity.user)
        return ["big", "other"]

    def list_schemas(self, identity, catalog):
        self._record("schemas", catalog)
        if catalog not in ("big", "other"):
            raise QueryError(f"Catalog {catalog} not found")
        return ["s", "small"]

    def list_tables(self, identity, catalog, schema):
        self._record("tables", catalog, schema)
        if (catalog, schema) == ("big", "s"):
            return list(self.tables)
        if (catalog, schema) == ("big", "small"):
            return [TableInfo("Orders", "TABLE", "Customer orders"), TableInfo("orders_archive", "VIEW", ""), TableInfo("Order Lines")]
        raise QueryError(f"Schema {catalog}.{schema} not found")

    def list_columns(self, identity, catalog, schema, table):
        self._record("columns", catalog, schema, table)
        return [ColumnInfo("id", "bigint"), ColumnInfo("amount", "decimal(10,2)", "money")]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- contexts on the real embedded engine -------------------------------------------------------


def test_keyword_prefix(completer):
    r = ask(completer, "SEL")
    assert r.start == 0 and r.prefix == "SEL"
    assert r.options[0] == Option("SELECT", "keyword")
    r = ask(completer, "select * fr")
    assert r.start == 9 and r.options[0] == Option("from", "keyword")  # in the case being typed
    assert ask(completer, "SELECT COUNT_I").options[0] == Option("COUNT_IF", "function")
    assert ask(completer, "SELECT Count_i").options[0] == Option("count_if", "function")


def test_functions_are_offered_by_prefix(completer):
    r = ask(completer, "SELECT date_tr")
    assert "date_trunc" in labels(r, "function")
    for name in ["date_trunc", "date_format", "datediff", "try_cast", "array_contains", "explode", "from_json", "to_date", "regexp_extract"]:
        assert name in FUNCTIONS
    assert "SELECT" in KEYWORDS and "QUALIFY" in KEYWORDS


def test_catalog_dot_lists_its_schemas(completer):
    r = ask(completer, "SELECT * FROM samples.")
    assert r.start == len("SELECT * FROM samples.") and r.prefix == ""
    assert labels(r) == ["nyctaxi", "tpch"]
    assert {o.type for o in r.options} == {"schema"}


def test_catalog_schema_dot_lists_tables_by_prefix(completer):
    r = ask(completer, "SELECT * FROM samples.tpch.or")
    assert r.start == len("SELECT * FROM samples.tpch.") and r.prefix == "or"
    assert r.options == [Option("orders", "table", "TABLE")]
    all_tables = labels(ask(completer, "SELECT * FROM samples.tpch."))
    assert {"orders", "customer", "lineitem", "nation", "region"} <= set(all_tables)


def test_views_and_names_that_need_backticks(completer):
    r = ask(completer, "SELECT * FROM main.default.")
    assert Option("`my table`", "table", "TABLE") in r.options
    assert Option("v_orders", "view", "VIEW") in r.options
    cols = ask(completer, "SELECT t.| FROM main.default.`my table` t")
    assert labels(cols) == ["id", "`order`", "`two words`"]  # `order` is a reserved word


def test_alias_dot_lists_the_aliased_tables_columns_with_types(completer, engine):
    r = ask(completer, "SELECT o.| FROM samples.tpch.orders o")
    assert r.start == len("SELECT o.") and r.prefix == ""
    expected = {c.name: c.type for c in engine.list_columns(ME, "samples", "tpch", "orders")}
    assert {o.label: o.detail for o in r.options} == expected
    assert {o.type for o in r.options} == {"column"}
    r = ask(completer, "SELECT o.o_order| FROM samples.tpch.orders o WHERE 1 = 1")
    assert labels(r) == ["o_orderdate", "o_orderkey", "o_orderpriority", "o_orderstatus"]


def test_join_as_alias(completer):
    r = ask(completer, "SELECT * FROM samples.tpch.orders o JOIN samples.tpch.customer AS c ON c.")
    assert labels(r) and all(name.startswith("c_") for name in labels(r))
    assert "c_custkey" in labels(r)
    r = ask(completer, "SELECT * FROM samples.tpch.orders o JOIN samples.tpch.customer AS c ON o.")
    assert "o_custkey" in labels(r) and not any(n.startswith("c_") for n in labels(r))


def test_several_tables_and_comma_joins(completer):
    sql = "SELECT n.|, r.r_name FROM samples.tpch.nation n, samples.tpch.region r WHERE n.n_regionkey = r.r_regionkey"
    assert "n_name" in labels(ask(completer, sql))
    sql = "SELECT r.| FROM samples.tpch.nation n, samples.tpch.region r"
    assert labels(ask(completer, sql)) == ["r_comment", "r_name", "r_regionkey"]


def test_three_part_names(completer):
    r = ask(completer, "SELECT samples.tpch.nation.n_")
    assert labels(r) == ["n_comment", "n_name", "n_nationkey", "n_regionkey"]
    # a table without an alias is named by its own name or its full path
    assert "n_name" in labels(ask(completer, "SELECT nation.| FROM samples.tpch.nation"))
    assert "n_name" in labels(ask(completer, "SELECT samples.tpch.nation.| FROM samples.tpch.nation"))


def test_backquoted_names(completer):
    r = ask(completer, "SELECT * FROM `samples`.`tpch`.`ord")
    assert r.start == len("SELECT * FROM `samples`.`tpch`.") and r.prefix == "`ord"
    assert labels(r) == ["orders"]
    r = ask(completer, "SELECT `x y`.| FROM samples.tpch.region AS `x y`")
    assert labels(r) == ["r_comment", "r_name", "r_regionkey"]
    r = ask(completer, "SELECT * FROM `my t", default_catalog="main", default_schema="default")
    assert r.start == len("SELECT * FROM ") and labels(r) == ["`my table`"]
    # a backtick typed before the rest of the statement does not swallow it
    r = ask(completer, "SELECT `tw|\nFROM main.default.`my table`")
    assert labels(r) == ["`two words`"]


def test_names_ignore_case(completer):
    assert labels(ask(completer, "SELECT * FROM SAMPLES.TPCH.OR")) == ["orders"]
    assert "o_orderkey" in labels(ask(completer, "SELECT O.| FROM SAMPLES.TPCH.ORDERS O"))


def test_default_catalog_and_schema(completer):
    kw = {"default_catalog": "samples", "default_schema": "tpch"}
    r = ask(completer, "SELECT * FROM or", **kw)
    assert r.options[0] == Option("orders", "table", "TABLE")  # after FROM: tables first
    r = ask(completer, "SELECT o.o_c| FROM orders o", **kw)
    assert labels(r) == ["o_clerk", "o_comment", "o_custkey"]
    r = ask(completer, "SELECT * FROM tpch.", default_catalog="samples")
    assert "orders" in labels(r, "table")
    r = ask(completer, "SELECT tpch.nation.n_na", default_catalog="samples")
    assert labels(r) == ["n_name", "n_nationkey"]
    # without defaults a one-part name resolves to nothing
    assert labels(ask(completer, "SELECT o.| FROM orders o")) == []


def test_bare_word_offers_columns_of_the_statements_tables_first_in_expressions(completer):
    r = ask(completer, "SELECT c| FROM samples.tpch.customer", limit=200)
    types = [o.type for o in r.options]
    assert types[0] == "column" and "c_custkey" in labels(r, "column")
    assert types.index("function") > max(i for i, t in enumerate(types) if t == "column")
    assert "count" in labels(r, "function") and "case" in labels(r, "keyword")
    r = ask(completer, "SELECT * FROM samples.tpch.orders o JOIN samples.tpch.customer c ON o.o_custkey = c_c|")
    assert labels(r) == ["c_comment", "c_custkey"]
    r = ask(completer, "SELECT o_totalprice FROM samples.tpch.orders WHERE o_ord")
    assert r.options[0].label == "o_orderdate" and r.options[0].type == "column"


def test_after_a_term_keywords_come_first(completer):
    r = ask(completer, "SELECT o_orderkey FR| samples.tpch.orders")
    assert r.options[0] == Option("FROM", "keyword")
    r = ask(completer, "SELECT * FROM samples.tpch.orders o WHER")
    assert r.options[0] == Option("WHERE", "keyword")
    r = ask(completer, "SELECT o_totalprice * c| FROM samples.tpch.orders")  # a product: an expression
    assert r.options[0].type == "function"
    r = ask(completer, "SELECT o.* fr| FROM samples.tpch.orders o")  # a star: a complete term
    assert r.options[0] == Option("from", "keyword")
    r = ask(completer, "select o_orderkey f| samples.tpch.orders")
    assert r.options[0].type == "keyword" and "from" in labels(r, "keyword")


def test_catalog_names_for_a_bare_word(completer):
    r = ask(completer, "SELECT * FROM sa")
    assert Option("samples", "catalog") in r.options
    assert r.options[0].type == "catalog"  # exact-case catalog before keywords / functions


def test_cte_and_subquery_columns(completer):
    sql = "WITH t AS (SELECT o_orderkey AS k, o_custkey, count(*) FROM samples.tpch.orders GROUP BY 1, 2) SELECT t.| FROM t"
    assert labels(ask(completer, sql)) == ["k", "o_custkey"]
    sql = "WITH t (a, b) AS (SELECT 1, 2) SELECT x.| FROM t x"
    assert labels(ask(completer, sql)) == ["a", "b"]
    assert labels(ask(completer, "SELECT s.| FROM (SELECT 1 AS one, 2 AS two) s")) == ["one", "two"]
    # a CTE whose columns are unknown (a star) gives no columns, and is not looked up as a table
    sql = "WITH t AS (SELECT * FROM samples.tpch.orders) SELECT t.| FROM t"
    assert labels(ask(completer, sql, default_catalog="samples", default_schema="tpch")) == []
    r = ask(completer, "WITH recent AS (SELECT 1 AS x) SELECT * FROM rec")
    assert Option("recent", "table", "CTE") in r.options


def test_statement_bounds(completer):
    assert labels(ask(completer, "SELECT x FROM samples.tpch.customer c; SELECT c.")) == []
    r = ask(completer, "SELECT 1; SELECT o.| FROM samples.tpch.orders o; SELECT c_name FROM samples.tpch.customer c")
    assert "o_orderkey" in labels(r)
    r = ask(completer, "SELECT ';' AS s, o.| FROM samples.tpch.orders o")
    assert "o_orderkey" in labels(r)


def test_cursor_inside_a_word_completes_its_start(completer):
    r = ask(completer, "SELECT o_ord|erkey FROM samples.tpch.orders")
    assert r.start == 7 and r.prefix == "o_ord" and "o_orderkey" in labels(r)


def test_nothing_inside_strings_comments_numbers_and_parameters(completer):
    for sql in [
        "SELECT 'SEL",
        "SELECT 'it\\'s SEL",
        'SELECT "SEL',
        "SELECT r'C:\\ SEL",
        "SELECT 'a|bc' FROM samples.tpch.orders",
        "SELECT -- SEL",
        "SELECT 1 -- o.|\nFROM samples.tpch.orders o",
        "SELECT /* SEL",
        "SELECT /* a /* nested */ SEL",
        "SELECT $$ SEL",
        "SELECT 12",
        "SELECT 1.",
        "SELECT * FROM samples.tpch.orders WHERE o_orderkey = :ke",
    ]:
        r = ask(completer, sql)
        assert r.options == [], sql
    # closed strings and comments end the silence
    assert labels(ask(completer, "SELECT 'a' AS x, /* c */ SEL"))[0] == "SELECT"
    assert labels(ask(completer, "SELECT 'it\\'s' AS x FR"))[0] == "FROM"
    assert labels(ask(completer, "SELECT 1 -- comment\nFR"))[0] == "FROM"


def test_types_after_a_cast(completer):
    assert labels(ask(completer, "SELECT x::BIG")) == ["BIGINT"]
    assert "STRING" in labels(ask(completer, "SELECT CAST(x AS STR"))


def test_unknown_names_give_nothing(completer):
    assert ask(completer, "SELECT * FROM nope.").options == []
    assert ask(completer, "SELECT * FROM samples.nope.").options == []
    assert ask(completer, "SELECT z.| FROM samples.tpch.nope z").options == []
    assert ask(completer, "SELECT (a).").options == []


def test_cursor_is_clamped(completer):
    text = "SEL"
    assert completer.complete(ME, text, 10**9) == completer.complete(ME, text, len(text))
    r = completer.complete(ME, text, -5)
    assert r.start == 0 and r.prefix == "" and 0 < len(r.options) <= 50
    assert completer.complete(ME, "", 3).start == 0


def test_limit(completer):
    assert len(ask(completer, "SELECT ").options) == 50
    assert len(ask(completer, "SELECT ", limit=7).options) == 7
    assert ask(completer, "SELECT ", limit=0).options == []


def test_quote_name():
    assert quote_name("orders") == "orders"
    assert quote_name("my table") == "`my table`"
    assert quote_name("sales-2024") == "`sales-2024`"
    assert quote_name("select") == "`select`"
    assert quote_name("a`b") == "`a``b`"
    assert quote_name("9lives") == "`9lives`"


def test_huge_text_answers_quickly(completer):
    stmt = "SELECT o_orderkey, o_totalprice FROM samples.tpch.orders o WHERE o.o_orderstatus = 'F';\n"
    text = stmt * (1_000_000 // len(stmt) + 1)
    assert len(text) >= 1_000_000
    for cursor in (0, len(text) // 2, len(text) - 2, len(text)):
        t0 = time.perf_counter()
        completer.complete(ME, text, cursor)
        assert time.perf_counter() - t0 < 2.0
    # one enormous statement, an unterminated string, thousands of parentheses
    for text in ["SELECT " + ", ".join(f"c{i}" for i in range(150_000)) + " FROM samples.tpch.orders o WHERE o.",
                 "SELECT '" + "x" * 1_000_000, "(" * 1_000_000, ";" * 1_000_000, "/*" * 500_000]:
        t0 = time.perf_counter()
        r = completer.complete(ME, text, len(text))
        assert time.perf_counter() - t0 < 2.0
        assert len(r.options) <= 50
    text = "SELECT " + ", ".join(f"c{i}" for i in range(150_000)) + " FROM samples.tpch.orders o WHERE o."
    assert "o_orderkey" in labels(completer.complete(ME, text, len(text)))


# --- laziness, scale and caching on a fake engine ----------------------------------------------


def test_ten_thousand_tables_answered_by_prefix_and_cached():
    fake, clock = FakeEngine(), Clock()
    c = Completer(fake, ttl_s=60, clock=clock)
    r = c.complete(ME, "SELECT * FROM big.s.t_01", 24, limit=50)
    assert len(r.options) == 50 and all(o.label.startswith("t_01") for o in r.options)
    assert labels(r)[:3] == ["t_01000", "t_01001", "t_01002"]
    assert len(c.complete(ME, "SELECT * FROM big.s.", 20, limit=20).options) == 20
    assert labels(c.complete(ME, "SELECT * FROM big.s.t_09999", 27)) == ["t_09999"]
    assert fake.count("tables") == 1 and fake.count("columns") == 0
    clock.now += 59
    c.complete(ME, "SELECT * FROM big.s.t_02", 24)
    assert fake.count("tables") == 1
    clock.now += 2  # past the ttl: fetched again
    c.complete(ME, "SELECT * FROM big.s.t_02", 24)
    assert fake.count("tables") == 2


def test_default_schema_of_ten_thousand_tables_is_bounded():
    fake = FakeEngine()
    c = Completer(fake)
    for text in ["SELECT * FROM ", "SELECT * FROM t", "SELECT * FROM t_0"]:
        r = c.complete(ME, text, len(text), limit=30, default_catalog="big", default_schema="s")
        assert len(r.options) <= 30
        assert r.options[0].type == "table"
    assert fake.count("tables") == 1


def test_listings_are_lazy():
    fake = FakeEngine()
    c = Completer(fake)
    c.complete(ME, "SEL", 3)
    assert {call[0] for call in fake.calls} == {"catalogs"}
    c.complete(ME, "SELECT * FROM big.", 18)
    assert fake.count("schemas") == 1 and fake.count("tables") == 0
    c.complete(ME, "SELECT * FROM big.small.", 24)
    assert [call for call in fake.calls if call[0] == "tables"] == [("tables", "big", "small")]
    assert fake.count("columns") == 0
    c.complete(ME, "SELECT x.| FROM big.small.Orders x".replace("|", ""), 9)
    assert [call for call in fake.calls if call[0] == "columns"] == [("columns", "big", "small", "Orders")]


def test_exact_case_first_then_type_then_alphabetical():
    fake = FakeEngine()
    c = Completer(fake)
    r = c.complete(ME, "SELECT * FROM big.small.Or", 26)
    assert labels(r) == ["`Order Lines`", "Orders", "orders_archive"]
    r = c.complete(ME, "SELECT * FROM big.small.or", 26)
    assert labels(r) == ["orders_archive", "`Order Lines`", "Orders"]
    assert r.options[0] == Option("orders_archive", "view", "VIEW")
    assert Option("Orders", "table", "TABLE · Customer orders") in r.options


def test_per_identity_cache():
    fake = FakeEngine()
    c = Completer(fake)
    a, b = Identity("a@x", pool_key="pa"), Identity("b@x", pool_key="pb")
    a_again = Identity("other-name", pool_key="pa")
    for who in (a, b, a_again, a):
        c.complete(who, "SELECT * FROM big.s.t_1", 23)
    assert fake.count("tables") == 2
    # without a pool key the user name is the key
    c.complete(Identity("c@x"), "SELECT * FROM big.s.t_1", 23)
    c.complete(Identity("c@x"), "SELECT * FROM big.s.t_1", 23)
    assert fake.count("tables") == 3


def test_max_users_bounds_the_cache():
    fake = FakeEngine(10)
    c = Completer(fake, max_users=2)
    users = [Identity(f"u{i}") for i in range(3)]
    for u in users:
        c.complete(u, "big.", 4)
    assert fake.count("catalogs") == 3
    c.complete(users[2], "big.", 4)
    assert fake.count("catalogs") == 3  # still cached
    c.complete(users[0], "big.", 4)
    assert fake.count("catalogs") == 4  # evicted: the oldest of three users
    assert MAX_ENTRIES_PER_USER >= 100


def test_concurrent_misses_share_one_fetch():
    fake = FakeEngine(delay_s=0.2)
    c = Completer(fake)
    results: list[Completions] = []
    start = threading.Barrier(8)

    def work() -> None:
        start.wait()
        results.append(c.complete(ME, "SELECT * FROM big.s.t_0000", 26))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 8 and all(len(r.options) == 10 for r in results)
    assert fake.count("catalogs") == 1 and fake.count("schemas") == 1 and fake.count("tables") == 1


def test_forget():
    fake = FakeEngine(10)
    c = Completer(fake)
    a, b = Identity("a", pool_key="pa"), Identity("b", pool_key="pb")
    for who in (a, b):
        c.complete(who, "big.", 4)
    c.forget(a)
    for who in (a, b):
        c.complete(who, "big.", 4)
    assert fake.count("schemas") == 3
    c.forget()
    for who in (a, b):
        c.complete(who, "big.", 4)
    assert fake.count("schemas") == 5


@pytest.mark.parametrize("error", [QueryError("no such catalog"), RuntimeError("network down"), KeyError("x")])
def test_engine_errors_give_fewer_options_never_an_exception(error):
    fake = FakeEngine(fail=error)
    c = Completer(fake)
    r = c.complete(ME, "SEL", 3)
    assert r.options[0] == Option("SELECT", "keyword")
    for text in ["SELECT * FROM big.", "SELECT * FROM big.s.t", "SELECT x.", "SELECT o. FROM big.s.t_00001 o", "SELECT a FROM big.s.t_00001 WHERE am"]:
        r = c.complete(ME, text, len(text), default_catalog="big", default_schema="s")
        assert all(o.type in ("keyword", "function") for o in r.options), text


def test_failed_listings_are_retried_only_after_a_while():
    fake, clock = FakeEngine(), Clock()
    c = Completer(fake, clock=clock)
    for _ in range(3):  # `x.` against a default catalog the engine does not know
        assert c.complete(ME, "SELECT * FROM x.", 16, default_catalog="nope").options == []
    assert [call for call in fake.calls if call[0] == "schemas"] == [("schemas", "nope")]
    clock.now += NEGATIVE_TTL_S + 1
    c.complete(ME, "SELECT * FROM big.zzz.", 22)
    c.complete(ME, "SELECT * FROM big.zzz.", 22)
    assert [call for call in fake.calls if call[0] == "tables"] == [("tables", "big", "zzz")]
    clock.now += NEGATIVE_TTL_S + 1
    c.complete(ME, "SELECT * FROM big.zzz.", 22)
    assert fake.count("tables") == 2


def test_only_the_statements_tables_are_looked_up():
    fake = FakeEngine()
    c = Completer(fake)
    sql = "SELECT am FROM big.s.t_00001 a JOIN big.s.t_00002 b ON a.id = b.id; SELECT 1 FROM big.s.t_00003"
    r = c.complete(ME, sql, len("SELECT am"))
    assert r.options[0] == Option("amount", "column", "decimal(10,2)")
    looked_up = {call[3] for call in fake.calls if call[0] == "columns"}
    assert looked_up == {"t_00001", "t_00002"}
    # a CTE named in FROM is not a table of the default schema
    c.complete(ME, "WITH w AS (SELECT 1 AS one) SELECT o| FROM w", 39, default_catalog="big", default_schema="s")
    assert not any(call[0] == "columns" and call[3] == "w" for call in fake.calls)
