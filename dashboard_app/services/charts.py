"""Plotly charts of a query result, aggregated or sampled on the server.

The browser never receives more than a few thousand points: categories and time buckets
are aggregated in DuckDB over the Arrow table, scatter plots are sampled, histograms are
binned here. A default chart is guessed from the result's column types.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import plotly.graph_objects as go
import pyarrow as pa

KINDS = ("bar", "line", "area", "scatter", "pie", "histogram")
AGGREGATIONS = ("sum", "avg", "count", "min", "max", "none")
# Order of categories on x: as the query returned them, by the (first) measure, or by label.
ORDERS = ("result", "value_asc", "value_desc", "label")
MAX_GROUPS = 2_000  # categories / time points per series
MAX_POINTS = 5_000  # scatter samples
MAX_SERIES = 20  # colour groups kept; the rest become "Other"
PIE_SLICES = 20
HIST_BINS = 40


class ChartError(ValueError):
    """The chosen columns cannot make that chart; the message says why."""


@dataclass(frozen=True)
class ChartSpec:
    kind: str = "bar"
    x: str = ""
    ys: tuple[str, ...] = ()
    color: str = ""
    agg: str = "sum"
    order: str = "result"  # one of ORDERS; numbers and times on x always stay in x order


@dataclass
class ChartData:
    figure: go.Figure
    points: int
    note: str = ""  # e.g. "sampled 5,000 of 1,000,000 rows"
    spec: ChartSpec = field(default_factory=ChartSpec)


def _kind_of(t: pa.DataType) -> str:
    if pa.types.is_temporal(t):
        return "time"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_boolean(t) or pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return "category"
    return "other"


def column_kinds(table: pa.Table) -> dict[str, str]:
    return {f.name: _kind_of(f.type) for f in table.schema}


def guess(table: pa.Table) -> ChartSpec:
    """A time column gives a line, a category and a number a bar, two numbers a scatter."""
    kinds = column_kinds(table)
    times = [c for c, k in kinds.items() if k == "time"]
    numbers = [c for c, k in kinds.items() if k == "number"]
    cats = [c for c, k in kinds.items() if k == "category"]
    # One measure by default: several on one axis hide each other when their scales differ.
    if times and numbers:
        return ChartSpec("line", times[0], (numbers[0],), cats[0] if cats else "", "sum")
    if cats and numbers:
        return ChartSpec("bar", cats[0], (numbers[0],), cats[1] if len(cats) > 1 else "", "sum")
    if len(numbers) >= 2:
        return ChartSpec("scatter", numbers[0], (numbers[1],), "", "none")
    if numbers:
        return ChartSpec("histogram", numbers[0], (), "", "count")
    if cats:
        return ChartSpec("bar", cats[0], (), "", "count")
    return ChartSpec("bar", table.column_names[0] if table.column_names else "", (), "", "count")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def build(table: pa.Table, spec: ChartSpec) -> ChartData:
    names = set(table.column_names)
    if spec.kind not in KINDS:
        raise ChartError(f"Unknown chart type {spec.kind!r}")
    if spec.agg not in AGGREGATIONS:
        raise ChartError(f"Unknown aggregation {spec.agg!r}")
    if spec.order not in ORDERS:
        raise ChartError(f"Unknown order {spec.order!r}")
    for col in (spec.x, spec.color, *spec.ys):
        if col and col not in names:
            raise ChartError(f"No column named {col!r} in the result")
    if not spec.x:
        raise ChartError("Choose a column for the x axis")
    kinds = column_kinds(table)
    for y in spec.ys:
        if kinds[y] != "number" and spec.agg not in ("count",):
            raise ChartError(f"Column {y!r} is not numeric: use it as x or colour, or aggregate with count")
    con = duckdb.connect()
    try:
        con.register("result", table)
        if spec.kind == "histogram":
            return _histogram(con, spec, kinds, table.num_rows)
        if spec.kind == "scatter" and spec.agg == "none":
            return _scatter(con, spec, table.num_rows)
        if spec.kind == "pie":
            return _pie(con, spec)
        return _grouped(con, spec, kinds)
    except duckdb.Error as err:
        raise ChartError(f"Could not build the chart: {str(err).splitlines()[0]}") from None
    finally:
        con.close()


def _agg_expr(agg: str, y: str | None) -> str:
    if agg == "count" or y is None:
        return "count(*)" if y is None else f"count({_q(y)})"
    if agg == "none":
        agg = "sum"  # a line/bar over repeated x values has to be aggregated anyway
    return f"{agg}({_q(y)})"


def _grouped(con: duckdb.DuckDBPyConnection, spec: ChartSpec, kinds: dict[str, str]) -> ChartData:
    ys = spec.ys or (None,)
    x = _q(spec.x)
    color_sql = ""
    if spec.color:
        # Keep the biggest colour groups; the tail becomes "Other" so the legend stays readable.
        color_sql = (
            f", CASE WHEN CAST({_q(spec.color)} AS VARCHAR) IN (SELECT g FROM (SELECT CAST({_q(spec.color)} AS VARCHAR) g, count(*) n "
            f"FROM result GROUP BY 1 ORDER BY n DESC LIMIT {MAX_SERIES})) THEN CAST({_q(spec.color)} AS VARCHAR) ELSE 'Other' END AS c"
        )
    aggs = ", ".join(f"{_agg_expr(spec.agg, y)} AS y{i}" for i, y in enumerate(ys))
    group = "1, 2" if spec.color else "1"
    # Numbers and times in x order; categories as chosen: by where each first appears in the
    # result, by the first measure summed over colour groups, or by label.
    categorical = kinds.get(spec.x) not in ("time", "number")
    order = {
        "result": "__first",
        "value_asc": "__total ASC NULLS LAST, __first",
        "value_desc": "__total DESC NULLS LAST, __first",
        "label": "x ASC NULLS LAST",
    }[spec.order] if categorical else "x"
    rows = con.sql(
        f"WITH g AS (SELECT {x} AS x{color_sql}, {aggs}, min(__pos) AS __pos "
        f"FROM (SELECT *, row_number() OVER () AS __pos FROM result) GROUP BY {group}), "
        "k AS (SELECT *, min(__pos) OVER (PARTITION BY x) AS __first, sum(y0) OVER (PARTITION BY x) AS __total FROM g) "
        f"SELECT * EXCLUDE (__pos, __first, __total) FROM k ORDER BY {order}, __pos LIMIT {MAX_GROUPS * (MAX_SERIES + 1)}"
    ).to_arrow_table()
    total_groups = con.execute(f"SELECT count(DISTINCT {x}) FROM result").fetchone()[0]
    data = rows.to_pydict()
    fig = go.Figure()
    y_names = [y or "count" for y in ys]
    series: list[tuple[str, list, list]] = []
    if spec.color:
        for c in dict.fromkeys(data["c"]):
            idx = [i for i, v in enumerate(data["c"]) if v == c][:MAX_GROUPS]
            for j, yn in enumerate(y_names):
                label = f"{c}" if len(y_names) == 1 else f"{c} · {yn}"
                series.append((label, [data["x"][i] for i in idx], [data[f"y{j}"][i] for i in idx]))
    else:
        for j, yn in enumerate(y_names):
            series.append((yn, data["x"][:MAX_GROUPS], data[f"y{j}"][:MAX_GROUPS]))
    points = 0
    for label, xs, yv in series:
        points += len(xs)
        if spec.kind == "bar":
            fig.add_trace(go.Bar(name=label, x=xs, y=yv))
        elif spec.kind == "area":
            fig.add_trace(go.Scatter(name=label, x=xs, y=yv, mode="lines", stackgroup="one"))
        elif spec.kind == "scatter":
            fig.add_trace(go.Scatter(name=label, x=xs, y=yv, mode="markers"))
        else:
            fig.add_trace(go.Scatter(name=label, x=xs, y=yv, mode="lines+markers" if len(xs) < 60 else "lines"))
    # Values already aggregated by the query (agg "none") are titled as they are.
    y_title = ", ".join((y if spec.agg == "none" else f"{spec.agg}({y})") if y else "count" for y in ys)
    _layout(fig, spec.x, y_title)
    if kinds.get(spec.x) == "category":
        # Plotly would order categories by trace, or read "10" as a number: give it the order.
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(dict.fromkeys(data["x"]))[:MAX_GROUPS])
    if spec.kind == "bar" and spec.color:
        fig.update_layout(barmode="group")
    note = f"showing {MAX_GROUPS:,} of {total_groups:,} {spec.x} values" if total_groups > MAX_GROUPS else ""
    return ChartData(fig, points, note, spec)


def _scatter(con: duckdb.DuckDBPyConnection, spec: ChartSpec, total: int) -> ChartData:
    if not spec.ys:
        raise ChartError("Choose a numeric y column for a scatter chart")
    cols = ", ".join([f"{_q(spec.x)} AS x", *(f"{_q(y)} AS y{i}" for i, y in enumerate(spec.ys))])
    if spec.color:
        cols += f", CAST({_q(spec.color)} AS VARCHAR) AS c"
    sample = f" USING SAMPLE reservoir({MAX_POINTS} ROWS) REPEATABLE (42)" if total > MAX_POINTS else ""
    data = con.sql(f"SELECT {cols} FROM result{sample}").to_arrow_table().to_pydict()
    fig = go.Figure()
    n = len(data["x"])
    for i, y in enumerate(spec.ys):
        if spec.color:
            for c in list(dict.fromkeys(data["c"]))[:MAX_SERIES]:
                idx = [k for k in range(n) if data["c"][k] == c]
                fig.add_trace(go.Scattergl(name=str(c), x=[data["x"][k] for k in idx], y=[data[f"y{i}"][k] for k in idx], mode="markers"))
        else:
            fig.add_trace(go.Scattergl(name=y, x=data["x"], y=data[f"y{i}"], mode="markers"))
    _layout(fig, spec.x, ", ".join(spec.ys))
    note = f"sampled {n:,} of {total:,} rows" if sample else ""
    return ChartData(fig, n * len(spec.ys), note, spec)


def _pie(con: duckdb.DuckDBPyConnection, spec: ChartSpec) -> ChartData:
    y = spec.ys[0] if spec.ys else None
    agg = _agg_expr(spec.agg, y)
    data = con.sql(
        f"SELECT CAST({_q(spec.x)} AS VARCHAR) AS x, {agg} AS y FROM result GROUP BY 1 ORDER BY y DESC NULLS LAST"
    ).to_arrow_table().to_pydict()
    labels, values = data["x"][:PIE_SLICES], data["y"][:PIE_SLICES]
    rest = [v for v in data["y"][PIE_SLICES:] if v is not None]
    if rest:
        labels.append("Other")
        values.append(sum(rest))
    fig = go.Figure(go.Pie(labels=labels, values=values, hole=0.3))
    _layout(fig, "", "")
    return ChartData(fig, len(labels), f"top {PIE_SLICES} of {len(data['x']):,} slices, the rest as Other" if rest else "", spec)


def _histogram(con: duckdb.DuckDBPyConnection, spec: ChartSpec, kinds: dict[str, str], total: int) -> ChartData:
    if kinds.get(spec.x) != "number":
        raise ChartError(f"A histogram needs a numeric column; {spec.x!r} is not")
    x = f"CAST({_q(spec.x)} AS DOUBLE)"
    lo, hi = con.execute(f"SELECT min({x}), max({x}) FROM result").fetchone()
    fig = go.Figure()
    if lo is None:
        _layout(fig, spec.x, "count")
        return ChartData(fig, 0, "no values", spec)
    width = (hi - lo) / HIST_BINS or 1.0
    data = con.execute(
        f"SELECT least(floor(({x} - ?) / ?), {HIST_BINS - 1}) AS b, count(*) AS n FROM result WHERE {x} IS NOT NULL GROUP BY 1 ORDER BY 1",
        [lo, width],
    ).fetchall()
    centers = [lo + (b + 0.5) * width for b, _ in data]
    fig.add_trace(go.Bar(x=centers, y=[n for _, n in data], width=[width] * len(data), name=spec.x))
    _layout(fig, spec.x, "count")
    fig.update_layout(bargap=0.02)
    return ChartData(fig, len(data), "", spec)


def _layout(fig: go.Figure, x_title: str, y_title: str) -> None:
    axis = dict(gridcolor="#e5e7eb", zerolinecolor="#d1d5db")
    fig.update_layout(
        template="plotly_white",
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=axis,
        yaxis=axis,
        margin=dict(l=40, r=20, t=30, b=40),
        height=380,
        xaxis_title=x_title,
        yaxis_title=y_title,
        legend=dict(orientation="h", y=-0.2),
    )
