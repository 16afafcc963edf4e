"""/api/files on a real socket (granian, as in test_api_query.py): list, read (text and
base64), write with etags, delete, folders, and the path policy on every route."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from dashboard_app.backend import Services
from dashboard_app.services.results import ResultStore
from tests.unit.test_api_query import ANA, BOB, checked_client, error_of, make_settings, serve

MAX_FILE = 100_000
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\xff binary"


def tag(data: bytes) -> str:
    return f"{len(data)}-{hashlib.sha256(data).hexdigest()}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("files_app")
    svc = Services(settings=make_settings(data, APP_MAX_FILE_BYTES=MAX_FILE), engine=None, results=ResultStore(), history=None)  # type: ignore[arg-type]
    read_only = Services(
        settings=make_settings(data, APP_MAX_FILE_BYTES=MAX_FILE, APP_READ_ONLY=True), engine=None, results=ResultStore(), history=None  # type: ignore[arg-type]
    )
    holder = {"svc": svc}
    root = data / "files"
    root.mkdir()
    (data / "secret.txt").write_text("outside the root")
    with serve(lambda: holder["svc"]) as base:
        yield base, holder, svc, read_only, root


@pytest.fixture
def api(served):
    base, holder, svc, _, root = served
    holder["svc"] = svc
    with checked_client(base) as client:
        yield client, root


def put(client, path, content, headers=ANA, **body):
    return client.put("/api/files", params={"path": path}, json={"content": content, **body}, headers=headers)


# --------------------------------------------------------------------------- reading


def test_list_a_folder(api):
    client, root = api
    (root / "listing" / "sub").mkdir(parents=True)
    (root / "listing" / "b.txt").write_text("bee")
    (root / "listing" / "A.sql").write_text("SELECT 1")
    resp = client.get("/api/files", params={"path": "listing"}, headers=ANA)
    assert resp.status_code == 200, resp.text
    entries = resp.json()["entries"]
    assert [e["name"] for e in entries] == ["sub", "A.sql", "b.txt"]  # folders first, then by name
    assert all(set(e) == {"name", "path", "is_dir", "size", "modified"} for e in entries)
    sub, a_sql, b_txt = entries
    assert sub == {**sub, "path": "listing/sub", "is_dir": True, "size": None}
    assert b_txt["path"] == "listing/b.txt" and b_txt["size"] == 3 and b_txt["is_dir"] is False
    assert b_txt["modified"].startswith("20")  # ISO 8601
    root_listing = client.get("/api/files", headers=ANA).json()["entries"]
    assert "listing" in [e["name"] for e in root_listing]


def test_read_text_and_binary(api):
    client, root = api
    text = "héllo\nwörld\n"
    (root / "read.txt").write_text(text, encoding="utf-8")
    (root / "pic.png").write_bytes(BINARY)
    resp = client.get("/api/files", params={"path": "read.txt"}, headers=ANA)
    assert resp.status_code == 200
    body = resp.json()
    assert body == {"path": "read.txt", "content": text, "encoding": "utf-8", "etag": tag(text.encode())}
    assert resp.headers["etag"] == f'"{tag(text.encode())}"'
    binary = client.get("/api/files", params={"path": "pic.png"}, headers=ANA).json()
    assert binary["encoding"] == "base64" and base64.b64decode(binary["content"]) == BINARY
    assert binary["etag"] == tag(BINARY)
    latin1 = root / "latin1.txt"
    latin1.write_bytes("café".encode("latin-1"))
    assert client.get("/api/files", params={"path": "latin1.txt"}, headers=ANA).json()["encoding"] == "base64"


def test_missing_and_too_large(api):
    client, root = api
    missing = client.get("/api/files", params={"path": "nope/missing.txt"}, headers=ANA)
    assert missing.status_code == 404 and error_of(missing)["code"] == "NOT_FOUND"
    (root / "big.txt").write_bytes(b"x" * (MAX_FILE + 1))
    big = client.get("/api/files", params={"path": "big.txt"}, headers=ANA)
    assert big.status_code == 413 and "/api/files/download" in error_of(big)["message"]
    # The download route is untouched and streams it whole.
    download = client.get("/api/files/download", params={"path": "big.txt"}, headers=ANA)
    assert download.status_code == 200 and len(download.content) == MAX_FILE + 1


# --------------------------------------------------------------------------- writing


def test_create_then_replace_with_the_etag(api):
    client, root = api
    created = put(client, "notes/new.md", "# one\n")
    assert created.status_code == 200, created.text
    assert created.json() == {"etag": tag(b"# one\n")}
    assert (root / "notes" / "new.md").read_text() == "# one\n"
    # Without if_match an existing file is never overwritten.
    again = put(client, "notes/new.md", "# clobber\n")
    assert again.status_code == 409 and error_of(again)["code"] == "FILE_EXISTS"
    assert (root / "notes" / "new.md").read_text() == "# one\n"
    read = client.get("/api/files", params={"path": "notes/new.md"}, headers=ANA).json()
    replaced = put(client, "notes/new.md", "# two\n", if_match=read["etag"])
    assert replaced.status_code == 200 and replaced.json()["etag"] == tag(b"# two\n")
    assert (root / "notes" / "new.md").read_text() == "# two\n"
    # The first etag is stale now: nothing is written.
    stale = put(client, "notes/new.md", "# three\n", headers=BOB, if_match=read["etag"])
    assert stale.status_code == 409 and error_of(stale)["code"] == "ETAG_MISMATCH"
    assert (root / "notes" / "new.md").read_text() == "# two\n"
    # An etag as an ETag header carries it (quoted) works too.
    quoted = put(client, "notes/new.md", "# four\n", if_match='"' + replaced.json()["etag"] + '"')
    assert quoted.status_code == 200
    audit = (root.parent / "audit.jsonl").read_text()
    assert '"ana@example.com"' in audit and '"notes/new.md"' in audit


def test_an_etag_of_a_deleted_file_is_stale(api):
    client, root = api
    (root / "gone.txt").write_text("soon gone")
    etag = client.get("/api/files", params={"path": "gone.txt"}, headers=ANA).json()["etag"]
    (root / "gone.txt").unlink()
    resp = put(client, "gone.txt", "back", if_match=etag)
    assert resp.status_code == 409 and error_of(resp)["code"] == "ETAG_MISMATCH"
    assert not (root / "gone.txt").exists()


def test_base64_writes_binary_with_etags(api):
    client, root = api
    packed = base64.b64encode(BINARY).decode()
    created = put(client, "bin/blob.bin", packed, encoding="base64")
    assert created.status_code == 200 and created.json()["etag"] == tag(BINARY)
    assert (root / "bin" / "blob.bin").read_bytes() == BINARY
    assert put(client, "bin/blob.bin", packed, encoding="base64").status_code == 409
    other = BINARY + b"\x00more"
    replaced = put(client, "bin/blob.bin", base64.b64encode(other).decode(), encoding="base64", if_match=tag(BINARY))
    assert replaced.status_code == 200 and replaced.json()["etag"] == tag(other)
    stale = put(client, "bin/blob.bin", packed, encoding="base64", if_match=tag(BINARY))
    assert stale.status_code == 409 and error_of(stale)["code"] == "ETAG_MISMATCH"
    assert (root / "bin" / "blob.bin").read_bytes() == other
    # Text sent as base64 is saved as text, byte for byte.
    text = "ünïcode\r\n".encode()
    assert put(client, "bin/text.txt", base64.b64encode(text).decode(), encoding="base64").status_code == 200
    assert (root / "bin" / "text.txt").read_bytes() == text


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"content": "not base64!", "encoding": "base64"}, "BAD_REQUEST"),
        ({"content": "a\x00b"}, "NOT_TEXT"),
        ({"content": "x", "encoding": "latin-1"}, "BAD_REQUEST"),
        ({"content": "x", "if_match": "abc"}, "BAD_REQUEST"),
        ({"content": "x", "if_match": 12}, "BAD_REQUEST"),
        ({"content": 5}, "BAD_REQUEST"),
        ({}, "BAD_REQUEST"),
        ({"content": "x", "extra": True}, "BAD_REQUEST"),
        ({"content": "x" * (MAX_FILE + 1)}, "TOO_LARGE"),
        ({"content": base64.b64encode(b"x" * (MAX_FILE + 1)).decode(), "encoding": "base64"}, "TOO_LARGE"),
    ],
)
def test_bad_writes_are_4xx_and_write_nothing(api, body, code):
    client, root = api
    resp = client.put("/api/files", params={"path": "bad/write.txt"}, json=body, headers=ANA)
    assert 400 <= resp.status_code < 500 and error_of(resp)["code"] == code, resp.text
    assert not (root / "bad" / "write.txt").exists()


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{", "application/json", 400),
        (b"[]", "application/json", 400),
        (b'{"content": "\\ud800"}', "application/json", 400),
        (b'{"content": "x"}', "text/plain", 415),
        (b"x" * 1_000_000, "application/json", 413),
    ],
)
def test_malformed_write_bodies(api, raw, content_type, status):
    client, root = api
    resp = client.put("/api/files", params={"path": "bad/raw.txt"}, content=raw, headers={**ANA, "Content-Type": content_type})
    assert resp.status_code == status, resp.text
    assert not (root / "bad" / "raw.txt").exists()


def test_write_needs_a_path(api):
    client, _ = api
    resp = client.put("/api/files", json={"content": "x"}, headers=ANA)
    assert resp.status_code == 400 and "path" in error_of(resp)["message"]


# --------------------------------------------------------------------------- folders and deletes


def test_folders_and_deletes(api):
    client, root = api
    made = client.post("/api/files/folders", params={"path": "tree/a/b"}, headers=ANA)
    assert made.status_code == 201, made.text
    assert made.json()["path"] == "tree/a/b" and made.json()["is_dir"] is True
    assert (root / "tree" / "a" / "b").is_dir()
    again = client.post("/api/files/folders", params={"path": "tree/a/b"}, headers=ANA)
    assert again.status_code == 409 and error_of(again)["code"] == "FILE_EXISTS"
    assert put(client, "tree/a/f.txt", "f").status_code == 200
    not_empty = client.delete("/api/files", params={"path": "tree/a"}, headers=ANA)
    assert not_empty.status_code == 409 and error_of(not_empty)["code"] == "NOT_EMPTY"
    deleted = client.delete("/api/files", params={"path": "tree/a/f.txt"}, headers=ANA)
    assert deleted.status_code == 204 and not (root / "tree" / "a" / "f.txt").exists()
    assert client.get("/api/files", params={"path": "tree/a/f.txt"}, headers=ANA).status_code == 404
    assert client.delete("/api/files", params={"path": "tree/a/f.txt"}, headers=ANA).status_code == 404
    recursive = client.delete("/api/files", params={"path": "tree", "recursive": "true"}, headers=ANA)
    assert recursive.status_code == 204 and not (root / "tree").exists()
    root_itself = client.delete("/api/files", params={"path": "."}, headers=ANA)
    assert root_itself.status_code == 403 and root.is_dir()


def test_read_only_mode_refuses_changes(served):
    base, holder, svc, read_only, root = served
    (root / "ro.txt").write_text("keep")
    holder["svc"] = read_only
    try:
        with checked_client(base) as client:
            assert client.get("/api/files", params={"path": "ro.txt"}, headers=ANA).status_code == 200
            for resp in (
                put(client, "ro-new.txt", "x"),
                client.delete("/api/files", params={"path": "ro.txt"}, headers=ANA),
                client.post("/api/files/folders", params={"path": "ro-dir"}, headers=ANA),
            ):
                assert resp.status_code == 403 and error_of(resp)["code"] == "READ_ONLY", resp.text
    finally:
        holder["svc"] = svc
    assert (root / "ro.txt").read_text() == "keep" and not (root / "ro-new.txt").exists() and not (root / "ro-dir").exists()


# --------------------------------------------------------------------------- the path policy

ESCAPES = [
    "../secret.txt",
    "%2e%2e/secret.txt",
    "%2E%2E/secret.txt",
    "\uff0e\uff0e/secret.txt",  # full-width dots
    "\u2024\u2024/secret.txt",  # one dot leaders
    "\u2025/secret.txt",  # two dot leader
    "..\uff0fsecret.txt",  # full-width slash
    "..\u2215secret.txt",  # division slash
    "..\u2044secret.txt",  # fraction slash
    "..\u29f8secret.txt",  # big solidus
    "~/x",
    "\uff5e/x",
    "/etc/passwd",
    "..\\secret.txt",
    "a/../../secret.txt",
    "file:///etc/passwd",
    "",
]


@pytest.mark.parametrize("path", ESCAPES)
def test_paths_outside_the_root_are_400_on_every_route(api, path):
    client, root = api
    answers = [
        client.get("/api/files", params={"path": path}, headers=ANA),
        put(client, path, "x"),
        client.delete("/api/files", params={"path": path}, headers=ANA),
        client.post("/api/files/folders", params={"path": path}, headers=ANA),
    ]
    for resp in answers:
        assert resp.status_code == 400, (resp.request.method, resp.text)
        assert error_of(resp)["code"] == "PATH_NOT_ALLOWED"
        assert "outside the root" not in resp.text  # the file's content never shows
    assert (root.parent / "secret.txt").read_text() == "outside the root"


def test_raw_encoded_dots_in_the_url_are_refused(api):
    client, _ = api
    for raw in ("%2e%2e/secret.txt", "%252e%252e/secret.txt", "..%2fsecret.txt", "%EF%BC%8E%EF%BC%8E/secret.txt"):
        resp = client.get(f"/api/files?path={raw}", headers=ANA)
        assert resp.status_code == 400 and error_of(resp)["code"] == "PATH_NOT_ALLOWED", raw


def test_a_request_without_a_user_is_401(api):
    client, _ = api
    resp = client.get("/api/files")
    assert resp.status_code == 401 and error_of(resp)["code"] == "UNAUTHENTICATED"


def test_the_routes_are_in_the_openapi_document(api):
    client, _ = api
    doc = client.get("/api/openapi.json").json()
    paths = doc["paths"]
    assert {"get", "put", "delete"} <= set(paths["/api/files"]) and "post" in paths["/api/files/folders"]
    schema = paths["/api/files"]["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"content", "encoding", "if_match"}
    json.dumps(doc)
