"""Shared test set-up: no telemetry, no network, oversized state fails loudly."""

import os

os.environ.setdefault("REFLEX_PERF_MODE", "raise")
os.environ.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
# Tests never read the developer's .env.
os.environ["APP_ENV_FILE"] = os.devnull
