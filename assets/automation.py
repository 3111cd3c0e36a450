"""When the pipeline runs: nightly at 02:00 Bangkok time, and whenever files land.

Both ask for one run over every fiscal year (single-run backfill), executed in-process: Dagster's
multiprocess executor costs 1.5-2 s per step here, the in-process one ~10 ms.
"""


import dagster as dg

from assets.partitions import ALL_YEARS
from assets.resources import KhlangHome
from pipelines.config import TIMEZONE
from pipelines.landing import fingerprint, landing_files
from pipelines.runlock import describe, holder, is_locked

MAX_RUNTIME_SECONDS = 4 * 3600

nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Ingest every landing file, validate, build marts, publish a new warehouse version.",
    executor_def=dg.in_process_executor,
    tags={"dagster/max_runtime": str(MAX_RUNTIME_SECONDS)},  # run monitoring fails a run hung past this
)


@dg.schedule(job=nightly_job, cron_schedule="0 2 * * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """02:00 Asia/Bangkok, every night."""
    return dg.RunRequest(tags=ALL_YEARS)


@dg.sensor(job=nightly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext, khlang: KhlangHome):
    """Starts a run when files are added to or changed in the landing folder (paths, sizes, mtimes)."""
    home = khlang.home()
    if not landing_files(home):
        return dg.SkipReason(f"no files in {home.landing}")
    current = fingerprint(home)
    if current == context.cursor:
        return dg.SkipReason("landing folder unchanged")
    if is_locked(home):  # a run is working: look again on the next tick instead of queueing behind it
        return dg.SkipReason(f"a run holds the data root ({describe(holder(home) or {})}); will look again")
    context.update_cursor(current)
    return dg.RunRequest(run_key=current, tags=ALL_YEARS)
