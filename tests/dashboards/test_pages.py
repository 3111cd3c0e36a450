"""The three dashboard pages, run headless with Streamlit's AppTest against a real published warehouse.

Expected numbers are read from the same DuckDB file with plain SQL here and formatted with the
dashboards' own formatting helpers, so the tests check what a page shows against the warehouse, not
against numbers copied into the test.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import charts, data, fmt
from dashboards import labels as L
from pipelines import config
from warehouse.contracts import get, lists
from warehouse.publish import publish, read_snapshot

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
PAGES = {"overview": None, "dltv": "app_pages/dltv.py", "quality": "app_pages/quality.py"}
TITLES = {"overview": L.PAGE_OVERVIEW[0], "dltv": L.PAGE_DLTV[0], "quality": L.PAGE_QUALITY[0]}


def open_page(monkeypatch, home: config.Home, page: str) -> AppTest:
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    if PAGES[page]:
        at.switch_page(PAGES[page]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e for e in at.error if e.value == L.SCHEMA_MISMATCH], [c.value for c in at.code]
    return at


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The (first) table on the page that has `column`."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
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


def texts(at: AppTest) -> str:
    """Everything a page shows as text: headings, markdown, messages, metrics and table cells."""
    parts = [e.value for kind in ("title", "caption", "markdown", "subheader", "info", "error", "success")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [c.proto.spec + c.proto.datasets.__repr__() for c in at.get("vega_lite_chart")]
    return "\n".join(map(str, parts))


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


def test_overview_metrics_equal_the_warehouse(monkeypatch, home):
    at = open_page(monkeypatch, home, "overview")
    year = latest_year(home)
    assert metric(at, L.M_SCHOOLS) == fmt.number(one(home, "SELECT count(*) FROM school_profile"))
    assert metric(at, L.M_ELIGIBLE) == fmt.number(
        one(home, "SELECT count(*) FROM school_profile WHERE dltv_eligible"))
    cov = one(home, "SELECT coverage_pct FROM coverage WHERE rule_id = 'COV-01' AND period = ?", year)
    assert metric(at, L.M_COVERAGE) == fmt.percent(cov)
    cost = one(home, "SELECT sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ?", year)
    assert metric(at, L.M_COST) == fmt.baht(cost)
    assert metric(at, L.M_COST).endswith(" บาท") and "," in metric(at, L.M_COST)
    rate = one(home, "SELECT 100.0 * sum(rows_in - quarantined) / sum(rows_in) FROM file_accounting")
    assert metric(at, L.M_PASS_RATE) == fmt.percent(rate)
    version, published = sql(home, "SELECT version, published_at FROM warehouse_info")[0]
    assert metric(at, L.M_VERSION) == version
    assert metric(at, L.M_REFRESH) == fmt.thai_datetime(published)
    assert metric(at, L.M_REFRESH).endswith(" น.") and str(published.year + 543) in metric(at, L.M_REFRESH)


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
    table = at.dataframe[0].value
    assert list(table["item_th"]) == [i.th for i in lists()["dltv_items"]]
    expected = dict(sql(home, "SELECT item_th, sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ? "
                              "GROUP BY item_th", year))
    assert dict(zip(table["item_th"], table["est_cost_baht"])) == pytest.approx(expected)
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
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


def test_quality_page_accounts_for_rules_files_and_quarantine(monkeypatch, home):
    at = open_page(monkeypatch, home, "quality")
    period = one(home, "SELECT max(period) FROM coverage")
    assert metric(at, L.M_QUARANTINED) == fmt.number(one(home, "SELECT count(*) FROM quarantine"))
    errors = sql(home, "SELECT source_file, error_th FROM file_accounting WHERE error_kind IS NOT NULL")
    assert metric(at, L.M_FILE_ERRORS) == fmt.number(len(errors))
    for source_file, error_th in errors:
        assert any(source_file in e.value and error_th in e.value for e in at.error)
    assert metric(at, L.M_MISSING) == fmt.number(
        one(home, "SELECT count(*) FROM missing_submissions WHERE period = ?", period))

    by_rule, by_file, quarantined = (frame_with(at, c) for c in ("rule_text", "rows_in", "reason_th"))
    failed = dict(sql(home, "SELECT rule_id, sum(rows_failed) FROM rule_results WHERE period = ? OR period IS NULL "
                            "GROUP BY rule_id", period))
    assert by_rule.groupby("rule_id")["rows_failed"].sum().to_dict() == failed
    assert not by_rule["rule_text"].str.contains("{", regex=False).any()
    assert json.loads(at.get("vega_lite_chart")[0].proto.spec)["config"]["font"] == charts.FONT
    assert len(by_file) == one(home, "SELECT count(*) FROM file_accounting")
    assert len(quarantined) == one(home, "SELECT count(*) FROM quarantine")
    reasons = [r[0] for r in sql(home, "SELECT reason_th FROM quarantine")]
    assert sorted(quarantined["reason_th"]) == sorted(reasons)
    absent = {r[0] for r in sql(home, "SELECT school_code FROM missing_submissions WHERE period = ?", period)}
    if absent:
        assert set(frame_with(at, "students_total")["school_code"]) == absent
    else:
        assert any(s.value == L.ALL_SUBMITTED for s in at.success)

    docs = data.data_docs_path(home)
    if docs is not None:
        assert any(str(docs) in c.value for c in at.code)


def test_quality_quarantine_filters(monkeypatch, home):
    at = open_page(monkeypatch, home, "quality")
    table, rule = sql(home, "SELECT table_name, rule_ids[1] FROM quarantine ORDER BY source_file LIMIT 1")[0]
    at.multiselect(key="q_table").set_value([table]).run()
    assert not at.exception
    assert len(frame_with(at, "reason_th")) == one(home, "SELECT count(*) FROM quarantine WHERE table_name = ?", table)
    at.multiselect(key="q_rule").set_value([rule]).run()
    assert len(frame_with(at, "reason_th")) == one(
        home, "SELECT count(*) FROM quarantine WHERE table_name = ? AND list_contains(rule_ids, ?)", table, rule)


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
    at = AppTest.from_file(str(APP), default_timeout=60).run()
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
    assert metric(at, L.M_VERSION) == one(fresh, "SELECT version FROM warehouse_info")
