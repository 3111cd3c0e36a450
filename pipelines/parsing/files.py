"""One landing file -> raw rows per table, each row with its file, sheet and Excel row number.

A sheet is recognised as a table by its headers (no file naming convention needed). Title rows,
blank rows and the notes row (`หมายเหตุ ...`) at the bottom are not data. A sheet with no known header
is skipped with a note, except the instructions sheet of the office's own template (`khlang template`).
Raw values stay text here; casting to contract types happens in `pipelines.casting` so every parse
failure can name its cell.

Per-file problems: a header naming one contract column twice (which value is meant is unknown, and
dropping one would lose it silently) names the column and both column letters; a file whose known
headers have no data row under them says so (kind `no_data_rows`) instead of passing as an empty
submission. A sheet with no data rows next to sheets with rows is a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.parsing.errors import FileProblem
from pipelines.parsing.headers import HeaderMatch, find_header
from pipelines.parsing.readers import Sheet, read_file
from warehouse.contracts import Contract, contracts

NOTE_WORDS = ["หมายเหตุ", "note"]  # the words a notes row starts with (lower case)
NOTES_ROW = r"^[\s*\-•#]*(" + "|".join(NOTE_WORDS) + ")"  # the row's first non-empty text, lower-cased
VISIBLE = r"[^\s\u00a0\u200b\u200c\u200d\ufeff\u2060]"  # a cell with anything but blanks
LINEAGE = ["_sheet", "_row"]
# The instructions sheet of the office's blank templates (`khlang template`, warehouse/templates.py): not
# data, and expected, so skipped without a note (else every correctly filled template would report one).
TEMPLATE_INSTRUCTIONS_SHEET = "คำอธิบายการกรอก"


@dataclass
class ParsedFile:
    path: str  # relative to the landing folder, POSIX style
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # table -> raw rows + lineage
    notes: list[str] = field(default_factory=list)
    error: FileProblem | None = None


def _data_rows(sheet: Sheet, match: HeaderMatch) -> pl.DataFrame:
    """Rows below the header, up to the notes row, without blank rows; values as raw text."""
    body = sheet.cells.with_row_index("_i").slice(match.data_start)
    # The notes row: a row's cells joined, so its first text decides. Lower-casing and matching every
    # row of a million-row export was a third of its parse: only rows holding a notes word are. (One
    # expression over the joined row, not one per column: a 40-column sheet of six rows paid ~10 ms
    # building a matcher per column.)
    row_text = pl.concat_str(sheet.cells.columns, separator=" ", ignore_nulls=True)
    candidates = body.filter(row_text.str.contains_any(NOTE_WORDS, ascii_case_insensitive=True).fill_null(False))
    if candidates.height:
        notes = candidates.filter(row_text.str.to_lowercase().str.contains(NOTES_ROW).fill_null(False))
        if notes.height:  # the first notes row ends the data
            body = body.filter(pl.col("_i") < notes.get_column("_i").min())
    selected = [
        (pl.col(f"c{match.columns[c.name]}") if c.name in match.columns else pl.lit(None, pl.String)).alias(c.name)
        for c in match.contract.columns
    ]
    rows = body.select(
        pl.lit(sheet.name).alias("_sheet"),
        (pl.col("_i") + 1).cast(pl.Int32).alias("_row"),
        *selected,
    )
    mapped = [c for c in match.contract.column_names if c in match.columns]
    # a visible character in any mapped cell = in the mapped cells joined (one regex, not one per column)
    any_value = pl.concat_str(mapped, ignore_nulls=True).str.contains(VISIBLE).fill_null(False)
    return rows.filter(any_value)


def _missing_columns_problem(sheet: Sheet, match: HeaderMatch) -> FileProblem:
    missing = match.missing_required
    th_names = ", ".join(c.header_th for c in missing)
    en_names = ", ".join(c.name for c in missing)
    return FileProblem(
        "missing_column",
        th=f"ไม่พบคอลัมน์ที่ต้องมี: {th_names} (ตาราง {match.contract.th}) — ตรวจหัวตารางหรือใช้แบบฟอร์มของ สพท.",
        en=f"required column(s) not found: {en_names} (table {match.contract.table})",
        sheet=sheet.name,
        row=match.header_row + 1,
        column=missing[0].header_th,
        table=match.contract.table,
    )


def _label(sheet: Sheet, match: HeaderMatch, j: int) -> str:
    """The header as written at column j (both rows of a two-row header)."""
    rows = sheet.cells.slice(match.header_row, match.data_start - match.header_row).get_column(f"c{j}").to_list()
    return " ".join(" ".join(str(v).split()) for v in rows if v is not None and str(v).strip())


def _duplicate_column_problem(sheet: Sheet, match: HeaderMatch) -> FileProblem:
    name, first, second = match.duplicates[0]
    col = match.contract.column(name)
    a, b = sheet.column_letter(first), sheet.column_letter(second)
    la, lb = _label(sheet, match, first), _label(sheet, match, second)
    return FileProblem(
        "duplicate_column",
        th=f"หัวตารางมีคอลัมน์ '{col.header_th}' ซ้ำกันสองคอลัมน์: {a} ('{la}') และ {b} ('{lb}') "
        "— ไม่ทราบว่าค่าใดถูกต้อง ลบคอลัมน์ที่ซ้ำให้เหลือคอลัมน์เดียวแล้วส่งใหม่",
        en=f"the header has column '{col.header_th}' ({name}) twice: {a} ('{la}') and {b} ('{lb}'); "
        "which value is meant is unknown, keep one column and send again",
        sheet=sheet.name,
        row=match.header_row + 1,
        column=col.header_th,
        table=match.contract.table,
    )


def _no_rows_message(sheet: Sheet, match: HeaderMatch) -> tuple[str, str]:
    return (
        f"ชีต '{sheet.name}' มีแต่หัวตาราง{match.contract.th} (แถว {match.header_row + 1}) ไม่มีแถวข้อมูล",
        f"sheet '{sheet.name}' has the {match.contract.table} header (row {match.header_row + 1}) but no data rows",
    )


def parse_file(path: Path, landing: Path) -> ParsedFile:
    """Parse one file. Problems that stop the whole file come back in `.error`, never raised."""
    rel = path.relative_to(landing).as_posix()
    parsed = ParsedFile(path=rel)
    try:
        read = read_file(path)
        sheets = read.sheets
        parsed.notes.extend(read.notes)
        if all(s.cells.height == 0 for s in sheets):
            raise FileProblem("empty", th="ไฟล์ว่าง ไม่มีข้อมูลในชีตใดเลย", en="the file is empty: no sheet has any cell")
        known = list(contracts().values())
        partial: list[tuple[Sheet, HeaderMatch]] = []
        header_only: list[tuple[Sheet, HeaderMatch]] = []
        for sheet in sheets:
            match = find_header(sheet, known) if sheet.cells.height else None
            if match is None:
                if sheet.cells.height and sheet.name != TEMPLATE_INSTRUCTIONS_SHEET:
                    parsed.notes.append(f"ข้ามชีต '{sheet.name}': ไม่พบหัวตารางที่รู้จัก / sheet skipped: no known header")
                continue
            if match.duplicates:
                raise _duplicate_column_problem(sheet, match)
            if match.missing_required:
                partial.append((sheet, match))
                continue
            if match.unknown:
                parsed.notes.append(
                    f"ชีต '{sheet.name}': ไม่ได้ใช้คอลัมน์ {', '.join(match.unknown)} / ignored columns"
                )
            rows = _data_rows(sheet, match)
            if rows.height == 0:
                header_only.append((sheet, match))
                continue
            table = match.contract.table
            parsed.tables[table] = pl.concat([parsed.tables[table], rows]) if table in parsed.tables else rows
        if not parsed.tables:
            if partial:
                raise _missing_columns_problem(*max(partial, key=lambda p: p[1].score))
            if header_only:
                sheet, match = header_only[0]
                th, en = _no_rows_message(sheet, match)
                raise FileProblem(
                    "no_data_rows",
                    th=f"{th} — ไม่มีข้อมูลให้นำเข้า กรอกข้อมูลใต้หัวตารางแล้วส่งใหม่",
                    en=f"{en}: nothing to ingest; fill in the rows under the header and send again",
                    sheet=sheet.name,
                    row=match.header_row + 1,
                    table=match.contract.table,
                )
            raise FileProblem(
                "unknown_table",
                th="ไม่พบหัวตารางของแบบสำรวจใดในไฟล์ — ใช้แบบฟอร์มของ สพท.",
                en="no sheet has the header of any known survey or register",
            )
        for sheet, match in partial:
            problem = _missing_columns_problem(sheet, match)
            parsed.notes.append(f"{problem.th} / {problem.en} ({problem.where()})")
        for sheet, match in header_only:
            parsed.notes.append(" / ".join(_no_rows_message(sheet, match)))
    except FileProblem as problem:
        parsed.error = problem
        parsed.tables = {}
    except Exception as exc:  # a file nobody foresaw must not stop the batch: report it, go on
        parsed.error = FileProblem(
            "unreadable",
            th="อ่านไฟล์นี้ไม่ได้ — เปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง หรือแจ้งกลุ่ม ICT",
            en="cannot read the file: save it again as .xlsx and resend, or tell the ICT group",
            detail=f"{type(exc).__name__}: {exc}".splitlines()[0],
        )
        parsed.tables = {}
    return parsed


def lineage_of(contract: Contract) -> list[str]:
    return LINEAGE + contract.column_names
