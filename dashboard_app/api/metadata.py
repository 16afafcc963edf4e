"""/api/metadata: the catalogs, schemas, tables and columns the caller can see, from the same
listings as the schema browser (the engine's list_* calls, as the caller, off the event loop).

Each answer is `{"data": [...], "count"}`. A name that does not exist (or that the caller
cannot see) is a 404, whichever way the source says so (an empty listing or an error).
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..services.sql.engine import Identity, QueryEngine, QueryError
from ..services.sql.errors import AuthError, ConnectionFailed, PermissionDenied, TransientError, WarehouseUnavailable
from .deps import ApiError, Caller, ServicesDep

router = APIRouter(prefix="/api/metadata", tags=["metadata"])

MAX_NAME_CHARS = 255  # Unity Catalog's limit for a name


class CatalogOut(BaseModel):
    name: str


class SchemaOut(BaseModel):
    name: str
    catalog: str


class TableOut(BaseModel):
    name: str
    kind: str  # TABLE, VIEW ...
    comment: str


class ColumnOut(BaseModel):
    name: str
    type: str
    comment: str


class Catalogs(BaseModel):
    data: list[CatalogOut]
    count: int


class Schemas(BaseModel):
    data: list[SchemaOut]
    count: int


class Tables(BaseModel):
    data: list[TableOut]
    count: int


class Columns(BaseModel):
    data: list[ColumnOut]
    count: int


def _identity(caller: Identity) -> Identity:
    if not caller.user.strip():
        raise ApiError(401, "UNAUTHENTICATED", "No signed-in user came with this request.")
    return caller


def _name(value: str, what: str) -> str:
    if not value or len(value) > MAX_NAME_CHARS or not value.isprintable():
        raise ApiError(400, "BAD_REQUEST", f"Not a valid {what} name")
    return value


def _has(names: list[str], name: str) -> bool:
    wanted = name.casefold()  # Unity Catalog and DuckDB names are case-insensitive
    return any(n.casefold() == wanted for n in names)


def _failure(err: QueryError) -> ApiError:
    message = str(err) or "The metadata could not be read"
    if isinstance(err, AuthError):
        return ApiError(401 if err.expired else 403, "SIGN_IN_REQUIRED" if err.expired else "FORBIDDEN", message)
    if isinstance(err, PermissionDenied):
        return ApiError(403, "FORBIDDEN", message)
    if isinstance(err, TransientError):
        return ApiError(429 if err.status == 429 else 503, "UNAVAILABLE", message)
    return ApiError(503, "UNAVAILABLE", message)


def _listing(load: Callable[[], list[Any]], exists: Callable[[], bool] | None, missing: str) -> list[Any]:
    """Runs one listing (in a worker thread). An empty listing or a plain failure is a 404 when
    the parent does not list the name asked for; the caller's own problems (sign-in,
    permission) and an unreachable source keep their meaning."""
    try:
        items = load()
    except (AuthError, PermissionDenied, TransientError, ConnectionFailed, WarehouseUnavailable) as err:
        raise _failure(err) from None
    except QueryError as err:
        if exists is not None and not _safely(exists):
            raise ApiError(404, "NOT_FOUND", missing) from None
        raise _failure(err) from None
    if not items and exists is not None and not _safely(exists):
        raise ApiError(404, "NOT_FOUND", missing)
    return items


def _safely(exists: Callable[[], bool]) -> bool:
    try:
        return exists()
    except (AuthError, PermissionDenied, TransientError, ConnectionFailed, WarehouseUnavailable) as err:
        raise _failure(err) from None
    except QueryError:  # the parent itself is missing (Databricks says so with an error)
        return False


def _engine(svc) -> QueryEngine:
    return svc.engine


@router.get("/catalogs", response_model=Catalogs)
async def list_catalogs(svc: ServicesDep, caller: Caller):
    ident = _identity(caller)
    engine = _engine(svc)
    names = await run_in_threadpool(_listing, lambda: engine.list_catalogs(ident), None, "")
    return Catalogs(data=[CatalogOut(name=n) for n in names], count=len(names))


@router.get("/catalogs/{catalog}/schemas", response_model=Schemas)
async def list_schemas(catalog: str, svc: ServicesDep, caller: Caller):
    ident, catalog = _identity(caller), _name(catalog, "catalog")
    engine = _engine(svc)
    names = await run_in_threadpool(
        _listing,
        lambda: engine.list_schemas(ident, catalog),
        lambda: _has(engine.list_catalogs(ident), catalog),
        f"There is no catalog {catalog!r} (or you cannot see it)",
    )
    return Schemas(data=[SchemaOut(name=n, catalog=catalog) for n in names], count=len(names))


@router.get("/catalogs/{catalog}/schemas/{schema}/tables", response_model=Tables)
async def list_tables(catalog: str, schema: str, svc: ServicesDep, caller: Caller):
    ident, catalog, schema = _identity(caller), _name(catalog, "catalog"), _name(schema, "schema")
    engine = _engine(svc)
    tables = await run_in_threadpool(
        _listing,
        lambda: engine.list_tables(ident, catalog, schema),
        lambda: _has(engine.list_schemas(ident, catalog), schema),
        f"There is no schema {catalog}.{schema} (or you cannot see it)",
    )
    return Tables(data=[TableOut(name=t.name, kind=t.kind, comment=t.comment or "") for t in tables], count=len(tables))


@router.get("/catalogs/{catalog}/schemas/{schema}/tables/{table}/columns", response_model=Columns)
async def list_columns(catalog: str, schema: str, table: str, svc: ServicesDep, caller: Caller):
    ident = _identity(caller)
    catalog, schema, table = _name(catalog, "catalog"), _name(schema, "schema"), _name(table, "table")
    engine = _engine(svc)
    columns = await run_in_threadpool(
        _listing,
        lambda: engine.list_columns(ident, catalog, schema, table),
        lambda: _has([t.name for t in engine.list_tables(ident, catalog, schema)], table),
        f"There is no table {catalog}.{schema}.{table} (or you cannot see it)",
    )
    return Columns(data=[ColumnOut(name=c.name, type=c.type, comment=c.comment or "") for c in columns], count=len(columns))
