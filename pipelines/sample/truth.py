"""Ground truth (sample/expected.json): rows per rule, outcomes per file, superseded rows, coverage gaps.

A small oracle re-derives each row's rules from its logical values, independently of how the faults were
injected, and asserts that they are exactly the rules the row was meant to break; outcomes then follow
contract section 1. So the counts are exact by construction.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

from .allocation import Alloc
from .contract import (
    ALLOCATION,
    EQUIPMENT,
    SCHOOLS,
    count_column,
    dltv03_limits,
    fiscal_year_of,
    item_keys,
    severity,
    size_bounds,
    table_rules,
    thailand_box,
)
from .landing_zone import LandingFile
from .register import School
from .surveys import Survey

LATEST_SURVEY = date(2026, 2, 27)  # no generated survey date is later: "not in the future" holds today


def _survey_faults(row: Survey, allocated: set[tuple[str, str, int]]) -> set[str]:
    """The oracle: every rule a survey row breaks, from its logical values (DLTV-06 is per file)."""
    caps, per_room, (lo_rooms, hi_rooms) = dltv03_limits()
    f: set[str] = set()
    if row.unreadable:
        f.add("FMT-01")
    if row.blank:
        f.add("REQ-01")
    if row.ce_form:
        f.add("FMT-02")
    rooms = row.value("dltv_classrooms")
    for item in item_keys():
        t, w, b, r, p = (row.value(count_column(item, s)) for s in
                         ("total", "working", "broken", "request_replace", "request_repair"))
        if any(v is not None and v < 0 for v in (t, w, b, r, p)) or (None not in (t, w, b) and w + b != t):
            f.add("DLTV-01")
        if None not in (b, r, p) and r + p > b:
            f.add("DLTV-02")
        if item in per_room and None not in (rooms, w, r) and w + r > rooms:
            f.add("DLTV-03")
        if item in caps and t is not None and t > caps[item]:
            f.add("DLTV-03")
        if row.school and r and any((row.school.code, item, y) in allocated
                                    for y in range(row.fiscal_year - 3, row.fiscal_year)):
            f.add("DLTV-05")
    if rooms is not None and not lo_rooms <= rooms <= hi_rooms:
        f.add("DLTV-03")
    if row.school is None:
        f.add("REF-01")
    elif not row.school.eligible:
        f.add("DLTV-04")
    if fiscal_year_of(row.survey_date) != row.fiscal_year or row.survey_date > LATEST_SURVEY:
        f.add("DLTV-07")
    return f


def _register_faults(rows: list[School]) -> list[set[str]]:
    """Oracle for the register: SCH-01/02 (format, uniqueness in the file) and SCH-03/04/05."""
    codes = Counter(r.code for r in rows)
    smis = Counter(r.smis for r in rows if r.smis)
    box = thailand_box()
    bounds = {k: (lo, hi) for k, lo, hi in size_bounds()}
    out = []
    for r in rows:
        f = set()
        if not re.fullmatch(r"10\d{8}", r.code) or codes[r.code] > 1:
            f.add("SCH-01")
        if r.smis and (not re.fullmatch(r"\d{8}", r.smis) or smis[r.smis] > 1):
            f.add("SCH-02")
        if r.students < 0:
            f.add("SCH-03")
        lo, hi = bounds[r.size]
        if not lo <= r.students <= hi:
            f.add("SCH-04")
        if not (box["lat"][0] <= r.lat <= box["lat"][1] and box["lon"][0] <= r.lon <= box["lon"][1]):
            f.add("SCH-05")
        out.append(f)
    return out


def _allocation_faults(a: Alloc) -> set[str]:
    """Oracle for the allocation register: REF-01, ALLOC-01, ALLOC-02."""
    f = set()
    if a.school is None:
        f.add("REF-01")
    if a.item not in item_keys():
        f.add("ALLOC-01")
    if a.quantity < 1 or a.price <= 0:
        f.add("ALLOC-02")
    return f


def _file_records(arrival: int, lf: LandingFile, allocated: set) -> list[dict]:
    """One record per data row: its key for superseding, its order, and its rules (oracle-checked)."""
    if lf.table == SCHOOLS:
        faults = _register_faults(lf.rows)
        recs = [dict(key=(r.code,), order=(), code=r.code, fy=None) for r in lf.rows]
    elif lf.table == ALLOCATION:
        faults = [_allocation_faults(a) for a in lf.rows]
        recs = [dict(key=(a.code, a.fiscal_year, a.item), order=(), code=a.code, fy=a.fiscal_year) for a in lf.rows]
    else:
        faults = [_survey_faults(r, allocated) for r in lf.rows]
        per_key = Counter((r.resolved_code, r.fiscal_year) for r in lf.rows)
        for r, f in zip(lf.rows, faults):
            if per_key[(r.resolved_code, r.fiscal_year)] > 1:
                f.add("DLTV-06")
        recs = [dict(key=(r.resolved_code, r.fiscal_year), order=(r.survey_date,), code=r.resolved_code,
                     fy=r.fiscal_year) for r in lf.rows]
    for i, (rec, row, f) in enumerate(zip(recs, lf.rows, faults)):
        assert f == set(row.intended), f"{lf.rel} row {i}: breaks {sorted(f)}, meant {sorted(row.intended)}"
        rec.update(file=lf.rel, table=lf.table, arrival=arrival, index=i, faults=f)
    return recs


def _outcomes(records: list[dict]) -> None:
    """Contract section 1: quarantine > flag > valid; the later row per key supersedes the others."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for rec in records:
        sev = {severity(r) for r in rec["faults"]}
        rec["outcome"] = "quarantined" if "quarantine" in sev else ("flagged" if sev else "valid")
        if rec["outcome"] != "quarantined":
            groups[(rec["table"],) + rec["key"]].append(rec)
    for group in groups.values():
        group.sort(key=lambda r: (r["order"], r["arrival"], r["index"]))
        for rec in group[:-1]:
            assert not rec["faults"], "a superseded row must be clean, so rule counts stay unambiguous"
            rec["outcome"] = "superseded"


def ground_truth(seed: int, n: int, files: list[LandingFile], schools: list[School]) -> dict:
    """The ground truth: per-rule row counts, per-file outcomes, superseded rows, coverage gaps."""
    allocated = {(a.code, a.item, a.fiscal_year) for lf in files if lf.table == ALLOCATION and not lf.error
                 for a in lf.rows if not _allocation_faults(a)}
    records = [rec for i, lf in enumerate(files) if not lf.error for rec in _file_records(i, lf, allocated)]
    _outcomes(records)
    rule_rows = {t: {r: 0 for r in table_rules(t)} for t in (SCHOOLS, EQUIPMENT, ALLOCATION)}
    for rec in records:
        for r in rec["faults"]:
            rule_rows[rec["table"]][r] += 1
    out_files = {}
    for lf in files:
        mine = [r for r in records if r["file"] == lf.rel]
        counts = Counter(r["outcome"] for r in mine)
        out_files[lf.rel] = {"table": lf.table, "rows_in": len(mine),
                             **{k: counts[k] for k in ("valid", "flagged", "quarantined", "superseded")},
                             "error_column": lf.error_column, "error": lf.error}
    register = {r["code"] for r in records if r["table"] == SCHOOLS and r["outcome"] in ("valid", "flagged")}
    eligible = sorted(s.code for s in schools if s.eligible and s.code in register)

    def missing(fy: int) -> list[str]:
        """COV-01: eligible register schools without a valid or flagged row for the year."""
        have = {r["code"] for r in records if r["table"] == EQUIPMENT and r["fy"] == fy
                and r["outcome"] in ("valid", "flagged")}
        return [c for c in eligible if c not in have]

    return {
        "seed": seed,
        "n_schools": n,
        "rule_rows": rule_rows,
        "files": out_files,
        "superseded_rows": [{"file": r["file"], "school_code": r["code"], "fiscal_year": r["fy"]}
                            for r in records if r["outcome"] == "superseded"],
        "missing_2569": missing(2569),
        "missing_2568": missing(2568),
        "eligible_schools": len(eligible),
        "register_valid_schools": len(register),
    }
