"""`khlang ingest`: the nightly job from the command line, with the per-file row accounting."""

from __future__ import annotations

import json
import sys

from pipelines.cli.output import OUTCOME_COLUMNS, out as _out
from pipelines.config import Home, home


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
        rows.append({"file": r["source_file"], "table": r["table_name"], **{k: r[k] for k in OUTCOME_COLUMNS}, "error": error})
    return rows


def _print_accounting(h: Home, summary) -> None:
    files = _file_rows(summary.accounting)
    width = max([len(f["file"]) for f in files] + [4])
    _out(f"{'file':<{width}}  {'table':<16} {'in':>5} {'valid':>6} {'flag':>5} {'quar':>5} {'super':>6}")
    for f in files:
        _out(
            f"{f['file']:<{width}}  {(f['table'] or '-'):<16} {f['rows_in']:>5} {f['valid']:>6} "
            f"{f['flagged']:>5} {f['quarantined']:>5} {f['superseded']:>6}"
        )
        if f["error"]:
            e = f["error"]
            where = ", ".join(x for x in (e["sheet"] and f"ชีต {e['sheet']}", e["row"] and f"แถว {e['row']}", e["column"] and f"คอลัมน์ {e['column']}") if x)
            _out(f"{'':<{width}}  ! {e['th']}" + (f" ({where})" if where else ""))
            _out(f"{'':<{width}}    {e['en']}")
    totals = {k: sum(f[k] for f in files) for k in OUTCOME_COLUMNS}
    _out(
        f"{'รวม / total':<{width}}  {'':<16} {totals['rows_in']:>5} {totals['valid']:>6} {totals['flagged']:>5} "
        f"{totals['quarantined']:>5} {totals['superseded']:>6}"
    )
    _out(f"\nwarehouse version {summary.version}: {h.duckdb_path}")


def cmd_ingest(args) -> int:
    from pipelines.run import run_nightly

    h = home()
    summary = run_nightly(h)
    if args.json:
        files = _file_rows(summary.accounting) if summary.version else []
        totals = {k: sum(f[k] for f in files) for k in OUTCOME_COLUMNS}
        _out(json.dumps({"success": summary.success, "run_id": summary.run_id, "version": summary.version,
                         "warehouse": str(h.duckdb_path), "files": files, "totals": totals,
                         "failed_checks": summary.failed_checks}, ensure_ascii=False, indent=2))
    elif summary.version:
        _print_accounting(h, summary)
    if not summary.success:
        print("การประมวลผลล้มเหลว ฉบับที่เผยแพร่ไว้เดิมยังคงอยู่ / the run failed; the published version is unchanged "
              f"(run {summary.run_id}, see `khlang serve`)", file=sys.stderr)
        return 2
    return 0
