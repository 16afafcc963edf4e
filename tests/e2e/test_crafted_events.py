"""Every public state handler is an event any browser can call by name, with any arguments.

A crafted client calls each handler of each state (all modules under dashboard_app.state, so
states added later are covered too) with hostile arguments — write SQL in every string, true
in every flag, paths out of the files root, another user's ids — and `setvar` on every var,
backend ones included. With read-only mode on nothing may write; with it off nothing may
write without the confirmation event. Each check is proven able to fail by a positive control.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import expect

import dashboard_app.state as state_pkg
from dashboard_app.state.base import AppState
from dashboard_app.state.history import SLOTS, HistoryState, slot_name
from dashboard_app.state.query import QueryState
from dashboard_app.state.results import ResultsState

from .conftest import isolated_project, start_app, stop_app
from .state_socket import StateSocket

pytestmark = pytest.mark.e2e

COUNT_SQL = "SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'crafted%'"
ESCAPE_NAME = "crafted_escape.csv"


def all_states() -> list[type]:
    for mod in pkgutil.iter_modules(state_pkg.__path__):
        importlib.import_module(f"{state_pkg.__name__}.{mod.name}")

    def walk(cls: type) -> Iterator[type]:
        yield cls
        for sub in sorted(cls.get_substates(), key=lambda c: c.get_full_name()):
            yield from walk(sub)

    return list(walk(AppState))


def hostile_strings(tmp: Path, ids: list[str]) -> list[str]:
    return [
        "CREATE TABLE main.default.crafted_str AS SELECT 1 AS x",
        f"COPY (SELECT 1) TO '{tmp / ESCAPE_NAME}'",
        "../../../../" + ESCAPE_NAME,
        "/etc/passwd",
        "samples\x1ftpch\x1fnation\x1fDROP TABLE x",
        *ids,
    ]


def value_for(annotation: Any, strings: list[str], i: int) -> Any:
    text = str(annotation)
    if annotation is bool or text == "bool":
        return True
    if annotation is int or text == "int":
        return [10**12, -1, 0][i % 3]
    if "dict" in text:
        return {"ctrl_key": True, "meta_key": True, "sql": strings[0], "key": "Enter"}
    if "list" in text:
        return [strings[0], {"name": strings[0]}]
    return strings[i % len(strings)]


def battery(sock: StateSocket, strings: list[str], *, skip: set[str]) -> int:
    """Calls every handler several times with hostile arguments, and setvar on every var."""
    sent = 0
    for cls in all_states():
        for name, handler in sorted(cls.event_handlers.items()):
            if f"{cls.__name__}.{name}" in skip or name == "setvar":
                continue
            params = [p for p in inspect.signature(handler.fn).parameters.values() if p.name != "self"]
            for i in range(len(strings)):
                payload = {p.name: value_for(p.annotation, strings, i + j) for j, p in enumerate(params)}
                sock.send(cls, name, **payload)
                sent += 1
                if not params:
                    break
            # Wrong types on purpose: a handler must survive them.
            if params:
                sock.send(cls, name, **{p.name: {"not": ["what", "it", "expects"]} for p in params})
                sent += 1
        backend = {n for n in vars(cls).get("__annotations__", {}) if n.startswith("_") and not n.startswith("__")}
        names = set(cls.base_vars) | set(cls.computed_vars) | backend
        assert cls is AppState or names, cls
        for var in sorted(names):
            for value in (strings[0], True, 10**9, [strings[0]], {"sql": strings[0]}):
                sock.send(cls, "setvar", var_name=var, value=value)
                sent += 1
    return sent


def run_sql(sock: StateSocket, sql: str, *, confirm: bool = False) -> None:
    """What the editor does: set the text, press Run (and confirm), wait for the run to end
    or to be refused."""
    name = QueryState.get_full_name()
    start = len(sock.deltas)

    def values(var: str) -> list[Any]:
        return [d[name][var] for d in sock.deltas[start:] if var in d.get(name, {})]

    sock.send(QueryState, "set_sql", value=sql)
    sock.send(QueryState, "run")
    if confirm:
        sock.wait_for(lambda: True in values("confirm_open") or any(values("error")))
        if True in values("confirm_open"):
            start = len(sock.deltas)
            sock.send(QueryState, "confirm")

    def done() -> bool:
        runs = values("running")
        return (True in runs and runs[-1] is False) or (any(values("error")) and True not in runs)

    sock.wait_for(done, 60)


def crafted_tables(sock: StateSocket) -> str:
    run_sql(sock, COUNT_SQL)
    rows = sock.latest(ResultsState, "rows")
    assert rows and len(rows) == 1, rows
    return rows[0][0]


def files_snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def read_only_app(tmp_path_factory, app):
    tmp = tmp_path_factory.mktemp("readonly")
    files = tmp / "data" / "files"
    files.mkdir(parents=True)
    (files / "keep.txt").write_text("unchanged")
    running = start_app(
        tmp,
        extra_env={
            "APP_READ_ONLY": "true",
            # As a Databricks App the forwarded e-mail names the user: two users, one app.
            "DATABRICKS_APP_NAME": "crafted-e2e",
        },
        project=isolated_project(tmp),
    )
    yield running, tmp
    stop_app(running.proc)


def test_read_only_mode_holds_against_crafted_events(read_only_app):
    app, tmp = read_only_app
    root = app.data_dir / "files"
    before = files_snapshot(root)

    owner = StateSocket(app.url, headers={"X-Forwarded-Email": "owner@example.com"})
    intruder = StateSocket(app.url, headers={"X-Forwarded-Email": "intruder@example.com"})
    try:
        # The owner's own history and a saved query: the intruder will try their ids.
        run_sql(owner, "SELECT 'owner-private-marker' AS m")
        owner.send(HistoryState, "set_save_name", value="owner-saved")
        owner.send(HistoryState, "save")
        owner.wait_for(lambda: bool(owner.latest(HistoryState, "saved")))
        ids = [str(s["id"]) for s in owner.latest(HistoryState, "saved")]
        ids += [r["id"] for r in (owner.latest(HistoryState, slot_name(k), {}) for k in range(SLOTS)) if r.get("id")]
        assert ids

        sent = battery(intruder, hostile_strings(tmp, ids), skip=set())
        assert sent > 200
        intruder.settle()

        # The confirmation path itself is refused in read-only mode (this proves the check).
        run_sql(intruder, "CREATE TABLE main.default.crafted_confirmed AS SELECT 1", confirm=True)
        assert "Read-only mode" in (intruder.latest(QueryState, "error") or "")
        assert crafted_tables(intruder) == "0"
        assert not (tmp / ESCAPE_NAME).exists()
        assert files_snapshot(root) == before

        # Nothing of the owner's reached the intruder, and the owner's saved query is intact.
        assert "owner-private-marker" not in repr(intruder.deltas)
        owner.send(HistoryState, "load")
        owner.settle(0.5)
        assert [s["name"] for s in owner.latest(HistoryState, "saved")] == ["owner-saved"]
        # The app still serves everyone.
        run_sql(owner, "SELECT 41 + 1 AS answer")
        assert owner.latest(ResultsState, "rows") == [["42"]]
    finally:
        owner.close()
        intruder.close()


def test_no_write_without_the_confirmation_event(app, tmp_path):
    sock = StateSocket(app.url)
    try:
        assert crafted_tables(sock) == "0"
        battery(sock, hostile_strings(tmp_path, ["1", "2"]), skip={"QueryState.confirm"})
        sock.settle()
        assert crafted_tables(sock) == "0"
        assert not (tmp_path / ESCAPE_NAME).exists()

        # Positive control: the real confirmation does write, so the count above can see one.
        run_sql(sock, "CREATE TABLE main.default.crafted_confirmed AS SELECT 1 AS x", confirm=True)
        assert crafted_tables(sock) == "1"
        run_sql(sock, "DROP TABLE main.default.crafted_confirmed", confirm=True)
        assert crafted_tables(sock) == "0"
    finally:
        sock.close()


def test_run_again_right_after_a_run_ends_is_never_stuck(app):
    """Start and end of a run are atomic per tab: a Run pressed the moment the last one
    ended starts a new run, and `running` always comes back to false."""
    sock = StateSocket(app.url)
    try:
        for i in range(15):
            run_sql(sock, f"SELECT {i} AS i")
            assert sock.latest(ResultsState, "rows") == [[str(i)]]
        assert sock.latest(QueryState, "running") is False
    finally:
        sock.close()


def test_the_chat_page_without_a_model_says_what_to_set(read_only_app, browser):
    app, _tmp = read_only_app  # started with no model configured
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(app.url + "/chat")
        note = page.locator("#chat-not-configured")
        expect(note).to_contain_text("DATABRICKS_SERVING_ENDPOINT")
        expect(note).to_contain_text("APP_LLM_BASE_URL and APP_LLM_MODEL")
        assert page.locator("#chat-input").count() == 0
    finally:
        context.close()
