"""A FileStore over a legacy DBFS folder (dbfs:/...), through the DBFS REST API.

DBFS moves at most 1 MB per call: `read` returns at most 1 MB (base64) per offset/length
request, `put` takes at most 1 MB, and bigger files go through create / add-block (each
block at most 1 MB before base64) / close. This module calls the generated `DbfsAPI`
directly rather than `w.dbfs` (DbfsExt), whose helpers add hidden get-status calls and
refuse to delete an empty folder without `recursive`.

On the wire DBFS paths have no scheme: dbfs:/FileStore/x is sent as /FileStore/x.

Writes of more than 1 MB are staged: blocks go, as they are read, to a hidden temporary
file next to the target, which then replaces it (delete + move). A failure mid-upload
leaves the old file intact; only the instant between the delete and the move is
unprotected, because DBFS move refuses to overwrite.
"""

from __future__ import annotations

import base64
import io
import itertools
from typing import Any, Iterator

from databricks.sdk.errors import NotFound
from databricks.sdk.service.files import DbfsAPI

from .store import FileEntry, FileStoreError, Readable, temp_name
from .volumes import ClientSource, _SdkFileStore

DBFS_BLOCK_BYTES = 1024 * 1024  # the service's limit per put / add-block / read, before base64


def _wire(full: str) -> str:
    return full[len("dbfs:") :] if full.startswith("dbfs:") else full


class DbfsFileStore(_SdkFileStore):
    kind = "dbfs"

    def __init__(self, client: ClientSource, root: str, max_bytes: int, *, audit: Any = None, read_only: bool = False):
        super().__init__(client, root, max_bytes, audit=audit, read_only=read_only)

    @property
    def _api(self) -> DbfsAPI:
        # Cheap to build; built per call so it follows whichever client the factory gives.
        return DbfsAPI(self.client.api_client)

    # ----------------------------------------------------------------- primitives

    def _stat(self, full: str) -> FileEntry:
        info = self._api.get_status(_wire(full))
        modified = info.modification_time / 1000 if info.modification_time is not None else None
        return self._entry(full, is_dir=bool(info.is_dir), size=info.file_size, modified=modified)

    def _list(self, full: str) -> list[FileEntry]:
        wire = _wire(full)
        infos = list(self._api.list(wire))
        # DBFS lists a file as itself; the editor only lists folders.
        if len(infos) == 1 and not infos[0].is_dir and (infos[0].path or "").rstrip("/") == wire.rstrip("/"):
            raise FileStoreError(f"'{self.rel_path(full)}' is a file, not a folder")
        out = []
        for info in infos:
            name = (info.path or "").rstrip("/").rsplit("/", 1)[-1]
            entry = self._child(
                full,
                name,
                is_dir=bool(info.is_dir),
                size=info.file_size,
                modified=info.modification_time / 1000 if info.modification_time is not None else None,
            )
            if entry is not None:
                out.append(entry)
        return out

    def _open_stream(self, full: str) -> Iterator[bytes]:
        wire = _wire(full)
        # One client for the whole stream: later blocks are read from another thread, after
        # the request that knows the caller has moved on, and must still be read as them.
        api = self._api
        first = api.read(wire, offset=0, length=DBFS_BLOCK_BYTES)  # fails now if missing

        def chunks() -> Iterator[bytes]:
            resp, offset = first, 0
            while resp.bytes_read:
                data = base64.b64decode(resp.data or "")
                yield data
                offset += len(data)
                resp = api.read(wire, offset=offset, length=DBFS_BLOCK_BYTES)

        return chunks()

    def _write_bytes(self, full: str, data: bytes, *, overwrite: bool) -> None:
        self._write_stream(full, io.BytesIO(data), overwrite=overwrite)

    def _write_stream(self, full: str, stream: Readable, *, overwrite: bool) -> None:
        wire = _wire(full)
        # Reading a second block tells a file of at most 1 MB (one put) from a bigger one.
        first = stream.read(DBFS_BLOCK_BYTES)
        second = stream.read(DBFS_BLOCK_BYTES) if len(first) == DBFS_BLOCK_BYTES else b""
        if not second:
            self._api.put(wire, contents=base64.b64encode(first).decode("ascii"), overwrite=overwrite)
            return
        parent, _, _ = wire.rpartition("/")
        tmp = f"{parent}/{temp_name()}"
        blocks = itertools.chain((first, second), iter(lambda: stream.read(DBFS_BLOCK_BYTES), b""))
        del first, second  # the chain lets go of them once sent
        try:
            self._upload_blocks(tmp, blocks)
            if overwrite:
                try:
                    self._api.delete(wire, recursive=False)
                except NotFound:
                    pass
            self._api.move(tmp, wire)  # RESOURCE_ALREADY_EXISTS if someone created it meanwhile
        except BaseException:
            try:
                self._api.delete(tmp, recursive=False)
            except Exception:  # noqa: BLE001 - best effort; the original error matters
                pass
            raise

    def _upload_blocks(self, wire: str, blocks: Iterator[bytes]) -> None:
        handle = self._api.create(wire, overwrite=False).handle
        try:
            for block in blocks:
                self._api.add_block(handle, base64.b64encode(block).decode("ascii"))
        except BaseException:
            try:
                self._api.close(handle)  # release the handle; the temp file is deleted by the caller
            except Exception:  # noqa: BLE001 - the add-block error is the one to report
                pass
            raise
        self._api.close(handle)

    def _mkdir(self, full: str) -> None:
        self._api.mkdirs(_wire(full))

    def _rename(self, src: str, dst: str, entry: FileEntry) -> None:
        # Server-side move; folders move with their contents.
        parent = _wire(dst).rpartition("/")[0]
        if parent:
            self._api.mkdirs(parent)
        self._api.move(_wire(src), _wire(dst))

    def _delete_file(self, full: str) -> None:
        self._api.delete(_wire(full), recursive=False)

    def _delete_dir(self, full: str, *, recursive: bool) -> None:
        self._api.delete(_wire(full), recursive=recursive)
