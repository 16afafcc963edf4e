"""A small append-only audit log: who changed or ran what, when.

    {"ts": "2025-01-31T12:00:00.000Z", "user": "...", "action": "save", "path": "notes/a.sql",
     "size": 1234, "detail": ""}
    {"ts": "...", "user": "...", "action": "statement", "path": "", "size": null, "detail": "",
     "source": "api", "kind": "SELECT", "read_only": true, "confirmed": false, "status": "ok",
     "row_count": 42, "duration_ms": 12, "sql": "SELECT ..."}

File changes (save, upload, rename, delete, ...) carry the first six fields; every statement
the SQL gate runs or refuses (action "statement") carries the same six plus where it came from
(`source`: page, api, chat, dashboard), the guard's verdict (`kind`, `read_only`), whether a
person confirmed it, `status` (ok, error, cancelled, timeout, refused), `row_count`,
`duration_ms` and the SQL, cut at 2,000 characters; `detail` holds the error or refusal.

It records who did what, never file contents or credentials: values are short strings,
control characters are dropped, and anything that looks like a token (a Databricks PAT,
a bearer header, a JWT, or a secret the app registered) is replaced by "[redacted]".

Two places to keep it (APP_AUDIT_LOG): a JSON-lines file (one O_APPEND write per record, so
lines from several processes do not interleave), rotated by size (APP_AUDIT_MAX_BYTES) into
audit.jsonl.1 ... .5; or a table in the app database, which outlives a Databricks App's
container (its local disk is lost on every redeploy) and is never pruned by the app.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Protocol

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

try:  # advisory locks between processes that share one log file (POSIX)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

_TOKENISH = re.compile(
    r"(dapi[0-9a-f]{16,}(-\d+)?"  # Databricks personal access tokens
    r"|dose[0-9a-f]{16,}"  # Databricks OAuth secrets
    r"|(?i:bearer)\s+\S+"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)"  # JWTs
)
MAX_SQL_CHARS = 2_000
_MAX_FIELD = {"user": 320, "action": 40, "path": 4096, "detail": 500, "source": 20, "kind": 200,
              "status": 20, "sql": MAX_SQL_CHARS}

#: The fields only statement records have (absent from file records, in both sinks).
STATEMENT_FIELDS = ("source", "kind", "read_only", "confirmed", "status", "row_count", "duration_ms", "sql")
STATUSES = ("ok", "error", "cancelled", "timeout", "refused")

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_KEEP = 5


class AuditSink(Protocol):
    def append(self, entry: dict) -> None: ...

    def tail(self, n: int) -> list[dict]: ...


class JsonLinesFile:
    """One JSON object a line, appended atomically; rotated when it reaches `max_bytes`
    (`path` becomes `path.1`, `path.1` becomes `path.2` ... up to `keep` old files).
    `max_bytes=0` never rotates."""

    def __init__(self, path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES, keep: int = DEFAULT_KEEP):
        self.path = Path(path)
        self.max_bytes, self.keep = max(0, int(max_bytes)), max(1, int(keep))
        self._lock = threading.Lock()

    def _old(self, i: int) -> Path:
        return self.path.with_name(f"{self.path.name}.{i}")

    def append(self, entry: dict) -> None:
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o640)
            try:
                os.write(fd, line)
                full = self.max_bytes and os.fstat(fd).st_size >= self.max_bytes
            finally:
                os.close(fd)
            if full:
                self._rotate()

    def _rotate(self) -> None:
        """Shifts the files by one. Another process sharing the file may be rotating too: the
        size is checked again under an exclusive lock, so the file moves once."""
        # A hidden lock file beside the log, so `audit.jsonl*` names only the log's files.
        lock_fd = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_WRONLY | os.O_CREAT, 0o640)
        try:
            if fcntl is not None:
                fcntl.flock(lock_fd, fcntl.LOCK_EX)
            try:
                if self.path.stat().st_size < self.max_bytes:
                    return  # someone else rotated it meanwhile
            except FileNotFoundError:
                return
            self._old(self.keep).unlink(missing_ok=True)
            for i in range(self.keep - 1, 0, -1):
                if self._old(i).exists():
                    os.replace(self._old(i), self._old(i + 1))
            os.replace(self.path, self._old(1))
        finally:
            os.close(lock_fd)  # releases the lock

    def files(self) -> list[Path]:
        """The log's files, newest first: `path`, `path.1`, ... (those that exist)."""
        return [p for p in (self.path, *(self._old(i) for i in range(1, self.keep + 1))) if p.exists()]

    def tail(self, n: int) -> list[dict]:
        """The last `n` entries, oldest first (reading into rotated files if need be);
        unreadable lines are skipped."""
        if n <= 0:
            return []
        out: list[dict] = []
        with self._lock:
            for path in (self.path, *(self._old(i) for i in range(1, self.keep + 1))):
                if len(out) >= n:
                    break
                out = _tail_file(path, n - len(out)) + out
        return out[-n:]


def _tail_file(path: Path, n: int) -> list[dict]:
    try:
        with open(path, "rb") as f:
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
    # Statement records only (nullable: file records leave them empty, and a table made by an
    # older version gets them added when the app starts).
    source: str | None = None
    kind: str | None = None
    read_only: bool | None = None
    confirmed: bool | None = None
    status: str | None = None
    row_count: int | None = None
    duration_ms: int | None = None
    sql: str | None = None


class DatabaseTable:
    """The `audit_record` table of the app database (any SQLAlchemy URL). Never pruned by the
    app: keeping (or deleting) old records is the database owner's retention policy."""

    def __init__(self, engine: Engine):
        self.engine = engine
        SQLModel.metadata.create_all(engine, tables=[AuditRecord.__table__])
        _add_missing_columns(engine)

    def append(self, entry: dict) -> None:
        with Session(self.engine) as s:
            s.add(AuditRecord(**entry))
            s.commit()

    def tail(self, n: int) -> list[dict]:
        if n <= 0:
            return []
        with Session(self.engine) as s:
            rows = s.exec(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(n)).all()  # type: ignore[union-attr]
        out = []
        for r in reversed(rows):
            item = r.model_dump(exclude={"id"})
            if item.get("action") != "statement":  # the same shape as the file's records
                for f in STATEMENT_FIELDS:
                    item.pop(f, None)
            out.append(item)
        return out


def _add_missing_columns(engine: Engine) -> None:
    """Adds the nullable statement columns to an `audit_record` table made before them."""
    table = AuditRecord.__table__
    have = {c["name"] for c in inspect(engine).get_columns(table.name)}
    missing = [c for c in table.columns if c.name not in have]
    if not missing:
        return
    quote = engine.dialect.identifier_preparer.quote
    for col in missing:
        kind = col.type.compile(dialect=engine.dialect)
        try:
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(col.name)} {kind}"))
        except Exception:  # noqa: BLE001 - another process starting at the same time added it
            if col.name not in {c["name"] for c in inspect(engine).get_columns(table.name)}:
                raise
    log.info("audit_record: added columns %s", ", ".join(c.name for c in missing))


class AuditLog:
    def __init__(self, sink: AuditSink | Path | str, *, secrets: Iterable[str] = (), max_bytes: int = DEFAULT_MAX_BYTES):
        self.sink: AuditSink = JsonLinesFile(sink, max_bytes=max_bytes) if isinstance(sink, (str, Path)) else sink
        self._secrets = [s for s in secrets if s]

    def _clean(self, value: Any, field: str) -> str:
        limit = _MAX_FIELD[field]
        # Cut a long text (a 1 MB statement) before cleaning it, leaving room for a token
        # that crosses the final cut to be recognised and redacted whole.
        text_ = ("" if value is None else str(value))[: limit + 8192]
        text_ = "".join(ch if ch.isprintable() else " " for ch in text_)
        for secret in self._secrets:
            text_ = text_.replace(secret, "[redacted]")
        text_ = _TOKENISH.sub("[redacted]", text_)
        return text_ if len(text_) <= limit else text_[: limit - 1] + "…"

    def _base(self, user: str, action: str, path: str, size: int | None, detail: str) -> dict:
        return {
            "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "user": self._clean(user, "user"),
            "action": self._clean(action, "action"),
            "path": self._clean(path, "path"),
            "size": _int(size),
            "detail": self._clean(detail, "detail"),
        }

    def record(self, user: str, action: str, path: str, size: int | None = None, detail: str = "") -> dict:
        """Appends one entry (a file change) and returns it."""
        entry = self._base(user, action, path, size, detail)
        self.sink.append(entry)
        return entry

    __call__ = record

    def statement(
        self,
        user: str,
        *,
        source: str,
        sql: str,
        kind: str,
        read_only: bool | None,
        confirmed: bool,
        status: str,
        row_count: int | None = None,
        duration_ms: int | None = None,
        detail: str = "",
    ) -> dict:
        """Appends the record of one statement the gate ran or refused, and returns it."""
        entry = self._base(user, "statement", "", None, detail)
        entry.update(
            source=self._clean(source, "source"),
            kind=self._clean(kind, "kind"),
            read_only=None if read_only is None else bool(read_only),
            confirmed=bool(confirmed),
            status=self._clean(status, "status"),
            row_count=_int(row_count),
            duration_ms=_int(duration_ms),
            sql=self._clean(sql, "sql"),
        )
        self.sink.append(entry)
        return entry

    def tail(self, n: int = 50) -> list[dict]:
        """The last `n` entries, oldest first."""
        return self.sink.tail(n)


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None
