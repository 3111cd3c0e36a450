"""What a blank template's instructions say (Thai first, English beside it), derived from a contract.

Every line comes from the contract (names, types, coded lists, the ranges its rules check on a column,
its key and personal columns) or from the parser's own conventions (BE years and the plausible ones,
the yes/no words, day-first dates), so the instructions cannot drift from what `khlang check` accepts.
`warehouse.templates` lays these texts out in a workbook; nothing here knows about Excel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipelines.parsing.cells import BE_OFFSET, FALSE_WORDS, PLAUSIBLE_BE_YEARS, TRUE_WORDS
from warehouse.contracts import Column, Contract, ListItem, lists

Pair = tuple[str, str]  # (Thai, English)

# The words a yes/no drop-down offers: the first of the parser's own true and false words.
YES = ListItem(key="true", th=TRUE_WORDS[0], en="yes")
NO = ListItem(key="false", th=FALSE_WORDS[0], en="no")
EXAMPLE_DAY = date(2026, 1, 15)  # the example date shown, written dd/mm/yyyy in BE
EXAMPLE_YEAR = EXAMPLE_DAY.year + BE_OFFSET
YEARS = f"{PLAUSIBLE_BE_YEARS[0]}–{PLAUSIBLE_BE_YEARS[1]}"  # the BE years the parser reads as plausible
PLACEHOLDER = re.compile(r"\{[^{}]+\}")  # `{school_code}` in a rule's message: a value, shown as "…"

TYPES: dict[str, Pair] = {
    "code": ("รหัส (ตัวเลข เก็บเป็นข้อความ)", "code (digits kept as text)"),
    "text": ("ข้อความ", "text"),
    "phone": ("หมายเลขโทรศัพท์", "phone number"),
    "enum": ("เลือกจากรายการ", "one of a list"),
    "int": ("จำนวนเต็ม", "whole number"),
    "decimal": ("ตัวเลข (มีทศนิยมได้)", "number (decimals allowed)"),
    "be_year": ("ปี พ.ศ.", "year (BE)"),
    "date": ("วันที่", "date"),
    "datetime": ("วันที่และเวลา", "date and time"),
    "bool": (f"{YES.th} / {NO.th}", f"{YES.en} / {NO.en}"),
}
SEVERITY: dict[str, Pair] = {
    "quarantine": ("ไม่ผ่าน ต้องแก้ไข", "fails: must be fixed"),
    "flag": ("ผ่าน แต่ให้ตรวจอีกครั้ง", "passes, flagged for review"),
}


def be_date(d: date) -> str:
    """`dd/mm/yyyy` with the BE year, as schools write dates."""
    return f"{d.day:02d}/{d.month:02d}/{d.year + BE_OFFSET}"


def choices(col: Column) -> tuple[ListItem, ...] | None:
    """The values a coded column's drop-down offers (their Thai labels are what is typed), else None."""
    if col.type == "enum" and col.list:
        return lists()[col.list]
    if col.type == "bool":
        return (YES, NO)
    return None


def _number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _shown(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def value_range(contract: Contract, col: Column) -> Pair | None:
    """The values the contract's rules accept in this column by itself: the tightest bounds of its
    `between` expectations and the set of its `in_set` one (none with a row condition, none comparing
    columns, none read from run parameters). Coded columns are described by their lists instead."""
    lo = hi = None
    lo_strict = hi_strict = False
    allowed: list | None = None
    for check in contract.checks:
        for e in check.expectations:
            if e.get("column") != col.name or e.get("row_condition"):
                continue
            if e["type"] == "expect_column_values_to_be_between":
                mn, mx = e.get("min_value"), e.get("max_value")
                if _number(mn) and (lo is None or mn > lo or (mn == lo and e.get("strict_min"))):
                    lo, lo_strict = mn, bool(e.get("strict_min"))
                if _number(mx) and (hi is None or mx < hi or (mx == hi and e.get("strict_max"))):
                    hi, hi_strict = mx, bool(e.get("strict_max"))
            elif (e["type"] == "expect_column_values_to_be_in_set" and choices(col) is None
                  and isinstance(e.get("value_set"), list)):
                allowed = e["value_set"]
    if allowed:
        values = [_shown(v) if _number(v) else str(v) for v in allowed]
        return " หรือ ".join(values), " or ".join(values)
    if lo is not None and hi is not None and not (lo_strict or hi_strict):
        return f"{_shown(lo)}–{_shown(hi)}", f"{_shown(lo)}–{_shown(hi)}"
    bounds = [f"{'>' if lo_strict else '≥'} {_shown(lo)}"] if lo is not None else []
    bounds += [f"{'<' if hi_strict else '≤'} {_shown(hi)}"] if hi is not None else []
    return (" และ ".join(bounds), " and ".join(bounds)) if bounds else None


@dataclass(frozen=True)
class ColumnHelp:
    """One row of the instructions' column table: each field a (Thai, English) pair."""

    type: Pair
    required: Pair
    allowed: Pair
    how: Pair


def _join(*pairs: Pair | None) -> Pair:
    kept = [p for p in pairs if p]
    return "; ".join(p[0] for p in kept), "; ".join(p[1] for p in kept)


def column_help(contract: Contract, col: Column) -> ColumnHelp:
    """What a column means for the person typing it: type, required or not, allowed values, how to write."""
    listed = choices(col)
    allowed: list[Pair | None] = []
    how: Pair | None = None
    if listed:
        allowed.append((" / ".join(i.th for i in listed), " / ".join(i.en for i in listed)))
        how = ("เลือกจากรายการ (ลูกศรที่มุมเซลล์)", "pick from the drop-down")
        if col.type == "bool" and getattr(col, "blank", None) is not None:
            word = YES if col.blank else NO
            how = _join(how, (f"เว้นว่าง = {word.th}", f"blank means {word.en}"))
    elif col.type == "code":
        if col.width:
            allowed.append((f"{col.width} หลัก", f"{col.width} digits"))
        how = ("พิมพ์ตัวเลขได้เลย ไม่ต้องใส่ ' นำหน้า (เซลล์เป็นข้อความ เลข 0 นำหน้าไม่หาย)",
               "type the digits, no leading ' (the cell is text: leading zeros stay)")
    elif col.type == "phone":
        how = ("เช่น 0812345678 (เซลล์เป็นข้อความ เลข 0 นำหน้าไม่หาย)",
               "e.g. 0812345678 (the cell is text: the leading 0 stays)")
    elif col.type == "text" and col.max_length:
        allowed.append((f"ไม่เกิน {col.max_length:,} ตัวอักษร", f"at most {col.max_length:,} characters"))
    elif col.type in ("int", "decimal"):
        how = ("ตัวเลขเท่านั้น ไม่ต้องใส่หน่วย ไม่มีให้ใส่ 0 (เว้นว่าง = ไม่ทราบ)",
               "digits only, no unit; 0 for none (blank means unknown)")
    elif col.type == "be_year":
        allowed.append((f"ปี {YEARS}", f"years {YEARS}"))
        how = (f"ปี พ.ศ. 4 หลัก เช่น {EXAMPLE_YEAR}", f"4-digit BE year, e.g. {EXAMPLE_YEAR}")
    elif col.type == "date":
        if col.plausible:
            allowed.append((f"ปี {YEARS}", f"years {YEARS}"))
        how = (f"วัน/เดือน/ปี พ.ศ. เช่น {be_date(EXAMPLE_DAY)}", f"day/month/BE year, e.g. {be_date(EXAMPLE_DAY)}")
    elif col.type == "datetime":
        how = (f"วัน/เดือน/ปี พ.ศ. ชั่วโมง:นาที เช่น {be_date(EXAMPLE_DAY)} 08:30",
               f"day/month/BE year hours:minutes, e.g. {be_date(EXAMPLE_DAY)} 08:30")
    allowed.append(value_range(contract, col))
    return ColumnHelp(
        type=TYPES[col.type],
        required=("ต้องกรอก", "required") if col.required else ("ไม่บังคับ", "optional"),
        allowed=_join(*allowed),
        how=how or ("", ""),
    )


def _names(contract: Contract, names: list[str]) -> Pair:
    cols = [contract.column(n) for n in names if n in contract.column_names]
    return " + ".join(c.header_th for c in cols), " + ".join(c.en for c in cols)


def general_notes(contract: Contract, sheet: str, header_rows: tuple[int, ...], first_row: int) -> list[Pair]:
    """The numbered how-to-fill-in lines above the column table. Rows are Excel's (1-based)."""
    types = {c.type for c in contract.columns}
    key_th, key_en = _names(contract, list(contract.key))
    head = f"{header_rows[0]}" if len(header_rows) == 1 else f"{header_rows[0]}–{header_rows[-1]}"
    lines: list[Pair] = [
        ((f"กรอกข้อมูลในชีต '{sheet}' ตั้งแต่แถวที่ {first_row} ลงไป หนึ่งแถวต่อ {key_th} "
         "(หลายโรงเรียนในไฟล์เดียวได้)"),
         f"Fill in sheet '{sheet}' from row {first_row} down, one row per {key_en} (several schools in one file is fine)."),
        (f"อย่าแก้ไข ย้าย หรือลบหัวตาราง (แถวที่ {head}) — คอลัมน์ที่เพิ่มเองจะไม่ถูกนำเข้า",
         (f"Do not edit, move or delete the header ({'rows' if len(header_rows) > 1 else 'row'} {head}); "
         "columns you add are not read.")),
        ("คอลัมน์ที่หัวตารางเป็นสีส้มต้องกรอก ถ้าเว้นว่าง แถวนั้นไม่ผ่าน",
         "Columns with an orange header are required: a row leaving one blank fails."),
    ]
    if any(choices(c) for c in contract.columns):
        lines.append((("คอลัมน์ที่มีรายการให้เลือก ให้เลือกค่าจากลูกศรที่มุมเซลล์ "
                      "ค่าที่เลือกได้อยู่ในตาราง 'รายการให้เลือก' ด้านล่าง"),
                      "Coded columns have a drop-down: pick a value; the values are listed under 'drop-down lists' below."))
    if types & {"be_year", "date", "datetime"}:
        lines.append(((f"ปีเขียนเป็นพุทธศักราช (พ.ศ.) เช่น {EXAMPLE_YEAR} — ถ้าเขียนเป็น ค.ศ. ({EXAMPLE_DAY.year}) "
                      "ระบบจะแปลงเป็น พ.ศ. และแจ้งให้ตรวจ"),
                      (f"Years are Buddhist Era (BE = CE + {BE_OFFSET}), e.g. {EXAMPLE_YEAR}; "
                      f"a CE year ({EXAMPLE_DAY.year}) is converted and flagged for review.")))
    if types & {"date", "datetime"}:
        example = be_date(EXAMPLE_DAY)
        lines.append((f"วันที่เขียนเป็น วัน/เดือน/ปี พ.ศ. (dd/mm/yyyy) เช่น {example} — เซลล์ตั้งเป็นข้อความไว้แล้ว พิมพ์ตามนี้ได้เลย",
                      f"Dates are day/month/BE year (dd/mm/yyyy), e.g. {example}; the cells are text, type them as shown."))
    if types & {"int", "decimal"}:
        lines.append(("ตัวเลขใส่เฉพาะตัวเลข ไม่ต้องใส่หน่วย ไม่มีให้ใส่ 0 — ช่องว่างหมายถึง 'ไม่ทราบ' ไม่ใช่ศูนย์",
                      "Numbers: digits only, no unit; write 0 for none. A blank means unknown, not zero."))
    texts = [c for c in contract.columns if c.type in ("code", "phone")]
    if texts:
        th, en = _names(contract, [c.name for c in texts])
        lines.append((f"{th.replace(' + ', ', ')} ตั้งเป็นข้อความไว้แล้ว เลข 0 นำหน้าไม่หาย พิมพ์ตัวเลขได้เลย ไม่ต้องใส่ ' นำหน้า",
                      f"{en.replace(' + ', ', ')}: the cells are text, leading zeros stay; type the digits, no leading '."))
    personal = [n for n in contract.column_names if n in contract.hidden_columns]
    if personal:
        th, en = _names(contract, personal)
        lines.append((f"{th.replace(' + ', ', ')} เป็นข้อมูลส่วนบุคคล ใช้ภายใน สพท. เท่านั้น ไม่เผยแพร่และไม่ส่งออก",
                      f"{en.replace(' + ', ', ')}: personal data, used by the office only, never published or exported."))
    lines += [
        ("เขียนหมายเหตุใต้ตารางได้ในแถวที่ขึ้นต้นด้วยคำว่า 'หมายเหตุ' — แถวนั้นและแถวใต้ลงไปจะไม่ถูกนำเข้า",
         "Notes may go under the table in a row starting with 'หมายเหตุ' (note): that row and the rows below are not read."),
        ("ก่อนส่ง ตรวจไฟล์ด้วยคำสั่ง khlang check <ชื่อไฟล์> ผ่านเมื่อขึ้นว่า 'ผล: ผ่าน'",
         "Before sending, check the file with `khlang check <file>`: it passes when it ends 'result: PASS'."),
    ]
    return lines


@dataclass(frozen=True)
class RuleLine:
    rule_id: str
    severity: Pair
    text: Pair


def rule_lines(contract: Contract) -> list[RuleLine]:
    """The rules the office checks, one line per distinct message (a per-item rule: one per item), with
    the values a message would quote shown as "…"."""
    seen: dict[tuple[str, str], RuleLine] = {}
    for c in contract.checks:
        th, en = PLACEHOLDER.sub("…", c.th), PLACEHOLDER.sub("…", c.en)
        seen.setdefault((c.rule_id, th), RuleLine(c.rule_id, SEVERITY[c.severity], (th, en)))
    return list(seen.values())
