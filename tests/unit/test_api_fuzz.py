"""A fuzz run of the API from its own OpenAPI document (schemathesis), on a real socket.

Every operation in /api/openapi.json — whichever routes exist when this runs — gets up to
MAX_EXAMPLES generated requests, valid and invalid. No answer may be a 5xx, and every answer
must match what the document says about it (status codes it declares, content type and body
schema). The app is the real FastAPI app served by granian, on the embedded engine, a SQLite
app database and a temporary files root, with the example dashboard installed.
"""

from __future__ import annotations

import contextlib

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from dashboard_app.api.app import build
from dashboard_app.backend import Services
from dashboard_app.services.history import HistoryStore
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.settings import Settings
from tests.fakes.model_server import FakeModel
from tests.unit.api_server import serve_asgi

MAX_EXAMPLES = 25
# Routes whose errors are still plain text, not the API's JSON error shape (api/downloads.py,
# from before the shape was settled). Known and reported; any other route must answer JSON.
CHECKS = ["not_a_server_error", "content_type_conformance", "response_schema_conformance"]


def serve_api(svc: Services, app=None) -> contextlib.AbstractContextManager[str]:
    """Serves the API app (or `app`) with `svc` as its services; yields the base URL."""
    return serve_asgi(app if app is not None else build(), lambda: svc)


def make_services(data_dir, **env: str) -> Services:
    settings = Settings(APP_DATA_DIR=str(data_dir), APP_AUDIT_LOG="file", **env)  # type: ignore[call-arg]
    engine = LocalEngine(settings.data_dir, settings.effective_files_root)
    return Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    # The chat route answers through the scripted fake model (its default reply is text).
    model = FakeModel().start()
    # Limits stay on (so their code runs) but high enough that the fuzz reaches the routes.
    svc = make_services(tmp_path_factory.mktemp("fuzz"), APP_RATE_LIMIT_PER_MINUTE="100000",
                        APP_LLM_BASE_URL=model.base_url, APP_LLM_MODEL="fake-model", APP_LLM_API_KEY=model.api_key)
    svc.dashboards  # installs the example dashboard: refresh and export have something real
    (svc.settings.data_dir / "files").mkdir(exist_ok=True)
    (svc.settings.data_dir / "files" / "notes.md").write_text("# hello\n")
    try:
        with serve_api(svc) as base:
            yield base, svc
    finally:
        svc.engine.close()
        model.stop()


CONFIG = SchemathesisConfig.from_dict({
    "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    "phases": {
        "examples": {"enabled": True},
        "coverage": {"enabled": False},  # its case count is not bounded by max-examples
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": False},
    },
    "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
    "request-timeout": 30,
})
# The document the served app answers at /api/openapi.json (checked below to be the same),
# read here so each operation is its own test. (schemathesis' lazy `from_fixture` loader does
# not work with this pytest: it writes a node attribute pytest 9 no longer has.)
schema = schemathesis.openapi.from_dict(build().openapi(), config=CONFIG)


def test_the_served_document_is_the_one_fuzzed(served):
    base, _ = served
    assert httpx.get(f"{base}/api/openapi.json", timeout=10).json() == build().openapi()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_5xx_and_answers_match_the_document(case, served):
    base, _ = served
    response = case.call_and_validate(base_url=base, timeout=30)
    if response.status_code >= 400:
        # The API's one error shape (README, api/deps.py).
        where = f"{case.method} {case.formatted_path} -> {response.status_code}"
        kind = response.headers.get("content-type") or [""]
        kind = kind[0] if isinstance(kind, list) else kind
        assert kind.startswith("application/json"), f"{where} ({kind}): {response.text[:200]}"
        error = response.json().get("error")
        assert isinstance(error, dict) and set(error) == {"code", "message"}, f"{where}: {response.text[:200]}"
        assert error["code"] and error["message"] and "Traceback" not in error["message"], where
