"""One contract for the three file stores, plus what is specific to each.

Volumes and DBFS run through the real databricks-sdk WorkspaceClient against FakeWorkspace
with the Files/DBFS routes of tests/fakes/files_api.py, on 127.0.0.1. The SDK gets a fake
clock, so its retries (429 with Retry-After) never sleep.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.clock import Clock
from databricks.sdk.config import Config
from databricks.sdk.errors import BadRequest
from databricks.sdk.service.files import DbfsAPI

from dashboard_app.services.audit import AuditLog
from dashboard_app.services.files import make_file_store
from dashboard_app.services.files import local as local_module
from dashboard_app.services.files.dbfs import DBFS_BLOCK_BYTES, DbfsFileStore
from dashboard_app.services.files.local import LocalFileStore
from dashboard_app.services.files.paths import PathNotAllowed
from dashboard_app.services.files.store import (
    DirectoryNotEmpty,
    FileConflict,
    FileExists,
    FileNotFound,
    FilePermissionDenied,
    FileStore,
    FileStoreError,
    FileTooLarge,
    FileVersion,
    NotText,
    StoreUnavailable,
)
from dashboard_app.services.files.volumes import VolumesFileStore
from dashboard_app.services.sql.engine import Identity
from dashboard_app.settings import Settings
from tests.fakes.files_api import FakeFiles
from tests.fakes.workspace import FakeWorkspace

TOKEN = "dapi0123456789abcdef0123456789abcdef"
VOL_ROOT = "/Volumes/main/default/vol/app_files"
DBFS_ROOT = "dbfs:/FileStore/app_files"
MAX = 64 * 1024
MiB = 1024 * 1024


class FakeClock(Clock):
    """Time moves only when the SDK sleeps, so retries cost nothing."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _no_ambient_databricks_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A developer's DATABRICKS_* variables or ~/.databrickscfg must not leak into the client.
    for key in list(os.environ):
        if key.startswith("DATABRICKS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))


def make_client(ws: FakeWorkspace, token: str = TOKEN) -> WorkspaceClient:
    return WorkspaceClient(config=Config(host=ws.url, token=token, clock=FakeClock(), retry_timeout_seconds=5))


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeWorkspace, FakeFiles]]:
    ws = FakeWorkspace(tokens={TOKEN})
    fake = FakeFiles(ws)
    with ws:
        yield ws, fake


@pytest.fixture
def fresh_server() -> Iterator[tuple[FakeWorkspace, FakeFiles]]:
    """Its own server, for tests that inject faults (faults are not reset between tests)."""
    ws = FakeWorkspace(tokens={TOKEN})
    fake = FakeFiles(ws)
    with ws:
        yield ws, fake


@dataclass
class Env:
    kind: str
    store: FileStore
    audit: AuditLog
    fake: FakeFiles | None
    ws: FakeWorkspace | None
    local_root: Path | None

    def raw_put(self, rel: str, data: bytes) -> None:
        """Writes behind the store's back, like another tool would."""
        full = self.store.full_path(rel)
        if self.fake is None:
            Path(full).parent.mkdir(parents=True, exist_ok=True)
            Path(full).write_bytes(data)
        else:
            self.fake.put_file(full, data)

    def raw_get(self, rel: str) -> bytes | None:
        full = self.store.full_path(rel)
        if self.fake is None:
            return Path(full).read_bytes() if Path(full).is_file() else None
        return self.fake.get_file(full)

    def raw_delete(self, rel: str) -> None:
        full = self.store.full_path(rel)
        if self.fake is None:
            os.unlink(full)
        else:
            del self.fake.nodes[full.removeprefix("dbfs:")]


def build_env(kind: str, tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles], max_bytes: int = MAX, **kw: Any) -> Env:
    audit = AuditLog(tmp_path / "audit" / "files.jsonl")
    ws, fake = server
    if kind == "local":
        root = tmp_path / "files"
        root.mkdir(parents=True)
        return Env(kind, LocalFileStore(root, max_bytes, audit=audit, **kw), audit, None, None, root)
    fake.reset()
    if kind == "volumes":
        fake.add_dir(VOL_ROOT)
        store: FileStore = VolumesFileStore(make_client(ws), VOL_ROOT, max_bytes, audit=audit, **kw)
    else:
        fake.add_dir(DBFS_ROOT)
        store = DbfsFileStore(make_client(ws), DBFS_ROOT, max_bytes, audit=audit, **kw)
    return Env(kind, store, audit, fake, ws, None)


@pytest.fixture(params=["local", "volumes", "dbfs"])
def env(request: pytest.FixtureRequest, tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> Env:
    return build_env(request.param, tmp_path, server)


@pytest.fixture(params=["volumes", "dbfs"])
def remote_env(request: pytest.FixtureRequest, tmp_path: Path, fresh_server: tuple[FakeWorkspace, FakeFiles]) -> Env:
    return build_env(request.param, tmp_path, fresh_server)


# =========================================================================== contract


def test_create_then_read_round_trips(env: Env) -> None:
    v = env.store.write_text("notes/a.sql", "select 1;\n", None, "ann@example.com")
    assert v.size == len(b"select 1;\n") and len(v.sha256) == 64
    got = env.store.read_text("notes/a.sql")
    assert got.text == "select 1;\n"
    assert got.path == "notes/a.sql"
    assert got.version.same_content(v)
    assert got.version.modified is not None
    assert env.raw_get("notes/a.sql") == b"select 1;\n"


def test_paths_are_normalized_in_results(env: Env) -> None:
    env.store.write_text("./dir//x.txt", "x", None, "ann")
    assert env.store.read_text("dir/./x.txt").path == "dir/x.txt"
    assert [e.path for e in env.store.list("./dir/")] == ["dir/x.txt"]


def test_create_refuses_an_existing_file(env: Env) -> None:
    env.store.write_text("a.txt", "first", None, "ann")
    with pytest.raises(FileExists):
        env.store.write_text("a.txt", "second", None, "bob")
    assert env.raw_get("a.txt") == b"first"


def test_save_with_the_version_read(env: Env) -> None:
    env.store.write_text("a.txt", "v1", None, "ann")
    v1 = env.store.read_text("a.txt").version
    v2 = env.store.write_text("a.txt", "v2 longer", v1, "ann")
    assert env.store.read_text("a.txt").text == "v2 longer"
    assert v2.same_content(FileVersion.of(b"v2 longer"))
    # Saving again from the stale version is a conflict, not an overwrite.
    with pytest.raises(FileConflict) as info:
        env.store.write_text("a.txt", "v3", v1, "ann")
    assert info.value.current is not None and info.value.current.text == "v2 longer"
    assert env.raw_get("a.txt") == b"v2 longer"


def test_two_editors_saving_the_same_file(env: Env) -> None:
    env.store.write_text("shared.sql", "select 1", None, "ann")
    ann = env.store.read_text("shared.sql")
    bob = env.store.read_text("shared.sql")
    saved = env.store.write_text("shared.sql", "select 2 -- ann", ann.version, "ann")
    with pytest.raises(FileConflict) as info:
        env.store.write_text("shared.sql", "select 3 -- bob", bob.version, "bob")
    current = info.value.current
    assert current is not None
    assert current.text == "select 2 -- ann"
    assert current.version.same_content(saved)
    assert current.path == "shared.sql"
    assert "changed by someone else" in str(info.value)
    assert env.raw_get("shared.sql") == b"select 2 -- ann"
    # Bob can save once he has seen Ann's version.
    env.store.write_text("shared.sql", "select 3 -- bob", current.version, "bob")
    assert env.raw_get("shared.sql") == b"select 3 -- bob"


def test_same_size_change_is_still_a_conflict(env: Env) -> None:
    env.store.write_text("a.txt", "aaaa", None, "ann")
    v = env.store.read_text("a.txt").version
    env.raw_put("a.txt", b"bbbb")  # another tool, same size
    with pytest.raises(FileConflict) as info:
        env.store.write_text("a.txt", "cccc", v, "ann")
    assert info.value.current is not None and info.value.current.text == "bbbb"


def test_conflict_when_deleted_or_no_longer_text(env: Env) -> None:
    env.store.write_text("a.txt", "x", None, "ann")
    v = env.store.read_text("a.txt").version
    env.raw_put("a.txt", b"\x00\x01binary")
    with pytest.raises(FileConflict) as info:
        env.store.write_text("a.txt", "y", v, "ann")
    assert info.value.current is None and "not text" in str(info.value)
    env.raw_delete("a.txt")
    with pytest.raises(FileConflict) as info:
        env.store.write_text("a.txt", "y", v, "ann")
    assert info.value.current is None and "deleted" in str(info.value)
    assert env.raw_get("a.txt") is None


def test_list_one_level_folders_first_then_by_name(env: Env) -> None:
    for rel in ("b.txt", "A.txt", "c.sql", "z/inner.txt", "a/deep/x.txt"):
        env.store.write_text(rel, "x", None, "ann")
    env.store.mkdir("empty", "ann")
    entries = env.store.list(".")
    assert [e.name for e in entries] == ["a", "empty", "z", "A.txt", "b.txt", "c.sql"]
    assert [e.is_dir for e in entries] == [True, True, True, False, False, False]
    files = [e for e in entries if not e.is_dir]
    assert all(e.size == 1 and e.modified is not None for e in files)
    assert [e.path for e in env.store.list("a")] == ["a/deep"]
    assert [e.path for e in env.store.list("a/deep")] == ["a/deep/x.txt"]
    assert env.store.list("empty") == []


def test_list_errors(env: Env) -> None:
    with pytest.raises(FileNotFound):
        env.store.list("missing")
    env.store.write_text("f.txt", "x", None, "ann")
    with pytest.raises(FileStoreError, match="is a file, not a folder"):
        env.store.list("f.txt")


def test_unicode_and_odd_names(env: Env) -> None:
    names = ["données/résumé été 😀.md", ".hidden", "a.b.c", "...", "with space.sql", "数据.txt"]
    for i, rel in enumerate(names):
        env.store.write_text(rel, f"content {i} ✓", None, "ann")
    for i, rel in enumerate(names):
        assert env.store.read_text(rel).text == f"content {i} ✓"
    listed = {e.name for e in env.store.list(".")}
    assert {"données", ".hidden", "a.b.c", "...", "with space.sql", "数据.txt"} <= listed
    assert [e.name for e in env.store.list("données")] == ["résumé été 😀.md"]


def test_text_size_limit(env: Env) -> None:
    env.raw_put("exact.txt", b"a" * MAX)
    assert len(env.store.read_text("exact.txt").text) == MAX
    env.raw_put("big.txt", b"a" * (MAX + 1))
    with pytest.raises(FileTooLarge) as info:
        env.store.read_text("big.txt")
    assert info.value.size == MAX + 1 and info.value.limit == MAX
    assert "64.0 KB" in str(info.value)
    with pytest.raises(FileTooLarge):
        env.store.write_text("new.txt", "é" * MAX, None, "ann")  # 2 bytes each
    assert env.raw_get("new.txt") is None


def test_binary_and_non_utf8_refused(env: Env) -> None:
    env.raw_put("img.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(NotText, match="binary"):
        env.store.read_text("img.png")
    env.raw_put("latin1.txt", "café".encode("latin-1"))
    with pytest.raises(NotText, match="UTF-8"):
        env.store.read_text("latin1.txt")
    with pytest.raises(NotText):
        env.store.write_text("nul.txt", "a\x00b", None, "ann")
    with pytest.raises(NotText):
        env.store.write_text("surrogate.txt", "a\ud800b", None, "ann")


def test_bom_survives_a_round_trip(env: Env) -> None:
    env.raw_put("bom.csv", b"\xef\xbb\xbfa,b\r\n1,2\r\n")
    got = env.store.read_text("bom.csv")
    assert got.text == "\ufeffa,b\r\n1,2\r\n"
    env.store.write_text("bom.csv", got.text + "3,4\r\n", got.version, "ann")
    assert env.raw_get("bom.csv") == b"\xef\xbb\xbfa,b\r\n1,2\r\n3,4\r\n"


def test_upload_and_download_binary_in_chunks(env: Env) -> None:
    data = bytes(range(256)) * (10 * 1024) + b"tail"  # 2.5 MB, over the text limit
    v = env.store.upload("bin/blob.bin", data, "ann")
    assert v.size == len(data)
    chunks = list(env.store.open_download("bin/blob.bin"))
    assert len(chunks) >= 2 and all(len(c) <= MiB for c in chunks)
    assert b"".join(chunks) == data
    with pytest.raises(FileTooLarge):
        env.store.read_bytes("bin/blob.bin")
    env.store.upload("small.bin", b"\x00\xff", "ann")
    assert env.store.read_bytes("small.bin") == b"\x00\xff"


def test_upload_refuses_existing_unless_overwrite(env: Env) -> None:
    env.store.upload("u.bin", b"one", "ann")
    with pytest.raises(FileExists):
        env.store.upload("u.bin", b"two", "ann")
    assert env.raw_get("u.bin") == b"one"
    env.store.upload("u.bin", b"two", "ann", overwrite=True)
    assert env.raw_get("u.bin") == b"two"
    env.store.mkdir("dir", "ann")
    with pytest.raises(FileExists):
        env.store.upload("dir", b"x", "ann", overwrite=True)


def _chunks(sizes: list[int], seen: list[int] | None = None) -> Iterator[bytes]:
    """Deterministic chunks of the given sizes; `seen` counts how many were taken."""
    for i, n in enumerate(sizes):
        if seen is not None:
            seen.append(i)
        yield bytes((i + j) % 251 for j in range(n))


def _leftovers(env: Env) -> list[str]:
    """Staging files left behind, seen below the store (its listings hide them)."""
    if env.fake is None:
        assert env.local_root is not None
        return [p.name for p in env.local_root.rglob("*") if ".tmp" in p.name]
    return [n for n in env.fake.nodes if ".tmp" in n]


def test_streamed_upload_under_the_cap(env: Env) -> None:
    sizes = [300_000, 1, 700_001, 512 * 1024, 1_000_000]  # odd sizes, ~2.5 MB: over one DBFS block
    data = b"".join(_chunks(sizes))
    v = env.store.upload_stream("up/stream.bin", _chunks(sizes), "ann", limit=len(data))  # the cap is inclusive
    assert (v.size, v.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert v.same_content(FileVersion.of(data)) and v.modified is not None
    assert env.raw_get("up/stream.bin") == data
    # A file-like source is read in chunks too; replacing needs overwrite.
    with pytest.raises(FileExists):
        env.store.upload_stream("up/stream.bin", io.BytesIO(b"new"), "ann", limit=10)
    env.store.upload_stream("up/stream.bin", io.BytesIO(b"new"), "ann", overwrite=True, limit=10)
    assert env.raw_get("up/stream.bin") == b"new"
    assert env.store.upload_stream("empty.bin", iter([]), "ann", limit=0).size == 0
    assert env.raw_get("empty.bin") == b""
    assert [(e["action"], e["path"], e["size"], e["detail"]) for e in env.audit.tail()] == [
        ("upload", "up/stream.bin", len(data), ""),
        ("upload", "up/stream.bin", 3, "replaced"),
        ("upload", "empty.bin", 0, ""),
    ]
    assert _leftovers(env) == []


@pytest.mark.parametrize("replace", [False, True], ids=["new-file", "over-an-old-file"])
def test_streamed_upload_over_the_cap_writes_nothing(env: Env, replace: bool) -> None:
    if replace:
        env.raw_put("up/big.bin", b"old")
    limit = 2 * MiB + 512 * 1024
    seen: list[int] = []
    # Eight chunks of 512 KB: the sixth passes the cap, after DBFS has started sending blocks.
    with pytest.raises(FileTooLarge) as info:
        env.store.upload_stream("up/big.bin", _chunks([512 * 1024] * 8, seen), "ann", overwrite=replace, limit=limit)
    assert info.value.limit == limit and info.value.size == 3 * MiB and info.value.path == "up/big.bin"
    assert len(seen) == 6  # raised as soon as the cap was passed, not after reading it all
    assert env.raw_get("up/big.bin") == (b"old" if replace else None)
    assert _leftovers(env) == []
    assert env.audit.tail() == []
    if env.fake is not None:
        assert env.fake.uploads == {}
    if env.kind == "dbfs":
        assert env.fake is not None and len(env.fake.calls_of("dbfs.add-block")) == 2  # it failed mid-upload


def test_streamed_upload_error_from_the_source_writes_nothing(env: Env) -> None:
    env.raw_put("f.bin", b"old")

    def broken() -> Iterator[bytes]:
        yield b"x" * (3 * MiB)
        raise ConnectionResetError("the browser went away")

    with pytest.raises(Exception):
        env.store.upload_stream("f.bin", broken(), "ann", overwrite=True, limit=10 * MiB)
    assert env.raw_get("f.bin") == b"old"
    assert _leftovers(env) == []


def test_download_errors(env: Env) -> None:
    with pytest.raises(FileNotFound):
        env.store.open_download("missing.bin")  # fails before the first chunk
    env.store.mkdir("d", "ann")
    with pytest.raises(FileStoreError, match="folder"):
        env.store.open_download("d")


def test_mkdir(env: Env) -> None:
    entry = env.store.mkdir("a/b/c", "ann")
    assert entry.is_dir and entry.path == "a/b/c" and entry.name == "c"
    assert env.store.stat("a/b").is_dir
    with pytest.raises(FileExists):
        env.store.mkdir("a/b/c", "ann")
    env.store.write_text("f.txt", "x", None, "ann")
    with pytest.raises(FileExists):
        env.store.mkdir("f.txt", "ann")


def test_writes_create_parent_folders(env: Env) -> None:
    env.store.write_text("x/y/z.txt", "deep", None, "ann")
    assert env.store.stat("x/y").is_dir
    assert [e.name for e in env.store.list("x")] == ["y"]


def test_rename_file(env: Env) -> None:
    env.store.write_text("a.txt", "alpha", None, "ann")
    moved = env.store.rename("a.txt", "sub/b.txt", "ann")
    assert moved.path == "sub/b.txt" and not moved.is_dir
    assert env.raw_get("a.txt") is None
    assert env.store.read_text("sub/b.txt").text == "alpha"
    env.store.write_text("c.txt", "gamma", None, "ann")
    with pytest.raises(FileExists):
        env.store.rename("c.txt", "sub/b.txt", "ann")
    assert env.raw_get("sub/b.txt") == b"alpha" and env.raw_get("c.txt") == b"gamma"
    with pytest.raises(FileNotFound):
        env.store.rename("missing.txt", "other.txt", "ann")


def test_rename_folder_with_contents(env: Env) -> None:
    env.store.write_text("proj/a.sql", "a", None, "ann")
    env.store.write_text("proj/sub/b.sql", "b", None, "ann")
    env.store.upload("proj/sub/c.bin", b"\x00c", "ann")
    env.store.mkdir("proj/empty", "ann")
    env.store.rename("proj", "archive/proj-2024", "ann")
    with pytest.raises(FileNotFound):
        env.store.stat("proj")
    assert env.store.read_text("archive/proj-2024/a.sql").text == "a"
    assert env.store.read_text("archive/proj-2024/sub/b.sql").text == "b"
    assert env.store.read_bytes("archive/proj-2024/sub/c.bin") == b"\x00c"
    assert env.store.stat("archive/proj-2024/empty").is_dir
    with pytest.raises(FileStoreError, match="into itself"):
        env.store.rename("archive", "archive/inner", "ann")


def test_delete(env: Env) -> None:
    env.store.write_text("a.txt", "x", None, "ann")
    env.store.delete("a.txt", "ann")
    assert env.raw_get("a.txt") is None
    env.store.mkdir("empty", "ann")
    env.store.delete("empty", "ann")
    with pytest.raises(FileNotFound):
        env.store.stat("empty")
    env.store.write_text("full/one.txt", "1", None, "ann")
    env.store.write_text("full/sub/two.txt", "2", None, "ann")
    with pytest.raises(DirectoryNotEmpty):
        env.store.delete("full", "ann")
    assert env.raw_get("full/one.txt") == b"1"
    env.store.delete("full", "ann", recursive=True)
    with pytest.raises(FileNotFound):
        env.store.stat("full")
    with pytest.raises(FileNotFound):
        env.store.delete("missing.txt", "ann")


def test_root_cannot_be_changed(env: Env) -> None:
    for call in (
        lambda: env.store.delete(".", "ann", recursive=True),
        lambda: env.store.rename(".", "elsewhere", "ann"),
        lambda: env.store.write_text(".", "x", None, "ann"),
        lambda: env.store.mkdir(".", "ann"),
    ):
        with pytest.raises(FilePermissionDenied):
            call()
    assert env.store.stat(".").is_dir


def test_stat(env: Env) -> None:
    env.store.write_text("s/a.txt", "hello", None, "ann")
    e = env.store.stat("s/a.txt")
    assert (e.path, e.name, e.is_dir, e.size) == ("s/a.txt", "a.txt", False, 5)
    assert e.modified is not None
    assert env.store.stat("s").is_dir
    assert env.store.exists("s/a.txt") and not env.store.exists("s/nope.txt")
    with pytest.raises(FileNotFound, match="nope.txt"):
        env.store.stat("s/nope.txt")


def test_not_found_everywhere(env: Env) -> None:
    for call in (
        lambda: env.store.read_text("nope.txt"),
        lambda: env.store.read_bytes("nope.txt"),
        lambda: env.store.stat("nope.txt"),
        lambda: env.store.delete("nope.txt", "ann"),
    ):
        with pytest.raises(FileNotFound) as info:
            call()
        assert "nope.txt" in str(info.value)


@pytest.mark.parametrize("bad", ["../x.txt", "/etc/passwd", "s3://bucket/x", "a\\b", "%2e%2e/x", ""])
def test_store_applies_the_path_policy(env: Env, bad: str) -> None:
    with pytest.raises(PathNotAllowed):
        env.store.read_text(bad)
    with pytest.raises(PathNotAllowed):
        env.store.write_text(bad, "x", None, "ann")
    with pytest.raises(PathNotAllowed):
        env.store.upload(bad, b"x", "ann")
    with pytest.raises(PathNotAllowed):
        env.store.rename(bad, "ok.txt", "ann")
    assert env.store.list(".") == []


def test_read_only_store_refuses_writes(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    for kind in ("local", "volumes", "dbfs"):
        env = build_env(kind, tmp_path / kind, server, read_only=True)
        env.raw_put("a.txt", b"x")
        assert env.store.read_text("a.txt").text == "x"
        for call in (
            lambda: env.store.write_text("b.txt", "x", None, "ann"),
            lambda: env.store.upload("b.txt", b"x", "ann"),
            lambda: env.store.mkdir("d", "ann"),
            lambda: env.store.rename("a.txt", "c.txt", "ann"),
            lambda: env.store.delete("a.txt", "ann"),
        ):
            with pytest.raises(FilePermissionDenied, match="read-only"):
                call()
        assert env.audit.tail() == []


def test_audit_records_every_change(env: Env) -> None:
    secret_text = "SELECT 'confidential-content-42'"
    env.store.write_text("q.sql", secret_text, None, "ann@example.com")
    v = env.store.read_text("q.sql").version
    env.store.write_text("q.sql", secret_text + " -- v2", v, Identity(user="bob@example.com", token=TOKEN))
    env.store.upload("data/blob.bin", b"\x00\x01", "ann@example.com")
    env.store.mkdir("archive", "ann@example.com")
    env.store.rename("q.sql", "archive/q.sql", "ann@example.com")
    env.store.delete("data", "ann@example.com", recursive=True)
    with pytest.raises(FileExists):
        env.store.write_text("archive/q.sql", "x", None, "eve")  # refused: not recorded
    entries = env.audit.tail(100)
    assert [(e["action"], e["path"], e["user"]) for e in entries] == [
        ("create", "q.sql", "ann@example.com"),
        ("save", "q.sql", "bob@example.com"),
        ("upload", "data/blob.bin", "ann@example.com"),
        ("mkdir", "archive", "ann@example.com"),
        ("rename", "q.sql", "ann@example.com"),
        ("delete", "data", "ann@example.com"),
    ]
    assert entries[0]["size"] == len(secret_text)
    assert entries[4]["detail"] == "to archive/q.sql"
    assert all(e["ts"].endswith("Z") for e in entries)
    raw = env.audit.sink.path.read_text()
    assert "confidential-content-42" not in raw and TOKEN not in raw


def test_concurrent_saves_from_one_version_let_exactly_one_win(env: Env) -> None:
    env.store.write_text("race.txt", "start", None, "ann")
    v = env.store.read_text("race.txt").version
    results: list[str] = []
    barrier = threading.Barrier(4)

    def save(i: int) -> None:
        barrier.wait()
        try:
            env.store.write_text("race.txt", f"writer {i}", v, f"user{i}")
            results.append("ok")
        except FileConflict:
            results.append("conflict")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 3 + ["ok"]


# =========================================================================== DBFS specifics


def test_dbfs_file_over_1mb_is_written_and_read_in_blocks(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("dbfs", tmp_path, server, max_bytes=4 * MiB)
    fake = env.fake
    assert fake is not None
    text = ("0123456789abcdef" * 64 + "\n") * 2600  # ~2.6 MB of text
    data = text.encode()
    v = env.store.write_text("big/log.txt", text, None, "ann")
    assert v.size == len(data)

    creates, blocks, closes = fake.calls_of("dbfs.create"), fake.calls_of("dbfs.add-block"), fake.calls_of("dbfs.close")
    assert len(creates) == 1 and len(closes) == 1
    assert [b.details["size"] for b in blocks] == [MiB, MiB, len(data) - 2 * MiB]
    assert all(b.details["size"] <= DBFS_BLOCK_BYTES for b in blocks)
    assert not fake.calls_of("dbfs.put")
    assert fake.get_file("/FileStore/app_files/big/log.txt") == data
    assert [e.name for e in env.store.list("big")] == ["log.txt"]  # no staging file left

    got = env.store.read_text("big/log.txt")
    assert got.text == text
    reads = fake.calls_of("dbfs.read")
    assert len(reads) >= 3 and all(r.details["length"] <= MiB for r in reads)

    # Overwriting a big file goes through the same blocks and replaces it.
    text2 = text.replace("0123", "ABCD")
    env.store.write_text("big/log.txt", text2, got.version, "ann")
    assert env.store.read_text("big/log.txt").text == text2
    assert len(fake.calls_of("dbfs.create")) == 2


def test_dbfs_streamed_upload_sends_blocks_as_they_arrive(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("dbfs", tmp_path, server)
    fake = env.fake
    assert fake is not None
    sizes = [400_000] * 7  # 2.8 MB in chunks that do not line up with 1 MB blocks
    data = b"".join(_chunks(sizes))
    sent_when_read: list[int] = []

    def source() -> Iterator[bytes]:
        for chunk in _chunks(sizes):
            sent_when_read.append(len(fake.calls_of("dbfs.add-block")))
            yield chunk

    env.store.upload_stream("big/stream.bin", source(), "ann", limit=len(data))
    blocks = fake.calls_of("dbfs.add-block")
    assert [b.details["size"] for b in blocks] == [MiB, MiB, len(data) - 2 * MiB]
    assert sent_when_read[-1] == 2  # the first blocks were sent before the last chunk was read
    assert len(fake.calls_of("dbfs.create")) == 1 and len(fake.calls_of("dbfs.close")) == 1
    assert not fake.calls_of("dbfs.put")
    assert fake.calls_of("dbfs.create")[0].path != "/FileStore/app_files/big/stream.bin"  # staged, then moved
    assert fake.get_file("/FileStore/app_files/big/stream.bin") == data
    assert _leftovers(env) == []
    # At most 1 MB: one put, read ahead by one chunk to see that the source ended.
    env.store.upload_stream("small.bin", _chunks([MiB // 2, MiB // 2]), "ann", limit=MiB)
    assert [c.details["size"] for c in fake.calls_of("dbfs.put")] == [MiB]


def test_dbfs_small_file_is_one_put(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("dbfs", tmp_path, server)
    assert env.fake is not None
    env.store.write_text("s.txt", "small", None, "ann")
    assert len(env.fake.calls_of("dbfs.put")) == 1 and not env.fake.calls_of("dbfs.create")


def test_dbfs_failed_block_upload_keeps_the_old_file(tmp_path: Path, fresh_server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("dbfs", tmp_path, fresh_server, max_bytes=4 * MiB)
    assert env.ws is not None and env.fake is not None
    env.store.write_text("f.txt", "old", None, "ann")
    v = env.store.read_text("f.txt").version
    env.ws.fail("/api/2.0/dbfs/add-block", 500, times=1)
    with pytest.raises(StoreUnavailable):
        env.store.write_text("f.txt", "x" * (2 * MiB), v, "ann")
    assert env.fake.get_file("/FileStore/app_files/f.txt") == b"old"
    assert [e.name for e in env.store.list(".")] == ["f.txt"]
    assert [n for n in env.fake.nodes if ".tmp" in n] == []


def test_fake_dbfs_enforces_the_1mb_limits(server: tuple[FakeWorkspace, FakeFiles]) -> None:
    ws, fake = server
    fake.reset()
    api = DbfsAPI(make_client(ws).api_client)
    too_big = base64.b64encode(b"x" * (MiB + 1)).decode()
    with pytest.raises(BadRequest) as info:
        api.put("/FileStore/x.bin", contents=too_big, overwrite=True)
    assert info.value.error_code == "MAX_BLOCK_SIZE_EXCEEDED"
    api.put("/FileStore/x.bin", contents=base64.b64encode(b"x" * MiB).decode(), overwrite=True)
    handle = api.create("/FileStore/y.bin", overwrite=True).handle
    with pytest.raises(BadRequest) as info:
        api.add_block(handle, too_big)
    assert info.value.error_code == "MAX_BLOCK_SIZE_EXCEEDED"
    api.close(handle)
    with pytest.raises(BadRequest) as info:
        api.read("/FileStore/x.bin", offset=0, length=MiB + 1)
    assert info.value.error_code == "MAX_READ_SIZE_EXCEEDED"
    assert api.read("/FileStore/x.bin", offset=MiB - 2, length=10).bytes_read == 2


# =========================================================================== Volumes specifics


def test_volumes_listing_follows_pages(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("volumes", tmp_path, server)
    assert env.fake is not None
    for i in range(5):
        env.fake.put_file(f"{VOL_ROOT}/f{i}.txt", b"x")
    env.fake.calls.clear()
    assert [e.name for e in env.store.list(".")] == [f"f{i}.txt" for i in range(5)]
    pages = env.fake.calls_of("dirs.list")
    assert len(pages) == 3 and pages[1].details["page_token"] == "2"


def test_volumes_upload_uses_octet_stream_put(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("volumes", tmp_path, server)
    assert env.fake is not None and env.ws is not None
    env.ws.requests.clear()
    env.store.write_text("a b/é.txt", "hi", None, "ann")
    puts = [r for r in env.ws.requests if r.method == "PUT" and r.path.startswith("/api/2.0/fs/files")]
    assert len(puts) == 1
    assert puts[0].path == "/api/2.0/fs/files/Volumes/main/default/vol/app_files/a%20b/%C3%A9.txt"
    assert puts[0].headers["content-type"] == "application/octet-stream"
    assert puts[0].arg("overwrite") == "false"
    assert puts[0].body == b"hi"


def multipart_client(ws: FakeWorkspace, *, min_stream: int = MiB, part: int = 512 * 1024) -> WorkspaceClient:
    """A client whose SDK switches to multipart uploads above `min_stream` bytes (50 MB by default)."""
    cfg = Config(host=ws.url, token=TOKEN, clock=FakeClock(), retry_timeout_seconds=5)
    # Class-level settings, not Config arguments: set them before the client copies the config.
    cfg.files_ext_multipart_upload_min_stream_size = min_stream
    cfg.files_ext_multipart_upload_default_part_size = part
    return WorkspaceClient(config=cfg)


def test_volumes_multipart_upload_above_the_threshold(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("volumes", tmp_path, server)
    fake, ws = env.fake, env.ws
    assert fake is not None and ws is not None
    store = VolumesFileStore(multipart_client(ws), VOL_ROOT, MAX, audit=env.audit)
    sizes = [300_000] * 8  # 2.4 MB: over the 1 MB threshold, five parts of 512 KB
    data = b"".join(_chunks(sizes))
    parts_when_read: list[int] = []

    def source() -> Iterator[bytes]:
        for chunk in _chunks(sizes):
            parts_when_read.append(len(fake.calls_of("storage.put-part")))
            yield chunk

    v = store.upload_stream("big/multi.bin", source(), "ann", limit=len(data))
    assert v.size == len(data) and v.sha256 == hashlib.sha256(data).hexdigest()
    full = f"{VOL_ROOT}/big/multi.bin"
    assert fake.get_file(full) == data
    assert [c.details["overwrite"] for c in fake.calls_of("files.initiate-upload")] == ["false"]
    puts = fake.calls_of("storage.put-part")
    assert [p.details["part"] for p in puts] == [1, 2, 3, 4, 5]
    assert [p.details["size"] for p in puts] == [512 * 1024] * 4 + [len(data) - 4 * 512 * 1024]
    assert all(p.details["authorization"] is None for p in puts)  # presigned: no workspace token to storage
    assert len(fake.calls_of("files.create-upload-part-urls")) == 5
    assert [c.details["parts"] for c in fake.calls_of("files.complete-upload")] == [[1, 2, 3, 4, 5]]
    assert not fake.calls_of("files.put") and fake.uploads == {}
    assert parts_when_read[-1] >= 2  # parts went out while the source was still being read

    # Replacing goes the same way, with overwrite; the old file stays until the upload completes.
    data2 = data[::-1]
    pieces = [data2[i : i + 100_000] for i in range(0, len(data2), 100_000)]
    store.upload_stream("big/multi.bin", pieces, "ann", overwrite=True, limit=len(data2))
    assert fake.calls_of("files.initiate-upload")[-1].details["overwrite"] == "true"
    assert fake.get_file(full) == data2


def test_volumes_multipart_upload_over_the_cap_is_aborted(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("volumes", tmp_path, server)
    fake, ws = env.fake, env.ws
    assert fake is not None and ws is not None
    store = VolumesFileStore(multipart_client(ws), VOL_ROOT, MAX, audit=env.audit)
    full = f"{VOL_ROOT}/big/multi.bin"
    fake.put_file(full, b"old")
    with pytest.raises(FileTooLarge):
        store.upload_stream("big/multi.bin", _chunks([256 * 1024] * 12), "ann", overwrite=True, limit=2 * MiB)
    assert len(fake.calls_of("storage.put-part")) >= 1  # it failed mid-upload, after parts were sent
    assert len(fake.calls_of("storage.abort")) == 1 and fake.uploads == {}
    assert not fake.calls_of("files.complete-upload")
    assert fake.get_file(full) == b"old"
    assert env.audit.tail() == []


# =========================================================================== failures of the service


def test_permission_denied(remote_env: Env) -> None:
    assert remote_env.fake is not None
    remote_env.raw_put("secret/a.txt", b"top secret")
    remote_env.fake.deny(remote_env.store.full_path("secret"))
    for call in (
        lambda: remote_env.store.read_text("secret/a.txt"),
        lambda: remote_env.store.write_text("secret/b.txt", "x", None, "ann"),
        lambda: remote_env.store.list("secret"),
        lambda: remote_env.store.open_download("secret/a.txt"),
    ):
        with pytest.raises(FilePermissionDenied) as info:
            call()
        assert "permission" in str(info.value) and TOKEN not in str(info.value)
    remote_env.store.write_text("public.txt", "fine", None, "ann")  # elsewhere still works


def test_throttling_is_retried_by_the_sdk(remote_env: Env) -> None:
    assert remote_env.ws is not None
    remote_env.store.write_text("a.txt", "x", None, "ann")
    prefix = "/api/2.0/fs/" if remote_env.kind == "volumes" else "/api/2.0/dbfs/"
    before = len(remote_env.ws.requests)
    remote_env.ws.fail(prefix, 429, times=2)
    assert remote_env.store.read_text("a.txt").text == "x"
    sent = [(r.method, r.path) for r in remote_env.ws.requests[before:] if r.path.startswith(prefix)]
    # Both 429s were served: the first call went out three times, then the read went on.
    assert len(sent) > 3 and sent[:3] == [sent[0]] * 3 and sent[3] != sent[0]


@pytest.mark.parametrize(("status", "words"), [(429, "busy"), (503, "busy"), (500, "internal error")])
def test_service_errors_become_clear_store_errors(remote_env: Env, status: int, words: str) -> None:
    assert remote_env.ws is not None
    remote_env.store.write_text("a.txt", "x", None, "ann")
    prefix = "/api/2.0/fs/" if remote_env.kind == "volumes" else "/api/2.0/dbfs/"
    remote_env.ws.fail(prefix, status, times=10_000)
    with pytest.raises(StoreUnavailable) as info:
        remote_env.store.read_text("a.txt")
    err = info.value
    assert isinstance(err, FileStoreError) and err.retryable
    assert words in str(err) and "'a.txt'" in str(err)
    assert TOKEN not in str(err) and "127.0.0.1" not in str(err)


def test_rejected_credentials(remote_env: Env, tmp_path: Path) -> None:
    assert remote_env.ws is not None
    cls = VolumesFileStore if remote_env.kind == "volumes" else DbfsFileStore
    root = VOL_ROOT if remote_env.kind == "volumes" else DBFS_ROOT
    store = cls(make_client(remote_env.ws, token="dapi-wrong"), root, MAX)
    with pytest.raises(FilePermissionDenied, match="credentials") as info:
        store.list(".")
    # Databricks answers a bad token 403 "Invalid access token.": sign in again, not "no permission".
    assert "reload the page to sign in again" in str(info.value) and "do not have permission" not in str(info.value)
    assert "dapi-wrong" not in str(info.value)


# =========================================================================== local specifics


def test_local_write_is_atomic(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles], monkeypatch: pytest.MonkeyPatch) -> None:
    env = build_env("local", tmp_path, server)
    assert env.local_root is not None
    env.store.write_text("doc.md", "old content", None, "ann")
    v = env.store.read_text("doc.md").version

    def crash(src: str, dst: str) -> None:
        raise OSError("simulated crash during replace")

    monkeypatch.setattr(local_module.os, "replace", crash)
    with pytest.raises(FileStoreError):
        env.store.write_text("doc.md", "new content", v, "ann")
    monkeypatch.undo()
    assert (env.local_root / "doc.md").read_text() == "old content"
    assert sorted(p.name for p in env.local_root.iterdir()) == ["doc.md"]  # no temp file left
    assert [a["action"] for a in env.audit.tail()] == ["create"]


def test_local_write_keeps_permissions(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("local", tmp_path, server)
    assert env.local_root is not None
    env.store.write_text("run.sh", "echo 1", None, "ann")
    os.chmod(env.local_root / "run.sh", 0o750)
    v = env.store.read_text("run.sh").version
    env.store.write_text("run.sh", "echo 2", v, "ann")
    assert (env.local_root / "run.sh").stat().st_mode & 0o777 == 0o750


def test_local_leftover_temp_files_are_hidden(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("local", tmp_path, server)
    assert env.local_root is not None
    (env.local_root / ".~0123456789abcdef.tmp").write_text("crash leftover")
    (env.local_root / ".~lock.notes#").write_text("a user's file")
    assert [e.name for e in env.store.list(".")] == [".~lock.notes#"]


def test_local_symlinks_out_of_the_root_are_refused(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    env = build_env("local", tmp_path, server)
    root = env.local_root
    assert root is not None
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    os.symlink(outside, root / "escape")
    os.symlink(outside / "secret.txt", root / "escape.txt")
    (root / "real").mkdir()
    (root / "real" / "in.txt").write_text("inside")
    os.symlink(root / "real", root / "alias")

    for rel in ("escape/secret.txt", "escape.txt", "escape"):
        with pytest.raises(PathNotAllowed, match="symbolic link"):
            env.store.read_text(rel)
    with pytest.raises(PathNotAllowed):
        env.store.write_text("escape/new.txt", "x", None, "ann")
    with pytest.raises(PathNotAllowed):
        env.store.delete("escape", "ann", recursive=True)
    assert not (outside / "new.txt").exists()
    assert (outside / "secret.txt").read_text() == "secret"
    # Links that stay inside work and are listed; the escaping ones are hidden.
    assert env.store.read_text("alias/in.txt").text == "inside"
    assert [e.name for e in env.store.list(".")] == ["alias", "real"]


# =========================================================================== audit log


def test_audit_log_is_thread_safe_and_tails(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "a" / "audit.jsonl")
    assert log.tail() == []

    def worker(i: int) -> None:
        for j in range(50):
            log.record(f"user{i}", "save", f"f{i}/{j}.txt", j)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = log.sink.path.read_text().splitlines()
    assert len(lines) == 400
    assert all(set(json.loads(line)) == {"ts", "user", "action", "path", "size", "detail"} for line in lines)
    last = log.tail(10)
    assert len(last) == 10 and last == [json.loads(line) for line in lines[-10:]]
    assert len(log.tail(1000)) == 400


def test_audit_log_redacts_tokens_and_controls(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl", secrets=["s3cr3t-value"])
    e = log.record(
        "ann\nforged line",
        "save",
        "a.txt",
        None,
        f"token {TOKEN} header Bearer abc.def jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig and s3cr3t-value",
    )
    raw = log.sink.path.read_text()
    assert TOKEN not in raw and "abc.def" not in raw and "eyJhbGci" not in raw and "s3cr3t-value" not in raw
    assert "\n" not in e["user"] and len(raw.splitlines()) == 1
    assert log.record("u", "save", "p", 5, "x" * 5000)["detail"].endswith("…")


# =========================================================================== factory


def _settings(tmp_path: Path, **env: str) -> Settings:
    return Settings(_env_file=None, APP_DATA_DIR=str(tmp_path / "data"), **env)  # type: ignore[call-arg]


def test_factory_local(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    store = make_file_store(_settings(tmp_path), lambda: pytest.fail("no client locally"), audit)
    assert isinstance(store, LocalFileStore)
    assert (tmp_path / "data" / "files").is_dir()
    store.write_text("hello.txt", "hi", None, "ann")
    assert audit.tail()[0]["action"] == "create"


def test_factory_databricks(tmp_path: Path, server: tuple[FakeWorkspace, FakeFiles]) -> None:
    ws, fake = server
    fake.reset()
    fake.add_dir(VOL_ROOT)
    made: list[WorkspaceClient] = []

    def factory() -> WorkspaceClient:
        made.append(make_client(ws))
        return made[-1]

    base = {"DATABRICKS_HOST": ws.url, "DATABRICKS_TOKEN": TOKEN, "DATABRICKS_WAREHOUSE_ID": "wh1"}
    vol = make_file_store(_settings(tmp_path, **base, APP_FILES_ROOT=VOL_ROOT), factory, None)
    assert isinstance(vol, VolumesFileStore) and made == []  # the client is built on first use
    assert vol.list(".") == [] and len(made) == 1
    dbfs = make_file_store(_settings(tmp_path, **base, APP_FILES_ROOT=DBFS_ROOT), factory, None)
    assert isinstance(dbfs, DbfsFileStore)
    assert isinstance(make_file_store(_settings(tmp_path, **base), factory, None), VolumesFileStore)  # the default root
    with pytest.raises(FileStoreError, match="APP_FILES_ROOT"):
        make_file_store(_settings(tmp_path, **base, APP_FILES_ROOT="s3://bucket/x"), factory, None)
