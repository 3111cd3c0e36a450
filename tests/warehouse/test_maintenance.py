"""Compaction and retention of every Delta table (warehouse/maintenance.py): nothing a reader, the
next night or the crash recovery sees changes, only the number of files."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable

from pipelines.config import home
from warehouse import maintenance, tables
from warehouse.publish import delta_path, delta_versions, publish, verified_version

TABLE = "platform_events"


def _night(h, day: int, n: int = 50) -> None:
    """One night's commit of `n` rows to the incremental table (its own small file per month)."""
    start = datetime(2026, 3, 1) + timedelta(days=day)
    rows = pl.DataFrame({
        "_source_file": [f"events_{day}.csv"] * n, "_file_sha256": [f"sha{day}"] * n, "_row": list(range(n)),
        "timestamp": [start + timedelta(minutes=i) for i in range(n)], "duration_s": [day * 1000 + i for i in range(n)],
    })
    parts = tables.write_parts(h, TABLE, rows, "timestamp")
    tables.commit_parts(h, TABLE, parts, [{"path": f"events_{day}.csv", "sha256": f"sha{day}", "arrival_seq": day,
                                           "rows": n}], fingerprint="fp")


@pytest.fixture
def lake_root(tmp_path):
    h = home(tmp_path)
    for day in range(4):  # four nights into March, one into April
        _night(h, day if day < 3 else 31)
    return h


def _snapshot(h) -> pl.DataFrame:
    return tables.read(h, TABLE).sort("_source_file", "_row")


def test_compaction_leaves_rows_state_months_and_recovery_as_they_were(lake_root):
    h = lake_root
    before, state_before, months_before = _snapshot(h), tables.state(h, TABLE), tables.month_files(h, TABLE)
    assert [len(fs) for fs in months_before.values()] == [3, 1]

    [upkeep] = maintenance.maintain(h)

    assert (upkeep.table, upkeep.files_removed, upkeep.files_added) == ("lake/tables/platform_events", 3, 1)
    months = tables.month_files(h, TABLE)
    assert list(months) == list(months_before) and [len(fs) for fs in months.values()] == [1, 1]
    assert _snapshot(h).equals(before)
    for month, files in months.items():  # a month's mart reads the same rows from its new file
        got = pl.read_parquet(files).sort("_source_file", "_row")
        want = pl.read_parquet(months_before[month]).sort("_source_file", "_row")
        assert got.equals(want.select(got.columns)), month
    state = tables.state(h, TABLE)  # the OPTIMIZE and VACUUM commits name no landing contents
    assert state.contents == state_before.contents and state.fingerprint == "fp"
    # the replaced small files stay for time travel (7 days) and are not taken for a killed night's
    assert all(Path(f).exists() for fs in months_before.values() for f in fs)
    assert tables.uncommitted(h) == []
    leftover = tables.write_parts(h, TABLE, pl.DataFrame({"timestamp": [datetime(2026, 3, 9)], "_row": [1]}), "timestamp")
    assert [p.relative_to(tables.path(h, TABLE)).as_posix() for p in tables.uncommitted(h)] == [leftover[0]["path"]]
    # and the next night appends as before
    (tables.path(h, TABLE) / leftover[0]["path"]).unlink()
    _night(h, 5)
    assert len(tables.state(h, TABLE).contents) == 5 and _snapshot(h).height == before.height + 50


def test_vacuum_keeps_history_within_retention_and_drops_it_after(lake_root):
    h = lake_root
    path = tables.path(h, TABLE)
    old = DeltaTable(str(path)).version()
    maintenance.maintain(h)
    assert pl.from_arrow(DeltaTable(str(path), version=old).to_pyarrow_table()).height == 200  # time travel
    replaced = [f for f in path.rglob("*.parquet") if f.as_posix() not in tables.parquet_files(h, TABLE)]
    assert len(replaced) == 3
    assert maintenance._vacuum(path, 0) and not any(f.exists() for f in replaced)
    assert _snapshot(h).height == 200 and tables.uncommitted(h) == []


def test_the_retention_is_configurable_but_never_under_a_day(monkeypatch):
    monkeypatch.delenv(maintenance.ENV_KEEP_DAYS, raising=False)
    assert maintenance.keep_days() == 7
    monkeypatch.setenv(maintenance.ENV_KEEP_DAYS, "30")
    assert maintenance.keep_days() == 30
    monkeypatch.setenv(maintenance.ENV_KEEP_DAYS, "0")
    assert maintenance.keep_days() == maintenance.MIN_KEEP_DAYS == 1
    monkeypatch.setenv(maintenance.ENV_KEEP_DAYS, "a week")
    with pytest.raises(ValueError):
        maintenance.keep_days()


def test_published_tables_are_maintained_and_vacuum_never_touches_a_version(tmp_path):
    h = home(tmp_path)
    publish(h, {"a": pl.DataFrame({"x": [1, 2]})})
    publish(h, {"a": pl.DataFrame({"x": [3]})})
    [upkeep] = maintenance.maintain(h)
    assert upkeep.table == "warehouse/tables/a" and upkeep.files_removed == 0  # one file a version
    assert list(delta_versions(h, "a")) == ["v0001", "v0002"]  # maintenance commits name no version
    maintenance._vacuum(delta_path(h, "a"), 0)
    assert not (delta_path(h, "a") / "v0001.parquet").exists()
    assert verified_version(h, "v0001")["tables"]["a"]["rows"] == 2  # the version itself is whole
    assert pl.from_arrow(DeltaTable(str(delta_path(h, "a"))).to_pyarrow_table()).get_column("x").to_list() == [3]
    publish(h, {"a": pl.DataFrame({"x": [4]})})  # and the next version commits after maintenance
    assert list(delta_versions(h, "a")) == ["v0001", "v0002", "v0003"]
