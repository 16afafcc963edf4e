"""Streams a stored result as CSV or Parquet, batch by batch, never through page state."""

from __future__ import annotations

import io
import re
from typing import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

BATCH_ROWS = 50_000
FORMATS = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet"}


class _Sink(io.RawIOBase):
    """A write-only file that hands back what was written since the last drain."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._pos = 0

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        data = bytes(b)
        self._chunks.append(data)
        self._pos += len(data)
        return len(data)

    def tell(self) -> int:
        return self._pos

    def drain(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out


def _csv_safe(table: pa.Table) -> pa.Table:
    # CSV has no nested types: write lists and structs as their JSON-like text.
    cols = []
    for col in table.columns:
        if pa.types.is_nested(col.type) or pa.types.is_binary(col.type):
            cols.append(pa.array([None if v is None else str(v) for v in col.to_pylist()], pa.string()))
        else:
            cols.append(col)
    return pa.table(cols, names=table.column_names)


def stream_csv(table: pa.Table) -> Iterator[bytes]:
    table = _csv_safe(table)
    sink = _Sink()
    with pacsv.CSVWriter(sink, table.schema) as writer:
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            writer.write_batch(batch)
            chunk = sink.drain()
            if chunk:
                yield chunk
    tail = sink.drain()
    if tail or table.num_rows == 0:
        yield tail


def stream_parquet(table: pa.Table) -> Iterator[bytes]:
    sink = _Sink()
    with pq.ParquetWriter(sink, table.schema, compression="zstd") as writer:
        for batch in table.to_batches(max_chunksize=BATCH_ROWS):
            writer.write_batch(batch)
            chunk = sink.drain()
            if chunk:
                yield chunk
    yield sink.drain()


def stream(table: pa.Table, fmt: str) -> Iterator[bytes]:
    if fmt == "csv":
        return stream_csv(table)
    if fmt == "parquet":
        return stream_parquet(table)
    raise ValueError(f"Unknown download format {fmt!r}")


def filename(sql: str, fmt: str) -> str:
    """A readable file name from the query's first table or words."""
    m = re.search(r"\bfrom\s+([\w.`\"]+)", sql, re.IGNORECASE)
    base = m.group(1) if m else "result"
    base = re.sub(r"[^\w.-]+", "_", base.replace("`", "").replace('"', "")).strip("._") or "result"
    return f"{base[:60]}.{fmt}"
