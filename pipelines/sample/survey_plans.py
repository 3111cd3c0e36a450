"""Which survey rows go into which file for FY 2568 and FY 2569, which carry which fault, who never reports.

Faults go onto "plain" schools (no register fault, nothing allocated), one rule per row, so the ground truth
can count rows per rule without ambiguity. The first clean rows of the 2569 district workbook are given
every date and code form once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Callable

from .cells import CODE_FORMS, DATE_FORMS
from .contract import count_column
from .register import Codes, School, fake_school_name
from .surveys import (
    Survey,
    clean_survey,
    dltv01_negative,
    dltv01_total,
    dltv01_two_items,
    dltv02,
    dltv03_cap,
    dltv03_tv,
    request_replacement,
    school_label,
)


def plan_2568(rng: random.Random, schools: list[School], no_replace: set) -> list[Survey]:
    """FY 2568: one district-wide workbook, ~95% of eligible schools, one DLTV-07 and one FMT-02 row."""
    rows = [clean_survey(rng, s, 2568, no_replace) for s in schools if s.eligible and rng.random() < 0.95]
    rows.sort(key=lambda r: (r.school.district, r.school.subdistrict, r.code))
    late = rows[len(rows) // 3]
    late.survey_date, late.intended = date(2024, 9, 12), frozenset({"DLTV-07"})
    ce = rows[2 * len(rows) // 3]
    ce.survey_date, ce.ce_form, ce.intended = date(2024, 12, 20), "slash", frozenset({"FMT-02"})
    return rows


@dataclass
class Plan2569:
    """Which FY 2569 rows go into which file (arrival order is decided in `generate`)."""

    district: list[Survey]
    cluster: list[Survey]
    singles: list[Survey]
    missing_column: Survey
    not_a_workbook: Survey
    resubmissions: list[Survey]


def plan_2569(rng, schools: list[School], no_replace: set, targets, codes: Codes) -> Plan2569:
    """FY 2569: who is in which file, which rows carry which single fault, and who never reports."""
    fy = 2569
    reserved = [s for s, _ in targets]
    alloc_codes = {code for code, _ in no_replace}
    eligible = [s for s in schools if s.eligible and s not in reserved]
    rng.shuffle(eligible)
    m = max(2, round(0.05 * (len(eligible) + len(reserved))))
    missing, cluster_schools, singles_schools = eligible[:m], eligible[m:m + 9], eligible[m + 9:m + 13]
    rest = eligible[m + 13:] + reserved
    rows = {s.code: clean_survey(rng, s, fy, no_replace) for s in rest}
    plain = iter([s for s in rest if not s.intended and s.code not in alloc_codes and s not in reserved])

    def take(rule: str | None = None, mutate: Callable[[Survey], None] | None = None,
             need_smis: bool = False) -> Survey:
        """The next plain school's row, changed by `mutate` so that it breaks exactly `rule`."""
        s = next(p for p in plain if p.smis or not need_smis)
        if mutate:
            mutate(rows[s.code])
        rows[s.code].intended = frozenset({rule} if rule else ())
        return rows[s.code]

    for mutate in (dltv01_total, dltv01_negative, dltv01_two_items):
        take("DLTV-01", mutate)
    for mutate in (dltv02("tv"), dltv02("receiver")):
        take("DLTV-02", mutate)
    for mutate in (dltv03_tv, dltv03_cap("dish", 1), dltv03_cap("lnb", 1)):
        take("DLTV-03", mutate)
    for d in (date(2025, 9, 18), date(2025, 8, 29)):  # dated in FY 2568 on a FY 2569 row
        take("DLTV-07").survey_date = d
    for col, text in ((count_column("tv", "total"), "ห้า"), (count_column("dish", "working"), "abc")):
        take("FMT-01").unreadable[col] = text
    take("FMT-02").ce_form = "slash"
    take("REQ-01").blank.add(count_column("tv", "broken"))
    for _ in range(3):  # written with the 8-digit SMIS code: resolves, valid
        r = take(need_smis=True)
        r.code = r.school.smis
    for s, items in targets:
        for item in items:
            request_replacement(rows[s.code], item)
        rows[s.code].intended = frozenset({"DLTV-05"})
    dups = [take("DLTV-06") for _ in range(2)]
    resub_later = [take() for _ in range(2)]
    resub_same = take()

    order = sorted(rows.values(), key=lambda r: (r.school.district, r.school.subdistrict, r.school.code))
    extra = [clean_survey(rng, None, fy, no_replace, code=codes.code(), name=school_label(rng, fake_school_name(rng)))
             for _ in range(2)]
    not_eligible = [s for s in schools if not s.eligible and "SCH-04" in s.intended]
    not_eligible += [s for s in schools if not s.eligible and not s.intended][:2]
    extra += [clean_survey(rng, s, fy, no_replace, rooms=rng.randint(4, 10)) for s in not_eligible]
    for r in extra:
        r.intended = frozenset({"REF-01" if r.school is None else "DLTV-04"})
        order.insert(rng.randint(1, len(order) - 1), r)
    for d in dups:
        twin = clean_survey(rng, d.school, fy, no_replace)
        twin.intended = d.intended
        order.insert(rng.randint(order.index(d) + 1, len(order)), twin)
    clean = [r for r in order if not r.intended and r.code == r.resolved_code]
    for r, form in zip(clean, DATE_FORMS):
        r.date_form = form
    for r, form in zip(clean[len(DATE_FORMS):], CODE_FORMS):
        r.code_form = form

    resubmissions = []
    for r in resub_later:
        resubmissions.append(clean_survey(rng, r.school, fy, no_replace, when=date(2026, 2, rng.randint(2, 20))))
    resubmissions.append(clean_survey(rng, resub_same.school, fy, no_replace, when=resub_same.survey_date))

    return Plan2569(
        district=order,
        cluster=_plan_cluster(rng, cluster_schools, no_replace, codes),
        singles=_plan_singles(rng, singles_schools, no_replace),
        missing_column=clean_survey(rng, missing[0], fy, no_replace),
        not_a_workbook=clean_survey(rng, missing[1], fy, no_replace),
        resubmissions=resubmissions,
    )


def _plan_cluster(rng, schools: list[School], no_replace: set, codes: Codes) -> list[Survey]:
    """A network cluster's cp874 CSV: 9 schools + 1 unknown code, with FMT-02, REQ-01 and a SMIS row."""
    rows = [clean_survey(rng, s, 2569, no_replace) for s in schools]
    rows[0].ce_form, rows[0].intended = "iso", frozenset({"FMT-02"})
    rows[1].blank.add(count_column("lnb", "working"))
    rows[1].intended = frozenset({"REQ-01"})
    smis_row = next((r for r in rows[2:] if r.school.smis), None)
    if smis_row:
        smis_row.code = smis_row.school.smis
    unknown = clean_survey(rng, None, 2569, no_replace, code=codes.code(),
                           name=school_label(rng, fake_school_name(rng)))
    unknown.intended = frozenset({"REF-01"})
    rows.insert(rng.randint(1, len(rows)), unknown)
    return rows


def _plan_singles(rng, schools: list[School], no_replace: set) -> list[Survey]:
    """Four one-school workbooks: two clean (Thai aliases, English), one FMT-01, one REQ-01."""
    rows = [clean_survey(rng, s, 2569, no_replace) for s in schools]
    rows[2].unreadable[count_column("receiver", "broken")] = "ไม่ทราบ"
    rows[2].intended = frozenset({"FMT-01"})
    rows[3].blank.add("dltv_classrooms")
    rows[3].intended = frozenset({"REQ-01"})
    return rows
