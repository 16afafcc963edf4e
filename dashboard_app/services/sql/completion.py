"""Completions for the SQL editor: keywords, functions and catalog names at the cursor.

The page sends the editor's text and the cursor offset (debounced); `Completer.complete`
answers with the offset where the word being typed begins and at most `limit` options, best
first. The context comes from the current statement only (split on `;` outside strings,
comments and quoted names) and from at most `WINDOW` characters either side of the cursor,
so a 1 MB text costs no more than a short one.

The text is lexed with Databricks' lexical rules: '...' and "..." strings with backslash
escapes, r'...' raw strings, $$...$$ bodies, `quoted` names (`` doubles a backtick), -- and
nested /* */ comments. Unlike sqlglot's tokenizer, this lexer accepts a text that stops in
the middle of a string or comment (the usual state while typing) and says so: inside a
string literal, a comment or a number there is nothing to offer.

Contexts:
- `catalog.` -> the catalog's schemas; `catalog.schema.` -> its tables and views; `schema.`
  (a schema of the default catalog) -> its tables;
- `alias.` / `table.` / `schema.table.` / `catalog.schema.table.` -> columns of the table the
  statement's FROM / JOIN / UPDATE / INTO / MERGE ... USING names so (CTEs and subqueries give
  the columns their select list or column list names);
- a bare word -> keywords, functions, catalogs, the default schema's tables, CTE names and
  the columns of the statement's tables, ranked for the clause (tables first after FROM /
  JOIN, columns first after SELECT / WHERE / ON ..., keywords first after a complete term).
  Keywords and functions are offered in the case being typed; names keep their own.

Metadata is fetched lazily, only where the text points, through the engine's four listing
methods, and cached per identity pool key (`identity.pool_key or identity.user`) for `ttl_s`,
for at most `max_users` identities; concurrent misses for one entry share one fetch. A failed
listing (unknown catalog, no permission, network) gives fewer options, never an exception,
and is remembered for a few seconds so a debounced editor does not hammer the engine.
Table listings are indexed once per fetch, so a prefix over a 10,000-table schema costs a
binary search and at most `limit` options.

Pure Python; never imports Reflex.
"""

from __future__ import annotations

import bisect
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..listing_cache import ListingCache
from .engine import ColumnInfo, Identity, TableInfo

__all__ = ["FUNCTIONS", "KEYWORDS", "Completer", "Completions", "Option", "quote_name"]

log = logging.getLogger(__name__)

#: Characters looked at on either side of the cursor.
WINDOW = 20_000
#: FROM/JOIN tables whose columns a bare word may list.
MAX_TABLES_FOR_COLUMNS = 8
#: A failed listing is remembered this long (at most ttl_s), so typing does not retry it per key.
NEGATIVE_TTL_S = 10.0
#: Cached listings per identity (least recently used dropped first).
MAX_ENTRIES_PER_USER = 1024
#: A CTE or subquery body longer than this is not parsed for its column names.
MAX_DERIVED_CHARS = 8_000
#: Upper bound on `limit`.
MAX_LIMIT = 500


@dataclass(frozen=True)
class Option:
    label: str  # what is inserted (quoted with backticks when the name needs it)
    type: str  # "keyword" | "function" | "catalog" | "schema" | "table" | "view" | "column"
    detail: str = ""  # e.g. the column's type, the table's kind/comment (short)


@dataclass(frozen=True)
class Completions:
    start: int  # offset in the text where the replaced word begins
    options: list[Option]  # best first, at most `limit`
    prefix: str  # the word being completed (as typed, with its opening backtick if quoted)


# --- words ----------------------------------------------------------------------------------

#: Databricks SQL keywords offered for a bare word (clauses, operators, DDL/DML, types).
KEYWORDS: tuple[str, ...] = tuple(sorted(set("""
ADD AFTER ALL ALTER ALWAYS ANALYZE AND ANTI ANY ARRAY AS ASC AT BETWEEN BIGINT BINARY BOOLEAN
BOTH BY CACHE CASCADE CASE CAST CATALOG CATALOGS CHANGE CHAR CHECK CLONE CLUSTER CLUSTERED
COLLATE COLUMN COLUMNS COMMENT COMPUTE CONSTRAINT COPY CREATE CROSS CUBE CURRENT DATA DATABASE
DATABASES DATE DAY DAYS DECIMAL DEEP DEFAULT DELETE DESC DESCRIBE DETAIL DISTINCT DISTRIBUTE
DOUBLE DROP ELSE END ESCAPE EXCEPT EXISTS EXPLAIN EXTENDED EXTERNAL FALSE FETCH FIELDS
FILEFORMAT FILTER FIRST FLOAT FOLLOWING FOR FOREIGN FORMAT FORMAT_OPTIONS FROM FULL FUNCTION
FUNCTIONS GENERATED GRANT GROUP GROUPING HAVING HISTORY HOUR HOURS IDENTIFIER IDENTITY IF
IGNORE ILIKE IN INNER INSERT INT INTEGER INTERSECT INTERVAL INTO IS JOIN KEY LANGUAGE LAST
LATERAL LEFT LIKE LIMIT LIVE LOCATION MAP MATCHED MATERIALIZED MERGE MINUS MINUTE MINUTES MONTH
MONTHS NATURAL NO NOT NULL NULLS OF OFFSET ON OPTIMIZE OPTIONS OR ORDER OUTER OVER OVERWRITE
PARTITION PARTITIONED PARTITIONS PERCENT PIVOT PRECEDING PRIMARY PRIVILEGES PURGE QUALIFY
QUARTER RANGE RECURSIVE REFERENCES REFRESH REGEXP RENAME REPAIR REPLACE RESPECT RESTORE RETURN
RETURNS REVOKE RIGHT RLIKE ROLLUP ROW ROWS SCHEMA SCHEMAS SECOND SECONDS SELECT SEMI SET SETS
SHALLOW SHOW SMALLINT SOME SORT SOURCE STATISTICS STREAM STREAMING STRING STRUCT SYNC TABLE
TABLES TABLESAMPLE TAGS TARGET TBLPROPERTIES TEMP TEMPORARY THEN TIMESTAMP TIMESTAMP_NTZ
TINYINT TO TRUE TRUNCATE UNBOUNDED UNCACHE UNION UNKNOWN UNPIVOT UNSET UPDATE USE USING VACUUM
VALUES VARIANT VERSION VIEW VIEWS VOID WEEK WEEKS WHEN WHERE WINDOW WITH WITHIN YEAR YEARS
ZORDER
""".split())))

#: Type names offered after `::` and in CAST(x AS ...).
TYPES: tuple[str, ...] = tuple(sorted(set("""
ARRAY BIGINT BINARY BOOLEAN BYTE CHAR DATE DEC DECIMAL DOUBLE FLOAT INT INTEGER INTERVAL LONG
MAP NUMERIC REAL SHORT SMALLINT STRING STRUCT TIMESTAMP TIMESTAMP_LTZ TIMESTAMP_NTZ TINYINT
VARCHAR VARIANT VOID
""".split())))

# Databricks SQL built-in functions (aggregate, window, string, math, date/time, collections,
# JSON/CSV/XML/variant, conditional, AI and geospatial ones people type most).
_BUILTIN_FUNCTIONS = """
abs acos acosh add_months aes_decrypt aes_encrypt aggregate ai_analyze_sentiment ai_classify
ai_extract ai_fix_grammar ai_forecast ai_gen ai_mask ai_query ai_similarity ai_summarize
ai_translate any_value approx_count_distinct approx_percentile approx_top_k array array_agg
array_append array_compact array_contains array_distinct array_except array_insert
array_intersect array_join array_max array_min array_position array_prepend array_remove
array_repeat array_size array_sort array_union arrays_overlap arrays_zip ascii asin asinh
assert_true atan atan2 atanh avg base64 bin bit_and bit_count bit_get bit_length bit_or bit_xor
bitmap_bit_position bitmap_bucket_number bitmap_construct_agg bitmap_count bitmap_or_agg
bool_and bool_or bround btrim cardinality cast cbrt ceil ceiling char char_length
character_length charindex chr coalesce collect_list collect_set concat concat_ws contains conv
convert_timezone corr cos cosh cot count count_if count_min_sketch covar_pop covar_samp crc32
csc cume_dist curdate current_catalog current_database current_date current_metastore
current_schema current_timestamp current_timezone current_user current_version date date_add
date_diff date_format date_from_unix_date date_part date_sub date_trunc dateadd datediff day
dayname dayofmonth dayofweek dayofyear decode degrees dense_rank div e element_at elt encode
endswith equal_null every exists exp explode explode_outer expm1 extract factorial filter
find_in_set first first_value flatten floor forall format_number format_string from_csv
from_json from_unixtime from_utc_timestamp from_xml get get_json_object getbit getdate
greatest grouping grouping_id h3_distance h3_h3tostring h3_kring h3_longlatash3
h3_polyfillash3 h3_stringtoh3 h3_toparent hash hex histogram_numeric hll_sketch_agg
hll_sketch_estimate hll_union hll_union_agg hour http_request hypot if iff ifnull ilike initcap
inline inline_outer input_file_name instr is_account_group_member is_member is_variant_null
isnan isnotnull isnull json_array_length json_object_keys json_tuple kurtosis lag last
last_day last_value lcase lead least left len length levenshtein like listagg ln locate log
log10 log1p log2 lower lpad ltrim luhn_check make_date make_dt_interval make_interval
make_timestamp make_ym_interval map map_concat map_contains_key map_entries map_filter
map_from_arrays map_from_entries map_keys map_values map_zip_with mask max max_by md5 mean
median min min_by minute mod mode monotonically_increasing_id month months_between
named_struct nanvl negative next_day now nth_value ntile nullif nullifzero nvl nvl2
octet_length overlay parse_json parse_url percent_rank percentile percentile_approx
percentile_cont percentile_disc pi pmod posexplode posexplode_outer position positive pow
power printf quarter radians raise_error rand randn random range rank read_files read_kafka
reduce regexp regexp_count regexp_extract regexp_extract_all regexp_instr regexp_like
regexp_replace regexp_substr regr_avgx regr_avgy regr_count regr_intercept regr_r2 regr_slope
regr_sxx regr_sxy regr_syy repeat replace reverse right rint rlike round row_number rpad rtrim
schema_of_csv schema_of_json schema_of_json_agg schema_of_variant schema_of_variant_agg
schema_of_xml sec second secret sentences sequence session_user session_window sha sha1 sha2
shiftleft shiftright shiftrightunsigned shuffle sign signum sin sinh size skewness slice
some sort_array soundex space split split_part sqrt st_area st_astext st_contains st_distance
st_geomfromtext st_intersects st_point stack startswith std stddev stddev_pop stddev_samp
str_to_map string_agg struct substr substring substring_index sum tan tanh timediff timestamp
timestamp_micros timestamp_millis timestamp_seconds timestampadd timestampdiff to_binary
to_char to_csv to_date to_json to_number to_timestamp to_unix_timestamp to_utc_timestamp
to_varchar to_xml transform transform_keys transform_values translate trim trunc try_add
try_aes_decrypt try_avg try_cast try_divide try_element_at try_mod try_multiply
try_parse_json try_secret try_subtract try_sum try_to_binary try_to_number try_to_timestamp
try_url_decode try_variant_get typeof ucase unbase64 unhex uniform unix_date unix_micros
unix_millis unix_seconds unix_timestamp upper url_decode url_encode user uuid var_pop var_samp
variance variant_explode variant_get vector_search version weekday weekofyear width_bucket
window window_time xpath xpath_boolean xpath_double xpath_int xpath_string xxhash64 year
zeroifnull zip_with
"""

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _sqlglot_functions() -> set[str]:
    """Functions sqlglot's Databricks (Spark, Hive) parser knows beyond its generic registry.

    sqlglot's generic registry mixes in other dialects' functions (BigQuery's, Snowflake's),
    so only the Databricks lineage's own additions are taken; type names are left out.
    """
    try:
        from sqlglot.dialects.dialect import Dialect
        from sqlglot.parser import Parser

        parser = Dialect.get_or_raise("databricks").parser_class
        extra = set(parser.FUNCTIONS) - set(Parser.FUNCTIONS)
    except Exception:  # noqa: BLE001  # pragma: no cover - depends on the sqlglot build
        return set()
    return {n.lower() for n in extra if _PLAIN_NAME.match(n) and n.upper() not in TYPES and n.upper() not in {"FLOAT", "INT"}}


FUNCTIONS: tuple[str, ...] = tuple(sorted(set(_BUILTIN_FUNCTIONS.split()) | _sqlglot_functions()))

#: Words that cannot be a bare identifier (Spark's ANSI reserved words, Databricks' reserved
#: join words, and a few clause words): names spelled like them are inserted in backticks.
RESERVED: frozenset[str] = frozenset("""
ALL AND ANTI ANY ARRAY AS AUTHORIZATION BETWEEN BOTH BY CASE CAST CHECK COLLATE COLUMN CONSTRAINT
CREATE CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEFAULT DISTINCT ELSE END
ESCAPE EXCEPT EXISTS FALSE FETCH FILTER FOR FOREIGN FROM FULL GRANT GROUP HAVING IN INNER
INTERSECT INTERVAL INTO IS JOIN LATERAL LEADING LEFT LIKE LIMIT MINUS NATURAL NOT NULL OF OFFSET
ON ONLY OR ORDER OUTER OVERLAPS PIVOT PRIMARY QUALIFY REFERENCES RIGHT SELECT SEMI SESSION_USER
SOME TABLE THEN TIME TO TRAILING TRUE UNION UNIQUE UNKNOWN UNPIVOT USER USING VALUES WHEN WHERE
WINDOW WITH
""".split())


def quote_name(name: str) -> str:
    """`name` as typed in SQL: bare when it is a plain word, else in backticks (`` doubled)."""
    if _PLAIN_NAME.match(name) and name.upper() not in RESERVED:
        return name
    return "`" + name.replace("`", "``") + "`"


# --- lexer ----------------------------------------------------------------------------------


class _Tok:
    """One lexeme. kind: word | qid (quoted name) | str | num | op | comment | cursor."""

    __slots__ = ("kind", "text", "start", "end", "closed")

    def __init__(self, kind: str, text: str, start: int, end: int, closed: bool = True):
        self.kind = kind
        self.text = text  # word: as written; qid: the name unquoted; op: the operator
        self.start = start
        self.end = end  # exclusive
        self.closed = closed  # False: a string / comment / quoted name the text stops inside

    @property
    def is_name(self) -> bool:
        return self.kind in ("word", "qid")

    def is_op(self, text: str) -> bool:
        return self.kind == "op" and self.text == text

    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Tok({self.kind}, {self.text!r}, {self.start}, {self.end}, {self.closed})"


_LEXEME = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<line>--[^\r\n]*)
    | (?P<block>/\*)
    | (?P<str>(?P<raw>[rR])?(?P<q>['"]))
    | (?P<dollar>\$\$)
    | (?P<qid>`(?P<qbody>[^`]*(?:``[^`]*)*)(?P<qclose>`)?)
    | (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[A-Za-z_]*)
    | (?P<word>[^\W\d]\w*)
    | (?P<op>::|<=>|<=|>=|<>|!=|==|\|\||->|=>|\S)
    """,
    re.VERBOSE,
)
_STRING_BODY = {q: re.compile(rf"[^{q}\\]*(?:\\[\s\S][^{q}\\]*)*") for q in ("'", '"')}
_COMMENT_MARK = re.compile(r"/\*|\*/")


def _lex(text: str, pos: int, endpos: int) -> Iterator[_Tok]:
    """Lexemes of text[pos:endpos] (whitespace dropped, comments kept as kind "comment")."""
    match = _LEXEME.match
    while pos < endpos:
        m = match(text, pos, endpos)
        if m is None:  # pragma: no cover - the op group matches any non-space character
            return
        kind = m.lastgroup
        start = pos
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "line":
            # A line comment goes on to the end of the line: never "closed" at its end.
            yield _Tok("comment", "", start, pos, closed=False)
        elif kind == "block":
            depth, closed = 1, False
            for mark in _COMMENT_MARK.finditer(text, pos, endpos):
                depth += 1 if mark.group() == "/*" else -1
                if depth == 0:
                    pos, closed = mark.end(), True
                    break
            if not closed:
                pos = endpos
            yield _Tok("comment", "", start, pos, closed)
        elif kind == "str":
            q = m.group("q")
            if m.group("raw"):
                close = text.find(q, pos, endpos)
            else:
                body = _STRING_BODY[q].match(text, pos, endpos)
                close = body.end() if body.end() < endpos and text[body.end()] == q else -1
            if close < 0:
                yield _Tok("str", "", start, endpos, closed=False)
                return
            pos = close + 1
            yield _Tok("str", "", start, pos)
        elif kind == "dollar":
            close = text.find("$$", pos, endpos)
            if close < 0:
                yield _Tok("str", "", start, endpos, closed=False)
                return
            pos = close + 2
            yield _Tok("str", "", start, pos)
        elif kind == "qid":
            yield _Tok("qid", m.group("qbody").replace("``", "`"), start, pos, closed=m.group("qclose") is not None)
        else:
            yield _Tok(kind, m.group(), start, pos)  # num, word, op


@dataclass
class _Context:
    start: int  # where the replaced word begins
    typed: str  # text[start:cursor]
    prefix: str  # the name typed so far (unquoted)
    quoted: bool  # the word began with a backtick
    before: list[_Tok]  # the statement's significant tokens before the word
    statement: list[_Tok]  # the statement's significant tokens, the word replaced by a "cursor" token


def _context(text: str, cursor: int) -> _Context | None:
    """The word at the cursor and its statement; None where nothing may be offered."""
    lo = max(0, cursor - WINDOW)
    if lo > 0:  # start on a line boundary: less likely to begin inside a string
        nl = text.find("\n", lo, cursor)
        if nl >= 0:
            lo = nl + 1
    hi = min(len(text), cursor + WINDOW)
    before: list[_Tok] = []
    after: list[_Tok] = []
    current: _Tok | None = None
    relex = False
    for tok in _lex(text, lo, hi):
        if tok.start >= cursor:  # after the cursor: up to the end of the statement
            if tok.is_op(";"):
                break
            if tok.kind != "comment":
                after.append(tok)
            continue
        # A word or number ending at the cursor is being typed; so is anything unclosed
        # (a line comment is never closed: it runs on to the end of its line).
        inside = tok.end > cursor or (tok.end == cursor and (tok.kind in ("word", "num") or not tok.closed))
        if not inside:
            if tok.is_op(";"):
                before.clear()
            elif tok.kind != "comment":
                before.append(tok)
            continue
        if tok.kind in ("str", "comment", "num"):
            return None
        if tok.kind in ("word", "qid"):
            current = tok
            if tok.kind == "qid" and (not tok.closed or "\n" in text[cursor : tok.end]):
                # A backtick just typed runs on to the next one in the text: read what
                # follows the cursor as the statement's rest, not as part of the name.
                relex = True
                break
        else:
            before.append(tok)
    if relex:
        for tok in _lex(text, cursor, hi):
            if tok.is_op(";"):
                break
            if tok.kind != "comment":
                after.append(tok)
    if current is not None:
        start = current.start
        quoted = current.kind == "qid"
        typed = text[start:cursor]
        prefix = typed[1:].replace("``", "`") if quoted else typed
    else:
        start, quoted, typed, prefix = cursor, False, "", ""
    if before and not quoted:
        prev = before[-1]
        # `:name` is a parameter marker; `1.5` was lexed as a number.
        if prev.is_op(":") and prev.end == start:
            return None
    marker = _Tok("cursor", prefix, start, cursor)
    return _Context(start, typed, prefix, quoted, before, before + [marker] + after)


# --- the statement's tables -----------------------------------------------------------------


@dataclass
class _TableRef:
    parts: tuple[str, ...]  # as written: 1, 2 or 3 names


class _Derived:
    """A CTE or a subquery: its columns are the names its select list gives (or its column list)."""

    def __init__(self, names: list[str] | None, body: tuple[int, int] | None, text: str):
        self._names = names
        self._body = body
        self._text = text
        self._parsed: list[str] | None = None
        self._done = False

    def columns(self) -> list[str]:
        if self._names:
            return self._names
        if self._done:
            return self._parsed or []
        self._done = True
        if self._body is None or self._body[1] - self._body[0] > MAX_DERIVED_CHARS:
            return []
        self._parsed = _select_names(self._text[self._body[0] : self._body[1]])
        return self._parsed or []


def _select_names(sql: str) -> list[str] | None:
    """The names a query's select list gives its columns (None when it does not parse)."""
    try:
        from sqlglot import exp
        from sqlglot.dialects.dialect import Dialect

        from .guard import quiet_parser

        trees = quiet_parser().parse(Dialect.get_or_raise("databricks").tokenize(sql), sql)
        tree = trees[0] if trees else None
        if not isinstance(tree, exp.Query):
            return None
        # Named outputs only: a star's columns are unknown, an unnamed expression has no usable name.
        names = [s.alias_or_name for s in tree.selects if not isinstance(s, exp.Star)]
        return [n for n in dict.fromkeys(names) if n and n != "*"]
    except Exception:  # noqa: BLE001 - unparseable: no names
        return None


_Rel = _TableRef | _Derived

# Words after which a name is not an alias.
_NOT_ALIAS = RESERVED | frozenset(
    """CLUSTER DISTRIBUTE SORT SET TABLESAMPLE VERSION TIMESTAMP PARTITION REPLACE OVERWRITE
    WHEN MATCHED RETURN OPTIONS LOCATION COMMENT TBLPROPERTIES""".split()
)
# FROM inside these calls is part of the call: EXTRACT(YEAR FROM d), TRIM(BOTH 'x' FROM s).
_FROM_CALLS = frozenset({"EXTRACT", "TRIM", "SUBSTRING", "SUBSTR", "POSITION", "OVERLAY", "DATE_PART"})
_QUERY_START = frozenset({"SELECT", "WITH", "VALUES", "FROM", "TABLE"})


class _Relations:
    """The tables a statement's FROM / JOIN / UPDATE / INTO / MERGE ... USING clauses name."""

    def __init__(self, toks: Sequence[_Tok], text: str):
        self.toks = toks
        self.text = text
        self.refs: list[_Rel] = []
        self.names: dict[str, _Rel] = {}  # alias, or table name / dotted path (lower case)
        self.ctes: dict[str, _Derived] = {}
        self._match = self._pair_parens(toks)
        self._merge = bool(toks) and toks[0].word() == "MERGE"
        self._scan(0, len(toks), 0)

    @staticmethod
    def _pair_parens(toks: Sequence[_Tok]) -> dict[int, int]:
        match: dict[int, int] = {}
        stack: list[int] = []
        for i, t in enumerate(toks):
            if t.is_op("("):
                stack.append(i)
            elif t.is_op(")") and stack:
                match[stack.pop()] = i
        return match

    def _close(self, i: int, hi: int) -> int:
        """Index of the `)` closing the `(` at i (hi when unclosed)."""
        return min(self._match.get(i, hi), hi)

    def _scan(self, lo: int, hi: int, depth: int) -> None:
        if depth > 32:
            return
        toks = self.toks
        openers: list[str] = []
        i = lo
        while i < hi:
            t = toks[i]
            if t.is_op("("):
                openers.append(toks[i - 1].word() if i > lo else "")
            elif t.is_op(")"):
                if openers:
                    openers.pop()
            elif t.kind == "word":
                w = t.word()
                if w == "WITH":
                    i = self._ctes(i + 1, hi, depth)
                    continue
                starts_refs = w in ("FROM", "JOIN", "UPDATE", "INTO") or (w == "USING" and self._merge)
                if starts_refs and not (openers and openers[-1] in _FROM_CALLS):
                    i = self._refs(i + 1, hi, depth, listing=w == "FROM")
                    continue
            i += 1

    def _ctes(self, j: int, hi: int, depth: int) -> int:
        toks = self.toks
        if j < hi and toks[j].word() == "RECURSIVE":
            j += 1
        while j < hi and toks[j].is_name:
            name = toks[j].text
            k = j + 1
            cols: list[str] | None = None
            if k < hi and toks[k].is_op("("):
                close = self._close(k, hi)
                cols = [t.text for t in toks[k + 1 : close] if t.is_name]
                k = close + 1
            if k < hi and toks[k].word() == "AS":
                k += 1
            if not (k < hi and toks[k].is_op("(")):
                return j
            close = self._close(k, hi)
            body = (toks[k + 1].start, toks[close - 1].end) if close > k + 1 else None
            self.ctes[name.lower()] = _Derived(cols, body, self.text)
            self._scan(k + 1, close, depth + 1)
            j = close + 1
            if j < hi and toks[j].is_op(","):
                j += 1
                continue
            return j
        return j

    def _refs(self, j: int, hi: int, depth: int, *, listing: bool) -> int:
        toks = self.toks
        while j < hi:
            if toks[j].word() in ("TABLE", "LATERAL", "ONLY"):
                j += 1
                if j >= hi:
                    return j
            t = toks[j]
            rel: _Rel | None
            parts: tuple[str, ...] = ()
            if t.is_op("("):
                close = self._close(j, hi)
                first = toks[j + 1].word() if j + 1 < close else ""
                body = (toks[j + 1].start, toks[close - 1].end) if close > j + 1 else None
                rel = _Derived(None, body if first in _QUERY_START else None, self.text)
                self._scan(j + 1, close, depth + 1)
                j = close + 1
            elif t.is_name:
                names = [t.text]
                j += 1
                while j + 1 < hi and toks[j].is_op(".") and toks[j + 1].is_name:
                    names.append(toks[j + 1].text)
                    j += 2
                parts = tuple(names)
                if j < hi and toks[j].is_op("."):
                    return j  # a name still being typed (`FROM samples.tpch.|`)
                if j < hi and toks[j].is_op("("):  # a table function: range(10), read_files(...)
                    close = self._close(j, hi)
                    self._scan(j + 1, close, depth + 1)
                    j = close + 1
                    rel = _Derived(None, None, self.text)
                    parts = ()
                elif len(parts) == 1 and parts[0].lower() in self.ctes:
                    rel = self.ctes[parts[0].lower()]
                elif len(parts) <= 3:
                    rel = _TableRef(parts)
                else:
                    rel = None
            else:
                return j
            j = self._skip_modifiers(j, hi)
            alias = ""
            if j < hi and toks[j].word() == "AS":
                j += 1
            if j < hi and (toks[j].kind == "qid" or (toks[j].kind == "word" and toks[j].word() not in _NOT_ALIAS)):
                alias = toks[j].text
                j += 1
                if j < hi and toks[j].is_op("("):  # column aliases: t(a, b)
                    close = self._close(j, hi)
                    cols = [x.text for x in toks[j + 1 : close] if x.is_name]
                    if cols:
                        rel = _Derived(cols, None, self.text)
                    j = close + 1
            if rel is not None:
                self.refs.append(rel)
                if alias:
                    self.names[alias.lower()] = rel
                elif parts:
                    self.names.setdefault(parts[-1].lower(), rel)
                    self.names.setdefault(".".join(parts).lower(), rel)
            if listing and j < hi and toks[j].is_op(","):
                j += 1
                continue
            return j
        return j

    def _skip_modifiers(self, j: int, hi: int) -> int:
        """Skips TABLESAMPLE (...), VERSION AS OF n, TIMESTAMP AS OF '...', WITH (options)."""
        toks = self.toks
        while j < hi:
            w = toks[j].word()
            if w == "TABLESAMPLE" and j + 1 < hi and toks[j + 1].is_op("("):
                j = self._close(j + 1, hi) + 1
            elif w in ("VERSION", "TIMESTAMP") and j + 2 < hi and toks[j + 1].word() == "AS" and toks[j + 2].word() == "OF":
                j += 4
            elif w == "WITH" and j + 1 < hi and toks[j + 1].is_op("("):
                j = self._close(j + 1, hi) + 1
            else:
                return j
        return j


# --- clause of the word ---------------------------------------------------------------------

_AFTER_RELATION = frozenset({"FROM", "JOIN", "INTO", "UPDATE", "TABLE", "VIEW", "USE", "DESCRIBE", "OPTIMIZE", "VACUUM",
                             "EXTENDED", "DETAIL", "HISTORY", "CLONE", "CATALOG", "SCHEMA", "DATABASE"})
_AFTER_EXPRESSION = frozenset({"SELECT", "WHERE", "ON", "AND", "OR", "NOT", "BY", "HAVING", "QUALIFY", "SET", "WHEN",
                               "THEN", "ELSE", "CASE", "DISTINCT", "BETWEEN", "LIKE", "ILIKE", "RLIKE", "REGEXP", "IN",
                               "IS", "ALL", "ANY", "SOME", "RETURN", "EXISTS", "VALUES"})
_CLAUSES = frozenset({"SELECT", "FROM", "JOIN", "WHERE", "GROUP", "ORDER", "HAVING", "QUALIFY", "ON", "SET", "VALUES",
                      "WINDOW", "LIMIT", "USING", "INTO", "UPDATE"})
_CASTS = frozenset({"CAST", "TRY_CAST"})

# Type relevance per clause: lower is better.
_RANKS: dict[str, dict[str, int]] = {
    "relation": {"table": 0, "view": 0, "schema": 1, "catalog": 2, "keyword": 3, "function": 4, "column": 5},
    "expression": {"column": 0, "function": 1, "keyword": 2, "table": 3, "view": 3, "schema": 4, "catalog": 5},
    "other": {"keyword": 0, "function": 1, "column": 2, "table": 3, "view": 3, "schema": 4, "catalog": 5},
    "type": {"keyword": 0},
}


def _clause(before: Sequence[_Tok]) -> str:
    """What the word at the end of `before` may be: relation | expression | other | type."""
    if not before:
        return "other"
    prev = before[-1]
    if prev.kind == "op":
        if prev.text == "::":
            return "type"
        if prev.text == ")":
            return "other"
        if prev.text == "*" and _is_star(before):
            return "other"  # `SELECT * |`, `t.* |`: a complete term, not a product
        if prev.text == ",":
            return "relation" if _clause_keyword(before) in ("FROM", "JOIN") else "expression"
        return "expression"
    if prev.kind != "word":
        return "other"
    w = prev.word()
    if w == "DESC":
        return "relation" if len(before) == 1 else "other"
    if w == "USING":
        return "relation" if before[0].word() == "MERGE" else "expression"
    if w == "AS" and _opener_call(before) in _CASTS:
        return "type"
    if w in _AFTER_RELATION:
        return "relation"
    if w in _AFTER_EXPRESSION:
        return "expression"
    return "other"


def _is_star(before: Sequence[_Tok]) -> bool:
    """The `*` ending `before` selects all columns (not a multiplication)."""
    if len(before) < 2:
        return True
    ahead = before[-2]
    return ahead.word() in ("SELECT", "DISTINCT", "ALL") or (ahead.kind == "op" and ahead.text in (",", "(", "."))


def _clause_keyword(before: Sequence[_Tok]) -> str:
    """The last clause keyword at the word's parenthesis depth ("" inside parentheses)."""
    depth = 0
    for tok in reversed(before):
        if tok.is_op(")"):
            depth += 1
        elif tok.is_op("("):
            if depth == 0:
                return ""
            depth -= 1
        elif depth == 0 and tok.word() in _CLAUSES:
            return tok.word()
    return ""


def _opener_call(before: Sequence[_Tok]) -> str:
    """The function whose parentheses enclose the word ("" when none)."""
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        tok = before[i]
        if tok.is_op(")"):
            depth += 1
        elif tok.is_op("("):
            if depth == 0:
                return before[i - 1].word() if i > 0 else ""
            depth -= 1
    return ""


def _qualifier(before: Sequence[_Tok]) -> list[str] | None:
    """The names before `a.b.` when the word follows a dot; [] when there is no dot; None
    when the dot follows something else (an expression's field)."""
    if not before or not before[-1].is_op("."):
        return []
    parts: list[str] = []
    j = len(before) - 1
    while j >= 1 and before[j].is_op(".") and before[j - 1].is_name:
        parts.append(before[j - 1].text)
        j -= 2
    if not parts or (j >= 0 and before[j].is_op(".")):
        return None
    parts.reverse()
    return parts


# --- name index -----------------------------------------------------------------------------


class _Index:
    """Names sorted case-insensitively: prefix look-ups by binary search."""

    __slots__ = ("keys", "names", "values")

    def __init__(self, items: Iterable[tuple[str, Any]]):
        rows = sorted(((n.lower(), n, v) for n, v in items if n), key=lambda r: (r[0], r[1]))
        self.keys = [r[0] for r in rows]
        self.names = [r[1] for r in rows]
        self.values = [r[2] for r in rows]

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, name: str) -> tuple[str, Any] | None:
        """The entry named `name`, exactly or else ignoring case."""
        key = name.lower()
        i = bisect.bisect_left(self.keys, key)
        found = None
        while i < len(self.keys) and self.keys[i] == key:
            if self.names[i] == name:
                return name, self.values[i]
            found = found or (self.names[i], self.values[i])
            i += 1
        return found

    def take(self, prefix: str, limit: int) -> list[tuple[str, Any]]:
        """Up to `limit` names starting with `prefix` in its case, then up to `limit` others
        starting with it in another case, each in alphabetical order."""
        key = prefix.lower()
        i = bisect.bisect_left(self.keys, key)
        exact: list[tuple[str, Any]] = []
        other: list[tuple[str, Any]] = []
        keys, names, n = self.keys, self.names, len(self.keys)
        while i < n and len(exact) < limit and keys[i].startswith(key):
            name = names[i]
            if name.startswith(prefix):
                exact.append((name, self.values[i]))
            elif len(other) < limit:
                other.append((name, self.values[i]))
            i += 1
        return exact + other


_KEYWORD_INDEX = _Index((k, None) for k in KEYWORDS)
_TYPE_INDEX = _Index((k, None) for k in TYPES)
_FUNCTION_INDEX = _Index((f, None) for f in FUNCTIONS)


# --- the completer --------------------------------------------------------------------------


class Completer:
    def __init__(
        self,
        engine: Any,
        *,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 256,
    ):
        self.engine = engine
        self.ttl_s = ttl_s
        self._cache = ListingCache(ttl_s=ttl_s, max_identities=max_users, max_entries=MAX_ENTRIES_PER_USER, clock=clock)

    # --- public -----------------------------------------------------------------------
    def complete(
        self,
        identity: Identity,
        text: str,
        cursor: int,
        *,
        limit: int = 50,
        default_catalog: str = "",
        default_schema: str = "",
    ) -> Completions:
        text = text if isinstance(text, str) else ""
        try:
            cursor = max(0, min(int(cursor), len(text)))
        except (TypeError, ValueError, OverflowError):
            cursor = len(text)
        try:
            return self._complete(identity, text, cursor, max(0, min(int(limit), MAX_LIMIT)), default_catalog or "", default_schema or "")
        except Exception as err:  # noqa: BLE001 - completion must never break the editor
            log.warning("completion failed: %s", type(err).__name__)
            return Completions(cursor, [], "")

    def forget(self, identity: Identity | None = None) -> None:
        """Drops cached listings: everyone's, or one identity's (its pool key's)."""
        self._cache.forget(self._key(identity) if identity is not None else None)

    # --- completion -------------------------------------------------------------------
    def _complete(self, identity: Identity, text: str, cursor: int, limit: int, dcat: str, dsch: str) -> Completions:
        ctx = _context(text, cursor)
        if ctx is None:
            return Completions(cursor, [], "")
        if limit == 0:
            return Completions(ctx.start, [], ctx.typed)
        qualifier = _qualifier(ctx.before)
        if qualifier is None:
            return Completions(ctx.start, [], ctx.typed)
        rels = _Relations(ctx.statement, text)
        look = _Lookup(self, identity, dcat, dsch)
        if qualifier:
            clause = "expression"
            cands = self._qualified(look, rels, qualifier, ctx.prefix, limit)
        else:
            clause = _clause(ctx.before)
            cands = self._bare(look, rels, clause, ctx, limit)
        return Completions(ctx.start, _rank(cands, ctx.prefix, clause, limit), ctx.typed)

    def _qualified(self, look: _Lookup, rels: _Relations, parts: list[str], prefix: str, limit: int) -> list[Option]:
        rel = rels.names.get(".".join(parts).lower())
        if rel is not None:
            return _match_columns(look.rel_columns(rel), prefix)
        n = len(parts)
        catalog = look.catalog(parts[0])
        if n == 1:
            if catalog is not None:
                return [Option(quote_name(s), "schema", catalog) for s, _ in look.schemas(catalog).take(prefix, limit)]
            schema = look.schema(look.dcat, parts[0]) if look.dcat else None
            if schema is not None:
                return _table_options(look.tables(look.dcat, schema).take(prefix, limit))
            return []
        if n == 2:
            if catalog is not None:
                schema = look.schema(catalog, parts[1]) or parts[1]
                return _table_options(look.tables(catalog, schema).take(prefix, limit))
            schema = look.schema(look.dcat, parts[0]) if look.dcat else None
            if schema is not None:
                return _match_columns(look.columns(look.dcat, schema, parts[1]), prefix)
            return []
        if n == 3 and catalog is not None:
            return _match_columns(look.columns(catalog, parts[1], parts[2]), prefix)
        return []

    def _bare(self, look: _Lookup, rels: _Relations, clause: str, ctx: _Context, limit: int) -> list[Option]:
        prefix = ctx.prefix
        out: list[Option] = []
        # Keywords and functions ignore case: they are offered in the case being typed
        # (`sel` -> select, `COU` -> COUNT), else keywords in upper and functions in lower case.
        lower = prefix.islower()
        upper = prefix.isupper()
        if clause == "type":
            return [Option(k.lower() if lower else k, "keyword", "type") for k, _ in _TYPE_INDEX.take(prefix, limit)]
        if not ctx.quoted:
            out += [Option(k.lower() if lower else k, "keyword") for k, _ in _KEYWORD_INDEX.take(prefix, limit)]
            out += [Option(f.upper() if upper else f, "function") for f, _ in _FUNCTION_INDEX.take(prefix, limit)]
        # Columns of the statement's tables (each table's listing is one cached call).
        seen: set[int] = set()
        tables = 0
        for rel in rels.refs:
            if id(rel) in seen or tables >= MAX_TABLES_FOR_COLUMNS:
                continue
            seen.add(id(rel))
            tables += 1
            out += _match_columns(look.rel_columns(rel), prefix)
        for name in rels.ctes:
            if name.startswith(prefix.lower()):
                out.append(Option(quote_name(_cte_name(rels, name)), "table", "CTE"))
        out += [Option(quote_name(c), "catalog") for c, _ in look.catalogs().take(prefix, limit)]
        if look.dcat and look.dsch:
            out += _table_options(look.tables(look.dcat, look.dsch).take(prefix, limit))
        if look.dcat and clause == "relation":
            out += [Option(quote_name(s), "schema", look.dcat) for s, _ in look.schemas(look.dcat).take(prefix, limit)]
        return out

    # --- cache ------------------------------------------------------------------------
    @staticmethod
    def _key(identity: Identity) -> str:
        return identity.pool_key or identity.user

    def _get(self, identity: Identity, key: tuple, load: Callable[[], Any]) -> Any:
        """The cached value for `key`, loading it on a miss; None when the listing failed
        (kept NEGATIVE_TTL_S, so a typist does not retry an unknown catalog every key)."""
        def fetch() -> Any:
            try:
                return load()
            except Exception as err:  # noqa: BLE001 - QueryError or anything: fewer options
                log.debug("completion listing %s failed: %s", key[0], type(err).__name__)
                raise

        return self._cache.get(self._key(identity), key, fetch, failure_ttl_s=NEGATIVE_TTL_S)


class _Lookup:
    """One completion's metadata look-ups: cached listings, names matched ignoring case."""

    _EMPTY = _Index(())

    def __init__(self, completer: Completer, identity: Identity, dcat: str, dsch: str):
        self.c = completer
        self.identity = identity
        self.engine = completer.engine
        self.dcat = dcat
        self.dsch = dsch

    def catalogs(self) -> _Index:
        return self.c._get(self.identity, ("catalogs",), lambda: _Index((n, None) for n in self.engine.list_catalogs(self.identity))) or self._EMPTY

    def schemas(self, catalog: str) -> _Index:
        return self.c._get(
            self.identity, ("schemas", catalog), lambda: _Index((n, None) for n in self.engine.list_schemas(self.identity, catalog))
        ) or self._EMPTY

    def tables(self, catalog: str, schema: str) -> _Index:
        return self.c._get(
            self.identity,
            ("tables", catalog, schema),
            lambda: _Index((t.name, t) for t in self.engine.list_tables(self.identity, catalog, schema)),
        ) or self._EMPTY

    def catalog(self, name: str) -> str | None:
        """The catalog `name` names (its listed spelling), or None."""
        found = self.catalogs().find(name)
        return found[0] if found else None

    def schema(self, catalog: str, name: str) -> str | None:
        found = self.schemas(catalog).find(name)
        return found[0] if found else None

    def columns(self, catalog: str, schema: str, table: str) -> list[ColumnInfo]:
        cols = self._columns(catalog, schema, table)
        if cols:
            return cols
        # Unity Catalog names ignore case; the engine's look-up may not: use the listed spelling.
        cat = self.catalog(catalog) or catalog
        sch = self.schema(cat, schema) or schema
        found = self.tables(cat, sch).find(table)
        tab = found[0] if found else table
        if (cat, sch, tab) != (catalog, schema, table):
            return self._columns(cat, sch, tab)
        return []

    def _columns(self, catalog: str, schema: str, table: str) -> list[ColumnInfo]:
        return self.c._get(
            self.identity,
            ("columns", catalog, schema, table),
            lambda: list(self.engine.list_columns(self.identity, catalog, schema, table)),
        ) or []

    def rel_columns(self, rel: _Rel) -> list[ColumnInfo]:
        if isinstance(rel, _Derived):
            return [ColumnInfo(n, "") for n in rel.columns()]
        parts = rel.parts
        if len(parts) == 3:
            return self.columns(*parts)
        if len(parts) == 2 and self.dcat:
            return self.columns(self.dcat, *parts)
        if len(parts) == 1 and self.dcat and self.dsch:
            return self.columns(self.dcat, self.dsch, parts[0])
        return []


def _cte_name(rels: _Relations, lower: str) -> str:
    for t in rels.toks:  # the CTE's spelling as written
        if t.is_name and t.text.lower() == lower:
            return t.text
    return lower  # pragma: no cover


def _match_columns(cols: Sequence[ColumnInfo], prefix: str) -> list[Option]:
    key = prefix.lower()
    return [Option(quote_name(c.name), "column", c.type) for c in cols if c.name and c.name.lower().startswith(key)]


def _table_options(rows: Iterable[tuple[str, Any]]) -> list[Option]:
    out = []
    for name, info in rows:
        kind = (info.kind if isinstance(info, TableInfo) else "TABLE") or "TABLE"
        comment = info.comment if isinstance(info, TableInfo) else ""
        detail = f"{kind} · {comment}" if comment else kind
        if len(detail) > 80:
            detail = detail[:79] + "…"
        out.append(Option(quote_name(name), "view" if "VIEW" in kind.upper() else "table", detail))
    return out


def _name_of(label: str) -> str:
    return label[1:-1].replace("``", "`") if label.startswith("`") else label


def _rank(options: list[Option], prefix: str, clause: str, limit: int) -> list[Option]:
    """Exact-case prefix first, then type relevance for the clause, then alphabetical;
    duplicates dropped (a keyword and a function spelled alike count once)."""
    ranks = _RANKS[clause]
    key = prefix.lower()
    scored = []
    for opt in options:
        name = _name_of(opt.label)
        if not name.lower().startswith(key):
            continue
        scored.append(((0 if name.startswith(prefix) else 1, ranks.get(opt.type, 9), name.lower(), name), opt))
    scored.sort(key=lambda s: s[0])
    out: list[Option] = []
    seen: set[tuple[str, str]] = set()
    for _, opt in scored:
        group = "word" if opt.type in ("keyword", "function") else opt.type
        dedupe = (group, opt.label.lower() if group == "word" else opt.label)
        if dedupe in seen:
            continue
        seen.add(dedupe)
        out.append(opt)
        if len(out) >= limit:
            break
    return out
