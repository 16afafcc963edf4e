"""Named parameters of the SQL editor: which `:name` markers a statement uses, and their
values checked against the type the user chose.

`names` finds the markers with sqlglot's Databricks tokenizer, so a colon inside a string
literal ('12:30'), a comment, a backquoted identifier, a `::` cast or a JSON path
(`raw:owner`, `arr[0]:k`: a colon right after an expression) is not a marker. The tokenizer
is pure Python and makes every token one by one (a second per dense megabyte), so it reads a
skeleton of the text instead: the same length, the same strings, comments and quoted
identifiers, and little else (see `_skeleton`); `_names_exact` gives the same answer from the
whole text's tokens, and the tests hold the two to it.

`bind` turns the editor's values (always text) into native values; they travel to the
engine as parameters and are never formatted into the SQL text, so a value never becomes SQL.

Pure Python; must never import reflex.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

__all__ = ["MAX_TEXT_VALUE", "TYPES", "ParameterError", "bind", "names"]

TYPES = ("text", "number", "date")
MAX_TEXT_VALUE = 65_536  # characters of one text value
_INT64 = 2**63
_MAX_DIGITS = 38  # DECIMAL(38) is the widest number Databricks holds

_DIALECT = Dialect.get_or_raise("databricks")


class _PlainTokenizer(_DIALECT.tokenizer_class):  # type: ignore[misc, name-defined]
    """The Databricks tokenizer without 'command' mode: the stock one swallows everything
    after SHOW / EXECUTE / ... into one string token, which would hide markers there."""

    COMMANDS: set[TokenType] = set()


class ParameterError(ValueError):
    """A parameter has no value, or one that is not of its type; the message names it."""


# --- finding markers ---------------------------------------------------------------------------

_NAME = re.compile(r"[^\W\d]\w*")
# Keywords after which a value is expected: `WHERE x = 1 AND :p`, `LIMIT :n`, `ELSE :b`.
_OPERAND_KEYWORDS = frozenset(
    "SELECT WHERE AND OR NOT ON WHEN THEN ELSE CASE BY IN IS FROM LIKE ILIKE RLIKE REGEXP LIMIT "
    "OFFSET HAVING QUALIFY BETWEEN DISTINCT ALL ANY SOME SET USING INTERVAL ESCAPE OF RETURN "
    "DEFAULT IMMEDIATE IF ELSEIF WHILE UNTIL DIV ZONE".split()
)
_LITERAL_ENDS = ("'", '"', "`", ")", "]", "}")
_KEYWORDS = frozenset(k for k in _DIALECT.tokenizer_class.KEYWORDS if _NAME.fullmatch(k))

# The skeleton: a copy of the text, position for position, that lexes into the same strings,
# comments and quoted identifiers, with everything that cannot change those blanked out, so the
# (pure Python, per-token) tokenizer makes a few tokens instead of every one. Kept: quotes,
# backslashes, comment delimiters, line breaks; a word right before a quote (string prefixes
# r'..', x'..'; a hex string whole); each colon that may start a marker (not the second of a `::` cast); and the
# character before such a colon where a comment could end there (a `/`, or a line break
# between). A candidate colon the tokenizer still sees is outside strings and comments.
_KEEP = "'\"`\\-/*\n\r"
_BLANK_TABLE = str.maketrans({c: " " for c in map(chr, range(128)) if c not in _KEEP})
_CANDIDATE = re.compile(r":(?=[^\W\d])")
_PREFIXED_QUOTE = re.compile(r"(?<=\w)['\"`]")
_SPACE = " \t\r\n"
_RUN = re.compile(r" {2,}")


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _before(sql: str, colon: int) -> int:
    """Position of the last non-blank character before `colon`, or -1."""
    j = colon - 1
    while j >= 0 and sql[j] in _SPACE:
        j -= 1
    return j


def _comment_may_end(sql: str, j: int, colon: int) -> bool:
    """Could a comment end at `j`, the last non-blank character before `colon`? Only a block
    comment's `*/`, or a `--` comment on an earlier line: elsewhere a token ends at `j`."""
    return sql[j] == "/" or "\n" in sql[j + 1 : colon] or "\r" in sql[j + 1 : colon]


def _candidates(sql: str) -> list[int]:
    """Colons followed by a name, less the second colon of each `::` (a cast)."""
    out = []
    for m in _CANDIDATE.finditer(sql):
        run = 1
        while m.start() - run >= 0 and sql[m.start() - run] == ":":
            run += 1
        if run % 2:
            out.append(m.start())
    return out


def _skeleton(sql: str, candidates: Sequence[int]) -> str:
    restore: list[tuple[int, int]] = []
    for m in _PREFIXED_QUOTE.finditer(sql):
        k = m.start()
        while k > 0 and _is_word_char(sql[k - 1]):
            k -= 1
        end = m.start()
        if sql[k:end] in ("x", "X") and sql[end] == "'":
            # A hex string: the tokenizer checks its digits, so it is kept whole.
            close = sql.find("'", end + 1)
            end = len(sql) if close < 0 else close + 1
        restore.append((k, end))
    for c in candidates:
        restore.append((c, c + 1))
        j = _before(sql, c)
        if j >= 0 and _comment_may_end(sql, j, c):
            restore.append((j, j + 1))
    blank = sql.translate(_BLANK_TABLE)
    if not restore:
        return blank
    restore.sort()
    pieces: list[str] = []
    at = 0
    for start, end in restore:
        start = max(start, at)
        if end > start:
            pieces += (blank[at:start], sql[start:end])
            at = end
    pieces.append(blank[at:])
    return "".join(pieces)


def _squeezed(skeleton: str) -> tuple[str, Callable[[int], int]]:
    """The skeleton with each run of blanks made one blank (which lexes alike: no two kept
    characters become adjacent), and the map from its positions back to the text's."""
    parts: list[str] = []
    starts: list[int] = []  # where each kept segment starts in the squeezed text
    origins: list[int] = []  # ... and in the text
    size = at = 0
    for m in _RUN.finditer(skeleton):
        end = m.start() + 1  # keep one blank
        starts.append(size)
        origins.append(at)
        parts.append(skeleton[at:end])
        size += end - at
        at = m.end()
    starts.append(size)
    origins.append(at)
    parts.append(skeleton[at:])

    def where(pos: int) -> int:
        i = bisect.bisect_right(starts, pos) - 1
        return origins[i] + pos - starts[i]

    return "".join(parts), where


def _tokens(text: str) -> list[Token]:
    """Tokens of `text`; for text that stops lexing (an unclosed quote or comment), the tokens
    before that point: what follows is inside the unclosed literal anyway."""
    tokenizer = _PlainTokenizer(dialect=_DIALECT)
    try:
        return tokenizer.tokenize(text)
    except TokenError:
        return list(tokenizer.tokens)


def _is_marker_context(sql: str, j: int, colon: int) -> bool:
    """Does the colon start a parameter marker, rather than a JSON path (`raw:owner`)?
    `j` is the character before it (blanks skipped), the end of a token next to it."""
    c = sql[j]
    if c in _LITERAL_ENDS:
        return False  # a string, a quoted identifier, a call or subscript: `f(x):a`, `a[0]:k`
    if not _is_word_char(c):
        return True  # punctuation or an operator: `= :p`, `(:a, :b)`
    k = j
    while k > 0 and _is_word_char(sql[k - 1]):
        k -= 1
    word = sql[k : j + 1]
    if not _NAME.fullmatch(word):
        return False  # a number: `1:a` is a JSON path too
    upper = word.upper()
    if upper in _OPERAND_KEYWORDS:
        return True  # `LIMIT :n`, `ELSE :b`, `SELECT:p`
    # Another keyword: a column with a keyword's name when written against the colon
    # (`json:a`), else a marker (`LOCATION :path`). Any other word is a column: `payload:owner`.
    return upper in _KEYWORDS and j + 1 < colon


def _colon_sites(tokens: Sequence[Token], where: Callable[[int], int] = int) -> list[tuple[int, int]]:
    """(position of the colon, end of the token before it or -1) for every COLON token."""
    return [
        (where(tok.start), where(tokens[i - 1].end) if i else -1)
        for i, tok in enumerate(tokens)
        if tok.token_type == TokenType.COLON
    ]


def _scan(sql: str, sites: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    """The marker names at the colons `sites` of `sql`, each once, in order."""
    out: dict[str, None] = {}
    for colon, prev_end in sites:
        m = _NAME.match(sql, colon + 1)
        # The name is a word right after the colon, not the prefix of a string (r'x', x'41').
        if m is None or sql[m.end() : m.end() + 1] in ("'", '"'):
            continue
        j = _before(sql, colon)
        # No token ends right before the colon: a comment sits between, so it starts a value.
        if j < 0 or prev_end != j or _is_marker_context(sql, j, colon):
            out.setdefault(m.group(), None)
    return tuple(out)


def _names_exact(sql: str) -> tuple[str, ...]:
    """The same answer from the tokens of the whole text (slow on large texts; the reference)."""
    return _scan(sql, _colon_sites(_tokens(sql)))


def _skeleton_sites(sql: str, tokens: Sequence[Token], where: Callable[[int], int]) -> list[tuple[int, int]]:
    """As _colon_sites, for the skeleton's tokens: where no comment can end right before a
    colon, a token of the text ends there (the skeleton does not keep it)."""
    out = []
    for i, tok in enumerate(tokens):
        if tok.token_type != TokenType.COLON:
            continue
        colon = where(tok.start)
        j = _before(sql, colon)
        if j >= 0 and not _comment_may_end(sql, j, colon):
            out.append((colon, j))
        else:
            out.append((colon, where(tokens[i - 1].end) if i else -1))
    return out


@functools.lru_cache(maxsize=64)
def _names(sql: str) -> tuple[str, ...]:
    candidates = _candidates(sql)
    if not candidates:
        return ()
    squeezed, where = _squeezed(_skeleton(sql, candidates))
    return _scan(sql, _skeleton_sites(sql, _tokens(squeezed), where))


def names(sql: str) -> list[str]:
    """The `:name` parameter markers of `sql`, in order of first appearance, each once.

    Not markers: colons in string literals, comments and backquoted identifiers, `::` casts,
    JSON paths (`raw:owner.name`), `?` (positional) and `:` followed by a digit."""
    if not isinstance(sql, str) or not sql:
        return []
    return list(_names(sql))


# --- values ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _number(name: str, text: str) -> int | Decimal:
    value = text.strip()
    if len(value) > 100 or not _NUMBER.fullmatch(value):
        raise ParameterError(f":{name} must be a number, like 42 or 3.5 (got {_shown(text)})")
    number = Decimal(value)  # the pattern admits only finite decimal numbers
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:  # a whole number: 42, 1e3, 12.
        if len(digits) + exponent > _MAX_DIGITS:
            raise ParameterError(f":{name} is too large (numbers have at most {_MAX_DIGITS} digits)")
        whole = int(number)
        return whole if -_INT64 <= whole < _INT64 else Decimal(whole)
    if max(len(digits), -exponent) > _MAX_DIGITS:
        raise ParameterError(f":{name} has more than {_MAX_DIGITS} digits")
    return number


def _date(name: str, text: str) -> dt.date:
    value = text.strip()
    if _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ParameterError(f":{name} must be a date like 2024-01-31 (got {_shown(text)})")


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _value(name: str, spec: Any) -> Any:
    if not isinstance(spec, Mapping):
        raise ParameterError(f"Give a value for :{name}")
    kind = spec.get("type", "text")
    value = spec.get("value")
    if kind not in TYPES:
        raise ParameterError(f":{name} has an unknown type {kind!r} (use text, number or date)")
    if value is None or (kind != "text" and isinstance(value, str) and not value.strip()):
        raise ParameterError(f"Give a value for :{name}")
    if not isinstance(value, str):
        raise ParameterError(f"The value of :{name} must be text (the editor sends values as typed)")
    if kind == "text":
        if len(value) > MAX_TEXT_VALUE:
            raise ParameterError(f":{name} is longer than {MAX_TEXT_VALUE:,} characters")
        return value
    if kind == "number":
        return _number(name, value)
    return _date(name, value)


def bind(specs: Mapping[str, Mapping[str, str]], names: Sequence[str]) -> dict[str, Any]:
    """Native engine parameters for the markers `names`: each value of `specs`
    ({name: {"type": "text" | "number" | "date", "value": str}}) as its type.

    text -> the str as given (an empty text is a value: the empty string);
    number -> int (64-bit) or Decimal; date -> datetime.date from 'YYYY-MM-DD'.
    Only the given names are bound (an engine may refuse unused parameters). A missing or
    blank value, or one not of its type, raises ParameterError naming the parameter.
    """
    specs = specs or {}
    return {name: _value(name, specs.get(name)) for name in names}
