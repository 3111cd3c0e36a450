"""The bad-file battery (pipelines/sample/bad_files.py) through the real landing and raw assets.

Every entry under landing/ must be accounted for in raw/file_report: with rows, or with a per-file
message in Thai and English naming, where known, sheet, row and column; entries that are not read are
`skipped` with their reason, and links are never followed out of landing/.
"""

from __future__ import annotations

import os
import re
import warnings

import dagster as dg
import polars as pl
import pytest

from assets.landing import landing_files
from assets.raw import raw_rows
from assets.resources import KhlangHome
from pipelines.casting import cast
from pipelines.config import home
from pipelines.sample import bad_files
from warehouse import lake
from warehouse.contracts import contracts, get

CASES = bad_files.battery()
THAI = re.compile("[ก-๙]")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """The battery written under a fresh landing/ and materialized through landing/files and raw/*."""
    warnings.filterwarnings("ignore", module="dagster")
    h = home(tmp_path_factory.mktemp("battery"))
    bad_files.write(h.landing, CASES)
    result = dg.materialize([landing_files, raw_rows], resources={"khlang": KhlangHome(root=str(h.root))})
    assert result.success
    report = lake.read(h, "raw", "file_report")
    raw = {t: lake.read(h, "raw", t) for t, c in contracts().items() if c.load == "whole"}
    return h, report, raw


def _entries(landing) -> set[str]:
    """An independent listing of landing/'s entries: walk without following links; a hidden folder is
    one entry (its contents are not listed)."""
    out = set()
    for folder, dirs, files in os.walk(landing, followlinks=False):
        rel = os.path.relpath(folder, landing)
        prefix = "" if rel == "." else rel + "/"
        for d in list(dirs):
            if d.startswith(".") or os.path.islink(os.path.join(folder, d)):
                out.add(prefix + d)
                dirs.remove(d)
        out |= {prefix + f for f in files}
    return out


def test_every_entry_under_landing_is_accounted_for_once(ingested):
    h, report, _ = ingested
    assert sorted(report.get_column("path")) == sorted(_entries(h.landing))
    assert sorted(report.get_column("path")) == sorted(c.reported for c in CASES)
    nothing = report.filter((pl.col("rows_in") == 0) & (pl.col("error_th").is_null() | pl.col("error_en").is_null()))
    assert nothing.height == 0, "an entry without rows and without a message"


def test_no_link_is_followed_out_of_landing(ingested):
    h, report, raw = ingested
    decoy = h.root / bad_files.DECOY_DIR
    assert any(decoy.iterdir()), "the decoy outside landing/ exists and is readable"
    read = pl.concat([df.select("_source_file") for df in raw.values()]).get_column("_source_file")
    assert set(read) == {c.rel for c in CASES if c.kind is None}
    assert report.get_column("rows_in").sum() == sum(c.rows for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_battery_case(ingested, case):
    _, report, raw = ingested
    [row] = report.filter(pl.col("path") == case.reported).to_dicts()
    said = " ".join(filter(None, (row["error_th"], row["error_en"], row["notes"])))
    for word in case.says:
        assert word in said, f"{word!r} not in {said!r}"
    if case.kind is None:
        assert (row["error_kind"], row["table_name"], row["rows_in"]) == (None, case.table, case.rows)
        rows = raw[case.table].filter(pl.col("_source_file") == case.rel)
        assert tuple(rows.get_column("_row")) == case.excel_rows
        if case.rules:
            issues = cast(rows, get(case.table)).get_column("_parse_issues").to_list()
            got = {rule: sum(any(i["rule_id"] == rule for i in row_issues) for row_issues in issues) for rule in case.rules}
            assert got == case.rules
        return
    assert (row["error_kind"], row["rows_in"]) == (case.kind, 0)
    assert THAI.search(row["error_th"]) and row["error_en"], "a Thai message first, English beside it"
    if case.kind == "skipped":
        assert row["notes"] == case.skip
        assert "\n" not in row["error_th"] and "\n" not in row["error_en"], "the name is shown on one line"
    for field, want in (("error_sheet", case.sheet), ("error_row", case.row), ("error_column", case.column)):
        if want is not None:
            assert row[field] == want, field
