"""DLTV equipment survey rows: clean rows that keep every rule, and the changes that break exactly one.

A clean row satisfies DLTV-01..03 by construction (and DLTV-05 unless replacing is allowed); each fault
below changes only what its rule needs, and the oracle in `truth.py` checks that the row then breaks that
rule and no other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from . import names as N
from .contract import count_column, dltv03_limits, item_keys
from .register import School


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


def _person(rng: random.Random) -> str:
    """A reporter's name with title (personal data: never leaves the warehouse)."""
    if rng.random() < 0.5:
        return f"นาย{rng.choice(N.MEN)} {rng.choice(N.SURNAMES)}"
    return f"{rng.choice(('นาง', 'นางสาว'))}{rng.choice(N.WOMEN)} {rng.choice(N.SURNAMES)}"


def _phone(rng: random.Random) -> str:
    """A Thai mobile number (10 digits, leading 0), so number storage visibly loses the 0."""
    return rng.choice(("08", "09", "06")) + f"{rng.randint(0, 99_999_999):08d}"


def _item_counts(rng: random.Random, item: str, rooms: int, allow_replace: bool) -> dict[str, int]:
    """One item's five counts satisfying DLTV-01..03 (and DLTV-05 when replacement is not allowed)."""
    caps, per_room, _ = dltv03_limits()
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
    return {count_column(item, s): v for s, v in subs}


def _survey_date(rng: random.Random, fy: int) -> date:
    """A plausible survey date well inside the fiscal year (November to late January)."""
    start = date(fy - 544, 11, 3)
    return start + timedelta(days=rng.randint(0, 88))


def school_label(rng: random.Random, name: str) -> str:
    """School name as schools write it: full, without โรงเรียน, or abbreviated รร."""
    u = rng.random()
    short = name.removeprefix("โรงเรียน")
    return name if u < 0.7 else (short if u < 0.85 else "รร." + short)


def clean_survey(rng, school: School | None, fy: int, no_replace: set, *, code: str | None = None,
                 rooms: int | None = None, when: date | None = None, name: str | None = None) -> Survey:
    """A clean survey row for a school (or for an unknown code when school is None)."""
    rooms = rooms if rooms is not None else (school.classrooms if school else rng.randint(2, 6))
    counts: dict[str, int] = {}
    for item in item_keys():
        allowed = school is None or (school.code, item) not in no_replace
        counts.update(_item_counts(rng, item, rooms, allowed))
    return Survey(fy, school, code or school.code, name or school_label(rng, school.name), rooms, counts,
                  when or _survey_date(rng, fy), _person(rng), _phone(rng))


def _set_item(row: Survey, item: str, **values: int) -> None:
    """Overwrite some sub-columns of one item, e.g. _set_item(row, 'tv', working=3)."""
    for sub, v in values.items():
        row.counts[count_column(item, sub)] = v


def _get(row: Survey, item: str, sub: str) -> int:
    """One sub-column of one item, e.g. _get(row, 'tv', 'working')."""
    return row.counts[count_column(item, sub)]


def request_replacement(row: Survey, item: str) -> None:
    """Make a clean row ask for one replacement of `item` while keeping DLTV-01..03."""
    caps, _, _ = dltv03_limits()
    broken = max(1, _get(row, item, "broken"))
    limit = caps.get(item, row.classrooms)  # dish/LNB: total cap; TV/receiver: working + replace <= rooms
    working = max(0, min(_get(row, item, "working"), limit - broken if item in caps else limit - 1))
    _set_item(row, item, total=working + broken, working=working, broken=broken, request_replace=1,
              request_repair=0)


def dltv01_total(row: Survey) -> None:
    """DLTV-01: TV total one more than working + broken."""
    _set_item(row, "tv", total=_get(row, "tv", "working") + _get(row, "tv", "broken") + 1)


def dltv01_negative(row: Survey) -> None:
    """DLTV-01: a negative count (repair -1 keeps replace + repair <= broken)."""
    _set_item(row, "receiver", request_repair=-1)


def dltv01_two_items(row: Survey) -> None:
    """DLTV-01 on two items in one row: still one row for the rule."""
    _set_item(row, "lnb", total=_get(row, "lnb", "total") - 1)
    _set_item(row, "receiver", total=_get(row, "receiver", "total") + 2)


def dltv02(item: str) -> Callable[[Survey], None]:
    """DLTV-02: replace + repair one more than broken."""
    def apply(row: Survey) -> None:
        broken = max(1, _get(row, item, "broken"))
        working = _get(row, item, "working")
        _set_item(row, item, broken=broken, total=working + broken, request_replace=0, request_repair=broken + 1)
    return apply


def dltv03_tv(row: Survey) -> None:
    """DLTV-03: more working TVs than DLTV classrooms."""
    w = row.classrooms + 1
    _set_item(row, "tv", total=w, working=w, broken=0, request_replace=0, request_repair=0)


def dltv03_cap(item: str, over: int) -> Callable[[Survey], None]:
    """DLTV-03: a per-school total above its cap (a dish total of 3, an LNB total of 5)."""
    def apply(row: Survey) -> None:
        t = dltv03_limits()[0][item] + over
        _set_item(row, item, total=t, working=t, broken=0, request_replace=0, request_repair=0)
    return apply
