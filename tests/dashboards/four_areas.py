"""Four-area workbooks (contract 3.5) written by code, for the dashboard tests while the sample district
has none: one workbook per school and academic year, a sheet per area named as the contract names it,
headers from the contract (a merged-style two-row header for the grade, O-NET and position groups: the
item above, the sub-column below), values made from the school's register row so every figure differs.

Deliberate cases: one school spends more than it received on textbooks (BUD-02: that budget row is
quarantined), one has no teacher in post and one too few (short of teachers, PER-03), schools without
internet and one without electricity, and two schools with a workbook for the year before too.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl

from warehouse.contracts import get

YEAR = 2568  # academic year of the workbooks; the budget sheet's fiscal year is the same number
EARLIER = YEAR - 1
AREAS = ("admin_academic", "admin_budget", "admin_personnel", "admin_general")
CONDITIONS = ("ดี", "พอใช้", "ทรุดโทรม")
PRIMARY = ("p1", "p2", "p3", "p4", "p5", "p6")


def _headers(table: str) -> tuple[list[str], list[str | None], list[str]]:
    """(top header row, second header row, column names) of a contract's sheet."""
    c = get(table)
    top = [col.group.th if col.group else col.th for col in c.columns]
    sub = [col.sub.th if col.sub else None for col in c.columns]
    return top, sub, [col.name for col in c.columns]


def _academic(i: int, school: dict, year: int) -> list[dict]:
    per_grade, extra = divmod(int(school["students_total"]), len(PRIMARY))
    row = {"academic_year": str(year), "school_code": school["school_code"], "school_name": school["school_name"]}
    for n, grade in enumerate(PRIMARY):
        students = per_grade + (extra if n == 0 else 0)
        row |= {f"{grade}_male": students // 2, f"{grade}_female": students - students // 2}
    row |= {"onet_p6_thai": 40.0 + i, "onet_p6_math": 25.5 + i, "onet_p6_science": 30.0 + i / 2,
            "onet_p6_english": 28.0 + i}
    if i % 3 == 0:  # a few schools teach ม.3
        row |= {"onet_m3_thai": 45.0 + i, "onet_m3_math": 22.0 + i}
    return [row]


def _budget(i: int, school: dict, year: int) -> list[dict]:
    students = int(school["students_total"])
    base = {"fiscal_year": str(year), "school_code": school["school_code"], "school_name": school["school_name"]}
    over = 1.5 if i == 3 else 0.9  # school 3 spends more on textbooks than it received: BUD-02
    return [base | {"category": "เงินอุดหนุนรายหัว", "received_baht": students * 1_900, "spent_baht": students * 1_500},
            base | {"category": "กิจกรรมพัฒนาผู้เรียน", "received_baht": students * 480, "spent_baht": students * 400},
            base | {"category": "ค่าหนังสือเรียน", "received_baht": students * 800,
                    "spent_baht": students * 800 * over}]


def _personnel(i: int, school: dict, year: int) -> list[dict]:
    students = int(school["students_total"])
    teachers = 0 if i == 5 else max(1, students // (40 if i == 2 else 18))  # 5: no teacher; 2: too few
    return [{"academic_year": str(year), "school_code": school["school_code"], "school_name": school["school_name"],
             "director_actual": 1, "director_vacant": 0, "teacher_actual": teachers,
             "teacher_vacant": 1 if i % 3 == 0 else 0, "contract_teacher_actual": 1 if i % 2 == 0 and i != 5 else None,
             "staff_actual": 1}]


def _general(i: int, school: dict, year: int) -> list[dict]:
    internet = i % 4 != 3
    return [{"academic_year": str(year), "school_code": school["school_code"], "school_name": school["school_name"],
             "buildings": 1 + i % 3, "building_condition": CONDITIONS[i % 3], "computers_teaching": 5 + i,
             "computers_admin": 2, "internet": "มี" if internet else "ไม่มี",
             "internet_mbps": 20 + 10 * i if internet else None, "electricity": "ไม่มี" if i == 7 else "มี",
             "distance_km": 5.5 * i}]


ROWS = {"admin_academic": _academic, "admin_budget": _budget, "admin_personnel": _personnel,
        "admin_general": _general}


def write_workbook(path: Path, i: int, school: dict, year: int) -> Path:
    """One school's four-area workbook for `year`: a sheet per area, a title line above the headers."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table in AREAS:
        top, sub, names = _headers(table)
        ws = wb.create_sheet(get(table).sheet)
        ws.append([f"{get(table).sheet} ปีการศึกษา {year}"])
        ws.append(top)
        if any(sub):
            ws.append(sub)
        for row in ROWS[table](i, school, year):
            ws.append([row.get(name) for name in names])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_district(landing: Path, register: pl.DataFrame, per_district: int = 3, districts: int = 4) -> list[str]:
    """Workbooks for `per_district` schools of each of the first `districts` districts (by name) of the
    register, for YEAR; the first two schools also for the year before. Returns the school codes."""
    picked = (register.sort("district", "school_code").group_by("district", maintain_order=True).head(per_district)
              .filter(pl.col("district").is_in(register["district"].unique().sort().head(districts).to_list())))
    for i, school in enumerate(picked.iter_rows(named=True)):
        code = school["school_code"]
        write_workbook(landing / "admin" / str(YEAR) / f"{code}_ข้อมูล4ด้าน_{YEAR}.xlsx", i, school, YEAR)
        if i < 2:
            write_workbook(landing / "admin" / str(EARLIER) / f"{code}_ข้อมูล4ด้าน_{EARLIER}.xlsx", i + 1, school,
                           EARLIER)
    return picked["school_code"].to_list()
