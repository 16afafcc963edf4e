"""The chat page: conversations, the streaming answer, tool cards and feedback.

A thin caller of ChatService (services/llm/chat.py), the same turn /api/chat runs. While an
answer streams, only `live_text` (in ChatLiveState, so nothing else re-renders) changes,
flushed at most every FLUSH_S: what a token costs does not depend on the conversation.

The conversation is shown from two lists, because Reflex resends a whole list when it
changes: `settled` (as opened) and `recent` (turns finished since, at most RECENT_TURNS). A
finished turn is appended to `recent` once; only when that is full does everything move to
`settled`, so a turn's end resends a few turns, not the whole conversation.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from ..backend import services
from ..services import markdown
from ..services.conversations import ConversationNotFound, Message
from ..services.limits import RateLimited
from ..services.llm import agent as loop
from ..services.llm.chat import ChatRefused, Prepared, Saved, fill_card, new_card
from ..services.llm.client import NOT_CONFIGURED, ModelNotConfigured
from .base import AppState

RECENT_TURNS = 8
FLUSH_S = 0.04  # the streamed answer reaches the page at most this often
TICK_S = 1.0  # the running timer
MAX_INPUT = 20_000

# The turn each tab is running, by client token: Stop (another event) sets its stop flag.
ACTIVE: dict[str, Prepared] = {}
# Tabs whose stream_turn is running: a page load finding `streaming` set without one here
# (the tab went away before its stream began) clears it, so the tab is never stuck.
STREAMING: set[str] = set()


def _card_view(card: dict[str, Any], anchor: str, figures: list[go.Figure]) -> dict[str, Any]:
    figure = -1
    if card.get("figure"):
        try:
            figures.append(go.Figure(card["figure"]))
            figure = len(figures) - 1
        except (ValueError, TypeError):
            figure = -1
    preview = card.get("preview") or []
    return {
        "anchor": anchor, "name": str(card.get("name", "")), "label": str(card.get("label", "")),
        "status": str(card.get("status", "")), "sql": str(card.get("sql", "")), "time": str(card.get("time", "")),
        "rows": str(card.get("rows", "")), "error": str(card.get("error", "")), "verified": str(card.get("verified", "")),
        "kind": str(card.get("kind", "")), "objects": str(card.get("objects", "")),
        "proposal": "1" if card.get("proposal_id") else "", "arguments": str(card.get("arguments", ""))[:500],
        "columns": [str(c) for c in card.get("columns") or []],
        "preview": [[None if v is None else str(v) for v in row] for row in preview],
        "figure": figure,
    }


def _view(m: Message, figures: list[go.Figure]) -> dict[str, Any]:
    key = str(m.id)
    cards = [_card_view(c, f"card-{key}-{i}", figures) for i, c in enumerate(m.cards)]
    anchors = {c["label"]: c["anchor"] for c in cards if c["label"]}
    refs = {r["label"]: anchors[r["label"]] for r in m.refs if r.get("label") in anchors}
    html = markdown.to_html(m.text, refs) if m.role == "assistant" else markdown.plain_html(m.text)
    return {
        "key": key, "role": m.role, "html": html, "status": m.status, "error": m.error,
        "feedback": str(m.feedback), "comment": m.comment, "cards": cards,
    }


class ChatState(AppState):
    configured: bool = True
    not_configured: str = ""
    conversations: list[dict[str, str]] = []
    current: str = ""  # the open conversation's id ("" for a new one)
    current_title: str = ""
    agents: list[dict[str, str]] = []  # name, description, error, path
    agent: str = ""  # the agent of a new conversation
    current_agent: str = ""
    settled: list[dict[str, Any]] = []
    settled_figures: list[go.Figure] = []
    recent: list[dict[str, Any]] = []
    recent_figures: list[go.Figure] = []
    draft: str = ""
    error: str = ""

    # Feedback comment and rename dialogs.
    comment_for: str = ""
    comment_draft: str = ""
    rename_open: bool = False
    rename_draft: str = ""

    # The stored messages of the open conversation (server side: cards carry SQL to reuse).
    _stored: list[Message] = []

    # --- loading ---------------------------------------------------------------------------
    @rx.event
    async def load(self):
        token = self.router.session.client_token
        live = await self.get_state(ChatLiveState)
        if live.streaming and token not in STREAMING:
            ACTIVE.pop(token, None)
            live.streaming, live.live_text, live.live_cards, live.live_question, live.live_status = False, "", [], "", ""
        chat = services().chat
        self.configured = chat.configured
        self.not_configured = "" if chat.configured else NOT_CONFIGURED
        await self._load_lists()
        if self.current:
            await self._open(self.current)

    async def _load_lists(self) -> None:
        svc, user = services(), self._identity().user
        rows = await asyncio.to_thread(svc.conversations.list, user)
        conversations = [{"id": r.id, "title": r.title, "agent": r.agent, "updated": r.updated_at.strftime("%Y-%m-%d %H:%M")} for r in rows]
        if conversations != self.conversations:  # an assignment is resent even when equal
            self.conversations = conversations
        listed = await asyncio.to_thread(svc.chat.agents)
        agents = [{"name": a.name, "description": a.description, "error": a.error, "path": a.path} for a in listed]
        if agents != self.agents:
            self.agents = agents
        if not any(a["name"] == self.agent and not a["error"] for a in self.agents):
            self.agent = self.agents[0]["name"]

    async def _open(self, conversation_id: str) -> bool:
        svc, user = services(), self._identity().user
        try:
            conv = await asyncio.to_thread(svc.conversations.get, user, conversation_id)
            stored = await asyncio.to_thread(svc.conversations.messages, user, conversation_id)
        except ConversationNotFound as err:
            self.error, self.current = str(err), ""
            self._show([])
            return False
        self._show(stored)
        self.current, self.current_title, self.current_agent = conv.id, conv.title, conv.agent
        return True

    def _show(self, stored: list[Message]) -> None:
        figures: list[go.Figure] = []
        self.settled, self.settled_figures = [_view(m, figures) for m in stored], figures
        self.recent, self.recent_figures, self._stored = [], [], list(stored)

    async def _busy(self) -> bool:
        return (await self.get_state(ChatLiveState)).streaming

    @rx.event
    async def open_conversation(self, conversation_id: str):
        if not isinstance(conversation_id, str) or await self._busy():
            return
        self.error = ""
        await self._open(conversation_id)

    @rx.event
    async def new_conversation(self):
        if await self._busy():
            return
        self._clear()

    def _clear(self) -> None:
        self.current, self.current_title, self.current_agent = "", "", ""
        self._show([])
        self.error = ""

    @rx.event
    def set_agent(self, name: str):
        if isinstance(name, str) and any(a["name"] == name and not a["error"] for a in self.agents):
            self.agent = name

    @rx.event
    def set_draft(self, value: str):
        if isinstance(value, str):
            self.draft = value[:MAX_INPUT]

    # --- rename and delete -----------------------------------------------------------------------
    @rx.event
    def start_rename(self):
        if self.current:
            self.rename_open, self.rename_draft = True, self.current_title

    @rx.event
    def set_rename_draft(self, value: str):
        if isinstance(value, str):
            self.rename_draft = value[:200]

    @rx.event
    def cancel_rename(self):
        self.rename_open = False

    @rx.event
    async def rename(self):
        svc, user = services(), self._identity().user
        try:
            conv = await asyncio.to_thread(svc.conversations.rename, user, self.current, self.rename_draft)
        except (ConversationNotFound, ValueError) as err:
            self.error = str(err)
            return
        self.current_title, self.rename_open = conv.title, False
        await self._load_lists()

    @rx.event
    async def delete_conversation(self, conversation_id: str):
        if not isinstance(conversation_id, str) or (conversation_id == self.current and await self._busy()):
            return
        svc, user = services(), self._identity().user
        try:
            await asyncio.to_thread(svc.conversations.delete, user, conversation_id)
        except ConversationNotFound as err:
            self.error = str(err)
            return
        if conversation_id == self.current:
            self._clear()
        await self._load_lists()

    # --- a turn ----------------------------------------------------------------------------------
    @rx.event
    async def send(self):
        text = self.draft.strip()
        if not text or await self._busy():
            return None
        return await self._start(text)

    @rx.event
    async def on_input_key(self, key: str, info: dict):
        if key == "Enter" and isinstance(info, dict) and (info.get("ctrl_key") or info.get("meta_key")):
            return await self.send()
        return None

    @rx.event
    async def retry(self, key: str):
        """Asks the question of an incomplete answer again."""
        if not isinstance(key, str) or await self._busy():
            return None
        for i, m in enumerate(self._stored):
            if str(m.id) == key and m.role == "assistant" and m.status != "ok" and i > 0 and self._stored[i - 1].role == "user":
                return await self._start(self._stored[i - 1].text)
        return None

    async def _start(self, text: str):
        svc = services()
        token = self.router.session.client_token
        live = await self.get_state(ChatLiveState)
        if token in ACTIVE:
            if live.streaming:
                return None
            ACTIVE.pop(token)  # a turn whose stream never started (the tab went away): forget it
        try:
            prepared = await asyncio.to_thread(
                svc.chat.prepare, self._identity(), text, conversation_id=self.current or None,
                agent=None if self.current else self.agent, session=token,
            )
        except ModelNotConfigured:
            self.configured, self.not_configured = False, NOT_CONFIGURED
            return None
        except (ChatRefused, ConversationNotFound) as err:
            self.error = str(err)
            return None
        except RateLimited as err:
            self.error = err.message
            return None
        ACTIVE[token] = prepared
        self.error, self.draft = "", ""
        live.streaming, live.live_question, live.live_text, live.live_cards = True, text, "", []
        live.live_status, live.elapsed = "Thinking…", 0
        return ChatLiveState.stream_turn

    async def _finish_turn(self, prepared: Prepared) -> None:
        """The turn's question and answer join the conversation, in one update."""
        if self.current not in ("", prepared.conversation_id):
            await self._load_lists()  # the person opened another conversation meanwhile
            return
        svc, user = services(), self._identity().user
        try:
            stored = await asyncio.to_thread(svc.conversations.messages, user, prepared.conversation_id)
            conv = await asyncio.to_thread(svc.conversations.get, user, prepared.conversation_id) if self.current == "" else None
        except ConversationNotFound:
            self._clear()
            await self._load_lists()
            return
        if conv is not None:  # the turn began the conversation
            self.current, self.current_title, self.current_agent = conv.id, conv.title, conv.agent
            self._show(stored)
        elif len(self.recent) + 2 > 2 * RECENT_TURNS:
            self._show(stored)  # everything into `settled`, once every RECENT_TURNS turns
        else:
            known = {m.id for m in self._stored}
            new = [m for m in stored if m.id not in known]
            figures = list(self.recent_figures)
            self.recent = [*self.recent, *(_view(m, figures) for m in new)]
            self.recent_figures, self._stored = figures, stored
        await self._load_lists()

    # --- cards -----------------------------------------------------------------------------------
    def _card(self, key: Any, index: Any) -> dict[str, Any] | None:
        if not isinstance(key, str) or not isinstance(index, int) or isinstance(index, bool):
            return None
        for m in self._stored:
            if str(m.id) == key and 0 <= index < len(m.cards):
                return m.cards[index]
        return None

    @rx.event
    async def open_in_editor(self, key: str, index: int):
        from .query import QueryState

        card = self._card(key, index)
        if card is None or not card.get("sql"):
            return None
        query = await self.get_state(QueryState)
        if query.running:
            self.error = "The SQL editor is running a query: wait for it, or cancel it, then try again."
            return None
        query._replace(card["sql"])
        return rx.redirect("/")

    @rx.event
    async def run_proposal(self, key: str, index: int):
        """Opens the proposed statement in the workbench, whose confirmation dialog names its
        kind and objects: it runs only if the person confirms there."""
        from .query import QueryState

        card = self._card(key, index)
        if card is None or not card.get("proposal_id"):
            return None
        try:
            proposal = await asyncio.to_thread(services().conversations.get_proposal, self._identity().user, card["proposal_id"])
        except ConversationNotFound as err:
            self.error = str(err)
            return None
        query = await self.get_state(QueryState)
        if query.running:
            self.error = "The SQL editor is running a query: wait for it, or cancel it, then try again."
            return None
        query._replace(proposal.sql)
        return [rx.redirect("/"), QueryState.run]

    @rx.event
    async def pin(self, key: str, index: int):
        from .dashboards import PinState

        card = self._card(key, index)
        if card is None or not card.get("sql") or card.get("status") != "ok":
            return None
        viz: dict[str, Any] = {"type": "table"}
        if card.get("name") == "make_chart":
            try:
                args = json.loads(card.get("arguments") or "{}")
            except json.JSONDecodeError:
                args = {}
            if not isinstance(args, dict):  # the model wrote these arguments: any JSON at all
                args = {}
            y = args.get("y")
            ys = [y] if isinstance(y, str) else [v for v in y if isinstance(v, str)] if isinstance(y, list) else []
            viz = {"type": str(args.get("type") or "bar"), "x": str(args.get("x") or ""), "y": ys}
        pin = await self.get_state(PinState)
        return await pin._start_for(card["sql"], viz, self.current_title or "Pinned answer")

    # --- feedback --------------------------------------------------------------------------------
    @rx.event
    async def feedback(self, key: str, value: int):
        if not isinstance(key, str) or value not in (1, -1) or isinstance(value, bool) or not key.isdigit():
            return
        m = next((m for m in self._stored if str(m.id) == key and m.role == "assistant"), None)
        if m is None:
            return
        new = 0 if m.feedback == value else value  # a second click takes it back
        await self._save_feedback(m, new, m.comment)
        self.comment_for, self.comment_draft = (key, m.comment) if new else ("", "")

    @rx.event
    def set_comment_draft(self, value: str):
        if isinstance(value, str):
            self.comment_draft = value[:2000]

    @rx.event
    async def save_comment(self):
        m = next((m for m in self._stored if str(m.id) == self.comment_for), None)
        if m is not None:
            await self._save_feedback(m, m.feedback, self.comment_draft)
        self.comment_for, self.comment_draft = "", ""

    @rx.event
    def close_comment(self):
        self.comment_for, self.comment_draft = "", ""

    async def _save_feedback(self, m: Message, value: int, comment: str) -> None:
        try:
            updated = await asyncio.to_thread(services().conversations.set_feedback, self._identity().user, m.id, value, comment)
        except (ConversationNotFound, ValueError) as err:
            self.error = str(err)
            return
        self._stored = [updated if s.id == m.id else s for s in self._stored]
        key = str(m.id)
        for name in ("recent", "settled"):
            views = getattr(self, name)
            if any(v["key"] == key for v in views):  # only the list that holds it is resent
                setattr(self, name, [{**v, "feedback": str(updated.feedback), "comment": updated.comment} if v["key"] == key else v
                                     for v in views])
                break


class ChatLiveState(AppState):
    """The turn in progress, apart from the conversation: its updates (every FLUSH_S while
    the answer streams) re-render only what shows the live turn, never the messages."""

    streaming: bool = False
    live_question: str = ""
    live_text: str = ""
    live_cards: list[dict[str, Any]] = []
    live_status: str = ""
    elapsed: int = 0

    @rx.event
    def stop(self):
        prepared = ACTIVE.get(self.router.session.client_token)
        if prepared is not None:
            prepared.stop.set()
            self.live_status = "Stopping…"

    @rx.event(background=True)
    async def stream_turn(self):
        svc = services()
        async with self:
            token = self.router.session.client_token
            prepared = ACTIVE.get(token)
            if prepared is None or not self.streaming or token in STREAMING:
                return  # nothing was started by send (a stray or crafted call), or it already runs
            STREAMING.add(token)
        started = last_flush = last_tick = time.monotonic()
        text: list[str] = []
        shown = 0
        cards: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        queue: asyncio.Queue = asyncio.Queue()

        async def pump() -> None:
            try:
                async for event in svc.chat.run(prepared):
                    await queue.put(event)
            finally:
                await queue.put(None)

        reader = asyncio.ensure_future(pump())
        saved: Message | None = None
        try:
            while True:
                now = time.monotonic()
                pending = len(text) != shown
                wait = max(0.0, FLUSH_S - (now - last_flush)) if pending else TICK_S
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=wait)
                except asyncio.TimeoutError:
                    event = ""  # time to flush the text, or to tick the timer
                if event is None:
                    break
                if isinstance(event, loop.Delta):
                    text.append(event.text)
                now = time.monotonic()
                update: dict[str, Any] = {}
                if len(text) != shown and (now - last_flush >= FLUSH_S or isinstance(event, loop.Done)):
                    update["live_text"] = "".join(text)
                    shown, last_flush = len(text), now
                if isinstance(event, loop.ToolCall):
                    cards[event.id] = new_card(event)
                    order.append(event.id)
                    update["live_status"] = f"Calling {event.name}…"
                elif isinstance(event, loop.ToolResult):
                    fill_card(cards[event.id], event)
                    update["live_status"] = "Thinking…"
                if isinstance(event, (loop.ToolCall, loop.ToolResult)):
                    update["live_cards"] = [_card_view(cards[i], f"live-{n}", []) for n, i in enumerate(order)]
                    update["live_text"] = "".join(text)
                    shown = len(text)
                if now - last_tick >= TICK_S:
                    update["elapsed"] = int(now - started)
                    last_tick = now
                if isinstance(event, Saved):
                    saved = event.message
                if update:
                    async with self:
                        for k, v in update.items():
                            setattr(self, k, v)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
            ACTIVE.pop(token, None)
            STREAMING.discard(token)
            async with self:
                if saved is not None:
                    await (await self.get_state(ChatState))._finish_turn(prepared)
                self.streaming, self.live_text, self.live_cards, self.live_question = False, "", [], ""
                self.live_status = ""
