"""PII-01 end to end: no raw user_id of the sample appears anywhere under the data root outside landing/.

Every file the run wrote is searched: Parquet and DuckDB files by their decoded values (compression
would hide a leak from a byte search), everything else (Delta logs, Dagster's event log, GX results and
Data Docs, exports, logs) byte for byte.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from pipelines.parsing.files import parse_file
from pipelines.pii import key_file
from warehouse.export import export_obec

pytestmark = pytest.mark.slow


def _raw_user_ids(h) -> set[str]:
    ids: set[str] = set()
    for path in sorted(h.landing.rglob("*")):
        if path.is_file() and "platform" in path.parts:
            parsed = parse_file(path, h.landing)
            for frame in parsed.tables.values():
                if "user_id" in frame.columns:
                    ids |= set(frame.get_column("user_id").drop_nulls().str.strip_chars().to_list())
    return {i for i in ids if i}


def _values(path: Path) -> str:
    if path.suffix == ".parquet":
        return str(pq.read_table(path).to_pylist())
    if path.suffix == ".duckdb":
        con = duckdb.connect(str(path), read_only=True)
        try:
            names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
            return "".join(str(con.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names)
        finally:
            con.close()
    return path.read_bytes().decode("utf-8", errors="replace")


def _leaks(root: Path, ids: set[str]) -> tuple[int, list[str]]:
    """(files searched, "file: id" for each file outside landing/ holding one of `ids`). Every id at
    once (Aho-Corasick, Polars' `extract_many`): a regex alternation of a thousand ids took 33 s over the
    ~100 MB of values of the sample district's root, this takes 2 s."""
    patterns = pl.Series(sorted(ids)).implode()
    searched, leaks = 0, []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or rel.parts[0] == "landing":
            continue
        searched += 1
        found = pl.Series([_values(path)]).str.extract_many(patterns).item()
        if found.len():
            leaks.append(f"{rel}: {found[0]}")
    return searched, leaks


def test_the_search_finds_an_id_in_compressed_parquet_in_duckdb_and_in_text_but_not_in_landing(tmp_path):
    ids = {"stu-0001234", "guest-0042488", "ครู-สมศรี"}
    (tmp_path / "landing").mkdir()
    pl.DataFrame({"user_id": ["stu-0001234"]}).write_csv(tmp_path / "landing" / "events.csv")
    (tmp_path / "lake").mkdir()
    pl.DataFrame({"note": ["seen guest-0042488 here"] * 1000}).write_parquet(tmp_path / "lake" / "a.parquet",
                                                                            compression="zstd")
    con = duckdb.connect(str(tmp_path / "lake" / "b.duckdb"))
    con.execute("CREATE TABLE t AS SELECT 'ครู-สมศรี' AS who")
    con.close()
    (tmp_path / "lake" / "clean.json").write_text('{"user_id": "h1:abc"}', encoding="utf-8")
    (tmp_path / "lake" / "run.log").write_text("user stu-0001234 logged in", encoding="utf-8")
    searched, leaks = _leaks(tmp_path, ids)
    assert searched == 4
    assert sorted(leaks) == ["lake/a.parquet: guest-0042488", "lake/b.duckdb: ครู-สมศรี", "lake/run.log: stu-0001234"]


def test_no_raw_user_id_outside_landing(demo_home, tmp_path):
    ids = _raw_user_ids(demo_home)
    assert len(ids) > 500  # the sample's users, read back from its own files
    h = demo_home.__class__(tmp_path / "root")
    shutil.copytree(demo_home.root, h.root)
    for survey in ("platform_daily", "platform_events"):
        export_obec(h, survey, 2569, h.exports / survey)
    searched, leaks = _leaks(h.root, ids)
    assert searched > 100
    assert not leaks, leaks
    key = key_file().read_text().strip()
    assert not [p for p in h.root.rglob("*") if p.is_file() and key.encode() in p.read_bytes()]


def test_the_same_user_hashes_alike_in_every_file_and_only_alike(demo_home):
    from warehouse import tables

    raw = set()
    for path in sorted(demo_home.landing.rglob("platform/events/*")):
        frame = parse_file(path, demo_home.landing).tables["platform_events"]
        raw |= set(frame.get_column("user_id").drop_nulls().str.strip_chars().to_list())
    stored = tables.read(demo_home, "platform_events", ["user_id", "_source_file"]).drop_nulls()
    # One hash per user: as many distinct hashes as distinct raw ids, whatever file a user appears in.
    assert stored.get_column("user_id").n_unique() == len(raw - {""})
    per_user = stored.group_by("user_id").agg(pl.col("_source_file").n_unique().alias("files"))
    assert per_user.filter(pl.col("files") > 1).height > 100  # users seen in several monthly files
