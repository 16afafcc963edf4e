"""With APP_RUN_AS=user, file calls carry the signed-in user's token; otherwise the app's."""

from __future__ import annotations

import threading

import pytest

from dashboard_app.backend import CALLER, Services
from dashboard_app.services.audit import AuditLog
from dashboard_app.services.files import make_file_store
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.errors import AuthError
from dashboard_app.settings import Settings
from tests.fakes.files_api import FakeFiles
from tests.fakes.workspace import FakeWorkspace

PAT = "dapi-app-service-principal"
USER_TOKEN = "user-forwarded-token-abc"
ROOT = "/Volumes/main/default/app_files"


@pytest.fixture
def workspace():
    ws = FakeWorkspace(tokens={PAT, USER_TOKEN})
    fake = FakeFiles(ws)
    fake.put_file(ROOT + "/notes.txt", b"hello")
    with ws:
        yield ws, fake


def make(ws: FakeWorkspace, run_as: str, tmp_path) -> tuple[Services, object]:
    settings = Settings(  # type: ignore[call-arg]
        DATABRICKS_HOST=ws.url, DATABRICKS_TOKEN=PAT, DATABRICKS_WAREHOUSE_ID="w1", DATABRICKS_APP_NAME="app",
        APP_RUN_AS=run_as, APP_FILES_ROOT=ROOT, APP_DATA_DIR=str(tmp_path),
    )
    svc = Services(settings=settings, engine=None, results=None, history=None)  # type: ignore[arg-type]
    return svc, make_file_store(settings, svc.workspace_client, AuditLog(tmp_path / "audit.jsonl"))


def tokens_used(ws: FakeWorkspace) -> set[str]:
    return {r.headers.get("authorization", "")[7:] for r in ws.requests if r.path.startswith("/api/2.0/fs/")}


def test_file_calls_use_the_callers_token(workspace, tmp_path):
    ws, _ = workspace
    _, store = make(ws, "user", tmp_path)
    reset = CALLER.set(Identity("ana@example.com", token=USER_TOKEN, pool_key="user:ana@example.com"))
    try:
        assert store.read_text("notes.txt").text == "hello"
    finally:
        CALLER.reset(reset)
    assert tokens_used(ws) == {USER_TOKEN}


def test_service_principal_by_default(workspace, tmp_path):
    ws, _ = workspace
    _, store = make(ws, "service_principal", tmp_path)
    reset = CALLER.set(Identity("ana@example.com", token=USER_TOKEN, pool_key="user:ana@example.com"))
    try:
        assert store.read_text("notes.txt").text == "hello"
    finally:
        CALLER.reset(reset)
    assert tokens_used(ws) == {PAT}


def test_as_user_a_call_without_the_users_identity_is_refused(workspace, tmp_path):
    ws, _ = workspace
    _, store = make(ws, "user", tmp_path)
    with pytest.raises(AuthError) as info:  # no CALLER: never the app's own credentials
        store.read_text("notes.txt")
    assert info.value.expired and "sign in again" in str(info.value)
    no_token = CALLER.set(Identity("bob@example.com", token=None, pool_key="user:bob@example.com"))
    try:
        with pytest.raises(AuthError):
            store.read_text("notes.txt")
    finally:
        CALLER.reset(no_token)
    assert PAT not in tokens_used(ws)


def test_a_large_dbfs_download_reads_every_block_as_the_user(tmp_path):
    ws = FakeWorkspace(tokens={PAT, USER_TOKEN})
    fake = FakeFiles(ws)
    data = bytes(range(256)) * (3 * 4096 + 7)  # a little over 3 MB: four DBFS reads
    fake.put_file("dbfs:/FileStore/app/big.bin", data)
    with ws:
        settings = Settings(  # type: ignore[call-arg]
            DATABRICKS_HOST=ws.url, DATABRICKS_TOKEN=PAT, DATABRICKS_WAREHOUSE_ID="w1", DATABRICKS_APP_NAME="app",
            APP_RUN_AS="user", APP_FILES_ROOT="dbfs:/FileStore/app", APP_DATA_DIR=str(tmp_path),
        )
        svc = Services(settings=settings, engine=None, results=None, history=None)  # type: ignore[arg-type]
        store = make_file_store(settings, svc.workspace_client, AuditLog(tmp_path / "audit.jsonl"))
        reset = CALLER.set(Identity("ana@example.com", token=USER_TOKEN, pool_key="user:ana@example.com"))
        try:
            chunks = store.open_download("big.bin")
        finally:
            CALLER.reset(reset)
        # The rest is read later, elsewhere, as a streamed response does.
        out: list[bytes] = []
        worker = threading.Thread(target=lambda: out.extend(chunks))
        worker.start()
        worker.join(30)
        assert b"".join(out) == data
        reads = [r for r in ws.requests if r.path.startswith("/api/2.0/dbfs/read")]
        assert len(reads) >= 4
        assert {r.headers.get("authorization", "")[7:] for r in reads} == {USER_TOKEN}
