"""National marts: each office's published marts rolled up to province, region and country.

Map, on the workers (one task an office, `office_aggregates`): read the office's CURRENT published
version (`warehouse.publish.read_snapshot`: what the office's own readers see, never its lake) and
reduce each mart to one small per-office aggregate: coverage as the office published it, DLTV needs
summed over its districts by fiscal year and item, platform use summed over its schools by month,
platform and user type. An office sends back a few hundred rows whatever its size; no office's
row-level tables (schools, events, survey rows) ever leave its worker.

Reduce, in the national run's process: the per-office aggregates are labelled with the office's
province and region (warehouse/contracts/_offices.yaml, `pipelines.office.offices`, Thai and English)
and rolled up by the SQL of warehouse/national/*.sql, once a level: `{keys}` is the level's columns
(the province's, the region's, none for the country). DuckDB runs it here; the same files run on
Spark SQL over the `*_by_office` Delta tables (deploy/spark/). Percentages are recomputed from sums.

Written as Delta tables (`deltalake`, overwritten whole each night: the table's history keeps the
earlier nights) under <national_root>/national/<mart>_by_{office,province,region} and <mart>_national,
plus `offices`: which version of each office the figures come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import Home
from pipelines.national.layout import national_dir, office_root
from pipelines.office import UNSET, offices

SQL_DIR = Path(__file__).resolve().parent.parent.parent / "warehouse" / "national"
# mart of the national layer -> (the office's published table it is made from, its SQL file)
MARTS = {"coverage": "coverage", "dltv_needs": "dltv_needs", "platform_use": "platform_use_monthly"}
OFFICE_COLUMNS = ["office_code", "office_th", "office_en", "province", "province_en", "region", "region_th",
                  "region_en"]
LEVELS = {
    "province": "province, province_en, region, region_th, region_en, ",
    "region": "region, region_th, region_en, ",
    "national": "",
}


def _coverage(df: pl.DataFrame) -> pl.DataFrame:
    keys = ["rule_id", "survey", "survey_th", "period", "part"]
    sums = ["population", "submitted", "missing", "rejected", "not_sent"]
    return df.group_by(keys).agg([pl.col(c).sum().cast(pl.Int64) for c in sums])


def _dltv_needs(df: pl.DataFrame) -> pl.DataFrame:
    sums = ["schools", "total", "working", "broken", "request_replace", "request_repair"]
    return df.group_by(["fiscal_year", "item", "item_th", "item_en"]).agg(
        [pl.col(c).sum().cast(pl.Int64) for c in sums]
        # no price for the item: NULL, not 0 (sum of nothing but NULLs)
        + [pl.when(pl.col("est_cost_baht").is_not_null().any()).then(pl.col("est_cost_baht").sum())
           .otherwise(None).cast(pl.Float64).alias("est_cost_baht")]
    )


def _platform_use(df: pl.DataFrame) -> pl.DataFrame:
    return df.group_by(["month", "fiscal_year", "platform", "user_type"]).agg(
        pl.col("school_code").drop_nulls().n_unique().cast(pl.Int64).alias("schools"),
        pl.col("active_users").sum().cast(pl.Int64).alias("active_user_days"),
        *[pl.col(c).sum().cast(pl.Int64) for c in ("sessions", "media_views", "downloads")],
    )


MAP = {"coverage": _coverage, "dltv_needs": _dltv_needs, "platform_use": _platform_use}
KEYS = {"coverage": ["survey", "period", "part"], "dltv_needs": ["fiscal_year", "item"],
        "platform_use": ["month", "platform", "user_type"]}


def office_aggregates(root: str, code: str) -> dict:
    """The map: one office's small aggregates of its current published version (run on a worker).
    {"office": {...}, "<mart>": DataFrame or None (the version has no such table)}."""
    from warehouse.publish import current_version, ledger, read_snapshot

    home = Home(Path(root).resolve())
    version = current_version(home)
    out: dict = {"office": {"office_code": code, "version": version,
                            "published_at": next((e.get("published_at") for e in ledger(home)
                                                  if e["version"] == version), None)}}
    for mart, table in MARTS.items():
        try:
            df = read_snapshot(home, table, version) if version else None
        except FileNotFoundError:
            df = None
        out[mart] = MAP[mart](df) if df is not None else None
    return out


def _labels(code: str) -> dict:
    o = offices().get(code, UNSET)
    return {"office_code": code, "office_th": o.th, "office_en": o.en, "province": o.province,
            "province_en": o.province_en, "region": o.region, "region_th": o.region_th, "region_en": o.region_en}


@dataclass
class Rollup:
    tables: dict[str, pl.DataFrame]  # name -> table as written
    offices: pl.DataFrame  # one row an office: the version its figures come from


def reduce(parts: list[dict]) -> Rollup:
    """The reduce: label the per-office aggregates and roll them up level by level (warehouse/national)."""
    tables: dict[str, pl.DataFrame] = {}
    office_rows = []
    for p in parts:
        labels = _labels(p["office"]["office_code"])
        office_rows.append({**labels, "version": p["office"]["version"], "published_at": p["office"]["published_at"]})
    office_frame = pl.DataFrame(office_rows, schema={c: pl.String for c in [*OFFICE_COLUMNS, "version", "published_at"]})
    tables["offices"] = office_frame
    con = duckdb.connect()
    try:
        for mart in MARTS:
            frames = [
                p[mart].select(*[pl.lit(v, pl.String).alias(k) for k, v in _labels(p["office"]["office_code"]).items()],
                               pl.all())
                for p in parts if p[mart] is not None
            ]
            if not frames:
                continue
            by_office = pl.concat(frames, how="vertical_relaxed").sort("office_code", *KEYS[mart], nulls_last=False)
            tables[f"{mart}_by_office"] = by_office
            con.register(f"{mart}_by_office_src", by_office.to_arrow())
            con.execute(f"CREATE OR REPLACE TEMP VIEW {mart}_by_office AS SELECT * FROM {mart}_by_office_src")
            sql = (SQL_DIR / f"{mart}.sql").read_text(encoding="utf-8")
            for level, keys in LEVELS.items():
                name = f"{mart}_national" if level == "national" else f"{mart}_by_{level}"
                tables[name] = con.execute(sql.replace("{keys}", keys)).pl()
    finally:
        con.close()
    return Rollup(tables, office_frame)


def write(national_root: Path, rollup: Rollup) -> dict[str, int]:
    """Each table as a Delta table under <national_root>/national/ (overwritten); rows written a table."""
    out = {}
    for name, df in rollup.tables.items():
        df.write_delta(national_dir(national_root) / name, mode="overwrite",
                       delta_write_options={"schema_mode": "overwrite"})
        out[name] = df.height
    return out


def read(national_root: Path, name: str) -> pl.DataFrame:
    """A national table as last written (the Delta table's current version)."""
    return pl.read_delta(str(national_dir(national_root) / name))


def build(national_root: Path, codes: list[str], client=None) -> dict[str, int]:
    """Map every office's aggregates (on `client`'s workers, else here), reduce, write; rows a table."""
    from pipelines.national.engine import map_on

    roots = [str(office_root(national_root, c).resolve()) for c in codes]
    parts = map_on(client, office_aggregates, roots, codes)
    return write(national_root, reduce(parts))
