"""A FileStore over a Unity Catalog Volume folder, through the Files API (`w.files`).

Versions are size + last-modified + sha256 of the content. The Files API has no rename and
no conditional write, so:

- rename is download + upload to the new path + delete the old one. It is NOT atomic: if it
  fails halfway, the source is intact and the destination may hold a partial copy (the error
  says so). Folders are copied file by file.
- a save checks the current content under this process's lock, then uploads (see store.py).

The SDK errors (databricks.sdk.errors) are mapped here for this module and for dbfs.py.
"""

from __future__ import annotations

import io
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterator

from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError, NotFound

from ..sql.errors import Category, classify_sdk, sdk_cause
from .store import (
    CHUNK_BYTES,
    FileEntry,
    FileExists,
    FileNotFound,
    FilePermissionDenied,
    FileStore,
    FileStoreError,
    Readable,
    SignInRequired,
    StoreUnavailable,
)

ClientSource = WorkspaceClient | Callable[[], WorkspaceClient]


def _http_date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        return None


def translate_sdk_error(err: Exception, op: str, rel: str) -> FileStoreError | None:
    """Maps databricks-sdk and transport errors to FileStoreErrors with safe messages.

    What an error means is decided by `classify_sdk`, as for SQL. Messages name the relative
    path and the kind of failure, plus the service's error code; never the server's free text
    (it can carry a request log) and never a token.
    """
    cause, retried = sdk_cause(err)
    if isinstance(cause, DatabricksError):
        info = classify_sdk(cause)
        cat = info.category
        suffix = f" ({info.error_code})" if info.error_code and not info.error_code.isdigit() else ""
        if cat is Category.AUTH:
            # The store cannot tell the user's forwarded token from the app's: say both.
            return SignInRequired(
                f"Databricks did not accept the credentials while trying to {op} '{rel}': reload the page to sign in "
                "again (if that does not help, the app's Databricks credentials need checking)",
                path=rel,
            )
        if cat is Category.PERMISSION:
            # A HEAD answer has no body, so an expired sign-in looks the same as a missing grant.
            hint = "" if info.reason_given else " (or your sign-in expired: reload the page)"
            return FilePermissionDenied(f"You do not have permission to {op} '{rel}'{suffix}{hint}", path=rel)
        if cat is Category.NOT_FOUND:
            return FileNotFound(f"'{rel}' was not found", path=rel)
        if cat is Category.ALREADY_EXISTS:
            return FileExists(f"'{rel}' already exists", path=rel)
        if cat in (Category.THROTTLED, Category.UNAVAILABLE):
            again = " even after retrying" if retried else ""
            return StoreUnavailable(
                f"Databricks is busy (too many requests){again}; could not {op} '{rel}'. Try again in a minute.", path=rel
            )
        if cat is Category.TIMEOUT:
            return StoreUnavailable(f"Databricks took too long to {op} '{rel}'. Try again.", path=rel)
        if cat is Category.INTERNAL:
            return StoreUnavailable(f"Databricks had an internal error while trying to {op} '{rel}'{suffix}. Try again.", path=rel)
        if cat is Category.NOT_IMPLEMENTED:
            return FileStoreError(f"This workspace does not support the call needed to {op} '{rel}'{suffix}", path=rel)
        if cat is Category.CONFLICT:
            return FileStoreError(f"Could not {op} '{rel}': it conflicts with the current state{suffix}", path=rel)
        if cat is Category.INVALID:
            return FileStoreError(f"Databricks refused to {op} '{rel}'{suffix}", path=rel)
        return FileStoreError(f"Could not {op} '{rel}': Databricks error{suffix}", path=rel)
    if isinstance(cause, OSError):  # requests' ConnectionError and Timeout are OSErrors
        return StoreUnavailable(f"Could not reach Databricks to {op} '{rel}'. Check the connection and try again.", path=rel)
    if retried:
        return StoreUnavailable(f"Databricks did not answer in time to {op} '{rel}'. Try again.", path=rel)
    return None


class _SdkFileStore(FileStore):
    """Shared by the Volumes and DBFS stores: a lazily created WorkspaceClient and error mapping."""

    def __init__(self, client: ClientSource, root: str, max_bytes: int, *, audit: Any = None, read_only: bool = False):
        super().__init__(root, max_bytes, audit=audit, read_only=read_only)
        # A factory is asked on every call: it defers building the client (which calls the
        # workspace) to first use, and may answer for the caller (files run as the user).
        self._client: WorkspaceClient | None = client if isinstance(client, WorkspaceClient) else None
        self._client_factory = None if isinstance(client, WorkspaceClient) else client

    @property
    def client(self) -> WorkspaceClient:
        if self._client is not None:
            return self._client
        assert self._client_factory is not None
        return self._client_factory()

    def _translate(self, err: Exception, op: str, rel: str) -> FileStoreError | None:
        return translate_sdk_error(err, op, rel)


class VolumesFileStore(_SdkFileStore):
    kind = "volume"

    @property
    def _files(self):  # noqa: ANN202 - FilesExt
        return self.client.files

    # ----------------------------------------------------------------- primitives

    def _stat(self, full: str) -> FileEntry:
        # HEAD on /fs/files answers for files only; a folder needs HEAD on /fs/directories.
        try:
            meta = self._files.get_metadata(full)
        except NotFound:
            self._files.get_directory_metadata(full)
            return self._entry(full, is_dir=True, size=None, modified=None)
        return self._entry(full, is_dir=False, size=meta.content_length, modified=_http_date(meta.last_modified))

    def _list(self, full: str) -> list[FileEntry]:
        out = []
        try:
            # The SDK follows next_page_token for us; the default page is up to 1000 entries.
            listing = list(self._files.list_directory_contents(full))
        except NotFound:
            if self._is_file(full):
                raise FileStoreError(f"'{self.rel_path(full)}' is a file, not a folder") from None
            raise
        for d in listing:
            entry = self._child(
                full,
                d.name or (d.path or "").rstrip("/").rsplit("/", 1)[-1],
                is_dir=bool(d.is_directory),
                size=d.file_size,
                modified=d.last_modified / 1000 if d.last_modified is not None else None,
            )
            if entry is not None:
                out.append(entry)
        return out

    def _is_file(self, full: str) -> bool:
        try:
            self._files.get_metadata(full)
            return True
        except NotFound:
            return False

    def _has_children(self, full: str) -> bool:
        return next(iter(self._files.list_directory_contents(full, page_size=1)), None) is not None

    def _open_stream(self, full: str) -> Iterator[bytes]:
        resp = self._files.download(full)  # the request happens now
        contents = resp.contents

        def chunks() -> Iterator[bytes]:
            try:
                # read(n) rather than iteration: the SDK's stream only iterates after a read.
                while chunk := contents.read(CHUNK_BYTES):
                    yield chunk
            finally:
                _close_quietly(contents)

        return chunks()

    def _write_bytes(self, full: str, data: bytes, *, overwrite: bool) -> None:
        # Single-thread upload: one PUT for anything under the SDK's 50 MB multipart threshold.
        # The Files API creates missing parent folders itself.
        self._files.upload(full, io.BytesIO(data), overwrite=overwrite, use_parallel=False)

    def _write_stream(self, full: str, stream: Readable, *, overwrite: bool) -> None:
        # A stream of unknown length: the SDK reads up to its multipart threshold (50 MB) and
        # sends one PUT below it; above, a multipart upload that it aborts when reading or a
        # part fails, so a file appears only when complete.
        self._files.upload(full, stream, overwrite=overwrite, use_parallel=False)

    def _mkdir(self, full: str) -> None:
        self._files.create_directory(full)

    def _delete_file(self, full: str) -> None:
        self._files.delete(full)

    def _delete_dir(self, full: str, *, recursive: bool) -> None:
        if recursive:
            # The Files API deletes empty folders only: files first, then folders deepest first.
            files, dirs = self._walk(full)
            for f in files:
                self._files.delete(f)
            for d in sorted(dirs, key=len, reverse=True):
                self._files.delete_directory(d)
        self._files.delete_directory(full)

    def _walk(self, top: str) -> tuple[list[str], list[str]]:
        files: list[str] = []
        dirs: list[str] = []
        pending = [top]
        while pending:
            current = pending.pop()
            for d in self._files.list_directory_contents(current):
                name = d.name or (d.path or "").rstrip("/").rsplit("/", 1)[-1]
                child = f"{current}/{name}"
                if d.is_directory:
                    dirs.append(child)
                    pending.append(child)
                else:
                    files.append(child)
        return files, dirs

    def _copy_file(self, src: str, dst: str) -> None:
        resp = self._files.download(src)
        try:
            # Streams through: the SDK buffers up to 50 MB, then switches to a multipart upload.
            self._files.upload(dst, resp.contents, overwrite=False, use_parallel=False)
        finally:
            _close_quietly(resp.contents)

    def _rename(self, src: str, dst: str, entry: FileEntry) -> None:
        rel_dst = self.rel_path(dst)
        try:
            if entry.is_dir:
                files, dirs = self._walk(src)
                self._files.create_directory(dst)
                for d in dirs:
                    self._files.create_directory(dst + d[len(src) :])
                for f in files:
                    self._copy_file(f, dst + f[len(src) :])
            else:
                self._copy_file(src, dst)
        except Exception as err:  # noqa: BLE001 - re-raised with what state was left behind
            mapped = translate_sdk_error(err, "rename", self.rel_path(src)) or FileStoreError(
                f"Could not rename '{self.rel_path(src)}'"
            )
            mapped.message = f"{mapped.message} The original is unchanged; '{rel_dst}' may hold a partial copy."
            mapped.args = (mapped.message,)
            raise mapped from err
        if entry.is_dir:
            self._delete_dir(src, recursive=True)
        else:
            self._files.delete(src)


def _close_quietly(contents: Any) -> None:
    # The SDK's resilient download stream raises AttributeError on close() before the first read.
    try:
        contents.close()
    except Exception:  # noqa: BLE001
        pass
