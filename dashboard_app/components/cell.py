"""One value of a result as the page shows it: SQL NULL as a marked "NULL", apart from "".

A plain ternary rather than rx.cond, which wraps each branch in two fragments: a page of a
thousand cells then has three thousand fewer elements for React to compare on every flip.
"""

from __future__ import annotations

import reflex as rx
from reflex_base.vars.base import Var, VarData

_NULL = Var.create(rx.el.span("NULL", class_name="null-cell"))


def cell_value(cell: Var) -> Var:
    """The children of a cell holding `cell` (a string, or None for NULL)."""
    return Var(
        _js_expr=f"(({cell}) == null ? {_NULL} : ({cell}))",
        _var_type=str,
        _var_data=VarData.merge(cell._get_all_var_data(), _NULL._get_all_var_data()),
    )
