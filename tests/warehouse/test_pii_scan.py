"""PDPA's last gate (warehouse/pii_scan.py): a publish, an export and `khlang pii-scan` fail on a citizen ID,
a phone number or a known name, and pass on the real sample district.

Real roots throughout: the session's demo (read-only; its exports go to tmp folders), small warehouses
published with `publish()`, a roster CSV parsed by the real parser. Citizen IDs are made by code: twelve
digits and python-stdnum's check digit. Leaks are planted where they would really appear: a note typed
into a text column, an ID typed into a number cell, a phone typed into an export, a reporter echoed into
the quarantine's raw values of a snapshot.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from dataclasses import replace

import polars as pl
import pytest
from stdnum.th import pin

from pipelines.cli import pii_scan as pii_scan_cli
from pipelines.config import home
from pipelines.parsing.files import parse_file
from warehouse import lake
from warehouse.contracts import get
from warehouse.export import ExportError, export_obec
from warehouse.pii_scan import (
    Names,
    PersonalDataFound,
    digits,
    find,
    known_names,
    scan_folder,
    scan_frame,
    table_cells,
)
from warehouse.publish import current_version, publish, read_snapshot

GOOD = "110170020703" + pin.calc_check_digit("110170020703")
WRONG = GOOD[:-1] + str((int(GOOD[-1]) + 1) % 10)  # thirteen digits, wrong check digit: not an ID
DASHED = f"{GOOD[0]}-{GOOD[1:5]}-{GOOD[5:10]}-{GOOD[10:12]}-{GOOD[12]}"
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
MASKED_ID = f"{GOOD[0]}-{GOOD[1:5]}-xxxxx-xx-x"
NO_NAMES = Names({})


def khlang_pii_scan(*argv: str) -> int:
    """`khlang pii-scan ...` through the command's own parser (as pipelines/cli registers it)."""
    parser = argparse.ArgumentParser(prog="khlang")
    pii_scan_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["pii-scan", *argv])
    return args.func(args)


def found(frame: pl.DataFrame, names: Names = NO_NAMES) -> list[tuple[str, str, int, str]]:
    return sorted((f.column, f.kind, f.row, f.masked) for f in scan_frame(frame, names, file="t"))


# --- what counts, what does not ------------------------------------------------------------------

def test_ids_and_phones_are_found_however_written_and_shown_masked():
    frame = pl.DataFrame({
        "id": [GOOD, DASHED, f" {GOOD.translate(THAI)} ", f"เลขบัตร{GOOD}ครับ", GOOD.replace("", " ").strip()],
        "phone": ["0812345678", "081-234-5678", "+66 81 234 5678", "โทร.02-123-4567", "๐๘๑๒๓๔๕๖๗๘"],
    })
    assert found(frame) == [("id", "citizen_id", 1, MASKED_ID), ("phone", "phone", 1, "081-xxx-xxxx")]
    [ids, phones] = sorted(scan_frame(frame, NO_NAMES, file="t"), key=lambda f: f.column)
    assert (ids.rows, phones.rows) == (5, 5)  # one finding per column and kind, every row counted
    # Typed into number cells (Excel keeps an ID as a number): found; numbers are never taken for phones.
    numbers = pl.DataFrame({"n": [1040008049, int(WRONG), int(GOOD)], "x": [0.5, float(GOOD), 812345678.0],
                            "small": pl.Series([1, 2, 3], dtype=pl.Int32)})
    got = find(table_cells(numbers, file="t", table="t"), NO_NAMES)
    assert sorted((f.column, f.kind, f.row, f.masked) for f in got) == [("n", "citizen_id", 3, MASKED_ID),
                                                                       ("x", "citizen_id", 2, MASKED_ID)]


def test_codes_dates_amounts_hashes_and_a_wrong_check_digit_are_not_findings():
    frame = pl.DataFrame({"v": [
        "1040008049", "๑๐๔๐๕๕๕๑๒๙", "10340001", "2569-01-15", "2025-12-30 00:00:00", "15/01/2569", "22 ม.ค. 2569",
        "0.0812345678", "12.081234567", "0812345678.25", "1,081,234,567", "16.881348", WRONG,
        f"{WRONG[0]}-{WRONG[1:5]}-{WRONG[5:10]}-{WRONG[10:12]}-{WRONG[12]}", "1" + GOOD, GOOD + "5",
        "h1:" + "0812345678" * 6 + "abcd", "7ffd94b60dac592823" + GOOD + "ab", "dltv_equipment/2569/1040087429_ส่งใหม่.xlsx",
    ]})
    assert found(frame) == []


# --- the real sample district: clean, and the exemption is only the contracts' personal columns ------

def test_the_demo_warehouse_its_exports_and_pii_scan_are_clean(demo_home, tmp_path, monkeypatch, capsys):
    names = known_names(demo_home)
    assert sum(s == "dltv_equipment.reporter_name" for s in names.source.values()) > 100  # the sample's reporters
    version = demo_home.versions / current_version(demo_home)
    assert scan_folder(version, names) == []
    # What made that pass: the snapshot keeps the reporters (personal:) and nothing else carries them.
    allowed = scan_folder(version, names, personal=set())
    assert {(f.table, f.column, f.kind) for f in allowed} == {
        (t, c, k) for t in ("dltv_equipment", "dltv_equipment_history")
        for c, k in (("reporter_name", "name"), ("reporter_phone", "phone"))}
    assert all(f.file.endswith(".parquet") for f in allowed)  # never the DuckDB file
    for survey, period in (("dltv_equipment", 2569), ("dlit_usage", 2568), ("platform_events", 2569)):
        export_obec(demo_home, survey, period, tmp_path / "exports" / survey)  # each one scanned before it is final
    assert scan_folder(tmp_path / "exports", names) == []
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    assert khlang_pii_scan() == 0
    assert khlang_pii_scan("--path", str(tmp_path / "exports")) == 0
    assert "ไม่พบข้อมูลส่วนบุคคล / no personal data found" in capsys.readouterr().out
    assert khlang_pii_scan("--version", "v9999") == 2


# --- a publish ------------------------------------------------------------------------------------

def test_a_citizen_id_stops_the_publish_and_the_previous_version_stays(tmp_path):
    h = home(tmp_path)
    notes = pl.DataFrame({"school_code": ["1040008049", "1040008050", "1040008051"],
                          "note": ["ครบ", f"เลข {WRONG} ผิด", "-"], "staff": [3, 4, 5]})
    publish(h, {"notes": notes})  # a wrong check digit is not an ID: published
    before = h.duckdb_path.read_bytes()
    leaked = {"notes": notes.with_columns(note=pl.Series(["ครบ", "ครบ", f"ครูแจ้ง {DASHED.translate(THAI)}"])),
              "ids": pl.DataFrame({"staff_id": [7, int(GOOD)]})}
    with pytest.raises(PersonalDataFound) as refused:
        publish(h, leaked)
    message = str(refused.value)
    assert message.startswith("ไม่เผยแพร่คลังข้อมูลรุ่น v0002")
    for where in ("v0002/notes.parquet ตาราง notes คอลัมน์ note แถว 3", "v0002/khlang.duckdb, table notes, column note, row 3",
                  "v0002/ids.parquet ตาราง ids คอลัมน์ staff_id แถว 2"):
        assert where in message
    assert "เลขประจำตัวประชาชน" in message and "citizen ID" in message and MASKED_ID in message
    assert GOOD not in digits(message.replace(MASKED_ID, "")), "the message must not carry the ID"
    assert current_version(h) == "v0001" and h.duckdb_path.read_bytes() == before
    assert not (h.versions / "v0002").exists() and not list(h.versions.glob(".*"))


def test_a_staff_name_from_a_landing_roster_stops_the_publish(tmp_path):
    """A landing-only name (PII-02) is read from landing/ with the real parser, never from the lake."""
    h = home(tmp_path)
    roster = get("admin_staff")
    headers = {c.name: c.th for c in roster.columns}
    rows = [{"academic_year": "2568", "school_code": "1040008049", "full_name": "นางสาวสมศรี ใจงาม",
             "citizen_id": DASHED, "position": "ครู"}]
    (h.landing / "admin").mkdir(parents=True)
    pl.DataFrame(rows).rename(headers).write_csv(h.landing / "admin" / "บุคลากร_2568.csv", include_bom=True)
    assert parse_file(h.landing / "admin" / "บุคลากร_2568.csv", h.landing).tables["admin_staff"].height == 1
    names = known_names(h)
    assert names.source == {"นางสาวสมศรี ใจงาม": "admin_staff.full_name", "สมศรี ใจงาม": "admin_staff.full_name"}
    with pytest.raises(PersonalDataFound) as refused:
        publish(h, {"contacts": pl.DataFrame({"school_code": ["1040008049"], "contact": ["ติดต่อ สมศรี  ใจงาม ฝ่ายวิชาการ"]})})
    message = str(refused.value)
    assert "ชื่อบุคคล สxxx ใxxx (ชื่อจาก admin_staff.full_name) ใน v0001/contacts.parquet ตาราง contacts คอลัมน์ contact แถว 1" in message
    assert "สมศรี" not in message and "ใจงาม" not in message
    assert current_version(h) is None


# --- an export ------------------------------------------------------------------------------------

def test_an_export_carrying_phone_numbers_and_names_is_refused_and_out_untouched(demo_home, tmp_path, monkeypatch):
    """The last line of defence: a contract edit that dropped `personal:` would export the reporters."""
    from warehouse.export import obec

    real = dict(obec.contracts())
    monkeypatch.setattr(obec, "contracts", lambda: {**real, "dltv_equipment": replace(real["dltv_equipment"], personal=())})
    out = tmp_path / "obec"
    with pytest.raises(ExportError) as refused:
        export_obec(demo_home, "dltv_equipment", 2569, out)
    message = str(refused.value)
    assert message.startswith("ไม่ส่งออก dltv_equipment ปี 2569: พบข้อมูลส่วนบุคคล")
    phone, name = (get("dltv_equipment").column(c).th for c in ("reporter_phone", "reporter_name"))
    assert re.search(rf"พบหมายเลขโทรศัพท์ 0\d\d?-xxx-xxxx ใน obec/dltv_equipment_2569.csv คอลัมน์ {phone} แถว \d+", message)
    assert re.search(rf"a person's name \S+ .*\(a name known from dltv_equipment.reporter_name\) in "
                     rf"obec/dltv_equipment_2569.xlsx, table .+, column {name}, row \d+", message)
    reporters = read_snapshot(demo_home, "dltv_equipment").select("reporter_name", "reporter_phone").drop_nulls()
    assert not any(n in message or digits(p) in digits(message) for n, p in reporters.iter_rows())
    assert not out.exists() and list(tmp_path.iterdir()) == []  # nothing replaced --out, nothing left beside it


# --- khlang pii-scan --------------------------------------------------------------------------------

def test_pii_scan_finds_a_phone_typed_into_an_export_csv(demo_home, tmp_path, monkeypatch, capsys):
    out = tmp_path / "exports" / "obec"
    export_obec(demo_home, "dltv_equipment", 2569, out)
    csv = out / "dltv_equipment_2569.csv"
    table = pl.read_csv(csv, infer_schema=False)
    school = get("dltv_equipment").column("school_name").th
    table = table.with_columns(pl.when(pl.int_range(pl.len()) == 2).then(pl.lit("โรงเรียนบ้านนา โทร 089 123 4567"))
                               .otherwise(pl.col(school)).alias(school))
    table.write_csv(csv, include_bom=True)  # what someone did to the file after the export
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    capsys.readouterr()
    assert khlang_pii_scan("--path", str(tmp_path / "exports")) == 1
    printed = capsys.readouterr().out
    assert f"พบหมายเลขโทรศัพท์ 089-xxx-xxxx ใน {tmp_path / 'exports'}/obec/dltv_equipment_2569.csv คอลัมน์ {school} แถว 4" in printed
    assert "a Thai phone number 089-xxx-xxxx in" in printed and "123 4567" not in printed


def test_pii_scan_finds_a_reporter_name_in_a_snapshot(demo_home, tmp_path, monkeypatch, capsys):
    """A reporter as a school wrote them (read from its landing file), echoed into the quarantine's raw
    values of a published snapshot: found by the default scan of every version kept."""
    files = sorted(demo_home.landing.glob("dltv_equipment/2569/schools/*.xlsx"))
    frames = [parse_file(f, demo_home.landing).tables.get("dltv_equipment") for f in files]
    who = next(f for f in frames if f is not None)["reporter_name"].drop_nulls()[0]
    root = home(tmp_path / "root")  # the demo's published warehouse and raw reporters, copied
    shutil.copytree(demo_home.warehouse, root.warehouse)
    raw = lake.path(demo_home, "raw", "dltv_equipment")
    (root.lake / "raw" / "dltv_equipment").mkdir(parents=True)
    shutil.copy(raw, lake.path(root, "raw", "dltv_equipment"))
    snapshot = root.versions / current_version(root) / "quarantine.parquet"
    quarantine = pl.read_parquet(snapshot)
    echoed = json.dumps({"school_code": "1040008049", "reporter_name": who}, ensure_ascii=False)
    snapshot.chmod(0o644)
    quarantine.with_columns(raw_values=pl.when(pl.int_range(pl.len()) == 4).then(pl.lit(echoed))
                            .otherwise(pl.col("raw_values"))).write_parquet(snapshot)
    monkeypatch.setenv("KHLANG_HOME", str(root.root))
    capsys.readouterr()
    assert khlang_pii_scan() == 1
    printed = capsys.readouterr().out
    version = current_version(root)
    assert (f"ใน warehouse/versions/{version}/quarantine.parquet ตาราง quarantine คอลัมน์ raw_values แถว 5"
            in printed)
    assert "ชื่อบุคคล" in printed and "(ชื่อจาก dltv_equipment.reporter_name)" in printed
    assert who not in printed and who.split()[-1] not in printed
    assert printed.count("\n  - ") == 1, "only the planted leak: the copied DuckDB files are clean"
