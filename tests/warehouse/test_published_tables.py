"""Every published table is also a Delta table (warehouse/tables/<name>/), one commit per version, and
carries the office code; the ledger stays the truth (warehouse/publish.py)."""

from __future__ import annotations

import os

import duckdb
import polars as pl
import pytest
from deltalake import DeltaTable

import warehouse.publish as wp
from pipelines import office
from pipelines.config import home
from pipelines.recovery import after_crash
from warehouse.publish import current_version, delta_path, delta_versions, load_delta_extension, publish


def _tables(n: int) -> dict[str, pl.DataFrame]:
    return {"a": pl.DataFrame({"x": list(range(n))}), "b": pl.DataFrame({"y": [n] * n, "label": ["ก"] * n})}


def _delta_rows(h, table: str, version: int | None = None) -> pl.DataFrame:
    dt = DeltaTable(str(delta_path(h, table)), version=version)
    return pl.from_arrow(dt.to_pyarrow_table())


def test_every_published_table_carries_the_office_code(tmp_path):
    office.set_root(tmp_path, "4004")
    h = home(tmp_path)
    published = publish(h, {**_tables(3), "c": pl.DataFrame({"office_code": ["9999"], "z": [1]})})
    for name in ("a", "b"):
        snap = pl.read_parquet(published.snapshot_dir / f"{name}.parquet")
        assert snap.columns[-1] == "office_code" and snap.get_column("office_code").unique().to_list() == ["4004"]
        assert _delta_rows(h, name).get_column("office_code").unique().to_list() == ["4004"]
    with duckdb.connect(str(published.duckdb_path), read_only=True) as con:
        assert con.execute("SELECT DISTINCT office_code FROM a").fetchall() == [("4004",)]
        assert con.execute("SELECT office_code FROM warehouse_info").fetchone() == ("4004",)
        # a table that has its own office_code (a national roll-up) keeps it, and has it once
        assert con.execute("SELECT * FROM c").fetchall() == [("9999", 1)]


def test_a_root_that_never_set_its_office_publishes_0000(tmp_path):
    h = home(tmp_path)
    published = publish(h, _tables(2))
    assert pl.read_parquet(published.snapshot_dir / "a.parquet").get_column("office_code").to_list() == ["0000"] * 2


def test_each_version_is_one_delta_commit_and_time_travel_reaches_the_previous_one(tmp_path):
    h = home(tmp_path)
    publish(h, _tables(3))
    second = publish(h, _tables(5))
    assert delta_versions(h, "a") == {"v0001": 0, "v0002": 1}
    assert _delta_rows(h, "a").get_column("x").to_list() == list(range(5))
    previous = _delta_rows(h, "a", delta_versions(h, "a")["v0001"])
    assert previous.get_column("x").to_list() == list(range(3))
    # no second copy of the data: the Delta file is the version's own Parquet snapshot
    linked = delta_path(h, "b") / "v0002.parquet"
    assert os.path.samefile(linked, second.snapshot_dir / "b.parquet")


def test_duckdb_reads_a_published_delta_table_with_delta_scan(tmp_path):
    h = home(tmp_path)
    publish(h, _tables(3))
    publish(h, _tables(5))
    con = duckdb.connect()
    try:
        load_delta_extension(con)
        path = delta_path(h, "b").as_posix()
        assert con.execute(f"SELECT count(*), max(y), any_value(label), any_value(office_code) FROM delta_scan('{path}')"
                           ).fetchone() == (5, 5, "ก", "0000")
    finally:
        con.close()


def test_a_table_a_new_version_drops_is_emptied_and_a_new_column_is_taken(tmp_path):
    h = home(tmp_path)
    publish(h, _tables(3))
    publish(h, {"a": pl.DataFrame({"x": [1], "extra": ["new"]})})
    assert _delta_rows(h, "a").columns == ["x", "extra", "office_code"]
    assert _delta_rows(h, "b").height == 0 and delta_versions(h, "b") == {"v0001": 0, "v0002": 1}
    assert _delta_rows(h, "b", 0).height == 3


def test_a_run_killed_between_the_ledger_and_the_delta_commits_is_repaired_by_recovery(tmp_path, monkeypatch):
    h = home(tmp_path)
    publish(h, _tables(3))

    def killed(home_):  # the ledger names v0002; the machine stops before any Delta commit
        raise KeyboardInterrupt

    monkeypatch.setattr(wp, "sync_delta", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(h, _tables(5))
    monkeypatch.undo()
    assert current_version(h) == "v0002"
    assert delta_versions(h, "a") == {"v0001": 0}  # behind the ledger, never ahead of it
    # and a link the killed run made but never committed is replaced, not left beside
    os.link(h.versions / "v0002" / "a.parquet", delta_path(h, "a") / "v0002.parquet")

    done = after_crash(h, None, None)

    assert any("warehouse/tables/a" in line for line in done)
    for table in ("a", "b"):
        assert list(delta_versions(h, table)) == ["v0001", "v0002"]
    assert _delta_rows(h, "a").height == 5
    assert after_crash(h, None, None) == []  # nothing left to repair


def test_a_refused_version_makes_no_delta_commit(tmp_path, monkeypatch):
    h = home(tmp_path)
    publish(h, _tables(3))
    import warehouse.publish as module

    def no_space(*args):
        raise OSError("No space left on device (simulated)")

    monkeypatch.setattr(module, "_build_duckdb", no_space)
    with pytest.raises(OSError):
        publish(h, _tables(5))
    assert delta_versions(h, "a") == {"v0001": 0}
    assert sorted(p.name for p in delta_path(h, "a").glob("*.parquet")) == ["v0001.parquet"]
