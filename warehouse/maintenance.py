"""Delta table upkeep: small-file compaction and retention (vacuum), for every Delta table of a root.

Which tables: the platform exports' incremental tables (lake/tables/<table>/, warehouse.tables) and the
published tables (warehouse/tables/<name>/, warehouse.publish). Run by the `maintenance` job (assets/
maintenance.py: weekly, Sunday 03:30 Bangkok, holding the run lock like a night, so it never runs
beside one) and by `khlang maintain`.

- Compaction (`optimize.compact`): a night appends one small file per month it touches, so a month of
  an incremental table grows a file a night; compaction rewrites them into few large ones in one
  OPTIMIZE commit. Nothing in Khlang depends on file names: the rows carry their lineage
  (`_source_file`, `_file_sha256`), `tables.state` reads the landing contents from the commits that
  name them (an OPTIMIZE commit names none and is passed over), `tables.uncommitted` only counts files
  written after the table's latest commit (what OPTIMIZE removed is older than its own commit), and the
  monthly marts take the month from the `_month=` folder, which compaction keeps. A published table
  holds one file per version, so compaction has nothing to merge there (it is asked anyway: cheap).
- Retention (`vacuum`): removes the files no snapshot newer than the retention period needs (the
  tombstones of compaction and of older versions); time travel reaches back that far. Default 7 days,
  `KHLANG_DELTA_KEEP_DAYS` to change it, never under `MIN_KEEP_DAYS` (1 day: a night's own run and an
  analyst's query on last night's snapshot stay whole). Vacuuming a published table removes hard links
  only: the version's Parquet snapshot under warehouse/versions/ stays.
- The commit log is never cleaned (no `cleanup_metadata`, and every commit here asks for no expired
  log cleanup): `tables.state` reads which landing contents a table holds from its commit history back
  to the last rebuild, and `publish.delta_versions` maps warehouse versions to Delta versions from it.
  The log is small (one JSON line a commit).
- deltalake is only called in this process (no fork: delta-rs's runtime does not survive one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.config import Home

ENV_KEEP_DAYS = "KHLANG_DELTA_KEEP_DAYS"
DEFAULT_KEEP_DAYS = 7
MIN_KEEP_DAYS = 1
MAINTENANCE_KEY = "khlang.maintenance"  # commit metadata of the commits made here


@dataclass(frozen=True)
class Upkeep:
    """What maintenance did to one table."""

    table: str  # relative to the data root, e.g. lake/tables/platform_events
    files_removed: int  # by compaction: small files replaced...
    files_added: int  # ...by these
    files_vacuumed: int  # data files deleted by vacuum


def keep_days() -> int:
    """Days of Delta history kept: $KHLANG_DELTA_KEEP_DAYS (whole days), default 7, at least 1."""
    raw = os.environ.get(ENV_KEEP_DAYS, "").strip()
    try:
        days = int(raw) if raw else DEFAULT_KEEP_DAYS
    except ValueError:
        raise ValueError(f"{ENV_KEEP_DAYS} ต้องเป็นจำนวนวัน / {ENV_KEEP_DAYS} must be whole days, not {raw!r}") from None
    return max(days, MIN_KEEP_DAYS)


def delta_tables(home: Home) -> list[Path]:
    """Every Delta table of the root: the incremental tables, then the published ones."""
    from warehouse import publish

    found = []
    for base in (home.lake / "tables", publish.delta_root(home)):
        if base.exists():
            found += sorted(p for p in base.iterdir() if (p / "_delta_log").is_dir())
    return found


def _hooks():
    from deltalake import PostCommitHookProperties

    return PostCommitHookProperties(create_checkpoint=True, cleanup_expired_logs=False)


def _compact(path: Path) -> dict:
    from deltalake import CommitProperties, DeltaTable

    return DeltaTable(str(path)).optimize.compact(
        commit_properties=CommitProperties(custom_metadata={MAINTENANCE_KEY: "compact"}),
        post_commithook_properties=_hooks())


def _vacuum(path: Path, hours: int) -> list[str]:
    """Delete the data files no snapshot of the last `hours` needs (no minimum here: `maintain` has it)."""
    from deltalake import CommitProperties, DeltaTable

    return DeltaTable(str(path)).vacuum(
        retention_hours=hours, dry_run=False, enforce_retention_duration=False,
        commit_properties=CommitProperties(custom_metadata={MAINTENANCE_KEY: "vacuum"}),
        post_commithook_properties=_hooks())


def maintain_table(home: Home, path: Path, days: int) -> Upkeep:
    """Compact `path`'s small files, then vacuum what is older than `days` days (at least MIN_KEEP_DAYS)."""
    metrics = _compact(path)
    deleted = _vacuum(path, max(days, MIN_KEEP_DAYS) * 24)
    return Upkeep(str(path.relative_to(home.root)), int(metrics.get("numFilesRemoved", 0)),
                  int(metrics.get("numFilesAdded", 0)), len(deleted))


def maintain(home: Home, days: int | None = None) -> list[Upkeep]:
    """Compact and vacuum every Delta table of the root. Call while holding the run lock."""
    days = keep_days() if days is None else max(days, MIN_KEEP_DAYS)
    return [maintain_table(home, p, days) for p in delta_tables(home)]
