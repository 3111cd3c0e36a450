"""Landing layer: the files schools sent, with their arrival order."""


import dagster as dg

from assets.metadata import md_table
from assets.resources import KhlangHome
from pipelines.landing import inventory
from warehouse import lake

KEY = dg.AssetKey(["landing", "files"])


@dg.asset(key=KEY, group_name="landing", kinds={"file", "parquet"}, owners=["team:ict"])
def landing_files(context: dg.AssetExecutionContext, khlang: KhlangHome) -> dg.MaterializeResult:
    """Every file dropped anywhere under $KHLANG_HOME/landing/: path, size, sha256 and arrival number
    (first seen; ties broken by modification time). Files are never changed or moved by Khlang."""
    home = khlang.home()
    files = inventory(home)
    lake.write(files, lake.path(home, "landing", "files"))
    return dg.MaterializeResult(
        metadata={
            "files": files.height,
            "landing": dg.MetadataValue.path(str(home.landing)),
            "preview": md_table(files.select("arrival_seq", "path", "size"), 50),
        }
    )
