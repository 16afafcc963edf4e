"""Builds the embedded sample data: DuckDB tables shaped like Databricks' `samples` catalog.

Generated offline and deterministically (hash-based, no random seed, no download) into
`<data_dir>/samples.duckdb`: TPC-H at about scale factor 0.1 (lineitem > 600,000 rows) and
`nyctaxi.trips`. The file is written under a temporary name and renamed when complete, and a
`_meta` table records the version and row counts, so a half-written or corrupt file is
detected and rebuilt on the next start.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

VERSION = 1
SAMPLES_FILE = "samples.duckdb"

ORDERS = 152_000  # about 4 lines each: lineitem lands just over 600,000 rows
CUSTOMERS = 15_000
PARTS = 20_000
SUPPLIERS = 1_000
TRIPS = 21_932  # the size of Databricks' samples.nyctaxi.trips

# Deterministic pseudo-random integer in [0, n) from a key and a salt.
_R = "CAST(hash({key}, {salt}) % {n} AS BIGINT)"


def r(key: str, salt: int, n: int) -> str:
    return _R.format(key=key, salt=salt, n=n)


_NATIONS = [
    (0, "ALGERIA", 0), (1, "ARGENTINA", 1), (2, "BRAZIL", 1), (3, "CANADA", 1), (4, "EGYPT", 4),
    (5, "ETHIOPIA", 0), (6, "FRANCE", 3), (7, "GERMANY", 3), (8, "INDIA", 2), (9, "INDONESIA", 2),
    (10, "IRAN", 4), (11, "IRAQ", 4), (12, "JAPAN", 2), (13, "JORDAN", 4), (14, "KENYA", 0),
    (15, "MOROCCO", 0), (16, "MOZAMBIQUE", 0), (17, "PERU", 1), (18, "CHINA", 2), (19, "ROMANIA", 3),
    (20, "SAUDI ARABIA", 4), (21, "VIETNAM", 2), (22, "RUSSIA", 3), (23, "UNITED KINGDOM", 3),
    (24, "UNITED STATES", 1),
]
_REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
_WORDS = "furiously,quickly,carefully,blithely,slyly,ironic,final,regular,express,pending,bold,even,special,silent,unusual,deposits,requests,packages,accounts,instructions,theodolites,pinto,beans,foxes,ideas,dependencies"


def _comment(key: str, salt: int) -> str:
    # Three words drawn from a fixed list: enough text to search without bloating the file.
    words = f"string_split('{_WORDS}', ',')"
    n = len(_WORDS.split(","))
    return (
        f"{words}[1 + {r(key, salt, n)}] || ' ' || {words}[1 + {r(key, salt + 1, n)}]"
        f" || ' ' || {words}[1 + {r(key, salt + 2, n)}]"
    )


def _pick(options: list[str], key: str, salt: int) -> str:
    quoted = ", ".join("'" + o.replace("'", "''") + "'" for o in options)
    return f"[{quoted}][1 + {r(key, salt, len(options))}]"


def _statements() -> list[str]:
    nations = ", ".join(f"({k}, '{n}', {rk})" for k, n, rk in _NATIONS)
    regions = ", ".join(f"({i}, '{n}')" for i, n in enumerate(_REGIONS))
    segments = ["AUTOMOBILE", "BUILDING", "FURNITURE", "HOUSEHOLD", "MACHINERY"]
    priorities = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"]
    instructs = ["DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"]
    modes = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]
    containers = [f"{a} {b}" for a in ("SM", "MED", "LG", "JUMBO", "WRAP") for b in ("CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM")]
    types = [f"{a} {b} {c}" for a in ("STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO") for b in ("ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED") for c in ("TIN", "NICKEL", "BRASS", "STEEL", "COPPER")]
    colors = ["almond", "antique", "aquamarine", "azure", "beige", "bisque", "black", "blanched", "blue", "blush", "brown", "burlywood", "chartreuse", "chiffon", "chocolate", "coral", "cornflower", "cream", "cyan", "dark", "forest", "frosted", "gainsboro", "ghost", "goldenrod", "green", "grey", "honeydew", "hot", "indian", "ivory", "khaki", "lace", "lavender", "lemon", "light", "lime", "linen", "magenta", "maroon"]
    money = "DECIMAL(18,2)"
    return [
        "CREATE SCHEMA tpch",
        "CREATE SCHEMA nyctaxi",
        f"""CREATE TABLE tpch.region AS SELECT CAST(k AS BIGINT) AS r_regionkey, n AS r_name,
            {_comment('k', 1)} AS r_comment FROM (VALUES {regions}) v(k, n)""",
        f"""CREATE TABLE tpch.nation AS SELECT CAST(k AS BIGINT) AS n_nationkey, n AS n_name,
            CAST(rk AS BIGINT) AS n_regionkey, {_comment('k', 2)} AS n_comment
            FROM (VALUES {nations}) v(k, n, rk)""",
        f"""CREATE TABLE tpch.supplier AS SELECT i AS s_suppkey,
            'Supplier#' || lpad(CAST(i AS VARCHAR), 9, '0') AS s_name,
            md5(CAST(i AS VARCHAR))[1:{15}] AS s_address,
            CAST({r('i', 3, 25)} AS BIGINT) AS s_nationkey,
            CAST(10 + {r('i', 4, 25)} AS VARCHAR) || '-' || CAST(100 + {r('i', 5, 900)} AS VARCHAR) || '-' ||
              CAST(100 + {r('i', 6, 900)} AS VARCHAR) || '-' || CAST(1000 + {r('i', 7, 9000)} AS VARCHAR) AS s_phone,
            CAST(({r('i', 8, 1099999)} - 99999) / 100.0 AS {money}) AS s_acctbal,
            {_comment('i', 9)} AS s_comment
            FROM range(1, {SUPPLIERS + 1}) t(i)""",
        f"""CREATE TABLE tpch.customer AS SELECT i AS c_custkey,
            'Customer#' || lpad(CAST(i AS VARCHAR), 9, '0') AS c_name,
            md5(CAST(i AS VARCHAR) || 'c')[1:{20}] AS c_address,
            CAST({r('i', 10, 25)} AS BIGINT) AS c_nationkey,
            CAST(10 + {r('i', 11, 25)} AS VARCHAR) || '-' || CAST(100 + {r('i', 12, 900)} AS VARCHAR) || '-' ||
              CAST(100 + {r('i', 13, 900)} AS VARCHAR) || '-' || CAST(1000 + {r('i', 14, 9000)} AS VARCHAR) AS c_phone,
            CAST(({r('i', 15, 1099999)} - 99999) / 100.0 AS {money}) AS c_acctbal,
            {_pick(segments, 'i', 16)} AS c_mktsegment,
            {_comment('i', 17)} AS c_comment
            FROM range(1, {CUSTOMERS + 1}) t(i)""",
        f"""CREATE TABLE tpch.part AS SELECT i AS p_partkey,
            {_pick(colors, 'i', 18)} || ' ' || {_pick(colors, 'i', 19)} || ' ' || {_pick(colors, 'i', 20)} AS p_name,
            'Manufacturer#' || CAST(1 + {r('i', 21, 5)} AS VARCHAR) AS p_mfgr,
            'Brand#' || CAST(1 + {r('i', 21, 5)} AS VARCHAR) || CAST(1 + {r('i', 22, 5)} AS VARCHAR) AS p_brand,
            {_pick(types, 'i', 23)} AS p_type,
            CAST(1 + {r('i', 24, 50)} AS INTEGER) AS p_size,
            {_pick(containers, 'i', 25)} AS p_container,
            CAST((90000 + ((i / 10) % 20001) + 100 * (i % 1000)) / 100.0 AS {money}) AS p_retailprice,
            {_comment('i', 26)} AS p_comment
            FROM range(1, {PARTS + 1}) t(i)""",
        f"""CREATE TABLE tpch.partsupp AS SELECT p AS ps_partkey,
            CAST(1 + ((p + j * ({SUPPLIERS} // 4 + (p - 1) // {SUPPLIERS})) % {SUPPLIERS}) AS BIGINT) AS ps_suppkey,
            CAST(1 + {r('p * 4 + j', 27, 9999)} AS INTEGER) AS ps_availqty,
            CAST((100 + {r('p * 4 + j', 28, 99901)}) / 100.0 AS {money}) AS ps_supplycost,
            {_comment('p * 4 + j', 29)} AS ps_comment
            FROM range(1, {PARTS + 1}) a(p), range(0, 4) b(j)""",
        # Order keys are sparse as in TPC-H (8 used out of every 32).
        f"""CREATE TABLE tpch.orders AS SELECT
            CAST((i // 8) * 32 + (i % 8) + 1 AS BIGINT) AS o_orderkey,
            CAST(1 + {r('i', 30, CUSTOMERS)} AS BIGINT) AS o_custkey,
            CAST(NULL AS VARCHAR) AS o_orderstatus,
            CAST(0 AS {money}) AS o_totalprice,
            DATE '1992-01-01' + CAST({r('i', 31, 2406)} AS INTEGER) AS o_orderdate,
            {_pick(priorities, 'i', 32)} AS o_orderpriority,
            'Clerk#' || lpad(CAST(1 + {r('i', 33, 100)} AS VARCHAR), 9, '0') AS o_clerk,
            CAST(0 AS INTEGER) AS o_shippriority,
            {_comment('i', 34)} AS o_comment
            FROM range(0, {ORDERS}) t(i)""",
        f"""CREATE TABLE tpch.lineitem AS
            WITH lines AS (
              SELECT o.o_orderkey AS ok, o.o_orderdate AS od, n AS ln
              FROM tpch.orders o, range(1, 8) r(n)
              WHERE n <= 1 + {r('o.o_orderkey', 35, 7)}
            ), base AS (
              SELECT ok, od, ln, CAST(1 + {r('ok * 8 + ln', 36, PARTS)} AS BIGINT) AS pk,
                     CAST(1 + {r('ok * 8 + ln', 37, 50)} AS DECIMAL(18,2)) AS qty,
                     od + CAST(1 + {r('ok * 8 + ln', 38, 121)} AS INTEGER) AS shipdate
              FROM lines
            )
            SELECT ok AS l_orderkey, pk AS l_partkey,
              CAST(1 + ((pk + {r('ok * 8 + ln', 39, 4)} * ({SUPPLIERS} // 4 + (pk - 1) // {SUPPLIERS})) % {SUPPLIERS}) AS BIGINT) AS l_suppkey,
              CAST(ln AS INTEGER) AS l_linenumber,
              qty AS l_quantity,
              CAST(qty * (90000 + ((pk / 10) % 20001) + 100 * (pk % 1000)) / 100.0 AS {money}) AS l_extendedprice,
              CAST({r('ok * 8 + ln', 40, 11)} / 100.0 AS {money}) AS l_discount,
              CAST({r('ok * 8 + ln', 41, 9)} / 100.0 AS {money}) AS l_tax,
              CASE WHEN shipdate + 30 <= DATE '1995-06-17'
                   THEN ['R', 'A'][1 + {r('ok * 8 + ln', 42, 2)}] ELSE 'N' END AS l_returnflag,
              CASE WHEN shipdate > DATE '1995-06-17' THEN 'O' ELSE 'F' END AS l_linestatus,
              shipdate AS l_shipdate,
              od + CAST(30 + {r('ok * 8 + ln', 43, 61)} AS INTEGER) AS l_commitdate,
              shipdate + CAST(1 + {r('ok * 8 + ln', 44, 30)} AS INTEGER) AS l_receiptdate,
              {_pick(instructs, 'ok * 8 + ln', 45)} AS l_shipinstruct,
              {_pick(modes, 'ok * 8 + ln', 46)} AS l_shipmode,
              {_comment('ok * 8 + ln', 47)} AS l_comment
            FROM base""",
        # Order status and total follow from the lines, as in TPC-H.
        f"""CREATE OR REPLACE TABLE tpch.orders AS SELECT o.o_orderkey, o.o_custkey,
              CASE WHEN bool_and(l.l_linestatus = 'F') THEN 'F' WHEN bool_and(l.l_linestatus = 'O') THEN 'O' ELSE 'P' END AS o_orderstatus,
              CAST(sum(l.l_extendedprice * (1 + l.l_tax) * (1 - l.l_discount)) AS {money}) AS o_totalprice,
              o.o_orderdate, o.o_orderpriority, o.o_clerk, o.o_shippriority, o.o_comment
            FROM tpch.orders o JOIN tpch.lineitem l ON l.l_orderkey = o.o_orderkey
            GROUP BY ALL ORDER BY o.o_orderkey""",
        f"""CREATE TABLE nyctaxi.trips AS
            WITH t AS (
              SELECT i, TIMESTAMP '2016-01-01 00:00:00' + to_seconds(CAST({r('i', 50, 60 * 86400)} AS BIGINT)) AS pickup,
                     0.3 + 25 * power({r('i', 51, 1000)} / 1000.0, 3) AS dist
              FROM range(0, {TRIPS}) r(i)
            )
            SELECT pickup AS tpep_pickup_datetime,
                   pickup + to_seconds(CAST(120 + dist * 180 + {r('i', 53, 600)} AS BIGINT)) AS tpep_dropoff_datetime,
                   round(dist, 2) AS trip_distance,
                   round(2.5 + dist * 2.5 + {r('i', 54, 300)} / 100.0, 2) AS fare_amount,
                   CAST(10001 + {r('i', 55, 300)} AS INTEGER) AS pickup_zip,
                   CAST(10001 + {r('i', 56, 300)} AS INTEGER) AS dropoff_zip
            FROM t ORDER BY pickup""",
    ]


EXPECTED_TABLES = ["tpch.region", "tpch.nation", "tpch.supplier", "tpch.customer", "tpch.part", "tpch.partsupp", "tpch.orders", "tpch.lineitem", "nyctaxi.trips"]


def build(path: Path) -> None:
    """Writes the sample database to `path` atomically (temporary file, then rename)."""
    tmp = path.with_name(path.name + ".building")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for stmt in _statements():
            con.execute(stmt)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in EXPECTED_TABLES}
        con.execute("CREATE TABLE _meta (version INTEGER, table_name VARCHAR, row_count BIGINT)")
        con.executemany("INSERT INTO _meta VALUES (?, ?, ?)", [(VERSION, t, n) for t, n in counts.items()])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, path)


def is_valid(path: Path) -> bool:
    """True when the file opens, has the current version and every table has its recorded rows."""
    if not path.exists():
        return False
    try:
        con = duckdb.connect(str(path), read_only=True)
    except Exception:  # noqa: BLE001 - any failure to open means "rebuild"
        return False
    try:
        rows = con.execute("SELECT version, table_name, row_count FROM _meta").fetchall()
        if not rows or any(v != VERSION for v, _, _ in rows) or {t for _, t, _ in rows} != set(EXPECTED_TABLES):
            return False
        return all(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == n for _, t, n in rows)
    except Exception:  # noqa: BLE001
        return False
    finally:
        con.close()


def ensure(data_dir: Path) -> Path:
    """Returns the path of a valid sample database, building it when missing or damaged."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SAMPLES_FILE
    if not is_valid(path):
        if path.exists():
            log.warning("Sample data at %s is damaged or outdated; rebuilding", path)
            path.unlink()
            path.with_name(path.name + ".wal").unlink(missing_ok=True)
        log.info("Building sample data in %s", path)
        build(path)
    return path
