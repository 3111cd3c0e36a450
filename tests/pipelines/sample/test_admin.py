"""The sample district's four-area workbooks: deterministic, the older files untouched, workbooks that look
as claimed, and the real pipeline finding exactly the truth's rules, outcomes per table, COV-03 and the
sheet-by-sheet supersession, with no roster name or citizen ID outside landing/.

The workbooks are read back here with fastexcel and zipfile (not with the pipeline); the pipeline's side
uses the session's demo (`demo_home`), which ingests the same generated district.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import duckdb
import fastexcel
import polars as pl
import pytest
from stdnum.th import pin

from pipelines.sample import district as sample_district
from pipelines.sample import generate
from pipelines.sample.admin import SENDERS
from warehouse import contracts
from warehouse.read import query

ADMIN = "admin/"
TABLES = ("admin_academic", "admin_budget", "admin_personnel", "admin_general", "admin_staff")
SEED, SCHOOLS = 2569, 300
OUTCOMES = ("valid", "flagged", "quarantined", "superseded")
# What the plan injects, whatever the seed. REF-01 on the budget and the roster: every row of the unknown
# school's sheet; PER-03 is never injected: schools with too few teachers have it (the truth lists them).
INJECTED = {
    "admin_academic": {"REF-01": 1, "ACAD-01": 2, "ACAD-02": 3, "ACAD-03": 2},
    "admin_budget": {"BUD-01": 2, "BUD-02": 2},
    "admin_personnel": {"REF-01": 1, "PER-01": 2},
    "admin_general": {"REF-01": 1, "GEN-01": 2, "GEN-02": 1},
    "admin_staff": {"PER-02": 3},
}
THAI_TO_ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
TITLES = ("ว่าที่ร้อยตรี", "นางสาว", "นาง", "นาย")  # longest first
BINARY = {".otf", ".woff2", ".woff", ".ttf", ".png", ".gif", ".ico", ".jpg", ".svg"}


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("admin")
    return root, generate(root, seed=SEED, n_schools=SCHOOLS)


def _landed(root: Path) -> dict[str, tuple[str, int]]:
    """Every landing file: (sha256, mtime_ns)."""
    landing = root / "landing"
    return {p.relative_to(landing).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(landing.rglob("*")) if p.is_file()}


def _admin_files(expected: dict) -> dict[str, dict]:
    return {rel: f for rel, f in expected["files"].items() if rel.startswith(ADMIN)}


def _norm(text: object) -> str:
    """A header compared as schools' spelling variants allow: spaces collapsed, lower case, no `จำนวน` prefix."""
    s = " ".join(str(text or "").split()).lower()
    return s.removeprefix("จำนวน").strip() or s


def _labels(thing) -> set[str]:
    return {_norm(x) for x in (thing.th, *thing.aliases)}


def _header_names(table: str) -> set[str]:
    """Every header text the contract accepts for a table's columns, group items and sub-columns."""
    out: set[str] = {"ที่"}
    for c in contracts.get(table).columns:
        out |= (_labels(c.group) | _labels(c.sub)) if c.group else _labels(c)
    return out


def _sheets(path: Path) -> dict[str, list[tuple]]:
    reader = fastexcel.read_excel(str(path))
    return {name: reader.load_sheet(name, header_row=None, dtypes="string").to_polars().rows()
            for name in reader.sheet_names}


def _rosters(root: Path) -> tuple[list[str], list[str]]:
    """(full names, citizen IDs) as written in every roster sheet under landing/admin (a sheet whose
    header has the contract's full_name and citizen_id columns)."""
    staff = contracts.get("admin_staff")
    name_h, id_h = _labels(staff.column("full_name")), _labels(staff.column("citizen_id"))
    names, ids = [], []
    for path in sorted((root / "landing" / ADMIN).rglob("*.xlsx")):
        for rows in _sheets(path).values():
            top = next((i for i, r in enumerate(rows) if {_norm(v) for v in r} & name_h), None)
            if top is None:
                continue
            cols = [_norm(v) for v in rows[top]]
            ni = next(j for j, h in enumerate(cols) if h in name_h)
            ii = next(j for j, h in enumerate(cols) if h in id_h)
            for r in rows[top + 1:]:
                if r[ii] and not str(r[0] or "").startswith("หมายเหตุ"):
                    names.append(r[ni])
                    ids.append(r[ii])
    return names, ids


# --- the generator ---------------------------------------------------------------------------------------

def test_same_seed_gives_the_same_admin_files(district, tmp_path):
    root, expected = district
    again = generate(tmp_path, seed=SEED, n_schools=SCHOOLS)
    assert again["admin"] == expected["admin"] and _admin_files(again) == _admin_files(expected)
    mine = {rel: v for rel, v in _landed(root).items() if rel.startswith(ADMIN)}
    assert len(mine) == len(_admin_files(expected)) == SENDERS + 2  # + an unknown school, a re-sent workbook
    assert {rel: v for rel, v in _landed(tmp_path).items() if rel.startswith(ADMIN)} == mine


def test_older_files_keep_their_bytes_mtimes_and_truth(district, tmp_path, monkeypatch):
    """The family draws from its own generator and arrives last: without it, every other file is the same."""
    root, expected = district
    monkeypatch.setattr(sample_district, "write_admin", lambda land, schools, seed: {"rule_rows": {}, "files": {}})
    without = generate(tmp_path, seed=SEED, n_schools=SCHOOLS)
    assert _landed(tmp_path) == {rel: v for rel, v in _landed(root).items() if not rel.startswith(ADMIN)}
    kept = {k: v for k, v in expected.items() if k != "admin"}
    kept["rule_rows"] = {t: r for t, r in expected["rule_rows"].items() if t not in TABLES}
    kept["files"] = {rel: f for rel, f in expected["files"].items() if not rel.startswith(ADMIN)}
    assert without == kept
    last_other = max(v[1] for rel, v in _landed(root).items() if not rel.startswith(ADMIN))
    assert min(v[1] for rel, v in _landed(root).items() if rel.startswith(ADMIN)) > last_other


def test_truth_counts_every_rule_outcome_and_school(district):
    root, expected = district
    files, admin = _admin_files(expected), expected["admin"]
    landed = {p.relative_to(root / "landing").as_posix() for p in (root / "landing" / ADMIN).rglob("*") if p.is_file()}
    assert landed == set(files) == {f["file"] for f in admin["files"]}
    (unknown,) = [f for f in admin["files"] if not f["known_school"]]
    parse = set(contracts.parse_rules())
    for table in TABLES:
        got = expected["rule_rows"][table]
        assert set(got) == set(contracts.get(table).rule_ids) | parse
        want = INJECTED[table] | {r: 0 for r in parse}
        if table in ("admin_budget", "admin_staff"):
            want["REF-01"] = files[unknown["file"]]["tables"][table]["rows_in"]
        if table == "admin_personnel":
            want["PER-03"] = len(admin["per03_schools"])
        assert got == want, table
        severity = {r: contracts.all_rules()[r].severity for r in got}
        lines = [f["tables"][table] for f in files.values() if table in f["tables"]]
        for sev, outcome in (("quarantine", "quarantined"), ("flag", "flagged")):
            assert sum(f[outcome] for f in lines) == sum(n for r, n in got.items() if severity[r] == sev), table
        assert sum(f["rows_in"] for f in lines) == admin["rows"][table]
    assert 5 <= len(admin["per03_schools"]) < SENDERS // 3  # small schools short of teachers: some, not most
    for rel, f in files.items():
        assert f["table"] is None and f["error"] is None, rel
        for k in ("rows_in", *OUTCOMES):
            assert f[k] == sum(t[k] for t in f["tables"].values()), rel
        assert all(t["rows_in"] == sum(t[k] for k in OUTCOMES) for t in f["tables"].values()), rel
    cov, missing = admin["coverage"], admin["missing"]
    assert cov["population"] == SCHOOLS == cov["submitted"] + cov["rejected"] + cov["not_sent"]
    assert cov["not_sent"] == SCHOOLS - SENDERS and cov["rejected"] == len(missing["rejected"]) > 0
    assert cov["submitted"] == admin["current"]["admin_academic"]["rows"]  # one current row per school that sent
    assert len(missing["not_sent"]) == cov["not_sent"]


def test_the_resent_workbook_replaces_every_row_of_the_first(district):
    root, expected = district
    admin = expected["admin"]
    (resent,) = [f for f in admin["files"] if f["resent"]]
    first = {s["file"] for s in admin["superseded_rows"]}
    assert len(first) == 1 and resent["file"].endswith("_ส่งใหม่.xlsx")
    (first,) = first
    old, new = expected["files"][first], expected["files"][resent["file"]]
    assert set(old["tables"]) == set(new["tables"]) == set(TABLES)  # every area and the roster, both times
    assert old["superseded"] == old["rows_in"] == len(admin["superseded_rows"])
    assert new["valid"] == new["rows_in"] >= old["rows_in"]
    landing = root / "landing"
    assert (landing / resent["file"]).stat().st_mtime > (landing / first).stat().st_mtime
    assert resent["file"] == list(_admin_files(expected))[-1]


def test_workbooks_look_as_claimed(district):
    """Sheets named and ordered as the truth lists them (Thai names of every style, Excel's own names);
    every header cell from the contract; the merged two-row headers; untaught grades blank; Thai rosters."""
    root, expected = district
    listing = expected["admin"]["files"]
    names_by_part: dict[str, set[str]] = {}
    for f in listing:
        path = root / "landing" / f["file"]
        sheets = _sheets(path)
        assert list(sheets) == f["sheets"], f["file"]
        for part, name in zip(f["parts"], f["sheets"]):
            names_by_part.setdefault(part, set()).add(name)
            if part not in TABLES:
                continue
            rows = sheets[name]
            known = _header_names(part)
            top = next(i for i, r in enumerate(rows) if sum(bool(v) and _norm(v) in known for v in r) >= 3)
            two = part in ("admin_academic", "admin_personnel")
            for value in (v for r in rows[top:top + (2 if two else 1)] for v in r if v):
                assert _norm(value) in known, (f["file"], name, value)
        if "instructions" in f["parts"]:
            assert f["parts"][0] == "instructions" and f["sheets"][0] == "คำชี้แจง"
        assert set(f["skipped_sheets"]) == {n for p, n in zip(f["parts"], f["sheets"]) if p not in TABLES}
    assert len(names_by_part["admin_academic"]) >= 5  # ด้านวิชาการ, วิชาการ, ข้อมูลนักเรียน, 1.วิชาการ, Sheet1 ...
    academic = names_by_part["admin_academic"]
    assert "ด้านวิชาการ" in academic and any(n.startswith("Sheet") for n in academic)
    assert sum("extra" in f["parts"] for f in listing) == 1
    assert 20 < sum("instructions" in f["parts"] for f in listing) < SENDERS
    assert {f["header_style"] for f in listing} == {"plain", "aliases", "noisy", "english"}
    _academic_header_is_merged(root, listing)
    names, ids = _rosters(root)
    assert len(names) == expected["admin"]["rows"]["admin_staff"]
    assert all(re.fullmatch(r"[ก-๙]+ +[ก-๙]+", n) for n in names)
    forms = {"dash": r"\d-\d{4}-\d{5}-\d{2}-\d", "space": r"\d \d{4} \d{5} \d{2} \d", "plain": r"\d{13}",
             "thai": r"[๐-๙]-[๐-๙]{4}-[๐-๙]{5}-[๐-๙]{2}-[๐-๙]"}
    assert {k for k, rx in forms.items() for i in ids if re.fullmatch(rx, i)} == set(forms)
    assert all(any(re.fullmatch(rx, i) for rx in forms.values()) for i in ids), "13 digits, however written"


def _academic_header_is_merged(root: Path, listing: list[dict]) -> None:
    """Grades merged across ชาย/หญิง, O-NET levels across their four subjects, plain columns down both
    header rows; a grade the school does not teach is blank under its header (or its columns deleted)."""
    columns = [c for c in contracts.get("admin_academic").columns if c.group]
    blank_seen = 0
    for f in listing:
        i = f["parts"].index("admin_academic")
        with zipfile.ZipFile(root / "landing" / f["file"]) as z:
            xml = z.read(f"xl/worksheets/sheet{i + 1}.xml").decode()
        refs = re.findall(r'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', xml)
        across = [r for r in refs if r[1] == r[3]]
        down = [r for r in refs if r[0] == r[2] and int(r[3]) == int(r[1]) + 1]
        groups = {(c.group_list, c.group.key) for c in columns if c.name not in f["deleted_columns"]}
        assert (len(down), len(across)) == (3, len(groups)), f["file"]  # year, code, name; each grade and level
        rows = _sheets(root / "landing" / f["file"])[f["sheets"][i]]
        data = [r for r in rows if r[1] and str(r[1]).translate(THAI_TO_ARABIC).strip(" '\u200b\u00a0").isdigit()]
        blank_seen += sum(v is None for r in data for v in r[3:])
    assert blank_seen > 0


# --- the real pipeline on the same district (the session's demo): slow ------------------------------------

@pytest.mark.slow
def test_pipeline_finds_every_admin_rule_and_accounts_every_table(demo_home, expected):
    got = query(demo_home, "SELECT table_name, rule_id, sum(rows_failed)::INT AS n FROM rule_results "
                           "WHERE table_name LIKE 'admin_%' GROUP BY ALL")
    counts = {(t, r): n for t, r, n in got.iter_rows()}
    assert {(t, r): counts.get((t, r)) for t in TABLES for r in expected["rule_rows"][t]} == \
        {(t, r): n for t in TABLES for r, n in expected["rule_rows"][t].items()}
    acc = query(demo_home, "SELECT source_file, table_name, rows_in, valid, flagged, quarantined, superseded, "
                           "error_kind, notes FROM file_accounting WHERE source_file LIKE 'admin/%'")
    want = {(rel, t): c for rel, f in _admin_files(expected).items() for t, c in f["tables"].items()}
    assert {(r["source_file"], r["table_name"]): {k: r[k] for k in ("rows_in", *OUTCOMES)}
            for r in acc.iter_rows(named=True)} == want
    assert acc.get_column("error_kind").null_count() == acc.height
    # the sheets that hold no table (instructions, the school's own) are named in the file's notes
    for f in expected["admin"]["files"]:
        notes = acc.filter(pl.col("source_file") == f["file"]).get_column("notes").to_list()
        skipped = set(re.findall(r"ข้ามชีต '([^']+)'", notes[0] or ""))
        assert skipped == set(f["skipped_sheets"]), f["file"]


@pytest.mark.slow
def test_cov03_matches_the_truth(demo_home, expected):
    cov = query(demo_home, "SELECT period, population, submitted, missing, rejected, not_sent, coverage_pct "
                           "FROM coverage WHERE rule_id = 'COV-03' AND survey = 'admin_academic'")
    assert cov.rows(named=True) == [expected["admin"]["coverage"]]
    missing = query(demo_home, "SELECT status, list(school_code ORDER BY school_code) AS codes "
                               "FROM missing_submissions WHERE rule_id = 'COV-03' GROUP BY ALL")
    assert dict(missing.iter_rows()) == expected["admin"]["missing"]


@pytest.mark.slow
def test_the_resent_workbook_supersedes_sheet_by_sheet(demo_home, expected):
    superseded = expected["admin"]["superseded_rows"]
    (first,), (code,) = {s["file"] for s in superseded}, {s["school_code"] for s in superseded}
    (resent,) = [f["file"] for f in expected["admin"]["files"] if f["resent"]]
    for table in TABLES:
        hist = query(demo_home, f"SELECT source_file, outcome, superseded_by FROM {table}_history "
                                "WHERE school_code = ?", [code])
        old = hist.filter(pl.col("source_file") == first)
        assert old.height == sum(s["table"] == table for s in superseded) > 0, table
        assert set(old.get_column("outcome")) == {"superseded"} and old.get_column("superseded_by").null_count() == 0
        current = query(demo_home, f"SELECT DISTINCT source_file FROM {table} WHERE school_code = ?", [code])
        assert current.get_column("source_file").to_list() == [resent], table


@pytest.mark.slow
def test_every_cell_form_is_read_as_meant(demo_home, expected):
    """Sums of the current rows equal the truth's: Thai digits, `-`, `12,500.50 บาท`, มี/ไม่มี, codes
    stored as numbers, deleted and blank grade columns all read to the values the generator meant."""
    for table, want in expected["admin"]["current"].items():
        sums = ", ".join(f"round(sum({c}), 2)::DOUBLE AS {c}" for c in want if c != "rows")
        got = query(demo_home, f"SELECT count(*) AS rows{', ' + sums if sums else ''} FROM {table}").row(0, named=True)
        assert got == pytest.approx(want), table


@pytest.mark.slow
def test_no_roster_name_or_citizen_id_leaves_landing(demo_home, expected):
    """PII-02 and PII-01: the names and IDs written in the rosters appear nowhere under the data root but
    landing/: every Parquet file, DuckDB and SQLite database read through its own reader, every other file as
    text. PER-02 counts exactly the IDs whose check digit fails, as written."""
    names, ids = _rosters(demo_home.root)
    assert names and ids
    needles = set()
    for name in names:
        collapsed = " ".join(name.split())
        needles |= {collapsed, next((collapsed.removeprefix(t) for t in TITLES if collapsed.startswith(t)), collapsed)}
    for written in ids:
        digits = re.sub(r"[\s\-]", "", written.translate(THAI_TO_ARABIC))
        needles |= {written, " ".join(written.split()), digits}
    invalid = sum(not pin.is_valid(re.sub(r"[\s\-]", "", i.translate(THAI_TO_ARABIC))) for i in ids)
    assert invalid == expected["rule_rows"]["admin_staff"]["PER-02"] == query(
        demo_home, "SELECT sum(rows_failed)::INT FROM rule_results WHERE table_name = 'admin_staff' "
                   "AND rule_id = 'PER-02'").item()
    # controls: what must be found where it is, so the scan is seen reading each kind of file
    (resent,) = [f["file"] for f in expected["admin"]["files"] if f["resent"]]
    controls = [resent, "ACAD-01"]
    found = _scan(demo_home.root, sorted(needles) + controls)
    leaks = {where: hits for where, hits in found.items() if set(hits) - set(controls)}
    assert leaks == {}, "personal data outside landing/"
    kinds = {re.sub(r":.*", "", where).rsplit(".", 1)[-1] for where in found}
    assert {"parquet", "duckdb", "db", "json", "html"} <= kinds
    columns = query(demo_home, "SELECT column_name FROM information_schema.columns "
                               "WHERE table_name = 'admin_staff_history'").to_series().to_list()
    # the published roster: names emptied and IDs hashed, where the columns are kept at all
    named = "count(*) FILTER (full_name IS NOT NULL)" if "full_name" in columns else "0"
    raw = "count(*) FILTER (NOT regexp_matches(citizen_id, '^h1:[0-9a-f]+$'))" if "citizen_id" in columns else "0"
    staff = query(demo_home, f"SELECT count(*) AS n, {named} AS named, {raw} AS raw FROM admin_staff_history")
    kept = sum(f["tables"]["admin_staff"][k] for f in _admin_files(expected).values() if "admin_staff" in f["tables"]
               for k in ("valid", "flagged", "superseded"))  # history; the quarantined rows are in `quarantine`
    assert staff.row(0) == (kept, 0, 0) and kept < len(ids)


def _scan(root: Path, needles: list[str]) -> dict[str, list[str]]:
    """Where under root (landing/ left out) any needle appears: file -> needles found."""
    found: dict[str, list[str]] = {}
    con = duckdb.connect()

    def check(where: str, texts: pl.Series) -> None:
        if texts.str.contains_any(needles).any():
            found[where] = [n for n in needles if texts.str.contains(n, literal=True).any()]

    for path in sorted(p for p in root.rglob("*") if p.is_file() and "landing" not in p.relative_to(root).parts[:1]):
        rel = path.relative_to(root).as_posix()
        if path.suffix == ".parquet":
            rows = con.execute("SELECT t::VARCHAR FROM read_parquet(?) t", [str(path)]).pl()
            check(rel, rows.to_series())
        elif path.suffix == ".duckdb":
            con.execute(f"ATTACH '{path}' AS db (READ_ONLY)")
            for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                                             "WHERE database_name = 'db'").fetchall():
                rows = con.execute(f'SELECT t::VARCHAR FROM db."{schema}"."{table}" t').pl()
                check(f"{rel}:{table}", rows.to_series())
            con.execute("DETACH db")
        elif path.suffix in (".db", ".sqlite"):
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    rows = db.execute(f'SELECT * FROM "{table}"').fetchall()
                    check(f"{rel}:{table}", pl.Series([repr(r) for r in rows], dtype=pl.String))
        elif path.suffix.lower() not in BINARY:
            check(rel, pl.Series([path.read_bytes().decode("utf-8", errors="replace")]))
    return found


def test_the_truth_holds_no_personal_data(district):
    root, _ = district
    names, ids = _rosters(root)
    text = (root / "sample" / "expected.json").read_text(encoding="utf-8")
    assert not [n for n in names if " ".join(n.split()) in text]
    assert not [i for i in ids if re.sub(r"[\s\-]", "", i.translate(THAI_TO_ARABIC)) in text]
    assert json.loads(text)["admin"]["rows"]["admin_staff"] == len(ids)
