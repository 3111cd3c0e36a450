"""The `khlang` command line as staff and schools use it."""

from __future__ import annotations

import hashlib
import json

import pytest

from pipelines.cli import main

pytestmark = pytest.mark.slow


def _tree(root):
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_ingest_json_reports_every_file_and_totals(fresh_district, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_HOME", str(fresh_district.root))
    assert main(["ingest", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = json.loads((fresh_district.root / "sample" / "expected.json").read_text(encoding="utf-8"))
    files = {f["file"]: f for f in out["files"]}
    assert set(files) == set(expected["files"])
    for name, f in files.items():
        assert f["rows_in"] == f["valid"] + f["flagged"] + f["quarantined"] + f["superseded"]
        assert (f["error"] is None) == (expected["files"][name]["error"] is None)
    for k in ("rows_in", "valid", "flagged", "quarantined", "superseded"):
        assert out["totals"][k] == sum(f[k] for f in out["files"])
    assert out["version"] == "v0001" and out["success"]


def test_ingest_json_on_a_failed_run_says_so_with_its_own_counts(demo_home, tmp_path, monkeypatch, capsys):
    import shutil

    import warehouse.publish as wp

    root = tmp_path / "root"
    shutil.copytree(demo_home.root, root)
    (root / "landing" / "new_school.csv").write_bytes((root / "landing").joinpath(
        next(p for p in json.loads((root / "sample" / "expected.json").read_text(encoding="utf-8"))["files"]
             if p.endswith(".csv"))).read_bytes())  # one more file: this run's counts differ from v0001's
    monkeypatch.setenv("KHLANG_HOME", str(root))

    def disk_full(*a, **k):
        raise OSError("No space left on device (simulated)")

    monkeypatch.setattr(wp, "_build_version", disk_full)
    assert main(["ingest", "--json"]) == 2
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["success"] is False and out["version"] is None and out["published_version"] == "v0001"
    assert out["counts_from"] == "validated (not published)"
    assert "new_school.csv" in {f["file"] for f in out["files"]}, "this run's files, not v0001's"
    assert out["totals"]["rows_in"] == sum(f["rows_in"] for f in out["files"])
    assert "v0001" in captured.err and "published nothing" in captured.err


def test_check_passes_a_good_file_fails_a_bad_one_and_writes_nothing(demo_home, expected, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    before = _tree(demo_home.root)
    good = next(n for n, f in expected["files"].items() if f["table"] == "dltv_equipment" and f["rows_in"] == 1 and f["valid"] == 1)
    assert main(["check", str(demo_home.landing / good)]) == 0
    assert "ผ่าน" in capsys.readouterr().out
    bad = next(n for n, f in expected["files"].items() if f["table"] == "dltv_equipment" and f["quarantined"] > 1)
    assert main(["check", str(demo_home.landing / bad)]) == 1
    out = capsys.readouterr().out
    assert "ไม่ผ่าน" in out and "แถว" in out and "DLTV-01" in out
    missing = next(n for n, f in expected["files"].items() if f["error"] == "missing_column")
    assert main(["check", str(demo_home.landing / missing)]) == 1
    assert "จำนวนห้องเรียน DLTV" in capsys.readouterr().out
    assert _tree(demo_home.root) == before, "check must not write anything"


def test_sql_is_read_only(demo_home, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    before = _tree(demo_home.root)
    assert main(["sql", "SELECT count(*) AS n FROM schools", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["n"] > 250
    for statement in ("DELETE FROM schools", f"COPY (SELECT 'x') TO '{demo_home.duckdb_path}'",
                      "SELECT * FROM read_csv('/etc/passwd')",
                      f"ATTACH ':memory:' AS m; USE m; DETACH khlang; ATTACH '{demo_home.duckdb_path}' AS w (READ_WRITE)",
                      "SET enable_external_access = true"):
        assert main(["sql", statement]) == 2, statement
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "ด่าน SQL ไม่อนุญาตคำสั่งนี้" in err[0] and "refused by the SQL door" in err[0], err
    assert _tree(demo_home.root) == before, "sql must not write anything"


def test_sql_errors_are_one_line_in_thai_and_english_with_duckdbs_hint(demo_home, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    assert main(["sql", "SELECT school_nam FROM schools"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("คำสั่ง SQL ผิดพลาด / SQL error — Binder Error")
    assert "Candidate bindings" in err[0] and '"school_name"' in err[0]
    assert main(["sql", "SELECT reporter_name, reporter_phone FROM dltv_equipment"]) == 2
    assert "reporter_name" in capsys.readouterr().err
    assert main(["sql", "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range < 0",
                 "--timeout", "0.5"]) == 2
    assert capsys.readouterr().err.strip() == ("คำสั่งใช้เวลาเกิน 0.5 วินาที จึงถูกหยุด (ลองจำกัดแถวหรือสรุปผลก่อน) / "
                                               "time limit of 0.5 s exceeded: the statement was stopped (narrow or aggregate it)")
    assert main(["sql", "SELECT 1", "--memory", "plenty"]) == 2
    assert "512MB" in capsys.readouterr().err


def test_sql_csv_and_json_hold_list_columns(demo_home, monkeypatch, capsys):
    import csv
    import io

    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    query = "SELECT source_file, row_number, rule_ids, reason_th FROM quarantine ORDER BY source_file, sheet, row_number"
    assert main(["sql", query, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and all(json.loads(r["rule_ids"]) for r in rows)
    assert main(["sql", query, "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert [r["rule_ids"] for r in as_json] == [json.loads(r["rule_ids"]) for r in rows]
    assert main(["sql", "SELECT * FROM dltv_equipment", "--format", "csv"]) == 0
    header = capsys.readouterr().out.splitlines()[0].split(",")
    assert "school_code" in header and "reporter_name" not in header and "reporter_phone" not in header


def test_export_twice_gives_identical_files_without_personal_data(demo_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    digests = []
    for out in (tmp_path / "a", tmp_path / "b"):
        assert main(["export", "obec", "--survey", "dltv_equipment", "--year", "2569", "--out", str(out)]) == 0
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir() if p.suffix in (".csv", ".xlsx")})
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert {f["name"]: f["sha256"] for f in manifest["files"]} == digests[-1]
    assert digests[0] == digests[1] and len(digests[0]) == 2
    csv = (tmp_path / "a" / "dltv_equipment_2569.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
    assert "ผู้ให้ข้อมูล" not in csv.decode("utf-8-sig") and "เบอร์โทรศัพท์" not in csv.decode("utf-8-sig")
    assert main(["export", "obec", "--survey", "dltv_equipment", "--year", "2551", "--out", str(tmp_path / "c")]) == 2
