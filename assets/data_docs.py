"""The GX Data Docs site, built once a night after every validation (not once per validation).

Each table's validation stores its GX result without touching the site; this step then builds the
site from GX's stores in one pass. Building it per validation cost ~0.3 s each (GX rebuilds the index
with every result), twelve or more times a night; one build of the whole site costs ~1.2 s. A night
whose validations were all reused (pipelines/reuse.py) stored no new result: the site is left as it is.
"""

import time
from pathlib import Path

import dagster as dg

from assets.resources import KhlangHome
from assets.validated import validated_assets

DATA_DOCS = dg.AssetKey(["validated", "data_docs"])


def stale(gx_root: Path, index: Path) -> bool:
    """True when a GX result or suite was written after the site's index (or there is no site yet)."""
    if not index.exists():
        return True
    built = index.stat().st_mtime_ns
    stores = [gx_root / "gx" / "uncommitted" / "validations", gx_root / "gx" / "expectations"]
    return any(p.stat().st_mtime_ns > built for s in stores if s.exists() for p in s.rglob("*.json"))


@dg.asset(
    key=DATA_DOCS,
    deps=[a.key for a in validated_assets],
    group_name="validated",
    kinds={"great_expectations"},
    owners=["team:ict"],
    description="หน้า Data Docs ของ GX: ผลการตรวจทุกตาราง / GX Data Docs: every table's suite and its latest "
                "validation results, built once after the night's validations.",
)
def data_docs(context: dg.AssetExecutionContext, khlang: KhlangHome) -> dg.MaterializeResult:
    from pipelines.validate import gx_lock

    home = khlang.home()
    started = time.perf_counter()
    with gx_lock(home.root):
        rebuilt = stale(home.root, home.data_docs)
        if rebuilt:
            from expectations.docs import build

            build(home)
    context.log.info(f"Data Docs {'built' if rebuilt else 'unchanged (no new GX result)'}: {home.data_docs}")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(home.data_docs)), "rebuilt": rebuilt,
                                          "seconds": round(time.perf_counter() - started, 2)})
