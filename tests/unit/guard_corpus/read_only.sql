-- Everyday read-only Databricks SQL: every entry must run without a confirmation
-- (tests/unit/test_guard_corpus.py allows at most 2 % to ask). Entries are separated by a
-- line holding only "-- next"; comments inside an entry are part of the statement.
-- Sections follow the Databricks SQL language reference.

-- ===== SELECT: projections, filters, aggregates =====
SELECT * FROM samples.tpch.orders
-- next
SELECT o_orderkey, o_totalprice FROM samples.tpch.orders WHERE o_orderstatus = 'O' LIMIT 100
-- next
select count(*) from samples.nyctaxi.trips
-- next
SELECT DISTINCT o_orderpriority FROM samples.tpch.orders ORDER BY 1
-- next
SELECT o_orderpriority, count(*) AS n, avg(o_totalprice) AS avg_price
FROM samples.tpch.orders
GROUP BY o_orderpriority
HAVING count(*) > 10
ORDER BY n DESC
-- next
SELECT * EXCEPT (o_comment, o_clerk) FROM samples.tpch.orders
-- next
SELECT * EXCEPT (c.c_comment), n.n_name FROM samples.tpch.customer c JOIN samples.tpch.nation n ON c.c_nationkey = n.n_nationkey
-- next
SELECT o.* FROM samples.tpch.orders AS o WHERE o.o_orderdate BETWEEN DATE'1995-01-01' AND DATE'1995-12-31'
-- next
SELECT o_orderkey FROM samples.tpch.orders WHERE o_comment ILIKE '%express%' OR o_comment RLIKE 'quick.*fox'
-- next
SELECT o_orderkey FROM samples.tpch.orders WHERE o_orderkey IN (1, 2, 3) AND o_custkey NOT IN (SELECT c_custkey FROM samples.tpch.customer WHERE c_acctbal < 0)
-- next
SELECT CASE WHEN o_totalprice > 100000 THEN 'big' WHEN o_totalprice > 1000 THEN 'mid' ELSE 'small' END AS bucket, count(*) FROM samples.tpch.orders GROUP BY 1
-- next
SELECT o_orderstatus, sum(o_totalprice) FILTER (WHERE o_orderpriority = '1-URGENT') AS urgent FROM samples.tpch.orders GROUP BY ALL
-- next
SELECT o_orderstatus, o_orderpriority, count(*) FROM samples.tpch.orders GROUP BY CUBE (o_orderstatus, o_orderpriority)
-- next
SELECT o_orderstatus, count(*) FROM samples.tpch.orders GROUP BY ROLLUP (o_orderstatus) ORDER BY o_orderstatus NULLS LAST
-- next
SELECT o_orderstatus, grouping(o_orderstatus), count(*) FROM samples.tpch.orders GROUP BY GROUPING SETS ((o_orderstatus), ())
-- next
SELECT percentile_approx(o_totalprice, 0.95), median(o_totalprice), stddev(o_totalprice), variance(o_totalprice) FROM samples.tpch.orders
-- next
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY o_totalprice) AS p50, percentile_disc(0.9) WITHIN GROUP (ORDER BY o_totalprice) FROM samples.tpch.orders
-- next
SELECT mode(o_orderpriority), count_if(o_totalprice > 1000), bool_and(o_totalprice > 0), every(o_custkey > 0) FROM samples.tpch.orders
-- next
SELECT approx_count_distinct(o_custkey), count(DISTINCT o_custkey), hll_sketch_estimate(hll_sketch_agg(o_custkey)) FROM samples.tpch.orders
-- next
SELECT array_agg(o_orderkey), collect_set(o_orderstatus), string_agg(o_clerk, ',') FROM samples.tpch.orders WHERE o_custkey = 1
-- next
SELECT max_by(o_orderkey, o_totalprice), min_by(o_orderkey, o_orderdate), any_value(o_clerk), first(o_comment), last(o_comment) FROM samples.tpch.orders
-- next
SELECT corr(l_quantity, l_extendedprice), covar_pop(l_quantity, l_discount), regr_slope(l_extendedprice, l_quantity) FROM samples.tpch.lineitem
-- next
SELECT o_orderkey FROM samples.tpch.orders ORDER BY o_totalprice DESC LIMIT 10 OFFSET 20
-- next
SELECT o_orderkey FROM samples.tpch.orders DISTRIBUTE BY o_custkey SORT BY o_orderkey
-- next
SELECT o_orderkey FROM samples.tpch.orders CLUSTER BY o_custkey
-- next
SELECT * FROM samples.tpch.orders LIMIT ALL
-- next
SELECT 1
-- next
SELECT 1 AS one, 'two' AS two, 3.0D AS three, 4BD AS four, 5Y, 6S, 7L, X'0A', true, NULL
-- next
SELECT current_user(), current_catalog(), current_schema(), current_database(), current_version()
-- next
SELECT session_user(), is_account_group_member('admins'), is_member('analysts')
-- next
SELECT current_date(), current_timestamp(), now(), current_timezone()
-- next
SELECT uuid(), rand(42), randn(), random()
-- next
SELECT version()
-- next
SELECT typeof(1.5), try_cast('x' AS INT), cast('2024-01-01' AS DATE), '42'::int, 3::string
-- next
SELECT date_trunc('MONTH', o_orderdate) AS month, sum(o_totalprice) FROM samples.tpch.orders GROUP BY 1 ORDER BY 1
-- next
SELECT date_add(current_date(), 7), datediff(DAY, DATE'2024-01-01', current_date()), add_months(current_date(), -1), last_day(current_date())
-- next
SELECT date_format(current_timestamp(), 'yyyy-MM-dd HH:mm'), to_date('2024-02-03', 'yyyy-MM-dd'), to_timestamp('2024-02-03 10:00:00'), unix_timestamp(), from_unixtime(0)
-- next
SELECT extract(YEAR FROM o_orderdate) AS y, date_part('quarter', o_orderdate) AS q, count(*) FROM samples.tpch.orders GROUP BY ALL
-- next
SELECT make_date(2024, 1, 31), make_timestamp(2024, 1, 31, 12, 0, 0), make_interval(0, 1), timestampadd(HOUR, 3, current_timestamp()), timestampdiff(MINUTE, TIMESTAMP'2024-01-01', current_timestamp())
-- next
SELECT current_timestamp() - INTERVAL 1 DAY, current_date() + INTERVAL '3' MONTH, INTERVAL '1-2' YEAR TO MONTH
-- next
SELECT from_utc_timestamp(current_timestamp(), 'Europe/Paris'), to_utc_timestamp(current_timestamp(), 'America/New_York'), convert_timezone('UTC', 'Asia/Tokyo', current_timestamp())
-- next
SELECT upper(c_name), lower(c_name), initcap(c_name), length(c_comment), trim(c_phone), lpad(c_name, 30, '*') FROM samples.tpch.customer
-- next
SELECT concat_ws('-', c_name, c_phone), c_name || ' / ' || c_phone, substring(c_phone, 1, 2), split_part(c_phone, '-', 1), replace(c_name, 'Customer', 'C') FROM samples.tpch.customer
-- next
SELECT regexp_extract(c_comment, '([a-z]+) ([a-z]+)', 2), regexp_replace(c_comment, '\\s+', ' '), regexp_like(c_phone, '^1[0-9]'), regexp_count(c_comment, 'e') FROM samples.tpch.customer
-- next
SELECT format_string('%s has %d', c_name, c_custkey), format_number(c_acctbal, 2), printf('%.2f', c_acctbal) FROM samples.tpch.customer
-- next
SELECT md5(c_name), sha2(c_name, 256), crc32(c_name), hash(c_name), xxhash64(c_name), base64(c_name), hex(c_custkey) FROM samples.tpch.customer
-- next
SELECT mask(c_phone), left(c_name, 3), right(c_phone, 4), reverse(c_name), repeat('ab', 3), soundex(c_name), levenshtein(c_name, 'x') FROM samples.tpch.customer
-- next
SELECT coalesce(NULL, 1), nullif(1, 1), ifnull(NULL, 'x'), nvl(NULL, 2), nvl2(NULL, 1, 2), if(1 > 0, 'y', 'n'), iff(true, 1, 2), zeroifnull(NULL), nullifzero(0)
-- next
SELECT greatest(1, 2, 3), least(1, 2, 3), abs(-1), round(2.567, 2), bround(2.5), ceil(1.2), floor(1.8), mod(7, 3), 7 % 3, 7 div 2, pow(2, 10), sqrt(16), ln(10), log10(100)
-- next
SELECT try_divide(1, 0), try_add(1, 2), try_multiply(2, 3), try_to_number('12', '99'), try_to_timestamp('bad')
-- next
SELECT width_bucket(o_totalprice, 0, 500000, 10) AS bucket, count(*) FROM samples.tpch.orders GROUP BY 1
-- next
SELECT url_decode('a%20b'), url_encode('a b'), parse_url('https://example.com/p?q=1', 'QUERY', 'q'), 's3://bucket/only-a-string-literal'
-- next
SELECT h3_longlatash3(-122.4, 37.8, 9), st_astext(st_point(1, 2))
-- next
SELECT o_orderkey, o_totalprice FROM samples.tpch.orders WHERE o_orderkey = :order_key
-- next
SELECT * FROM samples.tpch.orders WHERE o_orderdate >= :start_date AND o_orderdate < :end_date AND o_orderstatus = :status
-- next
SELECT * FROM samples.tpch.orders WHERE o_orderkey = ? AND o_custkey = ?
-- next
SELECT * FROM samples.tpch.orders WHERE o_orderpriority IN (:p1, :p2) LIMIT :lim
-- next
SELECT /*+ BROADCAST(n) */ c.c_name, n.n_name FROM samples.tpch.customer c JOIN samples.tpch.nation n ON c.c_nationkey = n.n_nationkey
-- next
SELECT /*+ REPARTITION(8) */ * FROM samples.tpch.orders
-- next
SELECT /*+ COALESCE(1) */ o_orderkey FROM samples.tpch.orders
-- next
SELECT /*+ SHUFFLE_HASH(l), MERGE(o) */ * FROM samples.tpch.lineitem l JOIN samples.tpch.orders o ON l.l_orderkey = o.o_orderkey
-- next
/* weekly revenue, owner: finance */
SELECT date_trunc('WEEK', o_orderdate) AS wk, sum(o_totalprice) AS revenue
FROM samples.tpch.orders -- all orders
GROUP BY 1
-- next
-- top customers
-- (the comment lines before the statement are part of this entry)
SELECT c_name, c_acctbal FROM samples.tpch.customer ORDER BY c_acctbal DESC LIMIT 5
-- next
SELECT 'DROP TABLE x; DELETE FROM y' AS not_sql, "INSERT INTO t" AS also_not_sql
-- next
SELECT `order`, `select`, `from` FROM main.default.`weird table` WHERE `group` = 1
-- next
SELECT raw:customer.name::string AS name, raw:items[0].sku AS first_sku FROM main.default.events
-- next
SELECT v:price::double, variant_get(v, '$.qty', 'int'), is_variant_null(v:missing), schema_of_variant(v) FROM main.default.variant_events
-- next
SELECT parse_json('{"a": 1}'):a, try_parse_json('x'), to_json(named_struct('a', 1)), from_json('{"a":1}', 'a INT'), schema_of_json('{"a":1}')
-- next
SELECT get_json_object('{"a":{"b":2}}', '$.a.b'), json_array_length('[1,2,3]'), json_object_keys('{"a":1}')
-- next
SELECT to_csv(named_struct('a', 1, 'b', 2)), from_csv('1,2', 'a INT, b INT'), schema_of_csv('1,abc')
-- next
SELECT from_xml('<p><a>1</a></p>', 'a INT'), xpath_string('<a><b>x</b></a>', 'a/b')
-- next
SELECT named_struct('id', 1, 'tags', array('a', 'b')) AS s, map('k', 1, 'j', 2) AS m, struct(1, 'x') AS t
-- next
SELECT array(1, 2, 3)[0], element_at(array(1, 2, 3), 2), map('a', 1)['a'], try_element_at(map('a', 1), 'b'), array_contains(array(1, 2), 2)
-- next
SELECT size(array(1, 2)), cardinality(map('a', 1)), array_distinct(array(1, 1, 2)), array_sort(array(3, 1, 2)), sort_array(array(3, 1), false), array_join(array('a', 'b'), ',')
-- next
SELECT sequence(1, 10, 2), slice(array(1, 2, 3, 4), 2, 2), flatten(array(array(1), array(2))), arrays_zip(array(1, 2), array('a', 'b')), array_union(array(1), array(2)), array_except(array(1, 2), array(1))
-- next
SELECT map_keys(map('a', 1)), map_values(map('a', 1)), map_entries(map('a', 1)), map_from_arrays(array('a'), array(1)), str_to_map('a:1,b:2', ',', ':'), map_concat(map('a', 1), map('b', 2))
-- next
SELECT transform(array(1, 2, 3), x -> x * 10) AS t, filter(array(1, 2, 3), x -> x % 2 = 1) AS f
-- next
SELECT aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x) AS total, reduce(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 2) AS doubled
-- next
SELECT exists(array(1, 2), x -> x > 1), forall(array(1, 2), x -> x > 0), array_sort(array('bb', 'a'), (l, r) -> length(l) - length(r))
-- next
SELECT transform_keys(map('a', 1), (k, v) -> upper(k)), transform_values(map('a', 1), (k, v) -> v + 1), map_filter(map('a', 1, 'b', 2), (k, v) -> v > 1), zip_with(array(1, 2), array(3, 4), (x, y) -> x + y)
-- next
SELECT transform(o_items, i -> i.price * i.qty) FROM main.sales.orders_nested
-- next
SELECT ai_forecast_col, ai_summary FROM main.default.precomputed
-- next
SELECT read_count, secret_santa, http_status FROM main.default.columns_with_scary_names

-- ===== SELECT: joins and subqueries =====
-- next
SELECT * FROM samples.tpch.region r INNER JOIN samples.tpch.nation n ON r.r_regionkey = n.n_regionkey
-- next
SELECT * FROM samples.tpch.customer c LEFT OUTER JOIN samples.tpch.orders o ON c.c_custkey = o.o_custkey AND o.o_orderstatus = 'F'
-- next
SELECT * FROM samples.tpch.customer c RIGHT JOIN samples.tpch.orders o ON c.c_custkey = o.o_custkey
-- next
SELECT * FROM samples.tpch.customer c FULL OUTER JOIN samples.tpch.orders o ON c.c_custkey = o.o_custkey
-- next
SELECT * FROM samples.tpch.region CROSS JOIN samples.tpch.nation
-- next
SELECT * FROM samples.tpch.region r LEFT SEMI JOIN samples.tpch.nation n ON r.r_regionkey = n.n_regionkey
-- next
SELECT * FROM samples.tpch.region r LEFT ANTI JOIN samples.tpch.nation n ON r.r_regionkey = n.n_regionkey
-- next
SELECT * FROM samples.tpch.region NATURAL JOIN samples.tpch.nation
-- next
SELECT * FROM main.default.orders_a JOIN main.default.orders_b USING (order_id)
-- next
SELECT * FROM samples.tpch.part, samples.tpch.partsupp WHERE p_partkey = ps_partkey
-- next
SELECT c.c_name, recent.* FROM samples.tpch.customer c,
  LATERAL (SELECT o_orderkey, o_orderdate FROM samples.tpch.orders o WHERE o.o_custkey = c.c_custkey ORDER BY o_orderdate DESC LIMIT 3) AS recent
-- next
SELECT c.c_name, o.* FROM samples.tpch.customer c JOIN LATERAL (SELECT max(o_totalprice) AS top FROM samples.tpch.orders WHERE o_custkey = c.c_custkey) o
-- next
SELECT c_name, (SELECT count(*) FROM samples.tpch.orders o WHERE o.o_custkey = c.c_custkey) AS n_orders FROM samples.tpch.customer c
-- next
SELECT * FROM samples.tpch.customer c WHERE EXISTS (SELECT 1 FROM samples.tpch.orders o WHERE o.o_custkey = c.c_custkey)
-- next
SELECT * FROM samples.tpch.customer c WHERE NOT EXISTS (SELECT 1 FROM samples.tpch.orders o WHERE o.o_custkey = c.c_custkey)
-- next
SELECT * FROM (SELECT o_custkey, sum(o_totalprice) AS total FROM samples.tpch.orders GROUP BY o_custkey) t WHERE total > 100000
-- next
SELECT * FROM samples.tpch.orders WHERE o_totalprice > ALL (SELECT avg(o_totalprice) FROM samples.tpch.orders GROUP BY o_orderpriority)
-- next
SELECT * FROM samples.tpch.orders WHERE o_totalprice > ANY (SELECT o_totalprice FROM samples.tpch.orders WHERE o_custkey = 1)
-- next
SELECT * FROM samples.tpch.lineitem l JOIN samples.tpch.orders o ON l.l_orderkey = o.o_orderkey AND l.l_shipdate > o.o_orderdate + INTERVAL 30 DAYS

-- ===== SELECT: CTEs =====
-- next
WITH totals AS (SELECT o_custkey, sum(o_totalprice) AS total FROM samples.tpch.orders GROUP BY o_custkey)
SELECT c.c_name, t.total FROM totals t JOIN samples.tpch.customer c ON c.c_custkey = t.o_custkey ORDER BY t.total DESC LIMIT 10
-- next
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a), c AS (SELECT y * 2 AS z FROM b) SELECT * FROM a, b, c
-- next
WITH RECURSIVE nums(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM nums WHERE n < 100) SELECT sum(n) FROM nums
-- next
WITH orders AS (SELECT * FROM samples.tpch.orders WHERE o_orderstatus = 'O') SELECT count(*) FROM orders
-- next
WITH t (a, b) AS (VALUES (1, 'x'), (2, 'y')) SELECT * FROM t
-- next
WITH s AS (SELECT * FROM samples.tpch.supplier) SELECT * FROM s WHERE s_acctbal > (SELECT avg(s_acctbal) FROM s)
-- next
WITH
  monthly AS (SELECT date_trunc('MONTH', o_orderdate) AS m, sum(o_totalprice) AS rev FROM samples.tpch.orders GROUP BY 1),
  ranked AS (SELECT m, rev, rank() OVER (ORDER BY rev DESC) AS r FROM monthly)
SELECT * FROM ranked WHERE r <= 3
-- next
WITH x AS (SELECT 1 AS v) (SELECT v FROM x UNION ALL SELECT v + 1 FROM x)

-- ===== SELECT: window functions and QUALIFY =====
-- next
SELECT o_custkey, o_orderdate, row_number() OVER (PARTITION BY o_custkey ORDER BY o_orderdate DESC) AS rn FROM samples.tpch.orders QUALIFY rn = 1
-- next
SELECT o_custkey, o_totalprice FROM samples.tpch.orders QUALIFY rank() OVER (PARTITION BY o_custkey ORDER BY o_totalprice DESC) <= 3
-- next
SELECT o_orderkey, sum(o_totalprice) OVER (ORDER BY o_orderdate ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS rolling FROM samples.tpch.orders
-- next
SELECT o_orderkey, avg(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderdate RANGE BETWEEN INTERVAL 30 DAYS PRECEDING AND CURRENT ROW) FROM samples.tpch.orders
-- next
SELECT o_orderkey, lag(o_totalprice) OVER w, lead(o_totalprice, 2, 0) OVER w, first_value(o_totalprice) OVER w, last_value(o_totalprice) IGNORE NULLS OVER w
FROM samples.tpch.orders WINDOW w AS (PARTITION BY o_custkey ORDER BY o_orderdate)
-- next
SELECT o_orderkey, ntile(4) OVER (ORDER BY o_totalprice), percent_rank() OVER (ORDER BY o_totalprice), cume_dist() OVER (ORDER BY o_totalprice), dense_rank() OVER (ORDER BY o_totalprice) FROM samples.tpch.orders
-- next
SELECT o_orderkey, nth_value(o_totalprice, 2) OVER (PARTITION BY o_custkey ORDER BY o_orderdate ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM samples.tpch.orders
-- next
SELECT o_custkey, count(*) OVER (PARTITION BY o_custkey) AS n, o_totalprice / sum(o_totalprice) OVER (PARTITION BY o_custkey) AS share FROM samples.tpch.orders

-- ===== SELECT: PIVOT / UNPIVOT =====
-- next
SELECT * FROM (SELECT year(o_orderdate) AS y, o_orderpriority AS p, o_totalprice FROM samples.tpch.orders)
PIVOT (sum(o_totalprice) AS total FOR p IN ('1-URGENT' AS urgent, '2-HIGH' AS high, '3-MEDIUM' AS medium))
-- next
SELECT * FROM (SELECT o_orderstatus, o_orderpriority, o_totalprice FROM samples.tpch.orders)
PIVOT (count(*) AS n, avg(o_totalprice) AS a FOR o_orderstatus IN ('O', 'F', 'P'))
-- next
SELECT * FROM samples.tpch.nation UNPIVOT (val FOR col IN (n_regionkey, n_nationkey))
-- next
SELECT * FROM main.sales.quarterly UNPIVOT INCLUDE NULLS (sales FOR quarter IN (q1 AS `Q1`, q2 AS `Q2`, q3, q4))
-- next
SELECT * FROM main.sales.quarterly UNPIVOT ((sales, units) FOR quarter IN ((q1_sales, q1_units) AS q1, (q2_sales, q2_units) AS q2))

-- ===== SELECT: generators, LATERAL VIEW, table-valued functions =====
-- next
SELECT c_custkey, word FROM samples.tpch.customer LATERAL VIEW explode(split(c_comment, ' ')) w AS word LIMIT 50
-- next
SELECT c_custkey, pos, word FROM samples.tpch.customer LATERAL VIEW posexplode(split(c_comment, ' ')) w AS pos, word
-- next
SELECT * FROM samples.tpch.customer LATERAL VIEW OUTER explode(array()) e AS x
-- next
SELECT * FROM main.default.events LATERAL VIEW json_tuple(payload, 'user', 'action') j AS usr, act
-- next
SELECT * FROM main.default.events LATERAL VIEW inline(array(struct(1, 'a'), struct(2, 'b'))) t AS id, name
-- next
SELECT * FROM main.default.kv LATERAL VIEW explode(attrs) a AS k, v
-- next
SELECT explode(array(1, 2, 3)) AS x
-- next
SELECT explode(map('a', 1, 'b', 2)) AS (k, v)
-- next
SELECT posexplode(array('a', 'b'))
-- next
SELECT inline(array(struct(1, 'a'), struct(2, 'b')))
-- next
SELECT stack(3, 'a', 1, 'b', 2, 'c', 3) AS (k, v)
-- next
SELECT json_tuple('{"a": 1, "b": 2}', 'a', 'b')
-- next
SELECT * FROM range(10)
-- next
SELECT id, id * id AS sq FROM range(1, 100, 3)
-- next
SELECT * FROM range(0, 1000000, 1, 8) WHERE id % 1000 = 0
-- next
SELECT * FROM explode(array(10, 20, 30))
-- next
SELECT * FROM explode_outer(array())
-- next
SELECT * FROM posexplode(array('x', 'y'))
-- next
SELECT * FROM inline(array(struct(1, 'a'), struct(2, 'b'))) AS t(id, name)
-- next
SELECT * FROM inline_outer(array(struct(1, 'a')))
-- next
SELECT * FROM stack(2, 'a', 1, 'b', 2) AS t(k, v)
-- next
SELECT * FROM json_tuple('{"a": 1}', 'a')
-- next
SELECT * FROM variant_explode(parse_json('[1, 2, 3]'))
-- next
SELECT t.key, t.value FROM main.default.variant_events, LATERAL variant_explode(v) AS t
-- next
SELECT * FROM samples.tpch.customer c, LATERAL explode(split(c.c_comment, ' ')) AS w(word)
-- next
SELECT * FROM table_changes('main.default.orders_cdf', 2)
-- next
SELECT * FROM table_changes('main.default.orders_cdf', '2024-01-01', '2024-01-31') WHERE _change_type = 'insert'
-- next
SELECT * FROM sql_keywords()
-- next
SELECT * FROM collations()

-- ===== SELECT: VALUES, set operations, TABLESAMPLE =====
-- next
VALUES (1, 'a'), (2, 'b'), (3, 'c')
-- next
VALUES 1, 2, 3
-- next
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, name)
-- next
SELECT * FROM (VALUES (1, 2), (3, 4)) AS t(a, b) WHERE a > 1
-- next
SELECT k, sum(v) FROM VALUES (1, 2), (1, 3) t(k, v) GROUP BY k
-- next
SELECT o_custkey FROM samples.tpch.orders UNION SELECT c_custkey FROM samples.tpch.customer
-- next
SELECT o_custkey FROM samples.tpch.orders UNION ALL SELECT c_custkey FROM samples.tpch.customer
-- next
SELECT c_custkey FROM samples.tpch.customer INTERSECT SELECT o_custkey FROM samples.tpch.orders
-- next
SELECT c_custkey FROM samples.tpch.customer EXCEPT SELECT o_custkey FROM samples.tpch.orders
-- next
SELECT c_custkey FROM samples.tpch.customer MINUS SELECT o_custkey FROM samples.tpch.orders
-- next
SELECT c_custkey FROM samples.tpch.customer INTERSECT ALL SELECT o_custkey FROM samples.tpch.orders
-- next
SELECT c_custkey FROM samples.tpch.customer EXCEPT ALL SELECT o_custkey FROM samples.tpch.orders
-- next
(SELECT 1 AS x) UNION (SELECT 2) ORDER BY x DESC LIMIT 1
-- next
SELECT * FROM samples.tpch.orders TABLESAMPLE (1 PERCENT)
-- next
SELECT * FROM samples.tpch.orders TABLESAMPLE (1000 ROWS)
-- next
SELECT * FROM samples.tpch.orders TABLESAMPLE (BUCKET 4 OUT OF 10)
-- next
SELECT * FROM samples.tpch.orders TABLESAMPLE (5 PERCENT) REPEATABLE (42)

-- ===== SELECT: time travel =====
-- next
SELECT * FROM main.default.orders VERSION AS OF 3
-- next
SELECT * FROM main.default.orders TIMESTAMP AS OF '2024-06-01'
-- next
SELECT * FROM main.default.orders TIMESTAMP AS OF '2024-06-01 12:30:00.000'
-- next
SELECT * FROM main.default.orders TIMESTAMP AS OF current_timestamp() - INTERVAL 1 DAY
-- next
SELECT * FROM main.default.orders TIMESTAMP AS OF date_sub(current_date(), 7)
-- next
SELECT * FROM main.default.orders FOR VERSION AS OF 12
-- next
SELECT * FROM main.default.orders FOR TIMESTAMP AS OF '2024-06-01'
-- next
SELECT * FROM main.default.orders FOR SYSTEM_VERSION AS OF 12
-- next
SELECT * FROM main.default.orders FOR SYSTEM_TIME AS OF '2024-06-01'
-- next
SELECT * FROM samples.tpch.orders@v1
-- next
SELECT * FROM main.default.orders@v123 WHERE o_orderkey = 1
-- next
SELECT * FROM main.default.orders@20240601000000000
-- next
SELECT count(*) - (SELECT count(*) FROM main.default.orders VERSION AS OF 1) AS new_rows FROM main.default.orders
-- next
SELECT a.id FROM main.default.orders VERSION AS OF 5 a LEFT ANTI JOIN main.default.orders b ON a.id = b.id

-- ===== SELECT: IDENTIFIER clause =====
-- next
SELECT * FROM IDENTIFIER('samples.tpch.orders')
-- next
SELECT * FROM IDENTIFIER('samples.tpch.orders') LIMIT 10
-- next
SELECT * FROM IDENTIFIER(:tbl)
-- next
SELECT count(*) FROM IDENTIFIER(:catalog || '.' || :schema || '.orders')
-- next
SELECT * FROM IDENTIFIER('main.default.orders') VERSION AS OF 3
-- next
SELECT IDENTIFIER('o_orderkey'), IDENTIFIER(:measure) FROM samples.tpch.orders
-- next
SELECT IDENTIFIER(:col) AS c, count(*) FROM IDENTIFIER(:tbl) GROUP BY IDENTIFIER(:col)
-- next
SELECT o.* FROM IDENTIFIER('samples.tpch.orders') AS o JOIN IDENTIFIER('samples.tpch.customer') AS c ON o.o_custkey = c.c_custkey
-- next
SELECT * FROM samples.tpch.orders WHERE IDENTIFIER(:col) = :val

-- ===== SELECT: other shapes =====
-- next
FROM samples.tpch.orders SELECT o_orderkey, o_totalprice WHERE o_totalprice > 100
-- next
TABLE samples.tpch.region
-- next
(SELECT 1)
-- next
SELECT * FROM (SELECT * FROM (SELECT * FROM samples.tpch.region) a) b
-- next
SELECT o_orderkey FROM samples.tpch.orders WHERE o_comment IS NOT NULL AND o_clerk IS DISTINCT FROM 'Clerk#1' AND o_totalprice <=> 1.0
-- next
SELECT * FROM samples.tpch.orders WHERE (o_custkey, o_orderstatus) IN ((1, 'O'), (2, 'F'))
-- next
SELECT struct(o_orderkey, o_custkey).o_custkey, o_orderdate::timestamp FROM samples.tpch.orders
-- next
SELECT `カタログ列`, 'héllo wörld ☃' FROM `カタログ`.`スキーマ`.`表`
-- next
SELECT * FROM `main`.`default`.`my table with spaces`
-- next
SELECT * FROM system.information_schema.tables WHERE table_schema = 'default'
-- next
SELECT * FROM main.information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position
-- next
SELECT * FROM system.access.audit WHERE event_date >= current_date() - 1 LIMIT 100
-- next
SELECT usage_date, sum(usage_quantity) FROM system.billing.usage GROUP BY 1 ORDER BY 1
-- next
SELECT * FROM system.query.history WHERE executed_by = current_user() ORDER BY start_time DESC LIMIT 20
-- next
SELECT * FROM json.events
-- next
SELECT * FROM delta.orders_schema.orders
-- next
SELECT o_orderkey, o_totalprice FROM samples.tpch.orders ORDER BY o_totalprice DESC NULLS FIRST LIMIT 5
-- next
SELECT o_orderkey FROM samples.tpch.orders WHERE o_orderdate = DATE '1996-01-02' AND o_orderkey BETWEEN 1 AND 1000
-- next
SELECT array_size(collect_list(DISTINCT o_orderstatus)) FROM samples.tpch.orders
-- next
SELECT bit_and(o_orderkey), bit_or(o_orderkey), bit_count(o_orderkey), shiftleft(1, 3) FROM samples.tpch.orders
-- next
SELECT window(o_orderdate::timestamp, '1 week').start AS wk, count(*) FROM samples.tpch.orders GROUP BY 1
-- next
SELECT session_window(ts, '10 minutes'), count(*) FROM main.default.clicks GROUP BY 1
-- next
SELECT equal_null(1, NULL), decode(1, 1, 'one', 'other'), elt(2, 'a', 'b'), nvl(NULL, 0)
-- next
SELECT try_reflection_free_function_name_lookalike FROM main.default.t
-- next
SELECT sum(l_extendedprice * (1 - l_discount)) AS revenue
FROM samples.tpch.lineitem
WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1994-01-01' + INTERVAL '1' YEAR
  AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24
-- next
SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), avg(l_discount), count(*)
FROM samples.tpch.lineitem WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus
-- next
select o_year, sum(case when nation = 'BRAZIL' then volume else 0 end) / sum(volume) as mkt_share
from (select extract(year from o_orderdate) as o_year, l_extendedprice * (1 - l_discount) as volume, n2.n_name as nation
      from samples.tpch.part, samples.tpch.supplier, samples.tpch.lineitem, samples.tpch.orders, samples.tpch.customer,
           samples.tpch.nation n1, samples.tpch.nation n2, samples.tpch.region
      where p_partkey = l_partkey and s_suppkey = l_suppkey and l_orderkey = o_orderkey and o_custkey = c_custkey
        and c_nationkey = n1.n_nationkey and n1.n_regionkey = r_regionkey and r_name = 'AMERICA'
        and s_nationkey = n2.n_nationkey and p_type = 'ECONOMY ANODIZED STEEL') as all_nations
group by o_year order by o_year
-- next
SELECT pickup_zip, round(avg(fare_amount), 2) AS avg_fare, count(*) AS trips
FROM samples.nyctaxi.trips
WHERE tpep_pickup_datetime >= '2016-01-01' GROUP BY pickup_zip ORDER BY trips DESC LIMIT 20
-- next
SELECT hour(tpep_pickup_datetime) AS h, avg(trip_distance) FROM samples.nyctaxi.trips GROUP BY h ORDER BY h
-- next
SELECT * FROM samples.bakehouse.sales_transactions WHERE dateTime > '2024-05-01' LIMIT 100
-- next
SELECT format, count(*) FROM main.default.files_inventory GROUP BY format
-- next
SELECT 1;
-- next
SELECT 1; SELECT 2
-- next
SELECT * FROM samples.tpch.region; SHOW TABLES IN samples.tpch; DESCRIBE samples.tpch.region
-- next
SELECT * FROM samples.tpch.nation WHERE n_name = 'x;y' -- trailing; comment
;

-- ===== EXPLAIN =====
-- next
EXPLAIN SELECT * FROM samples.tpch.orders
-- next
EXPLAIN EXTENDED SELECT o_custkey, count(*) FROM samples.tpch.orders GROUP BY o_custkey
-- next
EXPLAIN CODEGEN SELECT 1
-- next
EXPLAIN COST SELECT * FROM samples.tpch.lineitem WHERE l_quantity > 10
-- next
EXPLAIN FORMATTED SELECT * FROM samples.tpch.orders o JOIN samples.tpch.customer c ON o.o_custkey = c.c_custkey
-- next
explain select k, sum(v) from values (1, 2), (1, 3) t(k, v) group by k
-- next
EXPLAIN WITH a AS (SELECT 1 AS x) SELECT * FROM a
-- next
EXPLAIN SELECT * FROM main.default.orders VERSION AS OF 3
-- next
EXPLAIN VALUES (1), (2)
-- next
EXPLAIN SHOW TABLES
-- next
EXPLAIN DESCRIBE samples.tpch.orders
-- next
EXPLAIN INSERT INTO main.default.t SELECT * FROM samples.tpch.orders
-- next
EXPLAIN INSERT OVERWRITE main.default.t VALUES (1, 'a')
-- next
EXPLAIN EXTENDED INSERT INTO main.default.t (a, b) VALUES (1, 2)
-- next
EXPLAIN DROP TABLE main.default.t
-- next
EXPLAIN DELETE FROM main.default.t WHERE id = 1
-- next
EXPLAIN UPDATE main.default.t SET a = 1 WHERE id = 2
-- next
EXPLAIN MERGE INTO main.default.t AS t USING main.default.s AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *
-- next
EXPLAIN CREATE TABLE main.default.t2 AS SELECT * FROM samples.tpch.orders
-- next
EXPLAIN FORMATTED CREATE OR REPLACE VIEW main.default.v AS SELECT 1 AS x
-- next
EXPLAIN ALTER TABLE main.default.t ADD COLUMN c INT
-- next
EXPLAIN TRUNCATE TABLE main.default.t

-- ===== DESCRIBE =====
-- next
DESCRIBE samples.tpch.orders
-- next
DESC samples.tpch.orders
-- next
DESCRIBE TABLE samples.tpch.orders
-- next
DESCRIBE TABLE EXTENDED samples.tpch.orders
-- next
DESC EXTENDED samples.tpch.orders
-- next
DESCRIBE FORMATTED samples.tpch.orders
-- next
DESCRIBE TABLE samples.tpch.orders o_orderkey
-- next
DESCRIBE TABLE EXTENDED samples.tpch.orders o_totalprice
-- next
DESCRIBE TABLE samples.tpch.orders AS JSON
-- next
DESCRIBE TABLE EXTENDED main.default.sales PARTITION (region = 'EU')
-- next
DESCRIBE TABLE IDENTIFIER('samples.tpch.orders')
-- next
DESCRIBE TABLE IDENTIFIER(:tbl)
-- next
DESCRIBE DETAIL main.default.orders
-- next
DESCRIBE HISTORY main.default.orders
-- next
DESCRIBE HISTORY main.default.orders LIMIT 5
-- next
DESCRIBE QUERY SELECT o_orderkey, o_totalprice FROM samples.tpch.orders
-- next
DESCRIBE QUERY WITH a AS (SELECT 1 AS x) SELECT * FROM a
-- next
DESCRIBE QUERY VALUES (1, 'a')
-- next
DESCRIBE SELECT * FROM samples.tpch.orders
-- next
DESCRIBE FUNCTION upper
-- next
DESCRIBE FUNCTION EXTENDED date_add
-- next
DESC FUNCTION main.default.my_udf
-- next
DESCRIBE CATALOG samples
-- next
DESCRIBE CATALOG EXTENDED main
-- next
DESCRIBE SCHEMA samples.tpch
-- next
DESCRIBE SCHEMA EXTENDED main.default
-- next
DESCRIBE DATABASE main.default
-- next
DESCRIBE VOLUME main.default.landing
-- next
DESCRIBE CONNECTION my_postgres
-- next
DESCRIBE EXTERNAL LOCATION my_location
-- next
DESCRIBE STORAGE CREDENTIAL my_cred
-- next
DESCRIBE CREDENTIAL my_service_cred
-- next
DESCRIBE PROVIDER my_provider
-- next
DESCRIBE RECIPIENT my_recipient
-- next
DESCRIBE SHARE my_share
-- next
DESCRIBE PROCEDURE main.default.my_proc
-- next
DESCRIBE TABLE `main`.`default`.`my table`

-- ===== SHOW =====
-- next
SHOW TABLES
-- next
SHOW TABLES IN samples.tpch
-- next
SHOW TABLES FROM samples.tpch LIKE 'o*'
-- next
show tables in samples.tpch like 'line*|order*'
-- next
SHOW TABLES DROPPED IN main.default
-- next
SHOW TABLE EXTENDED IN samples.tpch LIKE 'orders'
-- next
SHOW TABLE EXTENDED IN main.default LIKE 'sales' PARTITION (region = 'EU')
-- next
SHOW VIEWS
-- next
SHOW VIEWS IN main.default LIKE 'v_*'
-- next
SHOW SCHEMAS
-- next
SHOW SCHEMAS IN samples
-- next
SHOW DATABASES LIKE 'de*'
-- next
SHOW CATALOGS
-- next
SHOW CATALOGS LIKE 'sam*'
-- next
SHOW COLUMNS IN samples.tpch.orders
-- next
SHOW COLUMNS FROM orders IN samples.tpch
-- next
SHOW FUNCTIONS
-- next
SHOW USER FUNCTIONS IN main.default
-- next
SHOW SYSTEM FUNCTIONS LIKE 'date*'
-- next
SHOW ALL FUNCTIONS
-- next
SHOW FUNCTIONS LIKE 'to_*'
-- next
SHOW PARTITIONS main.default.sales
-- next
SHOW PARTITIONS main.default.sales PARTITION (region = 'EU')
-- next
SHOW TBLPROPERTIES samples.tpch.orders
-- next
SHOW TBLPROPERTIES main.default.orders ('delta.minReaderVersion')
-- next
SHOW CREATE TABLE samples.tpch.orders
-- next
SHOW CREATE TABLE main.default.v AS SERDE
-- next
SHOW GRANTS ON TABLE main.default.orders
-- next
SHOW GRANTS `analysts` ON SCHEMA main.default
-- next
SHOW GRANTS ON CATALOG main
-- next
SHOW GRANTS ON SHARE my_share
-- next
SHOW GRANTS TO RECIPIENT my_recipient
-- next
SHOW GRANTS ON EXTERNAL LOCATION my_location
-- next
SHOW VOLUMES IN main.default
-- next
SHOW VOLUMES LIKE 'land*'
-- next
SHOW SHARES
-- next
SHOW SHARES IN PROVIDER my_provider
-- next
SHOW ALL IN SHARE my_share
-- next
SHOW PROVIDERS
-- next
SHOW RECIPIENTS
-- next
SHOW CONNECTIONS
-- next
SHOW EXTERNAL LOCATIONS
-- next
SHOW STORAGE CREDENTIALS
-- next
SHOW SERVICE CREDENTIALS
-- next
SHOW CREDENTIALS
-- next
SHOW GROUPS
-- next
SHOW GROUPS WITH USER `someone@example.com`
-- next
SHOW USERS
-- next
SHOW USERS LIKE '*@example.com'
-- next
SHOW PROCEDURES IN main.default
-- next
SHOW TABLES IN IDENTIFIER(:schema)
-- next
SHOW COLUMNS IN IDENTIFIER('samples.tpch.orders')
-- next
SHOW TBLPROPERTIES IDENTIFIER(:tbl) ('delta.minReaderVersion')
-- next
DESCRIBE DETAIL IDENTIFIER(:tbl)
-- next
DESCRIBE HISTORY IDENTIFIER('main.default.orders') LIMIT 10
-- next
EXPLAIN OPTIMIZE main.default.t ZORDER BY (a)
-- next
EXPLAIN VACUUM main.default.t RETAIN 168 HOURS
-- next
EXPLAIN GRANT SELECT ON TABLE main.default.t TO `analysts`
-- next
EXPLAIN COMMENT ON TABLE main.default.t IS 'orders'
-- next
EXPLAIN CREATE TEMP VIEW v AS SELECT * FROM samples.tpch.orders
-- next
EXPLAIN INSERT INTO IDENTIFIER(:tbl) SELECT * FROM samples.tpch.orders
-- next
EXPLAIN WITH src AS (SELECT * FROM samples.tpch.orders) INSERT INTO main.default.t SELECT * FROM src
-- next
EXPLAIN SELECT * FROM IDENTIFIER(:tbl) WHERE o_orderkey = :key
