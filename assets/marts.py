"""Marts: what directors and analysts read, one asset per mart (SQL in warehouse/marts/)."""

import dagster as dg
import polars as pl

from assets.partitions import today
from assets.raw import FILE_REPORT
from assets.resources import KhlangHome
from assets.validated import validated_assets
from pipelines import reuse
from warehouse import lake, marts, tables, views
from warehouse.marts import monthly

ALL_MARTS = (*marts.MARTS, *marts.GENERATED)  # the marts a version publishes
UPSTREAM = [FILE_REPORT, *(a.key for a in validated_assets)]
COUNTS = views.COUNTS  # every row counted once (not published): what accounting and quality marts read
COUNTS_DESCRIPTION = ("Rows per table, file, period, school, outcome and rule IDs, counted once a night from "
                      "every validated row: the accounting, rule results and quality marts read these counts "
                      "(not ten million event rows each), and so does the publish's row-accounting check.")


def upstream_of(name: str) -> list[str]:
    """The marts (and the counts) mart `name` reads as their assets materialized them."""
    if name not in marts.MARTS:
        return []
    return ([COUNTS] if marts.reads(name, views.FROM_COUNTS) else []) + marts.reads(name)


def _build(home, name: str, upstream: list[str], restrict: dict[str, list[str]] | None = None):
    # (a generated mart, and the counts, are a view of their own name: what `marts.build` selects)
    con = views.connect(home, restrict, reads=marts.sql(name) if name in marts.MARTS else f"SELECT * FROM {name}")
    try:
        # The marts this one reads, as their assets materialized them (not recomputed from the rows:
        # a mart over a year of events would scan ten million rows once per mart that reads it).
        for m in upstream:
            con.execute(f"CREATE OR REPLACE VIEW {m} AS SELECT * FROM read_parquet({views.sql_string(lake.path(home, 'marts', m))})")
        if name in marts.MARTS:
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {marts.sql(name)}")
        return marts.build(con, name)
    finally:
        con.close()


def _lake_inputs(home, upstream: list[str]) -> str:
    """One digest of every lake file a mart can read: the raw and validated layers, the checks, the
    Delta tables' commit logs (a commit names its data files; files a killed night wrote but never
    committed are not read) and the marts it reads. Not the parse cache, the stamps or other marts,
    whose folders are not even walked: with a year of events they hold most of the lake's files, and
    this runs once per mart."""
    lake_root = home.lake
    if not lake_root.is_dir():
        return "-"
    read = []
    for top in lake_root.iterdir():
        if top.name == "stamps":
            continue
        if top.name == "marts":
            read += [top / m for m in upstream]
        elif top.name == "tables":
            read += [t / "_delta_log" for t in top.iterdir()]
        elif top.name == "raw":
            read += [p for p in top.iterdir() if p.name != "files"]
        else:
            read.append(top)
    files = [f for p in read for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    return reuse.files_digest(lake_root, files)


def mart_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", name])


def build_mart_asset(name: str) -> dg.AssetsDefinition:
    checks = []
    if name == "coverage":
        checks = [dg.AssetCheckSpec("COV_01", asset=mart_key(name), description="COV-01: every DLTV-eligible school in the register has a row for the year")]

    upstream = upstream_of(name)

    @dg.asset(
        key=mart_key(name),
        deps=[*UPSTREAM, *(mart_key(m) for m in upstream)],
        check_specs=checks,
        group_name="marts",
        kinds={"duckdb", "parquet"},
        owners=["team:ict"],
        description=COUNTS_DESCRIPTION if name == COUNTS else marts.description(name),
    )
    def _mart(context: dg.AssetExecutionContext, khlang: KhlangHome):
        home = khlang.home()
        target = lake.path(home, "marts", name)
        wanted = reuse.stamp(name, today(), _lake_inputs(home, upstream))
        reused = reuse.reusable(home, "marts", name, wanted, [target]) is not None
        if reused:
            df = pl.read_parquet(target)  # what the lake held when it was last built is what it holds now
        else:
            reuse.forget(home, "marts", name)
            monthly_from = marts.by_month(name)
            if monthly_from and tables.exists(home, monthly_from[0]):
                table, column = monthly_from
                df, months = monthly.build(home, name, table, column, lambda restrict: _build(home, name, upstream, restrict))
                context.log.info(f"{name}: recomputed {len(months)} month(s) of {table}: {', '.join(months) or 'none'}")
            else:
                df = _build(home, name, upstream)
            lake.write(df, target)
            reuse.remember(home, "marts", name, wanted)
        yield dg.MaterializeResult(metadata={"rows": df.height, "reused": reused})
        if name == "coverage":
            missing = int(df.get_column("missing").sum() or 0)
            # A finding, not a failure: schools send until the deadline, and the dashboards list who is
            # missing. The counts are the check's metadata.
            yield dg.AssetCheckResult(
                check_name="COV_01",
                passed=True,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"rule_id": "COV-01", "missing_schools": missing,
                          "coverage_pct": ", ".join(f"{r['survey']} {r['period']}: {r['coverage_pct']}%" for r in df.iter_rows(named=True))},
            )

    return _mart


mart_assets = [build_mart_asset(n) for n in (COUNTS, *ALL_MARTS)]
