"""The DLIT page (การใช้งาน DLIT, dashboards/app_pages/dlit.py), run headless with Streamlit's AppTest.

The warehouse is the sample district through the real nightly run (tests/dashboards/conftest.py), which
holds DLIT files for both semesters of 2568 with exact ground truth (sample/expected.json, `dlit`): per
semester the COV-02 figures, the schools missing by status, and the sums of the accepted rows. The page's
numbers are checked against that truth, and the means (which the truth does not hold) against plain SQL
over the published dlit_usage rows. A second warehouse, published from the same tables with no DLIT row,
shows the empty state.

AppTest runs the page file itself: the lead registers it in app.py (the browser test opens it through
an entry script with the same st.Page line).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data, fmt
from dashboards import labels as L
from pipelines import config
from tests.dashboards.login import log_in
from warehouse.publish import publish, read_snapshot

PAGE = Path(__file__).resolve().parents[2] / "dashboards" / "app_pages" / "dlit.py"
YEAR = 2568  # the sample's academic year of DLIT files (pipelines/sample/dlit_rows.py)


def open_page(monkeypatch, home: config.Home, semester: int | None = None) -> AppTest:
    """The page on `home`; with `semester`, that semester of YEAR picked in the sidebar."""
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60))
    if semester is not None:
        at.sidebar.radio(key=f"dlit_semester_{YEAR}").set_value(semester).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def truth(home: config.Home) -> dict:
    return json.loads((home.root / "sample" / "expected.json").read_text(encoding="utf-8"))["dlit"]


def one(home: config.Home, query: str, *params):
    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute(query, list(params)).fetchone()


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert len(found) == 1, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def table_with(at: AppTest, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables with {column!r}"
    return found[0]


def chart_rows(chart) -> pl.DataFrame:
    """The rows a Vega-Lite chart on the page was given (Streamlit sends them as Arrow IPC)."""
    frames = [pl.from_arrow(pa.ipc.open_stream(d.data.data).read_all()) for d in chart.proto.datasets]
    return pl.concat(frames, how="diagonal") if frames else pl.DataFrame()


def republish(source: config.Home, target: config.Home, keep_coverage: bool) -> config.Home:
    """The source warehouse's register and coverage published again with no DLIT row; without its COV-02
    lines too unless `keep_coverage` (then a year whose coverage is counted but no row was accepted)."""
    rule = data.dlit_coverage_rule()
    tables = {name: read_snapshot(source, name) for name in
              ("schools", "dlit_usage", "dlit_adoption", "coverage", "coverage_by_district", "missing_submissions")}
    tables |= {name: tables[name].clear() for name in ("dlit_usage", "dlit_adoption")}
    if not keep_coverage:
        tables |= {name: tables[name].filter(pl.col("rule_id") != rule)
                   for name in ("coverage", "coverage_by_district", "missing_submissions")}
    publish(target, tables)
    return target


@pytest.fixture(scope="module")
def no_dlit_home(published_home, tmp_path_factory) -> config.Home:
    """A district where no DLIT file has arrived yet."""
    return republish(published_home, config.home(tmp_path_factory.mktemp("no_dlit")), keep_coverage=False)


@pytest.fixture(scope="module")
def no_rows_home(published_home, tmp_path_factory) -> config.Home:
    """COV-02 lines for both semesters of 2568 but no accepted DLIT row in either."""
    return republish(published_home, config.home(tmp_path_factory.mktemp("no_rows")), keep_coverage=True)


def test_previous_semester_and_decimal_format():
    assert data.term_before(2568, 2) == (2568, 1)
    assert data.term_before(2568, 1) == (2567, 2)
    assert L.term(2568, 1) == "ภาคเรียน 1/2568"
    assert fmt.decimal(6.9228) == "6.9" and fmt.decimal(3.7829, 2) == "3.78" and fmt.decimal(None) == "–"
    assert list(L.dlit_services()) == data.dlit_service_columns() and len(L.dlit_services()) == 5


def test_headline_of_the_latest_semester_beside_the_one_before(monkeypatch, home):
    at = open_page(monkeypatch, home)
    assert at.title[0].value == L.PAGE_DLIT[0]
    assert at.sidebar.selectbox(key="dlit_year").value == YEAR
    assert at.sidebar.radio(key=f"dlit_semester_{YEAR}").value == 2  # the latest with accepted rows
    t = truth(home)
    cov, cov1 = t["coverage"]["2"], t["coverage"]["1"]
    now, before = t["current"]["2"], t["current"]["1"]
    versus = L.HELP_DELTA_TERM.format(term=L.term(YEAR, 1))

    reporting = metric(at, L.M_DLIT_REPORTING)
    assert reporting.value == fmt.percent(cov["coverage_pct"]) == "89.3%"
    assert reporting.proto.delta == fmt.change(cov["coverage_pct"], cov1["coverage_pct"], 1, L.POINTS) == "-1.4 จุด"
    assert reporting.proto.delta_description == versus
    using = metric(at, L.column("dlit_usage", "teachers_using"))
    assert using.value == fmt.number(now["teachers_using"])
    assert using.proto.delta == fmt.change(now["teachers_using"], before["teachers_using"], 0, L.PEOPLE)
    share = metric(at, L.M_DLIT_SHARE)
    share_now = 100 * now["teachers_using"] / now["teachers_total"]
    assert share.value == fmt.percent(share_now)
    assert share.proto.delta == fmt.change(share_now, 100 * before["teachers_using"] / before["teachers_total"],
                                           1, L.POINTS)

    # the means: over the semester's published rows, whose sums are the truth's
    numbers = ("hours_per_week", "satisfaction", "internet_mbps")
    means = {s: one(home, f"SELECT {', '.join(f'sum({c}), avg({c})' for c in numbers)} FROM dlit_usage "
                          "WHERE academic_year = ? AND semester = ?", YEAR, s) for s in (1, 2)}
    for s in (1, 2):
        assert means[s][0::2] == tuple(t["current"][str(s)][c] for c in numbers)
    hours = metric(at, L.column("dlit_usage", "hours_per_week"))
    assert hours.value == fmt.decimal(means[2][1])
    assert hours.proto.delta == fmt.change(means[2][1], means[1][1], 1, L.HOURS)
    satisfaction = metric(at, L.M_DLIT_SATISFACTION)
    assert satisfaction.value == fmt.decimal(means[2][3], 2)
    assert satisfaction.proto.delta == fmt.change(means[2][3], means[1][3], 2)
    internet = metric(at, L.M_DLIT_INTERNET)
    assert internet.value == fmt.number(means[2][5])
    assert internet.proto.delta == fmt.change(means[2][5], means[1][5], 0, L.MBPS)
    assert {m.proto.delta_description for m in at.metric} == {versus}

    note = L.DLIT_REPORTING_NOTE.format(
        submitted=fmt.number(cov["submitted"]), population=fmt.number(cov["population"]),
        not_sent_label=L.M_NOT_SENT, not_sent=fmt.number(cov["not_sent"]),
        rejected_label=L.M_REJECTED, rejected=fmt.number(cov["rejected"]))
    assert note in [c.value for c in at.caption]


def test_first_semester_has_nothing_before_it_to_compare(monkeypatch, home):
    at = open_page(monkeypatch, home, semester=1)
    t = truth(home)
    reporting = metric(at, L.M_DLIT_REPORTING)
    assert reporting.value == fmt.percent(t["coverage"]["1"]["coverage_pct"]) == "90.7%"
    assert all(not m.proto.delta for m in at.metric), "no semester 2/2567 in the warehouse"
    assert L.NO_PREVIOUS_TERM.format(term=L.term(YEAR - 1, 2)) in [c.value for c in at.caption]
    assert metric(at, L.column("dlit_usage", "teachers_using")).value == fmt.number(t["current"]["1"]["teachers_using"])


def test_charts_services_districts_and_trend(monkeypatch, home):
    at = open_page(monkeypatch, home)
    t = truth(home)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3, "services, teachers by district, trend"
    services, districts, trend = (chart_rows(c) for c in charts)

    # schools using each service, both semesters of the year, named as the contract names them
    assert services.height == 5 * 2
    for s in ("1", "2"):
        got = services.filter(pl.col("term_th") == L.term(YEAR, int(s)))
        assert dict(zip(got["service_th"], got["schools"], strict=True)) == {
            th: t["current"][s][col] for col, th in L.dlit_services().items()}
        assert set(got["schools_reporting"]) == {t["current"][s]["rows"]}

    # teachers using DLIT by district: the mart's rows, adding up to the semester's totals
    mart = pl.DataFrame(
        [one(home, "SELECT count(*), sum(teachers_using), sum(teachers_total) FROM dlit_adoption "
                   "WHERE academic_year = ? AND semester = ?", YEAR, s) for s in (1, 2)],
        schema=["districts", "using", "total"], orient="row")
    assert districts.height == mart["districts"].sum()
    for s in ("1", "2"):
        got = districts.filter(pl.col("term_th") == L.term(YEAR, int(s)))
        assert got["teachers_using"].sum() == t["current"][s]["teachers_using"]
        assert got["teachers_total"].sum() == t["current"][s]["teachers_total"]
        got = got.with_columns((100 * pl.col("teachers_using") / pl.col("teachers_total")).round(1).alias("pct"))
        assert (got["pct"] == got["teachers_using_pct"]).all()

    # the trend: one point per semester and measure, the share of teachers and the share reporting
    assert trend.height == 2 * 2
    reporting = trend.filter(pl.col("measure") == L.C_REPORTING_PCT).sort("term_th")
    assert reporting["pct"].to_list() == [t["coverage"][s]["coverage_pct"] for s in ("1", "2")]
    teachers = trend.filter(pl.col("measure") == L.C_TEACHERS_USING_PCT).sort("term_th")
    assert teachers["pct"].round(6).to_list() == [
        round(100 * t["current"][s]["teachers_using"] / t["current"][s]["teachers_total"], 6) for s in ("1", "2")]


def test_schools_of_the_semester_filter_by_district_and_download(monkeypatch, home):
    at = open_page(monkeypatch, home)
    t = truth(home)["current"]["2"]
    code, using, ticked = (L.column("dlit_usage", "school_code"), L.column("dlit_usage", "teachers_using"),
                           L.C_SERVICES_USED.format(n=5))
    schools = table_with(at, ticked)
    assert list(schools.columns[:5]) == [code, L.column("dlit_usage", "school_name"), L.column("schools", "district"),
                                         L.column("dlit_usage", "teachers_total"), using]
    assert len(schools) == t["rows"] and schools[code].is_unique
    assert schools[using].sum() == t["teachers_using"]
    assert schools[ticked].sum() == sum(t[c] for c in L.dlit_services())
    assert (schools[L.C_SERVICE_NAMES].str.split(", ").map(lambda names: len([n for n in names if n]))
            == schools[ticked]).all()
    flagged = one(home, "SELECT count(*) FROM dlit_usage WHERE academic_year = ? AND semester = ? "
                        "AND outcome = 'flagged'", YEAR, 2)[0]
    assert (schools[L.OUTCOME] == L.OUTCOMES["flagged"]).sum() == flagged > 0
    url = next(b for b in at.get("download_button") if b.key == "dlit_schools_csv").proto.url
    assert url.endswith(".csv")

    district, in_district = one(home, "SELECT s.district, count(*) FROM dlit_usage d JOIN schools s "
                                      "USING (school_code) WHERE academic_year = ? AND semester = ? "
                                      "GROUP BY ALL ORDER BY 2 DESC, 1 LIMIT 1", YEAR, 2)
    at.multiselect(key="dlit_district").set_value([district]).run()
    assert not at.exception
    schools = table_with(at, ticked)
    assert len(schools) == in_district and set(schools[L.column("schools", "district")]) == {district}
    assert L.N_SCHOOLS.format(n=fmt.number(in_district)) in [c.value for c in at.caption]
    after = next(b for b in at.get("download_button") if b.key == "dlit_schools_csv").proto.url
    assert after.endswith(".csv") and after != url, "the CSV holds the filtered rows"


@pytest.mark.parametrize("semester", [1, 2])
def test_schools_that_did_not_report_with_their_status(monkeypatch, home, semester):
    at = open_page(monkeypatch, home, semester=semester)
    missing = truth(home)["missing"][str(semester)]
    table = table_with(at, L.C_REJECTED_RULES)
    shown = dict(zip(table[L.column("schools", "school_code")], table[L.C_STATUS], strict=True))
    assert shown == {**{c: L.STATUSES["rejected"] for c in missing["rejected"]},
                     **{c: L.STATUSES["not_sent"] for c in missing["not_sent"]}}
    rejected = table[table[L.C_STATUS] == L.STATUSES["rejected"]]
    assert rejected[L.C_REJECTED_RULES].str.contains(r"\([A-Z]+-\d\d\)").all(), "each rejection names its rule"
    assert rejected[L.C_REJECTED_FILES].str.len().gt(0).all()
    assert (table.loc[table[L.C_STATUS] == L.STATUSES["not_sent"], L.C_REJECTED_RULES] == "").all()
    counts = " · ".join(f"{L.STATUSES[s]} {L.N_SCHOOLS.format(n=fmt.number(len(missing[s])))}"
                        for s in L.STATUSES)
    assert counts in [c.value for c in at.caption]


def test_no_dlit_data_published_yet(monkeypatch, no_dlit_home):
    at = open_page(monkeypatch, no_dlit_home)
    assert at.title[0].value == L.PAGE_DLIT[0]
    assert [i.value for i in at.info] == [L.NO_DLIT_DATA]
    assert not at.metric and not at.get("vega_lite_chart") and not at.dataframe


def test_semesters_counted_but_without_accepted_rows(monkeypatch, home, no_rows_home):
    """Coverage lines and missing schools still show; every figure of the rows says there is none."""
    at = open_page(monkeypatch, no_rows_home)
    assert at.sidebar.radio(key=f"dlit_semester_{YEAR}").value == 1  # none reported: the first
    cov = truth(home)["coverage"]["1"]
    assert metric(at, L.M_DLIT_REPORTING).value == fmt.percent(cov["coverage_pct"])
    assert metric(at, L.column("dlit_usage", "teachers_using")).value == "–"
    assert metric(at, L.M_DLIT_SATISFACTION).value == "–"
    assert not at.get("vega_lite_chart")
    infos = [i.value for i in at.info]
    assert infos.count(L.NO_DLIT_IN_TERM.format(term=L.term(YEAR, 1))) == 3  # services, districts, schools
    assert L.NO_ROWS in infos  # the trend
    assert len(table_with(at, L.C_REJECTED_RULES)) == cov["missing"]
