"""SQL statement guard: decide whether SQL text is safe to run without asking.

``classify`` answers "can anything in this text change data, schema,
permissions, session/warehouse state, or touch external storage/services?".
It is deliberately conservative: a statement is read-only only when it matches
a short whitelist (queries, SHOW, DESCRIBE, EXPLAIN) *and* nothing inside it
looks like a write, a file read by path, or an external call.  EXPLAIN plans a
statement without running it, so EXPLAIN of a write is read-only too, except
for forms that could run code or reach outside while planned.  Anything we
cannot parse or do not recognise is treated as not read-only.

sqlglot (dialect "databricks") does the lexing and parsing.  The text is
tokenized once, split on top-level ``;`` tokens, and every statement is parsed
on its own, so one bad statement does not hide the others and each verdict
carries its original text slice.  sqlglot keeps SHOW / EXPLAIN / OPTIMIZE /
VACUUM / ... as opaque ``Command`` nodes: SHOW is accepted by its leading
keywords, EXPLAIN and DESCRIBE QUERY are judged by the statement they wrap,
every other Command is not read-only.  A few checks run on the tokens whatever
the tree (``${...}`` substitution, functions named by ``IDENTIFIER(...)``).
Text longer than ``MAX_SQL_CHARS`` is not analysed at all (not read-only) so a
huge paste cannot stall the UI.

Pure Python; must never import reflex.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

__all__ = ["StatementVerdict", "Verdict", "classify", "split_statements", "UNPARSEABLE"]

DIALECT = "databricks"
UNPARSEABLE = "UNPARSEABLE"

# Past this size we refuse to analyse (answer: not read-only) instead of
# spending seconds in sqlglot; no hand-written analyst query gets near it.
MAX_SQL_CHARS = 262_144

_DIALECT = Dialect.get_or_raise(DIALECT)
_EXPR: type = getattr(exp, "Expr", exp.Expression)  # base node class (name varies by version)


def _make_parser_class() -> type:
    """Parser that does not log the 'falling back to Command' warning.

    sqlglot logs the start of the user's SQL for every statement it cannot
    fully parse (SHOW, OPTIMIZE, ...); that is noise and may leak query text
    into logs.  If subclassing ever fails (e.g. a compiled sqlglot build) we
    simply use the stock parser.
    """
    base = _DIALECT.parser_class
    try:

        class _QuietParser(base):  # type: ignore[misc, valid-type]
            def _warn_unsupported(self) -> None:
                return None

        return _QuietParser
    except Exception:  # pragma: no cover - depends on the sqlglot build
        return base


_PARSER_CLASS = _make_parser_class()


def _make_guard_parser_class() -> type:
    """The quiet parser, plus time-travel spellings Spark accepts and sqlglot does not.

    Spark's grammar allows ``FOR SYSTEM_VERSION AS OF n`` next to ``VERSION AS OF n``; without
    it such a query is unparseable and asks for a confirmation.  Kept apart from
    ``quiet_parser`` so other users of that parser see stock sqlglot.
    """
    base = _PARSER_CLASS
    try:

        class _GuardParser(base):  # type: ignore[misc, valid-type]
            VERSION_PHRASES = {**base.VERSION_PHRASES, ("FOR", "SYSTEM_VERSION"): "VERSION"}

        return _GuardParser
    except Exception:  # pragma: no cover - depends on the sqlglot build
        return base


_GUARD_PARSER_CLASS = _make_guard_parser_class()


def quiet_parser() -> Any:
    """A Databricks-dialect sqlglot parser that logs nothing of the SQL (one per parse)."""
    return _PARSER_CLASS(dialect=_DIALECT)


# --------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementVerdict:
    """Verdict for one statement (one ``;``-separated piece of the text)."""

    kind: str
    read_only: bool
    objects: tuple[str, ...] = ()
    sql: str = ""
    reason: str = ""  # why it is not read-only; empty when it is
    error: str | None = None  # parse error, only for UNPARSEABLE

    def describe(self) -> str:
        if self.kind == UNPARSEABLE:
            return f"{UNPARSEABLE} statement: {_one_line(self.sql, 60)}"
        if not self.objects:
            return self.kind
        shown = ", ".join(_one_line(o, 80) for o in self.objects[:3])
        more = len(self.objects) - 3
        return f"{self.kind} on {shown}" + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class Verdict:
    """Verdict for a whole SQL text (possibly several statements)."""

    read_only: bool
    statements: tuple[StatementVerdict, ...] = ()
    empty: bool = False  # nothing to run: blank or comments only
    error: str | None = None  # first parse error, if any statement is unparseable
    reason: str = ""  # why the text is not read-only; empty when it is

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(s.kind for s in self.statements)

    @property
    def objects(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(o for s in self.statements for o in s.objects))

    def describe(self) -> str:
        """One-line human summary, e.g. ``DROP TABLE on main.default.t``."""
        if self.empty:
            return "Nothing to run (the SQL is empty or only comments)"
        parts = [s.describe() for s in self.statements]
        if len(parts) == 1:
            return parts[0]
        return _one_line(f"{len(parts)} statements: " + "; ".join(parts), 300)


# --------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------


class _PlainTokenizer(_DIALECT.tokenizer_class):  # type: ignore[misc, name-defined]
    """Tokenizer that never swallows a statement into one raw 'command' token.

    The stock tokenizer turns everything after SHOW/EXPLAIN/VACUUM/... into a
    single STRING token with unreliable positions.  We want every token (for
    EXPLAIN's inner statement, object names and exact slices), so commands
    are disabled here; the stock tokenizer is still used to parse them.
    """

    COMMANDS: set[TokenType] = set()


_COMMAND_TOKENS: frozenset[TokenType] = frozenset(_DIALECT.tokenizer_class.COMMANDS)


def _tokenize(sql: str) -> list[Token]:
    return _PlainTokenizer(dialect=_DIALECT).tokenize(sql)


def _chunks(tokens: Sequence[Token]) -> list[list[Token]]:
    """Group tokens into statements on SEMICOLON tokens (empty ones dropped).

    The tokenizer already swallowed strings, quoted identifiers and comments,
    so every SEMICOLON token is a real statement separator - the same rule
    sqlglot's own parser uses.
    """
    chunks: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(tok)
    return [c for c in chunks if c]


def _slice(sql: str, toks: Sequence[Token]) -> str:
    return sql[toks[0].start : toks[-1].end + 1]


def split_statements(sql: str) -> list[str]:
    """Split SQL text into statements on top-level semicolons.

    Semicolons inside string literals, quoted identifiers and comments do not
    split.  Each piece is the original text from its first to its last token
    (surrounding comments/whitespace trimmed); empty pieces are dropped.  If
    the text cannot even be tokenized (e.g. an unterminated string) it is
    returned whole, so the server reports the error.
    """
    text = _as_text(sql)
    try:
        tokens = _tokenize(text)
    except Exception:
        stripped = text.strip()
        return [stripped] if stripped else []
    return [_slice(text, c) for c in _chunks(tokens)]


# --------------------------------------------------------------------------
# Classification tables
# --------------------------------------------------------------------------


def _classes(names: Iterable[str]) -> tuple[type, ...]:
    # getattr: tolerate sqlglot versions that lack some classes.
    return tuple(c for c in (getattr(exp, n, None) for n in names) if inspect.isclass(c))


# Root node types that may be read-only (their whole tree is still checked).
_READ_ROOTS = _classes(["Select", "SetOperation", "Values", "Subquery", "Describe", "Show"])

# Any of these anywhere in a tree makes it not read-only.  Everything sqlglot
# defines in its DDL/DML/properties modules, plus statement-ish nodes that
# live elsewhere.  Blacklisting here is only a second line: the root must
# also be whitelisted above.
_WRITE_MODULES = {
    "sqlglot.expressions.ddl",
    "sqlglot.expressions.dml",
    "sqlglot.expressions.properties",
}
_HARMLESS_IN_WRITE_MODULES = set(_classes(["Describe", "Show", "CharacterSet", "Comprehension", "Heredoc"]))
_FORBIDDEN_NODES: tuple[type, ...] = tuple(
    c
    for c in vars(exp).values()
    if inspect.isclass(c)
    and issubclass(c, _EXPR)
    and c.__module__ in _WRITE_MODULES
    and c not in _HARMLESS_IN_WRITE_MODULES
) + _classes(
    [
        "Insert", "Update", "Delete", "Merge", "Copy", "Create", "Drop", "Alter", "Command",
        "Set", "Use", "TruncateTable", "Grant", "Revoke", "Refresh", "Cache", "Uncache",
        "LoadData", "Comment", "Analyze", "Transaction", "Commit", "Rollback", "Declare",
        "Pragma", "Into", "Directory", "Lock", "MultitableInserts", "ConditionalInsert",
        "QueryTransform",  # SELECT TRANSFORM(...) USING 'script' runs a program
        "Stream", "Put", "Get", "ListStage", "Export", "Execute", "ExecuteSql", "Kill",
        "Block", "IfBlock", "WhileBlock", "LoopBlock", "RepeatBlock", "StoredProcedure",
        "AddPartition", "DropPartition", "ReplacePartition", "LockingStatement",
        "NextValueFor", "Attach", "Detach", "Install", "SwapTable", "Undrop",
    ]
)

# Table-valued functions that only compute rows from their arguments.  Any
# other function used as a relation is treated as possibly external.
_SAFE_TVFS = {
    "explode", "explode_outer", "posexplode", "posexplode_outer", "inline",
    "inline_outer", "stack", "json_tuple", "range", "unnest", "variant_explode",
    "variant_explode_outer", "table_changes", "sql_keywords", "collations",
}
_SAFE_TVF_NODES = _classes(["Explode", "ExplodeOuter", "Posexplode", "PosexplodeOuter", "Inline", "Stack", "Unnest"])

# Functions that reach external services or storage, wherever they appear.
_EXTERNAL_FUNCS = {
    "secret", "try_secret", "list_secrets", "reflect", "try_reflect", "java_method",
    "http_request", "vector_search", "remote_query", "cloud_files_state",
}
_EXTERNAL_PREFIXES = ("ai_", "read_", "http_", "try_ai_")

# `parquet.`/path`` style file reads.
_FILE_FORMATS = {
    "parquet", "csv", "json", "delta", "orc", "avro", "text", "binaryfile", "xml",
    "jdbc", "hive", "iceberg", "file", "libsvm", "image",
}
_PATH_HINT = re.compile(r"[/\\:]")  # slash, backslash, scheme colon (s3:, dbfs:)
_LOCATION_PARENTS = _classes(["Copy", "Directory", "LocationProperty", "LoadData", "Refresh"])
_ALTER_SET = _classes(["AlterSet"])  # ALTER TABLE ... SET LOCATION '<path>': its "location"
# What IDENTIFIER(...) may hold to name a table: strings, parameters, and || / concat between them.
_CONSTANT_NAME_NODES = _classes(["Literal", "Placeholder", "DPipe", "Concat", "Paren"])

# Why non-read-only statements are dangerous, keyed by the kind's first word.
_REASONS = {
    "changes session state": {"SET", "USE", "RESET", "DECLARE", "CLEAR"},
    "changes permissions": {"GRANT", "REVOKE", "DENY"},
    "modifies data": {
        "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "LOAD", "RESTORE",
        "OPTIMIZE", "VACUUM", "REORG", "UNDROP", "APPLY",
    },
    "modifies data and reads external storage": {"COPY"},
    "changes schema or catalog objects": {
        "CREATE", "DROP", "ALTER", "COMMENT", "MSCK", "REPAIR", "SYNC", "CONVERT",
        "FSCK", "GENERATE", "REPLACE",
    },
    "changes warehouse or table state": {"CACHE", "UNCACHE", "REFRESH", "ANALYZE"},
    "touches external storage": {"LIST", "PUT", "GET", "REMOVE"},
    "controls transactions": {"BEGIN", "START", "COMMIT", "ROLLBACK"},
    "runs code": {"CALL", "EXECUTE", "ADD"},
}
_REASON_BY_WORD = {w: why for why, words in _REASONS.items() for w in words}

# Kind naming from leading keywords (used for commands sqlglot cannot model).
_KIND_SKIP = {"OR", "REPLACE", "TEMP", "TEMPORARY", "GLOBAL", "IF", "NOT", "EXISTS", "LIVE", "PRIVATE"}
_KIND_JOIN = {"MATERIALIZED", "STREAMING", "EXTERNAL", "FOREIGN"}
_TWO_WORD_VERBS = {
    "COPY", "MSCK", "ADD", "LIST", "EXECUTE", "CONVERT", "FSCK", "UNDROP", "RESTORE",
    "REPAIR", "SYNC", "LOAD", "CACHE", "UNCACHE", "GENERATE", "TRUNCATE", "COMMENT",
    "ANALYZE", "REFRESH", "REORG", "APPLY", "CLEAR",
}

# Heuristic object extraction for commands: a name right after these words.
_OBJECT_TRIGGERS = {
    "TABLE", "VIEW", "SCHEMA", "DATABASE", "CATALOG", "FUNCTION", "VOLUME", "IN", "FROM",
    "INTO", "ON", "OPTIMIZE", "VACUUM", "REFRESH", "FSCK", "REORG", "DETAIL", "HISTORY",
    "SHARE", "RECIPIENT", "PROVIDER", "CONNECTION", "LOCATION", "COLUMNS", "PARTITIONS",
    "TBLPROPERTIES", "DESCRIBE", "DESC", "EXTENDED", "FORMATTED", "UNDROP", "RESTORE",
    "MODEL", "CREDENTIAL",
}
_OBJECT_PASS = _KIND_SKIP | {
    "TABLE", "VIEW", "SCHEMA", "DATABASE", "CATALOG", "FUNCTION", "VOLUME", "EXTENDED",
    "FORMATTED", "DETAIL", "HISTORY", "AS", "JSON", "EXTERNAL", "LOCATION", "SHARE",
    "RECIPIENT", "PROVIDER", "CONNECTION", "CREDENTIAL", "MODEL",
}

_EXPLAIN_MODES = {"EXTENDED", "CODEGEN", "COST", "FORMATTED", "LOGICAL"}
# EXPLAIN plans a statement and never runs it, so EXPLAIN of a write changes nothing.  These
# inner kinds (by first word) stay behind a confirmation all the same: dynamic SQL and
# procedures may run code while they are resolved, file commands touch storage, scripts and
# transactions are not one plannable statement, and "EXPLAIN ANALYZE" means "run it" in
# other databases (Databricks has no such form).
_EXPLAIN_REFUSED = {
    "EXPLAIN": "EXPLAIN of EXPLAIN is not a statement to plan",
    "EXECUTE": "dynamic SQL may run while it is being planned",
    "CALL": "a procedure may run code while it is being planned",
    "ADD": "it loads code or files",
    "LIST": "it touches files or external storage",
    "PUT": "it touches files or external storage",
    "GET": "it touches files or external storage",
    "REMOVE": "it touches files or external storage",
    "COPY": "planning it reads files in external storage",
    "LOAD": "planning it reads files by path",
    "BEGIN": "a script or transaction is not one plannable statement",
    "START": "a script or transaction is not one plannable statement",
    "COMMIT": "a script or transaction is not one plannable statement",
    "ROLLBACK": "a script or transaction is not one plannable statement",
    "ANALYZE": "EXPLAIN ANALYZE runs the statement in other databases; Databricks has no such form",
}
# Kinds of queries whose trees may carry writes inside (SELECT INTO, a DELETE in a CTE):
# planned under EXPLAIN like any write.
_QUERY_KINDS = {"SELECT", "UNION", "INTERSECT", "EXCEPT", "VALUES"}
_DESCRIBE_WORDS = {
    "TABLE", "SCHEMA", "DATABASE", "CATALOG", "FUNCTION", "VOLUME", "DETAIL", "HISTORY",
    "EXTENDED", "FORMATTED", "EXTERNAL", "LOCATION", "STORAGE", "CREDENTIAL", "CONNECTION",
    "PROVIDER", "RECIPIENT", "SHARE", "MODEL", "PROCEDURE", "CLEAN", "ROOM", "SERVICE",
}
_SHOW_TARGETS = {
    "TABLES", "TABLE", "VIEWS", "MATERIALIZED", "STREAMING", "SCHEMAS", "DATABASES", "CATALOGS",
    "COLUMNS", "FUNCTIONS", "USER", "SYSTEM", "ALL", "PARTITIONS", "TBLPROPERTIES", "CREATE",
    "GRANTS", "GRANT", "GRANTS_ON", "VOLUMES", "SHARES", "RECIPIENTS", "PROVIDERS", "CONNECTIONS",
    "CREDENTIALS", "STORAGE", "EXTERNAL", "GROUPS", "USERS", "CURRENT", "CLEAN", "MODELS",
    "SERVICE", "PROCEDURES",
}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: .*?>")  # sqlglot's noisy token repr


# --------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------


def classify(sql: str) -> Verdict:
    """Classify SQL text; never raises."""
    if isinstance(sql, str) and len(sql) <= _CACHED_CHARS:
        return _classify_cached(sql)
    return _classify_safely(sql)


# The same text is judged where it is typed and again where it runs: remember recent verdicts
# (they are immutable) for texts of everyday size.
_CACHED_CHARS = 16_384


@functools.lru_cache(maxsize=512)
def _classify_cached(sql: str) -> Verdict:
    return _classify_safely(sql)


def _classify_safely(sql: object) -> Verdict:
    try:
        return _classify(_as_text(sql))
    except Exception as e:  # last resort: a guard must not crash the caller
        text = _as_text(sql).strip() if isinstance(sql, str) else ""
        return _unparseable_verdict(text, f"internal error while analysing SQL: {_clean_error(e)}")


def _classify(sql: str) -> Verdict:
    if len(sql) > MAX_SQL_CHARS:
        return _unparseable_verdict(
            sql.strip()[:200], f"SQL text too long to verify ({len(sql):,} characters, limit {MAX_SQL_CHARS:,})"
        )
    try:
        tokens = _tokenize(sql)
    except Exception as e:
        return _unparseable_verdict(sql.strip(), _clean_error(e))
    chunks = _chunks(tokens)
    if not chunks:
        return Verdict(read_only=False, empty=True, reason="nothing to run: the SQL is empty or only comments")

    parser = _GUARD_PARSER_CLASS(dialect=_DIALECT)  # parsers hold state: one per call
    statements = tuple(_guard_tokens(_classify_chunk(sql, c, parser), c) for c in chunks)
    read_only = all(s.read_only for s in statements)
    error = next((s.error for s in statements if s.error), None)
    reason = ""
    if not read_only:
        idx, bad = next((i, s) for i, s in enumerate(statements, 1) if not s.read_only)
        reason = bad.reason if len(statements) == 1 else f"statement {idx} ({bad.kind}): {bad.reason}"
    return Verdict(read_only=read_only, statements=statements, error=error, reason=reason)


# --------------------------------------------------------------------------
# One statement
# --------------------------------------------------------------------------


def _classify_chunk(sql: str, toks: list[Token], parser: Any, nested: bool = False) -> StatementVerdict:
    text = _slice(sql, toks)
    head = _upper(toks[0])
    second = _upper(toks[1]) if len(toks) > 1 else ""

    # sqlglot turns EXPLAIN into an opaque Command; judge what is explained.
    if head == "EXPLAIN" and not nested:
        return _explain(sql, toks, 2 if second in _EXPLAIN_MODES else 1, parser)
    if head in ("DESCRIBE", "DESC") and second == "QUERY" and not nested:
        return _wrap_inner("DESCRIBE", sql, toks, 2, parser)
    if head == "SHOW":
        return _show(toks, text)
    if head == "TABLE":
        table = _table_statement(toks, text)
        if table is not None:
            return table

    try:
        tree = _parse(sql, toks, parser)
    except Exception as e:
        if head in ("DESCRIBE", "DESC"):
            fallback = _describe_fallback(toks, text)
            if fallback is not None:
                return fallback
        return _unparseable(text, toks, _clean_error(e))
    return _classify_tree(tree, toks, text)


def _parse(sql: str, toks: list[Token], parser: Any) -> Any:
    """The one tree sqlglot makes of a statement; raises if it makes none or several."""
    if _has_command(toks):
        # Parse commands the way sqlglot expects: from the stock tokens.
        text = _slice(sql, toks)
        trees = parser.parse(_DIALECT.tokenize(text), text)
    else:
        trees = parser.parse(toks, sql)
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise ValueError(f"expected one statement, sqlglot produced {len(trees)}")
    return trees[0]


def _guard_tokens(verdict: StatementVerdict, toks: Sequence[Token]) -> StatementVerdict:
    """Token-level checks that hold whatever sqlglot made of the statement."""
    if not verdict.read_only:
        return verdict
    reason = _substitution_reason(toks) or _identifier_reason(toks)
    if reason:
        return dataclasses.replace(verdict, read_only=False, reason=reason)
    return verdict


def _substitution_reason(toks: Sequence[Token]) -> str:
    """Spark's ${var} text substitution happens before parsing; we cannot see through it."""
    if any(
        a.token_type == TokenType.PARAMETER and a.text == "$" and b.token_type == TokenType.L_BRACE
        for a, b in zip(toks, toks[1:])
    ):
        return "uses ${...} variable substitution, which can inject arbitrary SQL"
    return ""


def _identifier_reason(toks: Sequence[Token]) -> str:
    """IDENTIFIER(...) naming a function, or a path, wherever it stands.

    sqlglot misreads ``IDENTIFIER(:fn)(x)`` as a column with aliases and keeps
    ``DESCRIBE IDENTIFIER('...')`` / ``SHOW ... IN IDENTIFIER('...')`` as loose text, so the
    tokens decide: a function whose name we cannot see could be ai_query or read_files.
    """
    calls = _upper(toks[0]) != "SHOW"  # SHOW calls nothing: SHOW TBLPROPERTIES IDENTIFIER(:t) ('k')
    for start, end in _identifier_spans(toks):
        if calls and end + 1 < len(toks) and toks[end + 1].token_type == TokenType.L_PAREN:
            return "calls a function named by IDENTIFIER(...), which cannot be checked"
        for tok in toks[start + 2 : end]:
            if tok.token_type == TokenType.STRING and _is_path_literal(tok.text):
                return f"IDENTIFIER({tok.text!r}) names a path, which touches external storage"
    return ""


def _identifier_spans(toks: Sequence[Token]) -> list[tuple[int, int]]:
    """(index of IDENTIFIER, index of its closing parenthesis) of every IDENTIFIER(...)."""
    spans: list[tuple[int, int]] = []
    n = len(toks)
    for i in range(n - 1):
        if _upper(toks[i]) != "IDENTIFIER" or toks[i + 1].token_type != TokenType.L_PAREN:
            continue
        depth = 0
        for j in range(i + 1, n):
            kind = toks[j].token_type
            depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
            if depth == 0:
                spans.append((i, j))
                break
    return spans


def _has_command(toks: Sequence[Token]) -> bool:
    """True where the stock tokenizer would switch to raw 'command' mode."""
    return any(
        tok.token_type in _COMMAND_TOKENS and (i == 0 or toks[i - 1].token_type == TokenType.BEGIN)
        for i, tok in enumerate(toks)
    )


def _explain(sql: str, toks: list[Token], start: int, parser: Any) -> StatementVerdict:
    """EXPLAIN plans the statement after it and runs nothing.

    So EXPLAIN of a write is read-only too, unless the statement is one we cannot read or one
    that could run code or reach outside while it is planned (``_unplannable``).
    """
    text = _slice(sql, toks)
    if start >= len(toks):
        return _unparseable(text, toks, "EXPLAIN without a statement")
    inner = _classify_chunk(sql, toks[start:], parser, nested=True)
    if inner.kind == UNPARSEABLE:
        return _unparseable(text, toks, inner.error or inner.reason)
    why = "" if inner.read_only else _unplannable(inner, sql, toks[start:], parser)
    reason = f"EXPLAIN of {inner.kind}: {why}" if why else ""
    return StatementVerdict("EXPLAIN", not why, inner.objects, text, reason)


def _unplannable(inner: StatementVerdict, sql: str, toks: list[Token], parser: Any) -> str:
    """Why EXPLAIN of this not-read-only statement still needs a confirmation ("" if not)."""
    word = inner.kind.split(" ")[0]
    if word in _EXPLAIN_REFUSED:
        return _EXPLAIN_REFUSED[word]
    if word not in _REASON_BY_WORD and word not in _QUERY_KINDS:
        return inner.reason  # an unknown SHOW, a path DESCRIBE, stray words: not a known statement
    try:
        tree = _parse(sql, toks, parser)
    except Exception as e:  # pragma: no cover - it parsed a moment ago
        return f"could not be parsed: {_clean_error(e)}"
    problem, _objects = _inspect(tree, writes_allowed=True)
    if not problem and tree.find(exp.Command) is not None:
        problem = _raw_outside(toks)  # text sqlglot did not model (OPTIMIZE, VACUUM, ...)
    return problem


def _raw_outside(toks: Sequence[Token]) -> str:
    """Why raw statement tokens may reach outside: a path-like name or string, an external call."""
    strings = (t.text for t in toks if t.token_type == TokenType.STRING and _PATH_HINT.search(t.text))
    path = _path_in_names(toks) or next(strings, "")
    if path:
        return f"it names a path ({path}), which touches external storage"
    for tok, nxt in zip(toks, toks[1:]):
        name = tok.text.lower()
        if nxt.token_type == TokenType.L_PAREN and tok.token_type in _NAME_TOKENS and _is_external(name):
            return f"calls {name}(), which reaches external services or storage"
    return ""


def _wrap_inner(kind: str, sql: str, toks: list[Token], start: int, parser: Any) -> StatementVerdict:
    """DESCRIBE QUERY: read-only exactly when the inner statement is (Databricks takes only queries)."""
    text = _slice(sql, toks)
    if start >= len(toks):
        return _unparseable(text, toks, f"{kind} without a statement")
    verdict = _classify_chunk(sql, toks[start:], parser, nested=True)
    if verdict.kind == UNPARSEABLE:
        return _unparseable(text, toks, verdict.error or verdict.reason)
    reason = "" if verdict.read_only else f"{kind} of {verdict.kind}: {verdict.reason}"
    return StatementVerdict(kind, verdict.read_only, verdict.objects, text, reason)


def _show(toks: list[Token], text: str) -> StatementVerdict:
    """Databricks SHOW statements only list metadata; sqlglot keeps them as raw Commands.

    We accept the SHOW forms we know, unless they name files by path
    (``SHOW PARTITIONS delta.`s3://...```), which the guard never reads without asking.
    """
    objects = _command_objects(toks, text)
    if len(toks) < 2 or _upper(toks[1]) not in _SHOW_TARGETS:
        return StatementVerdict("SHOW", False, objects, text, "SHOW is not a recognised SHOW statement")
    path = _path_in_names(toks)
    if path:
        why = f"reads files by path ({path}), which touches external storage"
        return StatementVerdict("SHOW", False, objects, text, why)
    return StatementVerdict("SHOW", True, objects, text)


def _table_statement(toks: list[Token], text: str) -> StatementVerdict | None:
    """``TABLE name`` is a query (every row of the table), which sqlglot cannot parse.

    Accepted only in exactly that shape; anything else goes to the parser as before.
    """
    parts, i = _dotted_name(toks, 1)
    if not parts or i != len(toks):
        return None
    name = ".".join(_render_part(p.text) for p in parts)
    if _is_path_name(parts):
        why = f"reads files by path ({name}), which touches external storage"
        return StatementVerdict("TABLE", False, (name,), text, why)
    return StatementVerdict("TABLE", True, (name,), text)


def _classify_tree(tree: Any, toks: list[Token], text: str) -> StatementVerdict:
    kind = _kind(tree, toks)
    problem, objects = _inspect(tree)
    if not objects and not isinstance(tree, _READ_ROOTS):
        objects = _command_objects(toks, text)  # commands keep their text raw
    elif isinstance(tree, exp.Describe) and _identifier_spans(toks):
        objects = _command_objects(toks, text)  # sqlglot misreads DESCRIBE IDENTIFIER(...)
    if not isinstance(tree, _READ_ROOTS):
        return StatementVerdict(kind, False, objects, text, _write_reason(kind, tree))
    if problem and isinstance(tree, exp.Describe):
        # sqlglot misreads e.g. DESCRIBE EXTERNAL LOCATION x as a table with a
        # location property; the strict token-level shape check settles it.
        fallback = _describe_fallback(toks, text)
        if fallback is not None:
            return fallback
    if problem:
        return StatementVerdict(kind, False, objects, text, problem)
    return StatementVerdict(kind, True, objects, text)


def _describe_fallback(toks: list[Token], text: str) -> StatementVerdict | None:
    """DESCRIBE DETAIL/CATALOG/HISTORY/... that sqlglot cannot parse.

    Accepted only in the exact shape ``DESCRIBE <known words> <name> [<column>] [AS JSON]``
    (``DESCRIBE HISTORY <name> [LIMIT n]``), the name dotted or an IDENTIFIER(...) of
    strings and parameters, so no expression can hide in it; a path-like name still makes
    it not read-only.
    """
    i, n = 1, len(toks)
    words: set[str] = set()
    while i < n and _upper(toks[i]) in _DESCRIBE_WORDS:
        words.add(_upper(toks[i]))
        i += 1
    name, is_path, i = _name_at(toks, i, text)
    if not name:
        return None
    _column, i = _dotted_name(toks, i)
    tail = [_upper(t) for t in toks[i:]]
    limit = len(tail) == 2 and tail[0] == "LIMIT" and toks[-1].token_type == TokenType.NUMBER
    if tail not in ([], ["AS", "JSON"]) and not (limit and "HISTORY" in words):
        return None
    if is_path:
        return StatementVerdict("DESCRIBE", False, (name,), text, "reads files by path, which touches external storage")
    return StatementVerdict("DESCRIBE", True, (name,), text)


def _name_at(toks: Sequence[Token], i: int, text: str) -> tuple[str, bool, int]:
    """(name, names a path?, index after it) of ``a.b.c`` or ``IDENTIFIER(...)`` at i; ("", False, i) if neither."""
    if i < len(toks) and _upper(toks[i]) == "IDENTIFIER":
        span = next((s for s in _identifier_spans(toks) if s[0] == i), None)
        inner = toks[i + 2 : span[1]] if span else []
        if not span or not inner or not all(_is_constant_name_token(t, p) for p, t in zip([None, *inner], inner)):
            return "", False, i
        strings = [t.text for t in inner if t.token_type == TokenType.STRING]
        is_path = any(_is_path_literal(s) for s in strings)
        name = strings[0] if len(inner) == 1 and strings else _token_text(text, toks, i, span[1])
        return name, is_path, span[1] + 1
    parts, j = _dotted_name(toks, i)
    if not parts:
        return "", False, i
    return ".".join(_render_part(p.text) for p in parts), _is_path_name(parts), j


def _is_constant_name_token(tok: Token, prev: Token | None) -> bool:
    # What IDENTIFIER(...) may hold here: strings, :named / ? parameters, and || between them.
    # A parameter's name may be a keyword (:schema), so any word after a colon is one.
    if prev is not None and prev.token_type == TokenType.COLON:
        return bool(_WORD.match(tok.text))
    return tok.token_type in (TokenType.STRING, TokenType.COLON, TokenType.PLACEHOLDER, TokenType.DPIPE)


_NAME_TOKENS = (TokenType.VAR, TokenType.IDENTIFIER)


def _dotted_name(toks: Sequence[Token], i: int) -> tuple[list[Token], int]:
    """Tokens of ``a.b.c`` starting at i (empty if none) and the index after it."""
    n = len(toks)
    if i >= n or toks[i].token_type not in (TokenType.VAR, TokenType.IDENTIFIER) or _upper(toks[i]) == "AS":
        return [], i
    parts = [toks[i]]
    i += 1
    while i + 1 < n and toks[i].token_type == TokenType.DOT and _is_name_token(toks[i + 1]):
        parts.append(toks[i + 1])
        i += 2
    return parts, i


def _is_path_name(parts: Sequence[Token]) -> bool:
    """Whether a dotted name read from tokens reads files by path: `/x`, `s3://x`, parquet.`x`."""
    if any(p.token_type == TokenType.IDENTIFIER and _PATH_HINT.search(p.text) for p in parts):
        return True
    return len(parts) == 2 and parts[0].text.lower() in _FILE_FORMATS and parts[1].token_type == TokenType.IDENTIFIER


def _path_in_names(toks: Sequence[Token]) -> str:
    """The first dotted name in raw statement tokens that reads files by path ("" if none)."""
    i, n = 0, len(toks)
    while i < n:
        parts, j = _dotted_name(toks, i)
        if parts and _is_path_name(parts):
            return ".".join(_render_part(p.text) for p in parts)
        i = j if parts else i + 1
    return ""


def _is_path_literal(name: str) -> bool:
    """Whether the string given to IDENTIFIER(...) names files by path."""
    if _PATH_HINT.search(name):
        return True
    try:
        toks = _tokenize(name)
    except Exception:
        return True  # not even a name: treat it as the worst
    parts, i = _dotted_name(toks, 0)
    return bool(parts) and i == len(toks) and _is_path_name(parts)


def _token_text(text: str, toks: Sequence[Token], a: int, b: int) -> str:
    """The statement text from token a to token b (text is the slice that starts at toks[0])."""
    base = toks[0].start
    return text[toks[a].start - base : toks[b].end + 1 - base]


def _unparseable(text: str, toks: Sequence[Token], error: str) -> StatementVerdict:
    lead = _leading_kind(toks) if toks else ""
    where = f" (starts with {lead})" if lead else ""
    return StatementVerdict(UNPARSEABLE, False, (), text, f"could not be parsed{where}: {error}", error)


def _unparseable_verdict(text: str, error: str) -> Verdict:
    stmt = StatementVerdict(UNPARSEABLE, False, (), text, f"could not be parsed: {error}", error)
    return Verdict(read_only=False, statements=(stmt,), error=error, reason=stmt.reason)


# --------------------------------------------------------------------------
# Tree inspection
# --------------------------------------------------------------------------


_forbidden_cache: dict[type, bool] = {}


def _is_forbidden(node: Any) -> bool:
    # isinstance against ~200 classes is slow on big trees; cache per class.
    cls = type(node)
    hit = _forbidden_cache.get(cls)
    if hit is None:
        hit = _forbidden_cache[cls] = issubclass(cls, _FORBIDDEN_NODES)
    return hit


def _inspect(tree: Any, writes_allowed: bool = False) -> tuple[str, tuple[str, ...]]:
    """One iterative walk: first problem found (or "") and objects touched.

    ``writes_allowed`` (a statement under EXPLAIN, planned and never run): DDL/DML nodes are
    no problem, but reaching outside still is, and so is naming a storage location.
    """
    ctes: set[str] = set()
    tables: list[tuple[int, exp.Table]] = []
    literals: list[tuple[int, str]] = []
    problem = ""

    for order, node in enumerate(tree.walk()):
        if isinstance(node, exp.Table):
            tables.append((order, node))
        elif isinstance(node, exp.CTE) and node.alias:
            ctes.add(node.alias.lower())
        elif isinstance(node, exp.Literal) and node.is_string and _is_location(node):
            literals.append((order, node.name))
        if problem:
            continue
        if _is_forbidden(node):
            if not writes_allowed:
                problem = _forbidden_reason(node)
        elif isinstance(node, exp.Func):
            names = _func_names(node)
            if any(_is_external(n) for n in names):
                problem = f"calls {names[0]}(), which reaches external services or storage"
            elif _is_relation(node) and not _is_safe_tvf(node, names):
                problem = f"reads from table function {names[0]}(), which may touch external storage or services"

    # Tables are judged after the walk, once every CTE name is known.
    found: list[tuple[int, int, str]] = []  # (position in text, walk order, name)
    table_problem = ""
    for order, node in tables:
        if node.find_ancestor(exp.Hint):
            continue  # /*+ BROADCAST(t) */ names an alias, not an object
        name, why = _table(node, ctes)
        if name:
            found.append((_position(node), order, name))
        table_problem = table_problem or why
    found.sort()
    found.extend((1 << 62, order, text) for order, text in literals)
    if writes_allowed and literals and not table_problem:
        table_problem = f"it names a storage location ({literals[0][1]}), which touches external storage"
    return problem or table_problem, tuple(dict.fromkeys(name for _, _, name in found))


def _table(node: exp.Table, ctes: set[str]) -> tuple[str, str]:
    """(object name or "", problem or "") for one table reference."""
    src = node.this
    parts = [p for p in (node.args.get("catalog"), node.args.get("db"), src) if p is not None]
    if src is None or isinstance(src, exp.Identifier):
        idents = [p for p in parts if isinstance(p, exp.Identifier)]
        name = ".".join(_render_part(p.name) for p in idents)
        if len(idents) == 1 and isinstance(src, exp.Identifier) and src.name.lower() in ctes:
            return "", ""  # reference to a CTE, not a real object
        names = [p.name for p in idents]
        if any(_PATH_HINT.search(n) for n in names):
            return name, f"reads files by path ({name}), which touches external storage"
        if len(idents) == 2 and names[0].lower() in _FILE_FORMATS and isinstance(src, exp.Identifier) and src.quoted:
            return name, f"reads files by path ({name}), which touches external storage"
        return name, ""
    if isinstance(src, exp.Func):
        names = _func_names(src)
        if names[0] == "identifier":
            return _identifier_table(src)
        if _is_safe_tvf(src, names):
            return "", ""
        return _one_line(src.sql(dialect=DIALECT, normalize_functions=False), 100), (
            f"reads from table function {names[0]}(), which may touch external storage or services"
        )
    return "", f"unrecognised table reference ({type(src).__name__})"


def _is_location(node: exp.Literal) -> bool:
    parent = node.parent
    return isinstance(parent, _LOCATION_PARENTS) or (isinstance(parent, _ALTER_SET) and node.arg_key == "location")


def _identifier_table(src: exp.Func) -> tuple[str, str]:
    """IDENTIFIER(...) as a table: a constant string, usually from a parameter (``:tbl``).

    Only an object name can come out of it, never a statement, so a parameter is read-only
    like any table name.  Its strings must not name a path; anything but strings,
    parameters and ``||``/concat (a subquery, a function) is not a constant name.
    """
    arg = src.expressions[0] if len(src.expressions) == 1 else None
    if arg is None or not all(isinstance(n, _CONSTANT_NAME_NODES) for n in arg.walk()):
        return "IDENTIFIER(...)", "table name comes from an expression that is not a constant string"
    name = arg.name if isinstance(arg, exp.Literal) else _one_line(src.sql(dialect=DIALECT), 100)
    for lit in arg.find_all(exp.Literal):
        if _is_path_literal(lit.name):
            return name, f"IDENTIFIER({lit.name!r}) names a path, which touches external storage"
    return name, ""


def _is_relation(node: Any) -> bool:
    # A function used as the row source of FROM / JOIN / LATERAL VIEW.
    return node.arg_key == "this" and isinstance(node.parent, (exp.Lateral, exp.From, exp.Join))


def _position(node: exp.Table) -> int:
    for part in node.parts:
        start = part.meta.get("start") if hasattr(part, "meta") else None
        if isinstance(start, int):
            return start
    return 1 << 61


def _func_names(node: exp.Func) -> list[str]:
    if isinstance(node, exp.Anonymous):
        return [node.name.lower()]
    return [n.lower() for n in type(node).sql_names()] or [type(node).__name__.lower()]


def _is_external(name: str) -> bool:
    return name in _EXTERNAL_FUNCS or name.startswith(_EXTERNAL_PREFIXES)


def _is_safe_tvf(node: exp.Func, names: list[str]) -> bool:
    return isinstance(node, _SAFE_TVF_NODES) or any(n in _SAFE_TVFS for n in names)


def _forbidden_reason(node: Any) -> str:
    if isinstance(node, exp.Into):
        return "SELECT ... INTO writes a table"
    if isinstance(node, getattr(exp, "QueryTransform", ())):
        return "TRANSFORM ... USING runs an external script"
    if isinstance(node, exp.Lock):
        return "FOR UPDATE/SHARE takes locks"
    if isinstance(node, getattr(exp, "Stream", ())):
        return "STREAM reads are only for streaming writes"
    label = type(node).__name__.upper()
    return f"contains a {label} inside the query, which may change data or state"


def _write_reason(kind: str, tree: Any) -> str:
    why = _REASON_BY_WORD.get(kind.split(" ")[0])
    if isinstance(tree, exp.Command) and why is None:
        why = "is a command sqlglot does not model, so it is not known to be read-only"
    return f"{kind} {why or 'is not a known read-only statement'}"


# --------------------------------------------------------------------------
# Kinds and names
# --------------------------------------------------------------------------


def _kind(tree: Any, toks: Sequence[Token]) -> str:
    while isinstance(tree, exp.Subquery) and isinstance(tree.this, _EXPR):
        tree = tree.this
    if isinstance(tree, exp.Select):
        return "SELECT INTO" if tree.args.get("into") else "SELECT"
    if isinstance(tree, exp.SetOperation):
        return type(tree).__name__.upper()  # UNION / INTERSECT / EXCEPT
    if isinstance(tree, exp.Insert):
        if isinstance(tree.this, exp.Directory):
            return "INSERT OVERWRITE DIRECTORY"
        return "INSERT OVERWRITE" if tree.args.get("overwrite") else "INSERT"
    simple = {
        exp.Values: "VALUES", exp.Describe: "DESCRIBE", exp.Update: "UPDATE", exp.Delete: "DELETE",
        exp.Merge: "MERGE", exp.Copy: "COPY INTO", exp.Set: "SET", exp.Use: "USE", exp.Grant: "GRANT",
        exp.Revoke: "REVOKE", exp.TruncateTable: "TRUNCATE TABLE", exp.LoadData: "LOAD DATA",
        exp.MultitableInserts: "INSERT", exp.Comment: "COMMENT ON",
    }
    for cls, name in simple.items():
        if isinstance(tree, cls):
            return name
    return _leading_kind(toks) or type(tree).__name__.upper()


def _leading_kind(toks: Sequence[Token]) -> str:
    """Human kind from the leading keywords, e.g. CREATE CATALOG, MSCK REPAIR."""
    words: list[str] = []
    for tok in toks[:8]:
        parts = tok.text.upper().split()  # some keywords are one token: "MSCK REPAIR"
        if tok.token_type in (TokenType.STRING, TokenType.IDENTIFIER) or not all(map(_WORD.match, parts)):
            break
        words.extend(parts)
    if not words:
        return ""
    first = words[0]
    if first in ("CREATE", "DROP", "ALTER", "REPLACE"):
        rest = [w for w in words[1:] if w not in _KIND_SKIP]
        if not rest:
            return first
        obj = " ".join(rest[:2]) if rest[0] in _KIND_JOIN and len(rest) > 1 else rest[0]
        return f"{first} {obj}"
    if first in _TWO_WORD_VERBS and len(words) > 1:
        extra = f" {words[2]}" if words[1] in _KIND_JOIN and len(words) > 2 else ""
        return f"{first} {words[1]}{extra}"
    return first


def _command_objects(toks: Sequence[Token], text: str) -> tuple[str, ...]:
    """Best-effort object names for statements sqlglot keeps as raw text (text: their slice)."""
    objects: list[str] = []
    armed = False
    i, n = 0, len(toks)
    while i < n:
        tok = toks[i]
        up = _upper(tok)
        if armed and tok.token_type in (TokenType.VAR, TokenType.IDENTIFIER) and up not in _OBJECT_PASS:
            name, _is_path, j = _name_at(toks, i, text)
            if name:
                objects.append(name)
                armed = False
                i = j
                continue
        armed = up in _OBJECT_TRIGGERS or (armed and up in _OBJECT_PASS)
        i += 1
    return tuple(dict.fromkeys(objects))


def _is_name_token(tok: Token) -> bool:
    return tok.token_type == TokenType.IDENTIFIER or bool(_WORD.match(tok.text))


def _render_part(name: str) -> str:
    # Plain names as written; anything unusual keeps its backticks.
    if _WORD.match(name):
        return name
    return "`" + name.replace("`", "``") + "`"


def _upper(tok: Token) -> str:
    if tok.token_type in (TokenType.STRING, TokenType.IDENTIFIER):
        return ""  # a quoted word is never a keyword
    return tok.text.upper()


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def _as_text(sql: object) -> str:
    if isinstance(sql, str):
        return sql
    if sql is None:
        return ""
    if isinstance(sql, (bytes, bytearray)):
        return bytes(sql).decode("utf-8", errors="replace")
    return str(sql)


def _clean_error(e: BaseException) -> str:
    if isinstance(e, ParseError) and e.errors:
        first = e.errors[0]
        msg = f"{first.get('description') or 'syntax error'} (line {first.get('line')}, col {first.get('col')})"
    elif isinstance(e, RecursionError):
        msg = "SQL is nested too deeply to analyse"
    else:
        msg = str(e) or type(e).__name__
    msg = _TOKEN_REPR.sub(lambda m: repr(m.group(1)), _ANSI.sub("", msg))
    return _one_line(msg, 300)


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
