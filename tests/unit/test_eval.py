"""`python -m dashboard_app.eval`: the scoring rules one by one, then the command end to end on
the embedded engine with the fake model server answering one question right and one wrong,
and the export of thumbs-up answers as a question file."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from dashboard_app.backend import Services
from dashboard_app.eval import scoring
from dashboard_app.eval.__main__ import DEFAULT_FILE, UsageError, load_questions, main
from dashboard_app.eval.scoring import Attempt, ResultSet, judge_turn, score
from dashboard_app.services.history import HistoryStore
from dashboard_app.services.llm.client import NOT_CONFIGURED
from dashboard_app.services.results import ResultStore
from dashboard_app.services.sql.local import LocalEngine
from dashboard_app.settings import Settings
from tests.fakes.model_server import FakeModel, Text, ToolCalls


def rs(*rows, columns=None) -> ResultSet:
    width = len(rows[0]) if rows else len(columns or [])
    return ResultSet(columns or [f"c{i}" for i in range(width)], list(rows))


# --- scoring: what counts as the same result ---------------------------------------------------
def test_row_order_is_ignored_but_duplicates_count():
    assert score(rs((1, "a"), (2, "b")), rs((2, "b"), (1, "a"))).passed
    twice = score(rs((1, "a"), (1, "a")), rs((1, "a"),))
    assert not twice.passed and twice.kind == scoring.MISSING_ROWS


def test_column_names_and_order_are_ignored():
    gold = rs(("ASIA", 5), ("EUROPE", 7), columns=["r_name", "customers"])
    answer = rs((7, "EUROPE"), (5, "ASIA"), columns=["n", "region"])
    verdict = score(gold, answer)
    assert verdict.passed and "another order" in verdict.note


def test_numbers_compare_by_value_across_types():
    assert score(rs((Decimal("4321343464.39"),)), rs((4321343464.3899994,))).passed  # DECIMAL sum vs DOUBLE sum
    assert score(rs((Decimal("142397.715240"),)), rs((142397.71524013,))).passed  # the scale's trailing digits
    assert score(rs((5,)), rs((5.0,))).passed and score(rs((Decimal("5.00"),)), rs((5,))).passed
    assert score(rs((0.1 + 0.2,)), rs((0.3,))).passed
    assert score(rs((1.0000000004999,)), rs((1.0000000005001,))).passed  # across a rounding boundary
    assert not score(rs((Decimal("142397.72"),)), rs((142397.715240,))).passed  # rounded vs not: another answer
    assert not score(rs((1_500_000,)), rs((1_500_001,))).passed  # integers are exact, however large


def test_datetimes_in_utc_and_dates_as_midnight():
    cest = dt.timezone(dt.timedelta(hours=2))
    assert score(rs((dt.datetime(2024, 5, 1, 12, 0, tzinfo=cest),)), rs((dt.datetime(2024, 5, 1, 10, 0),))).passed
    assert score(rs((dt.date(1995, 1, 1),)), rs((dt.datetime(1995, 1, 1, 0, 0),))).passed
    assert not score(rs((dt.date(1995, 1, 1),)), rs((dt.datetime(1995, 1, 1, 0, 1),))).passed


def test_nulls_nans_strings_and_booleans():
    assert score(rs((None, "a")), rs((None, "a"))).passed
    assert score(rs((float("nan"),)), rs((float("nan"),))).passed
    assert not score(rs(("BUILDING",)), rs(("BUILDING ",))).passed  # strings are exact
    assert not score(rs((None,)), rs(("",))).passed
    assert not score(rs((True,)), rs((1,))).passed


def test_extra_columns_pass_when_the_gold_columns_are_among_them():
    gold = rs((1, 10), (2, 20), columns=["custkey", "total"])
    answer = rs(("Ana", 1, 10), ("Bob", 2, 20), columns=["name", "custkey", "total"])
    verdict = score(gold, answer)
    assert verdict.passed and verdict.note == "extra columns ignored: name"
    # The values are there column by column, but not paired in the same rows.
    crossed = score(gold, rs(("Ana", 1, 20), ("Bob", 2, 10), columns=["name", "custkey", "total"]))
    assert not crossed.passed and crossed.kind == scoring.OTHER_COLUMNS
    assert crossed.reason.startswith("different result: other columns: expected 2 columns, got 3 (name, custkey, total)")


def test_fewer_columns_are_other_columns():
    verdict = score(rs((1, 10)), rs((1,)))
    assert verdict.kind == scoring.OTHER_COLUMNS and verdict.reason == "different result: other columns: expected 2 columns, got 1 (c0)"


def test_missing_and_extra_rows_say_how_many_with_an_example():
    gold = rs(("ASIA",), ("EUROPE",), ("AFRICA",))
    missing = score(gold, rs(("ASIA",), ("EUROPE",)))
    assert missing.kind == scoring.MISSING_ROWS
    assert missing.reason == "different result: missing rows: 1 of 3 rows expected are not in the answer, e.g. ('AFRICA')"
    extra = score(gold, rs(("ASIA",), ("EUROPE",), ("AFRICA",), ("AMERICA",)))
    assert extra.kind == scoring.EXTRA_ROWS
    assert extra.reason == "different result: extra rows: 1 row not expected (4 in all, 3 expected), e.g. ('AMERICA')"


def test_a_wrong_row_in_a_reordered_answer_is_shown_as_that_row():
    gold = rs(("a", 1), ("b", 2), ("c", 3))
    verdict = score(gold, rs((1, "a"), (2, "b"), (4, "c")))
    assert verdict.kind == scoring.MISSING_ROWS
    assert "1 of 3" in verdict.reason and "e.g. ('c', 3)" in verdict.reason and "e.g. ('c', 4)" in verdict.reason


def test_a_single_value_shows_both():
    verdict = score(rs((Decimal(150000),), columns=["count(1)"]), rs((149999,), columns=["n"]))
    assert verdict.kind == scoring.SINGLE_VALUE
    assert verdict.reason == "different result: a single value: expected 150000, got 149999"


def test_a_cut_result_is_said():
    verdict = score(rs((1,), (2,)), ResultSet(["x"], [(1,)], truncated=True))
    assert verdict.reason.endswith("(the answer's result was cut at the row limit)")


def test_from_arrow_keeps_duplicate_column_names():
    import pyarrow as pa

    table = pa.Table.from_arrays([pa.array([1, 2]), pa.array(["a", "b"])], names=["x", "x"])
    assert ResultSet.from_arrow(table).rows == [(1, "a"), (2, "b")]


# --- scoring: why a turn fails before any comparison --------------------------------------------
OK = Attempt("ok", "SELECT 1", result_id="r1")


def test_the_answer_is_the_last_sql_that_ran():
    later = Attempt("ok", "SELECT 2", result_id="r2")
    assert scoring.answer_sql([OK, later, Attempt("error", "SELEC 3", "syntax")]) == later
    assert judge_turn("ok", "", [Attempt("error", "SELEC", "syntax"), OK]) is None


@pytest.mark.parametrize(("status", "error", "attempts", "kind", "reason"), [
    ("ok", "", [], scoring.NO_SQL, "no SQL: the agent ran no SQL"),
    ("ok", "", [Attempt("error", "SELECT nope", "[UNRESOLVED_COLUMN] nope")], scoring.SQL_ERROR,
     "SQL error: [UNRESOLVED_COLUMN] nope"),
    ("ok", "", [Attempt("refused", "DELETE FROM t", "the agent proposed a change that needs a person: DELETE FROM t")],
     scoring.REFUSED, "refused: the agent proposed a change that needs a person: DELETE FROM t"),
    ("step_cap", "Stopped after 10 rounds of tool calls without an answer.", [OK], scoring.STEP_CAP,
     "step cap: Stopped after 10 rounds of tool calls without an answer."),
    ("error", "The model answered 500", [OK], scoring.MODEL_ERROR, "model error: The model answered 500"),
    ("incomplete", "The connection broke", [], scoring.MODEL_ERROR, "model error: The connection broke"),
])
def test_turn_failures(status, error, attempts, kind, reason):
    verdict = judge_turn(status, error, attempts)
    assert verdict is not None and not verdict.passed
    assert (verdict.kind, verdict.reason) == (kind, reason)


# --- the question file ---------------------------------------------------------------------------
def test_the_bundled_question_file_is_valid():
    questions = load_questions(DEFAULT_FILE)
    assert len(questions) > 10 and {"easy", "medium"} <= {q.level for q in questions}


@pytest.mark.parametrize(("text", "message"), [
    ("questions: []", "non-empty list"),
    ("questions:\n  - {id: a, question: Q, sql: SELECT 1}\n  - {id: b, question: Q}", "question 2 (b): `sql` is missing"),
    ("questions:\n  - {id: a, question: Q, sql: SELECT 1, sqll: x}", "question 1 (a): unknown key sqll"),
    ("questions:\n  - {id: a, question: Q, sql: SELECT 1}\n  - {id: a, question: R, sql: SELECT 2}", "question 2 (a): the id is used twice"),
    ("questions:\n  - {id: a, question: Q, sql: SELECT 1, tags: x}", "`tags` must be a list"),
    ("questions: [", "not valid YAML"),
])
def test_an_invalid_file_says_which_question_and_why(tmp_path, text, message):
    path = tmp_path / "q.yaml"
    path.write_text(text)
    with pytest.raises(UsageError, match=re.escape(message)):
        load_questions(path)


# --- the command, end to end -------------------------------------------------------------------
@pytest.fixture(scope="module")
def model():
    with FakeModel() as fm:
        yield fm


@pytest.fixture(scope="module")
def svc(tmp_path_factory, model):
    settings = Settings(  # type: ignore[call-arg]
        APP_DATA_DIR=str(tmp_path_factory.mktemp("app")), APP_LLM_BASE_URL=model.base_url,
        APP_LLM_MODEL="fake-model", APP_LLM_API_KEY="fake-model-key",
    )
    engine = LocalEngine(settings.data_dir, settings.effective_files_root)
    try:
        yield Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
    finally:
        engine.close()


QUESTIONS = """\
questions:
  - id: regions-count
    question: How many regions are there?
    sql: SELECT count(*) FROM samples.tpch.region
    level: easy
    tags: [count]
  - id: region-names
    question: List the region names.
    sql: SELECT r_name FROM samples.tpch.region
    level: medium
    tags: []
"""


def test_the_command_scores_one_right_and_one_wrong_answer(svc, model, tmp_path, capsys):
    model.reset()
    model.script(
        ToolCalls([("run_sql", {"sql": "SELECT count(*) AS regions FROM samples.tpch.region"})]), Text("There are 5 [Q1]."),
        ToolCalls([("run_sql", {"sql": "SELECT r_name FROM samples.tpch.region WHERE r_name <> 'ASIA'"})]), Text("Four [Q1]."),
    )
    path, out = tmp_path / "q.yaml", tmp_path / "report.json"
    path.write_text(QUESTIONS)
    assert main([str(path), "--json", str(out), "--user", "tester@example.com"], svc=svc) == 0

    report = json.loads(out.read_text())
    summary = report["summary"]
    assert (summary["passed"], summary["total"], summary["accuracy"]) == (1, 2, 0.5)
    assert summary["by_level"] == {"easy": {"passed": 1, "total": 1, "accuracy": 1.0},
                                   "medium": {"passed": 0, "total": 1, "accuracy": 0.0}}
    right, wrong = report["questions"]
    assert (right["id"], right["status"], right["reason"]) == ("regions-count", "pass", "")
    assert right["sql"] == "SELECT count(*) AS regions FROM samples.tpch.region"
    assert (wrong["status"], wrong["kind"]) == ("fail", "missing rows")
    assert wrong["reason"] == "different result: missing rows: 1 of 5 rows expected are not in the answer, e.g. ('ASIA')"
    assert all(q["prompt_tokens"] > 0 and q["completion_tokens"] > 0 and q["seconds"] > 0 for q in report["questions"])
    assert summary["prompt_tokens"] == right["prompt_tokens"] + wrong["prompt_tokens"]
    assert report["user"] == "tester@example.com"
    assert len(model.requests) == 4  # one turn of two model calls per question

    shown = capsys.readouterr().out
    assert "accuracy 50.0% (1/2)   easy 100.0% (1/1)   medium 0.0% (0/1)" in shown
    assert "regions-count" in shown and "FAIL" in shown and "missing rows" in shown
    # Each question had a conversation of its own, kept for the user who asked.
    assert len(svc.conversations.list("tester@example.com")) == 2


def test_only_and_an_unknown_id(svc, model, tmp_path, capsys):
    model.reset()
    model.script(Text("I cannot tell."))
    path = tmp_path / "q.yaml"
    path.write_text(QUESTIONS)
    out = tmp_path / "r.json"
    assert main([str(path), "--only", "region-names", "--json", str(out)], svc=svc) == 0
    (only,) = json.loads(out.read_text())["questions"]
    assert (only["id"], only["kind"], only["reason"]) == ("region-names", "no SQL", "no SQL: the agent ran no SQL")
    assert main([str(path), "--only", "nope"], svc=svc) == 2
    assert "No question with id nope" in capsys.readouterr().err


def test_without_a_model_it_fails_in_one_line(tmp_path, capsys):
    settings = Settings(APP_DATA_DIR=str(tmp_path))  # type: ignore[call-arg]
    engine = LocalEngine(settings.data_dir, settings.effective_files_root)
    try:
        bare = Services(settings=settings, engine=engine, results=ResultStore(), history=HistoryStore(settings.effective_db_url))
        assert main([], svc=bare) == 2
    finally:
        engine.close()
    err = capsys.readouterr().err
    assert err == f"error: {NOT_CONFIGURED}\n"


def test_a_missing_file_fails_in_one_line(svc, tmp_path, capsys):
    assert main([str(tmp_path / "none.yaml")], svc=svc) == 2
    assert capsys.readouterr().err.strip() == f"error: No question file at {tmp_path / 'none.yaml'}"


def test_export_liked_writes_a_question_file(svc, tmp_path, capsys):
    store = svc.conversations
    conv = store.create("ana@example.com", title="Regions")
    store.add_message("ana@example.com", conv.id, "user", "How many regions are there?")
    sql = "SELECT count(*)\nFROM samples.tpch.region"
    cards = [
        {"name": "run_sql", "status": "error", "sql": "SELECT count(*) FROM region", "result_id": ""},
        {"name": "run_sql", "status": "ok", "sql": sql, "result_id": "r1"},
        {"name": "make_chart", "status": "ok", "sql": "", "result_id": "r1"},
    ]
    liked = store.add_message("ana@example.com", conv.id, "assistant", "Five [Q1].", cards=cards)
    store.set_feedback("ana@example.com", liked.id, 1)
    store.add_message("ana@example.com", conv.id, "user", "Thanks!")
    no_sql = store.add_message("ana@example.com", conv.id, "assistant", "You're welcome.")
    store.set_feedback("ana@example.com", no_sql.id, 1)
    other = store.create("bob@example.com", title="Bob's")
    store.add_message("bob@example.com", other.id, "user", "How many nations?")
    bobs = store.add_message("bob@example.com", other.id, "assistant", "25", cards=[
        {"name": "run_sql", "status": "ok", "sql": "SELECT count(*) FROM samples.tpch.nation", "result_id": "r2"}])
    store.set_feedback("bob@example.com", bobs.id, 1)

    out = tmp_path / "liked.yaml"
    assert main(["--export-liked", str(out), "--user", "ana@example.com"], svc=svc) == 0
    assert "Wrote 1 liked answer of ana@example.com" in capsys.readouterr().out
    (q,) = load_questions(out)
    assert (q.id, q.question, q.sql, q.level, q.tags) == (f"liked-{liked.id}", "How many regions are there?", sql, "unrated", ("liked",))
    assert "sql: |" in out.read_text()  # multi-line SQL stays readable

    everyone = tmp_path / "all.yaml"
    assert main(["--export-liked", str(everyone)], svc=svc) == 0
    assert [q.id for q in load_questions(everyone)] == [f"liked-{liked.id}", f"liked-{bobs.id}"]
