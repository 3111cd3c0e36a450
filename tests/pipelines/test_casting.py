"""cast: raw text rows -> contract types, with every cell problem as FMT-01..04 or REQ-01.

Each case is one quirk written into an otherwise clean row. All cases of a table are cast together as
one frame (as a real file is), each case identified by a `_case` lineage column, then asserted alone.
"""

from __future__ import annotations

import datetime as dt
import functools

import polars as pl
import pytest
import xlsxwriter

from pipelines.casting import DTYPES, ISSUE, cast
from pipelines.parsing.files import parse_file
from warehouse.contracts import contracts, get

GROUP_COLUMNS = [c.name for c in get("dltv_equipment").columns if c.group]
CLEAN = {
    "schools": {
        "school_code": "1034560001", "smis_code": "34560001", "school_name": "โรงเรียนบ้านนา",
        "district": "เมืองขอนแก่น", "subdistrict": "ในเมือง", "province": "ขอนแก่น", "students_total": "85",
        "size_class": "เล็ก", "lat": "16.43", "lon": "102.83", "is_dltv_school": "ใช่",
    },
    "dltv_equipment": {
        "fiscal_year": "2569", "school_code": "1034560001", "school_name": "โรงเรียนบ้านนา", "dltv_classrooms": "6",
        **{c: "1" for c in GROUP_COLUMNS},
        "survey_date": "15/01/2569", "reporter_name": "นางสมศรี ใจดี", "reporter_phone": "0812345678",
    },
    "dltv_allocation": {
        "fiscal_year": "2569", "school_code": "1034560001", "item": "จาน", "quantity": "2",
        "unit_price_baht": "2500", "source": "สพฐ.",
    },
}  # fmt: skip
JAN15 = dt.date(2026, 1, 15)


def case(table: str, written: dict, typed: dict, issues: list[tuple[str, str, str]], id: str):
    return pytest.param(table, written, typed, issues, id=f"{table}-{id}")


CASES = [
    case("schools", {}, {"school_code": "1034560001", "students_total": 85, "is_dltv_school": True}, [], "clean-row"),
    case("dltv_equipment", {}, {"fiscal_year": 2569, "dltv_classrooms": 6, "survey_date": JAN15}, [], "clean-row"),
    case("dltv_allocation", {}, {"item": "dish", "quantity": 2, "unit_price_baht": 2500.0}, [], "clean-row"),
    # numbers
    case("dltv_equipment", {"dltv_classrooms": "๖"}, {"dltv_classrooms": 6}, [], "thai-digits"),
    case("dltv_equipment", {"dltv_classrooms": "6 ห้อง"}, {"dltv_classrooms": 6}, [], "trailing-unit"),
    case("dltv_equipment", {"tv_broken": "-"}, {"tv_broken": 0}, [], "dash-means-zero"),
    case("dltv_allocation", {"unit_price_baht": "1,250"}, {"unit_price_baht": 1250.0}, [], "thousands-separator"),
    case("dltv_allocation", {"unit_price_baht": "9,000.50 บาท"}, {"unit_price_baht": 9000.5}, [], "separator-and-unit"),
    case("schools", {"students_total": None}, {"students_total": None}, [], "blank-optional-is-null-not-zero"),
    case("schools", {"students_total": "-"}, {"students_total": 0}, [], "dash-optional-is-zero"),
    case("dltv_equipment", {"dltv_classrooms": "ห้า"}, {"dltv_classrooms": None},
         [("FMT-01", "dltv_classrooms", "ห้า")], "unreadable-is-fmt01-not-req01"),
    case("dltv_equipment", {"dltv_classrooms": "2.5"}, {"dltv_classrooms": None},
         [("FMT-01", "dltv_classrooms", "2.5")], "fraction-in-int-column"),
    case("schools", {"lat": "16°25'N"}, {"lat": None}, [("FMT-01", "lat", "16°25'N")], "unreadable-optional-decimal"),
    # required blank
    case("dltv_equipment", {"dltv_classrooms": None}, {"dltv_classrooms": None},
         [("REQ-01", "dltv_classrooms", "")], "required-null"),
    case("dltv_equipment", {"dltv_classrooms": ""}, {"dltv_classrooms": None},
         [("REQ-01", "dltv_classrooms", "")], "required-empty-string"),
    case("dltv_equipment", {"tv_total": " \u00a0"}, {"tv_total": None}, [("REQ-01", "tv_total", "")],
         "required-spaces-and-nbsp"),
    case("dltv_equipment", {"survey_date": "\u200b"}, {"survey_date": None}, [("REQ-01", "survey_date", "")],
         "required-zero-width-only"),
    case("schools", {"school_name": None}, {"school_name": None}, [("REQ-01", "school_name", "")], "required-text"),
    case("dltv_allocation", {"school_code": None}, {"school_code": None}, [("REQ-01", "school_code", "")],
         "required-code"),
    case("dltv_allocation", {"school_code": "'"}, {"school_code": None}, [("REQ-01", "school_code", "'")],
         "required-code-apostrophe-only"),
    case("dltv_equipment", {"school_name": None, "reporter_phone": None}, {"school_name": None, "reporter_phone": None},
         [], "blank-optional-columns"),
    # codes and phones
    case("dltv_equipment", {"school_code": "'1034560001"}, {"school_code": "1034560001"}, [], "code-apostrophe"),
    case("dltv_equipment", {"school_code": "\u00a01034 560001\u200b"}, {"school_code": "1034560001"}, [],
         "code-nbsp-space-zero-width"),
    case("dltv_equipment", {"school_code": "๑๐๓๔๕๖๐๐๐๑"}, {"school_code": "1034560001"}, [], "code-thai-digits"),
    case("dltv_equipment", {"school_code": "1034560001.0"}, {"school_code": "1034560001"}, [], "code-numeric-storage"),
    case("dltv_equipment", {"school_code": "1.034560001E+09"}, {"school_code": "1034560001"}, [], "code-scientific"),
    case("schools", {"smis_code": "4560001"}, {"smis_code": "04560001"}, [], "smis-lost-leading-zero"),
    case("schools", {"smis_code": "4560001.0"}, {"smis_code": "04560001"}, [], "smis-numeric-storage-lost-zero"),
    case("schools", {"school_code": "1034560001", "smis_code": None}, {"smis_code": None}, [], "smis-optional-blank"),
    case("dltv_equipment", {"reporter_phone": "812345678"}, {"reporter_phone": "0812345678"}, [], "phone-lost-zero"),
    case("dltv_equipment", {"reporter_phone": "081-234-5678"}, {"reporter_phone": "0812345678"}, [], "phone-dashes"),
    # years
    case("dltv_equipment", {"fiscal_year": "69"}, {"fiscal_year": 2569}, [], "two-digit-be-year"),
    case("dltv_equipment", {"fiscal_year": "๒๕๖๙"}, {"fiscal_year": 2569}, [], "be-year-thai-digits"),
    case("dltv_equipment", {"fiscal_year": "2026"}, {"fiscal_year": 2569}, [("FMT-02", "fiscal_year", "2026")],
         "ce-year-converted-fmt02"),
    case("dltv_equipment", {"fiscal_year": "2559"}, {"fiscal_year": None}, [("FMT-01", "fiscal_year", "2559")],
         "be-year-below-range-fmt01"),
    case("dltv_equipment", {"fiscal_year": "2576"}, {"fiscal_year": None}, [("FMT-01", "fiscal_year", "2576")],
         "be-year-above-range-fmt01"),
    case("dltv_allocation", {"fiscal_year": "2040"}, {"fiscal_year": None}, [("FMT-01", "fiscal_year", "2040")],
         "implausible-ce-year-fmt01-only"),
    case("dltv_allocation", {"fiscal_year": ""}, {"fiscal_year": None}, [("REQ-01", "fiscal_year", "")],
         "blank-year-req01-only"),
    # dates
    case("dltv_equipment", {"survey_date": "46037"}, {"survey_date": JAN15}, [], "date-excel-serial"),
    case("dltv_equipment", {"survey_date": "2026-01-15 00:00:00"}, {"survey_date": JAN15}, [], "date-cell-not-warned"),
    case("dltv_equipment", {"survey_date": "5/1/2569"}, {"survey_date": dt.date(2026, 1, 5)}, [], "date-day-first"),
    case("dltv_equipment", {"survey_date": "2569-01-15"}, {"survey_date": JAN15}, [], "date-iso-be"),
    case("dltv_equipment", {"survey_date": "15 ม.ค. 2569"}, {"survey_date": JAN15}, [], "date-thai-abbreviation"),
    case("dltv_equipment", {"survey_date": "15 มกราคม 69"}, {"survey_date": JAN15}, [], "date-thai-month-2-digit"),
    case("dltv_equipment", {"survey_date": "15/01/2026"}, {"survey_date": JAN15},
         [("FMT-02", "survey_date", "15/01/2026")], "date-ce-converted-fmt02"),
    case("dltv_equipment", {"survey_date": "31/02/2569"}, {"survey_date": None},
         [("FMT-01", "survey_date", "31/02/2569")], "date-invalid-fmt01"),
    case("dltv_equipment", {"survey_date": "2569-08-29 00:00:00"}, {"survey_date": dt.date(2026, 8, 29)}, [],
         "date-cell-holding-a-be-year-is-that-be-date"),
    case("dltv_equipment", {"survey_date": "244590"}, {"survey_date": dt.date(2026, 8, 29)}, [],
         "date-serial-of-a-be-year-is-that-be-date"),
    case("dltv_equipment", {"survey_date": "2568-02-29 00:00:00"}, {"survey_date": None},
         [("FMT-01", "survey_date", "2568-02-29 00:00:00")], "date-cell-be-leap-day-that-did-not-exist-fmt01"),
    # formula errors: FMT-03 alone, never FMT-01 or REQ-01, and the typed value is unknown (null)
    case("dltv_equipment", {"tv_total": "#REF!"}, {"tv_total": None}, [("FMT-03", "tv_total", "#REF!")],
         "formula-error-in-required-int"),
    case("dltv_equipment", {"school_code": "#N/A"}, {"school_code": None}, [("FMT-03", "school_code", "#N/A")],
         "formula-error-in-required-code"),
    case("dltv_equipment", {"survey_date": " #VALUE! "}, {"survey_date": None},
         [("FMT-03", "survey_date", "#VALUE!")], "formula-error-in-date-with-spaces"),
    case("dltv_equipment", {"school_name": "#NAME?"}, {"school_name": None}, [("FMT-03", "school_name", "#NAME?")],
         "formula-error-in-optional-text"),
    case("dltv_allocation", {"unit_price_baht": "#DIV/0!", "quantity": "#NUM!"},
         {"unit_price_baht": None, "quantity": None},
         [("FMT-03", "quantity", "#NUM!"), ("FMT-03", "unit_price_baht", "#DIV/0!")], "formula-errors-two-columns"),
    case("schools", {"lat": "#NULL!"}, {"lat": None}, [("FMT-03", "lat", "#NULL!")], "formula-error-optional-decimal"),
    case("dltv_allocation", {"item": "#REF"}, {"item": "#REF"}, [], "not-quite-a-formula-error-kept-for-the-rules"),
    # longer than the column allows (default for text from _common.yaml): FMT-04, value shown shortened
    case("schools", {"school_name": "โรงเรียน" * 40}, {"school_name": "โรงเรียน" * 40},
         [("FMT-04", "school_name", "320 > 255: " + ("โรงเรียน" * 4)[:30] + "…")], "text-longer-than-limit"),
    case("schools", {"school_name": "ก" * 255}, {"school_name": "ก" * 255}, [], "text-exactly-at-limit"),
    case("dltv_equipment", {"school_code": "1" * 25}, {"school_code": "1" * 25},
         [("FMT-04", "school_code", "25 > 20: " + "1" * 25 + "…")], "code-longer-than-limit"),
    # booleans and lists
    case("schools", {"is_dltv_school": "✓"}, {"is_dltv_school": True}, [], "bool-check-mark"),
    case("schools", {"is_dltv_school": "ไม่ใช่"}, {"is_dltv_school": False}, [], "bool-mai-chai"),
    case("schools", {"is_dltv_school": "อาจจะ"}, {"is_dltv_school": None}, [("FMT-01", "is_dltv_school", "อาจจะ")],
         "bool-unreadable"),
    case("schools", {"size_class": "ขนาดเล็ก"}, {"size_class": "เล็ก"}, [], "size-alias"),
    case("schools", {"size_class": "ใหญ่ พิเศษ"}, {"size_class": "ใหญ่พิเศษ"}, [], "size-spaced"),
    case("schools", {"size_class": "Small"}, {"size_class": "เล็ก"}, [], "size-english"),
    case("schools", {"size_class": "จิ๋ว"}, {"size_class": "จิ๋ว"}, [], "size-unknown-kept-for-the-rules"),
    case("dltv_allocation", {"item": "ทีวี"}, {"item": "tv"}, [], "item-colloquial"),
    case("dltv_allocation", {"item": "LNB"}, {"item": "lnb"}, [], "item-english"),
    case("dltv_allocation", {"item": "พัดลม"}, {"item": "พัดลม"}, [], "item-unknown-kept-for-the-rules"),
    case("dltv_allocation", {"source": "OBEC"}, {"source": "สพฐ."}, [], "source-english"),
    case("dltv_allocation", {"source": None}, {"source": None}, [], "source-optional-blank"),
    # several problems in one row: all listed, in column order
    case("dltv_equipment", {"fiscal_year": "2026", "dltv_classrooms": "", "survey_date": "31/02/2569"},
         {"fiscal_year": 2569, "dltv_classrooms": None, "survey_date": None},
         [("FMT-02", "fiscal_year", "2026"), ("REQ-01", "dltv_classrooms", ""), ("FMT-01", "survey_date", "31/02/2569")],
         "every-problem-listed"),
]  # fmt: skip


@functools.cache
def cast_cases(table: str) -> pl.DataFrame:
    contract = get(table)
    rows = [
        {"_case": p.id, "_row": i + 2, **{c: CLEAN[table].get(c) for c in contract.column_names}, **p.values[1]}
        for i, p in enumerate(c for c in CASES if c.values[0] == table)
    ]
    schema = {"_case": pl.String, "_row": pl.Int32, **{c: pl.String for c in contract.column_names}}
    return cast(pl.DataFrame(rows, schema=schema), contract)


def row_of(table: str, case_id: str) -> dict:
    return cast_cases(table).filter(pl.col("_case") == case_id).to_dicts()[0]


@pytest.mark.parametrize(("table", "written", "typed", "issues"), CASES)
def test_cast(request, table, written, typed, issues):
    row = row_of(table, request.node.callspec.id)
    assert {c: row[c] for c in typed} == typed
    assert [(i["rule_id"], i["column"], i["value"]) for i in row["_parse_issues"]] == issues


@pytest.mark.parametrize("table", list(contracts()))
def test_output_columns_and_types(table):
    contract = get(table)
    out = cast_cases(table)
    assert out.columns == ["_case", "_row", *contract.column_names, "_parse_issues"]
    assert {c.name: out.schema[c.name] for c in contract.columns} == {c.name: DTYPES[c.type] for c in contract.columns}
    assert out.schema["_parse_issues"] == pl.List(ISSUE)
    assert out["_row"].dtype == pl.Int32  # lineage passes through unchanged


def test_empty_frame_casts_to_empty_typed_frame():
    contract = get("dltv_allocation")
    out = cast(pl.DataFrame(schema={c: pl.String for c in contract.column_names}), contract)
    assert out.height == 0 and out.schema["quantity"] == pl.Int64


def test_workbook_cells_end_to_end(tmp_path):
    """Number cells, a real date cell, a serial number and text forms, from xlsx through parse_file and cast."""
    header = ["ปีงบประมาณ", "รหัสสถานศึกษา", "จำนวนห้องเรียน DLTV"]
    header += [f"{c.group.th} - {c.sub.th}" for c in get("dltv_equipment").columns if c.group]
    header += ["วันที่สำรวจ", "เบอร์โทรศัพท์"]
    rows = [
        [2569, 1034560001, 6, *[1] * 20, dt.date(2026, 1, 15), 812345678],
        [2569, 1034560002, 6, *[1] * 20, 46037, "0812345678"],
        ["๒๕๖๙", "'1034560003", "๖", *["-"] * 20, "15/01/2026", "081-234-5678"],
        ["2569", "1034560004", "", *["1"] * 20, "15 ม.ค. 2569", None],
    ]
    landing = tmp_path / "landing"
    landing.mkdir()
    wb = xlsxwriter.Workbook(str(landing / "survey.xlsx"))
    ws, date_fmt = wb.add_worksheet("แบบสำรวจ"), wb.add_format({"num_format": "d mmm yyyy"})
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(r, c, v, date_fmt)
            elif isinstance(v, int):
                ws.write_number(r, c, v)
            elif v is not None:
                ws.write_string(r, c, v)
    wb.close()

    parsed = parse_file(landing / "survey.xlsx", landing)
    assert parsed.error is None
    out = cast(parsed.tables["dltv_equipment"], get("dltv_equipment"))
    assert out.select("_row", "fiscal_year", "school_code", "dltv_classrooms", "tv_total", "survey_date",
                      "reporter_phone").rows() == [
        (2, 2569, "1034560001", 6, 1, JAN15, "0812345678"),
        (3, 2569, "1034560002", 6, 1, JAN15, "0812345678"),
        (4, 2569, "1034560003", 6, 0, JAN15, "0812345678"),
        (5, 2569, "1034560004", None, 1, JAN15, None),
    ]  # fmt: skip
    assert [[(i["rule_id"], i["column"]) for i in issues] for issues in out["_parse_issues"]] == [
        [],  # a real date cell is a true date: no CE warning
        [],
        [("FMT-02", "survey_date")],
        [("REQ-01", "dltv_classrooms")],
    ]


def test_parsing_distinct_values_once_gives_what_parsing_every_row_gives(monkeypatch):
    """A column with few distinct values is parsed once per value and joined back (`_stage_column`);
    whether a column goes that way is decided from an estimate of its distinct count. Either way the
    frame is the same, cell for cell: here events with repeated, messy values (Thai digits, spaces, BE and
    CE years, blanks, a formula error) cast both ways."""
    from pipelines import casting

    contract = get("platform_events")
    written = {
        "timestamp": ["2026-01-15 08:30:12", " 15/01/2569 08:30 ", "๒๕๖๙-๐๑-๑๕ 09:00:00", "", "#REF!", "31/02/2569 10:00"],
        "platform": ["DLTV", " dltv", "ดีแอลทีวี", "DLIT", "เฟซบุ๊ก", None],
        "user_id": ["h1:" + "a" * 64, "h1:" + "b" * 64, None, "h1:" + "a" * 64, " ", "h1:" + "c" * 64],
        "school_code": ["1034560001", "34560001", "", None, "1034560001 ", "๑๐๓๔๕๖๐๐๐๑"],
        "event_type": ["view", "VIEW", "ดูสื่อ", "login", "เล่นเกม", "download"],
        "content_id": ["C-001", "C-001", None, "C-002", "", "C-001"],
        "duration_s": ["30", "๓๐", "-", "1,200", "abc", "30.0"],
    }
    n = 3000  # many rows, few distinct values: the distinct path is taken
    raw = pl.DataFrame({c: [v[i % len(v)] for i in range(n)] for c, v in written.items()}).with_columns(
        _sheet=pl.lit("csv"), _row=pl.int_range(2, n + 2, dtype=pl.Int32))
    once = cast(raw, contract)
    monkeypatch.setattr(casting, "DISTINCT_SHARE", -1.0)  # every column parsed row by row
    every_row = cast(raw, contract)
    assert once.equals(every_row)
    assert once.get_column("_parse_issues").list.len().sum() > 0  # the messy cells were found both ways


def test_hashed_ids_are_taken_as_they_are_and_give_what_cleaning_them_gives(tmp_path):
    """Rows of the parse cache hold their user ids as keyed hashes already (`h1:` and hex, or null):
    cast(..., hashed=True) takes them as they are, and the frame is the one cleaning them would give,
    REQ-01 on the blank ids included. Ids not yet hashed (`khlang check`) are still cleaned."""
    from pipelines.pii import create_key, load_key, pseudonymise

    contract = get("platform_events")
    ids = ["ครู.สมชาย", " stu-001\u200b", " \u200b\u00a0", None, "stu-001", "นร.๐๐๗"]
    raw = pl.DataFrame({
        "timestamp": ["2026-01-15 08:30:12"] * 6, "platform": ["DLTV"] * 6, "user_id": ids,
        "school_code": ["1034560001"] * 6, "event_type": ["view"] * 6, "content_id": ["C-001"] * 6,
        "duration_s": ["30"] * 6,
    }).with_columns(_sheet=pl.lit("csv"), _row=pl.int_range(2, 8, dtype=pl.Int32))
    hashed = pseudonymise(raw, contract.pseudonymise, load_key(create_key(tmp_path / "pii.key")))
    taken = cast(hashed, contract, hashed=True)
    assert taken.equals(cast(hashed, contract))
    blank = [any(i["rule_id"] == "REQ-01" for i in issues) for issues in taken.get_column("_parse_issues").to_list()]
    assert blank == [False, False, True, True, False, False]
    assert taken.get_column("user_id")[1] == taken.get_column("user_id")[4]  # ' stu-001' and a zero-width space
    # the pre-submission check, which casts the ids as written, finds the same blanks
    checked = [any(i["rule_id"] == "REQ-01" for i in issues) for issues in cast(raw, contract).get_column("_parse_issues").to_list()]
    assert checked == blank
    # not hashed: a check's raw ids, cleaned as any text (a run of spaces is blank)
    spaces = raw.with_columns(user_id=pl.Series(["  ", "a  b", None, "x", "y", "z"]))
    assert cast(spaces, contract).get_column("user_id").to_list()[:2] == [None, "a b"]
