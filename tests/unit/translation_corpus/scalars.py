"""Dates and times, strings, numbers, casts, `try_` functions and aggregates.

Each DuckDB query states what Databricks returns (SQL warehouse defaults: ANSI mode, session time
zone = the engine's): Databricks' TIMESTAMP is a DuckDB TIMESTAMPTZ, STRING a VARCHAR, INT an
INTEGER; integer literals are INT, decimal literals DECIMAL(digits, scale)."""

from . import Case

DATES: list[Case] = [
    # date_format: Java patterns
    Case(
        "SELECT date_format(DATE'2024-03-05', 'yyyy-MM-dd') AS a, date_format(DATE'2024-03-05', 'dd/MM/yy') AS b,"
        " date_format(DATE'2024-03-05', 'yyyyMMdd') AS c",
        "SELECT '2024-03-05' AS a, '05/03/24' AS b, '20240305' AS c",
    ),
    Case(
        "SELECT date_format(TIMESTAMP'2024-03-05 14:07:09', 'yyyy-MM-dd HH:mm:ss') AS a,"
        " date_format(TIMESTAMP'2024-03-05 14:07:09', 'hh:mm a') AS b, date_format(TIMESTAMP'2024-03-05 04:07:09', 'H:m:s') AS c",
        "SELECT '2024-03-05 14:07:09' AS a, '02:07 PM' AS b, '4:7:9' AS c",
    ),
    Case(
        "SELECT date_format(DATE'2024-03-05', 'MMM d, yyyy') AS a, date_format(DATE'2024-03-05', 'EEEE') AS b,"
        " date_format(DATE'2024-03-05', 'EEE') AS c, date_format(DATE'2024-03-05', 'MMMM') AS d",
        "SELECT 'Mar 5, 2024' AS a, 'Tuesday' AS b, 'Tue' AS c, 'March' AS d",
    ),
    Case(  # SSS is milliseconds
        "SELECT date_format(TIMESTAMP'2024-03-05 04:07:09.123456', 'HH:mm:ss.SSS') AS a,"
        " date_format(TIMESTAMP'2024-03-05 04:07:09.123456', 'ss.SSSSSS') AS b",
        "SELECT '04:07:09.123' AS a, '09.123456' AS b",
    ),
    Case(  # quoted text is literal
        "SELECT date_format(TIMESTAMP'2024-03-05 14:07:09', \"yyyy-MM-dd'T'HH:mm:ss\") AS a,"
        " date_format(DATE'2024-03-05', \"'Q1 of' yyyy\") AS b",
        "SELECT '2024-03-05T14:07:09' AS a, 'Q1 of 2024' AS b",
    ),
    Case(  # D is the day of the year, DDD padded
        "SELECT date_format(DATE'2024-03-05', 'D') AS a, date_format(DATE'2024-03-05', 'DDD') AS b",
        "SELECT '65' AS a, '065' AS b",
    ),
    Case(
        "SELECT date_format(o_orderdate, 'yyyy-MM') AS m, count(*) AS n FROM samples.tpch.orders"
        " WHERE o_orderdate < '1992-04-01' GROUP BY 1",
        "SELECT strftime(o_orderdate, '%Y-%m') AS m, count(*) AS n FROM samples.tpch.orders"
        " WHERE o_orderdate < DATE '1992-04-01' GROUP BY 1",
    ),
    # to_date / to_timestamp
    Case(
        "SELECT to_date('2024-03-05') AS a, to_date('05/03/2024', 'dd/MM/yyyy') AS b,"
        " to_date('March 5, 2024', 'MMMM d, yyyy') AS c, to_date('2024/3/5', 'yyyy/M/d') AS d",
        "SELECT DATE '2024-03-05' AS a, DATE '2024-03-05' AS b, DATE '2024-03-05' AS c, DATE '2024-03-05' AS d",
    ),
    Case(
        "SELECT to_date(TIMESTAMP'2024-03-05 23:59:59') AS a, date('2024-03-05') AS b",
        "SELECT DATE '2024-03-05' AS a, DATE '2024-03-05' AS b",
    ),
    Case(  # TIMESTAMP is in the session time zone
        "SELECT to_timestamp('2024-03-05 14:07:09') AS a, to_timestamp('05.03.2024 14:07', 'dd.MM.yyyy HH:mm') AS b",
        "SELECT TIMESTAMPTZ '2024-03-05 14:07:09' AS a, TIMESTAMPTZ '2024-03-05 14:07:00' AS b",
    ),
    Case(
        "SELECT to_timestamp('2024-03-05T10:11:12', \"yyyy-MM-dd'T'HH:mm:ss\") AS a,"
        " to_timestamp('2024-03-05 10:11:12.345', 'yyyy-MM-dd HH:mm:ss.SSS') AS b,"
        " to_timestamp('03/05/2024 02:11 PM', 'MM/dd/yyyy hh:mm a') AS c",
        "SELECT TIMESTAMPTZ '2024-03-05 10:11:12' AS a, TIMESTAMPTZ '2024-03-05 10:11:12.345' AS b,"
        " TIMESTAMPTZ '2024-03-05 14:11:00' AS c",
    ),
    Case(
        "SELECT CAST('2024-03-05 10:11:12' AS TIMESTAMP) AS a, TIMESTAMP'2024-03-05 10:11:12' AS b",
        "SELECT TIMESTAMPTZ '2024-03-05 10:11:12' AS a, TIMESTAMPTZ '2024-03-05 10:11:12' AS b",
    ),
    # date arithmetic
    Case(  # date_add / date_sub are DATEs
        "SELECT date_add(DATE'2024-02-28', 2) AS a, date_sub(DATE'2024-03-01', 1) AS b, date_add('2024-12-31', 1) AS c",
        "SELECT DATE '2024-03-01' AS a, DATE '2024-02-29' AS b, DATE '2025-01-01' AS c",
    ),
    Case(
        "SELECT o_orderdate, date_add(o_orderdate, 30) AS due, date_sub(o_orderdate, 7) AS week_before"
        " FROM samples.tpch.orders WHERE o_orderkey IN (1, 2, 3)",
        "SELECT o_orderdate, o_orderdate + 30 AS due, o_orderdate - 7 AS week_before"
        " FROM samples.tpch.orders WHERE o_orderkey IN (1, 2, 3)",
    ),
    Case(  # add_months keeps the day when it exists, else the month's last day
        "SELECT add_months(DATE'2024-01-31', 1) AS a, add_months(DATE'2024-03-31', -1) AS b, add_months(DATE'2024-02-29', 12) AS c",
        "SELECT DATE '2024-02-29' AS a, DATE '2024-02-29' AS b, DATE '2025-02-28' AS c",
    ),
    Case(  # dateadd / timestampadd are TIMESTAMPs
        "SELECT dateadd(DAY, 3, DATE'2024-01-01') AS a, timestampadd(HOUR, 5, TIMESTAMP'2024-01-01 00:00:00') AS b,"
        " dateadd(MONTH, 1, TIMESTAMP'2024-01-31 10:00:00') AS c",
        "SELECT TIMESTAMPTZ '2024-01-04 00:00:00' AS a, TIMESTAMPTZ '2024-01-01 05:00:00' AS b,"
        " TIMESTAMPTZ '2024-02-29 10:00:00' AS c",
    ),
    Case(  # month ends, or the same day: whole months; else days over 31, rounded to 8 digits
        "SELECT months_between(DATE'2024-03-31', DATE'2024-02-29') AS a, months_between('2024-03-15', '2024-01-20') AS b,"
        " months_between(DATE'2024-01-20', DATE'2024-03-15') AS c, months_between(DATE'2024-05-10', DATE'2024-02-10') AS d",
        "SELECT 1.0::DOUBLE AS a, 1.83870968::DOUBLE AS b, -1.83870968::DOUBLE AS c, 3.0::DOUBLE AS d",
    ),
    Case(  # the time of day counts; roundOff false keeps every digit
        "SELECT months_between(TIMESTAMP'2024-03-15 12:00:00', DATE'2024-01-01') AS a,"
        " months_between(DATE'2024-03-15', DATE'2024-01-20', false) AS b",
        "SELECT 2.46774194::DOUBLE AS a, (2 + (15 - 20) / 31.0)::DOUBLE AS b",
    ),
    Case(  # datediff(end, start) is INT, in days
        "SELECT datediff(DATE'2024-03-01', DATE'2024-02-01') AS a, datediff('2024-01-01', '2024-01-31') AS b,"
        " datediff(TIMESTAMP'2024-03-01 01:00:00', TIMESTAMP'2024-02-29 23:00:00') AS c",
        "SELECT 29 AS a, -30 AS b, 1 AS c",
    ),
    Case(
        "SELECT max(datediff(l_receiptdate, l_shipdate)) AS most, avg(datediff(l_receiptdate, l_shipdate)) AS mean"
        " FROM samples.tpch.lineitem",
        "SELECT CAST(max(l_receiptdate - l_shipdate) AS INTEGER) AS most, avg(l_receiptdate - l_shipdate)::DOUBLE AS mean"
        " FROM samples.tpch.lineitem",
    ),
    Case(  # timestampdiff / datediff(unit, ...) count whole units elapsed, as BIGINT
        "SELECT timestampdiff(HOUR, TIMESTAMP'2024-01-01 00:59:00', TIMESTAMP'2024-01-01 02:58:00') AS a,"
        " datediff(MONTH, DATE'2024-01-15', DATE'2024-03-14') AS b, timestampdiff(MINUTE, TIMESTAMP'2024-01-01 10:00:30',"
        " TIMESTAMP'2024-01-01 10:02:00') AS c",
        "SELECT 1::BIGINT AS a, 1::BIGINT AS b, 1::BIGINT AS c",
    ),
    Case(  # date_trunc is a TIMESTAMP; weeks start on Monday
        "SELECT date_trunc('MONTH', TIMESTAMP'2024-03-05 14:07:09') AS a, date_trunc('week', DATE'2024-03-07') AS b,"
        " date_trunc('QUARTER', DATE'2024-05-07') AS c, date_trunc('HOUR', TIMESTAMP'2024-03-05 14:07:09') AS d",
        "SELECT TIMESTAMPTZ '2024-03-01 00:00:00' AS a, TIMESTAMPTZ '2024-03-04 00:00:00' AS b,"
        " TIMESTAMPTZ '2024-04-01 00:00:00' AS c, TIMESTAMPTZ '2024-03-05 14:00:00' AS d",
    ),
    Case(
        "SELECT date_trunc('YYYY', DATE'2024-03-05') AS a, date_trunc('MM', DATE'2024-03-05') AS b, date_trunc('DD', TIMESTAMP'2024-03-05 10:00:00') AS c",
        "SELECT TIMESTAMPTZ '2024-01-01 00:00:00' AS a, TIMESTAMPTZ '2024-03-01 00:00:00' AS b, TIMESTAMPTZ '2024-03-05 00:00:00' AS c",
    ),
    Case(  # trunc is a DATE, and NULL for units below a week
        "SELECT trunc(DATE'2024-03-07', 'MM') AS a, trunc(DATE'2024-03-07', 'YEAR') AS b, trunc(DATE'2024-03-07', 'WEEK') AS c,"
        " trunc(DATE'2024-03-07', 'DD') AS d",
        "SELECT DATE '2024-03-01' AS a, DATE '2024-01-01' AS b, DATE '2024-03-04' AS c, CAST(NULL AS DATE) AS d",
    ),
    # fields, all INT
    Case(
        "SELECT year(DATE'2024-03-07') AS y, month(DATE'2024-03-07') AS m, day(DATE'2024-03-07') AS d,"
        " dayofmonth(DATE'2024-03-07') AS dm, dayofyear(DATE'2024-03-07') AS dy, quarter(DATE'2024-05-07') AS q",
        "SELECT 2024 AS y, 3 AS m, 7 AS d, 7 AS dm, 67 AS dy, 2 AS q",
    ),
    Case(  # ISO weeks
        "SELECT weekofyear(DATE'2021-01-03') AS a, weekofyear('2024-12-30') AS b, weekofyear(DATE'2024-03-07') AS c",
        "SELECT 53 AS a, 1 AS b, 10 AS c",
    ),
    Case(
        "SELECT hour(TIMESTAMP'2024-03-07 10:11:12') AS h, minute(TIMESTAMP'2024-03-07 10:11:12') AS mi,"
        " second(TIMESTAMP'2024-03-07 10:11:12.9') AS s, month(TIMESTAMP'2024-03-07 10:00:00') AS m",
        "SELECT 10 AS h, 11 AS mi, 12 AS s, 3 AS m",
    ),
    Case(  # dayofweek: 1 = Sunday; weekday: 0 = Monday
        "SELECT dayofweek(DATE'2024-03-09') AS a, dayofweek(DATE'2024-03-10') AS b, weekday(DATE'2024-03-10') AS c,"
        " weekday(DATE'2024-03-11') AS d",
        "SELECT 7 AS a, 1 AS b, 6 AS c, 0 AS d",
    ),
    Case(
        "SELECT dayofweek(o_orderdate) AS dow, count(*) AS n FROM samples.tpch.orders GROUP BY 1",
        "SELECT CAST(dayofweek(o_orderdate) + 1 AS INTEGER) AS dow, count(*) AS n FROM samples.tpch.orders GROUP BY 1",
    ),
    Case(
        "SELECT year(o_orderdate) AS y, count(*) AS orders FROM samples.tpch.orders GROUP BY year(o_orderdate) ORDER BY y",
        "SELECT CAST(year(o_orderdate) AS INTEGER) AS y, count(*) AS orders FROM samples.tpch.orders GROUP BY 1 ORDER BY y",
    ),
    Case(  # extract: INT fields, DOW 1 = Sunday, SECOND a DECIMAL(8,6) with the fraction
        "SELECT extract(YEAR FROM DATE'2024-03-07') AS y, extract(DOW FROM DATE'2024-03-07') AS dow,"
        " extract(WEEK FROM DATE'2021-01-03') AS w, extract(DOY FROM DATE'2024-03-07') AS doy,"
        " extract(SECOND FROM TIMESTAMP'2024-03-07 10:11:12.5') AS s",
        "SELECT 2024 AS y, 5 AS dow, 53 AS w, 67 AS doy, 12.500000::DECIMAL(8, 6) AS s",
    ),
    Case(
        "SELECT date_part('MONTH', DATE'2024-03-07') AS m, date_part('DOW_ISO', DATE'2024-03-10') AS d,"
        " extract(HOUR FROM TIMESTAMP'2024-03-07 22:00:00') AS h",
        "SELECT 3 AS m, 7 AS d, 22 AS h",
    ),
    Case(
        "SELECT last_day(DATE'2024-02-10') AS a, last_day('2023-02-10') AS b, make_date(2024, 2, 29) AS c",
        "SELECT DATE '2024-02-29' AS a, DATE '2023-02-28' AS b, DATE '2024-02-29' AS c",
    ),
    Case(  # next_day is strictly later
        "SELECT next_day(DATE'2024-03-07', 'Mon') AS a, next_day(DATE'2024-03-04', 'monday') AS b, next_day(DATE'2024-03-04', 'TU') AS c",
        "SELECT DATE '2024-03-11' AS a, DATE '2024-03-11' AS b, DATE '2024-03-05' AS c",
    ),
    Case(
        "SELECT make_timestamp(2024, 3, 5, 10, 11, 12.5) AS a, timestamp_seconds(86400) AS b",
        "SELECT TIMESTAMPTZ '2024-03-05 10:11:12.5' AS a, TIMESTAMPTZ '1970-01-02 00:00:00+00' AS b",
    ),
    Case(  # unix_timestamp is BIGINT, in the session time zone
        "SELECT unix_timestamp('2024-01-01 00:00:00') AS a, unix_timestamp('2024/01/02', 'yyyy/MM/dd') AS b,"
        " unix_timestamp(TIMESTAMP'2024-01-01 00:00:01.9') AS c",
        "SELECT CAST(epoch(TIMESTAMPTZ '2024-01-01 00:00:00') AS BIGINT) AS a,"
        " CAST(epoch(TIMESTAMPTZ '2024-01-02 00:00:00') AS BIGINT) AS b, CAST(epoch(TIMESTAMPTZ '2024-01-01 00:00:01') AS BIGINT) AS c",
    ),
    Case(
        "SELECT from_unixtime(0) AS a, from_unixtime(1704067200, 'yyyy-MM-dd') AS b",
        "SELECT strftime(to_timestamp(0), '%Y-%m-%d %H:%M:%S') AS a, strftime(to_timestamp(1704067200), '%Y-%m-%d') AS b",
    ),
    Case(  # unix_seconds truncates; unix_date counts days, as INT
        "SELECT unix_seconds(TIMESTAMP'2024-01-01 00:00:01.9') AS a, unix_millis(TIMESTAMP'2024-01-01 00:00:01.9') AS b,"
        " unix_date(DATE'1970-01-10') AS c, date_from_unix_date(9) AS d",
        "SELECT CAST(epoch(TIMESTAMPTZ '2024-01-01 00:00:01') AS BIGINT) AS a, epoch_ms(TIMESTAMPTZ '2024-01-01 00:00:01.9') AS b,"
        " 9 AS c, DATE '1970-01-10' AS d",
    ),
    Case(  # three-letter names
        "SELECT dayname(DATE'2024-03-04') AS a, monthname(TIMESTAMP'2024-03-04 10:00:00') AS b, dayname('2024-03-05') AS c",
        "SELECT 'Mon' AS a, 'Mar' AS b, 'Tue' AS c",
    ),
    Case(  # DATE +/- an INTERVAL of days or months stays a DATE; of hours it is a TIMESTAMP
        "SELECT DATE'2024-01-31' + INTERVAL 1 MONTH AS a, DATE'2024-03-01' - INTERVAL '1' DAY AS b,"
        " DATE'2024-01-31' + INTERVAL 2 HOURS AS c, TIMESTAMP'2024-01-31 10:00:00' + INTERVAL 90 MINUTES AS d",
        "SELECT DATE '2024-02-29' AS a, DATE '2024-02-29' AS b, TIMESTAMPTZ '2024-01-31 02:00:00' AS c,"
        " TIMESTAMPTZ '2024-01-31 11:30:00' AS d",
    ),
    Case(
        "SELECT o_orderdate + INTERVAL 1 WEEK AS next_week, o_orderdate - INTERVAL 1 YEAR AS last_year"
        " FROM samples.tpch.orders WHERE o_orderkey = 1",
        "SELECT o_orderdate + 7 AS next_week, CAST(o_orderdate - INTERVAL 1 YEAR AS DATE) AS last_year"
        " FROM samples.tpch.orders WHERE o_orderkey = 1",
    ),
    Case(
        "SELECT count(*) AS n FROM samples.tpch.lineitem WHERE l_shipdate BETWEEN DATE'1995-01-01' AND DATE'1995-01-01' + INTERVAL 30 DAYS",
        "SELECT count(*) AS n FROM samples.tpch.lineitem WHERE l_shipdate BETWEEN DATE '1995-01-01' AND DATE '1995-01-31'",
    ),
    Case(  # the trips' pickup times, as TIMESTAMPs
        "SELECT hour(tpep_pickup_datetime) AS h, count(*) AS trips FROM samples.nyctaxi.trips GROUP BY 1",
        "SELECT CAST(hour(tpep_pickup_datetime) AS INTEGER) AS h, count(*) AS trips FROM samples.nyctaxi.trips GROUP BY 1",
    ),
    Case(
        "SELECT date_trunc('DAY', tpep_pickup_datetime) AS d, count(*) AS n FROM samples.nyctaxi.trips"
        " WHERE tpep_pickup_datetime < '2016-01-04' GROUP BY 1",
        "SELECT date_trunc('day', CAST(tpep_pickup_datetime AS TIMESTAMPTZ)) AS d, count(*) AS n FROM samples.nyctaxi.trips"
        " WHERE tpep_pickup_datetime < TIMESTAMP '2016-01-04' GROUP BY 1",
    ),
    Case(
        "SELECT max(tpep_pickup_datetime + INTERVAL 1 HOUR) AS a, max(tpep_dropoff_datetime - INTERVAL 30 SECONDS) AS b"
        " FROM samples.nyctaxi.trips",
        "SELECT max(CAST(tpep_pickup_datetime AS TIMESTAMPTZ)) + INTERVAL 1 HOUR AS a,"
        " max(CAST(tpep_dropoff_datetime AS TIMESTAMPTZ)) - INTERVAL 30 SECONDS AS b FROM samples.nyctaxi.trips",
    ),
    Case(
        "SELECT tpep_pickup_datetime FROM samples.nyctaxi.trips ORDER BY tpep_pickup_datetime LIMIT 1",
        "SELECT CAST(min(tpep_pickup_datetime) AS TIMESTAMPTZ) FROM samples.nyctaxi.trips",
        differs="the sample data stores the trips' TIMESTAMPs without a time zone (sample_data), a column read as is stays so",
    ),
    Case(
        "SELECT date_format(DATE'2024-05-05', 'yyyy-Q') AS a",
        "SELECT '2024-2' AS a",
        differs="the pattern letter Q (quarter) has no strftime equal; sqlglot's rendering is kept",
    ),
    Case(
        "SELECT min(unix_timestamp(tpep_pickup_datetime)) AS first_pickup FROM samples.nyctaxi.trips",
        "SELECT CAST(epoch(min(CAST(tpep_pickup_datetime AS TIMESTAMPTZ))) AS BIGINT) AS first_pickup FROM samples.nyctaxi.trips",
    ),
]

STRINGS: list[Case] = [
    Case(
        "SELECT concat('Data', 'bricks', 1) AS a, concat('a', NULL) AS b, 'a' || 'b' || 2 AS c",
        "SELECT 'Databricks1' AS a, CAST(NULL AS VARCHAR) AS b, 'ab2' AS c",
    ),
    Case(
        "SELECT concat(n_name, ' / ', r_name) AS place FROM samples.tpch.nation JOIN samples.tpch.region"
        " ON n_regionkey = r_regionkey WHERE n_nationkey IN (7, 12)",
        "SELECT n_name || ' / ' || r_name AS place FROM samples.tpch.nation JOIN samples.tpch.region"
        " ON n_regionkey = r_regionkey WHERE n_nationkey IN (7, 12)",
    ),
    Case(  # concat_ws skips NULLs
        "SELECT concat_ws('-', 'a', NULL, 'b') AS a, concat_ws(', ', 'x', 'y', 'z') AS b",
        "SELECT 'a-b' AS a, 'x, y, z' AS b",
    ),
    Case(  # 1-based, negative from the end
        "SELECT substr('Databricks', 5) AS a, substr('Databricks', -3) AS b, substr('Databricks', -3, 2) AS c,"
        " substring('Databricks', 2, 3) AS d, substring('Databricks' FROM 2 FOR 3) AS e",
        "SELECT 'bricks' AS a, 'cks' AS b, 'ck' AS c, 'ata' AS d, 'ata' AS e",
    ),
    Case(  # position 0 reads as 1; a negative length gives ''
        "SELECT substring('Databricks', 0, 3) AS a, substr('abc', 2, -1) AS b, substr('abc', -5, 3) AS c, substr('abc', 5) AS d",
        "SELECT 'Dat' AS a, '' AS b, 'a' AS c, '' AS d",
    ),
    Case(
        "SELECT substr(c_phone, 1, 2) AS country, count(*) AS n FROM samples.tpch.customer GROUP BY 1",
        "SELECT c_phone[1:2] AS country, count(*) AS n FROM samples.tpch.customer GROUP BY 1",
    ),
    Case(  # positions are INT, 0 when absent
        "SELECT instr('Databricks', 'bri') AS a, locate('a', 'banana') AS b, locate('a', 'banana', 3) AS c,"
        " position('z' IN 'banana') AS d, position('an' IN 'banana') AS e",
        "SELECT 5 AS a, 2 AS b, 4 AS c, 0 AS d, 2 AS e",
    ),
    Case(  # pads cut a longer string
        "SELECT lpad('7', 3, '0') AS a, lpad('hello', 3, '0') AS b, rpad('ab', 5, 'xy') AS c, rpad('ab', 4) AS d, lpad('x', 4) AS e",
        "SELECT '007' AS a, 'hel' AS b, 'abxyx' AS c, 'ab  ' AS d, '   x' AS e",
    ),
    Case(
        "SELECT initcap('hello wORLD-foo bar_baz') AS a, initcap(r_name) AS b FROM samples.tpch.region WHERE r_regionkey = 4",
        "SELECT 'Hello World-foo Bar_baz' AS a, 'Middle East' AS b",
    ),
    Case(  # split takes a regex and returns an ARRAY<STRING>, empty parts kept
        "SELECT split('a,b,,c', ',') AS a, split('a1b22c', '[0-9]+') AS b, split('x', ',') AS c",
        "SELECT ['a', 'b', '', 'c'] AS a, ['a', 'b', 'c'] AS b, ['x'] AS c",
    ),
    Case(  # a limit keeps the rest in the last part
        "SELECT split('a,b,c,d', ',', 2) AS a, split('a,b', ',', 5) AS b, split('a,b,c', ',', -1) AS c",
        "SELECT ['a', 'b,c,d'] AS a, ['a', 'b'] AS b, ['a', 'b', 'c'] AS c",
    ),
    Case(
        r"SELECT regexp_extract('abc-123-def', '([a-z]+)-(\\d+)', 2) AS a, regexp_extract('abc-123', '(\\d+)') AS b,"
        r" regexp_extract('abc', '(\\d+)', 1) AS c, regexp_extract('abc-123', '([a-z]+)-(\\d+)', 0) AS d",
        "SELECT '123' AS a, '123' AS b, '' AS c, 'abc-123' AS d",
    ),
    Case(  # every match replaced; $1 names a group
        r"SELECT regexp_replace('a1b22c', '[0-9]+', '#') AS a, regexp_replace('2024-03-05', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1') AS b,"
        r" regexp_replace('a.b', '\\.', '') AS c",
        "SELECT 'a#b#c' AS a, '05/03/2024' AS b, 'ab' AS c",
    ),
    Case(
        "SELECT replace('banana', 'an', 'AN') AS a, replace('banana', 'a') AS b, translate('hello', 'el', 'ip') AS c,"
        " translate('hello', 'lo', 'x') AS d",
        "SELECT 'bANANa' AS a, 'bnn' AS b, 'hippo' AS c, 'hexx' AS d",
    ),
    Case(
        "SELECT trim('  x  ') AS a, ltrim('  x  ') AS b, rtrim('  x  ') AS c, trim(BOTH 'x' FROM 'xxaxx') AS d,"
        " trim(LEADING 'x' FROM 'xxaxx') AS e, trim(TRAILING 'x' FROM 'xxaxx') AS f, btrim('xxaxx', 'x') AS g",
        "SELECT 'x' AS a, 'x  ' AS b, '  x' AS c, 'a' AS d, 'axx' AS e, 'xxa' AS f, 'a' AS g",
    ),
    Case(  # regexp_substr is NULL without a match; regexp_extract ''
        "SELECT regexp_substr('abc123def45', '[0-9]+') AS a, regexp_substr('abc', '[0-9]+') AS b",
        "SELECT '123' AS a, CAST(NULL AS VARCHAR) AS b",
    ),
    Case(
        "SELECT left('Databricks', 4) AS a, right('Databricks', 3) AS b, repeat('ab', 3) AS c, reverse('abc') AS d",
        "SELECT 'Data' AS a, 'cks' AS b, 'ababab' AS c, 'cba' AS d",
    ),
    Case(  # grouped thousands, rounded half-even
        "SELECT format_number(1234567.891, 2) AS a, format_number(1234567.891, 0) AS b, format_number(0.5, 0) AS c,"
        " format_number(-1234.5, 1) AS d",
        "SELECT '1,234,567.89' AS a, '1,234,568' AS b, '0' AS c, '-1,234.5' AS d",
    ),
    Case(
        "SELECT format_number(sum(o_totalprice), 2) AS total FROM samples.tpch.orders WHERE o_orderkey < 10",
        "SELECT format('{:,.2f}', sum(o_totalprice)) AS total FROM samples.tpch.orders WHERE o_orderkey < 10",
    ),
    Case(  # a DECIMAL's tie goes to the even digit; a DOUBLE is rounded as its binary value is
        "SELECT format_number(1234567.885, 2) AS a, format_number(2.675D, 2) AS b, format_number(x, 1) AS c"
        " FROM VALUES (1.25), (1.35) AS t(x)",
        "SELECT '1,234,567.88' AS a, '2.67' AS b, c FROM (VALUES ('1.2'), ('1.4')) AS t(c)",
    ),
    Case(  # printf-style patterns
        "SELECT format_string('%s has %d items', 'cart', 3) AS a, printf('%05d', 42) AS b, format_string('%.2f', 2.5D) AS c,"
        " format_string('%x', 255) AS d",
        "SELECT 'cart has 3 items' AS a, '00042' AS b, '2.50' AS c, 'ff' AS d",
    ),
    Case(
        "SELECT lower('ABC') AS a, upper('abc') AS b, lcase('ABC') AS c, ucase('abc') AS d",
        "SELECT 'abc' AS a, 'ABC' AS b, 'abc' AS c, 'ABC' AS d",
    ),
    Case(  # lengths are INT; length counts characters, octet_length bytes
        "SELECT length('héllo') AS a, char_length('héllo') AS b, character_length('abc ') AS c, octet_length('héllo') AS d,"
        " bit_length('abc') AS e",
        "SELECT 5 AS a, 5 AS b, 4 AS c, 6 AS d, 24 AS e",
    ),
    Case(
        "SELECT max(length(c_name)) AS longest, min(length(c_comment)) AS shortest FROM samples.tpch.customer",
        "SELECT CAST(max(length(c_name)) AS INTEGER) AS longest, CAST(min(length(c_comment)) AS INTEGER) AS shortest"
        " FROM samples.tpch.customer",
    ),
    Case(
        "SELECT ascii('A') AS a, ascii('') AS b, chr(65) AS c, char(97) AS d",
        "SELECT 65 AS a, 0 AS b, 'A' AS c, 'a' AS d",
    ),
    Case(  # comparisons are by code point
        "SELECT 'abc' < 'abd' AS a, 'B' < 'a' AS b, 'abc' = 'ABC' AS c, 'a' < 'ab' AS d",
        "SELECT true AS a, true AS b, false AS c, true AS d",
    ),
    Case(  # LIKE escapes with a backslash; ILIKE ignores case; RLIKE finds a match anywhere
        r"SELECT 'abc' LIKE 'a%' AS a, 'ABC' ILIKE 'a%' AS b, 'a_c' LIKE 'a\\_c' AS c, 'abc' LIKE 'a\\_c' AS d,"
        " 'abc' RLIKE 'b' AS e, 'abc' REGEXP '^a.c$' AS f, regexp_like('abc', 'x') AS g",
        "SELECT true AS a, true AS b, true AS c, false AS d, true AS e, true AS f, false AS g",
    ),
    Case(
        r"SELECT '100%' LIKE '100\\%' AS a, '1000' LIKE '100\\%' AS b, 'a%b' ILIKE 'A\\%B' AS c",
        "SELECT true AS a, false AS b, true AS c",
    ),
    Case(
        "SELECT count(*) AS n FROM samples.tpch.part WHERE p_name LIKE '%green%' AND p_type ILIKE 'promo%'",
        "SELECT count(*) AS n FROM samples.tpch.part WHERE p_name LIKE '%green%' AND p_type ILIKE 'promo%'",
    ),
    Case(
        "SELECT count(*) AS n FROM samples.tpch.part WHERE p_type RLIKE '^(SMALL|LARGE) (BRUSHED|PLATED)'",
        "SELECT count(*) AS n FROM samples.tpch.part WHERE regexp_matches(p_type, '^(SMALL|LARGE) (BRUSHED|PLATED)')",
    ),
    Case(
        "SELECT startswith('Databricks', 'Data') AS a, endswith('Databricks', 'cks') AS b, contains('Databricks', 'bri') AS c,"
        " startswith('Databricks', 'data') AS d",
        "SELECT true AS a, true AS b, true AS c, false AS d",
    ),
    Case(  # a start position of 0 from a column reads as 1 too
        "SELECT n_nationkey, substr(n_name, n_regionkey, 3) AS part FROM samples.tpch.nation WHERE n_nationkey < 5",
        "SELECT n_nationkey, substring(n_name, CASE WHEN n_regionkey = 0 THEN 1 ELSE n_regionkey END, 3) AS part"
        " FROM samples.tpch.nation WHERE n_nationkey < 5",
    ),
    Case(
        "SELECT upper(substr(n_name, 1, 1)) AS initial, count(*) AS nations FROM samples.tpch.nation GROUP BY 1 HAVING count(*) > 1",
        "SELECT upper(n_name[1:1]) AS initial, count(*) AS nations FROM samples.tpch.nation GROUP BY 1 HAVING count(*) > 1",
    ),
]

NUMBERS: list[Case] = [
    Case(  # div is BIGINT, truncated toward zero
        "SELECT 7 div 2 AS a, -7 div 2 AS b, 7.5 div 2 AS c, o_orderkey div 8 AS d FROM samples.tpch.orders WHERE o_orderkey = 35",
        "SELECT 3::BIGINT AS a, -3::BIGINT AS b, 3::BIGINT AS c, 4::BIGINT AS d",
    ),
    Case(  # / of integers is DOUBLE
        "SELECT 7 / 2 AS a, 6 / 3 AS b, 1 / 4 AS c, -7 / 2 AS d",
        "SELECT 3.5::DOUBLE AS a, 2.0::DOUBLE AS b, 0.25::DOUBLE AS c, -3.5::DOUBLE AS d",
    ),
    Case(  # / of decimals is DECIMAL: scale max(6, s1 + p2 + 1)
        "SELECT 10.00 / 3 AS a, 1.5 / 0.5 AS b",
        "SELECT 3.333333::DECIMAL(8, 6) AS a, 3.000000::DECIMAL(8, 6) AS b",
    ),
    Case(  # % takes the dividend's sign; pmod is never negative for a positive divisor
        "SELECT -7 % 3 AS a, mod(-7, 3) AS b, 7 % -3 AS c, pmod(-7, 3) AS d, pmod(7, -3) AS e, pmod(7, 3) AS f",
        "SELECT -1 AS a, -1 AS b, 1 AS c, 2 AS d, 1 AS e, 1 AS f",
    ),
    Case(
        "SELECT pmod(o_orderkey, 7) AS bucket, count(*) AS n FROM samples.tpch.orders GROUP BY 1",
        "SELECT o_orderkey % 7 AS bucket, count(*) AS n FROM samples.tpch.orders GROUP BY 1",
    ),
    Case(  # round is HALF_UP; a DECIMAL keeps min(scale, target) and one more integral digit
        "SELECT round(2.5) AS a, round(-2.5) AS b, round(2.25, 1) AS c, round(1234.5678, -2) AS d, round(15, -1) AS e",
        "SELECT 3::DECIMAL(2, 0) AS a, -3::DECIMAL(2, 0) AS b, 2.3::DECIMAL(3, 1) AS c, 1200::DECIMAL(5, 0) AS d, 20 AS e",
    ),
    Case(  # a DOUBLE rounds as its shortest decimal form does (2.675 is 2.67499... in binary)
        "SELECT round(2.5D) AS a, round(-0.5D) AS b, round(1.005D, 1) AS c, round(2.675D, 2) AS d",
        "SELECT 3.0::DOUBLE AS a, -1.0::DOUBLE AS b, 1.0::DOUBLE AS c, 2.68::DOUBLE AS d",
    ),
    Case(  # Java's Double.toString: scientific notation from 1e7 on
        "SELECT CAST(123456789.0D AS STRING) AS a, CAST(1e20D AS STRING) AS b, CAST(0.5D AS STRING) AS c",
        "SELECT '1.23456789E8' AS a, '1.0E20' AS b, '0.5' AS c",
        differs="DuckDB writes large and small DOUBLEs as 123456789.0 and 1e+20",
    ),
    Case(  # bround is HALF_EVEN
        "SELECT bround(2.5) AS a, bround(3.5) AS b, bround(2.25, 1) AS c, bround(2.5D) AS d, bround(-2.5, 0) AS e",
        "SELECT 2::DECIMAL(2, 0) AS a, 4::DECIMAL(2, 0) AS b, 2.2::DECIMAL(3, 1) AS c, 2.0::DOUBLE AS d, -2::DECIMAL(2, 0) AS e",
    ),
    Case(
        "SELECT round(sum(l_extendedprice), 1) AS total, round(avg(l_discount), 3) AS discount FROM samples.tpch.lineitem",
        "SELECT CAST(round(sum(l_extendedprice), 1) AS DECIMAL(28, 1)) AS total,"
        " CAST(round(CAST(avg(l_discount) AS DECIMAL(22, 6)), 3) AS DECIMAL(20, 3)) AS discount FROM samples.tpch.lineitem",
    ),
    Case(  # ceil/floor: BIGINT, or DECIMAL(p - s + 1, 0) for a DECIMAL
        "SELECT ceil(2.1) AS a, ceil(2.1D) AS b, floor(-2.1D) AS c, ceil(5) AS d, floor(-2.5) AS e, ceiling(-0.5D) AS f",
        "SELECT 3::DECIMAL(2, 0) AS a, 3::BIGINT AS b, -3::BIGINT AS c, 5::BIGINT AS d, -3::DECIMAL(2, 0) AS e, 0::BIGINT AS f",
    ),
    Case(
        "SELECT ceil(max(l_extendedprice)) AS top, floor(min(l_extendedprice)) AS bottom, ceil(max(trip_distance)) AS longest"
        " FROM samples.tpch.lineitem, (SELECT max(trip_distance) AS trip_distance FROM samples.nyctaxi.trips)",
        "SELECT CAST(ceil(max(l_extendedprice)) AS DECIMAL(17, 0)) AS top, CAST(floor(min(l_extendedprice)) AS DECIMAL(17, 0)) AS bottom,"
        " CAST(ceil(max(trip_distance)) AS BIGINT) AS longest"
        " FROM samples.tpch.lineitem, (SELECT max(trip_distance) AS trip_distance FROM samples.nyctaxi.trips)",
    ),
    Case(  # decimal literals and arithmetic: + keeps the larger scale, * adds scales and precisions + 1
        "SELECT 1.5 + 2.25 AS a, 1.5 * 2.25 AS b, 0.05 AS c, 1.5 + 1 AS d, 0.5 * 2 AS e, 10.00 - 0.5 AS f",
        "SELECT 3.75::DECIMAL(4, 2) AS a, 3.375::DECIMAL(6, 3) AS b, 0.05::DECIMAL(2, 2) AS c, 2.5::DECIMAL(3, 1) AS d,"
        " 1.0::DECIMAL(3, 1) AS e, 9.50::DECIMAL(5, 2) AS f",
    ),
    Case(  # TPC-H money: DECIMAL(18,2)
        "SELECT l_extendedprice * (1 - l_discount) AS net, l_quantity * l_tax AS tax_units, l_quantity + 1 AS more"
        " FROM samples.tpch.lineitem WHERE l_orderkey = 1 AND l_linenumber = 1",
        "SELECT CAST(l_extendedprice * (1 - l_discount) AS DECIMAL(38, 4)) AS net, CAST(l_quantity * l_tax AS DECIMAL(37, 4)) AS tax_units,"
        " CAST(l_quantity + 1 AS DECIMAL(19, 2)) AS more FROM samples.tpch.lineitem WHERE l_orderkey = 1 AND l_linenumber = 1",
    ),
    Case(
        "SELECT sum(l_extendedprice * (1 - l_discount)) AS revenue, sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS charge"
        " FROM samples.tpch.lineitem WHERE l_shipdate < DATE'1993-01-01'",
        "SELECT CAST(sum(l_extendedprice * (1 - l_discount)) AS DECIMAL(38, 4)) AS revenue,"
        " CAST(sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS DECIMAL(38, 6)) AS charge"
        " FROM samples.tpch.lineitem WHERE l_shipdate < DATE '1993-01-01'",
    ),
    Case(  # an integer literal counts as DECIMAL(its digits, 0)
        "SELECT o_totalprice / 2 AS half FROM samples.tpch.orders WHERE o_orderkey = 1",
        "SELECT CAST(o_totalprice / 2 AS DECIMAL(22, 6)) AS half FROM samples.tpch.orders WHERE o_orderkey = 1",
    ),
    Case(
        "SELECT power(2, 10) AS a, pow(4, 0.5) AS b, sqrt(16) AS c, exp(0) AS d, ln(1) AS e, log(10, 100) AS f,"
        " log10(1000) AS g, log2(8) AS h",
        "SELECT 1024.0::DOUBLE AS a, 2.0::DOUBLE AS b, 4.0::DOUBLE AS c, 1.0::DOUBLE AS d, 0.0::DOUBLE AS e, 2.0::DOUBLE AS f,"
        " 3.0::DOUBLE AS g, 3.0::DOUBLE AS h",
    ),
    Case(  # sign is DOUBLE
        "SELECT abs(-5) AS a, abs(-5.5) AS b, sign(-3) AS c, signum(2.5) AS d, sign(0) AS e",
        "SELECT 5 AS a, 5.5::DECIMAL(2, 1) AS b, -1.0::DOUBLE AS c, 1.0::DOUBLE AS d, 0.0::DOUBLE AS e",
    ),
    Case(  # greatest/least skip NULLs
        "SELECT greatest(1, 5, 3) AS a, greatest(1, NULL, 3) AS b, least(2.5, 1) AS c, least('b', 'a') AS d",
        "SELECT 5 AS a, 3 AS b, 1.0::DECIMAL(11, 1) AS c, 'a' AS d",
    ),
    Case(
        "SELECT nvl(NULL, 5) AS a, nvl2(NULL, 'a', 'b') AS b, coalesce(NULL, NULL, 3) AS c, nullif(5, 5) AS d,"
        " ifnull(NULL, 'x') AS e, nvl2(1, 'a', 'b') AS f",
        "SELECT 5 AS a, 'b' AS b, 3 AS c, CAST(NULL AS INTEGER) AS d, 'x' AS e, 'a' AS f",
    ),
    Case(
        "SELECT isnull(NULL) AS a, isnotnull(1) AS b, nanvl(CAST('NaN' AS DOUBLE), 1.0D) AS c, nanvl(2.0D, 1.0D) AS d",
        "SELECT true AS a, true AS b, 1.0::DOUBLE AS c, 2.0::DOUBLE AS d",
    ),
    Case(
        "SELECT if(1 > 2, 'a', 'b') AS a, iff(1 < 2, 'a', 'b') AS b, CASE WHEN 1 = 1 THEN 'x' ELSE 'y' END AS c,"
        " CASE 3 WHEN 1 THEN 'one' WHEN 3 THEN 'three' END AS d, CASE 4 WHEN 1 THEN 'one' END AS e",
        "SELECT 'b' AS a, 'a' AS b, 'x' AS c, 'three' AS d, CAST(NULL AS VARCHAR) AS e",
    ),
    Case(
        "SELECT c_mktsegment, sum(CASE WHEN c_acctbal < 0 THEN 1 ELSE 0 END) AS in_debt FROM samples.tpch.customer GROUP BY 1",
        "SELECT c_mktsegment, CAST(sum(CASE WHEN c_acctbal < 0 THEN 1 ELSE 0 END) AS BIGINT) AS in_debt"
        " FROM samples.tpch.customer GROUP BY 1",
    ),
    Case(  # literal types: INT, BIGINT past 2^31, DOUBLE with an exponent
        "SELECT 2147483647 AS a, 2147483648 AS b, 1e2 AS c, -1 AS d, 10L AS e, 1.5D AS f",
        "SELECT 2147483647 AS a, 2147483648::BIGINT AS b, 100.0::DOUBLE AS c, -1 AS d, 10::BIGINT AS e, 1.5::DOUBLE AS f",
    ),
]

CASTS: list[Case] = [
    Case(  # strings read as literals of the type, spaces trimmed
        "SELECT CAST('42' AS INT) AS a, CAST(' 42 ' AS INT) AS b, CAST('3.14' AS DOUBLE) AS c, CAST('-7' AS BIGINT) AS d,"
        " '7'::int AS e",
        "SELECT 42 AS a, 42 AS b, 3.14::DOUBLE AS c, -7::BIGINT AS d, 7 AS e",
    ),
    Case(
        "SELECT CAST('2024-03-05' AS DATE) AS a, CAST('true' AS BOOLEAN) AS b, CAST('yes' AS BOOLEAN) AS c,"
        " CAST('0' AS BOOLEAN) AS d, CAST(0 AS BOOLEAN) AS e",
        "SELECT DATE '2024-03-05' AS a, true AS b, true AS c, false AS d, false AS e",
    ),
    Case(  # to an integral type a number is truncated toward zero
        "SELECT CAST(3.7 AS INT) AS a, CAST(-3.7 AS INT) AS b, CAST(3.99 AS BIGINT) AS c, CAST(2.5D AS INT) AS d,"
        " CAST(-0.5D AS SMALLINT) AS e, CAST(TRUE AS INT) AS f",
        "SELECT 3 AS a, -3 AS b, 3::BIGINT AS c, 2 AS d, 0::SMALLINT AS e, 1 AS f",
    ),
    Case(
        "SELECT o_totalprice, CAST(o_totalprice AS INT) AS whole FROM samples.tpch.orders WHERE o_orderkey IN (1, 2, 3)",
        "SELECT o_totalprice, CAST(trunc(o_totalprice) AS INTEGER) AS whole FROM samples.tpch.orders WHERE o_orderkey IN (1, 2, 3)",
    ),
    Case(
        "SELECT sum(CAST(l_quantity AS INT)) AS units, sum(CAST(l_extendedprice AS BIGINT)) AS dollars FROM samples.tpch.lineitem",
        "SELECT CAST(sum(CAST(trunc(l_quantity) AS INTEGER)) AS BIGINT) AS units, CAST(sum(CAST(trunc(l_extendedprice) AS BIGINT)) AS BIGINT) AS dollars"
        " FROM samples.tpch.lineitem",
    ),
    Case(  # TIMESTAMP <-> number: seconds since 1970-01-01 00:00:00 UTC
        "SELECT CAST(TIMESTAMP'2024-01-01 00:00:01.9' AS BIGINT) AS a, CAST(86400 AS TIMESTAMP) AS b, timestamp(1.5) AS c",
        "SELECT CAST(epoch(TIMESTAMPTZ '2024-01-01 00:00:01') AS BIGINT) AS a, TIMESTAMPTZ '1970-01-02 00:00:00+00' AS b,"
        " TIMESTAMPTZ '1970-01-01 00:00:01.5+00' AS c",
    ),
    Case(  # to a DECIMAL a number is rounded HALF_UP
        "SELECT CAST(12.345 AS DECIMAL(5, 1)) AS a, CAST(12.35 AS DECIMAL(5, 1)) AS b, CAST(-12.35 AS DECIMAL(5, 1)) AS c,"
        " CAST('1.005' AS DECIMAL(4, 2)) AS d",
        "SELECT 12.3::DECIMAL(5, 1) AS a, 12.4::DECIMAL(5, 1) AS b, -12.4::DECIMAL(5, 1) AS c, 1.01::DECIMAL(4, 2) AS d",
    ),
    Case(  # to STRING: decimals keep their scale, TIMESTAMPs show no offset
        "SELECT CAST(123 AS STRING) AS a, CAST(1.50 AS STRING) AS b, CAST(DATE'2024-03-05' AS STRING) AS c,"
        " CAST(TIMESTAMP'2024-03-05 10:11:12' AS STRING) AS d, CAST(true AS STRING) AS e",
        "SELECT '123' AS a, '1.50' AS b, '2024-03-05' AS c, '2024-03-05 10:11:12' AS d, 'true' AS e",
    ),
    Case(
        "SELECT CAST(to_timestamp('2024-03-05 10:11:12.5') AS STRING) AS a, string(o_orderdate) AS b"
        " FROM samples.tpch.orders WHERE o_orderkey = 1",
        "SELECT '2024-03-05 10:11:12.5' AS a, CAST(o_orderdate AS VARCHAR) AS b FROM samples.tpch.orders WHERE o_orderkey = 1",
    ),
    Case(  # try_cast gives NULL where cast raises; '2.5' is no INT
        "SELECT try_cast('abc' AS INT) AS a, try_cast('12' AS INT) AS b, try_cast('2.5' AS INT) AS c,"
        " try_cast('2024-13-01' AS DATE) AS d, try_cast('1e3' AS DOUBLE) AS e",
        "SELECT CAST(NULL AS INTEGER) AS a, 12 AS b, CAST(NULL AS INTEGER) AS c, CAST(NULL AS DATE) AS d, 1000.0::DOUBLE AS e",
    ),
    Case(
        "SELECT try_cast('99999999999' AS INT) AS a, try_cast(300 AS TINYINT) AS b, try_cast(3.9 AS INT) AS c",
        "SELECT CAST(NULL AS INTEGER) AS a, CAST(NULL AS TINYINT) AS b, 3 AS c",
    ),
    Case(
        "SELECT count(try_cast(substr(c_phone, 1, 2) AS INT)) AS numeric_prefixes, max(try_cast(substr(c_phone, 1, 2) AS INT)) AS top"
        " FROM samples.tpch.customer",
        "SELECT count(*) AS numeric_prefixes, max(CAST(c_phone[1:2] AS INTEGER)) AS top FROM samples.tpch.customer",
    ),
]

TRY: list[Case] = [
    Case(
        "SELECT try_divide(1, 0) AS a, try_divide(7, 2) AS b, try_divide(10.00, 4) AS c, try_divide(0, 5) AS d",
        "SELECT CAST(NULL AS DOUBLE) AS a, 3.5::DOUBLE AS b, 2.500000::DECIMAL(8, 6) AS c, 0.0::DOUBLE AS d",
    ),
    Case(  # overflow gives NULL, in the operands' type
        "SELECT try_add(2147483647, 1) AS a, try_add(1, 2) AS b, try_subtract(5, 7) AS c, try_multiply(3, 4) AS d,"
        " try_multiply(2147483647, 2) AS e",
        "SELECT CAST(NULL AS INTEGER) AS a, 3 AS b, -2 AS c, 12 AS d, CAST(NULL AS INTEGER) AS e",
    ),
    Case(
        "SELECT try_add(DATE'2024-02-28', 2) AS a, try_subtract(DATE'2024-03-01', 1) AS b",
        "SELECT DATE '2024-03-01' AS a, DATE '2024-02-29' AS b",
    ),
    Case(  # to_number's pattern gives the DECIMAL type
        "SELECT to_number('123.45', '999.99') AS a, to_number('1,234.50', '9,999.99') AS b, try_to_number('abc', '999') AS c,"
        " try_to_number('42', '999') AS d",
        "SELECT 123.45::DECIMAL(5, 2) AS a, 1234.50::DECIMAL(6, 2) AS b, CAST(NULL AS DECIMAL(3, 0)) AS c, 42::DECIMAL(3, 0) AS d",
    ),
    Case(
        "SELECT sum(try_divide(l_extendedprice, l_quantity)) > 0 AS positive, count(try_divide(l_quantity, l_discount)) AS n"
        " FROM samples.tpch.lineitem",
        "SELECT true AS positive, count(*) FILTER (WHERE l_discount <> 0) AS n FROM samples.tpch.lineitem",
    ),
]

AGGREGATES: list[Case] = [
    Case(  # counts are BIGINT
        "SELECT count(*) AS a, count(o_orderpriority) AS b, count(DISTINCT o_orderpriority) AS c, count(1) AS d FROM samples.tpch.orders",
        "SELECT count(*) AS a, count(o_orderpriority) AS b, count(DISTINCT o_orderpriority) AS c, count(*) AS d FROM samples.tpch.orders",
    ),
    Case(  # sum of INT or BIGINT is BIGINT; of DECIMAL(p,s) DECIMAL(p+10,s)
        "SELECT sum(l_linenumber) AS a, sum(l_quantity) AS b, sum(l_suppkey) AS c, sum(ps_availqty) AS d"
        " FROM samples.tpch.lineitem, (SELECT sum(ps_availqty) AS ps_availqty FROM samples.tpch.partsupp)",
        "SELECT CAST(sum(l_linenumber) AS BIGINT) AS a, CAST(sum(l_quantity) AS DECIMAL(28, 2)) AS b, CAST(sum(l_suppkey) AS BIGINT) AS c,"
        " CAST(sum(ps_availqty) AS BIGINT) AS d FROM samples.tpch.lineitem, (SELECT CAST(sum(ps_availqty) AS BIGINT) AS ps_availqty FROM samples.tpch.partsupp)",
    ),
    Case(  # avg of INT is DOUBLE; of DECIMAL(p,s) DECIMAL(p+4,s+4)
        "SELECT avg(l_linenumber) AS a, avg(l_quantity) AS b, avg(l_discount) AS c FROM samples.tpch.lineitem",
        "SELECT avg(l_linenumber)::DOUBLE AS a, CAST(avg(l_quantity) AS DECIMAL(22, 6)) AS b, CAST(avg(l_discount) AS DECIMAL(22, 6)) AS c"
        " FROM samples.tpch.lineitem",
    ),
    Case(
        "SELECT sum(1) AS a, sum(1.5) AS b, avg(1.5) AS c, sum(2.5D) AS d, max(1) AS e, min('b') AS f FROM samples.tpch.region",
        "SELECT 5::BIGINT AS a, 7.5::DECIMAL(12, 1) AS b, 1.50000::DECIMAL(6, 5) AS c, 12.5::DOUBLE AS d, 1 AS e, 'b' AS f",
    ),
    Case(  # inline VALUES: INT and DECIMAL columns
        "SELECT sum(x) AS a, avg(x) AS b, sum(y) AS c, avg(y) AS d, count(DISTINCT y) AS e FROM VALUES (1, 1.5), (2, 2.5), (3, 2.5) AS t(x, y)",
        "SELECT 6::BIGINT AS a, 2.0::DOUBLE AS b, 6.5::DECIMAL(12, 1) AS c, 2.16667::DECIMAL(6, 5) AS d, 2::BIGINT AS e",
    ),
    Case(
        "SELECT sum(x) AS total FROM (SELECT explode(sequence(1, 4)) AS x)",
        "SELECT 10::BIGINT AS total",
        differs="explode's element type is not inferred, so sum keeps DuckDB's HUGEINT",
    ),
    Case(
        "SELECT min(l_shipdate) AS a, max(l_extendedprice) AS b, min(l_linenumber) AS c, max(l_comment) AS d FROM samples.tpch.lineitem",
        "SELECT min(l_shipdate) AS a, max(l_extendedprice) AS b, min(l_linenumber) AS c, max(l_comment) AS d FROM samples.tpch.lineitem",
    ),
    Case(  # stddev and variance are DOUBLE (sample by default)
        "SELECT round(stddev(l_linenumber), 6) AS a, round(stddev_pop(l_linenumber), 6) AS b, round(variance(l_quantity), 6) AS c,"
        " round(var_pop(l_quantity), 6) AS d, round(stddev_samp(l_discount), 6) AS e FROM samples.tpch.lineitem",
        "SELECT round(stddev_samp(l_linenumber), 6) AS a, round(stddev_pop(l_linenumber), 6) AS b, round(var_samp(l_quantity::DOUBLE), 6) AS c,"
        " round(var_pop(l_quantity::DOUBLE), 6) AS d, round(stddev_samp(l_discount::DOUBLE), 6) AS e FROM samples.tpch.lineitem",
    ),
    Case(  # percentile_approx returns an element of the data, of its type: rank ceil(p * n)
        "SELECT percentile_approx(l_linenumber, 0.5) AS a, approx_percentile(l_quantity, 0.9) AS b,"
        " percentile_approx(l_quantity, 0.1, 1000) AS c FROM samples.tpch.lineitem",
        "SELECT quantile_disc(l_linenumber, 0.5) AS a, quantile_disc(l_quantity, 0.9) AS b, quantile_disc(l_quantity, 0.1) AS c"
        " FROM samples.tpch.lineitem",
    ),
    Case(
        "SELECT percentile_approx(n_nationkey, array(0.25, 0.5, 0.75)) AS q FROM samples.tpch.nation",
        "SELECT [6, 12, 18]::BIGINT[] AS q",
    ),
    Case(  # percentile and median interpolate, as DOUBLE
        "SELECT percentile(n_nationkey, 0.5) AS a, median(n_regionkey) AS b, percentile(n_nationkey, 0.1) AS c,"
        " percentile_cont(0.25) WITHIN GROUP (ORDER BY n_nationkey) AS d FROM samples.tpch.nation",
        "SELECT 12.0::DOUBLE AS a, 2.0::DOUBLE AS b, 2.4::DOUBLE AS c, 6.0::DOUBLE AS d",
    ),
    Case(  # percentile_disc picks an element, as DOUBLE
        "SELECT median(l_quantity) AS a, percentile_disc(0.5) WITHIN GROUP (ORDER BY l_quantity) AS b FROM samples.tpch.lineitem",
        "SELECT median(l_quantity::DOUBLE) AS a, quantile_disc(l_quantity, 0.5)::DOUBLE AS b FROM samples.tpch.lineitem",
    ),
    Case(  # order-free: sort_array of collect_set / collect_list (NULLs left out)
        "SELECT sort_array(collect_set(n_regionkey)) AS regions, sort_array(collect_list(r_name)) AS names"
        " FROM samples.tpch.nation JOIN samples.tpch.region ON n_regionkey = r_regionkey WHERE n_nationkey < 4",
        "SELECT [0, 1]::BIGINT[] AS regions, ['AFRICA', 'AMERICA', 'AMERICA', 'AMERICA'] AS names",
    ),
    Case(  # size is INT; over no rows the collections are empty, not NULL
        "SELECT size(collect_list(n_name)) AS a, size(collect_set(n_regionkey)) AS b FROM samples.tpch.nation",
        "SELECT 25 AS a, 5 AS b",
    ),
    Case(
        "SELECT size(collect_list(n_name)) AS a, collect_set(n_regionkey) AS b FROM samples.tpch.nation WHERE n_nationkey < 0",
        "SELECT 0 AS a, []::BIGINT[] AS b",
    ),
    Case(
        "SELECT sort_array(collect_set(CASE WHEN n_nationkey < 3 THEN n_name END)) AS names FROM samples.tpch.nation",
        "SELECT ['ALGERIA', 'ARGENTINA', 'BRAZIL'] AS names",
    ),
    Case(
        "SELECT count_if(n_regionkey = 1) AS a, any(n_regionkey = 1) AS b, bool_or(n_regionkey > 4) AS c, some(n_nationkey = 24) AS d,"
        " every(n_regionkey >= 0) AS e, bool_and(n_regionkey > 0) AS f FROM samples.tpch.nation",
        "SELECT 5::BIGINT AS a, true AS b, false AS c, true AS d, true AS e, false AS f",
    ),
    Case(  # first / last with ignoreNulls
        "SELECT first(CASE WHEN n_nationkey = 7 THEN n_name END, true) AS a, last(CASE WHEN n_nationkey = 7 THEN n_name END) IGNORE NULLS AS b,"
        " first_value(CASE WHEN n_nationkey = 12 THEN n_name END, true) AS c FROM samples.tpch.nation",
        "SELECT 'GERMANY' AS a, 'GERMANY' AS b, 'JAPAN' AS c",
    ),
    Case(
        "SELECT n_regionkey, first(r_name) AS region, last(r_name) AS same FROM samples.tpch.nation JOIN samples.tpch.region"
        " ON n_regionkey = r_regionkey GROUP BY n_regionkey",
        "SELECT n_regionkey, r_name AS region, r_name AS same FROM samples.tpch.region JOIN (SELECT DISTINCT n_regionkey FROM samples.tpch.nation)"
        " ON n_regionkey = r_regionkey",
    ),
    Case(  # exact while the distinct values are few
        "SELECT approx_count_distinct(o_orderpriority) AS a, approx_count_distinct(n_name) AS b"
        " FROM samples.tpch.orders, samples.tpch.nation WHERE o_orderkey < 100",
        "SELECT 5::BIGINT AS a, 25::BIGINT AS b",
    ),
    Case(
        "SELECT n_regionkey, count(*) AS n FROM samples.tpch.nation GROUP BY n_regionkey HAVING count(*) >= 5 AND sum(n_nationkey) > 50",
        "SELECT n_regionkey, count(*) AS n FROM samples.tpch.nation GROUP BY n_regionkey HAVING count(*) >= 5 AND sum(n_nationkey) > 50",
    ),
    Case(  # try_sum / try_avg: the types of sum / avg
        "SELECT try_sum(n_nationkey) AS a, try_avg(n_nationkey) AS b, try_sum(o_totalprice) AS c, try_avg(o_totalprice) AS d"
        " FROM samples.tpch.nation, samples.tpch.orders WHERE o_orderkey < 3",
        "SELECT 600::BIGINT AS a, 12.0::DOUBLE AS b, CAST(sum(o_totalprice) * 25 AS DECIMAL(28, 2)) AS c,"
        " CAST(avg(o_totalprice) AS DECIMAL(22, 6)) AS d FROM samples.tpch.orders WHERE o_orderkey < 3",
    ),
    Case(
        "SELECT max_by(n_name, n_nationkey) AS a, min_by(n_name, n_nationkey) AS b FROM samples.tpch.nation",
        "SELECT 'UNITED STATES' AS a, 'ALGERIA' AS b",
    ),
    Case(  # TPC-H Q1
        "SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty, sum(l_extendedprice) AS sum_base_price,"
        " sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price, avg(l_quantity) AS avg_qty, avg(l_discount) AS avg_disc,"
        " count(*) AS count_order FROM samples.tpch.lineitem WHERE l_shipdate <= date_sub(DATE'1998-12-01', 90)"
        " GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus",
        "SELECT l_returnflag, l_linestatus, CAST(sum(l_quantity) AS DECIMAL(28, 2)) AS sum_qty, CAST(sum(l_extendedprice) AS DECIMAL(28, 2)) AS sum_base_price,"
        " CAST(sum(l_extendedprice * (1 - l_discount)) AS DECIMAL(38, 4)) AS sum_disc_price, CAST(avg(l_quantity) AS DECIMAL(22, 6)) AS avg_qty,"
        " CAST(avg(l_discount) AS DECIMAL(22, 6)) AS avg_disc, count(*) AS count_order FROM samples.tpch.lineitem"
        " WHERE l_shipdate <= DATE '1998-09-02' GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus",
    ),
    Case(
        "SELECT o_orderpriority, count(*) AS n, sum(o_totalprice) AS total FROM samples.tpch.orders"
        " WHERE o_orderdate >= '1995-01-01' AND o_orderdate < add_months('1995-01-01', 3) GROUP BY 1 ORDER BY 1",
        "SELECT o_orderpriority, count(*) AS n, CAST(sum(o_totalprice) AS DECIMAL(28, 2)) AS total FROM samples.tpch.orders"
        " WHERE o_orderdate >= DATE '1995-01-01' AND o_orderdate < DATE '1995-04-01' GROUP BY 1 ORDER BY 1",
    ),
    Case(
        "SELECT round(sum(trip_distance), 2) AS miles, round(avg(fare_amount), 2) AS fare, max(pickup_zip) AS zip,"
        " sum(pickup_zip) AS zips FROM samples.nyctaxi.trips",
        "SELECT round(sum(trip_distance), 2) AS miles, round(avg(fare_amount), 2) AS fare, max(pickup_zip) AS zip,"
        " CAST(sum(pickup_zip) AS BIGINT) AS zips FROM samples.nyctaxi.trips",
    ),
    Case(
        "WITH t AS (SELECT c_nationkey, c_acctbal * 2 AS doubled FROM samples.tpch.customer)"
        " SELECT c_nationkey, sum(doubled) AS total FROM t WHERE c_nationkey < 3 GROUP BY 1",
        "SELECT c_nationkey, CAST(sum(c_acctbal * 2) AS DECIMAL(30, 2)) AS total FROM samples.tpch.customer WHERE c_nationkey < 3 GROUP BY 1",
    ),
]

CASES: list[Case] = [*DATES, *STRINGS, *NUMBERS, *CASTS, *TRY, *AGGREGATES]
