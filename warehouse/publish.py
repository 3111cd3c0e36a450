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

The office is a dimension of the data: every table a version publishes carries `office_code` (text,
the data root's รหัสเขตพื้นที่, `Home.office.code`, "0000" for a root that never set it), added as the
last column when the table does not already have one, in the Parquet snapshot and so in the DuckDB file
and the Delta table. One root holds one office, so it is a constant per version; it is there so that
245 offices' tables can be stacked (OBEC, Spark, Trino) without losing whose rows are whose.

Delta tables (`warehouse/tables/<name>/`, `DELTA_DIR`): each published table is also a Delta Lake
table, for Spark, Trino and DuckDB (`delta_scan`) and for history by version. Design:
- The ledger stays the one truth. Delta commits are made only AFTER the ledger commit
  (`sync_delta`), one overwrite commit per table per version whose commit metadata names the version
  (`VERSION_KEY`); every run's recovery (pipelines/recovery.py, holding the run lock, right after
  `recover`) calls `sync_delta` again, so a
  run killed between the ledger and the Delta commits is repaired by the next run, and Delta is never
  ahead of the ledger. A table the current version no longer has gets an empty overwrite (a delete
  commit) naming the version, so every table's newest Khlang commit is the ledger's current version.
- No second copy of the data: the Delta table's data file for a version is a hard link to the
  version's own Parquet snapshot (`<version>.parquet` in the table folder; a copy only where the file
  system cannot link). The snapshot is read-only and checked by sha256; Delta never rewrites a file of
  a one-file table (compaction has nothing to merge), and vacuuming an old link frees nothing while
  `versions/` keeps the version. Like the snapshot, it keeps every column: warehouse/ is the ICT
  group's; analysts read the DuckDB files, which never hold personal columns.
- The file name is fixed by the version, so a repair after a kill between linking and committing
  replaces the link it left instead of leaving an orphan beside it.
- Time travel: `DeltaTable(path).load_as_version(n)`, or `delta_versions` to map a warehouse version to
  the Delta version that committed it. Retention (vacuum) and compaction: warehouse/maintenance.py.
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
DELTA_DIR = "tables"  # warehouse/tables/<name>/: the Delta table of each published table
VERSION_KEY = "khlang.version"  # Delta commit metadata: the warehouse version the commit published
OFFICE_COLUMN = "office_code"
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
            f"? AS run_id, ?::JSON AS tables, ?::VARCHAR AS {OFFICE_COLUMN}",
            [info["version"], info["published_at"], info.get("run_id"), json.dumps(rows), info["office_code"]],
        )
    finally:
        con.execute("DETACH version_file")


def _write_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path, office_code: str) -> int:
    """Stream one table (a view or a registered frame) of `con` to Parquet, with `office_code` as its
    last column unless it has one already; return its row count."""
    columns = {r[0] for r in con.execute(f'DESCRIBE SELECT * FROM "{name}"').fetchall()}
    office = "" if OFFICE_COLUMN in columns else f", '{office_code.replace(chr(39), '')}'::VARCHAR AS {OFFICE_COLUMN}"
    con.execute(f"COPY (SELECT *{office} FROM \"{name}\") TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
    return con.execute("SELECT count(*) FROM read_parquet(?)", [path.as_posix()]).fetchone()[0]


@dataclass
class _Scan:
    """What the personal-data scan of a version being built has read so far, and what it found."""

    names: object  # warehouse.pii_scan.Names: the known personal names, read once per publish
    paths: set[Path]
    findings: list


def _scan(home: Home, version: str, folder: Path, paths: list[Path], names=None) -> _Scan:
    from warehouse.pii_scan import known_names, scan_paths

    names = known_names(home) if names is None else names
    return _Scan(names, set(paths), scan_paths([(p, f"{version}/{p.relative_to(folder).as_posix()}") for p in paths], names))


def _build_version(home: Home, version: str, con: duckdb.DuckDBPyConnection, names: list[str],
                   info: dict) -> tuple[Path, dict, _Scan]:
    """Write every file of the version into a hidden folder; return it (not yet in place), its manifest
    and the personal-data scan of its Parquet snapshots, made while the DuckDB file was built from them
    (DuckDB and Polars both work outside Python's lock: the scan costs the night little)."""
    from concurrent.futures import ThreadPoolExecutor

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
            rows[name] = _write_parquet(con, name, path, info["office_code"])
            files[name] = {"rows": rows[name], "sha256": sha256_file(path)}
        pause_point("publish-snapshot")
        with ThreadPoolExecutor(max_workers=1) as pool:
            snapshots = pool.submit(_scan, home, version, tmp, [tmp / f"{name}.parquet" for name in names])
            _build_duckdb(con, tmp / DUCKDB_FILE, tmp, names, info, rows)
            scanned = snapshots.result()
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
    return tmp, manifest, scanned


def _no_personal_data(home: Home, folder: Path, version: str, scanned: _Scan) -> None:
    """PDPA: a version whose files carry a citizen ID, a phone number or a known name (anywhere but the
    contracts' personal columns of its Parquet snapshots) is never put in place (warehouse/pii_scan.py).
    Every file under `folder` is scanned: those `scanned` already, the others (the DuckDB file, the
    manifest, anything else) now."""
    from warehouse.pii_scan import files_under, refuse

    rest = _scan(home, version, folder, [p for p in files_under(folder) if p not in scanned.paths], scanned.names)
    refuse(scanned.findings + rest.findings,
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
    info = {"version": version, "published_at": published_at, "run_id": run_id, "office_code": home.office.code}
    tmp, manifest, scanned = _build_version(home, version, con, names, info)
    try:
        _no_personal_data(home, tmp, version, scanned)
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
    pause_point("publish-delta")  # the ledger names the version, the Delta tables do not yet
    sync_delta(home)
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


# --- the Delta tables -----------------------------------------------------------------------------


def delta_root(home: Home) -> Path:
    return home.warehouse / DELTA_DIR


def delta_path(home: Home, table: str) -> Path:
    """The Delta table of published table `table` (exists once a version published it)."""
    return delta_root(home) / table


def delta_tables(home: Home) -> list[str]:
    """Names of the published Delta tables on disk."""
    root = delta_root(home)
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "_delta_log").is_dir())


def load_delta_extension(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's `delta` extension (for `delta_scan`) from the pinned PyPI package
    duckdb-extension-delta, which ships the binary for this DuckDB version: no download."""
    import duckdb_extension_delta

    ext = Path(duckdb_extension_delta.__file__).parent / "extensions" / f"v{duckdb.__version__}" / "delta.duckdb_extension"
    con.execute(f"LOAD '{ext.as_posix()}'")


def delta_versions(home: Home, table: str) -> dict[str, int]:
    """Warehouse version -> the Delta version that published it, for `table` (oldest first). The
    commits of maintenance (OPTIMIZE, VACUUM) name no warehouse version and are not listed."""
    from deltalake import DeltaTable

    found = {c[VERSION_KEY]: c["version"] for c in DeltaTable(str(delta_path(home, table))).history()
             if VERSION_KEY in c}
    return dict(sorted(found.items(), key=lambda kv: kv[1]))


def _delta_published(path: Path) -> str | None:
    """The warehouse version of the Delta table's newest Khlang commit (None: no table yet)."""
    if not (path / "_delta_log").is_dir():
        return None
    from deltalake import DeltaTable

    dt = DeltaTable(str(path))
    for limit in (16, None):  # maintenance commits may lie on top: look further only when needed
        for commit in dt.history(limit):
            if VERSION_KEY in commit:
                return commit[VERSION_KEY]
    return None


def _link(source: Path, target: Path) -> None:
    """`target` becomes the same file as `source` (a hard link: no second copy), else a copy."""
    target.unlink(missing_ok=True)  # a killed sync's link, never committed: replaced, not left beside
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links (or across devices): copy, swapped in whole
        tmp = temp_beside(target)
        shutil.copyfile(source, tmp)
        tmp.chmod(0o444)
        os.replace(tmp, target)


def _commit_delta(home: Home, table: str, version: str, source: Path | None) -> int:
    """One Delta commit making `table` hold `source` (a version's Parquet snapshot) and nothing else,
    or no rows when `source` is None; the commit names `version`. Returns the Delta version."""
    import pyarrow.parquet as pq
    from deltalake import CommitProperties, DeltaTable, PostCommitHookProperties, Schema
    from deltalake.transaction import AddAction, create_table_with_add_actions

    base = delta_path(home, table)
    props = CommitProperties(custom_metadata={VERSION_KEY: version})
    hooks = PostCommitHookProperties(create_checkpoint=True, cleanup_expired_logs=False)  # history maps versions
    exists = (base / "_delta_log").is_dir()
    if source is None:
        if exists:
            DeltaTable(str(base)).delete(commit_properties=props, post_commithook_properties=hooks)
            return DeltaTable(str(base)).version()
        return -1
    base.mkdir(parents=True, exist_ok=True)
    rel = f"{version}.parquet"
    _link(source, base / rel)
    meta = pq.read_metadata(base / rel)
    schema = Schema.from_arrow(meta.schema.to_arrow_schema().remove_metadata())
    stat = (base / rel).stat()
    action = AddAction(rel, stat.st_size, {}, int(stat.st_mtime * 1000), True,
                       json.dumps({"numRecords": meta.num_rows}))
    if not exists:
        create_table_with_add_actions(str(base), schema, [action], mode="overwrite", commit_properties=props,
                                      post_commithook_properties=hooks)
    else:
        DeltaTable(str(base)).create_write_transaction([action], mode="overwrite", schema=schema,
                                                        commit_properties=props, post_commithook_properties=hooks)
    return DeltaTable(str(base)).version()


def sync_delta(home: Home) -> list[str]:
    """Bring every published Delta table to the ledger's current version: one commit for each table
    whose newest Khlang commit names another version (or that does not exist yet). Idempotent; called
    after each publish and by `recover`. Returns one line per commit made."""
    version = current_version(home)
    if version is None:
        return []
    folder = home.versions / version
    names = list(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["tables"])
    done = []
    for table in [*names, *(t for t in delta_tables(home) if t not in names)]:
        if _delta_published(delta_path(home, table)) == version:
            continue
        source = folder / f"{table}.parquet" if table in names else None
        if _commit_delta(home, table, version, source) >= 0:
            done.append(f"{delta_path(home, table).relative_to(home.root)} (Delta: {version})")
    return done


# --- after a crash --------------------------------------------------------------------------------


def recover(home: Home) -> list[str]:
    """Remove what a killed run left: temporary files and folders anywhere under the data root's
    working folders, and version folders the ledger does not name; refresh the convenience copy.
    (A run's recovery, pipelines/recovery.py, then calls `sync_delta` for the Delta tables.)
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
