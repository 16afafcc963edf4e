"""Who is asking: forwarded headers are trusted only inside a Databricks App."""

from __future__ import annotations

import base64
import json

import pytest

from dashboard_app.identity import resolve_identity, token_expired, token_expires_at
from dashboard_app.services.databricks_auth import DatabricksAuth
from dashboard_app.services.sql.errors import AuthError
from dashboard_app.settings import Settings

APP = {"DATABRICKS_HOST": "https://adb-1.azuredatabricks.net", "DATABRICKS_CLIENT_ID": "sp", "DATABRICKS_CLIENT_SECRET": "s", "DATABRICKS_WAREHOUSE_ID": "w", "DATABRICKS_APP_NAME": "dash"}
FORWARDED = {
    "X-Forwarded-Email": "Alice@Example.com",
    "X-Forwarded-Preferred-Username": "alice",
    "X-Forwarded-User": "1234@5678",
    "X-Forwarded-Access-Token": "user-token-abc",
}


def settings(**env: object) -> Settings:
    return Settings(**env)  # type: ignore[arg-type]


def jwt(claims: dict) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def test_outside_an_app_forwarded_headers_are_ignored():
    ident = resolve_identity(settings(APP_LOCAL_USER="me@laptop"), FORWARDED)
    assert (ident.user, ident.token, ident.pool_key) == ("me@laptop", None, "sp")


def test_outside_an_app_even_with_run_as_user_no_token_is_taken():
    local = settings(APP_RUN_AS="user", APP_LOCAL_USER="me@laptop")
    assert resolve_identity(local, FORWARDED).token is None


def test_app_as_service_principal_names_the_user_but_keeps_the_sp_pool():
    ident = resolve_identity(settings(**APP), FORWARDED)
    assert (ident.user, ident.token, ident.pool_key) == ("Alice@Example.com", None, "sp")


def test_app_as_user_takes_the_forwarded_token_and_a_per_user_pool():
    ident = resolve_identity(settings(**APP, APP_RUN_AS="user"), FORWARDED)
    assert ident.user == "Alice@Example.com"
    assert ident.token == "user-token-abc"
    assert ident.pool_key == "user:alice@example.com"
    assert "user-token-abc" not in repr(ident)


def test_header_names_are_case_insensitive():
    lower = {k.lower(): v for k, v in FORWARDED.items()}
    upper = {k.upper(): v for k, v in FORWARDED.items()}
    s = settings(**APP, APP_RUN_AS="user")
    assert resolve_identity(s, lower) == resolve_identity(s, upper) == resolve_identity(s, FORWARDED)
    assert resolve_identity(s, upper).token == "user-token-abc"


@pytest.mark.parametrize(
    "headers, user",
    [
        ({"X-Forwarded-Preferred-Username": "alice", "X-Forwarded-User": "1234@5678"}, "alice"),
        ({"X-Forwarded-User": "1234@5678"}, "1234@5678"),
        ({"X-Forwarded-Email": "  ", "X-Forwarded-User": "1234@5678"}, "1234@5678"),
        ({}, ""),
    ],
)
def test_user_falls_back_from_email_to_preferred_username_to_user(headers, user):
    assert resolve_identity(settings(**APP), headers).user == user


def test_a_user_without_a_token_never_borrows_the_service_principal():
    s = settings(**APP, APP_RUN_AS="user")
    ident = resolve_identity(s, {"X-Forwarded-Email": "bob@example.com"})
    assert ident.token is None and ident.pool_key == "user:bob@example.com"
    with pytest.raises(AuthError) as info:
        DatabricksAuth(s).config(ident)  # refuses before any network call
    assert info.value.expired


def test_jwt_expiry_is_read_without_verifying():
    token = jwt({"sub": "alice", "exp": 2_000_000_000})
    assert token_expires_at(token) == 2_000_000_000
    assert token_expired(token, now=1_999_999_000) is False
    assert token_expired(token, now=2_000_000_000) is True
    assert token_expired(token, now=1_999_999_990, leeway_s=30) is True


@pytest.mark.parametrize("token", [None, "", "dapi0123456789abcdef", "a.b.c", "x.!!!.y", jwt({"sub": "no exp"}), jwt({"exp": "soon"})])
def test_expiry_of_anything_else_is_unknown(token):
    assert token_expires_at(token) is None
    assert token_expired(token) is None
