"""Each landing file is parsed once, by its content: the raw rows per table, notes and per-file error,
kept under lake/raw/files/<fingerprint>/<sha256>/.

A night re-reads only files whose content it has not parsed before; a file replaced under the same
name with new content has a new sha256 and is parsed again. The fingerprint covers what decides the
parse (the contracts, the parsing code, the PII key's id): when any of them changes, every file is
parsed again and the old cache is removed. Personal identifiers (`pseudonymise:` in a contract) are
hashed before a row is written here (PII-01): nothing past landing/ holds them raw.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.config import Home
from pipelines.durable import TMP_SUFFIX, fsync_path, write_atomic
from pipelines.parsing.errors import FileProblem
from pipelines.parsing.files import ParsedFile
from warehouse import lake
from warehouse.contracts import CONTRACT_DIR, contracts

PARSED = "parsed.json"
_SOURCES = (
    CONTRACT_DIR,
    Path(__file__).parent / "parsing",
    Path(__file__).parent / "pii.py",
    Path(__file__),
)


@functools.cache
def _code_digest() -> str:
    h = hashlib.sha256()
    for src in _SOURCES:
        files = sorted(src.rglob("*")) if src.is_dir() else [src]
        for f in files:
            if f.suffix in (".py", ".yaml") and f.is_file():
                h.update(f.relative_to(src.parent).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()


def fingerprint(key_id: str) -> str:
    """What a cached parse depends on: the contracts, the parsing code and the PII key (by its id)."""
    return hashlib.sha256(f"{_code_digest()}|{key_id}".encode()).hexdigest()[:20]


def current_fingerprint() -> str:
    """The fingerprint with the configured PII key's id ("no-key" when none is configured)."""
    from pipelines.pii import KeyProblem, key_id, load_key

    try:
        return fingerprint(key_id(load_key()))
    except KeyProblem:
        return fingerprint("no-key")


def root(home: Home) -> Path:
    return home.lake / "raw" / "files"


@dataclass
class Parsed:
    """A file's parse as cached: rows per table (counts; the rows are read on demand), notes, error."""

    sha256: str
    folder: Path
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: FileProblem | None = None

    def table(self, name: str) -> pl.DataFrame:
        return pl.read_parquet(self.folder / f"{name}.parquet")

    def table_rows(self, name: str, path: str, arrival_seq: int) -> pl.DataFrame:
        """Table `name`'s raw rows with the lineage every layer carries: the file's path under landing/,
        its content's sha256 and its arrival number."""
        return self.table(name).with_columns(
            _source_file=pl.lit(path), _file_sha256=pl.lit(self.sha256), _arrival_seq=pl.lit(arrival_seq, pl.Int64))

    def table_path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"


def _problem(d: dict | None) -> FileProblem | None:
    return FileProblem(**d) if d else None


def load(home: Home, fp: str, sha256: str) -> Parsed | None:
    folder = root(home) / fp / sha256
    try:
        meta = json.loads((folder / PARSED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Parsed(sha256, folder, meta["rows"], meta["notes"], _problem(meta["error"]))


def store(home: Home, fp: str, sha256: str, parsed: ParsedFile, key: bytes | None) -> Parsed:
    """Write the parse into a temporary folder, then rename it into place: a crash leaves a whole cached
    parse or none. Pseudonymised columns are hashed here, before the first write."""
    from pipelines.pii import protect

    final = root(home) / fp / sha256
    tmp = final.with_name(f".{sha256}.{os.getpid()}{TMP_SUFFIX}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    rows = {}
    for table, frame in parsed.tables.items():
        frame = protect(frame, contracts()[table], key)
        # lz4: a cache read back within the hour, where zstd's smaller files cost twice the time to write
        frame.write_parquet(tmp / f"{table}.parquet", compression="lz4", row_group_size=lake.ROW_GROUP_ROWS)
        rows[table] = frame.height
    meta = {"rows": rows, "notes": parsed.notes, "error": parsed.error.as_dict() if parsed.error else None}
    write_atomic(tmp / PARSED, json.dumps(meta, ensure_ascii=False).encode("utf-8"))
    shutil.rmtree(final, ignore_errors=True)  # a stale half from an older crash (never a whole one: load reads it)
    os.replace(tmp, final)
    fsync_path(final.parent)
    return Parsed(sha256, final, rows, parsed.notes, parsed.error)


def prune(home: Home, fp: str, keep: set[str]) -> None:
    """Remove cached parses of other fingerprints and of contents no longer in landing/."""
    base = root(home)
    if not base.exists():
        return
    for entry in base.iterdir():
        if entry.name != fp:
            shutil.rmtree(entry, ignore_errors=True)
    current = base / fp
    if current.exists():
        for entry in current.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)


PARALLEL_BYTES = 32 << 20  # new landing files bigger than this in total are parsed in worker processes


@dataclass(frozen=True)
class ParseJob:
    root: str
    path: str  # relative to landing/
    sha256: str
    fingerprint: str


def parse_and_store(job: ParseJob) -> None:
    """Parse one landing file and cache it (in a worker process for big nights): personal identifiers
    hashed with the key from configuration; without a key such a file becomes a per-file error."""
    from pipelines.parsing.files import parse_file
    from pipelines.pii import KeyProblem, load_key

    home = Home(Path(job.root))
    try:
        key, problem = load_key(), None
    except KeyProblem as missing:
        key, problem = None, missing
    parsed = parse_file(home.landing / job.path, home.landing)
    if key is None and any(contracts()[t].pseudonymise for t in parsed.tables):
        parsed = ParsedFile(path=job.path, notes=parsed.notes, error=FileProblem(
            "no_pii_key", th=f"ไฟล์มีข้อมูลส่วนบุคคลที่ต้องแฮชก่อนจัดเก็บ (PII-01) แต่ยังไม่มีกุญแจ: {problem.th}",
            en=f"the file holds personal identifiers that must be hashed before storage (PII-01), but there is no key: {problem.en}",
            table=next(iter(parsed.tables))))
    store(home, job.fingerprint, job.sha256, parsed, key)
