"""`khlang template SURVEY --out FILE.xlsx`: the blank template of a survey, built from its contract.

The office sends it to schools so that what they fill in is what the warehouse reads: Thai headers,
drop-down lists, text cells for codes and an instructions sheet (warehouse/templates.py). A filled
template passes `khlang check` with no message. Writes only FILE (through a temporary file beside it,
so a failed write leaves no half workbook). Exit 2 when SURVEY has no template or FILE cannot be written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipelines.cli.output import out as _out


def add_parser(sub) -> None:
    """Register `template` on the `khlang` subcommands (contracts are not loaded until it runs)."""
    t = sub.add_parser("template", help="blank .xlsx template of a survey: Thai headers, drop-down lists, instructions sheet",
                       description="แบบฟอร์มเปล่าของแบบสำรวจ สร้างจากสัญญาข้อมูล (contract) / the blank template of a "
                                   "survey, built from its contract. SURVEY is a table name, e.g. dltv_equipment.")
    t.add_argument("survey", metavar="SURVEY", help="table name, e.g. dltv_equipment (an unknown name lists the valid ones)")
    t.add_argument("--out", required=True, metavar="FILE.xlsx", help="where to write the template")
    t.set_defaults(func=cmd_template)


def _refuse(th: str, en: str) -> int:
    print(f"  ✗ {th}\n    {en}", file=sys.stderr)
    return 2


def cmd_template(args) -> int:
    from xlsxwriter.exceptions import FileCreateError

    from pipelines.durable import temp_beside
    from warehouse.contracts import contracts
    from warehouse.templates import has_template, template_tables, write_template

    valid = template_tables()
    listed = "\n".join(f"      {t}  {contracts()[t].th}" for t in valid)
    contract = contracts().get(args.survey)
    if contract is None or not has_template(contract):
        if contract is None:
            th, en = f"ไม่รู้จักแบบสำรวจ '{args.survey}'", f"unknown survey {args.survey!r}"
        else:
            th = f"'{args.survey}' ({contract.th}) เป็นไฟล์ที่ระบบแพลตฟอร์มส่งออกเอง ไม่มีแบบฟอร์มให้กรอก"
            en = f"{args.survey!r} is a platform's machine export: nobody types it, so it has no template"
        return _refuse(f"{th} — แบบสำรวจที่มีแบบฟอร์ม:\n{listed}", f"{en}; surveys with a template: {', '.join(valid)}")
    path = Path(args.out)
    if path.suffix.lower() != ".xlsx":
        return _refuse(f"ชื่อไฟล์ต้องลงท้ายด้วย .xlsx: {path}", f"--out must name an .xlsx file: {path}")
    if not path.parent.is_dir():
        return _refuse(f"ไม่พบโฟลเดอร์ {path.parent} — สร้างโฟลเดอร์ก่อน", f"no such folder: {path.parent}")
    tmp = temp_beside(path)
    try:
        at = write_template(contract, tmp)
        os.replace(tmp, path)
    except (OSError, FileCreateError) as e:
        tmp.unlink(missing_ok=True)
        return _refuse(f"เขียนไฟล์ {path} ไม่ได้", f"cannot write {path}: {e}")
    _out(f"สร้างแบบฟอร์ม{contract.th} ({contract.table}) แล้ว: {path}\n"
         f"  template written: {path}\n"
         f"  ชีตข้อมูล / data sheet: '{at.sheet}' กรอกตั้งแต่แถว / fill in from row {at.first_data_row + 1}")
    return 0
