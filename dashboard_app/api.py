"""HTTP routes beside the page: result downloads, streamed straight from the result store."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from .backend import services
from .identity import resolve_identity
from .services import downloads
from .services.results import ResultNotFound


async def download_result(request: Request):
    fmt = request.query_params.get("format", "csv")
    if fmt not in downloads.FORMATS:
        return PlainTextResponse("format must be csv or parquet", status_code=400)
    svc = services()
    user = resolve_identity(svc.settings, request.headers).user
    try:
        item = svc.results.get(request.path_params["rid"], owner=user)
    except ResultNotFound:
        return PlainTextResponse("This result has expired or is not yours: run the query again.", status_code=404)
    name = downloads.filename(item.sql, fmt)
    return StreamingResponse(
        downloads.stream(item.result.table, fmt),
        media_type=downloads.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def routes() -> Starlette:
    return Starlette(routes=[Route("/api/results/{rid}/download", download_result, methods=["GET"])])
