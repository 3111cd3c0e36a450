"""PDPA's last gate: nothing that leaves the pipeline may carry a citizen ID, a phone number or a name.

The contracts keep personal data in (`personal:`, `landing_only:`, `pseudonymise:`; pipelines/pii.py),
but a new mart, a message that echoes a cell or a school that typed a phone number into the school-name
column can still carry it out. So every publish (the version folder, before it is put in place), every
OBEC export (its folder, before it replaces `--out`) and `khlang pii-scan` look at the values
themselves, whatever the column is called:

- a 13-digit number that passes the Thai citizen ID check digit (python-stdnum `stdnum.th.pin`),
  written plain, with dashes or spaces (1-2345-67890-12-3) or in Thai digits, in text or number cells;
- a Thai phone number: a mobile 06/08/09 + 8 digits, a landline 02-07 + 7 digits, with or without
  dashes, spaces or +66. A school code (1040008049: 10 digits starting 1) never starts with 0, and a
  number glued to letters or digits (a sha256, an `h1:` hash) or to a decimal point is not a finding;
- a known personal name: every value of a contract's `personal:` or `landing_only:` text column
  (reporters, staff), read at scan time and held in memory only: `landing_only:` names from the
  landing files with the real parser (they exist nowhere else), `personal:` names from the lake's raw
  layer (landing/ again before the first ingest). Only whole names of two words or more count (a
  placeholder such as "ไม่มี" or a position is not a name), with and without the title (นาย, นางสาว).

Parquet files may hold a contract's `personal:` columns (the snapshots keep them for the pipeline and
ICT staff, publish.py); those columns alone are not scanned there. The DuckDB file, CSV, XLSX and JSON
never may. A finding names the file, table, column, first row and kind, with the value masked
(1-2345-xxxxx-xx-x): the message must not leak what it reports.

Vectorised: each text column of each table is reduced to its distinct values (with the first row and
how many cells hold each); Polars regexes and Aho-Corasick (the names) run once per distinct value, and
only the few values they pick are checked one by one (the check digit runs on those candidates only).
Parquet is read by Polars, a DuckDB file through a private DuckDB instance that attaches it read-only.
About 0.6 s and 260 MiB for a whole demo version on two cores; 1.3 s and 1.1 GiB for the version of a
10-million-event year (~20 million text cells, 38,000 distinct per column), where one row per cell
took 2.3 s and 3 GiB.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.config import Home
from pipelines.parsing.cells import ARABIC_DIGITS, THAI_DIGITS

# --- what is looked for ---------------------------------------------------------------------------

_SEP = r"[ \-]?"  # one optional space or dash between digits (NBSP is made a space first)
_ID = rf"[0-9](?:{_SEP}[0-9]){{12}}"
_PHONE = (rf"(?:\+66{_SEP}|0)(?:[689](?:{_SEP}[0-9]){{8}}|[2-7](?:{_SEP}[0-9]){{7}})")
# Boundaries: not glued to a letter or digit (hashes, codes), not the fraction of a decimal (0.0812345678)
# nor followed by one (0812345678.25); a full stop after a word is punctuation (โทร.0812345678).
_BEFORE_RS, _AFTER_RS = r"(?:^|[^0-9A-Za-z.,]|(?:^|[^0-9])[.,])", r"(?:$|[^0-9A-Za-z.,]|[.,](?:$|[^0-9]))"
_BEFORE_PY, _AFTER_PY = r"(?<![0-9A-Za-z])(?<![0-9][.,])", r"(?![0-9A-Za-z]|[.,][0-9])"
ID_FILTER, PHONE_FILTER = _BEFORE_RS + _ID + _AFTER_RS, _BEFORE_RS + _PHONE + _AFTER_RS  # Polars (Rust regex)
ID_RE, PHONE_RE = re.compile(_BEFORE_PY + _ID + _AFTER_PY), re.compile(_BEFORE_PY + _PHONE + _AFTER_PY)
_INVISIBLE = r"[\u200b\u200c\u200d\u2060\ufeff]"

KINDS = {
    "citizen_id": ("เลขประจำตัวประชาชน", "a Thai citizen ID (13 digits, check digit valid)"),
    "phone": ("หมายเลขโทรศัพท์", "a Thai phone number"),
    "name": ("ชื่อบุคคล", "a person's name"),
}
MIN_NAME_CHARS = 4  # shorter values match common words
TITLES = ("ว่าที่ร้อยตรี", "ว่าที่ ร.ต.", "เด็กหญิง", "เด็กชาย", "นางสาว", "ด.ช.", "ด.ญ.", "น.ส.", "ดร.", "นาง", "นาย",
          "miss ", "mrs.", "mr.", "ms.")
NOT_NAMES = {"ไม่มี", "ไม่ระบุ", "ไม่ทราบ", "ไม่มีข้อมูล", "none", "n/a", "null", "unknown"}


def digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text.translate(str.maketrans("".join(THAI_DIGITS), "".join(ARABIC_DIGITS))))


def valid_citizen_id(number: str) -> bool:
    from stdnum.th import pin

    return pin.is_valid(number)


def mask(kind: str, value: str) -> str:
    """What a message may show of a finding: never enough to identify the person."""
    if kind == "citizen_id":
        d = digits(value)
        return f"{d[0]}-{d[1:5]}-xxxxx-xx-x"
    if kind == "phone":
        d = digits(value)
        d = "0" + d[2:] if d.startswith("66") else d
        return f"{d[:3]}-xxx-xxxx" if len(d) == 10 else f"{d[:2]}-xxx-xxxx"
    return " ".join(w[0] + "xxx" for w in value.split())


# --- known names ----------------------------------------------------------------------------------


def normalised(text: str) -> str:
    return " ".join(re.sub(_INVISIBLE, "", text).split()).lower()


def _norm_expr(e: pl.Expr) -> pl.Expr:
    return e.str.replace_all(_INVISIBLE, "").str.replace_all(r"\s+", " ").str.strip_chars().str.to_lowercase()


def _name_variants(value: str) -> list[str]:
    """A whole name as written, and without its title (นาย, นางสาว, ...): a leak may drop the title."""
    name = normalised(value)
    out = []
    for v in (name, *(name[len(t):].strip() for t in TITLES if name.startswith(t))):
        words = v.split()
        long_enough = len(words) >= 2 and len(v.replace(" ", "")) >= MIN_NAME_CHARS
        if long_enough and v not in NOT_NAMES and re.search(r"[^\W\d_]", v):
            out.append(v)
    return out[:2]


@dataclass(frozen=True)
class Names:
    """Known personal names (normalised, in memory only) and the contract column each came from."""

    source: dict[str, str]

    @property
    def patterns(self) -> list[str]:
        return list(self.source)

    def __len__(self) -> int:
        return len(self.source)


def _name_columns(contract) -> list[str]:
    wanted = {*contract.personal, *contract.landing_only}
    return [c.name for c in contract.columns if c.name in wanted and c.type == "text"]


def names_from(frames: Iterable[tuple[str, pl.DataFrame]]) -> Names:
    """Names of the personal/landing-only text columns of raw rows `(table, frame)`; values that also
    appear in a public column of the same rows (a school name typed as the reporter) are not names."""
    from warehouse.contracts import contracts, lists

    found: dict[str, str] = {}
    public: set[str] = {normalised(i.th) for items in lists().values() for i in items}
    for table, frame in frames:
        contract = contracts().get(table)
        if contract is None:
            continue
        for col in _name_columns(contract):
            if col in frame.columns:
                for value in frame.get_column(col).cast(pl.String).drop_nulls().unique().to_list():
                    for v in _name_variants(value):
                        found.setdefault(v, f"{table}.{col}")
        for c in contract.public_columns:
            if c.type in ("text", "enum") and c.name in frame.columns:
                values = frame.select(_norm_expr(pl.col(c.name).cast(pl.String))).to_series()
                public.update(values.drop_nulls().to_list())
    return Names({n: s for n, s in found.items() if n not in public})


def known_names(home: Home) -> Names:
    """Every known personal name, read now and held in memory only. `personal:` columns stay in the
    lake, so they are read from its raw layer; `landing_only:` columns (staff names) exist only in
    landing/, so the landing files that the last night's file report says hold such a table (all files
    when there is no report yet) are parsed with the real parser. Nothing is written."""
    from pipelines.landing import scan
    from warehouse import lake
    from warehouse.contracts import contracts

    frames: list[tuple[str, pl.DataFrame]] = []
    from_landing: set[str] = set()
    for c in (c for c in contracts().values() if _name_columns(c)):
        if not lake.exists(home, "raw", c.table) or any(n not in c.personal for n in _name_columns(c)):
            from_landing.add(c.table)
            continue
        have = set(pl.scan_parquet(lake.glob(home, "raw", c.table)).collect_schema().names())
        public = [p.name for p in c.public_columns if p.type in ("text", "enum")]
        keep = [n for n in [*_name_columns(c), *public] if n in have]
        frames.append((c.table, pl.scan_parquet(lake.glob(home, "raw", c.table)).select(keep).unique().collect()))
    if from_landing:
        report, chosen = lake.path(home, "raw", "file_report"), None
        if report.exists():
            chosen = set(pl.read_parquet(report, columns=["path", "table_name"])
                         .filter(pl.col("table_name").is_in(from_landing)).get_column("path").to_list())
        for entry in scan(home.landing):
            if entry.skip is None and (chosen is None or entry.rel in chosen):
                frames.extend((t, f) for t, f in _landing_tables(home, entry) if t in from_landing)
    return names_from(frames)


_PARSED: dict[tuple, list[tuple[str, pl.DataFrame]]] = {}  # this process's memory only, never written
_PARSED_MAX = 20_000


def _landing_tables(home: Home, entry) -> list[tuple[str, pl.DataFrame]]:
    """The tables with name columns of one landing file, parsed once per process while the file keeps
    its size and modification time (a night's publish and the exports cut after it in one process)."""
    from pipelines.parsing.files import parse_file

    key = (str(home.landing.resolve()), entry.rel, entry.size, entry.mtime_ns)
    if key not in _PARSED:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        parsed = parse_file(entry.path, home.landing)
        _PARSED[key] = [(t, f) for t, f in parsed.tables.items() if _name_columns(_contract(t))]
    return _PARSED[key]


def _contract(table: str):
    from warehouse.contracts import contracts

    return contracts()[table]


# --- scanning values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    file: str  # relative to the folder scanned
    table: str  # a table, a sheet, or "" (a CSV or JSON file)
    column: str
    row: int  # the first row with this kind in this column: 1-based (a spreadsheet's row; a JSON file's line)
    kind: str
    masked: str
    rows: int = 1  # how many rows of the column have it
    source: str = ""  # for a name: the contract column it is known from

    def where(self, thai: bool) -> str:
        table = (f" ตาราง {self.table}" if thai else f", table {self.table}") if self.table else ""
        if thai:
            more = f" (รวม {self.rows} แถว)" if self.rows > 1 else ""
            return f"{self.file}{table} คอลัมน์ {self.column} แถว {self.row}{more}"
        more = f" ({self.rows} rows in all)" if self.rows > 1 else ""
        return f"{self.file}{table}, column {self.column}, row {self.row}{more}"

    @property
    def th(self) -> str:
        src = f" (ชื่อจาก {self.source})" if self.source else ""
        return f"พบ{KINDS[self.kind][0]} {self.masked}{src} ใน {self.where(True)}"

    @property
    def en(self) -> str:
        src = f" (a name known from {self.source})" if self.source else ""
        return f"{KINDS[self.kind][1]} {self.masked}{src} in {self.where(False)}"


class PersonalDataFound(Exception):
    """Personal data where none may be: what was refused, and every finding (masked), Thai first."""

    SHOWN = 20

    def __init__(self, what_th: str, what_en: str, findings: list[Finding]):
        self.findings = findings
        self.th = f"{what_th}: พบข้อมูลส่วนบุคคล {len(findings)} จุด (PDPA)"
        self.en = f"{what_en}: personal data found in {len(findings)} place(s) (PDPA)"
        lines = [f"  - {f.th}\n    {f.en}" for f in findings[: self.SHOWN]]
        if len(findings) > self.SHOWN:
            lines.append(f"  … และอีก {len(findings) - self.SHOWN} จุด / and {len(findings) - self.SHOWN} more")
        self.details = "\n".join(lines)
        super().__init__(f"{self.th} / {self.en}\n{self.details}")


def _cell_findings(text: str, id_only: bool, names: Names) -> list[tuple[str, str, str]]:
    """(kind, masked, source) of one cell that the vectorised filter picked."""
    flat = text.translate(str.maketrans("".join(THAI_DIGITS) + "\u00a0", "".join(ARABIC_DIGITS) + " "))
    out = [("citizen_id", mask("citizen_id", m.group()), "") for m in ID_RE.finditer(flat)
           if valid_citizen_id(digits(m.group()))]
    if id_only:
        return out
    out += [("phone", mask("phone", m.group()), "") for m in PHONE_RE.finditer(flat)]
    if len(names):
        norm = normalised(text)
        out += [("name", mask("name", n), s) for n, s in names.source.items() if n in norm]
    return out


CELLS = {"file": pl.String, "table": pl.String, "column": pl.String, "row": pl.Int64, "rows": pl.UInt32,
         "value": pl.String, "id_only": pl.Boolean}


def cells(frame: pl.DataFrame | pl.LazyFrame, *, file: str, table: str = "", first_row: int = 1,
          id_only: Iterable[str] = (), labels: dict[str, str] | None = None) -> pl.LazyFrame:
    """The distinct non-null texts of each String column of `frame` (`CELLS`): where the first of them is
    (`row`), how many cells hold it (`rows`), and the text. Row i of `frame` is row `first_row + i`;
    `id_only` columns hold numbers written as text (only a citizen ID can hide in a number). Distinct per
    column, not one row per cell: a 250,000-row mart's repeated codes and dates are looked at once, and
    a whole version's cells never sit in memory together. Lazy: many tables are collected together."""
    lazy = frame.lazy()
    text = [c for c, t in lazy.collect_schema().items() if t == pl.String]
    if not text:
        return pl.LazyFrame(schema=CELLS)
    column = pl.col("column").replace(labels) if labels else pl.col("column")
    return (lazy.select(text).with_row_index("row", offset=first_row)
            .unpivot(index="row", on=text, variable_name="column", value_name="value").drop_nulls("value")
            .group_by("column", "value").agg(pl.col("row").min().cast(pl.Int64), pl.len().alias("rows"))
            .select(pl.lit(file).alias("file"), pl.lit(table).alias("table"), column, "row", "rows", "value",
                    pl.col("column").is_in(list(id_only)).alias("id_only")))


def find(found_in: pl.DataFrame | pl.LazyFrame, names: Names) -> list[Finding]:
    """Findings among `cells`: the regexes and the names run once per distinct value (vectorised); only
    the few values they pick are checked one by one (check digit, which name), and joined back to where
    they are. One finding per file, table, column and kind: its first row and how many rows."""
    found_in = found_in.lazy().collect()
    if found_in.height == 0:
        return []
    distinct = found_in.select("value", "id_only").unique()
    flat = pl.col("value").str.replace_many([*THAI_DIGITS, "\u00a0"], [*ARABIC_DIGITS, " "])
    other = flat.str.contains(PHONE_FILTER)
    if len(names):
        other = other | _norm_expr(pl.col("value")).str.contains_any(names.patterns)
    suspects = distinct.filter(flat.str.contains(ID_FILTER) | (~pl.col("id_only") & other))
    confirmed = []
    for value, id_only in suspects.iter_rows():
        kinds: dict[str, tuple[str, str]] = {}
        for kind, masked, source in _cell_findings(value, id_only, names):
            kinds.setdefault(kind, (masked, source))  # a cell counts once per kind
        confirmed += [(value, id_only, kind, masked, source) for kind, (masked, source) in kinds.items()]
    if not confirmed:
        return []
    schema = {"value": pl.String, "id_only": pl.Boolean, "kind": pl.String, "masked": pl.String, "source": pl.String}
    hits = found_in.join(pl.DataFrame(confirmed, schema=schema, orient="row"), on=["value", "id_only"])
    summary = (hits.sort("file", "table", "column", "row")
               .group_by("file", "table", "column", "kind", maintain_order=True)
               .agg(pl.col("row").first(), pl.col("masked").first(), pl.col("rows").sum(), pl.col("source").first()))
    return [Finding(file=r["file"], table=r["table"], column=r["column"], row=r["row"], kind=r["kind"],
                    masked=r["masked"], rows=r["rows"], source=r["source"]) for r in summary.iter_rows(named=True)]


def scan_frame(frame: pl.DataFrame, names: Names, **where) -> list[Finding]:
    """Findings in the String columns of one frame (`where`: as for `cells`)."""
    return find(cells(frame, **where), names)


# --- reading files --------------------------------------------------------------------------------

def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text_expr(name: str, dtype: pl.DataType) -> tuple[pl.Expr | None, bool]:
    """A column as text for the scan, and whether it is a number column (then only a whole 13-digit
    number is kept: a citizen ID typed into a number cell). None: nothing personal can be in it
    (booleans, dates and times, numbers too small for 13 digits, bytes)."""
    c = pl.col(name)
    if dtype == pl.String:
        return c, False
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return c.cast(pl.String), False
    if dtype in (pl.Int64, pl.UInt64, pl.Int128, pl.Float32, pl.Float64) or isinstance(dtype, pl.Decimal):
        x = c.cast(pl.Float64)
        whole_13 = (x.abs() >= 1e12) & (x.abs() < 1e13) & (x == x.floor())
        return pl.when(whole_13).then(x.abs().cast(pl.Int64).cast(pl.String)), True
    if isinstance(dtype, (pl.List, pl.Array)) and not dtype.inner.is_nested():
        return c.cast(pl.List(pl.String)).list.join(", "), False
    if isinstance(dtype, pl.Struct):
        return c.struct.json_encode(), False
    if dtype.is_nested() or dtype == pl.Object:  # rare shapes (a list of structs): their Python text
        return c.map_elements(str, return_dtype=pl.String, skip_nulls=True), False
    return None, False


def table_cells(frame: pl.DataFrame, *, file: str, table: str, skip: set[str] = frozenset()) -> pl.LazyFrame:
    """The cells of a table (Parquet or DuckDB), every column that could hold something as text; row
    numbers count from 1 in the table's stored order."""
    exprs, numbers = [], []
    for name, dtype in frame.schema.items():
        expr, number = (None, False) if name in skip else _text_expr(name, dtype)
        if expr is not None:
            exprs.append(expr.alias(name))
            numbers += [name] if number else []
    if not exprs:
        return pl.LazyFrame(schema=CELLS)
    return cells(frame.lazy().select(exprs), file=file, table=table, id_only=numbers)


def _parquet_cells(path: Path, rel: str, personal: set[str]) -> list[pl.LazyFrame]:
    """Only the columns that can hold something are decoded (not dates, booleans, small numbers)."""
    wanted = [n for n, t in pl.read_parquet_schema(path).items() if n not in personal and _text_expr(n, t)[0] is not None]
    return [table_cells(pl.read_parquet(path, columns=wanted), file=rel, table=path.stem)] if wanted else []


def _duckdb_cells(path: Path, rel: str) -> list[pl.LazyFrame]:
    """Every table of a DuckDB file, opened read-only in a private in-memory instance (DuckDB's own
    catalog views are not tables)."""
    literal = path.as_posix().replace("'", "''")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        con.execute(f"ATTACH '{literal}' AS scanned (READ_ONLY)")
        columns = con.execute("SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
                              "WHERE database_name = 'scanned' ORDER BY schema_name, table_name, column_index").fetchall()
        tables: dict[tuple[str, str], list[str]] = {}
        for schema, name, column, dtype in columns:
            wanted = tables.setdefault((schema, name), [])
            if not dtype.startswith(_NOTHING_IN_DUCKDB):
                wanted.append(_quoted(column))
        return [table_cells(con.execute(f"SELECT {', '.join(wanted)} FROM scanned.{_quoted(schema)}.{_quoted(name)}").pl(),
                            file=rel, table=name if schema == "main" else f"{schema}.{name}")
                for (schema, name), wanted in tables.items() if wanted]
    finally:
        con.close()


# DuckDB types that cannot hold a citizen ID, a phone number or a name (not read at all)
_NOTHING_IN_DUCKDB = ("BOOLEAN", "DATE", "TIME", "INTERVAL", "BLOB", "BIT", "TINYINT", "SMALLINT", "INTEGER",
                      "UTINYINT", "USMALLINT", "UINTEGER")


def _sheet_cells(frame: pl.DataFrame, rel: str, table: str) -> list[pl.LazyFrame]:
    """A sheet read as text with no header: row i is the spreadsheet's row i+1; columns are labelled by
    their first-row header when there is one."""
    if frame.height == 0:
        return []
    header = zip(frame.columns, frame.row(0))
    labels = {c: (str(h) if h not in (None, "") else f"#{j + 1}") for j, (c, h) in enumerate(header)}
    return [cells(frame, file=rel, table=table, labels=labels)]


def _csv_cells(path: Path, rel: str) -> list[pl.LazyFrame]:
    frame = pl.read_csv(path, has_header=False, infer_schema=False, encoding="utf8-lossy", truncate_ragged_lines=True)
    if frame.height and (frame.item(0, 0) or "").startswith("\ufeff"):
        frame = frame.with_columns(pl.col(frame.columns[0]).str.strip_prefix("\ufeff"))
    return _sheet_cells(frame, rel, "")


def _xlsx_cells(path: Path, rel: str) -> list[pl.LazyFrame]:
    import fastexcel

    reader = fastexcel.read_excel(path)
    return [c for sheet in reader.sheet_names
            for c in _sheet_cells(pl.DataFrame(reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string")),
                                    rel, sheet)]


def _text_cells(path: Path, rel: str) -> list[pl.LazyFrame]:
    """A text file (a manifest) line by line: row = line number."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    frame = pl.DataFrame({"text": lines}, schema={"text": pl.String})
    return [cells(frame, file=rel, labels={"text": "(ข้อความ / text)"})]


SCANNED = (".parquet", ".duckdb", ".csv", ".xlsx", ".json")
BATCH_BYTES = 64 << 20  # files read (bytes on disk) before their cells are scanned: memory stays bounded


def files_under(folder: Path) -> list[Path]:
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink() and p.suffix.lower() in SCANNED)


def scan_paths(paths: list[tuple[Path, str]], names: Names, personal: set[str] | None = None) -> list[Finding]:
    """Findings in files `(path, shown as)`: Parquet (less the contract's `personal:` columns), DuckDB,
    CSV, XLSX and JSON. Each file is read once; the cells are scanned in batches."""
    from warehouse.publish import personal_columns

    personal = personal_columns() if personal is None else personal
    readers = {".parquet": lambda p, r: _parquet_cells(p, r, personal), ".duckdb": _duckdb_cells, ".csv": _csv_cells,
               ".xlsx": _xlsx_cells, ".json": _text_cells}
    out: list[Finding] = []
    batch: list[pl.LazyFrame] = []
    held = 0
    for path, rel in paths:
        batch += readers[path.suffix.lower()](path, rel)
        held += path.stat().st_size
        if held >= BATCH_BYTES:
            out += find(pl.concat(batch), names)
            batch, held = [], 0
    if batch:
        out += find(pl.concat(batch), names)
    return out


def scan_folder(folder: Path, names: Names, personal: set[str] | None = None,
                label: str | None = None) -> list[Finding]:
    """Every Parquet, DuckDB, CSV, XLSX and JSON file under `folder` (any depth, hidden ones too),
    shown relative to it (prefixed by `label`)."""
    folder = Path(folder)
    base = folder.parent if folder.is_file() else folder
    prefix = f"{label}/" if label else ""
    return scan_paths([(p, prefix + p.relative_to(base).as_posix()) for p in files_under(folder)], names, personal)


def refuse(findings: list[Finding], what_th: str, what_en: str) -> None:
    """Raise `PersonalDataFound` when there is any finding."""
    if findings:
        raise PersonalDataFound(what_th, what_en, findings)
