"""When the pipeline runs: nightly at 02:00 Bangkok time, and whenever files land.

Both ask for one run over every fiscal year (single-run backfill), executed in-process: Dagster's
multiprocess executor costs 1.5-2 s per step here, the in-process one ~10 ms.
"""


import dagster as dg

from assets.landing import KEY as LANDING
from assets.partitions import ALL_YEARS
from assets.resources import KhlangHome
from pipelines.config import TIMEZONE, Home
from pipelines.landing import fingerprint, landing_files
from pipelines.runlock import describe, holder, is_locked

MAX_RUNTIME_SECONDS = 4 * 3600


@dg.success_hook(name="release_memory")
def release_memory(context: dg.HookContext) -> None:
    """After each step: freed heap back to the OS (pipelines.memory), so steps do not stack up."""
    from pipelines.memory import release

    release()


nightly_job = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Ingest every landing file, validate, build marts, publish a new warehouse version.",
    executor_def=dg.in_process_executor,
    tags={"dagster/max_runtime": str(MAX_RUNTIME_SECONDS)},  # run monitoring fails a run hung past this
    hooks={release_memory},
)


@dg.schedule(job=nightly_job, cron_schedule="0 2 * * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING)
def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """02:00 Asia/Bangkok, every night."""
    return dg.RunRequest(tags=ALL_YEARS)


def published_fingerprint(home: Home, instance: dg.DagsterInstance) -> tuple[str, str] | None:
    """(version, landing fingerprint) of the run that published the current warehouse version, as its
    landing asset recorded it; None before the first publish or when that run is not in this instance."""
    from warehouse.publish import ledger

    entries = ledger(home)
    if not entries or not entries[-1].get("run_id"):
        return None
    version, run_id = entries[-1]["version"], entries[-1]["run_id"]
    for record in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
        mat = record.asset_materialization
        if mat is not None and mat.asset_key == LANDING and "fingerprint" in mat.metadata:
            return version, str(mat.metadata["fingerprint"].value)
    return None


@dg.sensor(job=nightly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def landing_sensor(context: dg.SensorEvaluationContext, khlang: KhlangHome):
    """Starts a run when files are added to or changed in the landing folder (paths, sizes, mtimes).

    With no cursor yet (the first tick after `khlang serve` starts on a root `khlang demo` or `khlang
    ingest` already published), the folder is compared with what the published version's run read, so
    work already published is not run again."""
    home = khlang.home()
    if not landing_files(home):
        return dg.SkipReason(f"no files in {home.landing}")
    current = fingerprint(home)
    if current == context.cursor:
        return dg.SkipReason("landing folder unchanged")
    if context.cursor is None:
        try:
            instance = context.instance
        except dg.DagsterInvariantViolationError:  # a test context without an instance
            instance = None
        seen = published_fingerprint(home, instance) if instance is not None else None
        if seen is not None and seen[1] == current:
            context.update_cursor(current)
            return dg.SkipReason(f"ไม่มีไฟล์ใหม่ตั้งแต่เผยแพร่ {seen[0]} / "
                                 f"landing folder unchanged since {seen[0]} was published from it")
    if is_locked(home):  # a run is working: look again on the next tick instead of queueing behind it
        return dg.SkipReason(f"a run holds the data root ({describe(holder(home) or {})}); will look again")
    context.update_cursor(current)
    return dg.RunRequest(run_key=current, tags=ALL_YEARS)
