"""Publish: the warehouse version analysts, dashboards and exports read.

Copies the published base tables (validated tables by their contract names, quarantine, accounting,
rule results) and every mart into a new version, swapped in atomically (see warehouse.publish).
The row-accounting check guards the promise that nothing is lost: for every file and table,
rows in = valid + flagged + quarantined + superseded.
"""


import dagster as dg
import polars as pl

from assets.marts import ALL_MARTS, COUNTS, mart_assets
from assets.metadata import md_table
from assets.resources import KhlangHome
from warehouse import lake, views
from warehouse.publish import publish_views

KEY = dg.AssetKey(["warehouse", "published"])


@dg.asset(
    key=KEY,
    deps=[a.key for a in mart_assets],
    check_specs=[dg.AssetCheckSpec("row_accounting", asset=KEY, description="rows in = valid + flagged + quarantined + superseded, for every file")],
    group_name="warehouse",
    kinds={"duckdb", "parquet"},
    owners=["team:ict"],
)
def published_warehouse(context: dg.AssetExecutionContext, khlang: KhlangHome):
    """A new warehouse version: Parquet snapshot under warehouse/versions/ and khlang.duckdb, replaced
    atomically so readers see the old version or the new one, never a mix."""
    home = khlang.home()
    from pipelines.audit import prune_quietly

    # Audit months past retention go with every nightly run, whoever started it (`khlang ingest`, the
    # schedule, the sensor); a problem is logged, never fails the run.
    pruned = prune_quietly(home)
    con = views.connect(home)
    try:
        # The marts as their assets materialized them, read where they lie; and the night's counts of
        # every row, which accounting, rule results and the check below read (not the rows again).
        for name in (COUNTS, *ALL_MARTS):
            path = lake.path(home, "marts", name).as_posix().replace("'", "''")
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        acc = views.accounting(con)
        unbalanced = acc.filter(
            pl.col("rows_in") != pl.col("valid") + pl.col("flagged") + pl.col("quarantined") + pl.col("superseded")
        )
        if unbalanced.height:
            # Never publish a version that loses rows: the check says which files, the previous version
            # stays published, and the run fails.
            yield dg.AssetCheckResult(
                check_name="row_accounting",
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"unbalanced": md_table(unbalanced)},
            )
            raise dg.Failure(
                description="row accounting does not balance; nothing published",
                metadata={"unbalanced": md_table(unbalanced)},
            )
        published = publish_views(home, con, [*views.published_names(con), *ALL_MARTS], run_id=context.run_id)
    finally:
        con.close()
    yield dg.MaterializeResult(
        metadata={
            "version": published.version,
            "duckdb": dg.MetadataValue.path(str(published.duckdb_path)),
            "snapshot": dg.MetadataValue.path(str(published.snapshot_dir)),
            "tables": dg.MetadataValue.json(published.row_counts),
            "audit_entries_pruned": pruned if pruned is not None else -1,  # -1: the audit log was not pruned
        }
    )
    yield dg.AssetCheckResult(
        check_name="row_accounting",
        passed=True,
        metadata={"files": acc.height, "rows_in": int(acc.get_column("rows_in").sum() or 0)},
    )
