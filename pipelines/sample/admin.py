"""Four-area workbooks of the sample district (contract 3.5): academic year 2568, one per sending school.

`write_admin(land, schools, seed)` adds, after every other sample file, the ข้อมูลสารสนเทศ 4 ด้าน
workbooks an ESAO receives for one academic year, and returns their ground truth (merged by
`platform.merge_truth`):

- one workbook per sending school, in `admin/2568/<amphoe>/`: the academic sheet (pupils by grade and sex
  under a merged two-row header, O-NET ป.6 and ม.3 where taught), budget rows per category (fiscal year
  2568), personnel by position (in post and vacant, two-row header), general administration; sheets in
  any order under the names schools give them (`admin_files.py`), an instructions sheet in some, a staff
  roster in some (Thai names, citizen IDs with stdnum's check digit written with dashes, spaces, Thai
  digits or as a number);
- a workbook, with a roster, of a school the register does not have (REF-01 on each of its rows);
- a workbook with a sheet of the school's own that matches no contract (a note, like the instructions);
- last, one school's workbook sent again: every row of its first workbook, sheet by sheet, is superseded.

Faults, one rule per row: ACAD-01 (a negative count), ACAD-02 (flag: pupils 8-20% over the register, a
grade left out), ACAD-03 (O-NET 105 and 100.5), BUD-01 (money returned as a negative amount, lunch money:
a category not in the list), BUD-02 (more spent than received), PER-01 (a shortage written as a -1
vacancy), PER-02 (a mistyped citizen-ID digit), GEN-01 (a negative distance, a negative computer count),
GEN-02 (`เก่ามาก`) and REF-01. PER-03 (flag, more than 25 pupils per teacher) is not injected: schools
with too few teachers have it, and the oracle finds them.

Only `SENDERS` schools send (120, whatever the register's size): a workbook costs the nightly run about
20-35 ms to parse and cache (each sheet's header is matched against every contract, then each table's rows
are written), and the test suite runs the nightly job on the sample district many times: with 285 senders
the suite went past its 15 minutes. COV-03 shows the others as not sent, as in a district's first weeks.

The family draws from its own `random.Random` seeded from `seed` and its files arrive after every other
family's (DLIT's last), so the files before it keep their bytes and mtimes. An oracle
(`admin_rows.row_faults`) re-derives each row's rules and asserts they are the ones injected; outcomes then
follow contract section 1 (`truth._outcomes`). The truth holds counts and school codes, never a name or a
citizen ID (it is written under the data root).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from .admin_files import EXTRA, INSTRUCTIONS, Look, make_headers, school_line, sheet_names, write_admin_xlsx
from .admin_rows import (
    ACADEMIC,
    BUDGET,
    FISCAL_YEAR,
    GENERAL,
    PERSONNEL,
    STAFF,
    TABLES,
    UNKNOWN_CONDITION,
    YEAR,
    Profile,
    Row,
    clean_academic,
    clean_budget,
    clean_general,
    clean_personnel,
    condition_off,
    forgettable,
    grade_columns,
    grade_forgotten,
    list_keys,
    make_profile,
    negative_computers,
    negative_distance,
    negative_grade,
    negative_spent,
    negative_vacancy,
    onet_columns,
    onet_over,
    overspent,
    roster,
    row_faults,
    students_over,
    unknown_category,
    wrong_check_digit,
)
from .contract import table_rules
from .landing_zone import Landing, LandingFile
from .register import School, fake_school_name
from .surveys import school_label
from .truth import _outcomes

FAMILY = "admin"  # LandingFile.table of a four-area workbook: its rows carry their own tables
SENDERS = 120  # schools that send a workbook (see the module docstring)
ROSTERS = 12  # sending schools that add a staff roster (besides the re-sent one)
ROSTER_MAX = 14  # only schools with this many staff or fewer list them
OTHER_AREA = "1030"  # OBEC + another province: the unknown school's code
STYLES = {"plain": 0.45, "aliases": 0.25, "noisy": 0.25, "english": 0.05}
NAMINGS = {"contract": 0.35, "short": 0.25, "topic": 0.15, "numbered": 0.15, "default": 0.1}
FILE_NAMES = ("{code}.xlsx", "{code}_4ด้าน_{year}.xlsx", "ข้อมูล 4 ด้าน {name}.xlsx", "สารสนเทศ{year}_{name}.xlsx")


@dataclass
class Book:
    """One workbook as planned: whose, its rows per table, how it looks, where it lands."""

    school: School | None
    code: str
    name: str
    district: str
    rows: dict[str, list[Row]]
    look: Look | None = None
    rel: str = ""
    resent: bool = False


def _book(rng: random.Random, school: School | None, prof: Profile, code: str, name: str, district: str) -> Book:
    """Clean rows of every area for one school (no roster yet)."""
    label = school_label(rng, name)
    rows = {ACADEMIC: [clean_academic(rng, school, prof, code, label)],
            BUDGET: clean_budget(rng, school, prof, code, label),
            PERSONNEL: [clean_personnel(rng, school, prof, code, label)],
            GENERAL: [clean_general(rng, school, prof, code, label)]}
    return Book(school, code, name, district, rows)


def _look(rng: random.Random, book: Book, profile: Profile, extra: bool = False) -> Look:
    """Sheet order and names, headers, noise, deleted columns: drawn per workbook."""
    parts = [t for t in TABLES if t in book.rows]
    rng.shuffle(parts)
    if STAFF in parts:  # a roster is added after the four areas
        parts.remove(STAFF)
        parts.append(STAFF)
    if extra:
        parts.insert(rng.randint(1, len(parts)), EXTRA)
    naming = rng.choices(list(NAMINGS), list(NAMINGS.values()))[0]
    if naming != "default" and rng.random() < 0.3:  # the template's instructions kept (Excel's names: no template)
        parts.insert(0, INSTRUCTIONS)
    style = rng.choices(list(STYLES), list(STYLES.values()))[0]
    drop: tuple[str, ...] = ()
    if rng.random() < 0.3:  # the columns of grades the school does not teach deleted, not left blank
        untaught = [g for g in list_keys("grades") if g not in profile.grades and g.startswith("m")]
        drop = tuple(c for (g, _), c in grade_columns().items() if g in untaught)
        drop += tuple(c for (lv, _), c in onet_columns().items() if lv in untaught)
    return Look(order=parts, names=sheet_names(naming, parts),
                headers={t: make_headers(rng, t, style) for t in parts if t in TABLES},
                style=style, noise=rng.choice((0.3, 0.6, 1.0)), drop=drop,
                titles=rng.random() < 0.8, notes=rng.random() < 0.4)


def _unknown_code(rng: random.Random, schools: list[School]) -> str:
    known = {s.code for s in schools}
    while (code := f"{OTHER_AREA}{rng.randrange(10**6):06d}") in known:
        pass
    return code


def _faults(rng: random.Random, books: list[Book], keep: Book) -> None:
    """One rule per row. PER-03 first: the rows that have it by themselves are not given another fault."""
    for b in books:
        for rows in b.rows.values():
            for r in rows:
                r.intended = frozenset(row_faults(r))  # PER-03 where teachers are too few; else nothing
    mine = [b for b in books if b is not keep]

    def pool(table: str, ok=lambda r: True) -> list[Row]:
        return [r for b in mine for r in b.rows.get(table, ()) if not r.intended and ok(r)]

    def inject(table: str, rule: str, mutate, ok=lambda r: True) -> None:
        row = rng.choice(pool(table, ok))
        mutate(rng, row)
        row.intended = frozenset({rule})

    registered = lambda r: r.school.students > 0  # ACAD-02 needs a positive register count
    has_onet = lambda r: any(r.values[c] is not None for c in onet_columns().values())
    inject(ACADEMIC, "ACAD-01", negative_grade)
    inject(ACADEMIC, "ACAD-01", negative_grade)
    inject(ACADEMIC, "ACAD-02", students_over, registered)
    inject(ACADEMIC, "ACAD-02", students_over, registered)
    inject(ACADEMIC, "ACAD-02", grade_forgotten, forgettable)
    inject(ACADEMIC, "ACAD-03", onet_over(105.0), has_onet)
    inject(ACADEMIC, "ACAD-03", onet_over(100.5), has_onet)
    inject(BUDGET, "BUD-01", negative_spent, lambda r: r.values["received_baht"] > 0)
    last = list_keys("budget_categories")[-1]  # อื่น ๆ: where the lunch money goes instead
    inject(BUDGET, "BUD-01", unknown_category, lambda r: r.values["category"] == last)
    inject(BUDGET, "BUD-02", overspent, lambda r: r.values["received_baht"] > 0)
    inject(BUDGET, "BUD-02", overspent, lambda r: r.values["received_baht"] > 0)
    inject(PERSONNEL, "PER-01", negative_vacancy)
    inject(PERSONNEL, "PER-01", negative_vacancy)
    inject(GENERAL, "GEN-01", negative_distance)
    inject(GENERAL, "GEN-01", negative_computers)
    inject(GENERAL, "GEN-02", condition_off(UNKNOWN_CONDITION))
    for _ in range(3):
        inject(STAFF, "PER-02", wrong_check_digit)


def plan_admin(rng: random.Random, schools: list[School]) -> list[Book]:
    """Who sends, with which rows and faults, in arrival order; the re-sent workbook last."""
    senders = rng.sample(schools, min(SENDERS, len(schools) - 1))
    profiles = {s.code: make_profile(rng, s) for s in senders}
    books = [_book(rng, s, profiles[s.code], s.code, s.name, s.district) for s in senders]
    names: set = set()
    ids: set = set()
    small = [b for b in books if sum(profiles[b.code].staff.values()) <= ROSTER_MAX]
    keep = next(b for b in small if b.school.students > 0 and not any(row_faults(r) for rows in b.rows.values()
                                                                          for r in rows))
    for b in [keep] + rng.sample([b for b in small if b is not keep], ROSTERS):
        b.rows[STAFF] = roster(rng, b.school, profiles[b.code], b.code, names, ids)
    _faults(rng, books, keep)

    code = _unknown_code(rng, schools)
    prof = make_profile(rng, None)
    stranger = _book(rng, None, prof, code, fake_school_name(rng), rng.choice(sorted({s.district for s in schools})))
    stranger.rows[STAFF] = roster(rng, None, prof, code, names, ids)
    profiles[code] = prof
    for rows in stranger.rows.values():
        for r in rows:
            r.intended = frozenset({"REF-01"})
    books.insert(rng.randint(1, len(books) - 1), stranger)

    books.append(_resent(rng, keep, profiles[keep.code]))
    extra = rng.choice([b for b in books[1:-1] if b is not keep and b.school])
    for b in books:
        b.look = _look(rng, b, profiles[b.code], extra=b is extra)
        b.rel = _rel(rng, b)
    return books


def _resent(rng: random.Random, first: Book, prof: Profile) -> Book:
    """The school's workbook sent again, every row of the first one replaced: pupils counted again, more of
    the budget spent since, the same categories and the same staff (their IDs written another way: the
    warehouse must still see the same person)."""
    again = _book(rng, first.school, prof, first.code, first.name, first.district)
    again.rows[BUDGET] = [Row(BUDGET, r.school, r.code, r.name, r.year, dict(r.values)) for r in first.rows[BUDGET]]
    for r in again.rows[BUDGET]:
        r.values["spent_baht"] = round(r.values["spent_baht"] + (r.values["received_baht"] - r.values["spent_baht"])
                                       * rng.uniform(0, 0.8), 2)
    again.rows[STAFF] = [Row(STAFF, r.school, r.code, None, r.year, dict(r.values),
                             id_form=rng.choice([f for f in ("dash", "plain", "space", "thai") if f != r.id_form]))
                         for r in first.rows[STAFF]]
    again.resent = True
    return again


def _rel(rng: random.Random, b: Book) -> str:
    """Where the workbook lands: admin/2568/อ.<amphoe>/<a name schools give such files>."""
    short = b.name.removeprefix("โรงเรียน")
    name = "{code}_4ด้าน_{year}_ส่งใหม่.xlsx" if b.resent else rng.choice(FILE_NAMES)
    return f"{FAMILY}/{YEAR}/อ.{b.district}/" + name.format(code=b.code, year=YEAR, name=short)


def write_admin(land: Landing, schools: list[School], seed: int) -> dict:
    """Write the four-area workbooks into the landing zone (after every other file); return their ground
    truth: {"rule_rows": {table: {rule: rows}}, "files": {rel: outcomes}, "admin": {...}}."""
    rng = random.Random(f"admin:{seed}")
    books = plan_admin(rng, schools)
    start = len(land.files)
    for b in books:
        where = school_line(b.name, b.district)
        land.add(b.rel, FAMILY, [r for t in TABLES for r in b.rows.get(t, ())],
                 lambda p, b=b, where=where: write_admin_xlsx(p, b.rows, b.look, where, rng))
    return admin_truth(list(enumerate(land.files))[start:], books, schools)


def _records(arrival: int, lf: LandingFile) -> list[dict]:
    """One record per row: its table's key, rules (oracle-checked), where it is."""
    out, index = [], Counter()
    for r in lf.rows:
        faults = row_faults(r)
        assert faults == set(r.intended), f"{lf.rel} {r.table} row {index[r.table]}: breaks {sorted(faults)}, " \
                                          f"meant {sorted(r.intended)}"
        out.append(dict(key=r.key, order=(), code=r.resolved_code, year=r.year, file=lf.rel, table=r.table,
                        arrival=arrival, index=index[r.table], faults=faults, row=r))
        index[r.table] += 1
    return out


def _sums(rows: list[Row]) -> dict:
    """How many current (valid and flagged) rows a table holds and the sum of each number column, blank
    cells left out: read back, they show every cell form (Thai digits, `-`, `12,500.50 บาท`) read as meant."""
    cols = sorted({c for r in rows for c, v in r.values.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)})
    return {"rows": len(rows), **{c: round(sum(r.values[c] for r in rows if r.values[c] is not None), 2) for c in cols}}


def admin_truth(files: list[tuple[int, LandingFile]], books: list[Book], schools: list[School]) -> dict:
    """Rows per rule, outcomes per file and table, superseded rows, COV-03 (contract section 1: coverage
    counts schools with a valid or flagged academic row; a school whose only academic rows were quarantined
    is `rejected`, one with none `not_sent`)."""
    records = [rec for arrival, lf in files for rec in _records(arrival, lf)]
    _outcomes(records)
    rule_rows = {t: {r: 0 for r in table_rules(t)} for t in TABLES}
    for rec in records:
        for r in rec["faults"]:
            rule_rows[rec["table"]][r] += 1
    out_files, listing = {}, []
    by_rel = {b.rel: b for b in books}
    for _, lf in files:
        mine = [r for r in records if r["file"] == lf.rel]
        tables = {}
        for t in TABLES:
            counts = Counter(r["outcome"] for r in mine if r["table"] == t)
            if counts:
                tables[t] = {"rows_in": sum(counts.values()),
                             **{k: counts[k] for k in ("valid", "flagged", "quarantined", "superseded")}}
        totals = Counter(r["outcome"] for r in mine)
        out_files[lf.rel] = {"table": None, "tables": tables, "rows_in": len(mine),
                             **{k: totals[k] for k in ("valid", "flagged", "quarantined", "superseded")},
                             "error_column": None, "error": None}
        b = by_rel[lf.rel]
        listing.append({"file": lf.rel, "school_code": b.code, "known_school": b.school is not None,
                        "resent": b.resent, "sheets": [b.look.names[p] for p in b.look.order],
                        "parts": list(b.look.order),
                        "skipped_sheets": [b.look.names[p] for p in b.look.order if p in (INSTRUCTIONS, EXTRA)],
                        "header_style": b.look.style, "deleted_columns": list(b.look.drop)})
    seen = defaultdict(set)
    for rec in records:
        if rec["table"] == ACADEMIC:
            seen[rec["code"]].add(rec["outcome"])
    status = defaultdict(list)
    for s in sorted(schools, key=lambda s: s.code):
        got = seen[s.code]
        status["submitted" if got & {"valid", "flagged"} else "rejected" if got else "not_sent"].append(s.code)
    n, sent = len(schools), len(status["submitted"])
    current = {t: _sums([r["row"] for r in records if r["table"] == t and r["outcome"] in ("valid", "flagged")])
               for t in TABLES}
    return {
        "rule_rows": rule_rows,
        "files": out_files,
        "admin": {
            "academic_year": YEAR,
            "fiscal_year": FISCAL_YEAR,
            "files": listing,
            "rows": {t: sum(1 for r in records if r["table"] == t) for t in TABLES},
            "superseded_rows": [{"file": r["file"], "table": r["table"], "school_code": r["code"], "period": r["year"]}
                                for r in records if r["outcome"] == "superseded"],
            "per03_schools": sorted(r["code"] for r in records if "PER-03" in r["faults"]),
            "coverage": {"period": YEAR, "population": n, "submitted": sent, "missing": n - sent,
                         "rejected": len(status["rejected"]), "not_sent": len(status["not_sent"]),
                         "coverage_pct": round(100.0 * sent / n, 1)},
            "missing": {"rejected": status["rejected"], "not_sent": status["not_sent"]},
            "current": current,
        },
    }
