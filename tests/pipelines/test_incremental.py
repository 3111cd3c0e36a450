"""Incremental nights for the platform exports (pipelines/incremental.py), through real Dagster runs.

One data root is taken through four nights: the first load, the same landing again, one new day of
events, and a file replaced under its own name. What a night did is read from the Delta table's
commits (which landing contents each holds) and from the parse cache, so "not parsed again, not
validated again" is checked on the evidence, not on timings.
"""

from __future__ import annotations

import json
import shutil

import polars as pl
import pytest

from pipelines import parsed_files
from tests.landing_days import add_day_of_events
from pipelines.run import run_nightly
from warehouse import tables
from warehouse.publish import read_snapshot
from warehouse.read import query

pytestmark = pytest.mark.slow
EVENTS = "platform_events"
DAILY = "platform_daily"


def _contents(h, table) -> list[tuple[str, str]]:
    return sorted((c["path"], c["sha256"]) for c in tables.state(h, table).contents)


def _cached(h) -> set[str]:
    return {p.name for fp in parsed_files.root(h).iterdir() for p in fp.iterdir()}


def _accounting(h, version) -> pl.DataFrame:
    acc = read_snapshot(h, "file_accounting", version)
    return acc.filter(pl.col("table_name").is_in([EVENTS, DAILY])).sort("source_file").drop("arrival_seq")


@pytest.fixture(scope="module")
def nights(demo_home, tmp_path_factory):
    """The demo root copied, so its nights can be added to."""
    h = demo_home.__class__(tmp_path_factory.mktemp("incremental") / "root")
    shutil.copytree(demo_home.root, h.root)
    return h


def test_the_first_load_holds_every_platform_file_once(demo_home, expected):
    files = {p: f for p, f in expected["files"].items() if f["table"] in (EVENTS, DAILY)}
    held = _contents(demo_home, EVENTS) + _contents(demo_home, DAILY)
    assert sorted(p for p, _ in held) == sorted(files)
    acc = _accounting(demo_home, "v0001")
    for row in acc.iter_rows(named=True):
        want = files[row["source_file"]]
        got = {k: row[k] for k in ("rows_in", "valid", "flagged", "quarantined", "superseded")}
        assert got == {k: want[k] for k in got}, row["source_file"]


def test_rule_counts_match_the_generators_ground_truth(demo_home, expected):
    got = query(demo_home, "SELECT table_name, rule_id, sum(rows_failed)::BIGINT AS n FROM rule_results "
                           f"WHERE table_name IN ('{EVENTS}', '{DAILY}') GROUP BY ALL")
    counts = {(t, r): n for t, r, n in got.iter_rows()}
    for table in (EVENTS, DAILY):
        for rule, n in expected["rule_rows"][table].items():
            assert counts.get((table, rule), 0) == n, f"{table} {rule}"
        assert sum(expected["rule_rows"][table].values()) > 0


def test_a_second_night_over_the_same_landing_changes_nothing(nights):
    before = {t: _contents(nights, t) for t in (EVENTS, DAILY)}
    versions = {t: _delta_version(nights, t) for t in (EVENTS, DAILY)}
    cached = _cached(nights)
    run = run_nightly(nights)
    assert run.success
    assert {t: _contents(nights, t) for t in (EVENTS, DAILY)} == before
    assert {t: _delta_version(nights, t) for t in (EVENTS, DAILY)} == versions  # no commit: nothing validated
    assert _cached(nights) == cached  # nothing parsed
    assert _accounting(nights, run.version).equals(_accounting(nights, "v0001"))
    for name in ("platform_events_daily", "platform_reconciliation", "quarantine"):
        assert read_snapshot(nights, name, run.version).equals(read_snapshot(nights, name, "v0001")), name


def _delta_version(h, table) -> int:
    from deltalake import DeltaTable

    return DeltaTable(str(tables.path(h, table))).version()


def test_one_new_day_is_parsed_and_validated_alone(nights):
    before = _contents(nights, EVENTS)
    cached = _cached(nights)
    rel, n = add_day_of_events(nights)
    run = run_nightly(nights)
    assert run.success
    after = _contents(nights, EVENTS)
    assert [p for p, _ in sorted(set(after) - set(before))] == [rel]
    assert len(_cached(nights) - cached) == 1  # only the new file was parsed
    acc = _accounting(nights, run.version)
    assert acc.filter(pl.col("source_file") == rel).get_column("rows_in").to_list() == [n]
    # The commit holds that file alone; the earlier contents were not validated again.
    from deltalake import DeltaTable

    last = DeltaTable(str(tables.path(nights, EVENTS))).history(1)[0]
    assert [c["path"] for c in json.loads(last[tables.FILES_KEY])] == [rel]


def test_a_file_replaced_under_its_name_is_ingested_again_and_supersedes(nights):
    rel = sorted(p.relative_to(nights.landing).as_posix() for p in nights.landing.glob("platform/events/*.csv"))[0]
    path = nights.landing / rel
    rows = pl.read_csv(path, infer_schema=False)
    kept = rows.head(rows.height - 10)  # the platform re-exported the month without ten events
    kept.write_csv(path)
    run = run_nightly(nights)
    assert run.success
    acc = _accounting(nights, run.version).filter(pl.col("source_file") == rel).row(0, named=True)
    assert acc["rows_in"] == kept.height
    assert acc["valid"] + acc["flagged"] + acc["quarantined"] + acc["superseded"] == kept.height
    # Both contents stay in the table: the earlier one's rows are superseded, naming the new content.
    contents = [c for c in tables.state(nights, EVENTS).contents if c["path"] == rel]
    assert len(contents) == 2
    from warehouse import views

    earliest = min(contents, key=lambda c: c["arrival_seq"])["sha256"]
    con = views.connect(nights)
    try:
        old = con.execute(f"SELECT outcome, count(*) FROM _rows_{EVENTS} WHERE source_file = ? AND file_sha256 = ? "
                          "GROUP BY ALL", [rel, earliest]).fetchall()
    finally:
        con.close()
    assert old == [("superseded", rows.height)]


def test_a_resent_daily_file_supersedes_the_earlier_rows_and_both_stay(demo_home, expected):
    superseded = expected["platform"]["superseded_rows"]
    got = read_snapshot(demo_home, "platform_daily_history", "v0001").filter(pl.col("superseded_by").is_not_null())
    assert got.height == len(superseded) > 0
    assert set(got.get_column("source_file")) == {s["file"] for s in superseded}
    assert got.get_column("superseded_by").str.contains("ส่งใหม่").all()
