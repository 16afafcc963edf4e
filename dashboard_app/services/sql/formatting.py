"""Format SQL the way the editor's "Format" button does: sqlglot's Databricks dialect, pretty,
keywords in upper case, comments kept, several statements each formatted.

Text that does not parse is not touched: `FormatError` says where it stops, and the caller
leaves the text as it was. The output is checked before it is returned: it must parse into
the same statements (sqlglot's syntax trees compared) and carry the same comments, or the
text is refused the same way. So a formatter quirk can never change what a query means.

Comments: sqlglot keeps them attached to the expression next to them and writes them as
block comments; a `--` comment that still ends its line in the output is written back as
`--`, one that now sits inside a line stays `/* ... */`.

Pure Python; must never import reflex.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, SqlglotError, TokenError
from sqlglot.tokens import Token, TokenType

from .guard import quiet_parser

__all__ = ["MAX_FORMAT_BYTES", "MAX_FORMAT_TOKENS", "FormatError", "format_sql"]

DIALECT = "databricks"
MAX_FORMAT_BYTES = 1024 * 1024
# sqlglot parses and writes some 50,000 tokens a second here; past this the button would hang.
MAX_FORMAT_TOKENS = 40_000
_MOVES = 3  # times a comment sqlglot would drop is moved on to the next token

_DIALECT = Dialect.get_or_raise(DIALECT)
_LINE_MARK = "\ue000"  # private use: tags a `--` comment's text through sqlglot
_ROUGH_TOKEN = re.compile(r"\w+|[^\w\s]")
_MARKED = re.compile(r"/\* " + _LINE_MARK + r"([^\n]*?)\*/")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_TOKEN_REPR = re.compile(r"<Token token_type: [^,]*, text: (.*?), line: .*?>")


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
    rough = sum(1 for _ in _ROUGH_TOKEN.finditer(sql)) if size > 64 * 1024 else 0
    if rough > MAX_FORMAT_TOKENS:
        raise FormatError(
            f"The SQL is too long to format (about {rough:,} words and symbols; the formatter takes up to {MAX_FORMAT_TOKENS:,})"
        )
    if not sql.strip():
        return sql
    tokens = _tokenize(sql)
    if not any(t.token_type != TokenType.SEMICOLON for t in tokens):
        return sql  # only comments (and semicolons): nothing to format
    trailing_semicolon = tokens[-1].token_type == TokenType.SEMICOLON
    comments = [(i, k, _norm_comment(c)) for i, t in enumerate(tokens) for k, c in enumerate(t.comments)]
    # sqlglot drops a comment on some tokens (an opening parenthesis, WHEN); such a comment is
    # moved on to the next token and the statement formatted again, a few times at most.
    shifts: dict[tuple[int, int], int] = {}
    for attempt in range(_MOVES + 1):
        if attempt:
            tokens = _tokenize(sql)
        if _LINE_MARK not in sql:
            _mark_line_comments(sql, tokens)
        _move_comments(tokens, shifts)
        trees = _parse(sql, tokens)
        out = _render(trees, trailing_semicolon=trailing_semicolon)
        lost = _lost_comments(trees, [c for _, _, c in comments], out)
        if not lost:
            return out
        for i, k, text in comments:
            if lost.get(text):
                lost[text] -= 1
                shifts[i, k] = shifts.get((i, k), 0) + 1
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
        return quiet_parser().parse(tokens, sql)
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


def _mark_line_comments(sql: str, tokens: Sequence[Token]) -> None:
    """Tag the text of each `--` comment, so it can be written back as one.

    Comments sit between tokens and the tokens carry them in text order (a comment goes with
    the token before it on its line, else the one after), so the comments read from the gaps
    are matched to the tokens' comments in order, by their text."""
    found: list[tuple[str, bool]] = []
    at = 0
    for tok in tokens:
        found += _gap_comments(sql[at : tok.start])
        at = tok.end + 1
    found += _gap_comments(sql[at:])
    pos = 0
    for tok in tokens:
        for k, text in enumerate(tok.comments):
            for q in range(pos, len(found)):
                if found[q][0] == text:
                    if found[q][1]:
                        tok.comments[k] = _LINE_MARK + text
                    pos = q + 1
                    break


def _move_comments(tokens: Sequence[Token], shifts: dict[tuple[int, int], int]) -> None:
    """Move comment k of token i on by shifts[i, k] tokens (placed before that token's own)."""
    if not shifts:
        return
    moving: dict[int, list[str]] = {}
    for (i, k), by in sorted(shifts.items()):
        moving.setdefault(min(i + by, len(tokens) - 1), []).append(tokens[i].comments[k])
    for i, k in sorted(shifts, reverse=True):
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
    return _restore_line_comments("".join(out))


def _generate(tree: Any) -> str:
    try:
        return tree.sql(dialect=_DIALECT, pretty=True, unsupported_level=ErrorLevel.RAISE)
    except RecursionError:
        raise FormatError("Cannot format: the SQL is nested too deeply") from None
    except SqlglotError as err:
        raise FormatError(f"Cannot format this statement: {_ANSI.sub('', str(err))[:300]}") from None


def _restore_line_comments(text: str) -> str:
    """`/* <mark> text */` back to `-- text` where it ends its line, else a plain block comment."""

    def put(m: re.Match[str]) -> str:
        body = m.group(1).rstrip()
        if m.end() == len(text) or text[m.end()] in "\r\n":
            return "--" + body
        return "/* " + body.strip() + " */" if body.strip() else "/* */"

    return _MARKED.sub(put, text)


# --- checking ----------------------------------------------------------------------------------------


def _statements(trees: Sequence[Any]) -> list[Any]:
    return [t for t in trees if t is not None and not isinstance(t, exp.Semicolon)]


def _norm_comment(text: str) -> str:
    return " ".join(text.replace(_LINE_MARK, "").replace("*/", "* /").replace("/*", "/ *").split())


def _lost_comments(trees: Sequence[Any], comments: Sequence[str], out: str) -> Counter[str]:
    """The comments (normalised) missing from `out`, which must parse into the same statements."""
    refused = FormatError("The formatter would change this SQL (a formatter limitation); it is left as written")
    try:
        out_tokens = _DIALECT.tokenizer_class(dialect=_DIALECT).tokenize(out)
        again = quiet_parser().parse(out_tokens, out)
    except (SqlglotError, RecursionError):
        raise refused from None
    before, after = _statements(trees), _statements(again)
    if len(before) != len(after) or any(a != b for a, b in zip(before, after)):
        raise refused
    missing = Counter(comments)
    missing.subtract(_norm_comment(c) for t in out_tokens for c in t.comments)
    return Counter({c: n for c, n in missing.items() if n > 0})
