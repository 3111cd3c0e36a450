"""`khlang release DIR [--to DEST]`: send on an OBEC export the director has approved (contract section 4).

DIR is a folder `khlang export obec --out DIR` made and the director approved on the dashboards' sign-off
page. Its approval (DIR/approval.json, signed) and every file's sha256 are checked against the manifest
approved; the files are then copied into DEST (default: the data root's exports/outbox/<survey>_<period>_
<version>_<hash>), a new folder that appears whole, beside the released manifest.json: the approved one with
the approval (who, role, when in UTC and Bangkok, the sha256 of the manifest approved). That folder is what
goes to OBEC; DIR is left as it was. Why a copy: warehouse/export/signoff.py.

Exit 1, with a Thai and an English line, when the export is not approved (awaiting approval, returned for
correction) or anything changed after approval (which voids it); exit 2 when DIR holds no export, DEST is
not a new or empty folder outside the data root's own ones, or the audit log cannot be written. Every
release and every refusal is an entry of the audit log (export_released: the OS user, role ict).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.cli.output import out as _out


def add_parser(sub) -> None:
    """Register `release` on the `khlang` subcommands (nothing heavy is imported until it runs)."""
    r = sub.add_parser("release", help="copy an OBEC export the director approved into the outbox, with the approval",
                       description="ส่งออกไฟล์ที่ ผอ.สพท. อนุมัติแล้ว / release an OBEC export the director approved: "
                                   "checks the approval and every file's sha256, then copies the files and the "
                                   "manifest with the approval into a new folder, ready to send to OBEC.")
    r.add_argument("dir", metavar="DIR", help="the folder `khlang export obec --out DIR` wrote")
    r.add_argument("--to", metavar="DEST", help="a new (or empty) folder for the released copy "
                                                "(default: the data root's exports/outbox/<survey>_<period>_<version>_<hash>)")
    r.set_defaults(func=cmd_release)


def cmd_release(args) -> int:
    from pipelines.audit import os_user
    from pipelines.config import home
    from warehouse.export import ExportError
    from warehouse.export.signoff import SignoffRefused, release

    try:
        done = release(home(), Path(args.dir), user=os_user(), role="ict", to=Path(args.to) if args.to else None)
    except ExportError as e:
        print(f"  ✗ {e.th}\n    {e.en}", file=sys.stderr)
        return 1 if isinstance(e, SignoffRefused) else 2
    m, a = done.manifest, done.manifest["approval"]
    _out(f"ส่งออก {m['survey']} ปี {m['period']} ที่ ผอ.สพท. อนุมัติแล้ว ไปที่ {done.folder} พร้อมส่ง สพฐ.\n"
         f"  released {m['survey']} {m['period']}, approved by the director, to {done.folder}, ready to send to OBEC")
    _out(f"  อนุมัติโดย / approved by {a['name']} ({a['by']}, {a['role']}) "
         f"{a['at_bangkok']} (เวลาไทย / Bangkok) = {a['at_utc']} UTC")
    _out(f"  manifest ที่อนุมัติ / manifest approved: sha256 {a['manifest_sha256']}")
    for f in m["files"]:
        _out(f"  {f['name']}  sha256 {f['sha256']} (ตรงกับที่อนุมัติ / as approved)")
    _out("  manifest.json (พร้อมข้อมูลการอนุมัติ / with the approval)")
    return 0
