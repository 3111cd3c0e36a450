"""Landing files written by code in the test (never binary fixtures).

`write_xlsx` writes a workbook with xlsxwriter: strings as strings, ints/floats as number cells,
dates/datetimes as real Excel date cells with a date format, bools as boolean cells, None as no cell.
Merged ranges take their value from the top-left cell of the given rows, as Excel shows them.
`write_csv` writes rows as CSV text in a given encoding.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import xlsxwriter

Cell = str | int | float | bool | dt.date | None
Merge = tuple[int, int, int, int]  # first_row, first_col, last_row, last_col (0-based, inclusive)


def write_workbook(path: Path, sheets: dict[str, list[list[Cell]]], merges: dict[str, list[Merge]] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    merge_fmt = wb.add_format({"align": "center", "valign": "vcenter", "text_wrap": True})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        covered: set[tuple[int, int]] = set()
        for r1, c1, r2, c2 in (merges or {}).get(name, []):
            value = rows[r1][c1] if r1 < len(rows) and c1 < len(rows[r1]) else None
            ws.merge_range(r1, c1, r2, c2, "" if value is None else value, merge_fmt)
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, c, value)
                elif isinstance(value, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, value, date_fmt)
                else:
                    ws.write_string(r, c, value)
    wb.close()
    return path


def csv_bytes(rows: list[list[str | None]], encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode(encoding)


@pytest.fixture
def landing(tmp_path) -> Path:
    root = tmp_path / "landing"
    root.mkdir()
    return root


@pytest.fixture
def write_xlsx(landing):
    def write(name: str, sheets: dict[str, list[list[Cell]]], merges: dict[str, list[Merge]] | None = None) -> Path:
        return write_workbook(landing / name, sheets, merges)

    return write


@pytest.fixture
def write_csv(landing):
    def write(name: str, rows: list[list[str | None]], encoding: str = "utf-8") -> Path:
        path = landing / name
        path.write_bytes(csv_bytes(rows, encoding))
        return path

    return write


@pytest.fixture
def write_bytes(landing):
    def write(name: str, data: bytes) -> Path:
        path = landing / name
        path.write_bytes(data)
        return path

    return write
