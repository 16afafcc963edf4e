"""The analyst's path through the SQL workbench, in a real browser against the real app."""

from __future__ import annotations

import csv
import io
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from .helpers import confirm_and_wait, expect_editor, run, type_sql, wait_idle

pytestmark = pytest.mark.e2e


def test_page_through_a_truncated_result_and_sort(page: Page):
    run(page, "SELECT o_orderkey, o_totalprice, o_comment FROM samples.tpch.orders ORDER BY o_orderkey")
    summary = page.locator("#row-summary")
    expect(summary).to_contain_text("Rows 1–100 of 100,000")
    expect(summary).to_contain_text("truncated at 100,000 rows")
    page.locator("#next-page").click()
    expect(summary).to_contain_text("Rows 101–200 of 100,000")
    # Jump to a page by number.
    page.locator("#page-input").fill("1000")
    page.locator("#page-input").press("Enter")
    expect(summary).to_contain_text("Rows 99,901–100,000")
    # Sort by total price, descending on the second click: done on the server, back to page 1.
    header = page.locator("#results-table th", has_text="o_totalprice")
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(summary).to_contain_text("Rows 1–100 of 100,000")
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    first_price = page.locator("#results-table tbody tr").first.locator("td").nth(2).inner_text()
    prices = [float(page.locator("#results-table tbody tr").nth(i).locator("td").nth(2).inner_text()) for i in range(5)]
    assert prices == sorted(prices, reverse=True)
    assert float(first_price) == prices[0]


def test_null_is_distinct_from_empty_string(page: Page):
    run(page, "SELECT NULL AS a, '' AS b, 'x' AS c")
    cells = page.locator("#results-table tbody tr").first.locator("td")
    expect(cells.nth(1)).to_have_text("NULL")
    expect(cells.nth(1).locator(".null-cell")).to_have_count(1)
    expect(cells.nth(2)).to_have_text("")


def test_long_value_shortened_with_full_value_on_click(page: Page):
    run(page, "SELECT repeat('abc', 200) || 'END' AS long_text")
    cell = page.locator("#results-table tbody tr").first.locator("td").nth(1)
    expect(cell).to_contain_text("…")
    expect(cell).not_to_contain_text("END")
    cell.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("long_text")
    expect(dialog).to_contain_text("END")


def test_chart_of_a_result(page: Page):
    run(page, "SELECT o_orderpriority, count(*) AS orders FROM samples.tpch.orders GROUP BY 1 ORDER BY 1")
    expect(page.locator("#results-table")).to_contain_text("1-URGENT")
    page.locator("#chart-tab").click()
    expect(page.locator("#chart .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator("#chart")).to_contain_text("1-URGENT")
    expect(page.locator("#chart .bars path, #chart .point path").first).to_be_attached()


def test_cancel_a_long_query(page: Page):
    run(page, "SELECT count(*) FROM range(1000000000000) a, range(100) b")
    expect(page.locator("#cancel-button")).to_be_visible()
    expect(page.locator("#elapsed")).not_to_have_text("0.0 s", timeout=10_000)
    page.locator("#cancel-button").click()
    wait_idle(page)
    expect(page.locator("#query-error")).to_contain_text("cancelled")
    run(page, "SELECT 'still alive' AS status")
    expect(page.locator("#results-table")).to_contain_text("still alive")


def test_download_csv_matches_the_result(page: Page, app):
    run(page, "SELECT n_nationkey, n_name FROM samples.tpch.nation ORDER BY n_nationkey")
    expect(page.locator("#row-summary")).to_contain_text("of 25")
    with page.expect_download() as info:
        page.locator("#download-csv").click()
    download = info.value
    assert download.suggested_filename == "samples.tpch.nation.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows[0] == ["n_nationkey", "n_name"]
    assert len(rows) == 26 and rows[1] == ["0", "ALGERIA"] and rows[25] == ["24", "UNITED STATES"]
    href = page.locator("#download-parquet").get_attribute("href")
    with urllib.request.urlopen(app.url + href) as resp:
        import pyarrow.parquet as pq

        table = pq.read_table(io.BytesIO(resp.read()))
    assert table.num_rows == 25 and table.column_names == ["n_nationkey", "n_name"]


def test_reopen_from_history(page: Page):
    marker = "history_marker_7781"
    run(page, f"SELECT '{marker}' AS m")
    expect(page.locator("#results-table")).to_contain_text(marker)
    type_sql(page, "SELECT 1")
    page.locator("#history-tab").click()
    row = page.locator("#history-table tr", has_text=marker).first
    row.get_by_role("button", name="Open").click()
    expect_editor(page, re.compile(marker))


def test_drop_asks_for_confirmation_naming_kind_and_object(page: Page):
    run(page, "CREATE TABLE main.default.e2e_drop_me AS SELECT 1 AS x")
    expect(page.get_by_role("alertdialog")).to_contain_text("CREATE")
    confirm_and_wait(page)
    run(page, "DROP TABLE main.default.e2e_drop_me")
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("DROP")
    expect(dialog).to_contain_text("main.default.e2e_drop_me")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("#query-notice")).to_contain_text("Not run")
    run(page, "SELECT count(*) AS n FROM main.default.e2e_drop_me")
    # The count's own cell: the row number "1" would match the whole table's text.
    expect(page.locator("#results-table thead th").nth(1).locator("div").first).to_have_text("n")
    expect(page.locator("#results-table tbody tr").first.locator("td").nth(1)).to_have_text("1")


def test_ctrl_enter_runs_and_several_statements_show_each_result(page: Page):
    type_sql(page, "SELECT 'first' AS s; SELECT 'second' AS s")
    page.locator("#sql-editor .cm-content").press("Control+Enter")
    expect(page.locator("#statements")).to_contain_text("first")
    expect(page.locator("#results-table")).to_contain_text("second")
    page.locator("#statements >> text=first").click()
    expect(page.locator("#results-table")).to_contain_text("first")


def test_save_a_query_and_open_it_later(page: Page):
    type_sql(page, "SELECT 'saved_marker_5521' AS m")
    page.get_by_role("button", name="Save").first.click()
    page.locator("#save-name").fill("My saved query")
    page.locator("#save-confirm").click()
    type_sql(page, "SELECT 1")
    page.locator("#history-tab").click()
    page.get_by_role("button", name="My saved query", exact=True).click()
    expect_editor(page, re.compile("saved_marker_5521"))


def test_schema_browser_opens_lazily_inserts_names_and_previews(page: Page):
    tree = page.locator("#schema-tree")

    def node(name: str):
        return tree.locator(f'.schema-node[data-name="{name}"]').first

    expect(node("samples")).to_be_visible()
    expect(node("tpch")).to_have_count(0)
    node("samples").locator(".expander").click()
    node("tpch").locator(".expander").click()
    expect(node("lineitem")).to_be_visible()
    node("region").locator(".expander").click()
    expect(node("r_regionkey")).to_be_visible()
    expect(node("r_regionkey")).to_contain_text("BIGINT")
    # The filter keeps matching names and their parents.
    page.get_by_placeholder("Filter").fill("r_name")
    expect(node("r_name")).to_be_visible()
    expect(node("lineitem")).to_have_count(0)
    page.get_by_placeholder("Filter").fill("")
    expect(node("lineitem")).to_be_visible()
    # Clicking a name puts it into the editor.
    type_sql(page, "SELECT * FROM")
    page.locator("#sql-editor .cm-content").blur()
    node("region").locator(".node-name").click()
    expect_editor(page, "SELECT * FROM samples.tpch.region")
    # Preview runs a bounded SELECT without touching the editor.
    node("region").locator(".preview").click()
    expect(page.locator("#results-table")).to_contain_text("MIDDLE EAST")
    expect_editor(page, "SELECT * FROM samples.tpch.region")


def test_chart_type_can_be_changed(page: Page):
    run(page, "SELECT o_orderdate, count(*) AS n FROM samples.tpch.orders GROUP BY 1 ORDER BY 1")
    expect(page.locator("#row-summary")).to_contain_text("of 2,406")
    page.locator("#chart-tab").click()
    expect(page.locator("#chart-kind")).to_have_text("line")
    expect(page.locator("#chart .scatterlayer .trace").first).to_be_attached(timeout=30_000)
    page.locator("#chart-kind").click()
    page.get_by_role("option", name="bar").click()
    expect(page.locator("#chart .barlayer .trace").first).to_be_attached(timeout=30_000)


def test_schema_with_hundreds_of_tables_lists_a_bounded_number(page: Page):
    ddl = "CREATE SCHEMA IF NOT EXISTS main.wide;\n" + "\n".join(
        f"CREATE TABLE IF NOT EXISTS main.wide.t{i:03d} (x INTEGER);" for i in range(350)
    )
    run(page, ddl)
    confirm_and_wait(page)
    expect(page.locator("#query-error")).to_have_count(0)
    expect(page.locator("#statements")).to_contain_text("main.wide.t349")
    tree = page.locator("#schema-tree")
    tree.locator('.schema-node[data-name="main"] .expander').click()
    tree.locator('.schema-node[data-name="wide"] .expander').click()
    expect(tree.locator(".schema-more")).to_have_text("… 50 more: type in the filter")
    expect(tree.locator(".schema-node")).to_have_count(3 + 300 + 1)  # main, default, wide; 300 tables; samples
    page.get_by_placeholder("Filter").fill("t349")
    expect(tree.locator('.schema-node[data-name="t349"]')).to_be_visible()


def test_databricks_sql_runs_locally_and_shows_the_duckdb_sql_on_demand(page: Page):
    run(page, "SELECT date_format(DATE'2024-03-05', 'yyyy-MM') AS m, nvl(NULL, 7) AS n")
    wait_idle(page)
    cells = page.locator("#results-table tbody tr").first.locator("td")
    expect(cells.nth(1)).to_have_text("2024-03")
    expect(cells.nth(2)).to_have_text("7")
    ran = page.locator("#result-engine-sql")
    expect(ran.locator("pre")).not_to_be_visible()  # folded until asked for
    ran.locator("summary").click()
    expect(ran.locator("pre")).to_contain_text("COALESCE")

    # An error points at what the user wrote, not at the generated SQL.
    run(page, "SELECT date_format(o_orderdate, 'yyyy'),\n       nvl(o_missing, 0)\nFROM samples.tpch.orders")
    error = page.locator("#query-error")
    expect(error).to_contain_text("Line 2, column 12")
    expect(error).to_contain_text("o_missing")
    expect(error.locator("p, span").first).not_to_contain_text("STRFTIME")
    # Something only a warehouse has is named as such.
    run(page, "SELECT * FROM samples.tpch.orders VERSION AS OF 1")
    expect(error).to_contain_text("Delta time travel")
    expect(error).to_contain_text("Databricks SQL warehouse")


def test_a_typo_shows_the_engines_syntax_error_and_no_dialog(page: Page):
    run(page, "SELEC 1")
    error = page.locator("#query-error")
    expect(error).to_contain_text("Line 1, column 1")
    expect(error).to_contain_text('syntax error at or near "SELEC"')
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    # It was parsed, never run: the history has the next query and not the typo.
    run(page, "SELECT 'after_the_typo' AS m")
    expect(page.locator("#results-table")).to_contain_text("after_the_typo")
    page.locator("#history-tab").click()
    history = page.locator("#history-table")
    expect(history).to_contain_text("after_the_typo")
    expect(history.locator("tr", has_text=re.compile(r"SELEC 1"))).to_have_count(0)


def test_sorting_a_cut_result_sorts_the_whole_statement(page: Page):
    run(page, "SELECT o_totalprice AS top_price FROM samples.tpch.orders ORDER BY o_totalprice DESC LIMIT 5")
    expect(page.locator("#results-table thead")).to_contain_text("top_price")
    cells = page.locator("#results-table tbody tr td:nth-child(2)")
    expect(cells).to_have_count(5)
    top = cells.all_inner_texts()
    # Cut at 100,000 of 152,000 rows: sorting only the rows kept would miss most of the top five.
    run(page, "SELECT o_orderkey, o_totalprice FROM samples.tpch.orders ORDER BY o_orderkey")
    summary = page.locator("#row-summary")
    expect(summary).to_contain_text("truncated at 100,000 rows")
    header = page.locator("#results-table th", has_text="o_totalprice")
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    wait_idle(page)
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    prices = page.locator("#results-table tbody tr td:nth-child(3)")
    expect(prices.first).to_have_text(top[0])
    assert prices.all_inner_texts()[:5] == top
    expect(summary).to_contain_text("truncated at 100,000 rows")
    expect(summary).not_to_contain_text("rows only")


def test_chart_order_changes_the_bar_order(page: Page):
    run(page, "SELECT label, amount FROM VALUES ('beta', 1), ('alpha', 3), ('gamma', 2) AS t(label, amount)")
    expect(page.locator("#row-summary")).to_contain_text("of 3")
    page.locator("#chart-tab").click()
    ticks = page.locator("#chart .xaxislayer-above .xtick text")
    expect(ticks).to_have_text(["beta", "alpha", "gamma"], timeout=30_000)  # as the query returned them
    for choice, order in [("Value, high to low", ["alpha", "gamma", "beta"]), ("Label, A to Z", ["alpha", "beta", "gamma"])]:
        page.locator("#chart-order").click()
        page.get_by_role("option", name=choice).click()
        expect(ticks).to_have_text(order)


def test_the_previous_result_is_dimmed_while_a_new_query_runs(page: Page):
    run(page, "SELECT 'the_earlier_result' AS m")
    view = page.locator(".result-view")
    expect(view).to_contain_text("the_earlier_result")
    label = page.locator("#previous-result-label")
    expect(label).to_have_count(0)
    run(page, "SELECT count(*) FROM samples.tpch.lineitem a, samples.tpch.lineitem b")
    expect(page.locator("#cancel-button")).to_be_visible()
    expect(label).to_have_text("previous result")
    expect(view).to_have_class(re.compile(r"\bprevious-result\b"))
    expect(view).to_have_css("opacity", "0.45")
    expect(view).to_contain_text("the_earlier_result")
    page.locator("#cancel-button").click()
    wait_idle(page)
    expect(page.locator("#query-error")).to_contain_text("cancelled")
    expect(label).to_have_count(0)
    expect(view).to_have_css("opacity", "1")


def test_a_run_adds_one_entry_to_the_history_panel_and_sends_only_that(browser, app):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    received: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: received.append(f if isinstance(f, str) else f.decode("utf-8", "replace"))))
    try:
        page.goto(app.url + "/")
        page.wait_for_selector("#backend-label:not(:empty)")
        run(page, "SELECT 'hist_first_5521' AS m")
        expect(page.locator("#results-table")).to_contain_text("hist_first_5521")
        page.locator("#history-tab").click()
        rows = page.locator("#history-table tbody tr")
        expect(rows.first).to_contain_text("hist_first_5521")
        mark = len(received)
        run(page, "SELECT 'hist_second_5521' AS m")
        # Newest first, the earlier run right below it: the rows moved, nothing was lost.
        expect(rows.first).to_contain_text("hist_second_5521")
        expect(rows.nth(1)).to_contain_text("hist_first_5521")
        wait_idle(page)
        page.wait_for_timeout(300)
        after = "".join(received[mark:])
        # The run sent its own entry, in one slot; the earlier entry was not sent again.
        assert re.search(r'"run_\d+_rx_state_":\{"id":"\d+","sql":"SELECT \'hist_second_5521\' AS m"', after), after[-2000:]
        assert "hist_first_5521" not in after
        # A new page load shows the same list, in the same order.
        page.reload()
        page.wait_for_selector("#backend-label:not(:empty)")
        page.locator("#history-tab").click()
        expect(rows.first).to_contain_text("hist_second_5521")
        expect(rows.nth(1)).to_contain_text("hist_first_5521")
    finally:
        context.close()
