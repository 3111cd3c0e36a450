"""`khlang`: the command line of the ICT group (กลุ่ม ICT) and of analysts.

    khlang demo                      generate the sample district into a fresh data root and run everything
    khlang ingest [--json]           the nightly job: every file under $KHLANG_HOME/landing/
    khlang check FILE                a school's pre-submission check (writes nothing; exit 1 if a row fails)
    khlang export obec --survey dltv_equipment --year 2569 --out DIR
    khlang sql "SELECT ..."          read-only SQL over the published warehouse
    khlang serve                     Dagster UI and Streamlit dashboards on localhost
    khlang suites                    regenerate expectations/suites/*.json from the contracts

Heavy libraries (Dagster, GX) are imported inside the command that needs them, so `khlang sql` is quick.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from pipelines.config import ENV_HOME, Home, home

OUTCOME_COLUMNS = ["rows_in", "valid", "flagged", "quarantined", "superseded"]
ROOT_MARKER = ".khlang-root"


def _out(text: str = "") -> None:
    print(text, flush=True)


# --- ingest ---------------------------------------------------------------------------------------


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


# --- check ----------------------------------------------------------------------------------------


def cmd_check(args) -> int:
    """Parse and check one file as the nightly run would, against the published register."""
    import polars as pl

    from assets.partitions import today
    from pipelines.casting import cast
    from pipelines.parsing.files import parse_file
    from pipelines.validate import check_rows
    from warehouse.contracts import get
    from warehouse.publish import read_snapshot

    path = Path(args.file).resolve()
    if not path.is_file():
        print(f"ไม่พบไฟล์ {path} / no such file", file=sys.stderr)
        return 2
    parsed = parse_file(path, path.parent)
    _out(f"ตรวจไฟล์ / checking {path.name}")
    for note in parsed.notes:
        _out(f"  หมายเหตุ: {note}")
    if parsed.error:
        e = parsed.error
        _out(f"  ✗ {e.th}\n    {e.en}" + (f" ({e.where()})" if e.where() else ""))
        return 1
    h = home()
    try:
        register = read_snapshot(h, "schools")
        allocations = read_snapshot(h, "dltv_allocation")
    except FileNotFoundError:
        print("ยังไม่มีทะเบียนสถานศึกษาในคลัง (รัน khlang ingest ก่อน) / no published register: run `khlang ingest` first",
              file=sys.stderr)
        return 2
    failed = False
    for table, raw in parsed.tables.items():
        contract = get(table)
        typed = cast(raw.with_columns(_source_file=pl.lit(path.name), _arrival_seq=pl.lit(0, pl.Int64)), contract)
        checked = check_rows(typed, contract, register, allocations, today=today())
        rows = checked.rows
        counts = rows.get_column("_outcome").value_counts()
        _out(f"\n{contract.th} ({table}): {rows.height} แถว / rows")
        for r in rows.filter(pl.col("_outcome").is_in(["quarantined", "flagged"])).iter_rows(named=True):
            mark = "✗" if r["_outcome"] == "quarantined" else "!"
            _out(f"  {mark} ชีต {r['_sheet']} แถว {r['_row']} [{', '.join(r['_rule_ids'])}]")
            for th, en in zip(r["_reason_th"].split(" | "), r["_reason_en"].split(" | ")):
                _out(f"      {th}\n      ({en})")
        for o in counts.iter_rows(named=True):
            _out(f"  {o['_outcome']}: {o['count']}")
        failed |= rows.filter(pl.col("_outcome") == "quarantined").height > 0
    _out("\nผล: ไม่ผ่าน — แก้ไขแถวที่มีเครื่องหมาย ✗ แล้วส่งใหม่ / result: FAIL" if failed else "\nผล: ผ่าน / result: PASS")
    return 1 if failed else 0


# --- export, sql ----------------------------------------------------------------------------------


def cmd_export(args) -> int:
    from warehouse.export import ExportError, export_obec

    try:
        manifest = export_obec(home(), args.survey, int(args.year), Path(args.out), version=args.version)
    except ExportError as e:
        print(str(e), file=sys.stderr)
        return 2
    _out(f"ส่งออก {manifest['rows']['exported']} แถว จากคลังฉบับ {manifest['warehouse']['version']} / exported to {args.out}:")
    for f in manifest["files"]:
        _out(f"  {f['name']}  sha256 {f['sha256']}")
    _out("  manifest.json")
    return 0


def cmd_sql(args) -> int:
    import polars as pl

    from warehouse.read import NotPublished, query

    try:
        df = query(home(), args.query)
    except NotPublished as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(df.write_csv())
    elif args.format == "json":
        sys.stdout.write(df.write_json() + "\n")
    else:
        with pl.Config(tbl_rows=args.limit, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200):
            _out(str(df))
    return 0


# --- serve, demo, suites --------------------------------------------------------------------------


def cmd_serve(args) -> int:
    import subprocess

    from pipelines.run import instance_for

    h = home()
    instance_for(h).dispose()  # writes dagster.yaml, sets DAGSTER_HOME
    env = {**os.environ, ENV_HOME: str(h.root), "GX_ANALYTICS_ENABLED": "false", "DAGSTER_HOME": str(h.dagster_home)}
    repo = Path(__file__).resolve().parent.parent
    dagster = subprocess.Popen(
        [sys.executable, "-m", "dagster", "dev", "-m", "assets.definitions", "-h", args.host, "-p", str(args.dagster_port)],
        cwd=repo, env=env,
    )
    streamlit = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(repo / "dashboards" / "app.py"), "--server.address", args.host,
         "--server.port", str(args.streamlit_port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--client.toolbarMode", "viewer"],
        cwd=repo, env=env,
    )
    _out(f"Dagster UI:  http://{args.host}:{args.dagster_port}\nDashboards:  http://{args.host}:{args.streamlit_port}\n(Ctrl+C to stop)")
    try:
        return streamlit.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for p in (streamlit, dagster):
            p.terminate()


def _fresh_root(h: Home, force: bool) -> None:
    """Demo data goes into an empty root, or one a previous demo made; never over someone's data."""
    if h.root.exists() and any(h.root.iterdir()):
        if not ((h.root / ROOT_MARKER).exists() or force):
            raise SystemExit(f"{h.root} is not empty and was not made by `khlang demo`; use KHLANG_HOME=<empty dir> or --force")
        shutil.rmtree(h.root)
    h.root.mkdir(parents=True, exist_ok=True)
    (h.root / ROOT_MARKER).write_text("made by khlang demo\n")


def cmd_demo(args) -> int:
    from pipelines.run import run_nightly
    from pipelines.sample import generate

    h = home()
    _fresh_root(h, args.force)
    _out(f"สร้างข้อมูลตัวอย่างของเขตพื้นที่ / generating the sample district into {h.landing} ...")
    generate(h.root, seed=args.seed, n_schools=args.schools)
    _out("ประมวลผล / running the nightly job (Dagster, in-process) ...")
    summary = run_nightly(h)
    if not summary.version:
        print("the run published nothing", file=sys.stderr)
        return 2
    _print_accounting(h, summary)
    from warehouse.export import export_obec
    from warehouse.publish import read_snapshot

    latest = int(read_snapshot(h, "dltv_equipment").get_column("fiscal_year").max())
    out = h.exports / f"obec_dltv_equipment_{latest}"
    export_obec(h, "dltv_equipment", latest, out)
    khlang = Path(sys.argv[0]) if Path(sys.argv[0]).name == "khlang" else "khlang"
    _out(
        f"""
ผลลัพธ์ / results
  warehouse (DuckDB):  {h.duckdb_path}
      {khlang} sql "SELECT * FROM dltv_needs"      (or the DuckDB CLI: duckdb {h.duckdb_path} -readonly)
  quarantine:          {khlang} sql "SELECT source_file, row_number, rule_ids, reason_th FROM quarantine"
  GX Data Docs:        {h.data_docs}
  OBEC export {latest}:    {out}
  UIs:                 python3 dev.py serve   (Dagster http://127.0.0.1:3000, dashboards http://127.0.0.1:8501)
"""
    )
    return 0 if summary.success else 2


def cmd_suites(args) -> int:
    from expectations.suites import write_suites

    for p in write_suites():
        _out(str(p))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="khlang", description="Khlang คลังข้อมูล สพท. — data root: $KHLANG_HOME (default ./data)")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="generate the sample district into a fresh data root and run everything")
    d.add_argument("--seed", type=int, default=2569)
    d.add_argument("--schools", type=int, default=300)
    d.add_argument("--force", action="store_true", help="wipe a non-empty data root not made by demo")
    d.set_defaults(func=cmd_demo)
    i = sub.add_parser("ingest", help="run the nightly job over every file under $KHLANG_HOME/landing/")
    i.add_argument("--json", action="store_true", help="per-file accounting and totals as JSON")
    i.set_defaults(func=cmd_ingest)
    c = sub.add_parser("check", help="pre-submission check of one file: row-level Thai messages, writes nothing")
    c.add_argument("file")
    c.set_defaults(func=cmd_check)
    e = sub.add_parser("export", help="OBEC export")
    e_sub = e.add_subparsers(dest="target", required=True)
    o = e_sub.add_parser("obec", help="validated rows of one survey and period, CSV + XLSX + manifest.json")
    o.add_argument("--survey", required=True)
    o.add_argument("--year", required=True, help="BE fiscal year, e.g. 2569")
    o.add_argument("--out", required=True)
    o.add_argument("--version", help="re-cut from an earlier warehouse version (default: current)")
    o.set_defaults(func=cmd_export)
    s = sub.add_parser("sql", help="read-only SQL over the published warehouse")
    s.add_argument("query")
    s.add_argument("--format", choices=["table", "csv", "json"], default="table")
    s.add_argument("--limit", type=int, default=50, help="rows shown in table format")
    s.set_defaults(func=cmd_sql)
    v = sub.add_parser("serve", help="Dagster UI and Streamlit dashboards on localhost")
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--dagster-port", type=int, default=3000)
    v.add_argument("--streamlit-port", type=int, default=8501)
    v.set_defaults(func=cmd_serve)
    g = sub.add_parser("suites", help="regenerate expectations/suites/*.json from the contracts")
    g.set_defaults(func=cmd_suites)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
