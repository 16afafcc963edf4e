"""Per-user limits: a token bucket a minute per (user, bucket) and running slots per user,
refused at once with how long to wait, never slowing another user; and the API's 429."""

from __future__ import annotations

import threading

import httpx
import pytest

from dashboard_app.api.app import build
from dashboard_app.api.deps import Caller, ServicesDep
from dashboard_app.services import limits
from dashboard_app.services.limits import BUCKETS, Limiter, RateLimited

from .test_api_fuzz import make_services, serve_api


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(autouse=True)
def never_sleeps(monkeypatch):
    """A limit is answered at once: nothing here may wait."""
    def refuse(_s):
        raise AssertionError("the limiter slept")

    monkeypatch.setattr(limits.time, "sleep", refuse)


def test_per_minute_allows_a_burst_then_refuses_with_retry_after(clock):
    lim = Limiter(per_minute=3, max_running=0, clock=clock)
    assert [lim.acquire("ana", "statements").remaining for _ in range(3)] == [2, 1, 0]
    with pytest.raises(RateLimited) as info:
        lim.acquire("ana", "statements")
    err = info.value
    # 3 a minute refill one token every 20 s.
    assert err.retry_after_s == pytest.approx(20.0) and err.retry_after == 20
    assert err.bucket == "statements" and err.code == "RATE_LIMITED"
    assert "3 a minute" in err.message and "APP_RATE_LIMIT_PER_MINUTE" in err.message and "20 s" in err.message
    clock.now += 5
    with pytest.raises(RateLimited) as info:
        lim.acquire("ana", "statements")
    assert info.value.retry_after == 15  # the wait shrinks as time passes
    clock.now += 15
    lim.acquire("ana", "statements")  # one token back after 20 s
    with pytest.raises(RateLimited):
        lim.acquire("ana", "statements")
    clock.now += 60
    for _ in range(3):  # a full minute refills the bucket, never beyond it
        lim.acquire("ana", "statements")
    with pytest.raises(RateLimited):
        lim.acquire("ana", "statements")


def test_retry_after_is_whole_seconds_and_at_least_one(clock):
    lim = Limiter(per_minute=120, max_running=0, clock=clock)  # a token every 0.5 s
    for _ in range(120):
        lim.acquire("ana")
    with pytest.raises(RateLimited) as info:
        lim.acquire("ana")
    assert info.value.retry_after_s == pytest.approx(0.5) and info.value.retry_after == 1
    clock.now += 0.3
    with pytest.raises(RateLimited) as info:
        lim.acquire("ana")
    assert info.value.retry_after_s == pytest.approx(0.2) and info.value.retry_after == 1
    assert RateLimited(2.0001, "x").retry_after == 3 and RateLimited(2.0, "x").retry_after == 2


def test_a_second_user_is_unaffected_while_the_first_is_limited(clock):
    lim = Limiter(per_minute=2, max_running=1, clock=clock)
    lim.acquire("ana")
    lim.acquire("ana")
    with pytest.raises(RateLimited):
        lim.acquire("ana")
    assert lim.acquire("bob").remaining == 1
    with lim.running("ana"):
        with pytest.raises(RateLimited):
            with lim.running("ana"):
                pass
        with lim.running("bob"):  # ana's slots are hers alone
            assert lim.running_count("bob") == 1 and lim.running_count("ana") == 1


def test_buckets_are_counted_separately(clock):
    lim = Limiter(per_minute=2, max_running=0, clock=clock)
    for _ in range(2):
        lim.acquire("ana", "statements")
    with pytest.raises(RateLimited):
        lim.acquire("ana", "statements")
    for bucket in ("dashboard", "chat", "file_writes"):
        lim.acquire("ana", bucket)
        lim.acquire("ana", bucket)
        with pytest.raises(RateLimited) as info:
            lim.acquire("ana", bucket)
        assert info.value.bucket == bucket
    assert {"chat messages", "file changes"} <= {e for e in limits._WHAT.values()}
    with pytest.raises(ValueError):
        lim.acquire("ana", "nonsense")
    assert set(BUCKETS) == {"statements", "dashboard", "chat", "file_writes"}


def test_running_slots_are_held_for_the_block_and_released_on_error(clock):
    lim = Limiter(per_minute=0, max_running=2, clock=clock)
    with lim.running("ana"), lim.running("ana"):
        with pytest.raises(RateLimited) as info:
            with lim.running("ana"):
                pass
        assert info.value.bucket == "running" and info.value.retry_after == 1
        assert "APP_MAX_RUNNING_PER_USER=2" in info.value.message
    assert lim.running_count("ana") == 0
    with pytest.raises(ZeroDivisionError):
        with lim.running("ana"):
            1 / 0
    assert lim.running_count("ana") == 0 and lim._running == {}  # nothing left behind


def test_only_the_first_refusal_of_a_run_is_marked_first(clock):
    lim = Limiter(per_minute=1, max_running=1, clock=clock)
    lim.acquire("ana")
    firsts = []
    for _ in range(3):
        with pytest.raises(RateLimited) as info:
            lim.acquire("ana")
        firsts.append(info.value.first)
    assert firsts == [True, False, False]
    clock.now += 60
    lim.acquire("ana")  # accepted again: the next refusal starts a new run
    with pytest.raises(RateLimited) as info:
        lim.acquire("ana")
    assert info.value.first
    with lim.running("ana"):
        flags = []
        for _ in range(2):
            with pytest.raises(RateLimited) as info:
                with lim.running("ana"):
                    pass
            flags.append(info.value.first)
    assert flags == [True, False]


def test_zero_turns_a_limit_off(clock):
    lim = Limiter(per_minute=0, max_running=0, clock=clock)
    for _ in range(10_000):
        lim.acquire("ana")
    with lim.running("ana"), lim.running("ana"), lim.running("ana"):
        pass
    assert lim._buckets == {}
    with pytest.raises(ValueError):
        Limiter(per_minute=-1, max_running=0)


def test_a_refund_gives_a_token_back(clock):
    lim = Limiter(per_minute=1, max_running=0, clock=clock)
    ticket = lim.acquire("ana")
    lim.refund(ticket)
    lim.acquire("ana")
    with pytest.raises(RateLimited):
        lim.acquire("ana")


def test_idle_buckets_are_dropped(clock, monkeypatch):
    monkeypatch.setattr(limits, "_SWEEP_AT", 100)
    lim = Limiter(per_minute=60, max_running=0, clock=clock)
    for i in range(100):
        lim.acquire(f"user{i}")
    clock.now += 2  # every bucket has refilled its one token
    lim.acquire("late")
    assert len(lim._buckets) == 1


def test_exactly_the_figure_gets_through_from_many_threads():
    lim = Limiter(per_minute=500, max_running=3)
    accepted, refused, peak, lock = [], [], [0], threading.Lock()

    def worker() -> None:
        for _ in range(100):
            try:
                lim.acquire("ana")
                accepted.append(1)
            except RateLimited:
                refused.append(1)
            try:
                with lim.running("ana"):
                    with lock:
                        peak[0] = max(peak[0], lim.running_count("ana"))
            except RateLimited:
                pass

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # 1000 calls in well under a second: the 500-token burst and at most a token or two refilled.
    assert 500 <= len(accepted) <= 510 and len(accepted) + len(refused) == 1000
    assert peak[0] <= 3 and lim.running_count("ana") == 0


# --------------------------------------------------------------------------- the API

def test_the_api_answers_429_with_retry_after(tmp_path):
    """On a real socket: a route whose call is over a limit answers 429, with Retry-After and
    the API's error shape (the handler in api/deps.py, whichever route raised it)."""
    svc = make_services(tmp_path, APP_RATE_LIMIT_PER_MINUTE="2")
    app = build()

    @app.post("/api/_test/write")
    def limited_write(svc: ServicesDep, caller: Caller):  # a file write as the API counts it
        svc.limiter.acquire(caller.user, "file_writes")
        return {"ok": True}

    try:
        with serve_api(svc, app) as base, httpx.Client(base_url=base, timeout=30) as client:
            assert [client.post("/api/_test/write").status_code for _ in range(2)] == [200, 200]
            refused = client.post("/api/_test/write")
            assert refused.status_code == 429
            assert refused.headers["retry-after"] == "30"  # 2 a minute: a token every 30 s
            assert refused.json() == {"error": {"code": "RATE_LIMITED", "message": refused.json()["error"]["message"]}}
            assert "file changes" in refused.json()["error"]["message"]
    finally:
        svc.engine.close()


def test_a_statement_over_the_limit_through_post_api_query_is_429(tmp_path):
    """The real statement path: POST /api/query -> the gate -> over the per-minute figure."""
    svc = make_services(tmp_path, APP_RATE_LIMIT_PER_MINUTE="2")
    body = {"statement": "SELECT 1 AS x", "wait_timeout": "10s"}
    try:
        with serve_api(svc) as base, httpx.Client(base_url=base, timeout=30) as client:
            assert [client.post("/api/query", json=body).json()["status"]["state"] for _ in range(2)] == ["SUCCEEDED"] * 2
            refused = client.post("/api/query", json=body)
            assert refused.status_code == 429, refused.text
            assert refused.headers["retry-after"] == "30"
            assert refused.json()["error"]["code"] == "RATE_LIMITED"
            assert "Too many statements" in refused.json()["error"]["message"]
        statuses = [(e["source"], e["status"]) for e in svc.audit.tail(10) if e["action"] == "statement"]
        assert statuses == [("api", "ok"), ("api", "ok"), ("api", "refused")]
    finally:
        svc.engine.close()
