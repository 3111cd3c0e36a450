"""Seeded sample district: landing files one ESAO would really receive, plus their exact ground truth.

`generate(root)` writes a school register, the 2568 DLTV allocation register and the DLTV equipment
surveys of fiscal years 2568 and 2569 into `root/landing/`, in the shapes schools really send (title
rows, merged two-row headers, Thai digits, codes stored as numbers, cp874 CSV, re-submissions, broken
files), and writes `root/sample/expected.json`: how many rows of each file must end valid, flagged,
quarantined or superseded, and how many rows break each rule. Every injected fault breaks exactly one
rule, and a small oracle (`truth.py`) re-derives each row's rules from its logical values and asserts that
it matches what was injected, so the counts are exact by construction.

Headers, aliases, coded lists and rule thresholds come from `warehouse.contracts` (`contract.py`); nothing
here retypes a contract header. The same seed and size give byte-identical files (fixed workbook
timestamps, fixed mtimes, one `random.Random(seed)` consumed in a fixed order, no iteration over sets of
strings). Every part draws from that one generator, so the order of the calls in `generate` is part of
the output: reordering them changes the files.

The parts: `register.py` (schools and the register), `allocation.py` (allocations 2568), `surveys.py`
(survey rows and single-rule faults), `survey_plans.py` (which row goes into which file), `cells.py`,
`headers.py` and `workbook.py` (how values are written), `equipment_files.py` (survey workbooks and CSV),
`landing_zone.py` (arrival order) and `truth.py` (expected.json). Then, each from a generator and a
random stream of its own, with its own ground truth merged in (so the files before them never change):
the digital platforms' event logs and daily statistics (`platform.py`, `platform_events.py`,
`platform_daily.py`), the DLIT usage surveys of both semesters (`dlit.py`, `dlit_rows.py`,
`dlit_files.py`), and last the four-area workbooks of academic year 2568, one per sending school
(`admin.py`, `admin_rows.py`, `admin_files.py`).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from pipelines.office import set_root

from . import names as N
from .admin import write_admin
from .allocation import plan_allocations, write_allocation
from .cells import DATE_FORMS
from .contract import ALLOCATION, EQUIPMENT, SCHOOLS
from .dlit import write_dlit
from .equipment_files import (
    EquipmentLayout,
    default_notes,
    equipment_title,
    single_title,
    write_empty_xlsx,
    write_equipment_csv,
    write_equipment_xlsx,
    write_text_as_xlsx,
)
from .headers import equipment_headers
from .landing_zone import Landing
from .platform import DEFAULT_EVENTS, MIN_EVENTS, merge_truth, write_platform
from .register import Codes, inject_register_flags, make_schools, register_extras, register_rows, write_register
from .survey_plans import plan_2568, plan_2569
from .truth import ground_truth

MIN_SCHOOLS = 150
# The families written after the DLTV core, each from its own generator (so leaving one out changes no
# other file's bytes): a test about DLTV alone generates a smaller district and runs a shorter night.
FAMILIES = ("platform", "dlit", "admin")
SAMPLE_OFFICE = "4004"  # สพป.ขอนแก่น เขต 4 (names.AREA)


def generate(root: Path, seed: int = 2569, n_schools: int = 300, events: int = DEFAULT_EVENTS,
             families: tuple[str, ...] = FAMILIES, office: str = SAMPLE_OFFICE, office_codes: bool = False) -> dict:
    """Write the sample district's landing files under root/landing and the ground truth to
    root/sample/expected.json; return the ground truth. Same seed and size -> identical bytes.
    `events`: rows of the digital platforms' event logs (0: no platform files; see `platform.py`).
    `families`: which of FAMILIES to write besides the school register and DLTV (default: all).
    `office`: the office code the root is named for (root/office.json, pipelines/office.py).
    `office_codes`: school codes from the office's own range (`10` + office code + 4 digits: unique across
    a national simulation's offices) rather than the sample's `1040` range (the default, unchanged)."""
    if n_schools < MIN_SCHOOLS:
        raise ValueError(f"n_schools must be at least {MIN_SCHOOLS} to hold every injected case")
    if events and events < MIN_EVENTS:
        raise ValueError(f"events must be 0 (no platform files) or at least {MIN_EVENTS}")
    unknown = set(families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown families {sorted(unknown)}: choose from {FAMILIES}")
    root = Path(root)
    set_root(root, office)
    rng = random.Random(seed)
    codes = Codes(rng, n_schools, office if office_codes else None)
    schools = make_schools(rng, n_schools, codes)
    inject_register_flags(rng, schools)
    register = register_rows(rng, schools, register_extras(rng, codes))
    allocations, targets = plan_allocations(rng, schools, codes)
    no_replace = {(a.school.code, a.item) for a in allocations if a.school}
    eq68 = plan_2568(rng, schools, no_replace)
    for r in rng.sample(eq68, min(6, len(eq68))):
        r.remark = rng.choice(N.EQUIPMENT_REMARKS)
    plan = plan_2569(rng, schools, no_replace, targets, codes)

    land = Landing(root / "landing")
    land.add("schools/ทะเบียนสถานศึกษา_2569.xlsx", SCHOOLS, register,
             lambda p: write_register(p, register, rng))
    land.add("dltv_allocation/2568/บัญชีจัดสรร_DLTV_2568.xlsx", ALLOCATION, allocations,
             lambda p: write_allocation(p, allocations, rng))
    layout68 = EquipmentLayout(equipment_headers(rng, "count_prefix"), equipment_title(2568, N.AREA),
                               extra_column="หมายเหตุเพิ่มเติม", noise=0.3,
                               dates={"excel": 1.0, "slash": 0.2})
    land.add("dltv_equipment/2568/แบบสำรวจDLTV_2568_รวมทั้งเขต.xlsx", EQUIPMENT, eq68,
             lambda p: write_equipment_xlsx(p, eq68, layout68, rng))
    layout69 = EquipmentLayout(equipment_headers(rng, "noisy"), equipment_title(2569, N.AREA),
                               instructions=True, dates=DATE_FORMS,
                               notes=default_notes() + ("หมายเหตุ ข้อมูล ณ วันที่ 31 มกราคม 2569",))
    land.add("dltv_equipment/2569/แบบสำรวจDLTV_2569_รวมทั้งเขต.xlsx", EQUIPMENT, plan.district,
             lambda p: write_equipment_xlsx(p, plan.district, layout69, rng))
    land.add("dltv_equipment/2569/cluster/เครือข่าย_2569.csv", EQUIPMENT, plan.cluster,
             lambda p: write_equipment_csv(p, plan.cluster, rng))
    styles = ("aliases", "english", "plain", "plain")
    for i, (row, style) in enumerate(zip(plan.singles, styles)):
        layout = EquipmentLayout(equipment_headers(rng, style), single_title(row, 2569),
                                 sheet="Sheet1" if style == "english" else "แบบสำรวจ",
                                 instructions=i % 2 == 0, dates=DATE_FORMS)
        land.add(f"dltv_equipment/2569/schools/{row.school.code}.xlsx", EQUIPMENT, [row],
                 lambda p, row=row, layout=layout: write_equipment_xlsx(p, [row], layout, rng))
    row = plan.missing_column
    layout = EquipmentLayout(equipment_headers(rng, "plain"), single_title(row, 2569), drop=("dltv_classrooms",))
    land.add(f"dltv_equipment/2569/schools/{row.school.code}.xlsx", EQUIPMENT, [row],
             lambda p: write_equipment_xlsx(p, [row], layout, rng), "missing_column", "dltv_classrooms")
    land.add("dltv_equipment/2569/schools/แบบสำรวจ_ว่าง.xlsx", EQUIPMENT, [], write_empty_xlsx, "empty")
    fake = plan.not_a_workbook
    land.add(f"dltv_equipment/2569/schools/{fake.school.code}_แบบสำรวจ.xlsx", EQUIPMENT, [fake],
             lambda p: write_text_as_xlsx(p, fake), "not_a_workbook")
    for row in plan.resubmissions:
        layout = EquipmentLayout(equipment_headers(rng, "plain"), single_title(row, 2569), dates=DATE_FORMS)
        land.add(f"dltv_equipment/2569/schools/{row.school.code}_ส่งใหม่.xlsx", EQUIPMENT, [row],
                 lambda p, row=row, layout=layout: write_equipment_xlsx(p, [row], layout, rng))

    expected = ground_truth(seed, n_schools, land.files, schools)
    if events and "platform" in families:  # last, from its own generators: the files above stay the same
        merge_truth(expected, write_platform(land, schools, seed, events))
    if "dlit" in families:
        merge_truth(expected, write_dlit(land, schools, seed))  # DLIT usage: own generator
    if "admin" in families:
        merge_truth(expected, write_admin(land, schools, seed))  # four-area workbooks: own generator, arrive last
    out = root / "sample" / "expected.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes((json.dumps(expected, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return expected
