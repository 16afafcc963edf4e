"""The SQL the engine actually ran, when it differs from what the user wrote (the embedded
engine's DuckDB translation): folded away, opened on demand without a server round trip."""

from __future__ import annotations

import reflex as rx


def engine_sql(sql: rx.Var, id_: str) -> rx.Component:
    return rx.cond(
        sql != "",
        rx.el.details(
            rx.el.summary("DuckDB SQL that ran", class_name="engine-sql-summary"),
            rx.el.pre(sql, class_name="engine-sql"),
            id=id_,
        ),
    )
