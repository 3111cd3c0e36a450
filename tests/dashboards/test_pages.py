"""The three dashboard pages, run headless with Streamlit's AppTest against a real published warehouse.

Expected numbers are read from the same DuckDB file with plain SQL here and formatted with the
dashboards' own formatting helpers, so the tests check what a page shows against the warehouse, not
against numbers copied into the test.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, data, fmt
from dashboards import labels as L
from tests.dashboards.page_text import texts
from tests.dashboards.login import log_in
from pipelines import config
from warehouse.contracts import get, lists
from warehouse.publish import publish, read_snapshot

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
PAGES = {"overview": None, "dltv": "app_pages/dltv.py", "quality": "app_pages/quality.py"}
TITLES = {"overview": L.PAGE_OVERVIEW[0], "dltv": L.PAGE_DLTV[0], "quality": L.PAGE_QUALITY[0]}


def open_page(monkeypatch, home: config.Home, page: str) -> AppTest:
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = log_in(AppTest.from_file(str(APP), default_timeout=60))
    if PAGES[page]:
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if e.value == L.SCHEMA_MISMATCH], [c.value for c in at.code]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The (first) table on the page that has `column`."""
    found = [d.value for d in [*at.dataframe, *at.table] if column in d.value.columns]
    assert found, f"no table with {column!r}"
    return found[0]


def sql(home: config.Home, query: str, *params):
    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def one(home: config.Home, query: str, *params):
    return sql(home, query, *params)[0][0]


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label or m.label.startswith(label + " ")]
    assert found, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def latest_year(home: config.Home) -> int:
    return one(home, "SELECT max(fiscal_year) FROM dltv_needs")




@pytest.mark.parametrize("page", PAGES)
def test_page_renders_from_the_warehouse(monkeypatch, home, page):
    at = open_page(monkeypatch, home, page)
    assert at.title[0].value == TITLES[page]
    assert not [i for i in at.info if "khlang ingest" in i.value]
    assert at.dataframe, "every page shows at least one table"
    version = one(home, "SELECT version FROM warehouse_info")
    assert any(version in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("page", PAGES)
def test_empty_warehouse_explains_in_thai(monkeypatch, empty_home, page):
    at = open_page(monkeypatch, empty_home, page)
    assert [i.value for i in at.info] == [L.NOT_PUBLISHED]
    assert "ยังไม่มีคลังข้อมูล" in at.info[0].value and "khlang ingest" in at.info[0].value
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("page", PAGES)
def test_no_personal_data_on_any_page(monkeypatch, home, page):
    at = open_page(monkeypatch, home, page)
    shown = texts(at)
    # The names and phones exist only in the Parquet snapshot (ICT staff); the pages read DuckDB files.
    people = (read_snapshot(home, "dltv_equipment").select("reporter_name", "reporter_phone").unique()
              .drop_nulls().rows())
    assert people
    for name, phone in people:
        assert name not in shown and phone not in shown
    for personal in get("dltv_equipment").personal:
        assert L.column("dltv_equipment", personal) not in shown


def delta(at: AppTest, label: str) -> tuple[str, str]:
    """(delta, its description) of a metric; ("", "") when it shows none."""
    found = [m.proto for m in at.metric if m.label == label or m.label.startswith(label + " ")]
    assert found, f"no metric {label!r}"
    return found[0].delta, found[0].delta_description


def coverage_row(home: config.Home, year: int) -> dict:
    cols = ("coverage_pct", "submitted", "population", "missing", "rejected", "not_sent")
    row = sql(home, f"SELECT {', '.join(cols)} FROM coverage WHERE rule_id = 'COV-01' AND period = ?", year)[0]
    return dict(zip(cols, row))


def year_pass_rate(home: config.Home, year: int | None) -> float:
    return one(home, "SELECT 100.0 * sum(rows_in - quarantined) / sum(rows_in) FROM file_accounting_by_period "
                     "WHERE period IS NOT DISTINCT FROM ?", year)


def test_overview_metrics_equal_the_warehouse(monkeypatch, home):
    at = open_page(monkeypatch, home, "overview")
    year = latest_year(home)
    assert metric(at, L.M_SCHOOLS) == fmt.number(one(home, "SELECT count(*) FROM school_profile"))
    assert metric(at, L.M_ELIGIBLE) == fmt.number(
        one(home, "SELECT count(*) FROM school_profile WHERE dltv_eligible"))
    cov = coverage_row(home, year)
    assert metric(at, L.M_COVERAGE) == fmt.percent(cov["coverage_pct"])
    assert metric(at, L.M_MISSING) == fmt.number(cov["missing"])
    assert metric(at, L.M_NOT_SENT) == fmt.number(cov["not_sent"])
    assert metric(at, L.M_REJECTED) == fmt.number(cov["rejected"])
    cost = one(home, "SELECT sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ?", year)
    assert metric(at, L.M_COST) == fmt.baht(cost)
    assert metric(at, L.M_COST).endswith(" บาท") and "," in metric(at, L.M_COST)
    assert metric(at, L.M_PASS_RATE) == fmt.percent(year_pass_rate(home, year))
    version, published = sql(home, "SELECT version, published_at FROM warehouse_info")[0]
    updated = L.UPDATED.format(when=fmt.thai_datetime(published), version=version)
    assert updated in [c.value for c in at.caption]
    assert fmt.thai_datetime(published).endswith(" น.") and str(published.year + 543) in updated


def test_overview_shows_the_change_from_the_previous_year(monkeypatch, home):
    at = open_page(monkeypatch, home, "overview")
    year = latest_year(home)
    prev = year - 1
    assert one(home, "SELECT count(*) FROM dltv_needs WHERE fiscal_year = ?", prev), "the fixture has two years"
    now, before = coverage_row(home, year), coverage_row(home, prev)
    since = L.HELP_DELTA.format(year=prev)
    assert delta(at, L.M_COVERAGE) == (fmt.change(now["coverage_pct"], before["coverage_pct"], 1, L.POINTS), since)
    assert delta(at, L.M_NOT_SENT) == (fmt.change(now["not_sent"], before["not_sent"]), since)
    assert delta(at, L.M_REJECTED) == (fmt.change(now["rejected"], before["rejected"]), since)
    costs = dict(sql(home, "SELECT fiscal_year, sum(est_cost_baht) FROM dltv_needs GROUP BY ALL"))
    assert delta(at, L.M_COST) == (fmt.change(costs[year], costs[prev], 0, L.BAHT), since)
    assert delta(at, L.M_PASS_RATE) == (
        fmt.change(year_pass_rate(home, year), year_pass_rate(home, prev), 1, L.POINTS), since)
    assert delta(at, L.M_SCHOOLS) == ("", "")  # the register has no year
    # The oldest year has nothing before it: no delta, and the page says so.
    at.sidebar.selectbox[0].set_value(prev).run()
    assert not at.exception
    assert all(m.proto.delta == "" for m in at.metric)
    assert L.NO_PREVIOUS_YEAR.format(year=prev - 1) in [c.value for c in at.caption]


def test_overview_missing_submissions_by_district(monkeypatch, home):
    at = open_page(monkeypatch, home, "overview")
    year = latest_year(home)
    table = frame_with(at, "not_sent")
    expected = sql(home, "SELECT district, population, submitted, rejected, not_sent FROM coverage_by_district "
                         "WHERE rule_id = 'COV-01' AND period = ? ORDER BY missing DESC, district", year)
    assert [tuple(r) for r in table[["district", "population", "submitted", "rejected", "not_sent"]]
            .itertuples(index=False)] == expected
    # the districts add up to the area, and each district's missing are its rejected plus its not sent
    cov = coverage_row(home, year)
    assert table["rejected"].sum() == cov["rejected"] and table["not_sent"].sum() == cov["not_sent"]
    assert (table["population"] == table["submitted"] + table["rejected"] + table["not_sent"]).all()
    by_school = dict(sql(home, "SELECT district, count(*) FROM missing_submissions WHERE rule_id = 'COV-01' "
                               "AND period = ? GROUP BY ALL", year))
    assert {d: r + n for d, r, n in zip(table["district"], table["rejected"], table["not_sent"]) if r + n} == by_school
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    chart = [s for s in specs if s.get("encoding", {}).get("color", {}).get("field") == "status"]
    assert len(chart) == 1 and chart[0]["encoding"]["y"]["field"] == "district"
    assert chart[0]["encoding"]["color"]["scale"]["domain"] == [L.STATUSES["rejected"], L.STATUSES["not_sent"]]
    assert chart[0]["config"]["font"] == charts.FONT


def test_overview_allocation_against_need(monkeypatch, home):
    at = open_page(monkeypatch, home, "overview")
    years = [r[0] for r in sql(home, "SELECT DISTINCT fiscal_year FROM allocation_vs_need "
                                     "WHERE allocated_qty > 0 ORDER BY 1 DESC")]
    assert years, "the fixture has an allocation register"
    at.sidebar.selectbox[0].set_value(years[0]).run()
    assert not at.exception
    by_item = frame_with(at, "allocated_qty")
    assert list(by_item["item_th"]) == [i.th for i in lists()["dltv_items"]]
    expected = {r[0]: r[1:] for r in sql(
        home, "SELECT item_th, sum(allocated_qty), sum(allocated_baht), sum(requested_replace), sum(est_need_baht) "
              "FROM allocation_vs_need WHERE fiscal_year = ? GROUP BY ALL", years[0])}
    for r in by_item.itertuples(index=False):
        qty, baht, replace, need = expected[r.item_th]
        assert (r.allocated_qty, r.requested_replace, r.gap_qty) == (qty, replace, replace - qty)
        assert (r.allocated_baht, r.est_need_baht, r.gap_baht) == pytest.approx((baht, need, need - baht))
    by_district = next(d.value for d in at.dataframe if {"district", "allocated_qty"} <= set(d.value.columns))
    assert len(by_district) == one(home, "SELECT count(*) FROM allocation_vs_need WHERE fiscal_year = ?", years[0])
    assert by_district["allocated_qty"].sum() == by_item["allocated_qty"].sum()
    # a year with needs but no allocation says so instead of showing zeros without a word
    bare = sql(home, "SELECT fiscal_year FROM allocation_vs_need GROUP BY fiscal_year "
                     "HAVING sum(allocated_qty) = 0 ORDER BY 1 DESC")
    assert bare, "the fixture has a year of needs without allocations"
    for (year,) in bare:
        at.sidebar.selectbox[0].set_value(year).run()
        assert L.NO_ALLOCATION.format(year=year) in [i.value for i in at.info]


def test_overview_year_selector_offers_be_years_newest_first(monkeypatch, home):
    at = open_page(monkeypatch, home, "overview")
    years = [r[0] for r in sql(home, "SELECT DISTINCT fiscal_year FROM dltv_needs ORDER BY 1 DESC")]
    box = at.sidebar.selectbox[0]
    assert box.label == L.FISCAL_YEAR
    assert [int(o) for o in box.options][: len(years)] == years and box.value == years[0]
    older = years[-1]
    box.set_value(older).run()
    assert not at.exception
    cov = one(home, "SELECT coverage_pct FROM coverage WHERE rule_id = 'COV-01' AND period = ?", older)
    assert metric(at, L.M_COVERAGE) == fmt.percent(cov)
    cost = one(home, "SELECT sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ?", older)
    assert metric(at, L.M_COST) == fmt.baht(cost)


def test_overview_needs_by_item_in_contract_order(monkeypatch, home):
    at = open_page(monkeypatch, home, "overview")
    year = latest_year(home)
    table = frame_with(at, "est_cost_baht")
    assert list(table["item_th"]) == [i.th for i in lists()["dltv_items"]]
    expected = dict(sql(home, "SELECT item_th, sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ? "
                              "GROUP BY item_th", year))
    assert dict(zip(table["item_th"], table["est_cost_baht"])) == pytest.approx(expected)
    before = dict(sql(home, "SELECT item_th, sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ? "
                            "GROUP BY item_th", year - 1))
    assert dict(zip(table["item_th"], table["est_cost_change"])) == pytest.approx(
        {k: v - before[k] for k, v in expected.items()})
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert spec["config"]["font"] == charts.FONT and "Loma" in charts.FONT


def test_dltv_page_charts_and_filters_match_sql(monkeypatch, home):
    at = open_page(monkeypatch, home, "dltv")
    year = latest_year(home)
    assert len(at.get("vega_lite_chart")) == 2
    for chart in at.get("vega_lite_chart"):
        assert json.loads(chart.proto.spec)["config"]["font"] == charts.FONT

    def shown() -> pd.DataFrame:
        assert not at.exception
        return at.dataframe[0].value

    all_rows = one(home, "SELECT count(*) FROM dltv_equipment WHERE fiscal_year = ?", year)
    assert len(shown()) == all_rows
    assert L.column("dltv_equipment", "tv_request_replace") in shown().columns

    district = one(home, "SELECT min(district) FROM schools")
    at.multiselect(key="dltv_district").set_value([district]).run()
    assert len(shown()) == one(home, "SELECT count(*) FROM dltv_equipment JOIN schools USING (school_code) "
                                     "WHERE fiscal_year = ? AND district = ?", year, district)
    at.multiselect(key="dltv_district").set_value([]).run()
    at.multiselect(key="dltv_item").set_value(["tv"]).run()
    assert len(shown()) == one(home, "SELECT count(*) FROM dltv_equipment WHERE fiscal_year = ? "
                                     "AND tv_request_replace + tv_request_repair > 0", year)
    at.multiselect(key="dltv_item").set_value([]).run()
    at.multiselect(key="dltv_outcome").set_value(["flagged"]).run()
    flagged = one(home, "SELECT count(*) FROM dltv_equipment WHERE fiscal_year = ? AND outcome = 'flagged'", year)
    assert len(shown()) == flagged
    assert set(shown()[L.OUTCOME]) <= {L.OUTCOMES["flagged"]}

    button = at.get("download_button")[0]
    assert button.label == L.DOWNLOAD_CSV and button.proto.url.endswith(".csv")


def test_csv_download_opens_in_excel_with_thai():
    frame = pl.DataFrame({L.column("dltv_equipment", "school_name"): ["โรงเรียนบ้านหนองไผ่"], "n": [1250]})
    raw = data.csv_bytes(frame)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")
    assert list(back.columns) == [L.column("dltv_equipment", "school_name"), "n"]
    assert back.iloc[0, 0] == "โรงเรียนบ้านหนองไผ่"


def quality_at(monkeypatch, home: config.Home, period: int | None = None) -> AppTest:
    """The quality page with `period` selected (None: the default, the newest; data.NO_PERIOD: no period)."""
    at = open_page(monkeypatch, home, "quality")
    if period is not None:
        at.sidebar.selectbox(key="quality_period").set_value(period).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def frames_with(at: AppTest, column: str) -> pd.DataFrame:
    """Every table on the page (data grids and wrapping tables) that has `column`, stacked (the quality
    page shows one per contract table)."""
    found = [d.value for d in [*at.dataframe, *at.table] if column in d.value.columns]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=[column])


def quality_periods(home: config.Home) -> list[int | None]:
    return [r[0] for r in sql(home, "SELECT DISTINCT period FROM file_accounting_by_period UNION "
                                    "SELECT DISTINCT period FROM rule_results ORDER BY 1 DESC NULLS LAST")]


def opening_period(home: config.Home) -> int:
    """Where the quality page opens: the newest period with accepted rows (a newer one may hold only
    platform rows quarantined for a date in the future)."""
    return one(home, "SELECT max(period) FROM file_accounting_by_period WHERE valid + flagged > 0")


def expected_figures(home: config.Home, period: int | None) -> dict:
    """What the quality page must show for a period, straight from the published warehouse."""
    where = "WHERE period IS NOT DISTINCT FROM ?"
    return {
        "pass_rate": one(home, f"SELECT 100.0 * sum(rows_in - quarantined) / sum(rows_in) FROM file_accounting_by_period {where}", period),
        "quarantined": one(home, f"SELECT count(*) FROM quarantine {where}", period),
        "file_errors": one(home, f"SELECT count(DISTINCT source_file) FROM file_accounting_by_period {where} "
                                 "AND error_kind IS NOT NULL AND error_kind <> 'skipped'", period),
        "skipped": one(home, f"SELECT count(DISTINCT source_file) FROM file_accounting_by_period {where} "
                             "AND error_kind = 'skipped'", period),
    }


def shown_figures(at: AppTest) -> dict:
    return {"pass_rate": metric(at, L.M_PASS_RATE), "quarantined": metric(at, L.M_QUARANTINED),
            "file_errors": metric(at, L.M_FILE_ERRORS), "skipped": metric(at, L.M_SKIPPED)}


def formatted(figures: dict) -> dict:
    return {k: fmt.percent(v) if k == "pass_rate" else fmt.number(v) for k, v in figures.items()}


def test_quality_page_shows_each_period_as_the_warehouse_has_it(monkeypatch, home):
    periods = quality_periods(home)
    assert None in periods and len(periods) >= 3, "two years and the register"
    options = [int(o) for o in open_page(monkeypatch, home, "quality").sidebar.selectbox(key="quality_period").options
               if str(o).isdigit()]
    assert options == [p for p in periods if p is not None]
    for period in periods:
        at = quality_at(monkeypatch, home, data.NO_PERIOD if period is None else period)
        where = "WHERE period IS NOT DISTINCT FROM ?"
        assert shown_figures(at) == formatted(expected_figures(home, period)), period

        # quarantined rows with their Thai reasons: exactly this period's
        rows = frames_with(at, L.C_REASON)
        reasons = sorted(r[0] for r in sql(home, f"SELECT reason_th FROM quarantine {where}", period))
        assert sorted(rows[L.C_REASON]) == reasons, period
        # rule results: this period's only, each labelled in Thai with its code
        results = sql(home, f"SELECT rule_id, rule_th, rows_failed FROM rule_results {where}", period)
        shown = frames_with(at, L.C_RULE)
        assert sorted(zip(shown[L.C_RULE], shown[L.C_ROWS_FAILED])) == sorted(
            (L.rule_label(r, th), fmt.number(n)) for r, th, n in results), period
        # files: this period's lines (skipped entries listed apart), rows adding up
        lines = frames_with(at, "rows_in")
        assert len(lines) == one(home, f"SELECT count(*) FROM file_accounting_by_period {where} "
                                       "AND (error_kind IS NULL OR error_kind <> 'skipped')", period)
        assert lines["rows_in"].sum() == (one(home, f"SELECT sum(rows_in) FROM file_accounting_by_period {where}",
                                              period) or 0)
        assert (lines["rows_in"] == lines["valid"] + lines["flagged"] + lines["quarantined"] + lines["superseded"]).all()
        for path, error_th in sql(home, f"SELECT source_file, error_th FROM file_accounting_by_period {where} "
                                        "AND error_kind IS NOT NULL AND error_kind <> 'skipped'", period):
            assert any(path in e.value and error_th in e.value for e in at.error), path
        for (skip_th,) in sql(home, f"SELECT error_th FROM file_accounting_by_period {where} "
                                    "AND error_kind = 'skipped'", period):
            assert skip_th in [i.value for i in at.info]
        if period is not None:
            missing = one(home, "SELECT count(*) FROM missing_submissions WHERE period = ?", period)
            assert metric(at, L.M_MISSING) == fmt.number(missing)


def test_changing_the_period_changes_every_figure(monkeypatch, home):
    newest = opening_period(home)
    older = next(p for p in quality_periods(home) if p is not None and p < newest)
    now, before = expected_figures(home, newest), expected_figures(home, older)
    assert all(now[k] != before[k] for k in ("pass_rate", "quarantined", "file_errors")), (now, before)
    at = quality_at(monkeypatch, home)
    assert shown_figures(at) == formatted(now)
    first_reasons = sorted(frames_with(at, L.C_REASON)[L.C_REASON])
    first_rules = set(frames_with(at, L.C_RULE)[L.C_RULE])
    first_files = set(frames_with(at, "rows_in")["file"])
    at.sidebar.selectbox(key="quality_period").set_value(older).run()
    assert shown_figures(at) == formatted(before)
    assert sorted(frames_with(at, L.C_REASON)[L.C_REASON]) != first_reasons
    assert set(frames_with(at, L.C_RULE)[L.C_RULE]) != first_rules
    assert set(frames_with(at, "rows_in")["file"]) != first_files
    # and nothing of another period leaks in: every quarantined row shown is of the selected period
    rows = frames_with(at, L.C_REASON)
    shown = set(zip(rows[L.C_SOURCE_FILE], rows[L.C_ROW]))
    other = {(Path(f).name, str(n)) for f, n in sql(home, "SELECT source_file, row_number FROM quarantine "
                                                          "WHERE period IS DISTINCT FROM ?", older)}
    older_rows = {(Path(f).name, str(n)) for f, n in sql(home, "SELECT source_file, row_number FROM quarantine "
                                                               "WHERE period = ?", older)}
    assert shown == older_rows and not (shown & (other - older_rows))


def test_sent_but_rejected_and_sent_nothing_are_separated_and_add_up(monkeypatch, home):
    period = opening_period(home)
    at = quality_at(monkeypatch, home)
    rejected = set(frame_with(at, L.C_REJECTED_ROWS)[L.column("schools", "school_code")])
    not_sent = set(frame_with(at, "students_total")["school_code"])
    cov = coverage_row(home, period)
    assert rejected and not_sent, "the fixture has both kinds"
    assert not rejected & not_sent
    assert (len(rejected), len(not_sent)) == (cov["rejected"], cov["not_sent"])
    assert len(rejected) + len(not_sent) == cov["missing"] == cov["population"] - cov["submitted"]
    assert metric(at, L.M_REJECTED) == fmt.number(len(rejected))
    assert metric(at, L.M_NOT_SENT) == fmt.number(len(not_sent))
    assert metric(at, L.M_MISSING) == fmt.number(cov["missing"])
    # the generator's ground truth: who did not submit
    truth = json.loads((home.root / "sample" / "expected.json").read_text(encoding="utf-8"))
    assert rejected | not_sent == set(truth[f"missing_{period}"])
    # checked independently against the rows: a rejected school has a quarantined row of the period
    # naming it and no current row; a school that sent nothing has no row of the period at all
    survey = one(home, "SELECT survey FROM coverage WHERE period = ? LIMIT 1", period)
    quarantined = {r[0] for r in sql(home, "SELECT school_code FROM quarantine WHERE table_name = ? AND period = ?",
                                     survey, period)}
    current = {r[0] for r in sql(home, f"SELECT school_code FROM {survey} WHERE fiscal_year = ?", period)}
    assert rejected <= quarantined and not rejected & current
    assert not not_sent & quarantined and not not_sent & current
    # a file rejected whole is not attributed to a school; it is listed beside the lists, said so
    whole = [r[0] for r in sql(home, "SELECT source_file FROM file_accounting_by_period WHERE period = ? "
                                     "AND error_kind IS NOT NULL AND error_kind <> 'skipped'", period)]
    assert whole, "the fixture has files rejected whole"
    listing = "\n".join(m.value for m in at.markdown)
    assert all(f in listing for f in whole)
    assert L.WHOLE_FILES_NOTE in [c.value for c in at.caption]
    # a file name holding a school's code is a hint beside "sent nothing", never a reason to move it
    hints = frame_with(at, "named_in")
    for code, named in zip(hints["school_code"], hints["named_in"]):
        assert named == ", ".join(Path(f).name for f in whole if code in Path(f).name)
    assert any(hints["named_in"]), "the fixture has a rejected file named after a school that sent nothing"


def test_rule_labels_are_thai_meaning_with_the_code_beside(monkeypatch, home):
    at = quality_at(monkeypatch, home)
    labels = frames_with(at, L.C_RULE)[L.C_RULE]
    for label in labels:
        assert re.search(r"[ก-๙]", label) and re.fullmatch(r".+ \([A-Z]+-\d+\)", label), label
        assert "{" not in label
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert all(spec["config"]["font"] == charts.FONT for spec in specs)
    by_rule = [spec for spec in specs if spec.get("encoding", {}).get("y", {}).get("field") == "rule_label"]
    assert by_rule, "the rule chart labels its bars with the Thai rule labels"
    options = at.multiselect(key="q_rule").options
    assert options and all(re.search(r"[ก-๙]", o) and o.endswith(")") for o in options)
    rejected = frame_with(at, L.C_REJECTED_ROWS)[L.C_REJECTED_RULES]
    assert all(re.search(r"[ก-๙]", r) and re.search(r"\([A-Z]+-\d+\)", r) for r in rejected)


def test_quarantine_reason_comes_before_long_columns(monkeypatch, home):
    at = quality_at(monkeypatch, home)
    tables = [t.value for t in at.table if L.C_REASON in t.value.columns]
    assert tables and not [d for d in at.dataframe if L.C_REASON in d.value.columns]  # wraps, never cut
    for t in tables:
        assert list(t.columns)[:2] == [L.column("schools", "school_code"), L.C_REASON]
        assert L.TABLE not in t.columns  # the table is named once, above its rows
        assert not t[L.C_SOURCE_FILE].str.contains("/").any()  # the file's name, not its path


def test_quality_quarantine_filters(monkeypatch, home):
    at = quality_at(monkeypatch, home)
    period = opening_period(home)
    table, rule = sql(home, "SELECT table_name, rule_ids[1] FROM quarantine WHERE period = ? "
                            "ORDER BY source_file LIMIT 1", period)[0]
    at.multiselect(key="q_table").set_value([table]).run()
    assert not at.exception
    assert len(frames_with(at, L.C_REASON)) == one(
        home, "SELECT count(*) FROM quarantine WHERE table_name = ? AND period = ?", table, period)
    at.multiselect(key="q_rule").set_value([rule]).run()
    assert len(frames_with(at, L.C_REASON)) == one(
        home, "SELECT count(*) FROM quarantine WHERE table_name = ? AND period = ? AND list_contains(rule_ids, ?)",
        table, period, rule)


def test_data_docs_link_is_the_served_url_never_a_file(monkeypatch, home):
    url = "http://127.0.0.1:8502/index.html"
    monkeypatch.setenv(config.ENV_DOCS_URL, url)
    at = quality_at(monkeypatch, home)
    buttons = at.get("link_button")
    assert [b.proto.url for b in buttons] == [url]
    assert "file://" not in texts(at)

    monkeypatch.delenv(config.ENV_DOCS_URL)
    at = quality_at(monkeypatch, home)
    assert not at.get("link_button")
    assert L.DATA_DOCS_NOT_SERVED in [w.value for w in at.warning]
    assert "file://" not in texts(at) + "\n".join(c.value for c in at.code)


def published_tables(home: config.Home) -> dict[str, pl.DataFrame]:
    """The tables of the home's current version, from its Parquet snapshot."""
    version = one(home, "SELECT version FROM warehouse_info")
    names = json.loads(one(home, "SELECT tables FROM warehouse_info"))
    return {name: pl.read_parquet(home.versions / version / f"{name}.parquet") for name in names}


def test_a_warehouse_lacking_a_table_gets_a_thai_error_not_a_traceback(monkeypatch, home, tmp_path):
    old = config.home(tmp_path / "old")
    tables = published_tables(home)
    del tables["missing_submissions"]
    publish(old, tables)
    monkeypatch.setenv(config.ENV_HOME, str(old.root))
    at = log_in(AppTest.from_file(str(APP), default_timeout=60))
    at.switch_page(PAGES["quality"]).run()
    assert not at.exception
    assert [e.value for e in at.error] == [L.SCHEMA_MISMATCH]
    assert "missing_submissions" in at.code[0].value


def test_a_new_published_version_shows_up_at_once(monkeypatch, home, tmp_path):
    """The cache is keyed on the published file, so a nightly swap is visible at the next rerun."""
    fresh = config.home(tmp_path / "root")
    tables = published_tables(home)
    publish(fresh, tables)
    at = open_page(monkeypatch, fresh, "overview")
    before = metric(at, L.M_SCHOOLS)
    tables["school_profile"] = tables["school_profile"].head(3)
    publish(fresh, tables)
    at.run()
    assert not at.exception
    assert metric(at, L.M_SCHOOLS) == fmt.number(3) != before
    version = one(fresh, "SELECT version FROM warehouse_info")
    assert any(c.value.endswith(f"{L.M_VERSION} {version}") for c in at.caption)
