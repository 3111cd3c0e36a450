"""The sample district generator: deterministic, self-consistent, and files that really look as claimed.

Real files in tmp_path, read back with the same readers the pipeline uses (fastexcel, zipfile, codecs).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import fastexcel
import pytest

from pipelines.sample import generate
from warehouse import contracts

THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
OUTCOMES = ("valid", "flagged", "quarantined", "superseded")
# Rules the brief asks to inject at least once, per table.
INJECTED = {
    "schools": ["SCH-01", "SCH-02", "SCH-03", "SCH-04", "SCH-05"],
    "dltv_equipment": ["REF-01", "DLTV-01", "DLTV-02", "DLTV-03", "DLTV-04", "DLTV-05", "DLTV-06", "DLTV-07",
                       "FMT-01", "FMT-02", "REQ-01"],
    "dltv_allocation": ["REF-01", "ALLOC-01", "ALLOC-02"],
}
# Columns in the sample files that match no contract column on purpose (ignored by ingest).
EXTRA_HEADERS = {"ที่", "รวมเงิน (บาท)", "หมายเหตุเพิ่มเติม"}


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("district")
    return root, generate(root)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _rows(path: Path, sheet: str) -> list[tuple]:
    reader = fastexcel.read_excel(str(path))
    return reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars().rows()


def _workbooks(root: Path, expected: dict, *, errors: bool = False) -> list[tuple[str, dict]]:
    """One-table workbooks (a four-area workbook holds a table per sheet: test_admin.py reads those)."""
    return [(rel, f) for rel, f in expected["files"].items()
            if rel.endswith(".xlsx") and f["error"] != "not_a_workbook" and (errors or not f["error"])
            and "tables" not in f]


def _per_table(expected: dict) -> list[tuple[str, dict]]:
    """(table, outcome counts) of every file, a workbook of several tables once per table."""
    return [(t, c) for f in expected["files"].values()
            for t, c in (f["tables"].items() if "tables" in f else [(f["table"], f)])]


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def test_same_seed_gives_identical_bytes(district, tmp_path):
    root, expected = district
    again = generate(tmp_path, seed=2569, n_schools=300)
    assert again == expected
    assert _files(tmp_path) == _files(root)
    assert json.loads((root / "sample" / "expected.json").read_text(encoding="utf-8")) == expected


def test_leaving_families_out_moves_no_other_file(district, tmp_path):
    root, expected = district
    slim = generate(tmp_path, seed=2569, n_schools=300, families=("dlit",))
    full = _files(root / "landing")
    kept = _files(tmp_path / "landing")
    assert kept and all(full[name] == data for name, data in kept.items())
    assert not any(name.startswith(("admin/", "platform")) for name in kept)
    assert any(name.startswith("dlit_usage/") for name in kept)
    assert set(slim["files"]) <= set(expected["files"])
    with pytest.raises(ValueError, match="unknown families"):
        generate(tmp_path / "other", families=("dltv_typo",))


def test_another_seed_gives_other_files(district, tmp_path):
    root, _ = district
    generate(tmp_path, seed=7, n_schools=300)
    register = "landing/schools/ทะเบียนสถานศึกษา_2569.xlsx"
    assert _files(tmp_path)[register] != _files(root)[register]


def test_ground_truth_is_outside_the_landing_zone(district):
    root, expected = district
    assert (root / "sample" / "expected.json").is_file()
    landed = {p.relative_to(root / "landing").as_posix() for p in (root / "landing").rglob("*") if p.is_file()}
    assert landed == set(expected["files"])


def test_every_row_is_accounted_for(district):
    _, expected = district
    for rel, f in expected["files"].items():
        assert f["rows_in"] == sum(f[k] for k in OUTCOMES), rel
        if f["error"]:
            assert f["rows_in"] == 0 and all(f[k] == 0 for k in OUTCOMES), rel
    assert {f["error"] for f in expected["files"].values()} == {None, "missing_column", "empty", "not_a_workbook"}
    missing = [f for f in expected["files"].values() if f["error"] == "missing_column"]
    assert [f["error_column"] for f in missing] == ["dltv_classrooms"]


def test_every_rule_is_listed_and_the_asked_ones_injected(district):
    _, expected = district
    parse = list(contracts.parse_rules())
    for table, contract in contracts.contracts().items():
        assert set(expected["rule_rows"][table]) == set(contract.rule_ids) | set(parse), table
    for table, rules in INJECTED.items():
        for rule in rules:
            assert 1 <= expected["rule_rows"][table][rule] <= 4, (table, rule)


def test_rule_counts_match_outcomes(district):
    """Rows breaking a quarantine rule are quarantined; a row can break several rules but ours break one."""
    _, expected = district
    for table, counts in expected["rule_rows"].items():
        files = [f for t, f in _per_table(expected) if t == table]
        severity = {r: contracts.all_rules()[r].severity for r in counts}
        by_severity = {s: sum(n for r, n in counts.items() if severity[r] == s) for s in ("quarantine", "flag")}
        assert sum(f["quarantined"] for f in files) == by_severity["quarantine"]
        assert sum(f["flagged"] for f in files) == by_severity["flag"]


def test_register_and_coverage_figures(district):
    _, expected = district
    register = expected["files"]["schools/ทะเบียนสถานศึกษา_2569.xlsx"]
    assert expected["register_valid_schools"] == 300 == register["valid"] + register["flagged"]
    assert register["quarantined"] == expected["rule_rows"]["schools"]["SCH-01"] + expected["rule_rows"]["schools"]["SCH-02"]
    missing = expected["missing_2569"]
    assert len(set(missing)) == len(missing) and all(re.fullmatch(r"10\d{8}", c) for c in missing)
    assert 0.05 * expected["eligible_schools"] <= len(missing) < 0.25 * expected["eligible_schools"]
    assert 100 < expected["eligible_schools"] < 250  # about half the schools are small


def test_resubmissions_supersede_and_arrive_later(district):
    root, expected = district
    superseded = expected["superseded_rows"]
    assert len(superseded) == 3
    district_2569 = "dltv_equipment/2569/แบบสำรวจDLTV_2569_รวมทั้งเขต.xlsx"
    assert {s["file"] for s in superseded} == {district_2569}
    assert {s["fiscal_year"] for s in superseded} == {2569}
    landing = root / "landing"
    for s in superseded:
        resub = landing / f"dltv_equipment/2569/schools/{s['school_code']}_ส่งใหม่.xlsx"
        assert resub.stat().st_mtime > (landing / district_2569).stat().st_mtime
        assert s["school_code"] not in expected["missing_2569"]
    mtimes = [(landing / rel).stat().st_mtime for rel in expected["files"]]
    assert mtimes == sorted(mtimes) and len(set(mtimes)) == len(mtimes)


def test_workbooks_open_with_fastexcel(district):
    root, expected = district
    for rel, _ in _workbooks(root, expected, errors=True):
        reader = fastexcel.read_excel(str(root / "landing" / rel))
        assert reader.sheet_names, rel
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    fake = next(rel for rel, f in expected["files"].items() if f["error"] == "not_a_workbook")
    with pytest.raises(Exception):
        fastexcel.read_excel(str(root / "landing" / fake)).sheet_names


def test_empty_workbook_has_no_cells(district):
    root, expected = district
    rel = next(rel for rel, f in expected["files"].items() if f["error"] == "empty")
    reader = fastexcel.read_excel(str(root / "landing" / rel))
    assert all(_rows(root / "landing" / rel, s) == [] for s in reader.sheet_names)


def test_rows_in_matches_what_is_in_the_files(district):
    """Count data rows physically: a year in the first column (surveys), a running number (registers)."""
    root, expected = district
    for rel, f in _workbooks(root, expected):
        path = root / "landing" / rel
        sheet = fastexcel.read_excel(str(path)).sheet_names[-1]
        first = [(r[0] or "").translate(THAI_TO_ARABIC).strip() for r in _rows(path, sheet)]
        if f["table"] == "dltv_equipment":
            n = sum(v in ("2568", "2569") for v in first)
        else:
            n = sum(v.isdigit() for v in first)
        assert n == f["rows_in"], rel
    for rel, f in expected["files"].items():
        if rel.endswith(".csv") and f["table"] == "dltv_equipment":  # platform CSVs: test_platform.py
            lines = (root / "landing" / rel).read_bytes().decode("cp874").splitlines()
            assert len(lines) - 1 == f["rows_in"]


def test_csv_is_thai_windows_encoding(district):
    root, expected = district
    csvs = [rel for rel, f in expected["files"].items() if rel.endswith(".csv") and f["table"] == "dltv_equipment"]
    assert csvs
    equipment = contracts.get("dltv_equipment")
    for rel in csvs:
        raw = (root / "landing" / rel).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        header = raw.decode("cp874").splitlines()[0].split(",")
        assert len(header) == len(equipment.columns)
        for h, col in zip(header, equipment.columns):
            if col.group:
                assert h in (f"{col.group.th} {col.sub.th}", col.header_th), h
            else:
                assert h == col.th


def test_district_2569_header_is_really_merged(district):
    """Items merged over their five sub-columns on one row; plain columns merged over both header rows."""
    root, _ = district
    path = root / "landing" / "dltv_equipment/2569/แบบสำรวจDLTV_2569_รวมทั้งเขต.xlsx"
    n_items = len(contracts.lists()["dltv_items"])
    n_subs = len(contracts.lists()["dltv_subcolumns"])
    plain = sum(1 for c in contracts.get("dltv_equipment").columns if not c.group)
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        xml = "".join(z.read(n).decode() for n in sheets)
    refs = re.findall(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', xml)

    def width(a: str, b: str) -> int:
        """Columns spanned by an A1-style range's two column letters."""
        col = lambda s: sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(s)))  # noqa: E731
        return col(b) - col(a) + 1

    groups = [r1 for c1, r1, c2, r2 in refs if r1 == r2 and width(c1, c2) == n_subs]
    assert len(groups) == n_items
    header_row = int(groups[0])
    vertical = [c1 for c1, r1, c2, r2 in refs if c1 == c2 and int(r1) == header_row and int(r2) == header_row + 1]
    assert len(vertical) == plain


def test_headers_come_from_the_contracts(district):
    """Every header cell matches a contract name or alias after whitespace/`จำนวน` noise is removed."""
    root, expected = district
    known: set[str] = set(map(_norm, EXTRA_HEADERS))
    for contract in contracts.contracts().values():
        for c in contract.columns:
            names = (c.th, *c.aliases) if not c.group else ()
            known |= {_norm(n) for n in names}
    for name in ("dltv_items", "dltv_subcolumns"):
        known |= {_norm(n) for i in contracts.lists()[name] for n in (i.th, *i.aliases)}
    for rel, f in _workbooks(root, expected):
        path = root / "landing" / rel
        rows = _rows(path, fastexcel.read_excel(str(path)).sheet_names[-1])
        top = next(i for i, r in enumerate(rows) if sum(_norm(v or "") in known for v in r) >= 3)
        header_rows = rows[top:top + 2] if f["table"] == "dltv_equipment" else rows[top:top + 1]
        for value in (v for r in header_rows for v in r if v):
            h = _norm(value)
            assert h in known or h.removeprefix("จำนวน") in known, (rel, value)


def test_a_ten_times_district_generates(tmp_path):
    expected = generate(tmp_path, seed=11, n_schools=3000)
    assert expected["register_valid_schools"] == 3000
    for f in expected["files"].values():
        assert f["rows_in"] == sum(f[k] for k in OUTCOMES)
    assert expected["files"]["dltv_equipment/2569/แบบสำรวจDLTV_2569_รวมทั้งเขต.xlsx"]["rows_in"] > 1000


def test_too_small_a_district_is_refused(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, n_schools=20)
