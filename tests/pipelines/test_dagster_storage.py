"""Dagster's SQLite storage with kept connections (pipelines/dagster_storage.py): the same files as
Dagster's own storage, read both ways; one connection for many events instead of one each; a forked
child opens its own; a process keeps a bounded number of run databases open."""

from __future__ import annotations

import multiprocessing
import sqlite3
import uuid
import warnings

import dagster as dg
import pytest
from sqlalchemy import event
from sqlalchemy.pool import Pool

from pipelines import dagster_storage
from pipelines.config import home
from pipelines.run import instance_for

warnings.filterwarnings("ignore", module="dagster")
YEARS = dg.StaticPartitionsDefinition([str(y) for y in range(2560, 2576)])


@dg.asset(partitions_def=YEARS, backfill_policy=dg.BackfillPolicy.single_run())
def yearly(context) -> None:
    context.log.info("ปีงบประมาณ %s", ", ".join(context.partition_keys))


def _materialize(instance) -> dg.ExecuteInProcessResult:
    """One run of `yearly` over its 16 years: ~40 events (planned and done for each year)."""
    job = dg.Definitions(assets=[yearly]).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, tags={"dagster/asset_partition_range_start": "2560",
                                                          "dagster/asset_partition_range_end": "2575"})


@pytest.fixture
def connects():
    """Every SQLite connection SQLAlchemy opens while the test runs."""
    opened: list[int] = []

    def count(dbapi, _record) -> None:
        if isinstance(dbapi, sqlite3.Connection):
            opened.append(1)

    event.listen(Pool, "connect", count)
    yield opened
    event.remove(Pool, "connect", count)


def test_the_root_instance_uses_the_kept_storage_in_dagsters_own_folders(tmp_path):
    h = home(tmp_path)
    with instance_for(h) as instance:
        assert type(instance.run_storage).__name__ == "KeptSqliteRunStorage"
        assert type(instance.event_log_storage).__name__ == "KeptSqliteEventLogStorage"
        run_id = _materialize(instance).run_id
    assert (h.dagster_home / "history" / "runs.db").exists()
    assert (h.dagster_home / "history" / "runs" / f"{run_id}.db").exists()
    assert (h.dagster_home / "history" / "runs" / "index.db").exists()


def test_dagsters_own_storage_reads_what_the_kept_one_wrote_and_the_other_way(tmp_path):
    from dagster._core.storage.event_log import SqliteEventLogStorage
    from dagster._core.storage.runs import SqliteRunStorage

    h = home(tmp_path)
    with instance_for(h) as instance:
        ours = _materialize(instance).run_id
    stock_runs = SqliteRunStorage.from_local(str(h.dagster_home / "history"))
    stock_events = SqliteEventLogStorage(str(h.dagster_home / "history" / "runs"))
    assert [r.run_id for r in stock_runs.get_runs()] == [ours]
    assert len(stock_events.get_logs_for_run(ours)) > 32
    # a run written by Dagster's own storage class, read back through the kept one
    from dagster._core.storage.dagster_run import DagsterRun

    stock_runs.add_run(DagsterRun(job_name="stock_written", run_id=str(uuid.uuid4())))
    with instance_for(h) as instance:
        assert {r.job_name for r in instance.get_runs()} == {"__ASSET_JOB", "stock_written"}
        done = instance.fetch_materializations(dg.AssetKey("yearly"), limit=100).records
        assert sorted(r.partition_key for r in done) == YEARS.get_partition_keys()


def test_a_run_of_many_events_opens_a_few_connections_not_one_an_event(tmp_path, connects):
    h = home(tmp_path)
    with instance_for(h) as instance:
        _materialize(instance)  # the first run makes the databases
        connects.clear()
        result = _materialize(instance)
        events = len(instance.all_logs(result.run_id))
    assert events > 40
    # Dagster's own storage opens one or two per event (>40 here); kept, the new run's database and
    # whatever a pool needs twice at once.
    assert len(connects) <= 4, (len(connects), events)


def _count_runs(instance, queue) -> None:
    queue.put(len(instance.get_runs()))


def test_a_forked_child_opens_its_own_connections(tmp_path):
    h = home(tmp_path)
    with instance_for(h) as instance:
        _materialize(instance)
        parent = instance.get_runs()
        fork = multiprocessing.get_context("fork")
        queue = fork.Queue()
        child = fork.Process(target=_count_runs, args=(instance, queue))
        child.start()
        child.join(60)
        assert child.exitcode == 0 and queue.get(timeout=5) == len(parent) == 1
        assert len(instance.get_runs()) == 1  # the parent's connection still works after the child's exit


def test_a_process_keeps_at_most_max_shards_run_databases_open(tmp_path, monkeypatch):
    monkeypatch.setattr(dagster_storage, "MAX_SHARDS", 3)
    h = home(tmp_path)
    with instance_for(h) as instance:
        runs = [_materialize(instance).run_id for _ in range(4)]
        for run_id in runs:  # each run's own database read again
            assert instance.all_logs(run_id)
        assert len(instance.event_log_storage._kept.engines) == 3


def test_after_a_wipe_a_run_is_written_to_the_new_files_not_the_deleted_ones(tmp_path):
    """Dagster's wipe deletes the run databases; a kept connection would go on writing the deleted file."""
    h = home(tmp_path)
    with instance_for(h) as instance:
        first = _materialize(instance).run_id
        instance.event_log_storage.wipe()
        instance.run_storage.wipe()
        again = _materialize(instance).run_id
        assert [r.run_id for r in instance.get_runs()] == [again]
        assert not instance.all_logs(first)
    with instance_for(h) as fresh:  # a new process's view: what is in the files
        assert len(fresh.all_logs(again)) > 32
        assert [r.partition_key for r in fresh.fetch_materializations(dg.AssetKey("yearly"), limit=100).records]


def test_kept_connections_are_wal_without_a_flush_per_commit(tmp_path):
    """Every kept connection runs `synchronous=NORMAL` (1) on Dagster's WAL databases: commits are
    flushed at checkpoints, not one by one. SQLite's own FULL (2) is what Dagster's storage uses."""
    h = home(tmp_path)
    with instance_for(h) as instance:
        for shard in ("index", str(uuid.uuid4())):  # the index and a run's database
            with instance.event_log_storage._connect(shard) as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
        with instance.run_storage.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
