"""Find a sheet's header row and map its columns to a contract's columns through aliases.

Schools put title rows above the header, merge a two-row header (item group over its sub-columns),
add spaces, a `จำนวน` prefix, or write English names. Headers are compared by `key`: lower case, no
spaces or punctuation, no zero-width characters, no leading `จำนวน`. Only the first rows of a sheet
are looked at, so the Python loops here never touch data rows.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import polars as pl

from pipelines.parsing.readers import Sheet
from warehouse.contracts import Column, Contract

HEADER_SCAN_ROWS = 30
MIN_MATCHED = 3  # fewer matched columns than this is not a header of that table
COUNT_PREFIX = unicodedata.normalize("NFKC", "จำนวน")  # compared after NFKC, like every key
_DROP = re.compile(r"[\s\u200b\u200c\u200d\ufeff\u00a0\-_:/().*,]+")


def key(label: object) -> str:
    """A header label as matching compares it (NFKC, lower case, no spaces or punctuation, no จำนวน prefix)."""
    if label is None:
        return ""
    return _key(str(label))


@functools.lru_cache(maxsize=65_536)
def _key(label: str) -> str:
    """Memoised: a workbook's sheets are scanned against every contract's aliases, the same few hundred
    labels again and again (72% of a four-area workbook's parse time before)."""
    s = unicodedata.normalize("NFKC", label).lower()  # NFKC: nikhahit + sara aa == sara am
    s = _DROP.sub("", s)
    if s.startswith(COUNT_PREFIX) and len(s) > len(COUNT_PREFIX):
        s = s[len(COUNT_PREFIX) :]
    return s


def key_expr(labels: pl.Expr) -> pl.Expr:
    """`key` as a Polars expression, for values (coded lists) rather than headers."""
    s = labels.cast(pl.String).str.normalize("NFKC").str.to_lowercase().str.replace_all(_DROP.pattern, "")
    return pl.when(s.str.starts_with(COUNT_PREFIX) & (s.str.len_chars() > len(COUNT_PREFIX))).then(
        s.str.slice(len(COUNT_PREFIX))
    ).otherwise(s)


def _names(*labels: str) -> set[str]:
    return {key(label) for label in labels if key(label)}


@functools.cache
def alias_index(contract: Contract) -> dict[str, str]:
    """Every accepted header key -> contract column name; group columns as `group`+`sub` keys."""
    index: dict[str, str] = {}
    for col in contract.columns:
        if col.group and col.sub:
            groups = _names(col.group.th, col.group.key, col.group.en, *col.group.aliases)
            subs = _names(col.sub.th, col.sub.key, col.sub.en, *col.sub.aliases)
            keys = {g + s for g in groups for s in subs} | {key(col.name)}
        else:
            keys = _names(col.th, col.name, col.en, *col.aliases)
        for k in keys:
            index.setdefault(k, col.name)
    return index


@dataclass
class HeaderMatch:
    contract: Contract
    header_row: int  # index of the (first) header row in the sheet frame
    data_start: int  # index of the first data row
    columns: dict[str, int]  # contract column name -> sheet column index
    unknown: list[str] = field(default_factory=list)  # header labels that match no contract column
    # a contract column matched by a second header cell: (column name, first index, second index)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def missing_required(self) -> list[Column]:
        return [c for c in self.contract.required if c.name not in self.columns]

    @property
    def score(self) -> tuple[int, float]:
        required = self.contract.required or list(self.contract.columns)
        found = sum(1 for c in required if c.name in self.columns)
        return len(self.columns), found / len(required)


def _text(v: object) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


Mapped = tuple[dict[str, int], list[str], list[tuple[str, int, int]]]
# One header cell as matching sees it: the keys to look up, in order, and its label for the unknown list.
Cell = tuple[tuple[str, ...], str | None]


def _one_row_cells(top: list[str | None]) -> list[Cell]:
    return [((key(t),) if t is not None else (), t) for t in top]


def _two_row_cells(top: list[str | None], sub: list[str | None]) -> list[Cell]:
    """Top row holds merged group labels (value in the first cell only), sub-row the sub-columns: a cell
    is looked up as group+sub, then as its top label, then as its sub label."""
    cells, group = [], None
    for t, s in zip(top, sub):
        if t is not None:
            group = t
        keys = []
        if s is not None and group is not None:
            keys.append(key(group) + key(s))
        if t is not None:
            keys.append(key(t))
        if s is not None:
            keys.append(key(s))
        cells.append((tuple(keys), " ".join(x for x in (t, s) if x) or None))
    return cells


def _map(index: dict[str, str], cells: list[Cell]) -> Mapped:
    """The contract columns a row's cells name (its alias `index`), the labels naming none, and the
    columns named twice."""
    mapped, unknown, duplicates = {}, [], []
    for j, (keys, label) in enumerate(cells):
        name = next((index[k] for k in keys if k in index), None)
        if name and name not in mapped:
            mapped[name] = j
        elif name:
            duplicates.append((name, mapped[name], j))
        elif label:
            unknown.append(label)
    return mapped, unknown, duplicates


def _keys(cells: list[Cell] | None) -> frozenset[str]:
    return frozenset(k for keys, _ in cells for k in keys) if cells is not None else frozenset()


def find_header(sheet: Sheet, contracts: list[Contract]) -> HeaderMatch | None:
    """The best (contract, header row) for this sheet, or None if nothing looks like a header.

    The sheet's cells are turned into lookup keys once (`_one_row_cells`, `_two_row_cells`); each
    contract then only looks them up in its alias index, and only in rows holding at least MIN_MATCHED
    of its keys: a row names no more columns than it holds keys of the index, so the others (data rows,
    titles, another table's header) can never be chosen and are not mapped cell by cell."""
    head = sheet.cells.head(HEADER_SCAN_ROWS + 1).rows()
    rows = [[_text(v) for v in r] for r in head]
    scanned = min(HEADER_SCAN_ROWS, len(rows))
    singles = [_one_row_cells(row) for row in rows]
    pairs = [_two_row_cells(rows[r], rows[r + 1]) if r + 1 < len(rows) else None for r in range(scanned)]
    single_keys, pair_keys = [_keys(c) for c in singles], [_keys(c) for c in pairs]
    best: HeaderMatch | None = None
    for contract in contracts:
        index = alias_index(contract)
        known = index.keys()
        ones: dict[int, Mapped] = {}

        def one(r: int) -> Mapped:
            if r not in ones:
                ones[r] = _map(index, singles[r])
            return ones[r]

        for r in range(scanned):
            candidates = []
            if len(known & single_keys[r]) >= MIN_MATCHED:
                candidates.append(HeaderMatch(contract, r, r + 1, *one(r)))
            if pairs[r] is not None and len(known & pair_keys[r]) >= MIN_MATCHED:
                two, unknown2, dup2 = _map(index, pairs[r])
                # A title or blank row above a one-row header is not the top of a two-row header.
                if len(two) > len(one(r)[0]) and len(two) > len(one(r + 1)[0]):
                    candidates.append(HeaderMatch(contract, r, r + 2, two, unknown2, dup2))
            for cand in candidates:
                if len(cand.columns) >= MIN_MATCHED and (best is None or cand.score > best.score):
                    best = cand
    return best
