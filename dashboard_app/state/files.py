"""The file editor: a lazily listed tree, open / edit / save with conflict detection,
new file and folder, rename, delete, upload, download, markdown preview.

The text being edited is the one large public var here (it has to be in the page to be
edited); the version it was read at stays in a backend var and travels with every save.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import posixpath
import time
import urllib.parse
from typing import Any

import reflex as rx

from ..backend import CALLER, services
from ..services.limits import RateLimited
from ..services.sql.engine import QueryError
from ..services.files import (
    FileConflict,
    FileStoreError,
    FileVersion,
    NotText,
    PathNotAllowed,
)
from ..services.files.store import FileTooLarge, human_size
from .base import AppState
from .editor_text import edited_text

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
EDITOR_DEBOUNCE_S = 0.0  # the code editor sends every change at once, ahead of any key press
FOCUS_RELIST_MIN_S = 5.0  # the page regaining focus re-lists a folder at most this often
TEXT_SUFFIXES = {".sql": "sql", ".py": "python", ".json": "json", ".yaml": "yaml", ".yml": "yaml", ".md": "markdown"}


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%d %H:%M") if ts else ""


class FilesState(AppState):
    nodes: list[dict[str, str]] = []
    root_label: str = ""
    error: str = ""
    notice: str = ""

    # The open file.
    path: str = ""
    # What the editor shows when the server puts a text there (a file opened, the other
    # version taken) and what the preview shows; the editor's live text is `_text`, sent on
    # every change and never echoed back. `editor_key` remounts the editor on a new file.
    text: str = ""
    editor_key: int = 0
    _text: str = ""
    dirty: bool = False
    preview: bool = False
    download_only: bool = False  # binary or too large: offered for download only
    _version: FileVersion | None = None
    _saved_text: str = ""

    # Dialogs.
    conflict_open: bool = False
    theirs: str = ""
    _theirs_version: FileVersion | None = None
    name_dialog: str = ""  # "", "file", "folder", "rename"
    name_value: str = ""
    name_error: str = ""  # why the name was refused: shown in the dialog, beside the field
    delete_target: str = ""
    discard_target: str = ""  # a file to open once the user agrees to drop unsaved edits

    _children: dict[str, list[dict[str, str]]] = {}
    _open_dirs: list[str] = []
    _selected_dir: str = "."
    _focus_relisted_at: float = 0.0

    # --- derived ---
    @rx.var
    def language(self) -> str:
        return TEXT_SUFFIXES.get(posixpath.splitext(self.path)[1].lower(), "text")

    @rx.var
    def is_sql(self) -> bool:
        return self.path.lower().endswith(".sql")

    @rx.var
    def download_url(self) -> str:
        return "/api/files/download?path=" + urllib.parse.quote(self.path) if self.path else ""

    @rx.var
    def target_dir(self) -> str:
        return self._selected_dir if self._selected_dir != "." else "(root)"

    # --- tree ---
    def _store(self):
        return services().files

    async def _call(self, fn, *args, **kw):
        """Runs a store call off the event loop; a refused or failed call becomes `error`."""
        caller = CALLER.set(self._identity())
        try:
            return await asyncio.to_thread(fn, *args, **kw), None
        except (FileStoreError, PathNotAllowed) as err:
            return None, err
        except QueryError as err:  # the caller's credentials were refused or expired
            return None, FileStoreError(str(err))
        finally:
            CALLER.reset(caller)

    def _write_refused(self) -> str:
        """Counts one file change against the person's per-minute limit: the message to show
        when over it, else ""."""
        try:
            services().limiter.acquire(self._identity().user, "file_writes")
        except RateLimited as err:
            return str(err)
        return ""

    @rx.event
    async def load(self):
        try:
            store = self._store()
        except FileStoreError as err:
            self.error = str(err)
            return
        self.root_label = store.root
        await self._fetch(".")
        self._flatten()

    async def _fetch(self, rel: str, *, quiet: bool = False) -> None:
        entries, err = await self._call(self._store().list, rel)
        if err is not None:
            if quiet:  # a background re-list keeps what is shown and says nothing
                return
            self.error = str(err)
            entries = []
        self._children = {
            **self._children,
            rel: [
                {
                    "path": e.path,
                    "name": e.name,
                    "dir": "1" if e.is_dir else "0",
                    "size": "" if e.is_dir or e.size is None else human_size(e.size),
                    "modified": _when(e.modified),
                }
                for e in entries
            ],
        }

    def _flatten(self) -> None:
        out: list[dict[str, str]] = []

        def walk(rel: str, depth: int) -> None:
            for e in self._children.get(rel, []):
                is_open = e["path"] in self._open_dirs
                out.append({**e, "depth": str(depth), "open": "1" if is_open else "0",
                            "selected": "1" if e["path"] in (self.path, self._selected_dir) else "0"})
                if is_open:
                    walk(e["path"], depth + 1)

        walk(".", 0)
        self.nodes = out

    async def _reload(self, *rels: str, quiet: bool = False) -> None:
        """Lists again the folders a change touched (those shown), not the whole open tree."""
        for rel in dict.fromkeys(rels):
            if rel == "." or rel in self._open_dirs:
                await self._fetch(rel, quiet=quiet)
        self._flatten()

    def _open_folder(self) -> str:
        """The folder of the open file (or the selected folder when none is open)."""
        return (posixpath.dirname(self.path) or ".") if self.path else self._selected_dir

    @rx.event
    async def refresh(self):
        self.error = ""
        self._children = {}
        await self._reload(".", *self._open_dirs)

    @rx.event
    async def toggle_dir(self, rel: str):
        if not isinstance(rel, str):
            return
        self._selected_dir = rel
        if rel in self._open_dirs:
            self._open_dirs = [d for d in self._open_dirs if d != rel and not d.startswith(rel + "/")]
        else:
            await self._fetch(rel)
            self._open_dirs = [*self._open_dirs, rel]
        self._flatten()

    @rx.event
    async def on_page_focus(self):
        """The tab or window came back: someone may have saved meanwhile, from another
        browser. Re-list the one folder the user is working in (one list call), at most every
        FOCUS_RELIST_MIN_S whatever the client sends. Not a timer: polling would cost a
        Files API call per open tab every few seconds, watched or not; a change the user
        makes here re-lists anyway, and Refresh re-lists every open folder."""
        now = time.monotonic()
        if now - self._focus_relisted_at < FOCUS_RELIST_MIN_S:
            return
        self._focus_relisted_at = now
        await self._reload(self._open_folder(), quiet=True)

    @rx.event
    def select_root(self):
        self._selected_dir = "."
        self._flatten()

    # --- open / edit / save ---
    @rx.event
    async def open_file(self, rel: str):
        if not isinstance(rel, str):
            return
        if self.dirty and rel != self.path:
            self.discard_target = rel
            return
        await self._open(rel)

    async def _open(self, rel: str) -> None:
        self.error, self.notice = "", ""
        content, err = await self._call(self._store().read_text, rel)
        self.path, self.preview, self.dirty = rel, False, False
        self._selected_dir = posixpath.dirname(rel) or "."
        if err is not None:
            self._show_text("")
            self._saved_text, self._version = "", None
            self.download_only = isinstance(err, (NotText, FileTooLarge))
            self.error = str(err)
        else:
            self._show_text(content.text)
            self._saved_text, self._version = content.text, content.version
            self.download_only = False
        # The tree may show a size from before someone else's save: list the folder again.
        await self._reload(self._selected_dir, quiet=True)

    @rx.event
    async def confirm_discard(self):
        target, self.discard_target = self.discard_target, ""
        self.dirty = False
        if target:
            await self._open(target)

    @rx.event
    def keep_editing(self):
        self.discard_target = ""

    def _show_text(self, text: str) -> None:
        self.text = self._text = text
        self.editor_key += 1

    @rx.event
    def set_text(self, value: dict[str, Any] | str):
        """The editor's text changed: its whole text, or the change (editor_text)."""
        text = edited_text(self._text, value)
        if text is None:
            self.error = "The editor and the server no longer agree about the text: copy it, reload the page, and paste it back."
            return
        value = self._text = text
        self.dirty = value != self._saved_text

    @rx.event
    def toggle_preview(self):
        self.preview = not self.preview
        if self.preview and self.text != self._text:
            self.text = self._text  # the preview shows the text as edited

    @rx.event(background=True)
    async def save_after_typing(self):
        # Events arrive in order: the editor's last change is already here (EDITOR_DEBOUNCE_S).
        await asyncio.sleep(EDITOR_DEBOUNCE_S + 0.1)
        return FilesState.save

    @rx.event
    async def save(self):
        if not self.path or self.download_only or self._version is None:
            return
        await self._write(self._version)

    async def _write(self, expected: FileVersion) -> None:
        if refused := self._write_refused():
            self.error = refused
            return
        text = self._text
        version, err = await self._call(self._store().write_text, self.path, text, expected, self._identity().user)
        if isinstance(err, FileConflict):
            if err.current is None:
                self.error = str(err)
                return
            self.theirs = err.current.text
            self._theirs_version = err.current.version
            self.text = text  # "mine" in the dialog: the text as edited (the editor already holds it)
            self.conflict_open = True
            return
        if err is not None:
            self.error = str(err)
            return
        self._version, self._saved_text, self.dirty = version, text, False
        self.error, self.notice = "", f"Saved {self.path} ({human_size(version.size)})."
        await self._reload(posixpath.dirname(self.path) or ".")

    @rx.event
    async def keep_mine(self):
        """Overwrite their version with mine, knowingly: the save carries their version."""
        self.conflict_open = False
        if self._theirs_version is not None:
            await self._write(self._theirs_version)

    @rx.event
    def take_theirs(self):
        self.conflict_open = False
        self._show_text(self.theirs)
        self._saved_text = self.theirs
        self._version, self.dirty = self._theirs_version, False
        self.notice = "Loaded the other version; your edits were dropped."

    @rx.event
    def close_conflict(self):
        self.conflict_open = False

    @rx.event
    async def open_in_sql(self):
        from .query import QueryState

        q = await self.get_state(QueryState)
        q._replace(self._text)
        return rx.redirect("/")

    # --- new, rename, delete ---
    @rx.event
    def ask_name(self, kind: str):
        if kind not in ("file", "folder", "rename"):
            return
        self.name_dialog = kind
        self.name_value = posixpath.basename(self.path) if kind == "rename" else ""
        self.name_error = ""

    @rx.event
    def set_name_value(self, value: str):
        if isinstance(value, str):
            self.name_value = value[:1024]
            self.name_error = ""

    @rx.event
    def close_name(self):
        self.name_dialog, self.name_error = "", ""

    @rx.event
    async def submit_name(self):
        name = self.name_value.strip()
        kind, user = self.name_dialog, self._identity().user
        if kind not in ("file", "folder", "rename"):
            return
        if not name:
            self.name_error = "Enter a name."
            return
        if "/" in name and kind == "rename":
            self.name_error = "A name cannot contain '/'."
            return
        if refused := self._write_refused():
            self.name_error = refused  # beside the field, as any refusal of the name
            return
        base = self._selected_dir if kind != "rename" else (posixpath.dirname(self.path) or ".")
        target = name if base == "." else f"{base}/{name}"
        store = self._store()
        if kind == "file":
            _, err = await self._call(store.write_text, target, "", None, user)
        elif kind == "folder":
            _, err = await self._call(store.mkdir, target, user)
        elif kind == "rename" and self.path:
            _, err = await self._call(store.rename, self.path, target, user)
        else:
            self.name_error = "Open a file to rename it."
            return
        if err is not None:
            # Refused (outside the root, already there, ...): say so beside the field and keep
            # the dialog open to correct it; a message under the overlay would not be seen.
            self.name_error = str(err)
            return
        self.name_dialog, self.name_error, self.error = "", "", ""
        if kind == "file":
            await self._open(target)  # lists its folder again
            return
        await self._reload(base)
        if kind == "rename":
            self.path = target
            self.notice = f"Renamed to {target}."
            self._flatten()
        else:
            self.notice = f"Created folder {target}."

    @rx.event
    def ask_delete(self, rel: str):
        if isinstance(rel, str):
            self.delete_target = rel

    @rx.event
    def cancel_delete(self):
        self.delete_target = ""

    @rx.event
    async def confirm_delete(self):
        target, self.delete_target = self.delete_target, ""
        if not target:
            return
        if refused := self._write_refused():
            self.error = refused
            return
        _, err = await self._call(self._store().delete, target, self._identity().user)
        if err is not None:
            self.error = str(err)
            return
        if self.path == target or self.path.startswith(target + "/"):
            self._show_text("")
            self.path, self._saved_text, self._version, self.dirty = "", "", None, False
        self._open_dirs = [d for d in self._open_dirs if d != target and not d.startswith(target + "/")]
        self.notice = f"Deleted {target}."
        await self._reload(posixpath.dirname(target) or ".")

    # --- upload ---
    @rx.event
    async def upload(self, files: list[rx.UploadFile]):
        user, store = self._identity().user, self._store()
        names = []
        for f in files:
            name = posixpath.basename((f.name or "upload").replace("\\", "/"))
            target = name if self._selected_dir == "." else f"{self._selected_dir}/{name}"
            if refused := self._write_refused():
                self.error = refused  # this file and the rest are not uploaded
                break
            if f.size is not None and f.size > MAX_UPLOAD_BYTES:
                err = FileTooLarge(f.size, MAX_UPLOAD_BYTES)
            else:
                # The upload is in Starlette's spooled temporary file: the store reads it in
                # chunks in a worker thread and stops at the cap, never holding it whole.
                _, err = await self._call(store.upload_stream, target, f.file, user, False, limit=MAX_UPLOAD_BYTES)
            if isinstance(err, FileTooLarge):
                size = max(f.size or 0, err.size)
                self.error = f"{name} is {human_size(size)}; uploads are limited to {human_size(MAX_UPLOAD_BYTES)}."
                continue
            if err is not None:
                self.error = str(err)
                continue
            names.append(target)
        if names:
            self.notice = "Uploaded " + ", ".join(names) + "."
        await self._reload(self._selected_dir)
