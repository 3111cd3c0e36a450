"""`khlang check FILE`: a school's pre-submission check. Writes nothing.

Result lines: `ผล: ผ่าน / result: PASS` (exit 0) only when the file has data rows and none is
quarantined; a per-file problem (including a header with no data rows, or a lock file) prints
`ผล: ไม่ผ่าน ... / result: FAIL (file problem: <kind>)` and exits 1; rows that fail print
`ผล: ไม่ผ่าน ... / result: FAIL` and exit 1; a path that is not a file to read exits 2.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from pipelines.cli.output import out as _out
from pipelines.config import home


def cmd_check(args) -> int:
    """Parse and check one file as the nightly run would, against the published register."""
    import polars as pl

    from assets.partitions import today
    from pipelines.casting import cast
    from pipelines.parsing.files import parse_file
    from pipelines.validate import check_rows
    from warehouse.contracts import get
    from warehouse.publish import read_snapshot

    from pipelines.landing import lock_file, shown

    path = Path(args.file).resolve()
    try:
        mode = os.stat(path).st_mode  # stat only: a FIFO must never be opened (it blocks)
    except OSError:
        print(f"ไม่พบไฟล์ {shown(str(path))} / no such file", file=sys.stderr)
        return 2
    if not stat.S_ISREG(mode):
        print(f"ไม่ใช่ไฟล์ข้อมูล (โฟลเดอร์ ไปป์ หรืออุปกรณ์) {shown(str(path))} / not a regular file", file=sys.stderr)
        return 2
    _out(f"ตรวจไฟล์ / checking {shown(path.name)}")
    if lock_file(path.name):
        _out(f"  ✗ ไฟล์นี้เป็นไฟล์ล็อกชั่วคราวของ Excel ไม่มีข้อมูล — ตรวจไฟล์ชื่อ '{shown(path.name[2:])}' แทน\n"
             f"    this is an Excel lock file with no data; check '{shown(path.name[2:])}' instead")
        _out("\nผล: ไม่ผ่าน — ไม่ใช่ไฟล์ข้อมูล / result: FAIL (file problem: lock_file)")
        return 1
    parsed = parse_file(path, path.parent)
    for note in parsed.notes:
        _out(f"  หมายเหตุ: {note}")
    if parsed.error:
        e = parsed.error
        _out(f"  ✗ {e.th}\n    {e.en}" + (f" ({e.where()})" if e.where() else ""))
        if e.kind == "no_data_rows":
            _out("\nผล: ไม่ผ่าน — มีแต่หัวตาราง ไม่มีแถวข้อมูล / result: FAIL (file problem: no_data_rows)")
        else:
            _out(f"\nผล: ไม่ผ่าน — แก้ปัญหาของไฟล์ข้างบนแล้วตรวจใหม่ / result: FAIL (file problem: {e.kind})")
        return 1
    h = home()
    try:
        register = read_snapshot(h, "schools")
        allocations = read_snapshot(h, "dltv_allocation")
    except FileNotFoundError:
        print("ยังไม่มีทะเบียนสถานศึกษาในคลัง (รัน khlang ingest ก่อน) / no published register: run `khlang ingest` first",
              file=sys.stderr)
        return 2
    failed = False
    for table, raw in parsed.tables.items():
        contract = get(table)
        typed = cast(raw.with_columns(_source_file=pl.lit(path.name), _arrival_seq=pl.lit(0, pl.Int64)), contract)
        checked = check_rows(typed, contract, register, allocations, today=today())
        rows = checked.rows
        counts = rows.get_column("_outcome").value_counts()
        _out(f"\n{contract.th} ({table}): {rows.height} แถว / rows")
        for r in rows.filter(pl.col("_outcome").is_in(["quarantined", "flagged"])).iter_rows(named=True):
            mark = "✗" if r["_outcome"] == "quarantined" else "!"
            _out(f"  {mark} ชีต {r['_sheet']} แถว {r['_row']} [{', '.join(r['_rule_ids'])}]")
            for th, en in zip(r["_reason_th"].split(" | "), r["_reason_en"].split(" | ")):
                _out(f"      {th}\n      ({en})")
        for o in counts.iter_rows(named=True):
            _out(f"  {o['_outcome']}: {o['count']}")
        failed |= rows.filter(pl.col("_outcome") == "quarantined").height > 0
    _out("\nผล: ไม่ผ่าน — แก้ไขแถวที่มีเครื่องหมาย ✗ แล้วส่งใหม่ / result: FAIL" if failed else "\nผล: ผ่าน / result: PASS")
    return 1 if failed else 0
