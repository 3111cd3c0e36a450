"""`khlang ingest`: the nightly job from the command line, with the per-file row accounting."""

from __future__ import annotations

import json
import sys

from pipelines.cli.output import OUTCOME_COLUMNS, bangkok
from pipelines.cli.output import out as _out
from pipelines.config import Home, find_root, home, point_home_hint


def _file_rows(accounting) -> list[dict]:
    rows = []
    for r in accounting.iter_rows(named=True):  # one line per file: a report, not data processing
        error = None
        if r["error_kind"]:
            error = {
                "kind": r["error_kind"],
                "th": r["error_th"],
                "en": r["error_en"],
                "sheet": r["error_sheet"],
                "row": r["error_row"],
                "column": r["error_column"],
            }
        rows.append({"file": r["source_file"], "table": r["table_name"], **{k: r[k] for k in OUTCOME_COLUMNS},
                     "error": error, "notes": r["notes"]})
    return rows


def _print_accounting(h: Home, summary) -> None:
    from pipelines.landing import shown  # a file name with a newline stays on its line

    files = _file_rows(summary.accounting)
    width = max([len(shown(f["file"])) for f in files] + [4])
    _out(f"{'file':<{width}}  {'table':<16} {'in':>5} {'valid':>6} {'flag':>5} {'quar':>5} {'super':>6}")
    for f in files:
        _out(
            f"{shown(f['file']):<{width}}  {(f['table'] or '-'):<16} {f['rows_in']:>5} {f['valid']:>6} "
            f"{f['flagged']:>5} {f['quarantined']:>5} {f['superseded']:>6}"
        )
        if f["error"]:
            e = f["error"]
            where = ", ".join(x for x in (e["sheet"] and f"ชีต {e['sheet']}", e["row"] and f"แถว {e['row']}", e["column"] and f"คอลัมน์ {e['column']}") if x)
            _out(f"{'':<{width}}  ! {e['th']}" + (f" ({where})" if where else ""))
            _out(f"{'':<{width}}    {e['en']}")
        elif f["notes"]:  # e.g. an HTML table saved as .xls, read as the table it is
            for note in f["notes"].split(" | "):
                _out(f"{'':<{width}}  · {note}")
    totals = {k: sum(f[k] for f in files) for k in OUTCOME_COLUMNS}
    _out(
        f"{'รวม / total':<{width}}  {'':<16} {totals['rows_in']:>5} {totals['valid']:>6} {totals['flagged']:>5} "
        f"{totals['quarantined']:>5} {totals['superseded']:>6}"
    )
    if summary.version:
        from warehouse.publish import ledger

        at = next((e["published_at"] for e in ledger(h) if e["version"] == summary.version), None)
        when = f"  เผยแพร่เมื่อ / published {bangkok(at)}" if at else ""
        _out(f"\nคลังข้อมูลรุ่น / warehouse version {summary.version}: {h.duckdb_path}{when}")
    else:
        _out("\nยังไม่เผยแพร่ (นับจากแถวที่ตรวจในรอบนี้) / not published: counts of this run's validated rows")


def cmd_ingest(args) -> int:
    from pipelines.run import run_nightly
    from pipelines.runlock import RunLocked

    h = home()
    if not h.landing.is_dir():  # nothing to ingest here: say which root this is and how to name another
        print(f"ไม่มีโฟลเดอร์ landing ที่ {h.landing} — วางไฟล์ของโรงเรียนไว้ที่นั่น หรือชี้ไปยังที่เก็บข้อมูลอื่น / "
              f"no landing folder at {h.landing}: put the schools' files there (mkdir -p it), or point at another root\n"
              f"{point_home_hint(find_root())}", file=sys.stderr)
        return 2
    try:
        summary = run_nightly(h, wait_seconds=args.wait)
    except RunLocked as e:
        print(f"{e.th}\n{e.en}", file=sys.stderr)
        return 3
    for line in summary.recovered:
        print(f"กู้คืนหลังการประมวลผลที่หยุดกลางคัน / after a dead run: {line}", file=sys.stderr)
    files = _file_rows(summary.accounting) if summary.accounting_from else []
    if args.json:
        totals = {k: sum(f[k] for f in files) for k in OUTCOME_COLUMNS} if summary.accounting_from else None
        _out(json.dumps({"success": summary.success, "run_id": summary.run_id, "version": summary.version,
                         "published_version": summary.published_version, "warehouse": str(h.duckdb_path),
                         "counts_from": summary.accounting_from, "files": files, "totals": totals,
                         "failed_checks": summary.failed_checks, "recovered": summary.recovered},
                        ensure_ascii=False, indent=2))
    elif summary.accounting_from:
        _print_accounting(h, summary)
    if not summary.success:
        kept = summary.published_version or "-"
        print(f"การประมวลผลล้มเหลว ไม่มีการเผยแพร่รุ่นใหม่ คลังฉบับที่เผยแพร่ ({kept}) ยังคงเดิม / the run failed and "
              f"published nothing; the published version ({kept}) is unchanged (run {summary.run_id}, see `khlang serve`)",
              file=sys.stderr)
        return 2
    return 0
