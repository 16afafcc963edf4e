"""A scripted fake OpenAI-compatible chat-completions server on 127.0.0.1 for the real `openai` client.

Agent tests need a model that says exactly what the test wants, over a real socket, so the
client's own streaming, retry and timeout code runs unchanged. Each POST to a path ending in
`/chat/completions` takes the next scripted reply:

    with FakeModel() as fm:
        fm.script(ToolCalls([("run_sql", {"sql": "SELECT 1"})]), Text("Done."))
        client = openai.AsyncOpenAI(base_url=fm.base_url, api_key="fake-model-key")
        ...  # run the agent
        fm.wait_requests(2)
        fm.requests[1]["messages"]  # what the agent sent back after the tool ran

Replies: `Text` (content deltas), `ToolCalls` (tool_call deltas split the way OpenAI and
Databricks stream them), `HttpError` (an OpenAI-style error body, optional Retry-After),
`Break` (some content, then the socket is dropped mid-body), `Stall` (answers late, for
timeouts) and `Tokens` (deltas at a fixed rate, each write time kept in `emitted`, for
latency benchmarks). With the queue empty, `responder(body)` picks the reply, else Text("OK").

Streams are `text/event-stream` in chunked transfer encoding: a dropped connection is then an
incomplete body the client has to report (with `Connection: close` and no length, closing the
socket would be a valid end and the stream would just stop). `root_url + "/serving-endpoints"`
serves Databricks-style clients too. A missing or wrong bearer key is 401, as OpenAI answers.
"""

from __future__ import annotations

import http
import itertools
import json
import socket
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Text:
    """`text` in content deltas of `chunk_chars` characters, `delay_s` apart; finish "stop"."""

    text: str
    chunk_chars: int = 4
    delay_s: float = 0.0


@dataclass(frozen=True)
class ToolCalls:
    """Optional leading content `text`, then each call: id and name first, arguments in pieces.

    dict arguments are JSON-encoded; a str goes out as-is, so a test can send malformed JSON.
    """

    calls: list[tuple[str, str | dict]]
    text: str = ""


@dataclass(frozen=True)
class HttpError:
    """That HTTP status with an OpenAI-style error body (and Retry-After, seconds, when given)."""

    status: int
    message: str = ""
    retry_after: float | None = None


@dataclass(frozen=True)
class Break:
    """`text` as content deltas, then the connection is dropped: no finish_reason, no [DONE]."""

    text: str


@dataclass(frozen=True)
class Stall:
    """Waits `seconds` (or until stop()), then answers `then`, by default Text("late")."""

    seconds: float
    then: Reply | None = None


@dataclass(frozen=True)
class Tokens:
    """`n` content deltas "t0 ", "t1 ", ... at `rate_per_s`; each (text, time.time()) goes to `emitted`."""

    n: int
    rate_per_s: float
    prefix: str = "t"


Reply = Text | ToolCalls | HttpError | Break | Stall | Tokens

# Tool call ids are unique across servers, so a test can't confuse one run's call with another's.
_call_ids = itertools.count(1)


def _pieces(text: str, size: int) -> list[str]:
    """`text` cut every `size` characters (code points, so no character is split)."""
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)]


def _argument_pieces(arguments: str) -> list[str]:
    # Clients must concatenate the fragments; at least two makes a test notice if one doesn't.
    parts = _pieces(arguments, min(8, len(arguments) // 2))
    return parts + [""] * (2 - len(parts))


def _error_body(status: int, message: str) -> dict[str, Any]:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status) or phrase.lower().replace(" ", "_")
    kind = "server_error" if status >= 500 else "requests" if status == 429 else "invalid_request_error"
    return {"error": {"message": message or phrase, "type": kind, "param": None, "code": code}}


def _usage(body: dict, completion_chars: int) -> dict[str, int]:
    # About four characters a token: tests only need plausible, growing numbers.
    prompt = (len(json.dumps(body.get("messages", []))) + 3) // 4
    completion = (completion_chars + 3) // 4
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _send_json(h: BaseHTTPRequestHandler, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
    payload = json.dumps(data).encode()
    h.send_response(status)
    for k, v in {"Content-Type": "application/json", "Content-Length": str(len(payload)), **(headers or {})}.items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(payload)


def _drop(h: BaseHTTPRequestHandler) -> None:
    """Ends the connection where it stands, whatever was promised in the headers."""
    h.close_connection = True
    try:
        h.connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Sse:
    """One streamed answer: chat.completion.chunk events, each its own HTTP chunk, sent at once."""

    def __init__(self, h: BaseHTTPRequestHandler, model: str):
        self.h = h
        self.base = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
        }
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream; charset=utf-8")
        h.send_header("Cache-Control", "no-cache")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()

    def _event(self, data: str) -> None:
        payload = f"data: {data}\n\n".encode()
        # wfile is the unbuffered socket writer (sendall), and TCP_NODELAY is on: the chunk
        # is on the wire when this returns.
        self.h.wfile.write(b"%X\r\n%s\r\n" % (len(payload), payload))
        self.h.wfile.flush()

    def delta(self, delta: dict[str, Any], finish_reason: str | None = None) -> None:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        self._event(json.dumps({**self.base, "choices": [choice]}))

    def usage(self, usage: dict[str, int]) -> None:
        self._event(json.dumps({**self.base, "choices": [], "usage": usage}))

    def done(self) -> None:
        self._event("[DONE]")
        self.h.wfile.write(b"0\r\n\r\n")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # each delta must leave now, not wait for the last one's ACK
    server: _Server

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, True)

    def finish(self) -> None:
        self.server.fake._track(self.connection, False)
        super().finish()

    def do_GET(self) -> None:
        self.server.fake._serve(self)

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a Stall or an idle keep-alive connection
    fake: FakeModel

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up (it timed out, or closed a stream early) is routine here;
        # anything else is a bug in the fake and should be seen.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class FakeModel:
    def __init__(self, *, model: str = "fake-model", api_key: str = "fake-model-key"):
        self.model = model
        self.api_key = api_key
        self.responder: Callable[[dict], Reply] | None = None
        self.requests: list[dict] = []  # every chat request body, unauthorized ones too
        self.headers: list[dict] = []  # their headers, names lower-cased
        self.emitted: list[tuple[str, float]] = []  # (token, time.time()) of each Tokens delta
        self._queue: deque[Reply] = deque()
        self._lock = threading.Condition()  # guards the lists and the queue; wait_requests waits on it
        self._stopping = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._server: _Server | None = None

    # --- configuration ---
    @property
    def root_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.root_url + "/v1"

    def script(self, *replies: Reply) -> None:
        """Queues replies; each chat request takes the oldest."""
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.headers.clear()
            self.emitted.clear()
            self.responder = None

    def wait_requests(self, n: int, timeout_s: float = 10) -> None:
        """Blocks until at least `n` chat requests have arrived."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(self.requests)} of {n} requests arrived within {timeout_s}s")
                self._lock.wait(left)

    # --- lifecycle ---
    def start(self) -> "FakeModel":
        if self._server:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        # A short poll keeps stop() quick (shutdown waits for the next poll).
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="fake-model-http"
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes Stalls and paced streams
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        # Keep-alive connections park a handler thread each; end them with the server.
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "FakeModel":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- HTTP ---
    def _track(self, sock: socket.socket, open_: bool) -> None:
        with self._lock:
            (self._sockets.add if open_ else self._sockets.discard)(sock)

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0].rstrip("/")
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in h.headers.items()}
        chat = h.command == "POST" and path.endswith("/chat/completions")
        body: dict = {}
        if chat:
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None  # type: ignore[assignment]
            if not isinstance(body, dict):
                return _send_json(h, 400, _error_body(400, "The request body is not a JSON object."))
            with self._lock:
                self.requests.append(body)
                self.headers.append(headers)
                self._lock.notify_all()
        auth = headers.get("authorization", "")
        if not (auth[:7].lower() == "bearer " and auth[7:] == self.api_key):
            return _send_json(h, 401, _error_body(401, "Incorrect API key provided."))
        if h.command == "GET" and path.endswith("/models"):
            model = {"id": self.model, "object": "model", "created": 0, "owned_by": "fake-model-server"}
            return _send_json(h, 200, {"object": "list", "data": [model]})
        if not chat:
            return _send_json(h, 404, _error_body(404, f"Invalid URL ({h.command} {path})"))
        try:
            self._answer(h, body, self._next_reply(body))
        except OSError:
            h.close_connection = True  # the client left (timed out, closed the stream) or stop() came

    def _next_reply(self, body: dict) -> Reply:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
            responder = self.responder
        if responder is None:
            return Text("OK")
        try:
            return responder(body)
        except Exception as err:  # noqa: BLE001 - answer, so the test sees the failure rather than a hang
            return HttpError(500, f"fake model responder failed: {err!r}")

    def _sleep(self, seconds: float) -> None:
        """Sleeps, unless stop() comes first: then the connection is gone and the answer ends."""
        if seconds > 0 and self._stopping.wait(seconds):
            raise ConnectionAbortedError("fake model stopped")

    def _answer(self, h: BaseHTTPRequestHandler, body: dict, reply: Reply) -> None:
        if isinstance(reply, Stall):
            self._sleep(reply.seconds)
            return self._answer(h, body, reply.then or Text("late"))
        if isinstance(reply, HttpError):
            headers = {"Retry-After": f"{reply.retry_after:g}"} if reply.retry_after is not None else {}
            return _send_json(h, reply.status, _error_body(reply.status, reply.message), headers)
        if body.get("stream"):
            return self._stream(h, body, reply)
        return self._complete(h, body, reply)

    def _tool_calls(self, reply: ToolCalls) -> list[tuple[str, str, str]]:
        """(id, name, arguments string) of each call."""
        return [
            (f"call_{next(_call_ids)}", name, args if isinstance(args, str) else json.dumps(args))
            for name, args in reply.calls
        ]

    def _stream(self, h: BaseHTTPRequestHandler, body: dict, reply: Reply) -> None:
        sse = _Sse(h, body.get("model") or self.model)
        # OpenAI's first chunk names the role; its content is null when only tool calls follow.
        only_calls = isinstance(reply, ToolCalls) and not reply.text
        sse.delta({"role": "assistant", "content": None if only_calls else ""})
        sent = 0  # characters generated, for usage
        if isinstance(reply, (Text, Break)):
            size, delay = (reply.chunk_chars, reply.delay_s) if isinstance(reply, Text) else (4, 0.0)
            for i, piece in enumerate(_pieces(reply.text, size)):
                if i:
                    self._sleep(delay)
                sse.delta({"content": piece})
                sent += len(piece)
            if isinstance(reply, Break):
                return _drop(h)
            finish = "stop"
        elif isinstance(reply, Tokens):
            interval = 1 / reply.rate_per_s if reply.rate_per_s > 0 else 0.0
            began = time.perf_counter()
            for i in range(reply.n):
                self._sleep(began + i * interval - time.perf_counter())  # a fixed schedule: no drift
                token = f"{reply.prefix}{i} "
                sse.delta({"content": token})
                with self._lock:
                    self.emitted.append((token, time.time()))
                sent += len(token)
            finish = "stop"
        else:  # ToolCalls
            for piece in _pieces(reply.text, 4):
                sse.delta({"content": piece})
            sent += len(reply.text)
            for index, (call_id, name, arguments) in enumerate(self._tool_calls(reply)):
                head = {"index": index, "id": call_id, "type": "function", "function": {"name": name, "arguments": ""}}
                sse.delta({"tool_calls": [head]})
                for part in _argument_pieces(arguments):
                    sse.delta({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
                sent += len(name) + len(arguments)
            finish = "tool_calls"
        sse.delta({}, finish)
        if (body.get("stream_options") or {}).get("include_usage"):
            sse.usage(_usage(body, sent))
        sse.done()

    def _complete(self, h: BaseHTTPRequestHandler, body: dict, reply: Reply) -> None:
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        finish = "stop"
        tokens: list[str] = []
        if isinstance(reply, ToolCalls):
            calls = self._tool_calls(reply)
            message["content"] = reply.text or None
            message["tool_calls"] = [
                {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
                for call_id, name, arguments in calls
            ]
            sent = len(reply.text) + sum(len(name) + len(arguments) for _, name, arguments in calls)
            finish = "tool_calls"
        elif isinstance(reply, Tokens):
            # Unstreamed, the whole generation time passes before anything is sent.
            self._sleep(reply.n / reply.rate_per_s if reply.rate_per_s > 0 else 0.0)
            tokens = [f"{reply.prefix}{i} " for i in range(reply.n)]
            message["content"] = "".join(tokens)
            sent = len(message["content"])
        else:  # Text or Break
            message["content"] = reply.text
            sent = len(reply.text)
        answer = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or self.model,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": _usage(body, sent),
        }
        if isinstance(reply, Break):
            # Promise the whole body, send half of it, hang up.
            payload = json.dumps(answer).encode()
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(payload)))
            h.end_headers()
            h.wfile.write(payload[: len(payload) // 2])
            return _drop(h)
        _send_json(h, 200, answer)
        if tokens:
            now = time.time()
            with self._lock:
                self.emitted.extend((token, now) for token in tokens)
