"""The `maintenance` job (assets/maintenance.py): its weekly schedule, and a real in-process run that
compacts a root's Delta tables under the run lock."""

from __future__ import annotations

from datetime import datetime

import dagster as dg
import polars as pl

from assets.definitions import defs
from assets.maintenance import maintenance_job, maintenance_schedule
from assets.resources import KhlangHome
from pipelines.config import home
from tests.warehouse.test_maintenance import TABLE, _night
from warehouse import tables
from warehouse.publish import delta_versions, publish


def test_the_maintenance_job_is_weekly_at_half_past_three_bangkok_time_and_not_in_the_night():
    assert maintenance_schedule.cron_schedule == "30 3 * * 0"
    assert maintenance_schedule.execution_timezone == "Asia/Bangkok"
    assert defs.resolve_job_def("maintenance").name == maintenance_job.name
    assert "compact_and_vacuum" not in {n.name for n in defs.resolve_job_def("nightly").nodes}


def test_a_maintenance_run_compacts_every_delta_table_holding_the_run_lock(tmp_path):
    h = home(tmp_path)
    for day in range(3):
        _night(h, day)
    publish(h, {"a": pl.DataFrame({"x": [1]})})
    before = tables.read(h, TABLE).sort("_source_file", "_row")
    killed = tables.write_parts(h, TABLE, pl.DataFrame({"timestamp": [datetime(2026, 3, 9)], "_row": [1]}), "timestamp")

    job = dg.Definitions(jobs=[maintenance_job], resources={"khlang": KhlangHome(root=str(h.root))}
                         ).resolve_job_def("maintenance")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral())

    assert result.success
    [out] = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    upkeep = {u["table"]: u for u in out.event_specific_data.metadata["upkeep"].value}
    assert upkeep["lake/tables/platform_events"]["files_removed"] == 3
    assert upkeep["warehouse/tables/a"]["files_removed"] == 0
    assert [len(fs) for fs in tables.month_files(h, TABLE).values()] == [1]
    assert tables.read(h, TABLE).sort("_source_file", "_row").equals(before)
    assert list(delta_versions(h, "a")) == ["v0001"]
    # it ran as a night does: the run lock taken, a killed night's uncommitted file removed first
    assert not (tables.path(h, TABLE) / killed[0]["path"]).exists() and tables.uncommitted(h) == []
