"""Lets Databricks-flavoured SQL run on the embedded DuckDB with the smallest rewrite.

Only tokens change, never the statement's structure, so what the user wrote is what runs:
- backtick identifiers become double-quoted identifiers;
- double-quoted strings (Databricks treats "x" as a string) become single-quoted;
- the catalog `main` becomes `main_db`, since DuckDB reserves the name `main`;
- `default` used as a schema name is quoted, since it is a keyword in DuckDB;
- with parameters, Databricks' `:name` markers become DuckDB's `$name`.
"""

from __future__ import annotations

import re

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

LOCAL_MAIN = "main_db"
_TOKENIZER = Dialect.get_or_raise("databricks").tokenizer_class()


def to_duckdb(sql: str, *, params: bool = False) -> str:
    """The token-level rewrite, for text sqlglot cannot parse (see the translation package)."""
    return _rewrite(sql, params=params, catalogs_only=False)


def rename_catalogs(sql: str) -> str:
    """Only `main` -> `main_db` where it names the catalog; the rest is left to sqlglot."""
    return _rewrite(sql, params=False, catalogs_only=True)


def _rewrite(sql: str, *, params: bool, catalogs_only: bool) -> str:
    try:
        tokens = _TOKENIZER.tokenize(sql)
    except TokenError:
        return sql  # let DuckDB report the error on the text as written
    edits: list[tuple[int, int, str]] = []
    for i, tok in enumerate(tokens):
        raw = sql[tok.start : tok.end + 1]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        prev = tokens[i - 1] if i > 0 else None
        followed_by_dot = nxt is not None and nxt.token_type == TokenType.DOT
        preceded_by_dot = prev is not None and prev.token_type == TokenType.DOT
        if tok.token_type == TokenType.IDENTIFIER and raw.startswith("`"):
            name = tok.text
            if name.lower() == "main" and followed_by_dot and _three_part(tokens, i):
                edits.append((tok.start, tok.end, LOCAL_MAIN))
            elif not catalogs_only:
                edits.append((tok.start, tok.end, '"' + name.replace('"', '""') + '"'))
        elif catalogs_only and not (tok.token_type == TokenType.VAR and tok.text.lower() == "main"):
            continue
        elif tok.token_type == TokenType.STRING and raw.startswith('"'):
            edits.append((tok.start, tok.end, "'" + tok.text.replace("'", "''") + "'"))
        elif tok.token_type == TokenType.VAR and tok.text.lower() == "main" and followed_by_dot and not preceded_by_dot and _three_part(tokens, i):
            edits.append((tok.start, tok.end, LOCAL_MAIN))
        elif tok.token_type == TokenType.DEFAULT and (followed_by_dot or preceded_by_dot):
            edits.append((tok.start, tok.end, '"default"'))
        elif params and tok.token_type == TokenType.COLON and nxt is not None and nxt.start == tok.end + 1 and nxt.token_type == TokenType.VAR and (prev is None or prev.token_type != TokenType.COLON):
            edits.append((tok.start, tok.end, "$"))
    out = sql
    for start, end, text in reversed(edits):
        out = out[:start] + text + out[end + 1 :]
    return out


_SCHEMA_WORDS = {TokenType.SCHEMA, TokenType.DATABASE, TokenType.NAMESPACE, TokenType.USE}


def _three_part(tokens: list, i: int) -> bool:
    """`main` at i is a catalog: it starts a name a.b.c, or a.b where a schema is named
    (CREATE SCHEMA main.x, USE main.default), not a schema or an alias."""
    if i + 4 < len(tokens) and tokens[i + 1].token_type == TokenType.DOT and tokens[i + 3].token_type == TokenType.DOT:
        return True
    j = i - 1
    while j >= 0 and tokens[j].text.upper() in ("IF", "NOT", "EXISTS"):
        j -= 1
    return j >= 0 and tokens[j].token_type in _SCHEMA_WORDS


_LOCAL_NAME = re.compile(rf"\b{LOCAL_MAIN}\b")


def to_databricks_names(text: str) -> str:
    """Shows the user's catalog as `main` in names and messages."""
    return _LOCAL_NAME.sub("main", text)
