"""One page of a result as the rows of an HTML table, built on the server.

The results grid puts this in its <tbody> in one step: the browser's parser builds the
page's thousand cells faster than React can compare a thousand elements on every page
flip. Every value is escaped (a value is text, never markup); SQL NULL is a marked "NULL",
apart from the empty string.
"""

from __future__ import annotations

from html import escape

NULL_CELL = '<td><span class="null-cell">NULL</span></td>'


def page_rows(rows: list[list[str | None]], first_row: int) -> str:
    """`rows` (formatted values, None for NULL) as <tr> elements numbered from `first_row`+1;
    each row carries its index in the page (`data-row`) for the click that opens it."""
    out = []
    for i, row in enumerate(rows):
        cells = "".join(NULL_CELL if v is None else f"<td>{escape(v, quote=False)}</td>" for v in row)
        out.append(f'<tr data-row="{i}"><td class="row-number">{first_row + i + 1}</td>{cells}</tr>')
    return "".join(out)
