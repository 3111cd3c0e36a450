"""The `khlang` command line as staff and schools use it."""

from __future__ import annotations

import hashlib
import json

import pytest

from pipelines.cli import main

pytestmark = pytest.mark.slow


def _tree(root, but: str | None = None):
    files = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    return {name: p.stat().st_mtime_ns for name, p in files.items() if not (but and name.startswith(but))}


def test_ingest_json_reports_every_file_and_totals(demo_home, tmp_path, monkeypatch, capsys):
    import shutil

    root = tmp_path / "root"  # the sample district's second night: every file is reported, not only new ones
    shutil.copytree(demo_home.root, root)
    monkeypatch.setenv("KHLANG_HOME", str(root))
    assert main(["ingest", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = json.loads((root / "sample" / "expected.json").read_text(encoding="utf-8"))
    files = {f["file"]: f for f in out["files"]}
    assert set(files) == set(expected["files"])
    for name, f in files.items():
        assert f["rows_in"] == f["valid"] + f["flagged"] + f["quarantined"] + f["superseded"]
        assert (f["error"] is None) == (expected["files"][name]["error"] is None)
    for k in ("rows_in", "valid", "flagged", "quarantined", "superseded"):
        assert out["totals"][k] == sum(f[k] for f in out["files"])
    assert out["version"] == "v0002" and out["success"]


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


RESULT = "ผล: "


def _result_line(out: str) -> str:
    lines = [line for line in out.strip().splitlines() if line.strip()]
    assert lines[-1].startswith(RESULT), f"the last line is the result: {lines[-1]!r}"
    return lines[-1]


def test_check_ends_with_a_result_line_in_every_case(demo_home, expected, tmp_path, monkeypatch, capsys):
    """Pass, rows fail, the whole file fails, not a workbook, no such file, no register yet: each ends
    with one result line, Thai first; exit codes 0 / 1 / 1 / 1 / 2 / 2."""
    import zipfile

    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    good = next(n for n, f in expected["files"].items() if f["table"] == "dltv_equipment" and f["rows_in"] == 1 and f["valid"] == 1)
    bad = next(n for n, f in expected["files"].items() if f["table"] == "dltv_equipment" and f["rows_in"] == 1 and f["quarantined"] == 1)
    assert main(["check", str(demo_home.landing / good)]) == 0
    assert _result_line(capsys.readouterr().out) == "ผล: ผ่าน / result: PASS"
    assert main(["check", str(demo_home.landing / bad)]) == 1
    out = capsys.readouterr().out
    assert _result_line(out).endswith("/ result: FAIL") and "ต้องแก้ไข / must be fixed" in out
    empty = next(n for n, f in expected["files"].items() if f["error"] == "empty")
    assert main(["check", str(demo_home.landing / empty)]) == 1
    assert _result_line(capsys.readouterr().out).endswith("result: FAIL (file problem: empty)")

    broken = tmp_path / "แบบสำรวจ.xlsx"  # a zip that calamine cannot open as a workbook
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("xl/workbook.xml", "not a workbook")
    assert main(["check", str(broken)]) == 1
    out = capsys.readouterr().out
    thai, english, technical = [line.strip() for line in out.splitlines() if line.strip().startswith(("✗", "this", "รายละเอียด"))][:3]
    assert thai == "✗ ไฟล์นี้ไม่ใช่ไฟล์ Excel ที่เปิดได้ (ไฟล์อาจเสียหาย) — เปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง"
    assert "calamine" not in thai and "calamine" not in english and english.startswith("this file is not an Excel workbook")
    assert technical.startswith("รายละเอียดทางเทคนิค / technical detail:") and "calamine" in technical
    assert _result_line(out).endswith("result: FAIL (file problem: not_a_workbook)")

    assert main(["check", str(tmp_path / "ไม่มี.xlsx")]) == 2
    assert _result_line(capsys.readouterr().out) == "ผล: ตรวจไม่ได้ — ไม่พบไฟล์ / result: NOT CHECKED (no such file)"
    assert main(["check", str(tmp_path)]) == 2
    assert _result_line(capsys.readouterr().out).endswith("result: NOT CHECKED (not a regular file)")

    monkeypatch.setenv("KHLANG_HOME", str(tmp_path / "no_root_yet"))
    assert main(["check", str(demo_home.landing / good)]) == 2
    captured = capsys.readouterr()
    assert _result_line(captured.out) == "ผล: ตรวจไม่ได้ — ยังไม่มีทะเบียนสถานศึกษาในคลัง / result: NOT CHECKED (no register published yet)"
    assert "khlang ingest" in captured.err


def test_check_shows_dates_in_buddhist_era_in_thai(demo_home, tmp_path, monkeypatch, capsys):
    """DLTV-07 (a survey date in the future): the Thai reason shows it dd/mm/yyyy BE, the English ISO."""
    import csv
    from datetime import timedelta

    import polars as pl

    from pipelines.calendar import today
    from warehouse import lake
    from warehouse.contracts import get

    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    contract = get("dltv_equipment")
    valid = lake.read_all(demo_home, "validated", "dltv_equipment").filter(pl.col("_outcome") == "valid").row(0, named=True)
    raw = lake.read(demo_home, "raw", "dltv_equipment").filter(
        (pl.col("_source_file") == valid["_source_file"]) & (pl.col("_row") == valid["_row"])).row(0, named=True)
    future = today() + timedelta(days=400)
    path = tmp_path / "future.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([c.header_th if c.group else c.th for c in contract.columns])
        w.writerow([future.isoformat() if c.name == "survey_date" else raw[c.name] for c in contract.columns])
    code = main(["check", str(path)])
    out = capsys.readouterr().out
    be = f"{future.day:02d}/{future.month:02d}/{future.year + 543}"
    assert "DLTV-07" in out, out
    thai = next(line for line in out.splitlines() if line.strip().startswith("วันที่สำรวจ"))
    assert f"({be})" in thai and future.isoformat() not in thai, thai
    assert f"({future.isoformat()})" in out  # the English reason keeps ISO
    assert code in (0, 1) and _result_line(out)


def test_sql_is_read_only(demo_home, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    before = _tree(demo_home.root, but="audit/")
    assert main(["sql", "SELECT count(*) AS n FROM schools", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["n"] > 250
    for statement in ("DELETE FROM schools", f"COPY (SELECT 'x') TO '{demo_home.duckdb_path}'",
                      "SELECT * FROM read_csv('/etc/passwd')",
                      f"ATTACH ':memory:' AS m; USE m; DETACH khlang; ATTACH '{demo_home.duckdb_path}' AS w (READ_WRITE)",
                      "SET enable_external_access = true"):
        assert main(["sql", statement]) == 2, statement
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "ด่าน SQL ไม่อนุญาตคำสั่งนี้" in err[0] and "refused by the SQL door" in err[0], err
    assert _tree(demo_home.root, but="audit/") == before, "sql must write nothing but its audit log entries"


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


def test_sql_table_aligns_thai_text_and_prints_whole_numbers_as_integers(demo_home, monkeypatch, capsys):
    from pipelines.cli.sql import display_width

    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    query = "SELECT district, SUM(students_total) AS students, AVG(2.0) AS two, 0.5 AS half FROM schools GROUP BY ALL ORDER BY 1"
    assert main(["sql", query]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = [ln for ln in lines if ln[:1] in "┌│╞└"]
    assert {display_width(ln) for ln in table} == {display_width(table[0])}, "every border and row equally wide"
    assert any("ภู" in ln for ln in table), "Thai district names with marks above/below"
    header, types = table[1], table[3]
    assert "students" in header and "decimal[38,0]" not in "\n".join(lines)
    assert types.split("┆")[1].strip() == "i64" and types.split("┆")[2].strip() == "i64", "SUM and AVG(2.0) are whole"
    assert types.split("┆")[3].strip(" │") in ("f64", "decimal[2,1]"), "0.5 stays fractional"
    first = table[5].split("┆")
    assert first[1].strip().isdigit() and first[2].strip() == "2" and first[3].strip(" │") == "0.5"


def test_sql_table_keeps_every_column_whole_and_cuts_long_cells(demo_home, monkeypatch, capsys):
    import duckdb

    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    assert main(["sql", "SELECT * FROM dltv_needs", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    con = duckdb.connect(str(demo_home.duckdb_path), read_only=True)
    columns = [r[0] for r in con.execute("DESCRIBE dltv_needs").fetchall()]
    con.close()
    header = out.splitlines()[1]
    assert [c.strip() for c in header.strip("│").split("┆")] == columns, "no column squeezed or hidden"
    assert "3 of 56 rows shown" in out or "3 of" in out
    assert main(["sql", "SELECT repeat('กิ่ง', 30) AS long"]) == 0
    row = capsys.readouterr().out.splitlines()[5]
    assert row.rstrip(" │").endswith("…") and len(row) < 120


def test_display_width_counts_thai_marks_as_zero_and_wide_characters_as_two():
    from pipelines.cli.sql import clip, display_width

    assert display_width("ที่") == 1 and display_width("น้ำ") == 2 and display_width("ชุมแพ") == 4
    assert display_width("漢字") == 4 and display_width("a\u200bb") == 2
    cut = clip("ก่" * 50, 10)
    assert display_width(cut) == 10 and cut.endswith("…") and cut[-2] == "\u0e48", "a mark stays with its letter"
    assert clip("a\nb") == "a↵b"


def test_sql_from_another_folder_finds_the_demos_root(demo_home, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / "config"
    (config / "khlang").mkdir(parents=True)
    (config / "khlang" / "home").write_text(f"{demo_home.root}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "KHLANG_HOME"}
    env["XDG_CONFIG_HOME"] = str(config)
    khlang = Path(sys.executable).parent / "khlang"
    r = subprocess.run([str(khlang), "sql", "SELECT version FROM warehouse_info", "--format", "csv"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0 and r.stdout == "version\nv0001\n", r.stderr


def test_with_no_data_root_sql_and_ingest_say_how_to_point_khlang_home(tmp_path, monkeypatch, capsys):
    from pipelines import config

    monkeypatch.delenv("KHLANG_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr(config, "CHECKOUT", tmp_path / "checkout")  # no checkout data either
    monkeypatch.chdir(tmp_path)
    assert main(["sql", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert f"export KHLANG_HOME={tmp_path / 'checkout' / 'data'}" in err and "khlang demo" in err
    assert "ingest first" not in err, "no wrong advice"
    assert main(["ingest"]) == 2
    err = capsys.readouterr().err
    assert "no landing folder" in err and "export KHLANG_HOME=" in err
    assert not (tmp_path / "data").exists(), "nothing created in a folder that is not a data root"


def test_demo_makes_its_own_data_here_and_never_touches_a_root_remembered_from_elsewhere(tmp_path, monkeypatch, capsys):
    """A demo in a second checkout must not wipe the first checkout's demo (the root it remembered)."""
    other = tmp_path / "other_checkout" / "data"
    (other / "landing").mkdir(parents=True)
    (other / ".khlang-root").write_text("made by khlang demo\n")
    (other / "landing" / "ของโรงเรียน.xlsx").write_bytes(b"keep me")
    config = tmp_path / "config"
    (config / "khlang").mkdir(parents=True)
    (config / "khlang" / "home").write_text(str(other) + "\n")
    here = tmp_path / "new_checkout"
    here.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("KHLANG_HOME", raising=False)
    monkeypatch.chdir(here)
    assert main(["demo", "--schools", "150"]) == 0
    assert (other / "landing" / "ของโรงเรียน.xlsx").read_bytes() == b"keep me"
    assert not (other / "warehouse").exists()
    assert (here / "data" / "warehouse" / "published.json").exists()
    assert (config / "khlang" / "home").read_text().strip() == str(here / "data")
    capsys.readouterr()
