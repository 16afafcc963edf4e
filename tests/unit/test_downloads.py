"""Downloads stream the whole result (up to the row limit) in the chosen format."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.parquet as pq

from dashboard_app.services import downloads


def table(n: int) -> pa.Table:
    return pa.table({"i": list(range(n)), "s": [f"row {i}, \"quoted\"" if i % 2 else None for i in range(n)], "l": [[i, i] for i in range(n)]})


def test_csv_has_every_row_and_escapes_values():
    chunks = list(downloads.stream_csv(table(120_000)))
    assert len(chunks) > 1  # streamed, not built in one piece
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
    assert rows[0] == ["i", "s", "l"]
    assert len(rows) == 120_001
    assert rows[2] == ["1", 'row 1, "quoted"', "[1, 1]"]
    assert rows[1][1] == ""


def test_parquet_round_trips():
    data = b"".join(downloads.stream_parquet(table(70_000)))
    back = pq.read_table(io.BytesIO(data))
    assert back.num_rows == 70_000 and back.column_names == ["i", "s", "l"]
    assert back.column("s")[1].as_py() == 'row 1, "quoted"'


def test_empty_result_still_has_a_header():
    empty = pa.table({"a": pa.array([], pa.int64())})
    assert b"".join(downloads.stream_csv(empty)).decode().strip() == '"a"'
    assert pq.read_table(io.BytesIO(b"".join(downloads.stream_parquet(empty)))).num_rows == 0


def test_file_names_are_safe():
    assert downloads.filename("SELECT * FROM samples.tpch.orders", "csv") == "samples.tpch.orders.csv"
    assert downloads.filename("select 1", "parquet") == "result.parquet"
    assert "/" not in downloads.filename('select * from `../../etc`.passwd', "csv")
