"""One message of a conversation: the question, or the answer with its tool cards, its
references and feedback. The answer's HTML is rendered inert on the server
(services/markdown.py)."""

from __future__ import annotations

import reflex as rx

from ..state.chat import ChatLiveState, ChatState
from .tool_card import tool_card


def _feedback(message: rx.Var) -> rx.Component:
    key = message["key"].to(str)
    fb = message["feedback"].to(str)
    return rx.vstack(
        rx.hstack(
            rx.icon_button(rx.icon("thumbs-up", size=14), size="1", variant=rx.cond(fb == "1", "solid", "ghost"),
                           on_click=ChatState.feedback(key, 1), aria_label="Good answer", title="Good answer", class_name="thumb-up",
                           data_active=rx.cond(fb == "1", "1", "0")),
            rx.icon_button(rx.icon("thumbs-down", size=14), size="1", variant=rx.cond(fb == "-1", "solid", "ghost"), color_scheme="red",
                           on_click=ChatState.feedback(key, -1), aria_label="Bad answer", title="Bad answer", class_name="thumb-down",
                           data_active=rx.cond(fb == "-1", "1", "0")),
            rx.cond(message["comment"].to(str) != "", rx.text(message["comment"].to(str), size="1", color="var(--gray-10)", class_name="feedback-comment")),
            spacing="2",
            align="center",
        ),
        rx.cond(
            ChatState.comment_for == key,
            rx.hstack(
                rx.input(placeholder="Add a comment (optional)", value=ChatState.comment_draft, on_change=ChatState.set_comment_draft,
                         size="1", width="24em", class_name="comment-input"),
                rx.button("Save", size="1", on_click=ChatState.save_comment, class_name="comment-save"),
                rx.button("Skip", size="1", variant="ghost", on_click=ChatState.close_comment),
                spacing="2",
            ),
        ),
        spacing="1",
    )


def _status_note(message: rx.Var) -> rx.Component:
    status = message["status"].to(str)
    return rx.cond(
        status != "ok",
        rx.callout.root(
            rx.callout.text(
                rx.match(status, ("stopped", "Stopped."), ("step_cap", "Stopped: too many tool calls."), "The answer is incomplete."),
                " ",
                message["error"].to(str),
            ),
            rx.cond(status != "stopped",
                    rx.button(rx.icon("rotate-ccw", size=14), "Retry", size="1", variant="soft", on_click=ChatState.retry(message["key"].to(str)), class_name="retry")),
            color_scheme=rx.cond(status == "stopped", "gray", "amber"),
            size="1",
            class_name="answer-status",
            data_status=status,
        ),
    )


def chat_message(message: rx.Var, figures: rx.Var) -> rx.Component:
    """`figures`: the list the message's card charts index into."""
    key = message["key"].to(str)
    return rx.cond(
        message["role"].to(str) == "user",
        rx.box(rx.html(message["html"].to(str)), class_name="chat-question"),
        rx.vstack(
            rx.foreach(message["cards"].to(list[dict]), lambda card, i: tool_card(card, figures, key, i)),
            rx.box(rx.html(message["html"].to(str)), class_name="chat-answer markdown-body", width="100%"),
            _status_note(message),
            _feedback(message),
            spacing="2",
            width="100%",
            class_name="chat-turn",
            data_key=key,
        ),
    )


def live_turn() -> rx.Component:
    """The question being answered and the answer as it streams (plain text until done)."""
    return rx.cond(
        ChatLiveState.streaming,
        rx.vstack(
            rx.box(rx.text(ChatLiveState.live_question, white_space="pre-wrap"), class_name="chat-question"),
            rx.foreach(ChatLiveState.live_cards, lambda card: tool_card(card, None, None, None)),
            rx.box(rx.text(ChatLiveState.live_text, white_space="pre-wrap", id="live-text"), class_name="chat-answer", width="100%"),
            rx.hstack(
                rx.spinner(size="1"),
                rx.text(ChatLiveState.live_status, size="1", color="var(--gray-10)"),
                rx.text(ChatLiveState.elapsed.to_string() + " s", size="1", color="var(--gray-10)", id="chat-elapsed"),
                rx.button(rx.icon("square", size=12), "Stop", size="1", color_scheme="red", variant="soft", on_click=ChatLiveState.stop, id="chat-stop"),
                align="center",
                spacing="2",
            ),
            width="100%",
            spacing="2",
            id="live-turn",
        ),
    )
