"""A big night's worker processes give exactly what one process gives (pipelines/parallel.py).

The sample district is small, so the thresholds are lowered for one run: every landing file is parsed
and every batch of platform rows validated in worker processes from the forkserver, then compared with
an ordinary in-process run over the same landing files: the session's `demo_home`, whose one night ran
in this process (read here, never changed).
"""

from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

from pipelines import incremental, parsed_files
from pipelines.run import instance_for, run_nightly
from tests.conftest import copy_landing
from warehouse import tables
from warehouse.publish import read_snapshot

pytestmark = pytest.mark.slow
COMPARED = ["file_accounting", "quarantine", "rule_results", "platform_daily", "platform_events_daily",
            "platform_reconciliation", "platform_monthly_users"]


def _rows(h, table: str) -> pl.DataFrame:
    frame = tables.read(h, table).drop("_month", strict=False)
    return frame.sort(["_source_file", "_row"])


def test_worker_processes_give_what_one_process_gives(demo_home, tmp_path, monkeypatch):
    one = demo_home
    with instance_for(one) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["validated", "platform_events"]))
        assert event.asset_materialization.metadata["worker_processes"].value is False
    many = copy_landing(demo_home, tmp_path / "many")
    monkeypatch.setattr(incremental, "PARALLEL_ROWS", 0)
    monkeypatch.setattr(incremental, "BATCH_ROWS", 5_000)  # several batches, on both workers
    monkeypatch.setattr(parsed_files, "PARALLEL_BYTES", 0)
    monkeypatch.setenv("KHLANG_WORKERS", "2")
    summary = run_nightly(many)
    assert summary.success
    with instance_for(many) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["validated", "platform_events"]))
        assert event.asset_materialization.metadata["worker_processes"].value is True
    for table in ("platform_events", "platform_daily"):
        assert _rows(many, table).equals(_rows(one, table)), table
        assert len(tables.state(many, table).contents) == len(tables.state(one, table).contents)
    for name in COMPARED:
        a, b = (_sorted(read_snapshot(h, name, "v0001").drop("arrival_seq", strict=False)) for h in (one, many))
        assert a.equals(b), name


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in a fixed order (the quarantine keeps the order files were read in, which may differ)."""
    keys = [c for c, t in frame.schema.items() if not isinstance(t, (pl.List, pl.Struct))]
    return frame.sort(keys, nulls_last=True)


def _allocator_setting(_: int) -> str | None:
    import os

    return os.environ.get("_RJEM_MALLOC_CONF")


def test_workers_keep_freed_pages_and_this_process_is_unchanged(monkeypatch):
    from pipelines import parallel

    monkeypatch.setenv("KHLANG_WORKERS", "2")
    before = dict(__import__("os").environ)
    seen = parallel.run_all(_allocator_setting, [1, 2], parallel=True)
    wanted = parallel.WORKER_ALLOCATOR["_RJEM_MALLOC_CONF"]
    # Polars puts its defaults first and the override after them: jemalloc applies the last of each option
    assert len(seen) == 2 and all(s.endswith("," + wanted) for s in seen), seen
    assert dict(__import__("os").environ) == before, "only the worker server's environment has it"
