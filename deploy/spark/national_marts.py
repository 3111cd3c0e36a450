"""The national roll-up on an office's (or OBEC's) Spark cluster, from the same SQL Khlang runs on DuckDB.

NOT run here (no Spark in the development VM): written against PySpark 3.5 and Delta Lake 3.2
(io.delta:delta-spark_2.12:3.2.1); submit it with deploy/spark/submit.sh.

Khlang's own national night (pipelines/national/marts.py) writes the per-office aggregates as Delta
tables, <national_root>/national/{coverage,dltv_needs,platform_use}_by_office. This job reads them
(Delta is an open format: Spark, Trino and DuckDB read what delta-rs wrote) and runs
warehouse/national/<mart>.sql once a level, `{keys}` replaced by the level's columns exactly as
marts.py does, into <out>/<mart>_by_province, <mart>_by_region and <mart>_national (Delta, overwritten).
It also shows how Spark reads an office's own Delta tables, e.g. the platform events partitioned by
month: lake/tables/platform_events under the office's data root.

    spark-submit ... national_marts.py --national-root /data/national --sql-dir warehouse/national [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pyspark.sql import SparkSession

MARTS = ("coverage", "dltv_needs", "platform_use")
# the same levels as pipelines/national/marts.py LEVELS
LEVELS = {
    "province": "province, province_en, region, region_th, region_en, ",
    "region": "region, region_th, region_en, ",
    "national": "",
}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--national-root", required=True)
    p.add_argument("--sql-dir", required=True, help="warehouse/national of the Khlang checkout")
    p.add_argument("--out", help="where the roll-ups go (default: <national-root>/national, beside Khlang's)")
    p.add_argument("--events-of", metavar="OFFICE", help="also count one office's platform events by month")
    args = p.parse_args()
    root = args.national_root.rstrip("/")
    out = (args.out or f"{root}/national").rstrip("/")

    spark = (SparkSession.builder.appName("khlang-national-marts")
             .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
             .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
             .getOrCreate())
    for mart in MARTS:
        spark.read.format("delta").load(f"{root}/national/{mart}_by_office").createOrReplaceTempView(f"{mart}_by_office")
        sql = (Path(args.sql_dir) / f"{mart}.sql").read_text(encoding="utf-8")
        for level, keys in LEVELS.items():
            name = f"{mart}_national" if level == "national" else f"{mart}_by_{level}"
            (spark.sql(sql.replace("{keys}", keys)).write.format("delta").mode("overwrite")
             .option("overwriteSchema", "true").save(f"{out}/{name}"))
            print(f"{out}/{name}")
    if args.events_of:
        events = spark.read.format("delta").load(f"{root}/offices/{args.events_of}/lake/tables/platform_events")
        events.groupBy("month").count().orderBy("month").show(24, truncate=False)
    spark.stop()


if __name__ == "__main__":
    main()
