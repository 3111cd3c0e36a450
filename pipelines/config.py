"""Where Khlang keeps its data: one data root, found by `find_root()` (the one place that decides).

In order: $KHLANG_HOME; ./data when it is a data root; the root `khlang demo` last made (remembered in
$XDG_CONFIG_HOME/khlang/home, default ~/.config/khlang/home); the checkout's own ./data; else ./data.
So `khlang` run from any folder finds the demo's data, and says how to point $KHLANG_HOME when not.

Nothing here reads the environment at import time; call `home()` when a path is needed, so tests and
the CLI can point one process at a fresh root.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass
from pathlib import Path

from pipelines.durable import write_atomic

TIMEZONE = "Asia/Bangkok"
ENV_HOME = "KHLANG_HOME"
# `khlang serve` serves the GX Data Docs site over HTTP on localhost and tells the dashboards where.
ENV_DOCS_URL = "KHLANG_DOCS_URL"
DEFAULT_PORTS = {"dagster": 3000, "streamlit": 8501, "docs": 8502}
# Browser tests keep a screenshot of every page here for reviewers (git-ignored).
SCREENSHOTS_DIR = Path(__file__).resolve().parent.parent / "screenshots"
# A data root made by `khlang demo` carries this file (demo wipes only such roots).
ROOT_MARKER = ".khlang-root"
# The checkout Khlang runs from (editable install): its ./data is where `python3 dev.py demo` puts the demo.
CHECKOUT = Path(__file__).resolve().parent.parent
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
    def office(self):
        """The office this root belongs to (pipelines/office.py: office.json, else UNSET)."""
        from pipelines.office import of_root

        return of_root(self.root)

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

    @property
    def audit(self) -> Path:
        """The append-only, hash-chained audit log (pipelines.audit): who did what, by month. Outside the
        warehouse, never published or exported with it."""
        return self.root / "audit"


def is_data_root(path: Path) -> bool:
    """A folder Khlang made or was given: a demo's marker, a landing folder or a published ledger."""
    return (path / ROOT_MARKER).is_file() or (path / "landing").is_dir() or (path / "warehouse" / "published.json").is_file()


def config_file(name: str, env: str | None = None) -> Path:
    """A file of this user's Khlang settings, outside the repository and every data root: the path in
    $`env` when that is set, else $XDG_CONFIG_HOME/khlang/`name` (~/.config/khlang/`name`). The PII key,
    the users file and the remembered data root live there."""
    explicit = os.environ.get(env) if env else None
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base).expanduser() / "khlang" / name


def remembered_file() -> Path:
    """Where `khlang demo` remembers the data root it made (a one-line text file)."""
    return config_file("home")


def remembered_root() -> Path | None:
    try:
        text = remembered_file().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return Path(text) if text else None


def remember_root(root: Path) -> Path | None:
    """Record `root` as the one to use when nothing else names one; the file written, or None when the
    user's config folder is not writable (then only $KHLANG_HOME or ./data find it)."""
    f = remembered_file()
    try:
        f.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(f, f"{Path(root).resolve()}\n".encode())
    except OSError:
        return None
    return f


@dataclass(frozen=True)
class Found:
    """The data root and how it was chosen (Thai / English), for messages that must say where they looked."""

    root: Path
    how_th: str
    how_en: str
    found: bool  # False: nothing named or found one; `root` is the default ./data (it may not exist)


def find_root() -> Found:
    """Which data root a command with no explicit root uses; see the module docstring for the order."""
    env = os.environ.get(ENV_HOME)
    if env:
        return Found(Path(env).expanduser().resolve(), f"จาก ${ENV_HOME}", f"from ${ENV_HOME}", True)
    local = Path("data").resolve()
    if is_data_root(local):
        return Found(local, "โฟลเดอร์ ./data ของโฟลเดอร์นี้", "./data of the current folder", True)
    remembered = remembered_root()
    if remembered is not None and is_data_root(remembered):
        return Found(remembered.resolve(), f"ที่ `khlang demo` สร้างไว้ (จำไว้ใน {remembered_file()})",
                     f"made by `khlang demo` (remembered in {remembered_file()})", True)
    checkout = CHECKOUT / "data"
    if is_data_root(checkout):
        return Found(checkout, "โฟลเดอร์ data ของชุดโค้ด Khlang", "the Khlang checkout's data folder", True)
    return Found(local, "ไม่พบที่เก็บข้อมูล จึงใช้ ./data", "none found, so ./data", False)


def point_home_hint(found: Found | None = None) -> str:
    """How to point $KHLANG_HOME at a data root, as lines a person can copy (Thai, then English)."""
    found = found or find_root()
    example = remembered_root() or (CHECKOUT / "data")
    return (
        f"ที่เก็บข้อมูลที่ใช้: {found.root} ({found.how_th}) / data root used: {found.root} ({found.how_en})\n"
        f"ชี้ไปยังที่เก็บข้อมูลด้วย / point Khlang at a data root (the folder holding landing/ and warehouse/) with:\n"
        f"    export {ENV_HOME}={shlex.quote(str(example))}\n"
        f"หรือสร้างข้อมูลตัวอย่างด้วย / or make the sample one with:  khlang demo"
    )


def home(root: str | os.PathLike | None = None) -> Home:
    """The data root: the argument, else `find_root()` ($KHLANG_HOME, ./data, the demo's, the checkout's)."""
    if root is not None:
        return Home(Path(root).expanduser().resolve())
    return Home(find_root().root)
