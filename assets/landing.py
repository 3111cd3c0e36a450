"""Landing layer: the files schools sent, with their arrival order."""


import dagster as dg
import polars as pl

from assets.metadata import md_table
from assets.resources import KhlangHome
from pipelines.landing import fingerprint, inventory, new_bytes, shown
from pipelines.parallel import warm
from pipelines.parsed_files import PARALLEL_BYTES
from warehouse import lake

KEY = dg.AssetKey(["landing", "files"])


@dg.asset(key=KEY, group_name="landing", kinds={"file", "parquet"}, owners=["team:ict"])
def landing_files(context: dg.AssetExecutionContext, khlang: KhlangHome) -> dg.MaterializeResult:
    """Every entry anywhere under $KHLANG_HOME/landing/: path, size, sha256 and arrival number (first
    seen; ties broken by modification time), or, for entries that are not read (lock files, hidden
    files, FIFOs, links out of landing/), the reason in Thai and English. Files are never changed or
    moved by Khlang, and links are never followed out of landing/."""
    home = khlang.home()
    if new_bytes(home) > PARALLEL_BYTES:  # a big night: worker processes will parse and validate
        warm()
    seen = fingerprint(home)  # what this run reads: the sensor's first tick compares the folder with it
    files = inventory(home)
    lake.write(files, lake.path(home, "landing", "files"))
    skipped = files.filter(pl.col("skip_kind").is_not_null())
    return dg.MaterializeResult(
        metadata={
            "files": files.height - skipped.height,
            "fingerprint": seen,
            "skipped": skipped.height,
            "landing": dg.MetadataValue.path(str(home.landing)),
            "preview": md_table(files.select("arrival_seq", pl.col("path").map_elements(shown, return_dtype=pl.String),
                                               "size", "skip_kind"), 50),
        }
    )
