"""`khlang check FILE`: a school's pre-submission check. Writes nothing.

What a school clerk reads first is plain Thai (what is wrong, what to do), English beside it, and the
technical detail (a library's error text) last, on its own line. Every run ends with one result line:

    ผล: ผ่าน / result: PASS                                                    exit 0
    ผล: ไม่ผ่าน — ... / result: FAIL                                            exit 1 (a row fails)
    ผล: ไม่ผ่าน — ... / result: FAIL (file problem: <kind>)                     exit 1 (the whole file)
    ผล: ตรวจไม่ได้ — ... / result: NOT CHECKED (<why>)                          exit 2 (no such file,
                                                                    not a regular file, no register yet)

Fast (~1 s): the contracts' expectations run on Polars (expectations.polars_engine, GX's semantics,
pinned to agree with GX row for row by tests/expectations/test_polars_engine.py); GX, pandas and Dagster
are never imported here (`benchmarks/check.py` measures it).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from pipelines.cli.output import out as _out
from pipelines.config import home

# What a clerk reads for each outcome, Thai first.
OUTCOME_LABELS = {
    "valid": "ผ่าน / valid",
    "flagged": "ผ่าน แต่มีข้อสังเกตให้ตรวจ / flagged",
    "quarantined": "ไม่ผ่าน ต้องแก้ไข / quarantined",
    "superseded": "ถูกแทนด้วยแถวที่ส่งภายหลังของโรงเรียนเดียวกัน / superseded",
}


def _not_checked(th: str, en: str, short_th: str, why: str) -> int:
    print(f"  ✗ {th}\n    {en}", file=sys.stderr)
    _out(f"\nผล: ตรวจไม่ได้ — {short_th} / result: NOT CHECKED ({why})")
    return 2


def _file_problem(e) -> int:
    where = e.where()
    _out(f"  ✗ {e.th}\n    {e.en}" + (f" ({where})" if where else ""))
    if getattr(e, "detail", None):
        _out(f"    รายละเอียดทางเทคนิค / technical detail: {e.detail}")
    if e.kind == "no_data_rows":
        _out("\nผล: ไม่ผ่าน — มีแต่หัวตาราง ไม่มีแถวข้อมูล / result: FAIL (file problem: no_data_rows)")
    else:
        _out(f"\nผล: ไม่ผ่าน — ไฟล์นี้ตรวจไม่ได้ แก้ตามข้อความข้างบนแล้วตรวจใหม่ / result: FAIL (file problem: {e.kind})")
    return 1


def cmd_check(args) -> int:
    """Parse and check one file as the nightly run would, against the published register."""
    from pipelines.landing import lock_file, shown

    path = Path(args.file).resolve()
    try:
        mode = os.stat(path).st_mode  # stat only: a FIFO must never be opened (it blocks)
    except OSError:
        _out(f"ตรวจไฟล์ / checking {shown(path.name)}")
        return _not_checked(f"ไม่พบไฟล์ {shown(str(path))} — ตรวจชื่อและตำแหน่งของไฟล์", "no such file",
                            "ไม่พบไฟล์", "no such file")
    if not stat.S_ISREG(mode):
        _out(f"ตรวจไฟล์ / checking {shown(path.name)}")
        return _not_checked(f"ไม่ใช่ไฟล์ข้อมูล (เป็นโฟลเดอร์ ไปป์ หรืออุปกรณ์) {shown(str(path))}",
                            "not a regular file", "ไม่ใช่ไฟล์ข้อมูล", "not a regular file")
    _out(f"ตรวจไฟล์ / checking {shown(path.name)}")
    if lock_file(path.name):
        _out(f"  ✗ ไฟล์นี้เป็นไฟล์ล็อกชั่วคราวของ Excel ไม่มีข้อมูล — ตรวจไฟล์ชื่อ '{shown(path.name[2:])}' แทน\n"
             f"    this is an Excel lock file with no data; check '{shown(path.name[2:])}' instead")
        _out("\nผล: ไม่ผ่าน — ไม่ใช่ไฟล์ข้อมูล / result: FAIL (file problem: lock_file)")
        return 1

    from pipelines.parsing.files import parse_file

    parsed = parse_file(path, path.parent)
    for note in parsed.notes:
        _out(f"  หมายเหตุ: {note}")
    if parsed.error:
        return _file_problem(parsed.error)

    import polars as pl

    from pipelines.calendar import today
    from pipelines.casting import cast
    from pipelines.outcomes import outcome_counts
    from pipelines.pii import verified
    from pipelines.validate import check_rows
    from warehouse.contracts import get
    from warehouse.publish import read_snapshot

    h = home()
    register = allocations = None
    if any({"register", "recent_allocations"} & set(get(t).enrich) for t in parsed.tables):
        try:
            register = read_snapshot(h, "schools")
            allocations = read_snapshot(h, "dltv_allocation")
        except FileNotFoundError:
            return _not_checked("ยังไม่มีทะเบียนสถานศึกษาในคลัง จึงตรวจรหัสโรงเรียนไม่ได้ — ให้ สพท. รัน khlang ingest ก่อน",
                                f"no published register under {h.warehouse}: run `khlang ingest` first",
                                "ยังไม่มีทะเบียนสถานศึกษาในคลัง", "no register published yet")
    failed = False
    for table, raw in parsed.tables.items():
        contract = get(table)
        raw = verified(raw, contract.check_before_hashing)  # PER-02 as ingest sees it; nothing is hashed or kept
        typed = cast(raw.with_columns(_source_file=pl.lit(path.name), _arrival_seq=pl.lit(0, pl.Int64)), contract)
        rows = check_rows(typed, contract, register, allocations, today=today(), engine="polars").rows
        counts = outcome_counts(rows)
        _out(f"\n{contract.th} ({table}): {rows.height} แถว / rows")
        for r in rows.filter(pl.col("_outcome").is_in(["quarantined", "flagged"])).iter_rows(named=True):
            mark, what = ("✗", "ต้องแก้ไข / must be fixed") if r["_outcome"] == "quarantined" else ("!", "โปรดตรวจ / please review")
            _out(f"  {mark} ชีต {r['_sheet']} แถว {r['_row']} — {what} [{', '.join(r['_rule_ids'])}]")
            for th, en in zip(r["_reason_th"].split(" | "), r["_reason_en"].split(" | ")):
                _out(f"      {th}\n      ({en})")
        for outcome, label in OUTCOME_LABELS.items():
            if counts.get(outcome):
                _out(f"  {label}: {counts[outcome]}")
        failed |= counts.get("quarantined", 0) > 0
    _out("\nผล: ไม่ผ่าน — แก้ไขแถวที่มีเครื่องหมาย ✗ แล้วส่งใหม่ / result: FAIL" if failed else "\nผล: ผ่าน / result: PASS")
    return 1 if failed else 0
