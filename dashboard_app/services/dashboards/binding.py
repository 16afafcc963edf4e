"""Parameter values: checked against their declared type, then passed to the engine as native
parameters (`:name`), never formatted into the SQL text. A date-range parameter `p` binds
`:p_start` and `:p_end`."""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import TYPE_CHECKING, Any

from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

from .model import DashboardError

if TYPE_CHECKING:
    from .model import Dashboard, Parameter

MAX_TEXT = 1_000
_TOKENIZER = Dialect.get_or_raise("databricks").tokenizer_class()


def _date(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]) if len(value.strip()) <= 10 else dt.datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    raise DashboardError(f"{what} must be a date like 1995-01-31")


def coerce(param: "Parameter", value: Any) -> Any:
    """The value as its parameter's type, or DashboardError naming the parameter."""
    what = f"parameter {param.name!r}"
    if value is None:
        return None
    if param.type in ("text", "list"):
        if isinstance(value, (dict, list)) or isinstance(value, bool):
            raise DashboardError(f"{what} must be text")
        text = str(value)
        if len(text) > MAX_TEXT:
            raise DashboardError(f"{what} is longer than {MAX_TEXT} characters")
        return text
    if param.type == "number":
        if isinstance(value, bool):
            raise DashboardError(f"{what} must be a number")
        if isinstance(value, str):
            try:
                value = float(value) if any(c in value for c in ".eE") else int(value)
            except ValueError:
                raise DashboardError(f"{what} must be a number") from None
        if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            raise DashboardError(f"{what} must be a number")
        return value
    if param.type == "date":
        return _date(value, what)
    if param.type == "date_range":
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise DashboardError(f"{what} must be two dates [start, end]")
        start, end = _date(value[0], f"{what} start"), _date(value[1], f"{what} end")
        if start > end:
            raise DashboardError(f"{what}: the start is after the end")
        return (start, end)
    raise DashboardError(f"{what} has an unknown type")


@functools.lru_cache(maxsize=1024)
def placeholders(sql: str) -> tuple[str, ...]:
    """The `:name` markers of a statement, in order, each once (strings and comments skipped)."""
    try:
        tokens = _TOKENIZER.tokenize(sql)
    except TokenError:
        return ()
    out: list[str] = []
    for i, tok in enumerate(tokens[:-1]):
        nxt, prev = tokens[i + 1], tokens[i - 1] if i else None
        if (
            tok.token_type == TokenType.COLON
            and nxt.start == tok.end + 1
            and nxt.token_type in (TokenType.VAR, TokenType.IDENTIFIER)
            and (prev is None or prev.token_type != TokenType.COLON)
            and (prev is None or prev.end + 1 < tok.start or prev.token_type not in (TokenType.VAR, TokenType.IDENTIFIER, TokenType.R_BRACKET))
        ):
            if nxt.text not in out:
                out.append(nxt.text)
    return tuple(out)


def values_of(dashboard: "Dashboard", given: dict[str, Any] | None) -> dict[str, Any]:
    """Every parameter's value: the given one (checked), else its default."""
    given = given or {}
    if not isinstance(given, dict):
        raise DashboardError("parameters must be a mapping of name to value")
    known = {p.name: p for p in dashboard.parameters}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise DashboardError(f"unknown parameter {unknown[0]!r}")
    return {name: coerce(p, given.get(name, p.default)) for name, p in known.items()}


def as_given(values: dict[str, Any]) -> dict[str, Any]:
    """Checked values back in the form a caller gives them (JSON: dates as ISO text)."""
    def plain(v: Any) -> Any:
        if isinstance(v, tuple):
            return [plain(x) for x in v]
        return v.isoformat() if isinstance(v, dt.date) else v

    return {k: plain(v) for k, v in values.items()}


def bind(dashboard: "Dashboard", values: dict[str, Any], sql: str, *, where: str = "") -> dict[str, Any]:
    """Native parameters for `sql`: only the names it uses, each from a checked value."""
    params: dict[str, Any] = {}
    known = {p.name: p for p in dashboard.parameters}
    prefix = f"{where}: " if where else ""
    for name in placeholders(sql):
        base, _, part = name.rpartition("_")
        if name in known and known[name].type != "date_range":
            value = values.get(name)
        elif base in known and known[base].type == "date_range" and part in ("start", "end"):
            pair = values.get(base)
            value = None if pair is None else pair[0 if part == "start" else 1]
        else:
            raise DashboardError(f"{prefix}the SQL uses :{name}, which is not a parameter of this dashboard")
        if value is None:
            raise DashboardError(f"{prefix}parameter :{name} has no value")
        params[name] = value
    return params
