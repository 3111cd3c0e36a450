"""The publish step of the nightly job (assets/publish.py), as the schedule or the sensor runs it."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import dagster as dg
import polars as pl
import pytest

from pipelines import audit
from pipelines.audit import chain

pytestmark = pytest.mark.slow


def test_a_nightly_run_started_by_dagster_prunes_the_audit_log_past_retention(demo_home, tmp_path, monkeypatch):
    """Not only `khlang ingest`: the `nightly` job as Dagster's schedule or sensor launches it (no
    run_nightly around it) drops the audit months past retention and says so in the log."""
    from assets.automation import nightly_job
    from assets.definitions import ALL_ASSETS
    from assets.partitions import ALL_YEARS
    from assets.resources import KhlangHome

    h = demo_home.__class__(tmp_path / "root")
    shutil.copytree(demo_home.root, h.root)
    shutil.rmtree(h.audit, ignore_errors=True)  # (other tests' `khlang sql` on demo_home wrote entries of today)
    with monkeypatch.context() as m:  # a page viewed long ago, past any retention: the log's first month
        m.setattr(chain, "utcnow", lambda: datetime(2024, 1, 15, 9, 0, tzinfo=UTC))
        audit.record(h, "page_view", user="somchai", role="director", target="ภาพรวม / overview")
    assert (h.audit / "2024-01.jsonl").exists()

    job = dg.Definitions(assets=ALL_ASSETS, jobs=[nightly_job],
                         resources={"khlang": KhlangHome(root=str(h.root))}).resolve_job_def(nightly_job.name)
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), tags=ALL_YEARS, raise_on_error=False)

    assert result.success
    assert not (h.audit / "2024-01.jsonl").exists()
    pruned = audit.read(h).filter(pl.col("action") == "audit_pruned")
    assert pruned.height == 1 and audit.verify(h) == []
    [published] = [m for m in result.asset_materializations_for_node("warehouse__published")]
    assert published.metadata["audit_entries_pruned"].value >= 1
