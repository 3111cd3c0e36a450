"""The first load as issue 7, point 5 scopes its target: ten million events "from landing to validated rows
and daily and monthly marts ... and the reconciliation", what `pandas_baseline.py` does too.

    .venv/bin/python benchmarks/platform/scope.py ROOT

Runs as `khlang ingest` runs the nightly job (`pipelines.run`: the worker server started first for a big
night, the run lock, Dagster in-process on the root's instance, the same tags), with the nightly job's
selection narrowed to the marts below, the validated tables their SQL reads (the two platform tables and
the school register) and everything upstream of those: the landing scan, every file's parse, the three
tables validated (GX deciding the rows), then the daily and monthly marts and the reconciliation. Not
run: the survey tables' validation, the other marts, Data Docs, the publish. Prints one JSON line
(success, run id, what was materialized); exits as the `khlang` command does (`pipelines.cli.leave`).
`compare` sets its marts beside a whole night's published ones (the benchmark, and its test).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

# the marts pandas_baseline.py computes and the benchmark compares with Khlang's
MARTS = ("platform_events_daily", "platform_monthly_users", "platform_reconciliation")


def main(root: Path) -> int:
    import dagster as dg

    from assets.automation import nightly_job, release_memory
    from assets.definitions import ALL_ASSETS
    from assets.marts import mart_key
    from assets.partitions import ALL_YEARS
    from assets.validated import validated_key
    from pipelines.config import Home
    from pipelines.run import _warm_if_big, run_job
    from warehouse import marts
    from warehouse.contracts import contracts

    warnings.filterwarnings("ignore", module="dagster")
    home = Home(root)
    _warm_if_big(home)
    # (every mart depends on every validated table in the asset graph: the tables these read, from their SQL)
    tables = sorted({validated_key(t) for m in MARTS for t in marts.reads(m, among=list(contracts()))})
    job = dg.define_asset_job(
        "issue7_scope",
        selection=(dg.AssetSelection.assets(*(mart_key(m) for m in MARTS)) | dg.AssetSelection.assets(*tables).upstream()
                   | dg.AssetSelection.groups("raw")),  # every file is parsed in one step (raw_rows, not subsettable)
        executor_def=dg.in_process_executor,
        tags=nightly_job.tags,
        hooks={release_memory},
    )
    result, _ = run_job(home, job, "benchmark: issue 7 scope", tags=ALL_YEARS, assets=ALL_ASSETS)
    done = sorted({e.asset_key.to_user_string() for e in result.get_asset_materialization_events()})
    print(json.dumps({"success": result.success, "run_id": result.run_id, "materialized": done}))
    return 0 if result.success else 2


def compare(scoped: Path, whole: Path) -> dict:
    """Each of MARTS as the scope run at data root `scoped` wrote it to the lake against the version the
    whole night at `whole` published: its rows there, and whether no row is in one and not the other
    (`EXCEPT ALL` both ways, over the lake's columns: the published tables also carry the office's code)."""
    import duckdb

    from pipelines.config import Home
    from warehouse import lake
    from warehouse.publish import published_duckdb

    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{published_duckdb(Home(whole))}' AS w (READ_ONLY)")
        out = {}
        for m in MARTS:
            mine = f"read_parquet('{lake.path(Home(scoped), 'marts', m).as_posix()}')"
            columns = ", ".join(f'"{c}"' for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {mine})").fetchall())
            ours, theirs = f"SELECT {columns} FROM {mine}", f"SELECT {columns} FROM w.{m}"
            differ = con.execute(f"SELECT count(*) FROM (({ours} EXCEPT ALL {theirs}) UNION ALL ({theirs} EXCEPT ALL {ours}))").fetchone()[0]
            out[m] = {"rows": con.execute(f"SELECT count(*) FROM w.{m}").fetchone()[0], "equal": differ == 0}
        return out
    finally:
        con.close()


if __name__ == "__main__":
    from pipelines.cli import leave

    sys.exit(leave(main(Path(sys.argv[1]))))
