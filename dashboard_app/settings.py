"""One validated Settings object, read from the environment and `.env`.

With no `DATABRICKS_HOST` the app runs on the embedded default (DuckDB + a local folder).
Every problem is reported as a one-line `SettingsError` naming the variable, never a traceback.
"""

from __future__ import annotations

import functools
import ipaddress
import os
from pathlib import Path
from urllib.parse import urlsplit
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A missing, malformed or contradictory setting; the message names the variable."""


class DataDirError(SettingsError):
    """APP_DATA_DIR cannot be created or written."""


def ensure_writable_dir(path: Path) -> None:
    """Creates the data folder and proves it writable, or raises DataDirError naming it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as err:
        raise DataDirError(f"APP_DATA_DIR {path} is not writable ({err.strerror or err})") from None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=os.environ.get("APP_ENV_FILE", str(PROJECT_ROOT / ".env")),
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=False,
    )

    # --- Databricks (absent host => embedded default) ---
    databricks_host: str = Field("", alias="DATABRICKS_HOST")
    databricks_token: SecretStr | None = Field(None, alias="DATABRICKS_TOKEN")
    databricks_client_id: str = Field("", alias="DATABRICKS_CLIENT_ID")
    databricks_client_secret: SecretStr | None = Field(None, alias="DATABRICKS_CLIENT_SECRET")
    warehouse_id: str = Field("", alias="DATABRICKS_WAREHOUSE_ID")
    http_path: str = Field("", alias="DATABRICKS_HTTP_PATH")
    serving_endpoint: str = Field("", alias="DATABRICKS_SERVING_ENDPOINT")
    # Databricks Apps inject this; its presence is what makes forwarded headers trustworthy.
    app_name: str = Field("", alias="DATABRICKS_APP_NAME")
    run_as: Literal["service_principal", "user"] = Field("service_principal", alias="APP_RUN_AS")

    # --- Embedded default / local ---
    data_dir: Path = Field(PROJECT_ROOT / "data", alias="APP_DATA_DIR")
    files_root: str = Field("", alias="APP_FILES_ROOT")
    local_user: str = Field("analyst@localhost", alias="APP_LOCAL_USER")
    db_url: str = Field("", alias="APP_DB_URL")

    # --- Limits ---
    max_result_rows: int = Field(100_000, alias="APP_MAX_RESULT_ROWS", ge=1, le=10_000_000)
    # The open file's text is a state var sent to the page; Reflex warns above 1000 KB of state.
    max_file_bytes: int = Field(1024 * 1024, alias="APP_MAX_FILE_BYTES", ge=1, le=64 * 1024 * 1024)
    query_timeout_s: float = Field(300.0, alias="APP_QUERY_TIMEOUT_SECONDS", gt=0, le=48 * 3600)
    page_size: int = Field(100, alias="APP_PAGE_SIZE", ge=10, le=1000)
    # Results held for the grid, downloads and the API: one budget, a fair share per user.
    result_memory_mb: int = Field(1024, alias="APP_RESULT_MEMORY_MB", ge=1, le=1024 * 1024)
    read_only: bool = Field(False, alias="APP_READ_ONLY")
    # A warehouse runs a handful of statements at once per user: a dashboard's tiles share these.
    dashboard_concurrency: int = Field(4, alias="APP_DASHBOARD_CONCURRENCY", ge=1, le=32)
    dashboard_cache_s: float = Field(60.0, alias="APP_DASHBOARD_CACHE_SECONDS", ge=0, le=24 * 3600)

    # --- Audit ---
    # "file": <APP_DATA_DIR>/audit.jsonl; "database": the app database (APP_DB_URL), which
    # outlives a Databricks App's container. Empty: the database inside an App, else the file.
    audit_log: Literal["", "file", "database"] = Field("", alias="APP_AUDIT_LOG")

    # --- Who may call, from where (api/security.py; README "Who can reach the app") ---
    # Outside a Databricks App: the key programs send as `Authorization: Bearer <key>` on /api.
    # Inside an App the platform authenticates every request and the key is not used.
    api_key: SecretStr | None = Field(None, alias="APP_API_KEY")
    # The address the server listens on outside an App (empty: 127.0.0.1, this machine only).
    bind: str = Field("", alias="APP_BIND")
    # Other sites allowed to call (comma-separated origins); the app's own is always allowed.
    allowed_origins: str = Field("", alias="APP_ALLOWED_ORIGINS")
    # Largest request body on /api, counted as it streams in (the page's /_upload has its own).
    max_request_bytes: int = Field(10 * 1024 * 1024, alias="APP_MAX_REQUEST_BYTES", ge=1024, le=1024**3)

    # --- Chat model (services/llm): DATABRICKS_SERVING_ENDPOINT on the workspace above, or any
    # OpenAI-compatible server (a local llama.cpp, vLLM or Ollama) at APP_LLM_BASE_URL. ---
    llm_base_url: str = Field("", alias="APP_LLM_BASE_URL")
    llm_api_key: SecretStr | None = Field(None, alias="APP_LLM_API_KEY")
    llm_model: str = Field("", alias="APP_LLM_MODEL")
    # Longest wait for the model's first byte and between two streamed chunks.
    llm_timeout_s: float = Field(60.0, alias="APP_LLM_TIMEOUT_SECONDS", gt=0, le=3600)
    # Tool calls rounds the agent may make to answer one message.
    chat_max_tool_rounds: int = Field(10, alias="APP_CHAT_MAX_TOOL_ROUNDS", ge=1, le=50)

    @field_validator("llm_base_url")
    @classmethod
    def _llm_base_url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if not v:
            return v
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ValueError("must be a plain URL (no user, query or fragment): put the key in APP_LLM_API_KEY")
        return v

    @model_validator(mode="after")
    def _model_consistent(self) -> "Settings":
        endpoint, base = self.serving_endpoint.strip(), self.llm_base_url
        if endpoint and base:
            raise ValueError("DATABRICKS_SERVING_ENDPOINT and APP_LLM_BASE_URL are both set: choose one chat model")
        if endpoint and not self.databricks_host:
            raise ValueError("DATABRICKS_SERVING_ENDPOINT is set but DATABRICKS_HOST is not: Model Serving lives on a workspace")
        if base and not self.llm_model.strip():
            raise ValueError("APP_LLM_BASE_URL is set: set APP_LLM_MODEL to the model's name on that server")
        if not base and (self.llm_model.strip() or (self.llm_api_key is not None and self.llm_api_key.get_secret_value())):
            raise ValueError("APP_LLM_MODEL / APP_LLM_API_KEY are set without APP_LLM_BASE_URL: set the server's URL too")
        has_key = self.llm_api_key is not None and self.llm_api_key.get_secret_value() != ""
        if base and has_key and base.startswith("http://") and not _is_loopback(urlsplit(base).hostname or ""):
            raise ValueError("APP_LLM_BASE_URL is http:// on another machine: APP_LLM_API_KEY would travel in clear text, use https://")
        return self

    @property
    def chat_model_configured(self) -> bool:
        return bool(self.serving_endpoint.strip() or self.llm_base_url)

    @field_validator("api_key")
    @classmethod
    def _api_key(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None or v.get_secret_value() == "":
            return None
        key = v.get_secret_value()
        if key != key.strip() or any(c.isspace() for c in key):
            raise ValueError("must not contain spaces")
        if not all(33 <= ord(c) < 127 for c in key):
            raise ValueError("must be printable ASCII (it travels in an HTTP header)")
        if len(key) < 16:
            raise ValueError("is too short: use at least 16 characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)")
        return v

    @field_validator("bind")
    @classmethod
    def _bind(cls, v: str) -> str:
        v = v.strip()
        if v.lower() == "localhost":
            return "127.0.0.1"
        if v.startswith("[") and v.endswith("]"):
            v = v[1:-1]
        if v:
            try:
                v = str(ipaddress.ip_address(v))
            except ValueError:
                raise ValueError("must be an IP address to listen on, e.g. 127.0.0.1 (this machine) or 0.0.0.0 (every interface)") from None
        return v

    @field_validator("allowed_origins")
    @classmethod
    def _allowed_origins(cls, v: str) -> str:
        return ",".join(_origin(item) for item in v.split(",") if item.strip())

    @property
    def effective_bind(self) -> str:
        """Where the server listens: inside a Databricks App where the platform expects it
        (every interface), elsewhere APP_BIND or this machine only."""
        if self.is_databricks_app:
            return "0.0.0.0"
        return self.bind or "127.0.0.1"

    @property
    def allowed_origin_list(self) -> tuple[str, ...]:
        return tuple(o for o in self.allowed_origins.split(",") if o)


    # --- Per-user limits and audit rotation (services/limits.py, services/audit.py) ---
    # Statements a person may submit a minute (a burst of that many, then that rate); chat
    # messages, file changes and dashboard tiles each count on their own against the same
    # figure. 0: no limit.
    rate_limit_per_minute: int = Field(120, alias="APP_RATE_LIMIT_PER_MINUTE", ge=0, le=1_000_000)
    # Statements of one person running at once, from every source (a dashboard refresh runs up
    # to APP_DASHBOARD_CONCURRENCY of them). 0: no limit.
    max_running_per_user: int = Field(8, alias="APP_MAX_RUNNING_PER_USER", ge=0, le=10_000)
    # The audit file is rotated at this size (audit.jsonl.1 ... .5 are kept). 0: never.
    audit_max_bytes: int = Field(50 * 1024 * 1024, alias="APP_AUDIT_MAX_BYTES", ge=0, le=1024**4)

    @model_validator(mode="after")
    def _limits_fit(self) -> "Settings":
        if 0 < self.max_running_per_user < self.dashboard_concurrency:
            raise ValueError(
                f"APP_MAX_RUNNING_PER_USER ({self.max_running_per_user}) is below APP_DASHBOARD_CONCURRENCY "
                f"({self.dashboard_concurrency}): one dashboard refresh would be refused its own tiles; raise the first or lower the second"
            )
        return self

    @field_validator("databricks_host")
    @classmethod
    def _host(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if v and not v.startswith(("https://", "http://")):
            v = "https://" + v
        if v.startswith("http://") and not _is_loopback(urlsplit(v).hostname or ""):
            # Plain HTTP would carry tokens in clear text: only to this machine (a local proxy).
            raise ValueError("http:// is allowed only for loopback hosts (127.0.0.1, ::1, localhost): use https://")
        return v

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir(cls, v: object) -> object:
        if isinstance(v, str) and v.strip() == "":
            return PROJECT_ROOT / "data"
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "Settings":
        if not self.databricks_host:
            return self
        has_token = self.databricks_token is not None and self.databricks_token.get_secret_value() != ""
        has_m2m = bool(self.databricks_client_id) or self.databricks_client_secret is not None
        if has_token and has_m2m:
            raise ValueError(
                "DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET are both set: choose one way to authenticate"
            )
        if has_m2m and not (self.databricks_client_id and self.databricks_client_secret):
            raise ValueError("DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET must be set together")
        if not has_token and not has_m2m:
            raise ValueError(
                "DATABRICKS_HOST is set but no credentials: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET"
            )
        if not (self.warehouse_id or self.http_path):
            raise ValueError("DATABRICKS_HOST is set: set DATABRICKS_WAREHOUSE_ID (or DATABRICKS_HTTP_PATH)")
        if self.run_as == "user" and not self.is_databricks_app:
            raise ValueError(
                "APP_RUN_AS=user runs calls with the token a Databricks App forwards, and this is not running as an App: "
                "use APP_RUN_AS=service_principal"
            )
        return self

    # --- derived ---
    @property
    def uses_databricks(self) -> bool:
        return bool(self.databricks_host)

    @property
    def is_databricks_app(self) -> bool:
        return bool(self.app_name)

    @property
    def effective_warehouse_id(self) -> str:
        if self.warehouse_id:
            return self.warehouse_id
        return self.http_path.rstrip("/").rsplit("/", 1)[-1] if self.http_path else ""

    @property
    def effective_http_path(self) -> str:
        return self.http_path or f"/sql/1.0/warehouses/{self.warehouse_id}"

    @property
    def effective_files_root(self) -> str:
        if self.files_root:
            return self.files_root
        return "/Volumes/main/default/app_files" if self.uses_databricks else str(self.data_dir / "files")

    @property
    def effective_db_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_dir / 'app.db'}"

    @property
    def effective_audit_log(self) -> str:
        return self.audit_log or ("database" if self.is_databricks_app else "file")

    def secrets(self) -> list[str]:
        """Every configured secret value, for leak checks."""
        out = []
        for s in (self.databricks_token, self.databricks_client_secret, self.api_key, self.llm_api_key):
            if s is not None and s.get_secret_value():
                out.append(s.get_secret_value())
        return out


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(value: str) -> str:
    """One APP_ALLOWED_ORIGINS entry as a browser writes it in `Origin`: scheme://host[:port]."""
    raw = value.strip()
    if raw == "*" or "*" in raw:
        raise ValueError(f"{raw!r}: wildcards are not allowed, list each origin (e.g. https://tools.example.com)")
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{raw!r} is not an origin: write scheme://host[:port], e.g. https://tools.example.com")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{raw!r} is not an origin: no path, query or user, only scheme://host[:port]")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{raw!r} has an invalid port") from None
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def _format(err: ValidationError) -> str:
    first = err.errors()[0]
    loc = [str(p) for p in first.get("loc", ()) if p != "__root__"]
    name = loc[0] if loc else ""
    # Errors are located by alias (the variable's name) or, for model checks, not at all.
    if name in Settings.model_fields:
        name = Settings.model_fields[name].alias or name
    msg = first.get("msg", "invalid value").removeprefix("Value error, ")
    secret = any(w in name for w in ("TOKEN", "SECRET", "KEY"))
    if name and not secret and "input" in first and not isinstance(first["input"], dict):
        msg += f" (got {str(first['input'])[:40]!r})"
    return f"{name}: {msg}" if name else msg


def load_settings() -> Settings:
    """Reads and validates the settings; raises SettingsError with a one-line message."""
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as err:
        raise SettingsError(f"Invalid setting — {_format(err)}") from None


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
