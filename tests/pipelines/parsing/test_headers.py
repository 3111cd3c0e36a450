"""Header matching: header keys, aliases from the contracts, and finding the header row of a sheet.

Sheets here are built directly as the reader hands them over (a frame of text cells `c0..cN`, merged
cells holding their value in the first cell only), so each layout quirk is one small case.
"""

from __future__ import annotations

import polars as pl
import unicodedata

import pytest

from pipelines.parsing.headers import HEADER_SCAN_ROWS, alias_index, find_header, key
from pipelines.parsing.readers import Sheet
from warehouse.contracts import contracts, get

ITEMS = ["จานรับสัญญาณดาวเทียม", "หัวรับสัญญาณ LNB", "เครื่องรับสัญญาณดาวเทียม", "เครื่องรับโทรทัศน์"]
SUBS = ["มีทั้งหมด", "ใช้งานได้", "ชำรุด", "ขอทดแทน", "ขอซ่อม"]
ITEM_KEYS = ["dish", "lnb", "receiver", "tv"]
SUB_KEYS = ["total", "working", "broken", "request_replace", "request_repair"]
GROUP_COLUMNS = [f"{i}_{s}" for i in ITEM_KEYS for s in SUB_KEYS]

SCHOOLS_TH = ["รหัสสถานศึกษา", "รหัส SMIS 8 หลัก", "ชื่อสถานศึกษา", "อำเภอ", "ตำบล", "จังหวัด",
              "จำนวนนักเรียน", "ขนาดโรงเรียน", "ละติจูด", "ลองจิจูด", "โรงเรียน DLTV"]  # fmt: skip
SCHOOLS_COLUMNS = ["school_code", "smis_code", "school_name", "district", "subdistrict", "province",
                   "students_total", "size_class", "lat", "lon", "is_dltv_school"]  # fmt: skip


def sheet(rows: list[list[str | None]], name: str = "Sheet1") -> Sheet:
    width = max(len(r) for r in rows)
    padded = [list(r) + [None] * (width - len(r)) for r in rows]
    frame = pl.DataFrame(padded, schema={f"c{i}": pl.String for i in range(width)}, orient="row")
    return Sheet(name=name, cells=frame)


def equipment_two_row_header(items=ITEMS, subs=SUBS) -> list[list[str | None]]:
    """Row 0: plain columns (merged down over two rows) then one merged cell per item; row 1: sub-columns."""
    top: list[str | None] = ["ปีงบประมาณ", "รหัสสถานศึกษา", "ชื่อสถานศึกษา", "จำนวนห้องเรียน DLTV"]
    sub: list[str | None] = [None] * 4
    for item in items:
        top += [item] + [None] * (len(subs) - 1)
        sub += list(subs)
    top += ["วันที่สำรวจ", "ผู้ให้ข้อมูล", "เบอร์โทรศัพท์"]
    sub += [None] * 3
    return [top, sub]


# --- key ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        pytest.param(" รหัส สถานศึกษา ", "รหัสสถานศึกษา", id="spaces"),
        pytest.param("รหัส\nสถานศึกษา", "รหัสสถานศึกษา", id="newline-in-header-cell"),
        pytest.param("รหัส\u00a0สถานศึกษา", "รหัสสถานศึกษา", id="nbsp"),
        pytest.param("\u200bรหัสสถานศึกษา\u200b", "รหัสสถานศึกษา", id="zero-width"),
        pytest.param("\ufeffรหัสสถานศึกษา", "รหัสสถานศึกษา", id="bom"),
        pytest.param("จำนวนห้องเรียน DLTV", "ห้องเรียน DLTV", id="count-prefix"),
        pytest.param("จำนวน ห้องเรียน\nDLTV", "ห้องเรียน DLTV", id="count-prefix-spaced-and-newline"),
        pytest.param("School Code", "school_code", id="case-and-underscore"),
        pytest.param("SCHOOL  CODE", "school code", id="upper-case"),
        pytest.param("ราคาต่อหน่วย (บาท)", "ราคาต่อหน่วยบาท", id="parentheses"),
        pytest.param("วันที่สำรวจ *", "วันที่สำรวจ", id="required-asterisk"),
        pytest.param("ชื่อสถานศึกษา:", "ชื่อสถานศึกษา", id="colon"),
        pytest.param("จานรับสัญญาณดาวเทียม - มีทั้งหมด", "จานรับสัญญาณดาวเทียมมีทั้งหมด", id="group-dash-sub"),
    ],
)
def test_key_ignores_spelling_variants(written, canonical):
    assert key(written) == key(canonical)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # dltv_allocation.quantity is headed `จำนวน`; keys are NFKC, where sara am is nikhahit + sara aa
        pytest.param("จำนวน", unicodedata.normalize("NFKC", "จำนวน"), id="count-alone-is-kept"),
        pytest.param("จ\u0e4d\u0e32นวน", unicodedata.normalize("NFKC", "จำนวน"), id="count-typed-with-nikhahit"),
        pytest.param(None, "", id="none"),
        pytest.param("", "", id="empty"),
        pytest.param(2569, "2569", id="number"),
    ],
)
def test_key_edge_cases(label, expected):
    assert key(label) == expected


# --- alias_index -------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", list(contracts()))
def test_every_declared_header_resolves_to_its_own_column(table):
    contract = get(table)
    index = alias_index(contract)
    for col in contract.columns:
        labels = [col.header_th, col.name] if col.group else [col.th, col.name, col.en, *col.aliases]
        for label in labels:
            assert index.get(key(label)) == col.name, (table, col.name, label)


@pytest.mark.parametrize(
    ("table", "written", "column"),
    [
        pytest.param("schools", "รหัสโรงเรียน 10 หลัก", "school_code", id="schools-code-alias"),
        pytest.param("schools", "รหัส SMIS", "smis_code", id="schools-smis-short"),
        pytest.param("schools", "SMIS Code", "smis_code", id="schools-smis-english"),
        pytest.param("schools", "จำนวน นักเรียน ทั้งหมด", "students_total", id="schools-students-spaced"),
        pytest.param("schools", "นักเรียน", "students_total", id="schools-students-without-count-prefix"),
        pytest.param("schools", "Latitude", "lat", id="schools-latitude"),
        pytest.param("dltv_equipment", "ห้องเรียน\nDLTV", "dltv_classrooms", id="equipment-classrooms-newline"),
        pytest.param("dltv_equipment", "จำนวนห้องเรียนDLTV", "dltv_classrooms", id="equipment-classrooms-no-space"),
        pytest.param("dltv_equipment", "DLTV Classrooms", "dltv_classrooms", id="equipment-classrooms-english"),
        pytest.param("dltv_equipment", "จานรับสัญญาณดาวเทียม - มีทั้งหมด", "dish_total", id="equipment-export-header"),
        pytest.param("dltv_equipment", "tv_request_repair", "tv_request_repair", id="equipment-column-name"),
        pytest.param("dltv_equipment", "วันที่กรอกข้อมูล", "survey_date", id="equipment-date-alias"),
        pytest.param("dltv_equipment", "เบอร์โทร", "reporter_phone", id="equipment-phone-alias"),
        pytest.param("dltv_allocation", "จำนวน", "quantity", id="allocation-count-header"),
        pytest.param("dltv_allocation", "จำนวนที่ได้รับ", "quantity", id="allocation-received"),
        pytest.param("dltv_allocation", "Qty", "quantity", id="allocation-qty"),
        pytest.param("dltv_allocation", "ราคาต่อหน่วย (บาท)", "unit_price_baht", id="allocation-price-baht"),
        pytest.param("dltv_allocation", "ปี งปม.", "fiscal_year", id="allocation-fiscal-abbreviation"),
    ],
)
def test_alias_index_matches_header_variants(table, written, column):
    assert alias_index(get(table)).get(key(written)) == column


@pytest.mark.parametrize(
    ("group", "sub", "column"),
    [
        pytest.param("จานรับสัญญาณดาวเทียม", "มีทั้งหมด", "dish_total", id="official-labels"),
        pytest.param("จานดาวเทียม", "ทั้งหมด", "dish_total", id="group-and-sub-aliases"),
        pytest.param("ทีวี", "ใช้ได้", "tv_working", id="tv-colloquial"),
        pytest.param("หัว LNB", "เสีย", "lnb_broken", id="lnb-broken-colloquial"),
        pytest.param("กล่องรับสัญญาณ", "ขอเปลี่ยน", "receiver_request_replace", id="receiver-box"),
        pytest.param("TV", "Repair", "tv_request_repair", id="english"),
    ],
)
def test_alias_index_matches_group_over_sub(group, sub, column):
    assert alias_index(get("dltv_equipment")).get(key(group) + key(sub)) == column


# --- find_header -------------------------------------------------------------------------------------

KNOWN = list(contracts().values())


def test_plain_header_in_the_first_row():
    match = find_header(sheet([SCHOOLS_TH, ["1034560001", "34560001", "บ้านนา", "เมือง", "ในเมือง", "ขอนแก่น"]]), KNOWN)
    assert match.contract.table == "schools"
    assert (match.header_row, match.data_start) == (0, 1)
    assert match.columns == {name: j for j, name in enumerate(SCHOOLS_COLUMNS)}
    assert match.unknown == [] and match.missing_required == []


def test_title_rows_above_the_header():
    rows = [
        ["ทะเบียนสถานศึกษา สังกัด สพป.ขอนแก่น เขต 4"],
        ["ข้อมูล ณ วันที่ 10 มิถุนายน 2569"],
        [],
        SCHOOLS_TH,
    ]
    match = find_header(sheet(rows), KNOWN)
    assert match.contract.table == "schools"
    assert (match.header_row, match.data_start) == (3, 4)


@pytest.mark.parametrize(
    ("above", "header", "header_row", "unknown"),
    [
        pytest.param([[]], ["ที่", *SCHOOLS_TH], 1, ["ที่"], id="blank-row-then-one-row-header"),
        pytest.param([["ทะเบียนสถานศึกษา ปีการศึกษา 2569"]], ["ที่", *SCHOOLS_TH], 1, ["ที่"],
                     id="title-row-then-one-row-header"),  # fmt: skip
        pytest.param([["แบบสำรวจ DLTV"]], equipment_two_row_header(), 1, [], id="title-row-then-two-row-header"),
        pytest.param([[], []], equipment_two_row_header(), 2, [], id="blank-rows-then-two-row-header"),
    ],
)
def test_row_directly_above_the_header_is_not_part_of_it(above, header, header_row, unknown):
    """A title or blank row just above the header must not be read as the top half of a two-row header:
    the header row is what a missing-column error names, and unknown labels are listed as written."""
    header_rows = header if isinstance(header[0], list) else [header]
    match = find_header(sheet([*above, *header_rows]), KNOWN)
    assert (match.header_row, match.data_start) == (header_row, header_row + len(header_rows))
    assert match.unknown == unknown


def test_header_at_the_last_scanned_row_is_found():
    rows = [[f"บรรทัดชื่อเรื่อง {i}"] for i in range(HEADER_SCAN_ROWS - 1)] + [SCHOOLS_TH]
    assert find_header(sheet(rows), KNOWN).header_row == HEADER_SCAN_ROWS - 1


def test_merged_two_row_header():
    rows = [["แบบสำรวจความต้องการทดแทน/ซ่อมบำรุงอุปกรณ์รับสัญญาณดาวเทียม ปีงบประมาณ 2569"], [], *equipment_two_row_header()]
    match = find_header(sheet(rows), KNOWN)
    assert match.contract.table == "dltv_equipment"
    assert (match.header_row, match.data_start) == (2, 4)  # data starts below the sub-column row
    assert match.missing_required == []
    assert [match.columns[c] for c in GROUP_COLUMNS] == list(range(4, 24))
    assert match.columns["survey_date"] == 24 and match.columns["reporter_phone"] == 26


def test_merged_two_row_header_with_colloquial_labels():
    rows = equipment_two_row_header(
        items=["จาน", "LNB", "กล่องรับสัญญาณ", "ทีวี"], subs=["ทั้งหมด", "ใช้ได้", "เสีย", "ขอเปลี่ยน", "ซ่อม"]
    )
    match = find_header(sheet(rows), KNOWN)
    assert [match.columns[c] for c in GROUP_COLUMNS] == list(range(4, 24))


def test_two_row_header_with_group_label_repeated_in_every_cell():
    """Schools that unmerge the header and fill the item name into each cell."""
    top, sub = equipment_two_row_header()
    filled, group = [], None
    for t, s in zip(top, sub):
        group = t if t is not None else group
        filled.append(group if s is not None else t)
    match = find_header(sheet([filled, sub]), KNOWN)
    assert [match.columns[c] for c in GROUP_COLUMNS] == list(range(4, 24))


def test_single_row_header_with_group_dash_sub_labels():
    """The OBEC template / export writes `item - sub` in one header row."""
    top = ["ปีงบประมาณ", "รหัสสถานศึกษา", "จำนวนห้องเรียน DLTV"]
    top += [f"{i} - {s}" for i in ITEMS for s in SUBS] + ["วันที่สำรวจ"]
    match = find_header(sheet([top, ["2569", "1034560001", "3"]]), KNOWN)
    assert (match.header_row, match.data_start) == (0, 1)
    assert [match.columns[c] for c in GROUP_COLUMNS] == list(range(3, 23))
    assert match.missing_required == []


def test_english_headers():
    english = ["School code", "SMIS code", "School name", "District", "Subdistrict", "Province",
               "Students", "Size", "Latitude", "Longitude", "DLTV school"]  # fmt: skip
    match = find_header(sheet([english]), KNOWN)
    assert match.contract.table == "schools"
    assert match.columns == {name: j for j, name in enumerate(SCHOOLS_COLUMNS)}


def test_english_two_row_header():
    rows = equipment_two_row_header(
        items=["Dish", "LNB", "Receiver", "TV"], subs=["Total", "Working", "Broken", "Replace", "Repair"]
    )
    rows[0][:4] = ["Fiscal year", "School code", "School name", "DLTV classrooms"]
    rows[0][-3:] = ["Survey date", "Reporter", "Phone"]
    match = find_header(sheet(rows), KNOWN)
    assert match.contract.table == "dltv_equipment"
    assert match.missing_required == [] and len(match.columns) == len(get("dltv_equipment").columns)


def test_unknown_columns_are_listed_not_mapped():
    header = ["ที่", *SCHOOLS_TH, "หมายเหตุเพิ่มเติม"]
    match = find_header(sheet([header]), KNOWN)
    assert match.unknown == ["ที่", "หมายเหตุเพิ่มเติม"]
    assert match.columns["school_code"] == 1 and len(match.columns) == len(SCHOOLS_COLUMNS)


def test_unknown_column_in_a_two_row_header_is_listed():
    top, sub = equipment_two_row_header()
    match = find_header(sheet([["ลำดับ", *top], [None, *sub]]), KNOWN)
    assert match.unknown == ["ลำดับ"]
    assert match.columns["fiscal_year"] == 1


def test_missing_required_column_is_reported_not_guessed():
    header = [h for h in SCHOOLS_TH if h != "อำเภอ"]
    match = find_header(sheet([header]), KNOWN)
    assert match.contract.table == "schools"
    assert [c.name for c in match.missing_required] == ["district"]
    assert [c.header_th for c in match.missing_required] == ["อำเภอ"]


def test_missing_group_column_is_named_item_dash_sub():
    top, sub = equipment_two_row_header()
    j = top.index("เครื่องรับโทรทัศน์") + 4  # the last sub-column of the TV group: ขอซ่อม
    top, sub = top[:j] + top[j + 1 :], sub[:j] + sub[j + 1 :]
    match = find_header(sheet([top, sub]), KNOWN)
    assert [c.header_th for c in match.missing_required] == ["เครื่องรับโทรทัศน์ - ขอซ่อม"]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([["คำชี้แจง: กรอกข้อมูลในชีตถัดไป"], ["1. กรอกรหัสสถานศึกษา 10 หลัก"]], id="instructions-sheet"),
        pytest.param([["รหัสสถานศึกษา", "ชื่อสถานศึกษา"], ["1034560001", "บ้านนา"]], id="too-few-known-columns"),
        pytest.param([["a", "b", "c"], ["1", "2", "3"]], id="unrelated-table"),
    ],
)
def test_no_header(rows):
    assert find_header(sheet(rows), KNOWN) is None


@pytest.mark.parametrize(
    ("header", "table"),
    [
        pytest.param(SCHOOLS_TH, "schools", id="register"),
        pytest.param(equipment_two_row_header()[0], "dltv_equipment", id="equipment"),
        pytest.param(["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย", "แหล่งงบประมาณ"], "dltv_allocation",
                     id="allocation"),  # fmt: skip
    ],
)
def test_the_table_is_recognised_by_its_headers(header, table):
    rows = [header, *equipment_two_row_header()[1:]] if table == "dltv_equipment" else [header]
    assert find_header(sheet(rows), KNOWN).contract.table == table


# --- key_expr: the Polars twin used for coded values ---------------------------------------------------


def test_key_expr_agrees_with_key_on_every_alias_of_every_contract():
    import polars as pl

    from pipelines.parsing.headers import key_expr
    from warehouse.contracts import contracts, lists

    labels = [" จํานวน ห้องเรียน\nDLTV ", "Extra  Large", "หัว\u200bLNB", "ใหญ่ พิเศษ"]
    labels += [a for c in contracts().values() for col in c.columns for a in (col.th, col.en, *col.aliases)]
    labels += [a for items in lists().values() for i in items for a in (i.key, i.th, i.en, *i.aliases)]
    got = pl.select(key_expr(pl.Series(labels))).to_series().to_list()
    assert got == [key(label) for label in labels]
