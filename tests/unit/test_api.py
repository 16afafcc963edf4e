"""The download routes: only the owner gets a result, formats are checked, paths are policed."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from dashboard_app import api
from dashboard_app.backend import Services
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.engine import Column, QueryResult
from dashboard_app.settings import Settings


@pytest.fixture
def app(tmp_path, monkeypatch):
    settings = Settings(APP_DATA_DIR=str(tmp_path), DATABRICKS_APP_NAME="app")  # type: ignore[call-arg]
    svc = Services(settings=settings, engine=None, results=ResultStore(), history=None)  # type: ignore[arg-type]
    monkeypatch.setattr(api, "services", lambda: svc)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "notes.txt").write_bytes(b"hello \x00 binary too")
    (tmp_path / "secret.txt").write_text("outside the root")
    return TestClient(api.routes()), svc


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
