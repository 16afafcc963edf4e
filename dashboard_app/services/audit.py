"""A small append-only audit log: who changed what, when.

    {"ts": "2025-01-31T12:00:00.000Z", "user": "...", "action": "save", "path": "notes/a.sql",
     "size": 1234, "detail": ""}

It records who changed what, never file contents or credentials: values are short strings,
control characters are dropped, and anything that looks like a token (a Databricks PAT,
a bearer header, a JWT, or a secret the app registered) is replaced by "[redacted]".

Two places to keep it (APP_AUDIT_LOG): a JSON-lines file (one O_APPEND write per record, so
lines from several processes do not interleave), or a table in the app database, which
outlives a Databricks App's container (its local disk is lost on every redeploy).
"""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

_TOKENISH = re.compile(
    r"(dapi[0-9a-f]{16,}(-\d+)?"  # Databricks personal access tokens
    r"|dose[0-9a-f]{16,}"  # Databricks OAuth secrets
    r"|(?i:bearer)\s+\S+"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)"  # JWTs
)
_MAX_FIELD = {"user": 320, "action": 40, "path": 4096, "detail": 500}


class AuditSink(Protocol):
    def append(self, entry: dict) -> None: ...

    def tail(self, n: int) -> list[dict]: ...


class JsonLinesFile:
    """One JSON object a line, appended atomically."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, entry: dict) -> None:
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o640)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)

    def tail(self, n: int) -> list[dict]:
        """The last `n` entries, oldest first; unreadable lines are skipped."""
        if n <= 0:
            return []
        with self._lock:
            try:
                with open(self.path, "rb") as f:
                    f.seek(0, os.SEEK_END)
                    end = f.tell()
                    data = b""
                    # Read backwards in blocks until there are enough lines.
                    while end > 0 and data.count(b"\n") <= n:
                        step = min(65536, end)
                        end -= step
                        f.seek(end)
                        data = f.read(step) + data
            except FileNotFoundError:
                return []
        lines = data.splitlines()
        if end > 0:
            lines = lines[1:]  # the first line may be cut
        out = []
        for raw in lines[-n:]:
            try:
                item = json.loads(raw)
            except ValueError:
                continue
            if isinstance(item, dict):
                out.append(item)
        return out[-n:]


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_record"
    id: int | None = Field(default=None, primary_key=True)
    ts: str = Field(index=True)
    user: str = Field(index=True)
    action: str
    path: str
    size: int | None = None
    detail: str = ""


class DatabaseTable:
    """The `audit_record` table of the app database (any SQLAlchemy URL)."""

    def __init__(self, engine: Engine):
        self.engine = engine
        SQLModel.metadata.create_all(engine, tables=[AuditRecord.__table__])

    def append(self, entry: dict) -> None:
        with Session(self.engine) as s:
            s.add(AuditRecord(**entry))
            s.commit()

    def tail(self, n: int) -> list[dict]:
        if n <= 0:
            return []
        with Session(self.engine) as s:
            rows = s.exec(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(n)).all()  # type: ignore[union-attr]
        return [r.model_dump(exclude={"id"}) for r in reversed(rows)]


class AuditLog:
    def __init__(self, sink: AuditSink | Path | str, *, secrets: Iterable[str] = ()):
        self.sink: AuditSink = JsonLinesFile(sink) if isinstance(sink, (str, Path)) else sink
        self._secrets = [s for s in secrets if s]

    def _clean(self, value: Any, field: str) -> str:
        text = "" if value is None else str(value)
        text = "".join(ch if ch.isprintable() else " " for ch in text)
        for secret in self._secrets:
            text = text.replace(secret, "[redacted]")
        text = _TOKENISH.sub("[redacted]", text)
        limit = _MAX_FIELD[field]
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def record(self, user: str, action: str, path: str, size: int | None = None, detail: str = "") -> dict:
        """Appends one entry and returns it."""
        entry = {
            "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "user": self._clean(user, "user"),
            "action": self._clean(action, "action"),
            "path": self._clean(path, "path"),
            "size": int(size) if isinstance(size, int) and not isinstance(size, bool) else None,
            "detail": self._clean(detail, "detail"),
        }
        self.sink.append(entry)
        return entry

    __call__ = record

    def tail(self, n: int = 50) -> list[dict]:
        """The last `n` entries, oldest first."""
        return self.sink.tail(n)
