"""Databricks credentials: one databricks-sdk `Config` per identity, shared by SDK and SQL.

Three ways in, one path out:
- a personal access token (DATABRICKS_TOKEN),
- OAuth M2M for the app's service principal (DATABRICKS_CLIENT_ID / _SECRET; what
  Databricks Apps inject),
- the signed-in user's forwarded token (an Identity with `token`, when APP_RUN_AS=user).

Each becomes an SDK `Config`; the SQL connector gets the same Config through
`credentials_provider(config)`, so token refresh (M2M) and error handling live in one place.
Configs are cached per identity pool key (bounded LRU), since building one costs a request
to the workspace's well-known endpoint. Tokens never appear in logs or messages.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..settings import Settings
from .sql.engine import Identity
from .sql.errors import AuthError, from_sdk_error, redact

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.config import Config

HeaderFactory = Callable[[], dict[str, str]]

# The SDK retries throttling and connection errors for up to this long; its default (300 s)
# would keep a catalog browser spinning for five minutes against a wrong host.
DEFAULT_CONFIG_KWARGS: dict[str, Any] = {
    "retry_timeout_seconds": 30,
    "http_timeout_seconds": 60,
    "product": "dashboard_app",
    "product_version": "0.1",
}


def _jwt_claims(token: str) -> dict | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    return claims if isinstance(claims, dict) else None


def token_expires_at(token: str | None) -> float | None:
    """The `exp` claim (epoch seconds) of a JWT, read without verifying it; None if unknown.

    Only for telling the user to reload before a query fails: the server still decides.
    """
    if not token:
        return None
    claims = _jwt_claims(token)
    exp = claims.get("exp") if claims else None
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


def token_expired(token: str | None, *, now: float | None = None, leeway_s: float = 30.0) -> bool | None:
    """True if the token's exp has passed (within `leeway_s`), False if not, None if unknown."""
    exp = token_expires_at(token)
    if exp is None:
        return None
    return (time.time() if now is None else now) >= exp - leeway_s


def uses_user_token(settings: Settings, identity: Identity | None) -> bool:
    return settings.run_as == "user" and identity is not None and bool(identity.token)


def build_config(settings: Settings, identity: Identity | None = None, **config_kwargs: Any) -> "Config":
    """A fresh (uncached) SDK Config for the identity; raises AuthError if none can be built."""
    from databricks.sdk.config import Config

    if not settings.databricks_host:
        raise AuthError("Databricks is not configured: set DATABRICKS_HOST.")
    kwargs = {**DEFAULT_CONFIG_KWARGS, **config_kwargs, "host": settings.databricks_host}
    secrets: list[str | None] = list(settings.secrets())
    if settings.run_as == "user":
        if identity is None or not identity.token:
            # Never fall back to the service principal: a call without the user's token
            # (none forwarded, or made outside a request) is refused.
            raise AuthError("Your Databricks sign-in did not reach the app: reload the page to sign in again.", expired=True)
        # auth_type pins the method: Apps also inject the service principal's client id and
        # secret into the environment, which the SDK would otherwise pick up as well.
        kwargs.update(token=identity.token, auth_type="pat")
        secrets.append(identity.token)
    elif settings.databricks_token is not None and settings.databricks_token.get_secret_value():
        kwargs.update(token=settings.databricks_token.get_secret_value(), auth_type="pat")
    elif settings.databricks_client_id and settings.databricks_client_secret is not None:
        kwargs.update(
            client_id=settings.databricks_client_id,
            client_secret=settings.databricks_client_secret.get_secret_value(),
            auth_type="oauth-m2m",
        )
    else:
        raise AuthError("No Databricks credentials: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET.")
    try:
        return Config(**kwargs)
    except Exception as err:  # noqa: BLE001 - the SDK raises ValueError and friends
        raise _auth_error(err, settings.databricks_host, secrets, user=uses_user_token(settings, identity)) from None


def _auth_error(err: BaseException, host: str, secrets: list[str | None], *, user: bool) -> AuthError:
    mapped = from_sdk_error(err, host=host, secrets=secrets, user_token=user)
    if isinstance(mapped, AuthError):
        return mapped
    return AuthError(f"Cannot authenticate to Databricks: {mapped}")


def credentials_provider(config: "Config") -> Callable[[], HeaderFactory]:
    """For `databricks.sql.connect(credentials_provider=...)`.

    The connector calls the provider once per connection and the returned factory before
    requests; the factory asks the Config each time, so M2M tokens refresh themselves.
    A failure surfaces as AuthError, with nothing of the token in it.
    """

    def headers() -> dict[str, str]:
        try:
            return config.authenticate()
        except Exception as err:  # noqa: BLE001 - token endpoint down, secret revoked ...
            secrets = [getattr(config, "token", None), getattr(config, "client_secret", None)]
            detail = redact(str(err), secrets).split("\n")[0][:300]
            hint = " (check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)" if config.auth_type == "oauth-m2m" else ""
            raise AuthError(f"Cannot get a Databricks token{hint}: {detail}") from None

    def provider() -> HeaderFactory:
        return headers

    return provider


def token_fingerprint(token: str | None) -> str:
    """A short hash that tells tokens apart without keeping them in keys."""
    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else ""


class DatabricksAuth:
    """Configs and WorkspaceClients per identity, cached per pool key (bounded LRU)."""

    def __init__(self, settings: Settings, *, max_entries: int = 128, config_kwargs: Mapping[str, Any] | None = None):
        self.settings = settings
        self._max = max_entries
        self._config_kwargs = dict(config_kwargs or {})
        # pool key -> (token fingerprint, Config, WorkspaceClient | None)
        self._cache: OrderedDict[str, tuple[str, "Config", "WorkspaceClient | None"]] = OrderedDict()
        self._lock = threading.Lock()

    def key(self, identity: Identity | None) -> str:
        if self.settings.run_as == "user":
            # Never the service principal's key: a user without a token gets a key of their
            # own, whose Config refuses to build.
            if identity is None:
                return "user:"
            return identity.pool_key if identity.pool_key.startswith("user:") else f"user:{identity.user.lower()}"
        return "sp"

    def secrets(self, identity: Identity | None = None) -> list[str]:
        out = list(self.settings.secrets())
        if identity is not None and identity.token:
            out.append(identity.token)
        return out

    def config(self, identity: Identity | None = None) -> "Config":
        return self._entry(identity)[1]

    def workspace_client(self, identity: Identity | None = None) -> "WorkspaceClient":
        from databricks.sdk import WorkspaceClient

        key, fp = self.key(identity), self._fp(identity)
        _, cfg, client = self._entry(identity)
        if client is None:
            client = WorkspaceClient(config=cfg)
            with self._lock:
                if key in self._cache and self._cache[key][0] == fp:
                    self._cache[key] = (fp, cfg, client)
        return client

    def credentials_provider(self, identity: Identity | None = None) -> Callable[[], HeaderFactory]:
        return credentials_provider(self.config(identity))

    def forget(self, identity: Identity | None = None) -> None:
        """Drops the cached Config (e.g. after the server rejected its token)."""
        with self._lock:
            if identity is None:
                self._cache.clear()
            else:
                self._cache.pop(self.key(identity), None)

    def _fp(self, identity: Identity | None) -> str:
        return token_fingerprint(identity.token) if uses_user_token(self.settings, identity) and identity else ""

    def _entry(self, identity: Identity | None) -> tuple[str, "Config", "WorkspaceClient | None"]:
        if uses_user_token(self.settings, identity) and token_expired(identity.token):  # type: ignore[union-attr]
            # Known from the token's own exp claim: no need to ask the workspace.
            raise AuthError("Your Databricks sign-in has expired: reload the page to sign in again.", expired=True)
        key, fp = self.key(identity), self._fp(identity)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == fp:
                self._cache.move_to_end(key)
                return hit
        # Built outside the lock: Config() makes a network call. A race builds two; one wins.
        cfg = build_config(self.settings, identity, **self._config_kwargs)
        entry = (fp, cfg, None)
        with self._lock:
            self._cache[key] = entry
            self._cache.move_to_end(key)
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
        return entry


_default_lock = threading.Lock()
_default: DatabricksAuth | None = None


def default_auth(settings: Settings) -> DatabricksAuth:
    """The process-wide DatabricksAuth for these settings."""
    global _default
    with _default_lock:
        if _default is None or _default.settings is not settings:
            _default = DatabricksAuth(settings)
        return _default


def workspace_client(settings: Settings, identity: Identity | None = None) -> "WorkspaceClient":
    """A WorkspaceClient acting as `identity` (the service principal / PAT when None)."""
    return default_auth(settings).workspace_client(identity)
