"""Work whose inputs did not change is not done again: a survey table's validation, a mart's build.

Most nights bring a few files or none, yet every survey table was validated again (GX, ~0.5-2.5 s each)
and every mart rebuilt (~0.2-1.5 s each). An asset now writes a *stamp* beside its outputs: a sha256 over
everything its result depends on (its input rows or input files, today's date, the contract and the
project's code, the library versions). The next night computes the stamp again; when it is the same and
the outputs are still there, the outputs are reused as they are (the lake's Parquet files are
byte-identical from one unchanged night to the next, so reading them back gives the same rows).

Crash safety: the stamp is removed before an asset starts writing and written only after all its
outputs are in place. A run killed in between leaves no stamp, so the next night does the work again.
Stamps live in lake/stamps/<layer>/<name>.json (pipeline-only, like the rest of the lake).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import polars as pl

from pipelines.config import Home
from pipelines.durable import write_atomic

PROJECT = Path(__file__).resolve().parent.parent
# What decides a result besides its data: the code of the layers that compute it (contracts, suites,
# SQL and Python) and the engines that run it.
CODE_FOLDERS = ("assets", "expectations", "pipelines", "warehouse")
CODE_SUFFIXES = {".py", ".yaml", ".sql", ".json"}
ENGINES = ("polars", "duckdb", "great_expectations", "pandas", "pyarrow")


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """sha256 of the project's code and contracts and of the engines' versions (once per process)."""
    h = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for p in sorted((PROJECT / folder).rglob("*")):
            if p.suffix in CODE_SUFFIXES and p.is_file() and "__pycache__" not in p.parts:
                h.update(p.relative_to(PROJECT).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    for name in ENGINES:
        h.update(f"{name}={metadata.version(name)}\0".encode())
    return h.hexdigest()


_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, remembered while its size and mtime stay the same (this process)."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _FILE_DIGESTS:
        with path.open("rb") as f:
            _FILE_DIGESTS[key] = hashlib.file_digest(f, "sha256").hexdigest()
    return _FILE_DIGESTS[key]


def files_digest(root: Path, paths: Iterable[Path]) -> str:
    """One sha256 over files (their names below `root` and their bytes), in name order."""
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(f"{p.relative_to(root).as_posix()}\0{file_digest(p)}\0".encode())
    return h.hexdigest()


def frame_digest(df: pl.DataFrame | None) -> str:
    """sha256 of a frame's schema and rows (Polars' fixed-seed row hashes, in row order)."""
    if df is None:
        return "-"
    h = hashlib.sha256(repr(df.schema).encode() + f"\0{df.height}\0".encode())
    if df.height:
        h.update(df.hash_rows().to_numpy().tobytes())
    return h.hexdigest()


def stamp(*parts: object) -> str:
    """The stamp of one result: the code stamp and whatever else it depends on, as text."""
    return hashlib.sha256("\0".join([code_stamp(), *map(str, parts)]).encode()).hexdigest()


def _stamp_file(home: Home, layer: str, name: str) -> Path:
    return home.lake / "stamps" / layer / f"{name}.json"


def kept_frame(home: Home, layer: str, name: str) -> Path:
    """Where a result with no output file of its own is kept beside its stamp: an empty table's
    columns, which the next night reads back instead of validating nothing again."""
    return home.lake / "stamps" / layer / f"{name}.parquet"


def reusable(home: Home, layer: str, name: str, wanted: str, outputs: Iterable[Path]) -> dict | None:
    """The stamp's notes when the last result was made from the same inputs and its outputs are all
    still there; else None."""
    try:
        kept = json.loads(_stamp_file(home, layer, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if kept.get("stamp") != wanted or not all(p.exists() for p in outputs):
        return None
    return kept.get("notes", {})


def forget(home: Home, layer: str, name: str) -> None:
    """Before an asset writes: from here until `remember`, its outputs are not to be reused."""
    _stamp_file(home, layer, name).unlink(missing_ok=True)


def remember(home: Home, layer: str, name: str, wanted: str, notes: dict | None = None) -> None:
    """After every output is in place: the next night may reuse them while `wanted` holds."""
    path = _stamp_file(home, layer, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"stamp": wanted, "notes": notes or {}}, ensure_ascii=False).encode())
