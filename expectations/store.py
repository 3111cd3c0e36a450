"""Keep GX's file context under the data root sound whatever a killed run left in it.

Everything GX keeps there is either derived from the contracts (suites, validation definitions,
checkpoints, the pandas data source in great_expectations.yml: recreated by `add_or_update` on every
validation) or a record of past runs (validation results, Data Docs). So at the start of every run,
under the run lock, the derived stores are removed and rebuilt by the run itself, and a record that a
killed run left half-written is dropped instead of breaking every later run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from pipelines.config import Home

DERIVED = ("expectations", "validation_definitions", "checkpoints")
CONFIG = "great_expectations.yml"


def reset(home: Home) -> list[str]:
    """Drop GX's derived stores and any unreadable record; return what was removed (for the log)."""
    root: Path = home.gx
    if not root.exists():
        return []
    removed = []
    for name in DERIVED:
        if (root / name).exists():
            shutil.rmtree(root / name)
            removed.append(f"gx/{name}/")
    config = root / CONFIG
    if config.exists():
        try:
            if not isinstance(yaml.safe_load(config.read_text(encoding="utf-8")), dict):
                raise ValueError("not a mapping")
        except (yaml.YAMLError, ValueError, UnicodeDecodeError):
            config.unlink()
            removed.append(f"gx/{CONFIG} (unreadable)")
    results = root / "uncommitted" / "validations"
    if results.exists():
        for p in results.rglob("*.json"):
            try:
                json.loads(p.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                p.unlink()
                removed.append(f"{p.relative_to(home.root)} (half-written)")
    return removed
