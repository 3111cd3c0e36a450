"""`khlang audit verify|export|prune`: the audit log of who did what (pipelines/audit says what and why).

    khlang audit verify                          exit 0: whole and unedited; 1: each problem, Thai then English
    khlang audit export --out FILE.csv [--since YYYY-MM-DD] [--until YYYY-MM-DD]
                                                 CSV for Excel (UTF-8 with BOM); dates are Bangkok days,
                                                 both included; the export is itself recorded
    khlang audit prune                           drop month files past the retention ($KHLANG_AUDIT_KEEP_DAYS,
                                                 default 365, never under 90)

Exit 2 when it cannot do what was asked (no key, a refused setting, a bad date). Entries made here name
the OS user who ran the command, with role `ict` (the audit log is the ICT group's to keep).
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipelines.cli.output import bangkok
from pipelines.cli.output import out as _out

ROLE = "ict"
SHOWN = 200  # problems printed at most (a log re-chained without the key has one per entry)


def add_parser(sub) -> None:
    """Register `audit` on the `khlang` subcommands (nothing heavy is imported until it runs)."""
    p = sub.add_parser("audit", help="the audit log of who did what: verify its hash chain, export it as CSV, prune it",
                       description="บันทึกการใช้งาน (ใครทำอะไร เมื่อไร) ที่ต่อกันด้วยค่าแฮช / the append-only, "
                                   "hash-chained audit log under the data root's audit/ folder.")
    a = p.add_subparsers(dest="audit_action", required=True)
    v = a.add_parser("verify", help="check every entry and the chain; exit 1 and each problem when edited or cut")
    v.set_defaults(func=cmd_verify)
    e = a.add_parser("export", help="entries as CSV for Excel (UTF-8 with BOM, Thai intact); recorded as audit_export")
    e.add_argument("--out", required=True, metavar="FILE.csv")
    e.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="from this day (Bangkok time), included")
    e.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="to this day (Bangkok time), included")
    e.set_defaults(func=cmd_export)
    r = a.add_parser("prune", help="remove month files older than the retention ($KHLANG_AUDIT_KEEP_DAYS, "
                                   "default 365, at least 90 by the Computer Crimes Act)")
    r.set_defaults(func=cmd_prune)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"วันที่ต้องเป็น YYYY-MM-DD / a date as YYYY-MM-DD, not {text!r}") from None


def _refuse(th: str, en: str) -> int:
    print(f"  ✗ {th}\n    {en}", file=sys.stderr)
    return 2


def _bangkok_midnight(day: date) -> datetime:
    from pipelines.config import TIMEZONE

    return datetime.combine(day, time(), ZoneInfo(TIMEZONE))


def cmd_verify(args) -> int:
    from pipelines.audit import verify_log
    from pipelines.config import home
    from pipelines.pii import KeyProblem

    h = home()
    try:
        result = verify_log(h)
    except KeyProblem as problem:
        return _refuse(problem.th, problem.en)
    if not result.problems:
        if not result.entries:
            _out(f"✓ ยังไม่มีบันทึกการใช้งานที่ {h.audit} / no audit entries yet at {h.audit}")
        else:
            _out(f"✓ บันทึกการใช้งานครบถ้วน ไม่ถูกแก้ไข: {result.entries:,} รายการ (ลำดับ {result.first_seq}–{result.last_seq}) "
                 f"/ the audit log is intact: {result.entries:,} entries (seq {result.first_seq}–{result.last_seq})\n"
                 f"  ล่าสุด / latest: {bangkok(result.last_time)}  ({h.audit})")
        return 0
    problems = result.problems
    _out(f"✗ บันทึกการใช้งานมีปัญหา {len(problems):,} จุด / the audit log has {len(problems):,} problem(s) ({h.audit}):")
    for p in problems[:SHOWN]:
        _out(f"  - {p.th}\n    {p.en}")
    if len(problems) > SHOWN:
        _out(f"  … และอีก {len(problems) - SHOWN:,} จุด / and {len(problems) - SHOWN:,} more")
    return 1


def cmd_export(args) -> int:
    from pathlib import Path

    from pipelines.audit import AuditError, export_csv, os_user
    from pipelines.config import home
    from pipelines.pii import KeyProblem

    if args.since and args.until and args.until < args.since:
        return _refuse("--until ต้องไม่ก่อน --since", "--until must not be before --since")
    since = _bangkok_midnight(args.since) if args.since else None
    until = _bangkok_midnight(args.until + timedelta(days=1)) if args.until else None
    out = Path(args.out).expanduser()
    try:
        rows = export_csv(home(), out, since, until, user=os_user(), role=ROLE)
    except (AuditError, KeyProblem) as problem:
        return _refuse(problem.th, problem.en)
    except OSError as e:
        return _refuse(f"เขียน {out} ไม่ได้", f"cannot write {out}: {e}")
    _out(f"✓ ส่งออกบันทึกการใช้งาน {rows:,} รายการ (UTF-8 with BOM, เวลาไทย) / exported {rows:,} audit entries: {out}")
    return 0


def cmd_prune(args) -> int:
    from pipelines.audit import AuditError, keep_days, prune
    from pipelines.config import home
    from pipelines.pii import KeyProblem

    try:
        days = keep_days()
        removed = prune(home(), days=days)
    except (AuditError, KeyProblem) as problem:
        return _refuse(problem.th, problem.en)
    if removed:
        _out(f"✓ ลบบันทึกการใช้งานที่เก่ากว่า {days} วันแล้ว {removed:,} รายการ (บันทึกไว้เป็น audit_pruned) / "
             f"removed {removed:,} audit entries older than {days} days (recorded as audit_pruned)")
    else:
        _out(f"✓ ไม่มีบันทึกที่เก่ากว่า {days} วัน / nothing older than {days} days")
    return 0
