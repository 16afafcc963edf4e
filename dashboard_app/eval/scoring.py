"""Execution accuracy: does the agent's SQL return the same result as the gold SQL?

Two statements that answer the same question rarely look alike (other aliases, another
join order, an ORDER BY or not, DECIMAL here and DOUBLE there), so the statements are not
compared: their results are. The rules, chosen so that only a different *answer* fails:

- Rows are a multiset: their order is ignored, duplicates count.
- Column names are ignored, and so is column order: the gold's columns are matched to the
  answer's columns by their values.
- Extra columns are accepted: when the answer has more columns than the gold and some of
  them, in some order, hold exactly the gold's rows, it passes (the agent showed a name next
  to an id, or a count next to a share). Fewer columns never pass.
- Numbers are compared by value across int, float and Decimal. Integral values (5, 5.0,
  Decimal("5.00")) are compared exactly, so counts and ids never blur; any other number is
  equal when both agree to 9 significant digits (`SIGNIFICANT_DIGITS`), or, for two values
  that rounding puts on either side of a boundary, when they differ by less than a relative
  1e-9 (`REL_TOL`). This absorbs the float noise of a DOUBLE sum against a DECIMAL one, and
  the trailing zeros of a DECIMAL scale, and nothing a person would call a different number.
  A question that wants rounding says so ("round to 2 decimals"): the gold rounds too.
- NaN equals NaN, NULL equals NULL (and nothing else).
- Timestamps with a time zone are compared as naive UTC; a date equals that day's midnight.
- Strings, booleans and everything else are compared exactly (no trimming, no case folding:
  'BUILDING' and 'building ' are different answers).

A failure has exactly one kind, the first that applies: the turn's own failure (`judge_turn`:
model error, step cap, refused, SQL error, no SQL) or, when both results exist, what differs
(`score`: a single value, other columns, missing rows, extra rows).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator, Sequence

SIGNIFICANT_DIGITS = 9
REL_TOL = 1e-9
ABS_TOL = 1e-12  # a DOUBLE's 1e-17 against a DECIMAL's 0
#: The tolerance pass pairs leftover rows one by one; beyond this many it is skipped.
MAX_TOLERANCE_ROWS = 1000
#: Column assignments tried when matching the gold's columns to the answer's.
MAX_MAPPINGS = 1000

# --- failure kinds (the wording is part of the report) ---------------------------------------
NO_SQL = "no SQL"
SQL_ERROR = "SQL error"
REFUSED = "refused"
STEP_CAP = "step cap"
MODEL_ERROR = "model error"
SINGLE_VALUE = "a single value"
OTHER_COLUMNS = "other columns"
MISSING_ROWS = "missing rows"
EXTRA_ROWS = "extra rows"
DIFFERENT = "different result"  # the prefix of the last four


@dataclass(frozen=True)
class Verdict:
    passed: bool
    kind: str = ""  # one of the kinds above; "" when passed
    reason: str = ""  # one line for the report, starting with the kind (or DIFFERENT)
    note: str = ""  # how a pass was reached, when not plainly (extra columns ignored, ...)


def passed(note: str = "") -> Verdict:
    return Verdict(True, note=note)


def failed(kind: str, detail: str = "") -> Verdict:
    head = f"{DIFFERENT}: {kind}" if kind in (SINGLE_VALUE, OTHER_COLUMNS, MISSING_ROWS, EXTRA_ROWS) else kind
    return Verdict(False, kind, f"{head}: {detail}" if detail else head)


# --- the turn --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attempt:
    """One run_sql call of the turn, as the runner saw it."""

    status: str  # ok | error | refused (a proposal, or the guard said no)
    sql: str
    error: str = ""
    result_id: str = ""


def answer_sql(attempts: Sequence[Attempt]) -> Attempt | None:
    """The answer's SQL: the last run_sql that ran."""
    return next((a for a in reversed(attempts) if a.status == "ok"), None)


def judge_turn(status: str, error: str, attempts: Sequence[Attempt]) -> Verdict | None:
    """Why the turn fails before any result is compared, or None: compare `answer_sql`.

    A turn that did not end normally fails whatever SQL it ran: the person asking got no
    answer. `status` and `error` are the agent's Done.status and Done.error.
    """
    if status == "step_cap":
        return failed(STEP_CAP, error)
    if status != "ok":
        return failed(MODEL_ERROR, error or f"the turn ended {status}")
    if answer_sql(attempts) is not None:
        return None
    if not attempts:
        return failed(NO_SQL, "the agent ran no SQL")
    last = attempts[-1]
    return failed(REFUSED if last.status == "refused" else SQL_ERROR, one_line(last.error) or last.status)


# --- results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultSet:
    columns: list[str]
    rows: list[tuple]
    truncated: bool = False  # cut at the row limit: the comparison saw only part of it

    @classmethod
    def from_arrow(cls, table: Any, truncated: bool = False) -> "ResultSet":
        # Column by column: to_pylist() of the table would merge duplicate column names.
        data = [table.column(i).to_pylist() for i in range(table.num_columns)]
        rows = list(zip(*data)) if data else [() for _ in range(table.num_rows)]
        return cls(list(table.column_names), rows, truncated)

    @property
    def width(self) -> int:
        return len(self.columns) if self.columns else (len(self.rows[0]) if self.rows else 0)


@dataclass(frozen=True)
class _Flag:
    """A boolean, kept apart from 1 and 0 (Python's True == 1)."""

    value: bool


class _NaN:
    def __repr__(self) -> str:
        return "NaN"


_NAN = _NaN()  # one object, so NaN == NaN in a key


def canonical(value: Any) -> Any:
    """`value` in the form the rules compare (before numbers are rounded)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _Flag(value)
    if isinstance(value, (numbers.Real, Decimal)):
        return _number(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, (list, tuple)):
        return tuple(canonical(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((str(k), canonical(v)) for k, v in value.items()), key=lambda kv: kv[0]))
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _number(value: Any) -> int | float:
    """int when integral (exact), else float."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)
    f = float(value)
    if math.isfinite(f) and f.is_integer() and abs(f) < 2**53:
        return int(f)
    return f


def _key(c: Any) -> Any:
    """A hashable key of a canonical value: equal keys are equal values."""
    if isinstance(c, float):
        if math.isnan(c):
            return _NAN
        return c if math.isinf(c) else float(f"{c:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(c, tuple):
        return tuple(_key(v) for v in c)
    return c


def _close(a: Any, b: Any) -> bool:
    """The tolerance pass: equal, or numbers within REL_TOL."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


@dataclass
class _Rows:
    """A result ready to compare: raw rows (for the report), canonical rows and their keys."""

    raw: list[tuple]
    width: int
    canon: list[tuple] = field(init=False)
    keys: list[tuple] = field(init=False)

    def __post_init__(self) -> None:
        self.canon = [tuple(canonical(v) for v in r) for r in self.raw]
        self.keys = [tuple(_key(v) for v in r) for r in self.canon]

    def project(self, columns: Sequence[int]) -> "_Rows":
        out = _Rows.__new__(_Rows)
        out.raw = [tuple(r[k] for k in columns) for r in self.raw]
        out.width = len(columns)
        out.canon = [tuple(r[k] for k in columns) for r in self.canon]
        out.keys = [tuple(r[k] for k in columns) for r in self.keys]
        return out


def _difference(expected: _Rows, actual: _Rows) -> tuple[list[int], list[int]]:
    """Indices of the expected rows the answer lacks, and of the answer's rows not expected."""
    want: dict[tuple, list[int]] = {}
    for i, k in enumerate(expected.keys):
        want.setdefault(k, []).append(i)
    extra: list[int] = []
    for j, k in enumerate(actual.keys):
        slot = want.get(k)
        if slot:
            slot.pop()
        else:
            extra.append(j)
    missing = sorted(i for slot in want.values() for i in slot)
    if missing and len(missing) == len(extra) <= MAX_TOLERANCE_ROWS:
        missing, extra = _pair_close(expected, actual, missing, extra)
    return missing, extra


def _pair_close(expected: _Rows, actual: _Rows, missing: list[int], extra: list[int]) -> tuple[list[int], list[int]]:
    left = list(extra)
    still: list[int] = []
    for i in missing:
        j = next((j for j in left if _close(expected.canon[i], actual.canon[j])), None)
        if j is None:
            still.append(i)
        else:
            left.remove(j)
    return still, left


def _same(expected: _Rows, actual: _Rows) -> bool:
    if len(expected.raw) != len(actual.raw):
        return False
    missing, extra = _difference(expected, actual)
    return not missing and not extra


def _mappings(expected: _Rows, actual: _Rows) -> Iterator[tuple[int, ...]]:
    """Assignments of each gold column to a distinct answer column holding the same values."""
    n, m = expected.width, actual.width
    theirs = [actual.project([k]) for k in range(m)]
    ours = [expected.project([j]) for j in range(n)]
    candidates = [[k for k in range(m) if _same(ours[j], theirs[k])] for j in range(n)]
    if any(not c for c in candidates):
        return
    order = sorted(range(n), key=lambda j: len(candidates[j]))  # the most constrained first
    chosen: dict[int, int] = {}
    tried = 0

    def walk(pos: int) -> Iterator[tuple[int, ...]]:
        nonlocal tried
        if pos == n:
            tried += 1
            yield tuple(chosen[j] for j in range(n))
            return
        j = order[pos]
        for k in candidates[j]:
            if k in chosen.values() or tried >= MAX_MAPPINGS:
                continue
            chosen[j] = k
            yield from walk(pos + 1)
            del chosen[j]

    yield from walk(0)


def _align(expected: _Rows, actual: _Rows) -> list[int]:
    """For the report of a same-width mismatch: each gold column paired with the answer
    column sharing most of its distinct values (greedily), so a reordered answer with one
    wrong row shows that row, not every row."""
    n = expected.width
    values = [{r[j] for r in expected.keys} for j in range(n)]
    theirs = [{r[k] for r in actual.keys} for k in range(n)]
    pairs = sorted(((len(values[j] & theirs[k]), -abs(j - k), j, k) for j in range(n) for k in range(n)), reverse=True)
    out: dict[int, int] = {}
    for overlap, _near, j, k in pairs:
        if j not in out and k not in out.values():
            out[j] = k
    return [out[j] for j in range(n)]


def score(expected: ResultSet, actual: ResultSet) -> Verdict:
    """Compares the answer's result with the gold's, by the rules of the module docstring."""
    verdict = _score(_Rows(expected.rows, expected.width), _Rows(actual.rows, actual.width), actual)
    if not verdict.passed and (expected.truncated or actual.truncated):
        which = "the gold's" if expected.truncated else "the answer's"
        verdict = Verdict(False, verdict.kind, f"{verdict.reason} ({which} result was cut at the row limit)")
    return verdict


def _score(e: _Rows, a: _Rows, actual: ResultSet) -> Verdict:
    n, m = e.width, a.width
    if n == m and _same(e, a):
        return passed()
    if m >= n and len(e.raw) == len(a.raw):
        for mapping in _mappings(e, a):
            if _same(e, a.project(mapping)):
                return passed(_mapping_note(mapping, m, actual.columns))
    if n == m == 1 and len(e.raw) == len(a.raw) == 1:
        return failed(SINGLE_VALUE, f"expected {show(e.raw[0][0])}, got {show(a.raw[0][0])}")
    if n != m:
        return failed(OTHER_COLUMNS, _columns_detail(n, m, actual.columns))
    aligned = a.project(_align(e, a))
    missing, extra = _difference(e, aligned)
    if missing:
        detail = f"{len(missing):,} of {_rows(len(e.raw))} expected are not in the answer, e.g. {show_row(e.raw[missing[0]])}"
        if extra:
            detail += f"; it has {_rows(len(extra))} not expected, e.g. {show_row(aligned.raw[extra[0]])}"
        return failed(MISSING_ROWS, detail)
    return failed(EXTRA_ROWS, f"{_rows(len(extra))} not expected ({len(a.raw):,} in all, {len(e.raw):,} expected), "
                              f"e.g. {show_row(aligned.raw[extra[0]])}")


def _rows(n: int) -> str:
    return f"{n:,} row{'s' * (n != 1)}"


def _mapping_note(mapping: tuple[int, ...], width: int, names: Sequence[str]) -> str:
    notes = []
    if width > len(mapping):
        ignored = [names[k] if k < len(names) else f"#{k + 1}" for k in range(width) if k not in mapping]
        notes.append("extra columns ignored: " + ", ".join(ignored))
    if list(mapping) != sorted(mapping):
        notes.append("columns in another order")
    return "; ".join(notes)


def _columns_detail(n: int, m: int, names: Sequence[str]) -> str:
    got = f"got {m} ({', '.join(names)})" if names else f"got {m}"
    if m < n:
        return f"expected {n} column{'s' * (n != 1)}, {got}"
    return f"expected {n} column{'s' * (n != 1)}, {got}, and no {n} of them hold the expected rows"


# --- display ---------------------------------------------------------------------------------
def show(value: Any, limit: int = 80) -> str:
    """A value for the report: NULL, quoted text, plain numbers and ISO dates."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (dt.date, dt.time)):
        text = value.isoformat()
    elif isinstance(value, Decimal):
        text = str(value)
    else:
        text = repr(value) if isinstance(value, (bytes, list, dict, tuple)) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_row(row: Sequence[Any], limit: int = 200) -> str:
    text = "(" + ", ".join(show(v) for v in row) + ")"
    return text if len(text) <= limit else text[: limit - 2] + "…)"


def one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
