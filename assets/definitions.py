"""The Dagster code location: `dagster dev -m assets.definitions` (or `khlang serve`)."""

from __future__ import annotations

import dagster as dg

from assets.automation import landing_sensor, nightly_job, nightly_schedule
from assets.data_docs import data_docs
from assets.landing import landing_files
from assets.maintenance import maintenance_job, maintenance_schedule
from assets.marts import mart_assets
from assets.publish import published_warehouse
from assets.raw import raw_rows
from assets.resources import KhlangHome
from assets.validated import validated_assets

ALL_ASSETS = [landing_files, raw_rows, *validated_assets, data_docs, *mart_assets, published_warehouse]

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[nightly_job, maintenance_job],
    schedules=[nightly_schedule, maintenance_schedule],
    sensors=[landing_sensor],
    resources={"khlang": KhlangHome()},
    executor=dg.in_process_executor,
)
