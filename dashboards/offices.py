"""A national root as the dashboards read it: which offices it holds and where each one's data root is.

    <national_root>/national.json      {"offices": ["4001", "4002", ...]}   the marker: a national root
    <national_root>/offices/<code>/    a complete single-office data root (its warehouse/, office.json)
    <national_root>/national/          the national roll-up marts (not read by the dashboards)

The layout is pipelines/national/layout.py's (which makes such roots); this adds only what the dashboards
need to keep each office's users to their own office (dashboards.access.office_scope): a marker that
cannot be read, or that lists a code Khlang does not know, is one Thai and English problem to show rather
than an error. A folder without national.json is a single-office data root, read as it always was.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.config import Home
from pipelines.national import layout
from pipelines.office import offices

MARKER = layout.MARKER


class NationalProblem(RuntimeError):
    """A national marker the dashboards cannot read: Thai and English."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{en} / {th}")
        self.th, self.en = th, en


def is_national(root: Path) -> bool:
    return layout.is_national(root)


def codes(root: Path) -> tuple[str, ...]:
    """The office codes a national root's marker lists, in its order; NationalProblem when it cannot be read
    or names an office Khlang does not know (warehouse/contracts/_offices.yaml)."""
    try:
        found = tuple(layout.office_codes(root))
    except (OSError, ValueError, KeyError, TypeError):
        found = None
    if found is None or not all(c in offices() for c in found):
        path = Path(root) / MARKER
        raise NationalProblem(f"แฟ้ม {path} ไม่อยู่ในรูปแบบที่ถูกต้อง (ต้องเป็น {{\"offices\": [รหัสเขตที่ระบบรู้จัก, ...]}})",
                              f"{path} is malformed (it needs {{\"offices\": [known office codes, ...]}})")
    return found


def office_home(root: Path, code: str) -> Home:
    """The data root of office `code` (one `codes` gave) inside the national root at `root`."""
    return Home(layout.office_root(root, code))
