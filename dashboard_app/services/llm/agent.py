"""The agent loop: an async generator of events, shared by the chat page and /api/chat.

One turn: the model streams text and asks for tools; each tool runs (in a worker thread)
and its result goes back; this repeats until the model answers without tools or the round
cap is reached. Stopping (`stop` set) ends the model stream and cancels a running query.
The answer's references to results ([Q1]) are kept only when that result exists.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Sequence

from .client import Completion, ModelClient, ModelError, TextDelta, parse_arguments
from .tools import Outcome, Toolbox, arguments_text


# --- events --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Delta:
    text: str


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: Any  # the parsed object, or the raw text when it was not valid JSON


@dataclass(frozen=True)
class ToolResult:
    id: str
    name: str
    label: str  # "Q1" for a result the answer may cite, else ""
    outcome: Outcome
    elapsed_ms: int


@dataclass(frozen=True)
class Proposal:
    id: str
    tool_call_id: str
    sql: str
    kind: str
    objects: list[str]


@dataclass(frozen=True)
class Done:
    text: str
    references: list[dict[str, str]]  # [{"label": "Q1", "tool_call_id": ...}]
    status: str = "ok"  # ok | incomplete (the model broke off) | stopped | step_cap
    error: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0


Event = Delta | ToolCall | ToolResult | Proposal | Done

STEP_CAP_NOTE = ("You have used every tool call this answer may make. Answer now with what the results above show, "
                 "and say what is still unknown.")
_REF = re.compile(r"([ \t]*)\[\s*(Q\d{1,3})\s*\]")


@dataclass
class Turn:
    client: ModelClient
    tools: Toolbox
    system: str
    history: Sequence[dict[str, Any]] = ()
    max_rounds: int = 10
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def run_turn(turn: Turn, question: str) -> AsyncIterator[Event]:
    """Streams the turn's events; the last is always Done."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": turn.system}, *turn.history, {"role": "user", "content": question}]
    text: list[str] = []
    labels: dict[str, str] = {}  # "Q1" -> tool call id
    usage = [0, 0]
    rounds = 0
    schemas = turn.tools.schemas()
    while True:
        capped = rounds >= turn.max_rounds
        completion: Completion | None = None
        said: list[str] = []
        try:
            async for item in _until_stopped(turn.client.stream(messages, None if capped else schemas), turn.stop):
                if isinstance(item, TextDelta):
                    said.append(item.text)
                    text.append(item.text)
                    yield Delta(item.text)
                else:
                    completion = item
        except ModelError as err:
            status = "incomplete" if err.after_text or text else "error"
            yield _done(text, labels, status, str(err), usage)
            return
        if turn.stop.is_set():
            yield _done(text, labels, "stopped", "", usage)
            return
        assert completion is not None
        usage[0] += completion.prompt_tokens
        usage[1] += completion.completion_tokens
        if not completion.tool_calls:
            yield _done(text, labels, "ok", "", usage)
            return
        if capped:
            # Told to answer, the model asked for more tools anyway: stop here.
            yield _done(text, labels, "step_cap", f"Stopped after {turn.max_rounds} rounds of tool calls without an answer.", usage)
            return
        rounds += 1
        messages.append({
            "role": "assistant", "content": "".join(said) or None,
            "tool_calls": [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments or "{}"}}
                           for c in completion.tool_calls],
        })
        for call in completion.tool_calls:
            try:
                args: Any = parse_arguments(call.arguments)
                problem = ""
            except ValueError as err:
                args, problem = call.arguments, str(err)
            yield ToolCall(call.id, call.name, args)
            started = time.perf_counter()
            if problem:
                outcome = Outcome("error", f"ERROR: {call.name}: {problem}. Call it again with a JSON object.", error=problem)
            else:
                outcome = await _call(turn, call.name, args)
            label = ""
            if call.name == "run_sql" and outcome.status == "ok":
                label = f"Q{len(labels) + 1}"
                labels[label] = call.id
                outcome.content = f"[{label}] " + outcome.content
            yield ToolResult(call.id, call.name, label, outcome, round((time.perf_counter() - started) * 1000))
            if outcome.proposal is not None:
                p = outcome.proposal
                yield Proposal(p["id"], call.id, p["sql"], p["kind"], list(p["objects"]))
            messages.append({"role": "tool", "tool_call_id": call.id, "content": outcome.content})
            if turn.stop.is_set():
                yield _done(text, labels, "stopped", "", usage)
                return
        if rounds >= turn.max_rounds:
            messages.append({"role": "user", "content": STEP_CAP_NOTE})


async def _call(turn: Turn, name: str, args: dict[str, Any]) -> Outcome:
    """Runs a tool in a thread; Stop cancels the statement it may be running."""
    job = asyncio.ensure_future(asyncio.to_thread(turn.tools.call, name, args))
    stopper = asyncio.ensure_future(turn.stop.wait())
    try:
        await asyncio.wait({job, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if not job.done():
            turn.tools.scope.cancel()
        return await job
    finally:
        stopper.cancel()


async def _until_stopped(stream: AsyncIterator[Any], stop: asyncio.Event) -> AsyncIterator[Any]:
    """The stream's items until `stop` is set; then the stream is closed (the model's
    connection with it). The stream is read in one task of its own: the HTTP client's
    cancel scopes must be entered and left in the same task."""
    queue: asyncio.Queue = asyncio.Queue()

    async def pump() -> None:
        try:
            async for item in stream:
                await queue.put(("item", item))
            await queue.put(("end", None))
        except asyncio.CancelledError:
            raise
        except BaseException as err:  # noqa: BLE001 - handed to the reader, which raises it
            await queue.put(("error", err))

    reader = asyncio.ensure_future(pump())
    stopper = asyncio.ensure_future(stop.wait())
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if not getter.done():
                getter.cancel()
                return
            kind, value = getter.result()
            if kind == "item":
                yield value
            elif kind == "error":
                raise value
            else:
                return
    finally:
        stopper.cancel()
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)


def resolve_references(text: str, labels: dict[str, str]) -> tuple[str, list[dict[str, str]]]:
    """Keeps [Qn] citations of results that exist (once each in the list), drops the rest
    with the space before them ("3 [Q9] and" -> "3 and")."""
    refs: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        space, label = m.group(1), m.group(2)
        if label not in labels:
            return ""
        refs.setdefault(label, labels[label])
        return f"{space}[{label}]"

    cleaned = _REF.sub(sub, text)
    return cleaned, [{"label": k, "tool_call_id": v} for k, v in refs.items()]


def _done(text: list[str], labels: dict[str, str], status: str, error: str, usage: list[int]) -> Done:
    cleaned, refs = resolve_references("".join(text), labels)
    return Done(cleaned, refs, status, error, usage[0], usage[1])


def arguments_for_event(arguments: Any) -> Any:
    return arguments if not isinstance(arguments, str) else arguments_text(arguments)
