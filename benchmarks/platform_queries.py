"""The platform page's queries, timed through the SQL door against a published warehouse.

Usage (prints a table, writes benchmarks/out/platform_queries-<timestamp>.json):
    .venv/bin/python benchmarks/platform_queries.py --home DATA_ROOT [--repeats 20]

or from another benchmark (the main platform benchmark calls it at 1M and 10M events):
    from benchmarks.platform_queries import measure
    result = measure(home, repeats=20)   # {query: {"p50_ms", "p95_ms", "max_ms", "first_ms", "rows", "ok"}}

Target (issue 7, point 7): every query of the platform page answers in under 200 ms at 10M events.
The queries are not restated here: they are `dashboards.data.PLATFORM_QUERIES`, the very (sql, params)
builders the page runs, given the page's filters. Each measurement opens its own door connection on the
version's file and runs one query, as the page does on a cache miss (`dashboards.data._cached`): the
door's fence (ATTACH read-only, the personal-column check, locking the configuration) is included.
`door_open` is that fence alone with `SELECT 1`, for reference.

Two sets of filter values, as a director uses the page:
- the page's default (key `<query>`): the last 90 days with data, every platform and user type, the
  latest month's top content;
- one platform over every date (key `<query>@one_platform_all_dates`): the platform with the most
  days, the whole range, two user types (students and teachers), the first month's top content.
Each query runs once untimed per set (`first_ms`, the first read of the file), then `repeats` times.
"""

from __future__ import annotations

import argparse
import json
import math
import platform as host
import statistics
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = Path(__file__).resolve().parent / "out"
TARGET_MS = 200.0


def _timed(path: Path, sql: str, params: tuple) -> tuple[float, int]:
    """One query as the page runs it on a cache miss: a fresh door connection, the query, its frame."""
    from warehouse.read import Door

    start = time.perf_counter()
    with Door(path) as door:
        rows = door.query(sql, list(params)).height
    return (time.perf_counter() - start) * 1000, rows


def _percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of at least one value."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def filters(home) -> dict:
    """{suffix: PlatformFilter}: the page's default filters and one platform over every date."""
    from dashboards import data
    from dashboards import labels as L
    from warehouse.publish import published_duckdb
    from warehouse.read import Door

    path = published_duckdb(home)
    with Door(path) as door:
        bounds = door.query(*data._bounds_query()).row(0, named=True)
        busiest = door.query("SELECT platform, count(*) AS days FROM platform_reconciliation "
                             "GROUP BY platform ORDER BY days DESC, platform LIMIT 1")
    if bounds["first"] is None:
        raise SystemExit(f"no platform data in {path}: nothing to measure")
    seen = set(bounds["platforms"])
    platforms = [k for k in L.platforms() if k in seen] + sorted(seen - set(L.platforms()))
    default = data.default_platform_filter(bounds["first"], bounds["last"], platforms, list(L.user_types()))
    one = replace(default, start=bounds["first"], platforms=(busiest["platform"][0],),
                  user_types=tuple(k for k in L.user_types() if k in ("นักเรียน", "ครู")),
                  month=bounds["first"].replace(day=1))
    return {"": default, "@one_platform_all_dates": one}


def measure(home, repeats: int = 20) -> dict:
    """p50/p95 (and max, first) milliseconds and row count of every query of the platform page on the
    published warehouse of `home`, through the door; `ok` = p95 under the 200 ms target."""
    from dashboards import data
    from warehouse.publish import published_duckdb

    path = published_duckdb(home)
    results = {}

    def run(name: str, sql: str, params: tuple) -> None:
        first, rows = _timed(path, sql, params)
        times = [_timed(path, sql, params)[0] for _ in range(repeats)]
        p95 = _percentile(times, 0.95)
        results[name] = {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(p95, 2),
                         "max_ms": round(max(times), 2), "first_ms": round(first, 2), "rows": rows,
                         "ok": p95 < TARGET_MS}

    run("door_open", "SELECT 1", ())
    for suffix, f in filters(home).items():
        for name, build in data.PLATFORM_QUERIES.items():
            if suffix and name in ("warehouse_info", "bounds", "inactive_schools"):
                continue  # the same query whatever the filters: measured once
            sql, params = build(f)
            run(f"{name}{suffix}", sql, params)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="a data root with a published warehouse holding platform marts")
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    from pipelines.config import home as make_home
    from warehouse.publish import current_version, published_duckdb

    h = make_home(Path(args.home))
    results = measure(h, args.repeats)
    width = max(map(len, results))
    print(f"{'query':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'max ms':>8}  {'first':>8}  {'rows':>8}")
    for name, r in results.items():
        flag = "" if r["ok"] else f"  > {TARGET_MS:g} ms"
        print(f"{name:<{width}}  {r['p50_ms']:>8.1f}  {r['p95_ms']:>8.1f}  {r['max_ms']:>8.1f}  {r['first_ms']:>8.1f}"
              f"  {r['rows']:>8,}{flag}")
    OUT.mkdir(exist_ok=True)
    db = published_duckdb(h)
    record = {"when": datetime.now().isoformat(timespec="seconds"), "home": str(h.root), "version": current_version(h),
              "duckdb_bytes": db.stat().st_size, "repeats": args.repeats, "target_ms": TARGET_MS,
              "machine": {"python": host.python_version(), "cpu": host.processor() or host.machine()},
              "queries": results}
    out = OUT / f"platform_queries-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"-> {out}")
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
