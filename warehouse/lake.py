"""The working lake: one Parquet file per asset (and per partition), replaced atomically.

Only the pipeline reads these; people read the published warehouse (`warehouse.publish`). Writing to a
temporary name and renaming means a crash leaves the previous file whole, never half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from pipelines.config import Home
from pipelines.durable import temp_beside

WHOLE = "all"  # the file name of an unpartitioned asset
# Row groups small enough that a reader (DuckDB, building a version) holds one group, not one file: with
# Polars' default a 200,000-row sheet is a single group, decoded whole (+250 MiB to publish it).
ROW_GROUP_ROWS = 32_768


def path(home: Home, layer: str, name: str, partition: str = WHOLE) -> Path:
    return home.lake / layer / name / f"{partition}.parquet"


def write(df: pl.DataFrame, target: Path) -> Path:
    from pipelines.faults import pause_point

    pause_point(f"write:{target.parent.parent.name}/{target.parent.name}/{target.stem}")  # crash tests
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(target)
    df.write_parquet(tmp, row_group_size=ROW_GROUP_ROWS)
    os.replace(tmp, target)
    return target


def read(home: Home, layer: str, name: str, partition: str = WHOLE) -> pl.DataFrame:
    p = path(home, layer, name, partition)
    if not p.exists():
        raise FileNotFoundError(f"{layer}/{name}/{partition} has not been materialized yet ({p})")
    return pl.read_parquet(p)


def read_all(home: Home, layer: str, name: str, schema: dict | None = None) -> pl.DataFrame:
    """Every partition of an asset concatenated (an empty frame with `schema` if none yet)."""
    files = sorted((home.lake / layer / name).glob("*.parquet"))
    if not files:
        return pl.DataFrame(schema=schema or {})
    return pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")


def glob(home: Home, layer: str, name: str) -> str:
    return (home.lake / layer / name / "*.parquet").as_posix()


def exists(home: Home, layer: str, name: str) -> bool:
    return any((home.lake / layer / name).glob("*.parquet"))
