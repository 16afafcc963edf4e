"""Who is asking (minimal; replaced by the full Databricks-aware version)."""
from __future__ import annotations
from typing import Mapping
from .services.sql.engine import Identity


def resolve_identity(settings, headers: Mapping[str, str]) -> Identity:
    lower = {k.lower(): v for k, v in headers.items()}
    if settings.is_databricks_app and lower.get("x-forwarded-email"):
        return Identity(user=lower["x-forwarded-email"], pool_key="sp")
    return Identity(user=settings.local_user, pool_key="sp")
