"""The one door to the published warehouse: every SQL that analysts, the CLI or a dashboard runs.

Nothing here parses SQL. The fence is DuckDB's own configuration, set on a private connection:

1. A fresh **in-memory** DuckDB per door connection (no instance cache: a new connection always opens
   the version that is current at that moment, even while an older connection in the same process is
   still open), started with extension autoinstall/autoload off, `threads`, `memory_limit`, and
   `temp_directory = ''` (no spilling: a query that needs more memory stops instead of writing files;
   DuckDB spills to `./.tmp` even when external access is off).
2. The current version's own file (`warehouse/versions/<v>/khlang.duckdb`, immutable once published)
   is ATTACHed **READ_ONLY** as `khlang` and made the default database.
3. The file must hold no personal column (any contract's `personal:`); publish never writes them, and
   a file that has one anyway is refused whole rather than served.
4. `enable_external_access = false` (no URL, extension INSTALL/LOAD, or file outside allowed paths)
   and `disabled_filesystems = 'LocalFileSystem'` (no file on disk at all: COPY TO, EXPORT, ATTACH,
   glob, read_* of anything, the version's Parquet snapshots with their personal columns included,
   and the version file itself, which DuckDB would otherwise leave in `allowed_paths`), then
   `lock_configuration = true` (no SET/RESET/PRAGMA can undo any of this).
5. A time limit per statement: a timer calls `interrupt()` (DuckDB has no statement timeout), and the
   result handed to Python is capped at the memory limit, so neither DuckDB nor the caller can grow
   without bound.

What a door connection can still change is its own in-memory scratch space (a TEMP view or macro,
`memory` tables, ATTACH ':memory:'), which dies with the connection and is bounded by the memory limit.

One DuckDB 1.5 gap, checked on this machine: `CALL enable_logging(storage = 'file', ...)` is not
stopped by `lock_configuration`. With only external access off, the log file is refused but every
later statement fails and closing the connection aborts the whole process (an exception thrown while
DuckDB flushes its log on close). The disabled local file system now refuses file logging outright;
as a second guard, after every statement the door checks the connection still answers, and if not,
the statement is refused and the connection is set aside, never closed (`unclosable()`); `khlang sql`
then leaves with `os._exit` so such an abort cannot happen.

Every failure is a `DoorError` carrying one Thai and one English line, DuckDB's own message (with its
hints such as "Candidate bindings: ...") and a kind: refused, sql, timeout, memory, too_large, personal.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from pipelines.config import Home
from warehouse.publish import NotPublished, hidden_columns, published_duckdb

__all__ = ["DoorError", "Door", "Limits", "NotPublished", "connect", "query", "csv_text", "parse_size", "unclosable"]

CATALOG = "khlang"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MEMORY = "2GB"
DEFAULT_THREADS = 2
_BATCH_ROWS = 65_536
_UNCLOSABLE: list[duckdb.DuckDBPyConnection] = []  # see the module docstring: closing these aborts


def unclosable() -> int:
    """How many door connections were set aside because closing them would abort the process."""
    return len(_UNCLOSABLE)


@dataclass(frozen=True)
class Limits:
    """What one door connection may use. The defaults hold whenever nothing else is asked for."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory: str = DEFAULT_MEMORY
    threads: int = DEFAULT_THREADS

    def __post_init__(self):
        if not self.timeout_s > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {self.timeout_s}")
        parse_size(self.memory)
        if self.threads < 1:
            raise ValueError(f"threads must be >= 1, got {self.threads}")


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|KIB|MIB|GIB)\s*$", re.IGNORECASE)
_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def parse_size(text: str) -> int:
    """'2GB' / '512MB' / '1.5GiB' -> bytes (at least 16 MB: below that DuckDB cannot run a query)."""
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"memory must look like 512MB or 2GB, got {text!r}")
    n = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if n < 16 * 10**6:
        raise ValueError(f"memory must be at least 16MB, got {text!r}")
    return n


class DoorError(Exception):
    """A statement the door did not run to the end, as one line: Thai / English — DuckDB's detail."""

    KINDS = ("refused", "sql", "timeout", "memory", "too_large", "personal")

    def __init__(self, kind: str, th: str, en: str, detail: str = ""):
        assert kind in self.KINDS, kind
        self.kind, self.th, self.en, self.detail = kind, th, en, detail
        super().__init__(self.line())

    def line(self) -> str:
        text = f"{self.th} / {self.en}"
        return f"{text} — {self.detail}" if self.detail else text


def _one_line(message: str) -> str:
    """DuckDB's message on one line: the error and its hints, without the echoed query and caret."""
    keep = []
    for raw in message.splitlines():
        line = raw.strip()
        if not line or line.startswith("LINE ") or set(line) <= {"^", " "}:
            continue
        keep.append(line)
    return " ".join(keep)


_REFUSED_INVALID_INPUT = ("configuration has been locked", "attached in read-only mode")


def _kind_of(err: Exception) -> str:
    """DuckDB's error class; errors met while streaming arrive as Arrow errors that carry DuckDB's
    message, whose prefix ("INTERRUPT Error: ...", "Permission Error: ...") names the same class."""
    for cls, prefix, kind in (
        (duckdb.InterruptException, "INTERRUPT Error", "interrupt"),
        (duckdb.OutOfMemoryException, "Out of Memory Error", "memory"),
        (duckdb.PermissionException, "Permission Error", "permission"),
        (duckdb.InvalidInputException, "Invalid Input Error", "invalid_input"),
    ):
        if isinstance(err, cls) or str(err).startswith(prefix):
            return kind
    return "other"


def _classify(err: Exception, limits: Limits, timed_out: bool) -> DoorError:
    detail = _one_line(str(err))
    kind = _kind_of(err)
    if kind == "interrupt" or timed_out:
        t = f"{limits.timeout_s:g}"
        return DoorError("timeout", f"คำสั่งใช้เวลาเกิน {t} วินาที จึงถูกหยุด (ลองจำกัดแถวหรือสรุปผลก่อน)",
                         f"time limit of {t} s exceeded: the statement was stopped (narrow or aggregate it)")
    if kind == "memory":
        first = detail.split(" Database is launched")[0]  # drop DuckDB's advice to set temp_directory
        return DoorError("memory", f"คำสั่งใช้หน่วยความจำเกิน {limits.memory} จึงถูกหยุด (ลองจำกัดแถวหรือสรุปผลก่อน)",
                         f"memory limit of {limits.memory} exceeded: the statement was stopped (narrow or aggregate it)",
                         first)
    if (kind == "permission" or (kind == "invalid_input" and any(s in str(err) for s in _REFUSED_INVALID_INPUT))
            or "LocalFileSystem disabled" in str(err)):
        return DoorError("refused", "ด่าน SQL ไม่อนุญาตคำสั่งนี้: อ่านได้อย่างเดียว เฉพาะตารางในคลังข้อมูล",
                         "refused by the SQL door: read-only, warehouse tables only", detail)
    return DoorError("sql", "คำสั่ง SQL ผิดพลาด", "SQL error", detail)


class Door:
    """One fenced, read-only connection to one warehouse file. Use as a context manager."""

    def __init__(self, path: Path, limits: Limits | None = None):
        self.path = Path(path)
        self.limits = limits or Limits()
        self._poisoned: duckdb.DuckDBPyConnection | None = None
        if not self.path.is_file():
            raise FileNotFoundError(f"ไม่พบแฟ้มคลังข้อมูล {self.path} / warehouse file not found: {self.path}")
        self._con = duckdb.connect(":memory:", config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "allow_unsigned_extensions": False,
            "memory_limit": self.limits.memory,
            "threads": self.limits.threads,
            "temp_directory": "",
        })
        try:
            self._fence()
        except BaseException:
            self._con.close()
            raise

    def _fence(self) -> None:
        con = self._con
        literal = "'" + str(self.path).replace("'", "''") + "'"  # ATTACH takes no parameters
        con.execute(f"ATTACH {literal} AS {CATALOG} (READ_ONLY)")
        con.execute(f"USE {CATALOG}")
        found = con.execute(
            "SELECT DISTINCT table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE database_name = ? AND lower(column_name) IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1",
            [CATALOG, sorted(c.lower() for c in hidden_columns())],
        ).fetchall()
        if found:
            names = ", ".join(r[0] for r in found)
            raise DoorError("personal",
                            f"แฟ้มคลังข้อมูล {self.path.parent.name} มีคอลัมน์ข้อมูลส่วนบุคคล ({names}) จึงไม่เปิดให้สืบค้น — แจ้งกลุ่ม ICT",
                            f"the warehouse file {self.path} holds personal columns ({names}); refused: tell the ICT group")
        # enable_external_access=false alone is not enough: DuckDB then adds every attached file and its
        # .wal/.wal.checkpoint/.wal.recovery siblings to allowed_paths (and allows no change to them), so
        # `COPY ... TO '<version>.wal'` or `USE memory; DETACH khlang; ATTACH '<version>' (READ_WRITE)`
        # would still work. Disabling the local file system after the ATTACH closes that: the attached
        # file keeps reading through its open handle, nothing else on disk can be opened.
        con.execute("SET enable_external_access = false")
        con.execute("SET disabled_filesystems = 'LocalFileSystem'")
        con.execute("SET lock_configuration = true")

    # -- running statements ----------------------------------------------------------------------

    def arrow(self, sql: str, params: list | tuple | None = None) -> pa.Table:
        """Run `sql` (one or more statements; the last one's rows are returned) inside the limits."""
        limits = self.limits
        cap = parse_size(limits.memory)
        fired = threading.Event()

        def stop():
            fired.set()
            self._con.interrupt()

        timer = threading.Timer(limits.timeout_s, stop)
        timer.daemon = True
        timer.start()
        try:
            result = self._con.execute(sql, list(params) if params else [])
            if result.description is None:  # a statement without rows (e.g. SET VARIABLE)
                table = pa.table({})
            else:
                reader = result.to_arrow_reader(_BATCH_ROWS)
                batches, size = [], 0
                for batch in reader:
                    size += batch.nbytes
                    if size > cap:
                        raise DoorError("too_large", f"ผลลัพธ์ใหญ่เกิน {limits.memory} (ใส่ LIMIT หรือสรุปผลก่อน)",
                                        f"the result is larger than {limits.memory} (add LIMIT or aggregate)")
                    batches.append(batch)
                table = pa.Table.from_batches(batches, schema=reader.schema)
            failure = None
        except (duckdb.Error, pa.ArrowException) as e:
            failure = e
        finally:
            timer.cancel()
        if not self._healthy():
            raise self._logging_refused()
        if failure is not None:
            raise _classify(failure, limits, fired.is_set())
        return table

    def _healthy(self) -> bool:
        """False once even a trivial query hits a permission error: the state in which DuckDB aborts
        the process on close (its log flush fails). Other failures, such as an aborted transaction,
        are safe to close."""
        if self._poisoned is not None:
            return False
        ok = True
        for _ in range(2):  # a second try if the time limit's interrupt landed on this check
            try:
                self._con.execute("SELECT 1").fetchall()
                break
            except duckdb.InterruptException:
                continue
            except duckdb.PermissionException:
                ok = False
                break
            except duckdb.Error:
                break
        if not ok:
            self._poisoned = self._con
            _UNCLOSABLE.append(self._con)  # never closed: DuckDB would abort the process
        return ok

    def _logging_refused(self) -> DoorError:
        return DoorError("refused", "ด่าน SQL ไม่อนุญาตคำสั่งนี้: อ่านได้อย่างเดียว เฉพาะตารางในคลังข้อมูล (การเชื่อมต่อนี้ใช้ต่อไม่ได้)",
                         "refused by the SQL door: read-only, warehouse tables only (this connection cannot go on)")

    def query(self, sql: str, params: list | tuple | None = None) -> pl.DataFrame:
        if self._poisoned is not None:
            raise self._logging_refused()
        table = self.arrow(sql, params)
        try:
            return pl.from_arrow(table) if table.num_columns else pl.DataFrame()
        except Exception as e:  # a DuckDB type Polars cannot hold (INTERVAL, UNION)
            raise DoorError("sql", "คอลัมน์บางคอลัมน์มีชนิดข้อมูลที่แสดงไม่ได้ ให้แปลงเป็นข้อความ (เช่น col::VARCHAR)",
                            "a column has a type that cannot be shown: cast it to text (e.g. col::VARCHAR)",
                            _one_line(str(e))) from None

    def close(self) -> None:
        if self._poisoned is None:
            self._con.close()

    def __enter__(self) -> Door:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect(home: Home, limits: Limits | None = None) -> Door:
    """A door connection to the version current right now (raises NotPublished before the first)."""
    return Door(published_duckdb(home), limits)


def query(home: Home, sql: str, params: list | tuple | None = None, limits: Limits | None = None) -> pl.DataFrame:
    """Run one read-only query through the door on the current version and return a Polars frame."""
    with connect(home, limits) as door:
        return door.query(sql, params)


def csv_text(df: pl.DataFrame) -> str:
    """CSV of any result: nested values (lists such as rule_ids, structs) as JSON text, binary as hex."""
    out = []
    for c, t in df.schema.items():
        if t.is_nested():  # Polars' JSON encoder, one column at a time (no Python loop over values)
            as_json = pl.struct(pl.col(c).alias("v")).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")
            out.append(pl.when(pl.col(c).is_null()).then(None).otherwise(as_json).alias(c))
        elif t == pl.Binary:
            out.append(pl.col(c).bin.encode("hex"))
        else:
            out.append(pl.col(c))
    return df.select(out).write_csv()
