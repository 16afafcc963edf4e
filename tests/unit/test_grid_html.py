"""The grid's rows as the server writes them: escaped values, NULL apart from "", numbered rows."""

from __future__ import annotations

from dashboard_app.services.grid_html import page_rows
from tests.e2e.state_socket import parse_rows


def test_values_are_text_never_markup():
    html = page_rows([["<script>alert(1)</script>", "a & b", '"quoted"']], 0)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "a &amp; b" in html
    assert parse_rows(html) == [["<script>alert(1)</script>", "a & b", '"quoted"']]


def test_null_is_marked_and_apart_from_the_empty_string():
    html = page_rows([[None, "", "NULL"]], 0)
    assert parse_rows(html) == [[None, "", "NULL"]]
    assert html.count('class="null-cell"') == 1


def test_rows_are_numbered_from_the_page_start_and_carry_their_page_index():
    html = page_rows([["a"], ["b"]], 200)
    assert '<tr data-row="0"><td class="row-number">201</td>' in html
    assert '<tr data-row="1"><td class="row-number">202</td>' in html


def test_an_empty_page_has_no_rows():
    assert page_rows([], 0) == ""
