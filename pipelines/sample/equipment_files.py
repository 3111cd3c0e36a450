"""DLTV equipment survey files: workbooks with the merged two-row header, the cluster CSV, broken files.

Title rows, an instructions sheet, an extra remarks column, blank gap rows and a notes row are what real
school workbooks carry around their table; the cluster's CSV is cp874 (Thai Windows) with a one-row header.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from warehouse import contracts

from . import names as N
from .cells import Cell, cell_text, code_cell, date_cell, int_cell, phone_cell, year_cell
from .contract import EQUIPMENT, SCHOOLS, item_keys, table_contract
from .headers import EquipmentHeaders
from .surveys import Survey
from .workbook import Formats, data_rows, new_workbook, put_cell


def equipment_title(fy: int, second: str) -> list[str]:
    """Two title rows above an equipment header: the survey's name, then the year and who."""
    fy_th = table_contract(EQUIPMENT).column("fiscal_year").th
    return [f"{table_contract(EQUIPMENT).th} (DLTV)", f"{fy_th} {fy}  {second}"]


def single_title(row: Survey, fy: int) -> list[str]:
    """Title rows of a one-school workbook: the school, its amphoe and province."""
    s = table_contract(SCHOOLS)
    where = f"{row.school.name} {s.column('district').th}{row.school.district} {s.column('province').th}{N.PROVINCE}"
    return equipment_title(fy, where)


def default_notes() -> tuple[str, ...]:
    """The notes row under a survey table, explaining the two request columns."""
    subs = {s.key: s.th for s in contracts.lists()["dltv_subcolumns"]}
    return (f"หมายเหตุ {subs['request_replace']} = ชำรุดซ่อมไม่ได้ {subs['request_repair']} = ชำรุดซ่อมได้",)


@dataclass
class EquipmentLayout:
    """How one equipment workbook looks: headers, titles, extra sheet/column, noise and date forms."""

    headers: EquipmentHeaders
    title: list[str]
    sheet: str = "แบบสำรวจ"
    instructions: bool = False
    extra_column: str | None = None
    drop: tuple[str, ...] = ()
    noise: float = 1.0
    dates: dict[str, float] = field(default_factory=lambda: {"excel": 1.0})
    notes: tuple[str, ...] = field(default_factory=default_notes)


def _equipment_cells(row: Survey, rng: random.Random, noise: float, dates: dict[str, float],
                     invisible: bool = True) -> dict[str, Cell]:
    """Every cell of one survey row, by contract column name (blank/unreadable cells as injected)."""
    cells: dict[str, Cell] = {
        "fiscal_year": year_cell(row.fiscal_year, rng, noise),
        "school_code": ("s", row.code) if row.code != row.resolved_code
        else code_cell(row.code, rng, noise, invisible, row.code_form),
        "school_name": ("s", row.name),
        "dltv_classrooms": int_cell(row.classrooms, rng, noise),
        "survey_date": date_cell(row.survey_date, rng, dates, row.ce_form, row.date_form),
        "reporter_name": ("s", row.reporter),
        "reporter_phone": phone_cell(row.phone, rng, noise),
    }
    for col, v in row.counts.items():
        cells[col] = int_cell(v, rng, noise)
    for col, text in row.unreadable.items():
        cells[col] = ("s", text)
    for col in row.blank:
        cells[col] = None
    return cells


def _column_plan(drop: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Contract columns in order, consecutive group columns folded into ("group", item, [cols])."""
    plan: list[tuple[str, Any]] = []
    for c in table_contract(EQUIPMENT).columns:
        if c.name in drop:
            continue
        if c.group and plan and plan[-1][0] == "group" and plan[-1][1] == c.group.key:
            plan[-1][2].append(c)
        elif c.group:
            plan.append(("group", c.group.key, [c]))
        else:
            plan.append(("single", c.name, None))
    return plan


def _instructions_sheet(wb: xlsxwriter.Workbook, fmt: Formats) -> None:
    """คำชี้แจง: the instructions sheet that precedes the data sheet in many school workbooks."""
    subs = {s.key: s.th for s in contracts.lists()["dltv_subcolumns"]}
    ws = wb.add_worksheet("คำชี้แจง")
    lines = [
        "คำชี้แจงการกรอก" + table_contract(EQUIPMENT).th,
        "1. กรอกข้อมูลโรงเรียนละ 1 แถว",
        "2. อุปกรณ์ที่ไม่มีให้ใส่ 0 หรือ -",
        f"3. {subs['working']} + {subs['broken']} ต้องเท่ากับ{subs['total']}",
        f"4. {subs['request_replace']} + {subs['request_repair']} ต้องไม่เกินจำนวนที่{subs['broken']}",
        "5. ส่งกลุ่มส่งเสริมการศึกษาทางไกลฯ ภายในวันที่ 31 มกราคม 2569",
    ]
    ws.write_string(0, 0, lines[0], fmt.title)
    for r, line in enumerate(lines[1:], start=2):
        ws.write_string(r, 0, line)


def write_equipment_xlsx(path: Path, rows: list[Survey], layout: EquipmentLayout, rng: random.Random) -> None:
    """A DLTV survey workbook with the merged two-row header (items over their five sub-columns)."""
    contract = table_contract(EQUIPMENT)
    plan = _column_plan(layout.drop)
    width = sum(len(p[2]) if p[0] == "group" else 1 for p in plan) + (1 if layout.extra_column else 0)
    wb = new_workbook(path, contract.th)
    fmt = Formats(wb)
    if layout.instructions:
        _instructions_sheet(wb, fmt)
    ws = wb.add_worksheet(layout.sheet)
    for r, text in enumerate(layout.title):
        ws.merge_range(r, 0, r, width - 1, text, fmt.title)
    top = len(layout.title) + 1
    col_of: dict[str, int] = {}
    c = 0
    for kind, key, cols in plan:
        if kind == "single":
            ws.merge_range(top, c, top + 1, c, layout.headers.columns[key], fmt.header)
            col_of[key] = c
            c += 1
            continue
        ws.merge_range(top, c, top, c + len(cols) - 1, layout.headers.items[key], fmt.header)
        for col in cols:
            ws.write_string(top + 1, c, layout.headers.subs[(col.group.key, col.sub.key)], fmt.header)
            col_of[col.name] = c
            c += 1
    if layout.extra_column:
        ws.merge_range(top, c, top + 1, c, layout.extra_column, fmt.header)
    positions = data_rows(top + 2, len(rows), blanks=True)
    for r, row in zip(positions, rows):
        cells = _equipment_cells(row, rng, layout.noise, layout.dates)
        for name, cc in col_of.items():
            put_cell(ws, r, cc, cells[name], fmt, rng)
        if layout.extra_column and row.remark:
            ws.write_string(r, c, row.remark)
    last = positions[-1] if positions else top + 1
    for i, note in enumerate(layout.notes):
        ws.write_string(last + 2 + i, 0, note)
    ws.set_column(col_of.get("school_name", 2), col_of.get("school_name", 2), 30)
    ws.freeze_panes(top + 2, 0)
    wb.close()


def write_equipment_csv(path: Path, rows: list[Survey], rng: random.Random) -> None:
    """A cluster's CSV in cp874 (Thai Windows), one-row header `<item> <sub>` / `<item> - <sub>`."""
    cols = list(table_contract(EQUIPMENT).columns)
    half = set(item_keys()[: len(item_keys()) // 2])
    header = [
        (f"{c.group.th} {c.sub.th}" if c.group.key in half else c.header_th) if c.group else c.th for c in cols
    ]
    text_dates = {"slash": 1.0, "iso": 0.3, "abbr": 0.5, "full2": 0.3}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        cells = _equipment_cells(row, rng, 1.0, text_dates, invisible=False)
        w.writerow([cell_text(cells[c.name]) for c in cols])
    path.write_bytes(buf.getvalue().encode("cp874"))


def write_empty_xlsx(path: Path) -> None:
    """A workbook with one sheet and no cells at all (a per-file error: empty)."""
    wb = new_workbook(path, "")
    wb.add_worksheet()
    wb.close()


def write_text_as_xlsx(path: Path, row: Survey) -> None:
    """A UTF-8 text file saved with an .xlsx name (a per-file error: not a workbook)."""
    contract = table_contract(EQUIPMENT)
    names = ["fiscal_year", "school_code", "school_name", "dltv_classrooms"]
    lines = [",".join(contract.column(n).th for n in names),
             ",".join([str(row.fiscal_year), row.code, row.name, str(row.classrooms)])]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
