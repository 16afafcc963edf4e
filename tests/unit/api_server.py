"""The API on a real socket for tests: an ASGI app served by granian (what Reflex runs in
production) on a free 127.0.0.1 port in a thread of its own, with chosen services."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from typing import Any, Callable, Iterator

import httpx
import pytest
from granian.constants import Interfaces
from granian.server.embed import Server

from dashboard_app.api import deps


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_asgi(app: Any, current_services: Callable[[], Any]) -> Iterator[str]:
    """Serves `app` answering with `current_services()`; yields its base URL."""
    port = free_port()
    server = Server(app, address="127.0.0.1", port=port, interface=Interfaces.ASGI, log_enabled=False)
    loop = asyncio.new_event_loop()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.serve())

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(deps, "services", current_services)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{base}/api/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or not thread.is_alive():
                    raise
                time.sleep(0.05)
        try:
            yield base
        finally:
            loop.call_soon_threadsafe(server.stop)
            thread.join(10)
