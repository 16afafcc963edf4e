"""Who is asking: the Databricks Apps forwarded headers, or the configured local user.

Databricks Apps put a proxy in front of the app that signs the user in and adds
`X-Forwarded-Email` / `-User` / `-Preferred-Username` (and `X-Forwarded-Access-Token` when
user authorization is on). Those headers are only trustworthy behind that proxy, so outside
an App they are ignored entirely: anyone can send them to a local server.
"""

from __future__ import annotations

from typing import Mapping

# The expiry helpers live with the credentials code (services may not import this module);
# they are re-exported here for the UI.
from .services.databricks_auth import token_expired, token_expires_at
from .services.sql.engine import Identity
from .settings import Settings

__all__ = ["resolve_identity", "token_expired", "token_expires_at"]

EMAIL = "x-forwarded-email"
PREFERRED_USERNAME = "x-forwarded-preferred-username"
USER = "x-forwarded-user"
ACCESS_TOKEN = "x-forwarded-access-token"

SERVICE_PRINCIPAL_POOL = "sp"


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def resolve_identity(settings: Settings, headers: Mapping[str, str]) -> Identity:
    """The identity queries and file calls run as, for one request's headers."""
    if not settings.is_databricks_app:
        return Identity(user=settings.local_user, token=None, pool_key=SERVICE_PRINCIPAL_POOL)
    h = _lower(headers)
    user = next((h[k].strip() for k in (EMAIL, PREFERRED_USERNAME, USER) if h.get(k, "").strip()), "")
    if settings.run_as == "user":
        token = h.get(ACCESS_TOKEN, "").strip() or None
        # Even without a token the key stays per user: such an identity must never borrow
        # the service principal's connections (databricks_auth refuses it instead).
        return Identity(user=user, token=token, pool_key=f"user:{user.lower()}")
    return Identity(user=user, token=None, pool_key=SERVICE_PRINCIPAL_POOL)
