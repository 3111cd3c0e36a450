"""The whole graph on the generated district: every rule's count, every file's accounting.

The expected figures come from the generator, which injects each broken row on purpose (each breaks
exactly one rule) and records it; the pipeline finds them independently from the files.
"""

from __future__ import annotations

import polars as pl
import pytest

from warehouse.read import query

pytestmark = pytest.mark.slow


def test_every_rule_count_matches_the_injected_rows(demo_home, expected):
    got = query(demo_home, "SELECT table_name, rule_id, sum(rows_failed)::INT AS n FROM rule_results GROUP BY ALL")
    counts = {(r["table_name"], r["rule_id"]): r["n"] for r in got.iter_rows(named=True)}
    mismatches = {
        (table, rule): (n, counts.get((table, rule)))
        for table, rules in expected["rule_rows"].items()
        for rule, n in rules.items()
        if counts.get((table, rule)) != n
    }
    assert mismatches == {}, "(table, rule): (expected, got)"
    # Every rule of the contracts is exercised by the sample district.
    assert all(n > 0 for rules in expected["rule_rows"].values() for r, n in rules.items() if not r.startswith(("FMT", "REQ")) or n)


def test_every_file_accounts_for_every_row(demo_home, expected):
    acc = query(demo_home, "SELECT * FROM file_accounting")
    assert set(acc.get_column("source_file")) == set(expected["files"])
    for r in acc.iter_rows(named=True):
        e = expected["files"][r["source_file"]]
        if "tables" in e:  # a workbook of several tables (four-area): one accounting line per table
            lines = acc.filter(pl.col("source_file") == r["source_file"]).get_column("table_name")
            assert set(lines) == set(e["tables"]), r["source_file"]
            e = {**e, **e["tables"][r["table_name"]]}
        got = {k: r[k] for k in ("rows_in", "valid", "flagged", "quarantined", "superseded")}
        assert got == {k: e[k] for k in got}, r["source_file"]
        assert r["rows_in"] == r["valid"] + r["flagged"] + r["quarantined"] + r["superseded"]
        if e["error"]:
            assert r["error_kind"] == e["error"], r["source_file"]
            assert r["error_th"] and r["error_en"]


def test_missing_column_error_names_file_sheet_row_and_column(demo_home, expected):
    acc = query(demo_home, "SELECT * FROM file_accounting WHERE error_kind = 'missing_column'")
    assert acc.height == sum(1 for f in expected["files"].values() if f["error"] == "missing_column")
    r = acc.row(0, named=True)
    assert r["error_sheet"] and r["error_row"] and r["error_column"] == "จำนวนห้องเรียน DLTV"
    assert "จำนวนห้องเรียน DLTV" in r["error_th"] and "dltv_classrooms" in r["error_en"]


def test_quarantine_has_lineage_rule_ids_and_thai_and_english_reasons(demo_home):
    q = query(demo_home, "SELECT * FROM quarantine")
    assert q.height == query(demo_home, "SELECT sum(quarantined)::INT AS n FROM file_accounting").item()
    assert q.filter(pl.col("source_file").is_null() | pl.col("row_number").is_null() | (pl.col("rule_ids").list.len() == 0)).height == 0
    assert q.filter(pl.col("reason_th").str.len_chars() == 0).height == 0
    assert q.filter(~pl.col("reason_th").str.contains("[ก-๙]")).height == 0, "reasons are Thai first"
    ref = q.filter(pl.col("rule_ids").list.contains("REF-01"))
    assert all(code in reason for code, reason in zip(ref["school_code"], ref["reason_th"])), "REF-01 shows the code"
    assert "reporter_name" not in " ".join(q.get_column("raw_values").to_list()), "no personal data in quarantine"


def test_quarantine_shows_the_cells_as_written_without_personal_data(demo_home):
    import json

    from warehouse.contracts import get

    q = query(demo_home, "SELECT table_name, reason_en, raw_values FROM quarantine")
    for table, group in q.group_by("table_name"):
        public = [c.name for c in get(table[0]).public_columns]
        for raw in group.get_column("raw_values"):
            assert list(json.loads(raw)) == public, "every public cell, in contract order; no personal column"
    # An unreadable cell is shown as it was written (FMT-01's reason quotes the same text).
    unreadable = q.filter(pl.col("reason_en").str.contains("cannot read column")).row(0, named=True)
    column, written = unreadable["reason_en"].split("cannot read column ", 1)[1].split(" (", 1)
    assert json.loads(unreadable["raw_values"])[column] == written.split(")")[0]


def test_flagged_rows_stay_in_the_validated_table_with_rule_ids(demo_home):
    flagged = query(demo_home, "SELECT rule_ids FROM dltv_equipment WHERE outcome = 'flagged'")
    assert flagged.height > 0
    assert flagged.filter(pl.col("rule_ids").list.len() == 0).height == 0
    assert query(demo_home, "SELECT count(*) FROM dltv_equipment WHERE outcome NOT IN ('valid','flagged')").item() == 0


def test_coverage_lists_the_schools_that_did_not_submit(demo_home, expected):
    missing = query(demo_home, "SELECT school_code FROM missing_submissions WHERE survey = 'dltv_equipment' AND period = 2569")
    assert set(missing.get_column("school_code")) == set(expected["missing_2569"])
    cov = query(demo_home, "SELECT * FROM coverage WHERE period = 2569").row(0, named=True)
    assert cov["population"] == expected["eligible_schools"]
    assert cov["missing"] == len(expected["missing_2569"])


def test_resubmission_supersedes_and_both_stay_in_history(demo_home, expected):
    hist = query(demo_home, "SELECT school_code, fiscal_year, source_file, outcome, superseded_by FROM dltv_equipment_history")
    for s in expected["superseded_rows"]:
        rows = hist.filter((pl.col("school_code") == s["school_code"]) & (pl.col("fiscal_year") == s["fiscal_year"]))
        assert sorted(rows.get_column("outcome")) in (["superseded", "valid"], ["flagged", "superseded"]), s
        old = rows.filter(pl.col("outcome") == "superseded").row(0, named=True)
        assert old["source_file"] == s["file"] and old["superseded_by"]
        current = query(demo_home, "SELECT source_file FROM dltv_equipment WHERE school_code = ? AND fiscal_year = ?",
                        [s["school_code"], s["fiscal_year"]])
        assert current.height == 1 and current.item() != s["file"]


def test_smis_codes_resolve_to_school_codes(demo_home):
    resolved = query(demo_home, "SELECT submitted_code, school_code FROM dltv_equipment_history WHERE submitted_code <> school_code")
    assert resolved.height > 0
    assert resolved.filter(pl.col("school_code").str.contains(r"^10\d{8}$").not_()).height == 0


def test_marts_have_needs_with_cost_from_latest_prices(demo_home):
    needs = query(demo_home, "SELECT * FROM dltv_needs WHERE fiscal_year = 2569")
    prices = query(demo_home, "SELECT item, unit_price_baht FROM dltv_unit_prices")
    assert needs.height > 0 and prices.height == 4
    joined = needs.join(prices, on="item", suffix="_p")
    assert (joined["est_cost_baht"] - joined["request_replace"] * joined["unit_price_baht_p"]).abs().max() < 1e-6
    total_replace = query(demo_home, "SELECT sum(request_replace) FROM dltv_equipment_items WHERE fiscal_year = 2569").item()
    assert needs.get_column("request_replace").sum() == total_replace


def test_the_run_builds_gx_data_docs_for_every_suite(demo_home):
    from warehouse.contracts import contracts

    index = demo_home.data_docs
    assert index.exists()
    site = index.parent
    for table in contracts():
        assert (site / "expectations" / f"{table}.html").exists(), table
        assert list((site / "validations" / table).rglob("*.html")), table
