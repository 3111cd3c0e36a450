"""A school's upload (pipelines/upload.py): checked as `khlang check` checks it, filed in landing/ or refused.

Each test gets its own data root holding a copy of the session's published warehouse (`demo_home`: the
sample district, 300 schools), so the register is the real one and nothing runs the nightly job again,
except the last test, which runs it once to see an accepted file ingested. Files to send are the sample
district's own landing files, or CSVs made here from its raw rows (Thai digits, a leading apostrophe, a
Buddhist-Era date, Windows Thai encoding).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines import audit
from pipelines.config import Home, home
from pipelines.upload import MAX_BYTES, SCHOOL_SURVEYS, accept, records, safe_name
from pipelines.users import User
from warehouse import lake
from warehouse.contracts import get

NOW = datetime(2026, 3, 2, 3, 4, 5, tzinfo=UTC)
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@pytest.fixture
def root(demo_home, tmp_path) -> Home:
    """A data root with the demo's published warehouse (its register) and nothing else."""
    shutil.copytree(demo_home.warehouse, tmp_path / "root" / "warehouse")
    return home(tmp_path / "root")


def school(code: str) -> User:
    return User(f"school_{code}", "โรงเรียนบ้านทดสอบ", "school", code)


def single(expected: dict, **outcome) -> str:
    """A one-row DLTV file of the sample district with the given outcome counts."""
    return next(n for n, f in expected["files"].items()
                if f["table"] == "dltv_equipment" and f["rows_in"] == 1 and all(f[k] == v for k, v in outcome.items()))


def code_of(name: str) -> str:
    return re.match(r"\d{10}", Path(name).name).group(0)


def send(h: Home, demo_home: Home, name: str, user: User | None = None, as_name: str | None = None, **kw):
    user = user or school(code_of(name))
    return accept(h, user, user.school_code, as_name or Path(name).name, (demo_home.landing / name).read_bytes(),
                  **{"now": NOW, **kw})


def landed_files(h: Home) -> list[str]:
    return sorted(p.relative_to(h.landing).as_posix() for p in h.landing.rglob("*") if p.is_file()) \
        if h.landing.exists() else []


def entries(h: Home) -> list[dict]:
    log = audit.read(h)
    return [{**e, "details": json.loads(e["details"])} for e in log.iter_rows(named=True)]


def raw_rows(demo_home: Home, source: str) -> list[dict]:
    return lake.read(demo_home, "raw", "dltv_equipment").filter(pl.col("_source_file") == source).to_dicts()


def equipment_csv(rows: list[dict], encoding: str = "cp874") -> bytes:
    """A DLTV survey as a CSV with the contract's Thai headers, as a school's spreadsheet saves it."""
    columns = get("dltv_equipment").columns
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.header_th for c in columns])
    for r in rows:
        w.writerow(["" if r.get(c.name) is None else r[c.name] for c in columns])
    return buf.getvalue().encode(encoding)


def test_a_good_file_is_filed_in_landing_with_its_record_and_audit_entries(root, demo_home, expected):
    name = single(expected, valid=1)
    code = code_of(name)
    result = send(root, demo_home, name, as_name="แบบสำรวจ DLTV ปี 2569.xlsx")
    assert result.accepted, result.refusal
    assert result.landed == f"dltv_equipment/2569/uploads/{code}/20260302T030405Z_แบบสำรวจ DLTV ปี 2569.xlsx"
    assert landed_files(root) == [result.landed]
    assert (root.landing / result.landed).read_bytes() == (demo_home.landing / name).read_bytes()
    assert result.check.status == "pass" and result.messages == []
    [record] = records(root)
    assert record == result.record
    wanted = {"user": f"school_{code}", "name": "โรงเรียนบ้านทดสอบ", "role": "school", "school_code": code,
              "file": "แบบสำรวจ DLTV ปี 2569.xlsx", "path": result.landed, "time": "2026-03-02T03:04:05+00:00",
              "size": len((demo_home.landing / name).read_bytes()), "sha256": result.sha256,
              "tables": ["dltv_equipment"], "rows": 1, "flagged": 0}
    assert record == wanted
    assert (root.state / "uploads.jsonl").stat().st_mode & 0o077 == 0, "it names people: owner-only"
    assert list((root.state / "incoming").iterdir()) == [], "the checked copy outside landing/ is removed"
    check, upload = [e for e in entries(root) if e["action"] in ("check", "upload")]
    assert (check["action"], check["outcome"], check["user"], check["role"]) == ("check", "ok", f"school_{code}", "school")
    assert check["details"]["status"] == "pass" and check["details"]["school_code"] == code
    assert (upload["action"], upload["outcome"], upload["target"]) == ("upload", "ok", f"landing/{result.landed}")
    assert upload["details"]["sha256"] == result.sha256
    assert audit.verify(root) == []


def test_a_four_area_workbook_lands_under_admin_and_its_academic_year(root, demo_home, expected):
    name = next(n for n, f in expected["files"].items()
                if n.startswith("admin/") and f["rows_in"] and f["valid"] == f["rows_in"] and re.search(r"\d{10}", n))
    result = send(root, demo_home, name)
    assert result.accepted, result.refusal
    assert {t.table for t in result.check.tables} <= set(SCHOOL_SURVEYS)
    assert result.landed.startswith(f"admin/2568/uploads/{code_of(name)}/20260302T030405Z_")


def test_a_file_with_a_failing_row_is_refused_with_the_messages_khlang_check_prints(root, demo_home, expected,
                                                                                     monkeypatch, capsys):
    from pipelines.cli import main

    name = single(expected, quarantined=1)
    result = send(root, demo_home, name)
    assert not result.accepted and result.refusal.kind == "quarantined"
    assert "ไม่ผ่าน" in result.refusal.th and "must be fixed" in result.refusal.en
    assert landed_files(root) == [] and records(root) == []
    assert result.messages and all(m.severity == "quarantine" for m in result.messages)

    monkeypatch.setenv("KHLANG_HOME", str(root.root))
    assert main(["check", str(demo_home.landing / name)]) == 1
    out = capsys.readouterr().out
    for m in result.messages:
        assert f"  ✗ ชีต {m.sheet} แถว {m.row} — ต้องแก้ไข / must be fixed [" in out
        assert f"      {m.th}\n      ({m.en})\n" in out, m
        assert m.rule_id in out and m.file == Path(name).name
    assert out.count("\n      (") == len(result.messages), "the same messages, no more"
    check, upload = [e for e in entries(root) if e["action"] in ("check", "upload")]
    assert check["outcome"] == "failed" and check["details"]["counts"]["dltv_equipment"]["quarantined"] == 1
    assert (upload["outcome"], upload["details"]["reason"]) == ("refused", "quarantined")


def test_flagged_rows_are_accepted_and_shown_as_notes(root, demo_home, expected):
    """A messy CSV (Windows Thai encoding, the school code in Thai digits behind an apostrophe, a BE date)
    whose one row is flagged (DLTV-07: surveyed in the previous fiscal year) is accepted with the note."""
    name = single(expected, valid=1)
    code = code_of(name)
    [row] = raw_rows(demo_home, name)
    row |= {"school_code": "'" + code.translate(THAI_DIGITS), "survey_date": "15 ก.ย. 2567"}
    result = accept(root, school(code), code, "แบบสำรวจ_ส่งใหม่.csv", equipment_csv([row]), now=NOW)
    assert result.accepted, result.refusal
    [m] = result.messages
    assert (m.rule_id, m.severity, m.row, m.column) == ("DLTV-07", "flag", 2, "วันที่สำรวจ, ปีงบประมาณ")
    assert "15/09/2567" in m.th and result.record["flagged"] == 1
    assert result.landed == f"dltv_equipment/2569/uploads/{code}/20260302T030405Z_แบบสำรวจ_ส่งใหม่.csv"


def test_rows_of_another_school_are_refused_naming_the_codes_and_rows(root, demo_home, expected):
    name = single(expected, valid=1)
    own = code_of(name)
    other_name = next(n for n, f in expected["files"].items() if f["table"] == "dltv_equipment"
                      and f["rows_in"] == 1 and f["valid"] == 1 and code_of(n) != own)
    [mine], [theirs] = raw_rows(demo_home, name), raw_rows(demo_home, other_name)
    mine["school_code"] = "'" + own.translate(THAI_DIGITS)  # still its own code once cleaned
    result = accept(root, school(own), own, "รวม.csv", equipment_csv([mine, theirs]), now=NOW)
    assert result.refusal.kind == "other_school"
    assert f"รหัส {code_of(other_name)} (ชีต csv แถว 3)" in result.refusal.th and own in result.refusal.th
    assert f"code {code_of(other_name)} (sheet csv row 3)" in result.refusal.en
    assert f"รหัส {own} (" not in result.refusal.th, "its own row, written in Thai digits, is its own"

    district = next(n for n in expected["files"] if "รวมทั้งเขต" in n and n.startswith("dltv_equipment/2569"))
    result = send(root, demo_home, district, user=school(own))
    assert result.refusal.kind == "other_school" and "และอีก" in result.refusal.th and "more codes" in result.refusal.en
    assert len(re.findall(r"รหัส \d{10} \(", result.refusal.th)) == 5, "five codes named, the rest counted"

    result = send(root, demo_home, name, user=school(code_of(other_name)))  # a whole file of another school
    assert result.refusal.kind == "other_school" and f"รหัส {own} (ชีต" in result.refusal.th
    result = accept(root, school(own), code_of(other_name), "x.xlsx", (demo_home.landing / name).read_bytes())
    assert result.refusal.kind == "other_school" and result.check is None, "only for its own school code"
    assert landed_files(root) == [] and records(root) == []
    assert {e["details"]["reason"] for e in entries(root) if e["action"] == "upload"} == {"other_school"}


def test_names_extensions_sizes_and_roles_are_refused_before_any_check(root, demo_home, expected):
    name = single(expected, valid=1)
    code = code_of(name)
    data = (demo_home.landing / name).read_bytes()
    for filename, blob, kind in [("แบบสำรวจ.pdf", data, "extension"), ("แบบสำรวจ", data, "extension"),
                                 ("...", data, "name"), (".xlsx", data, "extension"),
                                 ("ใหญ่.csv", b"x" * (MAX_BYTES + 1), "size")]:
        result = accept(root, school(code), code, filename, blob, now=NOW)
        assert result.refusal.kind == kind and result.check is None, (filename, result.refusal)
    assert "20.0 MB" in result.refusal.th
    director = User("director", "ผอ.", "director")
    assert accept(root, director, code, "a.xlsx", data).refusal.kind == "role"
    assert landed_files(root) == [] and not (root.state / "incoming").exists()
    refused = [e for e in entries(root) if e["action"] == "upload"]
    assert len(refused) == 6 and {e["outcome"] for e in refused} == {"refused"}


def test_safe_names_cannot_leave_their_folder_hide_or_grow():
    assert safe_name("../../etc/passwd.csv") == "passwd.csv"
    assert safe_name("C:\\Users\\ครู\\Desktop\\แบบสำรวจ.xlsx") == "แบบสำรวจ.xlsx"
    assert safe_name(".ซ่อน.xlsx") == "ซ่อน.xlsx" and safe_name("~$แบบ.xlsx") == "~$แบบ.xlsx"
    assert safe_name("a\nb\x00c|d?.csv") == "a_b_c_d_.csv"
    long = safe_name("ก" * 200 + ".xlsx")
    assert long.endswith(".xlsx") and len(long.encode()) <= 120 and long.startswith("กกก")
    assert safe_name("แบบสำรวจ DLTV ปี ๒๕๖๙.xlsx") == "แบบสำรวจ DLTV ปี ๒๕๖๙.xlsx"


def test_files_the_check_cannot_read_or_that_are_not_a_schools_are_refused(root, demo_home, expected, tmp_path):
    name = single(expected, valid=1)
    code = code_of(name)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("xl/workbook.xml", "not a workbook")
    result = accept(root, school(code), code, "แบบสำรวจ.xlsx", broken.getvalue(), now=NOW)
    assert result.refusal.kind == "file_problem" and result.messages[0].severity == "file"
    assert result.messages[0].kind == "not_a_workbook"
    lock = accept(root, school(code), code, "~$แบบสำรวจ.xlsx", b"\x0bkhlang", now=NOW)
    assert lock.refusal.kind == "file_problem" and lock.check.problem.kind == "lock_file"
    register = next(n for n in expected["files"] if n.startswith("schools/"))
    result = send(root, demo_home, register, user=school(code))
    assert result.refusal.kind == "not_school_survey" and "ทะเบียน" in result.refusal.th
    nothing = accept(home(tmp_path / "empty"), school(code), code, "a.xlsx", (demo_home.landing / name).read_bytes())
    assert nothing.refusal.kind == "no_register"
    (tmp_path / "bare" / "landing").mkdir(parents=True)
    bare = accept(home(tmp_path / "bare"), school(code), code, "a.xlsx", (demo_home.landing / name).read_bytes())
    assert bare.refusal.kind == "no_register" and "khlang ingest" in bare.refusal.th
    assert landed_files(root) == [] and records(root) == []


def test_a_second_upload_never_replaces_the_first(root, demo_home, expected):
    name = single(expected, valid=1)
    first, second = send(root, demo_home, name), send(root, demo_home, name)  # the same second
    assert first.accepted and second.accepted and first.landed != second.landed
    assert second.landed == first.landed.replace(".xlsx", "_2.xlsx")
    assert landed_files(root) == sorted([first.landed, second.landed])
    assert [r["path"] for r in records(root)] == [first.landed, second.landed]
    targets = [e["target"] for e in entries(root) if e["action"] == "upload"]
    assert targets == [f"landing/{first.landed}", f"landing/{second.landed}"], "each entry names its own file"


def test_no_file_is_filed_when_its_audit_entry_cannot_be_written(root, demo_home, expected, monkeypatch):
    def broken(*a, **k):
        raise audit.AuditError("บันทึกไม่ได้ (ทดสอบ)", "cannot write (test)")

    monkeypatch.setattr(audit, "record", broken)
    result = send(root, demo_home, single(expected, valid=1))
    assert result.refusal.kind == "audit" and "บันทึกการใช้งานไม่ได้" in result.refusal.th
    assert landed_files(root) == [] and records(root) == []


@pytest.mark.slow
def test_the_nightly_job_ingests_an_accepted_file(demo_home, expected, tmp_path):
    """A root whose landing/ holds the register and allocations; a school sends its survey; one nightly
    run reads the file where it was filed (and not the record beside it)."""
    from pipelines.run import run_nightly

    h = home(tmp_path / "root")
    shutil.copytree(demo_home.warehouse, h.warehouse)
    for folder in ("schools", "dltv_allocation"):
        shutil.copytree(demo_home.landing / folder, h.landing / folder)
    name = single(expected, valid=1)
    result = send(h, demo_home, name, as_name="แบบสำรวจ DLTV.xlsx")
    assert result.accepted, result.refusal
    assert run_nightly(h).success
    rows = lake.read_all(h, "validated", "dltv_equipment")
    assert rows.select("_source_file", "school_code", "_outcome").to_dicts() == [
        {"_source_file": result.landed, "school_code": code_of(name), "_outcome": "valid"}]
    inventory = lake.read(h, "landing", "files")
    assert result.landed in inventory.get_column("path").to_list()
    assert not any("uploads.jsonl" in p for p in inventory.get_column("path").to_list())
