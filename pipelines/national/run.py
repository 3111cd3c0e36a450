"""Run a national night from Python (the CLI's `khlang national run`, tests, the benchmark).

Two Dagster runs in the national instance (<national_root>/dagster_home), as the UI would launch them:
the offices' nights, ONE run over every office partition (the asset's single-run backfill policy: its
step hands the offices to the cluster), then the national marts. They are two runs because Dagster
runs one partitions definition at a time: the marts are unpartitioned.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.config import Home


@dataclass
class NationalSummary:
    success: bool
    offices: list[str]
    nights: dict[str, dict] = field(default_factory=dict)  # office -> the partition's metadata
    marts: dict[str, int] = field(default_factory=dict)  # table -> rows written
    run_ids: list[str] = field(default_factory=list)


def _value(v):
    return getattr(v, "value", v)


def run_national(root: Path, address: str | None = None, offices: list[str] | None = None) -> NationalSummary:
    """Every office's night (on the Dask scheduler at `address`, else here one after another), then
    the national marts. `offices`: a subset of national.json's, in its order (default: all)."""
    warnings.filterwarnings("ignore", module="dagster")
    import dagster as dg

    from assets import national as N
    from assets.partitions import RANGE_END, RANGE_START
    from pipelines.national.layout import office_codes
    from pipelines.run import instance_for

    root = Path(root).resolve()
    saved = os.environ.get("DAGSTER_HOME")
    try:
        with instance_for(Home(root)) as instance:
            every = N.register_offices(instance, root)
            codes = [c for c in every if offices is None or c in offices]
            defs = dg.Definitions(
                assets=[N.office_night, N.national_marts], jobs=[N.national_nightly, N.national_rollup],
                resources={"national": N.NationalRoot(root=str(root)), "dask": N.DaskCluster(address=address or "")},
            )
            quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
            summary = NationalSummary(True, codes)
            if codes:
                # one run over the offices: a contiguous range of the dynamic partitions when it is all of
                # them, else one run an office (dynamic partitions have no key-set tag)
                batches = [(codes[0], codes[-1])] if codes == every else [(c, c) for c in codes]
                job = defs.resolve_job_def(N.national_nightly.name)
                for start, end in batches:
                    result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=quiet,
                                                    tags={RANGE_START: start, RANGE_END: end})
                    summary.run_ids.append(result.run_id)
                    summary.success &= result.success
                    for e in result.get_asset_materialization_events():
                        m = e.materialization
                        summary.nights[m.partition] = {k: _value(v) for k, v in m.metadata.items()}
            job = defs.resolve_job_def(N.national_rollup.name)
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=quiet)
            summary.run_ids.append(result.run_id)
            summary.success &= result.success
            for e in result.get_asset_materialization_events():
                summary.marts = {k.split("/", 1)[1]: _value(v) for k, v in e.materialization.metadata.items()
                                 if k.startswith("rows/")}
        summary.success &= all(n.get("night_succeeded") for n in summary.nights.values()) and \
            len(summary.nights) == len(codes)
        return summary
    finally:
        if saved is None:
            os.environ.pop("DAGSTER_HOME", None)
        else:
            os.environ["DAGSTER_HOME"] = saved
