"""Marts built month by month (`-- by month:` in their SQL) equal the same SQL over the whole table, and
a new day of events recomputes its month only."""

from __future__ import annotations

import json
import shutil

import polars as pl
import pytest

from assets.marts import _build
from pipelines.run import run_nightly
from tests.landing_days import add_day_of_events
from warehouse import lake, marts

pytestmark = pytest.mark.slow
BY_MONTH = [m for m in marts.MARTS if marts.by_month(m)]


def test_the_platform_marts_that_scan_events_are_built_by_month():
    assert set(BY_MONTH) == {"platform_events_daily", "platform_hourly", "platform_monthly_users", "platform_top_content"}


@pytest.mark.parametrize("name", BY_MONTH)
def test_a_mart_by_month_is_the_mart_over_the_whole_table(demo_home, name):
    whole = _build(demo_home, name, marts.reads(name))
    by_month = pl.read_parquet(lake.path(demo_home, "marts", name))
    assert whole.height > 0
    assert by_month.equals(whole), name


def test_a_new_day_recomputes_its_month_only(demo_home, tmp_path):
    h = demo_home.__class__(tmp_path / "root")
    shutil.copytree(demo_home.root, h.root)
    index = h.lake / "marts" / "platform_hourly" / "months" / "index.json"
    before = json.loads(index.read_text())
    add_day_of_events(h, "2026-09-30")
    assert run_nightly(h).success
    after = json.loads(index.read_text())
    assert set(after) == set(before)
    assert [m for m in after if after[m] != before[m]] == ["2026-09"]
    assert pl.read_parquet(lake.path(h, "marts", "platform_hourly")).equals(_build(h, "platform_hourly", []))
