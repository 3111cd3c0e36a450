"""views.connect defines what a mart's SQL reads and no more; every mart computes the same either way."""

from __future__ import annotations

import polars as pl
import pytest

from warehouse import lake, marts, views


def _names(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}


def test_a_query_over_one_table_gets_that_table_only(demo_home):
    con = views.connect(demo_home, reads="SELECT date, count(*) FROM platform_daily GROUP BY ALL")
    try:
        names = _names(con)
    finally:
        con.close()
    assert {"platform_daily", "platform_daily_history"} <= names
    assert not names & {"schools", "platform_events", "quarantine", "file_accounting", "coverage"}


def test_a_query_over_every_table_gets_every_table_and_the_views_across_them_it_names(demo_home):
    full = views.connect(demo_home)
    across = views.connect(demo_home, reads="SELECT * FROM quarantine")
    try:
        every, named = _names(full), _names(across)
    finally:
        full.close()
        across.close()
    tables = {n for n in every if n.startswith(("_rows_", "_delta_"))} | {"schools", "platform_events", "dltv_equipment"}
    assert tables <= named and {"quarantine", "file_accounting", "_outcome_counts"} <= named
    # not named, not bound (rule_results binds a view over every table): all of them without `reads`
    across_views = {"rule_results", "expectation_results", "file_accounting_by_period", "coverage", "missing_submissions"}
    assert not named & across_views and across_views <= every


@pytest.mark.parametrize("name", [*marts.MARTS, *marts.GENERATED, views.COUNTS])
def test_every_mart_the_same_from_its_own_views_as_from_all(demo_home, name):
    sql = marts.sql(name) if name in marts.MARTS else f"SELECT * FROM {name}"  # as assets.marts builds it

    def computed(reads):
        con = views.connect(demo_home, reads=reads)
        try:
            for m in marts.reads(name) if name in marts.MARTS else []:  # the marts it reads, as materialized
                con.execute(f"CREATE VIEW {m} AS SELECT * FROM read_parquet({views.sql_string(lake.path(demo_home, 'marts', m))})")
            return con.execute(sql).pl()
        finally:
            con.close()

    own, everything = computed(sql), computed(None)
    if name == views.COUNTS:  # counts in no order of their own
        own, everything = own.sort(pl.all(), nulls_last=True), everything.sort(pl.all(), nulls_last=True)
    assert own.equals(everything)


ACCOUNTING = ("file_accounting", "file_accounting_by_period", "rule_results")


def test_outcome_counts_add_up_to_every_row(demo_home):
    con = views.connect(demo_home)
    try:
        by_table = "SELECT table_name, {} AS n FROM {} GROUP BY ALL ORDER BY table_name"
        counted = con.execute(by_table.format("sum(n)::BIGINT", "_outcome_counts")).fetchall()
        rows = con.execute(by_table.format("count(*)", "_outcomes")).fetchall()
        failed = con.execute("SELECT count(*) FROM _outcomes WHERE len(rule_ids) > 0").fetchone()[0]
    finally:
        con.close()
    assert counted == rows and failed > 0  # the demo has quarantined and flagged rows


def test_the_nights_materialized_counts_change_no_figure(demo_home):
    """Marts and the publish read `_outcome_counts` as the night's run materialized it (assets.marts):
    accounting, rule results and quality read from that file are what the rows themselves give."""
    counts = lake.path(demo_home, "marts", views.COUNTS)
    assert counts.exists()

    def read(materialized: bool):
        con = views.connect(demo_home)
        try:
            if materialized:
                con.execute(f"CREATE OR REPLACE VIEW {views.COUNTS} AS SELECT * FROM read_parquet({views.sql_string(counts)})")
            return [con.execute(f"SELECT * FROM {n}").pl() for n in ACCOUNTING]
        finally:
            con.close()

    for name, plain, materialized in zip(ACCOUNTING, read(False), read(True)):
        assert plain.height and plain.equals(materialized), name
