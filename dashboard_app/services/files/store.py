"""The file store interface behind the text-file editor, and the rules every backend shares.

A `FileStore` exposes one root folder (a Volume, a DBFS folder or a local folder). Callers
pass paths relative to the root; every one goes through `paths.resolve`. The base class owns
the behaviour that must not differ between backends — size and text checks, conflict
detection on save, refusing to overwrite, audit records — and each backend implements a few
primitives on full paths (`_stat`, `_list`, `_open_stream`, `_write_stream`, ...) that raise
their native errors; `_translate` maps those to the `FileStoreError` family with messages
that are safe to show (relative path, what failed, what to do; never a token or a URL).

Saves are optimistic: `read_text` returns a `FileVersion` (size, sha256, modified) and
`write_text` refuses with `FileConflict` — carrying the current content — when the file no
longer matches it. The check and the write run under a per-path lock, so two editors in this
process never overwrite each other; writers outside the process (a notebook, a job) can still
race the few milliseconds between check and write, because neither the Files API nor DBFS
offers a conditional write.
"""

from __future__ import annotations

import abc
import hashlib
import logging
import re
import secrets
import threading
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Protocol

from . import paths
from .paths import PathNotAllowed

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024

# Hidden staging files of atomic writes; listings skip them.
_TEMP_NAME = re.compile(r"^\.~[0-9a-f]{16}\.tmp$")


def temp_name() -> str:
    return f".~{secrets.token_hex(8)}.tmp"


def is_temp_name(name: str) -> bool:
    return bool(_TEMP_NAME.match(name))


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the root, '/'-separated; "." for the root itself
    name: str
    is_dir: bool
    size: int | None = None
    modified: float | None = None  # epoch seconds


@dataclass(frozen=True)
class FileVersion:
    """What a save carries so the store can tell whether the file changed since it was read."""

    modified: float | None
    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, modified: float | None = None) -> "FileVersion":
        return cls(modified=modified, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def same_content(self, other: "FileVersion") -> bool:
        # modified is only informative: Volumes report it to the second and DBFS to the
        # millisecond, so equal content is decided by size and hash alone.
        return self.size == other.size and self.sha256 == other.sha256


@dataclass(frozen=True)
class FileContent:
    path: str
    text: str
    version: FileVersion


# --------------------------------------------------------------------------- errors


class FileStoreError(Exception):
    """A file operation failed; the message is safe to show to the user.

    `retryable` is True when trying again later may succeed (throttling, a server hiccup).
    """

    def __init__(self, message: str, *, path: str | None = None, retryable: bool = False):
        super().__init__(message)
        self.message = message
        self.path = path
        self.retryable = retryable


class FileNotFound(FileStoreError):
    pass


class FilePermissionDenied(FileStoreError):
    pass


class SignInRequired(FilePermissionDenied):
    """Databricks refused the credentials themselves: the user must sign in again."""


class FileExists(FileStoreError):
    pass


class DirectoryNotEmpty(FileStoreError):
    pass


class StoreUnavailable(FileStoreError):
    """The service is throttling or failing; retryable."""

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message, path=path, retryable=True)


class FileTooLarge(FileStoreError):
    def __init__(self, size: int, limit: int, path: str | None = None):
        where = f"'{path}' is" if path else "The file is"
        super().__init__(
            f"{where} {human_size(size)}; the editor handles files up to {human_size(limit)}. Download it instead.",
            path=path,
        )
        self.size = size
        self.limit = limit


class NotText(FileStoreError):
    """Binary content (NUL bytes) or not valid UTF-8."""


class FileConflict(FileStoreError):
    """The file changed since the version the editor read; nothing was written.

    `current` is what the file holds now, or None when it was deleted or is no longer text
    the editor can show.
    """

    def __init__(self, current: FileContent | None, path: str | None = None, message: str | None = None):
        path = path or (current.path if current else None)
        super().__init__(
            message
            or f"'{path}' was changed by someone else since you opened it. Nothing was saved; review their version first.",
            path=path,
        )
        self.current = current


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover


# --------------------------------------------------------------------------- streamed uploads


class CappedStream:
    """A read-only, non-seekable binary stream over an upload's chunks (an iterable of bytes or
    a file-like object) that raises FileTooLarge as soon as more than `limit` bytes have arrived
    and hashes what passes. `read(n)` returns n bytes unless the source has ended (the SDK
    takes a short read for the end) and keeps only the rest of the last chunk it split."""

    def __init__(self, source: Iterable[bytes] | BinaryIO, limit: int, rel: str):
        read = getattr(source, "read", None)
        self._chunks: Iterator[bytes] = iter(lambda: read(CHUNK_BYTES), b"") if read else iter(source)  # type: ignore
        self._pending = b""
        self._sha = hashlib.sha256()
        self._limit, self._rel = int(limit), rel
        self.size = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def _next(self) -> bytes:
        for chunk in self._chunks:
            if chunk:
                self.size += len(chunk)
                if self.size > self._limit:
                    raise FileTooLarge(self.size, self._limit, self._rel)
                self._sha.update(chunk)
                return bytes(chunk)
        return b""

    def read(self, n: int | None = -1) -> bytes:
        parts: list[bytes] = []
        have = 0
        while n is None or n < 0 or have < n:
            chunk = self._pending or self._next()
            if not chunk:
                break
            take = len(chunk) if n is None or n < 0 else n - have
            parts.append(chunk[:take])
            self._pending = chunk[take:]
            have += len(parts[-1])
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def __iter__(self) -> Iterator[bytes]:
        # Lets an HTTP client send it chunked, should anything hand it over as a request body.
        return iter(lambda: self.read(CHUNK_BYTES), b"")

    def version(self, modified: float | None) -> FileVersion:
        return FileVersion(modified=modified, size=self.size, sha256=self._sha.hexdigest())


class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


# --------------------------------------------------------------------------- audit hook


class AuditHook(Protocol):
    def __call__(self, *, user: str, action: str, path: str, size: int | None = None, detail: str = "") -> Any: ...


def _audit_hook(audit: Any) -> Callable[..., Any] | None:
    """Accepts an AuditLog (anything with .record) or a plain callable."""
    if audit is None:
        return None
    record = getattr(audit, "record", None)
    return record if callable(record) else audit


def user_name(user: Any) -> str:
    """A user string from a str or an Identity-like object (never its token)."""
    if isinstance(user, str):
        return user
    name = getattr(user, "user", None)
    return name if isinstance(name, str) else "unknown"


# --------------------------------------------------------------------------- the store


class FileStore(abc.ABC):
    """One root folder: list, read, save with conflict detection, upload, download, organise."""

    kind: paths.RootKind = "local"

    def __init__(self, root: str, max_bytes: int, *, audit: Any = None, read_only: bool = False):
        self.root = paths.normalize_root(root, self.kind)
        self.max_bytes = int(max_bytes)
        self.read_only = read_only
        self._audit = _audit_hook(audit)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # ----------------------------------------------------------------- paths

    def full_path(self, rel: str) -> str:
        return paths.resolve(self.root, rel, kind=self.kind)

    def rel_path(self, full: str) -> str:
        return paths.relative(self.root, full, kind=self.kind)

    def _entry(self, full: str, *, is_dir: bool, size: int | None, modified: float | None) -> FileEntry:
        rel = self.rel_path(full)
        name = full.rstrip("/").rsplit("/", 1)[-1]
        return FileEntry(path=rel, name=name, is_dir=is_dir, size=None if is_dir else size, modified=modified)

    def _child(self, dir_full: str, name: str, **kw: Any) -> FileEntry | None:
        """An entry for a listed child, or None when the policy would refuse its path
        (control characters, '..', a link out of the root): the editor lists only what it can open."""
        if not name or "/" in name or is_temp_name(name):
            return None
        rel = paths.join(self.rel_path(dir_full), name)
        try:
            full = self.full_path(rel)
        except PathNotAllowed:
            return None
        return self._entry(full, **kw)

    # ----------------------------------------------------------------- backend primitives

    @abc.abstractmethod
    def _stat(self, full: str) -> FileEntry:
        """The entry at `full`; raises the backend's not-found error when there is none."""

    @abc.abstractmethod
    def _list(self, full: str) -> list[FileEntry]:
        """One level of a folder, in any order."""

    @abc.abstractmethod
    def _open_stream(self, full: str) -> Iterator[bytes]:
        """Starts reading a file now (so a missing file fails here) and returns its chunks."""

    @abc.abstractmethod
    def _write_bytes(self, full: str, data: bytes, *, overwrite: bool) -> None:
        """Writes a whole file, creating missing parent folders; refuses an existing file
        when `overwrite` is False."""

    @abc.abstractmethod
    def _write_stream(self, full: str, stream: Readable, *, overwrite: bool) -> None:
        """Like `_write_bytes`, reading the content from `stream` as it goes. When reading
        raises (FileTooLarge, a broken source) or the write fails, the target is left as it was
        and no partial or staging file remains."""

    @abc.abstractmethod
    def _mkdir(self, full: str) -> None:
        """Creates a folder and its missing parents."""

    @abc.abstractmethod
    def _rename(self, src: str, dst: str, entry: FileEntry) -> None:
        """Moves a file or folder to a path that does not exist."""

    @abc.abstractmethod
    def _delete_file(self, full: str) -> None: ...

    @abc.abstractmethod
    def _delete_dir(self, full: str, *, recursive: bool) -> None: ...

    @abc.abstractmethod
    def _translate(self, err: Exception, op: str, rel: str) -> FileStoreError | None:
        """Maps a backend error to a FileStoreError, or None to let it through."""

    def _has_children(self, full: str) -> bool:
        return bool(self._list(full))

    # ----------------------------------------------------------------- plumbing

    @contextmanager
    def _errors(self, op: str, rel: str) -> Iterator[None]:
        try:
            yield
        except (FileStoreError, PathNotAllowed):
            raise
        except Exception as err:  # noqa: BLE001 - mapped below, or re-raised untouched
            mapped = self._translate(err, op, rel)
            if mapped is None:
                raise
            if mapped.path is None:
                mapped.path = rel
            raise mapped from err

    def _guarded(self, chunks: Iterator[bytes], op: str, rel: str) -> Iterator[bytes]:
        # Errors while streaming (after the first byte) are mapped like any other.
        with self._errors(op, rel):
            yield from chunks

    @contextmanager
    def _locked(self, *fulls: str) -> Iterator[None]:
        # Sorted acquisition: a rename locks two paths without deadlocking another rename.
        with self._locks_guard:
            locks = [self._locks.setdefault(f, threading.Lock()) for f in sorted(set(fulls))]
        with ExitStack() as stack:
            for lock in locks:
                stack.enter_context(lock)
            yield

    def _stat_or_none(self, full: str, rel: str) -> FileEntry | None:
        try:
            with self._errors("check", rel):
                return self._stat(full)
        except FileNotFound:
            return None

    def _check_writable(self, full: str, rel: str, op: str) -> None:
        if self.read_only:
            raise FilePermissionDenied(f"The files are read-only here; could not {op} '{rel}'", path=rel)
        if full == self.root:
            raise FilePermissionDenied(f"The root folder itself cannot be changed (tried to {op} it)", path=rel)

    def _record(self, user: Any, action: str, rel: str, size: int | None = None, detail: str = "") -> None:
        if self._audit is None:
            return
        try:
            self._audit(user=user_name(user), action=action, path=rel, size=size, detail=detail)
        except Exception:  # noqa: BLE001 - the change is done; a broken audit log must not hide that
            log.exception("could not write the audit record for %s %s", action, rel)

    def _read_limited(self, full: str, rel: str, op: str) -> tuple[bytes, FileEntry]:
        with self._errors(op, rel):
            entry = self._stat(full)
            if entry.is_dir:
                raise FileStoreError(f"'{rel}' is a folder, not a file", path=rel)
            if entry.size is not None and entry.size > self.max_bytes:
                raise FileTooLarge(entry.size, self.max_bytes, rel)
            buf = bytearray()
            chunks = self._open_stream(full)
            try:
                for chunk in chunks:
                    buf += chunk
                    if len(buf) > self.max_bytes:  # it grew since the stat
                        raise FileTooLarge(len(buf), self.max_bytes, rel)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        return bytes(buf), entry

    @staticmethod
    def _decode(data: bytes, rel: str) -> str:
        if b"\x00" in data:
            raise NotText(f"'{rel}' looks binary (it contains NUL bytes); download it instead", path=rel)
        try:
            # Strict UTF-8 keeps a BOM as U+FEFF, so saving writes back exactly what was read.
            return data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise NotText(
                f"'{rel}' is not UTF-8 text (invalid byte at position {err.start}); download it instead", path=rel
            ) from None

    @staticmethod
    def _encode(text: str, rel: str) -> bytes:
        if not isinstance(text, str):
            raise NotText("The editor can only save text", path=rel)
        if "\x00" in text:
            raise NotText("The text contains NUL characters and cannot be saved as a text file", path=rel)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            raise NotText("The text contains characters that cannot be written as UTF-8", path=rel) from None

    def _modified_after_write(self, full: str) -> float | None:
        try:
            return self._stat(full).modified
        except Exception:  # noqa: BLE001 - the write succeeded; the timestamp is informative only
            return None

    def _version_after_write(self, full: str, data: bytes) -> FileVersion:
        return FileVersion.of(data, self._modified_after_write(full))

    # ----------------------------------------------------------------- reading

    def stat(self, rel: str) -> FileEntry:
        full = self.full_path(rel)
        with self._errors("open", self.rel_path(full)):
            return self._stat(full)

    def exists(self, rel: str) -> bool:
        full = self.full_path(rel)
        return self._stat_or_none(full, self.rel_path(full)) is not None

    def list(self, rel_dir: str = ".") -> list[FileEntry]:
        """One level of a folder: folders first, then files, each by name."""
        full = self.full_path(rel_dir)
        with self._errors("list", self.rel_path(full)):
            entries = self._list(full)
        return sorted(entries, key=lambda e: (not e.is_dir, e.name.casefold(), e.name))

    def read_text(self, rel: str) -> FileContent:
        full = self.full_path(rel)
        shown = self.rel_path(full)
        data, entry = self._read_limited(full, shown, "open")
        return FileContent(path=shown, text=self._decode(data, shown), version=FileVersion.of(data, entry.modified))

    def read_bytes(self, rel: str) -> bytes:
        """The whole file, up to max_bytes (FileTooLarge beyond); use open_download for big files."""
        full = self.full_path(rel)
        return self._read_limited(full, self.rel_path(full), "read")[0]

    def open_download(self, rel: str) -> Iterator[bytes]:
        """The file's bytes in chunks, any size and any content. Fails now if it cannot start."""
        full = self.full_path(rel)
        shown = self.rel_path(full)
        with self._errors("download", shown):
            entry = self._stat(full)
            if entry.is_dir:
                raise FileStoreError(f"'{shown}' is a folder; only files can be downloaded", path=shown)
            chunks = self._open_stream(full)
        return self._guarded(chunks, "download", shown)

    # ----------------------------------------------------------------- writing

    def write_text(self, rel: str, text: str, expected: FileVersion | None, user: Any) -> FileVersion:
        """Saves text. `expected=None` creates a new file (FileExists if there is one);
        otherwise the file must still match `expected` or FileConflict is raised."""
        full = self.full_path(rel)
        shown = self.rel_path(full)
        self._check_writable(full, shown, "save")
        data = self._encode(text, shown)
        if len(data) > self.max_bytes:
            raise FileTooLarge(len(data), self.max_bytes, shown)
        with self._locked(full), self._errors("save", shown):
            current = self._stat_or_none(full, shown)
            if current is not None and current.is_dir:
                raise FileExists(f"'{shown}' is a folder", path=shown)
            if expected is None:
                if current is not None:
                    raise FileExists(f"'{shown}' already exists; open it to edit it", path=shown)
                self._write_bytes(full, data, overwrite=False)
                action = "create"
            else:
                self._check_unchanged(full, shown, current, expected)
                self._write_bytes(full, data, overwrite=True)
                action = "save"
            version = self._version_after_write(full, data)
        self._record(user, action, shown, len(data))
        return version

    def _check_unchanged(self, full: str, rel: str, current: FileEntry | None, expected: FileVersion) -> None:
        deleted = f"'{rel}' was deleted since you opened it. Nothing was saved."
        if current is None:
            raise FileConflict(None, rel, deleted)
        # Always read and hash: sizes can match and Volumes' timestamps have one-second steps.
        # The content read is also what the user needs to see to resolve the conflict.
        try:
            data, entry = self._read_limited(full, rel, "check")
        except FileNotFound:
            raise FileConflict(None, rel, deleted) from None
        except FileTooLarge:
            raise FileConflict(
                None, rel, f"'{rel}' was changed since you opened it and is now too large to show. Nothing was saved."
            ) from None
        now = FileVersion.of(data, entry.modified)
        if now.same_content(expected):
            return
        try:
            text = self._decode(data, rel)
        except NotText:
            raise FileConflict(
                None, rel, f"'{rel}' was replaced by content that is not text since you opened it. Nothing was saved."
            ) from None
        raise FileConflict(FileContent(rel, text, now), rel)

    def upload(self, rel: str, data: bytes, user: Any, overwrite: bool = False) -> FileVersion:
        """Stores any bytes (binary allowed) at `rel`; FileExists unless `overwrite`."""
        data = bytes(data)
        return self.upload_stream(rel, [data], user, overwrite, limit=len(data))

    def upload_stream(
        self, rel: str, source: Iterable[bytes] | BinaryIO, user: Any, overwrite: bool = False, *, limit: int
    ) -> FileVersion:
        """Stores bytes from `source` (chunks, or a file-like object read in chunks) at `rel` as
        they arrive: about one chunk in memory (one DBFS block; on a Volume, what the SDK buffers
        for one request or part). FileTooLarge as soon as more than `limit` bytes have come;
        then, as on any failure, nothing is written and an old file is intact."""
        full = self.full_path(rel)
        shown = self.rel_path(full)
        self._check_writable(full, shown, "upload")
        stream = CappedStream(source, limit, shown)
        with self._locked(full), self._errors("upload", shown):
            current = self._stat_or_none(full, shown)
            if current is not None and current.is_dir:
                raise FileExists(f"A folder named '{shown}' already exists", path=shown)
            if current is not None and not overwrite:
                raise FileExists(f"'{shown}' already exists; choose to replace it or pick another name", path=shown)
            self._write_stream(full, stream, overwrite=current is not None)
            version = stream.version(self._modified_after_write(full))
        self._record(user, "upload", shown, stream.size, "replaced" if current is not None else "")
        return version

    def mkdir(self, rel: str, user: Any) -> FileEntry:
        full = self.full_path(rel)
        shown = self.rel_path(full)
        self._check_writable(full, shown, "create")
        with self._locked(full), self._errors("create folder", shown):
            if self._stat_or_none(full, shown) is not None:
                raise FileExists(f"'{shown}' already exists", path=shown)
            self._mkdir(full)
            entry = self._stat(full)
        self._record(user, "mkdir", shown)
        return entry

    def rename(self, src: str, dst: str, user: Any) -> FileEntry:
        """Moves a file or folder; refuses when `dst` exists."""
        src_full, dst_full = self.full_path(src), self.full_path(dst)
        src_shown, dst_shown = self.rel_path(src_full), self.rel_path(dst_full)
        self._check_writable(src_full, src_shown, "rename")
        self._check_writable(dst_full, dst_shown, "rename")
        if dst_full == src_full:
            raise FileExists(f"'{dst_shown}' already has that name", path=dst_shown)
        if dst_full.startswith(src_full + "/"):
            raise FileStoreError(f"Cannot move '{src_shown}' into itself", path=src_shown)
        with self._locked(src_full, dst_full), self._errors("rename", src_shown):
            entry = self._stat(src_full)
            if self._stat_or_none(dst_full, dst_shown) is not None:
                raise FileExists(f"'{dst_shown}' already exists", path=dst_shown)
            self._rename(src_full, dst_full, entry)
            moved = self._stat(dst_full)
        self._record(user, "rename", src_shown, entry.size, f"to {dst_shown}")
        return moved

    def delete(self, rel: str, user: Any, recursive: bool = False) -> None:
        """Deletes a file or an empty folder; a folder with contents needs recursive=True."""
        full = self.full_path(rel)
        shown = self.rel_path(full)
        self._check_writable(full, shown, "delete")
        with self._locked(full), self._errors("delete", shown):
            entry = self._stat(full)
            if entry.is_dir:
                if not recursive and self._has_children(full):
                    raise DirectoryNotEmpty(f"The folder '{shown}' is not empty", path=shown)
                self._delete_dir(full, recursive=recursive)
            else:
                self._delete_file(full)
        self._record(user, "delete", shown, entry.size, "folder, recursive" if entry.is_dir and recursive else "")
