"""Readers: every landing file becomes sheets of raw text cells, and every cell keeps its position.

xlsx through fastexcel keeps leading empty rows and knows its first column, so row i of a sheet frame
is Excel row i+1. CSV comes in UTF-8, UTF-8 with BOM or Thai Windows encoding (cp874 / TIS-620).
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.parsing.errors import FileProblem
from pipelines.parsing.readers import Sheet, decode_csv, read_sheets
from tests.pipelines.parsing.conftest import csv_bytes

THAI_ROWS = [
    ["ปีงบประมาณ", "รหัสสถานศึกษา", "ชื่อสถานศึกษา", "ราคาต่อหน่วย (บาท)"],
    ["๒๕๖๙", "1034560001", "โรงเรียนบ้านหนองบัว (ประชาสามัคคี)", "1,250"],
    ["2569", "'1034560002", "โรงเรียนบ้านโนนสูง", "-"],
]


# --- xlsx --------------------------------------------------------------------------------------------


def test_leading_empty_rows_and_columns_keep_excel_positions(write_xlsx):
    path = write_xlsx("a.xlsx", {"ข้อมูล": [[], [], [None, None, "รหัสสถานศึกษา"], [None, None, "1034560001"]]})
    [sheet] = read_sheets(path)
    assert sheet.name == "ข้อมูล"
    assert sheet.cells.rows() == [(None,), (None,), ("รหัสสถานศึกษา",), ("1034560001",)]  # row i = Excel row i+1
    assert sheet.col_offset == 2 and sheet.column_letter(0) == "C"


@pytest.mark.parametrize(
    ("offset", "j", "letter"),
    [(0, 0, "A"), (0, 25, "Z"), (0, 26, "AA"), (2, 0, "C"), (0, 27, "AB"), (1, 51, "BA"), (0, 701, "ZZ"), (0, 702, "AAA")],
)
def test_column_letter(offset, j, letter):
    assert Sheet(name="s", cells=None, col_offset=offset).column_letter(j) == letter


@pytest.mark.parametrize(
    ("written", "text"),
    [
        pytest.param("โรงเรียนบ้านนา", "โรงเรียนบ้านนา", id="thai-string"),
        pytest.param("'1034560001", "'1034560001", id="apostrophe-string-kept-for-the-parser"),
        pytest.param("๒๕๖๙", "๒๕๖๙", id="thai-digits-string"),
        pytest.param(1250, "1250", id="integer-number-cell"),
        pytest.param(3.0, "3", id="whole-float-number-cell"),
        pytest.param(0.5, "0.5", id="fraction-number-cell"),
        pytest.param(1034560001, "1034560001", id="code-stored-as-number"),
        pytest.param(812345678, "812345678", id="phone-stored-as-number-lost-zero"),
        pytest.param(46037, "46037", id="date-typed-as-serial-number"),
        pytest.param(dt.date(2026, 1, 15), "2026-01-15 00:00:00", id="real-date-cell"),
        pytest.param(dt.datetime(2026, 1, 15, 13, 30), "2026-01-15 13:30:00", id="real-datetime-cell"),
        pytest.param(True, "true", id="boolean-cell"),
    ],
)
def test_cells_arrive_as_text(write_xlsx, written, text):
    path = write_xlsx("cells.xlsx", {"s": [["หัว"], [written]]})
    assert read_sheets(path)[0].cells.rows() == [("หัว",), (text,)]


def test_every_sheet_in_workbook_order_including_empty_ones(write_xlsx):
    path = write_xlsx("multi.xlsx", {"คำชี้แจง": [["อ่านก่อนกรอก"]], "ข้อมูล": [["a"], ["b"]], "ว่าง": []})
    sheets = read_sheets(path)
    assert [s.name for s in sheets] == ["คำชี้แจง", "ข้อมูล", "ว่าง"]
    assert [s.cells.height for s in sheets] == [1, 2, 0]


def test_merged_cells_hold_their_value_in_the_first_cell(write_xlsx):
    rows = [["กลุ่ม", None, None, "ข้าง"], ["ก", "ข", "ค", None], ["1", "2", "3", "4"]]
    path = write_xlsx("merged.xlsx", {"s": rows}, merges={"s": [(0, 0, 0, 2), (0, 3, 1, 3)]})
    assert read_sheets(path)[0].cells.rows() == [("กลุ่ม", None, None, "ข้าง"), ("ก", "ข", "ค", None), ("1", "2", "3", "4")]


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        pytest.param("แบบสำรวจ.xlsx", b"<html><body>export</body></html>", "not_a_workbook", id="html-without-a-table"),
        pytest.param("แบบสำรวจ.xlsx", b"", "empty", id="zero-bytes-xlsx"),
        pytest.param("แบบสำรวจ.xls", b"PK\x03\x04 truncated zip", "truncated", id="truncated-zip-named-xls"),
        pytest.param("แบบสำรวจ.xlsx", bytes(range(256)) * 4, "not_a_workbook", id="every-byte-value"),
    ],
)
def test_not_a_workbook(write_bytes, name, data, kind):
    with pytest.raises(FileProblem) as info:
        read_sheets(write_bytes(name, data))
    assert info.value.kind == kind
    assert "\n" not in info.value.th and "\n" not in info.value.en


def test_upper_case_extension_is_read(write_xlsx):
    assert read_sheets(write_xlsx("REGISTER.XLSX", {"s": [["a"]]}))[0].cells.rows() == [("a",)]


# --- csv ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874", "tis-620"])
def test_csv_encodings_read_to_the_same_rows(write_csv, encoding):
    [sheet] = read_sheets(write_csv(f"{encoding}.csv", THAI_ROWS, encoding))
    assert sheet.name == "csv"
    assert sheet.cells.rows() == [tuple(r) for r in THAI_ROWS]  # no BOM left in the first header cell


@pytest.mark.parametrize(
    ("encoding", "detected"), [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("cp874", "cp874"), ("tis-620", "cp874")]
)
def test_decode_csv(encoding, detected):
    text, used = decode_csv(csv_bytes(THAI_ROWS, encoding))
    assert used == detected
    assert text.startswith("ปีงบประมาณ,")


@pytest.mark.parametrize(
    ("data", "kind", "line"),
    [
        pytest.param(b"\xff\xd8\xff\xe0 not text", "bad_encoding", 1, id="jpeg-bytes"),
        pytest.param(b"a,b\r\n1,2\r\n\x00\x01\x02\x03,4\r\n", "not_text", 3, id="control-bytes-line-3"),
        pytest.param("\ufeffปี,รหัส\r\n2569,1\r\n2569,2\r\n25\x1b69,3\r\n".encode("utf-8"), "not_text", 4,
                     id="utf8-bom-thai-escape-line-4"),
        pytest.param("ปี,รหัส\n2569,\x0e1\n".encode("cp874"), "not_text", 2, id="cp874-control-line-2"),
        pytest.param("ปี,รหัส\r\n".encode("cp874") + "2569,1\r\nปี,รหัส\r\n".encode("utf-8"), "mixed_encoding", 3,
                     id="cp874-then-utf8-line-3"),
        pytest.param("ปี,รหัส\r\n2569,1\r\n".encode("utf-8") + "ปี,รหัส\r\n".encode("cp874"), "mixed_encoding", 3,
                     id="utf8-then-cp874-line-3"),
    ],
)
def test_undecodable_csv(write_bytes, data, kind, line):
    with pytest.raises(FileProblem) as info:
        read_sheets(write_bytes("export.csv", data))
    assert (info.value.kind, info.value.row) == (kind, line)
    assert f"{line}" in info.value.th and f"line {line}" in info.value.en


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"], ids=["bom", "le-no-bom", "be-no-bom", "utf-32-bom"]
)
def test_utf16_csv_reads_to_the_same_rows(write_csv, encoding):
    [sheet] = read_sheets(write_csv(f"{encoding}.csv", THAI_ROWS, encoding))
    assert sheet.cells.rows() == [tuple(r) for r in THAI_ROWS]


def test_utf16_tab_separated_unicode_text(write_bytes):
    """Excel's "Unicode Text": UTF-16 with BOM, tab-separated."""
    text = "\r\n".join("\t".join(r) for r in THAI_ROWS) + "\r\n"
    [sheet] = read_sheets(write_bytes("unicode.txt", text.encode("utf-16")))
    assert sheet.cells.rows() == [tuple(r) for r in THAI_ROWS]


def test_csv_title_row_narrower_than_the_header_keeps_every_column(write_bytes):
    """A title line with one field above a wide header: no column may be cut off."""
    data = "แบบสำรวจ DLTV ปีงบประมาณ 2569\nปีงบประมาณ,รหัสสถานศึกษา,จำนวน\n2569,1034560001,3\n".encode("cp874")
    [sheet] = read_sheets(write_bytes("titled.csv", data))
    assert sheet.cells.rows() == [
        ("แบบสำรวจ DLTV ปีงบประมาณ 2569", None, None),
        ("ปีงบประมาณ", "รหัสสถานศึกษา", "จำนวน"),
        ("2569", "1034560001", "3"),
    ]


def test_csv_blank_lines_are_kept_so_rows_are_line_numbers(write_bytes):
    [sheet] = read_sheets(write_bytes("blank.csv", b"a,b\r\n\r\n1,2\r\n"))
    assert sheet.cells.rows() == [("a", "b"), (None, None), ("1", "2")]


def test_csv_quoted_thousands_separator_stays_one_cell(write_csv):
    [sheet] = read_sheets(write_csv("q.csv", [["จำนวน", "ราคา"], ["3", "1,250"]]))
    assert sheet.cells.rows() == [("จำนวน", "ราคา"), ("3", "1,250")]


def test_csv_short_and_long_lines(write_bytes):
    [sheet] = read_sheets(write_bytes("ragged.csv", b"a,b,c\n1,2\n4,5,6\n"))
    assert sheet.cells.rows() == [("a", "b", "c"), ("1", "2", None), ("4", "5", "6")]


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"], ids=["zero-bytes", "bom-only", "blank-lines"])
def test_empty_csv_is_one_empty_sheet(write_bytes, data):
    [sheet] = read_sheets(write_bytes("empty.csv", data))
    assert sheet.cells.height == 0


def test_txt_is_read_as_csv(write_csv):
    assert read_sheets(write_csv("export.txt", [["a", "b"]]))[0].cells.rows() == [("a", "b")]


# --- anything else -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["แบบสำรวจ.pdf", "แบบสำรวจ.docx", "แบบสำรวจ.json", "แบบสำรวจ"])
def test_unsupported_extension(write_bytes, name):
    with pytest.raises(FileProblem) as info:
        read_sheets(write_bytes(name, b"whatever"))
    assert info.value.kind == "unsupported"
    assert ".xlsx" in info.value.th and ".csv" in info.value.en


# --- files that are not what their name says ---------------------------------------------------------


def test_html_table_saved_as_xls_keeps_tr_rows_and_merged_cells_in_their_first_cell(write_bytes):
    html = ("<html><body><p>ส่งออกจากระบบ</p><table>"
            "<tr><td colspan='3'>บัญชีจัดสรร ๒๕๖๙</td></tr>"
            "<tr><th>ปีงบประมาณ</th><th>รหัสสถานศึกษา</th><th>รายการ</th></tr>"
            "<tr><td rowspan='2'>2569</td><td>0104005001</td><td>จาน</td></tr>"
            "<tr><td>1040050012</td><td> ทีวี </td></tr>"
            "<tr><td></td><td></td><td></td></tr>"
            "</table></body></html>").encode("cp874")  # fmt: skip
    from pipelines.parsing.readers import read_file

    read = read_file(write_bytes("e-Budget.xls", html))
    [sheet] = read.sheets
    assert sheet.name == "ตาราง 1"
    assert sheet.cells.rows() == [
        ("บัญชีจัดสรร ๒๕๖๙", None, None),
        ("ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ"),
        ("2569", "0104005001", "จาน"),  # a code keeps its leading zero: HTML cells are text
        (None, "1040050012", "ทีวี"),
        (None, None, None),  # row 5 is the 5th <tr>, blank or not
    ]
    assert any("HTML" in n for n in read.notes)


def test_workbook_named_csv_is_read_as_a_workbook_with_a_note(write_xlsx, landing):
    from pipelines.parsing.readers import read_file

    src = write_xlsx("real.xlsx", {"ข้อมูล": [["รหัสสถานศึกษา"], ["1034560001"]]})
    renamed = src.rename(landing / "export.csv")
    read = read_file(renamed)
    assert [s.name for s in read.sheets] == ["ข้อมูล"] and read.sheets[0].cells.rows() == [("รหัสสถานศึกษา",), ("1034560001",)]
    assert any(".csv" in n and "Excel" in n for n in read.notes)


def test_formula_error_cells_come_back_as_the_text_excel_shows(tmp_path):
    import xlsxwriter

    path = tmp_path / "สูตร.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("ข้อมูล")
    ws.write_row(0, 2, ["จำนวน", "ราคา"])
    ws.write_formula(1, 2, "=1/0", None, "#DIV/0!")
    ws.write_formula(3, 3, "=A99", None, "#REF!")
    ws.write_formula(2, 2, "=1+1", None, 2)
    wb.close()
    [sheet] = read_sheets(path)
    assert sheet.col_offset == 2
    assert sheet.cells.rows() == [("จำนวน", "ราคา"), ("#DIV/0!", None), ("2", None), (None, "#REF!")]
