"""Per-user limits, in memory: how often a person may submit something, and how many of
their statements may run at once.

    limiter = Limiter(per_minute=120, max_running=8)
    limiter.acquire(user, "statements")        # raises RateLimited when over the figure
    with limiter.running(user):                # raises RateLimited when all slots are taken
        engine.execute(...)

Each (user, bucket) is a token bucket: it holds up to `per_minute` tokens (so a burst of that
many is fine) and refills at `per_minute / 60` a second. Buckets are separate, so chat
messages never use up the editor's statements, nor file writes a dashboard's tiles. Every call
is a few arithmetic operations under one lock, never a wait: a person over a limit is refused
at once with how long to wait (`RateLimited.retry_after`), and nobody else is slowed — a
sleeping thread would hold one of the worker threads everyone's calls share.

Plain Python (no Reflex, no FastAPI): the SQL gate, the files page and the API all call it.
"""

from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

#: The buckets, each counted on its own against the same per-minute figure.
BUCKETS = ("statements", "dashboard", "chat", "file_writes")

_WHAT = {
    "statements": "statements",
    "dashboard": "dashboard tile queries",
    "chat": "chat messages",
    "file_writes": "file changes",
}

#: Above this many buckets in memory, idle (full) ones are dropped on the next call.
_SWEEP_AT = 10_000


class RateLimited(Exception):
    """Over a limit: try again in `retry_after_s` seconds. The message is safe to show."""

    code = "RATE_LIMITED"

    def __init__(self, retry_after_s: float, message: str, *, bucket: str = "", first: bool = True):
        super().__init__(message)
        self.retry_after_s = max(0.0, float(retry_after_s))
        self.message = message
        self.bucket = bucket
        # The first refusal since this person's last accepted call: callers that log
        # refusals log this one and skip the rest, so a flood cannot flood the log too.
        self.first = first

    @property
    def retry_after(self) -> int:
        """Whole seconds, at least 1, as an HTTP `Retry-After` header carries them."""
        return max(1, math.ceil(self.retry_after_s - 1e-9))


@dataclass(frozen=True)
class Ticket:
    """An accepted call: what is left in its bucket right after it."""

    user: str
    bucket: str
    remaining: int


class _Bucket:
    __slots__ = ("tokens", "updated", "refused")

    def __init__(self, tokens: float, updated: float):
        self.tokens, self.updated, self.refused = tokens, updated, 0


class Limiter:
    """Token buckets per (user, bucket) and running slots per user; thread-safe, O(1).

    `per_minute=0` or `max_running=0` turns that limit off.
    """

    def __init__(self, per_minute: int, max_running: int, *, clock: Callable[[], float] = time.monotonic):
        if per_minute < 0 or max_running < 0:
            raise ValueError("limits cannot be negative")
        self.per_minute, self.max_running = int(per_minute), int(max_running)
        self._rate = self.per_minute / 60.0  # tokens a second
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._running: dict[str, int] = {}
        self._running_refused: dict[str, int] = {}

    # --- per minute ---
    def acquire(self, user: str, bucket: str = "statements") -> Ticket:
        """Takes one token from `user`'s `bucket`, or raises RateLimited (nothing is taken)."""
        if bucket not in BUCKETS:
            raise ValueError(f"unknown bucket {bucket!r}")
        cap = self.per_minute
        if cap == 0:
            return Ticket(user, bucket, -1)
        key = (user, bucket)
        with self._lock:
            now = self._clock()
            b = self._buckets.get(key)
            if b is None:
                if len(self._buckets) >= _SWEEP_AT:
                    self._sweep(now)
                b = self._buckets[key] = _Bucket(float(cap), now)
            else:
                b.tokens = min(float(cap), b.tokens + (now - b.updated) * self._rate)
                b.updated = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                b.refused = 0
                return Ticket(user, bucket, int(b.tokens))
            b.refused += 1
            wait = (1.0 - b.tokens) / self._rate
            first = b.refused == 1
        raise RateLimited(
            wait,
            f"Too many {_WHAT[bucket]}: the limit is {cap:,} a minute per person "
            f"(APP_RATE_LIMIT_PER_MINUTE). Try again in {math.ceil(wait - 1e-9) or 1} s.",
            bucket=bucket,
            first=first,
        )

    def refund(self, ticket: Ticket) -> None:
        """Gives back a token taken for something that then did not happen."""
        if self.per_minute == 0:
            return
        with self._lock:
            b = self._buckets.get((ticket.user, ticket.bucket))
            if b is not None:
                b.tokens = min(float(self.per_minute), b.tokens + 1.0)

    def _sweep(self, now: float) -> None:
        """Drops buckets that have refilled: a full bucket is the same as none. Under the lock;
        it runs once per _SWEEP_AT new buckets at most, so calls stay O(1) amortized."""
        cap = float(self.per_minute)
        for key in [k for k, b in self._buckets.items() if b.tokens + (now - b.updated) * self._rate >= cap]:
            del self._buckets[key]

    # --- running at once ---
    @contextmanager
    def running(self, user: str) -> Iterator[None]:
        """Holds one of `user`'s running slots for the block, or raises RateLimited."""
        self._take_slot(user)
        try:
            yield
        finally:
            self._release_slot(user)

    def _take_slot(self, user: str) -> None:
        limit = self.max_running
        with self._lock:
            held = self._running.get(user, 0)
            if limit == 0 or held < limit:
                self._running[user] = held + 1
                self._running_refused.pop(user, None)
                return
            refused = self._running_refused.get(user, 0) + 1
            self._running_refused[user] = refused
        raise RateLimited(
            1.0,
            f"{held} of your statements are already running, the most at once per person "
            f"(APP_MAX_RUNNING_PER_USER={limit}). Wait for one to finish or cancel it, then try again.",
            bucket="running",
            first=refused == 1,
        )

    def _release_slot(self, user: str) -> None:
        with self._lock:
            held = self._running.get(user, 0) - 1
            if held > 0:
                self._running[user] = held
            else:
                self._running.pop(user, None)
                self._running_refused.pop(user, None)

    def running_count(self, user: str) -> int:
        with self._lock:
            return self._running.get(user, 0)
