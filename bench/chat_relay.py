"""Chat streaming: model token -> text visible in the page, and websocket bytes per token.

The fake model (tests/fakes/model_server.py, on 127.0.0.1) emits TOKENS tokens at RATE a
second and records when it wrote each one (wall clock). In the page, a MutationObserver
records when each token first shows (performance.timeOrigin + now(): the same clock), so
the delay is emission -> painted text, through the agent loop, the state, the websocket and
React. Side by side in one run:
  page:     the chat page, at turn 1 and at turn 40 of one conversation (38 shorter turns
            in between, each with a tool card), with the websocket bytes received per token;
  baseline: the same turn through /api/chat read by fetch() in the same page: the agent
            loop and the HTTP stream without Reflex.
Targets: page p50 <= 30 ms, p95 <= 60 ms; bytes per token at turn 40 <= 1.1 x turn 1.
A script, not a test: never asserts.

    python bench/chat_relay.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import header, launch_browser, p50, p95, start_app, stop_app, verdict
from playwright.sync_api import sync_playwright

from tests.fakes.model_server import FakeModel, Text, Tokens, ToolCalls

TOKENS = 500
RATE = 50.0  # tokens a second: a fast model
TURNS = 40

# Records when each token "t<i> " first appears in the streamed answer or the final one.
SEEN_JS = r"""
() => {
  window.__seen = {};
  window.__max = -1;
  const now = () => performance.timeOrigin + performance.now();
  const scan = () => {
    const live = document.querySelector("#live-text");
    const answers = document.querySelectorAll(".chat-answer");
    const last = answers.length ? answers[answers.length - 1] : null;
    for (const el of [live, last]) {
      if (!el) continue;
      const m = /t(\d+) ?$/.exec(el.textContent.trimEnd() + " ");
      if (!m) continue;
      const n = parseInt(m[1], 10);
      if (n > window.__max) {
        const t = now();
        for (let i = window.__max + 1; i <= n; i++) window.__seen[i] = t;
        window.__max = n;
      }
    }
  };
  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
  return true;
}
"""

SSE_JS = r"""
async (message) => {
  const seen = {};
  let max = -1, text = "";
  const res = await fetch("/api/chat", { method: "POST", headers: { "Content-Type": "application/json" },
                                         body: JSON.stringify({ message }) });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i); buf = buf.slice(i + 2);
      const ev = /^event: (.*)$/m.exec(block), data = /^data: (.*)$/m.exec(block);
      if (!ev || ev[1] !== "delta") continue;
      text += JSON.parse(data[1]).text;
      const m = /t(\d+) ?$/.exec(text.trimEnd() + " ");
      if (m && parseInt(m[1], 10) > max) {
        const t = performance.timeOrigin + performance.now(), n = parseInt(m[1], 10);
        for (let k = max + 1; k <= n; k++) seen[k] = t;
        max = n;
      }
    }
  }
  return seen;
}
"""


def delays(emitted: list[tuple[str, float]], seen: dict) -> list[float]:
    out = []
    for i, (_token, t_emit) in enumerate(emitted):
        t_seen = seen.get(str(i), seen.get(i))
        if t_seen is not None:
            out.append(t_seen - t_emit * 1000)
    return out


def page_turn(page, fm: FakeModel, frames: list[int], question: str) -> tuple[list[float], float]:
    fm.emitted.clear()
    fm.script(Tokens(TOKENS, RATE))
    page.evaluate(SEEN_JS)
    mark = len(frames)
    page.locator("#chat-input").fill(question)
    page.locator("#chat-send").click()
    page.wait_for_selector("#live-turn", state="attached", timeout=30_000)
    page.wait_for_selector("#live-turn", state="detached", timeout=120_000)
    received = sum(frames[mark:])
    print(f"  {question}: {len(frames) - mark} frames, largest {max(frames[mark:]):,} bytes", flush=True)
    return delays(list(fm.emitted), page.evaluate("window.__seen")), received / TOKENS


def filler_turn(page, fm: FakeModel, frames: list[int], i: int) -> int:
    """A short turn with a tool card; returns the largest frame it received."""
    mark = len(frames)
    fm.script(
        ToolCalls([("run_sql", {"sql": f"SELECT n_name, n_regionkey, {i} AS turn FROM samples.tpch.nation LIMIT 10"})]),
        Text(f"Turn {i}: the ten nations are listed above [Q1]. " + "Some more words of explanation. " * 8, chunk_chars=12),
    )
    turns = page.locator(".chat-turn").count()
    page.locator("#chat-input").fill(f"filler question {i}")
    page.locator("#chat-send").click()
    page.wait_for_function("n => document.querySelectorAll('.chat-turn').length > n", arg=turns, timeout=60_000)
    page.wait_for_selector("#live-turn", state="detached", timeout=60_000)
    page.wait_for_timeout(50)
    return max(frames[mark:], default=0)


def main() -> None:
    header(f"chat relay: {TOKENS} tokens at {RATE:g}/s, turn 1 and turn {TURNS} of one conversation")
    tmp = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    fm = FakeModel().start()
    app = None
    try:
        app = start_app(tmp, {"APP_LLM_BASE_URL": fm.base_url, "APP_LLM_MODEL": "fake-model", "APP_LLM_API_KEY": fm.api_key,
                              "APP_RATE_LIMIT_PER_MINUTE": "0"})
        with sync_playwright() as p:
            browser = launch_browser(p)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            frames: list[int] = []
            page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
                len(payload.encode("utf-8")) if isinstance(payload, str) else len(payload))))
            page.goto(app.url + "/chat")
            page.wait_for_selector("#backend-label:not(:empty)")
            page.locator("#new-conversation").click()

            first, first_bytes = page_turn(page, fm, frames, "stream please (turn 1)")
            largest = [filler_turn(page, fm, frames, i) for i in range(2, TURNS)]
            last, last_bytes = page_turn(page, fm, frames, f"stream please (turn {TURNS})")

            fm.emitted.clear()
            fm.script(Tokens(TOKENS, RATE))
            seen = page.evaluate(SSE_JS, "stream please (API)")
            sse = delays(list(fm.emitted), seen)
            browser.close()

        print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}{'tokens seen':>13}")
        for name, values in (("page, turn 1", first), (f"page, turn {TURNS}", last), ("baseline: /api/chat + fetch", sse)):
            print(f"{name:28}{p50(values):>10.1f}{p95(values):>10.1f}{len(values):>13}")
        both = first + last
        print(f"\nwebsocket bytes per token: turn 1 {first_bytes:.1f}, turn {TURNS} {last_bytes:.1f} "
              f"(ratio {last_bytes / first_bytes:.2f})")
        print(f"largest update at the end of turns 2-{TURNS - 1}: {max(largest):,} bytes (median {sorted(largest)[len(largest) // 2]:,}); "
              f"the conversation moves to one list every {8} turns")
        print(f"target page p50 <= 30 ms, p95 <= 60 ms: {verdict(p50(both) <= 30 and p95(both) <= 60)}")
        print(f"target bytes per token ratio <= 1.1: {verdict(last_bytes / first_bytes <= 1.1)}")
    finally:
        if app is not None:
            stop_app(app.proc)
        fm.stop()
        shutil.rmtree(tmp, ignore_errors=True) if sys.exc_info()[0] is None else print(f"kept {tmp}")


if __name__ == "__main__":
    sys.exit(main())
