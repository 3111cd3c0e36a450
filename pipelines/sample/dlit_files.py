"""DLIT usage files as schools and the office write them: one-row-header workbooks and a cluster's CSV.

The five service columns come in three hands: `word` (ใช้ / ไม่ใช้, sometimes `-` or nothing for not
used), `tick` (✓, sometimes ✔ or `/`, and a blank cell for not used) and `slash` (`/` or blank: what a
cp874 CSV can hold, as ✓ is not in Thai Windows encoding). Counts and hours take the section-1 forms
(Thai digits, `-` for zero, `7.5 ชม.`, `1,000 Mbps`); the academic year may be written in CE (FMT-02).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from . import names as N
from .cells import THAI_DIGITS, Cell, cell_text, code_cell, int_cell, year_cell
from .contract import SCHOOLS, table_contract
from .dlit_rows import CE_OFFSET, DLIT, YEAR, Usage, limits, services
from .headers import header_for
from .register import School
from .workbook import Formats, data_rows, new_workbook, put_cell

NUMBERED = "ที่"  # the running-number column of an office's workbook (matches no contract column)


def usage_headers(rng: random.Random, style: str) -> dict[str, str]:
    """Header text per column, from the contract: plain, aliases (Thai), noisy or english. The key columns
    get no noise: a `จำนวน` prefix on the semester would be a header nobody writes."""
    contract = table_contract(DLIT)
    alias_p = {"aliases": 1.0, "noisy": 0.25}.get(style, 0.0)
    noise_p = 0.3 if style == "noisy" else 0.0
    return {c.name: header_for(c, rng, alias_p, 0.0 if c.name in contract.key else noise_p, english=style == "english")
            for c in contract.columns}


def usage_title(semester: int | None, where: str) -> list[str]:
    """Two title rows: the survey's name, then the semester (or the year) and who."""
    c = table_contract(DLIT)
    when = f"{c.column('semester').th}ที่ {semester}/{YEAR}" if semester else f"{c.column('academic_year').th} {YEAR}"
    return [c.th, f"{when}  {where}"]


def school_where(school: School) -> str:
    """A one-school workbook's second title line: the school, its amphoe and province."""
    s = table_contract(SCHOOLS)
    return f"{school.name} {s.column('district').th}{school.district} {s.column('province').th}{N.PROVINCE}"


def default_notes() -> tuple[str, ...]:
    c = table_contract(DLIT)
    lo, hi = limits("DLIT-02", "satisfaction")
    return (f"หมายเหตุ {c.column('satisfaction').th}: {lo:g} = น้อยที่สุด {hi:g} = มากที่สุด",)


@dataclass
class UsageLayout:
    """How one DLIT workbook looks: headers, titles, tick hand, extra sheet/columns, noise."""

    headers: dict[str, str]
    title: list[str]
    ticks: str
    sheet: str = "แบบสำรวจ DLIT"
    instructions: bool = False
    numbered: bool = False
    extra_column: str | None = None
    drop: tuple[str, ...] = ()
    noise: float = 1.0
    notes: tuple[str, ...] = field(default_factory=default_notes)


def tick_cell(used: bool, ticks: str, rng: random.Random) -> Cell:
    """One service cell in the file's hand."""
    if ticks == "word":
        if used:
            return ("s", "ใช้")
        u = rng.random()
        return ("s", "-") if u < 0.1 else (None if u < 0.15 else ("s", "ไม่ใช้"))
    if ticks == "tick":
        return ("s", rng.choices(("✓", "✔", "/"), (0.8, 0.1, 0.1))[0]) if used else None
    return ("s", "/") if used else None


def decimal_cell(v: float | None, rng: random.Random, noise: float, unit: str) -> Cell:
    """Hours or Mbps: a number, `-` for zero, with a unit, with a thousands separator, or Thai digits."""
    if v is None:
        return None
    if v == 0 and rng.random() < 0.3 * noise:
        return ("s", "-")
    text = f"{v:,g}" if v >= 1000 else f"{v:g}"
    u = rng.random()
    if u < 0.2 * noise:
        return ("s", f"{text} {unit}")
    if u < 0.26 * noise:
        return ("s", text.translate(THAI_DIGITS))
    if v >= 1000 and u < 0.5:  # typed with its separator
        return ("s", text)
    return ("n", v)


def usage_cells(row: Usage, rng: random.Random, noise: float, ticks: str, invisible: bool = True) -> dict[str, Cell]:
    """Every cell of one row by contract column name (unreadable and blank cells as injected)."""
    v = row.values
    cells: dict[str, Cell] = {
        "academic_year": ("n", row.year - CE_OFFSET) if row.ce_year else year_cell(row.year, rng, noise),
        "semester": int_cell(row.semester, rng, noise),
        "school_code": ("s", row.code) if row.code != row.resolved_code
        else code_cell(row.code, rng, noise, invisible, row.code_form),
        "school_name": ("s", row.name),
        "teachers_total": int_cell(v["teachers_total"], rng, noise),
        "teachers_using": int_cell(v["teachers_using"], rng, noise),
        "hours_per_week": decimal_cell(v["hours_per_week"], rng, noise, "ชม."),
        "internet_mbps": decimal_cell(v["internet_mbps"], rng, noise, "Mbps"),
        "student_devices": int_cell(v["student_devices"], rng, noise),
        "satisfaction": int_cell(v["satisfaction"], rng, noise),
        "problems": ("s", row.problems) if row.problems else None,
    }
    for col in services():
        cells[col] = tick_cell(row.used[col], ticks, rng)
    for col, text in row.unreadable.items():
        cells[col] = ("s", text)
    for col in row.blank:
        cells[col] = None
    return cells


def _instructions_sheet(wb: xlsxwriter.Workbook, fmt: Formats, ticks: str) -> None:
    """คำชี้แจง: the instructions sheet in front of the data sheet."""
    c = table_contract(DLIT)
    how = ("ให้ใส่ ใช้ หรือ ไม่ใช้" if ticks == "word" else "ทำเครื่องหมาย ✓ ในช่องที่ใช้ ถ้าไม่ใช้ให้เว้นว่าง")
    lines = [
        "คำชี้แจงการกรอก" + c.th,
        "1. กรอกข้อมูลโรงเรียนละ 1 แถวต่อภาคเรียน",
        f"2. การใช้บริการ DLIT ทั้ง 5 ด้าน {how}",
        f"3. {c.column('teachers_using').th} ต้องไม่เกิน{c.column('teachers_total').th}",
        f"4. {c.column('hours_per_week').th} ไม่เกิน {limits('DLIT-02', 'hours_per_week')[1]:g} ชั่วโมง",
        "5. ส่งกลุ่มส่งเสริมการศึกษาทางไกลฯ ภายในสิ้นภาคเรียน",
    ]
    ws = wb.add_worksheet("คำชี้แจง")
    ws.write_string(0, 0, lines[0], fmt.title)
    for r, line in enumerate(lines[1:], start=2):
        ws.write_string(r, 0, line)


def write_usage_xlsx(path: Path, rows: list[Usage], layout: UsageLayout, rng: random.Random) -> None:
    """A DLIT workbook: title rows, a one-row header, data with blank gaps, notes row at the bottom."""
    contract = table_contract(DLIT)
    cols = [c.name for c in contract.columns if c.name not in layout.drop]
    first = 1 if layout.numbered else 0
    width = first + len(cols) + (1 if layout.extra_column else 0)
    wb = new_workbook(path, contract.th)
    fmt = Formats(wb)
    if layout.instructions:
        _instructions_sheet(wb, fmt, layout.ticks)
    ws = wb.add_worksheet(layout.sheet)
    for r, text in enumerate(layout.title):
        ws.merge_range(r, 0, r, width - 1, text, fmt.title)
    top = len(layout.title) + 1
    if layout.numbered:
        ws.write_string(top, 0, NUMBERED, fmt.header)
    for j, name in enumerate(cols):
        ws.write_string(top, first + j, layout.headers[name], fmt.header)
    if layout.extra_column:
        ws.write_string(top, first + len(cols), layout.extra_column, fmt.header)
    positions = data_rows(top + 1, len(rows), blanks=True)
    for i, (r, row) in enumerate(zip(positions, rows)):
        cells = usage_cells(row, rng, layout.noise, layout.ticks)
        if layout.numbered:
            ws.write_number(r, 0, i + 1)
        for j, name in enumerate(cols):
            put_cell(ws, r, first + j, cells[name], fmt)
        if layout.extra_column and row.remark:
            ws.write_string(r, first + len(cols), row.remark)
    last = positions[-1] if positions else top
    for i, note in enumerate(layout.notes):
        ws.write_string(last + 2 + i, 0, note)
    if "school_name" in cols:
        ws.set_column(first + cols.index("school_name"), first + cols.index("school_name"), 30)
    ws.freeze_panes(top + 1, 0)
    wb.close()


def write_usage_csv(path: Path, rows: list[Usage], headers: dict[str, str], rng: random.Random) -> None:
    """A cluster's CSV in cp874 (Thai Windows), one header row, ticks as `/` (cp874 has no ✓)."""
    cols = [c.name for c in table_contract(DLIT).columns]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([headers[c] for c in cols])
    for row in rows:
        cells = usage_cells(row, rng, 1.0, "slash", invisible=False)
        w.writerow([cell_text(cells[c]) for c in cols])
    path.write_bytes(buf.getvalue().encode("cp874"))
