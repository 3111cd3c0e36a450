"""The national code location: the same nightly job for every office, as Dagster partitions.

    dagster dev -m assets.national          (KHLANG_NATIONAL_ROOT=<national_root>; KHLANG_DASK_ADDRESS optional)

`national/office_night` is partitioned by office with a dynamic partitions definition ("office"):
offices are added as partitions from national.json (`register_offices`), so joining an office is a
data change, not a code change. Materializing an office's partition runs that office's whole nightly
job, `pipelines.run.run_nightly`, on its own data root, and records the run's accounting and the
version it published as the partition's metadata. Its single-run backfill policy makes a backfill of
many offices ONE run, whose step hands the offices to the Dask cluster named by the `dask` resource
(pipelines/national/engine.py: one office a task); with no address the offices run one after another
in the run's process. `national/marts` (unpartitioned) then rolls the offices' published marts up to
province, region and country (pipelines/national/marts.py).

Why only offices are Dagster partitions here. The period (fiscal-year) partitions stay inside each
office's own job (assets/partitions.py: 16 plausible years), and the platform events are partitioned
by month inside their Delta tables, not as Dagster partitions. Had offices and years been a
multi-partition of one asset, 245 offices x 16 years = 3,920 partitions, still far below Dagster's
recommended ceiling of about 100,000 per asset; a month-level event partition (245 x 16 x 12 = 47,040)
would approach it for no gain. So the national definition has 245 partitions an asset (one an
office), and each office's job keeps its own 16 year partitions in its own instance: no asset anywhere
comes near the ceiling, and an office's history stays in its own Dagster instance. A single-office
install does not load this module (its code location is assets.definitions, unchanged).

An office whose night fails does not fail the others: the step reports every office (metadata
`night_succeeded`), fails only when no office succeeded, and names the failed ones in the log; the
office keeps its previous published version, which is what the national marts then read.
"""


import os
import warnings
from pathlib import Path

import dagster as dg

from pipelines.national.layout import office_codes

OFFICES = dg.DynamicPartitionsDefinition(name="office")
NIGHT = dg.AssetKey(["national", "office_night"])
MARTS = dg.AssetKey(["national", "marts"])
ENV_ROOT = "KHLANG_NATIONAL_ROOT"
ENV_ADDRESS = "KHLANG_DASK_ADDRESS"

warnings.filterwarnings("ignore", module="dagster")


class NationalRoot(dg.ConfigurableResource):
    """The national root (pipelines/national/layout.py). Empty: $KHLANG_NATIONAL_ROOT."""

    root: str = ""

    def path(self) -> Path:
        root = self.root or os.environ.get(ENV_ROOT, "")
        if not root:
            raise dg.Failure(f"no national root: configure the resource or set ${ENV_ROOT}")
        return Path(root).expanduser().resolve()


class DaskCluster(dg.ConfigurableResource):
    """Where the offices' work runs: a dask.distributed scheduler address (tcp://host:8786), or empty
    for this process (offices one after another). Empty here falls back to $KHLANG_DASK_ADDRESS."""

    address: str = ""

    def resolved(self) -> str | None:
        return self.address or os.environ.get(ENV_ADDRESS) or None


@dg.asset(key=NIGHT, partitions_def=OFFICES, backfill_policy=dg.BackfillPolicy.single_run(),
          group_name="national", kinds={"dask", "python"},
          description="One office's whole nightly job (pipelines.run.run_nightly) on its own data root")
def office_night(context: dg.AssetExecutionContext, national: NationalRoot, dask: DaskCluster) -> None:
    from pipelines.national.engine import run_offices

    codes = list(context.partition_keys)
    address = dask.resolved()
    context.log.info(f"{len(codes)} offices on {address or 'this process'}: {', '.join(codes)}")
    nights = run_offices(national.path(), codes, address)
    for n in nights:
        context.add_asset_metadata({
            "night_succeeded": n["success"],
            "run_id": n["run_id"] or "",
            "version": n["version"] or "",
            "published_version": n["published_version"] or "",
            "rows": dg.MetadataValue.int(n["rows"]),
            "files": dg.MetadataValue.int(n["files"]),
            "failed_checks": dg.MetadataValue.json(n["failed_checks"]),
            "error": n["error"] or "",
            "seconds": dg.MetadataValue.float(n["seconds"]),
            "peak_rss_mib": dg.MetadataValue.float(n["peak_rss_mib"]),
            "worker": f"{n['host']}:{n['pid']}",
        }, partition_key=n["office"])
    failed = [n["office"] for n in nights if not n["success"]]
    if failed and len(failed) == len(nights):
        raise dg.Failure(f"every office's night failed: {', '.join(failed)}")
    if failed:
        context.log.error(f"nights failed (previous versions kept): {', '.join(failed)}")


@dg.asset(key=MARTS, deps=[NIGHT], group_name="national", kinds={"delta", "duckdb"},
          automation_condition=dg.AutomationCondition.eager(),
          description="Offices' coverage, DLTV needs and cost, platform use rolled up to province, region, country")
def national_marts(context: dg.AssetExecutionContext, national: NationalRoot, dask: DaskCluster) -> dg.MaterializeResult:
    from pipelines.national.engine import client_for
    from pipelines.national.marts import build

    root = national.path()
    codes = office_codes(root)
    with client_for(dask.resolved()) as client:
        rows = build(root, codes, client)
    return dg.MaterializeResult(metadata={"offices": len(codes), **{f"rows/{k}": dg.MetadataValue.int(v)
                                                                    for k, v in rows.items()}})


def register_offices(instance: dg.DagsterInstance, root: Path) -> list[str]:
    """Add national.json's offices as "office" partitions (those already there stay); all offices."""
    codes = office_codes(root)
    have = set(instance.get_dynamic_partitions(OFFICES.name))
    new = [c for c in codes if c not in have]
    if new:
        instance.add_dynamic_partitions(OFFICES.name, new)
    return codes


@dg.sensor(minimum_interval_seconds=300, default_status=dg.DefaultSensorStatus.STOPPED)
def national_offices(context: dg.SensorEvaluationContext):
    """Offices listed in national.json become partitions (deployed instances: no code change to join)."""
    root = os.environ.get(ENV_ROOT)
    if not root:
        return dg.SkipReason(f"${ENV_ROOT} is not set")
    have = set(context.instance.get_dynamic_partitions(OFFICES.name))
    new = [c for c in office_codes(Path(root)) if c not in have]
    if not new:
        return dg.SkipReason("no new office")
    return dg.SensorResult(dynamic_partitions_requests=[OFFICES.build_add_request(new)])


national_nightly = dg.define_asset_job("national_nightly", selection=[NIGHT], partitions_def=OFFICES)
national_rollup = dg.define_asset_job("national_rollup", selection=[MARTS])

defs = dg.Definitions(
    assets=[office_night, national_marts],
    jobs=[national_nightly, national_rollup],
    sensors=[national_offices],
    resources={"national": NationalRoot(), "dask": DaskCluster()},
)
