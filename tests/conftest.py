"""Shared fixtures: the sample district run once through the real pipeline.

`demo_home` is the expensive one (a real Dagster materialization of the whole graph, ~40 s): it is
session-scoped and tests must treat it as read-only. Tests that change data make their own root.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session", autouse=True)
def pii_key(tmp_path_factory) -> Path:
    """The PII-01 key every test run uses: made for the session outside any data root (never the
    user's own key in ~/.config)."""
    from pipelines.pii import ENV_KEY_FILE, create_key

    path = create_key(tmp_path_factory.mktemp("keys") / "pii.key")
    os.environ[ENV_KEY_FILE] = str(path)
    return path


@pytest.fixture(scope="session", autouse=True)
def audit_key(tmp_path_factory) -> Path:
    """The audit log's key every test run uses, like `pii_key` (never the user's own)."""
    from pipelines.audit import AUDIT_KEY, ENV_AUDIT_KEY_FILE
    from pipelines.pii import create_key

    path = create_key(tmp_path_factory.mktemp("audit_keys") / "audit.key", AUDIT_KEY)
    os.environ[ENV_AUDIT_KEY_FILE] = str(path)
    return path


@pytest.fixture(scope="session", autouse=True)
def users_file(tmp_path_factory) -> Path:
    """The dashboards' users file of the session: a path in a temp folder, never the user's own
    ~/.config/khlang/users.yaml. Not made here: the first test that creates users makes it."""
    from pipelines.users import ENV_USERS_FILE

    path = tmp_path_factory.mktemp("users") / "users.yaml"
    os.environ[ENV_USERS_FILE] = str(path)
    return path

from pipelines.config import Home, home  # noqa: E402


def pytest_collection_modifyitems(config, items) -> None:
    """Modules marked slow (whole nightly runs) first, in their own order: `dev.py test` hands whole
    modules to its workers (pytest-xdist --dist loadfile) in this order, so the longest start at once
    instead of leaving one worker running the last of them alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Home:
    """A data root with the generated sample district ingested and published (v0001)."""
    from pipelines.run import run_nightly
    from pipelines.sample import generate

    h = home(tmp_path_factory.mktemp("demo"))
    generate(h.root, seed=2569, n_schools=300)
    summary = run_nightly(h)
    assert summary.success, f"nightly run failed: {summary.run_id}"
    return h


@pytest.fixture(scope="session")
def expected(demo_home) -> dict:
    """The generator's ground truth: rows injected per rule, per-file outcomes, missing schools."""
    return json.loads((demo_home.root / "sample" / "expected.json").read_text(encoding="utf-8"))


def copy_landing(src: Home, dst: Path) -> Home:
    """A fresh data root holding `src`'s landing files, named for the same office (office.json)."""
    import shutil

    from pipelines.office import ROOT_FILE

    shutil.copytree(src.landing, dst / "landing")
    if (src.root / ROOT_FILE).exists():
        shutil.copyfile(src.root / ROOT_FILE, dst / ROOT_FILE)
    return home(dst)

