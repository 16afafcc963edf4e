"""Databricks-spelled statements over the sample data, each beside a hand-written DuckDB
query that returns what Databricks returns (same rows, same types). `test_translation_corpus`
runs the first through the embedded engine and the second straight on the sample data file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    databricks: str
    duckdb: str
    # Why this one still differs, when it does: the test expects the difference.
    differs: str = ""
