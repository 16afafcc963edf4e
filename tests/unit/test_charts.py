"""Charts are guessed from the result's shape and never ship more than a bounded number of points."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from dashboard_app.services import charts


def test_guess_time_gives_line():
    t = pa.table({"day": [dt.date(2024, 1, d) for d in range(1, 11)], "n": list(range(10))})
    assert charts.guess(t) == charts.ChartSpec("line", "day", ("n",), "", "sum")


def test_guess_category_and_number_gives_bar():
    t = pa.table({"cat": ["a", "b"], "n": [1, 2]})
    assert charts.guess(t).kind == "bar" and charts.guess(t).x == "cat"


def test_guess_time_category_and_measures_gives_one_line_per_category():
    t = pa.table({"day": [dt.date(2024, 1, 1)] * 2, "prio": ["a", "b"], "orders": [1, 2], "revenue": [10.0, 20.0]})
    assert charts.guess(t) == charts.ChartSpec("line", "day", ("orders",), "prio", "sum")


def test_guess_two_numbers_gives_scatter():
    t = pa.table({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    assert charts.guess(t) == charts.ChartSpec("scatter", "x", ("y",), "", "none")


def test_guess_one_number_gives_histogram():
    assert charts.guess(pa.table({"x": [1.0, 2.0]})).kind == "histogram"


def test_bar_aggregates_on_server():
    t = pa.table({"cat": ["a", "b", "a"], "n": [1, 2, 3]})
    data = charts.build(t, charts.ChartSpec("bar", "cat", ("n",), "", "sum"))
    bar = data.figure.data[0]
    assert dict(zip(bar.x, bar.y)) == {"a": 4, "b": 2}


def test_a_million_points_are_sampled():
    n = 1_000_000
    t = pa.table({"x": pa.array(range(n), pa.float64()), "y": pa.array(range(n), pa.float64())})
    data = charts.build(t, charts.ChartSpec("scatter", "x", ("y",), "", "none"))
    assert data.points == charts.MAX_POINTS
    assert "sampled" in data.note
    assert len(data.figure.to_json()) < 400_000


def test_many_categories_are_capped():
    t = pa.table({"k": [f"k{i}" for i in range(10_000)], "v": list(range(10_000))})
    data = charts.build(t, charts.ChartSpec("line", "k", ("v",), "", "sum"))
    assert data.points <= charts.MAX_GROUPS and "showing" in data.note


def test_colour_groups_split_series_and_cap_the_legend():
    t = pa.table({"x": [1, 2] * 50, "c": [f"g{i}" for i in range(100)], "v": [1] * 100})
    data = charts.build(t, charts.ChartSpec("bar", "x", ("v",), "c", "sum"))
    assert len(data.figure.data) == charts.MAX_SERIES + 1  # top groups plus "Other"


def test_histogram_bins_on_server():
    t = pa.table({"v": [float(i) for i in range(10_000)]})
    data = charts.build(t, charts.ChartSpec("histogram", "v", (), "", "count"))
    assert sum(data.figure.data[0].y) == 10_000 and len(data.figure.data[0].x) == charts.HIST_BINS


def test_pie_keeps_top_slices():
    t = pa.table({"k": [f"k{i}" for i in range(30)], "v": list(range(30))})
    data = charts.build(t, charts.ChartSpec("pie", "k", ("v",), "", "sum"))
    assert len(data.figure.data[0].labels) == charts.PIE_SLICES + 1 and data.figure.data[0].labels[-1] == "Other"


@pytest.mark.parametrize(
    "spec, message",
    [
        (charts.ChartSpec("bar", "nope", ("n",)), "No column"),
        (charts.ChartSpec("bar", "cat", ("cat",), "", "sum"), "not numeric"),
        (charts.ChartSpec("histogram", "cat", ()), "numeric"),
        (charts.ChartSpec("donut", "cat", ("n",)), "Unknown chart"),
        (charts.ChartSpec("bar", "", ("n",)), "x axis"),
    ],
)
def test_impossible_charts_explain_why(spec, message):
    t = pa.table({"cat": ["a"], "n": [1]})
    with pytest.raises(charts.ChartError, match=message):
        charts.build(t, spec)


def test_column_names_with_quotes_are_safe():
    t = pa.table({'we"ird': ["a", "b"], "n": [1, 2]})
    data = charts.build(t, charts.ChartSpec("bar", 'we"ird', ("n",), "", "sum"))
    assert list(data.figure.data[0].x) == ["a", "b"]


def test_categories_keep_the_order_the_query_returned():
    t = pa.table({"priority": ["1-URGENT", "2-HIGH", "3-MEDIUM", "2-HIGH"], "orders": [5, 90, 40, 1]})
    data = charts.build(t, charts.ChartSpec("bar", "priority", ("orders",), "", "none"))
    assert list(data.figure.data[0].x) == ["1-URGENT", "2-HIGH", "3-MEDIUM"]
    assert list(data.figure.data[0].y) == [5, 91, 40]
    assert data.figure.layout.yaxis.title.text == "orders"


ORDERED = pa.table({"k": ["b", "a", "c", "a"], "v": [1, 2, 2, 2]})  # totals: b 1, a 4, c 2


@pytest.mark.parametrize(
    "order, expected",
    [("result", ["b", "a", "c"]), ("value_desc", ["a", "c", "b"]), ("value_asc", ["b", "c", "a"]), ("label", ["a", "b", "c"])],
)
def test_categories_follow_the_chosen_order(order, expected):
    data = charts.build(ORDERED, charts.ChartSpec("bar", "k", ("v",), "", "sum", order))
    assert list(data.figure.data[0].x) == expected
    assert dict(zip(data.figure.data[0].x, data.figure.data[0].y)) == {"a": 4, "b": 1, "c": 2}
    # Plotly is told the order too, so colour groups missing a category cannot reorder the axis.
    assert list(data.figure.layout.xaxis.categoryarray) == expected


def test_the_default_order_is_the_results():
    assert charts.ChartSpec().order == "result"


def test_value_order_sums_the_measure_over_colour_groups():
    t = pa.table({"k": ["x", "y", "y", "z"], "c": ["p", "p", "q", "q"], "v": [5, 1, 6, 2]})  # x 5, y 7, z 2
    data = charts.build(t, charts.ChartSpec("bar", "k", ("v",), "c", "sum", "value_desc"))
    assert list(data.figure.layout.xaxis.categoryarray) == ["y", "x", "z"]
    assert [list(trace.x) for trace in data.figure.data] == [["y", "x"], ["y", "z"]]


def test_numbers_and_times_on_x_stay_in_x_order():
    t = pa.table({"n": [3, 1, 2], "v": [1, 3, 2]})
    data = charts.build(t, charts.ChartSpec("bar", "n", ("v",), "", "sum", "value_desc"))
    assert list(data.figure.data[0].x) == [1, 2, 3]
    days = pa.table({"d": [dt.date(2024, 1, 3), dt.date(2024, 1, 1)], "v": [1, 2]})
    data = charts.build(days, charts.ChartSpec("line", "d", ("v",), "", "sum", "label"))
    assert list(data.figure.data[0].x) == [dt.date(2024, 1, 1), dt.date(2024, 1, 3)]


def test_a_value_order_keeps_the_top_categories_when_capped():
    n = charts.MAX_GROUPS + 500
    t = pa.table({"k": [f"k{i}" for i in range(n)], "v": list(range(n))})
    data = charts.build(t, charts.ChartSpec("bar", "k", ("v",), "", "sum", "value_desc"))
    assert data.figure.data[0].x[0] == f"k{n - 1}" and len(data.figure.data[0].x) == charts.MAX_GROUPS


def test_an_unknown_order_is_refused():
    with pytest.raises(charts.ChartError, match="Unknown order"):
        charts.build(ORDERED, charts.ChartSpec("bar", "k", ("v",), "", "sum", "random"))
