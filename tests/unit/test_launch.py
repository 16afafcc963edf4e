"""Start-up problems are one clear line and a non-zero exit, not a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def launch(*args: str, **env: str) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("APP_", "DATABRICKS_"))}
    full_env.update(APP_ENV_FILE=os.devnull, **env)
    return subprocess.run([sys.executable, "-m", "dashboard_app.launch", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def test_bad_setting(tmp_path):
    line = one_line_error(launch("--check", APP_DATA_DIR=str(tmp_path), APP_QUERY_TIMEOUT_SECONDS="soon"))
    assert "APP_QUERY_TIMEOUT_SECONDS" in line


def test_contradictory_databricks_settings(tmp_path):
    line = one_line_error(launch("--check", APP_DATA_DIR=str(tmp_path), DATABRICKS_HOST="https://x", DATABRICKS_TOKEN="t"))
    assert "DATABRICKS_WAREHOUSE_ID" in line


def test_unwritable_data_dir(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    line = one_line_error(launch("--check", APP_DATA_DIR=str(blocker / "data")))
    assert "APP_DATA_DIR" in line and "not writable" in line


def test_port_in_use(tmp_path):
    with socket.socket() as s:
        s.bind(("0.0.0.0", 0))
        s.listen()
        port = s.getsockname()[1]
        line = one_line_error(launch("--port", str(port), APP_DATA_DIR=str(tmp_path)))
    assert f"port {port} is already in use" in line


def test_check_passes_on_the_embedded_default(tmp_path):
    proc = launch("--check", APP_DATA_DIR=str(tmp_path))
    assert proc.returncode == 0 and "embedded DuckDB" in proc.stdout
    assert (tmp_path / "samples.duckdb").exists()


def test_several_workers_or_redis_are_refused(tmp_path):
    for env in ({"REFLEX_REDIS_URL": "redis://localhost:6379"}, {"GRANIAN_WORKERS": "4"}, {"GUNICORN_CMD_ARGS": "--workers 3"}):
        line = one_line_error(launch("--check", APP_DATA_DIR=str(tmp_path), **env))
        assert next(iter(env)) in line and "one process" in line
    assert launch("--check", APP_DATA_DIR=str(tmp_path), GRANIAN_WORKERS="1").returncode == 0


# --- where the server listens (APP_BIND) -------------------------------------------------------


def test_the_local_default_listens_on_this_machine_only(tmp_path):
    proc = launch("--check", APP_DATA_DIR=str(tmp_path))
    assert proc.returncode == 0 and "listening on 127.0.0.1: this machine only" in proc.stdout
    assert "APP_API_KEY not set" in proc.stdout


def test_app_bind_and_inside_an_app(tmp_path):
    proc = launch("--check", APP_DATA_DIR=str(tmp_path), APP_BIND="0.0.0.0", APP_API_KEY="k" * 20)
    assert proc.returncode == 0 and "listening on 0.0.0.0: every network interface" in proc.stdout
    assert "APP_API_KEY required on /api" in proc.stdout and "k" * 20 not in proc.stdout + proc.stderr
    # Inside a Databricks App the platform decides: every interface, whatever APP_BIND says.
    proc = launch("--check", APP_DATA_DIR=str(tmp_path), APP_BIND="127.0.0.1", DATABRICKS_APP_NAME="app")
    assert proc.returncode == 0 and "listening on 0.0.0.0" in proc.stdout and "not used inside a Databricks App" in proc.stdout


def test_a_bad_bind_address_is_one_line(tmp_path):
    assert "APP_BIND" in one_line_error(launch("--check", APP_DATA_DIR=str(tmp_path), APP_BIND="everywhere"))
    line = one_line_error(launch("--check", APP_DATA_DIR=str(tmp_path), APP_BIND="192.0.2.1"))  # TEST-NET-1
    assert "APP_BIND=192.0.2.1 is not an address of this machine" in line


def test_reflex_is_told_the_host_to_bind(tmp_path):
    from dashboard_app import launch as launcher
    from dashboard_app.settings import Settings

    cmd = launcher.reflex_command(8080, "127.0.0.1")
    assert cmd[1:] == ["-m", "reflex", "run", "--env", "prod", "--single-port", "--frontend-port", "8080",
                       "--backend-port", "8080", "--backend-host", "127.0.0.1"]
    local = Settings(APP_DATA_DIR=str(tmp_path))  # type: ignore[call-arg]
    assert launcher.bind_host(local) == "127.0.0.1"
    assert launcher.bind_host(Settings(APP_DATA_DIR=str(tmp_path), APP_BIND="0.0.0.0")) == "0.0.0.0"  # type: ignore[call-arg]
    assert launcher.bind_host(Settings(APP_DATA_DIR=str(tmp_path), DATABRICKS_APP_NAME="a")) == "0.0.0.0"  # type: ignore[call-arg]
    # The option exists in this Reflex (its prod server hands it to granian as the address).
    env = {**os.environ, "REFLEX_TELEMETRY_ENABLED": "false", "REFLEX_CHECK_LATEST_VERSION": "false"}
    help_text = subprocess.run([sys.executable, "-m", "reflex", "run", "--help"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=120).stdout
    assert "--backend-host" in help_text


def test_a_port_taken_on_the_bound_address_is_one_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        line = one_line_error(launch("--port", str(port), APP_DATA_DIR=str(tmp_path)))
    assert f"port {port} is already in use" in line
