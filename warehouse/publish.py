"""Publish a warehouse version: immutable Parquet snapshot + a DuckDB file swapped in atomically.

DuckDB allows one writer per file and a reader cannot open a file a writer holds. So nothing ever opens
the published `khlang.duckdb` for writing: a new version is written to a temporary file beside it and
`os.replace`d over it. A reader that already has the old file open keeps reading the old inode (the
whole old version); a reader opening after the swap gets the whole new version; never a mix. If the run
fails before the swap, the published file is untouched.

Every version also keeps its tables as Parquet under `versions/<version>/`, so an OBEC export can be
re-cut from exactly the version its manifest names.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import Home

CURRENT = "CURRENT"


@dataclass(frozen=True)
class Published:
    version: str
    published_at: str
    duckdb_path: Path
    snapshot_dir: Path
    row_counts: dict[str, int]


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def current_version(home: Home) -> str | None:
    """The version the published DuckDB file holds, or None before the first publish."""
    pointer = home.warehouse / CURRENT
    return pointer.read_text().strip() if pointer.exists() else None


def _next_version(home: Home) -> str:
    existing = [int(p.name[1:]) for p in home.versions.glob("v[0-9]*") if p.name[1:].isdigit()]
    return f"v{max(existing, default=0) + 1:04d}"


def _write_atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _snapshot(home: Home, version: str, tables: dict[str, pl.DataFrame], info: dict) -> Path:
    """Write every table as Parquet into a hidden folder, then rename it into place (atomic)."""
    home.versions.mkdir(parents=True, exist_ok=True)
    tmp = home.versions / f".{version}.{uuid.uuid4().hex}.tmp"
    tmp.mkdir()
    files = {}
    for name, df in tables.items():
        path = tmp / f"{name}.parquet"
        df.write_parquet(path, statistics=True)
        files[name] = {"rows": df.height, "sha256": sha256_file(path)}
    manifest = {**info, "version": version, "tables": files}
    (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    final = home.versions / version
    os.rename(tmp, final)
    return final


def _build_duckdb(target: Path, snapshot: Path, tables: dict[str, pl.DataFrame], info: dict) -> None:
    """Copy each snapshot table into a fresh DuckDB file (self-contained: analysts can copy it)."""
    con = duckdb.connect(str(target))
    try:
        for name in tables:
            path = (snapshot / f"{name}.parquet").as_posix()
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [path])
        con.execute(
            "CREATE TABLE warehouse_info AS SELECT ? AS version, ?::TIMESTAMPTZ AS published_at, "
            "? AS run_id, ?::JSON AS tables",
            [
                info["version"],
                info["published_at"],
                info.get("run_id"),
                json.dumps({n: df.height for n, df in tables.items()}),
            ],
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def publish(home: Home, tables: dict[str, pl.DataFrame], run_id: str | None = None) -> Published:
    """Publish `tables` as the next warehouse version. All or nothing for readers."""
    version = _next_version(home)
    published_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    info = {"version": version, "published_at": published_at, "run_id": run_id}
    snapshot = _snapshot(home, version, tables, info)
    tmp_db = home.warehouse / f".khlang-{version}.{uuid.uuid4().hex}.duckdb.tmp"
    try:
        _build_duckdb(tmp_db, snapshot, tables, info)
        os.replace(tmp_db, home.duckdb_path)
    except BaseException:
        tmp_db.unlink(missing_ok=True)
        shutil.rmtree(snapshot, ignore_errors=True)
        raise
    _write_atomic_text(home.warehouse / CURRENT, version)
    return Published(
        version=version,
        published_at=published_at,
        duckdb_path=home.duckdb_path,
        snapshot_dir=snapshot,
        row_counts={n: df.height for n, df in tables.items()},
    )


def read_snapshot(home: Home, table: str, version: str | None = None) -> pl.DataFrame:
    """A published table as it was in `version` (default: the current one)."""
    version = version or current_version(home)
    if version is None:
        raise FileNotFoundError(f"nothing published yet under {home.warehouse}")
    path = home.versions / version / f"{table}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"version {version} has no table {table!r} ({path})")
    return pl.read_parquet(path)
