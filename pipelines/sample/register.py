"""The district's schools: codes, register rows with their faults, and the register workbook.

Real schools end valid or flagged (SCH-03/04/05 are flags), so surveys may reference them; the quarantined
register rows (SCH-01/02) are extra, non-eligible schools that no survey references, so a register fault
never changes what a survey row resolves to.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from warehouse import contracts

from . import names as N
from .cells import CODE_FORMS, THAI_DIGITS, Cell, code_cell
from .contract import SCHOOLS, size_bounds, size_for, table_contract
from .headers import header_for
from .workbook import Formats, data_rows, new_workbook, put_cell


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


class Codes:
    """Unique school codes (`1040` + 6 digits, OBEC 10 + Khon Kaen 40) and SMIS codes from one seed.

    `office`: draw the codes from that office's own range instead, `10` + the four-digit office code + 4
    digits, so the sample districts of a national simulation (pipelines/national/simulate.py) never share
    a school code. Without it the draws are the same as ever (the sample's files stay byte-identical)."""

    def __init__(self, rng: random.Random, n: int, office: str | None = None):
        self._prefix, digits = ("1040", 6) if office is None else (f"10{office}", 4)
        if len(self._prefix) + digits != 10 or n + 60 > 10**digits:
            raise ValueError(f"office {office!r}: 10-digit school codes cannot hold {n} schools")
        self._digits = digits
        self._codes = iter(rng.sample(range(10**digits), n + 60))
        self._smis = iter(rng.sample(range(10**6), n + 60))
        self._smis0 = iter(rng.sample(range(10**7), n + 60))

    def code(self) -> str:
        return f"{self._prefix}{next(self._codes):0{self._digits}d}"

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


def make_schools(rng: random.Random, n: int, codes: Codes) -> list[School]:
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
                size=size_for(students),
                lat=round(lat0 + rng.gauss(0, 0.05), 6),
                lon=round(lon0 + rng.gauss(0, 0.05), 6),
                is_dltv=is_dltv,
                classrooms=rooms if (students <= 120 or is_dltv) else 0,
            )
        )
    return out


def inject_register_flags(rng: random.Random, schools: list[School]) -> None:
    """SCH-03/04/05 on real schools: flagged, so they stay in the register and surveys may use them."""
    small, medium, large = (k for k, _, _ in size_bounds()[:3])
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


def register_extras(rng: random.Random, codes: Codes) -> list[School]:
    """Quarantined register rows (SCH-01, SCH-02): extra, non-eligible schools no survey references."""
    used: set[str] = set()

    def extra(code: str, smis: str, rule: str) -> School:
        district = rng.choice(list(N.DISTRICTS))
        lat0, lon0, tambons = N.DISTRICTS[district]
        students = rng.randint(250, 500)
        return School(code, smis, _school_name(rng, district, students, used), district, rng.choice(tambons),
                      students, size_for(students), round(lat0 + rng.gauss(0, 0.05), 6),
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


def register_rows(rng: random.Random, schools: list[School], extras: list[School]) -> list[School]:
    """Register order: by amphoe and tambon as offices sort them, extras scattered in between."""
    rows = sorted(schools, key=lambda s: (s.district, s.subdistrict, s.code))
    for s, form in zip(rows, CODE_FORMS):
        s.code_form = form
    for e in extras:
        rows.insert(rng.randint(1, len(rows) - 1), e)
    return rows


def fake_school_name(rng: random.Random) -> str:
    """A school name for an unknown code (REF-01): a school of another area, not in our register."""
    return "โรงเรียนบ้าน" + rng.choice(N.VILLAGE_HEADS) + rng.choice(N.VILLAGE_TAILS) + "พัฒนา"


def write_register(path: Path, rows: list[School], rng: random.Random) -> None:
    """ทะเบียนสถานศึกษา: title rows, a running-number column, header, data with gaps, a notes row."""
    contract = table_contract(SCHOOLS)
    columns = list(contract.columns)
    headers = [header_for(c, rng, alias_p=0.3, noise_p=0.3) for c in columns]
    sizes = {i.key: i for i in contracts.lists()["size_classes"]}
    wb = new_workbook(path, contract.th)
    fmt = Formats(wb)
    ws = wb.add_worksheet("ทะเบียน")
    ws.merge_range(0, 0, 0, len(columns), f"{contract.th} {N.AREA}", fmt.title)
    ws.write_string(1, 0, "ข้อมูล ณ วันที่ 10 มิถุนายน 2569")
    ws.write_string(3, 0, "ที่", fmt.header)
    for c, h in enumerate(headers, start=1):
        ws.write_string(3, c, h, fmt.header)
    positions = data_rows(4, len(rows), blanks=True)
    for i, (r, s) in enumerate(zip(positions, rows)):
        size = sizes[s.size]
        cells = {
            "school_code": ("s", s.code) if s.extra else code_cell(s.code, rng, 1.0, form=s.code_form),
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
            put_cell(ws, r, c, cells[col.name], fmt)
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
