"""benchmarks/platform/scope.py: the first load as issue 7, point 5 scopes its targets runs the nightly job
narrowed to the daily and monthly marts, the reconciliation and what they read, and gives their rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_landing
from warehouse import lake
from warehouse.publish import published_duckdb

pytestmark = pytest.mark.slow

SCOPE = Path(__file__).resolve().parents[2] / "benchmarks" / "platform" / "scope.py"


def _scope():
    spec = importlib.util.spec_from_file_location("platform_scope", SCOPE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_scope_runs_the_platform_path_alone_and_its_marts_are_the_whole_nights(demo_home, tmp_path, capsys):
    import json

    scope = _scope()
    root = copy_landing(demo_home, tmp_path / "scope")
    assert scope.main(root.root) == 0
    done = set(json.loads(capsys.readouterr().out.strip().splitlines()[-1])["materialized"])
    assert {f"marts/{m}" for m in scope.MARTS} <= done
    assert {"validated/platform_events", "validated/platform_daily", "validated/schools", "raw/platform_events"} <= done
    # not the scope: the surveys, the other marts, the publish
    assert not done & {"validated/dltv_equipment", "marts/platform_hourly", "marts/quality_by_rule", "warehouse/published"}
    con = duckdb.connect()
    con.execute(f"ATTACH '{published_duckdb(demo_home)}' AS w (READ_ONLY)")
    for m in scope.MARTS:
        mine = f"read_parquet('{lake.path(root, 'marts', m).as_posix()}')"
        columns = ", ".join(f'"{c}"' for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {mine})").fetchall())
        ours, whole = f"SELECT {columns} FROM {mine}", f"SELECT {columns} FROM w.{m}"
        assert con.execute(f"SELECT count(*) FROM ({whole})").fetchone()[0] > 0
        assert con.execute(f"SELECT count(*) FROM (({ours} EXCEPT ALL {whole}) UNION ALL ({whole} EXCEPT ALL {ours}))").fetchone()[0] == 0, m
