"""`khlang sql`: the analysts' door to the published warehouse (`warehouse.read`, the one SQL fence).

Every failure prints one line on stderr, Thai / English with DuckDB's own detail and hints, and exits 2:
a statement refused by the fence, an SQL mistake, the time or memory limit, nothing published yet.
"""

from __future__ import annotations

import os
import sys

from pipelines.cli.output import out as _out
from pipelines.config import home


def _fail(line: str) -> int:
    print(line, file=sys.stderr, flush=True)
    return 2


def cmd_sql(args) -> int:
    import polars as pl

    from warehouse.read import DoorError, Limits, NotPublished, csv_text, query, unclosable

    try:
        limits = Limits(timeout_s=args.timeout, memory=args.memory)
    except ValueError as e:
        return _fail(f"ค่าจำกัดไม่ถูกต้อง / invalid limit — {e}")
    try:
        df = query(home(), args.query, limits=limits)
    except DoorError as e:
        if unclosable():
            # DuckDB would abort the process when this connection is closed (see warehouse.read):
            # say why, flush, and leave without running its destructor.
            _fail(e.line())
            sys.stdout.flush()
            os._exit(2)
        return _fail(e.line())
    except NotPublished as e:
        return _fail(f"{e.th} / {e.en}")
    if args.format == "csv":
        sys.stdout.write(csv_text(df))
    elif args.format == "json":
        sys.stdout.write(df.write_json() + "\n")
    else:
        with pl.Config(tbl_rows=args.limit, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200):
            _out(str(df))
    return 0
