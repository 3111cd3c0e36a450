"""Run the nightly job from Python (the CLI's `ingest` and `demo`): a real Dagster materialization.

Runs use the persistent Dagster instance under $KHLANG_HOME/dagster_home, so a run started from the
command line shows up in `khlang serve`'s Dagster UI with its asset checks, like a scheduled one.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import polars as pl

from pipelines.config import Home

DAGSTER_YAML = """\
# Written by Khlang. Local SQLite storage under this folder; no telemetry (no internet here).
# One run at a time: the sensor, the schedule and a steward's re-run all write the same lake.
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
"""


@dataclass
class RunSummary:
    success: bool
    run_id: str
    version: str | None
    accounting: pl.DataFrame  # the published file_accounting table
    failed_checks: list[str]


def instance_for(home: Home):
    import dagster as dg

    home.dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = home.dagster_home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    return dg.DagsterInstance.from_config(str(home.dagster_home))


def run_nightly(home: Home) -> RunSummary:
    """Materialize every asset over every fiscal year in one in-process run."""
    warnings.filterwarnings("ignore", module="dagster")
    import dagster as dg

    from assets.definitions import ALL_ASSETS
    from assets.partitions import ALL_YEARS
    from assets.resources import KhlangHome
    from warehouse.publish import current_version, read_snapshot

    home.landing.mkdir(parents=True, exist_ok=True)
    with instance_for(home) as instance:
        result = dg.materialize(
            ALL_ASSETS,
            instance=instance,
            resources={"khlang": KhlangHome(root=str(home.root))},
            tags=ALL_YEARS,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        failed = [
            f"{e.asset_key.to_user_string()}:{e.check_name}"
            for e in result.get_asset_check_evaluations()
            if not e.passed
        ]
    version = current_version(home)
    accounting = read_snapshot(home, "file_accounting") if version else pl.DataFrame()
    return RunSummary(result.success, result.run_id, version, accounting, failed)
