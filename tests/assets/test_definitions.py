"""The Dagster code location: graph, checks, schedule and sensor as the ICT group relies on them."""

from __future__ import annotations

import dagster as dg

from assets.automation import landing_sensor, nightly_schedule
from assets.definitions import defs
from assets.resources import KhlangHome
from warehouse.contracts import contracts


def test_every_asset_has_a_description_owner_and_group():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.owners == ["team:ict"], key
        assert node.group_name in ("landing", "raw", "validated", "marts", "warehouse"), key


def test_layers_and_year_partitions():
    """A table loaded whole is partitioned by the BE year of its period (fiscal year for DLTV and the
    budget sheet, academic year for DLIT and the four areas); the register, which has none, is not."""
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    for table, c in contracts().items():
        assert {f"raw/{table}", f"validated/{table}"} <= keys
        partitioned = graph.get(dg.AssetKey(["validated", table])).partitions_def is not None
        if c.load == "whole":
            assert partitioned == (c.period is not None), table
    assert not graph.get(dg.AssetKey(["validated", "schools"])).partitions_def
    assert graph.get(dg.AssetKey(["validated", "dlit_usage"])).partitions_def is not None
    assert {"landing/files", "raw/file_report", "marts/dltv_needs", "marts/coverage", "warehouse/published"} <= keys


def test_every_rule_is_an_asset_check_on_its_validated_table():
    graph = defs.resolve_asset_graph()
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    for table, c in contracts().items():
        for rule in [*c.rule_ids, "FMT-01", "FMT-02", "REQ-01"]:
            assert (f"validated/{table}", rule.replace("-", "_")) in checks
    assert ("marts/coverage", "COV_01") in checks and ("warehouse/published", "row_accounting") in checks


def test_nightly_schedule_runs_at_two_bangkok_time():
    assert nightly_schedule.cron_schedule == "0 2 * * *"
    assert nightly_schedule.execution_timezone == "Asia/Bangkok"
    request = nightly_schedule(dg.build_schedule_context())
    assert request.tags["dagster/asset_partition_range_start"] == "2560"


def test_sensor_requests_a_run_when_files_land_and_not_again(tmp_path):
    resources = {"khlang": KhlangHome(root=str(tmp_path))}

    def tick(cursor=None):
        with dg.build_sensor_context(resources=resources, cursor=cursor) as ctx:  # the resource is a context manager
            return landing_sensor(ctx), ctx.cursor

    first, _ = tick()
    assert isinstance(first, dg.SkipReason)
    (tmp_path / "landing" / "2569").mkdir(parents=True)
    (tmp_path / "landing" / "2569" / "school.xlsx").write_bytes(b"x")
    request, cursor = tick()
    assert isinstance(request, dg.RunRequest) and request.run_key
    again, _ = tick(cursor)
    assert isinstance(again, dg.SkipReason)


def test_sensor_waits_while_a_run_holds_the_data_root(tmp_path):
    from pipelines.config import home
    from pipelines.runlock import run_lock

    (tmp_path / "landing").mkdir()
    (tmp_path / "landing" / "school.xlsx").write_bytes(b"x")
    with run_lock(home(tmp_path), command="khlang ingest", run_id="r-123"):
        with dg.build_sensor_context(resources={"khlang": KhlangHome(root=str(tmp_path))}) as ctx:
            skipped = landing_sensor(ctx)
            assert isinstance(skipped, dg.SkipReason) and "r-123" in skipped.skip_message
            assert ctx.cursor is None, "the change is still new on the next tick"


def test_the_quality_marts_and_the_publish_read_the_rows_counted_once():
    """Every row is counted once a night (marts/_outcome_counts); the marts that report accounting, rule
    results or quality, and the publish, read those counts after they are made, not the rows again."""
    graph = defs.resolve_asset_graph()
    counts = dg.AssetKey(["marts", "_outcome_counts"])
    readers = {k.to_user_string() for k in graph.get(counts).child_keys}
    assert {"marts/quality_by_rule", "marts/quality_by_school", "marts/quality_by_file", "warehouse/published"} <= readers
    assert "marts/platform_events_daily" not in readers  # it reads event rows, not outcomes
    assert dg.AssetKey(["validated", "platform_events"]) in graph.get(counts).parent_keys
