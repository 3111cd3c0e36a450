"""Delta table upkeep as its own Dagster job: `maintenance`, weekly on Sunday at 03:30 Bangkok time.

An op job, not an asset and not a step of the nightly job: it makes no data (compaction and vacuum
change how the Delta tables are stored, never what they hold, warehouse/maintenance.py), so it has no
place in the asset graph the nightly job materializes whole; a night stays as short as it is; and a
failed upkeep never fails a night's publish. Weekly is enough: a month of the platform events gains
at most one small file a night. It runs through the `khlang` resource like a night, so it holds the
data root's run lock (after the nightly run of 02:00, or waiting for it) and starts with the same
recovery of a killed run's leftovers.
"""

import dagster as dg

from assets.resources import KhlangHome
from pipelines.config import TIMEZONE


@dg.op(description="Compact small files and vacuum past retention, every Delta table of the data root.")
def compact_and_vacuum(context: dg.OpExecutionContext, khlang: KhlangHome) -> dg.Output:
    from warehouse.maintenance import keep_days, maintain

    days = keep_days()
    done = maintain(khlang.home(), days)
    for u in done:
        context.log.info(f"{u.table}: compacted {u.files_removed} files into {u.files_added}, vacuumed {u.files_vacuumed}")
    rows = [{"table": u.table, "files_removed": u.files_removed, "files_added": u.files_added,
             "files_vacuumed": u.files_vacuumed} for u in done]
    return dg.Output(None, metadata={"keep_days": days, "tables": len(done), "upkeep": dg.MetadataValue.json(rows)})


@dg.job(name="maintenance", description="Delta tables' upkeep: compaction and retention (vacuum) of lake/tables/ and warehouse/tables/.",
        executor_def=dg.in_process_executor)
def maintenance_job():
    compact_and_vacuum()


@dg.schedule(job=maintenance_job, cron_schedule="30 3 * * 0", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING)
def maintenance_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """03:30 Asia/Bangkok every Sunday, after the 02:00 night."""
    return dg.RunRequest()
