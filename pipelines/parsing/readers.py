"""Read any landing file into sheets of raw text cells, keeping the position of every cell.

xlsx through fastexcel (calamine): about 10x faster than openpyxl on these workbooks
(benchmarks/ingest). `header_row=None, skip_rows=0` keeps leading empty rows, so row i of a sheet is
Excel row i+1 and errors can name the real row.
CSV in UTF-8, UTF-8 with BOM, or Thai Windows encoding (cp874, a superset of TIS-620).
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from pipelines.parsing.errors import FileProblem

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
SUPPORTED = EXCEL_SUFFIXES | CSV_SUFFIXES
CSV_ENCODINGS = ("utf-8-sig", "cp874")
CSV_WIDTH_SCAN_LINES = 64


@dataclass(frozen=True)
class Sheet:
    """A sheet as a frame of strings `c0..cN`; `col_offset` is the 0-based column of `c0`."""

    name: str
    cells: pl.DataFrame
    col_offset: int = 0

    def column_letter(self, j: int) -> str:
        n, letters = self.col_offset + j + 1, ""
        while n:
            n, r = divmod(n - 1, 26)
            letters = chr(65 + r) + letters
        return letters


def _normalise_columns(df: pl.DataFrame) -> pl.DataFrame:
    return df.rename({old: f"c{i}" for i, old in enumerate(df.columns)}).select(pl.all().cast(pl.String))


def read_excel(path: Path) -> list[Sheet]:
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:  # calamine raises its own error types for non-workbooks
        raise FileProblem(
            "not_a_workbook",
            th=f"เปิดเป็นไฟล์ Excel ไม่ได้ (ไฟล์อาจไม่ใช่ {path.suffix} จริง): {exc}".splitlines()[0],
            en=f"cannot open as an Excel workbook (not really {path.suffix}?): {exc}".splitlines()[0],
        ) from exc
    sheets = []
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        offset = sheet.available_columns()[0].absolute_index if sheet.width else 0
        sheets.append(Sheet(name=name, cells=_normalise_columns(sheet.to_polars()), col_offset=offset))
    return sheets


def decode_csv(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes, trying UTF-8 (with or without BOM) before cp874. Returns (text, encoding)."""
    for enc in CSV_ENCODINGS:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise FileProblem(
        "bad_encoding",
        th="อ่านไฟล์ CSV ไม่ได้: ไม่ใช่ UTF-8 หรือ TIS-620/cp874",
        en="cannot decode CSV: neither UTF-8 nor TIS-620/cp874",
    )


def read_csv(path: Path) -> list[Sheet]:
    text, _ = decode_csv(path.read_bytes())
    if not text.strip():
        return [Sheet(name="csv", cells=pl.DataFrame())]
    # Polars takes the width from the first line: a one-field title line would cut every row to one
    # column. Take it from the widest line among those a header can be on (parsing.headers scans 30).
    width = max(map(len, itertools.islice(csv.reader(io.StringIO(text)), CSV_WIDTH_SCAN_LINES)), default=1)
    df = pl.read_csv(
        io.BytesIO(text.encode("utf-8")),
        has_header=False,
        infer_schema=False,
        truncate_ragged_lines=True,
        schema={f"c{i}": pl.String for i in range(max(width, 1))},
        missing_columns="insert",
    )
    return [Sheet(name="csv", cells=_normalise_columns(df))]


def read_sheets(path: Path) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel(path)
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    raise FileProblem(
        "unsupported",
        th=f"ไม่รองรับไฟล์ชนิด {suffix or '(ไม่มีนามสกุล)'} — ส่งเป็น .xlsx หรือ .csv",
        en=f"unsupported file type {suffix or '(none)'}: send .xlsx or .csv",
    )
