"""Settings: the embedded default with nothing set, and one clear line for every bad value."""

from __future__ import annotations

import pytest

from dashboard_app.settings import Settings, SettingsError, load_settings

ALL_VARS = [f.alias for f in Settings.model_fields.values() if f.alias]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ALL_VARS:
        monkeypatch.delenv(name, raising=False)


def test_nothing_set_means_embedded_default():
    s = load_settings()
    assert not s.uses_databricks
    assert s.max_result_rows == 100_000 and s.page_size == 100 and not s.read_only
    assert s.effective_files_root.endswith("files")
    assert s.effective_db_url.startswith("sqlite:///")


def test_databricks_with_token(monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", "adb-123.azuredatabricks.net/")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-secret")
    monkeypatch.setenv("DATABRICKS_WAREHOUSE_ID", "abc123")
    s = load_settings()
    assert s.uses_databricks and s.databricks_host == "https://adb-123.azuredatabricks.net"
    assert s.effective_http_path == "/sql/1.0/warehouses/abc123"
    assert s.secrets() == ["dapi-secret"]
    assert "dapi-secret" not in repr(s)


def test_http_path_gives_warehouse_id(monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", "https://h")
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "id")
    monkeypatch.setenv("DATABRICKS_CLIENT_SECRET", "sec")
    monkeypatch.setenv("DATABRICKS_HTTP_PATH", "/sql/1.0/warehouses/w42")
    assert load_settings().effective_warehouse_id == "w42"


@pytest.mark.parametrize(
    "env, names",
    [
        ({"APP_MAX_RESULT_ROWS": "lots"}, "APP_MAX_RESULT_ROWS"),
        ({"APP_MAX_RESULT_ROWS": "0"}, "APP_MAX_RESULT_ROWS"),
        ({"APP_QUERY_TIMEOUT_SECONDS": "-1"}, "APP_QUERY_TIMEOUT_SECONDS"),
        ({"APP_READ_ONLY": "perhaps"}, "APP_READ_ONLY"),
        ({"APP_RUN_AS": "root"}, "APP_RUN_AS"),
        ({"APP_PAGE_SIZE": "5"}, "APP_PAGE_SIZE"),
        ({"DATABRICKS_HOST": "https://h"}, "DATABRICKS_TOKEN"),
        ({"DATABRICKS_HOST": "https://h", "DATABRICKS_TOKEN": "t"}, "DATABRICKS_WAREHOUSE_ID"),
        ({"DATABRICKS_HOST": "https://h", "DATABRICKS_TOKEN": "t", "DATABRICKS_CLIENT_ID": "c", "DATABRICKS_WAREHOUSE_ID": "w"}, "DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID"),
        ({"DATABRICKS_HOST": "https://h", "DATABRICKS_CLIENT_ID": "c", "DATABRICKS_WAREHOUSE_ID": "w"}, "DATABRICKS_CLIENT_SECRET"),
    ],
)
def test_bad_values_name_the_variable_in_one_line(monkeypatch, env, names):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert names in message and "\n" not in message


def test_secret_never_in_error_message(monkeypatch):
    monkeypatch.setenv("DATABRICKS_HOST", "https://h")
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-very-secret")
    monkeypatch.setenv("DATABRICKS_CLIENT_ID", "c")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "dapi-very-secret" not in str(info.value)


def test_env_file_is_read(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("APP_MAX_RESULT_ROWS=777\nAPP_READ_ONLY=true\n")
    s = Settings(_env_file=str(env))  # type: ignore[call-arg]
    assert s.max_result_rows == 777 and s.read_only


def databricks_env(monkeypatch, host: str) -> None:
    monkeypatch.setenv("DATABRICKS_HOST", host)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-secret")
    monkeypatch.setenv("DATABRICKS_WAREHOUSE_ID", "abc123")


@pytest.mark.parametrize("host", ["http://adb-123.azuredatabricks.net", "http://10.0.0.5:8080", "http://127.0.0.1.example.com"])
def test_plain_http_only_to_loopback(monkeypatch, host):
    databricks_env(monkeypatch, host)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "DATABRICKS_HOST" in str(info.value) and "https://" in str(info.value)
    assert "dapi-secret" not in str(info.value)


@pytest.mark.parametrize("host", ["http://127.0.0.1:8123", "http://localhost:80", "http://[::1]:9000", "https://adb-1.net"])
def test_loopback_http_and_https_are_accepted(monkeypatch, host):
    databricks_env(monkeypatch, host)
    assert load_settings().databricks_host == host


def test_run_as_user_needs_a_databricks_app(monkeypatch):
    databricks_env(monkeypatch, "https://adb-1.net")
    monkeypatch.setenv("APP_RUN_AS", "user")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert "APP_RUN_AS=user" in str(info.value)
    monkeypatch.setenv("DATABRICKS_APP_NAME", "app")
    assert load_settings().run_as == "user"


def test_audit_log_survives_a_redeploy_inside_an_app(monkeypatch):
    assert load_settings().effective_audit_log == "file"
    monkeypatch.setenv("DATABRICKS_APP_NAME", "app")
    assert load_settings().effective_audit_log == "database"
    monkeypatch.setenv("APP_AUDIT_LOG", "file")
    assert load_settings().effective_audit_log == "file"
    monkeypatch.setenv("APP_AUDIT_LOG", "somewhere")
    with pytest.raises(SettingsError, match="APP_AUDIT_LOG"):
        load_settings()
