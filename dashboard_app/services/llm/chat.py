"""One chat turn from start to saved answer, for the page and for /api/chat alike.

`prepare` checks everything that can refuse a message before anything streams (no model,
over the limit, an unknown conversation or agent, an empty or oversized message), so the
API can answer those with a status code; `run` then streams the agent's events, builds
each tool call's card, and saves the answer, complete or not, when the turn ends.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable

from ..conversations import ConversationNotFound, ConversationStore, Message
from ..sql import gate
from ..sql.engine import Identity, QueryEngine, QueryResult
from . import agent as loop
from . import knowledge as kb
from .client import ModelClient, ModelNotConfigured, model_target
from .prompts import system_prompt
from .tools import NAMES, Toolbox, arguments_text

if TYPE_CHECKING:
    from ...settings import Settings
    from ..files.store import FileStore
    from ..limits import Limiter
    from ..results import ResultStore

MAX_MESSAGE_CHARS = 20_000
HISTORY_CHARS = 12_000
PROMPT_TABLES = 5


class ChatRefused(ValueError):
    """The message cannot be sent (empty, too long, an unknown agent); nothing was stored."""


@dataclass(frozen=True)
class ConversationOpened:
    id: str
    title: str
    created: bool


@dataclass(frozen=True)
class Saved:
    """The turn's answer as stored (the last event of `run`)."""

    message: Message


@dataclass
class Prepared:
    identity: Identity
    conversation_id: str
    title: str
    created: bool
    question: str
    agent: kb.Agent
    session: str
    warehouse_id: str | None
    stop: asyncio.Event = field(default_factory=asyncio.Event)


ChatEvent = ConversationOpened | loop.Event | Saved


class ChatService:
    def __init__(
        self, settings: "Settings", engine: QueryEngine, results: "ResultStore", conversations: ConversationStore,
        files: Callable[[], "FileStore | None"], limiter: "Limiter | None" = None,
    ):
        self.settings, self.engine, self.results = settings, engine, results
        self.conversations = conversations
        self._files = files
        self.limiter = limiter

    @property
    def configured(self) -> bool:
        return self.settings.chat_model_configured

    def files(self) -> "FileStore | None":
        try:
            return self._files()
        except Exception:  # noqa: BLE001 - no file store (misconfigured root): chat without files
            return None

    def agents(self) -> list[kb.Agent]:
        files = self.files()
        return kb.load_agents(files, NAMES) if files is not None else [kb.BUILTIN]

    # --- a turn --------------------------------------------------------------------------------
    def prepare(self, identity: Identity, message: Any, *, conversation_id: str | None = None, agent: str | None = None,
                session: str = "", warehouse_id: str | None = None) -> Prepared:
        """Raises ModelNotConfigured, RateLimited, ConversationNotFound or ChatRefused."""
        if not self.configured:
            raise ModelNotConfigured()
        if not isinstance(message, str) or not message.strip():
            raise ChatRefused("Write a question first")
        if len(message) > MAX_MESSAGE_CHARS:
            raise ChatRefused(f"The message is {len(message):,} characters; the limit is {MAX_MESSAGE_CHARS:,}")
        created = False
        if conversation_id:
            conv = self.conversations.get(identity.user, conversation_id)  # ConversationNotFound
            name = agent or conv.agent
        else:
            conv, name = None, agent
        try:
            chosen = kb.find_agent(self.agents(), name)
        except ValueError as err:
            raise ChatRefused(str(err)) from None
        if self.limiter is not None:
            self.limiter.acquire(identity.user, "chat")
        if conv is None:
            conv = self.conversations.create(identity.user, title=message, agent=chosen.name)
            created = True
        return Prepared(identity, conv.id, conv.title, created, message.strip(), chosen, session or f"chat:{conv.id}", warehouse_id)

    async def run(self, p: Prepared) -> AsyncIterator[ChatEvent]:
        """The turn's events: ConversationOpened, the agent's events, then Saved."""
        yield ConversationOpened(p.conversation_id, p.title, p.created)
        user = p.identity.user
        try:
            await asyncio.to_thread(self.conversations.add_message, user, p.conversation_id, "user", p.question)
        except ConversationNotFound as err:  # deleted since prepare
            yield loop.Done("", [], "error", str(err))
            return
        cards: list[dict[str, Any]] = []
        done: loop.Done | None = None
        client: ModelClient | None = None
        try:
            files = self.files()
            knowledge = await asyncio.to_thread(kb.load_knowledge, files) if files is not None else kb.Knowledge()
            tools = Toolbox(
                self.engine, self.results, files, p.identity, p.session, self.settings.max_result_rows,
                self.settings.query_timeout_s, self.settings.read_only, knowledge,
                p.agent.tools or NAMES, self._proposer(p), warehouse_id=p.warehouse_id,
            )
            client = ModelClient(model_target(self.settings, p.identity, model=p.agent.model), timeout_s=self.settings.llm_timeout_s)
            turn = loop.Turn(client, tools, await asyncio.to_thread(self._system, p, tools, knowledge),
                             await asyncio.to_thread(self._history, user, p.conversation_id),
                             self.settings.chat_max_tool_rounds, p.stop)
            calls: dict[str, dict[str, Any]] = {}
            async for event in loop.run_turn(turn, p.question):
                if isinstance(event, loop.ToolCall):
                    calls[event.id] = card = new_card(event)
                    cards.append(card)
                elif isinstance(event, loop.ToolResult):
                    fill_card(calls[event.id], event)
                elif isinstance(event, loop.Done):
                    done = event
                yield event
        except Exception as err:  # noqa: BLE001 - whatever broke, the partial answer is saved
            import logging

            logging.getLogger(__name__).exception("chat turn failed")
            done = loop.Done("", [], "error", _safe(err))
            yield done
        finally:
            if client is not None:
                await client.close()
            if done is None:  # the caller went away mid-turn
                done = loop.Done("", [], "stopped", "")
            try:
                saved: Message | None = await asyncio.to_thread(
                    self.conversations.add_message, user, p.conversation_id, "assistant", done.text,
                    status=done.status, error=done.error, cards=cards, refs=done.references,
                    usage={"prompt_tokens": done.prompt_tokens, "completion_tokens": done.completion_tokens},
                )
            except ConversationNotFound:
                saved = None  # deleted while the answer streamed: there is nowhere to keep it
        if saved is None:
            yield loop.Done(done.text, done.references, "error", "The conversation was deleted while the answer streamed; it was not saved.")
            return
        yield Saved(saved)

    def _proposer(self, p: Prepared) -> Callable[[str, Any], str]:
        def propose(sql: str, verdict: Any) -> str:
            kind = ", ".join(dict.fromkeys(verdict.kinds))
            return self.conversations.add_proposal(p.identity.user, p.conversation_id, sql, kind, list(verdict.objects)).id

        return propose

    def _system(self, p: Prepared, tools: Toolbox, knowledge: kb.Knowledge) -> str:
        tables = []
        try:
            for name, info, cols in tools.search(p.question, limit=PROMPT_TABLES):
                shown = ", ".join(f"{c.name} {c.type}" for c in cols[:25]) + (" …" if len(cols) > 25 else "")
                tables.append(f"- {name}" + (f" ({info.comment})" if info.comment else "") + f": {shown}")
        except Exception:  # noqa: BLE001 - metadata unavailable: the agent can still search itself
            pass
        return system_prompt(
            p.agent, catalog=p.agent.catalog, schema=p.agent.schema, tables=tables,
            passages=knowledge.relevant(p.question), verified=knowledge.relevant_verified(p.question),
            read_only_mode=self.settings.read_only,
        )

    def _history(self, user: str, conversation_id: str) -> list[dict[str, Any]]:
        """Earlier turns as text (with the SQL each answer ran), newest kept first."""
        earlier = self.conversations.messages(user, conversation_id)[:-1]  # the question just stored
        out: list[dict[str, Any]] = []
        used = 0
        for m in reversed(earlier):
            text = m.text
            if m.role == "assistant":
                sqls = [c["sql"] for c in m.cards if c.get("sql") and c.get("status") == "ok"]
                if sqls:
                    text += "\n(SQL run for this answer: " + " ; ".join(" ".join(s.split())[:500] for s in sqls[-3:]) + ")"
            if not text.strip():
                continue
            if used + len(text) > HISTORY_CHARS:
                break
            used += len(text)
            out.append({"role": "user" if m.role == "user" else "assistant", "content": text})
        return list(reversed(out))

    # --- proposals ---------------------------------------------------------------------------
    def run_proposal(self, identity: Identity, proposal_id: str, *, session: str = "") -> tuple[str, QueryResult]:
        """Runs a proposed statement for its owner, as confirmed by that person's own
        request. Read-only mode and the limits still apply (the gate)."""
        proposal = self.conversations.claim_proposal(identity.user, proposal_id)  # ProposalUsed the second time
        try:
            result = gate.run_statement(
                self.engine, proposal.sql, identity=identity, confirmed=True, read_only_mode=self.settings.read_only,
                row_limit=self.settings.max_result_rows, timeout_s=self.settings.query_timeout_s, source="chat",
            )
        except Exception:
            # Nothing ran (refused, over a limit) or it failed: the person may try again.
            self.conversations.mark_proposal(identity.user, proposal.id, "pending")
            raise
        self.conversations.mark_proposal(identity.user, proposal.id, "ran")
        rid = self.results.put(owner=identity.user, session=session or f"chat:{proposal.conversation_id}", sql=proposal.sql, result=result)
        return rid, result


# --- cards: what the page shows for each tool call -------------------------------------------
def new_card(call: loop.ToolCall) -> dict[str, Any]:
    args = call.arguments if isinstance(call.arguments, dict) else {}
    sql = args.get("sql", "") if call.name == "run_sql" and isinstance(args.get("sql"), str) else ""
    return {
        "id": call.id, "name": call.name, "label": "", "status": "running", "arguments": arguments_text(call.arguments)[:2000],
        "sql": sql, "time": "", "rows": "", "error": "", "columns": [], "preview": [], "result_id": "",
        "verified": "", "proposal_id": "", "kind": "", "objects": "", "figure": None,
    }


def fill_card(card: dict[str, Any], r: loop.ToolResult) -> None:
    o = r.outcome
    card.update(
        label=r.label, status=o.status, time=f"{r.elapsed_ms / 1000:.2f} s", error=o.error,
        rows="" if o.row_count is None else f"{o.row_count:,}{'+' if o.truncated else ''}",
        columns=o.columns, preview=o.rows, result_id=o.result_id, verified=o.verified,
        sql=o.sql or card["sql"], figure=o.figure,
    )
    if o.proposal is not None:
        card.update(proposal_id=o.proposal["id"], kind=o.proposal["kind"], objects=", ".join(o.proposal["objects"]))


def _safe(err: BaseException) -> str:
    from ..sql.errors import redact

    return redact(f"The chat failed on the server ({type(err).__name__}); it has been logged.")

