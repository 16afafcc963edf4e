"""The chat page: conversations on the left, the open one on the right."""

from __future__ import annotations

import reflex as rx

from ..components.chat_message import chat_message, live_turn
from ..components.layout import page_frame
from ..components.pin_dialog import pin_dialog, pinned_link
from ..state.base import AppState
from ..state.chat import ChatLiveState, ChatState

ON_LOAD = [AppState.load_header, ChatState.load]


def _conversation(item: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.text(item["title"], size="2", trim="both", class_name="conversation-title"),
            variant=rx.cond(ChatState.current == item["id"], "soft", "ghost"),
            on_click=ChatState.open_conversation(item["id"]),
            flex="1",
            justify="start",
            min_width="0",
            class_name="conversation",
        ),
        rx.icon_button(rx.icon("trash-2", size=12), size="1", variant="ghost", color_scheme="gray",
                       on_click=ChatState.delete_conversation(item["id"]), aria_label="Delete conversation",
                       title="Delete conversation", class_name="delete-conversation"),
        width="100%",
        spacing="1",
    )


def _sidebar() -> rx.Component:
    return rx.vstack(
        rx.button(rx.icon("plus", size=14), "New conversation", on_click=ChatState.new_conversation, width="100%", id="new-conversation"),
        rx.foreach(ChatState.conversations, _conversation),
        width="16em",
        min_width="16em",
        spacing="1",
        id="conversations",
    )


def _agent_picker() -> rx.Component:
    return rx.vstack(
        rx.text("Agent", size="1", color="var(--gray-10)"),
        rx.select.root(
            rx.select.trigger(id="agent-picker"),
            rx.select.content(
                rx.foreach(
                    ChatState.agents,
                    lambda a: rx.select.item(a["name"] + rx.cond(a["error"] != "", " (broken)", ""), value=a["name"], disabled=a["error"] != ""),
                )
            ),
            value=ChatState.agent,
            on_change=ChatState.set_agent,
        ),
        rx.foreach(
            ChatState.agents,
            lambda a: rx.cond(
                a["error"] != "",
                rx.text(a["path"] + ": " + a["error"], size="1", color="var(--red-11)", class_name="agent-error"),
                rx.cond(a["name"] == ChatState.agent, rx.text(a["description"], size="1", color="var(--gray-10)")),
            ),
        ),
        spacing="1",
        id="new-conversation-panel",
    )


def _heading() -> rx.Component:
    return rx.hstack(
        rx.cond(
            ChatState.current != "",
            rx.hstack(
                rx.heading(ChatState.current_title, size="4", id="conversation-title"),
                rx.badge(ChatState.current_agent, variant="soft"),
                rx.icon_button(rx.icon("pencil", size=12), size="1", variant="ghost", on_click=ChatState.start_rename,
                               aria_label="Rename", title="Rename", id="rename-conversation"),
                align="center",
                spacing="2",
            ),
            _agent_picker(),
        ),
        rx.spacer(),
        pinned_link(),
        width="100%",
        align="start",
    )


def _rename_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Rename the conversation"),
            rx.input(value=ChatState.rename_draft, on_change=ChatState.set_rename_draft, id="rename-input", width="100%"),
            rx.hstack(
                rx.spacer(),
                rx.button("Cancel", variant="soft", color_scheme="gray", on_click=ChatState.cancel_rename),
                rx.button("Rename", on_click=ChatState.rename, id="rename-confirm"),
                margin_top="1em",
            ),
        ),
        open=ChatState.rename_open,
        on_open_change=lambda _o: ChatState.cancel_rename(),
    )


def _composer() -> rx.Component:
    return rx.vstack(
        rx.text_area(
            value=ChatState.draft,
            on_change=ChatState.set_draft,
            on_key_down=ChatState.on_input_key,
            placeholder="Ask about your data, e.g. top 10 customers by revenue in 1997 (Ctrl+Enter sends)",
            rows="3",
            width="100%",
            id="chat-input",
            disabled=ChatLiveState.streaming,
        ),
        rx.hstack(
            rx.spacer(),
            rx.button(rx.icon("send", size=14), "Send", on_click=ChatState.send, disabled=ChatLiveState.streaming, id="chat-send"),
            width="100%",
        ),
        width="100%",
        spacing="2",
    )


def chat_page() -> rx.Component:
    return page_frame(
        rx.cond(
            ChatState.configured,
            rx.hstack(
                _sidebar(),
                rx.vstack(
                    _heading(),
                    rx.cond(ChatState.error != "", rx.callout.root(rx.callout.text(ChatState.error), color_scheme="red", size="1", width="100%", id="chat-error")),
                    rx.foreach(ChatState.settled, lambda m: chat_message(m, ChatState.settled_figures)),
                    rx.foreach(ChatState.recent, lambda m: chat_message(m, ChatState.recent_figures)),
                    live_turn(),
                    _composer(),
                    flex="1",
                    min_width="0",
                    spacing="3",
                    id="chat-main",
                ),
                width="100%",
                align="start",
                spacing="4",
            ),
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.callout.text(ChatState.not_configured),
                color_scheme="amber",
                id="chat-not-configured",
            ),
        ),
        _rename_dialog(),
        pin_dialog(),
    )
