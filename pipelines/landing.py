"""The landing zone: what files are there, and in which order they arrived.

"Later submission" ties on survey date are broken by arrival in the landing zone, so arrival must not
change when a run is repeated: the first time a (path, content) pair is seen it gets the next arrival
number in `state/arrivals.parquet`; files seen together for the first time are numbered by
modification time, then path. A file whose content changes arrives again, later.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from pipelines.config import Home
from pipelines.parsing.readers import SUPPORTED
from warehouse.publish import sha256_file

LEDGER_SCHEMA = {"path": pl.String, "sha256": pl.String, "arrival_seq": pl.Int64, "first_seen": pl.String}


def landing_files(home: Home) -> list[Path]:
    """Every file under landing/, any depth, except hidden and temporary files (`~$x.xlsx`)."""
    if not home.landing.exists():
        return []
    return sorted(
        p
        for p in home.landing.rglob("*")
        if p.is_file() and not any(part.startswith((".", "~$")) for part in p.relative_to(home.landing).parts)
    )


def fingerprint(home: Home) -> str:
    """Cheap change detector for the sensor: paths, sizes and mtimes, no hashing."""
    h = hashlib.sha256()
    for p in landing_files(home):
        st = p.stat()
        h.update(f"{p.relative_to(home.landing).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _read_ledger(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=LEDGER_SCHEMA)


def inventory(home: Home) -> pl.DataFrame:
    """Landing files with size, mtime, sha256, arrival number and whether Khlang can read the type."""
    files = landing_files(home)
    rows = [
        {
            "path": p.relative_to(home.landing).as_posix(),
            "size": p.stat().st_size,
            "mtime_ns": p.stat().st_mtime_ns,
            "sha256": sha256_file(p),
            "supported": p.suffix.lower() in SUPPORTED,
        }
        for p in files
    ]
    found = pl.DataFrame(
        rows,
        schema={"path": pl.String, "size": pl.Int64, "mtime_ns": pl.Int64, "sha256": pl.String, "supported": pl.Boolean},
    )
    ledger_path = home.state / "arrivals.parquet"
    ledger = _read_ledger(ledger_path)
    new = found.join(ledger, on=["path", "sha256"], how="anti").sort("mtime_ns", "path")
    if new.height:
        start = (ledger.get_column("arrival_seq").max() or 0) + 1
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        added = new.select(
            "path",
            "sha256",
            pl.int_range(start, start + new.height, dtype=pl.Int64).alias("arrival_seq"),
            pl.lit(now).alias("first_seen"),
        )
        ledger = pl.concat([ledger, added])
        home.state.mkdir(parents=True, exist_ok=True)
        tmp = ledger_path.with_name(f".{uuid.uuid4().hex}.tmp")
        ledger.write_parquet(tmp)
        os.replace(tmp, ledger_path)
    return found.join(ledger, on=["path", "sha256"], how="left").sort("arrival_seq")
