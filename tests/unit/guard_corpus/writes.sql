-- Statements that must NEVER be read-only (tests/unit/test_guard_corpus.py: zero tolerance).
-- Most change data, schema, permissions or session state; the last sections are reads the
-- guard's policy keeps behind a confirmation on purpose (files by path, external services,
-- code it cannot see). Entries are separated by a line holding only "-- next".

-- ===== DML =====
INSERT INTO main.default.t VALUES (1, 'a')
-- next
INSERT INTO main.default.t (id, name) VALUES (1, 'a'), (2, 'b')
-- next
insert into main.default.t select * from samples.tpch.orders
-- next
INSERT INTO TABLE main.default.t SELECT * FROM main.default.s
-- next
INSERT OVERWRITE main.default.t SELECT * FROM samples.tpch.orders
-- next
INSERT OVERWRITE TABLE main.default.t PARTITION (d = '2024-01-01') SELECT id, name FROM main.default.s
-- next
INSERT INTO main.default.t REPLACE WHERE d = '2024-01-01' SELECT * FROM main.default.s
-- next
INSERT INTO main.default.t BY NAME SELECT name, id FROM main.default.s
-- next
INSERT INTO IDENTIFIER(:t) VALUES (1)
-- next
INSERT INTO IDENTIFIER('main.default.t') SELECT 1
-- next
INSERT OVERWRITE DIRECTORY '/tmp/out' USING parquet SELECT * FROM samples.tpch.orders
-- next
INSERT OVERWRITE LOCAL DIRECTORY '/tmp/out' STORED AS orc SELECT 1
-- next
FROM samples.tpch.orders INSERT INTO main.default.t1 SELECT o_orderkey INSERT INTO main.default.t2 SELECT o_custkey
-- next
UPDATE main.default.t SET name = 'x' WHERE id = 1
-- next
UPDATE main.default.t AS t SET t.amount = t.amount * 1.1
-- next
UPDATE IDENTIFIER(:t) SET a = 1
-- next
DELETE FROM main.default.t WHERE id = 1
-- next
DELETE FROM main.default.t
-- next
DELETE FROM IDENTIFIER('main.default.t') WHERE d < current_date() - 30
-- next
MERGE INTO main.default.t AS t USING main.default.s AS s ON t.id = s.id
WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *
-- next
MERGE INTO main.default.t t USING (SELECT * FROM main.default.s) s ON t.id = s.id
WHEN MATCHED AND s.deleted THEN DELETE
WHEN NOT MATCHED BY SOURCE THEN DELETE
-- next
MERGE WITH SCHEMA EVOLUTION INTO main.default.t USING main.default.s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *
-- next
COPY INTO main.default.t FROM 's3://bucket/landing/' FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'true')
-- next
COPY INTO main.default.t FROM (SELECT _c0::int AS id FROM '/Volumes/main/default/landing/') FILEFORMAT = CSV
-- next
COPY INTO main.default.t FROM '/Volumes/main/default/landing/' FILEFORMAT = PARQUET COPY_OPTIONS ('mergeSchema' = 'true')
-- next
TRUNCATE TABLE main.default.t
-- next
TRUNCATE TABLE main.default.t PARTITION (d = '2024-01-01')
-- next
LOAD DATA INPATH '/tmp/data' OVERWRITE INTO TABLE main.default.t
-- next
SELECT * INTO main.default.t2 FROM samples.tpch.orders
-- next
SELECT o_orderkey INTO :v FROM samples.tpch.orders LIMIT 1

-- ===== CREATE / REPLACE / ALTER / DROP =====
-- next
CREATE TABLE main.default.t (id INT, name STRING)
-- next
CREATE TABLE IF NOT EXISTS main.default.t (id BIGINT GENERATED ALWAYS AS IDENTITY, v STRING) USING DELTA CLUSTER BY (id)
-- next
CREATE OR REPLACE TABLE main.default.t AS SELECT * FROM samples.tpch.orders
-- next
CREATE TABLE main.default.t USING DELTA LOCATION 's3://bucket/tables/t'
-- next
CREATE EXTERNAL TABLE main.default.t (a INT) LOCATION 'abfss://c@acct.dfs.core.windows.net/t'
-- next
CREATE TABLE main.default.t_clone DEEP CLONE samples.tpch.orders
-- next
CREATE OR REPLACE TABLE main.default.t_clone SHALLOW CLONE main.default.orders VERSION AS OF 3
-- next
CREATE TABLE main.default.t LIKE main.default.s
-- next
CREATE TABLE IDENTIFIER(:t) (a INT)
-- next
REPLACE TABLE main.default.t AS SELECT 1 AS x
-- next
CREATE VIEW main.default.v AS SELECT * FROM samples.tpch.orders
-- next
CREATE OR REPLACE VIEW main.default.v (id COMMENT 'key') AS SELECT o_orderkey FROM samples.tpch.orders
-- next
CREATE TEMP VIEW v AS SELECT 1
-- next
CREATE OR REPLACE TEMPORARY VIEW v AS SELECT * FROM samples.tpch.orders
-- next
CREATE GLOBAL TEMPORARY VIEW gv AS SELECT 1
-- next
CREATE MATERIALIZED VIEW main.default.mv AS SELECT o_custkey, count(*) FROM samples.tpch.orders GROUP BY 1
-- next
CREATE OR REFRESH MATERIALIZED VIEW main.default.mv AS SELECT 1
-- next
CREATE STREAMING TABLE main.default.st AS SELECT * FROM STREAM read_files('/Volumes/main/default/landing')
-- next
CREATE OR REFRESH STREAMING TABLE main.default.st AS SELECT * FROM STREAM main.default.src
-- next
CREATE SCHEMA main.s
-- next
CREATE SCHEMA IF NOT EXISTS main.s MANAGED LOCATION 's3://bucket/s'
-- next
CREATE DATABASE d
-- next
CREATE CATALOG c
-- next
CREATE CATALOG IF NOT EXISTS c USING SHARE my_provider.my_share
-- next
CREATE FOREIGN CATALOG pg USING CONNECTION my_postgres OPTIONS (database 'db')
-- next
CREATE FUNCTION main.default.f(x INT) RETURNS INT RETURN x + 1
-- next
CREATE OR REPLACE FUNCTION main.default.f(x STRING) RETURNS STRING LANGUAGE PYTHON AS $$ return x.upper() $$
-- next
CREATE TEMPORARY FUNCTION tf AS 'com.example.Udf'
-- next
CREATE FUNCTION main.default.tvf() RETURNS TABLE (a INT) RETURN SELECT 1
-- next
CREATE VOLUME main.default.v
-- next
CREATE EXTERNAL VOLUME main.default.v LOCATION 's3://bucket/v'
-- next
CREATE CONNECTION my_pg TYPE postgresql OPTIONS (host 'h', port '5432', user 'u', password 'p')
-- next
CREATE EXTERNAL LOCATION my_loc URL 's3://bucket/path' WITH (STORAGE CREDENTIAL my_cred)
-- next
CREATE SHARE my_share
-- next
CREATE RECIPIENT my_recipient
-- next
CREATE PROCEDURE main.default.p() LANGUAGE SQL AS BEGIN SELECT 1; END
-- next
CREATE VARIABLE x INT DEFAULT 1
-- next
CREATE TEMPORARY VARIABLE y STRING
-- next
CREATE BLOOMFILTER INDEX ON TABLE main.default.t FOR COLUMNS (c OPTIONS (fpp = 0.1))
-- next
ALTER TABLE main.default.t ADD COLUMN c INT
-- next
ALTER TABLE main.default.t ADD COLUMNS (c INT, d STRING)
-- next
ALTER TABLE main.default.t DROP COLUMN c
-- next
ALTER TABLE main.default.t RENAME COLUMN a TO b
-- next
ALTER TABLE main.default.t ALTER COLUMN a SET NOT NULL
-- next
ALTER TABLE main.default.t RENAME TO main.default.t2
-- next
ALTER TABLE main.default.t SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true')
-- next
ALTER TABLE main.default.t UNSET TBLPROPERTIES ('x')
-- next
ALTER TABLE main.default.t OWNER TO `someone@example.com`
-- next
ALTER TABLE main.default.t ADD PARTITION (d = '2024-01-01')
-- next
ALTER TABLE main.default.t DROP PARTITION (d = '2024-01-01')
-- next
ALTER TABLE main.default.t CLUSTER BY (a)
-- next
ALTER TABLE main.default.t ADD CONSTRAINT pos CHECK (a > 0)
-- next
ALTER TABLE main.default.t SET ROW FILTER main.default.f ON (region)
-- next
ALTER TABLE main.default.t ALTER COLUMN ssn SET MASK main.default.mask_ssn
-- next
ALTER TABLE main.default.t SET TAGS ('pii' = 'true')
-- next
ALTER TABLE IDENTIFIER(:t) ADD COLUMN z INT
-- next
ALTER VIEW main.default.v AS SELECT 2
-- next
ALTER VIEW main.default.v RENAME TO main.default.v2
-- next
ALTER MATERIALIZED VIEW main.default.mv ALTER SCHEDULE CRON '0 0 * * * ?'
-- next
ALTER SCHEMA main.s SET DBPROPERTIES ('a' = 'b')
-- next
ALTER SCHEMA main.s OWNER TO `admins`
-- next
ALTER CATALOG main OWNER TO `admins`
-- next
ALTER VOLUME main.default.v RENAME TO main.default.v2
-- next
ALTER SHARE my_share ADD TABLE main.default.t
-- next
ALTER RECIPIENT my_recipient RENAME TO r2
-- next
ALTER PROVIDER my_provider RENAME TO p2
-- next
ALTER CONNECTION my_pg OPTIONS (host 'h2')
-- next
ALTER EXTERNAL LOCATION my_loc URL 's3://bucket/other'
-- next
ALTER STORAGE CREDENTIAL my_cred RENAME TO c2
-- next
ALTER FUNCTION main.default.f OWNER TO `admins`
-- next
DROP TABLE main.default.t
-- next
DROP TABLE IF EXISTS main.default.t
-- next
DROP TABLE IDENTIFIER('main.default.t')
-- next
DROP TABLE IDENTIFIER(:t)
-- next
DROP VIEW main.default.v
-- next
DROP VIEW IF EXISTS v
-- next
DROP MATERIALIZED VIEW main.default.mv
-- next
DROP SCHEMA main.s CASCADE
-- next
DROP DATABASE IF EXISTS d
-- next
DROP CATALOG c CASCADE
-- next
DROP FUNCTION main.default.f
-- next
DROP TEMPORARY FUNCTION IF EXISTS tf
-- next
DROP VOLUME main.default.v
-- next
DROP CONNECTION my_pg
-- next
DROP EXTERNAL LOCATION my_loc
-- next
DROP STORAGE CREDENTIAL my_cred
-- next
DROP SHARE my_share
-- next
DROP RECIPIENT my_recipient
-- next
DROP PROVIDER my_provider
-- next
DROP VARIABLE x
-- next
DROP TEMPORARY VARIABLE IF EXISTS y
-- next
DROP PROCEDURE main.default.p
-- next
DROP BLOOMFILTER INDEX ON TABLE main.default.t FOR COLUMNS (c)
-- next
COMMENT ON TABLE main.default.t IS 'orders'
-- next
COMMENT ON COLUMN main.default.t.a IS 'key'
-- next
UNDROP TABLE main.default.t
-- next
UNDROP TABLE WITH ID '6d3f0e2e-1234-4f4e-9a0b-0123456789ab'

-- ===== Delta and table maintenance =====
-- next
OPTIMIZE main.default.t
-- next
OPTIMIZE main.default.t WHERE d >= '2024-01-01' ZORDER BY (a, b)
-- next
OPTIMIZE main.default.t FULL
-- next
VACUUM main.default.t
-- next
VACUUM main.default.t RETAIN 168 HOURS
-- next
VACUUM main.default.t DRY RUN
-- next
RESTORE TABLE main.default.t TO VERSION AS OF 3
-- next
RESTORE main.default.t TO TIMESTAMP AS OF '2024-01-01'
-- next
REORG TABLE main.default.t APPLY (PURGE)
-- next
CONVERT TO DELTA parquet.`s3://bucket/p`
-- next
GENERATE symlink_format_manifest FOR TABLE main.default.t
-- next
FSCK REPAIR TABLE main.default.t
-- next
MSCK REPAIR TABLE main.default.t
-- next
REPAIR TABLE main.default.t SYNC METADATA
-- next
REFRESH TABLE main.default.t
-- next
REFRESH MATERIALIZED VIEW main.default.mv
-- next
REFRESH STREAMING TABLE main.default.st FULL
-- next
REFRESH FOREIGN CATALOG pg
-- next
REFRESH FUNCTION main.default.f
-- next
REFRESH 's3://bucket/path'
-- next
CACHE TABLE main.default.t
-- next
CACHE LAZY TABLE c AS SELECT * FROM samples.tpch.orders
-- next
CACHE SELECT * FROM main.default.t WHERE a > 1
-- next
UNCACHE TABLE main.default.t
-- next
CLEAR CACHE
-- next
ANALYZE TABLE main.default.t COMPUTE STATISTICS
-- next
ANALYZE TABLE main.default.t COMPUTE STATISTICS FOR ALL COLUMNS
-- next
ANALYZE TABLES IN main.default COMPUTE STATISTICS NOSCAN
-- next
ANALYZE TABLE main.default.t COMPUTE DELTA STATISTICS
-- next
SYNC TABLE main.default.t FROM hive_metastore.default.t

-- ===== Permissions =====
-- next
GRANT SELECT ON TABLE main.default.t TO `analysts`
-- next
GRANT USE CATALOG ON CATALOG main TO `someone@example.com`
-- next
GRANT ALL PRIVILEGES ON SCHEMA main.default TO `admins`
-- next
GRANT READ FILES ON EXTERNAL LOCATION my_loc TO `analysts`
-- next
GRANT SELECT ON SHARE my_share TO RECIPIENT my_recipient
-- next
REVOKE SELECT ON TABLE main.default.t FROM `analysts`
-- next
REVOKE ALL PRIVILEGES ON CATALOG main FROM `someone@example.com`
-- next
DENY SELECT ON TABLE main.default.t TO `someone`
-- next
MSCK REPAIR PRIVILEGES main.default.t

-- ===== Session state =====
-- next
SET spark.sql.shuffle.partitions = 16
-- next
SET ansi_mode = false
-- next
SET TIME ZONE 'UTC'
-- next
SET TIME ZONE LOCAL
-- next
SET
-- next
SET -v
-- next
RESET
-- next
RESET spark.sql.ansi.enabled
-- next
SET VAR x = 5
-- next
SET VARIABLE (a, b) = (SELECT 1, 2)
-- next
DECLARE VARIABLE x INT DEFAULT 1
-- next
DECLARE OR REPLACE VARIABLE z STRING
-- next
USE main.default
-- next
USE CATALOG main
-- next
USE SCHEMA default
-- next
USE DATABASE default
-- next
SET CATALOG main
-- next
SET SCHEMA default

-- ===== Transactions, scripts, code =====
-- next
BEGIN
-- next
BEGIN TRANSACTION
-- next
COMMIT
-- next
ROLLBACK
-- next
CALL main.default.my_proc(1, 'x')
-- next
EXECUTE IMMEDIATE 'SELECT 1'
-- next
EXECUTE IMMEDIATE 'DROP TABLE ' || :t
-- next
EXECUTE IMMEDIATE :stmt USING 1 AS a
-- next
ADD JAR '/Volumes/main/default/jars/udf.jar'
-- next
ADD FILE 's3://bucket/x.py'
-- next
ADD ARCHIVE '/tmp/a.zip'
-- next
LIST JAR
-- next
SELECT TRANSFORM (o_orderkey) USING 'python3 script.py' AS (x) FROM samples.tpch.orders

-- ===== Writes hidden among reads =====
-- next
WITH src AS (SELECT * FROM samples.tpch.orders) INSERT INTO main.default.t SELECT * FROM src
-- next
WITH x AS (SELECT 1 AS a) INSERT OVERWRITE main.default.t SELECT * FROM x
-- next
WITH d AS (DELETE FROM main.default.t RETURNING *) SELECT * FROM d
-- next
SELECT 1; DROP TABLE main.default.t
-- next
SELECT * FROM samples.tpch.orders; DELETE FROM main.default.t
-- next
SHOW TABLES; TRUNCATE TABLE main.default.t
-- next
DESCRIBE main.default.t; ALTER TABLE main.default.t DROP COLUMN a
-- next
EXPLAIN SELECT 1; DROP TABLE main.default.t
-- next
SELECT 'x;' AS a; UPDATE main.default.t SET a = 1
-- next
SELECT 1 /* ; */ ; GRANT SELECT ON TABLE main.default.t TO `all users`
-- next
SELECT 1 -- comment ; still comment
; MERGE INTO main.default.t USING main.default.s ON t.id = s.id WHEN MATCHED THEN DELETE
-- next
/* SELECT 1; */ DROP TABLE main.default.t
-- next
-- SELECT 1
DELETE FROM main.default.t
-- next
dRoP /* x */ TaBlE main.default.t
-- next
SELECT * FROM samples.tpch.orders FOR UPDATE
-- next
SELECT * FROM samples.tpch.orders WHERE o_orderkey = ${key}
-- next
SELECT * FROM ${catalog}.default.t

-- ===== EXPLAIN forms that stay behind a confirmation =====
-- next
EXPLAIN ANALYZE SELECT * FROM samples.tpch.orders
-- next
EXPLAIN ANALYZE DELETE FROM main.default.t
-- next
EXPLAIN ANALYZE TABLE main.default.t COMPUTE STATISTICS
-- next
EXPLAIN EXECUTE IMMEDIATE 'DROP TABLE main.default.t'
-- next
EXPLAIN CALL main.default.my_proc()
-- next
EXPLAIN SELECT * FROM read_files('s3://bucket/x', format => 'json')
-- next
EXPLAIN COPY INTO main.default.t FROM 's3://bucket/in' FILEFORMAT = CSV
-- next
EXPLAIN SELECT * FROM parquet.`s3://bucket/p`
-- next
EXPLAIN DROP TABLE ${t}
-- next
EXPLAIN EXPLAIN SELECT 1
-- next
EXPLAIN
-- next
DESCRIBE QUERY INSERT INTO main.default.t VALUES (1)

-- ===== Reads the policy keeps behind a confirmation: files by path, external services =====
-- next
SELECT * FROM read_files('s3://bucket/landing/', format => 'csv')
-- next
SELECT * FROM read_files('/Volumes/main/default/landing/*.json')
-- next
SELECT * FROM read_kafka(bootstrapServers => 'host:9092', subscribe => 'events')
-- next
SELECT * FROM read_state_metadata('/checkpoints/q1')
-- next
SELECT * FROM cloud_files_state('/checkpoints/q1')
-- next
SELECT * FROM parquet.`s3://bucket/p/`
-- next
SELECT * FROM delta.`/Volumes/main/default/v/table`
-- next
SELECT * FROM json.`dbfs:/tmp/x.json`
-- next
SELECT * FROM `s3://bucket/path`
-- next
SELECT * FROM IDENTIFIER('delta.`s3://bucket/t`')
-- next
SELECT * FROM main.default.orders o WHERE o.id IN (SELECT id FROM read_files('s3://bucket/ids'))
-- next
SELECT ai_query('my-endpoint', o_comment) FROM samples.tpch.orders
-- next
SELECT ai_summarize(o_comment) FROM samples.tpch.orders
-- next
SELECT http_request(conn => 'my_conn', method => 'GET', path => '/')
-- next
SELECT secret('scope', 'key')
-- next
SELECT reflect('java.util.UUID', 'randomUUID')
-- next
SELECT * FROM remote_query('my_pg', database => 'db', query => 'select 1')
-- next
SELECT * FROM vector_search(index => 'main.default.idx', query_text => 'x', num_results => 3)
-- next
SELECT * FROM main.default.my_python_udtf(1)
-- next
SELECT IDENTIFIER(:fn)(a, b) FROM VALUES ('scope', 'key') AS t(a, b)
-- next
SELECT * FROM IDENTIFIER(:fn)(1)
-- next
LIST '/Volumes/main/default/landing/'
-- next
LIST 's3://bucket/path/' LIMIT 10
-- next
GET '/Volumes/main/default/v/file.csv' TO '/tmp/file.csv'
-- next
PUT '/tmp/file.csv' INTO '/Volumes/main/default/v/file.csv' OVERWRITE
-- next
REMOVE '/Volumes/main/default/v/file.csv'
-- next
DESCRIBE DETAIL '/Volumes/main/default/v/table'
-- next
DESCRIBE HISTORY delta.`s3://bucket/t`
-- next
DESCRIBE TABLE parquet.`s3://bucket/x`
-- next
SHOW PARTITIONS delta.`s3://bucket/t`
-- next
SHOW COLUMNS IN delta.`/Volumes/main/default/v/table`
-- next
SHOW TBLPROPERTIES delta.`s3://bucket/t`
-- next
SELECT * FROM IDENTIFIER('delta.`relative_dir`')
-- next
SELECT * FROM IDENTIFIER(:schema || '.`s3://bucket/t`')
-- next
SELECT * FROM IDENTIFIER((SELECT max(name) FROM main.default.table_names))
-- next
DESCRIBE TABLE IDENTIFIER('delta.`/Volumes/main/default/v/table`')
-- next
SHOW TABLES IN IDENTIFIER('delta.`s3://bucket/t`')
-- next
TABLE parquet.`s3://bucket/p`
-- next
EXPLAIN TABLE delta.`/Volumes/main/default/v/table`
-- next
EXPLAIN REFRESH 's3://bucket/path'
-- next
EXPLAIN ALTER TABLE main.default.t SET LOCATION 's3://bucket/elsewhere'
-- next
EXPLAIN CREATE TABLE main.default.t USING DELTA LOCATION 's3://bucket/tables/t'
-- next
EXPLAIN INSERT OVERWRITE DIRECTORY '/tmp/out' SELECT 1
-- next
EXPLAIN CREATE TABLE main.default.t AS SELECT * FROM read_files('/Volumes/main/default/landing')
-- next
EXPLAIN VACUUM delta.`s3://bucket/t`
-- next
EXPLAIN SELECT IDENTIFIER(:fn)(a) FROM main.default.t
-- next
EXPLAIN SHOW ME THE MONEY
-- next
EXPLAIN hello world
