"""The dashboard file format (YAML or JSON, the same fields), validated with pydantic.

    version: 1
    title: Sales overview
    description: optional
    parameters:
      - {name: region, type: text, default: ASIA, label: Region}
      - {name: period, type: date_range, default: ["1995-01-01", "1996-12-31"]}
      - {name: priority, type: list, values_sql: "SELECT DISTINCT ...", default: 1-URGENT}
    tiles:
      - title: Revenue by month
        sql: SELECT ... WHERE o_orderdate BETWEEN :period_start AND :period_end
        viz: {type: line, x: month, y: [revenue]}
        position: {x: 0, y: 0, w: 6, h: 4}

Only read-only SQL (the workbench's guard) is accepted in a tile or a list parameter. Every
problem is a DashboardError whose message names the field (and the tile) at fault.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..charts import KINDS
from ..sql import guard

VERSION = 1
GRID_COLUMNS = 12
MAX_TILES = 50
MAX_FILE_BYTES = 1024 * 1024
MAX_VALUES = 100_000  # YAML aliases repeat a value without repeating its bytes
VIZ_TYPES = ("table", "counter", *KINDS)
PARAMETER_TYPES = ("text", "number", "date", "date_range", "list")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class DashboardError(ValueError):
    """A dashboard file or edit that cannot be accepted; the message names the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Position(_Strict):
    x: int = Field(0, ge=0, lt=GRID_COLUMNS)
    y: int = Field(0, ge=0, le=10_000)
    w: int = Field(6, ge=1, le=GRID_COLUMNS)
    h: int = Field(4, ge=1, le=40)

    @model_validator(mode="after")
    def _fits(self) -> "Position":
        if self.x + self.w > GRID_COLUMNS:
            raise ValueError(f"x + w must be at most {GRID_COLUMNS} (the grid has {GRID_COLUMNS} columns)")
        return self


class OnClick(_Strict):
    """Cross-filtering: clicking a mark sets `parameter` to the value of `column`."""

    parameter: str
    column: str


class Viz(_Strict):
    type: Literal["table", "counter", "bar", "line", "area", "scatter", "pie", "histogram"] = "table"
    x: str = ""
    y: list[str] = []
    color: str = ""
    value: str = ""  # counter: the column shown
    on_click: OnClick | None = None

    @field_validator("y", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v


class Parameter(_Strict):
    name: str
    type: Literal["text", "number", "date", "date_range", "list"] = "text"
    label: str = ""
    default: Any = None
    values_sql: str = ""  # list parameters: the query whose first column gives the choices

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError("must be a letter or _ followed by letters, digits or _ (it becomes :name in SQL)")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "Parameter":
        if self.type == "list" and not self.values_sql:
            raise ValueError("a list parameter needs values_sql")
        if self.type != "list" and self.values_sql:
            raise ValueError("values_sql is only for list parameters")
        if self.default is not None:
            from .binding import coerce  # the same rules as values set on the page

            try:
                coerce(self, self.default)
            except DashboardError as err:
                raise ValueError(f"default: {err}") from None
        return self

    @property
    def shown(self) -> str:
        return self.label or self.name


class Tile(_Strict):
    title: str = Field(..., min_length=1, max_length=200)
    sql: str = Field(..., min_length=1, max_length=100_000)
    viz: Viz = Viz()
    position: Position | None = None


class Dashboard(_Strict):
    version: int = VERSION
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5_000)
    parameters: list[Parameter] = []
    tiles: list[Tile] = Field([], max_length=MAX_TILES)

    @field_validator("version")
    @classmethod
    def _version(cls, v: int) -> int:
        if v != VERSION:
            raise ValueError(f"unknown version {v}: this app reads version {VERSION}")
        return v

    @model_validator(mode="after")
    def _checked(self) -> "Dashboard":
        names = [p.name for p in self.parameters]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"parameters: duplicate name {dupes[0]!r}")
        for p in self.parameters:
            if p.type == "list":
                _read_only(p.values_sql, f"parameter {p.name!r} values_sql")
        for i, t in enumerate(self.tiles):
            _read_only(t.sql, f"tile {i + 1} ({t.title!r})")
            click = t.viz.on_click
            if click is not None and click.parameter not in names:
                raise ValueError(f"tile {i + 1} ({t.title!r}): on_click names no parameter {click.parameter!r}")
        return self

    def laid_out(self) -> "Dashboard":
        """The same dashboard with every tile given a position (two per row, in order)."""
        tiles, row_y, col = [], 0, 0
        for t in self.tiles:
            if t.position is None:
                pos = Position(x=col * 6, y=row_y, w=6, h=4)
                col = (col + 1) % 2
                row_y += 4 if col == 0 else 0
                t = t.model_copy(update={"position": pos})
            tiles.append(t)
        return self.model_copy(update={"tiles": tiles})


def _read_only(sql: str, where: str) -> None:
    verdict = guard.classify(sql)
    if verdict.empty:
        raise ValueError(f"{where}: the SQL is empty")
    if not verdict.read_only:
        raise ValueError(f"{where}: only read-only SQL is allowed ({verdict.describe()})")


# --- files -------------------------------------------------------------------------------


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(err: ValidationError) -> str:
    first = err.errors()[0]
    where = _where(tuple(first.get("loc", ())))
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if first.get("type") == "extra_forbidden":
        msg = "unknown field"
    elif first.get("type") == "missing":
        msg = "missing"
    return f"{where}: {msg}" if where else msg


def from_data(data: Any) -> Dashboard:
    if not isinstance(data, dict):
        raise DashboardError("A dashboard file holds one mapping (title, parameters, tiles)")
    try:
        return Dashboard.model_validate(data)
    except ValidationError as err:
        raise DashboardError(_message(err)) from None


def parse(text: str | bytes) -> Dashboard:
    """A dashboard from YAML or JSON text (JSON is YAML), or DashboardError naming the field."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise DashboardError(f"The file is over {MAX_FILE_BYTES // 1024} KB")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DashboardError("The file is not UTF-8 text") from None
    if len(text) > MAX_FILE_BYTES:
        raise DashboardError(f"The file is over {MAX_FILE_BYTES // 1024} KB")
    try:
        data = _plain(_load(text), [0])
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise DashboardError(f"The file is neither valid YAML nor JSON{where}") from None
    except RecursionError:
        raise DashboardError("The file is nested too deeply") from None
    return from_data(data)


def _load(text: str) -> Any:
    # JSON first: PyYAML reads YAML 1.1, which refuses some JSON (a tab-indented file).
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            pass  # a YAML flow mapping
    return yaml.safe_load(text)


def _plain(data: Any, count: list[int]) -> Any:
    # YAML reads 1995-01-01 as a date; the format keeps dates as ISO text.
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise DashboardError(f"The file holds more than {MAX_VALUES} values (YAML aliases count each time they are used)")
    if isinstance(data, dict):
        return {k: _plain(v, count) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v, count) for v in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def _tidy(data: Any) -> Any:
    """Leaves out empty optional fields, so a file says only what it means."""
    if isinstance(data, dict):
        # A parameter's default "" is a value: dropping it would leave the parameter without one.
        return {k: _tidy(v) for k, v in data.items() if v not in ("", None, [], {}) or (k == "default" and v is not None)}
    if isinstance(data, list):
        return [_tidy(v) for v in data]
    return data


def dump(dashboard: Dashboard, fmt: Literal["yaml", "json"] = "yaml") -> str:
    data = _tidy(dashboard.model_dump(mode="json"))
    data = {"version": VERSION, **{k: v for k, v in data.items() if k != "version"}}
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def file_name(title: str, fmt: str) -> str:
    """A file name from the title: letters, digits, - and _ only."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", title).strip("_").lower()[:60] or "dashboard"
    return f"{base}.{fmt}"
