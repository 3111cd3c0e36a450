"""Which educational service area office (สพท.) a data root belongs to: the office dimension.

One data root holds one office's data, as it always has. Its office is named by `office.json` at the
root (`{"code": "4004"}`, written by `khlang demo` and by the national layout, pipelines/national/);
a root without one is a single-office install that never set it, and keeps working unchanged under
UNSET (code "0000"). The offices Khlang knows, with their province and region for the national
roll-ups, are reference data: warehouse/contracts/_offices.yaml.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipelines.durable import write_atomic

OFFICES_FILE = Path(__file__).resolve().parent.parent / "warehouse" / "contracts" / "_offices.yaml"
ROOT_FILE = "office.json"
CODE = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Office:
    code: str  # รหัสเขตพื้นที่: four digits (_offices.yaml says how they are made)
    th: str
    en: str
    province: str | None
    province_en: str | None
    region: str | None  # a key of _offices.yaml's regions
    region_th: str | None
    region_en: str | None


UNSET = Office("0000", "สำนักงานเขตพื้นที่การศึกษา (ยังไม่ได้ระบุรหัสเขต)", "Educational service area office (code not set)",
               None, None, None, None, None)


@cache
def offices() -> dict[str, Office]:
    """Every office of _offices.yaml by code, in file order."""
    doc = yaml.safe_load(OFFICES_FILE.read_text(encoding="utf-8"))
    regions = doc["regions"]
    out: dict[str, Office] = {}
    for o in doc["offices"]:
        code = str(o["code"])
        if not CODE.match(code) or code in out or o["region"] not in regions:
            raise ValueError(f"{OFFICES_FILE.name}: office {code!r} needs a unique four-digit code and a known region")
        r = regions[o["region"]]
        out[code] = Office(code, o["th"], o["en"], o["province"], o["province_en"], o["region"], r["th"], r["en"])
    return out


def get(code: str) -> Office:
    """The office with `code` (ValueError in Thai and English when Khlang does not know it)."""
    found = offices().get(str(code))
    if found is None:
        raise ValueError(f"ไม่รู้จักรหัสเขตพื้นที่ {code!r} (ดู {OFFICES_FILE.name}) / unknown office code {code!r}")
    return found


def of_root(root: Path) -> Office:
    """The office of the data root at `root`: its office.json, else UNSET."""
    path = Path(root) / ROOT_FILE
    if not path.exists():
        return UNSET
    code = str(json.loads(path.read_text(encoding="utf-8"))["code"])
    return get(code)


def set_root(root: Path, code: str) -> Office:
    """Name the office of the data root at `root` (office.json, written atomically)."""
    office = get(code)
    Path(root).mkdir(parents=True, exist_ok=True)
    write_atomic(Path(root) / ROOT_FILE, (json.dumps({"code": office.code}) + "\n").encode("utf-8"))
    return office
