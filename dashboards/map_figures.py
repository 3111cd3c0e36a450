"""The figures the school map can colour by: one `Figure` entry each in FIGURES, nothing else to touch.

A figure is (Thai label, SQL, column, kind): the SQL reads the published warehouse (through the door,
`dashboards.data.q`) and returns `school_code` and the figure's `column`, at most one row per school;
schools it returns no row (or NULL) for are drawn grey as "no data". A figure of one period (a fiscal
year, a survey round) writes `?` where the period goes and names, in `periods`, the SQL listing the
periods to pick from, newest first. Kinds: COUNT (whole numbers), NUMBER (one decimal: ratios,
Mbps), BAHT, and CATEGORY (a few values, each with a Thai label and a colour, in legend order).

To add one, append an entry, for example once the four-area survey is published:

    Figure("นักเรียนต่อครู 1 คน",
           "SELECT school_code, students_total / nullif(teachers, 0) AS per_teacher FROM ... WHERE academic_year = ?",
           "per_teacher", NUMBER, periods="SELECT DISTINCT academic_year FROM ... ORDER BY 1 DESC",
           period_label=L.ACADEMIC_YEAR)

tests/dashboards/test_map.py draws every entry of FIGURES against the test warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from dashboards import data, fmt
from dashboards import labels as L
from warehouse.contracts import lists

COUNT, NUMBER, BAHT, CATEGORY = "count", "number", "baht", "category"


@dataclass(frozen=True)
class Category:
    value: str  # as the SQL returns it
    label: str  # Thai, in the legend and the tooltip
    colour: str


@dataclass(frozen=True)
class Figure:
    label: str  # Thai: the picker, the legend title and the tooltip
    sql: str  # SELECT school_code, <column> ...; `?` = the chosen period when `periods` is set
    column: str
    kind: str  # COUNT, NUMBER, BAHT or CATEGORY
    periods: str | None = None  # SQL: the periods to pick from (one column), newest first
    period_label: str = L.FISCAL_YEAR
    categories: tuple[Category, ...] = ()  # CATEGORY only, in legend order
    note: str = ""  # under the map: what is counted, and from where


# DLTV survey figures: one fiscal year, summed over the four items of the school's current survey row.
_DLTV_YEARS = "SELECT DISTINCT fiscal_year FROM dltv_equipment ORDER BY fiscal_year DESC"
_DLTV_SUM = "SELECT school_code, sum({0}) AS {0} FROM dltv_equipment_items WHERE fiscal_year = ? GROUP BY school_code"
_SIZE_COLOURS = ("#c6dbef", "#6baed6", "#2171b5", "#08306b")

FIGURES: list[Figure] = [
    Figure(L.column("schools", "students_total"),
           "SELECT school_code, students_total FROM school_profile", "students_total", COUNT),
    Figure(L.column("schools", "size_class"),
           "SELECT school_code, size_class FROM school_profile", "size_class", CATEGORY,
           categories=tuple(Category(s.key, s.th, c) for s, c in zip(lists()["size_classes"], _SIZE_COLOURS,
                                                                     strict=True))),
    Figure("DLTV: จำนวนอุปกรณ์ที่ขอทดแทน (หน่วย)", _DLTV_SUM.format("request_replace"), "request_replace", COUNT,
           periods=_DLTV_YEARS, note=L.MAP_NOTE_DLTV),
    Figure("DLTV: จำนวนอุปกรณ์ที่ขอซ่อม (หน่วย)", _DLTV_SUM.format("request_repair"), "request_repair", COUNT,
           periods=_DLTV_YEARS, note=L.MAP_NOTE_DLTV),
    Figure("DLTV: ประมาณการค่าทดแทน (บาท)",
           # as dltv_needs prices it: replacement units x the latest unit price of the item
           "SELECT i.school_code, sum(i.request_replace * p.unit_price_baht) AS est_cost_baht "
           "FROM dltv_equipment_items i LEFT JOIN dltv_unit_prices p USING (item) "
           "WHERE i.fiscal_year = ? GROUP BY i.school_code",
           "est_cost_baht", BAHT, periods=_DLTV_YEARS, note=f"{L.MAP_NOTE_DLTV} · {L.HELP_COST}"),
    Figure("สถานะการส่งแบบสำรวจ DLTV (COV-01)",
           # COV-01's population is the register's DLTV-eligible schools; missing_submissions says why
           # one of them is missing, every other eligible school submitted.
           "SELECT s.school_code, CASE WHEN m.status IS NOT NULL THEN m.status "
           "WHEN s.dltv_eligible THEN 'submitted' ELSE 'not_required' END AS status "
           "FROM school_profile s LEFT JOIN missing_submissions m "
           "ON m.school_code = s.school_code AND m.rule_id = 'COV-01' AND m.period = ?",
           "status", CATEGORY, periods="SELECT DISTINCT period FROM coverage WHERE rule_id = 'COV-01' ORDER BY 1 DESC",
           categories=(Category("submitted", L.SUBMITTED, L.MAP_SUBMITTED_COLOUR),
                       Category("rejected", L.STATUSES["rejected"], L.STATUS_COLOURS["rejected"]),
                       Category("not_sent", L.STATUSES["not_sent"], L.STATUS_COLOURS["not_sent"]),
                       Category("not_required", L.MAP_NOT_REQUIRED, L.MAP_NO_VALUE_COLOUR))),
]

# DLIT figures (contract 3.3): one academic year, the mean of the school's semesters that year.
_DLIT_YEARS = "SELECT DISTINCT academic_year FROM dlit_usage ORDER BY academic_year DESC"
FIGURES += [
    Figure("DLIT: ความเร็วอินเทอร์เน็ต (Mbps)",
           "SELECT school_code, avg(internet_mbps) AS internet_mbps FROM dlit_usage WHERE academic_year = ? "
           "GROUP BY school_code", "internet_mbps", NUMBER, periods=_DLIT_YEARS, period_label=L.ACADEMIC_YEAR),
    Figure("DLIT: ครูที่ใช้ DLIT (ร้อยละของครูทั้งหมด)",
           "SELECT school_code, 100.0 * sum(teachers_using) / nullif(sum(teachers_total), 0) AS using_pct "
           "FROM dlit_usage WHERE academic_year = ? GROUP BY school_code",
           "using_pct", NUMBER, periods=_DLIT_YEARS, period_label=L.ACADEMIC_YEAR),
]

# Four-area figures (contract 3.5): one academic year, the school's current sheet of that year.
FIGURES += [
    Figure("4 ด้าน: นักเรียนต่อครู 1 คน",
           # teacher_shortage: the register's students ÷ ครู + ครูอัตราจ้าง in post (PER-03); none in post: no ratio
           "SELECT school_code, students_per_teacher FROM teacher_shortage WHERE academic_year = ?",
           "students_per_teacher", NUMBER, period_label=L.ACADEMIC_YEAR,
           periods="SELECT DISTINCT academic_year FROM teacher_shortage ORDER BY academic_year DESC",
           note=L.MAP_NOTE_TEACHERS),
    Figure("4 ด้าน: ความเร็วอินเทอร์เน็ต (Mbps)",
           # a school that wrote "no internet" is 0 Mbps, not "no data"
           "SELECT school_code, CASE WHEN internet = false THEN 0 ELSE internet_mbps END AS internet_mbps "
           "FROM admin_general WHERE academic_year = ?",
           "internet_mbps", NUMBER, period_label=L.ACADEMIC_YEAR,
           periods="SELECT DISTINCT academic_year FROM admin_general ORDER BY academic_year DESC",
           note=L.MAP_NOTE_INTERNET),
]

# The schools to place: every register school, with what the tooltip and the off-map list show.
SCHOOLS_SQL = ("SELECT school_code, school_name, district, subdistrict, lat, lon, register_rule_ids "
               "FROM school_profile ORDER BY district, school_code")


def schools() -> pl.DataFrame:
    return data.q(SCHOOLS_SQL)


def periods(figure: Figure) -> list:
    """The periods `figure` can be shown for, newest first ([] for a figure without periods)."""
    return data.q(figure.periods).to_series(0).drop_nulls().to_list() if figure.periods else []


def values(figure: Figure, period=None) -> pl.DataFrame:
    """school_code, `value` (the figure's column; text for CATEGORY, a float otherwise) and `value_th`
    (how the tooltip and tables write it), one row per school the figure has a row for."""
    params = (period,) if figure.periods else ()
    df = data.q(figure.sql, *params).select("school_code", pl.col(figure.column).alias("value"))
    if figure.kind == CATEGORY:
        labels = {c.value: c.label for c in figure.categories}
        return df.with_columns(pl.col("value").cast(pl.String)).with_columns(
            pl.col("value").replace_strict(labels, default=pl.col("value")).alias("value_th"))
    return df.with_columns(pl.col("value").cast(pl.Float64)).with_columns(
        pl.col("value").map_elements(lambda v: written(figure, v), return_dtype=pl.String).alias("value_th"))


def written(figure: Figure, value) -> str:
    """A figure's value as a Thai office writes it: 1,250 · 12.5 · 12,500 บาท; "–" when unknown."""
    if value is None:
        return L.MAP_NO_VALUE
    if figure.kind == BAHT:
        return fmt.baht(value)
    if figure.kind == NUMBER:
        return f"{value:,.1f}"
    return fmt.number(value)


def with_values(schools: pl.DataFrame, figure: Figure, period=None) -> pl.DataFrame:
    """Every school of `schools` with the figure's value (NULL: no data, `value_th` says so)."""
    return schools.join(values(figure, period), on="school_code", how="left").with_columns(
        pl.col("value_th").fill_null(L.MAP_NO_VALUE))
