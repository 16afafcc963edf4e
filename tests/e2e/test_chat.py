"""The chat page in the browser, answering through the fake model on a real socket."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.fakes.model_server import Break, Text, Tokens, ToolCalls

from .conftest import echo_agent
from .helpers import expect_editor, type_sql


@pytest.fixture
def chat(page: Page, app, model):
    model.reset()
    model.responder = echo_agent
    page.goto(app.url + "/chat")
    expect(page.locator("#chat-input")).to_be_enabled()
    page.locator("#new-conversation").click()
    yield page
    model.reset()
    model.responder = echo_agent


def ask(page: Page, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.locator("#chat-send").click()


def answered(page: Page):
    expect(page.locator("#live-turn")).to_have_count(0, timeout=60_000)
    return page.locator(".chat-turn").last


def test_streamed_text_is_visible_before_the_answer_ends(chat: Page, model):
    model.script(Tokens(60, rate_per_s=20))  # three seconds of answer
    ask(chat, "Say something long")
    live = chat.locator("#live-text")
    expect(live).to_contain_text("t3 ")
    # Still streaming: the Stop button is there and the last token has not come yet.
    expect(chat.locator("#chat-stop")).to_be_visible()
    assert "t59" not in live.inner_text()
    turn = answered(chat)
    expect(turn.locator(".chat-answer")).to_contain_text("t59")
    expect(chat.locator(".chat-question").last).to_contain_text("Say something long")


def test_a_tool_card_shows_rows_and_opens_in_the_editor(chat: Page, model, app):
    frames: list[str] = []
    chat.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, str) else f.decode("utf-8", "replace"))))
    chat.reload()  # the websocket again, now watched
    expect(chat.locator("#chat-input")).to_be_enabled()
    chat.locator("#new-conversation").click()
    sql = "SELECT r_name, r_regionkey FROM samples.tpch.region ORDER BY r_regionkey"
    model.script(ToolCalls([("run_sql", {"sql": sql})]), Text("There are **5** regions [Q1], and [Q9] is made up."))
    ask(chat, "How many regions are there?")
    turn = answered(chat)
    card = turn.locator(".tool-card")
    expect(card).to_have_attribute("data-status", "ok")
    expect(card.locator(".result-grid")).to_contain_text("AFRICA")
    expect(card).to_contain_text("5 rows")
    # The figure cites its query: the reference is a link to the card; the made-up one is gone.
    ref = turn.locator("a.answer-ref")
    expect(ref).to_have_text("Q1")
    assert ref.get_attribute("href") == "#" + card.get_attribute("id")
    expect(turn.locator(".chat-answer")).not_to_contain_text("Q9")

    # The model's key reached the model only: not a frame, not the page, not the log.
    assert frames and not any(model.api_key in f for f in frames)
    assert model.api_key not in chat.content() and model.api_key not in app.log.read_text()

    turn.locator(".open-in-editor").click()
    expect(chat).to_have_url(re.compile(r"/$"))
    expect_editor(chat, sql)


def test_thumbs_are_kept_after_a_reload(chat: Page, model, app):
    model.script(Text("Forty-two."))
    ask(chat, "The answer?")
    turn = answered(chat)
    turn.locator(".thumb-up").click()
    expect(turn.locator(".thumb-up")).to_have_attribute("data-active", "1")
    chat.locator(".comment-input input").fill("spot on")
    chat.locator(".comment-save").click()
    expect(turn.locator(".feedback-comment")).to_have_text("spot on")

    chat.reload()
    chat.locator(".conversation", has_text="The answer?").first.click()
    turn = chat.locator(".chat-turn").last
    expect(turn.locator(".chat-answer")).to_contain_text("Forty-two.")
    expect(turn.locator(".thumb-up")).to_have_attribute("data-active", "1")
    expect(turn.locator(".feedback-comment")).to_have_text("spot on")


def test_a_hostile_answer_is_rendered_inert(chat: Page, model):
    hostile = (
        "<script>window.__pwned = 1</script>\n\n<img src=x onerror=\"window.__pwned = 2\">\n\n"
        "[click](javascript:window.__pwned=3) ![pixel](http://198.51.100.1/p.png) "
        "<a href=\"javascript:window.__pwned=4\">x</a> [fine](https://example.com/docs)"
    )
    outside: list[str] = []
    chat.on("request", lambda r: outside.append(r.url) if "198.51.100.1" in r.url else None)
    model.script(Text(hostile, chunk_chars=16))
    ask(chat, "Be hostile")
    answer = answered(chat).locator(".chat-answer")
    expect(answer).to_contain_text("<script>window.__pwned = 1</script>")  # shown as text
    assert answer.locator("script, img, iframe").count() == 0
    assert answer.locator("a[href^='javascript']").count() == 0
    expect(answer.locator("a[href='https://example.com/docs']")).to_have_attribute("rel", re.compile("noopener"))
    chat.wait_for_timeout(300)
    assert chat.evaluate("window.__pwned") is None
    assert outside == []


def test_a_write_waits_for_the_workbench_confirmation(chat: Page, model):
    model.script(ToolCalls([("run_sql", {"sql": "DROP TABLE samples.tpch.region"})]), Text("I proposed dropping it."))
    ask(chat, "Drop the region table")
    turn = answered(chat)
    card = turn.locator(".tool-card")
    expect(card).to_have_attribute("data-status", "needs_confirmation")
    expect(card).to_contain_text("Not run: DROP TABLE")
    turn.locator(".run-proposal").click()
    # The workbench's own dialog names the statement; dismissing it runs nothing.
    dialog = chat.get_by_role("alertdialog")
    expect(dialog).to_contain_text("DROP TABLE")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    type_sql(chat, "SELECT count(*) AS n FROM samples.tpch.region")
    chat.locator("#run-button").click()
    expect(chat.locator("#results-table")).to_contain_text("5")


def test_an_answer_is_pinned_to_a_dashboard(chat: Page, model):
    model.script(ToolCalls([("run_sql", {"sql": "SELECT n_name FROM samples.tpch.nation ORDER BY n_name LIMIT 3"})]), Text("Three nations [Q1]."))
    ask(chat, "Three nations")
    answered(chat).locator(".pin-answer").click()
    chat.locator("#pin-confirm").click()
    link = chat.locator("#pinned-link")
    expect(link).to_be_visible()
    link.click()
    expect(chat.locator(".dashboard-tile").last).to_contain_text("ALGERIA")


def test_stop_keeps_what_was_said_and_a_broken_answer_can_be_retried(chat: Page, model):
    model.script(Tokens(400, rate_per_s=40))  # ten seconds, unless stopped
    ask(chat, "Talk for a while")
    expect(chat.locator("#live-text")).to_contain_text("t5 ")
    chat.locator("#chat-stop").click()
    turn = answered(chat)
    expect(turn.locator(".answer-status")).to_have_attribute("data-status", "stopped")
    expect(turn.locator(".chat-answer")).to_contain_text("t5 ")
    assert "t399" not in turn.locator(".chat-answer").inner_text()

    model.script(Break("Half an ans"), Text("The whole answer."))
    ask(chat, "Break, then mend")
    turn = answered(chat)
    expect(turn.locator(".answer-status")).to_have_attribute("data-status", "incomplete")
    expect(turn.locator(".chat-answer")).to_contain_text("Half an ans")
    turn.locator(".retry").click()
    expect(chat.locator(".chat-turn").last.locator(".chat-answer")).to_contain_text("The whole answer.", timeout=30_000)
    expect(chat.locator(".chat-question").last).to_contain_text("Break, then mend")
