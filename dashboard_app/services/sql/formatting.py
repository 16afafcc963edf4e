"""Format SQL the way the editor's "Format" button does: sqlglot's Databricks dialect, pretty,
keywords and function names in upper case, comments kept, several statements each formatted
(separated by `;` and a blank line).

A format changes layout, not the statement. sqlglot is a transpiler: it reads a known function
into its own node and writes that node its own way (`datediff(a, b)` comes back as
`DATEDIFF(DAY, b, a)`, which Databricks reads as timestampdiff). So function calls are read as
plain calls and written as typed, and the output is checked before it is returned: it must
parse into the same syntax trees, with the same names, literals and parameters in the same
order, and the same comments. Otherwise, and for text that does not parse, `FormatError` says
why (where the text stops parsing: line and column) and the caller leaves the text as it was.

Comments: sqlglot keeps them attached to the expression next to them and writes them as block
comments; a `--` comment that still ends its line in the output is written back as `--`, one
that now sits inside a line stays `/* ... */`. Where sqlglot would drop a comment (one after an
opening parenthesis, after WHEN), it is moved on to the next token.

Pure Python; must never import reflex.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError, TokenError
from sqlglot.tokens import Token, TokenType

from .guard import quiet_parser

__all__ = ["MAX_FORMAT_BYTES", "MAX_FORMAT_TOKENS", "FormatError", "format_sql"]

DIALECT = "databricks"
MAX_FORMAT_BYTES = 1024 * 1024
# sqlglot reads, writes and rereads some 30,000 tokens a second here (twice over with comments):
# past this the button would hang, so the text is refused at once (counted roughly).
MAX_FORMAT_TOKENS = 25_000
_MOVES = (1, 2, None)  # where a comment sqlglot drops is tried: tokens on, then its statement's start
_SETTLE = 2  # more formats for a layout that moves with its comments

_DIALECT = Dialect.get_or_raise(DIALECT)
_QUIET_PARSER = type(quiet_parser())
_ROUGH_TOKEN = re.compile(r"\w+|[^\w\s]")
# Each comment travels through sqlglot tagged (private-use characters): its number, and
# whether it was a `--` comment, so the output tells which comments it kept and how to write
# them. Text that holds such characters itself is formatted without tags.
_TAG, _LINE, _BLOCK, _DIGIT0 = "\ue001", "\ue002", "\ue003", 0xE010
_PRIVATE = re.compile("[\ue000-\ue01f]")
_TAGGED = re.compile(r"/\* \ue001([\ue010-\ue019]+)([\ue002\ue003])(.*?)\*/", re.DOTALL)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: .*?>")

# Functions sqlglot reads with a rule of its own only to build its node (they have no syntax
# of their own): read as plain calls too, so they are written as typed.
_PLAIN_CALLS = frozenset(
    "APPROX_PERCENTILE ARGMAX ARGMIN ARG_MAX ARG_MIN CHAR CHR DECODE INITCAP MAX_BY MIN_BY PERCENTILE "
    "PERCENTILE_APPROX REGR_AVGX REGR_AVGY REGR_SXX REGR_SXY REGR_SYY".split()
)


class _Parser(_QUIET_PARSER):  # type: ignore[misc, valid-type]
    """The Databricks parser (quiet), with every function call read as a plain call: its name
    and its arguments in their order, written back as typed (`nvl` stays NVL, not COALESCE;
    `named_struct('a', 1)` is not STRUCT(1 AS a)). Calls with a syntax of their own (CAST,
    EXTRACT, TRIM(BOTH ..), POSITION(.. IN ..), SUBSTRING(.. FROM ..)) keep their rules."""

    # ARRAY(..) stays sqlglot's: read as a plain call, ARRAY(1, 2)[0] is misread.
    FUNCTIONS: dict[str, Any] = {"ARRAY": _QUIET_PARSER.FUNCTIONS["ARRAY"]}
    FUNCTION_PARSERS = {k: v for k, v in _QUIET_PARSER.FUNCTION_PARSERS.items() if k not in _PLAIN_CALLS}


class _Generator(_DIALECT.generator_class):  # type: ignore[misc, name-defined]
    """sqlglot's Databricks writer, but `a RLIKE b` and `position(a IN b)` stay so (it would
    write REGEXP_LIKE(a, b) and LOCATE(a, b), which read back as other trees)."""

    TRANSFORMS = {
        **_DIALECT.generator_class.TRANSFORMS,
        exp.RegexpLike: lambda self, e: self.binary(e, "RLIKE"),
        exp.StrPosition: lambda self, e: (
            self.func("POSITION", e.args.get("substr"), e.this, e.args.get("position"))
            if e.args.get("position")
            else f"POSITION({self.sql(e, 'substr')} IN {self.sql(e, 'this')})"
        ),
    }


def _parser() -> Any:
    return _Parser(dialect=_DIALECT)


class FormatError(ValueError):
    """The text cannot be formatted (it does not parse, or is too large); leave it as it is."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass
class _Statement:
    text: str
    is_command: bool
    after: list[str] = field(default_factory=list)  # comments written after its `;`


def format_sql(sql: str) -> str:
    """`sql` formatted; FormatError (a ValueError) when it cannot be, with where it stops."""
    if not isinstance(sql, str):
        raise FormatError("Only SQL text can be formatted")
    size = len(sql.encode("utf-8", errors="surrogatepass"))
    if size > MAX_FORMAT_BYTES:
        raise FormatError(f"The SQL is {size:,} bytes; the formatter takes at most {MAX_FORMAT_BYTES:,} bytes (1 MiB)")
    rough = sum(1 for _ in _ROUGH_TOKEN.finditer(sql)) if size > 16 * 1024 else 0
    if rough > MAX_FORMAT_TOKENS:
        raise FormatError(
            f"The SQL is too long to format (about {rough:,} words and symbols; the formatter takes up to {MAX_FORMAT_TOKENS:,})"
        )
    if not sql.strip():
        return sql
    tokens = _tokenize(sql)
    if not any(t.token_type != TokenType.SEMICOLON for t in tokens):
        return sql  # only comments (and semicolons): nothing to format
    commented = any(t.comments for t in tokens)
    out = _format_once(sql, tokens)
    if not commented:
        return out  # the layout is a function of the syntax trees alone, which are kept
    # Comments can sit elsewhere once formatted (sqlglot attaches each to a neighbour), which
    # can change the layout again: format until it settles, so a format of the result keeps it.
    for _ in range(_SETTLE):
        again = _format_once(out, _tokenize(out))
        if again == out:
            return out
        out = again
    raise FormatError("The formatter cannot settle on a layout for this SQL's comments; it is left as written")


def _format_once(sql: str, tokens: list[Token]) -> str:
    trailing_semicolon = tokens[-1].token_type == TokenType.SEMICOLON
    _lead_comments_on(tokens)
    comments = [_norm_comment(c) for t in tokens for c in t.comments]
    tagged = _PRIVATE.search(sql) is None
    # sqlglot drops a comment on some tokens (an opening parenthesis, WHEN, an operator): such
    # a comment is moved to the next token, the one after, then to its statement's first
    # token, and the text formatted again each time.
    targets: dict[tuple[int, int], int] = {}
    tries: dict[tuple[int, int], int] = {}
    reference: list[Any] = []
    for attempt in range(len(_MOVES) + 1 if tagged else 1):
        if attempt:
            tokens = _tokenize(sql)
            _lead_comments_on(tokens)
        places = _tag_comments(sql, tokens) if tagged else []
        _move_comments(tokens, targets)
        trees = _parse(sql, tokens)
        reference = reference or trees  # what the text says, before any comment moved
        out, kept = _untag(_render(trees, trailing_semicolon=trailing_semicolon))
        _check(reference, tokens, out, comments, complete=len(kept) == len(places))
        lost = [places[n] for n in range(len(places)) if n not in kept]
        if not lost:
            return out
        if any(tries.get(place, 0) == len(_MOVES) for place in lost):
            break
        for place in lost:
            step = tries.get(place, 0)
            tries[place] = step + 1
            i = place[0]
            target = _statement_start(tokens, i) if _MOVES[step] is None else min(i + _MOVES[step], len(tokens) - 1)
            if tokens[target].token_type == TokenType.HINT and target + 1 < len(tokens):
                target += 1  # a hint's comment is the hint: nothing joins it
            targets[place] = target
    raise FormatError("The formatter would lose a comment of this SQL; it is left as written")


# --- reading ---------------------------------------------------------------------------------------


def _tokenize(sql: str) -> list[Token]:
    tokenizer = _DIALECT.tokenizer_class(dialect=_DIALECT)
    try:
        return tokenizer.tokenize(sql)
    except TokenError:
        done = tokenizer.tokens
        at = done[-1].end + 1 if done else 0
        while at < len(sql) and sql[at].isspace():
            at += 1
        line, column = _line_column(sql, at)
        raise FormatError(
            f"Cannot format: the text stops making sense at line {line}, column {column} "
            "(a quote, backquote or /* comment that is not closed?)",
            line=line, column=column,
        ) from None
    except RecursionError:
        raise FormatError("Cannot format: the SQL is nested too deeply") from None


def _parse(sql: str, tokens: list[Token]) -> list[Any]:
    try:
        return _parser().parse(tokens, sql)
    except ParseError as err:
        first = err.errors[0] if err.errors else {}
        line, column = first.get("line"), first.get("col")
        what = _TOKEN_REPR.sub(lambda m: repr(m.group(1)), _ANSI.sub("", str(first.get("description") or "syntax error")))
        where = f" at line {line}, column {column}" if line and column else ""
        raise FormatError(f"Cannot format: {what}{where}", line=line, column=column) from None
    except RecursionError:
        raise FormatError("Cannot format: the SQL is nested too deeply") from None
    except SqlglotError as err:
        raise FormatError(f"Cannot format: {_ANSI.sub('', str(err))[:300]}") from None


def _line_column(sql: str, at: int) -> tuple[int, int]:
    line = sql.count("\n", 0, at) + 1
    return line, at - (sql.rfind("\n", 0, at) + 1) + 1


def _gap_comments(gap: str) -> list[tuple[str, bool]]:
    """The comments in text between two tokens: (text as the tokenizer keeps it, is `--`)."""
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(gap):
        if gap.startswith("--", i):
            end = i + 2
            while end < len(gap) and gap[end] not in "\r\n":
                end += 1
            out.append((gap[i + 2 : end], True))
            i = end
        elif gap.startswith("/*", i):
            depth, j = 1, i + 2
            while j < len(gap) and depth:
                if gap.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                elif gap.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                else:
                    j += 1
            out.append((gap[i + 2 : j - 2], False))
            i = j
        else:
            i += 1
    return out


def _tag_comments(sql: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """Tag every comment of `tokens` with its number and its kind; the (token, index) of each.

    Comments sit between tokens and the tokens carry them in text order (a comment goes with
    the token before it on its line, else the one after), so the comments read from the gaps
    (where `--` ones are told apart) are matched to the tokens' comments in order, by text."""
    found: list[tuple[str, bool]] = []
    at = 0
    for tok in tokens:
        found += _gap_comments(sql[at : tok.start])
        at = tok.end + 1
    found += _gap_comments(sql[at:])
    places: list[tuple[int, int]] = []
    pos = 0
    for i, tok in enumerate(tokens):
        if tok.token_type == TokenType.HINT:
            continue  # `/*+ BROADCAST(t) */` is read by the parser: it stays as it is
        for k, text in enumerate(tok.comments):
            is_line = False
            for q in range(pos, len(found)):
                if found[q][0] == text:
                    is_line, pos = found[q][1], q + 1
                    break
            number = "".join(chr(_DIGIT0 + int(d)) for d in str(len(places)))
            tok.comments[k] = _TAG + number + (_LINE if is_line else _BLOCK) + text
            places.append((i, k))
    return places


def _lead_comments_on(tokens: list[Token]) -> None:
    """Comments on `;`s before the first statement go to its first token (where they are read
    from once formatted: the output starts with that statement)."""
    lead = 0
    while lead < len(tokens) and tokens[lead].token_type == TokenType.SEMICOLON:
        lead += 1
    if 0 < lead < len(tokens):
        moved = [c for t in tokens[:lead] for c in t.comments]
        for t in tokens[:lead]:
            t.comments = []
        tokens[lead].comments[:0] = moved


def _statement_start(tokens: Sequence[Token], i: int) -> int:
    while i > 0 and tokens[i - 1].token_type != TokenType.SEMICOLON:
        i -= 1
    return i


def _move_comments(tokens: Sequence[Token], targets: dict[tuple[int, int], int]) -> None:
    """Move comment k of token i to token targets[i, k] (before that token's own comments)."""
    if not targets:
        return
    moving: dict[int, list[str]] = {}
    for (i, k), target in sorted(targets.items()):
        moving.setdefault(target, []).append(tokens[i].comments[k])
    for i, k in sorted(targets, reverse=True):
        del tokens[i].comments[k]
    for target, texts in moving.items():
        tokens[target].comments[:0] = texts


# --- writing ---------------------------------------------------------------------------------------


def _render(trees: Sequence[Any], *, trailing_semicolon: bool) -> str:
    statements: list[_Statement] = []
    leading: list[str] = []  # comments after a `;` that no statement precedes
    for tree in trees:
        if tree is None:
            continue
        text = _generate(tree)
        if isinstance(tree, exp.Semicolon):  # comments written after a `;`
            (statements[-1].after if statements else leading).append(text)
        else:
            statements.append(_Statement(text, isinstance(tree, exp.Command)))
    out: list[str] = []
    if leading:
        out.append("\n".join(leading) + "\n")
    for i, st in enumerate(statements):
        if i:
            out.append("\n\n")
        out.append(st.text)
        if i < len(statements) - 1 or trailing_semicolon or st.after:
            # A command keeps its text as written: a `--` at its end would swallow the `;`.
            out.append("\n;" if st.is_command and "--" in st.text.rsplit("\n", 1)[-1] else ";")
        for text in st.after:
            out.append(" " + text)
    return "".join(out)


def _generate(tree: Any) -> str:
    try:
        return _Generator(pretty=True, unsupported_level=ErrorLevel.RAISE, dialect=_DIALECT).generate(tree)
    except RecursionError:
        raise FormatError("Cannot format: the SQL is nested too deeply") from None
    except SqlglotError as err:
        raise FormatError(f"Cannot format this statement: {_ANSI.sub('', str(err))[:300]}") from None


def _untag(text: str) -> tuple[str, set[int]]:
    """The text without the comments' tags, and the numbers of the comments in it. A `--`
    comment that still ends its line is written as one, else as a block comment."""
    kept: set[int] = set()

    def put(m: re.Match[str]) -> str:
        kept.add(int("".join(str(ord(c) - _DIGIT0) for c in m.group(1))))
        body = m.group(3)
        if m.group(2) == _LINE and "\n" not in body and (m.end() == len(text) or text[m.end()] in "\r\n"):
            return "--" + body.rstrip()
        # As sqlglot writes it: a blank inside each end.
        body = body if body[:1].isspace() else " " + body
        return "/*" + (body if body[-1:].isspace() else body + " ") + "*/"

    return _TAGGED.sub(put, text), kept


# --- checking ----------------------------------------------------------------------------------------


def _statements(trees: Sequence[Any]) -> list[Any]:
    return [t for t in trees if t is not None and not isinstance(t, exp.Semicolon)]


def _norm_comment(text: str) -> str:
    return " ".join(_PRIVATE.sub("", text).replace("*/", "* /").replace("/*", "/ *").split())


_VALUE_TOKENS = frozenset(
    getattr(TokenType, name)
    for name in ("VAR", "IDENTIFIER", "STRING", "NUMBER", "RAW_STRING", "HEX_STRING", "NATIONAL_STRING",
                 "BIT_STRING", "BYTE_STRING", "UNICODE_STRING", "HEREDOC_STRING", "PLACEHOLDER", "PARAMETER")
    if hasattr(TokenType, name)
)


# Written by sqlglot for Databricks' own shorthands: x::int, DATE'2024-01-31', 1.5D (casts).
_SUGAR = frozenset({"cast"})
# Calls read by their own syntax rules and written under the other name of the same function.
_SAME_FUNCTION = {"substr": "substring"}
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,40})?|\.[0-9]{1,40})")


def _surface(tokens: Sequence[Token]) -> list[str]:
    """Names (case folded: Databricks ignores case in them), literals and parameters, in order."""
    out = []
    for t in tokens:
        if t.token_type in _VALUE_TOKENS:
            text = t.text
            if t.token_type in (TokenType.NUMBER, TokenType.STRING) and _PLAIN_NUMBER.fullmatch(text):
                # 1.50 and 1.5, INTERVAL 30 DAYS and INTERVAL '30' DAYS
                text = format(Decimal(text).normalize(), "f")
            elif t.token_type in (TokenType.VAR, TokenType.IDENTIFIER):
                text = text.casefold()
                if t.token_type == TokenType.VAR:
                    if text in _SUGAR:
                        continue
                    text = _SAME_FUNCTION.get(text, text)
            out.append(text)
    return out


def _check(trees: Sequence[Any], tokens: Sequence[Token], out: str, comments: Sequence[str], *, complete: bool) -> None:
    """`out` must say what `tokens` says: the same statements (syntax trees), the same names,
    literals and parameters in the same order, and (when it kept every comment) the same
    comments; else FormatError."""
    refused = FormatError("The formatter would change this SQL (a formatter limitation); it is left as written")
    try:
        out_tokens = _DIALECT.tokenizer_class(dialect=_DIALECT).tokenize(out)
        out_comments = Counter(_norm_comment(c) for t in out_tokens for c in t.comments)  # (parsing takes them)
        again = _parser().parse(out_tokens, out)
    except (SqlglotError, RecursionError):
        raise refused from None
    before, after = _statements(trees), _statements(again)
    if len(before) != len(after) or any(a != b for a, b in zip(before, after)):
        raise refused
    # The same trees can come from different texts (sqlglot reads some spellings into one
    # node); names, literals and parameters must also come in the same order.
    if _surface(tokens) != _surface(out_tokens):
        raise refused
    if complete and Counter(comments) != out_comments:
        raise FormatError("The formatter would lose a comment of this SQL; it is left as written")
