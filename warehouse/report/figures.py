"""The figures of the director's report for one period, read from one published version.

Every figure is what a dashboard page shows: the helpers of `dashboards.data` (the pages' own SQL over the
marts and views) run through one door on the version the report names (`dashboards.data.reading`), so the
PDF and the pages cannot disagree and every number comes from that one file.

A period is a BE year, and each survey counts it as its contract's `period` does: the fiscal year
(ปีงบประมาณ) for the DLTV survey and allocations, the four areas' budget sheet and the platforms' use; the
academic year (ปีการศึกษา) for DLIT and the four areas' academic, personnel and general sheets. Coverage
lines and data quality carry each table's own period already. The previous period is the year before,
counted the same way; where the warehouse has nothing of it the change is "ไม่มีข้อมูลปีก่อน".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl

from dashboards import data, fmt
from dashboards import labels as L
from pipelines.parsing.cells import BE_OFFSET
from warehouse.contracts import get

# Which year a figure counts (a column of the key figures table).
FISCAL, ACADEMIC, REGISTER, OWN = "ปีงบประมาณ", "ปีการศึกษา", "ทะเบียนปัจจุบัน", "ตามรอบของแต่ละตาราง"
NO_PREVIOUS = "ไม่มีข้อมูลปีก่อน"
NO_DATA = "ไม่มีข้อมูล"
SAME = "ไม่เปลี่ยนแปลง"
OFFICE = "สำนักงานเขตพื้นที่การศึกษา"
TOP_RULES = 10
TOP_SHORTAGE = 10
QUALITY_COUNTS = ("rows_in", "valid", "flagged", "quarantined", "superseded")


def dltv_coverage_rule() -> str:
    """The DLTV survey's coverage entry (COV-01), from its contract."""
    return get("dltv_equipment").coverage[0].id


class NoData(LookupError):
    """The period has nothing in the warehouse: no accepted row and no coverage line."""

    def __init__(self, period: int, version: str, periods: list[int]):
        known = ", ".join(map(str, periods)) or "-"
        self.th = f"คลังข้อมูลรุ่น {version} ไม่มีข้อมูลของปี {period} (ปีที่มีข้อมูล: {known})"
        self.en = f"warehouse version {version} has no data for {period} (years with data: {known})"
        super().__init__(f"{self.th} / {self.en}")


@dataclass(frozen=True)
class Figure:
    """One key figure of the period beside the previous period's. `kind`: count, baht or percent."""

    label: str
    year: str
    now: float | None
    before: float | None
    kind: str = "count"

    def text(self, value: float | None) -> str:
        if value is None:
            return NO_DATA
        return {"count": fmt.number, "baht": fmt.baht, "percent": fmt.percent}[self.kind](value)

    @property
    def change(self) -> str:
        """`+1,250 บาท`, `-7.9 จุด`, ไม่เปลี่ยนแปลง; ไม่มีข้อมูลปีก่อน; – for the register (no period)."""
        if self.year == REGISTER:
            return "–"
        if self.before is None:
            return NO_PREVIOUS
        digits, unit = {"count": (0, ""), "baht": (0, L.BAHT), "percent": (1, L.POINTS)}[self.kind]
        changed = fmt.change(self.now, self.before, digits, unit)
        return "–" if changed is None else SAME if changed == 0 else changed


@dataclass
class Figures:
    """Everything the report shows of one period (frames are the dashboards' helpers' own rows)."""

    period: int
    version: str
    published_at: datetime
    office: str
    has_previous: bool
    key: list[Figure]
    coverage: pl.DataFrame  # this period's coverage lines, with `label` and the previous period's `before_pct`
    missing_by_district: pl.DataFrame  # COV-01 by district (the overview page's chart)
    needs_by_item: pl.DataFrame
    allocation_by_item: pl.DataFrame
    platform_by_month: pl.DataFrame  # month x platform x user type over the fiscal year
    platform_totals: pl.DataFrame  # per platform: the four measures, this year and the one before
    dlit_terms: pl.DataFrame  # the academic year's semesters (data.dlit_terms rows) with the year before's share
    dlit_adoption: pl.DataFrame
    students: pl.DataFrame  # students_by_grade rows
    shortage: pl.DataFrame  # teacher_shortage rows of the schools short of teachers
    staff: dict = field(default_factory=dict)  # reporting schools, teachers, short, threshold
    budget: pl.DataFrame = field(default_factory=pl.DataFrame)
    accounting: pl.DataFrame = field(default_factory=pl.DataFrame)  # rows and outcomes per table
    files: dict = field(default_factory=dict)  # data.file_summary of the period
    top_rules: pl.DataFrame = field(default_factory=pl.DataFrame)


def fiscal_year_dates(year: int) -> tuple[date, date]:
    """First and last day of a BE fiscal year: FY 2569 is 1 Oct 2025 – 30 Sep 2026."""
    return date(year - BE_OFFSET - 1, 10, 1), date(year - BE_OFFSET, 9, 30)


def has_data(period: int) -> bool:
    """The period has accepted (valid or flagged) rows in some table, or a coverage line."""
    files = data.files(period)
    return bool(files["valid"].sum() + files["flagged"].sum()) or data.coverage(period).height > 0


def periods_with_data() -> list[int]:
    return [p for p in data.periods() if p != data.NO_PERIOD and has_data(p)]


def office_name(given: str | None = None) -> str:
    """The office named by the caller, else "สำนักงานเขตพื้นที่การศึกษา" and the register's province (the
    warehouse holds no office name: the register's schools tell where it is)."""
    if given and given.strip():
        return given.strip()
    province = data.scalar("SELECT province FROM schools WHERE province IS NOT NULL GROUP BY province "
                           "ORDER BY count(*) DESC, province LIMIT 1")
    return f"{OFFICE} จังหวัด{province}" if province else OFFICE


# ---------------------------------------------------------------- one survey at a time
def _coverage(period: int) -> pl.DataFrame:
    now = data.coverage(period)
    before = data.coverage(period - 1).select("rule_id", "part", pl.col("coverage_pct").alias("before_pct"))
    return now.join(before, on=["rule_id", "part"], how="left", nulls_equal=True).with_columns(
        pl.struct("survey", "rule_id", "part").map_elements(
            lambda c: L.table(c["survey"]) + L.coverage_part(c["survey"], c["rule_id"], c["part"]),
            return_dtype=pl.String).alias("label"))


def _cov01(coverage: pl.DataFrame) -> dict:
    rows = coverage.filter(pl.col("rule_id") == dltv_coverage_rule())
    return rows.row(0, named=True) if rows.height else {}


def _sum(df: pl.DataFrame, column: str) -> float | None:
    return df[column].sum() if df.height else None


def _platform(year: int) -> pl.DataFrame:
    start, end = fiscal_year_dates(year)
    return data.platform_use_by_month(data.PlatformFilter(start, end, tuple(L.platforms()), tuple(L.user_types())))


def _platform_totals(now: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    measures = list(L.MEASURES)

    def per_platform(df: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return df.group_by("platform").agg(pl.col(m).sum().alias(m + suffix) for m in measures)

    totals = per_platform(now, "")
    if before.height:
        totals = totals.join(per_platform(before, "_before"), on="platform", how="left")
    order = {k: n for n, k in enumerate(L.platforms())}
    return totals.with_columns(pl.col("platform").replace_strict(order, default=len(order)).alias("_o")).sort(
        "_o", "platform").drop("_o")


def _dlit(year: int) -> pl.DataFrame:
    terms = data.dlit_terms()
    before = terms.filter(pl.col("academic_year") == year - 1).select(
        "semester", pl.col("teachers_using_pct").alias("before_pct"))
    return terms.filter(pl.col("academic_year") == year).join(before, on="semester", how="left")


def _shortage_count(year: int) -> int | None:
    staff = data.teacher_shortage(year)
    return staff["shortage"].sum() if staff.height else None


def _spent_pct(year: int) -> float | None:
    budget = data.budget_by_category(year)
    received = _sum(budget, "received_baht")
    return 100.0 * budget["spent_baht"].sum() / received if received else None


def _accounting(period: int) -> pl.DataFrame:
    files = data.files(period).filter(pl.col("table_name").is_not_null())
    return (files.group_by("table_name").agg(pl.col(c).sum() for c in QUALITY_COUNTS)
            .with_columns(pl.col("table_name").map_elements(L.table, return_dtype=pl.String).alias("table_th"))
            .sort("table_name"))


def _top_rules(period: int) -> pl.DataFrame:
    results = data.rule_results(period).filter(pl.col("rows_failed") > 0)
    return results.sort(["rows_failed", "table_name", "rule_id"], descending=[True, False, False]).head(
        TOP_RULES).with_columns(
        pl.struct("rule_id", "rule_th").map_elements(lambda r: L.rule_label(r["rule_id"], r["rule_th"]),
                                                     return_dtype=pl.String).alias("rule_label"),
        pl.struct("rule_id", "rule_th").map_elements(lambda r: L.rule_text(r["rule_id"], r["rule_th"]),
                                                     return_dtype=pl.String).alias("rule_text"),
        pl.col("table_name").map_elements(L.table, return_dtype=pl.String).alias("table_th"),
    )


# ---------------------------------------------------------------- the whole period
def gather(period: int, office: str | None = None) -> Figures:
    """The figures of `period` from the door `dashboards.data.reading` pinned (or the current version).
    Raises NoData when the period has nothing in the warehouse."""
    info = data.info()
    if not has_data(period):
        raise NoData(period, info["version"], periods_with_data())
    prev = period - 1
    register = data.register_counts()
    coverage = _coverage(period)
    cov, cov_before = _cov01(coverage), _cov01(data.coverage(prev))
    needs, needs_before = data.needs_by_item(period), data.needs_by_item(prev)
    platform, platform_before = _platform(period), _platform(prev)
    terms = _dlit(period)
    students, students_before = data.students_by_grade(period), data.students_by_grade(prev)
    staff = data.teacher_shortage(period)
    budget = data.budget_by_category(period)

    key = [
        Figure(L.M_SCHOOLS, REGISTER, register["schools"], None),
        Figure(L.column("schools", "students_total"), REGISTER, register["students"], None),
        Figure(L.M_ELIGIBLE, REGISTER, register["eligible"], None),
        Figure(L.M_COVERAGE, FISCAL, cov.get("coverage_pct"), cov_before.get("coverage_pct"), "percent"),
        Figure(L.M_COST, FISCAL, _sum(needs, "est_cost_baht"), _sum(needs_before, "est_cost_baht"), "baht"),
        Figure(L.M_USER_DAYS, FISCAL, _sum(platform, "active_users"), _sum(platform_before, "active_users")),
        Figure(L.M_SESSIONS, FISCAL, _sum(platform, "sessions"), _sum(platform_before, "sessions")),
        *([Figure(f"{L.M_DLIT_SHARE} {L.term(t['academic_year'], t['semester'])}", ACADEMIC,
                  t["teachers_using_pct"], t["before_pct"], "percent") for t in terms.iter_rows(named=True)]
          or [Figure(L.M_DLIT_SHARE, ACADEMIC, None, None, "percent")]),  # no semester of the year
        Figure(L.M_STUDENTS_COUNTED, ACADEMIC, _sum(students, "total"), _sum(students_before, "total")),
        Figure(L.M_SHORTAGE, ACADEMIC, _shortage_count(period), _shortage_count(prev)),
        Figure(f"{L.sheet('admin_budget')}: {L.M_SPENT_PCT}", FISCAL, _spent_pct(period), _spent_pct(prev),
               "percent"),
        Figure(L.M_PASS_RATE, OWN, data.pass_rate(period), data.pass_rate(prev), "percent"),
    ]
    return Figures(
        period=period, version=info["version"], published_at=info["published_at"], office=office_name(office),
        has_previous=has_data(prev), key=key, coverage=coverage,
        missing_by_district=data.coverage_by_district(dltv_coverage_rule(), period),
        needs_by_item=needs, allocation_by_item=data.allocation_vs_need_by_item(period),
        platform_by_month=platform, platform_totals=_platform_totals(platform, platform_before),
        dlit_terms=terms, dlit_adoption=data.dlit_adoption(period),
        students=students, shortage=staff.filter(pl.col("shortage")).head(TOP_SHORTAGE),
        staff={"schools": staff.height, "teachers": _sum(staff, "teachers"), "short": _shortage_count(period),
               "threshold": data.shortage_threshold()},
        budget=budget, accounting=_accounting(period), files=data.file_summary(period), top_rules=_top_rules(period),
    )
