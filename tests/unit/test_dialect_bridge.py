"""Databricks spelling on DuckDB: only tokens change, strings and comments stay as written."""

from __future__ import annotations

import pytest

from dashboard_app.services.sql.dialect_bridge import to_databricks_names, to_duckdb


@pytest.mark.parametrize(
    "src, out",
    [
        ("SELECT * FROM main.default.t", 'SELECT * FROM main_db."default".t'),
        ("SELECT * FROM `main`.`default`.`t`", 'SELECT * FROM main_db."default"."t"'),
        ("SELECT * FROM samples.tpch.orders", "SELECT * FROM samples.tpch.orders"),
        ("SELECT main FROM t", "SELECT main FROM t"),
        ("SELECT t.main FROM t", "SELECT t.main FROM t"),
        ("SELECT 'main.default.t'", "SELECT 'main.default.t'"),
        ('SELECT "a\'b"', "SELECT 'a''b'"),
        ("SELECT 1 -- main.default.t", "SELECT 1 -- main.default.t"),
        ("SELECT * FROM default.t", 'SELECT * FROM "default".t'),
        ("SELECT `a``b` FROM t", 'SELECT "a`b" FROM t'),
        ("CREATE SCHEMA IF NOT EXISTS main.wide", "CREATE SCHEMA IF NOT EXISTS main_db.wide"),
        ("USE main.default", 'USE main_db."default"'),
        ("DROP DATABASE main.x CASCADE", "DROP DATABASE main_db.x CASCADE"),
        ("SELECT * FROM main.t", "SELECT * FROM main.t"),
    ],
)
def test_rewrites(src, out):
    assert to_duckdb(src) == out


def test_parameters_only_when_given():
    assert to_duckdb("SELECT :x, a::int", params=True) == "SELECT $x, a::int"
    assert to_duckdb("SELECT :x") == "SELECT :x"


def test_untokenizable_text_is_left_alone():
    assert to_duckdb("SELECT 'unterminated") == "SELECT 'unterminated"


def test_messages_show_main():
    assert to_databricks_names('Table "main_db.default.t" does not exist') == 'Table "main.default.t" does not exist'
