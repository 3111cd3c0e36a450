"""Publishing is atomic for readers, and a failed run leaves the published version as it was."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines.config import home
from warehouse.publish import current_version, publish, read_snapshot


def _tables(n: int) -> dict[str, pl.DataFrame]:
    return {"a": pl.DataFrame({"x": list(range(n))}), "b": pl.DataFrame({"y": [n] * n})}


def test_a_reader_keeps_its_version_while_a_new_one_is_published(tmp_path):
    h = home(tmp_path)
    publish(h, _tables(3))
    reader = duckdb.connect(str(h.duckdb_path), read_only=True)  # an analyst's session, left open
    try:
        assert reader.execute("SELECT count(*) FROM a").fetchone() == (3,)
        second = publish(h, _tables(5))  # no "Could not set lock": the writer never opens the published file
        # The open session still sees one whole version (the old one), never a mix of a and b.
        assert reader.execute("SELECT (SELECT count(*) FROM a), (SELECT max(y) FROM b), (SELECT version FROM warehouse_info)").fetchone() == (3, 3, "v0001")
    finally:
        reader.close()
    fresh = duckdb.connect(str(h.duckdb_path), read_only=True)
    try:
        assert fresh.execute("SELECT (SELECT count(*) FROM a), (SELECT version FROM warehouse_info)").fetchone() == (5, second.version)
    finally:
        fresh.close()


def test_a_failed_publish_leaves_the_published_version_untouched(tmp_path, monkeypatch):
    h = home(tmp_path)
    publish(h, _tables(3))
    before = h.duckdb_path.read_bytes()
    import warehouse.publish as wp

    real_build = wp._build_duckdb

    def crash_halfway(target, snapshot, tables, info):
        real_build(target, snapshot, dict(list(tables.items())[:1]), info)  # some tables written...
        raise OSError("No space left on device (simulated)")  # ...then the machine fails

    monkeypatch.setattr(wp, "_build_duckdb", crash_halfway)
    with pytest.raises(OSError):
        publish(h, _tables(5))
    assert h.duckdb_path.read_bytes() == before
    assert current_version(h) == "v0001"
    assert not list(h.warehouse.glob("*.tmp")) and not list(h.versions.glob(".*"))


def test_every_version_stays_readable_as_parquet(tmp_path):
    h = home(tmp_path)
    publish(h, _tables(3))
    publish(h, _tables(4))
    assert read_snapshot(h, "a", "v0001").height == 3
    assert read_snapshot(h, "a").height == 4
