"""Dates and times, strings, numbers, casts and `try_` functions: Databricks' results on DuckDB.

Each override renders one sqlglot expression class where sqlglot's own DuckDB output would give
another result than Databricks: another type (Databricks' `year` is INT, DuckDB's BIGINT),
another value (`substr(s, 0, 2)`, `pmod`, `CAST(3.7 AS INT)`) or an error (`bround`).

Some of Databricks' types follow from the argument's type (`sum` of INT is BIGINT, of
DECIMAL(p,s) DECIMAL(p+10,s)). `_type` infers it from the statement: literals, casts, functions
with a fixed type, arithmetic, and the columns of the `samples` catalog, whose Databricks schema
is fixed (`SAMPLES`). Where the type stays unknown, sqlglot's rendering is kept.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.time import format_time

_DATABRICKS = Dialect.get_or_raise("databricks")
T = exp.DType

# --- helpers ------------------------------------------------------------------------------------


def _base(self: Any, e: exp.Expression) -> str:
    """sqlglot's own DuckDB rendering of `e`."""
    fn = DuckDB.Generator.TRANSFORMS.get(type(e)) or getattr(DuckDB.Generator, f"{e.key}_sql", None)
    return fn(self, e) if fn else self.function_fallback_sql(e)


def _cast_base(to: str) -> Callable[[Any, Any], str]:
    return lambda self, e: f"CAST({_base(self, e)} AS {to})"


def _dt(sql: str) -> exp.DataType:
    return exp.DataType.build(sql, dialect="databricks")


def _int_literal(node: exp.Expression | None) -> int | None:
    """The value of an integer literal (also negated), else None."""
    if isinstance(node, exp.Paren):
        return _int_literal(node.this)
    if isinstance(node, exp.Neg):
        inner = _int_literal(node.this)
        return -inner if inner is not None else None
    if isinstance(node, exp.Literal) and node.is_int:
        return int(node.this)
    return None


def _is_statement_node(e: exp.Expression) -> bool:
    """True for nodes of the statement as parsed, False for nodes sqlglot builds while generating."""
    return isinstance(e.root(), (exp.Query, exp.DML, exp.Create, exp.Describe))


# --- types --------------------------------------------------------------------------------------

# The Databricks schema of the `samples` catalog (what the embedded sample data mirrors).
_D = "DECIMAL(18,2)"
SAMPLES: dict[tuple[str, str], dict[str, str]] = {
    ("tpch", "region"): {"r_regionkey": "BIGINT", "r_name": "STRING", "r_comment": "STRING"},
    ("tpch", "nation"): {"n_nationkey": "BIGINT", "n_name": "STRING", "n_regionkey": "BIGINT", "n_comment": "STRING"},
    ("tpch", "supplier"): {"s_suppkey": "BIGINT", "s_name": "STRING", "s_address": "STRING", "s_nationkey": "BIGINT",
                           "s_phone": "STRING", "s_acctbal": _D, "s_comment": "STRING"},
    ("tpch", "customer"): {"c_custkey": "BIGINT", "c_name": "STRING", "c_address": "STRING", "c_nationkey": "BIGINT",
                           "c_phone": "STRING", "c_acctbal": _D, "c_mktsegment": "STRING", "c_comment": "STRING"},
    ("tpch", "part"): {"p_partkey": "BIGINT", "p_name": "STRING", "p_mfgr": "STRING", "p_brand": "STRING",
                       "p_type": "STRING", "p_size": "INT", "p_container": "STRING", "p_retailprice": _D,
                       "p_comment": "STRING"},
    ("tpch", "partsupp"): {"ps_partkey": "BIGINT", "ps_suppkey": "BIGINT", "ps_availqty": "INT",
                           "ps_supplycost": _D, "ps_comment": "STRING"},
    ("tpch", "orders"): {"o_orderkey": "BIGINT", "o_custkey": "BIGINT", "o_orderstatus": "STRING", "o_totalprice": _D,
                         "o_orderdate": "DATE", "o_orderpriority": "STRING", "o_clerk": "STRING",
                         "o_shippriority": "INT", "o_comment": "STRING"},
    ("tpch", "lineitem"): {"l_orderkey": "BIGINT", "l_partkey": "BIGINT", "l_suppkey": "BIGINT", "l_linenumber": "INT",
                           "l_quantity": _D, "l_extendedprice": _D, "l_discount": _D, "l_tax": _D,
                           "l_returnflag": "STRING", "l_linestatus": "STRING", "l_shipdate": "DATE",
                           "l_commitdate": "DATE", "l_receiptdate": "DATE", "l_shipinstruct": "STRING",
                           "l_shipmode": "STRING", "l_comment": "STRING"},
    ("nyctaxi", "trips"): {"tpep_pickup_datetime": "TIMESTAMP", "tpep_dropoff_datetime": "TIMESTAMP",
                           "trip_distance": "DOUBLE", "fare_amount": "DOUBLE", "pickup_zip": "INT", "dropoff_zip": "INT"},
}

_INTEGRAL = {T.TINYINT: 3, T.SMALLINT: 5, T.INT: 10, T.BIGINT: 20}
_FLOATING = {T.DOUBLE, T.FLOAT}
_DATE = {T.DATE}
_TIMESTAMP = {T.TIMESTAMP, T.TIMESTAMPTZ, T.TIMESTAMPLTZ, T.TIMESTAMPNTZ}
_FIXED: dict[type[exp.Expression], str] = {
    **dict.fromkeys((exp.Year, exp.Month, exp.Day, exp.DayOfMonth, exp.DayOfYear, exp.WeekOfYear, exp.Quarter,
                     exp.Hour, exp.Minute, exp.Second, exp.DayOfWeek, exp.StrPosition, exp.Length, exp.Ascii), "INT"),
    **dict.fromkeys((exp.Count, exp.CountIf, exp.ApproxDistinct, exp.IntDiv, exp.StrToUnix), "BIGINT"),
    **dict.fromkeys((exp.Pow, exp.Sqrt, exp.Exp, exp.Ln, exp.Log, exp.Stddev, exp.StddevPop, exp.StddevSamp,
                     exp.Variance, exp.VariancePop, exp.Sign, exp.MonthsBetween, exp.Median, exp.Quantile), "DOUBLE"),
    **dict.fromkeys((exp.TsOrDsToDate, exp.TsOrDsAdd, exp.AddMonths, exp.LastDay, exp.NextDay, exp.DateTrunc,
                     exp.CurrentDate, exp.DateFromParts, exp.StrToDate), "DATE"),
    **dict.fromkeys((exp.TimestampTrunc, exp.TimestampAdd, exp.StrToTime, exp.CurrentTimestamp,
                     exp.TimestampFromParts), "TIMESTAMP"),
    **dict.fromkeys((exp.Upper, exp.Lower, exp.Concat, exp.ConcatWs, exp.Substring, exp.TimeToStr, exp.UnixToStr,
                     exp.Trim, exp.Pad, exp.Replace, exp.RegexpReplace, exp.RegexpExtract, exp.Initcap), "STRING"),
}


def _decimal(t: exp.DataType | None, node: exp.Expression | None = None) -> tuple[int, int] | None:
    """(precision, scale) of `t` as Databricks widens it to DECIMAL: integral literals by their digits."""
    if t is None:
        return None
    if t.this == T.DECIMAL:
        p, s = (int(x.this.name) for x in t.expressions) if len(t.expressions) == 2 else (10, 0)
        return p, s
    if t.this in _INTEGRAL:
        value = _int_literal(node)
        return (len(str(abs(value))), 0) if value is not None else (_INTEGRAL[t.this], 0)
    return None


def _decimal_type(p: int, s: int) -> exp.DataType:
    if p > 38:  # DecimalType.adjustPrecisionScale: keep the integral digits, scale at least min(s, 6)
        s = max(38 - (p - s), min(s, 6))
        p = 38
    return _dt(f"DECIMAL({p},{s})")


def _literal_type(node: exp.Literal) -> exp.DataType | None:
    if node.is_string:
        return _dt("STRING")
    text = node.this.lower()
    if "e" in text:
        return _dt("DOUBLE")
    if "." not in text:
        v = abs(int(text))
        return _dt("INT" if v < 2**31 else "BIGINT" if v < 2**63 else f"DECIMAL({len(str(v))},0)")
    whole, frac = text.split(".")
    digits = (whole + frac).lstrip("0")
    return _dt(f"DECIMAL({max(len(digits) or 1, len(frac))},{len(frac)})")


_RESOLVING = threading.local()  # columns being resolved, against CTEs that name each other


def _column_type(col: exp.Column) -> exp.DataType | None:
    """The type of a column of the `samples` catalog, or of a subquery's, CTE's or VALUES' column."""
    select = col.find_ancestor(exp.Select)
    seen = _RESOLVING.__dict__.setdefault("ids", set())
    if select is None or id(col) in seen:
        return None
    seen.add(id(col))
    try:
        return _resolve(col, select)
    finally:
        seen.discard(id(col))


def _resolve(col: exp.Column, select: exp.Select) -> exp.DataType | None:
    sources = [j.this for j in select.args.get("joins") or []]
    if select.args.get("from_"):
        sources.insert(0, select.args["from_"].this)
    elif select.args.get("from"):
        sources.insert(0, select.args["from"].this)
    for src in sources:
        if col.table and col.table != src.alias_or_name:
            continue
        query = None
        if isinstance(src, exp.Table):
            schema = SAMPLES.get((src.db.lower(), src.name.lower())) if src.catalog.lower() == "samples" else None
            if schema is not None and col.name.lower() in schema:
                return _dt(schema[col.name.lower()])
            if not src.db:  # a CTE
                with_ = select.args.get("with_") or select.args.get("with")
                scope = select
                while with_ is None and scope.parent is not None:
                    scope = scope.parent
                    with_ = scope.args.get("with_") or scope.args.get("with")
                for cte in with_.expressions if with_ else []:
                    if cte.alias_or_name == src.name:
                        query = cte.this
        elif isinstance(src, exp.Values) and col.name in src.alias_column_names:
            i = src.alias_column_names.index(col.name)
            kinds = {_type(row.expressions[i]) for row in src.expressions if len(row.expressions) > i}
            return kinds.pop() if len(kinds) == 1 else None  # rows of one type only
        elif isinstance(src, exp.Subquery):
            query = src.this
        while isinstance(query, exp.SetOperation):
            query = query.this
        if isinstance(query, exp.Select):
            for projection in query.expressions:
                if projection.alias_or_name == col.name:
                    return _type(projection.unalias() if isinstance(projection, exp.Alias) else projection)
    return None


def _arith_type(cls: type, left: exp.Expression, right: exp.Expression) -> exp.DataType | None:
    """Databricks' type for `left <cls> right` (+, -, *, /, %)."""
    lt, rt = _type(left), _type(right)
    if lt is None or rt is None:
        return None
    if lt.this in _FLOATING or rt.this in _FLOATING:
        return _dt("DOUBLE")
    if lt.this in _INTEGRAL and rt.this in _INTEGRAL:
        return _dt("DOUBLE" if cls is exp.Div else "BIGINT" if T.BIGINT in (lt.this, rt.this) else "INT")
    a, b = _decimal(lt, left), _decimal(rt, right)
    if a is None or b is None:
        return None
    (p1, s1), (p2, s2) = a, b
    if cls in (exp.Add, exp.Sub):
        s = max(s1, s2)
        return _decimal_type(max(p1 - s1, p2 - s2) + s + 1, s)
    if cls is exp.Mul:
        return _decimal_type(p1 + p2 + 1, s1 + s2)
    if cls is exp.Div:
        s = max(6, s1 + p2 + 1)
        return _decimal_type(p1 - s1 + s2 + s, s)
    s = max(s1, s2)  # %
    return _decimal_type(min(p1 - s1, p2 - s2) + s, s)


def _type(node: exp.Expression | None) -> exp.DataType | None:
    """Databricks' type for `node`, where it can be known from the statement; else None."""
    if node is None:
        return None
    if isinstance(node, (exp.Paren, exp.Neg, exp.Abs, exp.Max, exp.Min, exp.AnyValue, exp.First, exp.Last)):
        return _type(node.this)
    if isinstance(node, exp.Literal):
        return _literal_type(node)
    if isinstance(node, exp.Cast):  # also TryCast
        return node.to
    if isinstance(node, exp.Column):
        return _column_type(node)
    if isinstance(node, (exp.Add, exp.Sub)) and _interval_unit(node.expression):
        return _interval_result(_type(node.this), node.expression)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
        return _arith_type(type(node), node.this, node.expression)
    if isinstance(node, exp.Sum):
        return _sum_type(_type(node.this))
    if isinstance(node, exp.Avg):
        return _avg_type(_type(node.this))
    if isinstance(node, (exp.Ceil, exp.Floor)):
        return None if node.args.get("decimals") else _ceil_type(_type(node.this))
    if isinstance(node, exp.Round):
        return _round_type(_type(node.this), node.args.get("decimals"))
    if isinstance(node, (exp.Predicate, exp.Not, exp.Connector, exp.RegexpLike)):
        return _dt("BOOLEAN")
    fixed = _FIXED.get(type(node))
    if fixed:
        return _dt(fixed)
    if isinstance(node, exp.Coalesce):
        return _type(node.this)
    if isinstance(node, exp.If):
        return _type(node.args.get("true"))
    if isinstance(node, exp.Case) and node.args.get("ifs"):
        return _type(node.args["ifs"][0].args.get("true"))
    return None


def _sum_type(t: exp.DataType | None) -> exp.DataType | None:
    if t is None:
        return None
    if t.this in _INTEGRAL:
        return _dt("BIGINT")
    if t.this == T.DECIMAL:
        p, s = _decimal(t)
        return _decimal_type(min(38, p + 10), s)
    return _dt("DOUBLE") if t.this in _FLOATING else None


def _avg_type(t: exp.DataType | None) -> exp.DataType | None:
    if t is None:
        return None
    if t.this == T.DECIMAL:
        p, s = _decimal(t)
        return _decimal_type(min(38, p + 4), min(38, s + 4))
    return _dt("DOUBLE") if t.this in _INTEGRAL or t.this in _FLOATING else None


def _ceil_type(t: exp.DataType | None) -> exp.DataType | None:
    if t is None:
        return None
    if t.this == T.DECIMAL:
        p, s = _decimal(t)
        return _decimal_type(p - s + 1, 0)
    return _dt("BIGINT") if t.this in _INTEGRAL or t.this in _FLOATING else None


def _round_type(t: exp.DataType | None, decimals: exp.Expression | None) -> exp.DataType | None:
    scale = _int_literal(decimals) if decimals is not None else 0
    if t is None or scale is None:
        return None
    if t.this == T.DECIMAL:  # RoundBase: one more integral digit, scale min(s, target)
        p, s = _decimal(t)
        if scale < 0:
            return _decimal_type(min(38, max(p - s + 1, -scale + 1)), 0)
        return _decimal_type(min(38, p - s + 1 + min(s, scale)), min(s, scale))
    return t if t.this in _INTEGRAL or t.this in _FLOATING else None


def _is(node: exp.Expression | None, kinds: set) -> bool:
    t = _type(node)
    return t is not None and t.this in kinds


def _cast_to(self: Any, sql: str, t: exp.DataType | None, kinds: set) -> str:
    """`sql` cast to Databricks' type `t` when `t` is of `kinds` (where DuckDB's type differs)."""
    return f"CAST({sql} AS {self.sql(t)})" if t is not None and t.this in kinds else sql


def _render_with(self: Any, e: exp.Expression, key: str, value: Any, render: Callable = None) -> str:
    """`render(e)` with the argument `key` replaced for the call; the tree is left as parsed, so
    the column types and places of its nodes stay known."""
    old = e.args.get(key)
    e.set(key, value)
    try:
        return (render or _base)(self, e)
    finally:
        e.set(key, old)


# --- dates and times ----------------------------------------------------------------------------

_PATTERN_LETTERS = {  # Databricks (Java) datetime pattern letters by run length -> DuckDB strftime
    "y": {1: "%Y", 2: "%y", 3: "%Y", 4: "%Y"},
    "M": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "L": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "d": {1: "%-d", 2: "%d"},
    "D": {1: "%-j", 3: "%j"},
    "E": {1: "%a", 2: "%a", 3: "%a", 4: "%A"},
    "a": {1: "%p"},
    "H": {1: "%-H", 2: "%H"},
    "h": {1: "%-I", 2: "%I"},
    "m": {1: "%-M", 2: "%M"},
    "s": {1: "%-S", 2: "%S"},
    "S": {3: "%g", 6: "%f", 9: "%n"},
}


def _java_to_strftime(java: str) -> str | None:
    """DuckDB strftime/strptime text for a Databricks datetime pattern, None where it has no equal."""
    out, i = [], 0
    while i < len(java):
        c = java[i]
        if c == "'":  # 'quoted text', '' a quote
            end = java.find("'", i + 1)
            if end == -1:
                return None
            out.append("'" if end == i + 1 else java[i + 1 : end].replace("%", "%%"))
            i = end + 1
            continue
        run = 1
        while i + run < len(java) and java[i + run] == c:
            run += 1
        if c.isalpha():
            spec = _PATTERN_LETTERS.get(c, {}).get(run)
            if spec is None:
                return None
            out.append(spec)
        else:
            out.append((c * run).replace("%", "%%"))
        i += run
    return "".join(out)


def _duck_format(fmt: exp.Expression | None) -> exp.Literal | None:
    """The DuckDB pattern for a parsed Databricks pattern literal, read as Databricks reads it
    (quoted text, SSS milliseconds, DDD day of year, which sqlglot's mapping misses)."""
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        return None
    java = format_time(fmt.this, _DATABRICKS.INVERSE_TIME_MAPPING, _DATABRICKS.INVERSE_TIME_TRIE) or ""
    duck = _java_to_strftime(java)
    return exp.Literal.string(duck) if duck is not None else None


def _with_format(self: Any, e: exp.Expression, render: Callable = None) -> str:
    duck = _duck_format(e.args.get("format"))
    return _render_with(self, e, "format", duck, render) if duck is not None else (render or _base)(self, e)


def _tz(self: Any, node: exp.Expression) -> str:
    """`node` as DuckDB's TIMESTAMPTZ, which is Databricks' TIMESTAMP (in the session time zone)."""
    sql = self.sql(node)
    already = isinstance(node, exp.Cast) and node.to.this == T.TIMESTAMPTZ  # (columns may be naive)
    return sql if already else f"CAST({sql} AS TIMESTAMPTZ)"


def _date(self: Any, node: exp.Expression) -> str:
    sql = self.sql(node)
    return sql if _is(node, _DATE) else f"CAST({sql} AS DATE)"


def _str_to_time(self: Any, e: exp.StrToTime) -> str:
    # to_timestamp(s, fmt) is a TIMESTAMP: DuckDB's STRPTIME gives a naive one.
    return f"CAST({_with_format(self, e)} AS TIMESTAMPTZ)"


_DEFAULT_TIME_FORMAT = format_time(_DATABRICKS.TIME_FORMAT.strip("'"), _DATABRICKS.TIME_MAPPING, _DATABRICKS.TIME_TRIE)


def _str_to_unix(self: Any, e: exp.StrToUnix) -> str:
    # unix_timestamp is BIGINT, whole seconds; a date or timestamp argument ignores the pattern.
    if e.this is None:
        return "CAST(FLOOR(EPOCH(CURRENT_TIMESTAMP)) AS BIGINT)"
    fmt = e.args.get("format")
    if _is(e.this, _DATE | _TIMESTAMP) or (isinstance(fmt, exp.Literal) and fmt.this == _DEFAULT_TIME_FORMAT):
        ts = _tz(self, e.this)
    else:
        duck = _duck_format(fmt)
        ts = f"CAST(STRPTIME({self.sql(e.this)}, {self.sql(duck) if duck else self.format_time(e)}) AS TIMESTAMPTZ)"
    return f"CAST(FLOOR(EPOCH({ts})) AS BIGINT)"


def _ts_or_ds_add(self: Any, e: exp.TsOrDsAdd) -> str:
    # date_add(d, n) / date_sub(d, n) are DATEs; DuckDB's DATE + INTERVAL is a TIMESTAMP.
    n = e.expression
    op = "+"
    if isinstance(n, exp.Mul) and _int_literal(n.expression) == -1:
        op, n = "-", n.this
    amount = self.sql(n) if _is(n, {T.INT, T.SMALLINT, T.TINYINT}) else f"CAST({self.sql(n)} AS INTEGER)"
    return f"{_date(self, e.this)} {op} {amount}"


def _timestamp_add(self: Any, e: exp.TimestampAdd) -> str:
    # dateadd(unit, n, x) is a TIMESTAMP, also for a DATE.
    if isinstance(e.this, exp.Cast) and e.this.to.this == T.TIMESTAMPTZ:
        return _base(self, e)
    return _render_with(self, e, "this", exp.cast(e.this, T.TIMESTAMPTZ))


def _timestamp_diff(self: Any, e: exp.TimestampDiff | exp.DateDiff) -> str:
    # timestampdiff counts whole units elapsed (DuckDB's DATE_SUB), not boundaries crossed (DATE_DIFF).
    unit = exp.Literal.string(e.unit.name if e.unit else "DAY")
    return self.func("DATE_SUB", unit, _tz(self, e.expression), _tz(self, e.this))


def _first_position(node: exp.Expression) -> int | None:
    starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
    return min(starts) if starts else None


def _date_diff(self: Any, e: exp.DateDiff) -> str:
    # datediff(end, start) counts days as INT. datediff(unit, start, end) parses to the same tree
    # with the operands swapped, so the operands' places in the text tell them apart.
    this, other = _first_position(e.this), _first_position(e.expression)
    three_args = this is not None and other is not None and this > other
    if three_args or (e.unit and e.unit.name.upper() not in ("DAY", "DAYS")):
        return _timestamp_diff(self, e)
    return f"CAST(DATE_DIFF('DAY', {_date(self, e.expression)}, {_date(self, e.this)}) AS INTEGER)"


def _months_between(self: Any, e: exp.MonthsBetween) -> str:
    # Spark's rule: whole months when the days of month match or both are month ends, else the
    # difference in days (and seconds) over 31 days; rounded to 8 digits unless roundOff is false.
    a, b = (f"CAST({self.sql(x)} AS TIMESTAMP)" for x in (e.this, e.expression))
    months = f"(YEAR({a}) * 12 + MONTH({a})) - (YEAR({b}) * 12 + MONTH({b}))"
    same = f"DAY({a}) = DAY({b}) OR (DAY({a}) = DAY(LAST_DAY({a})) AND DAY({b}) = DAY(LAST_DAY({b})))"
    secs = "(DAY({0}) * 86400 + HOUR({0}) * 3600 + MINUTE({0}) * 60 + SECOND({0}))"
    diff = f"{months} + ({secs.format(a)} - {secs.format(b)}) / 2678400.0"
    roundoff = e.args.get("roundoff")
    if not (isinstance(roundoff, exp.Boolean) and not roundoff.this):
        diff = f"FLOOR(({diff}) * 1e8 + 0.5) / 1e8"
    return f"CAST(CASE WHEN {same} THEN {months} ELSE {diff} END AS DOUBLE)"


_TRUNC_UNITS = {
    **dict.fromkeys(("YEAR", "YYYY", "YY"), "YEAR"), "QUARTER": "QUARTER",
    **dict.fromkeys(("MONTH", "MM", "MON"), "MONTH"), "WEEK": "WEEK", **dict.fromkeys(("DAY", "DD"), "DAY"),
    **{u: u for u in ("HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND")},
}


def _timestamp_trunc(self: Any, e: exp.TimestampTrunc) -> str:
    # date_trunc(unit, x) is a TIMESTAMP, also for a DATE; an unknown unit gives NULL.
    unit = _TRUNC_UNITS.get(e.unit.name.upper()) if e.unit else None
    if unit is None:
        return "CAST(NULL AS TIMESTAMPTZ)"
    return self.func("DATE_TRUNC", exp.Literal.string(unit), _tz(self, e.this))


def _date_trunc(self: Any, e: exp.DateTrunc) -> str:
    # trunc(date, fmt) is a DATE, for YEAR, QUARTER, MONTH and WEEK only (else NULL).
    unit = e.args.get("unit")
    if not isinstance(unit, (exp.Literal, exp.Var)):
        return _base(self, e)
    name = _TRUNC_UNITS.get(unit.name.upper())
    if name not in ("YEAR", "QUARTER", "MONTH", "WEEK"):
        return "CAST(NULL AS DATE)"
    return f"CAST(DATE_TRUNC('{name}', {_date(self, e.this)}) AS DATE)"


_EXTRACT = {  # Databricks' extract fields and their synonyms
    **dict.fromkeys(("YEAR", "Y", "YEARS", "YR", "YRS"), "YEAR"),
    **dict.fromkeys(("QUARTER", "QTR"), "QUARTER"),
    **dict.fromkeys(("MONTH", "MON", "MONS", "MONTHS"), "MONTH"),
    **dict.fromkeys(("WEEK", "W", "WEEKS"), "WEEK"),
    **dict.fromkeys(("DAY", "D", "DAYS"), "DAY"),
    **dict.fromkeys(("DAYOFWEEK", "DOW"), "DOW"),
    **dict.fromkeys(("DAYOFWEEK_ISO", "DOW_ISO"), "ISODOW"),
    "DOY": "DOY",
    **dict.fromkeys(("HOUR", "H", "HOURS", "HR", "HRS"), "HOUR"),
    **dict.fromkeys(("MINUTE", "M", "MIN", "MINS", "MINUTES"), "MINUTE"),
    **dict.fromkeys(("SECOND", "S", "SEC", "SECONDS", "SECS"), "SECOND"),
    "YEAROFWEEK": "ISOYEAR",
}


def _extract_sql(self: Any, field: str, src: exp.Expression) -> str | None:
    # extract fields are INT (DOW counts 1 = Sunday); SECOND is DECIMAL(8,6) with the fraction.
    name = _EXTRACT.get(field.upper())
    if name is None:
        return None
    sql = self.sql(src)
    if name == "SECOND":
        return f"CAST(MICROSECOND(CAST({sql} AS TIMESTAMP)) / 1000000 AS DECIMAL(8, 6))"
    if name == "DOW":
        return f"CAST(DAYOFWEEK({sql}) + 1 AS INTEGER)"
    return f"CAST(EXTRACT({name} FROM {sql}) AS INTEGER)"


def _extract(self: Any, e: exp.Extract) -> str:
    return _extract_sql(self, e.this.name, e.expression) or _base(self, e)


def _day_of_week(self: Any, e: exp.DayOfWeek) -> str:
    # Databricks counts 1 (Sunday) to 7 (Saturday); DuckDB's dayofweek counts 0 to 6.
    return f"CAST(DAYOFWEEK({self.sql(e, 'this')}) + 1 AS INTEGER)"


# --- strings ------------------------------------------------------------------------------------


def _substring(self: Any, e: exp.Substring) -> str:
    # Databricks reads position 0 as 1 and a negative length as none; DuckDB as "before the start".
    start, length = e.args.get("start"), e.args.get("length")
    s, n = _int_literal(start), _int_literal(length)
    if (start is None or (s is not None and s != 0)) and (length is None or (n is not None and n >= 0)):
        return _base(self, e)
    if s is None:
        pos = f"CASE WHEN {self.sql(start)} = 0 THEN 1 ELSE {self.sql(start)} END"
    else:
        pos = "1" if s == 0 else self.sql(start)
    args = [self.sql(e.this), pos]
    if length is not None:
        args.append(str(max(n, 0)) if n is not None else f"GREATEST({self.sql(length)}, 0)")
    return f"SUBSTRING({', '.join(args)})"


def _java_replacement(text: str) -> str:
    """A Java regex replacement ($1 a group, \\x a literal x) as RE2's (\\1 a group)."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append("\\\\" if text[i + 1] == "\\" else text[i + 1])
            i += 2
        elif c == "$" and i + 1 < len(text) and text[i + 1].isdigit():
            out.append("\\" + text[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _regexp_replace(self: Any, e: exp.RegexpReplace) -> str:
    # Databricks' replacement names groups $1 (Java); DuckDB's \1 (RE2).
    rep = e.args.get("replacement")
    if isinstance(rep, exp.Literal) and rep.is_string and ("$" in rep.this or "\\" in rep.this):
        return _render_with(self, e, "replacement", exp.Literal.string(_java_replacement(rep.this)))
    return _base(self, e)


def _regexp_split(self: Any, e: exp.RegexpSplit) -> str:
    # split(s, regex, limit): with limit > 0 at most limit parts, the last one the rest of s.
    limit = e.args.get("limit")
    n = _int_literal(limit) if limit is not None else -1
    if n is None or (n > 1 and not e.expression.is_string):
        return _base(self, e)
    parts = self.func("STR_SPLIT_REGEX", e.this, e.expression)
    if n <= 0:
        return parts
    if n == 1:
        return f"[{self.sql(e.this)}]"
    head = exp.Literal.string(f"^(?s:.*?(?:{e.expression.name})){{{n - 1}}}")
    rest = self.func("REGEXP_REPLACE", e.this, head, exp.Literal.string(""))
    return f"CASE WHEN LEN({parts}) <= {n} THEN {parts} ELSE LIST_APPEND({parts}[1:{n - 1}], {rest}) END"


def _replace(self: Any, e: exp.Replace) -> str:
    # replace(s, search) removes search.
    return self.func("REPLACE", e.this, e.expression, e.args.get("replacement") or exp.Literal.string(""))


def _format(self: Any, e: exp.Format) -> str:
    # format_string / printf take printf-style patterns; DuckDB's FORMAT takes {} patterns.
    return self.func("PRINTF", e.this, *e.expressions)


def _like(self: Any, e: exp.Like | exp.ILike) -> str:
    # Databricks' LIKE escapes with a backslash by default; DuckDB's has no escape character.
    pattern = e.expression
    plain = isinstance(pattern, exp.Literal) and "\\" not in pattern.this
    if plain or isinstance(e.parent, exp.Escape) or isinstance(pattern, (exp.Any, exp.All)):
        return _base(self, e)
    return f"({_base(self, e)} ESCAPE {self.sql(exp.Literal.string(chr(92)))})"


def _concat(self: Any, e: exp.Concat) -> str:
    # concat with a NULL literal is a NULL STRING, not DuckDB's NULL of no type.
    if not any(isinstance(x, exp.Null) for x in e.expressions):
        return _base(self, e)
    args = [exp.cast(exp.Null(), T.VARCHAR) if isinstance(x, exp.Null) else x for x in e.expressions]
    return _render_with(self, e, "expressions", args)


# --- numbers and casts --------------------------------------------------------------------------


def _int_div(self: Any, e: exp.IntDiv) -> str:
    # div is BIGINT, truncated toward zero; DuckDB's // is INT for INTs and plain division otherwise.
    a, b = self.sql(e.this), self.sql(e.expression)
    if _is(e.this, set(_INTEGRAL)) and _is(e.expression, set(_INTEGRAL)):
        return f"CAST({a} // {b} AS BIGINT)"
    return f"CAST(TRUNC(({a}) / ({b})) AS BIGINT)"


def _decimal_result(self: Any, e: exp.Expression) -> str:
    # DECIMAL arithmetic follows Databricks' precision rules (DuckDB's * keeps fewer digits, its / is
    # DOUBLE, and it widens an integer literal to DECIMAL(10,0) where Databricks takes its digits).
    return _cast_to(self, _base(self, e), _type(e), {T.DECIMAL})


_DIVIDE_BY_ZERO = "[DIVIDE_BY_ZERO] Division by zero. Use try_divide to tolerate divisor being 0 and return NULL instead."


def _div(self: Any, e: exp.Div) -> str:
    # x / 0 raises DIVIDE_BY_ZERO (ANSI); DuckDB's / gives Infinity or NaN. A NULL dividend stays NULL.
    sql = _decimal_result(self, e)
    divisor = e.expression.unnest()
    if isinstance(divisor, exp.Literal) and divisor.is_number and float(divisor.this) != 0:
        return sql
    a, b = self.sql(e.this), self.sql(e.expression)
    error = self.func("ERROR", exp.Literal.string(_DIVIDE_BY_ZERO))
    return f"CASE WHEN ({b}) = 0 AND NOT ({a}) IS NULL THEN {error} ELSE {sql} END"


def _interval_unit(node: exp.Expression | None) -> str | None:
    if not isinstance(node, exp.Interval):
        return None
    unit = node.args.get("unit")
    if isinstance(unit, exp.IntervalSpan):
        unit = unit.expression
    name = unit.name.upper() if unit is not None else ""
    return name[:-1] if name.endswith("S") else name


def _interval_result(this: exp.DataType | None, interval: exp.Expression) -> exp.DataType | None:
    """The type of `this +/- interval` for `this` of type `this`."""
    if this is not None and this.this in _DATE:
        return _dt("DATE" if _interval_unit(interval) in ("YEAR", "QUARTER", "MONTH", "WEEK", "DAY") else "TIMESTAMP")
    return _dt("TIMESTAMP") if this is not None and this.this in _TIMESTAMP else None


def _add_sub(self: Any, e: exp.Add | exp.Sub) -> str:
    # DATE +/- INTERVAL of days or months is a DATE (DuckDB: a TIMESTAMP); of hours a TIMESTAMP.
    result = _interval_result(_type(e.this), e.expression) if _interval_unit(e.expression) else None
    if result is not None:
        if result.this == T.DATE:
            return f"CAST({_base(self, e)} AS DATE)"
        if not (isinstance(e.this, exp.Cast) and e.this.to.this == T.TIMESTAMPTZ):
            return _render_with(self, e, "this", exp.cast(e.this, T.TIMESTAMPTZ))
    return _decimal_result(self, e)


def _pmod(self: Any, a: exp.Expression, n: exp.Expression) -> str:
    # pmod: the remainder made non-negative only when it is negative (pmod(7, -3) is 1).
    r, m = f"(({self.sql(a)}) % ({self.sql(n)}))", f"({self.sql(n)})"
    return f"CASE WHEN {r} < 0 THEN ({r} + {m}) % {m} ELSE {r} END"


def _rounding(self: Any, e: exp.Ceil | exp.Floor | exp.Round) -> str:
    # ceil/floor are BIGINT (DECIMAL(p-s+1,0) for decimals); round of a DECIMAL keeps Databricks' precision.
    kinds = {T.DECIMAL} if isinstance(e, exp.Round) else {T.DECIMAL, T.BIGINT}
    return _cast_to(self, _base(self, e), _type(e), kinds)


def _sum_avg(self: Any, e: exp.Sum | exp.Avg) -> str:
    # sum of INT is BIGINT (DuckDB: HUGEINT), of DECIMAL(p,s) DECIMAL(p+10,s); avg of DECIMAL(p,s) is DECIMAL(p+4,s+4).
    return _cast_to(self, _base(self, e), _type(e), {T.BIGINT, T.DECIMAL})


def _cast(self: Any, e: exp.Cast) -> str:
    to, src = e.to, e.this
    if to.this in _INTEGRAL and _is(src, _TIMESTAMP):
        # a TIMESTAMP as a number counts the seconds since 1970-01-01 00:00:00 UTC.
        return f"CAST(FLOOR(EPOCH({_tz(self, src)})) AS {self.sql(to)})"
    if to.this in _TIMESTAMP and to.this != T.TIMESTAMPNTZ and _is(src, set(_INTEGRAL) | _FLOATING | {T.DECIMAL}):
        # ... and a number as a TIMESTAMP is that many seconds since then.
        return self.func("TO_TIMESTAMP", src)
    if to.this == T.TIMESTAMP and _is_statement_node(e):
        # to_timestamp(x) and timestamp(x) are TIMESTAMPs in the session time zone.
        return _render_with(self, e, "to", exp.DataType.build("TIMESTAMPTZ"))
    if to.this in _INTEGRAL and _is(src, _FLOATING | {T.DECIMAL}):
        # numeric to integral truncates toward zero; DuckDB rounds.
        return _render_with(self, e, "this", exp.func("TRUNC", src))
    if to.this in _INTEGRAL and _is(src, {T.VARCHAR, T.TEXT}):
        # a STRING must read as an integral literal ('2.5' is not one); DuckDB rounds it.
        check = f"REGEXP_FULL_MATCH(TRIM({self.sql(src)}), '[+-]?[0-9]+')"
        head = exp.Literal.string("[CAST_INVALID_INPUT] The value '")
        tail = exp.Literal.string(
            f"' of the type \"STRING\" cannot be cast to \"{to.sql('databricks')}\" because it is malformed."
            " Use try_cast to tolerate malformed input and return NULL instead."
        )
        fail = "NULL" if isinstance(e, exp.TryCast) else f"ERROR({self.sql(head)} || {self.sql(src)} || {self.sql(tail)})"
        return f"CASE WHEN {check} THEN {_base(self, e)} ELSE {fail} END"
    if to.this in (T.VARCHAR, T.TEXT) and _is(src, _TIMESTAMP):
        # a TIMESTAMP as STRING shows the session's wall time without an offset.
        return f"CAST(CAST({self.sql(src)} AS TIMESTAMP) AS TEXT)"
    return _base(self, e)


def _sign(self: Any, e: exp.Sign) -> str:
    # sign is DOUBLE.
    return f"CAST(SIGN({self.sql(e, 'this')}) AS DOUBLE)"


def _safe(op: str) -> Callable[[Any, Any], str]:
    # try_add / try_subtract / try_multiply give NULL on overflow.
    return lambda self, e: f"TRY(({self.sql(e.this)}) {op} ({self.sql(e.expression)}))"


def _safe_divide(self: Any, e: exp.SafeDivide) -> str:
    # try_divide is NULL for a zero divisor, and DECIMAL for decimals as / is.
    a, b = self.sql(e.this), self.sql(e.expression)
    sql = f"CASE WHEN ({b}) <> 0 THEN ({a}) / ({b}) END"
    return _cast_to(self, sql, _arith_type(exp.Div, e.this, e.expression), {T.DECIMAL})


def _number_format(fmt: str) -> tuple[int, int] | None:
    """(precision, scale) of a to_number pattern such as '999,999.99' or '$99.00'."""
    body = fmt.upper().replace("$", "").replace(",", "").replace("G", "").replace("D", ".")
    if body.count(".") > 1 or not body.replace(".", "") or set(body) - set("09."):
        return None
    whole, _, frac = body.partition(".")
    return len(whole) + len(frac), len(frac)


def _to_number(self: Any, e: exp.ToNumber, safe: bool = False) -> str:
    # to_number(s, fmt) is DECIMAL(p,s) per its pattern; try_to_number gives NULL where s does not fit.
    fmt = e.args.get("format")
    ps = _number_format(fmt.this) if isinstance(fmt, exp.Literal) and fmt.is_string else None
    if ps is None:
        return _base(self, e)
    cleaned = f"REPLACE(REPLACE({self.sql(e.this)}, ',', ''), '$', '')"
    return f"{'TRY_CAST' if safe else 'CAST'}({cleaned} AS DECIMAL({ps[0]}, {ps[1]}))"


def _literal(self: Any, e: exp.Literal) -> str:
    # A decimal literal below 1 such as 0.05 is DECIMAL(2,2); DuckDB counts the leading zero.
    sql = _base(self, e)
    node = e.parent if isinstance(e.parent, exp.Alias) else e
    projected = isinstance(node.parent, exp.Select) and node.arg_key == "expressions"
    text = e.this.lower()
    if projected and e.is_number and "." in text and "e" not in text and text.split(".")[0] in ("", "0", "-0"):
        return f"CAST({sql} AS {self.sql(_literal_type(e))})"
    return sql


# --- aggregates ---------------------------------------------------------------------------------


def _any(self: Any, e: exp.Any) -> str:
    # any(cond) as an aggregate is bool_or; `x = ANY (subquery)` stays.
    if isinstance(e.parent, (exp.Binary, exp.Predicate)) and not isinstance(e.parent, exp.Connector):
        return _base(self, e)
    return self.func("BOOL_OR", e.this.unnest() if isinstance(e.this, exp.Paren) else e.this)


def _ignore_nulls(self: Any, e: exp.IgnoreNulls) -> str:
    # first(x, true) / last(x) IGNORE NULLS as aggregates skip NULLs: DuckDB takes them in FILTER.
    inner = e.this
    if isinstance(e.parent, exp.Window) or not isinstance(inner, (exp.First, exp.Last, exp.FirstValue, exp.LastValue)):
        return _base(self, e)
    name = "FIRST" if isinstance(inner, (exp.First, exp.FirstValue)) else "LAST"
    return f"{name}({self.sql(inner.this)}) FILTER(WHERE {self.sql(inner.this)} IS NOT NULL)"


def _count_if(self: Any, e: exp.CountIf) -> str:
    # count_if is BIGINT and 0 over no rows (sqlglot's SUM(CASE ...) is HUGEINT, and NULL then).
    if isinstance(e.this, exp.Distinct):
        return _base(self, e)
    return f"COUNT(*) FILTER(WHERE {self.sql(e.this)})"


def _collect(self: Any, e: exp.ArrayAgg | exp.ArrayUniqueAgg) -> str:
    # collect_list / collect_set over no rows are [] (DuckDB: NULL); windows and FILTER keep sqlglot's.
    sql = _base(self, e)
    return sql if isinstance(e.parent, (exp.Window, exp.Filter, exp.WithinGroup)) else f"COALESCE({sql}, [])"


def _quantile(self: Any, e: exp.Quantile) -> str:
    # percentile(x, p) interpolates and is DOUBLE (DuckDB's QUANTILE picks an element).
    q = e.args.get("quantile")
    return f"CAST({self.func('QUANTILE_CONT', e.this, q)} AS {'DOUBLE[]' if isinstance(q, exp.Array) else 'DOUBLE'})"


def _within_group(self: Any, e: exp.WithinGroup) -> str:
    # percentile_cont / percentile_disc (p) WITHIN GROUP (ORDER BY x) are DOUBLE (DuckDB keeps x's type).
    if not isinstance(e.this, (exp.PercentileCont, exp.PercentileDisc)):
        return _base(self, e)
    to = "DOUBLE[]" if isinstance(e.this.this, exp.Array) else "DOUBLE"
    return f"CAST({_base(self, e)} AS {to})"


def _approx_quantile(self: Any, e: exp.ApproxQuantile) -> str:
    # percentile_approx returns an element of the data, the one of rank ceil(p * n), as
    # QUANTILE_DISC does; DuckDB's APPROX_QUANTILE interpolates between elements.
    return self.func("QUANTILE_DISC", e.this, e.args.get("quantile"))


# --- functions sqlglot keeps as exp.Anonymous, by name ------------------------------------------


def _try_aggregate(kind: type[exp.Sum] | type[exp.Avg]) -> Callable[[Any, list], str | None]:
    # try_sum / try_avg: sum / avg with NULL where the result overflows its type.
    def render(self: Any, args: list) -> str | None:
        if len(args) != 1:
            return None
        name = "SUM" if kind is exp.Sum else "AVG"
        t = (_sum_type if kind is exp.Sum else _avg_type)(_type(args[0]))
        sql = f"{name}({self.sql(args[0])})"
        return f"TRY_CAST({sql} AS {self.sql(t)})" if t is not None and t.this in (T.BIGINT, T.DECIMAL) else sql

    return render


def _anon_format_number(self: Any, args: list) -> str | None:
    # format_number(x, d): thousands grouped, d decimals, half-even as Java's DecimalFormat.
    d = _int_literal(args[1]) if len(args) == 2 else None
    if d is None or d < 0:
        return None
    x = self.func("ROUND_EVEN", args[0], exp.Literal.number(d)) if _is(args[0], {T.DECIMAL}) else args[0]
    return self.func("FORMAT", exp.Literal.string(f"{{:,.{d}f}}"), x)  # a DECIMAL rounded exactly first


def _anon_bround(self: Any, args: list) -> str | None:
    # bround rounds half to even.
    decimals = args[1] if len(args) > 1 else None
    sql = self.func("ROUND_EVEN", args[0], decimals or exp.Literal.number(0))
    return _cast_to(self, sql, _round_type(_type(args[0]), decimals), {T.DECIMAL})


ANONYMOUS: dict[str, Callable[[Any, list], str | None]] = {
    "WEEKDAY": lambda self, a: f"CAST(ISODOW({_date(self, a[0])}) - 1 AS INTEGER)",  # 0 = Monday
    "DATE_PART": lambda self, a: _extract_sql(self, a[0].name, a[1]) if len(a) == 2 and a[0].is_string else None,
    "TIMESTAMP_SECONDS": lambda self, a: self.func("TO_TIMESTAMP", a[0]),
    "TIMESTAMP_MILLIS": lambda self, a: f"TO_TIMESTAMP({self.sql(a[0])} / 1000.0)",
    "OCTET_LENGTH": lambda self, a: f"CAST(STRLEN({self.sql(a[0])}) AS INTEGER)",
    "BTRIM": lambda self, a: self.func("TRIM", *a),
    "FORMAT_NUMBER": _anon_format_number,
    "PMOD": lambda self, a: _pmod(self, a[0], a[1]) if len(a) == 2 else None,
    "BROUND": _anon_bround,
    "TRY_TO_NUMBER": lambda self, a: _to_number(self, exp.ToNumber(this=a[0].copy(), format=a[1].copy()), safe=True)
    if len(a) == 2 else None,
    "ISNULL": lambda self, a: f"({self.sql(a[0])} IS NULL)" if len(a) == 1 else None,
    "ISNOTNULL": lambda self, a: f"({self.sql(a[0])} IS NOT NULL)" if len(a) == 1 else None,
    "TRY_SUM": _try_aggregate(exp.Sum),
    "TRY_AVG": _try_aggregate(exp.Avg),
    "SOME": lambda self, a: self.func("BOOL_OR", *a),
    "EVERY": lambda self, a: self.func("BOOL_AND", *a),
}
"""Renderings of functions sqlglot keeps as exp.Anonymous, by upper-case name; None keeps
sqlglot's own (DuckDB's function of the same name)."""


def _anonymous(self: Any, e: exp.Anonymous) -> str:
    render = ANONYMOUS.get(str(e.this).upper())
    sql = render(self, e.expressions) if render else None
    return sql if sql is not None else _base(self, e)


TRANSFORMS: dict[type[exp.Expression], Callable[[Any, Any], str]] = {
    # dates and times
    **dict.fromkeys((exp.Year, exp.Month, exp.Day, exp.DayOfMonth, exp.DayOfYear, exp.WeekOfYear, exp.Quarter,
                     exp.Hour, exp.Minute, exp.Second), _cast_base("INTEGER")),  # INT, not BIGINT
    exp.DayOfWeek: _day_of_week,
    exp.Extract: _extract,
    exp.DateDiff: _date_diff,
    exp.TimestampDiff: _timestamp_diff,
    exp.TsOrDsAdd: _ts_or_ds_add,
    exp.TimestampAdd: _timestamp_add,
    exp.MonthsBetween: _months_between,
    exp.TimestampTrunc: _timestamp_trunc,
    exp.DateTrunc: _date_trunc,
    exp.TimeToStr: _with_format,
    exp.UnixToStr: _with_format,
    exp.StrToDate: _with_format,
    exp.TsOrDsToDate: _with_format,
    exp.StrToTime: _str_to_time,
    exp.StrToUnix: _str_to_unix,
    exp.Dayname: lambda self, e: f"STRFTIME({_date(self, e.this)}, '%a')",  # 'Mon', not 'Monday'
    exp.Monthname: lambda self, e: f"STRFTIME({_date(self, e.this)}, '%b')",  # 'Jan', not 'January'
    exp.UnixSeconds: lambda self, e: f"CAST(FLOOR(EPOCH({_tz(self, e.this)})) AS BIGINT)",  # truncated, not rounded
    exp.LastDay: lambda self, e: self.func("LAST_DAY", _date(self, e.this)),  # of a DATE (also a string)
    exp.TimestampFromParts: _cast_base("TIMESTAMPTZ"),  # make_timestamp is a TIMESTAMP (session time zone)
    exp.Add: _add_sub,
    exp.Sub: _add_sub,
    # strings
    exp.StrPosition: _cast_base("INTEGER"),  # instr / locate / position are INT
    exp.Length: _cast_base("INTEGER"),  # length / char_length are INT
    exp.BitLength: _cast_base("INTEGER"),
    exp.Substring: _substring,
    exp.RegexpReplace: _regexp_replace,
    exp.RegexpSplit: _regexp_split,
    exp.Replace: _replace,
    exp.Format: _format,
    exp.RegexpSubstr: lambda self, e: (  # the first match, NULL when there is none
        f"CASE WHEN REGEXP_MATCHES({self.sql(e.this)}, {self.sql(e.expression)})"
        f" THEN REGEXP_EXTRACT({self.sql(e.this)}, {self.sql(e.expression)}) END"
    ),
    exp.Like: _like,
    exp.ILike: _like,
    exp.Concat: _concat,
    # numbers and casts
    exp.IntDiv: _int_div,
    exp.Mul: _decimal_result,
    exp.Div: _div,
    exp.Mod: _decimal_result,
    exp.Sign: _sign,
    exp.Nanvl: lambda self, e: f"CASE WHEN ISNAN({self.sql(e.this)}) THEN {self.sql(e.expression)} ELSE {self.sql(e.this)} END",
    exp.Ceil: _rounding,
    exp.Floor: _rounding,
    exp.Round: _rounding,
    exp.Cast: _cast,
    exp.TryCast: _cast,
    exp.SafeAdd: _safe("+"),
    exp.SafeSubtract: _safe("-"),
    exp.SafeMultiply: _safe("*"),
    exp.SafeDivide: _safe_divide,
    exp.ToNumber: _to_number,
    exp.Literal: _literal,
    # aggregates
    exp.Sum: _sum_avg,
    exp.Avg: _sum_avg,
    exp.Any: _any,
    exp.CountIf: _count_if,
    exp.IgnoreNulls: _ignore_nulls,
    exp.ArrayAgg: _collect,
    exp.ArrayUniqueAgg: _collect,
    exp.Quantile: _quantile,
    exp.ApproxQuantile: _approx_quantile,
    exp.Median: _cast_base("DOUBLE"),  # median is DOUBLE
    exp.WithinGroup: _within_group,
    # functions sqlglot does not know
    exp.Anonymous: _anonymous,
}
