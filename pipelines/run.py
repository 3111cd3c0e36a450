"""Run the nightly job from Python (the CLI's `ingest` and `demo`): a real Dagster materialization.

Runs use the persistent Dagster instance under $KHLANG_HOME/dagster_home, so a run started from the
command line shows up in `khlang serve`'s Dagster UI with its asset checks, like a scheduled one.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass

import polars as pl

from pipelines.config import Home
from pipelines.memory import frozen_heap

DAGSTER_YAML = """\
# Written by Khlang. Local SQLite storage under this folder; no telemetry (no internet here).
# Run history and the event log are Dagster's SQLite storage in its usual folders, with connections kept
# open (pipelines/dagster_storage.py: Dagster's own opens one per event).
run_storage:
  module: pipelines.dagster_storage
  class: KeptSqliteRunStorage
  config:
    base_dir: {history}
event_log_storage:
  module: pipelines.dagster_storage
  class: KeptSqliteEventLogStorage
  config:
    base_dir: {events}
telemetry:
  enabled: false
# One run at a time: the sensor, the schedule and a steward's re-run all write the same lake.
concurrency:
  runs:
    max_concurrent_runs: 1
# The daemon fails runs stuck STARTING or CANCELING, and runs past their dagster/max_runtime tag. The
# default run launcher cannot check whether a run's process is alive, so a run that died STARTED is
# marked failed by the next run (pipelines/recovery.py), which holds the run lock.
run_monitoring:
  enabled: true
  start_timeout_seconds: 180
  cancel_timeout_seconds: 180
  max_resume_run_attempts: 0
  poll_interval_seconds: 60
"""


@dataclass
class RunSummary:
    success: bool
    run_id: str | None
    version: str | None  # the version this run published, None if it published nothing
    published_version: str | None  # what readers see now (this run's, or the one it left in place)
    accounting: pl.DataFrame  # this run's own per-file accounting; empty when the run stopped before it
    accounting_from: str | None  # "published" or "validated (not published)"; None when unknown
    failed_checks: list[str]
    recovered: list[str]  # what the run cleaned up after a dead one


def dagster_yaml(home: Home) -> str:
    """The instance's dagster.yaml: its storage folders are absolute, so it is written for this root."""
    history = home.dagster_home / "history"
    return DAGSTER_YAML.format(history=json.dumps(str(history)), events=json.dumps(str(history / "runs")))


def instance_for(home: Home):
    import dagster as dg

    home.dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = home.dagster_home / "dagster.yaml"
    text = dagster_yaml(home)
    if not cfg.exists() or cfg.read_text(encoding="utf-8") != text:  # ours: keep it current (and where it is)
        cfg.write_text(text, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    return dg.DagsterInstance.from_config(str(home.dagster_home))


def run_job(home: Home, job, command: str, wait_seconds: float = 0, tags: dict | None = None,
            assets: list | None = None):
    """Execute one of Khlang's Dagster jobs (`job`, bound here to this data root) in this process, on the
    root's own instance (it shows in `khlang serve`'s Dagster UI like a scheduled run), holding the run
    lock from before the run starts: a refused run (`pipelines.runlock.RunLocked`, after waiting up to
    `wait_seconds`; <0: for ever) leaves nothing behind, not even a failed Dagster run. Whoever takes the
    lock first cleans up after a killed run. Returns (Dagster's result, what the clean-up did)."""
    import dagster as dg

    from assets.resources import KhlangHome
    from pipelines.recovery import after_crash, run_tags
    from pipelines.runlock import run_lock

    recovered: list[str] = []
    with instance_for(home) as instance:
        with run_lock(home, command=command, wait_seconds=wait_seconds,
                      on_acquire=lambda previous: recovered.extend(after_crash(home, instance, previous))):
            bound = dg.Definitions(assets=assets or [], jobs=[job], resources={"khlang": KhlangHome(root=str(home.root))}
                                   ).resolve_job_def(job.name)
            with frozen_heap():
                result = bound.execute_in_process(
                    instance=instance,
                    tags={**(tags or {}), **run_tags(), "khlang/started_by": command},
                    raise_on_error=False,
                    run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
                )
    return result, recovered


def run_nightly(home: Home, wait_seconds: float = 0) -> RunSummary:
    """Materialize every asset over every fiscal year in one in-process run, holding the run lock (see
    `run_job`): the same `nightly` job the schedule and the sensor run, bound to this data root."""
    warnings.filterwarnings("ignore", module="dagster")
    _warm_if_big(home)  # the worker server's imports then overlap Dagster's own
    from assets.automation import nightly_job
    from assets.definitions import ALL_ASSETS
    from assets.partitions import ALL_YEARS
    from warehouse.publish import current_version

    home.landing.mkdir(parents=True, exist_ok=True)
    result, recovered = run_job(home, nightly_job, "khlang ingest", wait_seconds, tags=ALL_YEARS, assets=ALL_ASSETS)
    failed = [
        f"{e.asset_key.to_user_string()}:{e.check_name}"
        for e in result.get_asset_check_evaluations()
        if not e.passed
    ]
    version, accounting, source = _own_accounting(home, result)
    return RunSummary(result.success, result.run_id, version, current_version(home), accounting, source, failed,
                      recovered)


def _warm_if_big(home: Home) -> None:
    """Start the worker processes' server now when tonight's new landing files are big (a first load)."""
    from pipelines.landing import new_bytes
    from pipelines.parallel import warm
    from pipelines.parsed_files import PARALLEL_BYTES

    if home.landing.is_dir() and new_bytes(home) > PARALLEL_BYTES:
        warm()


def _own_accounting(home: Home, result) -> tuple[str | None, pl.DataFrame, str | None]:
    """The accounting of this run and no other: from the version it published, else from the rows it
    validated (when every raw and validated asset was materialized by this run), else nothing."""
    from assets.publish import KEY as PUBLISHED
    from assets.raw import FILE_REPORT
    from assets.validated import validated_assets
    from warehouse import views
    from warehouse.publish import read_snapshot

    done = {e.asset_key: e for e in result.get_asset_materialization_events()}
    if PUBLISHED in done:
        version = done[PUBLISHED].materialization.metadata["version"].value
        return version, read_snapshot(home, "file_accounting", version), "published"
    needed = {FILE_REPORT, *(a.key for a in validated_assets)}
    if needed <= done.keys():
        con = views.connect(home)
        try:
            return None, con.execute("SELECT * FROM file_accounting").pl(), "validated (not published)"
        finally:
            con.close()
    return None, pl.DataFrame(), None
