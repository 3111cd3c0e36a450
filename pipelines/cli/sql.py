"""`khlang sql`: the analysts' door to the published warehouse (`warehouse.read`, the one SQL fence).

Every failure prints one line on stderr, Thai / English with DuckDB's own detail and hints, and exits 2:
a statement refused by the fence, an SQL mistake, the time or memory limit, nothing published yet.

`--format table` (the default) is for reading on a terminal: columns as wide as their widest cell (Thai
vowels and tone marks take no width, East Asian wide characters two), a cell longer than 40 columns cut
with `…`, never squeezed to fit the terminal (a wide table scrolls: `| less -S`); whole numbers as
integers; times with a zone in Asia/Bangkok. `--format csv` and `--format json` write every row (lists
as JSON text in CSV), with whole DECIMALs as integers and zoned times in Asia/Bangkok too.

Every statement the door runs or refuses is recorded in the audit log (pipelines.audit, action `sql`:
the OS user, role analyst, the statement's first 500 characters, rows and seconds). Only here, not in
the door itself, so the dashboards' own queries are not logged one by one. When the entry cannot be
written the result is withheld (exit 2): a statement nobody can account for is not answered.
"""

from __future__ import annotations

import os
import re
import sys
import time
import unicodedata

from pipelines.cli.output import out as _out
from pipelines.config import TIMEZONE, find_root, home, point_home_hint

MAX_CELL = 40  # display columns; a longer cell is cut and ends with "…"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _fail(line: str) -> int:
    print(line, file=sys.stderr, flush=True)
    return 2


# --- readable values, in Polars --------------------------------------------------------------------


def readable(df, *, whole_floats: bool):
    """Whole DECIMAL(p, 0) columns (SUM of integers is DECIMAL(38,0)) as integers, zoned times in
    Asia/Bangkok, and with `whole_floats` float columns whose every value is whole as integers."""
    import polars as pl

    floats = [c for c, t in df.schema.items() if whole_floats and t.is_float()]
    whole: dict[str, bool] = {}
    if floats and df.height:
        limit = 2.0**53  # beyond this a float is not an exact integer any more
        flags = df.select(
            ((pl.col(c).is_null() | (pl.col(c).is_finite() & (pl.col(c) == pl.col(c).round()) & (pl.col(c).abs() < limit)))
             .all()).alias(c) for c in floats)
        whole = flags.row(0, named=True)
    exprs = []
    for c, t in df.schema.items():
        if isinstance(t, pl.Decimal) and not t.scale:
            try:
                df.select(pl.col(c).cast(pl.Int64, strict=True))
                exprs.append(pl.col(c).cast(pl.Int64))
            except pl.exceptions.PolarsError:  # beyond Int64: still exact as Int128
                exprs.append(pl.col(c).cast(pl.Int128))
        elif whole.get(c):
            exprs.append(pl.col(c).cast(pl.Int64))
        elif isinstance(t, pl.Datetime) and t.time_zone:
            exprs.append(pl.col(c).dt.convert_time_zone(TIMEZONE))
        else:
            exprs.append(pl.col(c))
    return df.select(exprs)


def _as_text(df):
    """Every cell as the text shown (nested values as JSON, binary as hex, null as `null`)."""
    import polars as pl

    exprs = []
    for c, t in df.schema.items():
        if t.is_nested():
            e = pl.struct(pl.col(c).alias("v")).struct.json_encode().str.strip_prefix('{"v":').str.strip_suffix("}")
        elif t == pl.Binary:
            e = pl.col(c).bin.encode("hex")
        elif isinstance(t, pl.Datetime):
            e = pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S")
        else:
            e = pl.col(c).cast(pl.String)
        exprs.append(pl.when(pl.col(c).is_null()).then(pl.lit("null")).otherwise(e).alias(c))
    return df.select(exprs)


# --- terminal width ---------------------------------------------------------------------------------


def char_width(ch: str) -> int:
    """Columns a character takes on a terminal: 0 for combining marks and format characters (Thai
    vowels above/below and tone marks are Mn), 2 for East Asian wide/fullwidth, else 1."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf") or unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def clip(text: str, width: int = MAX_CELL) -> str:
    """`text` on one line, at most `width` columns; a cut one ends with `…` (marks stay with their letter)."""
    text = _CONTROL.sub(lambda m: "↵" if m.group() == "\n" else " ", text)
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width - 1:
            break
        kept.append(ch)
        used += w
    return "".join(kept) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _dtype_name(t) -> str:
    """Polars' short type name (str, i64, datetime[μs, Asia/Bangkok], list[str])."""
    try:
        return t._string_repr()
    except (AttributeError, TypeError):  # a Polars without it: the long form
        return str(t)


def render_table(df, limit: int) -> str:
    """A bordered table of the first `limit` rows, aligned by display width, and a footer of counts."""
    shown = readable(df.head(max(limit, 0)), whole_floats=True)
    text = _as_text(shown)
    names = [clip(c) for c in shown.columns]
    types = [clip(_dtype_name(t)) for t in shown.dtypes]
    right = [t.is_numeric() for t in shown.dtypes]
    rows = [[clip(v) for v in r] for r in text.iter_rows()]  # at most `limit` rows: a screenful, not data work
    widths = [max([display_width(names[i]), display_width(types[i]), 3] + [display_width(r[i]) for r in rows])
              for i in range(len(names))]

    def line(cells, align=None):
        return "│ " + " ┆ ".join(_pad(v, w, bool(align and align[i])) for i, (v, w) in enumerate(zip(cells, widths))) + " │"

    def rule(left, mid, right_, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + right_

    lines = [rule("┌", "┬", "┐", "─"), line(names), line(["---"] * len(widths)), line(types), rule("╞", "╪", "╡", "═")]
    lines += [line(r, right) for r in rows]
    lines.append(rule("└", "┴", "┘", "─"))
    if df.height > len(rows):
        lines.append(f"แสดง {len(rows):,} จาก {df.height:,} แถว / {len(rows):,} of {df.height:,} rows shown "
                     f"(--limit N for more, --format csv for every row)")
    else:
        lines.append(f"{df.height:,} แถว / rows")
    return "\n".join(lines)


def _audited(h, statement: str, started: float, outcome: str, **details) -> bool:
    """Record the statement as an `sql` entry of the audit log; False (and why, on stderr) when it cannot be."""
    from pipelines.audit import AuditError, os_user, record
    from pipelines.pii import KeyProblem

    try:
        record(h, "sql", user=os_user(), role="analyst", target=statement[:500], outcome=outcome,
               seconds=round(time.perf_counter() - started, 3), **details)
    except (AuditError, KeyProblem, OSError) as e:
        th, en = (e.th, e.en) if isinstance(e, AuditError | KeyProblem) else ("เขียนไฟล์ไม่ได้", str(e))
        _fail(f"บันทึกการใช้งานไม่ได้ จึงไม่แสดงผล: {th} / the audit log cannot be written, so no result is shown: {en}")
        return False
    return True


def cmd_sql(args) -> int:
    from warehouse.read import (
        DoorError,
        Limits,
        NotPublished,
        csv_text,
        query,
        unclosable,
    )

    try:
        limits = Limits(timeout_s=args.timeout, memory=args.memory)
    except ValueError as e:
        return _fail(f"ค่าจำกัดไม่ถูกต้อง / invalid limit — {e}")
    h = home()
    started = time.perf_counter()
    try:
        df = query(h, args.query, limits=limits)
    except DoorError as e:
        _audited(h, args.query, started, "refused" if e.kind in ("refused", "personal") else "error", rows=0, kind=e.kind)
        if unclosable():
            # DuckDB would abort the process when this connection is closed (see warehouse.read):
            # say why, flush, and leave without running its destructor.
            _fail(e.line())
            sys.stdout.flush()
            os._exit(2)
        return _fail(e.line())
    except NotPublished:
        found = find_root()
        if h.landing.is_dir() and any(h.landing.iterdir()):
            return _fail(f"ยังไม่มีคลังข้อมูลที่เผยแพร่ที่ {h.warehouse} — รัน `khlang ingest` ก่อน / "
                         f"no published warehouse under {h.warehouse}: run `khlang ingest` first")
        return _fail(f"ไม่มีคลังข้อมูลที่เผยแพร่ที่ {h.root} / no published warehouse at {h.root}\n{point_home_hint(found)}")
    if not _audited(h, args.query, started, "ok", rows=df.height):
        return 2
    if args.format == "csv":
        sys.stdout.write(csv_text(readable(df, whole_floats=False)))
    elif args.format == "json":
        sys.stdout.write(readable(df, whole_floats=False).write_json() + "\n")
    else:
        _out(render_table(df, args.limit))
    return 0
