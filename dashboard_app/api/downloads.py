"""Downloads of results and files, streamed from the server, never through page state."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import iterate_in_threadpool

from ..backend import CALLER
from ..services import downloads
from ..services.files import FileNotFound, FilePermissionDenied, FileStoreError, PathNotAllowed, SignInRequired
from ..services.results import ResultNotFound
from ..services.sql.engine import QueryError
from ..services.sql.errors import AuthError
from .deps import STATUS_CODES, Caller, ServicesDep, error_response

router = APIRouter(tags=["downloads"])


@router.get("/api/results/{rid}/download", response_class=StreamingResponse)
def download_result(rid: str, svc: ServicesDep, caller: Caller, format: str = "csv"):
    if format not in downloads.FORMATS:
        return error_response(400, "BAD_REQUEST", "format must be csv or parquet")
    try:
        item = svc.results.get(rid, owner=caller.user)
    except ResultNotFound as err:
        why = f" ({err.reason})" if err.reason else ""
        return error_response(404, "NOT_FOUND", f"This result has expired or is not yours{why}: run the query again.")
    name = downloads.filename(item.sql, format)
    return StreamingResponse(
        iterate_in_threadpool(downloads.stream(item.result.table, format)),
        media_type=downloads.FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/api/files/download", response_class=StreamingResponse)
async def download_file(svc: ServicesDep, caller: Caller, path: str = ""):
    """Any file under the files root, binary included, streamed in chunks."""
    token = CALLER.set(caller)
    try:
        store = svc.files
        chunks = await asyncio.to_thread(store.open_download, path)
    except PathNotAllowed as err:
        return error_response(400, "PATH_NOT_ALLOWED", str(err))
    except AuthError as err:
        # The signed-in user's token is missing or expired: they must sign in again.
        return error_response(401 if err.expired else 403, "UNAUTHENTICATED" if err.expired else "FORBIDDEN", str(err))
    except QueryError as err:  # Databricks could not be reached to start the download
        return error_response(503, "UNAVAILABLE", str(err))
    except FileStoreError as err:
        status = (
            404 if isinstance(err, FileNotFound)
            else 401 if isinstance(err, SignInRequired)
            else 403 if isinstance(err, FilePermissionDenied)
            else 503 if err.retryable
            else 400
        )
        return error_response(status, STATUS_CODES.get(status, "ERROR"), str(err))
    finally:
        CALLER.reset(token)
    name = path.rstrip("/").rsplit("/", 1)[-1] or "download"
    return StreamingResponse(
        iterate_in_threadpool(chunks),
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}", "Cache-Control": "no-store"},
    )
