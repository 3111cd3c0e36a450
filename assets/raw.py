"""Raw layer: every landing file parsed into raw text rows per table, with file/sheet/row lineage.

One multi-asset because one pass over the files yields every table (a workbook may hold several).
A file is parsed once by its content (pipelines.parsed_files); a night parses only new content.
Tables loaded whole (survey sheets) are gathered into raw/<table>; incremental tables (platform
exports) are read by their validated asset straight from each file's cached parse.
Per-file problems (missing required column, empty workbook, not really an .xlsx) go to
`raw/file_report`; the file's rows are not ingested and the rest of the batch goes on. Landing entries
that are not read (lock files, hidden files, FIFOs, links out of landing/...) get a `skipped` row there
with the reason, so every entry under landing/ is accounted for.
"""


import threading

import dagster as dg
import polars as pl

from assets.landing import KEY as LANDING
from assets.metadata import md_table
from assets.resources import KhlangHome
from pipelines.landing import shown, still_inside
from pipelines.memory import import_frozen
from pipelines import parsed_files
from pipelines.parallel import run_all
from pipelines.pii import verified
from warehouse import lake
from warehouse.contracts import contracts

FILE_REPORT = dg.AssetKey(["raw", "file_report"])
REPORT_SCHEMA = {
    "path": pl.String,
    "sha256": pl.String,
    "arrival_seq": pl.Int64,
    "table_name": pl.String,
    "rows_in": pl.Int64,
    "error_kind": pl.String,
    "error_th": pl.String,
    "error_en": pl.String,
    "error_sheet": pl.String,
    "error_row": pl.Int64,
    "error_column": pl.String,
    "notes": pl.String,
}


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


def _specs() -> list[dg.AssetSpec]:
    common = dict(deps=[LANDING], group_name="raw", kinds={"polars", "parquet"}, owners=["team:ict"])
    specs = [
        dg.AssetSpec(raw_key(c.table), description=f"{c.th} ({c.en}): cells as written, one row per data row, "
                     "with source file, sheet and Excel row number.", **common)
        for c in contracts().values()
    ]
    specs.append(dg.AssetSpec(FILE_REPORT, description="Per file and table: rows read, per-file errors "
                              "(Thai and English, naming sheet, row and column) and notes.", **common))
    return specs


@dg.multi_asset(specs=_specs())
def raw_rows(context: dg.AssetExecutionContext, khlang: KhlangHome):
    home = khlang.home()
    files = lake.read(home, "landing", "files")
    fp = parsed_files.current_fingerprint()
    # Contents not parsed before: parsed (and cached) first, in worker processes when they are big.
    readable = files.filter(pl.col("skip_kind").is_null())
    new = [r for r in readable.unique("sha256", keep="first", maintain_order=True).iter_rows(named=True)
           if parsed_files.load(home, fp, r["sha256"]) is None]
    new.sort(key=lambda r: -r["size"])  # biggest first: the workers finish together
    jobs = [parsed_files.ParseJob(str(home.root), r["path"], r["sha256"], fp) for r in new if still_inside(home.landing, r["path"])]
    parallel = sum(r["size"] for r in new) > parsed_files.PARALLEL_BYTES
    if parallel:  # this process only waits for the workers meanwhile: GX, which validation needs next
        threading.Thread(target=import_frozen, args=("expectations.runner",), daemon=True).start()
    run_all(parsed_files.parse_and_store, jobs, parallel=parallel)
    per_table: dict[str, list[pl.DataFrame]] = {t: [] for t in contracts()}
    report = []
    for f in files.iter_rows(named=True):  # one iteration per file, not per row
        if f["skip_kind"] is None and not still_inside(home.landing, f["path"]):  # changed since the scan
            name = shown(f["path"])
            f = {**f, "skip_kind": "symlink_outside", "skip_th": f"ข้าม '{name}': ไม่ใช่ไฟล์ใน landing/ แล้ว (ลิงก์ชี้ออกไปข้างนอก หรือถูกลบ) ไม่ได้อ่าน",
                 "skip_en": f"skipped '{name}': no longer a file inside landing/ (a link now pointing out, or removed); not read"}
        if f["skip_kind"] is not None:
            context.log.info(f["skip_en"])
            report.append({"path": f["path"], "sha256": None, "arrival_seq": None, "table_name": None, "rows_in": 0,
                           "error_kind": "skipped", "error_th": f["skip_th"], "error_en": f["skip_en"],
                           "notes": f["skip_kind"]})
            continue
        parsed = parsed_files.load(home, fp, f["sha256"])
        if parsed is None:  # appeared between the scan and now (a link re-pointed inside landing/)
            parsed_files.parse_and_store(parsed_files.ParseJob(str(home.root), f["path"], f["sha256"], fp))
            parsed = parsed_files.load(home, fp, f["sha256"])
        base = {"path": f["path"], "sha256": f["sha256"], "arrival_seq": f["arrival_seq"], "notes": " | ".join(parsed.notes) or None}
        if parsed.error:
            e = parsed.error
            context.log.warning(f"{shown(f['path'])}: {e.en}" + (f" ({e.where()})" if e.where() else ""))
            report.append({**base, "table_name": e.table, "rows_in": 0, "error_kind": e.kind, "error_th": e.th,
                           "error_en": e.en + (f" — {e.detail}" if e.detail else ""), "error_sheet": e.sheet, "error_row": e.row, "error_column": e.column})
        for table, n in parsed.rows.items():
            if contracts()[table].load == "whole":
                per_table[table].append(parsed.table_rows(table, f["path"], f["arrival_seq"]))
            report.append({**base, "table_name": table, "rows_in": n})
    parsed_files.prune(home, fp, set(files.get_column("sha256").drop_nulls().to_list()))
    context.log.info(f"parsed {len(jobs)} new file content(s) ({'worker processes' if parallel and len(jobs) > 1 else 'in-process'}); "
                     f"{files.height - len(jobs)} known or skipped")
    for table, contract in contracts().items():
        frames = per_table[table]
        if contract.load != "whole":  # read per file by its validated asset (assets/validated.py)
            n_files = sum(1 for r in report if r["table_name"] == table)
            yield dg.MaterializeResult(asset_key=raw_key(table), metadata={"files": n_files, "new_contents": len(jobs)})
            continue
        empty = pl.DataFrame(schema={"_sheet": pl.String, "_row": pl.Int32, **{c: pl.String for c in contract.column_names},
                                     "_source_file": pl.String, "_file_sha256": pl.String, "_arrival_seq": pl.Int64})
        # no file yet: the identifier checks' result columns (PER-02's _citizen_id_valid) exist all the same,
        # as a parse would have written them (pipelines.pii.protect), so the rules that read them bind
        empty = verified(empty, contract.check_before_hashing)
        df = pl.concat(frames, how="diagonal_relaxed") if frames else empty
        lake.write(df, lake.path(home, "raw", table))
        yield dg.MaterializeResult(asset_key=raw_key(table), metadata={"rows": df.height, "files": len(frames)})
    rep = pl.DataFrame(report, schema=REPORT_SCHEMA)
    lake.write(rep, lake.path(home, "raw", "file_report"))
    errors = rep.filter(pl.col("error_kind").is_not_null() & (pl.col("error_kind") != "skipped"))
    skipped = rep.filter(pl.col("error_kind") == "skipped")
    yield dg.MaterializeResult(
        asset_key=FILE_REPORT,
        metadata={"files": files.height, "file_errors": errors.height, "skipped": skipped.height,
                  "errors": md_table(errors.select(pl.col("path").map_elements(shown, return_dtype=pl.String), "error_th",
                                                  "error_sheet", "error_row", "error_column"))},
    )
