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
