"""One classification of Databricks failures, shared by the SDK, connector and file-store mappers.

Real sockets against the fakes, which answer as Databricks does: a bad or expired token is
HTTP 403 "Invalid access token." (not 401) on REST and on the warehouse's Thrift endpoint;
SQL errors carry error classes and SQLSTATEs.
"""

from __future__ import annotations

import pytest
from databricks import sql as dbsql
from databricks.sdk import WorkspaceClient
from databricks.sdk import errors as sdk_errors
from databricks.sdk.config import Config

from dashboard_app.services.files.store import FileNotFound, FilePermissionDenied, StoreUnavailable
from dashboard_app.services.files.volumes import VolumesFileStore, translate_sdk_error
from dashboard_app.services.sql.engine import QueryError
from dashboard_app.services.sql.errors import (
    AuthError,
    Category,
    PermissionDenied,
    TransientError,
    classify,
    classify_sdk,
    from_connector_error,
    from_sdk_error,
)
from tests.fakes.files_api import FakeFiles
from tests.fakes.thrift_sql import FakeSqlWarehouse, small_samples
from tests.fakes.workspace import FakeWorkspace
from tests.fakes.workspace_routes import FakeUnityCatalog, FakeWarehouses, tree_from_duckdb

PAT = "dapi-errors-0123456789abcdef"
USER = "user-token-errors-5c1d"
BAD = "dapi-expired-or-revoked-9e2f"
ROOT = "/Volumes/main/default/vol"


@pytest.fixture(scope="module")
def duck():
    con = small_samples()
    yield con
    con.close()


@pytest.fixture
def ws(duck):
    ws = FakeWorkspace(tokens={PAT, USER})
    FakeWarehouses([{"id": "w1", "name": "Shared"}]).register(ws)
    uc = FakeUnityCatalog(tree_from_duckdb(duck)).register(ws)
    uc.forbidden.add("main")
    files = FakeFiles(ws)
    files.put_file(ROOT + "/a.txt", b"hello")
    files.put_file(ROOT + "/secret/b.txt", b"no")
    files.deny(ROOT + "/secret")
    with ws:
        yield ws


@pytest.fixture
def warehouse(duck, ws):
    with FakeSqlWarehouse(duck, tokens={PAT, USER}, workspace=ws) as fake:
        yield fake


def client(ws: FakeWorkspace, token: str) -> WorkspaceClient:
    return WorkspaceClient(config=Config(host=ws.url, token=token, retry_timeout_seconds=5))


def sdk_failure(ws: FakeWorkspace, token: str, call=lambda w: list(w.warehouses.list())) -> Exception:
    with pytest.raises(Exception) as info:
        call(client(ws, token))
    return info.value


def connector_failure(warehouse: FakeSqlWarehouse, token: str, sql: str = "SELECT 1") -> Exception:
    with pytest.raises(Exception) as info:
        with dbsql.connect(**warehouse.connect_args(), access_token=token) as conn, conn.cursor() as cur:
            cur.execute(sql)
    return info.value


# --- what the fakes answer ------------------------------------------------------------------


def test_a_bad_token_is_403_invalid_access_token_as_on_databricks(ws, warehouse):
    err = sdk_failure(ws, BAD)
    assert isinstance(err, sdk_errors.PermissionDenied)  # what databricks-sdk raises for it
    assert str(err).startswith("Invalid access token") and str(err.error_code) == "403"
    assert connector_failure(warehouse, BAD).context["http-code"] == 403  # type: ignore[attr-defined]
    assert warehouse.auth_failures == 1


def test_the_fakes_record_every_calls_token(ws, warehouse):
    list(client(ws, USER).warehouses.list())
    with dbsql.connect(**warehouse.connect_args(), access_token=USER) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1 AS one")
    assert ("GET /api/2.0/sql/warehouses", USER) in ws.token_log
    assert ("OpenSession", USER) in warehouse.token_log
    assert warehouse.statements == [("SELECT 1 AS one", USER)]


# --- one classification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, code, message, category",
    [
        (403, 403, "Invalid access token.", Category.AUTH),
        (403, "403", "Invalid access token.", Category.AUTH),
        (None, "403", "Invalid access token.", Category.AUTH),  # the status is in the error_code
        (401, 401, "Credential was not sent or was of an unsupported type for this API.", Category.AUTH),
        (403, "PERMISSION_DENIED", "User does not have USE CATALOG on Catalog 'main'.", Category.PERMISSION),
        (403, None, "Forbidden", Category.PERMISSION),
        (404, "RESOURCE_DOES_NOT_EXIST", "Warehouse w9 does not exist.", Category.NOT_FOUND),
        (404, "CATALOG_DOES_NOT_EXIST", "Catalog 'x' does not exist.", Category.NOT_FOUND),
        (400, "INVALID_PARAMETER_VALUE", "max_results must be >= 0", Category.INVALID),
        (400, "RESOURCE_ALREADY_EXISTS", "A file exists", Category.ALREADY_EXISTS),
        (429, "REQUEST_LIMIT_EXCEEDED", "Request limit exceeded.", Category.THROTTLED),
        (503, "TEMPORARILY_UNAVAILABLE", "Try later.", Category.UNAVAILABLE),
        (500, "INTERNAL_ERROR", "boom", Category.INTERNAL),
        (None, None, "[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. SQLSTATE: 42P01", Category.NOT_FOUND),
        (None, None, "[INSUFFICIENT_PERMISSIONS] Insufficient privileges: ... SQLSTATE: 42501", Category.PERMISSION),
        (None, None, "[PARSE_SYNTAX_ERROR] Syntax error at or near 'x'. SQLSTATE: 42601 (line 1, pos 7)", Category.INVALID),
        # A statement's own error class decides, even if a federated source complains about its token.
        (None, None, "[REMOTE_ERROR] Invalid access token. SQLSTATE: 08000", Category.OTHER),
        (None, None, "Statement has timed out after 5 seconds", Category.TIMEOUT),
        (None, None, "Invalid SessionHandle: SessionHandle [abc]", Category.SESSION),
    ],
)
def test_classify(status, code, message, category):
    assert classify(status=status, error_code=code, message=message).category is category


def test_sqlstate_error_classes_are_parsed():
    info = classify(message="[PARSE_SYNTAX_ERROR] Syntax error at or near 'FRM'. SQLSTATE: 42601 (line 2, pos 7)\n\n== SQL ==")
    assert (info.error_class, info.sqlstate, info.line, info.pos) == ("PARSE_SYNTAX_ERROR", "42601", 2, 7)
    info = classify(message="[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column ... [`a`, `b`]. SQLSTATE: 42703; line 1 pos 7")
    assert (info.error_class, info.sqlstate, info.line, info.pos) == ("UNRESOLVED_COLUMN.WITH_SUGGESTION", "42703", 1, 7)
    assert classify(message="Catalog Error: no class here").error_class is None


@pytest.mark.parametrize(
    "err, expected_sql, expected_file",
    [
        (sdk_errors.PermissionDenied("Invalid access token.", error_code="403"), AuthError, "reload the page"),
        (sdk_errors.PermissionDenied("User does not have READ VOLUME.", error_code="PERMISSION_DENIED"), PermissionDenied, "permission"),
        (sdk_errors.Unauthenticated("Credential was not sent", error_code="401"), AuthError, "reload the page"),
        (sdk_errors.ResourceDoesNotExist("gone", error_code="RESOURCE_DOES_NOT_EXIST"), QueryError, "not found"),
        (sdk_errors.RequestLimitExceeded("slow down", error_code="REQUEST_LIMIT_EXCEEDED"), TransientError, "busy"),
    ],
)
def test_sql_and_file_mappers_agree(err, expected_sql, expected_file):
    mapped = from_sdk_error(err)
    assert type(mapped) is expected_sql
    assert expected_file in str(translate_sdk_error(err, "read", "a.txt"))


# --- the SDK path ---------------------------------------------------------------------------


def test_sdk_invalid_token_is_sign_in_again_not_permission_denied(ws):
    err = sdk_failure(ws, BAD)
    as_user = from_sdk_error(err, secrets=[BAD], user_token=True)
    assert type(as_user) is AuthError and as_user.expired and "reload the page" in str(as_user)
    as_app = from_sdk_error(err, secrets=[BAD])
    assert type(as_app) is AuthError and not as_app.expired and "DATABRICKS_TOKEN" in str(as_app)
    assert BAD not in str(as_user) + str(as_app)


def test_sdk_real_permission_error_stays_permission_denied(ws):
    err = sdk_failure(ws, PAT, lambda w: list(w.schemas.list(catalog_name="main")))
    mapped = from_sdk_error(err, user_token=True)
    assert type(mapped) is PermissionDenied and "USE CATALOG" in str(mapped)
    assert classify_sdk(err).category is Category.PERMISSION


def test_sdk_messages_never_carry_a_token():
    unlisted = "dapi0123456789abcdef0123456789abcdef"  # shaped like a PAT, caught without being listed
    err = sdk_errors.BadRequest(f"bad request from {USER} with Authorization: Bearer {PAT} and {unlisted}", error_code="BAD_REQUEST")
    text = str(from_sdk_error(err, secrets=[USER]))
    assert USER not in text and PAT not in text and unlisted not in text


# --- the connector path ---------------------------------------------------------------------


def test_connector_invalid_token_is_sign_in_again(warehouse):
    err = connector_failure(warehouse, BAD)
    as_user = from_connector_error(err, secrets=[BAD], user_token=True)
    assert type(as_user) is AuthError and as_user.expired and "reload the page" in str(as_user)
    as_app = from_connector_error(err, secrets=[BAD])
    assert type(as_app) is AuthError and not as_app.expired and "DATABRICKS_TOKEN" in str(as_app)
    assert BAD not in str(as_user) + str(as_app)


def test_connector_real_permission_errors_stay_permission_denied(warehouse):
    warehouse.fail(403, method="OpenSession", reason="PERMISSION_DENIED: User does not have CAN USE on this warehouse.")
    mapped = from_connector_error(connector_failure(warehouse, USER), user_token=True)
    assert type(mapped) is PermissionDenied and "CAN USE" in str(mapped)
    warehouse.deny("samples.tpch.supplier")
    mapped = from_connector_error(connector_failure(warehouse, USER, "SELECT * FROM samples.tpch.supplier"))
    assert type(mapped) is PermissionDenied
    assert mapped.error_class == "INSUFFICIENT_PERMISSIONS" and mapped.sqlstate == "42501"  # type: ignore[attr-defined]


def test_connector_sql_errors_keep_their_class_and_position(warehouse):
    missing = from_connector_error(connector_failure(warehouse, PAT, "SELECT *\nFROM samples.tpch.no_such_table"))
    assert type(missing) is QueryError
    assert missing.error_class == "TABLE_OR_VIEW_NOT_FOUND" and missing.sqlstate == "42P01"  # type: ignore[attr-defined]
    assert "`samples`.`tpch`.`no_such_table` cannot be found" in str(missing)
    assert (missing.line, missing.column) == (2, 6)
    syntax = from_connector_error(connector_failure(warehouse, PAT, "SELECT 1 FRM x"))
    assert type(syntax) is QueryError and syntax.error_class == "PARSE_SYNTAX_ERROR"  # type: ignore[attr-defined]
    assert "Syntax error at or near 'x'" in str(syntax) and (syntax.line, syntax.column) == (1, 14)
    column = from_connector_error(connector_failure(warehouse, PAT, "SELECT nope FROM samples.tpch.region"))
    assert column.error_class == "UNRESOLVED_COLUMN.WITH_SUGGESTION" and (column.line, column.column) == (1, 8)  # type: ignore[attr-defined]


# --- the file store path --------------------------------------------------------------------


def test_file_store_invalid_token_is_sign_in_again(ws):
    store = VolumesFileStore(client(ws, BAD), ROOT, 1 << 20)
    with pytest.raises(FilePermissionDenied) as info:
        store.list(".")
    assert "reload the page to sign in again" in str(info.value) and "do not have permission" not in str(info.value)
    assert BAD not in str(info.value)
    # Reads and saves start with a HEAD, whose answer has no body: the message names both causes.
    for call in (lambda: store.read_text("a.txt"), lambda: store.write_text("new.txt", "x", None, "ann")):
        with pytest.raises(FilePermissionDenied) as info:
            call()
        assert "permission" in str(info.value) and "reload the page" in str(info.value)


def test_file_store_real_permission_error_stays_permission_denied(ws):
    store = VolumesFileStore(client(ws, USER), ROOT, 1 << 20)
    with pytest.raises(FilePermissionDenied) as info:
        store.list("secret")
    assert "You do not have permission to list 'secret' (PERMISSION_DENIED)" in str(info.value)
    assert "sign in" not in str(info.value)
    with pytest.raises(FileNotFound):
        store.read_text("missing.txt")
    assert store.read_text("a.txt").text == "hello"


def test_file_store_throttling_beyond_the_retry_budget_is_unavailable(ws):
    ws.fail("/api/2.0/fs/", 429, times=10_000)
    w = WorkspaceClient(config=Config(host=ws.url, token=USER, retry_timeout_seconds=1))
    with pytest.raises(StoreUnavailable, match="busy"):
        VolumesFileStore(w, ROOT, 1 << 20).upload("b.txt", b"x", "ann")
