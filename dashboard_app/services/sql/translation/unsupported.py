"""Constructs only a Databricks warehouse has: named, so the message can say what and where."""

from __future__ import annotations

import re

from sqlglot import exp

# Statements sqlglot keeps as opaque commands that have no DuckDB meaning.
_COMMANDS = {
    "OPTIMIZE": "OPTIMIZE (Delta file compaction)",
    "VACUUM": "VACUUM (Delta file cleanup)",
    "RESTORE": "RESTORE (Delta table restore)",
    "REFRESH": "REFRESH (streaming tables and materialized views)",
    "MSCK": "MSCK REPAIR TABLE",
    "FSCK": "FSCK REPAIR TABLE",
    "CACHE": "CACHE TABLE",
    "UNCACHE": "UNCACHE TABLE",
    "CONVERT": "CONVERT TO DELTA",
    "LIST": "LIST (files in a Volume or cloud storage)",
    "GET": "GET (files from a Volume)",
    "PUT": "PUT (files into a Volume)",
    "REMOVE": "REMOVE (files from a Volume)",
}
_STORAGE_PATH = re.compile(r"^(?:/Volumes/|dbfs:/|/dbfs/|s3a?://|abfss?://|gs://|wasbs?://)", re.IGNORECASE)
_FUNCTIONS = {
    "READ_FILES": "read_files (files in a Volume or cloud storage)",
    "CLOUD_FILES": "cloud_files (Auto Loader)",
    "READ_KAFKA": "read_kafka (streaming sources)",
    "AI_QUERY": "ai_query (model serving)",
}


def unsupported_construct(tree: exp.Expression, source: str) -> str | None:
    """A name for the first Databricks-only construct in `tree`, or None."""
    if isinstance(tree, exp.Command):
        word = str(tree.this).upper()
        return _COMMANDS.get(word)
    first = source.lstrip().split(None, 1)[0].upper() if source.strip() else ""
    if first in ("LIST", "GET", "PUT", "REMOVE"):
        return _COMMANDS[first]
    if isinstance(tree, exp.Describe) and str(tree.args.get("style") or "").upper() in ("HISTORY", "DETAIL"):
        return f"DESCRIBE {str(tree.args['style']).upper()} (Delta table history and details)"
    if isinstance(tree, exp.Create):
        props = tree.args.get("properties")
        for prop in props.expressions if props else []:
            if isinstance(prop, exp.StreamingTableProperty):
                return "Streaming tables (CREATE STREAMING TABLE)"
            if isinstance(prop, exp.MaterializedProperty):
                return "Materialized views (CREATE MATERIALIZED VIEW)"
    for node in tree.walk():
        if isinstance(node, exp.Version):
            return "Delta time travel (VERSION AS OF / TIMESTAMP AS OF)"
        if isinstance(node, exp.Stream):
            return "STREAM() (streaming reads)"
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier) and _STORAGE_PATH.match(node.name):
            return f"Reading a table by path ({node.name})"
        if isinstance(node, exp.Anonymous) and str(node.this).upper() in _FUNCTIONS:
            return _FUNCTIONS[str(node.this).upper()]
        if isinstance(node, exp.Literal) and node.is_string and _STORAGE_PATH.match(node.this):
            return f"Volume and cloud storage paths ({node.this})"
    return None
