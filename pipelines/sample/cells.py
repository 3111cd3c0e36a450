"""Cell forms: how one logical value is written into a cell, with the noise schools add.

Rows stay logical until a file is written; only then is each value given a form (a code as a number, with
a leading apostrophe or U+200B, a BE date as text, `-` for zero, ...). The writers turn a `Cell` into the
xlsxwriter call of its type, or into CSV text.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from . import names as N

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ZWSP, NBSP = "\u200b", "\u00a0"
EXCEL_EPOCH = date(1899, 12, 30)
# Cell forms and their weights at full noise; the first rows of the big files get each form once.
DATE_FORMS = {"excel": 1.0, "slash": 0.5, "iso": 0.2, "abbr": 0.35, "full2": 0.25, "serial": 0.08, "thai": 0.05}
CODE_FORMS = {"s": 1.0, "n": 0.5, "apos": 0.2, "space": 0.15, "inner": 0.05, "thai": 0.05, "zwsp": 0.12, "nbsp": 0.05}
INVISIBLE = ("zwsp", "nbsp")  # not encodable in cp874, so never in the CSV
Cell = tuple[str, Any] | None  # ("n", number) | ("s", text) | ("d", date) | None = blank cell


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    """A weighted choice over a small dict (dict order is deterministic)."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def code_cell(code: str, rng: random.Random, noise: float, invisible: bool = True,
              form: str | None = None) -> Cell:
    """A code as text, as a number, with a leading ', spaces, U+200B/NBSP or Thai digits."""
    if not code.isdigit() or code.startswith("0"):
        return ("s", code)
    weights = {k: w if k in ("s", "n") else w * noise * (invisible or k not in INVISIBLE)
               for k, w in CODE_FORMS.items()}
    form = form or _pick(rng, weights)
    return {
        "s": ("s", code), "n": ("n", int(code)), "apos": ("s", "'" + code), "space": ("s", f" {code}  "),
        "inner": ("s", f"{code[:4]} {code[4:]}"), "thai": ("s", code.translate(THAI_DIGITS)),
        "zwsp": ("s", code + ZWSP if rng.random() < 0.5 else code[:2] + ZWSP + code[2:]),
        "nbsp": ("s", NBSP + code),
    }[form]


def int_cell(v: int | None, rng: random.Random, noise: float) -> Cell:
    """A count: a number, digits as text, Thai digits, or `-` for zero."""
    if v is None:
        return None
    if v < 0:
        return ("n", v)
    if v == 0 and rng.random() < 0.3 * noise:
        return ("s", "-")
    form = _pick(rng, {"n": 1.0, "s": 0.1 * noise, "thai": 0.08 * noise})
    return ("n", v) if form == "n" else ("s", str(v).translate(THAI_DIGITS) if form == "thai" else str(v))


def year_cell(fy: int, rng: random.Random, noise: float) -> Cell:
    """A BE fiscal year: number, or text in Thai or Arabic digits."""
    form = _pick(rng, {"n": 1.0, "thai": 0.1 * noise, "s": 0.05 * noise})
    return ("n", fy) if form == "n" else ("s", str(fy).translate(THAI_DIGITS) if form == "thai" else str(fy))


def date_cell(d: date, rng: random.Random, forms: dict[str, float], ce_form: str | None = None,
              form: str | None = None) -> Cell:
    """A date in one of contract section 1's forms; `ce_form` writes the CE year instead (FMT-02)."""
    form = ce_form or form or _pick(rng, forms)
    y = d.year if ce_form else d.year + 543
    if form == "excel":
        return ("d", d)
    if form == "serial":
        return ("n", (d - EXCEL_EPOCH).days)
    if form == "slash":
        return ("s", f"{d.day:02d}/{d.month:02d}/{y}" if rng.random() < 0.7 else f"{d.day}/{d.month}/{y}")
    if form == "iso":
        return ("s", f"{y}-{d.month:02d}-{d.day:02d}")
    if form == "abbr":
        return ("s", f"{d.day} {N.MONTHS_ABBR[d.month - 1]} {y}")
    if form == "full2":
        return ("s", f"{d.day} {N.MONTHS_FULL[d.month - 1]} {y % 100:02d}")
    if form == "thai":
        return ("s", f"{d.day} {N.MONTHS_ABBR[d.month - 1]} {y}".translate(THAI_DIGITS))
    raise ValueError(form)


def phone_cell(phone: str, rng: random.Random, noise: float) -> Cell:
    """A mobile number: dashed, plain text, a number (leading 0 lost) or Thai digits."""
    form = _pick(rng, {"dash": 1.0, "s": 0.6, "n": 0.4 * noise, "thai": 0.05 * noise})
    return {"dash": ("s", f"{phone[:3]}-{phone[3:6]}-{phone[6:]}"), "s": ("s", phone), "n": ("n", int(phone)),
            "thai": ("s", phone.translate(THAI_DIGITS))}[form]


def cell_text(cell: Cell) -> str:
    """A cell as CSV text (CSV has no cell types)."""
    if cell is None:
        return ""
    kind, v = cell
    if kind == "n":
        return str(int(v)) if float(v).is_integer() else str(v)
    return str(v)
