"""The audit log keeps the same records in a JSON-lines file or in the app database."""

from __future__ import annotations

import json

import pytest
from sqlmodel import create_engine

from dashboard_app.services.audit import AuditLog, DatabaseTable


def make(kind: str, tmp_path) -> AuditLog:
    if kind == "file":
        return AuditLog(tmp_path / "audit.jsonl", secrets=["s3cret-value"])
    return AuditLog(DatabaseTable(create_engine(f"sqlite:///{tmp_path / 'app.db'}")), secrets=["s3cret-value"])


@pytest.mark.parametrize("kind", ["file", "database"])
def test_records_survive_a_restart_redacted(kind, tmp_path):
    log = make(kind, tmp_path)
    log.record("ana@example.com", "save", "notes/a.sql", 12)
    log.record("bob@example.com", "delete", "x.txt", detail="token s3cret-value and Bearer abc.def")
    again = make(kind, tmp_path)  # a new process reads what the last one wrote
    entries = again.tail(10)
    assert [(e["user"], e["action"], e["path"], e["size"]) for e in entries] == [
        ("ana@example.com", "save", "notes/a.sql", 12),
        ("bob@example.com", "delete", "x.txt", None),
    ]
    assert "s3cret-value" not in json.dumps(entries) and "abc.def" not in json.dumps(entries)
    assert again.tail(1)[0]["user"] == "bob@example.com"


# --------------------------------------------------------------------------- statements

from sqlalchemy import text  # noqa: E402

from dashboard_app.services.audit import STATEMENT_FIELDS, JsonLinesFile  # noqa: E402


def statement(log: AuditLog, sql: str = "SELECT 1", **kw) -> dict:
    args = dict(source="api", sql=sql, kind="SELECT", read_only=True, confirmed=False, status="ok",
                row_count=1, duration_ms=3)
    args.update(kw)
    return log.statement("ana@example.com", **args)


@pytest.mark.parametrize("kind", ["file", "database"])
def test_statement_records_beside_file_records_in_both_sinks(kind, tmp_path):
    log = make(kind, tmp_path)
    log.record("ana@example.com", "save", "notes/a.sql", 12)
    statement(log, "SELECT 's3cret-value'")
    statement(log, "DROP TABLE t", kind="DROP TABLE", read_only=False, status="refused", row_count=None,
              detail="DROP TABLE on t needs a confirmation before it runs.")
    saved, ran, refused = make(kind, tmp_path).tail(10)
    assert set(saved) == {"ts", "user", "action", "path", "size", "detail"}  # file records keep their shape
    assert set(ran) == {"ts", "user", "action", "path", "size", "detail", *STATEMENT_FIELDS}
    assert {k: ran[k] for k in STATEMENT_FIELDS} == {
        "source": "api", "kind": "SELECT", "read_only": True, "confirmed": False, "status": "ok",
        "row_count": 1, "duration_ms": 3, "sql": "SELECT '[redacted]'"}
    assert (refused["action"], refused["status"], refused["read_only"], refused["row_count"]) == ("statement", "refused", False, None)


def test_an_older_audit_table_gets_the_new_columns(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with engine.begin() as conn:  # the table as the previous version made it, with a record
        conn.execute(text('CREATE TABLE audit_record (id INTEGER PRIMARY KEY, ts VARCHAR NOT NULL, "user" VARCHAR NOT NULL, '
                          "action VARCHAR NOT NULL, path VARCHAR NOT NULL, size INTEGER, detail VARCHAR NOT NULL)"))
        conn.execute(text("INSERT INTO audit_record (ts, \"user\", action, path, size, detail) "
                          "VALUES ('2025-01-01T00:00:00.000Z', 'old@example.com', 'save', 'a.txt', 3, '')"))
    log = AuditLog(DatabaseTable(engine))
    statement(log)
    old, new = log.tail(10)
    assert (old["user"], old["action"], old["path"]) == ("old@example.com", "save", "a.txt") and "status" not in old
    assert new["status"] == "ok" and new["sql"] == "SELECT 1"
    DatabaseTable(engine)  # a second start finds every column there


# --------------------------------------------------------------------------- rotation

def test_the_file_rotates_by_size_and_keeps_a_few(tmp_path):
    sink = JsonLinesFile(tmp_path / "audit.jsonl", max_bytes=2000, keep=3)
    log = AuditLog(sink)
    for i in range(200):
        log.record("ana@example.com", "save", f"notes/{i:04d}.sql", i)
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("audit.jsonl") and not p.name.endswith(".lock"))
    assert names == ["audit.jsonl", "audit.jsonl.1", "audit.jsonl.2", "audit.jsonl.3"]  # no .4: the oldest went
    line = len((tmp_path / "audit.jsonl.1").read_text().splitlines()[0]) + 1
    for name in names[1:]:
        size = (tmp_path / name).stat().st_size
        assert 2000 <= size < 2000 + line  # each rotated at the first line that reached the size
        assert all(json.loads(x)["action"] == "save" for x in (tmp_path / name).read_text().splitlines())
    # The newest records, oldest first, across the rotated files, with no gap.
    tail = log.tail(40)
    assert [e["size"] for e in tail] == list(range(160, 200))
    kept = sum(len((tmp_path / n).read_text().splitlines()) for n in names)
    assert [e["size"] for e in log.tail(1000)] == list(range(200 - kept, 200))


def test_zero_never_rotates(tmp_path):
    log = AuditLog(JsonLinesFile(tmp_path / "audit.jsonl", max_bytes=0))
    for i in range(100):
        log.record("ana@example.com", "save", "x" * 100, i)
    assert [p.name for p in tmp_path.iterdir()] == ["audit.jsonl"]


def test_the_services_rotate_at_app_audit_max_bytes(tmp_path):
    from dashboard_app.backend import Services
    from dashboard_app.settings import Settings

    settings = Settings(APP_DATA_DIR=str(tmp_path), APP_AUDIT_LOG="file", APP_AUDIT_MAX_BYTES="1000")  # type: ignore[call-arg]
    svc = Services(settings=settings, engine=None, results=None, history=None)  # type: ignore[arg-type]
    for i in range(30):
        svc.audit.record("ana@example.com", "save", f"{i}.txt", i)
    assert (tmp_path / "audit.jsonl.1").exists() and (tmp_path / "audit.jsonl").stat().st_size < 1000 + 200
    assert Settings().audit_max_bytes == 50 * 1024 * 1024  # type: ignore[call-arg]
