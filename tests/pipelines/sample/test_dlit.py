"""The sample district's DLIT usage files: deterministic, the older files untouched, files that look as
claimed, and the real pipeline finding exactly the rules, outcomes and semester coverage of the truth.

The files are read back here with fastexcel and codecs (not with the pipeline); the pipeline's side
uses the session's demo (`demo_home`), which ingests the same generated district.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from pipelines.sample import district as sample_district
from pipelines.sample import generate
from warehouse import contracts
from warehouse.read import query

DLIT = "dlit_usage"
SEED, SCHOOLS = 2569, 300
OUTCOMES = ("valid", "flagged", "quarantined", "superseded")
# What the plan injects, whatever the seed: rows per rule (DLIT-04: both rows of each of two pairs).
INJECTED = {"REF-01": 3, "DLIT-01": 2, "DLIT-02": 4, "DLIT-03": 2, "DLIT-04": 4, "FMT-01": 2, "FMT-02": 2,
            "REQ-01": 1, "FMT-03": 0, "FMT-04": 0}
HANDS = {"word": {"ใช้", "ไม่ใช้", "-", None}, "tick": {"✓", "✔", "/", None}, "slash": {"/", None}}
EXTRA_HEADERS = {"ที่", "หมายเหตุเพิ่มเติม"}
THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
LATER = ("admin/",)  # landing folders of the families written after DLIT's


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("dlit")
    return root, generate(root, seed=SEED, n_schools=SCHOOLS)


def _landed(root: Path) -> dict[str, tuple[str, int]]:
    """Every landing file: (sha256, mtime_ns)."""
    landing = root / "landing"
    return {p.relative_to(landing).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(landing.rglob("*")) if p.is_file()}


def _dlit_files(expected: dict) -> dict[str, dict]:
    return {rel: f for rel, f in expected["files"].items() if f["table"] == DLIT}


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _names() -> dict[str, str]:
    """Every header the contract accepts for a column (normalised) -> the column."""
    return {_norm(n): c.name for c in contracts.get(DLIT).columns for n in (c.th, c.name, *c.aliases)}


def _column(header: str) -> str | None:
    h = _norm(header)
    names = _names()
    return names.get(h) or names.get(h.removeprefix("จำนวน"))


def _read(path: Path) -> tuple[list[str], list[tuple]]:
    """A DLIT file's header and data rows as text: an .xlsx's last sheet (title rows, blank rows and the
    notes row skipped), or a cp874 CSV."""
    if path.suffix == ".csv":
        rows = [tuple(v or None for v in r) for r in csv.reader(io.StringIO(path.read_bytes().decode("cp874")))]
        return [v or "" for v in rows[0]], rows[1:]
    reader = fastexcel.read_excel(str(path))
    rows = reader.load_sheet(reader.sheet_names[-1], header_row=None, dtypes="string").to_polars().rows()
    top = next(i for i, r in enumerate(rows) if sum(_column(v or "") is not None for v in r) >= 3)
    data = [r for r in rows[top + 1:] if (r[0] or "").translate(THAI_TO_ARABIC).strip().isdigit()]
    return [v or "" for v in rows[top]], data


def test_same_seed_gives_the_same_dlit_files(district, tmp_path):
    root, expected = district
    again = generate(tmp_path, seed=SEED, n_schools=SCHOOLS)
    assert again["dlit"] == expected["dlit"] and _dlit_files(again) == _dlit_files(expected)
    mine = {rel: v for rel, v in _landed(root).items() if rel.startswith(f"{DLIT}/")}
    assert len(mine) == len(_dlit_files(expected)) == 10
    assert {rel: v for rel, v in _landed(tmp_path).items() if rel.startswith(f"{DLIT}/")} == mine


def test_older_files_keep_their_bytes_mtimes_and_truth(district, tmp_path, monkeypatch):
    """DLIT draws from its own generator and arrives last: without it, every other file is the same."""
    root, expected = district
    monkeypatch.setattr(sample_district, "write_dlit", lambda land, schools, seed: {"rule_rows": {}, "files": {}})
    without = generate(tmp_path, seed=SEED, n_schools=SCHOOLS)
    # the families that arrive after DLIT keep their bytes but arrive earlier (test_admin.py)
    older = lambda rel: not rel.startswith((f"{DLIT}/", *LATER))
    assert {rel: v for rel, v in _landed(tmp_path).items() if older(rel)} == \
        {rel: v for rel, v in _landed(root).items() if older(rel)}
    kept = {k: v for k, v in expected.items() if k != "dlit"}
    kept["rule_rows"] = {t: r for t, r in expected["rule_rows"].items() if t != DLIT}
    kept["files"] = {rel: f for rel, f in expected["files"].items() if f["table"] != DLIT}
    assert without == kept


def test_truth_lists_every_file_rule_and_semester(district):
    root, expected = district
    files, dlit = _dlit_files(expected), expected["dlit"]
    landed = {p.relative_to(root / "landing").as_posix() for p in (root / "landing" / DLIT).rglob("*") if p.is_file()}
    assert landed == set(files) == {f["file"] for f in dlit["files"]}
    assert set(expected["rule_rows"][DLIT]) == set(contracts.get(DLIT).rule_ids) | set(contracts.parse_rules())
    assert expected["rule_rows"][DLIT] == INJECTED
    severity = {r: contracts.all_rules()[r].severity for r in INJECTED}
    for sev, outcome in (("quarantine", "quarantined"), ("flag", "flagged")):
        assert sum(f[outcome] for f in files.values()) == sum(n for r, n in INJECTED.items() if severity[r] == sev)
    for rel, f in files.items():
        assert f["rows_in"] == sum(f[k] for k in OUTCOMES) and f["error"] is None, rel
    assert sum(f["rows_in"] for f in files.values()) == dlit["rows"]
    assert [s["semester"] for s in dlit["superseded_rows"]] == [2]
    assert dlit["reported"]["both"] == round(0.9 * SCHOOLS)
    for sem in ("1", "2"):
        cov, missing = dlit["coverage"][sem], dlit["missing"][sem]
        assert cov["population"] == SCHOOLS == cov["submitted"] + cov["rejected"] + cov["not_sent"]
        assert 85 < cov["coverage_pct"] < 100 and cov["rejected"] > 0
        assert (len(missing["rejected"]), len(missing["not_sent"])) == (cov["rejected"], cov["not_sent"])
        assert dlit["current"][sem]["rows"] == cov["submitted"]  # one current row per school that sent


def test_files_look_as_claimed(district):
    """Headers from the contract, services in each file's hand, the rows the truth counts, cp874 CSV."""
    root, expected = district
    files = {f["file"]: f for f in expected["dlit"]["files"]}
    services = [c.name for c in contracts.get(DLIT).columns if c.type == "bool"]
    for rel, f in files.items():
        path = root / "landing" / rel
        header, rows = _read(path)
        assert len(rows) == f["rows"] == expected["files"][rel]["rows_in"], rel
        assert all(_column(h) or h.strip() in EXTRA_HEADERS for h in header if h), (rel, header)
        cols = {_column(h): j for j, h in enumerate(header) if _column(h)}
        ticks = {r[cols[s]] for r in rows for s in services}
        assert ticks <= HANDS[f["ticks"]] and (len(ticks) > 1 or len(rows) < 5), (rel, ticks)
        semesters = {int(r[cols["semester"]].translate(THAI_TO_ARABIC)) for r in rows}
        assert semesters == set(f["semesters"]), rel
    hands = {Path(rel).name: f["ticks"] for rel, f in files.items()}
    assert hands["แบบสำรวจDLIT_2568_ภาค1_รวมทั้งเขต.xlsx"] == "word"
    assert hands["แบบสำรวจDLIT_2568_ภาค2_รวมทั้งเขต.xlsx"] == "tick"
    (csv_rel,) = [rel for rel in files if rel.endswith(".csv")]
    raw = (root / "landing" / csv_rel).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header = raw.decode("cp874").split("\r\n")[0].split(",")
    assert header[:3] == ["academic year", "semester", "school code"] and all(_column(h) for h in header)
    # the district workbooks carry what school workbooks carry around the table
    for sem in (1, 2):
        path = root / "landing" / f"{DLIT}/2568/ภาคเรียนที่{sem}/แบบสำรวจDLIT_2568_ภาค{sem}_รวมทั้งเขต.xlsx"
        reader = fastexcel.read_excel(str(path))
        assert reader.sheet_names[0] == "คำชี้แจง"
        cells = reader.load_sheet(reader.sheet_names[-1], header_row=None, dtypes="string").to_polars().rows()
        assert cells[0][0] == contracts.get(DLIT).th and cells[-1][0].startswith("หมายเหตุ")


# The real pipeline on the same district (the session's demo): slow.

@pytest.mark.slow
def test_pipeline_finds_every_dlit_rule_and_accounts_every_file(demo_home, expected):
    got = query(demo_home, "SELECT rule_id, sum(rows_failed)::INT AS n FROM rule_results "
                           "WHERE table_name = ? GROUP BY ALL", [DLIT])
    counts = dict(got.iter_rows())
    assert {r: counts.get(r) for r in expected["rule_rows"][DLIT]} == expected["rule_rows"][DLIT] == INJECTED
    acc = query(demo_home, "SELECT source_file, rows_in, valid, flagged, quarantined, superseded, error_kind "
                           "FROM file_accounting WHERE table_name = ?", [DLIT])
    # the same rows file_accounting's generic test (test_run.py) compares: every DLIT file is among them
    assert set(acc.get_column("source_file")) == set(_dlit_files(expected))
    for r in acc.iter_rows(named=True):
        e = expected["files"][r["source_file"]]
        assert {k: r[k] for k in ("rows_in", *OUTCOMES)} == {k: e[k] for k in ("rows_in", *OUTCOMES)}, r["source_file"]
        assert r["error_kind"] is None


@pytest.mark.slow
def test_cov02_per_semester_matches_the_truth(demo_home, expected):
    cov = query(demo_home, "SELECT part, period, population, submitted, missing, rejected, not_sent, coverage_pct "
                           "FROM coverage WHERE rule_id = 'COV-02' AND survey = ? ORDER BY part", [DLIT])
    assert {r.pop("part"): r for r in cov.iter_rows(named=True)} == expected["dlit"]["coverage"]
    missing = query(demo_home, "SELECT part, status, list(school_code ORDER BY school_code) AS codes "
                               "FROM missing_submissions WHERE rule_id = 'COV-02' GROUP BY ALL")
    got = {(p, s): codes for p, s, codes in missing.iter_rows()}
    assert got == {(p, s): codes for p, m in expected["dlit"]["missing"].items() for s, codes in m.items()}


@pytest.mark.slow
def test_every_cell_form_is_read_as_meant(demo_home, expected):
    """Sums per semester of the validated table equal the truth's: Thai digits, `-`, units, separators,
    ใช้/ไม่ใช้, ✓/`/`/blank all read to the values the generator meant (blank ticks: not used)."""
    numbers = ["teachers_total", "teachers_using", "hours_per_week", "internet_mbps", "student_devices", "satisfaction"]
    services = [c.name for c in contracts.get(DLIT).columns if c.type == "bool"]
    sums = ", ".join([f"sum({c})::DOUBLE AS {c}" for c in numbers]
                     + [f"count(*) FILTER ({c}) AS {c}" for c in services])
    got = query(demo_home, f"SELECT CAST(semester AS VARCHAR) AS part, count(*) AS rows, {sums} FROM {DLIT} GROUP BY 1")
    assert {r.pop("part"): r for r in got.iter_rows(named=True)} == expected["dlit"]["current"]
    nulls = " + ".join(f"count(*) FILTER ({c} IS NULL)" for c in services)
    assert query(demo_home, f"SELECT {nulls} FROM {DLIT}").item() == 0
    flagged = query(demo_home, f"SELECT rule_ids FROM {DLIT} WHERE outcome = 'flagged'").get_column("rule_ids")
    assert sorted(r for ids in flagged for r in ids) == ["DLIT-03", "DLIT-03", "FMT-02", "FMT-02"]


@pytest.mark.slow
def test_the_resubmission_supersedes_and_both_stay_in_history(demo_home, expected):
    (s,) = expected["dlit"]["superseded_rows"]
    hist = query(demo_home, f"SELECT source_file, outcome, superseded_by FROM {DLIT}_history "
                            "WHERE school_code = ? AND academic_year = ? AND semester = ?",
                 [s["school_code"], s["academic_year"], s["semester"]])
    old = hist.filter(pl.col("outcome") == "superseded").row(0, named=True)
    assert hist.height == 2 and old["source_file"] == s["file"] and old["superseded_by"]
    current = hist.filter(pl.col("outcome") != "superseded").get_column("source_file").item()
    assert re.search(r"_ส่งใหม่\.xlsx$", current)
    landing = demo_home.root / "landing"
    assert (landing / current).stat().st_mtime > (landing / s["file"]).stat().st_mtime
