"""parse_file: one landing file -> raw rows per table with `_sheet`/`_row` lineage, notes, or one FileProblem.

Workbooks are laid out the way schools send them: an instructions sheet first, title rows, a merged
two-row header, blank rows, a notes row at the bottom and a signature line below it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipelines.parsing.files import lineage_of, parse_file
from warehouse.contracts import get

ITEMS = ["จานรับสัญญาณดาวเทียม", "หัวรับสัญญาณ LNB", "เครื่องรับสัญญาณดาวเทียม", "เครื่องรับโทรทัศน์"]
SUBS = ["มีทั้งหมด", "ใช้งานได้", "ชำรุด", "ขอทดแทน", "ขอซ่อม"]
GROUP_COLUMNS = [f"{i}_{s}" for i in ("dish", "lnb", "receiver", "tv") for s in
                 ("total", "working", "broken", "request_replace", "request_repair")]  # fmt: skip
PLAIN_BEFORE = ["ที่", "ปีงบประมาณ", "รหัสสถานศึกษา", "ชื่อสถานศึกษา", "จำนวนห้องเรียน\nDLTV"]
PLAIN_AFTER = ["วันที่สำรวจ", "ผู้ให้ข้อมูล", "เบอร์โทรศัพท์", "หมายเหตุเพิ่มเติม"]
WIDTH = len(PLAIN_BEFORE) + 20 + len(PLAIN_AFTER)
COUNTS = [2, 2, 0, 0, 0, 4, 3, 1, 1, 0, 6, 5, 1, 0, 1, 6, 4, 2, 1, 1]

INSTRUCTIONS = [["คำชี้แจง"], ["1. กรอกข้อมูลในชีต 'แบบสำรวจ' เท่านั้น"], ["2. รหัสสถานศึกษา 10 หลัก"]]


def equipment_sheet(header_top: list[str] | None = None) -> tuple[list[list], list[tuple[int, int, int, int]]]:
    """Rows and merges of a survey sheet; Excel rows 6 and 8 are the data rows."""
    top = list(header_top or PLAIN_BEFORE)
    top = top + sum(([item] + [None] * 4 for item in ITEMS), []) + PLAIN_AFTER
    sub = [None] * len(PLAIN_BEFORE) + SUBS * 4 + [None] * len(PLAIN_AFTER)
    rows = [
        ["แบบสำรวจความต้องการทดแทน/ซ่อมบำรุงอุปกรณ์รับสัญญาณดาวเทียม ปีงบประมาณ 2569"],  # Excel row 1
        ["สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 4"],  # 2
        [],  # 3
        top,  # 4: merged header, top half
        sub,  # 5: sub-columns
        [1, "2569", 1034560001, "โรงเรียนบ้านนา", 6, *COUNTS, dt.date(2026, 1, 15), "นางสมศรี ใจดี", 812345678, None],  # 6
        [],  # 7: blank row
        [2, "๒๕๖๙", "'1034560002", "โรงเรียนบ้านโนน", "๓", *map(str, COUNTS), "15 ม.ค. 2569", "นายสมชาย", "081-234-5678",
         "ส่งช้า"],  # 8  # fmt: skip
        [3, None, None, None, None, *[None] * 20, None, None, None, None],  # 9: pre-numbered empty line
        ["หมายเหตุ: ข้อมูล ณ วันที่ 15 มกราคม 2569"],  # 10: notes row
        ["ลงชื่อ ........................ ผู้รายงาน"],  # 11: below the notes, not data
    ]
    merges = [(0, 0, 0, WIDTH - 1)]
    merges += [(3, c, 4, c) for c in range(len(PLAIN_BEFORE))]  # plain columns merged down
    merges += [(3, len(PLAIN_BEFORE) + 5 * i, 3, len(PLAIN_BEFORE) + 5 * i + 4) for i in range(4)]  # item groups
    first_after = len(PLAIN_BEFORE) + 20
    merges += [(3, c, 4, c) for c in range(first_after, WIDTH)]
    return rows, merges


@pytest.fixture
def survey(write_xlsx):
    rows, merges = equipment_sheet()
    return write_xlsx(
        "dltv/2569/บ้านนา.xlsx", {"คำชี้แจง": INSTRUCTIONS, "แบบสำรวจ": rows}, merges={"แบบสำรวจ": merges}
    )


# --- a real-looking survey workbook ------------------------------------------------------------------


def test_survey_workbook_gives_one_table(survey, landing):
    parsed = parse_file(survey, landing)
    assert parsed.error is None
    assert parsed.path == "dltv/2569/บ้านนา.xlsx"
    assert list(parsed.tables) == ["dltv_equipment"]
    table = parsed.tables["dltv_equipment"]
    assert table.columns == lineage_of(get("dltv_equipment"))


def test_rows_keep_their_excel_row_numbers_and_sheet(survey, landing):
    table = parse_file(survey, landing).tables["dltv_equipment"]
    assert table["_row"].to_list() == [6, 8]  # title rows, header, blank rows, notes and below excluded
    assert table["_sheet"].to_list() == ["แบบสำรวจ", "แบบสำรวจ"]


def test_values_stay_raw_text_for_casting(survey, landing):
    first, second = parse_file(survey, landing).tables["dltv_equipment"].to_dicts()
    assert first["fiscal_year"] == "2569" and second["fiscal_year"] == "๒๕๖๙"
    assert first["school_code"] == "1034560001" and second["school_code"] == "'1034560002"
    assert first["dltv_classrooms"] == "6" and second["dltv_classrooms"] == "๓"
    assert [first[c] for c in GROUP_COLUMNS] == [str(n) for n in COUNTS]
    assert [second[c] for c in GROUP_COLUMNS] == [str(n) for n in COUNTS]
    assert first["survey_date"] == "2026-01-15 00:00:00" and second["survey_date"] == "15 ม.ค. 2569"
    assert first["reporter_phone"] == "812345678"


def test_instructions_sheet_and_ignored_columns_are_noted(survey, landing):
    notes = parse_file(survey, landing).notes
    assert any("คำชี้แจง" in n and "sheet skipped" in n for n in notes)
    [ignored] = [n for n in notes if "ignored columns" in n]
    assert "'แบบสำรวจ'" in ignored and "ที่" in ignored and "หมายเหตุเพิ่มเติม" in ignored


@pytest.mark.parametrize(
    "note",
    ["หมายเหตุ", "หมายเหตุ: ส่งภายใน 30 ม.ค.", "  หมายเหตุ ข้อมูลเบื้องต้น", "*หมายเหตุ ห้ามแก้หัวตาราง", "Note: draft", "NOTES",
     ["*", "NoTe: the row's first text spans two cells"], [None, "  ", "หมายเหตุ (ในคอลัมน์ที่สอง)"]],
)
def test_notes_row_and_everything_below_are_not_data(write_xlsx, landing, note):
    rows = [
        ["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย"],
        ["2569", "1034560001", "จาน", "1", "2500"],
        ["2569", "1034560003", "เสาอากาศ", "1", "900"],
        ["2569", "1034560004", "Notebook", "1", "15000"],  # "note" in a later cell: data, not notes
        note if isinstance(note, list) else [note],
        ["2569", "1034560002", "ทีวี", "1", "9000"],  # below the notes: a worked example, not data
    ]
    table = parse_file(write_xlsx("alloc.xlsx", {"s": rows}), landing).tables["dltv_allocation"]
    assert table["_row"].to_list() == [2, 3, 4]


@pytest.mark.parametrize(
    "blank",
    [
        pytest.param([], id="empty-row"),
        pytest.param(["", " ", "\u00a0"], id="spaces-and-nbsp"),
        pytest.param(["\u200b", None, "\u200b"], id="zero-width-only"),
        pytest.param([None, None, None, None, None, None, "รวม"], id="value-only-in-an-unknown-column"),
    ],
)
def test_blank_rows_are_not_data(write_xlsx, landing, blank):
    rows = [
        ["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย", "แหล่งงบประมาณ", "หมายเหตุ"],
        ["2569", "1034560001", "จาน", "1", "2500", "สพฐ."],
        blank,
        ["2569", "1034560002", "ทีวี", "1", "9000", "สพฐ."],
    ]
    table = parse_file(write_xlsx("alloc.xlsx", {"s": rows}), landing).tables["dltv_allocation"]
    assert table["_row"].to_list() == [2, 4]


def test_a_partly_filled_row_is_data(write_xlsx, landing):
    rows = [["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย"], [None, None, None, "1"]]
    table = parse_file(write_xlsx("alloc.xlsx", {"s": rows}), landing).tables["dltv_allocation"]
    assert table.select("_row", "quantity", "school_code").rows() == [(2, "1", None)]  # REQ-01 is casting's job


def test_sheets_of_one_table_are_stacked(write_xlsx, landing):
    header = ["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย"]
    sheets = {
        "อำเภอเมือง": [["บัญชีจัดสรร อ.เมือง"], header, ["2569", "1034560001", "จาน", "1", "2500"]],
        "อำเภอพล": [header, ["2569", "1034560101", "ทีวี", "2", "9000"], ["2569", "1034560102", "LNB", "1", "450"]],
    }
    table = parse_file(write_xlsx("alloc.xlsx", sheets), landing).tables["dltv_allocation"]
    assert table.select("_sheet", "_row", "school_code").rows() == [
        ("อำเภอเมือง", 3, "1034560001"),
        ("อำเภอพล", 2, "1034560101"),
        ("อำเภอพล", 3, "1034560102"),
    ]


def test_english_headers(write_xlsx, landing):
    rows = [
        ["School code", "SMIS code", "School name", "District", "Subdistrict", "Province", "Students", "Size"],
        ["1034560001", "34560001", "Ban Na School", "Mueang", "Nai Mueang", "Khon Kaen", "85", "small"],
    ]
    parsed = parse_file(write_xlsx("register.xlsx", {"Sheet1": rows}), landing)
    assert parsed.error is None
    [row] = parsed.tables["schools"].to_dicts()
    assert (row["school_code"], row["district"], row["students_total"], row["lat"]) == ("1034560001", "Mueang", "85", None)


def test_data_starting_in_a_later_column(write_xlsx, landing):
    """A table drawn from column C: `_row` is still the Excel row, values still line up."""
    rows = [[], [None, None, "ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย"],
            [None, None, "2569", "1034560001", "จาน", "1", "2500"]]  # fmt: skip
    table = parse_file(write_xlsx("alloc.xlsx", {"s": rows}), landing).tables["dltv_allocation"]
    assert table.select("_row", "school_code", "unit_price_baht").rows() == [(3, "1034560001", "2500")]


def test_csv_in_cp874_and_utf8_sig_read_to_the_same_rows(write_csv, landing):
    rows = [
        ["บัญชีรายละเอียดการจัดสรรวัสดุอุปกรณ์ ปีงบประมาณ 2569"],
        ["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย (บาท)", "แหล่งงบประมาณ"],
        ["2569", "1034560001", "จานรับสัญญาณดาวเทียม", "1", "2,500", "สพฐ."],
        ["๒๕๖๙", "'1034560002", "ทีวี", "๒", "9,000.50", "มูลนิธิฯ"],
    ]
    a = parse_file(write_csv("a.csv", rows, "cp874"), landing)
    b = parse_file(write_csv("b.csv", rows, "utf-8-sig"), landing)
    assert a.error is None and b.error is None
    assert a.tables["dltv_allocation"].equals(b.tables["dltv_allocation"])
    assert a.tables["dltv_allocation"].select("_row", "school_code", "unit_price_baht").rows() == [
        (3, "1034560001", "2,500"),
        (4, "'1034560002", "9,000.50"),
    ]


# --- per-file problems -------------------------------------------------------------------------------


def test_missing_required_column_names_it_with_sheet_and_header_row(write_xlsx, landing):
    header = ["รหัสสถานศึกษา", "ชื่อสถานศึกษา", "ตำบล", "จังหวัด", "จำนวนนักเรียน"]  # no อำเภอ
    rows = [["ทะเบียนสถานศึกษา"], ["ปีการศึกษา 2569"], header, ["1034560001", "บ้านนา", "ในเมือง", "ขอนแก่น", "85"]]
    parsed = parse_file(write_xlsx("register.xlsx", {"ทะเบียน": rows}), landing)
    problem = parsed.error
    assert problem.kind == "missing_column"
    assert problem.column == "อำเภอ" and "อำเภอ" in problem.th and "district" in problem.en
    assert (problem.sheet, problem.row, problem.table) == ("ทะเบียน", 3, "schools")
    assert parsed.tables == {}


def test_missing_group_column_is_named_item_dash_sub(write_xlsx, landing):
    rows, merges = equipment_sheet()
    j = len(PLAIN_BEFORE) + 19  # เครื่องรับโทรทัศน์ / ขอซ่อม
    rows = [r[:j] + r[j + 1 :] for r in rows]
    merges = [(r1, c1 - (c1 > j), r2, c2 - (c2 >= j)) for r1, c1, r2, c2 in merges]
    parsed = parse_file(write_xlsx("survey.xlsx", {"แบบสำรวจ": rows}, {"แบบสำรวจ": merges}), landing)
    assert parsed.error.kind == "missing_column"
    assert parsed.error.column == "เครื่องรับโทรทัศน์ - ขอซ่อม"
    assert (parsed.error.sheet, parsed.error.row) == ("แบบสำรวจ", 4)


def test_a_sheet_missing_a_column_next_to_a_good_sheet_is_a_note(write_xlsx, landing):
    good = [["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย"], ["2569", "1034560001", "จาน", "1", "2500"]]
    bad = [["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน"], ["2569", "1034560002", "จาน", "1"]]
    parsed = parse_file(write_xlsx("alloc.xlsx", {"ดี": good, "ขาดราคา": bad}), landing)
    assert parsed.error is None
    assert parsed.tables["dltv_allocation"]["_sheet"].to_list() == ["ดี"]
    assert any("ราคาต่อหน่วย" in n and "'ขาดราคา'" in n for n in parsed.notes)


@pytest.mark.parametrize(
    ("sheets", "kind"),
    [
        pytest.param({"Sheet1": []}, "empty", id="empty-workbook"),
        pytest.param({"Sheet1": [], "Sheet2": []}, "empty", id="empty-sheets"),
        pytest.param({"คำชี้แจง": INSTRUCTIONS}, "unknown_table", id="no-known-header"),
    ],
)
def test_workbook_problems(write_xlsx, landing, sheets, kind):
    parsed = parse_file(write_xlsx("x.xlsx", sheets), landing)
    assert parsed.error.kind == kind and parsed.tables == {}


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        pytest.param("แบบสำรวจ.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not_a_workbook", id="image-named-xlsx"),
        pytest.param("แบบสำรวจ.xlsx", "ปีงบประมาณ,รหัสสถานศึกษา\n2569,1034560001\n".encode(), "not_a_workbook",
                     id="csv-text-named-xlsx"),  # fmt: skip
        pytest.param("export.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "bad_encoding", id="jpeg-named-csv"),
        pytest.param("empty.csv", b"", "empty", id="empty-csv"),
        pytest.param("แบบสำรวจ.pdf", b"%PDF-1.7", "unsupported", id="pdf"),
        pytest.param("แบบสำรวจ", b"data", "unsupported", id="no-extension"),
    ],
)
def test_file_problems_are_returned_not_raised(write_bytes, landing, name, data, kind):
    parsed = parse_file(write_bytes(name, data), landing)
    assert parsed.error.kind == kind
    assert parsed.tables == {}
    assert parsed.error.th and parsed.error.en
