"""A national root: many offices' data roots side by side, each exactly a single-office root.

    <national_root>/national.json          the marker: {"offices": ["4001", "4002", ...]}
    <national_root>/offices/<code>/        a complete single-office data root (landing/, lake/, warehouse/,
                                           dagster_home/, office.json): tonight's job for that office
                                           is today's `khlang ingest`, unchanged
    <national_root>/national/<table>/      the national marts (Delta tables, pipelines/national/marts.py)
    <national_root>/dagster_home/          the national Dagster instance (office partitions, roll-ups)

Why a folder per office rather than one lake with an office column: each office's night keeps its own
run lock, ledger, versions and recovery, so one office's broken night never touches another's
published data, an office can leave or join by moving a folder, and a single-office install is simply
one of these folders with no national root around it (it needs no setup and sees no change). The
national layer only reads what the offices published.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.config import Home
from pipelines.durable import write_atomic
from pipelines.office import get, set_root

MARKER = "national.json"


def is_national(root: Path) -> bool:
    """A national root (it carries national.json); a single-office data root never does."""
    return (Path(root) / MARKER).is_file()


def office_root(root: Path, code: str) -> Path:
    """The single-office data root of office `code` under the national root."""
    return Path(root) / "offices" / get(code).code


def office_home(root: Path, code: str) -> Home:
    return Home(office_root(root, code).resolve())


def national_dir(root: Path) -> Path:
    """Where the national marts are written."""
    return Path(root) / "national"


def dagster_home(root: Path) -> Path:
    return Path(root) / "dagster_home"


def office_codes(root: Path) -> list[str]:
    """The offices of a national root, in national.json's order (ValueError when it is not one)."""
    path = Path(root) / MARKER
    if not path.is_file():
        raise ValueError(f"{root} ไม่ใช่ที่เก็บข้อมูลระดับประเทศ (ไม่มี {MARKER}) / {root} is not a national root (no {MARKER})")
    return [str(c) for c in json.loads(path.read_text(encoding="utf-8"))["offices"]]


def create(root: Path, codes: list[str]) -> list[str]:
    """Make (or extend) a national root for `codes`: the marker and one named data root per office.
    Codes already listed stay, in their order; new ones are appended. Returns every office code."""
    root = Path(root)
    known = office_codes(root) if is_national(root) else []
    for code in codes:
        code = get(code).code  # refuses a code _offices.yaml does not know
        if code not in known:
            known.append(code)
    root.mkdir(parents=True, exist_ok=True)
    for code in known:
        set_root(office_root(root, code), code)
        (office_root(root, code) / "landing").mkdir(exist_ok=True)
    national_dir(root).mkdir(exist_ok=True)
    write_atomic(root / MARKER, (json.dumps({"offices": known}, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return known
