"""The embedded default: a FileStore over a local folder.

Writes are atomic: the bytes go to a temporary file in the same folder, are fsynced, and
replace the target with os.replace, so a crash mid-write leaves the old content (and at
worst a hidden `.~*.tmp` file, which listings skip). Symbolic links leading out of the root
are refused by the path policy, and hidden from listings.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat as stat_mod
from pathlib import Path
from typing import Any, Iterator

from .store import (
    CHUNK_BYTES,
    DirectoryNotEmpty,
    FileEntry,
    FileExists,
    FileNotFound,
    FilePermissionDenied,
    FileStore,
    FileStoreError,
    Readable,
    temp_name,
)

class LocalFileStore(FileStore):
    kind = "local"

    def __init__(self, root: Path | str, max_bytes: int, *, audit: Any = None, read_only: bool = False):
        root_str = os.path.abspath(os.fspath(root))
        super().__init__(root_str, max_bytes, audit=audit, read_only=read_only)
        if not os.path.isdir(self.root):
            raise FileStoreError(f"The files folder {self.root} does not exist")

    # ----------------------------------------------------------------- primitives

    def _entry_from_stat(self, full: str, st: os.stat_result) -> FileEntry:
        is_dir = stat_mod.S_ISDIR(st.st_mode)
        return self._entry(full, is_dir=is_dir, size=st.st_size, modified=st.st_mtime)

    def _stat(self, full: str) -> FileEntry:
        return self._entry_from_stat(full, os.stat(full))

    def _list(self, full: str) -> list[FileEntry]:
        out = []
        with os.scandir(full) as it:
            for de in it:
                try:
                    st = de.stat()  # follows links; _child re-checks where they lead
                except OSError:
                    continue  # a dangling link or a file deleted while listing
                entry = self._child(
                    full, de.name, is_dir=stat_mod.S_ISDIR(st.st_mode), size=st.st_size, modified=st.st_mtime
                )
                if entry is not None:
                    out.append(entry)
        return out

    def _has_children(self, full: str) -> bool:
        with os.scandir(full) as it:
            return any(True for _ in it)

    def _open_stream(self, full: str) -> Iterator[bytes]:
        f = open(full, "rb")  # opened now, so a missing file fails before streaming starts

        def chunks() -> Iterator[bytes]:
            with f:
                while chunk := f.read(CHUNK_BYTES):
                    yield chunk

        return chunks()

    def _write_bytes(self, full: str, data: bytes, *, overwrite: bool) -> None:
        self._write_stream(full, io.BytesIO(data), overwrite=overwrite)

    def _write_stream(self, full: str, stream: Readable, *, overwrite: bool) -> None:
        parent = os.path.dirname(full)
        os.makedirs(parent, exist_ok=True)
        # Short random name: the target's own name may already be 255 bytes long.
        tmp = os.path.join(parent, temp_name())
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            with os.fdopen(fd, "wb") as f:
                while chunk := stream.read(CHUNK_BYTES):
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            try:
                os.chmod(tmp, stat_mod.S_IMODE(os.stat(full).st_mode))  # keep the file's permissions
            except FileNotFoundError:
                pass
            if overwrite:
                os.replace(tmp, full)
            else:
                self._link_new(tmp, full)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        _fsync_dir(parent)

    @staticmethod
    def _link_new(tmp: str, full: str) -> None:
        # link() fails if the target exists: create-without-clobber in one step, even against
        # other processes. Some file systems cannot hard-link; then check and replace.
        try:
            os.link(tmp, full)
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if os.path.lexists(full):
                raise FileExistsError(errno.EEXIST, "exists", full) from None
            os.replace(tmp, full)
        else:
            os.unlink(tmp)

    def _mkdir(self, full: str) -> None:
        os.makedirs(full, exist_ok=False)

    def _rename(self, src: str, dst: str, entry: FileEntry) -> None:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        # The caller checked that dst does not exist, under this store's lock; os.rename would
        # otherwise replace a file (or an empty folder) silently.
        os.rename(src, dst)

    def _delete_file(self, full: str) -> None:
        os.unlink(full)

    def _delete_dir(self, full: str, *, recursive: bool) -> None:
        if recursive:
            shutil.rmtree(full)  # removes links inside, never follows them
        else:
            os.rmdir(full)

    def _translate(self, err: Exception, op: str, rel: str) -> FileStoreError | None:
        if not isinstance(err, OSError):
            return None
        if isinstance(err, FileNotFoundError):
            return FileNotFound(f"'{rel}' was not found", path=rel)
        if isinstance(err, PermissionError):
            return FilePermissionDenied(f"Permission denied: could not {op} '{rel}'", path=rel)
        if isinstance(err, FileExistsError):
            return FileExists(f"'{rel}' already exists", path=rel)
        if isinstance(err, NotADirectoryError):
            return FileStoreError(f"Could not {op} '{rel}': a part of the path is a file, not a folder", path=rel)
        if isinstance(err, IsADirectoryError):
            return FileStoreError(f"Could not {op} '{rel}': it is a folder", path=rel)
        if err.errno == errno.ENOTEMPTY:
            return DirectoryNotEmpty(f"The folder '{rel}' is not empty", path=rel)
        if err.errno == errno.ENOSPC:
            return FileStoreError(f"Could not {op} '{rel}': the disk is full", path=rel)
        if err.errno == errno.ENAMETOOLONG:
            return FileStoreError(f"Could not {op} '{rel}': the name is too long", path=rel)
        reason = err.strerror or type(err).__name__
        return FileStoreError(f"Could not {op} '{rel}': {reason}", path=rel)


def _fsync_dir(path: str) -> None:
    # Makes the rename itself durable; not every platform can open a folder.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
