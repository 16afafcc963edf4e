"""File services for the text-file editor: one root folder on a Volume, DBFS or local disk.

`make_file_store` picks the backend from the settings; everything else talks to the
`FileStore` interface in store.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .paths import PathNotAllowed, relative, resolve
from .store import (
    DirectoryNotEmpty,
    FileConflict,
    FileContent,
    FileEntry,
    FileExists,
    FileNotFound,
    FilePermissionDenied,
    FileStore,
    FileStoreError,
    FileTooLarge,
    FileVersion,
    NotText,
    SignInRequired,
    StoreUnavailable,
)

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

    from dashboard_app.settings import Settings

__all__ = [
    "DirectoryNotEmpty",
    "FileConflict",
    "FileContent",
    "FileEntry",
    "FileExists",
    "FileNotFound",
    "FilePermissionDenied",
    "FileStore",
    "FileStoreError",
    "FileTooLarge",
    "FileVersion",
    "NotText",
    "PathNotAllowed",
    "SignInRequired",
    "StoreUnavailable",
    "make_file_store",
    "relative",
    "resolve",
]


def make_file_store(settings: "Settings", client_factory: Callable[[], "WorkspaceClient"], audit: Any) -> FileStore:
    """The store for the configured root.

    Local folder when Databricks is not configured (created if missing); a Volume for
    /Volumes/...; DBFS for dbfs:/... . The Databricks client is built on first use, so
    creating the store makes no network call. `audit` is an AuditLog or a callable
    taking (user=, action=, path=, size=, detail=).
    """
    root = settings.effective_files_root
    common = {"audit": audit, "read_only": settings.read_only}
    if not settings.uses_databricks:
        from .local import LocalFileStore

        folder = Path(root).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise FileStoreError(f"Could not create the files folder {folder}: {err.strerror or err}") from None
        return LocalFileStore(folder.resolve(), settings.max_file_bytes, **common)
    if root.startswith("/Volumes/"):
        from .volumes import VolumesFileStore

        return VolumesFileStore(client_factory, root, settings.max_file_bytes, **common)
    if root.startswith("dbfs:/"):
        from .dbfs import DbfsFileStore

        return DbfsFileStore(client_factory, root, settings.max_file_bytes, **common)
    raise FileStoreError(
        f"APP_FILES_ROOT must start with /Volumes/ (or dbfs:/ for legacy DBFS) when DATABRICKS_HOST is set; got {root!r}"
    )
