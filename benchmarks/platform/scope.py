"""The first load as issue 7, point 5 scopes its target: ten million events "from landing to validated rows
and daily and monthly marts ... and the reconciliation", what `pandas_baseline.py` does too.

    .venv/bin/python benchmarks/platform/scope.py ROOT

Runs as `khlang ingest` runs the nightly job (`pipelines.run`: the worker server started first for a big
night, the run lock, Dagster in-process on the root's instance, the same tags), with the nightly job's
selection narrowed to the marts below, the validated tables their SQL reads (the two platform tables and
the school register) and everything upstream of those: the landing scan, every file's parse, the three
tables validated (GX deciding the rows), then the daily and monthly marts and the reconciliation. Not run: the survey tables' validation, the other marts, Data Docs, the
publish. Prints one JSON line (success, run id); exits as the `khlang` command does (`pipelines.cli.leave`).
"""

from __future__ import annotations

import json
import re
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
    words = {w for m in MARTS for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", marts.sql(m))}
    tables = [validated_key(t) for t in contracts() if t in words]
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


if __name__ == "__main__":
    from pipelines.cli import leave

    sys.exit(leave(main(Path(sys.argv[1]))))
