"""`khlang report --period 2569 --out FILE.pdf [--version vNNNN] [--office NAME]`: the director's summary
report (สรุปรายงานผลเสนอ ผอ.สพท.), a Thai PDF on A4 of one period of the published warehouse.

The period is a BE year: the fiscal year of the DLTV survey, the budget and the platforms, the academic year
of DLIT and the four areas (warehouse/report/figures.py). The version's files are re-checked against their
published sha256 first, as for an OBEC export. FILE is written whole or not at all (a temporary file beside
it, then a rename). Exit 2, with one Thai and one English line, when nothing is published, the version is
refused, the period has no data, or FILE cannot be written.

Every report made is an entry of the audit log (pipelines.audit, action `report`: the OS user, role ict, FILE
as target, the period, version and pages), written before FILE; as for `khlang sql`, a report whose entry
cannot be written is not written either (and a FILE that then cannot be written gets an `error` entry).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from pipelines.cli.output import out as _out

ENV_OFFICE = "KHLANG_OFFICE"  # the office's name in the report's header (else taken from the register)


def add_parser(sub) -> None:
    """Register `report` on the `khlang` subcommands (nothing heavy is imported until it runs)."""
    r = sub.add_parser("report", help="the director's summary report: a Thai PDF of one period, for A4",
                       description="สรุปรายงานผลเสนอ ผอ.สพท. เป็น PDF ภาษาไทยขนาด A4 ของปีที่เลือก / the director's "
                                   "summary report of one period as a Thai PDF on A4: key figures and the change from "
                                   "the year before, submission coverage, DLTV needs, platform use, DLIT, the four "
                                   "areas and data quality, with charts.")
    r.add_argument("--period", required=True, metavar="YEAR",
                   help="BE year, e.g. 2569 (fiscal year for DLTV, budget and platforms; academic year for DLIT and "
                        "the four areas)")
    r.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    r.add_argument("--version", help="an earlier published warehouse version, e.g. v0003 (default: current)")
    r.add_argument("--office", help=f"the office's name in the header (default: ${ENV_OFFICE}, else the register's "
                                    "province)")
    r.set_defaults(func=cmd_report)


def _refuse(th: str, en: str) -> int:
    print(f"  ✗ {th}\n    {en}", file=sys.stderr)
    return 2


def _audited(h, out: Path, period: int, outcome: str, **details) -> bool:
    """Record the report as a `report` entry of the audit log; False (and why, on stderr) when it cannot be."""
    from pipelines.audit import AuditError, os_user, record
    from pipelines.pii import KeyProblem

    try:
        record(h, "report", user=os_user(), role="ict", target=str(out), outcome=outcome, period=period, **details)
    except (AuditError, KeyProblem, OSError) as e:
        th, en = (e.th, e.en) if isinstance(e, AuditError | KeyProblem) else ("เขียนไฟล์ไม่ได้", str(e))
        _refuse(f"บันทึกการใช้งานไม่ได้ จึงไม่เขียนรายงาน: {th}", f"the audit log cannot be written, so no report is: {en}")
        return False
    return True


def cmd_report(args) -> int:
    period = str(args.period).strip()
    if not (period.isdigit() and len(period) == 4):
        return _refuse(f"ปีต้องเป็นเลข พ.ศ. 4 หลัก เช่น 2569 ไม่ใช่ '{args.period}'",
                       f"--period must be a BE year such as 2569, not {args.period!r}")
    path = Path(args.out)
    if path.suffix.lower() != ".pdf":
        return _refuse(f"ชื่อไฟล์ต้องลงท้ายด้วย .pdf: {path}", f"--out must name a .pdf file: {path}")
    if not path.parent.is_dir():
        return _refuse(f"ไม่พบโฟลเดอร์ {path.parent} — สร้างโฟลเดอร์ก่อน", f"no such folder: {path.parent}")
    # The dashboards' query helpers are Streamlit-cached, and Streamlit warns once that no server runs: not news
    # here (its loggers are its own, made by streamlit.logger).
    from streamlit.logger import get_logger

    get_logger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    from pipelines.config import home
    from pipelines.durable import write_atomic
    from warehouse.report.document import ReportError, build

    h = home()
    try:
        report = build(h, int(period), version=args.version, office=args.office or os.environ.get(ENV_OFFICE))
    except ReportError as e:
        return _refuse(e.th, e.en)
    if not _audited(h, path, report.period, "ok", version=report.version, pages=report.pages):
        return 2
    try:
        write_atomic(path, report.pdf)
    except OSError as e:
        _audited(h, path, report.period, "error", version=report.version, reason=str(e))  # the entry above said ok
        return _refuse(f"เขียนไฟล์ {path} ไม่ได้", f"cannot write {path}: {e}")
    _out(f"สร้างสรุปรายงานผลเสนอ ผอ.สพท. ปี {report.period} แล้ว: {path} ({report.pages} หน้า, A4)\n"
         f"  director's report for {report.period} written: {path} ({report.pages} pages, A4)\n"
         f"  จากคลังข้อมูลรุ่น / from warehouse version {report.version} (ตรวจ sha256 แล้ว / verified)")
    return 0
