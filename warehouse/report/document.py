"""The report as a document: figures -> sections of Thai text, tables and charts -> HTML -> PDF (A4).

`build(home, period)` is the whole of it. Sections are plain data (headings, formatted table cells, SVG
charts, notes) so the template (`templates/report.html.j2`) only lays them out; numbers are formatted with
the dashboards' own helpers (`dashboards.fmt`), so the PDF reads like the pages: Arabic digits with
thousands separators, BE years, times in Bangkok.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from dashboards import charts as dash_charts
from dashboards import data, fmt
from dashboards import labels as L
from pipelines.config import Home
from warehouse import read
from warehouse.publish import NotPublished, VersionRefused, published_duckdb, verified_version
from warehouse.report import TEMPLATES_DIR, figures
from warehouse.report.charts import svg
from warehouse.report.figures import ACADEMIC, FISCAL, NO_PREVIOUS, Figure, Figures

TITLE = "สรุปรายงานผลเสนอ ผอ.สพท."
TITLE_EN = "Director's summary report"
MONTHS_WIDTH = 740  # twelve Thai month labels (ต.ค. 2568) side by side, unrotated as on the page


class ReportError(Exception):
    """Why no report was made, in one Thai and one English line."""

    def __init__(self, th: str, en: str):
        self.th, self.en = th, en
        super().__init__(f"{th} / {en}")


@dataclass(frozen=True)
class Report:
    pdf: bytes
    period: int
    version: str
    pages: int


@dataclass
class Table:
    """Headers and formatted cells; `numeric` columns are set right; a `total` row is set apart. A table of
    a few rows is kept on one page."""

    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)
    total: list[str] | None = None
    caption: str | None = None

    @property
    def keep(self) -> bool:
        return len(self.rows) <= 12


@dataclass
class Section:
    """A numbered section: its blocks in reading order, each ("p", text), ("note", text), ("table", Table)
    or ("chart", (caption, svg)); or only `empty`, the line saying the period has nothing of it."""

    title: str
    title_en: str
    blocks: list[tuple[str, object]] = field(default_factory=list)
    empty: str | None = None

    def text(self, line: str) -> None:
        self.blocks.append(("p", line))

    def note(self, line: str) -> None:
        self.blocks.append(("note", line))

    def table(self, table: Table) -> None:
        self.blocks.append(("table", table))

    def chart(self, caption: str, drawn: str) -> None:
        self.blocks.append(("chart", (caption, drawn)))


def section(title: str, title_en: str, rows: int, empty: str) -> Section:
    """A section; only its line `empty` when the period has nothing of it (`rows` == 0)."""
    return Section(title, title_en, empty=None if rows else empty)


def right(value: str) -> str:
    """A cell already written (a change such as `-7.9 จุด`), set right like the numbers beside it."""
    return value


def decimal2(value: float | None) -> str:
    return fmt.decimal(value, 2)


NUMERIC = (fmt.number, fmt.percent, fmt.decimal, fmt.baht, decimal2, right)


def _table(df: pl.DataFrame, columns: dict[str, tuple[str, callable]], total: dict | None = None,
           caption: str | None = None) -> Table:
    """`columns`: frame column -> (Thai header, formatter); columns of NUMERIC formatters are set right."""
    names = list(columns)
    rows = [[columns[c][1](r[c]) for c in names] for r in df.iter_rows(named=True)]
    numeric = {i for i, c in enumerate(names) if columns[c][1] in NUMERIC}
    totals = [total.get(c, "") for c in names] if total else None
    return Table([columns[c][0] for c in names], rows, numeric, totals, caption)


def _pct_change(now, before) -> str:
    if before is None:
        return NO_PREVIOUS
    return Figure("", FISCAL, now, before, "percent").change


# ---------------------------------------------------------------- the sections
def key_section(f: Figures) -> Section:
    s = Section("ตัวเลขสำคัญ เทียบกับปีก่อน", f"Key figures and the change from {f.period - 1}")
    rows = [[k.label, k.year, k.text(k.now), "–" if k.year == figures.REGISTER else k.text(k.before), k.change]
            for k in f.key]
    s.table(Table(["ตัวชี้วัด", "รอบข้อมูล", f"ปี {f.period}", f"ปี {f.period - 1}", "เปลี่ยนแปลง"], rows, {2, 3, 4}))
    s.note(f"{FISCAL}: แบบสำรวจ DLTV งบประมาณของโรงเรียน และการใช้งานดิจิทัลแพลตฟอร์ม · {ACADEMIC}: DLIT และข้อมูล "
           f"4 ด้าน · {figures.REGISTER}: ทะเบียนสถานศึกษาไม่มีรอบปี · {L.M_PASS_RATE}: ทุกตารางตามรอบของตารางนั้น")
    if not f.has_previous:
        s.note(f"{NO_PREVIOUS}: คลังข้อมูลไม่มีข้อมูลของปี {f.period - 1} ให้เปรียบเทียบ")
    return s


def coverage_section(f: Figures) -> Section:
    s = section("การส่งข้อมูลของโรงเรียน", "Submission coverage by survey", f.coverage.height,
                f"ไม่มีแบบสำรวจที่ต้องส่งในปี {f.period}")
    if s.empty:
        return s
    cov = f.coverage.with_columns(
        pl.struct("coverage_pct", "before_pct").map_elements(
            lambda c: _pct_change(c["coverage_pct"], c["before_pct"]), return_dtype=pl.String).alias("change"),
        pl.concat_str(pl.col("label"), pl.lit(" ("), pl.col("rule_id"), pl.lit(")")).alias("label"))
    s.table(_table(cov, {
        "label": (L.C_SURVEY, str), "population": (L.C_POPULATION, fmt.number), "submitted": (L.C_SUBMITTED, fmt.number),
        "rejected": (L.C_REJECTED, fmt.number), "not_sent": (L.C_NOT_SENT, fmt.number),
        "coverage_pct": (L.C_COVERAGE, fmt.percent), "before_pct": (f"ปี {f.period - 1} (%)", fmt.percent),
        "change": ("เปลี่ยนแปลง", right)}))
    s.note(f"{L.C_SUBMITTED}: โรงเรียนที่มีแถวผ่านการตรวจ (ผ่าน หรือ ผ่านแต่ต้องตรวจสอบ) · {L.C_REJECTED}: "
           f"{L.HELP_REJECTED} · {L.C_NOT_SENT}: {L.HELP_NOT_SENT}")
    owing = f.missing_by_district.filter(pl.col("missing") > 0)
    if owing.height:
        s.chart(f"{L.H_MISSING_BY_DISTRICT} {L.FY} {f.period}",
                svg(dash_charts.missing_by_district(owing), legend_below=True))
    return s


def dltv_section(f: Figures) -> Section:
    needs = f.needs_by_item
    s = section(f"ความต้องการอุปกรณ์ DLTV {L.FY} {f.period}", "DLTV equipment needs and estimated cost", needs.height,
                f"ไม่มีแบบสำรวจ DLTV ที่ผ่านการตรวจใน{L.FY} {f.period}")
    if s.empty:
        return s
    s.table(_table(needs, {
        "item_th": (L.column("dltv_allocation", "item"), str), "schools": (L.C_SCHOOLS, fmt.number),
        "broken": (L.subcolumn("broken"), fmt.number), "request_replace": (L.subcolumn("request_replace"), fmt.number),
        "request_repair": (L.subcolumn("request_repair"), fmt.number),
        "unit_price_baht": (L.C_UNIT_PRICE, fmt.number), "est_cost_baht": (L.C_EST_COST, fmt.number)},
        total={"item_th": "รวม", **{c: fmt.number(needs[c].sum())
                                    for c in ("broken", "request_replace", "request_repair", "est_cost_baht")}},
        caption=L.H_NEEDS_BY_ITEM))
    s.note(f"{L.C_EST_COST} = {L.HELP_COST}")
    s.chart(f"{L.C_EST_COST} {L.FY} {f.period}", svg(dash_charts.cost_by_item(needs)))
    alloc = f.allocation_by_item
    if alloc.height and alloc["allocated_qty"].sum() > 0:
        s.table(_table(alloc, {
            "item_th": (L.column("dltv_allocation", "item"), str), "allocated_qty": (L.C_ALLOCATED_QTY, fmt.number),
            "allocated_baht": (L.C_ALLOCATED_BAHT, fmt.number),
            "requested_replace": (f"{L.subcolumn('request_replace')} ({L.UNIT})", fmt.number),
            "est_need_baht": (L.C_EST_NEED, fmt.number)}, caption=L.H_ALLOC_VS_NEED))
    else:
        s.note(L.NO_ALLOCATION.format(year=f.period))
    return s


def platform_section(f: Figures) -> Section:
    s = section(f"การใช้งานดิจิทัลแพลตฟอร์ม {L.FY} {f.period}", "Digital platform use", f.platform_by_month.height,
                f"ไม่มีสถิติการใช้งานดิจิทัลแพลตฟอร์มใน{L.FY} {f.period}")
    if s.empty:
        return s
    totals = f.platform_totals.with_columns(
        pl.col("platform").map_elements(L.platform_name, return_dtype=pl.String).alias("platform_th"),
        pl.struct(pl.all()).map_elements(lambda r: Figure("", FISCAL, r["sessions"], r.get("sessions_before")).change,
                                         return_dtype=pl.String).alias("change"))
    s.table(_table(totals, {
        "platform_th": (L.PLATFORM, str), **{m: (label, fmt.number) for m, label in L.MEASURES.items()},
        "change": (f"{L.M_SESSIONS}: เปลี่ยนจากปี {f.period - 1}", right)},
        total={"platform_th": "รวม", **{m: fmt.number(totals[m].sum()) for m in L.MEASURES}}))
    s.note(f"{L.M_USER_DAYS}: {L.HELP_USER_DAYS}")
    s.chart(f"{L.M_SESSIONS} รายเดือน ({L.H_TREND_MONTH})",
            svg(dash_charts.use_by_month(f.platform_by_month, "sessions"), MONTHS_WIDTH, legend_below=True))
    return s


def dlit_section(f: Figures) -> Section:
    terms = f.dlit_terms
    s = section(f"การใช้งาน DLIT {ACADEMIC} {f.period}", "DLIT adoption", terms.height,
                f"ไม่มีข้อมูลการใช้งาน DLIT ของ{ACADEMIC} {f.period}")
    if s.empty:
        return s
    terms = terms.with_columns(
        pl.struct("academic_year", "semester").map_elements(lambda t: L.term(t["academic_year"], t["semester"]),
                                                            return_dtype=pl.String).alias("term"),
        pl.struct("teachers_using_pct", "before_pct").map_elements(
            lambda t: _pct_change(t["teachers_using_pct"], t["before_pct"]), return_dtype=pl.String).alias("change"))
    s.table(_table(terms, {
        "term": (L.column("dlit_usage", "semester"), str), "coverage_pct": (L.C_REPORTING_PCT, fmt.percent),
        "teachers_using": (L.column("dlit_usage", "teachers_using"), fmt.number),
        "teachers_total": (L.column("dlit_usage", "teachers_total"), fmt.number),
        "teachers_using_pct": (L.C_TEACHERS_USING_PCT, fmt.percent),
        "before_pct": (f"{ACADEMIC} {f.period - 1} (%)", fmt.percent), "change": ("เปลี่ยนแปลง", right),
        "mean_satisfaction": (L.M_DLIT_SATISFACTION, decimal2)}))
    s.note("นับเฉพาะแถวที่ผ่านการตรวจ (ผ่าน และ ผ่านแต่ต้องตรวจสอบ) ของโรงเรียนในทะเบียน · "
           "เปลี่ยนแปลง: เทียบกับภาคเรียนเดียวกันของปีการศึกษาก่อน")
    if f.dlit_adoption.height:
        s.chart(L.H_DLIT_BY_DISTRICT, svg(dash_charts.dlit_share_by_district(f.dlit_adoption), legend_below=True))
    return s


def admin_section(f: Figures) -> Section:
    s = section(f"ข้อมูลสารสนเทศ 4 ด้าน {ACADEMIC} {f.period}", "Four-area information: students, teachers, budget",
                f.students.height + f.staff["schools"] + f.budget.height,
                f"ไม่มีข้อมูล 4 ด้านของ{ACADEMIC} {f.period} และ{FISCAL} {f.period}")
    if s.empty:
        return s
    if f.students.height:
        s.text(f"{L.M_STUDENTS_COUNTED} {fmt.number(f.students['total'].sum())} {L.PEOPLE} "
               f"({L.M_BOYS} {fmt.number(f.students['male'].sum())} · {L.M_GIRLS} "
               f"{fmt.number(f.students['female'].sum())}): {L.HELP_STUDENTS_COUNTED}")
    if f.staff["schools"]:
        s.text(f"{L.M_SHORTAGE} {L.N_SCHOOLS.format(n=fmt.number(f.staff['short']))} "
               f"({L.HELP_SHORTAGE.format(threshold=f.staff['threshold'], n=fmt.number(f.staff['schools']))}) · "
               f"{L.M_TEACHERS} {fmt.number(f.staff['teachers'])} {L.PEOPLE}")
    if f.shortage.height:
        shown = f"{f.shortage.height} โรงเรียนแรก" if f.staff["short"] > f.shortage.height else "ทุกโรงเรียน"
        s.table(_table(f.shortage, {
            "school_name": (L.column("schools", "school_name"), str), "district": (L.DISTRICT, str),
            "students_total": (L.column("schools", "students_total"), fmt.number),
            "teachers": (L.C_TEACHERS, fmt.number),
            "students_per_teacher": (L.C_STUDENTS_PER_TEACHER, fmt.decimal),
            "teacher_vacancies": (L.C_TEACHER_VACANCIES, fmt.number)},
            caption=f"{L.H_SHORTAGE_LIST}: {shown} เรียงจากนักเรียนต่อครูมากที่สุด (รายชื่อทั้งหมดอยู่ในแดชบอร์ด "
                    f"{L.PAGE_ADMIN[0]})"))
    if f.budget.height:
        by_category = (f.budget.group_by("category_th", "category_order").agg(pl.col("received_baht", "spent_baht").sum())
                       .sort("category_order").with_columns(
                           (100.0 * pl.col("spent_baht") / pl.col("received_baht")).alias("spent_pct")))
        received, spent = by_category["received_baht"].sum(), by_category["spent_baht"].sum()
        s.table(_table(by_category, {
            "category_th": (L.column("admin_budget", "category"), str),
            "received_baht": (L.column("admin_budget", "received_baht"), fmt.number),
            "spent_baht": (L.column("admin_budget", "spent_baht"), fmt.number),
            "spent_pct": (L.C_SPENT_PCT, fmt.percent)},
            total={"category_th": "รวม", "received_baht": fmt.number(received), "spent_baht": fmt.number(spent),
                   "spent_pct": fmt.percent(100.0 * spent / received if received else None)},
            caption=f"{L.sheet('admin_budget')} {L.FY} {f.period}"))
        s.chart(f"{L.H_BUDGET} {L.FY} {f.period}", svg(dash_charts.budget_by_category(f.budget), legend_below=True))
    else:
        s.note(f"ไม่มีข้อมูล{L.sheet('admin_budget')}ของ{L.FY} {f.period}")
    return s


def quality_section(f: Figures) -> Section:
    acc = f.accounting
    s = section("คุณภาพข้อมูล", "Data quality: rows valid, flagged, quarantined; the rules most often failed",
                acc.height, f"ไม่มีแถวข้อมูลของปี {f.period}")
    if s.empty:
        return s
    s.table(_table(acc, {
        "table_th": (L.TABLE, str), "rows_in": (L.C_ROWS_IN, fmt.number), "valid": (L.C_VALID, fmt.number),
        "flagged": (L.C_FLAGGED, fmt.number), "quarantined": (L.C_QUARANTINED, fmt.number),
        "superseded": (L.C_SUPERSEDED, fmt.number)},
        total={"table_th": "รวม", **{c: fmt.number(acc[c].sum()) for c in figures.QUALITY_COUNTS}},
        caption=f"ผลการตรวจรายตาราง ของปี {f.period} (แต่ละตารางตามรอบของตารางนั้น)"))
    s.note(f"{L.M_FILE_ERRORS} {fmt.number(f.files['file_errors'])} แฟ้ม · {L.M_SKIPPED} "
           f"{fmt.number(f.files['skipped'])} รายการ · {L.M_PASS_RATE} = {L.HELP_PASS_RATE}")
    if f.top_rules.height:
        s.table(_table(f.top_rules, {
            "rule_id": (L.C_RULE_ID, str), "rule_text": (L.C_RULE_TEXT, str), "table_th": (L.TABLE, str),
            "severity": (L.C_SEVERITY, lambda v: L.SEVERITIES.get(v, v).split(" (")[0]),
            "rows_failed": (L.C_ROWS_FAILED, fmt.number)},
            caption=f"กฎที่มีแถวไม่ผ่านมากที่สุด {len(f.top_rules)} อันดับ (ทุกกฎอยู่ในแดชบอร์ด {L.PAGE_QUALITY[0]})"))
    else:
        s.note("ทุกแถวผ่านทุกกฎ (no rule failed)")
    return s


SECTIONS = (key_section, coverage_section, dltv_section, platform_section, dlit_section, admin_section,
            quality_section)


def context(f: Figures, made_at: datetime) -> dict:
    start, end = figures.fiscal_year_dates(f.period)
    return {
        "title": TITLE, "title_en": TITLE_EN, "period": f.period, "office": f.office, "version": f.version,
        "published": fmt.thai_datetime(f.published_at), "made": fmt.thai_datetime(made_at),
        "fiscal": f"{FISCAL} {f.period} ({L.thai_date(start)} – {L.thai_date(end)})",
        "academic": f"{ACADEMIC} {f.period}",
        "sections": [make(f) for make in SECTIONS],
    }


def render_html(f: Figures, made_at: datetime | None = None) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html.j2").render(**context(f, made_at or datetime.now(UTC)))


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of `html` and its number of pages. WeasyPrint may open only local files and data: URLs."""
    from weasyprint import CSS, HTML, URLFetcher
    from weasyprint.text.fonts import FontConfiguration

    fetcher = URLFetcher(allowed_protocols=("file", "data"))
    fonts = FontConfiguration()
    css = CSS(filename=str(TEMPLATES_DIR / "report.css"), font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=html, base_url=str(TEMPLATES_DIR) + "/", url_fetcher=fetcher).render(
        stylesheets=[css], font_config=fonts)
    return document.write_pdf(), len(document.pages)


def build(home: Home, period: int, version: str | None = None, office: str | None = None) -> Report:
    """The report of `period` from `version` (default: the current one), after re-checking the version's
    files against their published sha256. Raises ReportError (Thai and English) when nothing is
    published, the version is refused, or the period has no data."""
    try:
        manifest = verified_version(home, version)
        with read.Door(published_duckdb(home, manifest["version"])) as door, data.reading(door):
            found = figures.gather(period, office)
            html = render_html(found)
    except (NotPublished, VersionRefused, figures.NoData) as e:
        raise ReportError(e.th, e.en) from None
    pdf, pages = render_pdf(html)
    return Report(pdf, period, found.version, pages)
