"""`khlang demo`: the sample district into a fresh data root, then everything once."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from pipelines.cli.ingest import _print_accounting
from pipelines.cli.output import out as _out
from pipelines.config import Home, home

ROOT_MARKER = ".khlang-root"


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
