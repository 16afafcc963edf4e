"""A client that speaks the page's websocket protocol (socket.io on /_event), as a crafted
browser could: it calls any state's event handler by name, with any arguments, and records
every delta the server sends back."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Callable

import socketio

SUFFIX = "_rx_state_"
NAMESPACE = "/_event"  # Reflex's socket.io path, and its namespace too


class StateSocket:
    def __init__(self, url: str, headers: dict[str, str] | None = None):
        self.token = str(uuid.uuid4())
        self.deltas: list[dict[str, dict[str, Any]]] = []
        self.frames = 0
        self._cond = threading.Condition(threading.RLock())  # predicates read deltas under it
        self._sio = socketio.Client(reconnection=False)
        self._sio.on("event", self._on_event, namespace=NAMESPACE)
        self._sio.connect(
            f"{url}?token={self.token}", socketio_path=NAMESPACE, namespaces=[NAMESPACE], transports=["websocket"],
            headers=headers or {}, wait_timeout=20,
        )

    def _on_event(self, update: Any) -> None:
        with self._cond:
            self.frames += 1
            delta = update.get("delta") if isinstance(update, dict) else None
            if delta:
                self.deltas.append({state: {k.removesuffix(SUFFIX): v for k, v in vs.items()} for state, vs in delta.items()})
            self._cond.notify_all()

    def send(self, state: type, handler: str, **payload: Any) -> None:
        self._sio.emit(
            "event",
            {
                "name": f"{state.get_full_name()}.{handler}",
                "payload": payload,
                "router_data": {"pathname": "/", "query": {}, "asPath": "/"},
            },
            namespace=NAMESPACE,
        )

    def latest(self, state: type, var: str, default: Any = None) -> Any:
        """The last value the server sent for `state.var`."""
        name = state.get_full_name()
        with self._cond:
            for delta in reversed(self.deltas):
                if var in delta.get(name, {}):
                    return delta[name][var]
        return default

    def wait_for(self, predicate: Callable[[], bool], timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the server never sent what was expected")
                self._cond.wait(min(left, 0.2))

    def settle(self, quiet_s: float = 1.0, timeout_s: float = 60) -> None:
        """Waits until the server has sent nothing for `quiet_s`."""
        deadline = time.monotonic() + timeout_s
        last = -1
        while time.monotonic() < deadline:
            with self._cond:
                seen = self.frames
            if seen == last:
                return
            last = seen
            time.sleep(quiet_s)
        raise TimeoutError("the server kept sending")

    def close(self) -> None:
        self._sio.disconnect()
