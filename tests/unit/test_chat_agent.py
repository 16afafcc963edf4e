"""The agent loop through the real openai client against the scripted fake model, on the
embedded engine: tools, proposals, references, faults and Stop."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from dashboard_app.backend import Services
from dashboard_app.services.history import HistoryStore
from dashboard_app.services.llm import agent as loop
from dashboard_app.services.llm import knowledge
from dashboard_app.services.llm.chat import ConversationOpened, Saved
from dashboard_app.services.llm.client import ModelClient, ModelError, ModelTarget, model_target
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.engine import Identity
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.settings import Settings
from tests.conftest import run_async
from tests.fakes.model_server import Break, FakeModel, HttpError, Stall, Text, Tokens, ToolCalls

ANA = Identity("ana@example.com")


@pytest.fixture(scope="module")
def fm():
    with FakeModel() as model:
        yield model


@pytest.fixture(scope="module")
def svc(fm, tmp_path_factory):
    data = tmp_path_factory.mktemp("chat")
    settings = Settings(APP_DATA_DIR=str(data), APP_LLM_BASE_URL=fm.base_url, APP_LLM_MODEL="fake-model",  # type: ignore[call-arg]
                        APP_LLM_API_KEY="fake-model-key", APP_LLM_TIMEOUT_SECONDS=2, APP_CHAT_MAX_TOOL_ROUNDS=3)
    engine = LocalEngine(settings.data_dir, settings.effective_files_root)
    services = Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
    knowledge.install_examples(services.files, "analyst@localhost")  # as the app does on the embedded default
    yield services
    engine.close()


@pytest.fixture(autouse=True)
def fresh(fm):
    fm.reset()
    yield
    fm.reset()


def turn(svc: Services, question: str, **kw) -> list:
    async def go() -> list:
        prepared = svc.chat.prepare(ANA, question, **kw)
        return [e async for e in svc.chat.run(prepared)]

    return run_async(go())


def of(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def test_question_tools_and_answer(svc, fm):
    fm.script(
        ToolCalls([("search_tables", {"query": "regions of the world"})]),
        ToolCalls([("describe_table", {"table": "samples.tpch.region"})]),
        ToolCalls([("run_sql", {"sql": "SELECT count(*) AS n FROM samples.tpch.region"})]),
        Text("There are 5 regions [Q1]."),
    )
    events = turn(svc, "How many regions are there?")
    assert isinstance(events[0], ConversationOpened) and isinstance(events[-1], Saved)
    results = of(events, loop.ToolResult)
    assert [r.name for r in results] == ["search_tables", "describe_table", "run_sql"]
    assert "samples.tpch.region" in results[0].outcome.content
    assert "r_name" in results[1].outcome.content and "sample rows" in results[1].outcome.content
    run = results[2]
    assert run.label == "Q1" and run.outcome.row_count == 1 and run.outcome.rows == [["5"]]
    assert svc.results.get(run.outcome.result_id, owner=ANA.user).result.table.to_pylist() == [{"n": 5}]
    done = of(events, loop.Done)[0]
    assert done.text == "There are 5 regions [Q1]." and done.references == [{"label": "Q1", "tool_call_id": run.id}]
    assert "".join(d.text for d in of(events, loop.Delta)) == done.text
    # The model got each tool result back, labelled, with the rows.
    last = fm.requests[-1]["messages"]
    tool_msgs = [m for m in last if m["role"] == "tool"]
    assert len(tool_msgs) == 3 and tool_msgs[2]["content"].startswith("[Q1] result_id:") and "\n5" in tool_msgs[2]["content"]
    # The system prompt carries the relevant table, not the whole workspace.
    system = fm.requests[0]["messages"][0]["content"]
    assert "samples.tpch.region" in system and "samples.nyctaxi.trips" not in system
    # Stored: the question, then the answer with its cards.
    saved = events[-1].message
    assert saved.status == "ok" and [c["name"] for c in saved.cards] == ["search_tables", "describe_table", "run_sql"]
    assert saved.cards[2]["label"] == "Q1" and saved.cards[2]["sql"].startswith("SELECT count(*)")


def test_a_write_is_only_proposed_and_the_model_is_told(svc, fm):
    fm.script(ToolCalls([("run_sql", {"sql": "CREATE TABLE main.default.chat_made AS SELECT 1 AS x"})]), Text("Proposed."))
    events = turn(svc, "make a table")
    [result] = of(events, loop.ToolResult)
    assert result.outcome.status == "needs_confirmation"
    [proposal] = of(events, loop.Proposal)
    assert proposal.kind.startswith("CREATE") and proposal.sql.startswith("CREATE TABLE")
    assert "NOT RUN" in [m for m in fm.requests[-1]["messages"] if m["role"] == "tool"][0]["content"]
    tables = svc.engine.execute("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'chat_made'",
                                identity=ANA, row_limit=10, timeout_s=10)
    assert tables.table.to_pylist() == [{"n": 0}]
    # Only the owner may run it, and then it runs.
    from dashboard_app.services.conversations import ConversationNotFound

    with pytest.raises(ConversationNotFound):
        svc.chat.run_proposal(Identity("eve@example.com"), proposal.id)
    svc.chat.run_proposal(ANA, proposal.id)
    tables = svc.engine.execute("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'chat_made'",
                                identity=ANA, row_limit=10, timeout_s=10)
    assert tables.table.to_pylist() == [{"n": 1}]


@pytest.mark.parametrize("sql", ["DROP TABLE samples.tpch.nation", "SELECT 1; DROP TABLE samples.tpch.nation",
                                 "DELETE FROM samples.tpch.nation", "this is not SQL at all ;;", "GRANT SELECT ON TABLE samples.tpch.nation TO `x`"])
def test_nothing_but_a_read_runs_from_the_model(svc, fm, sql):
    # As if table data or a file had told the model to do it.
    fm.script(ToolCalls([("read_file", {"path": "knowledge/glossary.md"}), ("run_sql", {"sql": sql})]), Text("ok"))
    events = turn(svc, "summarise the glossary")
    run = [r for r in of(events, loop.ToolResult) if r.name == "run_sql"][0]
    assert run.outcome.status in ("needs_confirmation", "error")
    assert svc.engine.execute("SELECT count(*) AS n FROM samples.tpch.nation", identity=ANA, row_limit=10, timeout_s=10).table.to_pylist() == [{"n": 25}]


def test_malformed_arguments_and_unknown_tools_go_back_to_the_model(svc, fm):
    fm.script(
        ToolCalls([("run_sql", '{"sql": "SELECT 1"'), ("drop_everything", {}), ("describe_table", {"table": "nation"}),
                   ("run_sql", {"query": "SELECT 1"}), ("make_chart", {"result_id": "nope", "type": "bar", "x": "a"})]),
        Text("Sorry."),
    )
    events = turn(svc, "try things")
    results = of(events, loop.ToolResult)
    assert [r.outcome.status for r in results] == ["error"] * 5
    errors = [r.outcome.error for r in results]
    assert "not valid JSON" in errors[0] and "Unknown tool 'drop_everything'" in errors[1]
    assert "three-part name" in errors[2] and "does not take query" in errors[3] and "No result 'nope'" in errors[4]
    assert of(events, loop.Done)[0].status == "ok"
    assert len([m for m in fm.requests[-1]["messages"] if m["role"] == "tool"]) == 5


def test_a_chart_over_a_kept_result(svc, fm):
    def respond(request):
        tools = [m for m in request["messages"] if m["role"] == "tool"]
        if not tools:
            return ToolCalls([("run_sql", {"sql": "SELECT r_name, r_regionkey FROM samples.tpch.region"})])
        if len(tools) == 1:
            rid = tools[0]["content"].split("result_id: ")[1].split("\n")[0]
            return ToolCalls([("make_chart", {"result_id": rid, "type": "bar", "x": "r_name", "y": "r_regionkey"})])
        return Text("Charted [Q1].")

    fm.responder = respond
    events = turn(svc, "chart the regions")
    chart = [r for r in of(events, loop.ToolResult) if r.name == "make_chart"][0]
    assert chart.outcome.status == "ok" and chart.outcome.figure["data"][0]["type"] == "bar"
    assert events[-1].message.cards[1]["figure"]["data"][0]["x"] == ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]


def test_the_step_cap_stops_a_looping_model(svc, fm):
    fm.responder = lambda request: ToolCalls([("list_catalogs", {})])
    events = turn(svc, "loop forever")
    done = of(events, loop.Done)[0]
    assert done.status == "step_cap" and "3 rounds" in done.error
    assert len(fm.requests) == 4  # three rounds of tools, then one told to answer
    assert "tools" not in fm.requests[-1] and "used every tool call" in fm.requests[-1]["messages"][-1]["content"]


def test_a_broken_stream_keeps_the_partial_answer(svc, fm):
    fm.script(Break("The answer starts"))
    events = turn(svc, "break please")
    done = of(events, loop.Done)[0]
    assert done.status == "incomplete" and done.text == "The answer starts" and "incomplete" in done.error
    saved = events[-1].message
    assert saved.status == "incomplete" and saved.text == "The answer starts"
    assert len(fm.requests) == 1  # never retried once text was shown


def test_429_and_500_are_retried_before_the_first_token(svc, fm):
    fm.script(HttpError(429, "slow down", retry_after=0.05), HttpError(503), Text("Fine now."))
    events = turn(svc, "hello")
    assert of(events, loop.Done)[0].text == "Fine now." and len(fm.requests) == 3


@pytest.mark.parametrize("reply, words", [
    (HttpError(429, "slow down", retry_after=0), "HTTP 429"),
    (HttpError(500), "HTTP 500"),
    (HttpError(401), "refused the credentials"),
    (HttpError(404), "was not found"),
    (HttpError(400, "context too long"), "context too long"),
])
def test_model_failures_have_clear_messages(svc, fm, reply, words):
    fm.responder = lambda request: reply
    events = turn(svc, "hello")
    done = of(events, loop.Done)[0]
    assert done.status == "error" and words in done.error and "fake-model-key" not in done.error


def test_a_model_that_does_not_answer_times_out(svc, fm):
    fm.responder = lambda request: Stall(5)
    started = time.monotonic()
    events = turn(svc, "hello")
    done = of(events, loop.Done)[0]
    assert done.status == "error" and "did not answer within 2 s" in done.error
    assert time.monotonic() - started < 25


def test_stop_ends_the_stream_and_keeps_what_was_said(svc, fm):
    fm.script(Tokens(200, rate_per_s=50))

    async def go():
        prepared = svc.chat.prepare(ANA, "talk")
        events = []
        async for e in svc.chat.run(prepared):
            events.append(e)
            if isinstance(e, loop.Delta) and len(of(events, loop.Delta)) == 5:
                prepared.stop.set()
        return events

    started = time.monotonic()
    events = run_async(go())
    assert time.monotonic() - started < 3  # not the four seconds of the whole answer
    done = of(events, loop.Done)[0]
    assert done.status == "stopped" and done.text.startswith("t0 t1 t2 t3 t4")
    assert events[-1].message.status == "stopped"


def test_stop_cancels_a_running_query(svc, fm):
    slow = "SELECT sum(hash(a.id * b.id)) AS h FROM range(200000) a(id), range(200000) b(id)"
    fm.script(ToolCalls([("run_sql", {"sql": slow})]), Text("never"))

    async def go():
        prepared = svc.chat.prepare(ANA, "slow")
        asyncio.get_running_loop().call_later(1.0, prepared.stop.set)
        return [e async for e in svc.chat.run(prepared)]

    started = time.monotonic()
    events = run_async(go())
    assert time.monotonic() - started < 10
    [result] = of(events, loop.ToolResult)
    assert result.outcome.status == "error" and "cancel" in result.outcome.error.lower()
    assert of(events, loop.Done)[0].status == "stopped"


def test_the_conversation_carries_over_and_any_language_works(svc, fm):
    fm.script(Text("Olá! 🎉"), Text("Sim."))
    first = turn(svc, "Quais tabelas têm dados de viagens? 🚕")
    cid = first[0].id
    assert first[0].title == "Quais tabelas têm dados de viagens? 🚕"
    turn(svc, "E de pedidos?", conversation_id=cid)
    messages = fm.requests[-1]["messages"]
    assert [m["role"] for m in messages[1:]] == ["user", "assistant", "user"]
    assert messages[1]["content"] == "Quais tabelas têm dados de viagens? 🚕" and messages[2]["content"] == "Olá! 🎉"
    # The Portuguese words found the taxi table (the knowledge's synonyms) for the prompt.
    assert "samples.nyctaxi.trips" in fm.requests[0]["messages"][0]["content"]


def test_the_key_goes_to_the_model_and_nowhere_else(svc, fm):
    fm.script(Text("hi"))
    events = turn(svc, "hello")
    assert fm.headers[-1]["authorization"] == "Bearer fake-model-key"
    assert "fake-model-key" not in repr(events)


def test_references_to_missing_results_are_dropped():
    text, refs = loop.resolve_references("Revenue 12 [Q1], orders 3 [Q2] and [ Q1 ].", {"Q1": "call_a"})
    assert text == "Revenue 12 [Q1], orders 3 and [Q1]." and refs == [{"label": "Q1", "tool_call_id": "call_a"}]


def test_the_databricks_target_uses_serving_endpoints_and_the_sdk_token(fm):
    settings = Settings(DATABRICKS_HOST=fm.root_url, DATABRICKS_TOKEN="fake-model-key", DATABRICKS_WAREHOUSE_ID="w1",  # type: ignore[call-arg]
                        DATABRICKS_SERVING_ENDPOINT="databricks-llama")
    target = model_target(settings, None)
    assert target.base_url == fm.root_url + "/serving-endpoints" and target.model == "databricks-llama"
    fm.script(Text("served"))

    async def go():
        client = ModelClient(target, timeout_s=5)
        try:
            return [i async for i in client.stream([{"role": "user", "content": "hi"}])]
        finally:
            await client.close()

    items = run_async(go())
    assert "".join(i.text for i in items if hasattr(i, "text")) == "served"
    assert fm.requests[-1]["model"] == "databricks-llama" and fm.headers[-1]["authorization"] == "Bearer fake-model-key"


def test_the_client_gives_up_after_its_retries(fm):
    fm.responder = lambda request: HttpError(503)
    sleeps: list[float] = []

    async def nap(s: float) -> None:
        sleeps.append(s)

    async def key() -> str:
        return "fake-model-key"

    async def go():
        client = ModelClient(ModelTarget(fm.base_url, "fake-model", key), retries=3, sleep=nap)
        try:
            return [i async for i in client.stream([{"role": "user", "content": "hi"}])]
        finally:
            await client.close()

    with pytest.raises(ModelError, match="HTTP 503"):
        run_async(go())
    assert len(fm.requests) == 4 and len(sleeps) == 3 and sleeps[0] < sleeps[2]
