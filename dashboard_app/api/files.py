"""/api/files: list, read, write, delete and create folders in the file store, as the Files page
does, through the same path policy (services/files/paths.py) and the same store.

A file read answers its content (UTF-8 text as is, anything else as base64) and an etag made
from its size and SHA-256; a write given `if_match` replaces the file only if it still has
that etag (409 otherwise), and a write without one only creates a new file. Downloads of any
size stay at `GET /api/files/download` (api/downloads.py).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Literal

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from ..backend import CALLER, Services
from ..services.files import (
    DirectoryNotEmpty,
    FileConflict,
    FileEntry,
    FileExists,
    FileNotFound,
    FilePermissionDenied,
    FileStore,
    FileStoreError,
    FileTooLarge,
    FileVersion,
    NotText,
    PathNotAllowed,
    SignInRequired,
)
from ..services.sql.engine import Identity, QueryError
from ..services.sql.errors import AuthError
from .deps import ApiError, Caller, ServicesDep

router = APIRouter(prefix="/api/files", tags=["files"])

_ETAG = re.compile(r'(?:W/)?"?(\d{1,20})-([0-9a-f]{64})"?')
_BASE64_SPACE = str.maketrans("", "", " \t\r\n")
# A JSON body holds the file at most ~6x inflated (every byte a \u00XX escape), plus the rest.
_BODY_FACTOR, _BODY_SLACK = 6, 64 * 1024


# --------------------------------------------------------------------------- bodies and answers


class FileEntryOut(BaseModel):
    name: str
    path: str
    is_dir: bool
    size: int | None
    modified: dt.datetime | None


class Listing(BaseModel):
    entries: list[FileEntryOut]


class FileOut(BaseModel):
    path: str
    content: str
    encoding: Literal["utf-8", "base64"]
    etag: str


class WriteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    content: str
    encoding: Literal["utf-8", "base64"] = "utf-8"
    if_match: str | None = Field(
        None, max_length=200, description="The etag read with the file: replace it only if it is unchanged."
    )


class Written(BaseModel):
    etag: str


# --------------------------------------------------------------------------- helpers


def etag(version: FileVersion) -> str:
    return f"{version.size}-{version.sha256}"


def _expected(tag: str | None) -> FileVersion | None:
    if tag is None:
        return None
    m = _ETAG.fullmatch(tag.strip())
    if m is None:
        raise ApiError(400, "BAD_REQUEST", "if_match: not an etag this API gave out (send the one from GET /api/files)")
    return FileVersion(modified=None, size=int(m.group(1)), sha256=m.group(2))


def _entry(e: FileEntry) -> FileEntryOut:
    modified = dt.datetime.fromtimestamp(e.modified, dt.timezone.utc) if e.modified is not None else None
    return FileEntryOut(name=e.name, path=e.path, is_dir=e.is_dir, size=e.size, modified=modified)


def _as_text(data: bytes) -> str | None:
    """The bytes as text when the editor would open them (strict UTF-8, no NUL), else None."""
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _error(err: Exception, store: FileStore | None) -> ApiError:
    """A store failure as an answer; the messages are the store's, written to be shown."""
    message = str(err) or type(err).__name__
    if isinstance(err, PathNotAllowed):
        return ApiError(400, "PATH_NOT_ALLOWED", message)
    if isinstance(err, AuthError):  # the signed-in user's token is missing or expired
        return ApiError(401 if err.expired else 403, "SIGN_IN_REQUIRED" if err.expired else "FORBIDDEN", message)
    if isinstance(err, QueryError):  # Databricks could not be reached
        return ApiError(503, "UNAVAILABLE", message)
    if isinstance(err, FileNotFound):
        return ApiError(404, "NOT_FOUND", message)
    if isinstance(err, SignInRequired):
        return ApiError(401, "SIGN_IN_REQUIRED", message)
    if isinstance(err, FilePermissionDenied):
        read_only = store is not None and store.read_only
        return ApiError(403, "READ_ONLY" if read_only else "FORBIDDEN", message)
    if isinstance(err, FileConflict):
        return ApiError(409, "ETAG_MISMATCH", message)
    if isinstance(err, FileExists):
        return ApiError(409, "FILE_EXISTS", message)
    if isinstance(err, DirectoryNotEmpty):
        return ApiError(409, "NOT_EMPTY", f"{message}; send recursive=true to delete it with its contents")
    if isinstance(err, FileTooLarge):
        return ApiError(413, "TOO_LARGE", message)
    if isinstance(err, NotText):
        return ApiError(400, "NOT_TEXT", message)
    if isinstance(err, FileStoreError) and err.retryable:
        return ApiError(503, "UNAVAILABLE", message)
    return ApiError(400, "FILE_ERROR", message)


async def _call(svc: Services, caller: Identity, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`fn(store, ...)` in a worker thread, as the caller (their token for Databricks file
    calls), with store failures turned into answers."""

    def work() -> Any:
        token = CALLER.set(caller)
        try:
            return fn(svc.files, *args, **kwargs)
        finally:
            CALLER.reset(token)

    try:
        return await run_in_threadpool(work)
    except (PathNotAllowed, FileStoreError, QueryError) as err:
        try:
            store = svc.files
        except Exception:  # noqa: BLE001 - the store itself could not be built
            store = None
        raise _error(err, store) from None


def _user(caller: Identity) -> Identity:
    if not caller.user.strip():
        raise ApiError(401, "UNAUTHENTICATED", "No signed-in user came with this request.")
    return caller


def _count_write(svc: Services, caller: Identity) -> None:
    """A change counts against the caller's file-changes budget, as on the Files page
    (RateLimited answers 429 with Retry-After)."""
    svc.limiter.acquire(caller.user, "file_writes")


async def _body(request: Request, limit: int) -> WriteRequest:
    """The JSON body, read up to `limit` bytes (the file limit decides it, so it is checked
    here rather than by a fixed route limit), then validated."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "TOO_LARGE", f"The request body is larger than {limit:,} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > limit:
            raise ApiError(413, "TOO_LARGE", f"The request body is larger than {limit:,} bytes")
    try:
        return WriteRequest.model_validate_json(bytes(raw))
    except ValidationError as err:
        raise RequestValidationError(err.errors(include_url=False, include_context=False)) from None


# Binary replacements are checked and written under this lock (text ones under the store's own):
# two API writers of one file never overwrite each other.
class _Held:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


_binary_locks: dict[str, _Held] = {}
_binary_guard = threading.Lock()


@contextmanager
def _binary_lock(key: str) -> Iterator[None]:
    with _binary_guard:
        held = _binary_locks.setdefault(key, _Held())
        held.users += 1
    try:
        with held.lock:
            yield
    finally:
        with _binary_guard:
            held.users -= 1
            if held.users == 0:
                _binary_locks.pop(key, None)


def _write(store: FileStore, path: str, data: bytes, expected: FileVersion | None, user: Identity) -> FileVersion:
    if len(data) > store.max_bytes:
        raise FileTooLarge(len(data), store.max_bytes, path)
    text = _as_text(data)
    if text is not None:
        # Check and write under the store's lock, as the editor's saves.
        return store.write_text(path, text, expected, user)
    if expected is None:
        return store.upload(path, data, user, overwrite=False)
    full = store.full_path(path)
    shown = store.rel_path(full)
    with _binary_lock(f"{id(store)}:{full}"):
        try:
            current = store.read_bytes(path)
        except FileNotFound:
            raise FileConflict(None, shown, f"'{shown}' was deleted since you read it. Nothing was saved.") from None
        except FileTooLarge:
            current = None  # it grew past the limit since: not the version read
        if current is None or not FileVersion.of(current).same_content(expected):
            raise FileConflict(None, shown)
        return store.upload(path, data, user, overwrite=True)


# --------------------------------------------------------------------------- routes


@router.get("", response_model=Listing | FileOut)
async def read(svc: ServicesDep, caller: Caller, response: Response, path: str = "."):
    """A folder's entries (folders first), or a file's content and etag."""
    caller = _user(caller)

    def load(store: FileStore) -> Listing | FileOut:
        entry = store.stat(path)
        if entry.is_dir:
            return Listing(entries=[_entry(e) for e in store.list(path)])
        data = store.read_bytes(path)
        text = _as_text(data)
        content, encoding = (text, "utf-8") if text is not None else (base64.b64encode(data).decode("ascii"), "base64")
        return FileOut(path=entry.path, content=content, encoding=encoding, etag=etag(FileVersion.of(data)))

    try:
        answer = await _call(svc, caller, load)
    except ApiError as err:
        if err.code == "TOO_LARGE":
            err.message += " (GET /api/files/download?path=... streams it)"
        raise
    if isinstance(answer, FileOut):
        response.headers["ETag"] = f'"{answer.etag}"'
    response.headers["Cache-Control"] = "no-store"
    return answer


@router.put(
    "",
    response_model=Written,
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": WriteRequest.model_json_schema()}}}
    },
)
async def write(request: Request, svc: ServicesDep, caller: Caller, path: str):
    """Writes a file: a new one without `if_match`, else a replacement of the version read."""
    caller = _user(caller)
    max_bytes = svc.settings.max_file_bytes
    body = await _body(request, _BODY_FACTOR * max_bytes + _BODY_SLACK)
    expected = _expected(body.if_match)
    _count_write(svc, caller)
    if body.encoding == "base64":
        packed = body.content.translate(_BASE64_SPACE)
        if len(packed) > (max_bytes + 2) // 3 * 4:
            raise ApiError(413, "TOO_LARGE", f"The file is larger than {max_bytes:,} bytes, the limit here")
        try:
            data = base64.b64decode(packed, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(400, "BAD_REQUEST", "content: not valid base64") from None
    else:
        try:
            data = body.content.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiError(400, "NOT_TEXT", "content: not valid Unicode text") from None
        if b"\x00" in data:
            raise ApiError(400, "NOT_TEXT", 'content: text with NUL characters; send it with "encoding": "base64"')
    version = await _call(svc, caller, _write, path, data, expected, caller)
    return Written(etag=etag(version))


@router.delete("", status_code=204)
async def delete(svc: ServicesDep, caller: Caller, path: str, recursive: bool = False):
    """Deletes a file or an empty folder (a folder with contents needs recursive=true)."""
    caller = _user(caller)
    _count_write(svc, caller)
    await _call(svc, caller, lambda store: store.delete(path, caller, recursive=recursive))
    return Response(status_code=204)


@router.post("/folders", status_code=201, response_model=FileEntryOut)
async def create_folder(svc: ServicesDep, caller: Caller, path: str):
    """Creates a folder (and missing parents); 409 when something has that name."""
    caller = _user(caller)
    _count_write(svc, caller)
    entry = await _call(svc, caller, lambda store: store.mkdir(path, caller))
    return _entry(entry)
