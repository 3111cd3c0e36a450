"""The warehouse the dashboard tests read: the sample district through the real nightly run.

The pages are checked against the warehouse the pipeline really publishes (the views and marts of
`warehouse/`), not against a hand-built copy of it: the generated district (`pipelines.sample`, the
smallest size that holds every injected case) has two fiscal years, quarantined rows naming register
schools (sent but rejected), eligible schools that sent nothing, whole files rejected, a resubmission and
an allocation register. Two landing entries that are never read are added (an Excel lock file in the
2569 folder and a hidden file), so skipped entries are on the pages too. The run takes ~30 s, once per
session; tests treat the root as read-only.
"""

from __future__ import annotations

import sys

import pytest

from pipelines import config

SCHOOLS = 150
LOCK_FILE = "dltv_equipment/2569/schools/~$แบบสำรวจ_1040866403.xlsx"
HIDDEN_FILE = ".DS_Store"


@pytest.fixture(scope="session")
def published_home(tmp_path_factory) -> config.Home:
    """A data root with the sample district ingested and published (v0001), Data Docs built."""
    from pipelines.run import run_nightly
    from pipelines.sample import generate

    home = config.home(tmp_path_factory.mktemp("dashboards"))
    generate(home.root, seed=2569, n_schools=SCHOOLS)
    lock = home.landing / LOCK_FILE
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_bytes(b"\x0bkhlang-test" + bytes(150))  # what Excel leaves while a workbook is open
    (home.landing / HIDDEN_FILE).write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(64))
    summary = run_nightly(home)
    assert summary.success, f"nightly run failed: {summary.run_id}"
    return home


@pytest.fixture(scope="session")
def own_school(published_home) -> str:
    """The school the test school user belongs to: the first of the published register."""
    import duckdb

    with duckdb.connect(str(published_home.duckdb_path), read_only=True) as con:
        return con.execute("SELECT min(school_code) FROM schools").fetchone()[0]


@pytest.fixture(scope="session", autouse=True)
def accounts(own_school) -> dict[str, tuple[str, str]]:
    """A test user per role in the session's users file (tests/dashboards/login.py logs in as them)."""
    from tests.dashboards.login import ACCOUNTS, make_accounts

    make_accounts(own_school)
    return ACCOUNTS


@pytest.fixture
def home(published_home) -> config.Home:
    """The data root every dashboard test reads (read-only)."""
    return published_home


@pytest.fixture
def empty_home(tmp_path) -> config.Home:
    """A data root where nothing has been published yet."""
    return config.home(tmp_path / "fresh")


@pytest.fixture(autouse=True)
def _main_module_restored():
    """AppTest runs a page as `__main__` and leaves it in sys.modules: the worker processes of a later
    test (forkserver) would run that page again as they start, and die (tests/pipelines/test_parallel)."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
