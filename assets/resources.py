"""Dagster resources: the data root every asset reads and writes."""

from __future__ import annotations

import dagster as dg

from pipelines.config import Home, home


class KhlangHome(dg.ConfigurableResource):
    """The Khlang data root. Empty means $KHLANG_HOME, else ./data, resolved when a run starts."""

    root: str = ""

    def home(self) -> Home:
        return home(self.root or None)
