"""Engine errors pointed at the statement as the user wrote it, never at generated SQL."""

from __future__ import annotations

import re

from .core import Translation

_LINE = re.compile(r"^LINE (\d+):")
_CARET = re.compile(r"^\s*\^+\s*$")
# DuckDB errors that name what the user wrote (a column or table it could not find).
_NAMED = re.compile(
    r'Referenced (?:column|table) "([^"\n]{1,200})" not found|Table with name ([^\s!]{1,200}) does not exist'
    r'|Referenced column ([^\s"]{1,200}) not found'
)


def locate(message: str, translation: Translation) -> tuple[str, int | None, int | None]:
    """The message without excerpts of SQL the user never saw, and a 1-based line and column
    in the user's text where that can be known (else None)."""
    lines = message.splitlines()
    line = column = None
    for i, text in enumerate(lines):
        m = _LINE.match(text)
        if m:
            line = int(m.group(1))
            caret = lines[i + 1] if i + 1 < len(lines) and _CARET.match(lines[i + 1]) else ""
            column = caret.index("^") - len(m.group(0)) if caret else None
    same = translation.sql == translation.source
    if same and line is not None:
        return message, line, column if column is None or column > 0 else None
    if not same:  # the excerpt quotes SQL the user never wrote
        message = "\n".join(
            t for i, t in enumerate(lines) if not _LINE.match(t) and not (_CARET.match(t) and i and _LINE.match(lines[i - 1]))
        ).strip()
    named = _NAMED.search(message)
    word = next((g for g in named.groups() if g), "") if named else ""
    found = _find_word(translation.source, word.rsplit(".", 1)[-1]) if word else None
    return (message, *found) if found else (message, None, None)


def _find_word(text: str, word: str) -> tuple[int, int] | None:
    m = re.search(rf"(?<![\w`]){re.escape(word)}(?![\w`])|`{re.escape(word)}`", text, re.IGNORECASE)
    if m is None:
        return None
    before = text[: m.start()]
    return before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1
