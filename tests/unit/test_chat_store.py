"""Agents and knowledge files, conversations in the app database, and inert Markdown."""

from __future__ import annotations

import pytest
from sqlmodel import create_engine

from dashboard_app.services.conversations import ConversationNotFound, ConversationStore
from dashboard_app.services.files.local import LocalFileStore
from dashboard_app.services.llm import knowledge as kb
from dashboard_app.services.llm.tools import NAMES
from dashboard_app.services.markdown import to_html
from dashboard_app.settings import Settings, SettingsError, load_settings


@pytest.fixture
def files(tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    return LocalFileStore(root.resolve(), 1024 * 1024)


def write(files, path: str, text: str) -> None:
    parent = path.rsplit("/", 1)[0]
    if not files.exists(parent):
        files.mkdir(parent, "t")
    files.write_text(path, text, None, "t")


def test_agents_load_and_broken_ones_carry_their_error(files):
    write(files, "agents/good.yaml", "name: Sales\ndescription: sales questions\ninstructions: be brief\ntools: [run_sql]\ncatalog: samples\nschema: tpch\n")
    write(files, "agents/bad_yaml.yaml", "name: [unclosed\n")
    write(files, "agents/bad_tool.yml", "name: Tooly\ntools: [rm_rf]\n")
    write(files, "agents/extra.yaml", "name: Extra\nfoo: 1\n")
    write(files, "agents/z_dupe.yaml", "name: sales\n")
    write(files, "agents/notes.txt", "not an agent")
    agents = {a.path or "builtin": a for a in kb.load_agents(files, NAMES)}
    assert agents["builtin"].name == kb.BUILTIN_NAME and agents["builtin"].usable
    good = agents["agents/good.yaml"]
    assert good.usable and good.tools == ("run_sql",) and (good.catalog, good.schema) == ("samples", "tpch")
    assert "not valid YAML" in agents["agents/bad_yaml.yaml"].error
    assert "unknown tools: rm_rf" in agents["agents/bad_tool.yml"].error
    assert "unknown keys: foo" in agents["agents/extra.yaml"].error
    assert "already named" in agents["agents/z_dupe.yaml"].error
    assert "agents/notes.txt" not in agents
    all_agents = list(agents.values())
    assert kb.find_agent(all_agents, "SALES") is good
    with pytest.raises(ValueError, match="cannot be used"):
        kb.find_agent(all_agents, "Tooly")
    with pytest.raises(ValueError, match="no agent named"):
        kb.find_agent(all_agents, "Nobody")


def test_no_agents_folder_is_just_the_builtin(files):
    assert [a.name for a in kb.load_agents(files, NAMES)] == [kb.BUILTIN_NAME]


def test_knowledge_ranks_passages_and_matches_verified_queries(files):
    kb.install_examples(files, "t")
    k = kb.load_knowledge(files)
    assert not k.errors
    titles = [p.title for p in k.relevant("what is the revenue of an order?")]
    assert titles[0] == "Revenue"
    assert [p.title for p in k.relevant("viagens de táxi")][0] == "samples.nyctaxi.trips"
    assert [v.name for v in k.relevant_verified("top customers by revenue in 1997")][0] == "top_customers_by_revenue"
    filled = """select c.c_name, round(sum(o.o_totalprice), 2) as revenue
        from samples.tpch.orders o join samples.tpch.customer c on o.o_custkey = c.c_custkey
        where year(o.o_orderdate) = 1997 group by c.c_name order by revenue desc limit 10;"""
    assert k.match_verified(filled).name == "top_customers_by_revenue"
    # Changed SQL (another filter, or SQL where a value belongs) is not the verified query.
    assert k.match_verified(filled.replace("1997", "1997 or 1 = 1")) is None
    assert k.match_verified(filled.replace("desc", "asc")) is None
    assert k.match_verified("SELECT 1") is None


def test_a_broken_knowledge_file_is_skipped_with_its_error(files):
    write(files, "knowledge/bad.yaml", "verified_queries: [{name: x}]\n")
    write(files, "knowledge/notes.md", "# Churn\nA customer with no order in a year.\n")
    k = kb.load_knowledge(files)
    assert k.errors == [("knowledge/bad.yaml", "each verified query needs a name, a question and its sql")]
    assert [p.title for p in k.passages] == ["Churn"]


def test_examples_never_overwrite(files):
    write(files, "agents/mine.yaml", "name: Mine\n")
    kb.install_examples(files, "t")
    assert [e.name for e in files.list("agents")] == ["mine.yaml"]
    assert files.exists("knowledge/glossary.md")


@pytest.fixture
def store(tmp_path):
    return ConversationStore(create_engine(f"sqlite:///{tmp_path / 'app.db'}"))


def test_conversations_belong_to_their_owner(store):
    conv = store.create("ana", title="  Top   customers\nin 1997  ", agent="SQL assistant")
    assert conv.title == "Top customers in 1997"
    store.add_message("ana", conv.id, "user", "q")
    answer = store.add_message("ana", conv.id, "assistant", "a", cards=[{"name": "run_sql", "sql": "SELECT 1"}], refs=[])
    assert [m.role for m in store.messages("ana", conv.id)] == ["user", "assistant"]
    for call in (lambda: store.messages("eve", conv.id), lambda: store.rename("eve", conv.id, "x"),
                 lambda: store.delete("eve", conv.id), lambda: store.set_feedback("eve", answer.id, 1),
                 lambda: store.add_message("eve", conv.id, "user", "sneak"), lambda: store.get("ana", "nope")):
        with pytest.raises(ConversationNotFound):
            call()
    assert store.list("eve") == [] and [c.id for c in store.list("ana")] == [conv.id]
    assert store.rename("ana", conv.id, "Renamed").title == "Renamed"
    with pytest.raises(ValueError):
        store.rename("ana", conv.id, "   ")


def test_feedback_and_the_liked_answers(store):
    conv = store.create("ana", title="q")
    store.add_message("ana", conv.id, "user", "How many regions?")
    answer = store.add_message("ana", conv.id, "assistant", "5", cards=[{"name": "run_sql", "status": "ok", "sql": "SELECT count(*) FROM samples.tpch.region"}])
    assert store.set_feedback("ana", answer.id, 1, "  right  ").comment == "right"
    with pytest.raises(ValueError):
        store.set_feedback("ana", answer.id, 5)
    [(question, liked)] = store.liked()
    assert question == "How many regions?" and liked.cards[0]["sql"].startswith("SELECT count(*)")
    store.delete("ana", conv.id)
    assert store.liked() == []


def test_proposals_are_the_owners_only(store):
    conv = store.create("ana", title="q")
    p = store.add_proposal("ana", conv.id, "DROP TABLE t", "DROP TABLE", ["t"])
    assert store.get_proposal("ana", p.id).sql == "DROP TABLE t"
    with pytest.raises(ConversationNotFound):
        store.get_proposal("eve", p.id)


@pytest.mark.parametrize("markdown, absent", [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("![pixel](https://tracker.example/p.png)", "<img"),
    ("[x](javascript:alert(1))", 'href="javascript'),
    ("[x](JaVaScRiPt:alert(1))", "href=\"JaVaScRiPt"),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
    ("[x](vbscript:msgbox)", 'href="vbscript'),
    ('<a href="https://ok.example" onclick="x()">a</a>', "onclick=\"x"),
    ("<iframe src=https://evil.example></iframe>", "<iframe"),
])
def test_markdown_is_inert(markdown, absent):
    assert absent not in to_html(markdown)


def test_markdown_keeps_formatting_links_and_references():
    html = to_html("**5** regions [Q1], see [docs](https://docs.example/x) or [mail](mailto:a@b.c)\n\n| a |\n|---|\n| 1 |", {"Q1": "card-3-0"})
    assert "<strong>5</strong>" in html and "<table>" in html
    assert '<a href="#card-3-0" class="answer-ref">Q1</a>' in html
    assert 'href="https://docs.example/x" target="_blank" rel="noopener noreferrer nofollow"' in html
    assert 'href="mailto:a@b.c"' in html


@pytest.mark.parametrize("env, words", [
    ({"APP_LLM_BASE_URL": "http://127.0.0.1:8080/v1"}, "set APP_LLM_MODEL"),
    ({"APP_LLM_MODEL": "llama"}, "without APP_LLM_BASE_URL"),
    ({"APP_LLM_BASE_URL": "ftp://x", "APP_LLM_MODEL": "m"}, "http(s) URL"),
    ({"APP_LLM_BASE_URL": "http://gpu.example:8000/v1", "APP_LLM_MODEL": "m", "APP_LLM_API_KEY": "sk-123"}, "clear text"),
    ({"APP_LLM_BASE_URL": "http://x/v1", "APP_LLM_MODEL": "m", "DATABRICKS_SERVING_ENDPOINT": "e"}, "both set"),
    ({"DATABRICKS_SERVING_ENDPOINT": "e"}, "DATABRICKS_HOST is not"),
])
def test_model_settings_are_checked(monkeypatch, env, words):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError, match=words.replace("(", r"\(").replace(")", r"\)")) as err:
        load_settings()
    assert "sk-123" not in str(err.value)


def test_model_settings_and_the_key_as_a_secret(monkeypatch):
    monkeypatch.setenv("APP_LLM_BASE_URL", "https://llm.example/v1/")
    monkeypatch.setenv("APP_LLM_MODEL", "m")
    monkeypatch.setenv("APP_LLM_API_KEY", "sk-secret-value")
    s = load_settings()
    assert s.llm_base_url == "https://llm.example/v1" and s.chat_model_configured
    assert "sk-secret-value" in s.secrets() and "sk-secret-value" not in repr(s)
    for name in ("APP_LLM_BASE_URL", "APP_LLM_MODEL", "APP_LLM_API_KEY"):
        monkeypatch.delenv(name)
    assert not Settings().chat_model_configured  # type: ignore[call-arg]
