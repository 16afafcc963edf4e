"""Gives memory freed by evicted results back to the operating system.

Results are Arrow tables whose buffers the engine allocated (DuckDB through malloc). glibc
keeps large freed blocks for reuse, so as results come and go the server's resident memory
would keep climbing past the result budget; `malloc_trim` returns them. Elsewhere (musl,
macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading

_trimming = threading.Lock()


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> bool:
    """Returns freed heap memory to the system now (a few milliseconds on a large heap);
    False when this C library cannot, or when a release is already under way."""
    trim = _malloc_trim()
    if trim is None or not _trimming.acquire(blocking=False):
        return False
    try:
        trim(0)
        return True
    finally:
        _trimming.release()


def release_in_background() -> None:
    """release_freed_memory off the caller's thread (the store is used on the event loop)."""
    threading.Thread(target=release_freed_memory, name="release-freed-memory", daemon=True).start()
