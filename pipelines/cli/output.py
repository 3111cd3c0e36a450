"""Printing for every command: flushed lines, so progress shows while a run works; times in Bangkok."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.config import TIMEZONE

OUTCOME_COLUMNS = ["rows_in", "valid", "flagged", "quarantined", "superseded"]


def out(text: str = "") -> None:
    print(text, flush=True)


def bangkok_tz_env() -> str:
    """A TZ value giving Bangkok time: the zone's name when the system has tzdata, else the POSIX rule
    (UTC+7 all year; Thailand keeps no daylight saving), which needs no tzdata."""
    zoneinfo_dirs = [os.environ.get("TZDIR", ""), "/usr/share/zoneinfo", "/usr/lib/zoneinfo"]
    return TIMEZONE if any(d and (Path(d) / TIMEZONE).is_file() for d in zoneinfo_dirs) else "<+07>-7"


def use_bangkok_time() -> None:
    """Local time of this process and of every process it starts is Bangkok time, so the timestamps of
    Dagster's and Python's log lines read as the pages do. Stored times stay UTC (they never use local time)."""
    os.environ["TZ"] = bangkok_tz_env()
    if hasattr(time, "tzset"):
        time.tzset()


def bangkok(stamp: str | datetime) -> str:
    """An ISO timestamp (e.g. a version's `published_at`, stored in UTC) as Bangkok time for a person."""
    t = datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    return t.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d %H:%M:%S") + " (เวลาไทย / Asia/Bangkok)"
