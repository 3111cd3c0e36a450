"""`khlang check` benchmark: a school's one-file pre-submission check against `python -c pass`.

Usage (prints a table, writes benchmarks/out/check-<timestamp>.json):
    .venv/bin/python benchmarks/check.py [--repeat 10] [--home DATA_ROOT]

Target (issue 6, point 5): under 2 s per check on this machine. Each measurement is a fresh process,
started as a school would (`khlang check FILE`, the venv's launcher), interleaved in the same run with
`python -c pass` (the interpreter's own start) so a busy machine shows in both. Files: one-school
workbooks of the generated sample district, one that passes and one with a quarantined row (the
ground truth in sample/expected.json says which). Without --home a fresh district is generated and
ingested into a temporary folder first (not timed; the check needs a published register). The import
time split comes from `python -X importtime` on one more run of the bad file, grouped by top-level
package; GX, pandas, Dagster and DuckDB must not be on the check's path (DuckDB is, through
warehouse.publish: reported, ~30 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
KHLANG = Path(sys.executable).parent / "khlang"
HEAVY = ("great_expectations", "pandas", "dagster", "duckdb", "scipy", "sqlalchemy")


def district(root: Path | None) -> Path:
    if root is not None:
        return root.resolve()
    from pipelines.config import home
    from pipelines.run import run_nightly
    from pipelines.sample import generate

    h = home(Path(tempfile.mkdtemp(prefix="khlang-check-bench-")) / "data")
    generate(h.root, seed=2569, n_schools=300)
    summary = run_nightly(h)
    if not summary.success:
        raise SystemExit(f"the nightly run failed ({summary.run_id}): nothing to check against")
    return h.root


def one_school_files(root: Path) -> dict[str, Path]:
    files = json.loads((root / "sample" / "expected.json").read_text(encoding="utf-8"))["files"]
    one = {n: f for n, f in files.items() if f["table"] == "dltv_equipment" and f["rows_in"] == 1 and not f["error"]}
    good = next(n for n, f in one.items() if f["valid"] == 1)
    bad = next(n for n, f in one.items() if f["quarantined"] == 1)
    return {"good": root / "landing" / good, "bad": root / "landing" / bad}


def timed(cmd: list[str], env: dict) -> tuple[float, int]:
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t, done.returncode


def import_split(path: Path, env: dict) -> dict:
    """Import time of one check, split by top-level package (each module's own time counted to its
    package, so polars imported by pipelines counts as polars), and which heavy ones came."""
    done = subprocess.run([sys.executable, "-X", "importtime", str(KHLANG), "check", str(path)], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    by_package: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        top = name.strip().split(".")[0]
        by_package[top] = by_package.get(top, 0.0) + int(own) / 1e6
    ordered = dict(sorted(((k, round(v, 3)) for k, v in by_package.items()), key=lambda kv: -kv[1]))
    return {"total_s": round(sum(by_package.values()), 3), "by_package_s": ordered,
            "heavy_imported": sorted(m for m in HEAVY if m in by_package)}


def summary(values: list[float]) -> dict:
    return {"median_s": round(statistics.median(values), 3), "max_s": round(max(values), 3),
            "min_s": round(min(values), 3), "n": len(values)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--home", type=Path, help="an ingested sample district (default: generate one)")
    args = ap.parse_args()
    root = district(args.home)
    made = args.home is None
    files = one_school_files(root)
    env = {**os.environ, "KHLANG_HOME": str(root), "GX_ANALYTICS_ENABLED": "false"}
    times: dict[str, list[float]] = {"python -c pass": [], "khlang check (good)": [], "khlang check (bad)": []}
    codes: dict[str, set[int]] = {k: set() for k in times}
    for _ in range(args.repeat):  # interleaved: a busy moment shows in every series
        for label, cmd in (("python -c pass", [sys.executable, "-c", "pass"]),
                           ("khlang check (good)", [str(KHLANG), "check", str(files["good"])]),
                           ("khlang check (bad)", [str(KHLANG), "check", str(files["bad"])])):
            seconds, code = timed(cmd, env)
            times[label].append(seconds)
            codes[label].add(code)
    assert codes["khlang check (good)"] == {0} and codes["khlang check (bad)"] == {1}, codes
    split = import_split(files["bad"], env)
    result = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_avg": os.getloadavg()},
        "files": {k: str(v.relative_to(root)) for k, v in files.items()},
        "exit_codes": {k: sorted(v) for k, v in codes.items()},
        "series": {k: {**summary(v), "all_s": [round(x, 3) for x in v]} for k, v in times.items()},
        "imports": split,
        "target_s": 2.0,
    }
    base = statistics.median(times["python -c pass"])
    print(f"{'':24} {'median':>8} {'max':>8} {'- python':>9}")
    for label, s in result["series"].items():
        print(f"{label:24} {s['median_s']:>7.3f}s {s['max_s']:>7.3f}s {s['median_s'] - base:>8.3f}s")
    print(f"imports on the check's path: {split['total_s']:.3f} s — "
          + ", ".join(f"{k} {v:.3f}" for k, v in list(split["by_package_s"].items())[:6]))
    print(f"heavy libraries imported: {split['heavy_imported'] or 'none'}")
    OUT.mkdir(exist_ok=True)
    out = OUT / f"check-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(out)
    if made:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
