"""The monospace text area both editors use (SQL and files)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def code_area(*, value: Any, on_change: Any, on_key_down: Any, rows: int, id: str, placeholder: str = "") -> rx.Component:
    # A controlled text area: Reflex debounces what it sends, so typing stays smooth.
    return rx.text_area(
        value=value,
        on_change=on_change,
        on_key_down=on_key_down,
        rows=str(rows),
        width="100%",
        spell_check=False,
        font_family="var(--code-font-family)",
        id=id,
        placeholder=placeholder,
        resize="vertical",
    )
