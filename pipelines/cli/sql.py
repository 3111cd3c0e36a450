"""`khlang sql`: the analysts' door to the published warehouse."""

from __future__ import annotations

import sys

from pipelines.cli.output import out as _out
from pipelines.config import home


def cmd_sql(args) -> int:
    import polars as pl

    from warehouse.read import NotPublished, query

    try:
        df = query(home(), args.query)
    except NotPublished as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.format == "csv":
        sys.stdout.write(df.write_csv())
    elif args.format == "json":
        sys.stdout.write(df.write_json() + "\n")
    else:
        with pl.Config(tbl_rows=args.limit, tbl_cols=-1, fmt_str_lengths=60, tbl_width_chars=200):
            _out(str(df))
    return 0
