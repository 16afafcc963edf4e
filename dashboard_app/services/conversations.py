"""Each user's chat conversations, their messages (with tool cards and feedback) and the
statements the agent proposed, in the app database.

A conversation belongs to one user: every read and change checks the owner, so an id from
someone else's conversation answers "not found".
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from .clock import utc_now

MAX_TITLE = 200
MAX_TEXT = 200_000
LIST_LIMIT = 200


class Conversation(SQLModel, table=True):
    __tablename__ = "chat_conversation"
    id: str = Field(primary_key=True)
    owner: str = Field(index=True)
    title: str
    agent: str = ""
    created_at: dt.datetime = Field(default_factory=utc_now)
    updated_at: dt.datetime = Field(default_factory=utc_now, index=True)


class ChatMessage(SQLModel, table=True):
    __tablename__ = "chat_message"
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(index=True)
    role: str  # user | assistant
    text: str = ""
    # ok | incomplete (the stream broke: a retry is offered) | stopped | error
    status: str = "ok"
    error: str = ""
    cards: str = "[]"  # JSON: one entry per tool call, as the page shows it
    refs: str = "[]"  # JSON: [{"label", "tool_call_id"}] the answer cites
    feedback: int = 0  # 1 thumbs up, -1 thumbs down
    comment: str = ""
    usage: str = "{}"  # JSON: prompt and completion tokens
    created_at: dt.datetime = Field(default_factory=utc_now)


class ChatProposal(SQLModel, table=True):
    """A statement the agent wanted to run that needs a person: it never runs by itself."""

    __tablename__ = "chat_proposal"
    id: str = Field(primary_key=True)
    owner: str = Field(index=True)
    conversation_id: str = Field(index=True)
    sql: str
    kind: str = ""
    objects: str = "[]"  # JSON list of names
    status: str = "pending"  # pending | ran | failed
    created_at: dt.datetime = Field(default_factory=utc_now)


class ConversationNotFound(LookupError):
    """No such conversation for this user."""


class ProposalUsed(ValueError):
    """The proposal already ran (or is running)."""


@dataclass(frozen=True)
class Message:
    id: int
    role: str
    text: str
    status: str
    error: str
    cards: list[dict[str, Any]]
    refs: list[dict[str, str]]
    feedback: int
    comment: str
    usage: dict[str, Any]
    created_at: dt.datetime


def _message(row: ChatMessage) -> Message:
    return Message(
        row.id or 0, row.role, row.text, row.status, row.error, json.loads(row.cards or "[]"), json.loads(row.refs or "[]"),
        row.feedback, row.comment, json.loads(row.usage or "{}"), row.created_at,
    )


_TABLES = [Conversation.__table__, ChatMessage.__table__, ChatProposal.__table__]  # type: ignore[attr-defined]


class ConversationStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        SQLModel.metadata.create_all(engine, tables=_TABLES)
        self._lock = threading.Lock()  # SQLite allows one writer

    # --- conversations ---------------------------------------------------------------------
    def create(self, owner: str, *, title: str = "New conversation", agent: str = "") -> Conversation:
        row = Conversation(id=uuid.uuid4().hex, owner=owner, title=_title(title), agent=agent[:200])
        with self._lock, Session(self.engine) as s:
            s.add(row)
            s.commit()
            s.refresh(row)
            return row

    def list(self, owner: str, limit: int = LIST_LIMIT) -> list[Conversation]:
        with Session(self.engine) as s:
            q = select(Conversation).where(Conversation.owner == owner).order_by(Conversation.updated_at.desc()).limit(limit)  # type: ignore[attr-defined]
            return list(s.exec(q))

    def get(self, owner: str, conversation_id: str) -> Conversation:
        with Session(self.engine) as s:
            return self._owned(s, owner, conversation_id)

    @staticmethod
    def _owned(s: Session, owner: str, conversation_id: Any) -> Conversation:
        row = s.get(Conversation, conversation_id) if isinstance(conversation_id, str) and conversation_id else None
        if row is None or row.owner != owner:
            raise ConversationNotFound("This conversation does not exist (it may have been deleted)")
        return row

    def rename(self, owner: str, conversation_id: str, title: str) -> Conversation:
        title = title.strip()
        if not title:
            raise ValueError("Give the conversation a name")
        with self._lock, Session(self.engine) as s:
            row = self._owned(s, owner, conversation_id)
            row.title = _title(title)
            s.add(row)
            s.commit()
            s.refresh(row)
            return row

    def delete(self, owner: str, conversation_id: str) -> None:
        with self._lock, Session(self.engine) as s:
            row = self._owned(s, owner, conversation_id)
            for model in (ChatMessage, ChatProposal):
                for item in s.exec(select(model).where(model.conversation_id == row.id)):  # type: ignore[attr-defined]
                    s.delete(item)
            s.delete(row)
            s.commit()

    # --- messages --------------------------------------------------------------------------
    def add_message(self, owner: str, conversation_id: str, role: str, text: str, **fields: Any) -> Message:
        with self._lock, Session(self.engine) as s:
            conv = self._owned(s, owner, conversation_id)
            row = ChatMessage(conversation_id=conv.id, role=role, text=text[:MAX_TEXT], **_encoded(fields))
            conv.updated_at = utc_now()
            s.add(row)
            s.add(conv)
            s.commit()
            s.refresh(row)
            return _message(row)

    def messages(self, owner: str, conversation_id: str) -> list[Message]:
        with Session(self.engine) as s:
            conv = self._owned(s, owner, conversation_id)
            q = select(ChatMessage).where(ChatMessage.conversation_id == conv.id).order_by(ChatMessage.id)  # type: ignore[arg-type]
            return [_message(r) for r in s.exec(q)]

    def set_feedback(self, owner: str, message_id: int, value: int, comment: str = "") -> Message:
        if value not in (-1, 0, 1):
            raise ValueError("Feedback is 1 (thumbs up), -1 (thumbs down) or 0 (none)")
        with self._lock, Session(self.engine) as s:
            row = s.get(ChatMessage, message_id) if isinstance(message_id, int) else None
            if row is None or row.role != "assistant":
                raise ConversationNotFound("This message does not exist")
            self._owned(s, owner, row.conversation_id)
            row.feedback, row.comment = value, comment.strip()[:2000]
            s.add(row)
            s.commit()
            s.refresh(row)
            return _message(row)

    def liked(self, owner: str | None = None) -> list[tuple[str, Message]]:
        """Thumbs-up answers with the question before each, for the evaluation file."""
        out: list[tuple[str, Message]] = []
        with Session(self.engine) as s:
            q = select(ChatMessage, Conversation).where(ChatMessage.conversation_id == Conversation.id)
            if owner is not None:
                q = q.where(Conversation.owner == owner)
            rows = list(s.exec(q.order_by(ChatMessage.id)))  # type: ignore[arg-type]
            last_question: dict[str, str] = {}
            for msg, _conv in rows:
                if msg.role == "user":
                    last_question[msg.conversation_id] = msg.text
                elif msg.feedback == 1 and msg.conversation_id in last_question:
                    out.append((last_question[msg.conversation_id], _message(msg)))
        return out

    # --- proposals -------------------------------------------------------------------------
    def add_proposal(self, owner: str, conversation_id: str, sql: str, kind: str, objects: list[str]) -> ChatProposal:
        row = ChatProposal(id=uuid.uuid4().hex, owner=owner, conversation_id=conversation_id, sql=sql[:MAX_TEXT],
                           kind=kind[:200], objects=json.dumps(list(objects)[:50]))
        with self._lock, Session(self.engine) as s:
            s.add(row)
            s.commit()
            s.refresh(row)
            return row

    def get_proposal(self, owner: str, proposal_id: Any) -> ChatProposal:
        with Session(self.engine) as s:
            row = s.get(ChatProposal, proposal_id) if isinstance(proposal_id, str) and proposal_id else None
            if row is None or row.owner != owner:
                raise ConversationNotFound("This proposal does not exist (or is not yours)")
            return row

    def claim_proposal(self, owner: str, proposal_id: Any) -> ChatProposal:
        """Marks a pending proposal as running, once: a second click (or two requests at
        once) gets ProposalUsed, so a write never runs twice from one card."""
        with self._lock, Session(self.engine) as s:
            row = s.get(ChatProposal, proposal_id) if isinstance(proposal_id, str) and proposal_id else None
            if row is None or row.owner != owner:
                raise ConversationNotFound("This proposal does not exist (or is not yours)")
            if row.status != "pending":
                raise ProposalUsed(f"This statement was already run from its card ({row.status}); run it from the SQL editor to run it again")
            row.status = "running"
            s.add(row)
            s.commit()
            s.refresh(row)
            return row

    def mark_proposal(self, owner: str, proposal_id: str, status: str) -> None:
        with self._lock, Session(self.engine) as s:
            row = s.get(ChatProposal, proposal_id)
            if row is not None and row.owner == owner:
                row.status = status
                s.add(row)
                s.commit()


def _title(text: str) -> str:
    one = " ".join(text.split())
    return (one[: MAX_TITLE - 1] + "…") if len(one) > MAX_TITLE else (one or "New conversation")


def _encoded(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    for key in ("cards", "refs", "usage"):
        if key in out and not isinstance(out[key], str):
            out[key] = json.dumps(out[key], default=str)
    if "error" in out:
        out["error"] = str(out["error"])[:2000]
    return out
