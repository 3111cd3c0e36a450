"""Crashes cost nothing: a SIGKILLed ingest, two ingests at once, a corrupted GX store.

Each killed run is a real `khlang ingest` process, stopped by SIGKILL from this test at a named pause
point (pipelines/faults.py): while parsing, while validating, at two moments of publishing, and before
an incremental table's Delta commit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from pipelines import faults
from pipelines.config import Home, home
from pipelines.run import instance_for, run_nightly
from pipelines.runlock import HOLDER_FILE, is_locked
from warehouse.publish import VersionRefused, current_version, ledger, published_duckdb, verified_version

pytestmark = pytest.mark.slow
KHLANG = str(Path(sys.executable).with_name("khlang"))
ACCOUNTING = ["source_file", "table_name", "rows_in", "valid", "flagged", "quarantined", "superseded", "error_kind"]
STAGES = [
    ("parsing", "write:raw/dltv_equipment/all"),
    ("validating", "write:validated/dltv_equipment/2569"),
    ("publishing, snapshot half written", "publish-snapshot"),
    ("publishing, folder in place, not committed", "publish-commit"),
]


def _env(h: Home, **extra: str) -> dict[str, str]:
    return {**os.environ, "KHLANG_HOME": str(h.root), "GX_ANALYTICS_ENABLED": "false", **extra}


def _published_bytes(h: Home) -> dict[str, bytes]:
    """Every byte a reader or an export can see: the ledger, the current version, the CLI copy."""
    files = {"ledger": (h.warehouse / "published.json").read_bytes(), "khlang.duckdb": h.duckdb_path.read_bytes()}
    for p in sorted((h.versions / current_version(h)).iterdir()):
        files[p.name] = p.read_bytes()
    return files


def _accounting(h: Home, version: str) -> pl.DataFrame:
    from warehouse.publish import read_snapshot

    return read_snapshot(h, "file_accounting", version).select(ACCOUNTING).sort("source_file", "table_name")


def _temp_files(h: Home) -> list[Path]:
    return [p for p in h.root.rglob("*.tmp") if "landing" not in p.parts]


def _kill_at(h: Home, point: str) -> int:
    """Start `khlang ingest`, wait until it reaches `point`, SIGKILL it; return its pid. A validated
    table's write is reached only when the table is validated again: its stamp is removed first (an
    unchanged table is reused, pipelines/reuse.py). Parsing and publishing happen every night."""
    if point.startswith("write:validated/"):
        table = point.split("/")[1]
        (h.lake / "stamps" / "validated" / f"{table}.json").unlink(missing_ok=True)
    marker = faults.marker(h, point)
    marker.unlink(missing_ok=True)
    proc = subprocess.Popen([KHLANG, "ingest"], env=_env(h, KHLANG_PAUSE_AT=point),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"ingest ended before {point}: {proc.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"ingest never reached {point}")
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    marker.unlink()
    return proc.pid


def _run_status(h: Home, pid: int) -> dg.DagsterRunStatus:
    with instance_for(h) as instance:
        runs = [r for r in instance.get_runs(limit=20) if r.tags.get("khlang/pid") == str(pid)]
        assert len(runs) == 1, f"one Dagster run of pid {pid}"
        return runs[0].status


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Home:
    from pipelines.sample import generate

    h = home(tmp_path_factory.mktemp("crash"))
    # The register, DLTV (whose stages are killed) and the platforms (whose Delta commit is): the DLIT and
    # four-area files would only make every night of this module longer.
    generate(h.root, seed=2569, n_schools=150, families=("platform",))
    assert run_nightly(h).success
    return h


def test_runs_killed_at_every_stage_change_nothing_and_the_next_run_cleans_up_after_them(ingested):
    """Four `khlang ingest` runs SIGKILLed one after another, each at a later point (STAGES). After each,
    what readers see is byte for byte what it was, and the run the tester saw stays STARTED; each next run
    begins by cleaning up after the dead one. The night after them all publishes the same accounting as an
    uninterrupted run and leaves nothing behind, and every dead run is marked failed."""
    h = ingested
    version = current_version(h)
    expected = _accounting(h, version)
    before = _published_bytes(h)
    dead: list[int] = []
    for stage, point in STAGES:
        pid = _kill_at(h, point)

        assert _published_bytes(h) == before, f"killed while {stage}: the published version changed"
        assert current_version(h) == version and published_duckdb(h) == h.versions / version / "khlang.duckdb"
        assert verified_version(h)["version"] == version
        assert not is_locked(h), f"killed while {stage}: the kernel released the dead run's lock"
        assert (h.state / HOLDER_FILE).exists(), "the dead run's holder note is what the next run finds"
        assert _run_status(h, pid) == dg.DagsterRunStatus.STARTED  # what the tester saw: STARTED for ever
        if dead:
            assert _run_status(h, dead[-1]) == dg.DagsterRunStatus.FAILURE, f"the run killed while {stage} " \
                "began by marking the one before it failed"
        orphans = sorted(p.name for p in h.versions.iterdir() if p.name.startswith("v") and p.name not in
                         {e["version"] for e in ledger(h)})
        if point == "publish-commit":
            assert orphans, "the run was killed with its folder in place"
            with pytest.raises(VersionRefused, match="never published"):
                verified_version(h, orphans[0])
            from warehouse.export import ExportError, export_obec

            with pytest.raises(ExportError):
                export_obec(h, "dltv_equipment", 2569, h.root / "exports" / "orphan", version=orphans[0])
        if point.startswith("publish"):
            assert _temp_files(h) or orphans, f"killed while {stage}: something is left for the next run to clean"
        dead.append(pid)

    summary = run_nightly(h)

    assert summary.success and summary.version and summary.version != version
    assert summary.recovered, "the next run says what it cleaned up"
    assert _accounting(h, summary.version).equals(expected), "same per-file accounting as an uninterrupted run"
    assert _temp_files(h) == []
    assert [p.name for p in h.versions.iterdir() if not p.name.startswith("v")] == []
    assert all(p.name in {e["version"] for e in ledger(h)} for p in h.versions.iterdir())
    assert [_run_status(h, pid) for pid in dead] == [dg.DagsterRunStatus.FAILURE] * len(STAGES), \
        "no dead run blocks the queue"
    assert not (h.state / HOLDER_FILE).exists()


def test_a_corrupted_gx_store_is_rebuilt_by_the_next_run(ingested):
    h = ingested
    suite = next(h.gx.rglob("expectations/schools.json"))
    suite.write_text('{"name": "schools", "expectations": [{"type": "expect_col', encoding="utf-8")
    config = next(h.gx.rglob("great_expectations.yml"))
    config.write_text("config_version: 4.0\nfluent_datasources:\n  khlang: {type: pand", encoding="utf-8")
    summary = run_nightly(h)
    assert summary.success
    assert json.loads(next(h.gx.rglob("expectations/schools.json")).read_text(encoding="utf-8"))["name"] == "schools"


def test_two_ingests_at_once_one_publishes_the_other_refuses_naming_the_holder(ingested):
    h = ingested
    version = current_version(h)
    first = subprocess.Popen([KHLANG, "ingest", "--json"], env=_env(h), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not is_locked(h):
        assert first.poll() is None and time.monotonic() < deadline, "the first ingest never took the lock"
        time.sleep(0.05)
    patient = subprocess.Popen([KHLANG, "ingest", "--wait", "300"], env=_env(h), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    refused = subprocess.run([KHLANG, "ingest"], env=_env(h), capture_output=True, text=True, timeout=120)
    out, _ = first.communicate(timeout=300)
    assert first.returncode == 0
    assert refused.returncode == 3
    assert f"pid {first.pid}" in refused.stderr and "มีการประมวลผลอื่น" in refused.stderr and "another run" in refused.stderr
    first_version = json.loads(out)["version"]
    assert first_version != version
    _, err = patient.communicate(timeout=300)
    assert patient.returncode == 0, err
    # One version per run that got the lock, in turn; nothing half-written; the last one verifies.
    assert [e["version"] for e in ledger(h)][-3:] == [version, first_version, current_version(h)]
    assert verified_version(h)["version"] == current_version(h)
    assert _temp_files(h) == []


def test_a_night_killed_before_its_delta_commit_adds_nothing_and_the_next_adds_it_once(ingested):
    """Killed after the new day's rows were validated and written as files of the Delta table, before
    the commit that names them: readers see the table as it was, and the next night commits the day once."""
    from deltalake import DeltaTable

    from tests.landing_days import add_day_of_events
    from warehouse import tables

    h = ingested  # settled: every earlier test of this module ends with a night that published
    table = DeltaTable(str(tables.path(h, "platform_events")))
    before_version, before_rows = table.version(), tables.read(h, "platform_events", ["_row"]).height
    version = current_version(h)
    before = _published_bytes(h)
    rel, n = add_day_of_events(h, "2026-09-29")

    _kill_at(h, "delta:platform_events")

    assert DeltaTable(str(tables.path(h, "platform_events"))).version() == before_version
    assert tables.read(h, "platform_events", ["_row"]).height == before_rows  # written files, never named
    assert _published_bytes(h) == before and current_version(h) == version
    left = tables.uncommitted(h)
    assert left, "the killed night had written its files"
    summary = run_nightly(h)
    assert summary.success
    assert tables.uncommitted(h) == [] and not any(p.exists() for p in left)
    assert any("uncommitted" in line for line in summary.recovered)
    after = tables.read(h, "platform_events", ["_source_file"])
    assert after.height == before_rows + n
    assert after.filter(pl.col("_source_file") == rel).height == n
    acc = _accounting(h, summary.version).filter(pl.col("source_file") == rel).row(0, named=True)
    assert acc["rows_in"] == n == acc["valid"] + acc["flagged"] + acc["quarantined"]
