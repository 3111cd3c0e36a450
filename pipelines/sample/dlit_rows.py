"""DLIT usage rows (contract 3.3): a school's semester as it means it, the changes that break one rule each,
and the oracle that re-derives every rule a row breaks from its logical values.

Rows stay logical (numbers, booleans) until a file is written (`dlit_files.py`). Thresholds, the tick
columns and the semesters are read from the contract (`dlit_usage.yaml`), never restated: the oracle and
the faults move with it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from .contract import table_contract
from .platform import between
from .register import School
from .surveys import school_label

DLIT = "dlit_usage"
YEAR = 2568  # BE academic year of the sample's DLIT files: semester 1 ~ May-Oct 2025, 2 ~ Nov 2025-Mar 2026
CE_OFFSET = 543
NUMBERS = ("teachers_total", "teachers_using", "hours_per_week", "internet_mbps", "student_devices", "satisfaction")
# How often a teacher-using school uses each DLIT service, in the contract's column order.
SERVICE_SHARES = (0.8, 0.6, 0.35, 0.3, 0.25)
PROBLEMS = ("สัญญาณอินเทอร์เน็ตไม่เสถียร", "อุปกรณ์ไม่เพียงพอต่อจำนวนนักเรียน", "ครูมีภาระงานมาก ไม่มีเวลาเตรียมสื่อ",
            "ไฟฟ้าดับบ่อยในช่วงฝนตก", "คอมพิวเตอร์เก่า เปิดสื่อวีดิทัศน์ช้า", "นักเรียนไม่มีอุปกรณ์ที่บ้าน",
            "ครูย้ายระหว่างภาคเรียน ขาดผู้ดูแลระบบ", "ไม่มี")


@cache
def services() -> tuple[str, ...]:
    """The five tick columns (bool, ✓ or blank), in contract order."""
    cols = tuple(c.name for c in table_contract(DLIT).columns if c.type == "bool")
    assert len(cols) == len(SERVICE_SHARES), "DLIT services changed: update SERVICE_SHARES"
    return cols


@cache
def semesters() -> tuple[int, ...]:
    """The semesters each school reports (COV-02's values), the same set DLIT-02 accepts."""
    cov = next(c for c in table_contract(DLIT).coverage if c.per == "semester")
    assert set(cov.values) == set(in_set("DLIT-02", "semester"))
    return tuple(cov.values)


@cache
def in_set(rule_id: str, column: str) -> tuple:
    """A rule's `in_set` values on one column, read from the contract."""
    for chk in table_contract(DLIT).checks:
        for e in chk.expectations if chk.rule_id == rule_id else ():
            if e["type"] == "expect_column_values_to_be_in_set" and e.get("column") == column:
                return tuple(e["value_set"])
    raise KeyError((rule_id, column))


def limits(rule_id: str, column: str) -> tuple[float, float]:
    return between(DLIT, rule_id, column)


@dataclass(eq=False)
class Usage:
    """One school's DLIT use in one semester, with the faults injected into it."""

    year: int
    semester: int
    school: School | None  # None: the code is not in the register (REF-01)
    code: str  # as written: 10-digit code, 8-digit SMIS or an unknown code
    name: str
    values: dict[str, float | int | None]  # NUMBERS; None: left blank (unknown, not zero)
    used: dict[str, bool]  # services() -> ticked
    problems: str | None = None
    unreadable: dict[str, str] = field(default_factory=dict)  # column -> text written instead (FMT-01)
    blank: set[str] = field(default_factory=set)  # required cells left empty (REQ-01)
    ce_year: bool = False  # academic year written in CE (FMT-02)
    intended: frozenset[str] = frozenset()
    code_form: str | None = None  # forced cell form of the code (else drawn at random)
    remark: str | None = None

    def value(self, col: str) -> float | int | None:
        """The value the warehouse will read: None where the cell is blank or unreadable."""
        return None if col in self.blank or col in self.unreadable else self.values[col]

    @property
    def resolved_code(self) -> str:
        return self.school.code if self.school else self.code


def profile(rng: random.Random, school: School | None) -> dict[str, int]:
    """What stays with a school across semesters: its teachers, internet line and pupils' devices."""
    students = abs(school.students) if school else rng.randint(40, 300)
    return {"teachers_total": max(2, round(students / 20)) + rng.randint(0, 2),
            "internet_mbps": rng.choice((30, 50, 100, 100, 200, 200, 300, 500, 1000)),
            "student_devices": rng.randint(0, max(5, students // 3)) if rng.random() < 0.9 else 0}


def clean_usage(rng: random.Random, school: School | None, semester: int, base: dict[str, int], *,
                code: str | None = None, name: str | None = None) -> Usage:
    """A row that keeps every rule: 0 <= using <= total, a service ticked when someone uses DLIT, values
    in range. A few schools have nobody using DLIT (then nothing is ticked and hours are 0)."""
    total = base["teachers_total"]
    using = 0 if rng.random() < 0.06 else rng.randint(max(1, total // 3), total)
    used = {c: using > 0 and rng.random() < p for c, p in zip(services(), SERVICE_SHARES)}
    if using and not any(used.values()):
        used[services()[0]] = True
    hours_hi = min(limits("DLIT-02", "hours_per_week")[1], 14)
    values = {
        "teachers_total": total,
        "teachers_using": using,
        "hours_per_week": rng.randint(2, int(hours_hi) * 2) / 2 if using else 0,
        "internet_mbps": None if rng.random() < 0.05 else base["internet_mbps"],
        "student_devices": None if rng.random() < 0.05 else base["student_devices"],
        "satisfaction": None if rng.random() < 0.05 else rng.choices((2, 3, 4, 5), (1, 3, 5, 3))[0],
    }
    problems = rng.choice(PROBLEMS) if rng.random() < 0.4 else None
    return Usage(YEAR, semester, school, code or school.code, name or school_label(rng, school.name), values, used,
                 problems)


# Faults: each changes only what its rule needs (the oracle checks that the row breaks that rule alone).

def over_total(row: Usage) -> None:
    """DLIT-01: more teachers using DLIT than the school has (the two counts typed the wrong way round)."""
    row.values["teachers_using"] = row.values["teachers_total"] + 3
    row.used[services()[0]] = True


def negative_using(row: Usage) -> None:
    """DLIT-01: a negative count (a stray minus sign); nobody using means no service check."""
    row.values["teachers_using"] = int(limits("DLIT-01", "teachers_using")[0]) - 2


def hours_over(row: Usage) -> None:
    """DLIT-02: hours per week above the limit (hours of the whole school, not per teacher)."""
    row.values["hours_per_week"] = limits("DLIT-02", "hours_per_week")[1] + 15


def satisfaction_off(delta: int):
    """DLIT-02: satisfaction one step outside 1-5 (6, or 0 for 'none')."""
    def apply(row: Usage) -> None:
        lo, hi = limits("DLIT-02", "satisfaction")
        row.values["satisfaction"] = int(hi + delta if delta > 0 else lo + delta)
    return apply


def semester_off(row: Usage) -> None:
    """DLIT-02: a semester that does not exist (3: the summer term written as a semester)."""
    row.semester = max(semesters()) + 1


def nothing_ticked(row: Usage) -> None:
    """DLIT-03 (flag): teachers use DLIT but no service is ticked."""
    row.values["teachers_using"] = max(1, row.values["teachers_using"])
    row.used = dict.fromkeys(services(), False)


def usage_faults(row: Usage) -> set[str]:
    """The oracle: every rule a row breaks, from its logical values (DLIT-04 is per file: `dlit.py`)."""
    f: set[str] = set()
    if row.unreadable:
        f.add("FMT-01")
    if row.blank:
        f.add("REQ-01")
    if row.ce_year:
        f.add("FMT-02")
    if row.school is None:
        f.add("REF-01")
    total, using = row.value("teachers_total"), row.value("teachers_using")
    least = limits("DLIT-01", "teachers_using")[0]
    if any(v is not None and v < least for v in (total, using)) or (None not in (total, using) and using > total):
        f.add("DLIT-01")
    for col in ("hours_per_week", "satisfaction"):
        lo, hi = limits("DLIT-02", col)
        v = row.value(col)
        if v is not None and not lo <= v <= hi:
            f.add("DLIT-02")
    if row.semester not in in_set("DLIT-02", "semester"):
        f.add("DLIT-02")
    if using is not None and using > 0 and not any(row.used.values()):
        f.add("DLIT-03")
    return f
