"""Shared test set-up: no telemetry, no network, oversized state fails loudly."""

import os

os.environ.setdefault("REFLEX_PERF_MODE", "raise")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
# Tests never read the developer's .env.
os.environ["APP_ENV_FILE"] = os.devnull


def run_async(coro):
    """Runs a coroutine to the end on a fresh event loop in its own thread: the browser tests'
    Playwright keeps a loop running in the main thread for the whole session."""
    import asyncio
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
