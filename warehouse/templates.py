"""Blank templates (แบบฟอร์มเปล่า): one .xlsx per survey, built from its contract (DATA_CONTRACT section 4),
so that schools fill in exactly what the warehouse reads.

Built from the contract because everything in it must agree with the parser: the headers are the
contract's Thai headers that `pipelines.parsing.headers` matches (a merged two-row header, item over
its sub-columns, where the contract has group columns); a coded column's drop-down offers its list's
Thai labels (a yes/no column the parser's Thai yes/no words), which casting maps back to keys; code,
phone and date columns are text cells ('@') so leading zeros and `dd/mm/yyyy` BE stay as typed
(a date cell could read 05/01 as 1 May on a US-locale Excel). A contract added later gets its template
with no code change.

The workbook: the data sheet first (a title row, a hint row, the header, an input message on every
column), then the instructions sheet `INSTRUCTIONS_SHEET` (texts from `warehouse.template_text`): how
to fill in, a table of the columns, the drop-down lists themselves (the validations point at those
cells, so a list has no 255-character limit), and the rules the office checks. The parser names that
sheet and skips it without a note (pipelines/parsing/files.py), so a correctly filled template checks
clean.

Which tables get one: every table a person keeps in a spreadsheet, the register (`schools`) and the
office's allocation register included. Tables loaded incrementally are the platforms' machine exports
(CSV/Parquet written by software, millions of rows): nobody types them, so they get none.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipelines.parsing.files import TEMPLATE_INSTRUCTIONS_SHEET as INSTRUCTIONS_SHEET
from warehouse.contracts import SHEET_NAME_FORBIDDEN, SHEET_NAME_MAX, Column, Contract, contracts
from warehouse.template_text import choices, column_help, general_notes, rule_lines

SHEET_FORBIDDEN = str.maketrans({ch: "-" for ch in SHEET_NAME_FORBIDDEN})
FONT = "Tahoma"  # on every Windows and Mac and renders Thai; TH Sarabun New is not installed everywhere
DATA_ROWS = 5000  # rows under the header that carry the drop-downs and input messages
TEXT_TYPES = ("code", "phone", "date", "datetime")  # written into text cells ('@')
TITLE_ROWS = 3  # title, hint, a blank row; the header starts below
INPUT_TITLE_MAX, INPUT_MESSAGE_MAX = 32, 255  # Excel's limits on a data validation's input message
LEADING_VOWELS = "เแโใไ"  # written before the consonant they follow in speech: never the last letter kept


def has_template(contract: Contract) -> bool:
    """Typed by people (loaded whole) rather than exported by a platform (loaded incrementally)."""
    return contract.load == "whole"


def template_tables() -> list[str]:
    return [t for t, c in contracts().items() if has_template(c)]


def _cut(text: str, limit: int, mark: str = "…") -> str:
    """`text` in at most `limit` characters: cut at the last space or dash that leaves a readable start,
    else between characters, never between a Thai consonant and its vowel or tone mark (nor after a
    vowel written before its consonant)."""
    if len(text) <= limit:
        return text
    room = limit - len(mark)
    breaks = [i for i, ch in enumerate(text[: room + 1]) if ch in " -–("]
    end = breaks[-1] if breaks and breaks[-1] >= room // 2 else room
    while end > 0 and (unicodedata.category(text[end]) in ("Mn", "Me") or text[end - 1] in LEADING_VOWELS):
        end -= 1
    return text[:end].rstrip(" -–(") + mark


def sheet_name(contract: Contract) -> str:
    """The data sheet's name: the contract's `sheet:`, else its Thai name made a legal sheet name."""
    if contract.sheet:
        return contract.sheet
    return _cut(" ".join(contract.th.translate(SHEET_FORBIDDEN).split()).strip("'"), SHEET_NAME_MAX)


@dataclass(frozen=True)
class Layout:
    """Where things are on the data sheet (0-based rows and columns, as xlsxwriter and Polars count)."""

    sheet: str
    header_rows: tuple[int, ...]  # one row, or two for a merged two-row header
    first_data_row: int
    columns: dict[str, int]  # contract column -> sheet column


def layout(contract: Contract) -> Layout:
    two = any(c.group for c in contract.columns)
    header = (TITLE_ROWS, TITLE_ROWS + 1) if two else (TITLE_ROWS,)
    return Layout(sheet_name(contract), header, header[-1] + 1, {c.name: j for j, c in enumerate(contract.columns)})


def _runs(contract: Contract) -> list[list[Column]]:
    """Contract columns in order, consecutive columns of one group together (one merged top cell)."""
    runs: list[list[Column]] = []
    for c in contract.columns:
        if c.group and runs and runs[-1][0].group == c.group:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


class _Formats:
    def __init__(self, wb):
        base = {"valign": "vcenter", "text_wrap": True, "border": 1}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.hint = wb.add_format({"italic": True, "font_color": "#595959"})
        self.header = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#DDEBF7"})
        self.required = wb.add_format({**base, "bold": True, "align": "center", "bg_color": "#F8CBAD"})
        self.text = wb.add_format({"num_format": "@"})
        self.cell = wb.add_format({**base, "valign": "top"})
        self.table_head = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7"})
        self.section = wb.add_format({"bold": True, "font_size": 12})
        self.english = wb.add_format({"font_color": "#595959"})


def _both(pair: tuple[str, str]) -> str:
    """Thai over English in one cell; once when they are the same (`0–15`)."""
    return "\n".join(dict.fromkeys(p for p in pair if p))


def _width(text: str) -> int:
    """Display width: Thai vowel and tone marks take none."""
    return sum(unicodedata.category(ch) not in ("Mn", "Me", "Cf") for ch in text)


def _write_instructions(ws, contract: Contract, at: Layout, fmt: _Formats) -> dict[str, tuple[int, int]]:
    """The instructions sheet. Returns, per coded column, the rows of its list's Thai labels (column B)."""
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 24)
    ws.set_column(3, 6, 30)
    ws.write_string(0, 0, f"คำอธิบายการกรอก{contract.th}", fmt.title)
    ws.write_string(1, 0, f"How to fill in: {contract.en} (table {contract.table}, section {contract.section})", fmt.english)
    r = 3
    notes = general_notes(contract, at.sheet, tuple(h + 1 for h in at.header_rows), at.first_data_row + 1)
    for i, (th, en) in enumerate(notes, start=1):
        ws.write_string(r, 0, f"{i}. {th}")
        ws.write_string(r + 1, 0, f"    {en}", fmt.english)
        r += 2
    r += 1
    ws.write_string(r, 0, "คอลัมน์ในแบบฟอร์ม / columns", fmt.section)
    r += 1
    heads = ["คอลัมน์\ncolumn", "หัวตาราง (ภาษาไทย)\nheader", "ชื่อภาษาอังกฤษ\nEnglish name", "ชนิดข้อมูล\ntype",
             "ต้องกรอก\nrequired", "ค่าที่ใช้ได้\nallowed values", "วิธีกรอก\nhow to write"]
    for j, h in enumerate(heads):
        ws.write_string(r, j, h, fmt.table_head)
    r += 1
    for col in contract.columns:
        h = column_help(contract, col)
        row = [xl_col_to_name(at.columns[col.name]), col.header_th, col.en, _both(h.type), _both(h.required),
               _both(h.allowed), _both(h.how)]
        for j, v in enumerate(row):
            ws.write_string(r, j, v, fmt.cell)
        r += 1
    ranges: dict[str, tuple[int, int]] = {}
    coded = [c for c in contract.columns if choices(c)]
    if coded:
        r += 1
        ws.write_string(r, 0, "รายการให้เลือก / drop-down lists", fmt.section)
        r += 1
        by_list: dict[str, tuple[int, int]] = {}
        for col in coded:
            source = col.list or col.type  # every yes/no column shares one list
            if source in by_list:
                ranges[col.name] = by_list[source]
                continue
            users = ", ".join(c.header_th for c in coded if (c.list or c.type) == source)
            ws.write_string(r, 0, "รายการ\nlist", fmt.table_head)
            ws.write_string(r, 1, users, fmt.table_head)
            ws.write_string(r, 2, "English", fmt.table_head)
            r += 1
            items = choices(col) or ()
            for item in items:
                ws.write_string(r, 1, item.th, fmt.cell)
                ws.write_string(r, 2, item.en, fmt.cell)
                r += 1
            by_list[source] = ranges[col.name] = (r - len(items), r - 1)
            r += 1
    rules = rule_lines(contract)
    if rules:
        r += 1
        ws.write_string(r, 0, "สิ่งที่ สพท. ตรวจ / what the office checks", fmt.section)
        r += 1
        for j, h in enumerate(["รหัสกฎ\nrule", "ผลเมื่อไม่ตรง\nwhen broken", "เกณฑ์ (ภาษาไทย)", "criterion (English)"]):
            ws.write_string(r, j, h, fmt.table_head)
        r += 1
        for line in rules:
            for j, v in enumerate([line.rule_id, _both(line.severity), *line.text]):
                ws.write_string(r, j, v, fmt.cell)
            r += 1
    return ranges


def _input_message(contract: Contract, col: Column) -> dict:
    h = column_help(contract, col)
    lines = [col.en, " / ".join(h.type)]
    lines += [f"{h.required[0]} / {h.required[1]}"]
    if h.allowed[0]:
        lines.append(h.allowed[0])
    if h.how[0]:
        lines.append(h.how[0])
    message = "\n".join(lines)
    return {"input_title": _cut(col.header_th, INPUT_TITLE_MAX), "input_message": _cut(message, INPUT_MESSAGE_MAX)}


def _write_data_sheet(ws, contract: Contract, at: Layout, fmt: _Formats, ranges: dict[str, tuple[int, int]]) -> None:
    first = at.first_data_row
    ws.write_string(0, 0, f"{contract.th} / {contract.en}", fmt.title)
    ws.write_string(1, 0, f"กรอกข้อมูลตั้งแต่แถวที่ {first + 1} อ่านคำอธิบายในชีต '{INSTRUCTIONS_SHEET}' "
                          f"/ fill in from row {first + 1}; see sheet '{INSTRUCTIONS_SHEET}'", fmt.hint)
    top, bottom = at.header_rows[0], at.header_rows[-1]
    for run in _runs(contract):
        j0, j1 = at.columns[run[0].name], at.columns[run[-1].name]
        style = fmt.required if any(c.required for c in run) else fmt.header
        if run[0].group and len(at.header_rows) == 2:
            if j1 > j0:
                ws.merge_range(top, j0, top, j1, run[0].group.th, style)
            else:
                ws.write_string(top, j0, run[0].group.th, style)
            for c in run:
                ws.write_string(bottom, at.columns[c.name], c.sub.th, fmt.required if c.required else fmt.header)
        elif bottom > top:
            ws.merge_range(top, j0, bottom, j0, run[0].th, style)
        else:
            ws.write_string(top, j0, run[0].th, style)
    for col in contract.columns:
        j = at.columns[col.name]
        label = col.sub.th if col.sub else col.th
        width = max(_width(label) + 2, 14 if col.type in TEXT_TYPES else 9)
        ws.set_column(j, j, min(width, 40), fmt.text if col.type in TEXT_TYPES else None)
        check = {"validate": "any"}
        if col.name in ranges:
            r0, r1 = ranges[col.name]
            check = {"validate": "list", "source": f"='{INSTRUCTIONS_SHEET}'!$B${r0 + 1}:$B${r1 + 1}",
                     "error_title": "ค่าไม่อยู่ในรายการ", "error_message": "เลือกค่าจากรายการ / pick a value from the list"}
        ws.data_validation(first, j, first + DATA_ROWS - 1, j, {**check, **_input_message(contract, col)})
    for r in at.header_rows:
        ws.set_row(r, 36)
    ws.freeze_panes(first, 0)


def write_template(contract: Contract, path: Path) -> Layout:
    """Write the blank template of `contract` to `path` (.xlsx). Returns where its columns are."""
    at = layout(contract)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False,
                                         "default_format_properties": {"font_name": FONT, "font_size": 10}})
    try:
        wb.set_properties({"title": contract.th, "subject": f"แบบฟอร์ม{contract.th} / {contract.en} template",
                           "comments": f"khlang template {contract.table}"})
        fmt = _Formats(wb)
        data = wb.add_worksheet(at.sheet)
        guide = wb.add_worksheet(INSTRUCTIONS_SHEET)
        ranges = _write_instructions(guide, contract, at, fmt)
        _write_data_sheet(data, contract, at, fmt, ranges)
        data.activate()
    finally:
        wb.close()
    return at

