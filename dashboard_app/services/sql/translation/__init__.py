"""Databricks SQL, as analysts write it, run on the embedded DuckDB with the same meaning.

`translate` parses the statement with sqlglot's Databricks dialect and generates DuckDB with
`dialect.LocalDuckDB`, whose overrides fix the functions where sqlglot's plain DuckDB output
would give another result than Databricks (a type, an order, a week number). Constructs that
only a Databricks warehouse has are refused with a message naming them (`unsupported`).
Text sqlglot cannot parse runs as written, with only the token changes of `dialect_bridge`,
so DuckDB's own error shows. Translations are cached by text.
"""

from __future__ import annotations

from .core import Translation, Unsupported, translate

__all__ = ["Translation", "Unsupported", "translate"]
