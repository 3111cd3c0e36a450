"""`khlang export obec` for every survey of the sample district, as for DLTV: the period's current rows
under the contract's Thai headers, no personal column (names, phones, hashed identifiers), a manifest,
and the publish's PII scan passing on the files."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest

from pipelines.calendar import fiscal_year_expr
from pipelines.cli import main
from warehouse.contracts import contracts
from warehouse.publish import hidden_columns, read_snapshot

SURVEYS = [t for t, c in contracts().items() if c.period and c.publish == "rows"]


def test_every_survey_with_a_period_is_exported():
    assert {"dltv_equipment", "dlit_usage", "admin_academic", "admin_budget", "admin_personnel",
            "admin_general", "admin_staff"} <= set(SURVEYS)


@pytest.mark.parametrize("survey", SURVEYS)
def test_export_of_each_survey(demo_home, survey, tmp_path, monkeypatch, capsys):
    c = contracts()[survey]
    snap = read_snapshot(demo_home, survey)
    current = snap.filter(pl.col("outcome").is_in(["valid", "flagged"]))
    assert current.height, f"the sample has current {survey} rows"
    # the period as the export reads it: a BE year column, or the fiscal year of a date (platform_daily)
    of_row = fiscal_year_expr(pl.col(c.period)) if current.schema[c.period].is_temporal() else pl.col(c.period)
    year = int(current.select(of_row.max()).item())
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    out = tmp_path / survey
    assert main(["export", "obec", "--survey", survey, "--year", str(year), "--out", str(out)]) == 0, capsys.readouterr()
    header, *body = list(csv.reader(io.StringIO((out / f"{survey}_{year}.csv").read_text(encoding="utf-8-sig"))))
    public = [col.header_th for col in c.public_columns]
    assert header == public
    hidden = {col.header_th for col in c.columns if col.name in hidden_columns()}
    assert not hidden & set(header)
    assert len(body) == current.filter(of_row == year).height
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["survey"], manifest["period"], manifest["rows"]["exported"]) == (survey, year, len(body))
    assert {col for col in hidden_columns() if col in c.column_names} <= set(manifest["personal_columns_excluded"])
