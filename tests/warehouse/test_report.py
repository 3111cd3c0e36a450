"""The director's summary report (`khlang report`): a Thai PDF on A4, read back as a person would see it.

The PDF is rendered from the sample district's published warehouse, then its text is read back with
pdfium and compared with what plain SQL over the same DuckDB file says, formatted with the dashboards'
own helpers: figures are not copied into the test. A page is drawn as an image to see that it is not blank,
and every Thai character must have been drawn with the shipped Sarabun face (no fallback, no boxes).

Text read out of a PDF is not the text that was laid out: a shaped Thai cluster maps back to its glyphs,
so SARA AM (ำ) may come out as a raised colon or nikhahit beside SARA AA, SARA AA may come out as SARA AM,
and a tone mark may be read after the line it sits on. `skeleton` compares the base letters, digits and
punctuation only, without spaces or line breaks.
"""

from __future__ import annotations

import ctypes
import unicodedata
from pathlib import Path

import duckdb
import polars as pl
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from dashboards import fmt
from dashboards import labels as L
from pipelines import config
from pipelines.cli import main

pytestmark = pytest.mark.slow

A4_POINTS = (595, 842)
PERIOD = 2569  # the sample district's newest fiscal year: DLTV 2569 beside 2568, platforms 2569 only
EARLIER = 2568  # its academic year of DLIT and the four areas


def skeleton(text: str) -> str:
    """Base characters only: no combining marks (Thai vowels above and below, tone marks, nikhahit), SARA AM
    read as SARA AA, no U+02F8 (how a nikhahit glyph may read back), no whitespace."""
    text = unicodedata.normalize("NFKC", text)  # ำ -> ํ + า
    return "".join(ch for ch in text if not ch.isspace() and ch != "\u02f8"
                   and unicodedata.category(ch) != "Mn")


def one(home: config.Home, sql: str, *params):
    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute(sql, list(params)).fetchone()[0]


class Pdf:
    """A written report: its pages' sizes, text, and the fonts its Thai characters were drawn with."""

    def __init__(self, data: bytes, path: Path | None = None):
        self.data, self.path = data, path
        self.doc = pdfium.PdfDocument(data)
        self.pages = [self.doc[i] for i in range(len(self.doc))]
        self.text = "\n".join(p.get_textpage().get_text_range() for p in self.pages)
        self.flat = skeleton(self.text)

    def has(self, expected: str) -> bool:
        return skeleton(expected) in self.flat

    def thai_fonts(self) -> dict[str, int]:
        """Font name -> how many Thai characters were drawn with it, over every page."""
        fonts: dict[str, int] = {}
        name, flags = ctypes.create_string_buffer(256), ctypes.c_int()
        for page in self.pages:
            text = page.get_textpage()
            for i in range(text.count_chars()):
                if "\u0e00" <= chr(pdfium_c.FPDFText_GetUnicode(text.raw, i)) <= "\u0e7f":
                    pdfium_c.FPDFText_GetFontInfo(text.raw, i, name, len(name), ctypes.byref(flags))
                    key = name.value.decode("utf-8", "replace")
                    fonts[key] = fonts.get(key, 0) + 1
        return fonts


def write_report(home: config.Home, out: Path, *args: str) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(config.ENV_HOME, str(home.root))
        import io
        from contextlib import redirect_stderr, redirect_stdout

        stdout, stderr = io.StringIO(), io.StringIO()
        with redirect_stdout(stdout), redirect_stderr(stderr):
            code = main(["report", "--out", str(out), *args])
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def report(demo_home, tmp_path_factory) -> Pdf:
    """`khlang report --period 2569` of the sample district."""
    out = tmp_path_factory.mktemp("report") / "สรุปรายงาน_2569.pdf"
    code, stdout, stderr = write_report(demo_home, out, "--period", str(PERIOD))
    assert code == 0, stderr
    assert str(out) in stdout and "v0001" in stdout
    assert not list(out.parent.glob(".*.tmp")), "written through a temporary file beside it, which is gone"
    return Pdf(out.read_bytes(), out)


@pytest.fixture(scope="module")
def earlier(demo_home) -> Pdf:
    """The report of 2568, built by the same function the dashboards' button calls."""
    from warehouse.report.document import build

    built = build(demo_home, EARLIER)
    assert built.period == EARLIER and built.version == "v0001"
    pdf = Pdf(built.pdf)
    assert built.pages == len(pdf.pages)
    return pdf


def test_every_page_is_a4_and_the_thai_headings_are_there(report):
    assert len(report.pages) >= 3
    for page in report.pages:
        assert tuple(round(x) for x in page.get_size()) == A4_POINTS
    for heading in ("สรุปรายงานผลเสนอ ผอ.สพท. ปี 2569", "ตัวเลขสำคัญ เทียบกับปีก่อน", "การส่งข้อมูลของโรงเรียน",
                    "ความต้องการอุปกรณ์ DLTV ปีงบประมาณ 2569", "การใช้งานดิจิทัลแพลตฟอร์ม ปีงบประมาณ 2569",
                    "การใช้งาน DLIT ปีการศึกษา 2569", "ข้อมูลสารสนเทศ 4 ด้าน", "คุณภาพข้อมูล", "จึงเรียนมาเพื่อโปรดพิจารณา"):
        assert report.has(heading), heading
    assert report.has(f"หน้า 1 / {len(report.pages)}"), "page numbers in the footer"
    assert report.has("สำนักงานเขตพื้นที่การศึกษา จังหวัดขอนแก่น"), "the office, from the register's province"


def test_the_header_names_the_version_and_when_it_was_published_in_bangkok_time(report, demo_home):
    published = one(demo_home, "SELECT published_at FROM warehouse_info")
    assert report.has(f"คลังข้อมูลรุ่น v0001 · เผยแพร่ {fmt.thai_datetime(published)}")


def test_key_figures_and_their_change_from_the_year_before_are_the_warehouses(report, demo_home):
    schools = one(demo_home, "SELECT count(*) FROM school_profile")
    students = one(demo_home, "SELECT sum(students_total) FROM school_profile")
    assert report.has(f"{L.M_SCHOOLS}ทะเบียนปัจจุบัน{fmt.number(schools)}")
    assert report.has(f"{L.column('schools', 'students_total')}ทะเบียนปัจจุบัน{fmt.number(students)}")

    cov = "SELECT coverage_pct FROM coverage WHERE rule_id = 'COV-01' AND period = ?"
    now, before = one(demo_home, cov, PERIOD), one(demo_home, cov, PERIOD - 1)
    assert now != before
    change = fmt.change(now, before, 1, L.POINTS)
    assert report.has(f"{L.M_COVERAGE}ปีงบประมาณ{fmt.percent(now)}{fmt.percent(before)}{change}")

    cost = "SELECT sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ?"
    now, before = one(demo_home, cost, PERIOD), one(demo_home, cost, PERIOD - 1)
    assert report.has(f"{L.M_COST}ปีงบประมาณ{fmt.baht(now)}{fmt.baht(before)}{fmt.change(now, before, 0, L.BAHT)}")

    # the platforms' statistics start in FY 2569: there is nothing to compare with
    sessions = one(demo_home, "SELECT sum(sessions) FROM platform_use_by_day WHERE fiscal_year = ?", PERIOD)
    assert one(demo_home, "SELECT count(*) FROM platform_use_by_day WHERE fiscal_year = ?", PERIOD - 1) == 0
    assert report.has(f"{L.M_SESSIONS}ปีงบประมาณ{fmt.number(sessions)}ไม่มีข้อมูลไม่มีข้อมูลปีก่อน")

    rate = "SELECT 100.0 * sum(rows_in - quarantined) / sum(rows_in) FROM file_accounting_by_period WHERE period = ?"
    now, before = one(demo_home, rate, PERIOD), one(demo_home, rate, PERIOD - 1)
    assert report.has(f"{L.M_PASS_RATE}ตามรอบของแต่ละตาราง{fmt.percent(now)}{fmt.percent(before)}"
                      f"{fmt.change(now, before, 1, L.POINTS)}")


def test_coverage_dltv_and_platform_sections_show_the_warehouses_figures(report, demo_home):
    with duckdb.connect(str(demo_home.duckdb_path), read_only=True) as con:
        population, submitted, rejected, not_sent = con.execute(
            "SELECT population, submitted, rejected, not_sent FROM coverage WHERE rule_id = 'COV-01' AND period = ?",
            [PERIOD]).fetchone()
        tv = con.execute("SELECT sum(request_replace), sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ? "
                         "AND item = 'tv'", [PERIOD]).fetchone()
        dltv_sessions = con.execute("SELECT sum(sessions) FROM platform_use_by_day WHERE fiscal_year = ? "
                                    "AND platform = 'DLTV'", [PERIOD]).fetchone()[0]
    assert report.has(f"(COV-01){fmt.number(population)}{fmt.number(submitted)}{fmt.number(rejected)}"
                      f"{fmt.number(not_sent)}")
    assert report.has(f"{L.items()['tv']}") and report.has(f"{fmt.number(tv[0])}") and report.has(fmt.number(tv[1]))
    assert report.has(f"{L.platform_name('DLTV')}") and report.has(fmt.number(dltv_sessions))
    assert report.has(f"ไม่มีข้อมูลการใช้งาน DLIT ของปีการศึกษา {PERIOD}")


def test_data_quality_counts_every_row_and_names_the_rules_most_failed_in_thai(report, demo_home):
    with duckdb.connect(str(demo_home.duckdb_path), read_only=True) as con:
        totals = con.execute("SELECT sum(rows_in), sum(valid), sum(flagged), sum(quarantined), sum(superseded) "
                             "FROM file_accounting_by_period WHERE period = ? AND table_name IS NOT NULL",
                             [PERIOD]).fetchone()
        rule_id, rule_th, failed = con.execute(
            "SELECT rule_id, rule_th, rows_failed FROM rule_results WHERE period = ? "
            "ORDER BY rows_failed DESC, table_name, rule_id LIMIT 1", [PERIOD]).fetchone()
    assert report.has("รวม" + "".join(fmt.number(n) for n in totals))
    assert report.has(f"{rule_id}{L.rule_text(rule_id, rule_th)}")
    assert report.has(fmt.number(failed))


def test_the_earlier_year_shows_dlit_and_the_four_areas_and_has_no_year_before(earlier, demo_home):
    with duckdb.connect(str(demo_home.duckdb_path), read_only=True) as con:
        share = con.execute(
            "SELECT 100.0 * sum(d.teachers_using) / sum(d.teachers_total) FROM dlit_usage d JOIN schools s "
            "USING (school_code) WHERE d.academic_year = ? AND d.semester = 1", [EARLIER]).fetchone()[0]
        short = con.execute("SELECT count(*) FILTER (shortage) FROM teacher_shortage WHERE academic_year = ?",
                            [EARLIER]).fetchone()[0]
        received, spent = con.execute("SELECT sum(received_baht), sum(spent_baht) FROM budget_by_category "
                                      "WHERE fiscal_year = ?", [EARLIER]).fetchone()
    assert earlier.has(f"{L.M_DLIT_SHARE} {L.term(EARLIER, 1)}ปีการศึกษา{fmt.percent(share)}ไม่มีข้อมูลไม่มีข้อมูลปีก่อน")
    assert earlier.has(f"{L.M_SHORTAGE}ปีการศึกษา{fmt.number(short)}")
    assert earlier.has(f"รวม{fmt.number(received)}{fmt.number(spent)}{fmt.percent(100.0 * float(spent) / float(received))}")
    assert earlier.has(f"ไม่มีข้อมูลปีก่อน: คลังข้อมูลไม่มีข้อมูลของปี {EARLIER - 1} ให้เปรียบเทียบ")


def test_thai_is_drawn_with_the_shipped_sarabun_and_the_first_page_is_not_blank(report):
    fonts = report.thai_fonts()
    assert sum(fonts.values()) > 500
    assert {name.split("+")[-1] for name in fonts} <= {"Sarabun", "Sarabun-Bold"}, fonts
    assert any(name.endswith("Sarabun-Bold") for name in fonts), "headings in the bold face"

    image = report.pages[0].render(scale=1).to_pil().convert("L")  # one pixel a point
    dark = sum(image.histogram()[:128])
    assert dark > 0.01 * image.size[0] * image.size[1], "text and tables were drawn"
    title = image.crop((40, 60, 555, 130))  # the title line, in Thai, below the running header
    assert sum(title.histogram()[:128]) > 500


def test_charts_are_drawn_with_thai_labels(report):
    # the charts' labels are text in the PDF (SVG <text>), in Sarabun like the rest
    assert report.has("โรงเรียนที่ยังไม่ส่งแบบสำรวจ DLTV รายอำเภอ ปีงบประมาณ 2569")
    assert report.has(L.C_EST_COST) and report.has(L.items()["dish"])
    assert report.has(L.MONTHS_ABBR[9] + " 2568"), "the month axis: ต.ค. 2568, the first month of FY 2569"


def test_the_report_is_recorded_in_the_audit_log(report, demo_home):
    import json

    from pipelines.audit import os_user, read, verify

    entries = read(demo_home).filter((pl.col("action") == "report") & (pl.col("target") == str(report.path)))
    assert entries.height == 1
    entry = entries.row(0, named=True)
    assert (entry["user"], entry["role"], entry["outcome"]) == (os_user(), "ict", "ok")
    details = json.loads(entry["details"])
    assert (details["period"], details["version"], details["pages"]) == (PERIOD, "v0001", len(report.pages))
    assert not verify(demo_home)


def test_a_period_without_data_or_a_version_never_published_is_refused_clearly(demo_home, tmp_path):
    out = tmp_path / "none.pdf"
    code, _, stderr = write_report(demo_home, out, "--period", "2575")
    assert code == 2 and not out.exists()
    assert "ไม่มีข้อมูลของปี 2575" in stderr and "has no data for 2575" in stderr
    assert "2569" in stderr and "2568" in stderr, "the years that do have data are named"

    code, _, stderr = write_report(demo_home, out, "--period", "2569", "--version", "v0099")
    assert code == 2 and not out.exists() and "v0099" in stderr and "never published" in stderr

    code, _, stderr = write_report(config.home(tmp_path / "empty"), out, "--period", "2569")
    assert code == 2 and not out.exists() and "khlang ingest" in stderr

    code, _, stderr = write_report(demo_home, tmp_path / "report.docx", "--period", "2569")
    assert code == 2 and ".pdf" in stderr
