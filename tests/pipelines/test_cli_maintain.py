"""`khlang maintain`: the weekly upkeep of the Delta tables, run now by ICT staff (pipelines/cli/maintain.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from pipelines.cli import main
from pipelines.config import home
from pipelines.run import instance_for
from pipelines.runlock import run_lock
from tests.warehouse.test_maintenance import TABLE, _night
from warehouse import tables
from warehouse.publish import publish


def _root(tmp_path, monkeypatch):
    h = home(tmp_path / "root")
    for day in range(3):  # three nights: three small files in one month
        _night(h, day)
    publish(h, {"a": pl.DataFrame({"x": [1]})})
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    return h


def test_maintain_compacts_says_what_it_did_and_is_a_run_of_the_maintenance_job(tmp_path, monkeypatch, capsys):
    h = _root(tmp_path, monkeypatch)
    before = tables.read(h, TABLE).sort("_source_file", "_row")

    assert main(["maintain", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["success"] and out["keep_days"] == 7
    upkeep = {t["table"]: t for t in out["tables"]}
    assert upkeep[f"lake/tables/{TABLE}"] == {"table": f"lake/tables/{TABLE}", "files_removed": 3, "files_added": 1,
                                              "files_vacuumed": 0}
    assert [len(fs) for fs in tables.month_files(h, TABLE).values()] == [1]
    assert tables.read(h, TABLE).sort("_source_file", "_row").equals(before)  # how it is stored, not what
    with instance_for(h) as instance:  # in the root's own Dagster history, as the schedule's runs are
        [run] = instance.get_runs()
        assert run.job_name == "maintenance" and run.run_id == out["run_id"]
        assert run.tags["khlang/started_by"] == "khlang maintain"

    assert main(["maintain"]) == 0  # again: nothing left to merge, said in Thai and English
    text = capsys.readouterr().out
    assert "เก็บประวัติตาราง Delta ย้อนหลัง 7 วัน / Delta history kept for 7 days" in text
    assert f"{len(upkeep)} Delta tables, {len(upkeep)} with nothing to do" in text


def test_maintain_refuses_while_another_run_holds_the_root_and_changes_nothing(tmp_path, monkeypatch, capsys):
    h = _root(tmp_path, monkeypatch)
    files = sorted(p.name for p in tables.path(h, TABLE).rglob("*.parquet"))
    with run_lock(h, command="khlang ingest"):
        # the lock is re-entrant within a process: another run is another process
        refused = subprocess.run([str(Path(sys.executable).with_name("khlang")), "maintain"], capture_output=True,
                                 text=True, timeout=300)
    assert refused.returncode == 3, refused.stderr
    assert "มีการประมวลผลอื่นกำลังทำงานกับคลังนี้อยู่" in refused.stderr and "khlang ingest" in refused.stderr
    assert sorted(p.name for p in tables.path(h, TABLE).rglob("*.parquet")) == files
    with instance_for(h) as instance:
        assert instance.get_runs() == []  # a refused run leaves no failed run behind
