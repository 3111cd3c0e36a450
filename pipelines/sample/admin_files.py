"""Four-area workbooks as schools write them: one workbook per school, one sheet per area in any order and
under any name, the academic and personnel sheets with a merged two-row header.

A school's workbook is the office's template filled in and then changed the way schools change it: sheets
renamed (`วิชาการ`, `ข้อมูลนักเรียน`, `1.วิชาการ`, Excel's `Sheet1` ...) and reordered, an instructions
sheet (คำชี้แจง) kept in front or deleted, the columns of grades the school does not teach deleted or left
blank, title rows, a notes row, Thai digits, `-` for zero, `12,500.50 บาท`, codes stored as numbers. The
staff roster, when a school adds one, writes the citizen ID with dashes, spaces, Thai digits or as a
number. Headers come from the contracts (`header_for`); the sheets' names are what schools type, which
the warehouse does not rely on (a sheet is recognised by its header).

Workbooks are written in memory (xlsxwriter's `in_memory`): a small workbook then costs about a
millisecond and a half instead of twenty, which is what lets every sending school have one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from warehouse import contracts
from warehouse.contracts import Column, ListItem

from . import names as N
from .admin_rows import ACADEMIC, BUDGET, GENERAL, PERSONNEL, STAFF, YEAR, Row
from .cells import THAI_DIGITS, Cell, code_cell, int_cell, year_cell
from .contract import SCHOOLS, table_contract
from .headers import header_for
from .workbook import CREATED, Formats, put_cell

INSTRUCTIONS, EXTRA = "instructions", "extra"  # the two sheets that hold no table
NUMBERED = "ที่"  # a running-number column (matches no contract column)
# Sheet names schools give each area, by naming style; `contract` uses each contract's own sheet name.
SHEET_NAMES = {
    "short": {ACADEMIC: "วิชาการ", BUDGET: "งบประมาณ", PERSONNEL: "บุคคล", GENERAL: "บริหารทั่วไป",
              STAFF: "รายชื่อครู"},
    "topic": {ACADEMIC: "ข้อมูลนักเรียน", BUDGET: "การเงิน", PERSONNEL: "อัตรากำลัง", GENERAL: "อาคารสถานที่",
              STAFF: "ทะเบียนบุคลากร"},
}
INSTRUCTIONS_SHEET = "คำชี้แจง"
EXTRA_SHEET = "สรุปโครงการ"
EXTRA_TABLE = (("ลำดับ", "ชื่อโครงการ", "ฝ่ายที่รับผิดชอบ", "ผลการดำเนินงาน"),
               ("1", "โครงการส่งเสริมนิสัยรักการอ่าน", "ฝ่ายวิชาการ", "บรรลุเป้าหมาย"),
               ("2", "โครงการโรงเรียนสะอาด ปลอดภัย", "ฝ่ายบริหารทั่วไป", "ดำเนินการต่อเนื่อง"),
               ("3", "โครงการพัฒนาครูด้านดิจิทัล", "ฝ่ายบริหารงานบุคคล", "ครูเข้าร่วมร้อยละ 90"))
DATA_DAY = "10 มิถุนายน 2568"


def sheet_names(style: str, order: list[str]) -> dict[str, str]:
    """The sheet name of each part in a naming style: contract, short, topic, numbered, default."""
    names: dict[str, str] = {INSTRUCTIONS: INSTRUCTIONS_SHEET, EXTRA: EXTRA_SHEET}
    tables = [t for t in order if t not in names]
    if style == "contract":
        names |= {t: table_contract(t).sheet for t in tables}
    elif style in SHEET_NAMES:
        names |= {t: SHEET_NAMES[style][t] for t in tables}
    elif style == "numbered":
        names |= {t: f"{i}.{SHEET_NAMES['short'][t]}" for i, t in enumerate(tables, start=1)}
    else:  # Excel's own names, never changed
        names = {t: f"Sheet{i}" for i, t in enumerate(order, start=1)}
    return {part: names[part] for part in order}


@dataclass
class Headers:
    """Header text of one sheet: per plain column, per group item (upper row), per sub-column (lower row)."""

    columns: dict[str, str]
    items: dict[tuple[str, str], str]  # (group list, item key)
    subs: dict[tuple[str, str], str]  # (sub list, sub key)


def make_headers(rng: random.Random, table: str, style: str) -> Headers:
    """Headers from the contract in a style: plain, aliases, noisy or english. Key columns and the sub-
    columns get no noise (nobody writes `จำนวนปีการศึกษา` or doubles a space in ชาย)."""
    contract = table_contract(table)
    english = style == "english"
    alias_p = {"aliases": 1.0, "noisy": 0.3}.get(style, 0.0)
    noise_p = 0.3 if style == "noisy" else 0.0
    columns, items, subs = {}, {}, {}
    for c in contract.columns:
        if not c.group:
            columns[c.name] = header_for(c, rng, alias_p, 0.0 if c.name in contract.key else noise_p, english)
            continue
        if (c.group_list, c.group.key) not in items:
            items[(c.group_list, c.group.key)] = header_for(c.group, rng, alias_p, noise_p, english)
        sub_list = _sub_list(c)
        if (sub_list, c.sub.key) not in subs:
            subs[(sub_list, c.sub.key)] = header_for(c.sub, rng, alias_p, 0.0, english)
    return Headers(columns, items, subs)


def _sub_list(c: Column) -> str:
    """The list a group column's sub-column comes from (sexes, onet_subjects, personnel_counts)."""
    return next(name for name, items in contracts.lists().items() if c.sub in items)


@dataclass
class Look:
    """How one workbook looks: its sheets in order and their names, headers per table, noise, the academic
    columns deleted, title and notes rows."""

    order: list[str]  # parts (tables, INSTRUCTIONS, EXTRA) in workbook order
    names: dict[str, str]
    headers: dict[str, Headers]
    style: str  # the header style (for the truth's listing)
    noise: float = 0.5
    drop: tuple[str, ...] = ()
    titles: bool = True
    notes: bool = False
    id_forms: dict[str, str] = field(default_factory=dict)


# --- cells -----------------------------------------------------------------------------------------------

def decimal_cell(v: float | None, rng: random.Random, noise: float, unit: str | None = None) -> Cell:
    """A score, speed or distance: a number, or text (with a unit, in Thai digits)."""
    if v is None:
        return None
    if v < 0:
        return ("n", v)
    text = f"{v:g}"
    u = rng.random()
    if unit and u < 0.25 * noise:
        return ("s", f"{text} {unit}")
    if u < 0.35 * noise:
        return ("s", text.translate(THAI_DIGITS) if rng.random() < 0.4 else text)
    return ("n", v)


def money_cell(v: float | None, rng: random.Random, noise: float) -> Cell:
    """Baht: a number, `12,500.50` typed with separators, `12,500 บาท`, Thai digits, `-` for nothing."""
    if v is None:
        return None
    if v == 0:
        return ("s", "-") if rng.random() < 0.7 else ("n", 0)
    if v < 0:
        return ("s", f"{v:,.2f}") if rng.random() < 0.5 else ("n", v)
    text = f"{v:,.2f}" if v % 1 or rng.random() < 0.5 else f"{v:,.0f}"
    u = rng.random()
    if u < 0.15 * noise:
        return ("s", f"{text} บาท")
    if u < 0.25 * noise:
        return ("s", text.translate(THAI_DIGITS))
    if u < 0.6:
        return ("s", text)
    return ("n", v)


def list_cell(list_name: str, key: str, rng: random.Random, alias_p: float = 0.25) -> Cell:
    """A coded value as its Thai label, sometimes a Thai alias; a value not in the list as written."""
    item: ListItem | None = next((i for i in contracts.lists()[list_name] if i.key == key), None)
    if item is None:
        return ("s", key)
    thai = [a for a in item.aliases if not a.isascii()]
    return ("s", rng.choice(thai) if thai and rng.random() < alias_p else item.th)


def id_cell(number: str, form: str) -> Cell:
    """A citizen ID as schools type it: 1-2345-67890-12-3, spaced, plain text, Thai digits, a number."""
    dashed = f"{number[0]}-{number[1:5]}-{number[5:10]}-{number[10:12]}-{number[12]}"
    return {"dash": ("s", dashed), "space": ("s", dashed.replace("-", " ")), "plain": ("s", number),
            "thai": ("s", dashed.translate(THAI_DIGITS)), "number": ("n", int(number))}[form]


def bool_cell(v: bool | None) -> Cell:
    return None if v is None else ("s", "มี" if v else "ไม่มี")


def row_cells(row: Row, rng: random.Random, noise: float) -> dict[str, Cell]:
    """Every cell of one row by contract column name."""
    v = row.values
    out: dict[str, Cell] = {
        "academic_year": year_cell(row.year, rng, noise),
        "fiscal_year": year_cell(row.year, rng, noise),
        "school_code": code_cell(row.code, rng, noise) if row.school else ("s", row.code),
        "school_name": ("s", row.name) if row.name else None,
    }
    if row.table == ACADEMIC:
        for col, value in v.items():
            out[col] = int_cell(value, rng, noise) if not col.startswith("onet_") else decimal_cell(value, rng, noise)
    elif row.table == BUDGET:
        out["category"] = list_cell("budget_categories", v["category"], rng)
        out["received_baht"] = money_cell(v["received_baht"], rng, noise)
        out["spent_baht"] = money_cell(v["spent_baht"], rng, noise)
    elif row.table == PERSONNEL:
        out |= {col: int_cell(value, rng, noise) for col, value in v.items()}
    elif row.table == GENERAL:
        out |= {col: int_cell(v[col], rng, noise) for col in ("buildings", "computers_teaching", "computers_admin")}
        out["building_condition"] = list_cell("building_conditions", v["building_condition"], rng)
        out["internet"], out["electricity"] = bool_cell(v["internet"]), bool_cell(v["electricity"])
        out["internet_mbps"] = decimal_cell(v["internet_mbps"], rng, noise, "Mbps")
        out["distance_km"] = decimal_cell(v["distance_km"], rng, noise, "กม.")
    elif row.table == STAFF:
        out["full_name"] = ("s", v["full_name"])
        out["citizen_id"] = id_cell(v["citizen_id"], row.id_form)
        out["position"] = list_cell("positions", v["position"], rng)
    return out


# --- sheets ----------------------------------------------------------------------------------------------

def new_workbook(path: Path, title: str) -> xlsxwriter.Workbook:
    """`workbook.new_workbook`'s fixed properties, built in memory (no temporary files: 15x faster)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False, "in_memory": True})
    wb.set_properties({"title": title, "author": N.AREA, "company": N.AREA, "created": CREATED})
    return wb


def title_lines(table: str, school_line: str) -> list[str]:
    """Two title rows: the area's name, then the year and the school."""
    c = table_contract(table)
    year_col = "fiscal_year" if table == BUDGET else "academic_year"
    return [c.th, f"{c.column(year_col).th} {YEAR}  {school_line}"]


def school_line(name: str, district: str) -> str:
    s = table_contract(SCHOOLS)
    return f"{name} {s.column('district').th}{district} {s.column('province').th}{N.PROVINCE}"


def _plan_columns(table: str, drop: tuple[str, ...]) -> list[tuple[str, str | None, list[Column]]]:
    """("single", None, [col]) or ("group", group list, [cols of one item]) in contract order."""
    plan: list[tuple[str, str | None, list[Column]]] = []
    for c in table_contract(table).columns:
        if c.name in drop:
            continue
        if not c.group:
            plan.append(("single", None, [c]))
        elif plan and plan[-1][0] == "group" and plan[-1][2][0].group == c.group and plan[-1][1] == c.group_list:
            plan[-1][2].append(c)
        else:
            plan.append(("group", c.group_list, [c]))
    return plan


def _two_row_sheet(ws, fmt: Formats, table: str, rows: list[Row], look: Look, top: int,
                   rng: random.Random) -> int:
    """A merged two-row header (plain columns merged down, items merged across their sub-columns) and the
    data under it; returns the last row written."""
    h = look.headers[table]
    col_of: dict[str, int] = {}
    c = 0
    for kind, group_list, cols in _plan_columns(table, look.drop):
        if kind == "single":
            ws.merge_range(top, c, top + 1, c, h.columns[cols[0].name], fmt.header)
            col_of[cols[0].name] = c
            c += 1
            continue
        label = h.items[(group_list, cols[0].group.key)]
        if len(cols) > 1:
            ws.merge_range(top, c, top, c + len(cols) - 1, label, fmt.header)
        else:
            ws.write_string(top, c, label, fmt.header)
        for col in cols:
            ws.write_string(top + 1, c, h.subs[(_sub_list(col), col.sub.key)], fmt.header)
            col_of[col.name] = c
            c += 1
    r = top + 2
    for row in rows:
        cells = row_cells(row, rng, look.noise)
        for name, cc in col_of.items():
            put_cell(ws, r, cc, cells[name], fmt)
        r += 1
    return r - 1


def _one_row_sheet(ws, fmt: Formats, table: str, rows: list[Row], look: Look, top: int, rng: random.Random,
                   numbered: bool) -> int:
    """A one-row header (with a running-number column in front when `numbered`) and the data under it."""
    h = look.headers[table]
    names = [c.name for c in table_contract(table).columns if c.name not in look.drop]
    first = 1 if numbered else 0
    if numbered:
        ws.write_string(top, 0, NUMBERED, fmt.header)
    for j, name in enumerate(names):
        ws.write_string(top, first + j, h.columns[name], fmt.header)
    r = top + 1
    for i, row in enumerate(rows):
        cells = row_cells(row, rng, look.noise)
        if numbered:
            ws.write_number(r, 0, i + 1)
        for j, name in enumerate(names):
            put_cell(ws, r, first + j, cells[name], fmt)
        r += 1
    return r - 1


def _instructions(wb: xlsxwriter.Workbook, fmt: Formats, name: str) -> None:
    """คำชี้แจง: what the office asks, in column A only (no header the warehouse could mistake)."""
    areas = ", ".join(table_contract(t).sheet for t in (ACADEMIC, BUDGET, PERSONNEL, GENERAL))
    lines = [
        "คำชี้แจงการกรอกข้อมูลสารสนเทศเพื่อการบริหารและการจัดการศึกษา 4 ด้าน",
        f"1. กรอกข้อมูลให้ครบทุกด้าน ได้แก่ {areas}",
        "2. ชั้นที่โรงเรียนไม่ได้เปิดสอนให้เว้นว่าง ชั้นที่เปิดสอนแต่ไม่มีนักเรียนให้ใส่ 0 หรือ -",
        f"3. ข้อมูลนักเรียน ณ วันที่ {DATA_DAY}",
        "4. จำนวนเงินให้กรอกเป็นบาท ไม่ต้องใส่หน่วย",
        "5. บัญชีรายชื่อบุคลากร (ถ้ามี) ใช้ภายในเขตพื้นที่เท่านั้น",
    ]
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, lines[0], fmt.title)
    for r, line in enumerate(lines[1:], start=2):
        ws.write_string(r, 0, line)


def _extra(wb: xlsxwriter.Workbook, fmt: Formats, name: str) -> None:
    """A sheet the school added for itself: a table whose header matches no contract."""
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, f"สรุปผลการดำเนินโครงการ ปีการศึกษา {YEAR}", fmt.title)
    for r, line in enumerate(EXTRA_TABLE, start=2):
        for c, text in enumerate(line):
            ws.write_string(r, c, text, fmt.header if r == 2 else None)


def write_admin_xlsx(path: Path, rows: dict[str, list[Row]], look: Look, where: str, rng: random.Random) -> None:
    """One school's four-area workbook: each part on its sheet, in the look's order and names."""
    wb = new_workbook(path, "ข้อมูลสารสนเทศ 4 ด้าน")
    fmt = Formats(wb)
    for part in look.order:
        if part == INSTRUCTIONS:
            _instructions(wb, fmt, look.names[part])
            continue
        if part == EXTRA:
            _extra(wb, fmt, look.names[part])
            continue
        ws = wb.add_worksheet(look.names[part])
        top = 0
        if look.titles:
            for r, text in enumerate(title_lines(part, where)):
                ws.write_string(r, 0, text, fmt.title if r == 0 else None)
            top = 3
        if part in (ACADEMIC, PERSONNEL):
            last = _two_row_sheet(ws, fmt, part, rows[part], look, top, rng)
        else:
            last = _one_row_sheet(ws, fmt, part, rows[part], look, top, rng, numbered=part == STAFF)
        if look.notes:
            ws.write_string(last + 2, 0, f"หมายเหตุ ข้อมูล ณ วันที่ {DATA_DAY}")
    wb.close()
