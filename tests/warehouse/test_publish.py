"""Publishing is atomic for readers, and a failed run leaves the published version as it was."""

from __future__ import annotations

import json

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

    def crash_halfway(con, target, snapshot, names, info, rows):
        real_build(con, target, snapshot, names[:1], info, rows)  # some tables written...
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


# --- immutable, verified versions; one commit point; recovery after a kill ------------------------

from warehouse.publish import (  # noqa: E402
    DUCKDB_FILE,
    NotPublished,
    VersionRefused,
    ledger,
    hidden_columns,
    personal_columns,
    published_duckdb,
    recover,
    verified_version,
)


def test_the_duckdb_files_hold_no_personal_column(tmp_path):
    h = home(tmp_path)
    personal = sorted(personal_columns())
    assert {"reporter_name", "reporter_phone"} <= set(personal)
    frame = pl.DataFrame({"school_code": ["10340001"], **{c: ["นางสาวสมหญิง ใจดี"] for c in personal}})
    published = publish(h, {"dltv_equipment": frame, "dltv_equipment_history": frame})
    for path in (published.duckdb_path, h.duckdb_path):
        with duckdb.connect(str(path), read_only=True) as con:
            cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns()").fetchall()}
            assert not cols & set(personal), path
            assert con.execute("SELECT school_code FROM dltv_equipment").fetchone() == ("10340001",)
    # The Parquet snapshot (pipeline and ICT staff) keeps them.
    assert set(personal) <= set(read_snapshot(h, "dltv_equipment").columns)


def test_hashed_identifiers_and_names_never_reach_a_reader(tmp_path):
    """A roster's citizen ID hash (pseudonymous personal data) and the emptied name column are not in
    the DuckDB file readers open; the manifest lists them among the columns kept out."""
    h = home(tmp_path)
    assert {"citizen_id", "full_name", "user_id"} <= hidden_columns()
    frame = pl.DataFrame({"academic_year": [2568], "school_code": ["1034000001"], "full_name": [None],
                          "citizen_id": ["h1:" + "ab" * 32], "position": ["teacher"]})
    published = publish(h, {"admin_staff": frame})
    with duckdb.connect(str(published.duckdb_path), read_only=True) as con:
        cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'admin_staff'").fetchall()}
    assert cols == {"academic_year", "school_code", "position", "office_code"}  # office_code: every published table
    manifest = json.loads((published.snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {"citizen_id", "full_name"} <= set(manifest["personal_columns_not_in_duckdb"])


def test_each_version_has_its_own_duckdb_file_and_a_manifest_of_checksums(tmp_path):
    h = home(tmp_path)
    first = publish(h, _tables(3))
    second = publish(h, _tables(4))
    assert published_duckdb(h) == h.versions / second.version / DUCKDB_FILE
    assert published_duckdb(h, first.version) == h.versions / "v0001" / DUCKDB_FILE
    assert h.duckdb_path.read_bytes() == published_duckdb(h).read_bytes()  # the CLI users' copy
    manifest = verified_version(h, "v0001")
    assert set(manifest["tables"]) == {"a", "b"} and manifest["duckdb"]["sha256"]
    assert [e["version"] for e in ledger(h)] == ["v0001", "v0002"]


def test_nothing_published_is_said_plainly(tmp_path):
    h = home(tmp_path)
    with pytest.raises(NotPublished, match="khlang ingest"):
        published_duckdb(h)
    with pytest.raises(NotPublished):
        verified_version(h)


@pytest.mark.parametrize("name", ["../v0001", "/etc/passwd", "v1", "V0001", "v0001/../v0001", "", "v0001 ", "v0001\n"])
def test_only_a_version_name_is_accepted(tmp_path, name):
    h = home(tmp_path)
    publish(h, _tables(3))
    with pytest.raises(VersionRefused, match="version name"):
        verified_version(h, name)


@pytest.mark.parametrize("victim", ["a.parquet", DUCKDB_FILE, "manifest.json"])
def test_a_tampered_version_is_refused(tmp_path, victim):
    h = home(tmp_path)
    publish(h, _tables(3))
    path = h.versions / "v0001" / victim
    path.chmod(0o644)
    if victim == "a.parquet":  # what the tester did: COPY ... TO over a snapshot's Parquet
        with duckdb.connect() as con:
            con.execute(f"COPY (SELECT 99::BIGINT AS x) TO '{path}' (FORMAT parquet)")
    else:
        with open(path, "ab") as f:
            f.write(b" ")
    with pytest.raises(VersionRefused, match="altered"):
        verified_version(h, "v0001")


def test_an_orphan_version_folder_is_not_a_version_and_recover_removes_it(tmp_path):
    h = home(tmp_path)
    publish(h, _tables(3))
    # What a run killed between renaming its folder into place and committing leaves behind:
    import shutil

    shutil.copytree(h.versions / "v0001", h.versions / "v0002")
    (h.versions / ".v0003.deadbeef.tmp").mkdir()
    (h.warehouse / ".khlang.duckdb.cafe.tmp").write_bytes(b"half")
    (h.root / "lake" / "raw").mkdir(parents=True)
    (h.root / "lake" / "raw" / ".all.beef.tmp").write_bytes(b"half")
    with pytest.raises(VersionRefused, match="never published"):
        verified_version(h, "v0002")
    removed = recover(h)
    assert "warehouse/versions/v0002" in removed
    assert not (h.versions / "v0002").exists()
    assert not [p for p in h.root.rglob("*.tmp")]
    assert current_version(h) == "v0001" and verified_version(h)["version"] == "v0001"
    assert publish(h, _tables(4)).version == "v0002"  # the number is free again, and now really published


def test_recover_repairs_the_convenience_copy(tmp_path):
    h = home(tmp_path)
    publish(h, _tables(3))
    h.duckdb_path.chmod(0o644)
    h.duckdb_path.write_bytes(b"x" * 8)  # what `COPY (SELECT 'x') TO '.../khlang.duckdb'` did
    recover(h)
    assert h.duckdb_path.read_bytes() == published_duckdb(h).read_bytes()
