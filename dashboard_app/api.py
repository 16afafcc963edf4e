"""HTTP routes beside the page: downloads of results and files, streamed, never via page state."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import iterate_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from .backend import CALLER, services
from .identity import resolve_identity
from .services import downloads
from .services.files import FileNotFound, FilePermissionDenied, FileStoreError, PathNotAllowed, SignInRequired
from .services.results import ResultNotFound
from .services.sql.engine import QueryError
from .services.sql.errors import AuthError


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
        iterate_in_threadpool(downloads.stream(item.result.table, fmt)),
        media_type=downloads.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


async def download_file(request: Request):
    """Any file under the files root, binary included, streamed in chunks."""
    rel = request.query_params.get("path", "")
    svc = services()
    caller = CALLER.set(resolve_identity(svc.settings, request.headers))
    try:
        store = svc.files
        chunks = await asyncio.to_thread(store.open_download, rel)
    except PathNotAllowed as err:
        return PlainTextResponse(str(err), status_code=400)
    except AuthError as err:
        # The signed-in user's token is missing or expired: they must sign in again.
        return PlainTextResponse(str(err), status_code=401 if err.expired else 403)
    except QueryError as err:  # Databricks could not be reached to start the download
        return PlainTextResponse(str(err), status_code=503)
    except FileStoreError as err:
        status = (
            404 if isinstance(err, FileNotFound)
            else 401 if isinstance(err, SignInRequired)
            else 403 if isinstance(err, FilePermissionDenied)
            else 503 if err.retryable
            else 400
        )
        return PlainTextResponse(str(err), status_code=status)
    finally:
        CALLER.reset(caller)
    name = rel.rstrip("/").rsplit("/", 1)[-1] or "download"
    return StreamingResponse(
        iterate_in_threadpool(chunks),
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store"},
    )


def routes() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/results/{rid}/download", download_result, methods=["GET"]),
            Route("/api/files/download", download_file, methods=["GET"]),
        ]
    )
