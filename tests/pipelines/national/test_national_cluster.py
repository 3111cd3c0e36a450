"""Offices' nights on a real dask.distributed LocalCluster against the same offices in one process.

One module, one expensive fixture (module-scoped, so `dev.py test`'s loadfile workers never run it
twice): two tiny sample offices are generated once and copied; one copy runs in this process (offices
one after another), the other on a LocalCluster of two spawned worker processes that this test starts
(both offices at once), each through the national code location (assets/national.py) into its own
national Dagster instance. Then: identical published rows, national marts that add up, partitions and
materializations in the instance.
"""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from pipelines.config import Home
from pipelines.national.layout import dagster_home, office_root
from pipelines.national.marts import MARTS, read
from pipelines.national.simulate import simulate
from warehouse.publish import current_version, read_snapshot, verified_version

pytestmark = pytest.mark.slow

OFFICES = ["4001", "4002"]
# Columns that name the run rather than the data: which run published, when, and the arrival times the
# landing ledger stamped. Everything else must be the same row for row.
RUN_DEPENDENT = {"published_at", "run_id", "arrived_at", "first_seen_at", "ingested_at", "validated_at"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from pipelines.national.engine import start_local_cluster
    from pipelines.national.run import run_national

    base = tmp_path_factory.mktemp("national")
    single, cluster_root = base / "single", base / "cluster"
    simulate(single, len(OFFICES), events=2_000, n_schools=150, families=("platform",))
    shutil.copytree(single, cluster_root, symlinks=True)
    one = run_national(single)
    with start_local_cluster(2) as cluster:
        many = run_national(cluster_root, address=cluster.scheduler_address)
    return {"single": (single, one), "cluster": (cluster_root, many)}


def test_both_runs_publish_every_office(runs):
    for root, summary in runs.values():
        assert summary.success, summary
        assert sorted(summary.nights) == OFFICES
        for code in OFFICES:
            assert current_version(Home(office_root(root, code))) == "v0001"


def test_offices_ran_in_parallel_on_the_cluster_workers(runs):
    _, one = runs["single"]
    _, many = runs["cluster"]
    assert len({n["worker"] for n in one.nights.values()}) == 1  # one process, one office after another
    workers = {n["worker"] for n in many.nights.values()}
    assert len(workers) == 2  # each office on its own worker process
    assert workers.isdisjoint({n["worker"] for n in one.nights.values()})


def _rows(df: pl.DataFrame, leave_out=RUN_DEPENDENT) -> list[str]:
    keep = [c for c in df.columns if c not in leave_out]
    return sorted(repr(r) for r in df.select(keep).rows())


def _differing(x: pl.DataFrame, y: pl.DataFrame) -> set[str]:
    """The columns whose values (as a sorted multiset) differ between the two runs."""
    return {c for c in x.columns if sorted(map(repr, x[c].to_list())) != sorted(map(repr, y[c].to_list()))}


def test_cluster_rows_identical_to_single_process(runs):
    single, _ = runs["single"]
    cluster, _ = runs["cluster"]
    compared = 0
    for code in OFFICES:
        a, b = Home(office_root(single, code)), Home(office_root(cluster, code))
        tables = sorted(verified_version(a)["tables"])
        assert tables == sorted(verified_version(b)["tables"])
        for table in tables:
            x, y = read_snapshot(a, table), read_snapshot(b, table)
            assert x.columns == y.columns, table
            assert x.height == y.height, table
            assert _differing(x, y) <= RUN_DEPENDENT, f"{code} {table}: {_differing(x, y)}"
            assert _rows(x) == _rows(y), f"{code} {table}"
            compared += x.height
    assert compared > 1000
    for name in ("coverage_national", "dltv_needs_by_province", "platform_use_by_region"):
        assert _rows(read(single, name)) == _rows(read(cluster, name)), name


def test_national_marts_add_up_to_the_offices(runs):
    root, summary = runs["cluster"]
    homes = {c: Home(office_root(root, c)) for c in OFFICES}
    for mart, table in MARTS.items():
        assert summary.marts[f"{mart}_national"] > 0
    # country coverage = sum of the offices' own coverage marts, period by period
    own = pl.concat([read_snapshot(h, "coverage").select("survey", "period", "population", "submitted")
                     for h in homes.values()]).group_by("survey", "period").agg(pl.all().sum())
    nat = read(root, "coverage_national").select("survey", "period", "population", "submitted", "offices")
    joined = own.join(nat, on=["survey", "period"], suffix="_nat")
    assert joined.height == own.height == nat.height
    assert (joined["population"] == joined["population_nat"]).all()
    assert (joined["submitted"] == joined["submitted_nat"]).all()
    assert (joined["offices"] == 2).all()
    # DLTV cost and platform sessions: country = sum of every office's published mart
    cost = sum(read_snapshot(h, "dltv_needs")["est_cost_baht"].sum() for h in homes.values())
    assert read(root, "dltv_needs_national")["est_cost_baht"].sum() == pytest.approx(cost)
    sessions = sum(read_snapshot(h, "platform_use_monthly")["sessions"].sum() for h in homes.values())
    assert read(root, "platform_use_national")["sessions"].sum() == sessions
    # both offices are Khon Kaen (northeast): one province, one region, with Thai and English labels
    prov = read(root, "dltv_needs_by_province")
    assert prov["province"].unique().to_list() == ["ขอนแก่น"] and prov["province_en"].unique().to_list() == ["Khon Kaen"]
    reg = read(root, "platform_use_by_region")
    assert reg["region_th"].unique().to_list() == ["ภาคตะวันออกเฉียงเหนือ"] and (reg["offices"] <= 2).all()
    offices = read(root, "offices")
    assert sorted(offices["office_code"]) == OFFICES and set(offices["version"]) == {"v0001"}


def test_office_partitions_and_materializations_in_the_national_instance(runs):
    import dagster as dg

    from assets.national import NIGHT, MARTS as MARTS_KEY, OFFICES as PARTITIONS

    root, summary = runs["cluster"]
    with dg.DagsterInstance.from_config(str(dagster_home(root))) as instance:
        assert instance.get_dynamic_partitions(PARTITIONS.name) == OFFICES
        for code in OFFICES:
            records = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=NIGHT, asset_partitions=[code]), limit=1).records
            assert records, code
            m = records[0].asset_materialization
            assert m.partition == code
            assert m.metadata["night_succeeded"].value is True
            assert m.metadata["version"].value == "v0001"
            assert m.metadata["rows"].value == summary.nights[code]["rows"] > 0
        assert instance.get_latest_materialization_event(MARTS_KEY) is not None
