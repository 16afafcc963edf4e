"""The code editor's changes, applied to the server's copy of its text.

Up to FULL_TEXT_CHARS the editor sends its whole text with every change (exact, cheap);
beyond, only the change itself (CodeMirror's ChangeSet JSON), so a keystroke in a large
script costs bytes, not megabytes. Positions in a ChangeSet count UTF-16 code units, as
JavaScript strings do, so the change is applied to the UTF-16 form of the text.
"""

from __future__ import annotations

from typing import Any

#: The editor sends its whole text up to this length (UTF-16 units); components/code_editor.py.
FULL_TEXT_CHARS = 65_536


def edited_text(old: str, edit: Any) -> str | None:
    """The text after `edit` ({"doc"} or {"changes", "length"}; a plain str is the whole
    text); None when the edit does not fit `old` (the copies went apart)."""
    if isinstance(edit, str):
        return edit
    if not isinstance(edit, dict):
        return None
    doc = edit.get("doc")
    if isinstance(doc, str):
        return doc
    changes, length = edit.get("changes"), edit.get("length")
    if not isinstance(changes, list) or not isinstance(length, int) or isinstance(length, bool):
        return None
    units = old.encode("utf-16-le")
    out: list[bytes] = []
    pos = 0
    for part in changes:
        if isinstance(part, int) and not isinstance(part, bool) and part >= 0:
            out.append(units[2 * pos: 2 * (pos + part)])
            pos += part
        elif isinstance(part, list) and part and isinstance(part[0], int) and not isinstance(part[0], bool) and part[0] >= 0 \
                and all(isinstance(line, str) for line in part[1:]):
            pos += part[0]
            if len(part) > 1:
                out.append("\n".join(part[1:]).encode("utf-16-le"))
        else:
            return None
        if 2 * pos > len(units):
            return None
    if 2 * pos != len(units):
        return None
    new = b"".join(out)
    if len(new) != 2 * length:
        return None
    return new.decode("utf-16-le", errors="surrogatepass")


def utf16_offset_to_index(text: str, offset: int) -> int:
    """A position the editor gives (UTF-16 units) as an index into `text`."""
    if offset <= 0:
        return 0
    if text.isascii():
        return min(offset, len(text))
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def index_to_utf16_offset(text: str, index: int) -> int:
    """An index into `text` as the editor's position (UTF-16 units)."""
    head = text[: max(0, index)]
    return len(head) if head.isascii() else len(head.encode("utf-16-le")) // 2
