"""The sample's landing zone: files written in arrival order, each with a fixed, increasing mtime.

The pipeline numbers files first seen together by modification time (`pipelines/landing.py`), and arrival
breaks ties between re-submissions; fixed mtimes keep both, and the files, identical run after run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

ARRIVAL_START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone(timedelta(hours=7)))
ARRIVAL_STEP = timedelta(minutes=17)


@dataclass
class LandingFile:
    """A file dropped in the landing zone: its path, table, logical rows, and any per-file error."""

    rel: str
    table: str
    rows: list
    error: str | None = None
    error_column: str | None = None


class Landing:
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
