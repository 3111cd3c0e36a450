"""Ingest benchmark: how fast Khlang reads landing files, against plain pandas + openpyxl, and what
the whole nightly job costs, on the seeded sample district at its real size and 10x larger.

Why: `pipelines.parsing.readers` and pyproject.toml claim fastexcel/calamine is ~19x faster than
openpyxl here, and the office runs the nightly job on a small 2-core server. This script measures
both claims instead of repeating them. It is a script, not a test: it prints figures and writes
them to benchmarks/out/ingest-<timestamp>.json (git-ignored).

For each size the landing files are generated once (not timed) into a fresh temp folder. Each
measurement then runs in its own fresh interpreter (this script with `--child`), so imports and
caches of one never help another, and its peak memory is that child's own ru_maxrss. Imports and
one-off setup (loading contracts, importing GX) are timed apart from the work and reported apart.
Rows for (a) and (b) are the data rows Khlang finds in the workbooks (the same denominator for
both); rows for the full job are the sum of `rows_in` in the published file_accounting.

    .venv/bin/python benchmarks/ingest.py [--sizes 300,3000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
PACKAGES = ["polars", "fastexcel", "pandas", "openpyxl", "dagster", "great-expectations", "duckdb"]


def _peak_mib() -> float:
    """This process's own peak RSS (Linux reports KiB). Dagster's `tail -F` helpers are not counted:
    RUSAGE_CHILDREN would report them at the parent's size at fork time, which they never use."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ------------------------------------------------------------------------------------------------
# Children: one measurement each, in a fresh interpreter; the result is the last line of stdout


def child_parse(root: Path) -> dict:
    """(a) Khlang's parse only: parse_file over every landing file (fastexcel/calamine + Polars)."""
    t = time.perf_counter()
    from pipelines.config import home
    from pipelines.landing import landing_files
    from pipelines.parsing.files import parse_file
    from warehouse.contracts import contracts

    contracts()  # YAML loaded once per process: setup, not parsing
    setup = time.perf_counter() - t
    h = home(root)
    t = time.perf_counter()
    parsed = [parse_file(p, h.landing) for p in landing_files(h)]
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "setup_s": setup, "files": len(parsed),
            "rows": sum(df.height for p in parsed for df in p.tables.values()),
            "failed_files": sorted(f"{p.path}: {p.error.kind}" for p in parsed if p.error)}


def child_pandas(root: Path) -> dict:
    """(b) Baseline: pandas + openpyxl, every sheet as text; CSV decoded as Khlang does (UTF-8, cp874)."""
    t = time.perf_counter()
    import openpyxl  # noqa: F401  (imported here so its import is setup, not reading)
    import pandas as pd

    setup = time.perf_counter() - t
    files = sorted(p for p in (root / "landing").rglob("*") if p.is_file())
    sheet_rows, failed = 0, []
    t = time.perf_counter()
    for p in files:
        try:
            if p.suffix.lower() == ".csv":
                for enc in ("utf-8-sig", "cp874"):
                    try:
                        frames = {"csv": pd.read_csv(p, header=None, dtype=str, encoding=enc)}
                        break
                    except UnicodeDecodeError:
                        continue
                else:
                    raise ValueError("neither UTF-8 nor cp874")
            else:
                frames = pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl", dtype=str)
            sheet_rows += sum(len(df) for df in frames.values())
        except Exception as exc:  # the file Khlang reports as not_a_workbook: skipped, as Khlang does
            failed.append(f"{p.relative_to(root / 'landing').as_posix()}: {type(exc).__name__}")
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "setup_s": setup, "files": len(files), "sheet_rows": sheet_rows, "failed_files": failed}


def child_job(root: Path) -> dict:
    """(c) The whole nightly job: run_nightly (parse + GX validation + marts + publish) in Dagster."""
    t = time.perf_counter()
    import dagster as dg

    import assets.definitions  # noqa: F401
    import expectations.runner  # noqa: F401  (GX: the slow import)
    from pipelines.config import home
    from pipelines.run import instance_for, run_nightly

    setup = time.perf_counter() - t
    h = home(root)
    t = time.perf_counter()
    summary = run_nightly(h)
    seconds = time.perf_counter() - t
    gx, steps = {}, {}
    with instance_for(h) as instance:
        for e in instance.all_logs(summary.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            m = e.dagster_event.event_specific_data.materialization
            if "gx_seconds" in m.metadata:  # one event per partition, same figure: once per asset
                gx[m.asset_key.to_user_string()] = m.metadata["gx_seconds"].value
        for e in instance.all_logs(summary.run_id, of_type=dg.DagsterEventType.STEP_SUCCESS):
            steps[e.step_key] = round(e.dagster_event.event_specific_data.duration_ms / 1000, 2)
    return {"seconds": seconds, "setup_s": setup, "success": summary.success,
            "rows": int(summary.accounting.get_column("rows_in").sum()), "failed_checks": len(summary.failed_checks),
            "gx_s": round(sum(gx.values()), 2), "gx_by_asset": gx, "steps_s": steps}


CHILDREN = {"parse": child_parse, "pandas": child_pandas, "job": child_job}


# ------------------------------------------------------------------------------------------------
# Parent: generate, run the children, print and save


def measure(kind: str, root: Path, repeat: int) -> dict:
    """Run one measurement `repeat` times, each in a fresh interpreter; keep the fastest run."""
    runs = []
    for _ in range(repeat):
        work = root
        if kind == "job":  # every job run starts from an empty home holding only the landing files
            work = Path(tempfile.mkdtemp(dir=root.parent))
            shutil.copytree(root / "landing", work / "landing")  # copy2 keeps the generated mtimes
        proc = subprocess.run([sys.executable, __file__, "--child", kind, str(work)], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"{kind} child failed on {work}:\n{proc.stderr[-3000:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "seconds": round(best["seconds"], 3), "setup_s": round(best["setup_s"], 2),
            "all_seconds": [round(r["seconds"], 3) for r in runs], "peak_mib": max(r["peak_mib"] for r in runs)}


def bench(n_schools: int, repeat: int) -> dict:
    from pipelines.sample.district import generate

    with tempfile.TemporaryDirectory(prefix=f"khlang-bench-{n_schools}-") as tmp:
        src = Path(tmp) / "src"
        generate(src, n_schools=n_schools)
        out = {"n_schools": n_schools, "landing_bytes": sum(p.stat().st_size for p in src.rglob("*") if p.is_file()
                                                            and "landing" in p.parts)}
        for kind in CHILDREN:
            print(f"  n={n_schools}: {kind} ...", file=sys.stderr, flush=True)
            out[kind] = measure(kind, src, repeat)
    rows = out["parse"]["rows"]
    for kind in ("parse", "pandas"):
        out[kind]["rows_per_s"] = round(rows / out[kind]["seconds"])
    out["job"]["rows_per_s"] = round(out["job"]["rows"] / out["job"]["seconds"])
    out["speedup"] = round(out["pandas"]["seconds"] / out["parse"]["seconds"], 1)
    return out


def table(results: list[dict]) -> str:
    head = (f"{'schools':>7} {'rows':>6} | {'khlang s':>8} {'rows/s':>8} {'MiB':>5} | "
            f"{'pandas+openpyxl s':>17} {'rows/s':>7} {'MiB':>5} | {'speed-up':>8}")
    lines = [head, "-" * len(head)]
    for r in results:
        a, b = r["parse"], r["pandas"]
        lines.append(f"{r['n_schools']:>7} {a['rows']:>6} | {a['seconds']:>8.2f} {a['rows_per_s']:>8} {a['peak_mib']:>5.0f} | "
                     f"{b['seconds']:>17.2f} {b['rows_per_s']:>7} {b['peak_mib']:>5.0f} | {r['speedup']:>7.1f}x")
    lines.append("")
    for r in results:
        c = r["job"]
        top = sorted(c["steps_s"].items(), key=lambda kv: -kv[1])[:3]
        lines.append(
            f"full nightly job, {r['n_schools']} schools: {c['seconds']:.1f} s for {c['rows']} rows_in "
            f"({c['rows_per_s']} rows/s), peak {c['peak_mib']:.0f} MiB, success={c['success']}; "
            f"GX validation {c['gx_s']:.1f} s ({100 * c['gx_s'] / c['seconds']:.0f}%); "
            f"slowest steps {', '.join(f'{k} {v:.1f} s' for k, v in top)}; "
            f"+ {c['setup_s']:.1f} s of imports before the run (Dagster, GX), not in the figure")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="300,3000", help="district sizes (n_schools), comma-separated")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "ROOT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, root = args.child
        result = CHILDREN[kind](Path(root))
        print(json.dumps({**result, "peak_mib": _peak_mib()}, ensure_ascii=False))
        return
    started = datetime.now()
    results = [bench(int(n), args.repeat) for n in args.sizes.split(",")]
    text = table(results)
    print(f"Ingest benchmark {started:%Y-%m-%d %H:%M}, {platform.node()}, {platform.processor() or platform.machine()}"
          f", {os.cpu_count()} cores, Python {platform.python_version()}, repeat={args.repeat}\n")
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"ingest-{started:%Y%m%d-%H%M%S}.json"
    machine = {"node": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version(),
               "platform": platform.platform(), **{p: version(p) for p in PACKAGES}}
    path.write_text(json.dumps({"started": started.isoformat(timespec="seconds"), "repeat": args.repeat,
                                "machine": machine, "results": results, "table": text}, ensure_ascii=False, indent=2))
    print(f"\nwritten {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")


if __name__ == "__main__":
    main()
