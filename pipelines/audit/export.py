"""Reading the audit log: `read` as a typed Polars frame, `export_csv` for Excel (Thai intact)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.audit.chain import ACTIONS, OUTCOMES, month_files, parse_entry, record
from pipelines.config import TIMEZONE, Home
from pipelines.durable import write_atomic

SCHEMA = {
    "seq": pl.Int64, "time": pl.Datetime("us", "UTC"), "user": pl.String, "role": pl.String,
    "action": pl.String, "target": pl.String, "outcome": pl.String, "details": pl.String,
    "prev": pl.String, "hash": pl.String,
}
# CSV headings, Thai first, in the order of the columns
HEADINGS = {
    "seq": "ลำดับ / seq", "time": "เวลา (เวลาไทย) / time (Asia/Bangkok)", "user": "ผู้ใช้ / user",
    "role": "บทบาท / role", "action": "การกระทำ / action", "meaning": "ความหมาย / meaning",
    "target": "สิ่งที่กระทำ / target", "outcome": "ผล / outcome", "details": "รายละเอียด / details",
    "prev": "แฮชก่อนหน้า / prev", "hash": "แฮช / hash",
}


def _utc(t: datetime | None) -> datetime | None:
    """An aware time as given; a naive one is read as Bangkok time (what a person in the office means)."""
    if t is None:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=ZoneInfo(TIMEZONE))).astimezone(ZoneInfo("UTC"))


def read(h: Home, since: datetime | None = None, until: datetime | None = None) -> pl.DataFrame:
    """One row per entry with `since <= time < until`, in the log's order; `details` as JSON text (read it
    with `.str.json_decode()` or `.str.json_path_match("$.rows")`). Reads without the key or the lock:
    a line that is not a whole entry (an append under way, a torn tail) is left out; `verify` judges."""
    since, until = _utc(since), _utc(until)
    rows = []
    for path in month_files(h):
        month = path.name[:7]
        if (since and month < since.strftime("%Y-%m")) or (until and month > until.strftime("%Y-%m")):
            continue
        for raw in path.read_bytes().split(b"\n"):
            entry = parse_entry(raw)
            if entry is not None:
                rows.append({**entry, "details": json.dumps(entry["details"], ensure_ascii=False, sort_keys=True),
                             "time": entry["time"]})
    frame = pl.DataFrame(rows, schema={**SCHEMA, "time": pl.String}, orient="row") if rows else None
    if frame is None:
        return pl.DataFrame(schema=SCHEMA)
    frame = frame.with_columns(pl.col("time").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", time_unit="us",
                                                              time_zone="UTC"))
    if since is not None:
        frame = frame.filter(pl.col("time") >= since)
    if until is not None:
        frame = frame.filter(pl.col("time") < until)
    return frame


def csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`read`'s frame as the CSV shows it: Thai/English headings, Bangkok time, each action's meaning,
    and text that Excel would run as a formula (a user name like `=HYPERLINK(…)` typed at a failed
    login) prefixed with `'`, as the OBEC export does (warehouse.export.cells.neutralised)."""
    from warehouse.export.cells import neutralised

    meanings = {a: f"{th} / {en}" for a, (th, en) in ACTIONS.items()}
    outcomes = {o: f"{th} / {en}" for o, (th, en) in OUTCOMES.items()}
    shown = frame.select(
        pl.col("seq"),
        pl.col("time").dt.convert_time_zone(TIMEZONE).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "user", "role", "action",
        pl.col("action").replace_strict(meanings, default=None, return_dtype=pl.String).alias("meaning"),
        "target",
        pl.col("outcome").replace_strict(outcomes, default=pl.col("outcome"), return_dtype=pl.String),
        "details", "prev", "hash",
    )
    return neutralised(shown)[0].rename(HEADINGS)


def export_csv(h: Home, out: Path, since: datetime | None = None, until: datetime | None = None, *,
               user: str | None = None, role: str | None = None) -> int:
    """Write the entries of [since, until) to `out` as CSV, UTF-8 with a BOM (so Excel shows Thai), and
    record the export itself as `audit_export` (by `user`/`role`: who asked). Returns the rows written.
    The file is written whole or not at all."""
    frame = read(h, since, until)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = csv_frame(frame).write_csv(include_bom=True, line_terminator="\r\n")  # as warehouse.export.files
    write_atomic(out, text.encode("utf-8"), mode=0o600)  # owner-only: it names people
    record(h, "audit_export", user=user, role=role, target=str(out), rows=frame.height, since=since, until=until)
    return frame.height
