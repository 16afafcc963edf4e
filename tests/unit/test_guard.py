"""Tests for the SQL statement guard (dashboard_app.services.sql.guard)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard_app.services.sql.guard import (
    UNPARSEABLE,
    StatementVerdict,
    Verdict,
    classify,
    split_statements,
)

# No example database on disk, no deadlines (the machine is shared and slow).
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


# ---------------------------------------------------------------------------
# Read-only statements: (sql, expected kind)
# ---------------------------------------------------------------------------

TPCH_READ_ONLY = [
    # TPC-H Q1
    (
        """select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty,
               sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
               avg(l_discount) as avg_disc, count(*) as count_order
           from samples.tpch.lineitem
           where l_shipdate <= date '1998-12-01' - interval '90' day
           group by l_returnflag, l_linestatus
           order by l_returnflag, l_linestatus""",
        "SELECT",
    ),
    # TPC-H Q2 (correlated scalar subquery, implicit joins)
    (
        """select s_acctbal, s_name, n_name, p_partkey, p_mfgr
           from samples.tpch.part, samples.tpch.supplier, samples.tpch.partsupp,
                samples.tpch.nation, samples.tpch.region
           where p_partkey = ps_partkey and s_suppkey = ps_suppkey and p_size = 15
             and p_type like '%BRASS' and s_nationkey = n_nationkey
             and n_regionkey = r_regionkey and r_name = 'EUROPE'
             and ps_supplycost = (
               select min(ps_supplycost)
               from samples.tpch.partsupp, samples.tpch.supplier, samples.tpch.nation, samples.tpch.region
               where p_partkey = ps_partkey and s_suppkey = ps_suppkey
                 and s_nationkey = n_nationkey and n_regionkey = r_regionkey and r_name = 'EUROPE')
           order by s_acctbal desc, n_name, s_name, p_partkey
           limit 100""",
        "SELECT",
    ),
    # TPC-H Q4 (EXISTS)
    (
        """select o_orderpriority, count(*) as order_count
           from samples.tpch.orders
           where o_orderdate >= date '1993-07-01'
             and o_orderdate < date '1993-07-01' + interval '3' month
             and exists (select * from samples.tpch.lineitem
                         where l_orderkey = o_orderkey and l_commitdate < l_receiptdate)
           group by o_orderpriority order by o_orderpriority""",
        "SELECT",
    ),
    # TPC-H Q13 (outer join with compound ON, derived table with column list)
    (
        """select c_count, count(*) as custdist
           from (select c_custkey, count(o_orderkey)
                 from samples.tpch.customer left outer join samples.tpch.orders
                   on c_custkey = o_custkey and o_comment not like '%special%requests%'
                 group by c_custkey) as c_orders (c_custkey, c_count)
           group by c_count order by custdist desc, c_count desc""",
        "SELECT",
    ),
    # TPC-H Q15 (CTE referenced twice)
    (
        """with revenue0 as (
             select l_suppkey as supplier_no, sum(l_extendedprice * (1 - l_discount)) as total_revenue
             from samples.tpch.lineitem where l_shipdate >= date '1996-01-01' group by l_suppkey)
           select s_suppkey, s_name, total_revenue
           from samples.tpch.supplier, revenue0
           where s_suppkey = supplier_no and total_revenue = (select max(total_revenue) from revenue0)
           order by s_suppkey""",
        "SELECT",
    ),
    (
        "SELECT o_custkey, o_orderdate, row_number() OVER (PARTITION BY o_custkey ORDER BY o_orderdate DESC) AS rn "
        "FROM samples.tpch.orders QUALIFY rn = 1",
        "SELECT",
    ),
    (
        "SELECT * FROM (SELECT year(o_orderdate) y, o_orderpriority p, o_totalprice FROM samples.tpch.orders) "
        "PIVOT (sum(o_totalprice) FOR p IN ('1-URGENT' AS urgent, '2-HIGH' AS high))",
        "SELECT",
    ),
    ("SELECT * FROM samples.tpch.nation UNPIVOT (val FOR col IN (n_regionkey, n_nationkey))", "SELECT"),
    (
        "SELECT c_custkey, tag FROM samples.tpch.customer LATERAL VIEW explode(split(c_comment, ' ')) t AS tag LIMIT 10",
        "SELECT",
    ),
    ("SELECT * FROM samples.tpch.customer LATERAL VIEW OUTER posexplode(array(1, 2)) e AS pos, x", "SELECT"),
    (
        "SELECT c.c_name, o.* FROM samples.tpch.customer c JOIN LATERAL "
        "(SELECT * FROM samples.tpch.orders WHERE o_custkey = c.c_custkey ORDER BY o_orderdate DESC LIMIT 3) o",
        "SELECT",
    ),
    (
        "SELECT n_name, sum(o_totalprice) FILTER (WHERE o_orderstatus = 'F') FROM samples.tpch.orders "
        "JOIN samples.tpch.customer ON o_custkey = c_custkey JOIN samples.tpch.nation ON c_nationkey = n_nationkey "
        "GROUP BY ALL",
        "SELECT",
    ),
    (
        "SELECT o_orderkey, lag(o_totalprice, 1) OVER w, "
        "sum(o_totalprice) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) "
        "FROM samples.tpch.orders WINDOW w AS (PARTITION BY o_custkey ORDER BY o_orderdate)",
        "SELECT",
    ),
    ("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o_totalprice) FROM samples.tpch.orders", "SELECT"),
    ("SELECT /*+ BROADCAST(n) */ * FROM samples.tpch.customer c JOIN samples.tpch.nation n ON c.c_nationkey = n.n_nationkey", "SELECT"),
    ("SELECT * FROM samples.tpch.region r ANTI JOIN samples.tpch.nation n ON r.r_regionkey = n.n_regionkey", "SELECT"),
    ("SELECT * FROM samples.tpch.region r LEFT SEMI JOIN samples.tpch.nation n ON r.r_regionkey = n.n_regionkey", "SELECT"),
    ("SELECT * FROM samples.tpch.region NATURAL JOIN samples.tpch.nation", "SELECT"),
    ("SELECT * FROM samples.tpch.lineitem l JOIN samples.tpch.orders o USING (l_orderkey)", "SELECT"),
    ("SELECT * EXCEPT (o_comment) FROM samples.tpch.orders TABLESAMPLE (1 PERCENT)", "SELECT"),
    ("SELECT * FROM samples.tpch.orders VERSION AS OF 3", "SELECT"),
    ("SELECT * FROM samples.tpch.orders TIMESTAMP AS OF '2024-01-01'", "SELECT"),
    ("SELECT * FROM samples.tpch.orders@v12", "SELECT"),
    (
        "SELECT o_orderstatus, collect_list(o_orderkey), count(DISTINCT o_custkey), approx_count_distinct(o_custkey) "
        "FROM samples.tpch.orders GROUP BY ROLLUP (o_orderstatus)",
        "SELECT",
    ),
    ("SELECT o_orderstatus, count(*) FROM samples.tpch.orders GROUP BY GROUPING SETS ((o_orderstatus), ())", "SELECT"),
    ("SELECT o_orderkey FROM samples.tpch.orders DISTRIBUTE BY o_custkey SORT BY o_orderkey", "SELECT"),
    ("FROM samples.tpch.orders SELECT o_orderkey WHERE o_totalprice > 100", "SELECT"),
    (
        "SELECT * FROM samples.tpch.orders o WHERE o.o_totalprice > (SELECT avg(o_totalprice) FROM samples.tpch.orders) "
        "ORDER BY 1 LIMIT 10 OFFSET 5",
        "SELECT",
    ),
    (
        "SELECT max_by(o_orderkey, o_totalprice), min_by(o_orderkey, o_totalprice), any_value(o_clerk) "
        "FROM samples.tpch.orders",
        "SELECT",
    ),
    ("SELECT * FROM samples.tpch.orders WHERE o_orderkey = :key AND o_orderstatus = ?", "SELECT"),
]

OTHER_READ_ONLY = [
    ("SELECT 1", "SELECT"),
    ("select 1;", "SELECT"),
    ("  \n\t SELECT 1  \n ", "SELECT"),
    ("sElEcT * fRoM samples.tpch.orders", "SELECT"),
    ("SELECT '; DROP TABLE x'", "SELECT"),
    ("SELECT 'a\\'; DROP TABLE x; --'", "SELECT"),
    ('SELECT "double ; quoted; DROP TABLE t"', "SELECT"),
    ("SELECT `weird;name` FROM `my;table`", "SELECT"),
    ("SELECT 'it''s', r'raw\\string', X'1F', 1e3, 1.5BD, 10L", "SELECT"),
    ("/* DROP TABLE x; */ SELECT 1", "SELECT"),
    ("SELECT 1 /* ; DROP TABLE x ; */", "SELECT"),
    ("-- DROP TABLE x\nSELECT 1", "SELECT"),
    ("SELECT 1 -- ; DROP TABLE x", "SELECT"),
    ("SELECT 1 /* outer /* nested; DROP TABLE x */ still comment */", "SELECT"),
    ("SELECT `名前`, 'héllo wörld ☃' FROM `カタログ`.`スキーマ`.`表`", "SELECT"),
    ("SELECT current_user(), current_catalog(), current_date(), uuid(), rand()", "SELECT"),
    ("SELECT transform(array(1, 2, 3), x -> x * 2), filter(array(1, 2), x -> x > 1)", "SELECT"),
    ("SELECT named_struct('a', 1), map('k', 'v'), from_json('{\"a\":1}', 'a INT')", "SELECT"),
    ("SELECT raw:store.bicycle.price::double FROM main.default.events", "SELECT"),
    ("SELECT url_decode('a%20b'), parse_url('http://example.com/a', 'HOST'), 's3://bucket/just-a-string'", "SELECT"),
    ("SELECT regexp_extract(c, '([a-z]+);', 1), split(c, ';') FROM t", "SELECT"),
    ("SELECT ai_forecast FROM t", "SELECT"),  # a column, not a call
    ("SELECT IDENTIFIER('o_orderkey') FROM samples.tpch.orders", "SELECT"),
    ("SELECT * FROM IDENTIFIER('samples.tpch.orders')", "SELECT"),
    ("SELECT * FROM json.events", "SELECT"),  # a schema called json, not a file read
    ("SELECT sum(x) FROM (SELECT explode(sequence(1, 10)) AS x)", "SELECT"),
    ("SELECT * FROM range(0, 10, 2)", "SELECT"),
    ("SELECT * FROM explode(array(1, 2))", "SELECT"),
    ("SELECT * FROM inline(array(struct(1, 'a')))", "SELECT"),
    ("SELECT * FROM stack(2, 'a', 1, 'b', 2) AS t(k, v)", "SELECT"),
    ("SELECT * FROM table_changes('main.d.t', 2)", "SELECT"),
    ("SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, name)", "SELECT"),
    ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r", "SELECT"),
    ("WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b", "SELECT"),
    ("SELECT 1 UNION ALL SELECT 2", "UNION"),
    ("(SELECT 1) UNION (SELECT 2) ORDER BY 1", "UNION"),
    ("SELECT 1 INTERSECT SELECT 1", "INTERSECT"),
    ("SELECT 1 EXCEPT SELECT 2", "EXCEPT"),
    ("VALUES (1, 'a'), (2, 'b')", "VALUES"),
    ("(SELECT 1)", "SELECT"),
    ("SHOW TABLES", "SHOW"),
    ("show tables in samples.tpch like 'o*'", "SHOW"),
    ("SHOW CREATE TABLE main.default.t", "SHOW"),
    ("SHOW GRANTS ON TABLE main.default.t", "SHOW"),
    ("SHOW COLUMNS IN samples.tpch.orders", "SHOW"),
    ("SHOW TBLPROPERTIES samples.tpch.orders", "SHOW"),
    ("SHOW PARTITIONS main.d.t", "SHOW"),
    ("SHOW CATALOGS", "SHOW"),
    ("SHOW SCHEMAS IN samples", "SHOW"),
    ("SHOW FUNCTIONS LIKE 'a*'", "SHOW"),
    ("SHOW TABLES LIKE 'x;y'", "SHOW"),
    ("DESCRIBE samples.tpch.orders", "DESCRIBE"),
    ("desc extended samples.tpch.orders", "DESCRIBE"),
    ("DESCRIBE TABLE EXTENDED samples.tpch.orders", "DESCRIBE"),
    ("DESC samples.tpch.orders o_orderkey", "DESCRIBE"),
    ("DESCRIBE HISTORY main.d.t", "DESCRIBE"),
    ("DESCRIBE DETAIL main.d.t", "DESCRIBE"),  # sqlglot cannot parse it; guarded fallback
    ("DESCRIBE CATALOG EXTENDED main", "DESCRIBE"),
    ("DESCRIBE SCHEMA samples.tpch", "DESCRIBE"),
    ("DESCRIBE FUNCTION EXTENDED upper", "DESCRIBE"),
    ("DESCRIBE QUERY SELECT * FROM samples.tpch.orders", "DESCRIBE"),
    ("DESCRIBE EXTERNAL LOCATION my_location", "DESCRIBE"),  # sqlglot misreads LOCATION
    ("DESCRIBE STORAGE CREDENTIAL my_cred", "DESCRIBE"),
    ("DESC samples.tpch.orders o_orderkey AS JSON", "DESCRIBE"),
    ("SHOW EXTERNAL LOCATIONS", "SHOW"),
    ("EXPLAIN SHOW TABLES", "EXPLAIN"),
    ("EXPLAIN SELECT * FROM samples.tpch.lineitem", "EXPLAIN"),
    ("EXPLAIN EXTENDED SELECT 1", "EXPLAIN"),
    ("explain formatted select * from samples.tpch.orders where o_orderkey = 1", "EXPLAIN"),
    ("EXPLAIN CODEGEN SELECT 1", "EXPLAIN"),
    ("EXPLAIN COST WITH a AS (SELECT 1) SELECT * FROM a", "EXPLAIN"),
    # EXPLAIN plans a statement and runs nothing: EXPLAIN of a write changes nothing either
    ("EXPLAIN DELETE FROM t", "EXPLAIN"),
    ("EXPLAIN INSERT INTO t VALUES (1)", "EXPLAIN"),
    ("EXPLAIN EXTENDED DROP TABLE t", "EXPLAIN"),
    ("EXPLAIN LOGICAL DROP TABLE t", "EXPLAIN"),
    ("EXPLAIN VACUUM main.d.t", "EXPLAIN"),
    ("EXPLAIN MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", "EXPLAIN"),
    ("EXPLAIN CREATE TABLE t2 AS SELECT * FROM samples.tpch.orders", "EXPLAIN"),
    ("EXPLAIN SELECT * INTO t2 FROM t", "EXPLAIN"),
    ("EXPLAIN GRANT SELECT ON TABLE t TO `u`", "EXPLAIN"),
    ("EXPLAIN INSERT INTO t VALUES ('s3://just/data')", "EXPLAIN"),  # a value, not a location
    # IDENTIFIER(...) names an object, whatever the parameter holds
    ("SELECT * FROM IDENTIFIER(:tbl)", "SELECT"),
    ("SELECT * FROM IDENTIFIER(:tbl) WHERE IDENTIFIER(:col) = ?", "SELECT"),
    ("SELECT * FROM IDENTIFIER(:catalog || '.' || :schema || '.orders')", "SELECT"),
    ("SELECT * FROM IDENTIFIER('samples.tpch.orders') VERSION AS OF 3", "SELECT"),
    ("DESCRIBE TABLE IDENTIFIER(:tbl)", "DESCRIBE"),
    ("DESCRIBE HISTORY IDENTIFIER(:tbl) LIMIT 5", "DESCRIBE"),
    ("SHOW TABLES IN IDENTIFIER(:schema)", "SHOW"),
    # More of the reference
    ("SELECT * FROM samples.tpch.orders FOR SYSTEM_VERSION AS OF 2", "SELECT"),
    ("DESCRIBE HISTORY main.d.t LIMIT 1", "DESCRIBE"),
    ("DESCRIBE PROCEDURE main.d.p", "DESCRIBE"),
    ("SHOW SERVICE CREDENTIALS", "SHOW"),
    ("SHOW PROCEDURES IN main.d", "SHOW"),
    ("SELECT * FROM collations()", "SELECT"),
    ("TABLE samples.tpch.orders", "TABLE"),
    ("TABLE t", "TABLE"),
]

READ_ONLY = TPCH_READ_ONLY + OTHER_READ_ONLY


@pytest.mark.parametrize(("sql", "kind"), READ_ONLY)
def test_read_only(sql: str, kind: str) -> None:
    v = classify(sql)
    assert v.read_only, v.reason
    assert v.kinds == (kind,)
    assert v.reason == "" and v.error is None and not v.empty
    assert all(s.read_only and s.reason == "" for s in v.statements)


# ---------------------------------------------------------------------------
# Not read-only: (sql, expected kind)
# ---------------------------------------------------------------------------

NOT_READ_ONLY = [
    # DML
    ("INSERT INTO main.d.t VALUES (1, 'a; DROP TABLE x')", "INSERT"),
    ("insert into a select * from b", "INSERT"),
    ("INSERT OVERWRITE main.d.t SELECT * FROM samples.tpch.orders", "INSERT OVERWRITE"),
    ("INSERT INTO t REPLACE WHERE d = '2024-01-01' SELECT * FROM s", "INSERT"),
    ("INSERT OVERWRITE DIRECTORY '/tmp/x' SELECT 1", "INSERT OVERWRITE DIRECTORY"),
    ("FROM samples.tpch.orders INSERT INTO t1 SELECT o_orderkey INSERT INTO t2 SELECT o_custkey", "INSERT"),
    ("UPDATE main.d.t SET a = 1 WHERE b = 2", "UPDATE"),
    ("DELETE FROM main.d.t WHERE a = 1", "DELETE"),
    (
        "MERGE INTO main.d.t AS t USING main.d.s AS s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *",
        "MERGE",
    ),
    ("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED AND s.del THEN DELETE", "MERGE"),
    ("COPY INTO main.d.t FROM 's3://bucket/in' FILEFORMAT = CSV", "COPY INTO"),
    ("COPY INTO main.d.t FROM '/Volumes/main/d/v/' FILEFORMAT = PARQUET COPY_OPTIONS ('mergeSchema' = 'true')", "COPY INTO"),
    ("TRUNCATE TABLE main.d.t", "TRUNCATE TABLE"),
    ("LOAD DATA LOCAL INPATH '/tmp/x' INTO TABLE t", "LOAD DATA"),
    ("SELECT * INTO new_t FROM samples.tpch.orders", "SELECT INTO"),
    # CTE followed by a write
    ("WITH a AS (SELECT 1 AS x) INSERT INTO t SELECT * FROM a", "INSERT"),
    ("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", "SELECT"),
    # DDL
    ("DROP TABLE main.default.t", "DROP TABLE"),
    ("drop table if exists main.default.t", "DROP TABLE"),
    ("DROP VIEW IF EXISTS main.d.v", "DROP VIEW"),
    ("DROP SCHEMA main.s CASCADE", "DROP SCHEMA"),
    ("DROP FUNCTION main.d.f", "DROP FUNCTION"),
    ("CREATE TABLE main.d.t2 AS SELECT * FROM samples.tpch.orders", "CREATE TABLE"),
    ("CREATE TABLE t (a INT) USING DELTA LOCATION 's3://bucket/t'", "CREATE TABLE"),
    ("CREATE TABLE t2 DEEP CLONE samples.tpch.orders", "CREATE TABLE"),
    ("CREATE OR REPLACE TEMP VIEW v AS SELECT 1", "CREATE VIEW"),
    ("CREATE MATERIALIZED VIEW mv AS SELECT 1", "CREATE MATERIALIZED VIEW"),
    ("CREATE STREAMING TABLE st AS SELECT * FROM STREAM read_files('s3://x')", "CREATE STREAMING TABLE"),
    ("CREATE SCHEMA IF NOT EXISTS main.s", "CREATE SCHEMA"),
    ("CREATE CATALOG IF NOT EXISTS c", "CREATE CATALOG"),
    ("CREATE VOLUME main.s.v", "CREATE VOLUME"),
    ("CREATE FUNCTION f(x INT) RETURNS INT RETURN x + 1", "CREATE FUNCTION"),
    ("ALTER TABLE main.d.t ADD COLUMN x INT", "ALTER TABLE"),
    ("ALTER TABLE main.d.t SET TBLPROPERTIES ('a' = 'b')", "ALTER TABLE"),
    ("ALTER TABLE main.d.t OWNER TO `someone`", "ALTER TABLE"),
    ("ALTER VIEW v AS SELECT 1", "ALTER VIEW"),
    ("COMMENT ON TABLE main.d.t IS 'x'", "COMMENT ON"),
    # Delta maintenance and other commands sqlglot keeps as raw text
    ("OPTIMIZE main.d.t ZORDER BY (a)", "OPTIMIZE"),
    ("optimize main.d.t", "OPTIMIZE"),
    ("VACUUM main.d.t RETAIN 168 HOURS", "VACUUM"),
    ("VACUUM main.d.t DRY RUN", "VACUUM"),
    ("MSCK REPAIR TABLE main.d.t", "MSCK REPAIR"),
    ("REFRESH TABLE main.d.t", "REFRESH TABLE"),
    ("REFRESH MATERIALIZED VIEW main.d.mv", "REFRESH MATERIALIZED VIEW"),
    ("CACHE TABLE main.d.t", "CACHE TABLE"),
    ("UNCACHE TABLE main.d.t", "UNCACHE TABLE"),
    ("CLEAR CACHE", "CLEAR CACHE"),
    ("ANALYZE TABLE main.d.t COMPUTE STATISTICS FOR ALL COLUMNS", "ANALYZE TABLE"),
    ("CALL main.d.proc(1)", "CALL"),
    ("EXECUTE IMMEDIATE 'SELECT 1'", "EXECUTE IMMEDIATE"),
    ("ADD JAR '/tmp/x.jar'", "ADD JAR"),
    ("LIST 's3://bucket/'", "LIST"),
    # Permissions
    ("GRANT SELECT ON TABLE main.d.t TO `a@b.com`", "GRANT"),
    ("GRANT USE CATALOG ON CATALOG main TO `analysts`", "GRANT"),
    ("REVOKE SELECT ON TABLE main.d.t FROM `a@b.com`", "REVOKE"),
    # Session state
    ("SET spark.sql.shuffle.partitions = 10", "SET"),
    ("SET TIME ZONE 'UTC'", "SET"),
    ("SET VAR x = 1", "SET"),
    ("SET", "SET"),
    ("RESET", "RESET"),
    ("USE samples.tpch", "USE"),
    ("USE CATALOG main", "USE"),
    ("use schema tpch", "USE"),
    ("DECLARE VARIABLE x INT DEFAULT 1", "DECLARE"),
    ("BEGIN", "BEGIN"),
    ("COMMIT", "COMMIT"),
    ("ROLLBACK", "ROLLBACK"),
    # Files by path / external storage
    ("SELECT * FROM parquet.`/path/x`", "SELECT"),
    ("SELECT * FROM csv.`s3://bucket/x.csv`", "SELECT"),
    ("SELECT * FROM text.`dbfs:/tmp/x`", "SELECT"),
    ("SELECT * FROM json.`abfss://c@a.dfs.core.windows.net/p`", "SELECT"),
    ("SELECT * FROM parquet.`gs://bucket/x`", "SELECT"),
    ("SELECT * FROM delta.`https://example.com/x`", "SELECT"),
    ("SELECT * FROM delta.`relative_dir`", "SELECT"),
    ("SELECT * FROM `/Volumes/main/default/vol/file.csv`", "SELECT"),
    ("SELECT * FROM `s3://bucket/path`", "SELECT"),
    ("SELECT * FROM read_files('/Volumes/main/default/v/', format => 'csv')", "SELECT"),
    ("SELECT * FROM READ_FILES('s3://x')", "SELECT"),
    ("SELECT * FROM read_csv('x')", "SELECT"),
    ("SELECT * FROM read_kafka(bootstrapServers => 'x', subscribe => 'y')", "SELECT"),
    ("SELECT * FROM cloud_files_state('s3://x')", "SELECT"),
    ("SELECT * FROM IDENTIFIER('parquet.`/x`')", "SELECT"),
    ("SELECT * FROM IDENTIFIER('delta.`relative_dir`')", "SELECT"),
    ("SELECT * FROM IDENTIFIER(:s || '.`/x`')", "SELECT"),
    ("SELECT * FROM IDENTIFIER((SELECT 'samples.tpch.orders'))", "SELECT"),
    ("SELECT IDENTIFIER(:fn)(a, b) FROM t", "SELECT"),  # a function named by a parameter
    ("SELECT * FROM IDENTIFIER(:fn)(1)", "SELECT"),
    ("DESCRIBE TABLE IDENTIFIER('delta.`/x`')", "DESCRIBE"),
    ("SHOW TABLES IN IDENTIFIER('delta.`/x`')", "SHOW"),
    ("SHOW PARTITIONS delta.`s3://bucket/t`", "SHOW"),
    ("SHOW TBLPROPERTIES parquet.`relative`", "SHOW"),
    ("TABLE parquet.`/x`", "TABLE"),
    ("DESCRIBE HISTORY delta.`/x` LIMIT 1", "DESCRIBE"),
    ("SELECT * FROM ${tbl}", "SELECT"),
    ("SELECT ${x} FROM t", "SELECT"),
    ("SELECT * FROM samples.tpch.orders WHERE o_orderkey IN (SELECT k FROM read_files('x'))", "SELECT"),
    ("SELECT 1 UNION ALL SELECT * FROM read_files('x')", "UNION"),
    # External services
    ("SELECT ai_query('endpoint', o_comment) FROM samples.tpch.orders", "SELECT"),
    ("SELECT ai_summarize(o_comment) FROM samples.tpch.orders", "SELECT"),
    ("SELECT ai_classify(o_comment, array('a', 'b')) FROM samples.tpch.orders", "SELECT"),
    ("SELECT (SELECT ai_query('m', 'x'))", "SELECT"),
    ("SELECT http_request(conn => 'c', method => 'GET', path => '/')", "SELECT"),
    ("SELECT reflect('java.util.UUID', 'randomUUID')", "SELECT"),
    ("SELECT java_method('java.lang.System', 'exit', 0)", "SELECT"),
    ("SELECT secret('scope', 'key')", "SELECT"),
    ("SELECT try_secret('scope', 'key')", "SELECT"),
    ("SELECT * FROM list_secrets()", "SELECT"),
    ("SELECT * FROM vector_search(index => 'x', query_text => 'y', num_results => 5)", "SELECT"),
    ("SELECT * FROM remote_query('conn', query => 'select 1')", "SELECT"),
    ("SELECT TRANSFORM(o_orderkey) USING 'python script.py' AS (x) FROM samples.tpch.orders", "SELECT"),
    # Unknown table-valued functions are not trusted
    ("SELECT * FROM my_unknown_tvf(1)", "SELECT"),
    ("SELECT * FROM main.d.my_tvf(1)", "SELECT"),
    ("SELECT * FROM t LATERAL VIEW my_udtf(a) e AS x", "SELECT"),
    ("SELECT * FROM STREAM(samples.tpch.orders)", "SELECT"),
    ("SELECT * FROM t FOR UPDATE", "SELECT"),
    # EXPLAIN of what could run or reach outside while planned; DESCRIBE QUERY of a non-query
    ("EXPLAIN SELECT * FROM read_files('s3://x')", "EXPLAIN"),
    ("EXPLAIN INSERT INTO t SELECT ai_query('m', c) FROM s", "EXPLAIN"),
    ("EXPLAIN CREATE TABLE t USING DELTA LOCATION 's3://b/t'", "EXPLAIN"),
    ("EXPLAIN ALTER TABLE t SET LOCATION 's3://b/t'", "EXPLAIN"),
    ("EXPLAIN INSERT OVERWRITE DIRECTORY '/tmp/x' SELECT 1", "EXPLAIN"),
    ("EXPLAIN REFRESH 's3://b/p'", "EXPLAIN"),
    ("EXPLAIN VACUUM delta.`/x`", "EXPLAIN"),
    ("EXPLAIN COPY INTO t FROM 's3://b/in' FILEFORMAT = CSV", "EXPLAIN"),
    ("EXPLAIN EXECUTE IMMEDIATE 'DROP TABLE t'", "EXPLAIN"),
    ("EXPLAIN CALL main.d.p()", "EXPLAIN"),
    ("EXPLAIN ANALYZE TABLE t COMPUTE STATISTICS", "EXPLAIN"),
    ("EXPLAIN LIST '/Volumes/a/b/c'", "EXPLAIN"),
    ("EXPLAIN DROP TABLE ${t}", "EXPLAIN"),
    ("EXPLAIN EXPLAIN SELECT 1", "EXPLAIN"),
    ("EXPLAIN EXPLAIN DROP TABLE t", "EXPLAIN"),
    ("EXPLAIN SHOW ME THE MONEY", "EXPLAIN"),
    ("EXPLAIN hello world", "EXPLAIN"),
    ("DESCRIBE QUERY DELETE FROM t", "DESCRIBE"),
    ("DESCRIBE QUERY SELECT * FROM read_files('s3://x')", "DESCRIBE"),
    ("DESCRIBE DETAIL delta.`/x`", "DESCRIBE"),
    ("DESCRIBE TABLE parquet.`s3://bucket/x`", "DESCRIBE"),
    ("SHOW ME THE MONEY", "SHOW"),  # unknown SHOW form
    # Comments and casing hiding the keyword
    ("/* hide */ DROP /* more */ TABLE /* x */ main.default.t", "DROP TABLE"),
    ("dRoP   tAbLe\n  main.default.t", "DROP TABLE"),
    ("-- SELECT 1\nDELETE FROM t", "DELETE"),
    ("/* SELECT 1; */ GRANT ALL PRIVILEGES ON SCHEMA s TO `x`", "GRANT"),
    # Bare expressions that sqlglot accepts but are not statements
    ("hello world", "HELLO"),
]


@pytest.mark.parametrize(("sql", "kind"), NOT_READ_ONLY)
def test_not_read_only(sql: str, kind: str) -> None:
    v = classify(sql)
    assert not v.read_only
    assert v.kinds == (kind,)
    assert v.reason
    assert v.statements[0].reason
    assert not v.empty


# ---------------------------------------------------------------------------
# Unparseable and empty
# ---------------------------------------------------------------------------

UNPARSEABLE_SQL = [
    "SELEC 1",
    "SELECT FROM WHERE",
    ")(",
    "SELECT 'unterminated",
    "SELECT `unterminated",
    "SELECT 1 /* unterminated comment",
    "RESTORE TABLE main.d.t TO VERSION AS OF 3",
    "UNDROP TABLE main.d.t",
    "REORG TABLE main.d.t APPLY (PURGE)",
    "CONVERT TO DELTA parquet.`s3://x`",
    "PUT '/tmp/x' INTO '/Volumes/a/b/c/x'",
    "REMOVE '/Volumes/a/b/c/x'",
    "EXPLAIN",
    "EXPLAIN ANALYZE SELECT 1",
    "SELECT (1; 2)",
]


@pytest.mark.parametrize("sql", UNPARSEABLE_SQL)
def test_unparseable_is_not_read_only(sql: str) -> None:
    v = classify(sql)
    assert not v.read_only
    assert UNPARSEABLE in v.kinds
    assert v.error
    bad = next(s for s in v.statements if s.kind == UNPARSEABLE)
    assert bad.error and bad.reason.startswith("could not be parsed")
    assert "\x1b" not in bad.reason  # sqlglot's terminal colour codes are stripped


@pytest.mark.parametrize("sql", ["", "   ", "\n\t\n", ";", " ; ;; ", "-- just a comment", "/* block */", "/* a */ -- b\n ;"])
def test_empty(sql: str) -> None:
    v = classify(sql)
    assert v.empty
    assert not v.read_only
    assert v.statements == ()
    assert "nothing to run" in v.reason
    assert v.describe().startswith("Nothing to run")
    assert split_statements(sql) == []


def test_non_string_input_never_raises() -> None:
    none = classify(None)  # type: ignore[arg-type]
    assert none.empty and not none.read_only and none.statements == () and "nothing to run" in none.reason
    decoded = classify(b"SELECT 1")  # type: ignore[arg-type]
    assert decoded.read_only and decoded.kinds == ("SELECT",) and not decoded.error
    number = classify(42)  # type: ignore[arg-type]
    assert not number.read_only and number.reason


def test_bytes_are_decoded() -> None:
    assert classify(b"SELECT 1").read_only  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Several statements
# ---------------------------------------------------------------------------

MULTI = [
    ("SELECT 1; SELECT 2", ("SELECT", "SELECT"), True),
    ("SELECT 1;;;  ; SELECT 2;", ("SELECT", "SELECT"), True),
    ("SELECT 1; DROP TABLE x", ("SELECT", "DROP TABLE"), False),
    ("SELECT * FROM t; SHOW TABLES; EXPLAIN SELECT 1", ("SELECT", "SHOW", "EXPLAIN"), True),
    ('SELECT "x"; DROP TABLE y', ("SELECT", "DROP TABLE"), False),
    ("WITH a AS (SELECT 1 AS x) SELECT * FROM a; DELETE FROM t", ("SELECT", "DELETE"), False),
    ("USE CATALOG samples; SELECT * FROM tpch.orders", ("USE", "SELECT"), False),
    ("SELECT 1; SELEC 2", ("SELECT", UNPARSEABLE), False),
    ("SHOW TABLES; OPTIMIZE t; SELECT 1", ("SHOW", "OPTIMIZE", "SELECT"), False),
    ("SELECT ';'; SELECT \";\"; SELECT `;` FROM t -- ;\n; SELECT 1 /* ; */", ("SELECT",) * 4, True),
]


@pytest.mark.parametrize(("sql", "kinds", "read_only"), MULTI)
def test_multiple_statements(sql: str, kinds: tuple[str, ...], read_only: bool) -> None:
    v = classify(sql)
    assert v.kinds == kinds
    assert v.read_only is read_only
    assert v.read_only == all(s.read_only for s in v.statements)
    assert [s.sql for s in v.statements] == split_statements(sql)


def test_multi_reason_names_the_offending_statement() -> None:
    v = classify("SELECT 1; SELECT 2; DROP TABLE main.default.t")
    assert v.reason.startswith("statement 3 (DROP TABLE)")
    assert [s.read_only for s in v.statements] == [True, True, False]


def test_unparseable_statement_does_not_hide_others() -> None:
    v = classify("SELEC 1; DROP TABLE main.default.t")
    assert v.kinds == (UNPARSEABLE, "DROP TABLE")
    assert v.statements[1].objects == ("main.default.t",)
    assert v.error and "line 1" in v.error


# ---------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------

OBJECTS = [
    ("DROP TABLE main.default.t", ("main.default.t",)),
    ("drop table if exists `main`.`default`.`t`", ("main.default.t",)),
    ("INSERT INTO a SELECT * FROM b", ("a", "b")),
    ("INSERT INTO main.d.target SELECT * FROM samples.tpch.orders o JOIN samples.tpch.customer c ON 1 = 1",
     ("main.d.target", "samples.tpch.orders", "samples.tpch.customer")),
    ("SELECT * FROM samples.tpch.orders o JOIN samples.tpch.customer c ON o.o_custkey = c.c_custkey",
     ("samples.tpch.orders", "samples.tpch.customer")),
    ("WITH x AS (SELECT * FROM b) INSERT INTO t SELECT * FROM x", ("b", "t")),
    ("WITH orders AS (SELECT 1) SELECT * FROM orders JOIN samples.tpch.orders", ("samples.tpch.orders",)),
    ("MERGE INTO main.d.t USING main.d.s ON t.a = s.a WHEN MATCHED THEN DELETE", ("main.d.t", "main.d.s")),
    ("SELECT * FROM `my cat`.`my schema`.`t`", ("`my cat`.`my schema`.t",)),
    ("SELECT * FROM Samples.TPCH.Orders", ("Samples.TPCH.Orders",)),
    ("SELECT * FROM parquet.`/path/x`", ("parquet.`/path/x`",)),
    ("COPY INTO main.d.t FROM 's3://bucket/in' FILEFORMAT = CSV", ("main.d.t", "s3://bucket/in")),
    ("INSERT OVERWRITE DIRECTORY '/tmp/out' SELECT * FROM t", ("t", "/tmp/out")),
    ("GRANT SELECT ON TABLE main.d.t TO `a@b.com`", ("main.d.t",)),
    ("USE main.default", ("main.default",)),
    ("OPTIMIZE main.d.t ZORDER BY (a)", ("main.d.t",)),
    ("VACUUM main.d.t RETAIN 168 HOURS", ("main.d.t",)),
    ("MSCK REPAIR TABLE main.d.t", ("main.d.t",)),
    ("SHOW TABLES IN samples.tpch", ("samples.tpch",)),
    ("SHOW GRANTS ON TABLE main.d.t", ("main.d.t",)),
    ("DESCRIBE DETAIL main.d.t", ("main.d.t",)),
    ("DESCRIBE HISTORY main.d.t", ("main.d.t",)),
    ("EXPLAIN DELETE FROM main.d.t", ("main.d.t",)),
    ("EXPLAIN DROP TABLE main.d.t", ("main.d.t",)),
    ("SELECT * FROM IDENTIFIER(:tbl)", ("IDENTIFIER(:tbl)",)),
    ("SELECT * FROM IDENTIFIER('samples.tpch.orders')", ("samples.tpch.orders",)),
    ("DESCRIBE TABLE IDENTIFIER('samples.tpch.orders')", ("samples.tpch.orders",)),
    ("DESCRIBE HISTORY IDENTIFIER(:tbl) LIMIT 5", ("IDENTIFIER(:tbl)",)),
    ("SHOW TABLES IN IDENTIFIER(:schema)", ("IDENTIFIER(:schema)",)),
    ("TABLE samples.tpch.region", ("samples.tpch.region",)),
    ("CREATE CATALOG IF NOT EXISTS c", ("c",)),
    ("DROP SCHEMA main.s", ("main.s",)),
    ("SELECT * FROM read_files('s3://x')", ("read_files('s3://x')",)),
    ("SELECT 1", ()),
    ("SELECT /*+ BROADCAST(n) */ * FROM samples.tpch.nation n", ("samples.tpch.nation",)),
]


@pytest.mark.parametrize(("sql", "objects"), OBJECTS)
def test_objects(sql: str, objects: tuple[str, ...]) -> None:
    assert classify(sql).objects == objects


def test_objects_are_deduplicated_across_statements_in_order() -> None:
    v = classify("SELECT * FROM b; INSERT INTO a SELECT * FROM b; DELETE FROM a")
    assert v.objects == ("b", "a")
    assert v.statements[1].objects == ("a", "b")


# ---------------------------------------------------------------------------
# describe()
# ---------------------------------------------------------------------------

DESCRIBE = [
    ("DROP TABLE main.default.t", "DROP TABLE on main.default.t"),
    ("insert into a select * from b", "INSERT on a, b"),
    ("SELECT 1", "SELECT"),
    ("OPTIMIZE main.d.t", "OPTIMIZE on main.d.t"),
    ("SET spark.sql.ansi.enabled = true", "SET"),
    ("SELECT 1; DROP TABLE x", "2 statements: SELECT; DROP TABLE on x"),
    ("SELECT * FROM a, b, c, d, e", "SELECT on a, b, c and 2 more"),
    ("SELEC 1", "UNPARSEABLE statement: SELEC 1"),
    ("", "Nothing to run (the SQL is empty or only comments)"),
]


@pytest.mark.parametrize(("sql", "text"), DESCRIBE)
def test_describe(sql: str, text: str) -> None:
    assert classify(sql).describe() == text


def test_describe_is_one_line_and_bounded() -> None:
    sql = ";\n".join(f"DROP TABLE main.default.table_number_{i}" for i in range(200))
    text = classify(sql).describe()
    assert "\n" not in text
    assert len(text) <= 300
    assert text.startswith("200 statements: DROP TABLE on main.default.table_number_0")


# ---------------------------------------------------------------------------
# split_statements
# ---------------------------------------------------------------------------

SPLITS = [
    ("SELECT 1", ["SELECT 1"]),
    ("SELECT 1;", ["SELECT 1"]),
    ("SELECT 1; SELECT 2", ["SELECT 1", "SELECT 2"]),
    ("  SELECT 1  ;\n\n  SELECT 2  ;  ", ["SELECT 1", "SELECT 2"]),
    ("SELECT 'a;b'; SELECT 2", ["SELECT 'a;b'", "SELECT 2"]),
    ("SELECT 'it\\'s; here'; SELECT 2", ["SELECT 'it\\'s; here'", "SELECT 2"]),
    ('SELECT "a;b"', ['SELECT "a;b"']),
    ("SELECT `a;b` FROM `t;u`; SELECT 2", ["SELECT `a;b` FROM `t;u`", "SELECT 2"]),
    ("SELECT 1 -- no; split\n; SELECT 2", ["SELECT 1", "SELECT 2"]),
    ("SELECT 1 /* no; split */; SELECT 2", ["SELECT 1", "SELECT 2"]),
    ("SELECT 1 /* a /* nested; */ still; */; SELECT 2", ["SELECT 1", "SELECT 2"]),
    ("SELECT 1 /* inner */ + 2", ["SELECT 1 /* inner */ + 2"]),
    (";;;", []),
    ("", []),
    ("SHOW TABLES LIKE 'a;b'; DROP TABLE z", ["SHOW TABLES LIKE 'a;b'", "DROP TABLE z"]),
    ("EXPLAIN SELECT ';' ; VACUUM t", ["EXPLAIN SELECT ';'", "VACUUM t"]),
    ("SELECT 'héllo;☃'; SELECT `名;前`", ["SELECT 'héllo;☃'", "SELECT `名;前`"]),
    ("SELECT 1;\r\nSELECT 2\r\n", ["SELECT 1", "SELECT 2"]),
    ("SELECT 'unterminated; SELECT 2", ["SELECT 'unterminated; SELECT 2"]),
]


@pytest.mark.parametrize(("sql", "pieces"), SPLITS)
def test_split_statements(sql: str, pieces: list[str]) -> None:
    assert split_statements(sql) == pieces


def test_statement_sql_is_the_original_slice() -> None:
    sql = "select  *\n  from  samples.tpch.orders  -- note\n;  DROP TABLE `x;y`"
    v = classify(sql)
    assert [s.sql for s in v.statements] == ["select  *\n  from  samples.tpch.orders", "DROP TABLE `x;y`"]


# ---------------------------------------------------------------------------
# Verdict shape
# ---------------------------------------------------------------------------


def test_verdicts_are_frozen() -> None:
    v = classify("SELECT 1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.read_only = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.statements[0].read_only = False  # type: ignore[misc]
    assert isinstance(v.statements, tuple)
    assert isinstance(v.statements[0], StatementVerdict)


def test_reasons_explain_the_category() -> None:
    assert "session" in classify("SET x = 1").reason
    assert "permissions" in classify("GRANT SELECT ON TABLE t TO `u`").reason
    assert "external" in classify("SELECT * FROM parquet.`/p`").reason
    assert "external" in classify("SELECT ai_query('m', 'p')").reason
    assert "schema" in classify("DROP TABLE t").reason
    assert "modifies data" in classify("DELETE FROM t").reason
    assert "INTO" in classify("SELECT * INTO t2 FROM t").reason
    assert "EXPLAIN of SELECT" in classify("EXPLAIN SELECT * FROM read_files('s3://x')").reason
    assert "external" in classify("EXPLAIN SELECT * FROM read_files('s3://x')").reason
    assert "EXPLAIN of EXECUTE IMMEDIATE" in classify("EXPLAIN EXECUTE IMMEDIATE 'DROP TABLE t'").reason
    assert "IDENTIFIER" in classify("SELECT IDENTIFIER(:fn)(a) FROM t").reason


# ---------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------


def test_long_input_is_refused_quickly_and_safely() -> None:
    sql = "SELECT 1 UNION ALL " * 60_000 + "SELECT 1"  # ~1.1 MB
    v = classify(sql)
    assert not v.read_only
    assert v.kinds == (UNPARSEABLE,)
    assert "too long" in (v.error or "")


def test_large_but_allowed_input_is_analysed() -> None:
    sql = "SELECT * FROM samples.tpch.orders WHERE o_orderkey IN (" + ", ".join(map(str, range(20_000))) + ")"
    v = classify(sql)
    assert v.read_only
    assert v.objects == ("samples.tpch.orders",)


def test_many_statements() -> None:
    sql = "SELECT 1;\n" * 2_000 + "DROP TABLE x"
    v = classify(sql)
    assert len(v.statements) == 2_001
    assert not v.read_only and v.reason.startswith("statement 2001")


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT " + "(" * 5_000 + "1" + ")" * 5_000,
        "SELECT " + "CASE WHEN a THEN " * 3_000 + "1" + " END" * 3_000,
        "SELECT * FROM " + "(SELECT * FROM " * 2_000 + "t" + ")" * 2_000,
        "SELECT array(" * 3_000 + "1" + ")" * 3_000,
    ],
)
def test_deep_nesting_does_not_crash(sql: str) -> None:
    v = classify(sql)
    assert isinstance(v, Verdict)
    assert not v.read_only  # too deep to analyse => unparseable


def test_nul_and_control_characters() -> None:
    v = classify("SELECT 1\x00; DROP TABLE t\x07")
    assert not v.read_only
    assert v.kinds == ("SELECT", "DROP TABLE") and not v.statements[1].read_only
    assert not classify("\x00DROP TABLE t").read_only


# ---------------------------------------------------------------------------
# Property-based tests
# ---------------------------------------------------------------------------

READ_SAMPLES = [sql for sql, _ in READ_ONLY]
WRITE_SAMPLES = [sql for sql, _ in NOT_READ_ONLY]


@PROPERTY
@given(
    ro=st.sampled_from(READ_SAMPLES),
    write=st.sampled_from(WRITE_SAMPLES),
    sep=st.sampled_from([";", "; ", ";\n", " ;\n\n", ";/* c */", ";-- c\n"]),
)
def test_read_only_followed_by_write_is_not_read_only(ro: str, write: str, sep: str) -> None:
    # A newline first so a trailing line comment in `ro` cannot swallow the separator.
    v = classify(ro + "\n" + sep + write)
    assert not v.read_only
    assert v.statements[0].read_only
    assert not v.statements[-1].read_only


@PROPERTY
@given(ro=st.sampled_from(READ_SAMPLES), write=st.sampled_from(WRITE_SAMPLES))
def test_write_followed_by_read_only_is_not_read_only(ro: str, write: str) -> None:
    v = classify(write + "\n;\n" + ro)
    assert not v.read_only
    assert v.statements[-1].read_only


@PROPERTY
@given(st.text(max_size=300))
def test_classify_never_raises_on_arbitrary_text(text: str) -> None:
    v = classify(text)
    assert isinstance(v, Verdict)
    if v.read_only:
        assert v.statements and all(s.read_only for s in v.statements)
        assert UNPARSEABLE not in v.kinds
    assert isinstance(v.describe(), str)
    assert isinstance(split_statements(text), list)


SQL_ALPHABET = st.sampled_from(
    ["SELECT", "FROM", "t", "DROP", "TABLE", "INSERT", "INTO", "(", ")", ",", ";", "'", '"', "`", "--",
     "/*", "*/", "\n", " ", "1", "*", "WITH", "AS", "UNION", "EXPLAIN", "SHOW", "DESCRIBE", "\\", "$", "{", "}"]
)


@PROPERTY
@given(st.lists(SQL_ALPHABET, max_size=40))
def test_classify_never_raises_on_sql_like_soup(parts: list[str]) -> None:
    text = " ".join(parts)
    v = classify(text)
    assert isinstance(v, Verdict)
    # Whatever the soup, a DROP that survives as its own statement is never read-only.
    for s in v.statements:
        if s.kind.startswith("DROP"):
            assert not s.read_only


WRITE_TOKENS = [
    (["DROP", "TABLE", "main.default.t"], "DROP TABLE"),
    (["DELETE", "FROM", "main.d.t", "WHERE", "a", "=", "1"], "DELETE"),
    (["INSERT", "INTO", "t", "SELECT", "*", "FROM", "s"], "INSERT"),
    (["UPDATE", "t", "SET", "a", "=", "1"], "UPDATE"),
    (["TRUNCATE", "TABLE", "t"], "TRUNCATE TABLE"),
    (["GRANT", "SELECT", "ON", "TABLE", "t", "TO", "`u`"], "GRANT"),
    (["REVOKE", "SELECT", "ON", "TABLE", "t", "FROM", "`u`"], "REVOKE"),
    (["OPTIMIZE", "main.d.t"], "OPTIMIZE"),
    (["VACUUM", "main.d.t"], "VACUUM"),
    (["SET", "x", "=", "1"], "SET"),
    (["USE", "CATALOG", "main"], "USE"),
    (["CREATE", "TABLE", "t", "AS", "SELECT", "1"], "CREATE TABLE"),
    (["SELECT", "*", "INTO", "t2", "FROM", "t"], "SELECT INTO"),
    (["EXPLAIN", "EXECUTE", "IMMEDIATE", "'DELETE FROM t'"], "EXPLAIN"),
    (["EXPLAIN", "SELECT", "*", "FROM", "read_files", "(", "'s3://x'", ")"], "EXPLAIN"),
    (["SELECT", "*", "FROM", "parquet.`/p`"], "SELECT"),
]
READ_TOKENS = [
    (["SELECT", "*", "FROM", "samples.tpch.orders", "WHERE", "o_orderkey", "=", "1"], "SELECT"),
    (["WITH", "a", "AS", "(", "SELECT", "1", ")", "SELECT", "*", "FROM", "a"], "SELECT"),
    (["SHOW", "TABLES", "IN", "samples.tpch"], "SHOW"),
    (["DESCRIBE", "samples.tpch.orders"], "DESCRIBE"),
    (["EXPLAIN", "SELECT", "1"], "EXPLAIN"),
    (["SELECT", "1", "UNION", "ALL", "SELECT", "2"], "UNION"),
]
# Anything that separates tokens: whitespace and comments, some hiding "SQL".
SEPARATORS = st.sampled_from([" ", "  ", "\n", "\t", "\r\n", " /* x */ ", "/**/", " -- DROP TABLE y;\n", " /* ; DELETE FROM t; */ "])


def _random_case(word: str, flips: list[bool]) -> str:
    if word.startswith(("`", "'")) or "." in word:
        return word  # names keep their spelling
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(word, flips + [False] * len(word)))


def _assemble(data: st.DataObject, tokens: list[str]) -> str:
    out = data.draw(st.sampled_from(["", " ", "\n", "/* lead */ ", "-- lead\n"]))
    for i, tok in enumerate(tokens):
        flips = data.draw(st.lists(st.booleans(), min_size=len(tok), max_size=len(tok)))
        out += _random_case(tok, flips)
        if i < len(tokens) - 1:
            out += data.draw(SEPARATORS)
    return out + data.draw(st.sampled_from(["", ";", " ;", "\n-- tail", " /* tail */"]))


@PROPERTY
@given(case=st.sampled_from(WRITE_TOKENS), data=st.data())
def test_comments_and_casing_do_not_hide_writes(case: tuple[list[str], str], data: st.DataObject) -> None:
    tokens, kind = case
    v = classify(_assemble(data, tokens))
    assert not v.read_only
    assert v.kinds == (kind,)


@PROPERTY
@given(case=st.sampled_from(READ_TOKENS), data=st.data())
def test_comments_and_casing_keep_reads_read_only(case: tuple[list[str], str], data: st.DataObject) -> None:
    tokens, kind = case
    v = classify(_assemble(data, tokens))
    assert v.read_only, v.reason
    assert v.kinds == (kind,)


def _sql_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@PROPERTY
@given(st.text(max_size=200))
def test_any_string_literal_is_just_data(text: str) -> None:
    sql = f"SELECT {_sql_string(text)} AS s FROM samples.tpch.orders"
    v = classify(sql)
    assert v.read_only, v.reason
    assert len(v.statements) == 1
    assert split_statements(sql) == [sql]


@PROPERTY
@given(st.text(min_size=1, max_size=80).filter(lambda s: s.strip("`") != ""))
def test_any_backtick_identifier_is_just_a_name(name: str) -> None:
    quoted = "`" + name.replace("`", "``") + "`"
    sql = f"SELECT 1 AS {quoted}"
    v = classify(sql)
    assert v.read_only, v.reason
    assert split_statements(sql) == [sql]


@PROPERTY
@given(st.lists(st.sampled_from(READ_SAMPLES + WRITE_SAMPLES), min_size=1, max_size=6))
def test_split_and_classify_agree(statements: list[str]) -> None:
    # Strip a trailing ';' from samples like "select 1;" so pieces compare cleanly.
    parts = [s.strip().rstrip(";").strip() for s in statements]
    joined = "\n;\n".join(parts)  # newline first: some parts end in a line comment
    # Pieces are trimmed of leading/trailing comments, exactly as each part alone.
    assert split_statements(joined) == [split_statements(p)[0] for p in parts]
    whole = classify(joined)
    singles = [classify(p) for p in parts]
    assert whole.kinds == tuple(k for s in singles for k in s.kinds)
    assert whole.read_only == all(s.read_only for s in singles)


@PROPERTY
@given(ro=st.sampled_from(READ_SAMPLES))
def test_appending_a_drop_always_breaks_read_only(ro: str) -> None:
    assert classify(ro).read_only
    assert not classify(ro + "\n;DROP TABLE main.default.t").read_only
    assert not classify(ro + "\n;/* x */ dRoP tAbLe t").read_only
