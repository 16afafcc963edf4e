"""Arrays, maps, structs, JSON, higher-order functions, windows, QUALIFY, GROUP BY ALL,
PIVOT, LATERAL VIEW and SELECT * EXCEPT."""

from . import Case

CASES: list[Case] = [
    # --- arrays -------------------------------------------------------------------------------
    Case(
        "SELECT array(1, 2, 3) AS a, array('x', NULL) AS b",
        "SELECT [1, 2, 3] AS a, ['x', NULL] AS b",
    ),
    Case(  # size and cardinality are INT, and count a map's entries
        "SELECT size(array(1, 2, 3)) AS n, size(map('a', 1, 'b', 2)) AS m, cardinality(array(7)) AS c",
        "SELECT CAST(3 AS INTEGER) AS n, CAST(2 AS INTEGER) AS m, CAST(1 AS INTEGER) AS c",
    ),
    Case(
        "SELECT r_name, size(split(r_comment, ' ')) AS words FROM samples.tpch.region",
        "SELECT r_name, CAST(len(string_split(r_comment, ' ')) AS INTEGER) AS words FROM samples.tpch.region",
    ),
    Case(
        "SELECT array_size(array('a', 'b')) AS n",
        "SELECT CAST(2 AS INTEGER) AS n",
    ),
    Case(  # element_at is 1-based, negative from the end
        "SELECT element_at(array(10, 20, 30), 1) AS first, element_at(array(10, 20, 30), -1) AS last",
        "SELECT 10 AS first, 30 AS last",
    ),
    Case(  # arr[i] is 0-based
        "SELECT array(10, 20, 30)[0] AS a, array(10, 20, 30)[2] AS c",
        "SELECT 10 AS a, 30 AS c",
    ),
    Case(
        "SELECT n_name, split(n_name, ' ')[0] AS first_word, split(n_name, ' ')[1] AS second_word"
        " FROM samples.tpch.nation WHERE n_name LIKE '% %'",
        "SELECT n_name, string_split(n_name, ' ')[1], string_split(n_name, ' ')[2]"
        " FROM samples.tpch.nation WHERE n_name LIKE '% %'",
    ),
    Case(  # a column as the 0-based index
        "SELECT r_regionkey, array('a', 'b', 'c', 'd', 'e')[r_regionkey] AS letter FROM samples.tpch.region",
        "SELECT r_regionkey, ['a', 'b', 'c', 'd', 'e'][r_regionkey + 1] AS letter FROM samples.tpch.region",
    ),
    Case(
        "SELECT xs[i] AS v FROM VALUES (array(10, 20), 0), (array(30, 40), 1) AS t(xs, i)",
        "SELECT * FROM (VALUES (10), (40)) t(v)",
    ),
    Case(
        "WITH t AS (SELECT array(1, 2, 3) AS xs) SELECT xs[0] AS first, size(xs) AS n FROM t",
        "SELECT 1 AS first, CAST(3 AS INTEGER) AS n",
    ),
    Case(
        "SELECT try_element_at(array(1, 2), 5) AS out_of_range, try_element_at(array(1, 2), -2) AS from_end",
        "SELECT CAST(NULL AS INTEGER) AS out_of_range, 1 AS from_end",
    ),
    Case(
        "SELECT r_regionkey, element_at(array('a', 'b', 'c', 'd', 'e'), CAST(r_regionkey AS INT) + 1) AS letter"
        " FROM samples.tpch.region",
        "SELECT r_regionkey, ['a', 'b', 'c', 'd', 'e'][r_regionkey + 1] AS letter FROM samples.tpch.region",
    ),
    Case(
        "SELECT array_contains(array(1, 2, 3), 2) AS yes, array_contains(array(1, 2, 3), 5) AS no",
        "SELECT true AS yes, false AS no",
    ),
    Case(
        "SELECT n_name FROM samples.tpch.nation WHERE array_contains(array('FRANCE', 'JAPAN', 'PERU'), n_name)",
        "SELECT n_name FROM samples.tpch.nation WHERE n_name IN ('FRANCE', 'JAPAN', 'PERU')",
    ),
    Case(  # BIGINT, 1-based, 0 when absent
        "SELECT array_position(array(3, 2, 1), 1) AS found, array_position(array(3, 2, 1), 7) AS absent",
        "SELECT CAST(3 AS BIGINT) AS found, CAST(0 AS BIGINT) AS absent",
    ),
    Case(  # first occurrences, in order, NULL kept once
        "SELECT array_distinct(array(3, 1, 3, NULL, 2, 1, NULL)) AS a",
        "SELECT [3, 1, NULL, 2] AS a",
    ),
    Case(
        "SELECT array_union(array(3, 1, 2), array(2, 5, 3, 4)) AS a",
        "SELECT [3, 1, 2, 5, 4] AS a",
    ),
    Case(
        "SELECT array_intersect(array(4, 1, 2, 1, 3), array(3, 1, 5)) AS a",
        "SELECT [1, 3] AS a",
    ),
    Case(
        "SELECT array_except(array(4, 1, 2, 1, 3), array(3, 5)) AS a",
        "SELECT [4, 1, 2] AS a",
    ),
    Case(
        "SELECT array_join(array('a', NULL, 'c'), '-') AS skipped, array_join(array('a', NULL, 'c'), '-', '?') AS filled",
        "SELECT 'a-c' AS skipped, 'a-?-c' AS filled",
    ),
    Case(
        "SELECT n_regionkey, array_join(array_sort(collect_list(n_name)), ', ') AS names"
        " FROM samples.tpch.nation GROUP BY n_regionkey",
        "SELECT n_regionkey, string_agg(n_name, ', ' ORDER BY n_name) AS names FROM samples.tpch.nation GROUP BY n_regionkey",
    ),
    Case(
        "SELECT array_max(array(1, 20, NULL, 3)) AS hi, array_min(array(1, 20, NULL, 3)) AS lo",
        "SELECT 20 AS hi, 1 AS lo",
    ),
    Case(  # array_sort: ascending, NULLs last
        "SELECT array_sort(array('b', NULL, 'a', 'c')) AS a",
        "SELECT ['a', 'b', 'c', NULL] AS a",
    ),
    Case(  # sort_array: NULLs first ascending, last descending
        "SELECT sort_array(array(3, NULL, 1, 2)) AS up, sort_array(array(3, NULL, 1, 2), false) AS down",
        "SELECT [NULL, 1, 2, 3] AS up, [3, 2, 1, NULL] AS down",
    ),
    Case(
        "SELECT slice(array(1, 2, 3, 4, 5), 2, 3) AS mid, slice(array(1, 2, 3, 4, 5), -2, 2) AS tail",
        "SELECT [2, 3, 4] AS mid, [4, 5] AS tail",
    ),
    Case(  # ARRAY<INT>, counting down when start > stop
        "SELECT sequence(1, 5) AS up, sequence(5, 1) AS down, sequence(0, 10, 5) AS stepped",
        "SELECT [1, 2, 3, 4, 5] AS up, [5, 4, 3, 2, 1] AS down, [0, 5, 10] AS stepped",
    ),
    Case(  # ARRAY<DATE>, a day at a time by default
        "SELECT sequence(DATE'2024-02-27', DATE'2024-03-01') AS days",
        "SELECT [DATE '2024-02-27', DATE '2024-02-28', DATE '2024-02-29', DATE '2024-03-01'] AS days",
    ),
    Case(  # start + i months, so month ends stay month ends
        "SELECT sequence(DATE'2024-01-31', DATE'2024-04-30', INTERVAL 1 MONTH) AS month_ends",
        "SELECT [DATE '2024-01-31', DATE '2024-02-29', DATE '2024-03-31', DATE '2024-04-30'] AS month_ends",
    ),
    Case(
        "SELECT r_name, explode(sequence(1, CAST(r_regionkey AS INT))) AS n FROM samples.tpch.region WHERE r_regionkey < 3",
        "SELECT * FROM (VALUES ('AFRICA', 1), ('AFRICA', 0), ('AMERICA', 1), ('ASIA', 1), ('ASIA', 2)) t(r_name, n)",
    ),
    Case(  # NULL when an inner array is NULL
        "SELECT flatten(array(array(1, 2), array(3), array())) AS a, flatten(array(array(1), NULL)) AS b",
        "SELECT [1, 2, 3] AS a, CAST(NULL AS INTEGER[]) AS b",
    ),
    Case(  # fields named '0', '1' for expressions; the shorter array padded with NULL
        "SELECT arrays_zip(array(1, 2, 3), array('a', 'b')) AS z",
        "SELECT [{'0': 1, '1': 'a'}, {'0': 2, '1': 'b'}, {'0': 3, '1': NULL}] AS z",
    ),
    Case(  # fields named after the columns
        "SELECT arrays_zip(xs, ys) AS z FROM (SELECT array(1, 2) AS xs, array('a', 'b') AS ys)",
        "SELECT [{'xs': 1, 'ys': 'a'}, {'xs': 2, 'ys': 'b'}] AS z",
    ),
    Case(
        "SELECT concat(array(1, 2), array(3), array(4, 5)) AS a",
        "SELECT [1, 2, 3, 4, 5] AS a",
    ),
    Case(  # NULL elements stay
        "SELECT array_remove(array(1, 2, NULL, 2, 3), 2) AS a",
        "SELECT [1, NULL, 3] AS a",
    ),
    Case(
        "SELECT array_repeat('ab', 3) AS a, array_repeat(7, 0) AS e",
        "SELECT ['ab', 'ab', 'ab'] AS a, CAST([] AS INTEGER[]) AS e",
    ),
    Case(
        "SELECT array_append(array(1, 2), 3) AS app, array_compact(array(1, NULL, 2)) AS compact,"
        " array_insert(array(1, 2, 3), 2, 9) AS ins",
        "SELECT [1, 2, 3] AS app, [1, 2] AS compact, [1, 9, 2, 3] AS ins",
    ),
    Case(  # NULL when nothing is shared but a NULL element could be
        "SELECT arrays_overlap(array(1, 2), array(2, 3)) AS yes, arrays_overlap(array(1), array(3)) AS no,"
        " arrays_overlap(array(1, NULL), array(3)) AS unknown",
        "SELECT true AS yes, false AS no, CAST(NULL AS BOOLEAN) AS unknown",
    ),
    Case(
        "SELECT array(1, 2) = array(1, 2) AS same, array(1, 2) = array(2, 1) AS reordered",
        "SELECT true AS same, false AS reordered",
    ),
    Case(
        "SELECT n_regionkey, sort_array(collect_set(n_name), false) AS names FROM samples.tpch.nation"
        " WHERE n_regionkey < 2 GROUP BY n_regionkey",
        "SELECT n_regionkey, list(n_name ORDER BY n_name DESC) AS names FROM samples.tpch.nation"
        " WHERE n_regionkey < 2 GROUP BY n_regionkey",
    ),
    # --- explode, posexplode, inline --------------------------------------------------------------
    Case(
        "SELECT explode(array(10, 20, 30))",
        "SELECT * FROM (VALUES (10), (20), (30)) t(col)",
    ),
    Case(
        "SELECT r_name, explode(array(1, 2)) AS n FROM samples.tpch.region WHERE r_regionkey < 2",
        "SELECT r_name, n FROM samples.tpch.region, (VALUES (1), (2)) v(n) WHERE r_regionkey < 2",
    ),
    Case(  # one NULL row for an empty or NULL array
        "SELECT id, explode_outer(xs) AS x FROM VALUES (1, array(1, 2)), (2, array()), (3, NULL) AS t(id, xs)",
        "SELECT * FROM (VALUES (1, 1), (1, 2), (2, NULL), (3, NULL)) t(id, x)",
    ),
    Case(  # 0-based INT positions
        "SELECT posexplode(array('a', 'b', 'c'))",
        "SELECT * FROM (VALUES (0, 'a'), (1, 'b'), (2, 'c')) t(pos, col)",
    ),
    Case(
        "SELECT posexplode(array('x', 'y')) AS (p, v)",
        "SELECT * FROM (VALUES (0, 'x'), (1, 'y')) t(p, v)",
    ),
    Case(
        "SELECT posexplode_outer(xs) FROM VALUES (array(5)), (array()) AS t(xs)",
        "SELECT * FROM (VALUES (0, 5), (NULL, NULL)) t(pos, col)",
    ),
    Case(
        "SELECT explode(map('a', 1, 'b', 2))",
        "SELECT * FROM (VALUES ('a', 1), ('b', 2)) t(key, value)",
    ),
    Case(
        "SELECT posexplode(map('a', 10, 'b', 20))",
        "SELECT * FROM (VALUES (0, 'a', 10), (1, 'b', 20)) t(pos, key, value)",
    ),
    Case(
        "SELECT explode_outer(m) FROM VALUES (map('k', 1)), (map()) AS t(m)",
        "SELECT * FROM (VALUES ('k', 1), (NULL, NULL)) t(key, value)",
    ),
    Case(
        "SELECT inline(array(struct(1, 'a'), struct(2, 'b')))",
        "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(col1, col2)",
    ),
    Case(
        "SELECT inline(array(named_struct('k', 'x', 'v', 1.5D), named_struct('k', 'y', 'v', 2.5D))) AS (key, val)",
        "SELECT * FROM (VALUES ('x', 1.5::DOUBLE), ('y', 2.5::DOUBLE)) t(key, val)",
    ),
    Case(
        "SELECT inline_outer(xs) FROM VALUES (array(named_struct('a', 1))), (array()) AS t(xs)",
        "SELECT * FROM (VALUES (1), (NULL)) t(a)",
    ),
    Case(  # a generator as a table
        "SELECT * FROM explode(array(4, 5)) AS t(x)",
        "SELECT * FROM (VALUES (4), (5)) t(x)",
    ),
    # --- LATERAL VIEW -------------------------------------------------------------------------
    Case(
        "SELECT r_name, x FROM samples.tpch.region LATERAL VIEW explode(array(1, 2)) t AS x WHERE r_regionkey = 0",
        "SELECT * FROM (VALUES ('AFRICA', 1), ('AFRICA', 2)) t(r_name, x)",
    ),
    Case(  # OUTER keeps the row whose array is empty
        "SELECT id, x FROM VALUES (1, array(5)), (2, array()) AS t(id, xs) LATERAL VIEW OUTER explode(xs) e AS x",
        "SELECT * FROM (VALUES (1, 5), (2, NULL)) t(id, x)",
    ),
    Case(
        "SELECT id, x FROM VALUES (1, array(5)), (2, array()) AS t(id, xs) LATERAL VIEW explode(xs) e AS x",
        "SELECT 1 AS id, 5 AS x",
    ),
    Case(
        "SELECT n_name, p, w FROM samples.tpch.nation LATERAL VIEW posexplode(split(n_name, ' ')) t AS p, w"
        " WHERE n_nationkey IN (20, 23)",
        "SELECT * FROM (VALUES ('SAUDI ARABIA', 0, 'SAUDI'), ('SAUDI ARABIA', 1, 'ARABIA'),"
        " ('UNITED KINGDOM', 0, 'UNITED'), ('UNITED KINGDOM', 1, 'KINGDOM')) t(n_name, p, w)",
    ),
    Case(
        "SELECT w, count(*) AS c FROM samples.tpch.region LATERAL VIEW explode(split(r_comment, ' ')) t AS w GROUP BY w",
        "SELECT w, count(*) AS c FROM samples.tpch.region, unnest(string_split(r_comment, ' ')) t(w) GROUP BY w",
    ),
    Case(
        "SELECT k, v FROM (SELECT map('a', 1, 'b', 2) AS m) LATERAL VIEW explode(m) t AS k, v",
        "SELECT * FROM (VALUES ('a', 1), ('b', 2)) t(k, v)",
    ),
    Case(
        "SELECT r_regionkey, a, b FROM samples.tpch.region"
        " LATERAL VIEW inline(array(named_struct('a', r_regionkey * 10, 'b', r_name))) t WHERE r_regionkey < 2",
        "SELECT r_regionkey, r_regionkey * 10 AS a, r_name AS b FROM samples.tpch.region WHERE r_regionkey < 2",
    ),
    Case(
        "SELECT x, y FROM (SELECT 1 AS one) LATERAL VIEW explode(array(1, 2)) a AS x LATERAL VIEW explode(array('p', 'q')) b AS y",
        "SELECT * FROM (VALUES (1, 'p'), (1, 'q'), (2, 'p'), (2, 'q')) t(x, y)",
    ),
    Case(
        "SELECT c0, c1 FROM (SELECT '{\"a\":1,\"b\":\"x\"}' AS j) LATERAL VIEW json_tuple(j, 'a', 'b') t",
        "SELECT '1' AS c0, 'x' AS c1",
    ),
    # --- maps ---------------------------------------------------------------------------------
    Case(
        "SELECT map('a', 1, 'b', 2) AS m, map_keys(map('a', 1, 'b', 2)) AS k, map_values(map('a', 1, 'b', 2)) AS v",
        "SELECT MAP {'a': 1, 'b': 2} AS m, ['a', 'b'] AS k, [1, 2] AS v",
    ),
    Case(  # a missing key gives NULL
        "SELECT element_at(map('a', 1, 'b', 2), 'b') AS b, map('a', 1, 'b', 2)['a'] AS a, element_at(map('a', 1), 'z') AS missing",
        "SELECT 2 AS b, 1 AS a, CAST(NULL AS INTEGER) AS missing",
    ),
    Case(  # a map's [] takes a key, not a position
        "SELECT element_at(map(1, 'x', 2, 'y'), 2) AS v, map(1, 'x', 2, 'y')[1] AS w",
        "SELECT 'y' AS v, 'x' AS w",
    ),
    Case(  # also on a map column the statement defines
        "WITH t AS (SELECT map(1, 'x', 2, 'y') AS m) SELECT m[1] AS w, t.m[2] AS y FROM t",
        "SELECT 'x' AS w, 'y' AS y",
    ),
    Case(
        "SELECT k, m[k] AS v FROM VALUES (1, map(1, 'one', 2, 'two')), (2, map(2, 'deux')) AS t(k, m)",
        "SELECT * FROM (VALUES (1, 'one'), (2, 'deux')) t(k, v)",
    ),
    Case(
        "SELECT map_from_arrays(array('a', 'b'), array(1, 2)) AS m",
        "SELECT MAP {'a': 1, 'b': 2} AS m",
    ),
    Case(
        "SELECT map_from_entries(array(struct('a', 1), struct('b', 2))) AS m",
        "SELECT MAP {'a': 1, 'b': 2} AS m",
    ),
    Case(  # STRING keys and values; a pair without the delimiter maps to NULL
        "SELECT str_to_map('a:1,b:2') AS m, str_to_map('x=1;y', ';', '=') AS n",
        "SELECT MAP {'a': '1', 'b': '2'} AS m, MAP {'x': '1', 'y': NULL::VARCHAR} AS n",
    ),
    Case(
        "SELECT str_to_map('k1:v1,k2:v2')['k2'] AS v, size(str_to_map('k1:v1,k2:v2')) AS n",
        "SELECT 'v2' AS v, CAST(2 AS INTEGER) AS n",
    ),
    Case(
        "SELECT map_contains_key(map(1, 'a'), 1) AS yes, map_contains_key(map(1, 'a'), 2) AS no",
        "SELECT true AS yes, false AS no",
    ),
    Case(
        "SELECT map_concat(map('a', 1), map('b', 2)) AS m",
        "SELECT MAP {'a': 1, 'b': 2} AS m",
    ),
    Case(
        "SELECT n_regionkey, map_from_entries(array_sort(collect_list(struct(n_name, n_nationkey)))) AS m"
        " FROM samples.tpch.nation WHERE n_regionkey = 1 GROUP BY n_regionkey",
        "SELECT n_regionkey, map_from_entries(list({'k': n_name, 'v': n_nationkey} ORDER BY n_name)) AS m"
        " FROM samples.tpch.nation WHERE n_regionkey = 1 GROUP BY n_regionkey",
    ),
    # --- structs ------------------------------------------------------------------------------
    Case(
        "SELECT named_struct('a', 1, 'b', 'x') AS s, named_struct('a', 1, 'b', 'x').b AS b",
        "SELECT {'a': 1, 'b': 'x'} AS s, 'x' AS b",
    ),
    Case(  # fields named after the columns
        "SELECT struct(r_regionkey, r_name) AS s FROM samples.tpch.region WHERE r_regionkey = 2",
        "SELECT {'r_regionkey': CAST(2 AS BIGINT), 'r_name': 'ASIA'} AS s",
    ),
    Case(  # and col1, col2 for expressions
        "SELECT struct(1, 'a') AS s, struct(1 AS id, 'x' AS tag).tag AS tag",
        "SELECT {'col1': 1, 'col2': 'a'} AS s, 'x' AS tag",
    ),
    Case(
        "SELECT s.a, s.b FROM (SELECT named_struct('a', n_nationkey, 'b', n_name) AS s FROM samples.tpch.nation WHERE n_nationkey < 3)",
        "SELECT n_nationkey AS a, n_name AS b FROM samples.tpch.nation WHERE n_nationkey < 3",
    ),
    Case(
        "SELECT to_json(named_struct('a', 1, 'b', 'x')) AS j",
        "SELECT '{\"a\":1,\"b\":\"x\"}' AS j",
    ),
    Case(  # NULL fields are left out
        "SELECT to_json(named_struct('a', 1, 'b', CAST(NULL AS STRING))) AS j,"
        " to_json(named_struct('n', named_struct('x', CAST(NULL AS INT), 'y', 2))) AS nested",
        "SELECT '{\"a\":1}' AS j, '{\"n\":{\"y\":2}}' AS nested",
    ),
    Case(
        "SELECT to_json(array(1, 2)) AS a, to_json(map('k', 'v')) AS m, to_json(array(named_struct('a', 1, 'b', CAST(NULL AS INT)))) AS s",
        "SELECT '[1,2]' AS a, '{\"k\":\"v\"}' AS m, '[{\"a\":1}]' AS s",
    ),
    Case(
        "SELECT to_json(named_struct('name', r_name, 'key', r_regionkey)) AS j FROM samples.tpch.region WHERE r_regionkey < 2",
        "SELECT * FROM (VALUES ('{\"name\":\"AFRICA\",\"key\":0}'), ('{\"name\":\"AMERICA\",\"key\":1}')) t(j)",
    ),
    Case(  # struct(*): every column, named after it
        "SELECT struct(*) AS s, to_json(struct(*)) AS j FROM samples.tpch.region WHERE r_regionkey = 1",
        "SELECT {'r_regionkey': r_regionkey, 'r_name': r_name, 'r_comment': r_comment} AS s,"
        " to_json({'r_regionkey': r_regionkey, 'r_name': r_name, 'r_comment': r_comment})::VARCHAR AS j"
        " FROM samples.tpch.region WHERE r_regionkey = 1",
    ),
    Case(
        "SELECT to_json(struct(o.*)) AS j FROM (SELECT 1 AS id, CAST(NULL AS STRING) AS note) o",
        "SELECT '{\"id\":1}' AS j",
    ),
    # --- JSON ---------------------------------------------------------------------------------
    Case(
        "SELECT get_json_object('{\"a\":{\"b\":7}}', '$.a.b') AS ab, get_json_object('{\"a\":[1,{\"c\":\"x\"}]}', '$.a[1].c') AS c,"
        " get_json_object('{\"a\":{\"b\":7}}', '$.a') AS obj, get_json_object('{\"a\":1}', '$.z') AS missing",
        "SELECT '7' AS ab, 'x' AS c, '{\"b\":7}' AS obj, CAST(NULL AS VARCHAR) AS missing",
    ),
    Case(  # text that is not JSON gives NULL
        "SELECT get_json_object('not json', '$.a') AS v",
        "SELECT CAST(NULL AS VARCHAR) AS v",
    ),
    Case(  # the colon syntax returns STRING, string values unquoted
        "SELECT j:a.b AS ab, j:c AS c, j:arr[1] AS second FROM (SELECT '{\"a\":{\"b\":1},\"c\":\"txt\",\"arr\":[10,20]}' AS j)",
        "SELECT '1' AS ab, 'txt' AS c, '20' AS second",
    ),
    Case(
        "SELECT j:a AS a, j:a.x[0] AS x0 FROM (SELECT '{\"a\":{\"x\":[1,2]}}' AS j)",
        "SELECT '{\"x\":[1,2]}' AS a, '1' AS x0",
    ),
    Case(  # [*] gives the matches' JSON text, a single match unwrapped
        "SELECT j:a[*].b AS all_b, get_json_object(j, '$.a[*].b') AS same, get_json_object('{\"a\":[{\"b\":\"x\"}]}', '$.a[*].b') AS one"
        " FROM (SELECT '{\"a\":[{\"b\":1},{\"b\":2}]}' AS j)",
        "SELECT '[1,2]' AS all_b, '[1,2]' AS same, 'x' AS one",
    ),
    Case(
        "SELECT j:OWNER AS any_case, j:['OWNER'] AS exact FROM (SELECT '{\"owner\":\"amy\"}' AS j)",
        "SELECT 'amy' AS any_case, CAST(NULL AS VARCHAR) AS exact",
        differs="Databricks matches a colon path's dotted keys case-insensitively; DuckDB's JSON paths match exactly",
    ),
    Case(
        "SELECT id FROM VALUES (1, '{\"ok\":true}'), (2, '{\"ok\":false}'), (3, 'oops') AS t(id, j) WHERE j:ok = 'true'",
        "SELECT 1 AS id",
    ),
    Case(
        "SELECT from_json('{\"a\":1,\"b\":\"x\"}', 'a INT, b STRING') AS s",
        "SELECT {'a': 1, 'b': 'x'} AS s",
    ),
    Case(  # a missing field is NULL
        "SELECT from_json('{\"a\":1}', 'a INT, b STRING') AS s, from_json('{\"xs\":[1,2,3]}', 'xs ARRAY<INT>').xs AS xs",
        "SELECT {'a': 1, 'b': NULL::VARCHAR} AS s, [1, 2, 3] AS xs",
    ),
    Case(
        "SELECT from_json('[1,2]', 'ARRAY<BIGINT>') AS a, from_json('{\"k\":1}', 'MAP<STRING, INT>') AS m,"
        " from_json('{\"n\":{\"c\":\"x\"}}', 'STRUCT<n: STRUCT<c: STRING>>').n.c AS c",
        "SELECT [CAST(1 AS BIGINT), 2] AS a, MAP {'k': 1} AS m, 'x' AS c",
    ),
    Case(  # not JSON: a struct of NULLs
        "SELECT from_json('oops', 'a INT') AS s",
        "SELECT {'a': NULL::INTEGER} AS s",
    ),
    Case(
        "SELECT from_json(to_json(named_struct('a', 1, 'b', array(2, 3))), 'a INT, b ARRAY<INT>') AS s",
        "SELECT {'a': 1, 'b': [2, 3]} AS s",
    ),
    Case(  # INT; NULL when not an array
        "SELECT json_array_length('[1,2,3]') AS n, json_array_length('[]') AS e, json_array_length('{\"a\":1}') AS obj",
        "SELECT CAST(3 AS INTEGER) AS n, CAST(0 AS INTEGER) AS e, CAST(NULL AS INTEGER) AS obj",
    ),
    Case(
        "SELECT json_object_keys('{\"b\":1,\"a\":{\"c\":2}}') AS k, json_object_keys('[1]') AS not_object",
        "SELECT ['b', 'a'] AS k, CAST(NULL AS VARCHAR[]) AS not_object",
    ),
    Case(  # fields sorted by name; integers BIGINT, decimals DOUBLE
        "SELECT schema_of_json('{\"b\":[1.5],\"a\":1,\"c\":\"x\"}') AS s",
        "SELECT 'STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRING>' AS s",
    ),
    Case(
        "SELECT from_json('{\"a\":5}', schema_of_json('{\"a\":0}')).a AS a",
        "SELECT CAST(5 AS BIGINT) AS a",
    ),
    Case(
        "SELECT json_tuple('{\"a\":1,\"b\":\"x\"}', 'a', 'b')",
        "SELECT '1' AS c0, 'x' AS c1",
    ),
    # --- higher-order functions ---------------------------------------------------------------
    Case(
        "SELECT transform(array(1, 2, 3), x -> x * 10) AS a",
        "SELECT [10, 20, 30] AS a",
    ),
    Case(  # the index counts from 0, as an INT
        "SELECT transform(array(10, 20, 30), (x, i) -> x + i) AS a, transform(array('a', 'b'), (x, i) -> i) AS idx",
        "SELECT [10, 21, 32] AS a, [0, 1] AS idx",
    ),
    Case(
        "SELECT filter(array(1, 2, 3, 4, 5), x -> x % 2 = 1) AS odd, filter(array('a', 'b', 'c'), (x, i) -> i >= 1) AS tail",
        "SELECT [1, 3, 5] AS odd, ['b', 'c'] AS tail",
    ),
    Case(  # three-valued: NULL when no element matches and one is NULL
        "SELECT exists(array(1, 2, 3), x -> x > 2) AS yes, exists(array(1, 2), x -> x > 5) AS no,"
        " exists(array(1, NULL), x -> x > 5) AS unknown",
        "SELECT true AS yes, false AS no, CAST(NULL AS BOOLEAN) AS unknown",
    ),
    Case(
        "SELECT forall(array(1, 2), x -> x > 0) AS yes, forall(array(1, -1), x -> x > 0) AS no,"
        " forall(array(1, NULL), x -> x > 0) AS unknown",
        "SELECT true AS yes, false AS no, CAST(NULL AS BOOLEAN) AS unknown",
    ),
    Case(
        "SELECT aggregate(array(1, 2, 3, 4), 0, (acc, x) -> acc + x) AS total, aggregate(array(1.0D, 2.5D), 0D, (acc, x) -> acc + x) AS d",
        "SELECT 10 AS total, 3.5::DOUBLE AS d",
    ),
    Case(  # the finish lambda applies to the result
        "SELECT reduce(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 100) AS r",
        "SELECT 600 AS r",
    ),
    Case(  # the shorter array padded with NULL
        "SELECT zip_with(array(1, 2, 3), array(10, 20), (x, y) -> coalesce(x, 0) + coalesce(y, 0)) AS z",
        "SELECT [11, 22, 3] AS z",
    ),
    Case(
        "SELECT array_sort(array(5, 6, 1), (l, r) -> CASE WHEN l < r THEN 1 WHEN l > r THEN -1 ELSE 0 END) AS down",
        "SELECT [6, 5, 1] AS down",
    ),
    Case(  # a stable sort: ties keep their order
        "SELECT array_sort(array('ccc', 'a', 'bb', 'b'), (l, r) -> length(l) - length(r)) AS by_length",
        "SELECT ['a', 'b', 'bb', 'ccc'] AS by_length",
    ),
    Case(
        "SELECT map_filter(map(1, 'a', 2, 'b', 3, 'c'), (k, v) -> k > 1) AS m",
        "SELECT MAP {2: 'b', 3: 'c'} AS m",
    ),
    Case(
        "SELECT transform_keys(map('a', 1, 'b', 2), (k, v) -> upper(k)) AS ks, transform_values(map('a', 1, 'b', 2), (k, v) -> v * 10) AS vs",
        "SELECT MAP {'A': 1, 'B': 2} AS ks, MAP {'a': 10, 'b': 20} AS vs",
    ),
    Case(
        "SELECT n_regionkey, transform(array_sort(collect_list(n_nationkey)), k -> k * 2) AS doubled"
        " FROM samples.tpch.nation GROUP BY n_regionkey",
        "SELECT n_regionkey, list(n_nationkey * 2 ORDER BY n_nationkey) AS doubled FROM samples.tpch.nation GROUP BY n_regionkey",
    ),
    Case(  # an inner lambda sees the outer one's parameter
        "SELECT transform(array(1, 2), x -> filter(array(1, 2, 3), y -> y > x)) AS n",
        "SELECT [[2, 3], [3]] AS n",
    ),
    Case(
        "SELECT r_name FROM samples.tpch.region WHERE exists(split(r_comment, ' '), w -> w = 'express')",
        "SELECT r_name FROM samples.tpch.region WHERE list_contains(string_split(r_comment, ' '), 'express')",
    ),
    # --- windows ------------------------------------------------------------------------------
    Case(  # ranking functions are INT
        "SELECT n_regionkey, n_name, row_number() OVER (PARTITION BY n_regionkey ORDER BY n_name) AS rn FROM samples.tpch.nation",
        "SELECT n_regionkey, n_name, CAST(row_number() OVER (PARTITION BY n_regionkey ORDER BY n_name) AS INTEGER) AS rn"
        " FROM samples.tpch.nation",
    ),
    Case(
        "SELECT n_name, rank() OVER (ORDER BY n_regionkey) AS r, dense_rank() OVER (ORDER BY n_regionkey) AS d FROM samples.tpch.nation",
        "SELECT n_name, CAST(rank() OVER (ORDER BY n_regionkey) AS INTEGER) AS r,"
        " CAST(dense_rank() OVER (ORDER BY n_regionkey) AS INTEGER) AS d FROM samples.tpch.nation",
    ),
    Case(
        "SELECT n_nationkey, ntile(4) OVER (ORDER BY n_nationkey) AS q FROM samples.tpch.nation",
        "SELECT n_nationkey, CAST(ntile(4) OVER (ORDER BY n_nationkey) AS INTEGER) AS q FROM samples.tpch.nation",
    ),
    Case(
        "SELECT n_nationkey, lag(n_name, 1, 'none') OVER (ORDER BY n_nationkey) AS prev,"
        " lead(n_nationkey, 2, -1) OVER (ORDER BY n_nationkey) AS next2 FROM samples.tpch.nation WHERE n_regionkey = 2",
        "SELECT * FROM (VALUES (8::BIGINT, 'none', 12::BIGINT), (9, 'INDIA', 18), (12, 'INDONESIA', 21), (18, 'JAPAN', -1),"
        " (21, 'CHINA', -1)) t(n_nationkey, prev, next2)",
    ),
    Case(
        "SELECT n_nationkey, sum(CAST(n_nationkey AS DOUBLE)) OVER (PARTITION BY n_regionkey ORDER BY n_nationkey"
        " ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair FROM samples.tpch.nation WHERE n_regionkey = 0",
        "SELECT * FROM (VALUES (0::BIGINT, 0::DOUBLE), (5, 5), (14, 19), (15, 29), (16, 31)) t(n_nationkey, pair)",
    ),
    Case(
        "SELECT n_nationkey, count(*) OVER (ORDER BY n_regionkey RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,"
        " avg(n_nationkey) OVER (PARTITION BY n_regionkey) AS mean FROM samples.tpch.nation",
        "SELECT n_nationkey, count(*) OVER (ORDER BY n_regionkey RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,"
        " avg(n_nationkey) OVER (PARTITION BY n_regionkey) AS mean FROM samples.tpch.nation",
    ),
    Case(
        "SELECT n_name, first_value(n_name) OVER (PARTITION BY n_regionkey ORDER BY n_nationkey) AS f,"
        " last_value(n_name) OVER (PARTITION BY n_regionkey ORDER BY n_nationkey ROWS BETWEEN UNBOUNDED PRECEDING"
        " AND UNBOUNDED FOLLOWING) AS l FROM samples.tpch.nation WHERE n_regionkey = 4",
        "SELECT n_name, 'EGYPT' AS f, 'SAUDI ARABIA' AS l FROM samples.tpch.nation WHERE n_regionkey = 4",
    ),
    Case(
        "SELECT n_nationkey, percent_rank() OVER (ORDER BY n_nationkey) AS p, cume_dist() OVER (ORDER BY n_nationkey) AS c"
        " FROM samples.tpch.nation WHERE n_nationkey < 5",
        "SELECT * FROM (VALUES (0::BIGINT, 0.0::DOUBLE, 0.2::DOUBLE), (1, 0.25, 0.4), (2, 0.5, 0.6), (3, 0.75, 0.8), (4, 1.0, 1.0))"
        " t(n_nationkey, p, c)",
    ),
    Case(
        "SELECT o_orderpriority, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r FROM samples.tpch.orders GROUP BY o_orderpriority",
        "SELECT o_orderpriority, count(*) AS n, CAST(rank() OVER (ORDER BY count(*) DESC) AS INTEGER) AS r"
        " FROM samples.tpch.orders GROUP BY o_orderpriority",
    ),
    Case(  # sum of BIGINT is BIGINT over a window too
        "SELECT n_nationkey, sum(n_nationkey) OVER (PARTITION BY n_regionkey ORDER BY n_nationkey"
        " ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair FROM samples.tpch.nation WHERE n_regionkey = 0",
        "SELECT * FROM (VALUES (0::BIGINT, 0::BIGINT), (5, 5), (14, 19), (15, 29), (16, 31)) t(n_nationkey, pair)",
    ),
    Case(  # and of DECIMAL(18,2) DECIMAL(28,2)
        "SELECT l_linenumber, sum(l_quantity) OVER (ORDER BY l_linenumber ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running"
        " FROM samples.tpch.lineitem WHERE l_orderkey = 1",
        "SELECT l_linenumber, CAST(sum(l_quantity) OVER (ORDER BY l_linenumber ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        " AS DECIMAL(28, 2)) AS running FROM samples.tpch.lineitem WHERE l_orderkey = 1",
    ),
    Case(
        "SELECT n_nationkey, sum(n_nationkey) OVER (ORDER BY n_nationkey RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS s"
        " FROM samples.tpch.nation WHERE n_nationkey < 5",
        "SELECT * FROM (VALUES (0::BIGINT, 0::BIGINT), (1, 1), (2, 3), (3, 6), (4, 9)) t(n_nationkey, s)",
    ),
    Case(
        "SELECT n_nationkey, collect_list(n_nationkey) OVER (PARTITION BY n_regionkey ORDER BY n_nationkey"
        " ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS w FROM samples.tpch.nation WHERE n_regionkey = 0",
        "SELECT * FROM (VALUES (0::BIGINT, [0::BIGINT]), (5, [0, 5]), (14, [5, 14]), (15, [14, 15]), (16, [15, 16])) t(n_nationkey, w)",
    ),
    Case(
        "SELECT id, first_value(x, true) OVER (ORDER BY id) AS f, last_value(x) IGNORE NULLS OVER (ORDER BY id) AS l,"
        " count(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS rest"
        " FROM VALUES (1, NULL), (2, 5), (3, NULL) AS t(id, x)",
        "SELECT * FROM (VALUES (1, NULL, NULL, 1::BIGINT), (2, 5, 5, 1), (3, 5, 5, 0)) t(id, f, l, rest)",
    ),
    Case(
        "SELECT n_name, row_number() OVER w AS rn FROM samples.tpch.nation WHERE n_regionkey = 1 WINDOW w AS (ORDER BY n_name DESC)",
        "SELECT * FROM (VALUES ('UNITED STATES', 1), ('PERU', 2), ('CANADA', 3), ('BRAZIL', 4), ('ARGENTINA', 5)) t(n_name, rn)",
    ),
    Case(
        "SELECT n_name, nth_value(n_name, 2) OVER (PARTITION BY n_regionkey ORDER BY n_name ROWS BETWEEN UNBOUNDED PRECEDING"
        " AND UNBOUNDED FOLLOWING) AS second FROM samples.tpch.nation WHERE n_regionkey = 1",
        "SELECT n_name, 'BRAZIL' AS second FROM samples.tpch.nation WHERE n_regionkey = 1",
    ),
    Case(  # NULLs sort first ascending, in a window too
        "SELECT x, row_number() OVER (ORDER BY x) AS rn FROM VALUES (2), (NULL), (1) AS t(x)",
        "SELECT * FROM (VALUES (NULL, 1), (1, 2), (2, 3)) t(x, rn)",
    ),
    # --- QUALIFY, GROUP BY ALL, ORDER BY ALL, NULL ordering -----------------------------------------
    Case(
        "SELECT n_regionkey, n_name FROM samples.tpch.nation QUALIFY row_number() OVER (PARTITION BY n_regionkey ORDER BY n_name DESC) = 1",
        "SELECT * FROM (VALUES (0::BIGINT, 'MOZAMBIQUE'), (1, 'UNITED STATES'), (2, 'VIETNAM'), (3, 'UNITED KINGDOM'), (4, 'SAUDI ARABIA'))"
        " t(n_regionkey, n_name)",
    ),
    Case(
        "SELECT n_name, rank() OVER (ORDER BY n_nationkey DESC) AS r FROM samples.tpch.nation QUALIFY r <= 2",
        "SELECT * FROM (VALUES ('UNITED STATES', 1), ('UNITED KINGDOM', 2)) t(n_name, r)",
    ),
    Case(
        "SELECT o_custkey, count(*) AS c FROM samples.tpch.orders GROUP BY o_custkey QUALIFY dense_rank() OVER (ORDER BY count(*) DESC) = 1",
        "SELECT o_custkey, count(*) AS c FROM samples.tpch.orders GROUP BY o_custkey QUALIFY dense_rank() OVER (ORDER BY count(*) DESC) = 1",
    ),
    Case(
        "SELECT n_regionkey, count(*) AS c FROM samples.tpch.nation GROUP BY ALL",
        "SELECT n_regionkey, count(*) AS c FROM samples.tpch.nation GROUP BY n_regionkey",
    ),
    Case(
        "SELECT o_orderstatus, o_orderpriority, count(*) AS c FROM samples.tpch.orders GROUP BY ALL",
        "SELECT o_orderstatus, o_orderpriority, count(*) AS c FROM samples.tpch.orders GROUP BY o_orderstatus, o_orderpriority",
    ),
    Case(
        "SELECT n_regionkey, n_name FROM samples.tpch.nation ORDER BY ALL LIMIT 3",
        "SELECT * FROM (VALUES (0::BIGINT, 'ALGERIA'), (0, 'ETHIOPIA'), (0, 'KENYA')) t(n_regionkey, n_name)",
    ),
    Case(  # NULLs first ascending ...
        "SELECT x FROM VALUES (2), (NULL), (1) AS t(x) ORDER BY x LIMIT 1",
        "SELECT CAST(NULL AS INTEGER) AS x",
    ),
    Case(  # ... and last descending
        "SELECT x FROM VALUES (2), (NULL), (1) AS t(x) ORDER BY x DESC LIMIT 1",
        "SELECT 2 AS x",
    ),
    Case(
        "SELECT x FROM VALUES (2), (NULL), (1) AS t(x) ORDER BY x NULLS LAST LIMIT 1",
        "SELECT 1 AS x",
    ),
    Case(
        "SELECT x, y FROM VALUES (1, 'b'), (1, NULL), (NULL, 'a') AS t(x, y) ORDER BY x, y LIMIT 2",
        "SELECT * FROM (VALUES (NULL, 'a'), (1, NULL)) t(x, y)",
    ),
    # --- PIVOT, UNPIVOT -----------------------------------------------------------------------
    Case(
        "SELECT * FROM (SELECT n_regionkey, n_nationkey FROM samples.tpch.nation)"
        " PIVOT (count(n_nationkey) FOR n_regionkey IN (0 AS africa, 1 AS america, 2 AS asia))",
        "SELECT count(*) FILTER (WHERE n_regionkey = 0) AS africa, count(*) FILTER (WHERE n_regionkey = 1) AS america,"
        " count(*) FILTER (WHERE n_regionkey = 2) AS asia FROM samples.tpch.nation",
    ),
    Case(  # the other columns group the rows
        "SELECT * FROM (SELECT o_orderstatus, o_orderpriority FROM samples.tpch.orders) PIVOT (count(*) FOR o_orderstatus IN ('F', 'O', 'P'))",
        "SELECT o_orderpriority, count(*) FILTER (WHERE o_orderstatus = 'F') AS F, count(*) FILTER (WHERE o_orderstatus = 'O') AS O,"
        " count(*) FILTER (WHERE o_orderstatus = 'P') AS P FROM samples.tpch.orders GROUP BY o_orderpriority",
    ),
    Case(
        "SELECT * FROM (SELECT n_regionkey, n_nationkey, n_name FROM samples.tpch.nation)"
        " PIVOT (count(n_nationkey) AS c, max(n_name) AS m FOR n_regionkey IN (0 AS af, 1 AS am))",
        "SELECT count(*) FILTER (WHERE n_regionkey = 0) AS af_c, max(n_name) FILTER (WHERE n_regionkey = 0) AS af_m,"
        " count(*) FILTER (WHERE n_regionkey = 1) AS am_c, max(n_name) FILTER (WHERE n_regionkey = 1) AS am_m FROM samples.tpch.nation",
    ),
    Case(
        "SELECT * FROM (SELECT 1 AS id, 10 AS q1, 20 AS q2) UNPIVOT (amount FOR quarter IN (q1, q2))",
        "SELECT * FROM (VALUES (1, 'q1', 10), (1, 'q2', 20)) t(id, quarter, amount)",
    ),
    Case(  # NULLs dropped unless INCLUDE NULLS
        "SELECT * FROM (SELECT 1 AS id, 10 AS q1, CAST(NULL AS INT) AS q2) UNPIVOT INCLUDE NULLS (amount FOR quarter IN (q1, q2))",
        "SELECT * FROM (VALUES (1, 'q1', 10), (1, 'q2', NULL)) t(id, quarter, amount)",
    ),
    Case(
        "SELECT * FROM (SELECT r_regionkey, r_name, substr(r_comment, 1, 4) AS c FROM samples.tpch.region WHERE r_regionkey < 2)"
        " UNPIVOT (txt FOR field IN (r_name, c))",
        "SELECT r_regionkey, field, txt FROM (SELECT r_regionkey, 'r_name' AS field, r_name AS txt FROM samples.tpch.region"
        " UNION ALL SELECT r_regionkey, 'c', substr(r_comment, 1, 4) FROM samples.tpch.region) WHERE r_regionkey < 2",
    ),
    # --- SELECT * EXCEPT, set operations, CTEs, VALUES ----------------------------------------------
    Case(
        "SELECT * EXCEPT (r_comment) FROM samples.tpch.region",
        "SELECT r_regionkey, r_name FROM samples.tpch.region",
    ),
    Case(
        "SELECT * EXCEPT (n_comment, n_regionkey) FROM samples.tpch.nation WHERE n_nationkey < 3",
        "SELECT n_nationkey, n_name FROM samples.tpch.nation WHERE n_nationkey < 3",
    ),
    Case(
        "SELECT n_regionkey FROM samples.tpch.nation UNION SELECT r_regionkey FROM samples.tpch.region",
        "SELECT DISTINCT r_regionkey FROM samples.tpch.region",
    ),
    Case(
        "SELECT n_regionkey, count(*) AS c FROM (SELECT n_regionkey FROM samples.tpch.nation UNION ALL"
        " SELECT r_regionkey FROM samples.tpch.region) GROUP BY n_regionkey",
        "SELECT r_regionkey, CAST(6 AS BIGINT) AS c FROM samples.tpch.region",
    ),
    Case(
        "SELECT n_nationkey FROM samples.tpch.nation WHERE n_regionkey = 1 INTERSECT SELECT n_nationkey FROM samples.tpch.nation WHERE n_nationkey < 5",
        "SELECT * FROM (VALUES (1::BIGINT), (2), (3)) t(n_nationkey)",
    ),
    Case(
        "SELECT n_regionkey FROM samples.tpch.nation EXCEPT SELECT r_regionkey FROM samples.tpch.region WHERE r_regionkey < 3",
        "SELECT * FROM (VALUES (3::BIGINT), (4)) t(n_regionkey)",
    ),
    Case(
        "SELECT n_regionkey FROM samples.tpch.nation MINUS SELECT r_regionkey FROM samples.tpch.region WHERE r_regionkey > 0",
        "SELECT CAST(0 AS BIGINT) AS n_regionkey",
    ),
    Case(
        "SELECT n_regionkey FROM samples.tpch.nation EXCEPT ALL SELECT r_regionkey FROM samples.tpch.region WHERE r_regionkey = 0",
        "SELECT n_regionkey FROM samples.tpch.nation WHERE n_regionkey > 0 UNION ALL SELECT 0 FROM range(4)",
    ),
    Case(  # INT and DECIMAL(2,1) meet at DECIMAL(11,1)
        "SELECT 1 AS x UNION ALL SELECT 2.5",
        "SELECT * FROM (VALUES (1.0::DECIMAL(11,1)), (2.5)) t(x)",
    ),
    Case(
        "WITH r AS (SELECT r_regionkey, r_name FROM samples.tpch.region)"
        " SELECT n_name, r_name FROM samples.tpch.nation JOIN r ON n_regionkey = r_regionkey WHERE n_nationkey < 4",
        "SELECT * FROM (VALUES ('ALGERIA', 'AFRICA'), ('ARGENTINA', 'AMERICA'), ('BRAZIL', 'AMERICA'), ('CANADA', 'AMERICA')) t(n_name, r_name)",
    ),
    Case(
        "WITH big AS (SELECT n_regionkey, count(*) AS c FROM samples.tpch.nation GROUP BY n_regionkey),"
        " named AS (SELECT r_name, c FROM big JOIN samples.tpch.region ON r_regionkey = n_regionkey)"
        " SELECT r_name, c FROM named WHERE r_name LIKE 'A%'",
        "SELECT * FROM (VALUES ('AFRICA', 5::BIGINT), ('AMERICA', 5), ('ASIA', 5)) t(r_name, c)",
    ),
    Case(
        "SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, name)",
        "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(id, name)",
    ),
    Case(  # an unnamed inline table's columns are col1, col2
        "SELECT col2, col1 FROM VALUES (1, 'a'), (2, 'b')",
        "SELECT * FROM (VALUES ('a', 1), ('b', 2)) t(col2, col1)",
    ),
    Case(
        "SELECT r_name, v.label FROM samples.tpch.region JOIN VALUES (0, 'zero'), (4, 'four') AS v(k, label) ON r_regionkey = v.k",
        "SELECT * FROM (VALUES ('AFRICA', 'zero'), ('MIDDLE EAST', 'four')) t(r_name, label)",
    ),
    Case(
        "SELECT id FROM range(3)",
        "SELECT * FROM (VALUES (0::BIGINT), (1), (2)) t(id)",
    ),
    Case(
        "SELECT max(id) AS top, count(*) AS n FROM range(10, 20, 5)",
        "SELECT CAST(15 AS BIGINT) AS top, CAST(2 AS BIGINT) AS n",
    ),
]
