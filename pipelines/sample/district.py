"""Seeded sample district: landing files one ESAO would really receive, plus their exact ground truth.

`generate(root)` writes a school register, the 2568 DLTV allocation register and the DLTV equipment
surveys of fiscal years 2568 and 2569 into `root/landing/`, in the shapes schools really send (title
rows, merged two-row headers, Thai digits, codes stored as numbers, cp874 CSV, re-submissions, broken
files), and writes `root/sample/expected.json`: how many rows of each file must end valid, flagged,
quarantined or superseded, and how many rows break each rule. Every injected fault breaks exactly one
rule, and a small oracle below re-derives each row's rules from its logical values and asserts that it
matches what was injected, so the counts are exact by construction.

Headers, aliases, coded lists and rule thresholds come from `warehouse.contracts`; nothing here retypes
a contract header. The same seed and size give byte-identical files (fixed workbook timestamps, fixed
mtimes, one `random.Random(seed)` consumed in a fixed order, no iteration over sets of strings).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any, Callable

import xlsxwriter

from warehouse import contracts
from warehouse.contracts import Column, ListItem

from . import names as N

CREATED = datetime(2026, 3, 1, 9, 0, 0)  # workbook "created" property: fixed for byte-identical output
ARRIVAL_START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))
ARRIVAL_STEP = timedelta(minutes=17)
LATEST_SURVEY = date(2026, 2, 27)  # no generated survey date is later: "not in the future" holds today
MIN_SCHOOLS = 150
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ZWSP, NBSP = "\u200b", "\u00a0"
EXCEL_EPOCH = date(1899, 12, 30)
PRICE_RANGES = {"dish": (2500, 3500), "lnb": (400, 600), "receiver": (1500, 2500), "tv": (8000, 12000)}
EQUIPMENT, SCHOOLS, ALLOCATION = "dltv_equipment", "schools", "dltv_allocation"
# Cell forms and their weights at full noise; the first rows of the big files get each form once.
DATE_FORMS = {"excel": 1.0, "slash": 0.5, "iso": 0.2, "abbr": 0.35, "full2": 0.25, "serial": 0.08, "thai": 0.05}
CODE_FORMS = {"s": 1.0, "n": 0.5, "apos": 0.2, "space": 0.15, "inner": 0.05, "thai": 0.05, "zwsp": 0.12, "nbsp": 0.05}
INVISIBLE = ("zwsp", "nbsp")  # not encodable in cp874, so never in the CSV
Cell = tuple[str, Any] | None  # ("n", number) | ("s", text) | ("d", date) | None = blank cell


# ----------------------------------------------------------------------------------------------
# What the contracts say (read once; everything else derives from these)


def _contract(table: str) -> contracts.Contract:
    """A table contract; the only source of headers and rules."""
    return contracts.get(table)


def _items() -> tuple[ListItem, ...]:
    """DLTV items (dish, lnb, receiver, tv) with their Thai names and aliases."""
    return contracts.lists()["dltv_items"]


def _item_keys() -> list[str]:
    """Item keys in contract order; column names and allocation keys are built from these."""
    return [i.key for i in _items()]


@cache
def _group_cols() -> dict[tuple[str, str], Column]:
    """(item, sub) -> flat count column, as the contract expands the merged two-row header."""
    return {(c.group.key, c.sub.key): c for c in _contract(EQUIPMENT).columns if c.group and c.sub}


def _count(item: str, sub: str) -> str:
    """Flat column name of one item's sub-column, e.g. ('tv', 'broken') -> 'tv_broken'."""
    return _group_cols()[(item, sub)].name


def _between(table: str, rule_id: str) -> list[dict[str, Any]]:
    """The `be_between` expectations of a rule, so thresholds are read, not restated."""
    return [
        e
        for chk in _contract(table).checks
        if chk.rule_id == rule_id
        for e in chk.expectations
        if e["type"] == "expect_column_values_to_be_between"
    ]


@cache
def _size_bounds() -> list[tuple[str, float, float]]:
    """(size key, min, max) per size class from SCH-04, in the contract's list order."""
    out = []
    for e in _between(SCHOOLS, "SCH-04"):
        m = re.search(r'"(.+)"', e.get("row_condition") or "")
        if m:
            out.append((m.group(1), e.get("min_value", float("-inf")), e.get("max_value", float("inf"))))
    return out


def _size_for(students: int) -> str:
    """The size label that matches a student count (SCH-04 holds)."""
    return next(k for k, lo, hi in _size_bounds() if lo <= students <= hi)


@cache
def _thailand_box() -> dict[str, tuple[float, float]]:
    """SCH-05's lat/lon ranges."""
    return {e["column"]: (e["min_value"], e["max_value"]) for e in _between(SCHOOLS, "SCH-05")}


@cache
def _dltv03_limits() -> tuple[dict[str, int], list[str], tuple[int, int]]:
    """DLTV-03 read from the contract: per-school total caps, per-classroom items, classroom range."""
    by_name = {c.name: c for c in _group_cols().values()}
    caps, per_room, rooms = {}, [], (0, 99)
    for chk in _contract(EQUIPMENT).checks:
        if chk.rule_id != "DLTV-03":
            continue
        for e in chk.expectations:
            if e["type"] == "expect_column_values_to_be_between" and e["column"] in by_name:
                caps[by_name[e["column"]].group.key] = e["max_value"]
            elif e["type"] == "expect_column_values_to_be_between":
                rooms = (e["min_value"], e["max_value"])
            elif e["type"] == "expect_column_pair_values_a_to_be_greater_than_b":
                per_room += [k for k in _item_keys() if e["column_B"].startswith(k + "_")]
    return caps, per_room, rooms


def _severity(rule_id: str) -> str:
    """quarantine or flag, from the parse rules or whichever contract declares the rule."""
    if rule_id in contracts.parse_rules():
        return contracts.parse_rules()[rule_id].severity
    for c in contracts.contracts().values():
        if rule_id in c.rule_ids:
            return c.rule(rule_id).severity
    raise KeyError(rule_id)


def _table_rules(table: str) -> list[str]:
    """Every rule a row of this table can break: its contract rules plus the parse-level ones."""
    return _contract(table).rule_ids + [r for r in contracts.parse_rules() if r not in _contract(table).rule_ids]


def _fiscal_year(d: date) -> int:
    """Thai fiscal year (BE) of a date: FY 2569 = 1 Oct 2025 - 30 Sep 2026."""
    return d.year + 543 + (1 if d.month >= 10 else 0)


# ----------------------------------------------------------------------------------------------
# Logical rows (what the data means) - rendering into cells happens only when a file is written


@dataclass(eq=False)
class School:
    """One register row as the office means it (cell forms are chosen only when written)."""

    code: str
    smis: str | None
    name: str
    district: str
    subdistrict: str
    students: int
    size: str
    lat: float
    lon: float
    is_dltv: bool
    classrooms: int
    intended: frozenset[str] = frozenset()
    extra: bool = False  # a quarantined register row that no survey references
    code_form: str | None = None  # forced cell form of the code (else drawn at random)

    @property
    def eligible(self) -> bool:
        """DLTV-04/COV-01 eligibility: follows students_total and is_dltv_school, never the size label."""
        return self.students <= 120 or self.is_dltv


@dataclass(eq=False)
class Alloc:
    """One allocation row: school, item, quantity, unit price, funding source."""

    school: School | None
    code: str
    item: str  # an item key, or the Thai name of something that is not a DLTV item (ALLOC-01)
    quantity: int
    price: float
    source: str
    fiscal_year: int = 2568
    qty_dash: bool = False  # quantity written "-" (means zero)
    intended: frozenset[str] = frozenset()


@dataclass(eq=False)
class Survey:
    """One DLTV equipment row, with the faults injected into it (blank, unreadable, CE-year cells)."""

    fiscal_year: int
    school: School | None  # None: the code is not in the register (REF-01)
    code: str  # as the school wrote it: 10-digit code, 8-digit SMIS, or an unknown code
    name: str
    classrooms: int | None
    counts: dict[str, int]
    survey_date: date
    reporter: str
    phone: str
    unreadable: dict[str, str] = field(default_factory=dict)  # column -> text written instead (FMT-01)
    blank: set[str] = field(default_factory=set)  # required cells left empty (REQ-01)
    ce_form: str | None = None  # date written with a CE year in this form (FMT-02)
    intended: frozenset[str] = frozenset()
    remark: str | None = None
    date_form: str | None = None  # forced cell forms (else drawn at random)
    code_form: str | None = None

    def value(self, col: str) -> int | None:
        """The value the warehouse will read: None where the cell is blank or unreadable."""
        if col in self.blank or col in self.unreadable:
            return None
        return self.classrooms if col == "dltv_classrooms" else self.counts[col]

    @property
    def resolved_code(self) -> str:
        """The register code the row resolves to (SMIS looked up), or the unknown code as written."""
        return self.school.code if self.school else self.code


@dataclass
class LandingFile:
    """A file dropped in the landing zone: its path, table, logical rows, and any per-file error."""

    rel: str
    table: str
    rows: list
    error: str | None = None
    error_column: str | None = None


# ----------------------------------------------------------------------------------------------
# The district: schools, codes, people


class _Codes:
    """Unique school codes (`1040` + 6 digits, OBEC 10 + Khon Kaen 40) and SMIS codes from one seed."""

    def __init__(self, rng: random.Random, n: int):
        self._codes = iter(rng.sample(range(10**6), n + 60))
        self._smis = iter(rng.sample(range(10**6), n + 60))
        self._smis0 = iter(rng.sample(range(10**7), n + 60))

    def code(self) -> str:
        return f"1040{next(self._codes):06d}"

    def smis(self, leading_zero: bool = False) -> str:
        return f"0{next(self._smis0):07d}" if leading_zero else f"40{next(self._smis):06d}"


def _students(rng: random.Random) -> int:
    """About half the schools small (<= 120), most of the rest medium, a few large and extra large."""
    u = rng.random()
    if u < 0.5:
        return rng.randint(18, 120)
    if u < 0.88:
        return int(121 + 479 * rng.random() ** 2)
    if u < 0.97:
        return rng.randint(601, 1500)
    return rng.randint(1501, 2600)


def _school_name(rng: random.Random, district: str, students: int, used: set[str]) -> str:
    """A unique, real-sounding school name: โรงเรียนบ้าน<village>[suffix], or อนุบาล<amphoe> for a big one."""
    if students > 600 and f"โรงเรียนอนุบาล{district}" not in used:
        name = f"โรงเรียนอนุบาล{district}"
    else:
        while True:
            base = "โรงเรียนบ้าน" + rng.choice(N.VILLAGE_HEADS) + rng.choice(N.VILLAGE_TAILS)
            name = next((base + s for s in N.SCHOOL_SUFFIXES if base + s not in used), "")
            if name:
                break
    used.add(name)
    return name


def _make_schools(rng: random.Random, n: int, codes: _Codes) -> list[School]:
    """The real schools of the district (all end valid or flagged in the register)."""
    used: set[str] = set()
    districts = list(N.DISTRICTS)
    out = []
    for _ in range(n):
        students = _students(rng)
        is_dltv = (students <= 120 and rng.random() < 0.9) or (students <= 250 and rng.random() < 0.3)
        district = rng.choice(districts)
        lat0, lon0, tambons = N.DISTRICTS[district]
        rooms = min(8, max(1, students // 15 + rng.randint(0, 2))) if students <= 120 else rng.randint(6, 12)
        out.append(
            School(
                code=codes.code(),
                smis=None if rng.random() < 0.01 else codes.smis(leading_zero=rng.random() < 0.05),
                name=_school_name(rng, district, students, used),
                district=district,
                subdistrict=rng.choice(tambons),
                students=students,
                size=_size_for(students),
                lat=round(lat0 + rng.gauss(0, 0.05), 6),
                lon=round(lon0 + rng.gauss(0, 0.05), 6),
                is_dltv=is_dltv,
                classrooms=rooms if (students <= 120 or is_dltv) else 0,
            )
        )
    return out


def _inject_register_flags(rng: random.Random, schools: list[School]) -> None:
    """SCH-03/04/05 on real schools: flagged, so they stay in the register and surveys may use them."""
    small, medium, large = (k for k, _, _ in _size_bounds()[:3])
    picks = rng.sample(schools, 8)
    for s in picks[0:2]:  # negative count with label เล็ก: passes SCH-04 (no minimum for เล็ก)
        s.students, s.size, s.is_dltv, s.classrooms = -rng.randint(5, 95), small, True, rng.randint(2, 6)
        s.intended = frozenset({"SCH-03"})
    wrong = [(rng.randint(60, 110), medium, True), (450, small, False), (320, large, False)]
    for s, (students, size, dltv) in zip(picks[2:5], wrong):
        s.students, s.size, s.is_dltv = students, size, dltv
        s.classrooms = rng.randint(2, 6) if (students <= 120 or dltv) else 0
        s.intended = frozenset({"SCH-04"})
    for s in picks[5:7]:  # lat and lon typed into each other's column
        s.lat, s.lon = s.lon, s.lat
        s.intended = frozenset({"SCH-05"})
    picks[7].lon = round(picks[7].lon * 10, 5)  # decimal point lost
    picks[7].intended = frozenset({"SCH-05"})


def _register_extras(rng: random.Random, codes: _Codes) -> list[School]:
    """Quarantined register rows (SCH-01, SCH-02): extra, non-eligible schools no survey references."""
    used: set[str] = set()

    def extra(code: str, smis: str, rule: str) -> School:
        district = rng.choice(list(N.DISTRICTS))
        lat0, lon0, tambons = N.DISTRICTS[district]
        students = rng.randint(250, 500)
        return School(code, smis, _school_name(rng, district, students, used), district, rng.choice(tambons),
                      students, _size_for(students), round(lat0 + rng.gauss(0, 0.05), 6),
                      round(lon0 + rng.gauss(0, 0.05), 6), False, 0, frozenset({rule}), extra=True)

    dup_code, dup_smis = codes.code(), codes.smis()
    return [
        extra("20" + codes.code()[2:], codes.smis(), "SCH-01"),  # wrong prefix
        extra(codes.code() + str(rng.randint(0, 9)), codes.smis(), "SCH-01"),  # 11 digits
        extra(dup_code, codes.smis(), "SCH-01"),  # same code twice in the file: both rows
        extra(dup_code, codes.smis(), "SCH-01"),
        extra(codes.code(), dup_smis, "SCH-02"),  # same SMIS twice: both rows
        extra(codes.code(), dup_smis, "SCH-02"),
        extra(codes.code(), codes.smis() + str(rng.randint(0, 9)), "SCH-02"),  # 9-digit SMIS
    ]


def _register_rows(rng: random.Random, schools: list[School], extras: list[School]) -> list[School]:
    """Register order: by amphoe and tambon as offices sort them, extras scattered in between."""
    rows = sorted(schools, key=lambda s: (s.district, s.subdistrict, s.code))
    for s, form in zip(rows, CODE_FORMS):
        s.code_form = form
    for e in extras:
        rows.insert(rng.randint(1, len(rows) - 1), e)
    return rows


def _person(rng: random.Random) -> str:
    """A reporter's name with title (personal data: never leaves the warehouse)."""
    if rng.random() < 0.5:
        return f"นาย{rng.choice(N.MEN)} {rng.choice(N.SURNAMES)}"
    return f"{rng.choice(('นาง', 'นางสาว'))}{rng.choice(N.WOMEN)} {rng.choice(N.SURNAMES)}"


def _phone(rng: random.Random) -> str:
    """A Thai mobile number (10 digits, leading 0), so number storage visibly loses the 0."""
    return rng.choice(("08", "09", "06")) + f"{rng.randint(0, 99_999_999):08d}"


# ----------------------------------------------------------------------------------------------
# Allocation register 2568


def _plan_allocations(rng: random.Random, schools: list[School], codes: _Codes):
    """Valid 2568 allocations (feeding DLTV-05), three DLTV-05 targets, and the broken rows.

    Returns (rows, targets) where targets is [(school, [item, ...])] whose 2569 rows will request a
    replacement of exactly the allocated items.
    """
    keys = _item_keys()
    assert set(PRICE_RANGES) == set(keys), "unit price ranges must cover the contract's DLTV items"
    pool = [s for s in schools if s.eligible and not s.intended]
    k = max(10, len(pool) // 10)
    chosen = rng.sample(pool, k + 5)
    targets = [(chosen[0], rng.sample(keys, 2)), (chosen[1], [rng.choice(keys)]), (chosen[2], [rng.choice(keys)])]
    plan = targets + [(s, rng.sample(keys, rng.choice((1, 1, 2)))) for s in chosen[3:k]]
    sources = [s.key for s in contracts.lists()["allocation_sources"]]

    def row(school: School | None, code: str, item: str, rule: str | None = None, **kw) -> Alloc:
        qty = 1 if item == "dish" else rng.randint(1, 3)
        price = _unit_price(rng, item if item in PRICE_RANGES else "tv")  # a projector costs like a TV
        source = sources[0] if rng.random() < 0.8 else sources[1]
        return Alloc(school, code, item, qty, price, source, intended=frozenset({rule} if rule else ()), **kw)

    rows = [row(s, s.code, item) for s, items in sorted(plan, key=lambda p: p[0].code) for item in items]
    faulty = chosen[k:k + 5]
    zero_qty, zero_price, dash_qty = (row(s, s.code, rng.choice(keys), "ALLOC-02") for s in faulty[2:5])
    zero_qty.quantity = dash_qty.quantity = 0
    zero_price.price = 0.0
    dash_qty.qty_dash = True  # quantity written "-", which means zero
    broken = [
        row(None, codes.code(), rng.choice(keys), "REF-01"),
        row(None, codes.code(), rng.choice(keys), "REF-01"),
        row(faulty[0], faulty[0].code, N.NOT_DLTV_ITEMS[0], "ALLOC-01"),
        row(faulty[1], faulty[1].code, N.NOT_DLTV_ITEMS[1], "ALLOC-01"),
        zero_qty, zero_price, dash_qty,
    ]
    for r in broken:
        rows.insert(rng.randint(1, len(rows) - 1), r)
    return rows, targets


def _unit_price(rng: random.Random, item: str) -> float:
    """Realistic latest unit price in baht, rounded to 10 baht."""
    lo, hi = PRICE_RANGES[item]
    return float(round(rng.uniform(lo, hi) / 10) * 10)


# ----------------------------------------------------------------------------------------------
# Equipment surveys: clean rows and single-rule faults


def _item_counts(rng: random.Random, item: str, rooms: int, allow_replace: bool) -> dict[str, int]:
    """One item's five counts satisfying DLTV-01..03 (and DLTV-05 when replacement is not allowed)."""
    caps, per_room, _ = _dltv03_limits()
    if item in caps:  # per-school items: the usual DLTV set is one dish and two LNBs
        usual = min(caps[item], 2 if item == "lnb" else 1)
        total = rng.randint(1, caps[item]) if rng.random() < 0.4 else usual
        broken = min(total, rng.choice((0, 0, 0, 1)))
        working, room = total - broken, broken
    else:  # per-classroom items: TV, receiver
        working = rng.randint(max(0, rooms - 2), rooms)
        broken = rng.choice((0, 0, 0, 1, 1, 2))
        total, room = working + broken, min(broken, rooms - working)
    replace = rng.randint(0, room) if allow_replace else 0
    repair = rng.randint(0, broken - replace)
    subs = (("total", total), ("working", working), ("broken", broken),
            ("request_replace", replace), ("request_repair", repair))
    return {_count(item, s): v for s, v in subs}


def _survey_date(rng: random.Random, fy: int) -> date:
    """A plausible survey date well inside the fiscal year (November to late January)."""
    start = date(fy - 544, 11, 3)
    return start + timedelta(days=rng.randint(0, 88))


def _school_label(rng: random.Random, name: str) -> str:
    """School name as schools write it: full, without โรงเรียน, or abbreviated รร."""
    u = rng.random()
    short = name.removeprefix("โรงเรียน")
    return name if u < 0.7 else (short if u < 0.85 else "รร." + short)


def _survey(rng, school: School | None, fy: int, no_replace: set, *, code: str | None = None,
            rooms: int | None = None, when: date | None = None, name: str | None = None) -> Survey:
    """A clean survey row for a school (or for an unknown code when school is None)."""
    rooms = rooms if rooms is not None else (school.classrooms if school else rng.randint(2, 6))
    counts: dict[str, int] = {}
    for item in _item_keys():
        allowed = school is None or (school.code, item) not in no_replace
        counts.update(_item_counts(rng, item, rooms, allowed))
    return Survey(fy, school, code or school.code, name or _school_label(rng, school.name), rooms, counts,
                  when or _survey_date(rng, fy), _person(rng), _phone(rng))


def _set_item(row: Survey, item: str, **values: int) -> None:
    """Overwrite some sub-columns of one item, e.g. _set_item(row, 'tv', working=3)."""
    for sub, v in values.items():
        row.counts[_count(item, sub)] = v


def _get(row: Survey, item: str, sub: str) -> int:
    """One sub-column of one item, e.g. _get(row, 'tv', 'working')."""
    return row.counts[_count(item, sub)]


def _request_replacement(row: Survey, item: str) -> None:
    """Make a clean row ask for one replacement of `item` while keeping DLTV-01..03."""
    caps, _, _ = _dltv03_limits()
    broken = max(1, _get(row, item, "broken"))
    limit = caps.get(item, row.classrooms)  # dish/LNB: total cap; TV/receiver: working + replace <= rooms
    working = max(0, min(_get(row, item, "working"), limit - broken if item in caps else limit - 1))
    _set_item(row, item, total=working + broken, working=working, broken=broken, request_replace=1,
              request_repair=0)


def _dltv01_total(row: Survey) -> None:
    """DLTV-01: TV total one more than working + broken."""
    _set_item(row, "tv", total=_get(row, "tv", "working") + _get(row, "tv", "broken") + 1)


def _dltv01_negative(row: Survey) -> None:
    """DLTV-01: a negative count (repair -1 keeps replace + repair <= broken)."""
    _set_item(row, "receiver", request_repair=-1)


def _dltv01_two_items(row: Survey) -> None:
    """DLTV-01 on two items in one row: still one row for the rule."""
    _set_item(row, "lnb", total=_get(row, "lnb", "total") - 1)
    _set_item(row, "receiver", total=_get(row, "receiver", "total") + 2)


def _dltv02(item: str) -> Callable[[Survey], None]:
    """DLTV-02: replace + repair one more than broken."""
    def apply(row: Survey) -> None:
        broken = max(1, _get(row, item, "broken"))
        working = _get(row, item, "working")
        _set_item(row, item, broken=broken, total=working + broken, request_replace=0, request_repair=broken + 1)
    return apply


def _dltv03_tv(row: Survey) -> None:
    """DLTV-03: more working TVs than DLTV classrooms."""
    w = row.classrooms + 1
    _set_item(row, "tv", total=w, working=w, broken=0, request_replace=0, request_repair=0)


def _dltv03_cap(item: str, over: int) -> Callable[[Survey], None]:
    """DLTV-03: a per-school total above its cap (a dish total of 3, an LNB total of 5)."""
    def apply(row: Survey) -> None:
        t = _dltv03_limits()[0][item] + over
        _set_item(row, item, total=t, working=t, broken=0, request_replace=0, request_repair=0)
    return apply


def _survey_faults(row: Survey, allocated: set[tuple[str, str, int]]) -> set[str]:
    """The oracle: every rule a survey row breaks, from its logical values (DLTV-06 is per file)."""
    caps, per_room, (lo_rooms, hi_rooms) = _dltv03_limits()
    f: set[str] = set()
    if row.unreadable:
        f.add("FMT-01")
    if row.blank:
        f.add("REQ-01")
    if row.ce_form:
        f.add("FMT-02")
    rooms = row.value("dltv_classrooms")
    for item in _item_keys():
        t, w, b, r, p = (row.value(_count(item, s)) for s in
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
    if _fiscal_year(row.survey_date) != row.fiscal_year or row.survey_date > LATEST_SURVEY:
        f.add("DLTV-07")
    return f


def _plan_2568(rng: random.Random, schools: list[School], no_replace: set) -> list[Survey]:
    """FY 2568: one district-wide workbook, ~95% of eligible schools, one DLTV-07 and one FMT-02 row."""
    rows = [_survey(rng, s, 2568, no_replace) for s in schools if s.eligible and rng.random() < 0.95]
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


def _plan_2569(rng, schools: list[School], no_replace: set, targets, codes: _Codes) -> Plan2569:
    """FY 2569: who is in which file, which rows carry which single fault, and who never reports."""
    fy = 2569
    reserved = [s for s, _ in targets]
    alloc_codes = {code for code, _ in no_replace}
    eligible = [s for s in schools if s.eligible and s not in reserved]
    rng.shuffle(eligible)
    m = max(2, round(0.05 * (len(eligible) + len(reserved))))
    missing, cluster_schools, singles_schools = eligible[:m], eligible[m:m + 9], eligible[m + 9:m + 13]
    rest = eligible[m + 13:] + reserved
    rows = {s.code: _survey(rng, s, fy, no_replace) for s in rest}
    plain = iter([s for s in rest if not s.intended and s.code not in alloc_codes and s not in reserved])

    def take(rule: str | None = None, mutate: Callable[[Survey], None] | None = None,
             need_smis: bool = False) -> Survey:
        """The next plain school's row, changed by `mutate` so that it breaks exactly `rule`."""
        s = next(p for p in plain if p.smis or not need_smis)
        if mutate:
            mutate(rows[s.code])
        rows[s.code].intended = frozenset({rule} if rule else ())
        return rows[s.code]

    for mutate in (_dltv01_total, _dltv01_negative, _dltv01_two_items):
        take("DLTV-01", mutate)
    for mutate in (_dltv02("tv"), _dltv02("receiver")):
        take("DLTV-02", mutate)
    for mutate in (_dltv03_tv, _dltv03_cap("dish", 1), _dltv03_cap("lnb", 1)):
        take("DLTV-03", mutate)
    for d in (date(2025, 9, 18), date(2025, 8, 29)):  # dated in FY 2568 on a FY 2569 row
        take("DLTV-07").survey_date = d
    for col, text in ((_count("tv", "total"), "ห้า"), (_count("dish", "working"), "abc")):
        take("FMT-01").unreadable[col] = text
    take("FMT-02").ce_form = "slash"
    take("REQ-01").blank.add(_count("tv", "broken"))
    for _ in range(3):  # written with the 8-digit SMIS code: resolves, valid
        r = take(need_smis=True)
        r.code = r.school.smis
    for s, items in targets:
        for item in items:
            _request_replacement(rows[s.code], item)
        rows[s.code].intended = frozenset({"DLTV-05"})
    dups = [take("DLTV-06") for _ in range(2)]
    resub_later = [take() for _ in range(2)]
    resub_same = take()

    order = sorted(rows.values(), key=lambda r: (r.school.district, r.school.subdistrict, r.school.code))
    extra = [_survey(rng, None, fy, no_replace, code=codes.code(), name=_school_label(rng, _fake_name(rng)))
             for _ in range(2)]
    not_eligible = [s for s in schools if not s.eligible and "SCH-04" in s.intended]
    not_eligible += [s for s in schools if not s.eligible and not s.intended][:2]
    extra += [_survey(rng, s, fy, no_replace, rooms=rng.randint(4, 10)) for s in not_eligible]
    for r in extra:
        r.intended = frozenset({"REF-01" if r.school is None else "DLTV-04"})
        order.insert(rng.randint(1, len(order) - 1), r)
    for d in dups:
        twin = _survey(rng, d.school, fy, no_replace)
        twin.intended = d.intended
        order.insert(rng.randint(order.index(d) + 1, len(order)), twin)
    clean = [r for r in order if not r.intended and r.code == r.resolved_code]
    for r, form in zip(clean, DATE_FORMS):
        r.date_form = form
    for r, form in zip(clean[len(DATE_FORMS):], CODE_FORMS):
        r.code_form = form

    resubmissions = []
    for r in resub_later:
        resubmissions.append(_survey(rng, r.school, fy, no_replace, when=date(2026, 2, rng.randint(2, 20))))
    resubmissions.append(_survey(rng, resub_same.school, fy, no_replace, when=resub_same.survey_date))

    return Plan2569(
        district=order,
        cluster=_plan_cluster(rng, cluster_schools, no_replace, codes),
        singles=_plan_singles(rng, singles_schools, no_replace),
        missing_column=_survey(rng, missing[0], fy, no_replace),
        not_a_workbook=_survey(rng, missing[1], fy, no_replace),
        resubmissions=resubmissions,
    )


def _fake_name(rng: random.Random) -> str:
    """A school name for an unknown code (REF-01): a school of another area, not in our register."""
    return "โรงเรียนบ้าน" + rng.choice(N.VILLAGE_HEADS) + rng.choice(N.VILLAGE_TAILS) + "พัฒนา"


def _plan_cluster(rng, schools: list[School], no_replace: set, codes: _Codes) -> list[Survey]:
    """A network cluster's cp874 CSV: 9 schools + 1 unknown code, with FMT-02, REQ-01 and a SMIS row."""
    rows = [_survey(rng, s, 2569, no_replace) for s in schools]
    rows[0].ce_form, rows[0].intended = "iso", frozenset({"FMT-02"})
    rows[1].blank.add(_count("lnb", "working"))
    rows[1].intended = frozenset({"REQ-01"})
    smis_row = next((r for r in rows[2:] if r.school.smis), None)
    if smis_row:
        smis_row.code = smis_row.school.smis
    unknown = _survey(rng, None, 2569, no_replace, code=codes.code(), name=_school_label(rng, _fake_name(rng)))
    unknown.intended = frozenset({"REF-01"})
    rows.insert(rng.randint(1, len(rows)), unknown)
    return rows


def _plan_singles(rng, schools: list[School], no_replace: set) -> list[Survey]:
    """Four one-school workbooks: two clean (Thai aliases, English), one FMT-01, one REQ-01."""
    rows = [_survey(rng, s, 2569, no_replace) for s in schools]
    rows[2].unreadable[_count("receiver", "broken")] = "ไม่ทราบ"
    rows[2].intended = frozenset({"FMT-01"})
    rows[3].blank.add("dltv_classrooms")
    rows[3].intended = frozenset({"REQ-01"})
    return rows


# ----------------------------------------------------------------------------------------------
# Cell forms: how one logical value is written, with the noise schools add


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    """A weighted choice over a small dict (dict order is deterministic)."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _code_cell(code: str, rng: random.Random, noise: float, invisible: bool = True,
               form: str | None = None) -> Cell:
    """A code as text, as a number, with a leading ', spaces, U+200B/NBSP or Thai digits."""
    if not code.isdigit() or code.startswith("0"):
        return ("s", code)
    weights = {k: w if k in ("s", "n") else w * noise * (invisible or k not in INVISIBLE)
               for k, w in CODE_FORMS.items()}
    form = form or _pick(rng, weights)
    return {
        "s": ("s", code), "n": ("n", int(code)), "apos": ("s", "'" + code), "space": ("s", f" {code}  "),
        "inner": ("s", f"{code[:4]} {code[4:]}"), "thai": ("s", code.translate(THAI_DIGITS)),
        "zwsp": ("s", code + ZWSP if rng.random() < 0.5 else code[:2] + ZWSP + code[2:]),
        "nbsp": ("s", NBSP + code),
    }[form]


def _int_cell(v: int | None, rng: random.Random, noise: float) -> Cell:
    """A count: a number, digits as text, Thai digits, or `-` for zero."""
    if v is None:
        return None
    if v < 0:
        return ("n", v)
    if v == 0 and rng.random() < 0.3 * noise:
        return ("s", "-")
    form = _pick(rng, {"n": 1.0, "s": 0.1 * noise, "thai": 0.08 * noise})
    return ("n", v) if form == "n" else ("s", str(v).translate(THAI_DIGITS) if form == "thai" else str(v))


def _year_cell(fy: int, rng: random.Random, noise: float) -> Cell:
    """A BE fiscal year: number, or text in Thai or Arabic digits."""
    form = _pick(rng, {"n": 1.0, "thai": 0.1 * noise, "s": 0.05 * noise})
    return ("n", fy) if form == "n" else ("s", str(fy).translate(THAI_DIGITS) if form == "thai" else str(fy))


def _date_cell(d: date, rng: random.Random, forms: dict[str, float], ce_form: str | None = None,
               form: str | None = None) -> Cell:
    """A date in one of contract section 1's forms; `ce_form` writes the CE year instead (FMT-02)."""
    form = ce_form or form or _pick(rng, forms)
    y = d.year if ce_form else d.year + 543
    if form == "excel":
        return ("d", d)
    if form == "serial":
        return ("n", (d - EXCEL_EPOCH).days)
    if form == "slash":
        return ("s", f"{d.day:02d}/{d.month:02d}/{y}" if rng.random() < 0.7 else f"{d.day}/{d.month}/{y}")
    if form == "iso":
        return ("s", f"{y}-{d.month:02d}-{d.day:02d}")
    if form == "abbr":
        return ("s", f"{d.day} {N.MONTHS_ABBR[d.month - 1]} {y}")
    if form == "full2":
        return ("s", f"{d.day} {N.MONTHS_FULL[d.month - 1]} {y % 100:02d}")
    if form == "thai":
        return ("s", f"{d.day} {N.MONTHS_ABBR[d.month - 1]} {y}".translate(THAI_DIGITS))
    raise ValueError(form)


def _phone_cell(phone: str, rng: random.Random, noise: float) -> Cell:
    """A mobile number: dashed, plain text, a number (leading 0 lost) or Thai digits."""
    form = _pick(rng, {"dash": 1.0, "s": 0.6, "n": 0.4 * noise, "thai": 0.05 * noise})
    return {"dash": ("s", f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"), "s": ("s", phone), "n": ("n", int(phone)),
            "thai": ("s", phone.translate(THAI_DIGITS))}[form]


def _cell_text(cell: Cell) -> str:
    """A cell as CSV text (CSV has no cell types)."""
    if cell is None:
        return ""
    kind, v = cell
    if kind == "n":
        return str(int(v)) if float(v).is_integer() else str(v)
    return str(v)


# ----------------------------------------------------------------------------------------------
# Headers: picked from the contract's th/aliases, with the noise schools add


def _ascii_alias(aliases: tuple[str, ...]) -> str:
    """An English header among the aliases, preferring the spaced form ('school code')."""
    english = [a for a in aliases if a.isascii()]
    return next((a for a in english if " " in a), english[0])


def _noise(text: str, kind: str) -> str:
    """One small spelling variant of a header: outer spaces, a doubled inner space, a `จำนวน` prefix."""
    if kind == "outer":
        return f"  {text} "
    if kind == "inner":
        return text.replace(" ", "  ", 1)
    if kind == "newline":
        return text.replace(" ", "\n", 1)
    if kind == "prefix":
        return text if text.startswith("จำนวน") else "จำนวน" + text
    return text


def _header(thing: Column | ListItem, rng: random.Random, alias_p: float = 0.0, noise_p: float = 0.0,
            english: bool = False) -> str:
    """A header for a column or item: its Thai name, sometimes a Thai alias, sometimes noisy."""
    if english:
        return _ascii_alias(thing.aliases)
    thai = [a for a in thing.aliases if not a.isascii()]
    text = rng.choice(thai) if thai and rng.random() < alias_p else thing.th
    if rng.random() < noise_p:
        kinds = ["outer"] + (["inner"] if " " in text else [])
        kinds += ["prefix"] if isinstance(thing, Column) and thing.type == "int" else []
        text = _noise(text, rng.choice(kinds))
    return text


@dataclass
class EquipmentHeaders:
    """Header text per plain column, per item (upper merged row) and per (item, sub) (lower row)."""

    columns: dict[str, str]
    items: dict[str, str]
    subs: dict[tuple[str, str], str]


def _equipment_headers(rng: random.Random, style: str) -> EquipmentHeaders:
    """Headers of one equipment file in a style: plain, count_prefix, noisy, aliases, english."""
    contract = _contract(EQUIPMENT)
    english = style == "english"
    alias_p = {"aliases": 1.0, "noisy": 0.2}.get(style, 0.0)
    noise_p = 0.3 if style == "noisy" else 0.0
    columns = {c.name: _header(c, rng, alias_p, noise_p, english) for c in contract.columns if not c.group}
    items = {i.key: _header(i, rng, alias_p, noise_p, english) for i in _items()}
    subs = {}
    for (item, sub), col in _group_cols().items():
        text = _header(col.sub, rng, alias_p, 0.0, english)
        subs[(item, sub)] = _noise(text, "prefix") if style == "count_prefix" else text
    if style == "noisy":  # make sure every variant appears in the district-wide workbook
        columns["dltv_classrooms"] = _noise(contract.column("dltv_classrooms").th, "newline")
        columns["school_code"] = _noise(contract.column("school_code").th, "outer")
        lnb = next(i for i in _items() if " " in i.th)
        items[lnb.key] = _noise(lnb.th, "inner")
    return EquipmentHeaders(columns, items, subs)


# ----------------------------------------------------------------------------------------------
# Writers


def _workbook(path: Path, title: str) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook with fixed properties, so the bytes depend only on the seed."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": title, "author": N.AREA, "company": N.AREA, "created": CREATED})
    return wb


class _Formats:
    """The few cell formats a district officer would use."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.title = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        self.header = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                     "text_wrap": True, "bg_color": "#DDEBF7"})
        self.date = wb.add_format({"num_format": "d/m/yyyy"})
        self.date_th = wb.add_format({"num_format": "[$-th-TH,107]d mmm yy"})


def _put(ws, r: int, c: int, cell: Cell, fmt: _Formats, rng: random.Random | None = None) -> None:
    """Write one cell with the xlsxwriter call of its type (never the type-guessing `write`)."""
    if cell is None:
        return
    kind, v = cell
    if kind == "n":
        ws.write_number(r, c, v)
    elif kind == "s":
        ws.write_string(r, c, v)
    else:
        style = fmt.date_th if rng is not None and rng.random() < 0.3 else fmt.date
        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), style)


def _data_rows(start: int, n: int, blanks: bool) -> list[int]:
    """Sheet row numbers for n data rows, skipping a blank row after the first and second third."""
    gaps = {n // 3, 2 * n // 3} if blanks and n >= 9 else set()
    out, r = [], start
    for i in range(n):
        if i in gaps:
            r += 1
        out.append(r)
        r += 1
    return out


def _write_register(path: Path, rows: list[School], rng: random.Random) -> None:
    """ทะเบียนสถานศึกษา: title rows, a running-number column, header, data with gaps, a notes row."""
    contract = _contract(SCHOOLS)
    columns = list(contract.columns)
    headers = [_header(c, rng, alias_p=0.3, noise_p=0.3) for c in columns]
    sizes = {i.key: i for i in contracts.lists()["size_classes"]}
    wb = _workbook(path, contract.th)
    fmt = _Formats(wb)
    ws = wb.add_worksheet("ทะเบียน")
    ws.merge_range(0, 0, 0, len(columns), f"{contract.th} {N.AREA}", fmt.title)
    ws.write_string(1, 0, "ข้อมูล ณ วันที่ 10 มิถุนายน 2569")
    ws.write_string(3, 0, "ที่", fmt.header)
    for c, h in enumerate(headers, start=1):
        ws.write_string(3, c, h, fmt.header)
    positions = _data_rows(4, len(rows), blanks=True)
    for i, (r, s) in enumerate(zip(positions, rows)):
        size = sizes[s.size]
        cells = {
            "school_code": ("s", s.code) if s.extra else _code_cell(s.code, rng, 1.0, form=s.code_form),
            "smis_code": _smis_cell(s, rng),
            "school_name": ("s", s.name),
            "district": ("s", s.district),
            "subdistrict": ("s", s.subdistrict),
            "province": ("s", N.PROVINCE),
            "students_total": _students_cell(s.students, rng),
            "size_class": ("s", rng.choice([a for a in size.aliases if not a.isascii()]) if rng.random() < 0.2
                           else size.th),
            "lat": ("n", s.lat) if rng.random() < 0.95 else ("s", f"{s.lat:.6f}"),
            "lon": ("n", s.lon),
            "is_dltv_school": ("s", "ใช่" if s.is_dltv else "ไม่ใช่"),
        }
        ws.write_number(r, 0, i + 1)
        for c, col in enumerate(columns, start=1):
            _put(ws, r, c, cells[col.name], fmt)
    ws.write_string(positions[-1] + 2, 0, "หมายเหตุ ขนาดโรงเรียนตามเกณฑ์ สพฐ. จำนวนนักเรียน ณ 10 มิถุนายน")
    ws.set_column(3, 3, 32)
    wb.close()


def _smis_cell(s: School, rng: random.Random) -> Cell:
    """SMIS: text, or a number, which loses a leading zero (the parser pads to width 8)."""
    if s.smis is None:
        return None
    if s.extra or not s.smis.isdigit():
        return ("s", s.smis)
    return ("n", int(s.smis)) if s.smis.startswith("0") or rng.random() < 0.3 else ("s", s.smis)


def _students_cell(v: int, rng: random.Random) -> Cell:
    """Students: a number, `1,620` with a separator, or Thai digits."""
    u = rng.random()
    if v >= 1000 and u < 0.5:
        return ("s", f"{v:,}")
    if v >= 0 and u > 0.95:
        return ("s", str(v).translate(THAI_DIGITS))
    return ("n", v)


def _write_allocation(path: Path, rows: list[Alloc], rng: random.Random) -> None:
    """บัญชีจัดสรร 2568: one-row header with a running number, a school name and a computed total."""
    contract = _contract(ALLOCATION)
    items = {i.key: i for i in _items()}
    sources = {s.key: s for s in contracts.lists()["allocation_sources"]}
    name_header = _contract(EQUIPMENT).column("school_name").th  # not an allocation column: ignored
    layout = ["ที่", "fiscal_year", "school_code", name_header, "item", "quantity", "unit_price_baht",
              "รวมเงิน (บาท)", "source"]
    known = {c.name: c for c in contract.columns}
    wb = _workbook(path, contract.th)
    fmt = _Formats(wb)
    ws = wb.add_worksheet("จัดสรร 2568")
    fy_th = contract.column("fiscal_year").th
    ws.merge_range(0, 0, 0, len(layout) - 1, f"{contract.th} DLTV {fy_th} 2568", fmt.title)
    ws.write_string(1, 0, N.AREA)
    for c, name in enumerate(layout):
        ws.write_string(3, c, _header(known[name], rng, alias_p=0.3) if name in known else name, fmt.header)
    positions = _data_rows(4, len(rows), blanks=len(rows) > 30)
    for i, (r, a) in enumerate(zip(positions, rows)):
        item = items.get(a.item)
        item_text = a.item if item is None else (
            rng.choice([x for x in item.aliases if not x.isascii()]) if rng.random() < 0.3 else item.th)
        source = sources[a.source]
        cells = {
            "ที่": ("n", i + 1),
            "fiscal_year": ("n", a.fiscal_year),
            "school_code": _code_cell(a.code, rng, 0.5),
            name_header: ("s", a.school.name if a.school else _fake_name(rng)),
            "item": ("s", item_text),
            "quantity": ("s", "-") if a.qty_dash else ("n", a.quantity),
            "unit_price_baht": ("n", a.price) if rng.random() < 0.7 else ("s", f"{a.price:,.2f}"),
            "รวมเงิน (บาท)": ("n", a.quantity * a.price),
            "source": ("s", source.th if rng.random() < 0.8 else rng.choice(source.aliases)),
        }
        for c, name in enumerate(layout):
            _put(ws, r, c, cells[name], fmt)
    ws.write_string(positions[-1] + 2, 0, "หมายเหตุ ราคาต่อหน่วยรวมภาษีมูลค่าเพิ่มแล้ว")
    wb.close()


def _default_notes() -> tuple[str, ...]:
    """The notes row under a survey table, explaining the two request columns."""
    subs = {s.key: s.th for s in contracts.lists()["dltv_subcolumns"]}
    return (f"หมายเหตุ {subs['request_replace']} = ชำรุดซ่อมไม่ได้ {subs['request_repair']} = ชำรุดซ่อมได้",)


@dataclass
class EquipmentLayout:
    """How one equipment workbook looks: headers, titles, extra sheet/column, noise and date forms."""

    headers: EquipmentHeaders
    title: list[str]
    sheet: str = "แบบสำรวจ"
    instructions: bool = False
    extra_column: str | None = None
    drop: tuple[str, ...] = ()
    noise: float = 1.0
    dates: dict[str, float] = field(default_factory=lambda: {"excel": 1.0})
    notes: tuple[str, ...] = field(default_factory=_default_notes)


def _equipment_cells(row: Survey, rng: random.Random, noise: float, dates: dict[str, float],
                     invisible: bool = True) -> dict[str, Cell]:
    """Every cell of one survey row, by contract column name (blank/unreadable cells as injected)."""
    cells: dict[str, Cell] = {
        "fiscal_year": _year_cell(row.fiscal_year, rng, noise),
        "school_code": ("s", row.code) if row.code != row.resolved_code
        else _code_cell(row.code, rng, noise, invisible, row.code_form),
        "school_name": ("s", row.name),
        "dltv_classrooms": _int_cell(row.classrooms, rng, noise),
        "survey_date": _date_cell(row.survey_date, rng, dates, row.ce_form, row.date_form),
        "reporter_name": ("s", row.reporter),
        "reporter_phone": _phone_cell(row.phone, rng, noise),
    }
    for col, v in row.counts.items():
        cells[col] = _int_cell(v, rng, noise)
    for col, text in row.unreadable.items():
        cells[col] = ("s", text)
    for col in row.blank:
        cells[col] = None
    return cells


def _column_plan(drop: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Contract columns in order, consecutive group columns folded into ("group", item, [cols])."""
    plan: list[tuple[str, Any]] = []
    for c in _contract(EQUIPMENT).columns:
        if c.name in drop:
            continue
        if c.group and plan and plan[-1][0] == "group" and plan[-1][1] == c.group.key:
            plan[-1][2].append(c)
        elif c.group:
            plan.append(("group", c.group.key, [c]))
        else:
            plan.append(("single", c.name, None))
    return plan


def _instructions_sheet(wb: xlsxwriter.Workbook, fmt: _Formats) -> None:
    """คำชี้แจง: the instructions sheet that precedes the data sheet in many school workbooks."""
    subs = {s.key: s.th for s in contracts.lists()["dltv_subcolumns"]}
    ws = wb.add_worksheet("คำชี้แจง")
    lines = [
        "คำชี้แจงการกรอก" + _contract(EQUIPMENT).th,
        "1. กรอกข้อมูลโรงเรียนละ 1 แถว",
        "2. อุปกรณ์ที่ไม่มีให้ใส่ 0 หรือ -",
        f"3. {subs['working']} + {subs['broken']} ต้องเท่ากับ{subs['total']}",
        f"4. {subs['request_replace']} + {subs['request_repair']} ต้องไม่เกินจำนวนที่{subs['broken']}",
        "5. ส่งกลุ่มส่งเสริมการศึกษาทางไกลฯ ภายในวันที่ 31 มกราคม 2569",
    ]
    ws.write_string(0, 0, lines[0], fmt.title)
    for r, line in enumerate(lines[1:], start=2):
        ws.write_string(r, 0, line)


def _write_equipment_xlsx(path: Path, rows: list[Survey], layout: EquipmentLayout, rng: random.Random) -> None:
    """A DLTV survey workbook with the merged two-row header (items over their five sub-columns)."""
    contract = _contract(EQUIPMENT)
    plan = _column_plan(layout.drop)
    width = sum(len(p[2]) if p[0] == "group" else 1 for p in plan) + (1 if layout.extra_column else 0)
    wb = _workbook(path, contract.th)
    fmt = _Formats(wb)
    if layout.instructions:
        _instructions_sheet(wb, fmt)
    ws = wb.add_worksheet(layout.sheet)
    for r, text in enumerate(layout.title):
        ws.merge_range(r, 0, r, width - 1, text, fmt.title)
    top = len(layout.title) + 1
    col_of: dict[str, int] = {}
    c = 0
    for kind, key, cols in plan:
        if kind == "single":
            ws.merge_range(top, c, top + 1, c, layout.headers.columns[key], fmt.header)
            col_of[key] = c
            c += 1
            continue
        ws.merge_range(top, c, top, c + len(cols) - 1, layout.headers.items[key], fmt.header)
        for col in cols:
            ws.write_string(top + 1, c, layout.headers.subs[(col.group.key, col.sub.key)], fmt.header)
            col_of[col.name] = c
            c += 1
    if layout.extra_column:
        ws.merge_range(top, c, top + 1, c, layout.extra_column, fmt.header)
    positions = _data_rows(top + 2, len(rows), blanks=True)
    for r, row in zip(positions, rows):
        cells = _equipment_cells(row, rng, layout.noise, layout.dates)
        for name, cc in col_of.items():
            _put(ws, r, cc, cells[name], fmt, rng)
        if layout.extra_column and row.remark:
            ws.write_string(r, c, row.remark)
    last = positions[-1] if positions else top + 1
    for i, note in enumerate(layout.notes):
        ws.write_string(last + 2 + i, 0, note)
    ws.set_column(col_of.get("school_name", 2), col_of.get("school_name", 2), 30)
    ws.freeze_panes(top + 2, 0)
    wb.close()


def _write_equipment_csv(path: Path, rows: list[Survey], rng: random.Random) -> None:
    """A cluster's CSV in cp874 (Thai Windows), one-row header `<item> <sub>` / `<item> - <sub>`."""
    cols = list(_contract(EQUIPMENT).columns)
    half = set(_item_keys()[: len(_item_keys()) // 2])
    header = [
        (f"{c.group.th} {c.sub.th}" if c.group.key in half else c.header_th) if c.group else c.th for c in cols
    ]
    text_dates = {"slash": 1.0, "iso": 0.3, "abbr": 0.5, "full2": 0.3}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        cells = _equipment_cells(row, rng, 1.0, text_dates, invisible=False)
        w.writerow([_cell_text(cells[c.name]) for c in cols])
    path.write_bytes(buf.getvalue().encode("cp874"))


def _write_empty_xlsx(path: Path) -> None:
    """A workbook with one sheet and no cells at all (a per-file error: empty)."""
    wb = _workbook(path, "")
    wb.add_worksheet()
    wb.close()


def _write_text_as_xlsx(path: Path, row: Survey) -> None:
    """A UTF-8 text file saved with an .xlsx name (a per-file error: not a workbook)."""
    contract = _contract(EQUIPMENT)
    names = ["fiscal_year", "school_code", "school_name", "dltv_classrooms"]
    lines = [",".join(contract.column(n).th for n in names),
             ",".join([str(row.fiscal_year), row.code, row.name, str(row.classrooms)])]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))


# ----------------------------------------------------------------------------------------------
# Landing zone and ground truth


class _Landing:
    """Writes files in arrival order and gives each a fixed, increasing mtime."""

    def __init__(self, root: Path):
        self.root = root
        self.files: list[LandingFile] = []

    def add(self, rel: str, table: str, rows: list, write: Callable[[Path], None],
            error: str | None = None, error_column: str | None = None) -> None:
        """Write one file now; it arrives ARRIVAL_STEP after the previous one."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
        t = (ARRIVAL_START + ARRIVAL_STEP * len(self.files)).timestamp()
        os.utime(path, (t, t))
        self.files.append(LandingFile(rel, table, rows, error, error_column))


def _register_faults(rows: list[School]) -> list[set[str]]:
    """Oracle for the register: SCH-01/02 (format, uniqueness in the file) and SCH-03/04/05."""
    codes = Counter(r.code for r in rows)
    smis = Counter(r.smis for r in rows if r.smis)
    box = _thailand_box()
    bounds = {k: (lo, hi) for k, lo, hi in _size_bounds()}
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
    if a.item not in _item_keys():
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
        sev = {_severity(r) for r in rec["faults"]}
        rec["outcome"] = "quarantined" if "quarantine" in sev else ("flagged" if sev else "valid")
        if rec["outcome"] != "quarantined":
            groups[(rec["table"],) + rec["key"]].append(rec)
    for group in groups.values():
        group.sort(key=lambda r: (r["order"], r["arrival"], r["index"]))
        for rec in group[:-1]:
            assert not rec["faults"], "a superseded row must be clean, so rule counts stay unambiguous"
            rec["outcome"] = "superseded"


def _expected(seed: int, n: int, files: list[LandingFile], schools: list[School]) -> dict:
    """The ground truth: per-rule row counts, per-file outcomes, superseded rows, coverage gaps."""
    allocated = {(a.code, a.item, a.fiscal_year) for lf in files if lf.table == ALLOCATION and not lf.error
                 for a in lf.rows if not _allocation_faults(a)}
    records = [rec for i, lf in enumerate(files) if not lf.error for rec in _file_records(i, lf, allocated)]
    _outcomes(records)
    rule_rows = {t: {r: 0 for r in _table_rules(t)} for t in (SCHOOLS, EQUIPMENT, ALLOCATION)}
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


# ----------------------------------------------------------------------------------------------
# Entry point


def _equipment_title(fy: int, second: str) -> list[str]:
    """Two title rows above an equipment header: the survey's name, then the year and who."""
    fy_th = _contract(EQUIPMENT).column("fiscal_year").th
    return [f"{_contract(EQUIPMENT).th} (DLTV)", f"{fy_th} {fy}  {second}"]


def _single_title(row: Survey, fy: int) -> list[str]:
    """Title rows of a one-school workbook: the school, its amphoe and province."""
    s = _contract(SCHOOLS)
    where = f"{row.school.name} {s.column('district').th}{row.school.district} {s.column('province').th}{N.PROVINCE}"
    return _equipment_title(fy, where)


def generate(root: Path, seed: int = 2569, n_schools: int = 300) -> dict:
    """Write the sample district's landing files under root/landing and the ground truth to
    root/sample/expected.json; return the ground truth. Same seed and size -> identical bytes."""
    if n_schools < MIN_SCHOOLS:
        raise ValueError(f"n_schools must be at least {MIN_SCHOOLS} to hold every injected case")
    root = Path(root)
    rng = random.Random(seed)
    codes = _Codes(rng, n_schools)
    schools = _make_schools(rng, n_schools, codes)
    _inject_register_flags(rng, schools)
    register = _register_rows(rng, schools, _register_extras(rng, codes))
    allocations, targets = _plan_allocations(rng, schools, codes)
    no_replace = {(a.school.code, a.item) for a in allocations if a.school}
    eq68 = _plan_2568(rng, schools, no_replace)
    for r in rng.sample(eq68, min(6, len(eq68))):
        r.remark = rng.choice(N.EQUIPMENT_REMARKS)
    plan = _plan_2569(rng, schools, no_replace, targets, codes)

    land = _Landing(root / "landing")
    land.add("schools/ทะเบียนสถานศึกษา_2569.xlsx", SCHOOLS, register,
             lambda p: _write_register(p, register, rng))
    land.add("dltv_allocation/2568/บัญชีจัดสรร_DLTV_2568.xlsx", ALLOCATION, allocations,
             lambda p: _write_allocation(p, allocations, rng))
    layout68 = EquipmentLayout(_equipment_headers(rng, "count_prefix"), _equipment_title(2568, N.AREA),
                               extra_column="หมายเหตุเพิ่มเติม", noise=0.3,
                               dates={"excel": 1.0, "slash": 0.2})
    land.add("dltv_equipment/2568/แบบสำรวจDLTV_2568_รวมทั้งเขต.xlsx", EQUIPMENT, eq68,
             lambda p: _write_equipment_xlsx(p, eq68, layout68, rng))
    layout69 = EquipmentLayout(_equipment_headers(rng, "noisy"), _equipment_title(2569, N.AREA),
                               instructions=True, dates=DATE_FORMS,
                               notes=_default_notes() + ("หมายเหตุ ข้อมูล ณ วันที่ 31 มกราคม 2569",))
    land.add("dltv_equipment/2569/แบบสำรวจDLTV_2569_รวมทั้งเขต.xlsx", EQUIPMENT, plan.district,
             lambda p: _write_equipment_xlsx(p, plan.district, layout69, rng))
    land.add("dltv_equipment/2569/cluster/เครือข่าย_2569.csv", EQUIPMENT, plan.cluster,
             lambda p: _write_equipment_csv(p, plan.cluster, rng))
    styles = ("aliases", "english", "plain", "plain")
    for i, (row, style) in enumerate(zip(plan.singles, styles)):
        layout = EquipmentLayout(_equipment_headers(rng, style), _single_title(row, 2569),
                                 sheet="Sheet1" if style == "english" else "แบบสำรวจ",
                                 instructions=i % 2 == 0, dates=DATE_FORMS)
        land.add(f"dltv_equipment/2569/schools/{row.school.code}.xlsx", EQUIPMENT, [row],
                 lambda p, row=row, layout=layout: _write_equipment_xlsx(p, [row], layout, rng))
    row = plan.missing_column
    layout = EquipmentLayout(_equipment_headers(rng, "plain"), _single_title(row, 2569), drop=("dltv_classrooms",))
    land.add(f"dltv_equipment/2569/schools/{row.school.code}.xlsx", EQUIPMENT, [row],
             lambda p: _write_equipment_xlsx(p, [row], layout, rng), "missing_column", "dltv_classrooms")
    land.add("dltv_equipment/2569/schools/แบบสำรวจ_ว่าง.xlsx", EQUIPMENT, [], _write_empty_xlsx, "empty")
    fake = plan.not_a_workbook
    land.add(f"dltv_equipment/2569/schools/{fake.school.code}_แบบสำรวจ.xlsx", EQUIPMENT, [fake],
             lambda p: _write_text_as_xlsx(p, fake), "not_a_workbook")
    for row in plan.resubmissions:
        layout = EquipmentLayout(_equipment_headers(rng, "plain"), _single_title(row, 2569), dates=DATE_FORMS)
        land.add(f"dltv_equipment/2569/schools/{row.school.code}_ส่งใหม่.xlsx", EQUIPMENT, [row],
                 lambda p, row=row, layout=layout: _write_equipment_xlsx(p, [row], layout, rng))

    expected = _expected(seed, n_schools, land.files, schools)
    out = root / "sample" / "expected.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes((json.dumps(expected, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return expected
