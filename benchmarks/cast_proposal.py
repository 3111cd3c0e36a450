"""Measured proposal for `pipelines.casting.cast` (not this benchmark's to change: it is being edited).

On the 200,000-row big sheet `cast` is the hot spot of the nightly job: ~43 s and a 4.1 GiB peak on an
idle 2-core machine, for a 2 s parse. Nearly all of it is `pl.concat_list` over the 135 per-cell
`when(...).then(struct)` issue expressions (27 columns x FMT-01..04/REQ-01): Polars builds a list of
structs for every row, and materialises every branch. `cast_long` below keeps the typed columns and
flags exactly as `cast` computes them, but builds `_parse_issues` in long format: one boolean column per
(column, rule), then only the flagged rows get a struct, grouped back per row in the same order. Same
output (checked below), 7 s and 0.6 GiB peak on the same sheet.

    .venv/bin/python benchmarks/cast_proposal.py [old|new]   # needs benchmarks/out/cache from big_sheet.py
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import polars as pl  # noqa: E402
import pipelines.casting as C
from pipelines.parsing import cells
from warehouse.contracts import contracts, formula_errors


def cast_long(raw, contract):
    """`cast` with `_parse_issues` built in long format (flagged rows only)."""
    typed, flags, specs = [], [], []
    errors = list(formula_errors())
    def flag(rule, col, when, value=None):
        k = len(specs)
        flags.append(when.fill_null(False).alias(f"__f{k}"))
        specs.append((rule, col.name, (cells.text(pl.col(col.name)) if value is None else value).fill_null("")))
    for col in contract.columns:
        p = C.parse_column(col)
        formula_error = cells.text(pl.col(col.name)).is_in(errors).fill_null(False)
        long, shown = C._too_long(col)
        typed.append(pl.when(formula_error).then(None).otherwise(p.value).cast(C.DTYPES[col.type]).alias(col.name))
        flag("FMT-01", col, p.unreadable.fill_null(False) & ~formula_error & ~long)
        flag("FMT-02", col, p.ce_year.fill_null(False))
        flag("FMT-03", col, formula_error)
        flag("FMT-04", col, long, shown)
        if col.required:
            blank = cells.text(pl.col(col.name)).is_null()
            if col.type in ("code", "phone"):
                blank = blank | p.value.is_null()
            flag("REQ-01", col, blank & ~formula_error)
    public = [c.name for c in contract.public_columns]
    lineage = [c for c in raw.columns if c.startswith("_")]
    wide = raw.with_row_index("__i").select(
        "__i", *lineage, *typed, pl.struct(public).struct.json_encode().alias("_raw"), *flags)  # eager: lazy CSE is 5x slower here
    src = raw.with_row_index("__i")
    long_ = pl.concat([
        src.filter(wide.get_column(f"__f{k}")).select("__i", pl.lit(k, pl.Int32).alias("__k"), pl.struct(rule_id=pl.lit(r), column=pl.lit(c), value=v).alias("_issue"))
        for k, (r, c, v) in enumerate(specs)])
    issues = long_.sort("__i", "__k").group_by("__i", maintain_order=True).agg(pl.col("_issue").alias("_parse_issues"))
    out = wide.select("__i", *lineage, *[c.name for c in contract.columns], "_raw").join(issues, on="__i", how="left", maintain_order="left").with_columns(pl.col("_parse_issues").fill_null(pl.lit([], pl.List(C.ISSUE))).cast(pl.List(C.ISSUE))).drop("__i")
    return out


def main() -> None:
    import resource
    from pipelines.parsing.files import parse_file
    which = sys.argv[1] if len(sys.argv) > 1 else "both"
    src = Path(__file__).resolve().parent / "out" / "cache" / "quarantined-200000-2569" / "landing"
    raw = parse_file(src / "dltv_equipment" / "แบบสำรวจDLTV_รวมทุกปี.xlsx", src).tables["dltv_equipment"]
    c = contracts()["dltv_equipment"]
    out = {}
    for name, f in (("old", C.cast), ("new", cast_long)):
        if which in (name, "both"):
            t = time.perf_counter()
            out[name] = f(raw, c)
            print(f"{name}: {time.perf_counter() - t:.1f} s, peak so far "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    if len(out) == 2:
        print("identical output:", out["old"].columns == out["new"].columns and out["old"].equals(out["new"]))


if __name__ == "__main__":
    main()
