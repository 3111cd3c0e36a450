"""Where an export lands: built in a temporary folder beside `--out`, then renamed into place.

`--out` is never written file by file. The export is built in a hidden folder in the same parent (same
file system), flushed, and renamed to `--out`; a previous export there is renamed aside first and
removed after, so a reader sees the old export whole or the new one whole, never a mix, and a failed
or killed export leaves at most a hidden `.<name>.<id>.tmp` folder (removed by `recover`).

`--out` must be a new folder, an empty one, or a previous export (its `manifest.json`, the files
that manifest names and the director's `approval.json`, nothing else). Anything else is refused rather
than deleted: an analyst's own files never disappear, and the data root's own folders (the outbox of
released exports among them) are never an export target. A re-cut replaces `approval.json` with the
rest, so an approval never outlives the files it approved (warehouse/export/signoff.py).
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

from pipelines.config import Home
from warehouse.export.errors import ExportError
from pipelines.durable import fsync_path, sha256_file

MANIFEST = "manifest.json"
APPROVAL = "approval.json"  # the director's decision on the export beside it (signoff.py)
OUTBOX = "outbox"  # under the data root's exports/: released exports, ready to send (signoff.py)
TMP_SUFFIX = ".tmp"  # like every temporary path Khlang writes: `recover` removes hidden `*.tmp` leftovers
T = TypeVar("T")


@dataclass(frozen=True)
class Previous:
    """The export that `--out` held before, which the new one replaces."""

    files: list[str]
    survey: str | None
    period: int | None
    version: str | None
    exported_at: str | None
    modified: list[str]  # its files whose bytes no longer match its manifest (edited after export)

    def as_dict(self) -> dict:
        return asdict(self)


def _shown(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" … (+{len(names) - 5})" if len(names) > 5 else "")


def _own_folders(home: Home) -> list[Path]:
    return [p.resolve() for p in (home.warehouse, home.landing, home.lake, home.gx, home.dagster_home, home.state,
                                  home.exports / OUTBOX)]


def _previous_manifest(path: Path) -> dict | None:
    """The manifest of a previous export, or None if `path` is not one."""
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = (isinstance(m, dict) and isinstance(m.get("files"), list) and "survey" in m
          and all(isinstance(f, dict) and isinstance(f.get("name"), str) and "/" not in f["name"]
                  and "\\" not in f["name"] for f in m["files"]))
    return m if ok else None


def refuse_own_folder(home: Home, out: Path) -> None:
    """ExportError when the resolved folder `out` is the data root, holds it, or lies in one of its own folders."""
    root = home.root.resolve()
    if out == root or root.is_relative_to(out) or any(out.is_relative_to(p) for p in _own_folders(home)):
        raise ExportError(
            f"ไม่ส่งออกลงใน {out} เพราะเป็นโฟลเดอร์ของคลังข้อมูลเอง ({root}) — เลือกโฟลเดอร์อื่น "
            f"เช่น {home.exports}/<ชื่อ>",
            f"refusing to export into {out}: it is (or holds) the data root's own folder ({root}); choose "
            f"another folder, e.g. {home.exports}/<name>",
        )


def check_target(home: Home, out: Path) -> tuple[Path, Previous | None]:
    """The absolute `--out` and the previous export it holds; refuse a target that is not safe to replace."""
    out = Path(out).expanduser().resolve()  # `..` and symlinks resolved: the checks below see the real folder
    refuse_own_folder(home, out)
    if not out.exists():
        return out, None
    if not out.is_dir():
        raise ExportError(f"{out} เป็นไฟล์ ไม่ใช่โฟลเดอร์ — ไม่เขียนทับ",
                          f"{out} is a file, not a folder: nothing overwritten")
    entries = sorted(out.iterdir())
    if not entries:
        return out, None
    manifest = _previous_manifest(out / MANIFEST)
    listed = {MANIFEST, APPROVAL} | {f["name"] for f in manifest["files"]} if manifest else set()
    strangers = [p.name for p in entries if p.name not in listed or p.is_symlink() or not p.is_file()]
    if strangers and manifest is None:
        raise ExportError(
            f"{out} มีไฟล์อยู่แล้วและไม่ใช่ผลการส่งออกครั้งก่อน (ไม่มี {MANIFEST}): {_shown(strangers)} — "
            "ไม่เขียนทับ เลือกโฟลเดอร์ใหม่หรือโฟลเดอร์ว่าง",
            f"{out} already holds files that are not a previous export (no valid {MANIFEST}): "
            f"{_shown(strangers)}; nothing overwritten, choose a new or empty folder",
        )
    if strangers:
        raise ExportError(
            f"{out} มีไฟล์ที่ไม่ใช่ส่วนหนึ่งของผลการส่งออกครั้งก่อน: {_shown(strangers)} — ไม่เขียนทับ "
            "ย้ายไฟล์เหล่านี้ออกก่อน หรือเลือกโฟลเดอร์อื่น",
            f"{out} holds files that are not part of its previous export: {_shown(strangers)}; nothing "
            "overwritten, move them away first or choose another folder",
        )
    recorded = {f["name"]: f.get("sha256") for f in manifest["files"]}
    files = [p.name for p in entries]
    modified = [n for n in files if n in recorded and sha256_file(out / n) != recorded[n]]
    period = manifest.get("period")
    return out, Previous(
        files=files,
        survey=manifest.get("survey"),
        period=int(period) if isinstance(period, (int, str)) and str(period).isdigit() else None,
        version=(manifest.get("warehouse") or {}).get("version") if isinstance(manifest.get("warehouse"), dict) else None,
        exported_at=manifest.get("exported_at"),
        modified=modified,
    )


def write_folder(out: Path, previous: Previous | None, fill: Callable[[Path], T]) -> tuple[T, str | None]:
    """Call `fill(folder)` on a fresh temporary folder beside `out`, then put that folder in `out`'s place.

    Returns what `fill` returned and, in the rare case that files appeared in `out` after it was checked,
    the folder where they were kept (they are never deleted).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex
    tmp = out.parent / f".{out.name}.{tag}{TMP_SUFFIX}"
    tmp.mkdir()
    try:
        result = fill(tmp)
        for p in tmp.iterdir():
            fsync_path(p)
        fsync_path(tmp)
        kept = _swap(tmp, out, previous, tag)
        fsync_path(out.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result, kept


def _swap(new: Path, out: Path, previous: Previous | None, tag: str) -> str | None:
    if not out.exists():
        os.rename(new, out)
        return None
    aside = out.parent / f".{out.name}.replaced-{tag}{TMP_SUFFIX}"
    os.rename(out, aside)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(aside, out)
        raise
    for name in previous.files if previous else []:  # exactly the files that were checked, nothing else
        (aside / name).unlink(missing_ok=True)
    try:
        aside.rmdir()
        return None
    except OSError:  # something was added to --out meanwhile: keep it, visibly, beside the export
        kept = out.parent / f"{out.name}.kept-{tag[:8]}"
        os.rename(aside, kept)
        return str(kept)
