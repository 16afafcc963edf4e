"""Chat completions with tool calling, streamed, from Databricks Model Serving or any
OpenAI-compatible server, through the `openai` async client.

Retries (429, 5xx, timeouts, a dropped connection) happen only before the first streamed
text: text the user has seen is never repeated. Every failure becomes a `ModelError` whose
message says what happened and what to check, with no key or token in it.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from ...settings import Settings
from ..sql.errors import redact
from ..sql.engine import Identity, QueryError

NOT_CONFIGURED = (
    "No chat model is configured. Set DATABRICKS_SERVING_ENDPOINT (a Model Serving endpoint on the "
    "configured workspace), or APP_LLM_BASE_URL and APP_LLM_MODEL (any OpenAI-compatible server; "
    "APP_LLM_API_KEY when it needs a key), then restart the app."
)


class ModelNotConfigured(Exception):
    def __init__(self) -> None:
        super().__init__(NOT_CONFIGURED)


class ModelError(Exception):
    """The model call failed; the message is safe to show. `after_text`: it broke off after
    some of the answer had streamed (that part is kept, marked incomplete)."""

    def __init__(self, message: str, *, status: int | None = None, after_text: bool = False):
        super().__init__(message)
        self.status, self.after_text = status, after_text


@dataclass(frozen=True)
class ModelTarget:
    """Where the model is and how to authenticate; `api_key` is called for each request so
    OAuth tokens refresh. `secrets` are scrubbed from every message."""

    base_url: str
    model: str
    api_key: Callable[[], Awaitable[str]] = field(repr=False)
    secrets: Callable[[], list[str]] = field(default=lambda: [], repr=False)
    setting: str = "APP_LLM_MODEL"  # the variable that names the model, for messages

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc


def model_target(settings: Settings, identity: Identity | None, *, model: str = "") -> ModelTarget:
    """The configured model (`model` overrides its name: an agent's own endpoint)."""
    if settings.serving_endpoint.strip():
        from ..databricks_auth import default_auth

        auth = default_auth(settings)
        who = identity if settings.run_as == "user" else None

        async def token() -> str:
            # The same Config the SQL connections use (PAT, OAuth M2M or the user's token).
            headers = await asyncio.to_thread(lambda: auth.config(who).authenticate())
            value = headers.get("Authorization", "")
            return value.split(" ", 1)[1] if " " in value else value

        return ModelTarget(
            f"{settings.databricks_host}/serving-endpoints", model or settings.serving_endpoint.strip(), token,
            lambda: auth.secrets(who), "DATABRICKS_SERVING_ENDPOINT",
        )
    if settings.llm_base_url:
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key is not None else ""

        async def static_key() -> str:
            return key or "unused"  # local servers take any key; the client insists on one

        return ModelTarget(settings.llm_base_url, model or settings.llm_model.strip(), static_key, lambda: [key] if key else [])
    raise ModelNotConfigured()


# --- what a stream yields -------------------------------------------------------------------
@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class ToolCallRequest:
    id: str
    name: str
    arguments: str  # as the model wrote it: may be malformed JSON


@dataclass(frozen=True)
class Completion:
    """The end of one model response."""

    tool_calls: tuple[ToolCallRequest, ...]
    finish_reason: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


StreamItem = TextDelta | Completion


class ModelClient:
    def __init__(
        self,
        target: ModelTarget,
        *,
        timeout_s: float = 60.0,
        retries: int = 3,
        backoff_s: float = 0.5,
        max_backoff_s: float = 8.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.target = target
        self.timeout_s = timeout_s
        self.retries, self.backoff_s, self.max_backoff_s = retries, backoff_s, max_backoff_s
        self._sleep = sleep
        self._client: Any = None

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            # Our own retries (before the first token only); the client's would repeat text.
            self._client = openai.AsyncOpenAI(
                base_url=self.target.base_url, api_key=self.target.api_key, max_retries=0, timeout=self.timeout_s,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def stream(self, messages: Sequence[dict[str, Any]], tools: Sequence[dict[str, Any]] | None = None) -> AsyncIterator[StreamItem]:
        """Text deltas as they arrive, then one Completion with the tool calls (if any)."""
        attempt = 0
        while True:
            seen_text = False
            try:
                async for item in self._once(messages, tools):
                    if isinstance(item, TextDelta):
                        seen_text = True
                    yield item
                return
            except ModelError:
                raise
            except QueryError as err:  # no token for the model (e.g. the sign-in expired): say so, no retry
                raise ModelError(str(err), after_text=seen_text) from None
            except Exception as err:  # noqa: BLE001 - every client error is mapped below
                status, retryable, wait = _classify(err)
                if seen_text:
                    raise ModelError(self._message(err, status) + " The answer above is incomplete.", status=status, after_text=True) from None
                # A model that timed out once gets one more try: each costs the whole timeout.
                if not retryable or attempt >= (1 if _is_timeout(err) else self.retries):
                    raise ModelError(self._message(err, status), status=status) from None
                delay = wait if wait is not None else self.backoff_s * (2**attempt) * (0.75 + random.random() / 2)
                attempt += 1
                await self._sleep(min(delay, self.max_backoff_s))

    async def _once(self, messages: Sequence[dict[str, Any]], tools: Sequence[dict[str, Any]] | None) -> AsyncIterator[StreamItem]:
        kwargs: dict[str, Any] = {"model": self.target.model, "messages": list(messages), "stream": True,
                                  "stream_options": {"include_usage": True}}
        if tools:
            kwargs["tools"] = list(tools)
        stream = await self._openai().chat.completions.create(**kwargs)
        calls: dict[int, dict[str, str]] = {}
        finish, usage = "", (0, 0)
        try:
            async for chunk in stream:
                if getattr(chunk, "usage", None) is not None:
                    usage = (chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                for choice in chunk.choices or ():
                    delta = choice.delta
                    if delta is not None and delta.content:
                        yield TextDelta(delta.content)
                    for tc in (delta.tool_calls or ()) if delta is not None else ():
                        slot = calls.setdefault(tc.index if tc.index is not None else len(calls), {"id": "", "name": "", "arguments": ""})
                        if tc.id:
                            slot["id"] = tc.id
                        if tc.function is not None:
                            if tc.function.name:
                                slot["name"] += tc.function.name
                            if tc.function.arguments:
                                slot["arguments"] += tc.function.arguments
                    if choice.finish_reason:
                        finish = choice.finish_reason
        finally:
            await stream.close()
        if not finish and not calls:
            # The server closed the stream without saying it was done: a broken answer.
            raise _Truncated()
        requests = tuple(
            ToolCallRequest(c["id"] or f"call_{i}", c["name"], c["arguments"]) for i, c in sorted(calls.items())
        )
        yield Completion(requests, finish or "tool_calls", *usage)

    def _message(self, err: BaseException, status: int | None) -> str:
        t = self.target
        if isinstance(err, _Truncated):
            text = "The model's answer broke off before it finished."
        elif status == 429:
            text = "The model is busy (HTTP 429, rate limited); try again in a moment."
        elif status in (401, 403):
            text = (f"The model server at {t.host} refused the credentials (HTTP {status}): check "
                    + ("the app's (or your) access to the serving endpoint." if t.setting == "DATABRICKS_SERVING_ENDPOINT" else "APP_LLM_API_KEY."))
        elif status == 404:
            text = f"The model {t.model!r} was not found on {t.host} (HTTP 404): check {t.setting}."
        elif status is not None and status >= 500:
            text = f"The model server at {t.host} failed (HTTP {status}); try again."
        elif status is not None:
            text = f"The model server rejected the request (HTTP {status}): {_detail(err)}"
        elif _is_timeout(err):
            text = f"The model did not answer within {self.timeout_s:g} s (APP_LLM_TIMEOUT_SECONDS)."
        else:
            text = f"Cannot reach the model server at {t.host}: {_detail(err) or type(err).__name__}."
        return redact(text, self.target.secrets())


class _Truncated(Exception):
    pass


def _is_timeout(err: BaseException) -> bool:
    import openai

    return isinstance(err, (openai.APITimeoutError, asyncio.TimeoutError, TimeoutError))


def _classify(err: BaseException) -> tuple[int | None, bool, float | None]:
    """(HTTP status, worth retrying, the server's Retry-After in seconds)."""
    import openai

    if isinstance(err, openai.APIStatusError):
        status = err.status_code
        wait = None
        try:
            wait = float(err.response.headers.get("retry-after", ""))
        except (TypeError, ValueError):
            pass
        return status, status == 429 or status >= 500, wait
    # Timeouts, refused or dropped connections, a stream cut short: nothing was said yet.
    return None, True, None


def _detail(err: BaseException) -> str:
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        msg = inner.get("message") if isinstance(inner, dict) else None
        if msg:
            return str(msg).split("\n")[0][:200]
    return str(err).split("\n")[0][:200]


def parse_arguments(raw: str) -> dict[str, Any]:
    """A tool call's arguments as a dict; ValueError with the reason when they are not."""
    try:
        value = json.loads(raw or "{}")
    except json.JSONDecodeError as err:
        raise ValueError(f"the arguments are not valid JSON ({err.msg} at character {err.pos})") from None
    if not isinstance(value, dict):
        raise ValueError("the arguments must be a JSON object")
    return value
