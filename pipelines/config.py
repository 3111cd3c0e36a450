"""Where Khlang keeps its data: one data root, from $KHLANG_HOME (default ./data).

Nothing here reads the environment at import time; call `home()` when a path is needed, so tests and
the CLI can point one process at a fresh root.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TIMEZONE = "Asia/Bangkok"
ENV_HOME = "KHLANG_HOME"
# `khlang serve` serves the GX Data Docs site over HTTP on localhost and tells the dashboards where.
ENV_DOCS_URL = "KHLANG_DOCS_URL"
DEFAULT_PORTS = {"dagster": 3000, "streamlit": 8501, "docs": 8502}
# Browser tests keep a screenshot of every page here for reviewers (git-ignored).
SCREENSHOTS_DIR = Path(__file__).resolve().parent.parent / "screenshots"
# Where GX's file context (created under the data root) writes its Data Docs site.
DATA_DOCS_INDEX = Path("gx", "uncommitted", "data_docs", "local_site", "index.html")


@dataclass(frozen=True)
class Home:
    """The layout of a data root."""

    root: Path

    @property
    def landing(self) -> Path:
        """Files as schools sent them, in any sub-folders. Never modified by Khlang."""
        return self.root / "landing"

    @property
    def lake(self) -> Path:
        """Working Parquet of each asset (raw, validated, marts). Not read by users."""
        return self.root / "lake"

    @property
    def warehouse(self) -> Path:
        """Published versions: immutable Parquet snapshots and the DuckDB file analysts open."""
        return self.root / "warehouse"

    @property
    def duckdb_path(self) -> Path:
        return self.warehouse / "khlang.duckdb"

    @property
    def versions(self) -> Path:
        return self.warehouse / "versions"

    @property
    def gx(self) -> Path:
        """Great Expectations file context: generated suites, validation results, Data Docs."""
        return self.root / "gx"

    @property
    def data_docs(self) -> Path:
        return self.root / DATA_DOCS_INDEX

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def state(self) -> Path:
        """Small bookkeeping files (the landing arrival ledger)."""
        return self.root / "state"


def home(root: str | os.PathLike | None = None) -> Home:
    """The data root: the argument, else $KHLANG_HOME, else ./data (resolved to an absolute path)."""
    chosen = root if root is not None else os.environ.get(ENV_HOME, "data")
    return Home(Path(chosen).expanduser().resolve())
