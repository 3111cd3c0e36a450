"""Four-area rows (contract 3.5): one school's year as it means it, the changes that break one rule each,
and the oracle that re-derives every rule a row breaks from its logical values.

Rows stay logical (numbers, list keys, 13-digit citizen IDs) until a workbook is written
(`admin_files.py`). Column names, coded lists and thresholds (ACAD-02's 5%, PER-03's 25 pupils per
teacher, O-NET's 0-100, the budget categories and building conditions) are read from the contracts, never
restated, so the faults and the oracle move with them. The rules that compare with the register
(ACAD-02, PER-03) use the register's students_total as the warehouse reads it, and are not judged for a
school the register does not know (REF-01), as contract section 1 says.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from stdnum.th import pin

from warehouse import contracts

from . import names as N
from .contract import table_contract
from .platform import between
from .register import School

ACADEMIC, BUDGET, PERSONNEL, GENERAL, STAFF = (
    "admin_academic", "admin_budget", "admin_personnel", "admin_general", "admin_staff")
TABLES = (ACADEMIC, BUDGET, PERSONNEL, GENERAL, STAFF)
YEAR = 2568  # academic year of the workbooks (data day 10 June 2568)
FISCAL_YEAR = 2568  # the budget sheet's: the fiscal year current on the data day (Oct 2567 - Sep 2568)
SLACK = 0.03  # a clean sheet's pupils differ from the register's by at most this share (ACAD-02: 5%)
KINDERGARTEN_WEIGHT = 0.7  # fewer pupils per kindergarten grade than per primary grade
# Mean O-NET score per level and subject, around which each school's mean is drawn.
ONET_MEANS = {("p6", "thai"): 50, ("p6", "math"): 33, ("p6", "science"): 36, ("p6", "english"): 38,
              ("m3", "thai"): 52, ("m3", "math"): 25, ("m3", "science"): 30, ("m3", "english"): 31}
# Baht per pupil a year by budget category (the `other` category: a lump sum, not per pupil).
RATES = {"per_head": (1600, 1950), "activities": (430, 480), "textbooks": (550, 780),
         "supplies": (190, 420), "uniforms": (360, 450)}
UNKNOWN_CATEGORY = "ค่าอาหารกลางวัน"  # lunch money: a real category, not in the contract's list (BUD-01)
UNKNOWN_CONDITION = "เก่ามาก"  # "very old": not one of the building conditions (GEN-02)
# Roster names: their own pools, disjoint from names.py (reporters elsewhere in the sample), so a roster name
# found outside landing/ can only have leaked from a roster.
MEN = ("กิตติศักดิ์", "ธนากร", "วรวุฒิ", "พงศกร", "อภิสิทธิ์", "ศุภชัย", "เอกชัย", "ปริญญา", "สุทธิพงษ์",
       "ชาตรี", "นพดล", "วัชรพงษ์", "ภานุวัฒน์", "อดิศักดิ์", "ยุทธนา", "จักรพันธ์")
WOMEN = ("ปิยะนุช", "สุดารัตน์", "วรรณภา", "อัญชลี", "ณัฐธิดา", "กมลชนก", "รุ่งนภา", "ศศิธร", "พัชรินทร์",
         "ดวงใจ", "จันทร์เพ็ญ", "อารีรัตน์", "ธิดารัตน์", "สายสุนีย์", "นภาพร", "มณีรัตน์")
SURNAMES = ("ศรีวงษ์ชัย", "บุญประคม", "พิมพ์ทอง", "อินทร์แก้ว", "มูลสาร", "ชาวนาฮี", "ผิวขาว", "สีหาวงษ์",
            "จันทร์แดง", "ทองสุข", "ขันธะ", "นามวงษ์", "แพงศรี", "ภูผาลี", "สิงห์คำ", "ดวงจันทร์",
            "อุดมศักดิ์", "ไชยรักษ์", "ศรีอุดร", "หมื่นแสน")
assert not set(MEN + WOMEN) & set(N.MEN + N.WOMEN) and not set(SURNAMES) & set(N.SURNAMES)
ID_FORMS = {"dash": 1.0, "plain": 0.6, "space": 0.3, "thai": 0.15, "number": 0.15}


# --- what the contracts say ------------------------------------------------------------------------------

@cache
def list_keys(name: str) -> tuple[str, ...]:
    return tuple(i.key for i in contracts.lists()[name])


@cache
def group_columns(table: str, group: str) -> dict[tuple[str, str], str]:
    """(item, sub) -> flat column name of one merged header group, in contract order."""
    return {(c.group.key, c.sub.key): c.name for c in table_contract(table).columns
            if c.group and c.group_list == group}


@cache
def in_set(table: str, rule_id: str, column: str) -> tuple:
    """A rule's `in_set` values on one column."""
    for chk in table_contract(table).checks:
        for e in chk.expectations if chk.rule_id == rule_id else ():
            if e["type"] == "expect_column_values_to_be_in_set" and e.get("column") == column:
                return tuple(e["value_set"])
    raise KeyError((table, rule_id, column))


@cache
def between_columns(table: str, rule_id: str) -> tuple[str, ...]:
    """The columns a rule's `be_between` expectations judge (GEN-01's counts and distances)."""
    return tuple(e["column"] for chk in table_contract(table).checks if chk.rule_id == rule_id
                 for e in chk.expectations if e["type"] == "expect_column_values_to_be_between")


@cache
def per03_columns() -> tuple[str, ...]:
    """The in-post counts PER-03 divides the register's pupils by (teachers and contract teachers)."""
    formula = table_contract(PERSONNEL).derive["students_per_teacher"]
    cols = tuple(c for c in group_columns(PERSONNEL, "positions").values() if c in formula)
    assert cols, "PER-03's formula names no personnel column"
    return cols


def grade_columns() -> dict[tuple[str, str], str]:
    return group_columns(ACADEMIC, "grades")


def onet_columns() -> dict[tuple[str, str], str]:
    return group_columns(ACADEMIC, "onet_levels")


def count_columns() -> dict[tuple[str, str], str]:
    return group_columns(PERSONNEL, "positions")


# --- rows ------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class Row:
    """One row of one four-area table, with the fault injected into it."""

    table: str
    school: School | None  # None: the code is not in the register (REF-01)
    code: str  # as written
    name: str | None  # the school's name as written (tables that have the column)
    year: int  # academic year (fiscal year on the budget sheet)
    values: dict[str, Any]  # contract column -> logical value; None: the cell is left blank
    intended: frozenset[str] = frozenset()
    id_form: str | None = None  # roster: how the citizen ID is written

    @property
    def resolved_code(self) -> str:
        return self.school.code if self.school else self.code

    @property
    def key(self) -> tuple:
        """The contract's key as the warehouse reads it (the budget's category, the roster's ID)."""
        extra = {BUDGET: ("category",), STAFF: ("citizen_id",)}.get(self.table, ())
        return (self.resolved_code, self.year, *(self.values[c] for c in extra))


@dataclass
class Profile:
    """What a school is: the pupils it counts, the grades it teaches, its staff in post by position."""

    students: int
    grades: tuple[str, ...]
    staff: dict[str, int]


def make_profile(rng: random.Random, school: School | None) -> Profile:
    """Small schools teach kindergarten to ป.6; some bigger ones (ขยายโอกาส) up to ม.3. Teachers follow
    the pupils, a few schools with far too few (PER-03 happens by itself, as in a real district)."""
    students = abs(school.students) if school else rng.randint(60, 240)
    grades = list_keys("grades")
    first = "k1" if rng.random() < 0.3 else "k2"
    last = "m3" if students > 120 and rng.random() < 0.3 else "p6"
    taught = grades[grades.index(first):grades.index(last) + 1]
    per_teacher = rng.uniform(26, 34) if rng.random() < 0.12 else rng.uniform(9, 22)
    teachers = max(1, round(students / per_teacher))
    contract_teachers = min(teachers - 1, rng.choice((0, 0, 0, 1, 1, 2)))
    staff = {
        "director": 1 if rng.random() < 0.92 else 0,
        "deputy": 0 if students <= 300 else (1 if students <= 1000 else 2),
        "teacher": teachers - contract_teachers,
        "gov_employee": rng.choice((0, 0, 1)) if students > 120 else 0,
        "contract_teacher": contract_teachers,
        "staff": (1 if students > 60 else rng.choice((0, 1))) + (students > 600),
    }
    assert set(staff) == set(list_keys("positions")), "positions changed: update make_profile"
    return Profile(students, taught, staff)


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """`total` as whole numbers in proportion to `weights` (largest remainders)."""
    exact = [total * w / sum(weights) for w in weights]
    out = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: out[i] - exact[i])[:total - sum(out)]:
        out[i] += 1
    return out


def clean_academic(rng: random.Random, school: School | None, prof: Profile, code: str, name: str) -> Row:
    """Pupils by grade and sex summing to within SLACK of the register; O-NET for ป.6 and ม.3 where the
    school has pupils in that grade; grades it does not teach left blank."""
    total = prof.students + int(prof.students * rng.uniform(-SLACK, SLACK))  # toward zero: never past SLACK
    weights = [(KINDERGARTEN_WEIGHT if g.startswith("k") else 1.0) * rng.uniform(0.75, 1.25) for g in prof.grades]
    values: dict[str, Any] = dict.fromkeys([*grade_columns().values(), *onet_columns().values()])
    sexes = list_keys("sexes")
    for grade, n in zip(prof.grades, _split(rng, total, weights)):
        first = round(n * rng.uniform(0.42, 0.58))
        values[grade_columns()[(grade, sexes[0])]] = first
        values[grade_columns()[(grade, sexes[1])]] = n - first
    for (level, subject), col in onet_columns().items():
        pupils = sum(values[grade_columns()[(level, s)]] or 0 for s in sexes)
        if pupils:
            values[col] = round(min(95.0, max(5.0, rng.gauss(ONET_MEANS.get((level, subject), 40), 7))), 2)
    return Row(ACADEMIC, school, code, name, YEAR, values)


def clean_budget(rng: random.Random, school: School | None, prof: Profile, code: str, name: str) -> list[Row]:
    """One row per category: received per pupil (or a lump sum for `other`, in some schools only), spent
    55-100% of it; uniforms are paid out in full."""
    rows = []
    for cat in list_keys("budget_categories"):
        if cat not in RATES and rng.random() < 0.4:
            continue
        lo, hi = RATES.get(cat, (0, 0))
        received = round(prof.students * rng.uniform(lo, hi)) if cat in RATES else rng.randrange(5_000, 90_000, 500)
        if rng.random() < 0.25:
            received += 0.5
        spent = received if cat == "uniforms" or rng.random() < 0.1 else round(received * rng.uniform(0.55, 0.99), 2)
        rows.append(Row(BUDGET, school, code, name, FISCAL_YEAR,
                        {"category": cat, "received_baht": received, "spent_baht": spent}))
    return rows


def clean_personnel(rng: random.Random, school: School | None, prof: Profile, code: str, name: str) -> Row:
    """In post as in the profile; vacancies mostly none, the director's post vacant when nobody holds it;
    a few vacancy cells of minor posts left blank."""
    subs = list_keys("personnel_counts")
    values: dict[str, Any] = {}
    for (pos, sub), col in count_columns().items():
        if sub == subs[0]:
            values[col] = prof.staff[pos]
        elif pos == "director":
            values[col] = 1 - prof.staff[pos]
        elif pos == "teacher":
            values[col] = rng.choice((0, 0, 0, 1, 1, 2))
        else:
            values[col] = None if pos in ("gov_employee", "staff") and rng.random() < 0.4 else 0
    return Row(PERSONNEL, school, code, name, YEAR, values)


def clean_general(rng: random.Random, school: School | None, prof: Profile, code: str, name: str) -> Row:
    """Buildings, their condition, computers, internet (a speed only where there is a line), electricity
    and the distance to the office."""
    internet = rng.random() < 0.95
    values = {
        "buildings": max(1, min(6, prof.students // 150 + rng.randint(1, 2))),
        "building_condition": rng.choices(list_keys("building_conditions"), (0.5, 0.35, 0.15))[0],
        "computers_teaching": max(0, prof.students // rng.randint(6, 15) + rng.randint(-2, 5)),
        "computers_admin": rng.randint(1, 8),
        "internet": internet,
        "internet_mbps": rng.choice((30, 50, 100, 100, 200, 300, 500, 1000)) if internet else None,
        "electricity": rng.random() < 0.99,
        "distance_km": round(rng.uniform(2, 95), 1),
    }
    return Row(GENERAL, school, code, name, YEAR, values)


def citizen_id(rng: random.Random, used: set[str]) -> str:
    """A new 13-digit Thai citizen ID with its mod-11 check digit (python-stdnum's)."""
    while True:
        first12 = rng.choice("1111133358") + "".join(rng.choice("0123456789") for _ in range(11))
        number = first12 + pin.calc_check_digit(first12)
        if number not in used:
            used.add(number)
            return number


def person_name(rng: random.Random, used: set[tuple[str, str]]) -> tuple[str, str]:
    """(given name, surname) not used before in the sample, with the title it is written with."""
    while True:
        man = rng.random() < 0.45
        given, surname = rng.choice(MEN if man else WOMEN), rng.choice(SURNAMES)
        if (given, surname) not in used:
            used.add((given, surname))
            title = rng.choice(("นาย", "นาย", "ว่าที่ร้อยตรี")) if man else rng.choice(("นาง", "นางสาว"))
            return title + given, surname


def roster(rng: random.Random, school: School | None, prof: Profile, code: str, names: set, ids: set) -> list[Row]:
    """The staff in post, one row each, director first: name as written, citizen ID, position."""
    rows = []
    for pos in list_keys("positions"):
        for _ in range(prof.staff[pos]):
            given, surname = person_name(rng, names)
            full = given + rng.choice((" ", " ", "  ")) + surname
            rows.append(Row(STAFF, school, code, None, YEAR,
                            {"full_name": full, "citizen_id": citizen_id(rng, ids), "position": pos},
                            id_form=rng.choices(list(ID_FORMS), list(ID_FORMS.values()))[0]))
    return rows


# --- faults: each changes only what its rule needs (the oracle checks that the row breaks that rule alone) --

def negative_grade(rng: random.Random, row: Row) -> None:
    """ACAD-01: a count typed with a minus; the other sex of that grade takes the difference, so the sum
    (ACAD-02) does not move."""
    sexes = list_keys("sexes")
    grade = rng.choice([g for (g, s), c in grade_columns().items() if s == sexes[0] and (row.values[c] or 0) > 0])
    a, b = grade_columns()[(grade, sexes[0])], grade_columns()[(grade, sexes[1])]
    n = row.values[a]
    row.values[a], row.values[b] = -n, row.values[b] + 2 * n


def _grade_sizes(row: Row) -> dict[str, int]:
    """Pupils per taught grade (both sexes)."""
    out: dict[str, int] = {}
    for (grade, _), col in grade_columns().items():
        if row.values[col] is not None:
            out[grade] = out.get(grade, 0) + row.values[col]
    return out


def students_over(rng: random.Random, row: Row) -> None:
    """ACAD-02 (flag): 8-20% more pupils than the register (pupils who moved in after the data day), at
    least 2: always past 5%, since a clean sheet is within 3%."""
    reg = row.school.students
    sizes = _grade_sizes(row)
    target = reg + max(2, round(reg * rng.uniform(0.08, 0.2)))
    col = grade_columns()[(max(sizes, key=sizes.get), list_keys("sexes")[1])]
    row.values[col] += target - sum(sizes.values())


def forgettable(row: Row) -> bool:
    """Whether leaving out the biggest grade takes the sheet past ACAD-02's 5% for sure: that grade holds at
    least 10% of the pupils counted, and a clean sheet is within 3% of the register."""
    sizes = _grade_sizes(row)
    return bool(row.school and row.school.students > 0 and max(sizes.values()) >= 0.1 * sum(sizes.values()))


def grade_forgotten(rng: random.Random, row: Row) -> None:
    """ACAD-02 (flag): the biggest grade left blank (the teacher of that grade had not sent the numbers)."""
    sizes = _grade_sizes(row)
    big = max(sizes, key=sizes.get)
    for s in list_keys("sexes"):
        row.values[grade_columns()[(big, s)]] = None


def onet_over(score: float):
    """ACAD-03: an O-NET mean above 100 (a total typed for a mean, a slipped decimal point)."""
    def apply(rng: random.Random, row: Row) -> None:
        row.values[rng.choice([c for c in onet_columns().values() if row.values[c] is not None])] = score
    return apply


def negative_spent(rng: random.Random, row: Row) -> None:
    """BUD-01: money returned written as a negative amount spent."""
    row.values["spent_baht"] = -round(row.values["received_baht"] * rng.uniform(0.01, 0.05), 2)


def unknown_category(rng: random.Random, row: Row) -> None:
    """BUD-01: a category the contract's list does not have (lunch money)."""
    row.values["category"] = UNKNOWN_CATEGORY


def overspent(rng: random.Random, row: Row) -> None:
    """BUD-02: more spent than received (this year's and last year's carried-over money added up)."""
    row.values["spent_baht"] = round(row.values["received_baht"] * rng.uniform(1.05, 1.3), 2)


def negative_vacancy(rng: random.Random, row: Row) -> None:
    """PER-01: a shortage written as a negative vacancy (-1: one post short); PER-03 does not count it."""
    subs = list_keys("personnel_counts")
    row.values[count_columns()[(rng.choice(("deputy", "teacher")), subs[1])]] = -1


def negative_distance(rng: random.Random, row: Row) -> None:
    """GEN-01: a distance with a stray minus sign."""
    row.values["distance_km"] = -row.values["distance_km"]


def negative_computers(rng: random.Random, row: Row) -> None:
    """GEN-01: broken computers subtracted into a negative count."""
    row.values["computers_admin"] = -rng.randint(1, 3)


def condition_off(text: str):
    """GEN-02: a building condition not in the list."""
    def apply(rng: random.Random, row: Row) -> None:
        row.values["building_condition"] = text
    return apply


def wrong_check_digit(rng: random.Random, row: Row) -> None:
    """PER-02: one digit mistyped: the last digit no longer matches the other twelve."""
    number = row.values["citizen_id"]
    row.values["citizen_id"] = number[:12] + str((int(number[12]) + rng.randint(1, 9)) % 10)


# --- the oracle ------------------------------------------------------------------------------------------

def _register_students(row: Row) -> int | None:
    """The register's students_total for register-based rules; None for a school it does not know."""
    return row.school.students if row.school else None


def row_faults(row: Row) -> set[str]:
    """Every rule a row breaks, from its logical values and the register."""
    f: set[str] = set()
    v, students = row.values, _register_students(row)
    if row.school is None:
        f.add("REF-01")
    if row.table == ACADEMIC:
        if any(v[c] is not None and v[c] < between(ACADEMIC, "ACAD-01", c)[0] for c in grade_columns().values()):
            f.add("ACAD-01")
        counted = sum(v[c] or 0 for c in grade_columns().values())
        if students is not None and students > 0 and \
                abs(counted - students) / students > between(ACADEMIC, "ACAD-02", "students_vs_register")[1]:
            f.add("ACAD-02")
        for c in onet_columns().values():
            lo, hi = between(ACADEMIC, "ACAD-03", c)
            if v[c] is not None and not lo <= v[c] <= hi:
                f.add("ACAD-03")
    elif row.table == BUDGET:
        if any(v[c] is not None and v[c] < between(BUDGET, "BUD-01", c)[0] for c in ("received_baht", "spent_baht")) \
                or v["category"] not in in_set(BUDGET, "BUD-01", "category"):
            f.add("BUD-01")
        if None not in (v["received_baht"], v["spent_baht"]) and v["spent_baht"] > v["received_baht"]:
            f.add("BUD-02")
    elif row.table == PERSONNEL:
        if any(v[c] is not None and v[c] < between(PERSONNEL, "PER-01", c)[0] for c in count_columns().values()):
            f.add("PER-01")
        teachers = sum(v[c] or 0 for c in per03_columns())
        if students is not None and teachers > 0 and \
                students / teachers > between(PERSONNEL, "PER-03", "students_per_teacher")[1]:
            f.add("PER-03")
    elif row.table == GENERAL:
        judged = between_columns(GENERAL, "GEN-01")
        if any(v[c] is not None and v[c] < between(GENERAL, "GEN-01", c)[0] for c in judged):
            f.add("GEN-01")
        if v["building_condition"] not in in_set(GENERAL, "GEN-02", "building_condition"):
            f.add("GEN-02")
    elif row.table == STAFF and not pin.is_valid(v["citizen_id"]):
        f.add("PER-02")
    return f
