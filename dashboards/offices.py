"""A national root as the dashboards read it: which offices it holds and where each one's data root is.

    <national_root>/national.json      {"offices": ["4001", "4002", ...]}   the marker: a national root
    <national_root>/offices/<code>/    a complete single-office data root (its warehouse/, office.json)
    <national_root>/national/          the national roll-up marts (not read by the dashboards yet)

A folder without national.json is a single-office data root, read as it always was. This is the least the
dashboards need to keep each office's users to their own office (dashboards.access.data_home); the national
layout itself (making and filling such a root) is pipelines/national/, whose marker this must match.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.config import Home
from pipelines.office import CODE

MARKER = "national.json"
OFFICES_DIR = "offices"


class NationalProblem(RuntimeError):
    """A national marker the dashboards cannot read: Thai and English."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{en} / {th}")
        self.th, self.en = th, en


def is_national(root: Path) -> bool:
    return (Path(root) / MARKER).is_file()


def codes(root: Path) -> tuple[str, ...]:
    """The office codes a national root's marker lists, in its order; NationalProblem when malformed."""
    path = Path(root) / MARKER
    try:
        listed = json.loads(path.read_text(encoding="utf-8"))["offices"]
        found = tuple(str(c) for c in listed)
    except (OSError, ValueError, KeyError, TypeError):
        found = None
    if found is None or not all(CODE.match(c) for c in found):
        raise NationalProblem(f"แฟ้ม {path} ไม่อยู่ในรูปแบบที่ถูกต้อง (ต้องเป็น {{\"offices\": [\"รหัสเขต 4 หลัก\", ...]}})",
                              f"{path} is malformed (it needs {{\"offices\": [four-digit codes, ...]}})")
    return found


def office_home(root: Path, code: str) -> Home:
    """The data root of office `code` inside the national root at `root`."""
    return Home(Path(root) / OFFICES_DIR / code)
