"""Keep GX's file context under the data root sound whatever a killed run left in it.

Everything GX keeps there is either derived from the contracts (suites, validation definitions,
checkpoints, the pandas data source in great_expectations.yml: recreated by `add_or_update` on every
validation) or a record of past runs (validation results, Data Docs). So at the start of every run,
under the run lock, a derived file or a record that a killed run left half-written (not readable) is
dropped instead of breaking every later run; the table's next validation makes it again. Readable
derived files stay: a table whose validation is reused tonight (`pipelines.reuse`) keeps its suite, and
its pages in the Data Docs site, which GX builds from the stores.
"""

from __future__ import annotations

import json
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
        for p in sorted((root / name).glob("*.json")):
            if not readable_json(p):
                p.unlink()
                removed.append(f"gx/{name}/{p.name} (unreadable)")
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
            if not readable_json(p):
                p.unlink()
                removed.append(f"{p.relative_to(home.root)} (half-written)")
    return removed


def readable_json(path: Path) -> bool:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return True


def sound(home: Home, table: str) -> bool:
    """Whether the table's derived GX objects (suite, validation definition, checkpoint) are all there
    and readable: else a reused validation would leave the project without them."""
    return all(readable_json(home.gx / name / f"{table}.json") for name in DERIVED)
