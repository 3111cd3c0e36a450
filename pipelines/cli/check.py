"""`khlang check FILE`: a school's pre-submission check. Writes nothing."""

from __future__ import annotations

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

    path = Path(args.file).resolve()
    if not path.is_file():
        print(f"ไม่พบไฟล์ {path} / no such file", file=sys.stderr)
        return 2
    parsed = parse_file(path, path.parent)
    _out(f"ตรวจไฟล์ / checking {path.name}")
    for note in parsed.notes:
        _out(f"  หมายเหตุ: {note}")
    if parsed.error:
        e = parsed.error
        _out(f"  ✗ {e.th}\n    {e.en}" + (f" ({e.where()})" if e.where() else ""))
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
