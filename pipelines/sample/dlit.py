"""DLIT usage surveys of the sample district (contract 3.3): both semesters of academic year 2568.

`write_dlit(land, schools, seed)` adds, after every other sample file, what an ESAO receives for one
academic year of DLIT use, and returns its ground truth (same shape as the platform family's, merged
by `platform.merge_truth`):

- a district-wide workbook per semester (title rows, an instructions sheet, a running-number column,
  a notes row), services written ใช้/ไม่ใช้ in semester 1 and ✓/blank in semester 2;
- a network cluster's cp874 CSV for semester 2 with English headers and `/` ticks;
- one-school workbooks (Thai aliases, English headers), one holding both semesters;
- two re-submissions arriving last: one supersedes a clean row of the semester-2 workbook, one
  corrects a quarantined semester-1 row (that row stays quarantined; the school now counts as sent).

Faults, one rule per row: DLIT-01 (more teachers using than teachers; a negative count), DLIT-02
(hours 75, satisfaction 6 and 0, semester 3), DLIT-03 (teachers using, nothing ticked: flag), DLIT-04
(one school and semester twice in a file: both rows), REF-01 (a transposed code, another area's
school, an unknown code), FMT-01 (`3-4` hours, a count in words), FMT-02 (the year in CE) and REQ-01.
A few clean rows name their school by its 8-digit SMIS code, which resolves (valid).
About 90% of the register reports both semesters; 3% report only semester 1, 3% only semester 2 and
4% nothing, so COV-02 is below 100% for known reasons, listed per semester in the truth.

The family draws from its own `random.Random` seeded from `seed`, never from the survey generator's,
and its files arrive last, so every other sample file keeps its bytes and its mtime. An oracle
(`dlit_rows.usage_faults`, DLIT-04 per file here) re-derives each row's rules from its logical values
and asserts they are the ones injected; outcomes then follow contract section 1 (`truth._outcomes`).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from . import names as N
from .cells import CODE_FORMS
from .contract import table_rules
from .dlit_files import UsageLayout, school_where, usage_headers, usage_title, write_usage_csv, write_usage_xlsx
from .dlit_rows import (
    DLIT,
    NUMBERS,
    YEAR,
    Usage,
    clean_usage,
    hours_over,
    negative_using,
    nothing_ticked,
    over_total,
    profile,
    satisfaction_off,
    semester_off,
    semesters,
    services,
    usage_faults,
)
from .landing_zone import Landing, LandingFile
from .register import School, fake_school_name
from .surveys import school_label
from .truth import _outcomes

SHARE_NONE, SHARE_ONE = 0.04, 0.03  # of the register: report nothing; report only semester 1 (and only 2)
OTHER_AREA = "1030"  # OBEC + another province: a school of a neighbouring area in the cluster's file
REMARKS = ("ครูย้ายออก 1 คน", "ส่งแทนโดยครูวิชาการ", "อินเทอร์เน็ตเสียช่วงสอบกลางภาค", "เปลี่ยนผู้ดูแลระบบ DLIT")
CLUSTER_SIZE = 9


@dataclass
class DlitPlan:
    """Which row goes into which file; files are written in this order (arrival)."""

    district: dict[int, list[Usage]]  # semester -> district-wide workbook rows
    cluster: list[Usage]  # semester 2, cp874 CSV
    singles: dict[int, list[Usage]]  # semester -> one-school workbooks (one row each)
    whole_year: list[Usage]  # one school's workbook with both semesters
    resubmissions: list[Usage]  # arrive last
    reported: dict[str, int] = field(default_factory=dict)  # both / one / none (as planned)


def _unknown_codes(rng: random.Random, schools: list[School]) -> list[str]:
    """Three codes not in the register: a real code with two digits transposed, another area's school,
    and a code of our area that no school has."""
    known = {s.code for s in schools}
    out: list[str] = []
    for s in rng.sample(schools, len(schools)):
        i = rng.randint(4, 8)
        typo = s.code[:i] + s.code[i + 1] + s.code[i] + s.code[i + 2:]
        if typo not in known:
            out.append(typo)
            break
    out.append(f"{OTHER_AREA}{rng.randrange(10**6):06d}")
    while (code := f"1040{rng.randrange(10**6):06d}") in known:
        pass
    return out + [code]


def _unknown_row(rng: random.Random, semester: int, code: str) -> Usage:
    """A clean row of a school that is not in the register (REF-01)."""
    r = clean_usage(rng, None, semester, profile(rng, None), code=code, name=school_label(rng, fake_school_name(rng)))
    r.intended = frozenset({"REF-01"})
    return r


def plan_dlit(rng: random.Random, schools: list[School]) -> DlitPlan:
    """Who reports which semester, in which file, and which rows carry which single fault."""
    s1, s2 = semesters()
    base = {s.code: profile(rng, s) for s in schools}
    order = rng.sample(schools, len(schools))
    k0, k1 = round(SHARE_NONE * len(order)), round(SHARE_ONE * len(order))
    only = {s1: order[k0:k0 + k1], s2: order[k0 + k1:k0 + 2 * k1]}
    both = order[k0 + 2 * k1:]
    whole, singles, cluster = both[0], {s1: both[1:3], s2: both[3:5]}, both[5:5 + CLUSTER_SIZE]
    apart = {s1: {whole, *singles[s1]}, s2: {whole, *singles[s2], *cluster}}

    def row(s: School, sem: int) -> Usage:
        return clean_usage(rng, s, sem, base[s.code])

    def by_place(s: School) -> tuple:
        """Offices sort by amphoe, tambon, code."""
        return s.district, s.subdistrict, s.code

    district = {sem: [row(s, sem) for s in sorted(both + only[sem], key=by_place) if s not in apart[sem]]
                for sem in (s1, s2)}
    unknown = _unknown_codes(rng, schools)
    _faults(rng, district, base, unknown)
    clean = [r for r in district[s1] if not r.intended and r.code == r.resolved_code]
    for r, form in zip(clean, CODE_FORMS):
        r.code_form = form
    for r in rng.sample(district[s2], 5):
        r.remark = rng.choice(REMARKS)

    cluster_rows = [row(s, s2) for s in sorted(cluster, key=by_place)]
    smis = next((r for r in cluster_rows[1:] if r.school.smis and len(r.school.smis) == 8), None)
    if smis:
        smis.code = smis.school.smis
    cluster_rows.insert(rng.randint(1, len(cluster_rows)), _unknown_row(rng, s2, unknown[1]))

    # re-submissions: a clean semester-2 row sent again (supersedes it), the DLIT-01 school's corrected row
    plain2 = next(r for r in district[s2][len(district[s2]) // 2:] if not r.intended and r.code == r.resolved_code)
    wrong1 = next(r for r in district[s1] if r.intended == {"DLIT-01"})
    resubs = [row(plain2.school, s2), row(wrong1.school, s1)]
    return DlitPlan(
        district=district,
        cluster=cluster_rows,
        singles={sem: [row(s, sem) for s in singles[sem]] for sem in (s1, s2)},
        whole_year=[row(whole, s1), row(whole, s2)],
        resubmissions=resubs,
        reported={"both": len(both), "one": 2 * k1, "none": k0},
    )


def _faults(rng: random.Random, district: dict[int, list[Usage]], base: dict, unknown: list[str]) -> None:
    """One rule per row on the district workbooks; DLIT-04 twins and REF-01 rows are inserted."""
    s1, s2 = semesters()
    pools = {sem: iter(rng.sample([r for r in rows if r.values["teachers_using"] > 0], len(rows) // 2))
             for sem, rows in district.items()}

    def take(sem: int, rule: str, mutate=None) -> Usage:
        r = next(pools[sem])
        if mutate:
            mutate(r)
        r.intended = frozenset({rule})
        return r

    take(s1, "DLIT-01", over_total)
    take(s1, "DLIT-02", hours_over)
    take(s1, "DLIT-02", satisfaction_off(+1))
    take(s1, "DLIT-03", nothing_ticked)
    take(s1, "FMT-01").unreadable["hours_per_week"] = "3-4"
    take(s1, "FMT-02").ce_year = True
    take(s2, "DLIT-01", negative_using)
    take(s2, "DLIT-02", satisfaction_off(-1))
    take(s2, "DLIT-02", semester_off)
    take(s2, "DLIT-03", nothing_ticked)
    take(s2, "FMT-01").unreadable["teachers_total"] = "สิบสอง"
    take(s2, "FMT-02").ce_year = True
    take(s2, "REQ-01").blank.add("teachers_using")
    for sem in (s1, s2):
        rows = district[sem]
        with_smis = next(r for r in pools[sem] if r.school.smis and len(r.school.smis) == 8)
        with_smis.code = with_smis.school.smis
        dup = take(sem, "DLIT-04")
        twin = clean_usage(rng, dup.school, sem, base[dup.school.code])
        twin.intended = dup.intended
        rows.insert(rng.randint(rows.index(dup) + 1, len(rows)), twin)
    for sem, code in ((s1, unknown[0]), (s2, unknown[2])):
        district[sem].insert(rng.randint(1, len(district[sem]) - 1), _unknown_row(rng, sem, code))


def write_dlit(land: Landing, schools: list[School], seed: int) -> dict:
    """Write the DLIT files into the landing zone (after every other file); return their ground truth:
    {"rule_rows": {dlit_usage: {rule: rows}}, "files": {rel: outcomes}, "dlit": {...}}."""
    rng = random.Random(f"dlit:{seed}")
    plan = plan_dlit(rng, schools)
    s1, s2 = semesters()
    start, shapes = len(land.files), {}
    root = f"{DLIT}/{YEAR}"

    def add(rel: str, rows: list[Usage], layout: UsageLayout | None, ticks: str) -> None:
        write = (lambda p: write_usage_xlsx(p, rows, layout, rng)) if layout else \
            (lambda p: write_usage_csv(p, rows, usage_headers(rng, "english"), rng))
        land.add(rel, DLIT, rows, write)
        shapes[rel] = {"format": rel.rsplit(".", 1)[1], "ticks": ticks}

    def single(row_or_rows: list[Usage], style: str, ticks: str, semester: int | None, **kw) -> UsageLayout:
        return UsageLayout(usage_headers(rng, style), usage_title(semester, school_where(row_or_rows[0].school)),
                           ticks, noise=0.3, **kw)

    for sem, ticks, style in ((s1, "word", "noisy"), (s2, "tick", "plain")):
        layout = UsageLayout(usage_headers(rng, style), usage_title(sem, N.AREA), ticks,
                             sheet=f"ภาคเรียนที่ {sem}", instructions=True, numbered=True,
                             extra_column="หมายเหตุเพิ่มเติม" if sem == s2 else None)
        add(f"{root}/ภาคเรียนที่{sem}/แบบสำรวจDLIT_{YEAR}_ภาค{sem}_รวมทั้งเขต.xlsx", plan.district[sem], layout, ticks)
        if sem == s2:
            add(f"{root}/ภาคเรียนที่{sem}/cluster/เครือข่าย_DLIT_{YEAR}_ภาค{sem}.csv", plan.cluster, None, "slash")
        hands = (("english", "word"), ("aliases", "tick")) if sem == s1 else (("plain", "tick"), ("noisy", "word"))
        for i, (row, (style, t)) in enumerate(zip(plan.singles[sem], hands)):
            layout = single([row], style, t, sem, sheet="Sheet1" if style == "english" else "DLIT",
                            instructions=i == 1, drop=("problems",) if style == "english" else ())
            add(f"{root}/ภาคเรียนที่{sem}/schools/{row.school.code}.xlsx", [row], layout, t)
        if sem == s1:
            whole = plan.whole_year
            add(f"{root}/schools/{whole[0].school.code}_DLIT_{YEAR}.xlsx", whole,
                single(whole, "aliases", "tick", None), "tick")
    for row, t in zip(plan.resubmissions, ("tick", "word")):
        add(f"{root}/ภาคเรียนที่{row.semester}/schools/{row.school.code}_ส่งใหม่.xlsx", [row],
            single([row], "plain", t, row.semester), t)
    truth = dlit_truth(list(enumerate(land.files))[start:], schools)
    for f in truth["dlit"]["files"]:
        f.update(shapes[f["file"]])
    truth["dlit"]["reported"] = plan.reported
    return truth


def _records(arrival: int, lf: LandingFile) -> list[dict]:
    """One record per row: key, rules (oracle-checked; DLIT-04 counted within the file)."""
    per_key = Counter((r.resolved_code, r.year, r.semester) for r in lf.rows)
    out = []
    for i, r in enumerate(lf.rows):
        faults = usage_faults(r)
        if per_key[(r.resolved_code, r.year, r.semester)] > 1:
            faults.add("DLIT-04")
        assert faults == set(r.intended), f"{lf.rel} row {i}: breaks {sorted(faults)}, meant {sorted(r.intended)}"
        out.append(dict(key=(r.resolved_code, r.year, r.semester), order=(), code=r.resolved_code, year=r.year,
                        semester=r.semester, file=lf.rel, table=DLIT, arrival=arrival, index=i, faults=faults,
                        row=r))
    return out


def _totals(rows: list[Usage]) -> dict:
    """What the validated table must hold for a semester: its rows, the sums of its numbers (blank cells
    left out) and how many rows tick each service. Read back, they show every cell form was read as meant."""
    out: dict = {"rows": len(rows)}
    for col in NUMBERS:
        out[col] = sum(v for r in rows if (v := r.value(col)) is not None)
    out |= {col: sum(r.used[col] for r in rows) for col in services()}
    return out


def dlit_truth(files: list[tuple[int, LandingFile]], schools: list[School]) -> dict:
    """Rows per rule, outcomes per file, superseded rows and COV-02 per semester (contract section 1:
    coverage counts schools with a valid or flagged row; a school whose only rows of the semester were
    quarantined is `rejected`, one with none `not_sent`)."""
    records = [rec for arrival, lf in files for rec in _records(arrival, lf)]
    _outcomes(records)
    rule_rows = {r: 0 for r in table_rules(DLIT)}
    for rec in records:
        for r in rec["faults"]:
            rule_rows[r] += 1
    out_files, listing = {}, []
    for _, lf in files:
        counts = Counter(r["outcome"] for r in records if r["file"] == lf.rel)
        out_files[lf.rel] = {"table": DLIT, "rows_in": len(lf.rows),
                             **{k: counts[k] for k in ("valid", "flagged", "quarantined", "superseded")},
                             "error_column": None, "error": None}
        listing.append({"file": lf.rel, "rows": len(lf.rows), "semesters": sorted({r.semester for r in lf.rows})})
    outcomes = defaultdict(set)
    for rec in records:
        outcomes[(rec["code"], rec["year"], rec["semester"])].add(rec["outcome"])
    coverage, missing, current = {}, {}, {}
    for sem in semesters():
        status = defaultdict(list)
        for s in sorted(schools, key=lambda s: s.code):
            seen = outcomes[(s.code, YEAR, sem)]
            status["submitted" if seen & {"valid", "flagged"} else "rejected" if seen else "not_sent"].append(s.code)
        n, sent = len(schools), len(status["submitted"])
        coverage[str(sem)] = {"period": YEAR, "population": n, "submitted": sent, "missing": n - sent,
                              "rejected": len(status["rejected"]), "not_sent": len(status["not_sent"]),
                              "coverage_pct": round(100.0 * sent / n, 1)}
        missing[str(sem)] = {"rejected": status["rejected"], "not_sent": status["not_sent"]}
        current[str(sem)] = _totals([r["row"] for r in records if r["semester"] == sem
                                     and r["outcome"] in ("valid", "flagged")])
    return {
        "rule_rows": {DLIT: rule_rows},
        "files": out_files,
        "dlit": {
            "academic_year": YEAR,
            "files": listing,
            "rows": len(records),
            "superseded_rows": [{"file": r["file"], "school_code": r["code"], "academic_year": r["year"],
                                 "semester": r["semester"]} for r in records if r["outcome"] == "superseded"],
            "coverage": coverage,
            "missing": missing,
            "current": current,
        },
    }
