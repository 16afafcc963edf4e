"""The path policy of the file editor: every path a user sends goes through `resolve`.

One root folder is exposed, in one of three forms:

    /Volumes/<catalog>/<schema>/<volume>[/folder...]   a Unity Catalog Volume (Files API)
    dbfs:/FileStore/app_files                          legacy DBFS (DBFS API)
    /srv/app/files                                     a local folder (embedded default)

`resolve(root, path)` returns the full path of `path` under the root, or raises
`PathNotAllowed` with a message that can be shown to the user. The policy is deliberately
strict: anything that could escape the root, or make two layers (this code, the SDK's URL
quoting, the server's decoding, the OS) disagree about which file is meant, is refused
rather than repaired. Only `.` segments and duplicate slashes are normalized away.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from typing import Literal

RootKind = Literal["volume", "dbfs", "local"]

MAX_PATH_CHARS = 4096
MAX_SEGMENT_BYTES = 255  # NAME_MAX on Linux and the Files API

# A URL scheme at the start ("s3://", "file:", "http:", "dbfs:", "c:" ...). A scheme must start
# with a letter, so names like "12:30 notes.txt" are not mistaken for one.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
# Bidirectional overrides and isolates: they make a name display differently from what it is
# ("txt.exe" shown as "exe.txt"). Line/paragraph separators break one-line displays and logs.
_CONFUSING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u2028\u2029")
# Characters that look like '.', '/' or '\\' without becoming one under Unicode compatibility
# normalization (NFKC), from Unicode's confusables list. Those that do become one (U+FF0E
# FULLWIDTH FULL STOP, U+2025 TWO DOT LEADER, U+FF0F FULLWIDTH SOLIDUS ...) are caught by
# `_looks_like_separator`: a layer that normalizes names (a search index, a sync client, a
# browser's form) would turn "\uff0e\uff0e" into "..", and a person reads it as ".." already.
_LOOKALIKES = frozenset(
    # dots
    "\u0701\u0702\ua4f8\ua60e\U00010a50\U0001d16d"
    # slashes
    "\u2044\u2215\u29f8\u2571\u27cb\u1735\u2041\u2cc6\u3033\u31d3\u2f03\U0001d23a\u0337\u0338"
    # backslashes
    "\u2216\u29f5\u29f9\u2572\u27cd"
)
# What a shell or os.path.expanduser reads as a home folder at the start of a path, and the
# characters that look like it (or become it under NFKC).
_TILDES = ("~", "\uff5e", "\u223c", "\u2053", "\u301c", "%7e", "%7E")


class PathNotAllowed(ValueError):
    """The path is outside the root or could be read two ways; the message is safe to show."""


def root_kind(root: str) -> RootKind:
    """Which kind of root this is, from its form."""
    if not isinstance(root, str):
        raise PathNotAllowed("The files root must be text")
    if root.startswith("/Volumes/"):
        return "volume"
    if root.startswith("dbfs:/"):
        return "dbfs"
    if root.startswith("/"):
        return "local"
    raise PathNotAllowed(
        f"The files root {root!r} must be /Volumes/<catalog>/<schema>/<volume>/..., dbfs:/... or an absolute folder"
    )


def normalize_root(root: str, kind: RootKind | None = None) -> str:
    """The canonical form of a root (no duplicate or trailing slashes); refuses malformed roots."""
    return _normalize_root(root, kind or root_kind(root))


@functools.lru_cache(maxsize=64)
def _normalize_root(root: str, kind: RootKind) -> str:
    # The root comes from configuration, but a bad one would weaken every check below, so it
    # passes the same character rules as user paths.
    _check_text(root, what="files root")
    if kind == "dbfs":
        if not root.startswith("dbfs:/") or root.startswith("dbfs://"):
            raise PathNotAllowed(f"The DBFS files root {root!r} must look like dbfs:/FileStore/app_files")
        body = root[len("dbfs:") :]
    else:
        if _SCHEME.match(root) or not root.startswith("/"):
            raise PathNotAllowed(f"The files root {root!r} must be an absolute path")
        body = root
    segments = [s for s in body.split("/") if s not in ("", ".")]
    if ".." in segments:
        raise PathNotAllowed(f"The files root {root!r} must not contain '..'")
    if not segments:
        raise PathNotAllowed(f"The files root {root!r} is a whole file system; choose a folder inside it")
    if kind == "volume" and (segments[0] != "Volumes" or len(segments) < 4):
        raise PathNotAllowed(f"The Volume root {root!r} must be /Volumes/<catalog>/<schema>/<volume>[/folder]")
    joined = "/" + "/".join(segments)
    return "dbfs:" + joined if kind == "dbfs" else joined


def _check_text(text: str, *, what: str = "path") -> None:
    for ch in text:
        o = ord(ch)
        if o < 0x20 or 0x7F <= o <= 0x9F:
            raise PathNotAllowed(f"The {what} contains a control character (code {o})")
        if 0xD800 <= o <= 0xDFFF:
            raise PathNotAllowed(f"The {what} is not valid Unicode")
        if ch in _CONFUSING:
            raise PathNotAllowed(f"The {what} contains an invisible direction or line-separator character (U+{o:04X})")
        if o > 0x7F and (ch in _LOOKALIKES or _looks_like_separator(ch)):
            raise PathNotAllowed(
                f"The {what} contains U+{o:04X} ({unicodedata.name(ch, 'a look-alike character')}), which looks like "
                "'.', '/' or '\\'; use the plain character or another name"
            )
    if "\\" in text:
        raise PathNotAllowed(f"The {what} contains a backslash; use '/' between folders")
    for m in _PERCENT.finditer(text):
        byte = int(m.group(1), 16)
        # '.', '/', '\', '%' (double encoding), controls and non-ASCII bytes (overlong UTF-8
        # such as %c0%ae) could decode into a traversal somewhere down the line.
        if byte in (0x2E, 0x2F, 0x5C, 0x25) or byte < 0x20 or byte >= 0x7F:
            raise PathNotAllowed(f"The {what} contains the percent-escape {m.group(0)!r}, which is not allowed")


@functools.lru_cache(maxsize=4096)
def _looks_like_separator(ch: str) -> bool:
    """True when NFKC turns `ch` into text holding '.', '/' or '\\' (U+FF0E, U+2024, U+FF0F ...)."""
    return any(c in "./\\" for c in unicodedata.normalize("NFKC", ch))


def _skeleton(segment: str) -> str:
    """What a person sees of a name: compatibility forms folded, combining marks, invisible
    format characters (zero-width space, joiners) and surrounding spaces dropped."""
    folded = unicodedata.normalize("NFKC", segment)
    return "".join(c for c in folded if unicodedata.category(c) not in ("Mn", "Me", "Cf")).strip()


def _segments(path: str) -> list[str]:
    segments = [s for s in path.split("/") if s not in ("", ".")]
    for s in segments:
        if s == "..":
            raise PathNotAllowed("'..' is not allowed in a path")
        if not s.isascii() or s != s.strip():
            shown = _skeleton(s)
            if shown and set(shown) == {"."} and shown != s:
                # "..\u200b", ". .", ".\u0307." read as '.' or '..' but name something else.
                raise PathNotAllowed("A name in the path looks like '.' or '..' but is not; choose another name")
        if s.isspace():
            # Legal on disk, but invisible in a file tree and almost always a typo.
            raise PathNotAllowed("A name in the path is only spaces")
        if len(s.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise PathNotAllowed(f"A name in the path is longer than {MAX_SEGMENT_BYTES} bytes")
    return segments


def resolve(root: str, path: str, *, kind: RootKind | None = None) -> str:
    """The full path of `path` under `root`, or PathNotAllowed.

    Relative paths resolve under the root; an absolute path is accepted only if it is the
    root or inside it. `resolve(root, ".")` is the root; `resolve(root, "")` is refused.
    `kind` overrides the kind guessed from the root's form (a local folder that happens to
    live under /Volumes).
    """
    kind = kind or root_kind(root)
    base = _normalize_root(root, kind)
    if not isinstance(path, str):
        raise PathNotAllowed("The path must be text")
    if path == "":
        raise PathNotAllowed("The path is empty")
    if len(path) > MAX_PATH_CHARS:
        raise PathNotAllowed(f"The path is longer than {MAX_PATH_CHARS} characters")
    _check_text(path)

    absolute = path.startswith("/")
    m = _SCHEME.match(path)
    if m:
        scheme = m.group(1).lower()
        rest = path[len(m.group(0)) :]
        if kind == "dbfs" and scheme == "dbfs" and rest.startswith("/") and not rest.startswith("//"):
            path, absolute = rest, True  # dbfs:/x and /x name the same DBFS file
        else:
            raise PathNotAllowed(f"'{m.group(0)}' paths are not allowed here; use a path inside {base}")

    segments = _segments(path)
    if not absolute and segments and _skeleton(segments[0]).startswith(_TILDES):
        # "~/x" is a folder named "~" here, but the user's home folder to a shell, to
        # os.path.expanduser and to anyone reading it: never let the two meet.
        raise PathNotAllowed("A path may not start with '~'; name a folder inside the files root")
    if absolute:
        base_segments = (base[len("dbfs:") :] if kind == "dbfs" else base).strip("/").split("/")
        if segments[: len(base_segments)] != base_segments:
            raise PathNotAllowed(f"The path is outside the files root {base}")
        segments = segments[len(base_segments) :]

    full = base + "/" + "/".join(segments) if segments else base
    if len(full) > MAX_PATH_CHARS:
        raise PathNotAllowed(f"The full path is longer than {MAX_PATH_CHARS} characters")
    if kind == "local":
        _check_local_links(base, full)
    return full


def _check_local_links(base: str, full: str) -> None:
    # Lexically the path is inside; a symbolic link on the way may still lead out.
    try:
        real_base = os.path.realpath(base)
        real = os.path.realpath(full)
    except (OSError, ValueError):
        raise PathNotAllowed("The path could not be checked on disk") from None
    if real != real_base and not real.startswith(real_base.rstrip(os.sep) + os.sep):
        raise PathNotAllowed("The path leads outside the files root through a symbolic link")


def relative(root: str, full: str, *, kind: RootKind | None = None) -> str:
    """`full` shown relative to the root, '/'-separated; "." for the root itself.

    For a DBFS root, the scheme-less form the DBFS API returns (/FileStore/...) is accepted too.
    """
    kind = kind or root_kind(root)
    base = _normalize_root(root, kind)
    if kind == "dbfs" and full.startswith("/"):
        full = "dbfs:" + full
    prefix, _, rest = full.partition(":") if kind == "dbfs" else ("", "", full)
    parts = [s for s in rest.split("/") if s not in ("", ".")]
    if ".." in parts:
        raise PathNotAllowed("'..' is not allowed in a path")
    rest = "/" + "/".join(parts)
    full = f"{prefix}:{rest}" if kind == "dbfs" else rest
    if full == base:
        return "."
    if full.startswith(base + "/"):
        return full[len(base) + 1 :]
    raise PathNotAllowed(f"The path is outside the files root {base}")


def join(rel_dir: str, name: str) -> str:
    """A child's relative path from its folder's relative path."""
    return name if rel_dir in (".", "") else f"{rel_dir.rstrip('/')}/{name}"
