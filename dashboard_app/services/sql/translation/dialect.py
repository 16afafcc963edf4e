"""DuckDB as the generator target, with the overrides that keep Databricks' meaning.

Each override module maps sqlglot expression classes to generator functions, grouped by
subject; `LocalDuckDB` merges them over sqlglot's own DuckDB transforms.
"""

from __future__ import annotations

from sqlglot.dialects.duckdb import DuckDB

from . import collections, scalars


class LocalDuckDB(DuckDB):
    class Generator(DuckDB.Generator):
        TRANSFORMS = {**DuckDB.Generator.TRANSFORMS, **scalars.TRANSFORMS, **collections.TRANSFORMS}
