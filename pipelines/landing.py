"""The landing zone: every entry under landing/, which ones are read, and in which order they arrived.

Every directory entry is accounted for. Regular files are read (unsupported types become a per-file
error when parsed). Entries that are not read are returned as skipped with a reason in Thai and
English, and become a `skipped` row of raw/file_report:

- `~$…` Excel/Word lock files (Office writes them while a workbook is open; they hold no data);
- hidden files and folders (`.…`): a hidden folder is one entry, its contents are not walked;
- FIFOs, sockets and devices: never opened (opening a FIFO blocks until something writes to it);
- symbolic links are never followed out of landing/: a link whose target is outside landing/, is
  missing (dangling) or loops is skipped. A link to a file inside landing/ is read under the link's own
  name, unless its target is itself read (then it is skipped as the same file, so rows are not counted
  twice). Links to folders are not walked (the folder inside landing/ is walked under its own name);
- entries that cannot be opened (permission denied).

"Later submission" ties on survey date are broken by arrival in the landing zone, so arrival must not
change when a run is repeated: the first time a (path, content) pair is seen it gets the next arrival
number in `state/arrivals.parquet`; files seen together for the first time are numbered by
modification time, then path. A file whose content changes arrives again, later.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from pipelines.config import Home
from pipelines.parsing.readers import SUPPORTED
from pipelines.durable import sha256_file
from warehouse import lake

LEDGER_SCHEMA = {"path": pl.String, "sha256": pl.String, "arrival_seq": pl.Int64, "first_seen": pl.String}
INVENTORY_SCHEMA = {
    "path": pl.String,
    "size": pl.Int64,
    "mtime_ns": pl.Int64,
    "sha256": pl.String,
    "supported": pl.Boolean,
    "skip_kind": pl.String,  # null when the file is read
    "skip_th": pl.String,
    "skip_en": pl.String,
}


@dataclass(frozen=True)
class Entry:
    """One directory entry under landing/: read (skip is None) or skipped with a reason."""

    rel: str  # POSIX path relative to landing/
    path: Path
    size: int
    mtime_ns: int
    skip: str | None = None
    th: str | None = None
    en: str | None = None


def shown(rel: str) -> str:
    """A path as one printable line: newlines, tabs and other control characters escaped (Thai kept)."""
    if rel.isprintable():
        return rel
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in rel)


def lock_file(name: str) -> bool:
    return name.startswith("~$")


def _skipped(rel: str, path: Path, st: os.stat_result | None, kind: str, th: str, en: str) -> Entry:
    name = shown(rel)
    return Entry(rel, path, st.st_size if st else 0, st.st_mtime_ns if st else 0, kind,
                 f"ข้าม '{name}': {th}", f"skipped '{name}': {en}")


def _inside(target: Path, root: Path) -> bool:
    return target == root or root in target.parents


def _special(mode: int) -> tuple[str, str] | None:
    if stat.S_ISFIFO(mode):
        return "ไปป์ (FIFO) ไม่ใช่ไฟล์ข้อมูล ไม่ได้เปิดอ่าน", "a FIFO (named pipe), not a data file; not opened"
    if stat.S_ISSOCK(mode):
        return "ซ็อกเก็ต ไม่ใช่ไฟล์ข้อมูล", "a socket, not a data file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "ไฟล์อุปกรณ์ ไม่ใช่ไฟล์ข้อมูล", "a device file, not a data file"
    return None


def scan(landing: Path) -> list[Entry]:
    """Every entry under `landing`, any depth, without following a link or opening anything."""
    if not landing.is_dir():
        return []
    root = Path(os.path.realpath(landing))
    entries: list[Entry] = []
    links: list[tuple[str, Path, os.stat_result, Path]] = []  # links to files inside landing/
    pending = [(landing, "")]
    while pending:  # a walk over directory entries, not over data
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            entries.append(_skipped(prefix.rstrip("/") or ".", folder, None, "unreadable",
                                    f"เปิดโฟลเดอร์ไม่ได้ ({exc.strerror})", f"cannot open the folder ({exc.strerror})"))
            continue
        for child in children:
            rel, path = prefix + child.name, Path(child.path)
            try:
                st = child.stat(follow_symlinks=False)
            except OSError as exc:
                entries.append(_skipped(rel, path, None, "unreadable", f"อ่านข้อมูลไฟล์ไม่ได้ ({exc.strerror})",
                                        f"cannot stat the entry ({exc.strerror})"))
                continue
            if lock_file(child.name):
                entries.append(_skipped(rel, path, st, "lock_file",
                                        "ไฟล์ล็อกชั่วคราวของ Excel/Word (เกิดขณะเปิดไฟล์อยู่) ไม่มีข้อมูล",
                                        "an Excel/Word lock file (made while a workbook is open); holds no data"))
            elif child.name.startswith("."):
                folder_th = "โฟลเดอร์ซ่อน ไม่ได้อ่านไฟล์ข้างใน" if stat.S_ISDIR(st.st_mode) else "ไฟล์ซ่อน"
                folder_en = "a hidden folder; its files are not read" if stat.S_ISDIR(st.st_mode) else "a hidden file"
                entries.append(_skipped(rel, path, st, "hidden", folder_th, folder_en))
            elif stat.S_ISLNK(st.st_mode):
                entry = _link(rel, path, st, root)
                if entry is None:
                    links.append((rel, path, st, Path(os.path.realpath(path))))
                else:
                    entries.append(entry)
            elif stat.S_ISDIR(st.st_mode):
                pending.append((path, rel + "/"))
            elif stat.S_ISREG(st.st_mode):
                entries.append(Entry(rel, path, st.st_size, st.st_mtime_ns))
            else:
                th, en = _special(st.st_mode) or ("ไม่ใช่ไฟล์ข้อมูล", "not a regular file")
                entries.append(_skipped(rel, path, st, "special", th, en))
    read_targets = {os.path.realpath(e.path): e.rel for e in entries if e.skip is None}
    for rel, path, st, target in links:
        same = read_targets.get(str(target))
        if same is not None:
            entries.append(_skipped(rel, path, st, "symlink_duplicate",
                                    f"ลิงก์ไปยังไฟล์ '{shown(same)}' ซึ่งอ่านแล้วในชื่อของมันเอง (ไม่นับแถวซ้ำ)",
                                    f"a link to '{shown(same)}', which is read under its own name (rows not counted twice)"))
        else:
            target_st = os.stat(target)
            entries.append(Entry(rel, path, target_st.st_size, target_st.st_mtime_ns))
    return sorted(entries, key=lambda e: e.rel)


def _link(rel: str, path: Path, st: os.stat_result, root: Path) -> Entry | None:
    """A symlink: skipped with its reason, or None when it is a link to a regular file inside landing/."""
    try:
        target = Path(os.path.realpath(path, strict=True))
    except OSError:  # missing target, or a loop
        return _skipped(rel, path, st, "symlink_dangling", "ลิงก์ที่ชี้ไปยังไฟล์ที่ไม่มีอยู่ (หรือวนกลับ) ไม่ได้อ่าน",
                        "a symbolic link whose target does not exist (or loops); not read")
    if not _inside(target, root):
        return _skipped(rel, path, st, "symlink_outside", "ลิงก์ที่ชี้ออกไปนอกโฟลเดอร์ landing/ ไม่ได้ตามไปอ่าน",
                        "a symbolic link pointing outside landing/; not followed")
    try:
        mode = os.stat(target).st_mode
    except OSError as exc:
        return _skipped(rel, path, st, "unreadable", f"อ่านปลายทางของลิงก์ไม่ได้ ({exc.strerror})",
                        f"cannot stat the link's target ({exc.strerror})")
    if stat.S_ISDIR(mode):
        return _skipped(rel, path, st, "symlink_folder", "ลิงก์ไปยังโฟลเดอร์ใน landing/ (อ่านโฟลเดอร์นั้นในชื่อของมันเอง)",
                        "a link to a folder inside landing/ (that folder is read under its own name)")
    if not stat.S_ISREG(mode):
        th, en = _special(mode) or ("ไม่ใช่ไฟล์ข้อมูล", "not a regular file")
        return _skipped(rel, path, st, "special", f"ลิงก์ไปยัง{th}", f"a link to {en}")
    return None


def still_inside(landing: Path, rel: str) -> bool:
    """At read time: the path still resolves to a regular file inside landing/ (a link may have been
    changed since the scan); never follow it out."""
    path = landing / rel
    try:
        target = Path(os.path.realpath(path, strict=True))
        return _inside(target, Path(os.path.realpath(landing))) and stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return False


def landing_files(home: Home) -> list[Path]:
    """The files under landing/ that are read (see `scan` for what is skipped and why)."""
    return [e.path for e in scan(home.landing) if e.skip is None]


def fingerprint(home: Home) -> str:
    """Cheap change detector for the sensor: every entry's path, size, mtime and skip reason; no hashing,
    nothing opened."""
    h = hashlib.sha256()
    for e in scan(home.landing):
        h.update(f"{e.rel}|{e.size}|{e.mtime_ns}|{e.skip or ''}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _read_ledger(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=LEDGER_SCHEMA)


def _known_hashes(home: Home) -> dict[tuple[str, int, int], str]:
    """sha256 of files the previous inventory hashed, by (path, size, mtime_ns): an unchanged file is not
    read again (a year of event logs is gigabytes). Any change of size or modification time (ns) hashes
    it again, as make and rsync judge a file."""
    previous = lake.path(home, "landing", "files")
    if not previous.exists():
        return {}
    rows = pl.read_parquet(previous, columns=["path", "size", "mtime_ns", "sha256"]).drop_nulls()
    return {(r[0], r[1], r[2]): r[3] for r in rows.iter_rows()}  # one entry per file, not per data row


def new_bytes(home: Home) -> int:
    """Bytes of files under landing/ that the last inventory did not see as they are now (by path, size
    and modification time): a cheap look, before any hashing, at whether tonight is a big night."""
    known = _known_hashes(home)
    return sum(e.size for e in scan(home.landing) if e.skip is None and (e.rel, e.size, e.mtime_ns) not in known)


def _row(e: Entry, known: dict | None = None) -> dict:
    try:
        e.rel.encode("utf-8")
    except UnicodeEncodeError:  # a name in a legacy encoding (e.g. unzipped from Windows): not storable as text
        rel = e.rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        e = _skipped(rel, e.path, None, "bad_name", "ชื่อไฟล์ไม่ใช่ UTF-8 (เปลี่ยนชื่อไฟล์เป็นภาษาไทยใหม่แล้ววางอีกครั้ง)",
                     "the file name is not UTF-8 (rename the file and drop it again)")
    row = {"path": e.rel, "size": e.size, "mtime_ns": e.mtime_ns, "sha256": None,
           "supported": Path(e.rel).suffix.lower() in SUPPORTED, "skip_kind": e.skip, "skip_th": e.th, "skip_en": e.en}
    if e.skip is None:
        try:
            row["sha256"] = (known or {}).get((e.rel, e.size, e.mtime_ns)) or sha256_file(e.path)
        except OSError as exc:  # e.g. permission denied: accounted for, not read
            skipped = _skipped(e.rel, e.path, None, "unreadable", f"เปิดอ่านไฟล์ไม่ได้ ({exc.strerror})",
                               f"cannot open the file ({exc.strerror})")
            row.update(skip_kind=skipped.skip, skip_th=skipped.th, skip_en=skipped.en)
    if row["skip_kind"]:
        row["supported"] = False
    return row


def inventory(home: Home) -> pl.DataFrame:
    """Every landing entry: read files with size, mtime, sha256, arrival number and whether Khlang can
    read the type; skipped entries with `skip_kind` and a Thai/English reason (no hash, no arrival)."""
    known = _known_hashes(home)
    found = pl.DataFrame([_row(e, known) for e in scan(home.landing)], schema=INVENTORY_SCHEMA)
    ledger_path = home.state / "arrivals.parquet"
    ledger = _read_ledger(ledger_path)
    read = found.filter(pl.col("skip_kind").is_null())
    new = read.join(ledger, on=["path", "sha256"], how="anti").sort("mtime_ns", "path")
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
        lake.write(ledger, ledger_path)
    return found.join(ledger, on=["path", "sha256"], how="left").sort("arrival_seq", "path", nulls_last=True)
