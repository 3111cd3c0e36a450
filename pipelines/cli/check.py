"""`khlang check FILE`: a school's pre-submission check. Writes nothing.

What a school clerk reads first is plain Thai (what is wrong, what to do), English beside it, and the
technical detail (a library's error text) last, on its own line. Every run ends with one result line:

    ผล: ผ่าน / result: PASS                                                    exit 0
    ผล: ไม่ผ่าน — ... / result: FAIL                                            exit 1 (a row fails)
    ผล: ไม่ผ่าน — ... / result: FAIL (file problem: <kind>)                     exit 1 (the whole file)
    ผล: ตรวจไม่ได้ — ... / result: NOT CHECKED (<why>)                          exit 2 (no such file,
                                                                    not a regular file, no register yet)

Two halves: `check_file(path)` is the check itself and returns data (a `FileCheck`: the file's notes, its
problem or the tables it holds, each table's rows with their outcomes and every message with its file,
sheet, row, column, rule ID, Thai and English text); `cmd_check` prints that data. The dashboards' upload
page (`pipelines.upload`) shows the same `FileCheck`, so a school reads there what this command prints.

Fast (~1 s): the contracts' expectations run on Polars (expectations.polars_engine, GX's semantics,
pinned to agree with GX row for row by tests/expectations/test_polars_engine.py); GX, pandas and Dagster
are never imported here (`benchmarks/check.py` measures it).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.cli.output import out as _out
from pipelines.config import Home, home

if TYPE_CHECKING:
    import polars as pl

    from pipelines.parsing.errors import FileProblem
    from warehouse.contracts import Check, Contract

# What a clerk reads for each outcome, Thai first.
OUTCOME_LABELS = {
    "valid": "ผ่าน / valid",
    "flagged": "ผ่าน แต่มีข้อสังเกตให้ตรวจ / flagged",
    "quarantined": "ไม่ผ่าน ต้องแก้ไข / quarantined",
    "superseded": "ถูกแทนด้วยแถวที่ส่งภายหลังของโรงเรียนเดียวกัน / superseded",
}
# The result line's short Thai for a whole-file problem (others: fix as the message says and check again).
FILE_RESULT_TH = {"no_data_rows": "มีแต่หัวตาราง ไม่มีแถวข้อมูล", "lock_file": "ไม่ใช่ไฟล์ข้อมูล"}
FILE_RESULT_DEFAULT_TH = "ไฟล์นี้ตรวจไม่ได้ แก้ตามข้อความข้างบนแล้วตรวจใหม่"
REASON_SEPARATOR = " | "  # how pipelines.outcomes joins a row's reasons


@dataclass(frozen=True)
class Message:
    """One thing the clerk reads: a row's broken rule (severity quarantine or flag) or the whole file's
    problem (severity "file", rule_id None; `kind` names it)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None  # the Thai header(s) of the column(s) concerned, when known
    rule_id: str | None
    severity: str  # "quarantine" (must be fixed), "flag" (please review), "file" (the whole file)
    th: str
    en: str
    table: str | None = None
    kind: str | None = None  # a file problem's kind (FileProblem.kind)


@dataclass(frozen=True)
class RowResult:
    """A flagged or quarantined row: where it is, its outcome, its rule IDs and its messages in order."""

    sheet: str
    row: int
    outcome: str
    rule_ids: tuple[str, ...]
    messages: tuple[Message, ...]


@dataclass(frozen=True)
class TableResult:
    """One table found in the file: its checked rows (lineage, contract columns, outcome columns), the
    rows per outcome, and the rows to fix or review."""

    table: str
    th: str
    rows: pl.DataFrame
    counts: dict[str, int]
    failing: tuple[RowResult, ...]


@dataclass(frozen=True)
class NotChecked:
    """Why the file could not be checked at all (exit 2): Thai, English, the result line's short Thai
    and its English reason."""

    th: str
    en: str
    short_th: str
    why: str


@dataclass(frozen=True)
class FileCheck:
    """The check of one file, as data. Exactly one of: not_checked, problem, tables (maybe none)."""

    file: str  # the file's name as checked
    notes: tuple[str, ...] = ()
    tables: tuple[TableResult, ...] = ()
    problem: FileProblem | None = None
    not_checked: NotChecked | None = None

    @property
    def status(self) -> str:
        """"pass", "fail" (a whole-file problem or a quarantined row) or "not_checked"."""
        if self.not_checked:
            return "not_checked"
        if self.problem or any(t.counts.get("quarantined", 0) for t in self.tables):
            return "fail"
        return "pass"

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "fail": 1, "not_checked": 2}[self.status]

    @property
    def messages(self) -> list[Message]:
        """Everything the clerk reads, in the order `khlang check` prints it: the file's problem, else
        every message of every flagged or quarantined row, table by table."""
        if self.problem is not None:
            p = self.problem
            return [Message(self.file, p.sheet, p.row, p.column, None, "file", p.th, p.en, p.table, p.kind)]
        return [m for t in self.tables for r in t.failing for m in r.messages]


# ---------------------------------------------------------------- the check
def check_file(path: Path, h: Home | None = None) -> FileCheck:
    """Parse and check one file as the nightly run would, against the published register of `h` (default:
    the data root `home()` finds, looked up only when the file needs the register). Writes nothing."""
    from pipelines.landing import lock_file, shown

    path = Path(path).resolve()
    name = path.name
    try:
        mode = os.stat(path).st_mode  # stat only: a FIFO must never be opened (it blocks)
    except OSError:
        return FileCheck(name, not_checked=NotChecked(f"ไม่พบไฟล์ {shown(str(path))} — ตรวจชื่อและตำแหน่งของไฟล์",
                                                      "no such file", "ไม่พบไฟล์", "no such file"))
    if not stat.S_ISREG(mode):
        return FileCheck(name, not_checked=NotChecked(f"ไม่ใช่ไฟล์ข้อมูล (เป็นโฟลเดอร์ ไปป์ หรืออุปกรณ์) {shown(str(path))}",
                                                      "not a regular file", "ไม่ใช่ไฟล์ข้อมูล", "not a regular file"))
    if lock_file(name):
        from pipelines.parsing.errors import FileProblem

        return FileCheck(name, problem=FileProblem(
            "lock_file", th=f"ไฟล์นี้เป็นไฟล์ล็อกชั่วคราวของ Excel ไม่มีข้อมูล — ตรวจไฟล์ชื่อ '{shown(name[2:])}' แทน",
            en=f"this is an Excel lock file with no data; check '{shown(name[2:])}' instead"))

    from pipelines.parsing.files import parse_file

    parsed = parse_file(path, path.parent)
    notes = tuple(parsed.notes)
    if parsed.error:
        return FileCheck(name, notes, problem=parsed.error)

    import polars as pl

    from pipelines.calendar import today
    from pipelines.casting import cast
    from pipelines.outcomes import outcome_counts
    from pipelines.pii import verified
    from pipelines.validate import check_rows
    from warehouse.contracts import get
    from warehouse.publish import read_snapshot

    h = h or home()
    register = allocations = None
    if any({"register", "recent_allocations"} & set(get(t).enrich) for t in parsed.tables):
        try:
            register = read_snapshot(h, "schools")
            allocations = read_snapshot(h, "dltv_allocation")
        except FileNotFoundError:
            return FileCheck(name, notes, not_checked=NotChecked(
                "ยังไม่มีทะเบียนสถานศึกษาในคลัง จึงตรวจรหัสโรงเรียนไม่ได้ — ให้ สพท. รัน khlang ingest ก่อน",
                f"no published register under {h.warehouse}: run `khlang ingest` first",
                "ยังไม่มีทะเบียนสถานศึกษาในคลัง", "no register published yet"))
    tables = []
    for table, raw in parsed.tables.items():
        contract = get(table)
        raw = verified(raw, contract.check_before_hashing)  # PER-02 as ingest sees it; nothing is hashed or kept
        typed = cast(raw.with_columns(_source_file=pl.lit(name), _arrival_seq=pl.lit(0, pl.Int64)), contract)
        checked = check_rows(typed, contract, register, allocations, today=today(), engine="polars")
        failing = _failing_rows(name, contract, typed, checked.rows, checked.validation.failures)
        tables.append(TableResult(table, contract.th, checked.rows, outcome_counts(checked.rows), failing))
    return FileCheck(name, notes, tuple(tables))


def _failing_rows(file: str, contract: Contract, typed: pl.DataFrame, rows: pl.DataFrame,
                  failures: pl.DataFrame) -> tuple[RowResult, ...]:
    """The flagged and quarantined rows with one Message per reason. `rows` (check_rows' output) is in
    `typed`'s row order, so row i of both is `_row_id` i of `failures`."""
    import polars as pl

    from pipelines.outcomes import ROW_ID, _parse_issue_rows

    bad = rows.with_row_index(ROW_ID).with_columns(pl.col(ROW_ID).cast(pl.Int64)).filter(
        pl.col("_outcome").is_in(["quarantined", "flagged"]))
    if bad.is_empty():
        return ()
    ids = bad.select(ROW_ID)
    issues = typed.with_row_index(ROW_ID).with_columns(pl.col(ROW_ID).cast(pl.Int64)).join(ids, on=ROW_ID, how="semi")
    parse_text = {}  # row id -> [(th, en)] of its parse issues, in cell order, as decide rendered them
    for r in _parse_issue_rows(issues, contract).sort(ROW_ID, "_order").iter_rows(named=True):
        parse_text.setdefault(r[ROW_ID], []).append((r["th"], r["en"]))
    parse_issues = dict(issues.select(ROW_ID, "_parse_issues").iter_rows())
    order = {c.key: i for i, c in enumerate(contract.checks)}
    by_key = {c.key: c for c in contract.checks}
    failed = {}
    for row_id, key in failures.join(ids, on=ROW_ID, how="semi").select(ROW_ID, "check").iter_rows():
        failed.setdefault(row_id, []).append(key)
    out = []
    for r in bad.iter_rows(named=True):
        checks = [by_key[k] for k in sorted(failed.get(r[ROW_ID], []), key=order.__getitem__)]
        messages = _row_messages(file, contract, r, parse_issues.get(r[ROW_ID]) or [],
                                 parse_text.get(r[ROW_ID], []), checks)
        out.append(RowResult(r["_sheet"], r["_row"], r["_outcome"], tuple(r["_rule_ids"]), messages))
    return tuple(out)


def _row_messages(file: str, contract: Contract, r: dict, issues: list[dict], parse_text: list[tuple[str, str]],
                  checks: list[Check]) -> tuple[Message, ...]:
    """A row's reasons (`_reason_th`/`_reason_en`: its parse issues in cell order, then its failed checks
    in the contract's order, joined) as one Message each, with the rule and column of each."""
    from warehouse.contracts import parse_rules

    rules = parse_rules()
    headers = {c.name: c.header_th for c in contract.columns}
    where = {"file": file, "sheet": r["_sheet"], "row": r["_row"], "table": contract.table}
    messages = [Message(column=headers.get(i["column"], i["column"]), rule_id=i["rule_id"],
                        severity=rules[i["rule_id"]].severity if i["rule_id"] in rules else "quarantine",
                        th=th, en=en, **where)
                for i, (th, en) in zip(issues, parse_text, strict=True)]
    rest = [_after(r["_reason_th"], [t for t, _ in parse_text]), _after(r["_reason_en"], [e for _, e in parse_text])]
    if not checks:
        return tuple(messages)
    th_parts, en_parts = (text.split(REASON_SEPARATOR) for text in rest)
    if len(th_parts) == len(en_parts) == len(checks):
        messages += [Message(column=_columns_of(contract, c), rule_id=c.rule_id, severity=c.severity, th=th, en=en,
                             **where) for c, th, en in zip(checks, th_parts, en_parts, strict=True)]
    else:  # a quoted value holds the separator itself: the checks' reasons as one message
        severity = "quarantine" if any(c.severity == "quarantine" for c in checks) else "flag"
        rule_ids = ", ".join(dict.fromkeys(c.rule_id for c in checks))
        messages.append(Message(column=None, rule_id=rule_ids, severity=severity, th=rest[0], en=rest[1], **where))
    return tuple(messages)


def _after(reason: str, first: list[str]) -> str:
    """What follows the parse issues' texts `first` in a joined reason."""
    if not first:
        return reason
    prefix = REASON_SEPARATOR.join(first)
    return reason[len(prefix) + len(REASON_SEPARATOR):] if reason.startswith(prefix) else reason


def _columns_of(contract: Contract, check: Check) -> str | None:
    """The Thai headers of the contract columns a check reads (through its derived columns), else of those
    its message quotes (REF-01 reads the register's join but names the school code)."""
    names = []
    for e in check.expectations:
        names += [e[k] for k in ("column", "column_A", "column_B") if e.get(k)] + list(e.get("column_list") or ())
    known = contract.column_names
    found = []
    for n in names:
        if n in known:
            found.append(n)
        elif n in contract.derive:
            found += [c for c in known if re.search(rf"\b{re.escape(c)}\b", contract.derive[n])]
    if not found:
        found = [n for n in re.findall(r"\{(\w+)\}", check.th) if n in known]
    headers = {c.name: c.header_th for c in contract.columns}
    return ", ".join(headers[n] for n in dict.fromkeys(found)) or None


# ---------------------------------------------------------------- the command
def _not_checked(n: NotChecked) -> int:
    print(f"  ✗ {n.th}\n    {n.en}", file=sys.stderr)
    _out(f"\nผล: ตรวจไม่ได้ — {n.short_th} / result: NOT CHECKED ({n.why})")
    return 2


def _file_problem(e: FileProblem) -> int:
    where = e.where()
    _out(f"  ✗ {e.th}\n    {e.en}" + (f" ({where})" if where else ""))
    if getattr(e, "detail", None):
        _out(f"    รายละเอียดทางเทคนิค / technical detail: {e.detail}")
    _out(f"\nผล: ไม่ผ่าน — {FILE_RESULT_TH.get(e.kind, FILE_RESULT_DEFAULT_TH)} / result: FAIL (file problem: {e.kind})")
    return 1


def _table(t: TableResult) -> None:
    _out(f"\n{t.th} ({t.table}): {t.rows.height} แถว / rows")
    for r in t.failing:
        mark, what = ("✗", "ต้องแก้ไข / must be fixed") if r.outcome == "quarantined" else ("!", "โปรดตรวจ / please review")
        _out(f"  {mark} ชีต {r.sheet} แถว {r.row} — {what} [{', '.join(r.rule_ids)}]")
        for m in r.messages:
            _out(f"      {m.th}\n      ({m.en})")
    for outcome, label in OUTCOME_LABELS.items():
        if t.counts.get(outcome):
            _out(f"  {label}: {t.counts[outcome]}")


def cmd_check(args) -> int:
    """Parse and check one file as the nightly run would, against the published register; print it."""
    from pipelines.landing import shown

    path = Path(args.file).resolve()
    _out(f"ตรวจไฟล์ / checking {shown(path.name)}")
    result = check_file(path)
    for note in result.notes:
        _out(f"  หมายเหตุ: {note}")
    if result.not_checked:
        return _not_checked(result.not_checked)
    if result.problem:
        return _file_problem(result.problem)
    for t in result.tables:
        _table(t)
    failed = result.status == "fail"
    _out("\nผล: ไม่ผ่าน — แก้ไขแถวที่มีเครื่องหมาย ✗ แล้วส่งใหม่ / result: FAIL" if failed else "\nผล: ผ่าน / result: PASS")
    return result.exit_code
