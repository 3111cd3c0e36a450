"""`khlang national init|run`: many offices under one national root (pipelines/national/).

    khlang national init ROOT --offices 4001,4002     a national root with those offices' (empty) data roots
    khlang national init ROOT --simulate 8            ... or N sample districts (--events per office)
    khlang national run ROOT [--workers N | --address tcp://host:8786]

`run`: every office's nightly job, then the national marts, through the national code location
(assets/national.py) into ROOT/dagster_home. `--workers N` starts a dask.distributed LocalCluster of N
worker processes for the run; `--address` uses a running scheduler; neither: one office after another
in this process.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.cli.output import out


def add_parser(sub) -> None:
    """Register `national` on the `khlang` subcommands (nothing heavy is imported until it runs)."""
    n = sub.add_parser("national", help="many offices under one national root: their nights and the national marts")
    nsub = n.add_subparsers(dest="action", required=True)
    i = nsub.add_parser("init", help="make a national root: an empty data root per office, or sample districts")
    i.add_argument("root", metavar="ROOT")
    what = i.add_mutually_exclusive_group(required=True)
    what.add_argument("--offices", help="office codes of _offices.yaml, comma-separated (e.g. 4001,4002)")
    what.add_argument("--simulate", type=int, metavar="N", help="N sample districts (the first N offices of _offices.yaml)")
    i.add_argument("--events", type=int, default=None, metavar="N", help="event rows per simulated office (default 5,000)")
    i.set_defaults(func=cmd_init)
    r = nsub.add_parser("run", help="every office's nightly job, then the national marts")
    r.add_argument("root", metavar="ROOT")
    where = r.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N", help="start a local Dask cluster of N worker processes")
    where.add_argument("--address", metavar="tcp://HOST:PORT", help="a running dask.distributed scheduler")
    r.set_defaults(func=cmd_run)


def cmd_init(args) -> int:
    from pipelines.national.layout import create
    from pipelines.national.simulate import EVENTS, simulate

    try:
        if args.simulate:
            codes = simulate(Path(args.root), args.simulate, events=EVENTS if args.events is None else args.events)
        else:
            codes = create(Path(args.root), [c.strip() for c in args.offices.split(",") if c.strip()])
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    out(f"ที่เก็บข้อมูลระดับประเทศ / national root: {Path(args.root).resolve()} — {len(codes)} เขต / offices: {', '.join(codes)}")
    return 0


def cmd_run(args) -> int:
    from pipelines.national.engine import start_local_cluster
    from pipelines.national.layout import is_national
    from pipelines.national.run import run_national

    root = Path(args.root)
    if not is_national(root):
        print(f"{root} ไม่ใช่ที่เก็บข้อมูลระดับประเทศ / not a national root: `khlang national init` first", file=sys.stderr)
        return 2
    if args.workers:
        with start_local_cluster(args.workers) as cluster:
            summary = run_national(root, address=cluster.scheduler_address)
    else:
        summary = run_national(root, address=args.address)
    for code in summary.offices:
        n = summary.nights.get(code)
        if n is None:
            out(f"{code}  not run")
            continue
        state = "ok" if n.get("night_succeeded") else "FAILED"
        out(f"{code}  {state:6}  version {n.get('published_version') or '-':6}  rows {n.get('rows', 0):>9,}  "
            f"{n.get('seconds', 0):7.1f} s  {n.get('peak_rss_mib', 0):7.0f} MiB  {n.get('worker', '')}")
    for table, rows in summary.marts.items():
        out(f"national/{table}: {rows:,} rows")
    return 0 if summary.success else 1
