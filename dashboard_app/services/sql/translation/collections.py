"""Arrays, maps, structs, JSON and higher-order functions: Databricks' results on DuckDB.

Each override names the Databricks behaviour it keeps. Functions sqlglot leaves as
`Anonymous` (no expression class of their own) are dispatched by name in `_ANONYMOUS`.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.generator import Generator
from sqlglot.optimizer.annotate_types import annotate_types

_BASE = DuckDB.Generator.TRANSFORMS


# --- helpers ---------------------------------------------------------------------------------


def _raw(sql: str) -> exp.Expression:
    """Already generated SQL, to place inside an expression tree (parenthesised: it may be an operation)."""
    return exp.Paren(this=exp.Var(this=sql))


def _lambda(self: Generator, body: exp.Expression, *names: str) -> str:
    return self.sql(exp.Lambda(this=body, expressions=[exp.to_identifier(n) for n in names]))


def _is_param_ref(node: exp.Identifier) -> bool:
    parent, key = node.parent, node.arg_key
    if isinstance(parent, exp.Dot):
        return key == "this"
    if isinstance(parent, exp.PropertyEQ):
        return key == "expression"
    if isinstance(parent, exp.Alias):
        return key == "this"
    return not isinstance(parent, (exp.Column, exp.Lambda, exp.TableAlias, exp.Table))


def _bind(lam: exp.Lambda, *args: exp.Expression) -> exp.Expression:
    """The body of `lam` with its parameters replaced by `args` (inner lambdas' own names kept)."""
    params = {p.name: a for p, a in zip(lam.expressions, args)}
    body = lam.this.copy()

    def shadowed(node: exp.Expression, name: str) -> bool:
        inner = node.find_ancestor(exp.Lambda)
        while inner is not None:
            if any(p.name == name for p in inner.expressions):
                return True
            inner = inner.find_ancestor(exp.Lambda)
        return False

    def sub(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Identifier) and node.name in params and _is_param_ref(node) and not shadowed(node, node.name):
            return params[node.name].copy()
        if isinstance(node, exp.Column) and not node.table and node.name in params and not shadowed(node, node.name):
            return params[node.name].copy()
        return node

    if isinstance(body, (exp.Identifier, exp.Column)) and body.name in params:
        return params[body.name].copy()
    return body.transform(sub, copy=False)


def _ref(name: str) -> exp.Identifier:
    return exp.to_identifier(name)


def _type(e: exp.Expression, depth: int = 0) -> exp.DataType | None:
    found = e.type if e.type and not e.is_type(exp.DType.UNKNOWN) else None
    if found is None and isinstance(e, exp.Column) and depth < 8:
        source = _column_source(e)
        found = _type(source, depth + 1) if source is not None else None
    if found is None:
        found = annotate_types(e.copy(), dialect=DuckDB).type
    if found is None or found.is_type(exp.DType.UNKNOWN):
        found = _scalar_type(e)
    return None if found is None or found.is_type(exp.DType.UNKNOWN) else found


def _column_source(col: exp.Column) -> exp.Expression | None:
    """The expression a column stands for when the statement itself defines it: a projection
    of a subquery or CTE in the FROM clause, or a VALUES column (its first non-NULL value)."""
    select = col.find_ancestor(exp.Select)
    if select is None:
        return None
    from_ = select.args.get("from_")
    sources = ([from_.this] if from_ else []) + [j.this for j in select.args.get("joins") or []]
    for src in sources:
        alias = src.args.get("alias")
        name = alias.name if alias and alias.name else (src.name if isinstance(src, exp.Table) else "")
        if col.table and col.table != name:
            continue
        names = [c.name for c in alias.columns] if alias and alias.columns else None
        if isinstance(src, exp.Values):
            width = len(src.expressions[0].expressions) if src.expressions and isinstance(src.expressions[0], exp.Tuple) else 1
            names = names or [f"col{i + 1}" for i in range(width)]
            if col.name in names:
                i = names.index(col.name)
                rows = [r.expressions[i] if isinstance(r, exp.Tuple) else r for r in src.expressions]
                return next((v for v in rows if not isinstance(v, exp.Null)), None)
            continue
        query = src.this if isinstance(src, exp.Subquery) else None
        if isinstance(src, exp.Table) and not src.db:
            query = _cte(select, src.name)
        while isinstance(query, exp.SetOperation):
            query = query.this
        if isinstance(query, exp.Select):
            for i, projection in enumerate(query.selects):
                if (names[i] if names and i < len(names) else projection.alias_or_name) == col.name:
                    return projection.unalias()
    return None


def _cte(node: exp.Expression, name: str) -> exp.Expression | None:
    scope: exp.Expression | None = node
    while scope is not None:
        with_ = scope.args.get("with_") if isinstance(scope, exp.Query) else None
        for cte in with_.expressions if with_ else []:
            if cte.alias == name:
                return cte.this
        scope = scope.parent
    return None


def _scalar_type(e: exp.Expression) -> exp.DataType | None:
    """The type the scalars module knows for `e` (it knows the sample tables' columns)."""
    from . import scalars

    known = getattr(scalars, "_type", None)
    try:
        return known(e) if known else None
    except Exception:  # noqa: BLE001 - a type is a refinement, never a reason to fail
        return None


_MAP_MAKERS = (exp.Map, exp.VarMap, exp.MapFromEntries, exp.StrToMap, exp.ToMap)
_MAP_FUNCS = {"map_filter", "transform_keys", "transform_values", "map_concat", "map_zip_with"}


def _is_map(e: exp.Expression) -> bool:
    if isinstance(e, _MAP_MAKERS) or (isinstance(e, exp.Anonymous) and e.name.lower() in _MAP_FUNCS):
        return True
    found = _type(e)
    return bool(found and found.is_type(exp.DType.MAP))


def _null_if_any_null(arrays: list[str], sql: str) -> str:
    test = " OR ".join(f"{a} IS NULL" for a in arrays)
    return f"CASE WHEN {test} THEN NULL ELSE {sql} END"


def _distinct(arr: str) -> str:
    # Databricks keeps the first occurrence of each element, in order, NULL included.
    return f"LIST_FILTER({arr}, LAMBDA __d, __i : LIST_POSITION({arr}, __d) = __i)"


# --- arrays ----------------------------------------------------------------------------------


def _size(self: Generator, e: exp.Expression) -> str:
    # INT, as Databricks' size() and cardinality(); CARDINALITY also counts a map's entries.
    arg = e.this if isinstance(e, exp.ArraySize) else e.expressions[0]
    return f"CAST(CARDINALITY({self.sql(arg)}) AS INT)"


def _array_position(self: Generator, e: exp.ArrayPosition) -> str:
    # Databricks: BIGINT, 1-based, 0 when absent, NULL for a NULL array or element.
    arr, val = self.sql(e, "this"), self.sql(e, "expression")
    return f"CASE WHEN {arr} IS NULL OR {val} IS NULL THEN NULL ELSE CAST(COALESCE(LIST_POSITION({arr}, {val}), 0) AS BIGINT) END"


def _array_distinct(self: Generator, e: exp.ArrayDistinct) -> str:
    return _distinct(self.sql(e, "this"))  # LIST_DISTINCT drops NULL and loses the order


def _array_union(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    a, b = self.sql(args[0]), self.sql(args[1])
    return _null_if_any_null([a, b], _distinct(f"LIST_CONCAT({a}, {b})"))


def _array_intersect(self: Generator, e: exp.ArrayIntersect) -> str:
    # Elements of the first array found in the second, each once, in the first array's order.
    a, b = (self.sql(x) for x in e.expressions[:2])
    return _null_if_any_null([a, b], f"LIST_FILTER({_distinct(a)}, LAMBDA __x : LIST_POSITION({b}, __x) IS NOT NULL)")


def _array_except(self: Generator, e: exp.ArrayExcept) -> str:
    a, b = self.sql(e, "this"), self.sql(e, "expression")
    return _null_if_any_null([a, b], f"LIST_FILTER({_distinct(a)}, LAMBDA __x : LIST_POSITION({b}, __x) IS NULL)")


def _arrays_overlap(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    # TRUE on a common non-NULL element; else NULL when both are non-empty and one holds a NULL.
    a, b = self.sql(args[0]), self.sql(args[1])
    return (
        f"CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL WHEN LIST_HAS_ANY({a}, {b}) THEN TRUE"
        f" WHEN LEN({a}) > 0 AND LEN({b}) > 0 AND (LIST_POSITION({a}, NULL) IS NOT NULL"
        f" OR LIST_POSITION({b}, NULL) IS NOT NULL) THEN NULL ELSE FALSE END"
    )


def _array_remove(self: Generator, e: exp.ArrayRemove) -> str:
    # Databricks keeps the NULL elements, and gives NULL when the element removed is NULL.
    arr, val = self.sql(e, "this"), self.sql(e, "expression")
    return f"CASE WHEN {val} IS NULL THEN NULL ELSE LIST_FILTER({arr}, LAMBDA __x : __x IS NULL OR __x <> {val}) END"


def _array_repeat(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    value, count = self.sql(args[0]), self.sql(args[1])
    return f"CASE WHEN {count} IS NULL THEN NULL ELSE REPEAT([{value}], GREATEST({count}, 0)) END"


def _flatten(self: Generator, e: exp.Flatten) -> str:
    arr = self.sql(e, "this")  # Databricks: NULL when any inner array is NULL
    return f"CASE WHEN LIST_POSITION({arr}, NULL) IS NOT NULL THEN NULL ELSE FLATTEN({arr}) END"


def _arrays_zip(self: Generator, e: exp.ArraysZip) -> str:
    # Fields named after the columns zipped, else '0', '1', ...; the shorter arrays padded with NULL.
    arrays = [self.sql(a) for a in e.expressions]
    names = [a.name if isinstance(a, exp.Column) else str(i) for i, a in enumerate(e.expressions)]
    longest = arrays[0] if len(arrays) == 1 else f"GREATEST({', '.join(f'LEN({a})' for a in arrays)})"
    fields = ", ".join(f"{self.sql(exp.Literal.string(n))}: {a}[__z + 1]" for n, a in zip(names, arrays))
    return _null_if_any_null(arrays, f"LIST_TRANSFORM(RANGE({longest}), LAMBDA __z : {{{fields}}})")


def _sequence(self: Generator, e: exp.GenerateSeries) -> str:
    # Databricks counts down when start > stop, steps dates by a day, and keeps the
    # type of its bounds (ARRAY<INT>, ARRAY<DATE>); GENERATE_SERIES gives BIGINT and TIMESTAMP.
    if e.args.get("is_end_exclusive"):
        return _BASE[exp.GenerateSeries](self, e)
    start, end, step = e.args.get("start"), e.args.get("end"), e.args.get("step")
    types = [_type(start), _type(end)]
    temporal = any(t is not None and t.is_type(*exp.DataType.TEMPORAL_TYPES) for t in types)
    s, t = self.sql(start), self.sql(end)
    if step is None:
        up, down = ("INTERVAL '1' DAY", "INTERVAL '-1' DAY") if temporal else ("1", "-1")
        step_sql = f"CASE WHEN {s} <= {t} THEN {up} ELSE {down} END"
    else:
        step_sql = self.sql(step)
    months = _month_step(step)
    if months:
        # Databricks adds i * step to the start (Jan 31 + 1 month = Feb 29, + 2 months = Mar 31);
        # GENERATE_SERIES adds a month at a time (Feb 29, then Mar 29).
        count = f"DATE_DIFF('month', {s}, {t}) // {months}"
        shifted = f"LIST_TRANSFORM(GENERATE_SERIES(0, {count}), LAMBDA __m : {s} + TO_MONTHS(CAST(__m * {months} AS INT)))"
        series = f"LIST_FILTER({shifted}, LAMBDA __s : __s {'<=' if months > 0 else '>='} {t})"
    else:
        series = f"GENERATE_SERIES({s}, {t}, {step_sql})"
    if all(x is not None and x.is_type(exp.DType.DATE) for x in types):
        return f"LIST_TRANSFORM({series}, LAMBDA __s : CAST(__s AS DATE))"
    small = (exp.DType.INT, exp.DType.SMALLINT, exp.DType.TINYINT)
    if all(x is not None and x.is_type(*small) for x in types):
        return f"CAST({series} AS INT[])"
    return series


_MONTHS = {"MONTH": 1, "MONTHS": 1, "QUARTER": 3, "QUARTERS": 3, "YEAR": 12, "YEARS": 12}


def _month_step(step: exp.Expression | None) -> int | None:
    """The months in a literal INTERVAL n MONTH / YEAR step, else None."""
    if not isinstance(step, exp.Interval) or not isinstance(step.this, exp.Literal):
        return None
    per = _MONTHS.get(str(step.args.get("unit").name if step.args.get("unit") else "").upper())
    try:
        return per * int(step.this.name) if per else None
    except ValueError:
        return None


def _array_sort(self: Generator, e: exp.ArraySort) -> str:
    comparator = e.expression
    if not isinstance(comparator, exp.Lambda):
        return _BASE[exp.ArraySort](self, e)
    # LIST_SORT takes no comparator: each element's rank is the number of elements that sort
    # before it (ties by position, so the sort is stable), and LIST_GRADE_UP orders by rank.
    arr = self.sql(e, "this")
    cmp = self.sql(_bind(comparator, _ref("__y"), _ref("__x")))
    before = f"LIST_FILTER({arr}, LAMBDA __y, __j : ({cmp}) < 0 OR (({cmp}) = 0 AND __j < __i))"
    return f"LIST_SELECT({arr}, LIST_GRADE_UP(LIST_TRANSFORM({arr}, LAMBDA __x, __i : LEN({before}))))"


def _bracket(self: Generator, e: exp.Bracket) -> str:
    # x[i] is a 0-based position in an array and a key in a map. sqlglot shifts the index
    # only when it sees an integer index on a base not known as a map: give it the types of
    # the columns the statement defines (CTEs, subqueries, VALUES) and of the sample tables.
    index = e.expressions[0] if len(e.expressions) == 1 else None
    if e.args.get("offset", 0) == 0 and index is not None and not isinstance(index, exp.Slice) and not e.args.get("json_access"):
        this = e.this
        base = _type(this)
        if base is not None and base.is_type(exp.DType.MAP):
            this.type = base
        else:
            key = _type(index)
            if key is not None and key.is_type(*exp.DataType.INTEGER_TYPES):
                index.type = key
            elif key is None and base is not None and base.is_type(exp.DType.ARRAY):
                index.type = exp.DataType.build("INT")  # an array's index is an INT
    return DuckDB.Generator.bracket_sql(self, e)


def _struct(self: Generator, e: exp.Struct) -> str:
    # struct(*) and struct(t.*) pack every column, named after it: DuckDB's *COLUMNS(...).
    def star(f: exp.Expression) -> bool:
        return isinstance(f, exp.Star) or (isinstance(f, exp.Column) and isinstance(f.this, exp.Star))

    if not any(star(f) for f in e.expressions):
        return _BASE[exp.Struct](self, e)
    parts = []
    for i, f in enumerate(e.expressions):
        if star(f):
            parts.append(f"*COLUMNS({self.sql(f)})")
        elif isinstance(f, exp.PropertyEQ):
            parts.append(f"{self.sql(exp.to_identifier(f.name))} := {self.sql(f, 'expression')}")
        else:
            name = f.name if isinstance(f, exp.Column) else f"col{i + 1}"
            parts.append(f"{self.sql(exp.to_identifier(name))} := {self.sql(f)}")
    return f"STRUCT_PACK({', '.join(parts)})"


# --- higher-order functions ------------------------------------------------------------------


def _zero_based_index(self: Generator, lam: exp.Expression) -> exp.Expression:
    """A (x, i) lambda whose index counts from 0 as an INT, as in Databricks (DuckDB: 1, BIGINT)."""
    if not isinstance(lam, exp.Lambda) or len(lam.expressions) != 2:
        return lam
    index = lam.expressions[1]
    body = _bind(lam, lam.expressions[0], _raw(f"CAST({self.sql(index)} - 1 AS INT)"))
    return exp.Lambda(this=body, expressions=[p.copy() for p in lam.expressions])


def _transform(self: Generator, e: exp.Transform) -> str:
    return self.func("LIST_TRANSFORM", e.this, _zero_based_index(self, e.expression))


def _filter(self: Generator, e: exp.ArrayFilter) -> str:
    return self.func("LIST_FILTER", e.this, _zero_based_index(self, e.expression))


def _three_valued(self: Generator, arr: exp.Expression, lam: exp.Lambda, *, any_: bool) -> str:
    # exists: TRUE if one is TRUE, else NULL if one is NULL, else FALSE; forall the dual.
    names = [p.name for p in lam.expressions]
    a = self.sql(arr)
    decisive = lam.this.copy() if any_ else exp.Not(this=exp.Paren(this=lam.this.copy()))
    unknown = exp.Is(this=exp.Paren(this=lam.this.copy()), expression=exp.Null())
    hit, miss = ("TRUE", "FALSE") if any_ else ("FALSE", "TRUE")
    return (
        f"CASE WHEN {a} IS NULL THEN NULL"
        f" WHEN LEN(LIST_FILTER({a}, {_lambda(self, decisive, *names)})) > 0 THEN {hit}"
        f" WHEN LEN(LIST_FILTER({a}, {_lambda(self, unknown, *names)})) > 0 THEN NULL ELSE {miss} END"
    )


def _exists(self: Generator, e: exp.Exists) -> str:
    if isinstance(e.expression, exp.Lambda):  # exists(array, x -> ...), not EXISTS (subquery)
        return _three_valued(self, e.this, e.expression, any_=True)
    return self.exists_sql(e)


def _forall(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    return _three_valued(self, args[0], args[1], any_=False)


def _reduce(self: Generator, e: exp.Reduce) -> str:
    reduced = self.func("LIST_REDUCE", e.this, e.args.get("merge"), e.args.get("initial"))
    finish = e.args.get("finish")
    if not isinstance(finish, exp.Lambda):
        return reduced
    # The finish lambda applied once to the accumulated value (sqlglot drops it).
    return f"LIST_TRANSFORM([{reduced}], {self.sql(finish)})[1]"


def _zip_with(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    a, b = self.sql(args[0]), self.sql(args[1])
    body = _bind(args[2], _raw(f"{a}[__z + 1]"), _raw(f"{b}[__z + 1]"))
    return _null_if_any_null([a, b], f"LIST_TRANSFORM(RANGE(GREATEST(LEN({a}), LEN({b}))), {_lambda(self, body, '__z')})")


def _entry(part: str) -> exp.Expression:
    return exp.Dot(this=_ref("__e"), expression=_ref(part))


def _map_filter(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    body = _bind(args[1], _entry("key"), _entry("value"))
    return f"MAP_FROM_ENTRIES(LIST_FILTER(MAP_ENTRIES({self.sql(args[0])}), {_lambda(self, body, '__e')}))"


def _transform_entries(self: Generator, args: list[exp.Expression], *, keys: bool) -> str:
    new = self.sql(_bind(args[1], _entry("key"), _entry("value")))
    key, value = (new, "__e.value") if keys else ("__e.key", new)
    return f"MAP_FROM_ENTRIES(LIST_TRANSFORM(MAP_ENTRIES({self.sql(args[0])}), LAMBDA __e : {{'key': {key}, 'value': {value}}}))"


def _map_contains_key(self: Generator, e: exp.MapContainsKey) -> str:
    return f"LIST_CONTAINS(MAP_KEYS({self.sql(e, 'this')}), {self.sql(e, 'key')})"  # sqlglot swaps them


def _str_to_map(self: Generator, e: exp.StrToMap) -> str:
    # Databricks splits on regular expressions: pairs, then each pair once into key and value
    # (a pair without the delimiter maps to NULL). Keys and values are STRING.
    text = self.sql(e, "this")
    pairs = self.sql(e, "pair_delim") or "','"
    kv = self.sql(e, "key_value_delim") or "':'"
    key = f"REGEXP_SPLIT_TO_ARRAY(__p, {kv})[1]"
    value = f"CASE WHEN REGEXP_MATCHES(__p, {kv}) THEN SUBSTRING(__p, LENGTH({key}) + LENGTH(REGEXP_EXTRACT(__p, {kv})) + 1) END"
    entry = f"{{'key': {key}, 'value': {value}}}"
    return f"MAP_FROM_ENTRIES(LIST_TRANSFORM(REGEXP_SPLIT_TO_ARRAY({text}, {pairs}), LAMBDA __p : {entry}))"


# --- generators: explode, posexplode, inline, json_tuple -------------------------------------

_OUTER_NAMES = {"inline_outer"}


def _generator_kind(gen: exp.Expression) -> str | None:
    if isinstance(gen, exp.Posexplode):
        return "posexplode"
    if isinstance(gen, exp.Explode):
        return "explode"
    if isinstance(gen, exp.Inline) or (isinstance(gen, exp.Anonymous) and gen.name.lower() == "inline_outer"):
        return "inline"
    if isinstance(gen, exp.Anonymous) and gen.name.lower() == "json_tuple":
        return "json_tuple"
    return None


def _is_outer(gen: exp.Expression) -> bool:
    return isinstance(gen, exp.ExplodeOuter) or (isinstance(gen, exp.Anonymous) and gen.name.lower() in _OUTER_NAMES)


def _projection(self: Generator, gen: exp.Expression, names: list[str] | None, *, pad: bool) -> str | None:
    """The select list a Databricks generator stands for, with Databricks' column names;
    `pad` keeps one all-NULL row for an empty or NULL input (the _outer variants)."""
    kind = _generator_kind(gen)
    if kind is None:
        return None
    q = lambda name: self.sql(exp.to_identifier(name))  # noqa: E731
    if kind == "json_tuple":
        doc, *keys = gen.expressions
        j = self.sql(doc)
        cols = []
        for i, key in enumerate(keys):
            if key.is_string:  # a top-level key, taken whole (dots and all)
                path = self.sql(exp.Literal.string('$."' + key.name.replace('"', '\\"') + '"'))
            else:
                path = f"'$.\"' || {self.sql(key)} || '\"'"
            name = names[i] if names and i < len(names) else f"c{i}"
            cols.append(f"CASE WHEN JSON_VALID({j}) THEN {j} ->> {path} END AS {q(name)}")
        return ", ".join(cols)
    arg = gen.this if not isinstance(gen, exp.Anonymous) else gen.expressions[0]
    a = self.sql(arg)

    def padded(lst: str, size: str) -> str:
        return f"CASE WHEN {size} > 0 THEN {lst} ELSE [NULL] END" if pad else lst

    if kind == "inline":
        src = padded(a, f"LEN({a})")
        if names:
            fields = ", ".join(f"{self.sql(exp.Literal.string(n))}: STRUCT_EXTRACT_AT(__s, {i + 1})" for i, n in enumerate(names))
            src = f"LIST_TRANSFORM({src}, LAMBDA __s : {{{fields}}})"
        return f"UNNEST({src}, max_depth := 2)"
    cols = []
    # A map gives key and value: known from its type, or from the number of names given.
    named_as_map = bool(names) and len(names) == (3 if kind == "posexplode" else 2)
    if named_as_map or _is_map(arg):
        default = ["key", "value"]
        lists = [padded(f"MAP_KEYS({a})", f"CARDINALITY({a})"), padded(f"MAP_VALUES({a})", f"CARDINALITY({a})")]
        first = f"MAP_KEYS({a})"
    else:
        default = ["col"]
        lists = [padded(a, f"LEN({a})")]
        first = a
    if kind == "posexplode":
        default = ["pos", *default]
        # 0-based INT positions; an empty input yields none, so the padded row has a NULL pos.
        cols.append(f"CAST(GENERATE_SUBSCRIPTS({first}, 1) - 1 AS INT)")
    cols += [f"UNNEST({lst})" for lst in lists]
    names = names if names and len(names) == len(cols) else default
    return ", ".join(f"{c} AS {q(n)}" for c, n in zip(cols, names))


def _generator(self: Generator, e: exp.Expression) -> str:
    parent = e.parent
    if isinstance(parent, exp.Table):  # FROM explode(...) AS t(x)
        return f"(SELECT {_projection(self, e, None, pad=_is_outer(e))})"
    if isinstance(parent, exp.Select) and e.arg_key == "expressions":
        return _projection(self, e, None, pad=_is_outer(e)) or ""
    if isinstance(e, exp.Inline) and not isinstance(parent, exp.Alias):
        return _projection(self, e, None, pad=False) or ""
    # Under AS x: the single column, unnamed here.
    if isinstance(e, exp.Posexplode):
        return _projection(self, e, None, pad=_is_outer(e)) or ""
    arg = self.sql(e, "this")
    return f"UNNEST({f'CASE WHEN LEN({arg}) > 0 THEN {arg} ELSE [NULL] END' if _is_outer(e) else arg})"


def _aliases(self: Generator, e: exp.Aliases) -> str:
    # posexplode(a) AS (p, c), explode(m) AS (k, v), inline(a) AS (x, y), json_tuple(...) AS (...)
    names = [i.name for i in e.expressions]
    found = _projection(self, e.this, names, pad=_is_outer(e.this))
    return found if found is not None else DuckDB.Generator.aliases_sql(self, e)


def _lateral(self: Generator, e: exp.Lateral) -> str:
    # LATERAL VIEW [OUTER] gen(...) t AS cols: a lateral subquery, LEFT JOINed when OUTER so
    # rows with an empty or NULL input stay (with NULLs); positions 0-based INT.
    gen = e.this
    if not e.args.get("view") or _generator_kind(gen) is None:
        return _BASE[exp.Lateral](self, e)
    alias = e.args.get("alias")
    names = [c.name for c in alias.columns] if alias else []
    select = _projection(self, gen, names or None, pad=False)
    table = self.sql(alias.this) if alias and alias.this else f"_lv{e.index}"
    if e.args.get("outer") or _is_outer(gen):
        return f"{self.seg('LEFT JOIN LATERAL')} (SELECT {select}) AS {table} ON TRUE"
    return f"{self.seg('CROSS JOIN LATERAL')} (SELECT {select}) AS {table}"


# --- JSON ------------------------------------------------------------------------------------


def _json_guarded(self: Generator, e: exp.Expression) -> str:
    # get_json_object and j:path return STRING, string values unquoted, and NULL for text
    # that is not JSON (DuckDB raises).
    doc = self.sql(e, "this")
    path = self.sql(e, "expression")
    if isinstance(e.expression, exp.JSONPath) and e.expression.find(exp.JSONPathWildcard):
        # [*] matches a list: Databricks gives its JSON text, a single match unwrapped.
        found = f"LIST_TRANSFORM([JSON_EXTRACT({doc}, {path})], LAMBDA __w : CASE WHEN LEN(__w) = 0 THEN NULL" \
            f" WHEN LEN(__w) = 1 THEN __w[1] ->> '$' ELSE CAST(TO_JSON(__w) AS TEXT) END)[1]"
        return f"CASE WHEN JSON_VALID({doc}) THEN {found} END"
    return f"CASE WHEN JSON_VALID({doc}) THEN {doc} ->> {path} END"


def _json_extract(self: Generator, e: exp.JSONExtract) -> str:
    if e.args.get("variant_extract") and not e.expressions:  # the j:a.b syntax
        return _json_guarded(self, e)
    return _BASE[exp.JSONExtract](self, e)


def _json_extract_scalar(self: Generator, e: exp.JSONExtractScalar) -> str:
    if e.args.get("scalar_only"):
        return DuckDB.Generator.jsonextractscalar_sql(self, e)
    return _json_guarded(self, e)


def _json_array_length(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    j = self.sql(args[0])  # INT; NULL when not a JSON array
    return f"CASE WHEN JSON_VALID({j}) THEN CASE WHEN JSON_TYPE({j}) = 'ARRAY' THEN CAST(JSON_ARRAY_LENGTH({j}) AS INT) END END"


def _json_keys(self: Generator, e: exp.JSONKeys) -> str:
    j = self.sql(e, "this")  # NULL when not a JSON object
    return f"CASE WHEN JSON_VALID({j}) THEN CASE WHEN JSON_TYPE({j}) = 'OBJECT' THEN JSON_KEYS({j}) END END"


def _without_nulls(self: Generator, node: exp.Expression) -> str:
    """JSON for a struct built in the statement, without its NULL fields (Databricks' to_json
    omits them), nested structs alike."""
    if isinstance(node, exp.Array) and any(isinstance(x, exp.Struct) for x in node.expressions):
        return f"TO_JSON([{', '.join(f'CAST({_without_nulls(self, x)} AS JSON)' for x in node.expressions)}])"
    if not isinstance(node, exp.Struct):
        return f"TO_JSON({self.sql(node)})"
    copy = node.copy()
    for field in copy.expressions:
        value = field.expression if isinstance(field, exp.PropertyEQ) else field
        if isinstance(value, (exp.Struct, exp.Array)):
            value.replace(_raw(f"CAST({_without_nulls(self, value)} AS JSON)"))
    entries = f"MAP_ENTRIES(CAST(TO_JSON({self.sql(copy)}) AS MAP(TEXT, JSON)))"
    # (A comparison, not IS NOT NULL: DuckDB refuses that operator beside struct(*)'s *COLUMNS.)
    return f"TO_JSON(MAP_FROM_ENTRIES(LIST_FILTER({entries}, LAMBDA __e : JSON_TYPE(__e.value) <> 'NULL')))"


def _to_json(self: Generator, e: exp.JSONFormat) -> str:
    if isinstance(e.this, (exp.Struct, exp.Array)) and not e.args.get("options"):
        return f"CAST({_without_nulls(self, e.this)} AS TEXT)"
    return _BASE[exp.JSONFormat](self, e)


def _schema_type(text: str) -> exp.DataType | None:
    text = text.strip()
    head = text.upper()
    try:
        if head.startswith(("ARRAY<", "MAP<", "STRUCT<")) or re.fullmatch(r"[A-Za-z]+(\(.*\))?", text):
            return exp.DataType.build(text, dialect="databricks")
        return exp.DataType.build(f"STRUCT<{text}>", dialect="databricks")
    except Exception:  # noqa: BLE001 - not a schema sqlglot reads: leave the call as written
        return None


def _structure(self: Generator, dt: exp.DataType) -> Any:
    """The JSON structure DuckDB's json_transform takes for a Databricks type."""
    if dt.is_type(exp.DType.STRUCT):
        return {f.name: _structure(self, f.args["kind"]) for f in dt.expressions}
    if dt.is_type(exp.DType.ARRAY) and dt.expressions:
        return [_structure(self, dt.expressions[0])]
    return self.sql(dt)


def _from_json(self: Generator, e: exp.FromJson) -> str:
    # Databricks takes a DDL schema ('a INT, b STRING'); DuckDB a JSON structure. A string that
    # is not JSON gives a struct of NULLs (an array or map: NULL), as in Databricks.
    schema = e.expression
    if isinstance(schema, exp.Anonymous) and schema.name.lower() == "schema_of_json":
        inferred = _inferred_schema(schema.expressions[0]) if schema.expressions else None
        schema = exp.Literal.string(inferred) if inferred else schema
    dt = _schema_type(schema.name) if isinstance(schema, exp.Literal) and schema.is_string else None
    if dt is None:
        return self.function_fallback_sql(e)
    structure = self.sql(exp.Literal.string(json.dumps(_structure(self, dt), separators=(",", ":"))))
    doc = self.sql(e, "this")
    fallback = "'{}'" if dt.is_type(exp.DType.STRUCT) else "NULL"
    return f"JSON_TRANSFORM(CASE WHEN JSON_VALID({doc}) THEN {doc} ELSE {fallback} END, {structure})"


def _spark_type(value: Any) -> str | None:
    """The type Databricks' JSON schema inference gives a value (None: a JSON null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "BIGINT" if -(2**63) <= value < 2**63 else "DECIMAL(38,0)"
    if isinstance(value, float):
        return "DOUBLE"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list):
        merged: Any = None
        for item in value:
            merged = _merge(merged, _spark_type(item))
        return f"ARRAY<{merged or 'STRING'}>"
    fields = []
    for key in sorted(value):  # Databricks sorts the inferred fields by name
        name = key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else "`" + key.replace("`", "``") + "`"
        fields.append(f"{name}: {_spark_type(value[key]) or 'STRING'}")
    return f"STRUCT<{', '.join(fields)}>"


def _merge(a: str | None, b: str | None) -> str | None:
    if a is None or a == b:
        return b if a is None else a
    if b is None:
        return a
    if {a, b} <= {"BIGINT", "DOUBLE"}:
        return "DOUBLE"
    return "STRING"


def _inferred_schema(arg: exp.Expression) -> str | None:
    if not (isinstance(arg, exp.Literal) and arg.is_string):
        return None  # Databricks requires a literal
    try:
        value = json.loads(arg.name)
    except ValueError:
        return None
    return _spark_type(value) or "STRING"


def _schema_of_json(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    # Worked out here from the literal, as Databricks infers it (sorted fields, BIGINT, DOUBLE).
    inferred = _inferred_schema(args[0]) if args else None
    return self.sql(exp.Literal.string(inferred)) if inferred else self.anonymous_sql(e)


# --- windows ---------------------------------------------------------------------------------

_INT_RANKINGS = (exp.RowNumber, exp.Rank, exp.DenseRank, exp.Ntile)


def _plain(self: Generator, e: exp.Expression) -> str:
    """sqlglot's own DuckDB rendering of `e`, without this project's overrides."""
    fn = _BASE.get(type(e)) or getattr(DuckDB.Generator, f"{e.key}_sql", None)
    return fn(self, e) if fn else self.function_fallback_sql(e)


def _window(self: Generator, e: exp.Window) -> str:
    fn = e.this
    if isinstance(fn, _INT_RANKINGS):
        # row_number, rank, dense_rank and ntile are INT in Databricks (BIGINT in DuckDB).
        return f"CAST({DuckDB.Generator.window_sql(self, e)} AS INT)"
    if isinstance(fn, exp.AggFunc):
        # An aggregate rendered as CAST(f(x) AS t) (its Databricks type) keeps the cast
        # around the whole window: CAST(f(x) OVER (...) AS t), as CAST(...) OVER is not SQL.
        own, plain = self.sql(fn), _plain(self, fn)
        head = f"CAST({plain} AS "
        if own != plain and own.startswith(head) and own.endswith(")"):
            window = e.copy()
            window.set("this", exp.Var(this=plain))
            return f"CAST({DuckDB.Generator.window_sql(self, window)} AS {own[len(head):-1]})"
    return DuckDB.Generator.window_sql(self, e)


# --- tables ----------------------------------------------------------------------------------


def _values(self: Generator, e: exp.Values) -> str:
    # An inline table's columns are col1, col2, ... in Databricks (DuckDB: col0, col1, ...).
    alias = e.args.get("alias")
    if not isinstance(e.parent, (exp.From, exp.Join)) or (alias and alias.columns) or not e.expressions:
        return DuckDB.Generator.values_sql(self, e)
    width = len(e.expressions[0].expressions) if isinstance(e.expressions[0], exp.Tuple) else 1
    columns = [exp.to_identifier(f"col{i + 1}") for i in range(width)]
    name = alias.this.copy() if alias and alias.this else exp.to_identifier("valueslist")
    e.set("alias", exp.TableAlias(this=name, columns=columns))
    try:
        return DuckDB.Generator.values_sql(self, e)
    finally:
        e.set("alias", alias)


def _range(self: Generator, args: list[exp.Expression], e: exp.Anonymous) -> str:
    # FROM range(...) has one BIGINT column `id` in Databricks (DuckDB names it `range`).
    if isinstance(e.parent, exp.Table):
        return f"(SELECT range AS id FROM {DuckDB.Generator.anonymous_sql(self, e)})"
    return DuckDB.Generator.anonymous_sql(self, e)


# --- by name ---------------------------------------------------------------------------------

_ANONYMOUS: dict[str, Callable[[Generator, list[exp.Expression], exp.Anonymous], str]] = {
    "cardinality": lambda self, args, e: _size(self, e),
    "array_union": _array_union,
    "arrays_overlap": _arrays_overlap,
    "array_repeat": _array_repeat,
    "forall": _forall,
    "zip_with": _zip_with,
    "map_filter": _map_filter,
    "transform_keys": lambda self, args, e: _transform_entries(self, args, keys=True),
    "transform_values": lambda self, args, e: _transform_entries(self, args, keys=False),
    "json_array_length": _json_array_length,
    "schema_of_json": _schema_of_json,
    "inline_outer": lambda self, args, e: _generator(self, e),
    "json_tuple": lambda self, args, e: _generator(self, e),
    "range": _range,
}


def _anonymous(self: Generator, e: exp.Anonymous) -> str:
    handler = _ANONYMOUS.get(e.name.lower())
    if handler is not None:
        return handler(self, e.expressions, e)
    from . import scalars  # the other subject's functions by name, if it has any

    other = scalars.TRANSFORMS.get(exp.Anonymous)
    return other(self, e) if other is not None else DuckDB.Generator.anonymous_sql(self, e)


TRANSFORMS: dict[type[exp.Expression], Callable[[Any, Any], str]] = {
    exp.Anonymous: _anonymous,
    exp.ArraySize: _size,
    exp.ArrayPosition: _array_position,
    exp.ArrayDistinct: _array_distinct,
    exp.ArrayIntersect: _array_intersect,
    exp.ArrayExcept: _array_except,
    exp.ArrayRemove: _array_remove,
    exp.Flatten: _flatten,
    exp.ArraysZip: _arrays_zip,
    exp.GenerateSeries: _sequence,
    exp.ArraySort: _array_sort,
    exp.Transform: _transform,
    exp.ArrayFilter: _filter,
    exp.Exists: _exists,
    exp.Reduce: _reduce,
    exp.MapContainsKey: _map_contains_key,
    exp.StrToMap: _str_to_map,
    exp.Explode: _generator,
    exp._ExplodeOuter: _generator,
    exp.Posexplode: _generator,
    exp.PosexplodeOuter: _generator,
    exp.Inline: _generator,
    exp.Aliases: _aliases,
    exp.Lateral: _lateral,
    exp.JSONExtract: _json_extract,
    exp.JSONExtractScalar: _json_extract_scalar,
    exp.JSONKeys: _json_keys,
    exp.JSONFormat: _to_json,
    exp.FromJson: _from_json,
    exp.Window: _window,
    exp.Values: _values,
    exp.Bracket: _bracket,
    exp.Struct: _struct,
}
