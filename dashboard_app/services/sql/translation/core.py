"""The translation of one SQL text, and what the engine needs to point errors back at it."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError

from .. import guard
from ..dialect_bridge import rename_catalogs, to_duckdb as tokens_only
from ..engine import QueryError
from .dialect import LocalDuckDB
from .unsupported import unsupported_construct

_DATABRICKS = Dialect.get_or_raise("databricks")
_TRANSLATED_CHARS = 65_536  # past this, parsing costs more than it could save: run as written


# Statements whose meaning depends on Databricks functions, types and semantics.
_TRANSLATED = (exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Describe)


class Unsupported(QueryError):
    """A construct that only a Databricks warehouse has."""


@dataclass(frozen=True)
class Translation:
    source: str
    sql: str  # what DuckDB runs
    translated: bool  # False: sqlglot could not parse it; only tokens changed


def translate(sql: str, *, params: bool = False) -> Translation:
    """DuckDB SQL for Databricks `sql`; raises Unsupported for Databricks-only constructs."""
    found = _translate(sql, params)
    if isinstance(found, str):
        raise Unsupported(found)
    return found


@functools.lru_cache(maxsize=1024)
def _translate(sql: str, params: bool) -> Translation | str:
    if len(sql) > _TRANSLATED_CHARS:
        return Translation(sql, tokens_only(sql, params=params), False)
    renamed = rename_catalogs(sql)
    try:
        trees = guard.quiet_parser().parse(_DATABRICKS.tokenize(renamed), renamed)
    except (ParseError, TokenError, ValueError):
        return Translation(sql, tokens_only(sql, params=params), False)
    trees = [t for t in trees if t is not None]
    for tree in trees:
        construct = unsupported_construct(tree, sql)
        if construct:
            return f"Not available on the embedded DuckDB engine: {construct}. It works on a Databricks SQL warehouse."
    if not all(isinstance(tree, _TRANSLATED) for tree in trees):
        # SET, RESET, SHOW, USE, DROP, GRANT ...: nothing to carry over, and sqlglot's
        # rendering of some of them is lossy. Only tokens change.
        return Translation(sql, tokens_only(sql, params=params), False)
    try:
        out = "; ".join(LocalDuckDB().generate(tree, copy=False) for tree in trees)
    except Exception:  # noqa: BLE001 - a generator gap must not stop the statement: run it as written
        return Translation(sql, tokens_only(sql, params=params), False)
    return Translation(sql, out, True)
