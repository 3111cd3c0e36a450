"""Blank templates (`khlang template`): every template-bearing contract's template, filled in as a school
would (drop-down labels, text codes, dd/mm/yyyy BE dates), passes the real `khlang check` with no
message; its headers, merges, drop-downs, text cells and instructions sheet are what the contract says.

The register the check needs is the filled register template itself, checked by the same functions
and published (no nightly run: these tests take a few seconds).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from stdnum.th import pin

from pipelines.calendar import fiscal_year_of, today
from pipelines.cli.check import cmd_check
from pipelines.cli.template import cmd_template
from pipelines.config import home
from warehouse import contracts as contract_module
from warehouse.contracts import get
from warehouse.publish import publish
from warehouse.template_text import be_date, choices, general_notes
from warehouse.templates import FONT, INSTRUCTIONS_SHEET, has_template, layout, sheet_name, template_tables, write_template

DAY = today()
FY = fiscal_year_of(DAY)
SCHOOL, OTHER = "1034560001", "1034560002"  # SCH-01: 10 digits starting with 10


def _items(list_name: str) -> dict[str, str]:
    return {i.key: i.th for i in contract_module.lists()[list_name]}


def _equipment_row() -> dict:
    counts = {  # total, working, broken, request_replace, request_repair: DLTV-01..03 hold
        "dish": (2, 1, 1, 1, 0), "lnb": (2, 2, 0, 0, 0), "receiver": (3, 2, 1, 1, 0), "tv": (3, 3, 0, 0, 0)}
    subs = [s.key for s in contract_module.lists()["dltv_subcolumns"]]
    row = {"fiscal_year": FY, "school_code": SCHOOL, "school_name": "บ้านหนองนา", "dltv_classrooms": 3,
           "survey_date": be_date(DAY), "reporter_name": "นางสาวสมใจ ใจดี", "reporter_phone": "0812345678"}
    for item, values in counts.items():
        row.update({f"{item}_{s}": v for s, v in zip(subs, values)})
    return row


# What a school (or the office) types into each template: one or two correct rows, coded values as the
# drop-down offers them. A contract that gains a template needs its rows here (test_every_template_...).
ROWS: dict[str, list[dict]] = {
    "schools": [
        {"school_code": SCHOOL, "smis_code": "03456001", "school_name": "บ้านหนองนา", "district": "เมืองขอนแก่น",
         "subdistrict": "ในเมือง", "province": "ขอนแก่น", "students_total": 85, "size_class": "เล็ก", "lat": 16.43,
         "lon": 102.83, "is_dltv_school": "ใช่"},
        {"school_code": OTHER, "smis_code": "03456002", "school_name": "บ้านโคกสูง", "district": "เมืองขอนแก่น",
         "subdistrict": "ศิลา", "province": "ขอนแก่น", "students_total": 140, "size_class": "กลาง", "lat": 16.5,
         "lon": 102.9, "is_dltv_school": "ไม่ใช่"},
    ],
    "dltv_allocation": [
        {"fiscal_year": FY, "school_code": SCHOOL, "item": _items("dltv_items")["dish"], "quantity": 1,
         "unit_price_baht": 2500, "source": _items("allocation_sources")["สพฐ."]},
        {"fiscal_year": FY, "school_code": OTHER, "item": _items("dltv_items")["tv"], "quantity": 2,
         "unit_price_baht": 8900.5, "source": _items("allocation_sources")["มูลนิธิการศึกษาทางไกลผ่านดาวเทียม"]},
    ],
    "dltv_equipment": [_equipment_row()],
    "dlit_usage": [
        {"academic_year": FY, "semester": 1, "school_code": SCHOOL, "school_name": "บ้านหนองนา", "teachers_total": 6,
         "teachers_using": 4, "uses_classroom": "ใช่", "uses_resources": "ใช่", "uses_library": "ไม่ใช่",
         "uses_assessment": "ไม่ใช่", "uses_plc": "ใช่", "hours_per_week": 5.5, "internet_mbps": 100,
         "student_devices": 20, "satisfaction": 4, "problems": "สัญญาณอินเทอร์เน็ตไม่เสถียร"},
        {"academic_year": FY, "semester": 2, "school_code": OTHER, "teachers_total": 12, "teachers_using": 0},
    ],
    # The four-area workbook's sheets, each its own template: SCHOOL has 85 students in the register
    # (ACAD-02 within 5%), four teachers in post (PER-03: 21 students per teacher).
    "admin_academic": [
        {"academic_year": FY, "school_code": SCHOOL, "school_name": "บ้านหนองนา", "k3_male": 4, "k3_female": 5,
         **{f"p{g}_{s}": n for g in range(1, 7) for s, n in (("male", 6), ("female", 7))}, "p6_female": 8,
         "onet_p6_thai": 52.4, "onet_p6_math": 31.05, "onet_p6_science": 38.2, "onet_p6_english": 40},
    ],
    "admin_budget": [
        {"fiscal_year": FY, "school_code": SCHOOL, "category": _items("budget_categories")["per_head"],
         "received_baht": 161500, "spent_baht": 150000},
        {"fiscal_year": FY, "school_code": SCHOOL, "category": _items("budget_categories")["textbooks"],
         "received_baht": 35000, "spent_baht": 35000},
    ],
    "admin_personnel": [
        {"academic_year": FY, "school_code": SCHOOL, "director_actual": 1, "director_vacant": 0,
         "teacher_actual": 4, "teacher_vacant": 1, "staff_actual": 1},
    ],
    "admin_general": [
        {"academic_year": FY, "school_code": SCHOOL, "buildings": 2, "building_condition": "พอใช้",
         "computers_teaching": 12, "computers_admin": 3, "internet": "ใช่", "internet_mbps": 200,
         "electricity": "ใช่", "distance_km": 42.5},
    ],
    "admin_staff": [
        {"academic_year": FY, "school_code": SCHOOL, "full_name": "นางสาวสมใจ ใจดี",
         "citizen_id": "3401" + "00012345" + pin.calc_check_digit("340100012345"),
         "position": _items("positions")["teacher"]},
    ],
}


def fill(table: str, path: Path, rows: list[dict]) -> Path:
    """The template of `table` written to `path` and filled in with openpyxl, cell by cell."""
    at = write_template(get(table), path)
    wb = openpyxl.load_workbook(path)
    ws = wb[at.sheet]
    for i, row in enumerate(rows):
        for name, value in row.items():
            ws.cell(at.first_data_row + 1 + i, at.columns[name] + 1, value)
    wb.save(path)
    return path


def _checked(path: Path, table: str, register: pl.DataFrame | None) -> pl.DataFrame:
    """A filled register template's rows as the check decides them (to publish as the register)."""
    from pipelines.casting import cast
    from pipelines.parsing.files import parse_file
    from pipelines.validate import check_rows

    raw = parse_file(path, path.parent).tables[table]
    typed = cast(raw.with_columns(_source_file=pl.lit(path.name), _arrival_seq=pl.lit(0, pl.Int64)), get(table))
    return check_rows(typed, get(table), register, today=DAY, engine="polars").rows


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """A data root whose published register and allocations are the filled office templates."""
    root = tmp_path_factory.mktemp("templates")
    schools = _checked(fill("schools", root / "schools.xlsx", ROWS["schools"]), "schools", None)
    allocation = _checked(fill("dltv_allocation", root / "alloc.xlsx", ROWS["dltv_allocation"]), "dltv_allocation", schools)
    assert schools["_outcome"].to_list() == ["valid", "valid"] and allocation["_outcome"].to_list() == ["valid", "valid"]
    publish(home(root / "data"), {"schools": schools, "dltv_allocation": allocation})
    return root


def _check(path: Path, district: Path, monkeypatch, capsys) -> tuple[int, list[str]]:
    monkeypatch.setenv("KHLANG_HOME", str(district / "data"))
    code = cmd_check(argparse.Namespace(file=str(path)))
    return code, capsys.readouterr().out.splitlines()


def test_every_template_bearing_contract_has_rows_here_and_platform_exports_have_none():
    assert set(template_tables()) <= set(ROWS), "add one or two correct rows for the new template to ROWS"
    assert {"schools", "dltv_allocation", "dltv_equipment"} <= set(template_tables())
    assert not {t for t in template_tables() if t.startswith("platform_")}, "machine exports get no template"


@pytest.mark.parametrize("table", template_tables())
def test_a_correctly_filled_template_passes_the_check_with_no_message(table, district, tmp_path, monkeypatch, capsys):
    path = fill(table, tmp_path / f"{table}.xlsx", ROWS[table])
    code, lines = _check(path, district, monkeypatch, capsys)
    n = len(ROWS[table])
    assert lines == [f"ตรวจไฟล์ / checking {path.name}", "", f"{get(table).th} ({table}): {n} แถว / rows",
                     f"  ผ่าน / valid: {n}", "", "ผล: ผ่าน / result: PASS"], "\n".join(lines)
    assert code == 0


def test_a_template_filled_with_a_value_off_its_list_fails_the_check(district, tmp_path, monkeypatch, capsys):
    wrong = [{**ROWS["dltv_allocation"][0], "item": "โต๊ะนักเรียน"}]  # a student desk is not a DLTV item
    code, lines = _check(fill("dltv_allocation", tmp_path / "wrong.xlsx", wrong), district, monkeypatch, capsys)
    assert code == 1 and any("ALLOC-01" in line for line in lines), "\n".join(lines)


def _validation(ws, col_letter: str, row: int):
    found = [dv for dv in ws.data_validations.dataValidation
             if any(r.min_col == r.max_col == openpyxl.utils.column_index_from_string(col_letter) and r.min_row <= row <= r.max_row
                    for r in dv.sqref.ranges)]
    assert len(found) == 1, f"{col_letter}{row}: {len(found)} validations"
    return found[0]


def _list_values(wb, formula: str) -> list[str]:
    m = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    ws = wb[m.group(1)]
    return [ws[f"{m.group(2)}{r}"].value for r in range(int(m.group(3)), int(m.group(5)) + 1)]


@pytest.mark.parametrize("table", template_tables())
def test_the_template_has_the_contract_headers_drop_downs_text_cells_and_instructions(table, tmp_path):
    contract = get(table)
    at = write_template(contract, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == [at.sheet, INSTRUCTIONS_SHEET] and len(at.sheet) <= 31
    ws = wb[at.sheet]
    merged = {str(r) for r in ws.merged_cells.ranges}
    top = at.header_rows[0] + 1  # openpyxl counts from 1
    letter = openpyxl.utils.get_column_letter
    for col in contract.columns:
        c = letter(at.columns[col.name] + 1)
        if col.group:  # merged two-row header: the item over its sub-columns
            run = [k for k in contract.columns if k.group == col.group]
            first, last = letter(at.columns[run[0].name] + 1), letter(at.columns[run[-1].name] + 1)
            assert ws[f"{first}{top}"].value == col.group.th and f"{first}{top}:{last}{top}" in merged
            assert ws[f"{c}{top + 1}"].value == col.sub.th
        else:
            assert ws[f"{c}{top}"].value == col.th
            if len(at.header_rows) == 2:
                assert f"{c}{top}:{c}{top + 1}" in merged
        assert ws[f"{c}{top + 1 if col.group else top}"].font.name == FONT  # Thai-capable, not Calibri
        if col.type in ("code", "phone", "date"):
            assert ws.column_dimensions[c].number_format == "@", f"{col.name}: not a text column"
        dv = _validation(ws, c, at.first_data_row + 1)
        assert dv.promptTitle and dv.prompt, f"{col.name}: no input message"
        if choices(col):
            assert dv.type == "list"
            assert _list_values(wb, dv.formula1) == [i.th for i in choices(col)]
    assert ws.column_dimensions[letter(at.columns["school_code"] + 1)].number_format == "@"
    assert ws.freeze_panes == f"A{at.first_data_row + 1}"
    guide = [str(v) for row in wb[INSTRUCTIONS_SHEET].iter_rows(values_only=True) for v in row if v is not None]
    text = "\n".join(guide)
    assert contract.th in guide[0] and INSTRUCTIONS_SHEET in ws["A2"].value
    if any(c.type == "be_year" for c in contract.columns):
        assert "พุทธศักราช (พ.ศ.)" in text and "Buddhist Era" in text
    if any(c.type == "date" for c in contract.columns):
        assert "วัน/เดือน/ปี พ.ศ. (dd/mm/yyyy)" in text
    for col in contract.columns:
        assert col.header_th in guide and col.en in guide, f"{col.name} is not explained"
    for rule_id in contract.rule_ids:
        assert rule_id in guide, f"{rule_id} is not listed"
    assert ("ต้องกรอก\nrequired" in guide) == bool(contract.required)


def test_the_data_sheet_is_named_by_the_contract_or_its_thai_name_cut_readably():
    equipment = get("dltv_equipment")
    assert sheet_name(equipment) == equipment.sheet
    unnamed = dataclasses.replace(equipment, sheet=None)
    name = sheet_name(unnamed)
    assert len(name) <= 31 and name.endswith("…") and "/" not in name
    kept = name[:-1]
    cleaned = equipment.th.replace("/", "-")
    assert cleaned.startswith(kept)
    assert not re.match(r"[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", cleaned[len(kept)]), "cut between a consonant and its mark"
    assert sheet_name(get("schools")) == get("schools").th  # short enough as it is


def test_the_loader_refuses_a_sheet_name_excel_would_refuse(tmp_path):
    text = (contract_module.CONTRACT_DIR / "schools.yaml").read_text(encoding="utf-8")
    for bad in ("ทะเบียน/สถานศึกษา", "ท" * 32):
        path = tmp_path / "schools.yaml"
        path.write_text(text.replace("en: School register\n", f"en: School register\nsheet: {bad}\n"), encoding="utf-8")
        with pytest.raises(ValueError, match="sheet"):
            contract_module._load(path)


def test_the_command_writes_a_template_and_refuses_a_survey_without_one(tmp_path, capsys):
    out = tmp_path / "แบบฟอร์ม.xlsx"
    assert cmd_template(argparse.Namespace(survey="dltv_equipment", out=str(out))) == 0
    assert openpyxl.load_workbook(out).sheetnames == [layout(get("dltv_equipment")).sheet, INSTRUCTIONS_SHEET]
    assert [p.name for p in tmp_path.iterdir()] == [out.name], "no temporary file left"
    capsys.readouterr()
    for survey in ("no_such_survey", "platform_daily"):
        assert cmd_template(argparse.Namespace(survey=survey, out=str(tmp_path / "x.xlsx"))) == 2
        err = capsys.readouterr().err
        assert survey in err and all(t in err for t in template_tables()), err
        assert ("ไม่รู้จักแบบสำรวจ" in err) == (survey == "no_such_survey")
    assert not has_template(get("platform_daily")) and not has_template(get("platform_events"))
    assert cmd_template(argparse.Namespace(survey="schools", out=str(tmp_path / "x.csv"))) == 2
    assert cmd_template(argparse.Namespace(survey="schools", out=str(tmp_path / "missing" / "x.xlsx"))) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


@pytest.mark.parametrize("table", ["dltv_equipment", "admin_staff"])
def test_the_instructions_name_every_personal_column_as_personal(table):
    """Reporter names and phones, a roster's citizen IDs (hashed) and its staff names (never stored) alike."""
    c = get(table)
    [line] = [th for th, _ in general_notes(c, "x", (4,), 5) if "ข้อมูลส่วนบุคคล" in th]
    assert c.hidden_columns and all(c.column(n).header_th in line for n in c.hidden_columns)
