"""`khlang export obec`: one survey and period of a verified published version, for OBEC.

The export is prepared, not sent: it is recorded in the audit log (export_prepared: the OS user, role ict)
and registered as awaiting the director's approval (warehouse/export/signoff.py); once approved on the
dashboards' sign-off page, `khlang release DIR` makes the copy that goes to OBEC."""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.cli.output import out as _out
from pipelines.config import home


def _replaced_lines(replaced: dict) -> list[str]:
    from warehouse.export.folder import APPROVAL

    files = ", ".join(replaced["files"]) or "-"
    if replaced.get("survey"):
        what_th = f"{replaced['survey']} ปี {replaced.get('period')} จากคลังฉบับ {replaced.get('version')}"
        what_en = f"{replaced['survey']} {replaced.get('period')} from version {replaced.get('version')}"
        when = f" ({replaced['exported_at']})" if replaced.get("exported_at") else ""
        lines = [f"แทนที่ผลการส่งออกเดิม {what_th}{when} / replaced the previous export, {what_en}{when}:",
                 f"  {files}"]
    else:
        lines = [f"แทนที่ไฟล์เดิม / replaced: {files}"]
    if replaced.get("modified"):
        mod = ", ".join(replaced["modified"])
        lines.append(f"  ไฟล์เดิมที่ถูกแก้ไขหลังส่งออก / files edited after that export: {mod}")
    if APPROVAL in replaced["files"]:
        lines.append("  การอนุมัติหรือการส่งกลับของผลการส่งออกเดิมสิ้นผลไปพร้อมกัน / the director's decision on the "
                     "previous export no longer applies")
    if replaced.get("kept_in"):
        lines.append(f"  ไฟล์ที่เพิ่มเข้ามาระหว่างส่งออกเก็บไว้ที่ / files added meanwhile kept in: {replaced['kept_in']}")
    return lines


def cmd_export(args) -> int:
    from pipelines.audit import os_user
    from warehouse.export import ExportError
    from warehouse.export.signoff import prepare

    if not str(args.year).isdigit():
        print(f"ปีต้องเป็นตัวเลข พ.ศ. เช่น 2569 ไม่ใช่ '{args.year}' / --year must be a BE year such as 2569, "
              f"not {args.year!r}", file=sys.stderr)
        return 2
    try:
        manifest = prepare(home(), args.survey, int(args.year), Path(args.out), user=os_user(), role="ict",
                           version=args.version)
    except ExportError as e:
        print(str(e), file=sys.stderr)
        return 2
    version = manifest["warehouse"]["version"]
    _out(f"ส่งออก {manifest['rows']['exported']} แถว จากคลังฉบับ {version} (ตรวจ sha256 แล้ว) "
         f"/ exported {manifest['rows']['exported']} rows from verified version {version} to {args.out}:")
    for f in manifest["files"]:
        _out(f"  {f['name']}  sha256 {f['sha256']}")
    _out("  manifest.json")
    formulas = manifest["formula_cells_neutralised"]
    if formulas["cells"]:
        cols = ", ".join(f"{c['header_th']} ({c['cells']})" for c in formulas["columns"])
        _out(f"เติม ' หน้าข้อความที่ขึ้นต้นเหมือนสูตร Excel {formulas['cells']} ช่อง / neutralised "
             f"{formulas['cells']} formula-like text cells (OWASP CSV Injection): {cols}")
    if manifest.get("replaced"):
        for line in _replaced_lines(manifest["replaced"]):
            _out(line)
    _out("รอ ผอ.สพท. อนุมัติ (หน้า “อนุมัติการส่งออก สพฐ.” ของแดชบอร์ด) ยังไม่ส่ง สพฐ. — เมื่ออนุมัติแล้วจึงใช้ "
         f"khlang release {args.out}\n  awaiting the director's approval (the dashboards' sign-off page); nothing is "
         f"sent yet: once approved, run khlang release {args.out}")
    return 0
