"""The download routes: only the owner gets a result, formats are checked, paths are policed."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from dashboard_app.api import deps
from dashboard_app.api.app import build
from dashboard_app.backend import Services
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.engine import Column, QueryResult
from dashboard_app.settings import Settings


@pytest.fixture
def app(tmp_path, monkeypatch):
    settings = Settings(APP_DATA_DIR=str(tmp_path), DATABRICKS_APP_NAME="app", APP_AUDIT_LOG="file")  # type: ignore[call-arg]
    svc = Services(settings=settings, engine=None, results=ResultStore(), history=None)  # type: ignore[arg-type]
    monkeypatch.setattr(deps, "services", lambda: svc)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "notes.txt").write_bytes(b"hello \x00 binary too")
    (tmp_path / "secret.txt").write_text("outside the root")
    return TestClient(build()), svc


def put(svc: Services, owner: str) -> str:
    table = pa.table({"n": [1, 2, 3], "s": ["a", None, "c,d"]})
    result = QueryResult(table, [Column("n", "BIGINT"), Column("s", "VARCHAR")], False, 0.1, 100)
    return svc.results.put(owner=owner, session="s", sql="SELECT * FROM samples.tpch.nation", result=result)


def test_owner_downloads_csv_and_parquet(app):
    client, svc = app
    rid = put(svc, "ana@example.com")
    headers = {"X-Forwarded-Email": "ana@example.com"}
    csv = client.get(f"/api/results/{rid}/download?format=csv", headers=headers)
    assert csv.status_code == 200 and csv.text.splitlines() == ['"n","s"', '1,"a"', "2,", '3,"c,d"']
    assert 'filename="samples.tpch.nation.csv"' in csv.headers["content-disposition"]
    parquet = client.get(f"/api/results/{rid}/download?format=parquet", headers=headers)
    assert pq.read_table(io.BytesIO(parquet.content)).num_rows == 3


def test_someone_else_gets_nothing(app):
    client, svc = app
    rid = put(svc, "ana@example.com")
    resp = client.get(f"/api/results/{rid}/download?format=csv", headers={"X-Forwarded-Email": "bob@example.com"})
    assert resp.status_code == 404 and "1," not in resp.text


def test_unknown_id_and_format(app):
    client, svc = app
    rid = put(svc, "ana@example.com")
    assert client.get("/api/results/nope/download?format=csv").status_code == 404
    bad = client.get(f"/api/results/{rid}/download?format=xlsx", headers={"X-Forwarded-Email": "ana@example.com"})
    assert bad.status_code == 400


def test_file_download_streams_any_bytes(app):
    client, _ = app
    resp = client.get("/api/files/download?path=notes.txt")
    assert resp.status_code == 200 and resp.content == b"hello \x00 binary too"
    assert "attachment" in resp.headers["content-disposition"]


@pytest.mark.parametrize("path", ["../secret.txt", "%2e%2e/secret.txt", "/etc/passwd", "..\\secret.txt", ""])
def test_file_download_refuses_escapes(app, path):
    client, _ = app
    resp = client.get("/api/files/download", params={"path": path})
    assert resp.status_code == 400 and "outside the root" not in resp.text


def test_missing_file_is_404(app):
    client, _ = app
    assert client.get("/api/files/download?path=missing.txt").status_code == 404


def test_a_folder_is_not_downloadable(app, tmp_path):
    client, _ = app
    (tmp_path / "files" / "folder").mkdir()
    resp = client.get("/api/files/download?path=folder")
    assert resp.status_code == 400 and "folder" in resp.text


@pytest.fixture
def as_user(tmp_path, monkeypatch):
    """The app as a Databricks App with APP_RUN_AS=user, files on a Volume of a fake workspace."""
    from tests.fakes.files_api import FakeFiles
    from tests.fakes.workspace import FakeWorkspace

    ws = FakeWorkspace(tokens={"dapi-app-token", "good-user-token"})
    FakeFiles(ws).put_file("/Volumes/main/default/app_files/notes.txt", b"hello")
    with ws:
        settings = Settings(  # type: ignore[call-arg]
            APP_DATA_DIR=str(tmp_path), DATABRICKS_APP_NAME="app", APP_RUN_AS="user", DATABRICKS_HOST=ws.url,
            DATABRICKS_TOKEN="dapi-app-token", DATABRICKS_WAREHOUSE_ID="w1", APP_AUDIT_LOG="file",
        )
        svc = Services(settings=settings, engine=None, results=ResultStore(), history=None)  # type: ignore[arg-type]
        monkeypatch.setattr(deps, "services", lambda: svc)
        yield TestClient(build()), ws


def test_a_download_without_the_users_token_asks_to_sign_in_again(as_user):
    client, ws = as_user
    from tests.unit.test_identity import jwt

    expired = jwt({"sub": "ana", "exp": 1_000_000_000})
    for headers in ({"X-Forwarded-Email": "ana@example.com"}, {"X-Forwarded-Email": "ana@example.com", "X-Forwarded-Access-Token": expired}):
        resp = client.get("/api/files/download?path=notes.txt", headers=headers)
        assert resp.status_code == 401 and "sign in again" in resp.text
    assert not [r for r in ws.requests if r.path.startswith("/api/2.0/fs/")]  # refused before any call
    ok = client.get("/api/files/download?path=notes.txt", headers={"X-Forwarded-Email": "ana@example.com", "X-Forwarded-Access-Token": "good-user-token"})
    assert ok.status_code == 200 and ok.content == b"hello"


def test_a_download_with_a_revoked_token_asks_to_sign_in_again(as_user):
    client, _ = as_user
    resp = client.get("/api/files/download?path=notes.txt", headers={"X-Forwarded-Email": "ana@example.com", "X-Forwarded-Access-Token": "revoked-token"})
    # The first call is a HEAD, whose bare 403 cannot say whether the token or a grant is missing.
    assert resp.status_code in (401, 403) and "reload the page" in resp.text and "revoked-token" not in resp.text
