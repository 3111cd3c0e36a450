"""Re-running changes nothing; new and bad files never corrupt what was published."""

from __future__ import annotations

import shutil

import pytest

from pipelines.run import run_nightly
from warehouse.publish import read_snapshot
from warehouse.read import query

pytestmark = pytest.mark.slow
COMPARED = ["dltv_equipment", "dltv_equipment_history", "schools", "dltv_allocation", "quarantine", "dltv_needs", "coverage"]


def _snapshot(h, version):
    return {t: read_snapshot(h, t, version) for t in COMPARED}


def _reused(h, run_id: str) -> dict[str, bool]:
    """Which survey validations and marts a run took over unchanged from the night before."""
    import dagster as dg

    from pipelines.run import instance_for

    with instance_for(h) as instance:
        events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    seen = {}
    for e in events:
        m = e.dagster_event.event_specific_data.materialization
        if "reused" in m.metadata:
            seen[m.asset_key.to_user_string()] = m.metadata["reused"].value
    return seen


def _every_table(h, version):
    return {p.stem: read_snapshot(h, p.stem, version) for p in sorted((h.versions / version).glob("*.parquet"))}


def test_rerun_publishes_the_same_tables_and_a_bad_file_changes_nothing_else(demo_home, tmp_path):
    h = demo_home.__class__(tmp_path / "root")
    shutil.copytree(demo_home.root, h.root)
    second = run_nightly(h)  # the demo's night was the first (v0001)
    assert second.success and second.version == "v0002"
    # Nothing changed: every survey validation and every mart is taken over, not done again
    # (pipelines/reuse.py), and every published table is the same as the night before.
    reused = _reused(h, second.run_id)
    assert reused and all(reused.values()), [k for k, v in reused.items() if not v]
    assert {k.split("/")[0] for k in reused} == {"validated", "marts"}
    a, b = _every_table(h, "v0001"), _every_table(h, "v0002")
    assert a.keys() == b.keys() and set(COMPARED) <= a.keys()
    for t in a:
        assert a[t].equals(b[t]), f"{t} changed on a re-run"
    assert query(h, "SELECT count(*) FROM (SELECT school_code, fiscal_year FROM dltv_equipment GROUP BY ALL HAVING count(*) > 1)").item() == 0

    # A broken file lands: it is reported, and every published table stays as it was.
    (h.landing / "dltv_equipment" / "2569" / "เสีย.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    third = run_nightly(h)
    assert third.success
    acc = read_snapshot(h, "file_accounting", third.version)
    assert acc.filter(acc["source_file"] == "dltv_equipment/2569/เสีย.xlsx").get_column("error_kind").to_list() == ["truncated"]  # a zip cut short
    c = _snapshot(h, third.version)
    for t in COMPARED:
        assert a[t].equals(c[t]), f"{t} changed because of a bad file"

    # A stamp that does not match what went in (here: written by hand) means the work is done again.
    # The register it validates is the same, so the tables enriched with it keep their validations.
    stamp_before = (h.lake / "stamps" / "validated" / "dltv_equipment.json").read_bytes()
    (h.lake / "stamps" / "validated" / "schools.json").write_text('{"stamp": "other"}', encoding="utf-8")
    fourth = run_nightly(h)
    assert fourth.success
    again = _reused(h, fourth.run_id)
    assert again["validated/schools"] is False
    assert again["validated/dltv_equipment"] is True and again["validated/dltv_allocation"] is True
    assert (h.lake / "stamps" / "validated" / "dltv_equipment.json").read_bytes() == stamp_before
    d = _every_table(h, fourth.version)
    for t in ("schools", "dltv_equipment", "coverage", "school_profile"):
        assert d[t].equals(b[t]), f"{t} changed when validated again"


def test_a_crashing_run_keeps_the_published_version(demo_home, tmp_path, monkeypatch):
    h = demo_home.__class__(tmp_path / "root")
    shutil.copytree(demo_home.root, h.root)
    before = h.duckdb_path.read_bytes()

    import warehouse.views as views

    def boom(*a, **k):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(views, "published_names", boom)
    result = run_nightly(h)
    assert not result.success
    assert h.duckdb_path.read_bytes() == before
    assert result.version is None and result.published_version == "v0001"
    # The failed run reports its own counts (it validated everything), never the published version's.
    assert result.accounting_from == "validated (not published)"
    own = result.accounting.select("source_file", "table_name", "rows_in").sort("source_file", "table_name")
    published = read_snapshot(h, "file_accounting", "v0001").select(own.columns).sort("source_file", "table_name")
    assert own.equals(published)


def test_unbalanced_row_accounting_fails_its_check_and_publishes_nothing(demo_home, tmp_path, monkeypatch):
    h = demo_home.__class__(tmp_path / "root")
    shutil.copytree(demo_home.root, h.root)
    before = h.duckdb_path.read_bytes()

    import polars as pl

    import warehouse.views as views

    real = views.accounting

    def lose_a_row(con):
        return real(con).with_columns(
            valid=pl.when(pl.int_range(pl.len()) == 0).then(pl.col("valid") - 1).otherwise(pl.col("valid"))
        )

    monkeypatch.setattr(views, "accounting", lose_a_row)
    result = run_nightly(h)
    assert not result.success
    assert "warehouse/published:row_accounting" in result.failed_checks
    assert h.duckdb_path.read_bytes() == before


def test_a_survey_no_school_sent_is_validated_once_then_its_empty_table_is_reused(tmp_path):
    """The register and DLTV only: DLIT and the four areas have no rows. The first night validates their
    empty tables (GX runs, the columns are kept beside the stamp); the next takes them over like any
    other unchanged table and publishes the same empty tables, with every column."""
    from pipelines.config import home
    from pipelines.sample import generate

    h = home(tmp_path / "root")
    generate(h.root, seed=2569, n_schools=150, events=0, families=())
    first = run_nightly(h)
    assert first.success
    assert _reused(h, first.run_id)["validated/dlit_usage"] is False
    second = run_nightly(h)
    assert second.success
    reused = _reused(h, second.run_id)
    empty = ["dlit_usage", "admin_academic", "admin_budget", "admin_personnel", "admin_general"]
    assert all(reused[f"validated/{t}"] for t in empty), reused
    for t in empty:
        a, b = read_snapshot(h, t, first.version), read_snapshot(h, t, second.version)
        assert a.height == 0 and a.equals(b) and a.schema == b.schema, t
