"""/api/chat: the chat agent for programs, as a stream of server-sent events.

The same ChatService turn as the page's: the same agent loop, identity, guard and limits.
Each event is `event: <name>` and one JSON `data:` line: `conversation` first, then
`delta`, `tool_call`, `tool_result` and `proposal` as they happen, and `done` (or `error`)
last. A proposal never runs by itself: `POST /api/chat/proposals/{id}/run` runs it, for its
owner only (that request is the person's confirmation; read-only mode still refuses it).
"""

from __future__ import annotations

import json
import logging
from typing import Any, AsyncIterator

from fastapi import APIRouter
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from ..services.conversations import ConversationNotFound, ProposalUsed
from ..services.limits import RateLimited
from ..services.llm import agent as loop
from ..services.llm.chat import MAX_MESSAGE_CHARS, ChatRefused, ConversationOpened, Saved
from ..services.llm.client import ModelNotConfigured
from ..services.sql.engine import QueryError
from ..services.sql.gate import ReadOnlyRefused, StatementRefused
from .dashboards import _rows as json_rows
from .deps import ApiError, Caller, ServicesDep, error_response

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/chat", tags=["chat"])
PREVIEW_ROWS = 100


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    conversation_id: str | None = Field(None, max_length=64)
    agent: str | None = Field(None, max_length=100)


class ProposalRun(BaseModel):
    proposal_id: str
    status: str
    row_count: int
    truncated: bool
    columns: list[str]
    rows: list[list[Any]]


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


async def _events(stream: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    """The turn as SSE; whatever fails on the server, the stream still ends with `error`."""
    try:
        async for chunk in _translate(stream):
            yield chunk
    except Exception:  # noqa: BLE001 - the detail goes to the log, never to the caller
        log.exception("chat stream failed")
        yield _sse("error", {"message": "The chat failed on the server; it has been logged.", "status": "error"})


async def _translate(stream: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    done: loop.Done | None = None  # the last Done, sent once the answer is saved (with its id)
    message_id: int | None = None
    async for event in stream:
        if isinstance(event, ConversationOpened):
            yield _sse("conversation", {"id": event.id, "title": event.title})
        elif isinstance(event, loop.Delta):
            yield _sse("delta", {"text": event.text})
        elif isinstance(event, loop.ToolCall):
            yield _sse("tool_call", {"id": event.id, "name": event.name, "arguments": event.arguments})
        elif isinstance(event, loop.ToolResult):
            o = event.outcome
            yield _sse("tool_result", {
                "id": event.id, "status": o.status, "row_count": o.row_count, "preview": o.preview, "error": o.error,
                "label": event.label, "sql": o.sql, "verified": o.verified, "elapsed_ms": event.elapsed_ms,
            })
        elif isinstance(event, loop.Proposal):
            yield _sse("proposal", {"id": event.id, "sql": event.sql, "kind": event.kind, "objects": event.objects,
                                    "tool_call_id": event.tool_call_id})
        elif isinstance(event, loop.Done):
            done = event  # a later Done replaces it: saving the answer failed
        elif isinstance(event, Saved):
            message_id = event.message.id
    if done is None:
        yield _sse("error", {"message": "The answer ended without a result.", "status": "error"})
    elif done.status in ("ok", "stopped"):
        yield _sse("done", {"text": done.text, "references": done.references, "status": done.status, "message_id": message_id})
    else:
        yield _sse("error", {"message": done.error or "The answer is incomplete.", "text": done.text,
                             "status": done.status, "message_id": message_id})


_ERRORS = {code: {"description": text} for code, text in (
    (400, "a malformed body, an empty or oversized message, an unknown agent"),
    (404, "no such conversation of yours"), (429, "over the per-user chat limit"), (503, "no model is configured"))}


@router.post("", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}, "description": "the turn, as server-sent events"}, **_ERRORS})
async def chat(body: ChatRequest, svc: ServicesDep, caller: Caller):
    """Asks the agent; answers text/event-stream (see the module's docstring)."""
    service = svc.chat
    try:
        prepared = await run_in_threadpool(
            service.prepare, caller, body.message, conversation_id=body.conversation_id or None, agent=body.agent or None,
        )
    except ModelNotConfigured as err:
        return error_response(503, "NOT_CONFIGURED", str(err))
    except ConversationNotFound as err:
        raise ApiError(404, "NOT_FOUND", str(err)) from None
    except ChatRefused as err:
        raise ApiError(400, "BAD_REQUEST", str(err)) from None
    return StreamingResponse(
        _events(service.run(prepared)), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/proposals/{proposal_id}/run", response_model=ProposalRun)
async def run_proposal(proposal_id: str, svc: ServicesDep, caller: Caller):
    """Runs a statement the agent proposed: only its owner may, and only this way."""
    try:
        _rid, result = await run_in_threadpool(svc.chat.run_proposal, caller, proposal_id)
    except ConversationNotFound as err:
        raise ApiError(404, "NOT_FOUND", str(err)) from None
    except ProposalUsed as err:
        raise ApiError(409, "CONFLICT", str(err)) from None
    except ReadOnlyRefused as err:
        raise ApiError(403, "READ_ONLY", str(err)) from None
    except StatementRefused as err:
        raise ApiError(400, err.code, str(err)) from None
    except RateLimited:
        raise  # 429 with Retry-After (deps)
    except QueryError as err:
        return JSONResponse({"error": {"code": "QUERY_FAILED", "message": str(err)}}, status_code=422)
    return ProposalRun(
        proposal_id=proposal_id, status="ok", row_count=result.row_count, truncated=result.truncated,
        columns=list(result.table.column_names), rows=json_rows(result.table, PREVIEW_ROWS),
    )
