"""The embedded default engine: in-process DuckDB with Databricks-shaped sample data.

Catalogs: `samples` (read-only, built by sample_data) and `main` (the user's own, writable,
schema `default`). DuckDB reserves the catalog name `main`, so the user's database is attached
as `main_db` and `dialect_bridge` rewrites `main.x.y` in the SQL text; the UI shows `main`.

DuckDB can otherwise read and write any file the process can (`read_csv('/etc/passwd')`,
`COPY ... TO`, `ATTACH`, extensions): once its own databases are attached, file access is
limited to the files root and the configuration is locked, so no statement can undo it.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any, Mapping

import duckdb

from ...settings import ensure_writable_dir
from . import sample_data
from .dialect_bridge import LOCAL_MAIN, to_databricks_names
from .engine import (
    CancelScope,
    ColumnInfo,
    Identity,
    QueryCancelled,
    QueryError,
    QueryResult,
    TableInfo,
    WarehouseInfo,
    arrow_columns,
    collect_limited,
    timeout_timer,
)
from .translation import Translation, translate
from .translation.positions import locate

USER_DB_FILE = "main.duckdb"
BATCH_ROWS = 64 * 1024


class LocalEngine:
    label = "Local DuckDB · sample data"

    def __init__(self, data_dir: Path, files_root: Path | str | None = None):
        self.data_dir = Path(data_dir)
        ensure_writable_dir(self.data_dir)
        samples = sample_data.ensure(self.data_dir)
        # Resolved, as DuckDB compares the paths a statement names against it.
        self.files_root = Path(files_root).expanduser().resolve() if files_root else None
        self._con = duckdb.connect(":memory:")
        self._con.execute(f"ATTACH '{_sql_str(str(samples))}' AS samples (READ_ONLY)")
        self._con.execute(f"ATTACH '{_sql_str(str(self.data_dir / USER_DB_FILE))}' AS {LOCAL_MAIN}")
        self._con.execute(f'CREATE SCHEMA IF NOT EXISTS {LOCAL_MAIN}."default"')
        self._lock_down()
        self._lock = threading.Lock()  # guards cursor creation on the shared connection

    def _lock_down(self) -> None:
        """Files only under the files root from here on, and no SET can change that."""
        spill = self.data_dir / "duckdb_tmp"
        self._con.execute(f"SET temp_directory = '{_sql_str(str(spill))}'")
        if self.files_root is not None:
            self._con.execute(f"SET allowed_directories = ['{_sql_str(str(self.files_root))}/']")
        self._con.execute("SET enable_external_access = false")
        self._con.execute("SET lock_configuration = true")

    # --- queries ---
    def _cursor(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            cur = self._con.cursor()
        cur.execute(f'USE {LOCAL_MAIN}."default"')
        return cur

    def execute(
        self,
        sql: str,
        *,
        identity: Identity,
        params: Mapping[str, Any] | None = None,
        row_limit: int,
        timeout_s: float | None,
        scope: CancelScope | None = None,
        read_only: bool = False,  # in-process: nothing to retry
        warehouse_id: str | None = None,  # one embedded engine: nothing to choose
    ) -> QueryResult:
        scope = scope or CancelScope()
        start = time.perf_counter()
        translation = translate(sql, params=bool(params))  # Unsupported: before any work
        cur = self._cursor()
        try:
            scope.arm(cur.interrupt)
            with timeout_timer(scope, timeout_s):
                try:
                    scope.raise_if_cancelled(timeout_s)
                    # A relation streams Arrow batches without materialising the whole result.
                    rel = cur.sql(translation.sql, params=dict(params) if params else None)
                    if rel is None:
                        # A statement without a result set (SET, USE ...): report it as no rows.
                        table, truncated = collect_limited([], row_limit, scope)
                        type_names = None
                    else:
                        type_names = [str(t) for t in rel.types]
                        reader = rel.to_arrow_reader(BATCH_ROWS)
                        table, truncated = collect_limited(reader, row_limit, scope, reader.schema)
                    scope.raise_if_cancelled(timeout_s)
                except QueryCancelled:
                    raise
                except duckdb.InterruptException:
                    scope.raise_if_cancelled(timeout_s)
                    raise QueryCancelled("Query cancelled") from None
                except duckdb.Error as err:
                    if scope.cancelled:
                        scope.raise_if_cancelled(timeout_s)
                    raise _query_error(err, self.files_root, translation) from None
        finally:
            scope.disarm()
            cur.close()
        return QueryResult(
            table=table,
            columns=arrow_columns(table.schema, type_names),
            truncated=truncated,
            elapsed_s=time.perf_counter() - start,
            row_limit=row_limit,
            engine_sql=_shown(translation),
        )

    def check_syntax(self, sql: str, identity: Identity, *, warehouse_id: str | None = None) -> QueryError | None:
        """DuckDB's parser over the translation (extract_statements binds and runs nothing)."""
        try:
            translation = translate(sql)
        except QueryError as err:  # a Databricks-only construct: refused before any work, as execute does
            return err
        with self._lock:
            cur = self._con.cursor()
        try:
            cur.extract_statements(translation.sql)
        except duckdb.Error as err:
            return _query_error(err, self.files_root, translation)
        finally:
            cur.close()
        return None

    # --- metadata ---
    def _rows(self, sql: str, params: list[Any]) -> list[tuple]:
        cur = self._cursor()
        try:
            return cur.execute(sql, params).fetchall()
        finally:
            cur.close()

    def list_catalogs(self, identity: Identity) -> list[str]:
        rows = self._rows(
            "SELECT database_name FROM duckdb_databases() WHERE NOT internal AND database_name <> 'memory' ORDER BY 1", []
        )
        return sorted(to_databricks_names(r[0]) for r in rows)

    def list_schemas(self, identity: Identity, catalog: str) -> list[str]:
        rows = self._rows(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ? AND NOT internal "
            "AND schema_name NOT IN ('main', 'information_schema', 'pg_catalog') ORDER BY 1",
            [_local_catalog(catalog)],
        )
        return [r[0] for r in rows]

    def list_tables(self, identity: Identity, catalog: str, schema: str) -> list[TableInfo]:
        rows = self._rows(
            "SELECT table_name, CASE WHEN table_type = 'VIEW' THEN 'VIEW' ELSE 'TABLE' END, '' "
            "FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ? ORDER BY 1",
            [_local_catalog(catalog), schema],
        )
        return [TableInfo(name, kind, comment or "") for name, kind, comment in rows]

    def list_columns(self, identity: Identity, catalog: str, schema: str, table: str) -> list[ColumnInfo]:
        rows = self._rows(
            "SELECT column_name, data_type, COALESCE(column_comment, '') FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [_local_catalog(catalog), schema, table],
        )
        return [ColumnInfo(n, t, c) for n, t, c in rows]

    def refresh_metadata(self, identity: Identity) -> None:
        """DuckDB's catalog is read live: nothing is cached."""

    def warehouses(self, identity: Identity) -> list[WarehouseInfo]:
        return []  # one embedded engine: nothing to choose

    def close(self) -> None:
        self._con.close()


def _local_catalog(catalog: str) -> str:
    return LOCAL_MAIN if catalog == "main" else catalog


def _sql_str(value: str) -> str:
    return value.replace("'", "''")


_NO_ACCESS = re.compile(r'Cannot access (?:file|directory) "(?P<path>[^"]*)" - file system operations are disabled')


def _outside_files_root(message: str, files_root: Path | None) -> str | None:
    m = _NO_ACCESS.search(message)
    if m is None:
        return None
    where = (
        f"only files under the files root (APP_FILES_ROOT = {files_root})"
        if files_root is not None
        else "no files (APP_FILES_ROOT sets the folder it may use)"
    )
    return (
        f"The embedded engine may read and write {where}; '{m.group('path')}' is outside it. "
        "Put the file under APP_FILES_ROOT, or run the statement on a Databricks warehouse."
    )


def _shown(translation: Translation) -> str:
    return to_databricks_names(translation.sql) if translation.sql != translation.source else ""


def _query_error(err: duckdb.Error, files_root: Path | None, translation: Translation) -> QueryError:
    message = to_databricks_names(str(err)).strip()
    refused = _outside_files_root(message, files_root)
    if refused is not None:
        return QueryError(refused)
    message, line, column = locate(message, translation)
    return QueryError(message, line=line, column=column, engine_sql=_shown(translation))
