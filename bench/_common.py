"""Shared pieces of the browser benchmarks (not a benchmark itself).

- `start_floor_app`: a minimal Reflex app written into a temporary folder and started in
  production mode on one port, whose button handler only sets a text var to a new value.
  Click -> text visible in that app is the framework's floor: no app can answer faster.
- `TIMER_JS` / `install_timer` / `timed_click`: in-page timing. A capture-phase click
  listener records performance.now() at the click, a MutationObserver stops the clock when
  the watched element shows the expected text; the figure is read back from the page, so
  Playwright's own round trips are not in it.
- `p50`, `p95`, `fmt_ms`, `verdict`: percentile maths and printing.
- `ProcessGroup`-style cleanup: every process started here is stopped by its process group.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app  # noqa: E402,F401

VENV_BIN = Path(sys.executable).parent


# --------------------------------------------------------------------------- processes

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _npm_registry() -> str | None:
    npm = shutil.which("npm")
    if not npm:
        return None
    try:
        out = subprocess.run([npm, "config", "get", "registry"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return value if out.returncode == 0 and value.startswith("http") else None


def reflex_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(VENV_BIN) + os.pathsep + env.get("PATH", "")
    env.update(
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
    )
    registry = env.get("NPM_CONFIG_REGISTRY") or _npm_registry()
    if registry:
        env["NPM_CONFIG_REGISTRY"] = registry
    env.update(extra or {})
    return env


FLOOR_RXCONFIG = '''\
import reflex as rx

config = rx.Config(
    app_name="floorapp",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    state_manager_mode="memory",
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="blue", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
'''

FLOOR_APP = '''\
"""The framework floor: a button whose handler only sets a text var to a new value."""

import reflex as rx


class FloorState(rx.State):
    n: int = 0
    text: str = ""

    @rx.event
    def bump(self):
        self.n += 1
        self.text = f"value {self.n}"


def index() -> rx.Component:
    return rx.vstack(
        rx.button("Go", on_click=FloorState.bump, id="go"),
        rx.text(FloorState.text, id="out"),
        rx.text(FloorState.n, id="count"),
    )


app = rx.App()
app.add_page(index, route="/")
'''


class FloorApp:
    def __init__(self, url: str, proc: subprocess.Popen, tmp: Path, log: Path):
        self.url, self.proc, self.tmp, self.log = url, proc, tmp, log

    def stop(self) -> None:
        stop_group(self.proc)
        shutil.rmtree(self.tmp, ignore_errors=True)


def stop_group(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def wait_http(url: str, proc: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/ping", timeout=2) as r:
                if r.status == 200:
                    with urllib.request.urlopen(url + "/", timeout=5) as page:
                        if page.status == 200:
                            return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"not up after {timeout_s}s:\n{log.read_text()[-3000:]}")


def start_floor_app(timeout_s: float = 300) -> FloorApp:
    """Writes the minimal app into a temporary folder and starts it in prod mode on one port."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    (tmp / "floorapp").mkdir()
    (tmp / "floorapp" / "__init__.py").write_text("")
    (tmp / "floorapp" / "floorapp.py").write_text(FLOOR_APP)
    (tmp / "rxconfig.py").write_text(FLOOR_RXCONFIG)
    port = free_port()
    log = tmp / "floor.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port",
         "--frontend-port", str(port), "--backend-port", str(port)],
        cwd=tmp, env=reflex_env(), stdin=subprocess.DEVNULL, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    app = FloorApp(f"http://127.0.0.1:{port}", proc, tmp, log)
    try:
        wait_http(app.url, proc, log, timeout_s)
    except BaseException:
        app.stop()
        raise
    return app


def descendants(pid: int) -> list[int]:
    """All live descendants of pid (from /proc), children first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop(0)
        for c in children.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def status_kb(pid: int, field: str) -> int:
    """A `VmRSS` / `VmHWM` style field of /proc/<pid>/status, in KiB (0 if gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


# --------------------------------------------------------------------------- browser

TIMER_JS = r"""
() => {
  if (window.__bench) return true;
  const b = { t0: null, t1: null, t2: null, armed: false, clickSel: "", watchSel: "", expected: "", mode: "", before: null };
  const text = () => { const el = document.querySelector(b.watchSel); return el ? el.textContent : null; };
  const check = () => {
    if (!b.armed || b.t0 === null) return;
    const t = text();
    if (t === null) return;
    const ok = b.mode === "equals" ? t === b.expected
             : b.mode === "includes" ? t.includes(b.expected)
             : t !== b.before;  // "changes"
    if (ok) {
      b.t1 = performance.now(); b.armed = false;
      // Painted: the frame after the change has been drawn. A task posted from the next
      // animation frame runs once that frame's style, layout and paint are done.
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => { b.t2 = performance.now(); };
        ch.port2.postMessage(0);
      });
    }
  };
  b.arm = (clickSel, watchSel, expected, mode) => {
    b.t0 = null; b.t1 = null; b.t2 = null; b.clickSel = clickSel; b.watchSel = watchSel;
    b.expected = expected; b.mode = mode; b.before = null;
    b.before = text();
    b.armed = true;
  };
  b.elapsed = () => (b.t0 !== null && b.t1 !== null) ? b.t1 - b.t0 : null;
  // Capture phase on window: runs before React's handler for the same click.
  window.addEventListener("click", (e) => {
    if (b.armed && b.t0 === null && e.target && e.target.closest && e.target.closest(b.clickSel)) {
      b.t0 = performance.now();
      check();
    }
  }, true);
  new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  window.__bench = b;
  return true;
}
"""


# Installed with context.add_init_script, before the page's own scripts: timestamps every
# websocket message sent and received (instrumentation for the breakdown only).
WS_HOOK_JS = r"""
(() => {
  const Orig = window.WebSocket;
  if (!Orig || Orig.__benchHooked) return;
  window.__wslog = [];  // [t, "send" | "recv", length, head]
  const log = (dir, data) => {
    const s = typeof data === "string" ? data : "";
    const n = typeof data === "string" ? data.length : (data && (data.byteLength || data.size)) || 0;
    window.__wslog.push([performance.now(), dir, n, s]);
    if (window.__wslog.length > 400) window.__wslog.splice(0, 200);
  };
  class Hooked extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => log("recv", e.data));
    }
    send(data) { log("send", data); return super.send(data); }
  }
  Hooked.__benchHooked = true;
  window.WebSocket = Hooked;
})();
"""

BREAKDOWN_JS = r"""
(expected) => {
  const b = window.__bench, log = window.__wslog || [];
  if (!b || b.t0 === null || b.t1 === null) return null;
  const after = log.filter(([t]) => t >= b.t0 && t <= b.t1);
  const sent = after.find(([, d]) => d === "send");
  const recv = after.filter(([, d]) => d === "recv");
  const match = expected ? recv.find(([, , , s]) => s.includes(expected)) : recv[recv.length - 1];
  return {
    total: b.t1 - b.t0,
    sent: sent ? sent[0] - b.t0 : null,
    first_recv: recv.length ? recv[0][0] - b.t0 : null,
    match_recv: match ? match[0] - b.t0 : null,
    frames: recv.length,
    chars: recv.reduce((a, [, , n]) => a + n, 0),
    // The workbench puts the engine's own time (QueryResult.elapsed_s) in the result delta.
    engine_in_app: (() => {
      const m = match && /"duration_rx_state_":([-0-9.eE+]+)/.exec(match[3]);
      return m ? parseFloat(m[1]) * 1000 : null;
    })(),
  };
}
"""


def breakdown(page, expected: str = "") -> dict | None:
    """Where the last timed click's time went, from the websocket hook (ms after the click)."""
    return page.evaluate(BREAKDOWN_JS, expected)


def install_timer(page) -> None:
    page.evaluate(TIMER_JS)


def timed_click(page, click_sel: str, watch_sel: str, expected: str, mode: str, timeout_ms: float = 60_000) -> float:
    """Clicks `click_sel` and returns the in-page ms until `watch_sel` shows `expected`.

    mode: "equals" (textContent == expected), "includes", or "changes" (differs from before).
    """
    page.evaluate("([c, w, e, m]) => window.__bench.arm(c, w, e, m)", [click_sel, watch_sel, expected, mode])
    page.locator(click_sel).click()
    page.wait_for_function("() => window.__bench.t1 !== null", polling=25, timeout=timeout_ms)
    value = page.evaluate("() => window.__bench.elapsed()")
    if value is None:
        raise RuntimeError("in-page timer did not record both ends")
    return float(value)


def painted_ms(page, timeout_ms: float = 10_000) -> float:
    """For the last timed click: ms from the click until the frame showing the change was
    drawn (style, layout and paint included), which the DOM-change figure leaves out."""
    page.wait_for_function("() => window.__bench.t2 !== null", polling=10, timeout=timeout_ms)
    return float(page.evaluate("() => window.__bench.t2 - window.__bench.t0"))


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_floor_page(browser, floor: FloorApp):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.add_init_script(WS_HOOK_JS)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(floor.url + "/")
    page.wait_for_selector("#go")
    # Wait for the websocket: one click must come back before timing starts.
    install_timer(page)
    n = int(page.locator("#count").inner_text() or 0)
    page.locator("#go").click()
    page.wait_for_function(f"() => document.querySelector('#out')?.textContent === 'value {n + 1}'")
    return page


def floor_click(page) -> float:
    n = int(page.locator("#count").inner_text())
    return timed_click(page, "#go", "#out", f"value {n + 1}", "equals")


# --------------------------------------------------------------------------- figures

def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def p50(values: list[float]) -> float:
    return percentile(values, 0.50)


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def kb(n_bytes: float) -> str:
    return f"{n_bytes / 1024:,.1f} KB"


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 1024**2:,.1f} MB"


def header(title: str) -> None:
    print(textwrap.dedent(f"""\
        == {title}
           python {sys.version.split()[0]} · {os.cpu_count()} cores · {time.strftime('%Y-%m-%d %H:%M:%S')}"""), flush=True)


def summarize_breakdowns(items: list[dict | None]) -> str:
    """Median of each breakdown field, as one line."""
    items = [i for i in items if i]
    if not items:
        return "no breakdown"

    def med(key: str) -> str:
        vals = [i[key] for i in items if i.get(key) is not None]
        return f"{p50(vals):.1f}" if vals else "-"

    total, sent, match = med("total"), med("sent"), med("match_recv")
    render = [i["total"] - i["match_recv"] for i in items if i.get("match_recv") is not None]
    engine = med("engine_in_app")
    return (
        (f"engine.execute inside the app {engine} ms · " if engine != "-" else "")
        + f"click->event sent {sent} ms · click->result frame received {match} ms · "
        f"frame->DOM {p50(render):.1f} ms · total {total} ms · "
        f"frames {med('frames')} · chars received {med('chars')} (medians)"
    )


def server_pid(root_pid: int, port: int) -> int:
    """The process (root_pid or a descendant) that holds the socket listening on `port`."""
    listening: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[1].endswith(f":{port:04X}") and parts[3] == "0A":  # 0A = LISTEN
                listening.add(f"socket:[{parts[9]}]")
    candidates = [root_pid, *descendants(root_pid)]
    for pid in reversed(candidates):  # the deepest holder is the worker that serves
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in listening:
                    return pid
            except OSError:
                continue
    pythons = [p for p in candidates if "python" in cmdline(p)]
    return max(pythons or candidates, key=lambda p: status_kb(p, "VmRSS"))


class RssSampler:
    """Samples a process's VmRSS every `interval_s` in a thread; also resets and reads VmHWM."""

    def __init__(self, pid: int, interval_s: float = 0.02):
        import threading

        self.pid, self.interval_s = pid, interval_s
        self.before_kb = status_kb(pid, "VmRSS")
        self.peak_kb = self.before_kb
        self.samples = 0
        self.hwm_reset = False
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
            self.hwm_reset = True
        except OSError:
            pass
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = status_kb(self.pid, "VmRSS")
            self.samples += 1
            if rss > self.peak_kb:
                self.peak_kb = rss
            self._stop.wait(self.interval_s)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        if self.hwm_reset:
            self.peak_kb = max(self.peak_kb, status_kb(self.pid, "VmHWM"))

    @property
    def increase_bytes(self) -> int:
        return (self.peak_kb - self.before_kb) * 1024


class Frame:
    __slots__ = ("t", "size", "text")

    def __init__(self, t: float, size: int, text: str):
        self.t, self.size, self.text = t, size, text


def delta_bytes(frames: list["Frame"]) -> dict[str, int]:
    """Bytes of each state var in Reflex delta frames ("state.var" -> JSON bytes), plus
    "(framing)" for the rest of each frame (event envelope, state names)."""
    out: dict[str, int] = {}
    for f in frames:
        body = f.text[f.text.find("["):] if "[" in f.text else ""
        try:
            message = json.loads(body)
        except ValueError:
            out["(other)"] = out.get("(other)", 0) + f.size
            continue
        counted = 0
        payload = message[1] if isinstance(message, list) and len(message) > 1 and isinstance(message[1], dict) else {}
        for state, changes in (payload.get("delta") or {}).items():
            short = state.rsplit("____", 1)[-1]
            for var, value in changes.items():
                n = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())
                # The history ring's slots (run_0 … run_49) count as one var.
                key = f"{short}.{re.sub(r'^run_[0-9]+$', 'run_<slot>', var.removesuffix('_rx_state_'))}"
                out[key] = out.get(key, 0) + n
                counted += n
        out["(framing)"] = out.get("(framing)", 0) + f.size - counted
    return out


class AppPage:
    """The workbench page in a browser context with the websocket hook and the timer.

    Records every websocket frame the browser receives (Playwright's framereceived: payload
    bytes, as they come off the socket) with a monotonic timestamp.
    """

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(WS_HOOK_JS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.frames: list[Frame] = []
        self.sent: list[str] = []
        self.page.on("websocket", self._socket)
        self.page.goto(url + "/")
        self.page.wait_for_selector("#backend-label:not(:empty)")
        install_timer(self.page)

    def _socket(self, ws) -> None:
        ws.on("framereceived", self._frame)
        ws.on("framesent", lambda payload: self.sent.append(payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")))

    def _frame(self, payload) -> None:
        if isinstance(payload, str):
            data = payload.encode("utf-8")
            text = payload
        else:
            data = bytes(payload)
            text = data.decode("utf-8", "replace")
        self.frames.append(Frame(time.monotonic(), len(data), text))

    def prepare(self, sql: str) -> None:
        """Fills the editor and waits until the new text has gone to the server (the editor
        sends its text and never gets it back) and the server has had time to take it."""
        page = self.page
        mark = len(self.sent)
        sent = json.dumps(sql, ensure_ascii=False)[1:-1]  # as it appears inside the event's JSON
        page.locator("#sql-editor .cm-content").fill(sql)
        page.locator("#sql-editor .cm-content").blur()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if any(sent in f for f in self.sent[mark:]):
                break
            page.wait_for_timeout(20)
        else:
            raise RuntimeError("the editor's text never reached the server")
        page.wait_for_timeout(100)

    def wait_idle(self, timeout_ms: float = 120_000) -> None:
        self.page.wait_for_selector("#cancel-button", state="detached", timeout=timeout_ms)


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return sum(parts), idle


def wait_quiet(max_s: float = 5.0, window_s: float = 0.1, busy_below: float = 0.15) -> float:
    """Waits until the whole machine's CPU is mostly idle over `window_s` (at most `max_s`).

    Returns the busy fraction of the last window, so a noisy machine shows in the output.
    """
    deadline = time.monotonic() + max_s
    busy = 1.0
    while True:
        total0, idle0 = _cpu_times()
        time.sleep(window_s)
        total1, idle1 = _cpu_times()
        dt = total1 - total0
        busy = 1.0 - (idle1 - idle0) / dt if dt > 0 else 0.0
        if busy < busy_below or time.monotonic() >= deadline:
            return busy
