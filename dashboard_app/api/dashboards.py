"""/api/dashboards: list, import, export, refresh and delete dashboards, as the page does."""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
from typing import Any, Literal

import pyarrow as pa
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from ..services import downloads
from ..services.dashboards import model
from ..services.dashboards.store import DashboardNotFound, NotOwner
from .deps import ApiError, Caller, ServicesDep

router = APIRouter(prefix="/api/dashboards", tags=["dashboards"])
MAX_ROWS = 100


class DashboardSummary(BaseModel):
    id: str
    title: str
    owner: str
    updated_at: dt.datetime


class Created(BaseModel):
    id: str


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parameters: dict[str, Any] = {}


class TileOut(BaseModel):
    title: str
    status: Literal["ok", "error"]
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    error: str


class RefreshResponse(BaseModel):
    tiles: list[TileOut]


def _json_value(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (dt.date, dt.datetime, dt.time)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, dt.timedelta):
        return v.total_seconds()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode("ascii")
    if isinstance(v, list):
        return [_json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    return v


def _rows(table: pa.Table, limit: int) -> list[list[Any]]:
    head = table.slice(0, limit)
    return [[_json_value(v) for v in row] for row in zip(*(c.to_pylist() for c in head.columns))] if head.num_columns else []


def _get(svc, dashboard_id: str):
    try:
        return svc.dashboards.get(dashboard_id)
    except DashboardNotFound as err:
        raise ApiError(404, "NOT_FOUND", str(err)) from None


@router.get("", response_model=list[DashboardSummary])
def list_dashboards(svc: ServicesDep, caller: Caller):
    return [DashboardSummary(id=r.id, title=r.title, owner=r.owner, updated_at=r.updated_at) for r in svc.dashboards.list()]


@router.post("", status_code=201, response_model=Created)
async def import_dashboard(request: Request, svc: ServicesDep, caller: Caller):
    """Takes a dashboard file, YAML or JSON, as the request body."""
    body = await request.body()
    if len(body) > model.MAX_FILE_BYTES:
        raise ApiError(413, "TOO_LARGE", f"A dashboard file is at most {model.MAX_FILE_BYTES // 1024} KB")
    try:
        # Off the event loop: parsing a large file takes seconds, and the loop serves everyone.
        dashboard = await run_in_threadpool(model.parse, body)
    except model.DashboardError as err:
        raise ApiError(400, "INVALID_DASHBOARD", str(err)) from None
    stored = await run_in_threadpool(svc.dashboards.create, caller.user, dashboard)
    return Created(id=stored.id)


@router.get("/{dashboard_id}/export")
def export_dashboard(dashboard_id: str, svc: ServicesDep, caller: Caller, format: Literal["yaml", "json"] = "yaml"):
    stored = _get(svc, dashboard_id)
    text = model.dump(stored.dashboard, format)
    name = model.file_name(stored.dashboard.title, format)
    media = "application/json" if format == "json" else "application/yaml"
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{dashboard_id}/refresh", response_model=RefreshResponse)
async def refresh_dashboard(dashboard_id: str, body: RefreshRequest, svc: ServicesDep, caller: Caller):
    stored = await run_in_threadpool(_get, svc, dashboard_id)
    try:
        results = await svc.refresher.all_tiles(stored.dashboard, body.parameters, caller)
    except model.DashboardError as err:
        raise ApiError(400, "INVALID_PARAMETER", str(err)) from None
    tiles = []
    for r in results:
        table = r.result.table if r.result is not None else None
        tiles.append(TileOut(
            title=r.title,
            status="ok" if r.status == "ok" else "error",
            columns=list(table.column_names) if table is not None else [],
            rows=_rows(table, MAX_ROWS) if table is not None else [],
            row_count=r.row_count,
            error=r.error,
        ))
    return RefreshResponse(tiles=tiles)


@router.get("/{dashboard_id}/tiles/{index}/download", response_class=StreamingResponse)
async def download_tile(dashboard_id: str, index: int, svc: ServicesDep, caller: Caller, parameters: str = "{}"):
    """One tile's rows as CSV, for the parameter values given (JSON), as the page shows them."""
    stored = await run_in_threadpool(_get, svc, dashboard_id)
    if not 0 <= index < len(stored.dashboard.tiles):
        raise ApiError(404, "NOT_FOUND", f"This dashboard has no tile {index + 1}")
    try:
        given = json.loads(parameters)
    except ValueError:
        raise ApiError(400, "BAD_REQUEST", "parameters must be a JSON object") from None
    try:
        [result] = await svc.refresher.all_tiles(stored.dashboard, given, caller, only=[index])
    except model.DashboardError as err:
        raise ApiError(400, "INVALID_PARAMETER", str(err)) from None
    if result.result is None:
        raise ApiError(409, "TILE_FAILED", result.error)
    name = model.file_name(result.title, "csv")
    return StreamingResponse(
        iterate_in_threadpool(downloads.stream(result.result.table, "csv")),
        media_type=downloads.FORMATS["csv"],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.delete("/{dashboard_id}", status_code=204)
def delete_dashboard(dashboard_id: str, svc: ServicesDep, caller: Caller):
    try:
        svc.dashboards.delete(dashboard_id, caller.user)
    except DashboardNotFound as err:
        raise ApiError(404, "NOT_FOUND", str(err)) from None
    except NotOwner as err:
        raise ApiError(403, "NOT_OWNER", str(err)) from None
    return Response(status_code=204)
