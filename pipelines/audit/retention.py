"""How long the audit log is kept, and `prune`, which drops what is older.

The Computer Crimes Act B.E. 2550 (พ.ร.บ.ว่าด้วยการกระทำความผิดเกี่ยวกับคอมพิวเตอร์ พ.ศ. 2550, section 26)
requires traffic data be kept at least 90 days; the office keeps 365 by default.
$KHLANG_AUDIT_KEEP_DAYS sets a longer (or shorter, never below 90) period; a value below 90 is refused.

Only whole month files go, and only when every entry in them is older than the period (the month ended
before now - keep_days), so no entry is ever kept less than that. Before the files go, `anchor.json`
records (signed) the seq and hash of the last entry removed, so the rest still verifies from there; a
prune that stops midway leaves files the anchor already covers, which verify accepts and the next prune
removes. Each prune that removes anything is itself recorded as an `audit_pruned` entry.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta

from pipelines.audit.chain import (
    ANCHOR_FILE,
    AuditError,
    append,
    audit_lock,
    fields,
    fsync_path,
    month_files,
    os_user,
    parse_entry,
    write_signed,
    writing_key,
)
from pipelines.config import Home

ENV_KEEP_DAYS = "KHLANG_AUDIT_KEEP_DAYS"
DEFAULT_KEEP_DAYS = 365
MIN_KEEP_DAYS = 90  # Computer Crimes Act B.E. 2550, s. 26: traffic data at least 90 days

log = logging.getLogger(__name__)


def keep_days(value: int | str | None = None) -> int:
    """The retention in days: `value`, else $KHLANG_AUDIT_KEEP_DAYS, else 365; AuditError below 90."""
    raw = value if value is not None else os.environ.get(ENV_KEEP_DAYS, "").strip() or DEFAULT_KEEP_DAYS
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise AuditError(f"{ENV_KEEP_DAYS}={raw!r} ไม่ใช่จำนวนวัน", f"{ENV_KEEP_DAYS}={raw!r} is not a number of days") from None
    if days < MIN_KEEP_DAYS:
        raise AuditError(
            f"ระยะเก็บบันทึกการใช้งาน {days} วัน น้อยกว่าขั้นต่ำ {MIN_KEEP_DAYS} วันตาม พ.ร.บ.ว่าด้วยการกระทำความผิด"
            f"เกี่ยวกับคอมพิวเตอร์ พ.ศ. 2550 (มาตรา 26) — ตั้ง {ENV_KEEP_DAYS} ให้ได้อย่างน้อย {MIN_KEEP_DAYS}",
            f"keeping the audit log {days} days is below the {MIN_KEEP_DAYS}-day minimum of the Computer Crimes Act "
            f"B.E. 2550 (s. 26) for traffic data: set {ENV_KEEP_DAYS} to {MIN_KEEP_DAYS} or more")
    return days


def _month_end(name: str) -> datetime:
    year, month = int(name[:4]), int(name[5:7])
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def _entries(path) -> list[dict]:
    return [e for e in map(parse_entry, path.read_bytes().split(b"\n")) if e is not None]


def prune(h: Home, now: datetime | None = None, *, days: int | None = None) -> int:
    """Remove the month files whose every entry is older than the retention (`days`, else
    `keep_days()`); returns the entries removed (0: nothing to do, and nothing written)."""
    days = keep_days(days)
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    if not h.audit.is_dir():
        return 0
    with audit_lock(h):
        old = [p for p in month_files(h) if _month_end(p.name) <= cutoff]
        if not old:
            return 0
        key = writing_key(h)
        entries = [e for p in old for e in _entries(p)]
        if entries:  # else only empty or broken files go, and the anchor stays as it was
            last = entries[-1]
            write_signed(h, ANCHOR_FILE, key, {"seq": last["seq"], "hash": last["hash"], "time": last["time"],
                                               "pruned_at": now.isoformat(), "files": [p.name for p in old]})
        for p in old:
            p.unlink()
        fsync_path(h.audit)
        append(h, key, fields("audit_pruned", user=os_user(), role=None, target=", ".join(p.name for p in old),
                              outcome="ok", details={
                                  "entries": len(entries), "files": [p.name for p in old], "keep_days": days,
                                  "before": cutoff.isoformat(),
                                  "first_seq": entries[0]["seq"] if entries else None,
                                  "last_seq": entries[-1]["seq"] if entries else None}))
    return len(entries)


def prune_quietly(h: Home) -> int | None:
    """`prune` for the nightly run: a problem with the audit log is logged, never fails the run."""
    try:
        return prune(h)
    except Exception:  # noqa: BLE001 -- the nightly run's data must not wait on the audit log
        log.exception("ตัดบันทึกการใช้งานที่เกินระยะเก็บไม่สำเร็จ / the audit log was not pruned")
        return None
