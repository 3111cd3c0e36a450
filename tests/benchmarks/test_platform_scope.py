"""benchmarks/platform/scope.py: the first load as issue 7, point 5 scopes its targets runs the nightly job
narrowed to the daily and monthly marts, the reconciliation and what they read, and gives their rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import copy_landing
from warehouse import lake

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
    compared = scope.compare(root.root, demo_home.root)
    assert set(compared) == set(scope.MARTS)
    for m, c in compared.items():
        assert c["rows"] > 0 and c["equal"], m
    # and the comparison sees a row gone from one of them
    daily = lake.path(root, "marts", scope.MARTS[0])
    pl.read_parquet(daily).slice(1).write_parquet(daily)
    assert [m for m, c in scope.compare(root.root, demo_home.root).items() if not c["equal"]] == [scope.MARTS[0]]
