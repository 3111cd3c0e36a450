"""`khlang maintain`: the Delta tables' upkeep (compaction and retention) now, as the weekly `maintenance`
job does it on Sunday at 03:30: the same Dagster job on the root's instance, holding the run lock."""

from __future__ import annotations

import json
import sys

from pipelines.cli.output import out
from pipelines.config import home


def add_parser(sub) -> None:
    m = sub.add_parser("maintain", help="compact the Delta tables' small files and vacuum past retention now "
                                        "(what the weekly maintenance job does)")
    m.add_argument("--json", action="store_true", help="what was done per table, as JSON")
    m.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                   help="when another run holds the data root, wait this long for it (-1: for ever; default: refuse at once)")
    m.set_defaults(func=cmd_maintain)


def _upkeep(result) -> tuple[int | None, list[dict]]:
    """(days of history kept, one row per table) from the job's output metadata."""
    for event in result.all_events:
        if event.event_type_value == "STEP_OUTPUT":
            meta = event.event_specific_data.metadata
            return meta["keep_days"].value, meta["upkeep"].value
    return None, []


def cmd_maintain(args) -> int:
    from assets.maintenance import maintenance_job
    from pipelines.run import run_job
    from pipelines.runlock import RunLocked

    h = home()
    try:
        result, recovered = run_job(h, maintenance_job, "khlang maintain", args.wait)
    except RunLocked as e:
        print(f"{e.th}\n{e.en}", file=sys.stderr)
        return 3
    for line in recovered:
        print(f"กู้คืนหลังการประมวลผลที่หยุดกลางคัน / after a dead run: {line}", file=sys.stderr)
    days, tables = _upkeep(result)
    if args.json:
        out(json.dumps({"success": result.success, "run_id": result.run_id, "keep_days": days, "tables": tables,
                        "recovered": recovered}, ensure_ascii=False, indent=2))
    elif result.success:
        out(f"เก็บประวัติตาราง Delta ย้อนหลัง {days} วัน / Delta history kept for {days} days")
        changed = [t for t in tables if t["files_removed"] or t["files_added"] or t["files_vacuumed"]]
        for t in changed:
            out(f"{t['table']}: รวม {t['files_removed']} ไฟล์เป็น {t['files_added']}, ลบไฟล์ที่เกินระยะเก็บ "
                f"{t['files_vacuumed']} / compacted {t['files_removed']} files into {t['files_added']}, "
                f"vacuumed {t['files_vacuumed']}")
        out(f"ตาราง Delta {len(tables)} ตาราง ไม่มีอะไรต้องทำ {len(tables) - len(changed)} ตาราง / "
            f"{len(tables)} Delta tables, {len(tables) - len(changed)} with nothing to do")
    if not result.success:
        print(f"การดูแลตารางล้มเหลว ข้อมูลในตารางไม่เปลี่ยน (run {result.run_id}, ดูใน `khlang serve`) / "
              f"maintenance failed; what the tables hold is unchanged (run {result.run_id}, see `khlang serve`)",
              file=sys.stderr)
        return 2
    return 0
