"""Who is asking: the Databricks Apps forwarded headers, or the configured local user.

Databricks Apps put a proxy in front of the app that signs the user in and adds
`X-Forwarded-Email` / `-User` / `-Preferred-Username` (and `X-Forwarded-Access-Token` when
user authorization is on). Those headers are only trustworthy behind that proxy, so outside
an App they are ignored entirely: anyone can send them to a local server.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Mapping

from .services.sql.engine import Identity
from .settings import Settings

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
