"""History and saved queries on PostgreSQL, the production choice for APP_DB_URL.

Starts a throwaway PostgreSQL server (Debian's, installed by `make test`) on 127.0.0.1.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

from dashboard_app.services.history import HistoryStore

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    if not PG_BIN:
        reason = "PostgreSQL is not installed (make test installs it)"
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail(f"{reason}; CI must run this test, not skip it", pytrace=False)
        pytest.skip(reason)
    bin_dir = PG_BIN[-1]
    data = tempfile.mkdtemp(prefix="pgdata-")
    port = _free_port()
    # PostgreSQL refuses to run as root: run it as the 'postgres' user when we are root.
    as_user = ["su", "postgres", "-c"] if os.geteuid() == 0 else None
    if as_user:
        shutil.chown(data, "postgres")

    def run(cmd: str) -> None:
        subprocess.run([*as_user, cmd] if as_user else ["sh", "-c", cmd], check=True, capture_output=True, timeout=120)

    run(f"{bin_dir}/initdb -D {data} -A trust -U app")
    run(f"{bin_dir}/pg_ctl -D {data} -o '-p {port} -k {data} -c listen_addresses=127.0.0.1' -l {data}/log -w start")
    try:
        yield f"postgresql+psycopg://app@127.0.0.1:{port}/postgres"
    finally:
        run(f"{bin_dir}/pg_ctl -D {data} -m fast -w stop")
        shutil.rmtree(data, ignore_errors=True)


def test_history_round_trip_on_postgres(postgres_url):
    store = HistoryStore(postgres_url)
    store.record("a", "select 1", duration_ms=5, rows=1, truncated=True, status="ok")
    store.record("a", "select 2", duration_ms=7, rows=0, truncated=False, status="error", error="boom")
    runs = store.recent("a")
    assert [r.sql for r in runs] == ["select 2", "select 1"]
    assert runs[1].truncated and runs[0].started_at.tzinfo is not None
    store.save("a", "daily", "select 1")
    store.save("a", "daily", "select 3")
    assert [(s.name, s.sql) for s in store.saved("a")] == [("daily", "select 3")]
    # A second process (another app replica) sees the same rows.
    assert HistoryStore(postgres_url).recent("a")[0].sql == "select 2"
