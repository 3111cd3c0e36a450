"""National simulation (issue 10, point 5): N offices' nights in one process and on a Dask LocalCluster.

Usage (prints a table, writes benchmarks/out/national-<timestamp>.json):
    .venv/bin/python benchmarks/national [--offices 8] [--events 2000] [--schools 150] [--workers 1,2,4] [--keep DIR]

`pipelines.national.simulate` writes N sample districts under a national root (each the sample district
with its own seed and school codes, the DLTV core and the platform family: event logs of --events rows
and the daily files; not timed). The root is copied once per configuration, and each configuration runs
`pipelines.national.run.run_national` (the national code location: the offices' partitions in one run,
then the national marts) in a fresh process:

- baseline: no cluster, the offices one after another in that process (KHLANG_WORKERS unset: a tiny
  night stays in-process anyway);
- cluster with W workers: `start_local_cluster(W)` (W spawned worker processes, one thread each; the
  nights run inside the workers with KHLANG_WORKERS=1), the run's step handing one office a task.

Per configuration: wall seconds of the national run (cluster start-up apart), landing rows accounted per
second, speedup against the baseline, the peak RSS of each process that ran nights (a worker's peak over
its life, Linux ru_maxrss) and of the driving process, and the per-office seconds. Each cluster run's
published rows are compared with the baseline's (file_accounting, dltv_needs, platform_use_monthly and
the national marts, run-dependent columns left out): they must be identical. A CPU probe before and
after says how much CPU the shared host lent (see benchmarks/platform).
"""

from __future__ import annotations

import sys
from pathlib import Path as _Path

sys.path.insert(0, str(_Path(__file__).resolve().parents[2]))  # the repository

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.cpu_probe import cpu_probe

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "benchmarks" / "out"
NATIONAL = ("coverage_national", "dltv_needs_by_province", "platform_use_by_region")
RUN_DEPENDENT = {"published_at", "run_id", "arrived_at"}


def child(root: str, workers: str) -> dict:
    """One configuration, in this (fresh) process: 0 workers = the single-process baseline."""
    from pipelines.national.engine import peak_rss_mib, start_local_cluster
    from pipelines.national.run import run_national

    n = int(workers)
    started = time.perf_counter()
    if n == 0:
        t = time.perf_counter()
        summary = run_national(Path(root))
        wall, startup = time.perf_counter() - t, 0.0
    else:
        with start_local_cluster(n, memory_limit=0) as cluster:
            from distributed import Client

            with Client(cluster.scheduler_address) as c:
                c.wait_for_workers(n)
            startup = time.perf_counter() - started
            t = time.perf_counter()
            summary = run_national(Path(root), address=cluster.scheduler_address)
            wall = time.perf_counter() - t
    return {"workers": n, "success": summary.success, "wall_s": round(wall, 2), "startup_s": round(startup, 2),
            "nights": summary.nights, "marts": summary.marts, "driver_peak_rss_mib": round(peak_rss_mib(children=False), 1)}


def run_config(template: Path, base: Path, workers: int, env: dict, name: str = "") -> tuple[dict, Path]:
    name = name or f"w{workers}"
    root = base / name
    done = base / f"{name}.json"
    if done.exists() and root.is_dir():  # --keep DIR of an earlier, interrupted run: reuse what it measured
        print(f"  ({name}: reusing the measurement in {done})", flush=True)
        return json.loads(done.read_text()), root
    shutil.copytree(template, root, symlinks=True)
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(root), str(workers)],
                          env=env, capture_output=True, text=True, cwd=REPO)
    (base / f"{name}.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"configuration {name} failed, see {base / f'{name}.log'}:\n" + proc.stderr[-3000:])
    done.write_text(proc.stdout.strip().splitlines()[-1])
    return json.loads(done.read_text()), root


def _rows(df) -> list[str]:
    return sorted(repr(r) for r in df.select([c for c in df.columns if c not in RUN_DEPENDENT]).rows())


def compare(a: Path, b: Path, codes: list[str]) -> dict:
    """Every published table of every office, and the national marts: the columns that differ at all
    (they must all be run-dependent) and whether the rows are identical without them."""
    from pipelines.config import Home
    from pipelines.national.layout import office_root
    from pipelines.national.marts import read
    from warehouse.publish import read_snapshot, verified_version

    differing: set[str] = set()
    same, rows = True, 0
    pairs = []
    for code in codes:
        x, y = Home(office_root(a, code)), Home(office_root(b, code))
        pairs += [(read_snapshot(x, t), read_snapshot(y, t)) for t in sorted(verified_version(x)["tables"])]
    pairs += [(read(a, t), read(b, t)) for t in NATIONAL]
    for x, y in pairs:
        differing |= {c for c in x.columns if sorted(map(repr, x[c].to_list())) != sorted(map(repr, y[c].to_list()))}
        same &= x.columns == y.columns and _rows(x) == _rows(y)
        rows += x.height
    return {"same_rows": same and differing <= RUN_DEPENDENT, "differing_columns": sorted(differing),
            "rows_compared": rows}


def du(path: Path) -> int:
    """Bytes of the files under `path` (apparent sizes; hard links once)."""
    seen, total = set(), 0
    for p in path.rglob("*"):
        try:
            st = p.lstat()
        except OSError:
            continue
        if p.is_file() and not p.is_symlink() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            total += st.st_size
    return total


def storage(root: Path, codes: list[str]) -> dict:
    """Bytes an office's data root holds after its first night, by folder (median over the offices)."""
    from pipelines.national.layout import office_root

    per = []
    for code in codes:
        o = office_root(root, code)
        sizes = {d: du(o / d) for d in ("landing", "lake", "warehouse", "gx", "dagster_home")}
        sizes["total"] = du(o)
        per.append(sizes)
    return {k: int(statistics.median(p[k] for p in per)) for k in per[0]}


def big_office(base: Path, events: int, env: dict) -> dict:
    """One office with `events` events, its first night in a fresh process: where the bytes per event
    go (landing files, the lake's Delta table and raw layer, the published versions)."""
    from pipelines.national.simulate import simulate

    template = base / f"big-{events}-landing"
    codes = simulate(template, 1, events=events, families=("platform",))
    result, root = run_config(template, base, 0, env, name=f"big-{events}")
    return {"events": events, "wall_s": result["wall_s"], "nights": result["nights"],
            "storage": storage(root, codes)}


def summarize(r: dict, baseline_wall: float) -> dict:
    nights = list(r["nights"].values())
    rows = sum(n["rows"] for n in nights)
    per_worker: dict[str, float] = {}
    for n in nights:
        per_worker[n["worker"]] = max(per_worker.get(n["worker"], 0.0), n["peak_rss_mib"])
    return {**{k: r[k] for k in ("workers", "success", "wall_s", "startup_s", "driver_peak_rss_mib")},
            "offices": len(nights), "rows": rows, "rows_per_s": round(rows / r["wall_s"], 1),
            "speedup": round(baseline_wall / r["wall_s"], 2),
            "office_s_median": round(statistics.median(n["seconds"] for n in nights), 1),
            "office_s_max": round(max(n["seconds"] for n in nights), 1),
            "peak_rss_mib_per_worker": sorted(per_worker.values(), reverse=True),
            "processes": len(per_worker)}


def table(results: list[dict]) -> str:
    lines = [f"{'run':<12} {'wall s':>7} {'start s':>7} {'rows':>8} {'rows/s':>7} {'speedup':>7} "
             f"{'office s med/max':>16}  peak RSS per worker MiB (driver)"]
    for r in results:
        label = "1 process" if r["workers"] == 0 else f"{r['workers']} worker{'s' if r['workers'] > 1 else ''}"
        peaks = ", ".join(f"{p:.0f}" for p in r["peak_rss_mib_per_worker"])
        lines.append(f"{label:<12} {r['wall_s']:>7.1f} {r['startup_s']:>7.1f} {r['rows']:>8,} {r['rows_per_s']:>7.0f} "
                     f"{r['speedup']:>6.2f}x {r['office_s_median']:>7.1f}/{r['office_s_max']:<8.1f}  {peaks} "
                     f"({r['driver_peak_rss_mib']:.0f})" + ("" if r["success"] else "  FAILED")
                     + ("" if r.get("same_rows", True) else "  ROWS DIFFER"))
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(prog="benchmarks/national")
    p.add_argument("--offices", type=int, default=8)
    p.add_argument("--events", type=int, default=2_000)
    p.add_argument("--schools", type=int, default=150)
    p.add_argument("--workers", default="1,2,4")
    p.add_argument("--big-events", type=int, default=1_000_000,
                   help="one more office with this many events, for storage per event (0: skip)")
    p.add_argument("--keep", metavar="DIR", help="keep the roots in DIR; a DIR of an interrupted run is resumed: "
                                                "the configurations it finished are reused, not re-measured")
    p.add_argument("--child", nargs=2, metavar=("ROOT", "WORKERS"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(*args.child), default=str))
        return 0

    from pipelines.audit import AUDIT_KEY
    from pipelines.national.simulate import simulate
    from pipelines.pii import create_key

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="khlang-national-"))
    base.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false",
           "KHLANG_KEY_FILE": str(create_key(base / "keys" / "pii.key")),
           "KHLANG_AUDIT_KEY_FILE": str(create_key(base / "keys" / "audit.key", AUDIT_KEY)),
           "KHLANG_USERS_FILE": str(base / "keys" / "users.yaml")}
    env.pop("KHLANG_WORKERS", None)
    env.pop("KHLANG_HOME", None)
    template = base / "template"
    t = time.perf_counter()
    if (template / "national.json").exists():  # --keep DIR of an earlier run: the same offices
        from pipelines.national.layout import office_codes

        codes = office_codes(template)
    else:
        codes = simulate(template, args.offices, events=args.events, n_schools=args.schools, families=("platform",))
    generated = time.perf_counter() - t
    print(f"national simulation: {len(codes)} offices ({', '.join(codes)}), {args.schools} schools and "
          f"{args.events:,} events each (generated in {generated:.1f} s); {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    probe_before = cpu_probe()
    raw, roots = [], {}
    for w in [0, *[int(x) for x in args.workers.split(",")]]:
        result, root = run_config(template, base, w, env)
        raw.append(result)
        roots[w] = root
        print(f"  {'1 process' if w == 0 else f'{w} workers'}: {result['wall_s']} s", flush=True)
    probe_after = cpu_probe()
    small = storage(roots[0], codes)
    big = big_office(base, args.big_events, env) if args.big_events else None
    results = [summarize(r, raw[0]["wall_s"]) for r in raw]
    for r in results[1:]:
        r.update(compare(roots[0], roots[r["workers"]], codes))
    print(table(results))
    for r in results[1:]:
        print(f"{r['workers']} workers against 1 process: {r['rows_compared']:,} published rows compared "
              f"(every table of every office, national marts), identical: {r['same_rows']}; columns that differ: "
              f"{', '.join(r['differing_columns']) or 'none'} (left out: {', '.join(sorted(RUN_DEPENDENT))})")
    mib = lambda b: f"{b / 2**20:,.1f} MiB"
    print("storage of an office after its first night (median): " + ", ".join(f"{k} {mib(v)}" for k, v in small.items()))
    if big:
        n = next(iter(big["nights"].values()))
        print(f"one office with {big['events']:,} events, first night in one process: {big['wall_s']:.1f} s, "
              f"{n['rows']:,} rows, peak {n['peak_rss_mib']:,.0f} MiB; storage: "
              + ", ".join(f"{k} {mib(v)}" for k, v in big["storage"].items()))
    print(f"CPU probe: {probe_before:.3f} s before, {probe_after:.3f} s after (lower is a less loaded host); "
          f"load average {os.getloadavg()[0]:.2f}")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    doc = {"offices": codes, "events": args.events, "schools": args.schools, "generate_s": round(generated, 1),
           "cpu_probe_s": {"before": probe_before, "after": probe_after}, "results": results,
           "storage_small": small, "big_office": big, "raw": raw}
    (OUT / f"national-{stamp}.json").write_text(json.dumps(doc, indent=2, default=str))
    print(f"written: {OUT / f'national-{stamp}.json'}")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    ok = all(r["success"] and r.get("same_rows", True) for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
