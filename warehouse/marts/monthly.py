"""Marts built month by month from an incremental table (`-- by month: <table>` in their SQL).

Each month's result is kept in lake/marts/<mart>/months/<yyyy-mm>.parquet with a signature of what it
was computed from: the month's data files (a Delta partition: new files mean new rows), the mart's SQL,
the table's superseded rows and the files that have left landing/. A night recomputes only the months
whose signature changed, so a new day of events costs one month's work, not the year's; the mart is the
months put together, in month order (each mart orders its rows by date or month first).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Callable

import polars as pl

from pipelines.config import Home
from pipelines.durable import write_atomic
from warehouse import lake, tables

INDEX = "index.json"


def _folder(home: Home, mart: str) -> Path:
    return home.lake / "marts" / mart / "months"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"


def _base(home: Home, mart: str, table: str) -> str:
    """What every month's result also depends on, beyond its own files: the mart's SQL, the table's
    superseded rows, and which of the table's files have left landing/ (their rows are not current)."""
    from pipelines.incremental import superseded_path, withdrawn
    from warehouse.marts import sql

    parts = [sql(mart), _digest(superseded_path(home, table)), "\n".join(withdrawn(home, table))]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def build(home: Home, mart: str, table: str, column: str,
          compute: Callable[[dict[str, list[str]]], pl.DataFrame]) -> tuple[pl.DataFrame, list[str]]:
    """The mart from its months; `compute(restrict)` computes it over the files given for `table`, and
    the mart's date `column` says which month each row belongs to. The months to recompute are computed
    together, in one scan of their files (a first load: the whole year at once), and kept month by
    month. Returns the mart and the months recomputed."""
    folder = _folder(home, mart)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        index = {}
    base = _base(home, mart, table)
    months = tables.month_files(home, table)
    signatures = {m: hashlib.sha256((base + "\n" + "\n".join(Path(f).name for f in files)).encode()).hexdigest()
                  for m, files in months.items()}
    todo = [m for m in months if index.get(m) != signatures[m] or not (folder / f"{m}.parquet").exists()]
    if todo:
        fresh = compute({table: [f for m in todo for f in months[m]]})
        by_month = {k[0]: part for k, part in fresh.with_columns(_m=pl.col(column).dt.strftime("%Y-%m"))
                    .partition_by("_m", as_dict=True, maintain_order=True).items()}
        for m in todo:
            part = by_month.get(m)
            lake.write(part.drop("_m") if part is not None else fresh.head(0), folder / f"{m}.parquet")
            index[m] = signatures[m]
    for month in [m for m in index if m not in months]:  # a month no file holds any more
        (folder / f"{month}.parquet").unlink(missing_ok=True)
        del index[month]
    write_atomic(folder / INDEX, json.dumps(index, indent=1, sort_keys=True).encode("utf-8"))
    parts = [pl.read_parquet(folder / f"{m}.parquet") for m in months]
    frame = pl.concat(parts, how="vertical_relaxed") if parts else compute({table: []})
    return frame, todo
