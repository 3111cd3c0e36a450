"""Publish a warehouse version: an immutable folder of Parquet + DuckDB, committed by one ledger write.

A version is built in a hidden temporary folder (`versions/.vNNNN.<id>.tmp/`: every table as Parquet, a
DuckDB file holding the public tables, and `manifest.json` with the sha256 of each file), renamed to
`versions/vNNNN/`, and only then committed by atomically rewriting the ledger `warehouse/published.json`
(the one commit point: a version is published if and only if the ledger names it). A run killed at any
moment leaves either the old ledger (the new folder is an orphan: never served, never exported, removed
by the next run's `recover`) or the new one. Nothing ever opens a published file for writing.

Readers open the version's own file, `versions/<version>/khlang.duckdb` (`published_duckdb`): a new
path per version, so DuckDB's per-process cache of database instances can never hand out an old one.
`warehouse/khlang.duckdb` is a copy of the current version for people who open the file with the DuckDB
CLI; it is refreshed after each commit and repaired by `recover`.

The DuckDB files never hold personal columns (any contract's `personal:`): analysts, dashboards and
the SQL door read those files. The Parquet snapshots keep every column for the pipeline and ICT staff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import Home
from pipelines.durable import TMP_SUFFIX, fsync_path, sha256_file, temp_beside, write_atomic

LEDGER = "published.json"
DUCKDB_FILE = "khlang.duckdb"
MANIFEST = "manifest.json"
VERSION_NAME = re.compile(r"v\d{4,}")
BUILD_MEMORY = "512MB"  # DuckDB's limit while writing a version: it spills instead of growing
ROW_GROUP_ROWS = 16_384  # Parquet row groups of a version: small enough to bound the writer's buffers


class NotPublished(FileNotFoundError):
    """No warehouse version has been published under this data root yet."""

    def __init__(self, home: Home):
        self.th = f"ยังไม่มีคลังข้อมูลที่เผยแพร่ที่ {home.warehouse} — รัน `khlang ingest` ก่อน"
        self.en = f"no published warehouse under {home.warehouse}: run `khlang ingest` first"
        super().__init__(f"{self.th} / {self.en}")


class VersionRefused(Exception):
    """A version that must not be read or exported: not a version name, never published, or altered."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{th} / {en}")
        self.th, self.en = th, en


@dataclass(frozen=True)
class Published:
    version: str
    published_at: str
    duckdb_path: Path
    snapshot_dir: Path
    row_counts: dict[str, int]


def personal_columns() -> set[str]:
    """Every column any contract declares personal (kept in the lake and the version's Parquet snapshot,
    for the office's own use)."""
    from warehouse.contracts import contracts

    return {col for c in contracts().values() for col in c.personal}


def hidden_columns() -> set[str]:
    """What no reader of the warehouse sees (never written into a DuckDB file, refused by the door):
    personal columns, hashed identifiers (pseudonymous personal data under PDPA: a roster's citizen ID
    hash, a platform user's) and landing-only columns."""
    from warehouse.contracts import contracts

    return {col for c in contracts().values() for col in c.hidden_columns}


# --- the ledger -----------------------------------------------------------------------------------


def ledger(home: Home) -> list[dict]:
    """Published versions, oldest first: version, published_at, run_id, manifest_sha256."""
    path = home.warehouse / LEDGER
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def current_version(home: Home) -> str | None:
    """The newest published version, or None before the first publish."""
    entries = ledger(home)
    return entries[-1]["version"] if entries else None


def _commit(home: Home, entry: dict) -> None:
    entries = [e for e in ledger(home) if e["version"] != entry["version"]] + [entry]
    write_atomic(home.warehouse / LEDGER, (json.dumps(entries, ensure_ascii=False, indent=2) + "\n").encode())


# --- building a version ---------------------------------------------------------------------------


def _next_version(home: Home) -> str:
    on_disk = [int(p.name[1:]) for p in home.versions.glob("v[0-9]*") if VERSION_NAME.fullmatch(p.name)]
    committed = [int(e["version"][1:]) for e in ledger(home)]
    return f"v{max(on_disk + committed, default=0) + 1:04d}"


def _build_duckdb(con: duckdb.DuckDBPyConnection, target: Path, folder: Path, names: list[str], info: dict,
                  rows: dict[str, int]) -> None:
    """Copy each table, less personal columns, from the version's Parquet into a fresh DuckDB file,
    attached to the publishing connection (one DuckDB instance, one memory limit)."""
    hidden = hidden_columns()
    con.execute(f"ATTACH '{target.as_posix()}' AS version_file")
    try:
        for name in names:
            path = (folder / f"{name}.parquet").as_posix()
            columns = con.execute("SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(?))", [path]).fetchall()
            keep = ", ".join(f'"{c}"' for (c,) in columns if c not in hidden)
            con.execute(f'CREATE TABLE version_file."{name}" AS SELECT {keep} FROM read_parquet(?)', [path])
        con.execute(
            "CREATE TABLE version_file.warehouse_info AS SELECT ? AS version, ?::TIMESTAMPTZ AS published_at, "
            "? AS run_id, ?::JSON AS tables",
            [info["version"], info["published_at"], info.get("run_id"), json.dumps(rows)],
        )
    finally:
        con.execute("DETACH version_file")


def _write_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> int:
    """Stream one table (a view or a registered frame) of `con` to Parquet; return its row count."""
    con.execute(f"COPY (SELECT * FROM \"{name}\") TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
    return con.execute("SELECT count(*) FROM read_parquet(?)", [path.as_posix()]).fetchone()[0]


def _build_version(home: Home, version: str, con: duckdb.DuckDBPyConnection, names: list[str],
                   info: dict) -> tuple[Path, dict]:
    """Write every file of the version into a hidden folder; return it (not yet in place) and its manifest."""
    from pipelines.faults import pause_point

    home.versions.mkdir(parents=True, exist_ok=True)
    tmp = home.versions / f".{version}.{uuid.uuid4().hex}{TMP_SUFFIX}"
    tmp.mkdir()
    try:
        con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")  # it spills instead of growing
        con.execute(f"SET temp_directory = '{(tmp / '.spill').as_posix()}'")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET threads = 1")  # one writer: half the memory of two on a 200,000-row table, no slower
        files, rows = {}, {}
        for name in names:
            path = tmp / f"{name}.parquet"
            rows[name] = _write_parquet(con, name, path)
            files[name] = {"rows": rows[name], "sha256": sha256_file(path)}
        pause_point("publish-snapshot")
        _build_duckdb(con, tmp / DUCKDB_FILE, tmp, names, info, rows)
        shutil.rmtree(tmp / ".spill", ignore_errors=True)
        db = tmp / DUCKDB_FILE
        manifest = {
            **info,
            "version": version,
            "tables": files,
            "duckdb": {"file": DUCKDB_FILE, "sha256": sha256_file(db), "bytes": db.stat().st_size},
            "personal_columns_not_in_duckdb": sorted(hidden_columns()),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        for p in tmp.iterdir():
            fsync_path(p)
            p.chmod(0o444)  # published files are read-only for everyone but root
        fsync_path(tmp)
    except BaseException:  # an error (not a kill: recover() handles those) leaves nothing behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, manifest


def _no_personal_data(home: Home, folder: Path, version: str) -> None:
    """PDPA: a version whose files carry a citizen ID, a phone number or a known name (anywhere but the
    contracts' personal columns of its Parquet snapshots) is never put in place (warehouse/pii_scan.py)."""
    from warehouse.pii_scan import known_names, refuse, scan_folder

    refuse(scan_folder(folder, known_names(home), label=version),
           f"ไม่เผยแพร่คลังข้อมูลรุ่น {version} (รุ่นที่เผยแพร่อยู่ยังคงเดิม)",
           f"warehouse version {version} not published (the published version is unchanged)")


def _refresh_convenience_copy(home: Home, version: str) -> None:
    """`warehouse/khlang.duckdb`: a copy of the current version's file (swapped in whole)."""
    source = home.versions / version / DUCKDB_FILE
    tmp = temp_beside(home.duckdb_path)
    shutil.copyfile(source, tmp)
    tmp.chmod(0o444)
    os.replace(tmp, home.duckdb_path)


def publish(home: Home, tables: dict[str, pl.DataFrame], run_id: str | None = None) -> Published:
    """Publish Polars frames as the next warehouse version (tests and small callers)."""
    con = duckdb.connect()
    try:
        for name, df in tables.items():
            con.register(f"_frame_{name}", df)
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM "_frame_{name}"')
        return publish_views(home, con, list(tables), run_id)
    finally:
        con.close()


def publish_views(home: Home, con: duckdb.DuckDBPyConnection, names: list[str], run_id: str | None = None) -> Published:
    """Publish the tables or views `names` of `con` as the next version, streamed by DuckDB to Parquet
    (no table is held in Python memory). All or nothing for readers."""
    from pipelines.faults import pause_point

    version = _next_version(home)
    published_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    info = {"version": version, "published_at": published_at, "run_id": run_id}
    tmp, manifest = _build_version(home, version, con, names, info)
    try:
        _no_personal_data(home, tmp, version)
    except BaseException:  # refused: the folder goes, the previous version stays published
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    final = home.versions / version
    try:
        os.rename(tmp, final)
        fsync_path(home.versions)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pause_point("publish-commit")  # the folder is in place, the ledger does not name it yet
    _commit(home, {"version": version, "published_at": published_at, "run_id": run_id,
                   "manifest_sha256": sha256_file(final / MANIFEST)})
    _refresh_convenience_copy(home, version)
    return Published(
        version=version,
        published_at=published_at,
        duckdb_path=final / DUCKDB_FILE,
        snapshot_dir=final,
        row_counts={n: t["rows"] for n, t in manifest["tables"].items()},
    )


# --- reading and verifying ------------------------------------------------------------------------


def published_duckdb(home: Home, version: str | None = None) -> Path:
    """The DuckDB file of `version` (default: the current one), which never changes once published."""
    version = version or current_version(home)
    if version is None:
        raise NotPublished(home)
    return home.versions / version / DUCKDB_FILE


def altered(version: str, what: str) -> VersionRefused:
    """The refusal of a version one of whose files (`what`) no longer has its published sha256."""
    return VersionRefused(
        f"คลังข้อมูลรุ่น {version} ถูกแก้ไขหลังเผยแพร่ ({what} ไม่ตรงกับ sha256 ที่บันทึกไว้) — ห้ามใช้ แจ้งกลุ่ม ICT",
        f"warehouse version {version} was altered after publishing ({what} does not match its recorded "
        "sha256): refused, tell the ICT group",
    )


def verified_version(home: Home, version: str | None = None) -> dict:
    """The manifest of a published version whose files are exactly as published; refuse anything else.

    `version` must be a version name (`v0003`), never a path; it must be in the ledger (an orphan folder
    left by a killed run is not a version); the manifest and every file must match their sha256.
    """
    entries = {e["version"]: e for e in ledger(home)}
    if version is None:
        version = current_version(home)
        if version is None:
            raise NotPublished(home)
    if not isinstance(version, str) or not VERSION_NAME.fullmatch(version):
        raise VersionRefused(f"'{version}' ไม่ใช่ชื่อรุ่นของคลังข้อมูล (เช่น v0003)",
                             f"{version!r} is not a warehouse version name (such as v0003)")
    if version not in entries:
        known = ", ".join(list(entries)[-5:]) or "-"
        raise VersionRefused(f"คลังข้อมูลรุ่น {version} ไม่เคยเผยแพร่ (รุ่นล่าสุด: {known})",
                             f"warehouse version {version} was never published (latest: {known})")
    folder = home.versions / version
    manifest_path = folder / MANIFEST

    if not manifest_path.exists() or sha256_file(manifest_path) != entries[version]["manifest_sha256"]:
        raise altered(version, MANIFEST)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    expected = {f"{n}.parquet": t["sha256"] for n, t in manifest["tables"].items()}
    expected[manifest["duckdb"]["file"]] = manifest["duckdb"]["sha256"]
    for name, digest in expected.items():
        path = folder / name
        if not path.exists() or sha256_file(path) != digest:
            raise altered(version, name)
    return manifest


def read_snapshot(home: Home, table: str, version: str | None = None) -> pl.DataFrame:
    """A published table as it was in `version` (default: the current one), personal columns included."""
    version = version or current_version(home)
    if version is None:
        raise NotPublished(home)
    path = home.versions / version / f"{table}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"version {version} has no table {table!r} ({path})")
    return pl.read_parquet(path)


# --- after a crash --------------------------------------------------------------------------------


def recover(home: Home) -> list[str]:
    """Remove what a killed run left: temporary files and folders anywhere under the data root's
    working folders, and version folders the ledger does not name; refresh the convenience copy.
    Call only while holding the run lock. Returns what was removed, for the run's log."""
    removed = []
    for base in (home.lake, home.warehouse, home.state, home.exports):
        if not base.exists():
            continue
        for p in sorted(base.rglob(f"*{TMP_SUFFIX}"), key=lambda p: len(p.parts), reverse=True):
            if p.name.startswith("."):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
                removed.append(str(p.relative_to(home.root)))
    published = {e["version"] for e in ledger(home)}
    if home.versions.exists():
        for p in home.versions.iterdir():
            if p.is_dir() and VERSION_NAME.fullmatch(p.name) and p.name not in published:
                shutil.rmtree(p)
                removed.append(str(p.relative_to(home.root)))
    current = current_version(home)
    if current:
        recorded = json.loads((home.versions / current / MANIFEST).read_text(encoding="utf-8"))["duckdb"]["sha256"]
        if not home.duckdb_path.exists() or sha256_file(home.duckdb_path) != recorded:
            _refresh_convenience_copy(home, current)
            removed.append(f"{home.duckdb_path.relative_to(home.root)} (refreshed from {current})")
    return removed
