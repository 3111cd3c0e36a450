"""`khlang pii-scan [--version V] [--path DIR]`: look for personal data where none may be (PDPA).

Publish and export already refuse a version or an export that carries a citizen ID, a phone number or a
known name (warehouse/pii_scan.py); this runs the same scan on demand over what is already on disk: by
default every published version kept (its Parquet snapshots and DuckDB file, the current one first),
the convenience copy `warehouse/khlang.duckdb`, and every export under the data root's exports/ folder.
`--version` scans that version only, `--path` a folder or file of your choice (an export cut to another
place, a copy someone made); both may be given, `--path` more than once.

Exit 0: nothing found. Exit 1: findings, each with file, table, column, first row and kind, the value
masked (the report itself must not leak). Exit 2: nothing to scan, or a file that cannot be read.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pipelines.cli.output import out as _out


def add_parser(sub) -> None:
    """Register `pii-scan` on the `khlang` subcommands (nothing heavy is imported until it runs)."""
    p = sub.add_parser(
        "pii-scan", help="look for citizen IDs, phone numbers and known names in published versions and exports (PDPA)",
        description="ตรวจหาข้อมูลส่วนบุคคล (เลขประจำตัวประชาชน หมายเลขโทรศัพท์ ชื่อบุคคล) "
                    "ในคลังข้อมูลที่เผยแพร่และไฟล์ส่งออก / look for personal data (Thai citizen IDs, phone numbers, "
                    "known names) in published versions and "
                    "exports. Default: every version kept and the data root's exports/. Exit 1 when anything is found.")
    p.add_argument("--version", help="scan only this published version, e.g. v0003")
    p.add_argument("--path", action="append", metavar="DIR",
                   help="scan this folder or file instead (an export elsewhere, a copy); may be repeated")
    p.set_defaults(func=cmd_pii_scan)


def _refuse(th: str, en: str) -> int:
    print(f"  ✗ {th}\n    {en}", file=sys.stderr)
    return 2


def _targets(args, h) -> list[tuple[Path, str]] | tuple[str, str]:
    """(folder or file, label) to scan, or a (th, en) refusal."""
    from warehouse.publish import VERSION_NAME, current_version, ledger

    targets: list[tuple[Path, str]] = []
    versions = [e["version"] for e in ledger(h)]
    if args.version is not None:
        if not VERSION_NAME.fullmatch(args.version) or args.version not in versions:
            known = ", ".join(versions[-5:]) or "-"
            return (f"ไม่มีคลังข้อมูลรุ่น '{args.version}' ที่เผยแพร่ (รุ่นล่าสุด: {known})",
                    f"no published warehouse version {args.version!r} (latest: {known})")
        versions = [args.version]
    elif args.path:
        versions = []
    current = current_version(h)
    for v in sorted(versions, key=lambda v: v != current):  # the current version first
        if (h.versions / v).is_dir():
            targets.append((h.versions / v, f"warehouse/versions/{v}"))
    if args.version is None and not args.path:
        if h.duckdb_path.is_file():
            targets.append((h.duckdb_path, "warehouse"))
        if h.exports.is_dir():
            targets.append((h.exports, "exports"))
    for raw in args.path or []:
        path = Path(raw).expanduser()
        if not path.exists():
            return f"ไม่พบ {path}", f"no such folder or file: {path}"
        targets.append((path, str(path)))
    return targets


def cmd_pii_scan(args) -> int:
    from pipelines.config import home
    from warehouse.pii_scan import files_under, known_names, scan_paths

    h = home()
    targets = _targets(args, h)
    if isinstance(targets, tuple):
        return _refuse(*targets)
    if not targets:
        return _refuse(f"ไม่มีอะไรให้ตรวจ: ยังไม่มีคลังข้อมูลที่เผยแพร่หรือไฟล์ส่งออกที่ {h.root}",
                       f"nothing to scan: no published version and no export under {h.root}")
    started = time.perf_counter()
    names = known_names(h)
    paths = []
    for target, label in targets:
        base = target.parent if target.is_file() else target
        paths += [(p, f"{label}/{p.relative_to(base).as_posix()}") for p in files_under(target)]
    _out(f"ตรวจหาข้อมูลส่วนบุคคล (PDPA) {len(paths)} ไฟล์ / scanning {len(paths)} files for personal data:")
    for _, label in targets:
        _out(f"  {label}")
    _out(f"  ชื่อบุคคลที่รู้จัก {len(names)} ชื่อ จาก landing/ และ lake/raw (ไม่แสดง) / "
         f"{len(names)} known names from landing/ and lake/raw (never shown)")
    try:
        findings = scan_paths(paths, names)
    except Exception as e:  # noqa: BLE001 -- whatever stops a read (I/O, Parquet, DuckDB, XLSX), the scan is incomplete
        return _refuse("อ่านไฟล์ไม่ได้ จึงตรวจไม่ครบ", f"a file could not be read, so the scan is incomplete: {e}")
    took = time.perf_counter() - started
    if not findings:
        _out(f"✓ ไม่พบข้อมูลส่วนบุคคล / no personal data found ({len(paths)} files, {took:.1f} s)")
        return 0
    _out(f"✗ พบข้อมูลส่วนบุคคล {len(findings)} จุด / personal data found in {len(findings)} place(s) ({took:.1f} s):")
    for f in findings:
        _out(f"  - {f.th}\n    {f.en}")
    return 1
