"""Read any landing file into sheets of raw text cells, keeping the position of every cell.

xlsx through fastexcel (calamine): about 10x faster than openpyxl on these workbooks
(benchmarks/ingest). `header_row=None, skip_rows=0` keeps leading empty rows, so row i of a sheet is
Excel row i+1 and errors can name the real row. Formula-error cells (`#REF!`, `#DIV/0!` ...) come back
from calamine as empty; for .xlsx they are read from the sheet XML and put back as the text Excel shows,
so casting reports them as formula errors (FMT-03), not as blanks.

A file is looked at for what its bytes are, not what its name says. An HTML table saved as .xls (what
"export to Excel" does in the web systems schools use; they cannot produce anything else) is read as
that table (row n of sheet `ตาราง k` is the table's n-th `<tr>`), and a workbook named .csv as a
workbook, each with a note saying so. CSV text renamed .xlsx (a renaming slip the school can fix) and
anything else (zero bytes, a truncated or password-protected workbook, random bytes) is a per-file
problem saying plainly what the file is.

CSV (and text) in UTF-8, UTF-8 with BOM, Thai Windows encoding (cp874, a superset of TIS-620), or
UTF-16 with or without BOM (Excel's "Unicode Text"; tab-separated is recognised). A file whose lines
are in two encodings is a per-file problem naming the first line not in the file's encoding.
"""

from __future__ import annotations

import csv
import io
import itertools
import posixpath
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl

from pipelines.parsing.errors import FileProblem

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
PARQUET_SUFFIXES = {".parquet"}  # platform exports (event logs)
SUPPORTED = EXCEL_SUFFIXES | CSV_SUFFIXES | PARQUET_SUFFIXES
PARQUET_MAGIC = b"PAR1"
CSV_ENCODINGS = ("utf-8-sig", "cp874")
CSV_WIDTH_SCAN_LINES = 64
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 4096
# Two Thai characters in a row as UTF-8 bytes: never valid cp874 text in practice (it would be `เธก`...).
UTF8_THAI_PAIR = re.compile(rb"(?:\xe0[\xb8\xb9][\x80-\xbf]){2}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f]")  # not text (tab, CR, LF, FF, ctrl-Z allowed)
# The same bytes in UTF-8 and cp874 (one byte each there, never part of another character): deleting every
# other byte finds them in one C pass, ten times faster than the regex over the decoded text.
_CONTROL_BYTES = bytes(b for b in range(0x20) if CONTROL.match(chr(b)))
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
_CONTROL_BYTES_RE = re.compile(CONTROL.pattern.encode())
HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.I | re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>(.*?)</(?:\w+:)?c>", re.S)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_ERROR_TYPE = re.compile(rb'\bt="e"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class Sheet:
    """A sheet as a frame of strings `c0..cN`; `col_offset` is the 0-based column of `c0`."""

    name: str
    cells: pl.DataFrame
    col_offset: int = 0

    def column_letter(self, j: int) -> str:
        return column_letter(self.col_offset + j)


@dataclass
class ReadFile:
    """What a file held: its sheets, and notes on how it was read (e.g. a CSV that was named .xlsx)."""

    sheets: list[Sheet]
    notes: list[str] = field(default_factory=list)


def column_letter(absolute: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    n, letters = absolute + 1, ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n - 1


def _normalise_columns(df: pl.DataFrame) -> pl.DataFrame:
    return df.rename({old: f"c{i}" for i, old in enumerate(df.columns)}).select(pl.all().cast(pl.String))


def _line_of(data: bytes | str, pos: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, pos) + 1


# --- text ---------------------------------------------------------------------------------------------


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes on one side of each pair (ASCII: commas, digits, newlines)."""
    head = head[: len(head) // 2 * 2]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 2 and even * 10 <= odd:
        return "utf-16-le"
    if even >= 2 and odd * 10 <= even:
        return "utf-16-be"
    return None


def _not_text(text: str, encoding: str) -> None:
    bad = CONTROL.search(text)
    if bad:
        line = _line_of(text, bad.start())
        raise FileProblem(
            "not_text",
            th=f"ไฟล์นี้ไม่ใช่ข้อความ CSV: พบข้อมูลไบนารี (อักขระควบคุม) ที่บรรทัด {line} เมื่ออ่านเป็น {encoding}",
            en=f"this file is not CSV text: binary data (control characters) at line {line} when read as {encoding}",
            row=line,
        )


def _not_text_bytes(data: bytes, encoding: str) -> None:
    """`_not_text` for UTF-8 or cp874 bytes, read before decoding (the same characters, the same line)."""
    if data.translate(None, _NOT_CONTROL):
        _not_text(data[: _CONTROL_BYTES_RE.search(data).end()].decode(encoding, errors="replace"), encoding)


def decode_csv(data: bytes) -> tuple[str, str]:
    """Decode text bytes. Returns (text, encoding): UTF-16 (BOM or NUL pattern), UTF-8 (with or without
    BOM), or cp874. Lines in two encodings, or bytes that are not text, are a FileProblem naming the line."""
    for bom, enc in ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
                     (b"\xfe\xff", "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return _decode_utf16(data, enc)
    if not data.startswith(b"\xef\xbb\xbf"):
        wide = _utf16_without_bom(data[:SNIFF_BYTES])
        if wide:
            return _decode_utf16(data, wide)
    errors: dict[str, int] = {}
    for enc in CSV_ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            errors[enc] = exc.start
            continue
        pair = UTF8_THAI_PAIR.search(data) if enc == "cp874" else None
        if pair is None:
            _not_text_bytes(data, enc)
            return text, enc
        errors[enc] = pair.start()
    p8, p874 = errors["utf-8-sig"], errors["cp874"]
    if UTF8_THAI_PAIR.search(data) is None:
        line = _line_of(data, max(p8, p874))  # where the likelier encoding stops
        raise FileProblem(
            "bad_encoding",
            th=f"อ่านไฟล์ CSV ไม่ได้: ไม่ใช่ UTF-8 หรือ TIS-620/cp874 (อ่านไม่ได้ตั้งแต่บรรทัด {line}) — บันทึกใหม่เป็น CSV UTF-8",
            en=f"cannot decode CSV: neither UTF-8 nor TIS-620/cp874 (unreadable from line {line}); save it again as CSV UTF-8",
            row=line,
        )
    # Both failed and UTF-8 Thai is in it: lines in two encodings. The file's encoding is the one that
    # reads further; the first line it cannot read is the first line in the other encoding.
    if p8 > p874:
        file_enc, other, line = "UTF-8", "TIS-620/cp874", _line_of(data, p8)
    else:
        first_utf8 = UTF8_THAI_PAIR.search(data)
        pos = min(p874, first_utf8.start()) if first_utf8 else p874
        file_enc, other, line = "TIS-620/cp874", "UTF-8", _line_of(data, pos)
    raise FileProblem(
        "mixed_encoding",
        th=f"ไฟล์ CSV ใช้รหัสอักขระปนกัน: ไฟล์เป็น {file_enc} แต่บรรทัด {line} เป็น {other} "
        "(อาจนำไฟล์สองไฟล์มาต่อกัน) — บันทึกใหม่ทั้งไฟล์เป็น CSV UTF-8",
        en=f"mixed encodings: the file is {file_enc} but line {line} is not (looks like {other}; two files "
        "joined?); save the whole file again as CSV UTF-8",
        row=line,
    )


def _decode_utf16(data: bytes, enc: str) -> tuple[str, str]:
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(enc, errors="replace").count("\n") + 1
        raise FileProblem(
            "bad_encoding",
            th=f"อ่านไฟล์ {enc.upper()} ไม่ได้ตั้งแต่บรรทัด {line} (ไฟล์อาจถูกตัดหรือเสียหาย)",
            en=f"cannot decode {enc.upper()} from line {line} (truncated or damaged file?)",
            row=line,
        ) from exc
    text = text.removeprefix("\ufeff")
    _not_text(text, enc)
    return text, enc


def _delimiter(text: str) -> str:
    head = "\n".join(text[:65536].splitlines()[:CSV_WIDTH_SCAN_LINES])
    return "\t" if head.count("\t") > head.count(",") else ","


def _lines(text: str):
    """The text's lines, ends kept, one at a time (csv.reader reads only the first few)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        yield text[start:end]
        start = end


def csv_sheet(text: str, name: str = "csv", utf8: bytes | None = None) -> Sheet:
    """The CSV text as a sheet. `utf8`: the same text as UTF-8 bytes when the file already is that (a
    million-row file need not be encoded again)."""
    if not text or text.isspace():  # (neither copies the text, as strip() and StringIO would)
        return Sheet(name=name, cells=pl.DataFrame())
    sep = _delimiter(text)
    # Polars takes the width from the first line: a one-field title line would cut every row to one
    # column. Take it from the widest line among those a header can be on (parsing.headers scans 30).
    lines = csv.reader(_lines(text), delimiter=sep)
    width = max(map(len, itertools.islice(lines, CSV_WIDTH_SCAN_LINES)), default=1)
    df = pl.read_csv(
        io.BytesIO(utf8 if utf8 is not None else text.encode("utf-8")),
        has_header=False,
        separator=sep,
        infer_schema=False,
        truncate_ragged_lines=True,
        schema={f"c{i}": pl.String for i in range(max(width, 1))},
        missing_columns="insert",
    )
    return Sheet(name=name, cells=_normalise_columns(df))


def _as_utf8(data: bytes, encoding: str) -> bytes | None:
    """The file's bytes when they are the decoded text's UTF-8 already (no BOM), else None."""
    if encoding != "utf-8-sig":
        return None
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def read_csv(path: Path) -> list[Sheet]:
    data = path.read_bytes()
    text, encoding = decode_csv(data)
    return [csv_sheet(text, utf8=_as_utf8(data, encoding))]


# --- html ---------------------------------------------------------------------------------------------


def html_sheets(text: str) -> list[Sheet]:
    """Every top-level `<table>` as a sheet `ตาราง k`; row n is the table's n-th `<tr>`. A cell spanning
    rows or columns holds its value in its first cell, like a merged Excel cell."""
    import lxml.html

    doc = lxml.html.document_fromstring(text)
    sheets = []
    for k, table in enumerate(doc.xpath("//table[not(ancestor::table)]"), start=1):
        grid: dict[tuple[int, int], str | None] = {}
        trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        for r, tr in enumerate(trs):  # reading markup into a grid, like csv.reader: no data logic here
            c = 0
            for cell in tr.xpath("./td|./th"):
                while (r, c) in grid:
                    c += 1
                value = " ".join(cell.text_content().split()) or None
                rows, cols = _span(cell.get("rowspan")), _span(cell.get("colspan"))
                for dr in range(rows):
                    for dc in range(cols):
                        grid[(r + dr, c + dc)] = value if (dr, dc) == (0, 0) else None
                c += cols
        width = max((c for _, c in grid), default=-1) + 1
        frame = pl.DataFrame(
            [[grid.get((r, c)) for r in range(len(trs))] for c in range(width)],
            schema={f"c{c}": pl.String for c in range(width)},
            orient="col",
        ) if width else pl.DataFrame()
        sheets.append(Sheet(name=f"ตาราง {k}", cells=frame))
    return sheets


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


# --- workbooks ----------------------------------------------------------------------------------------


def _xlsx_error_cells(source: Path | bytes) -> dict[str, list[tuple[int, int, str]]]:
    """Formula-error cells of an .xlsx per sheet name: (0-based row, 0-based column, `#REF!`...).
    Only sheets whose XML holds an error cell are scanned cell by cell."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    try:
        z = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return out
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        target = targets.get(sheet.get(_NS_REL), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        try:
            xml = z.read(part)
        except KeyError:
            continue
        if not _ERROR_TYPE.search(xml):
            continue
        for m in _CELL.finditer(xml):
            attrs, inner = m.group(1), m.group(2)
            ref, value = _REF.search(attrs), _VALUE.search(inner)
            if _ERROR_TYPE.search(attrs) and ref and value:
                out.setdefault(sheet.get("name"), []).append(
                    (int(ref.group(2)) - 1, _column_index(ref.group(1)), value.group(1).decode("utf-8", "replace"))
                )
    return out


def _with_errors(sheet: Sheet, errors: list[tuple[int, int, str]]) -> Sheet:
    """Put formula-error texts back into the cells calamine left empty."""
    by_column: dict[str, tuple[list[int], list[str]]] = {}
    for r, c, text in errors:
        j = c - sheet.col_offset
        if 0 <= j < sheet.cells.width and 0 <= r < sheet.cells.height:
            rows, texts = by_column.setdefault(f"c{j}", ([], []))
            rows.append(r)
            texts.append(text)
    if not by_column:
        return sheet
    cells = sheet.cells.with_columns(
        sheet.cells.get_column(name).scatter(rows, texts) for name, (rows, texts) in by_column.items()
    )
    return replace(sheet, cells=cells)


def read_excel(source: Path | bytes, label: str = "") -> list[Sheet]:
    try:
        reader = fastexcel.read_excel(source)
    except Exception as exc:  # calamine raises its own error types for non-workbooks
        detail = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise FileProblem(
            "not_a_workbook",
            th="ไฟล์นี้ไม่ใช่ไฟล์ Excel ที่เปิดได้ (ไฟล์อาจเสียหาย) — เปิดใน Excel แล้วบันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง",
            en=f"this file is not an Excel workbook that can be opened (damaged, or not really {label or 'Excel'}); "
            "open it in Excel, save it again as .xlsx and send it again",
            detail=f"reading as {label or 'Excel'}: {detail}",
        ) from exc
    errors = _xlsx_error_cells(source) if _is_zip(source) else {}
    sheets = []
    for name in reader.sheet_names:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        offset = sheet.available_columns()[0].absolute_index if sheet.width else 0
        read = Sheet(name=name, cells=_normalise_columns(sheet.to_polars()), col_offset=offset)
        sheets.append(_with_errors(read, errors[name]) if name in errors else read)
    return sheets


def _is_zip(source: Path | bytes) -> bool:
    if isinstance(source, bytes):
        return source.startswith(ZIP_MAGIC)
    with source.open("rb") as f:
        return f.read(4) == ZIP_MAGIC


def _zip_problem(data: bytes, suffix: str) -> FileProblem | None:
    """A zip that is not a readable workbook: truncated, or another kind of document."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return FileProblem(
            "truncated",
            th=f"ไฟล์ {suffix} เสียหายหรือส่งมาไม่ครบ (ข้อมูลถูกตัดกลางไฟล์) — ให้โรงเรียนส่งไฟล์ใหม่",
            en=f"the {suffix} file is damaged or truncated (incomplete zip archive); ask the school to send it again",
        )
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names:
        return None
    what_th, what_en = ("เอกสาร Word", "a Word document") if "word/document.xml" in names else (
        ("งานนำเสนอ PowerPoint", "a PowerPoint file") if "ppt/presentation.xml" in names else ("ไฟล์ ZIP", "a zip archive"))
    return FileProblem(
        "not_a_workbook",
        th=f"ไฟล์นี้เป็น{what_th} ไม่ใช่สมุดงาน Excel แม้ชื่อจะลงท้าย {suffix}",
        en=f"this file is {what_en}, not an Excel workbook, although it is named {suffix}",
    )


def _what(data: bytes) -> str:
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    return "other"


def read_parquet(path: Path) -> list[Sheet]:
    """A Parquet export as one sheet of text: the column names as the header row, then the values.
    Timestamps are written as ISO text in Thai local time (a zoned timestamp is converted first), so
    the contract's datetime parser reads them like CSV text."""
    import pyarrow.parquet as pq

    with path.open("rb") as f:
        head = f.read(4)
    if head != PARQUET_MAGIC:
        raise FileProblem(
            "not_a_workbook",
            th="ไฟล์นี้ตั้งชื่อเป็น .parquet แต่ไม่ใช่ไฟล์ Parquet — ส่งออกจากระบบใหม่อีกครั้ง",
            en="this file is named .parquet but is not a Parquet file; export it from the platform again",
            detail=f"first bytes: {head.hex(' ')}",
        )
    df = pl.from_arrow(pq.read_table(path))
    if not isinstance(df, pl.DataFrame) or not df.width:
        return [Sheet(name="parquet", cells=pl.DataFrame())]
    as_text = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            if dtype.time_zone:
                col = col.dt.convert_time_zone("Asia/Bangkok").dt.replace_time_zone(None)
            col = col.dt.strftime("%Y-%m-%d %H:%M:%S%.f")
        elif dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        as_text.append(col.cast(pl.String).alias(name))
    body = df.select(as_text)
    header = pl.DataFrame([pl.Series(name, [name], dtype=pl.String) for name in body.columns])
    return [Sheet(name="parquet", cells=_normalise_columns(pl.concat([header, body])))]


def read_file(path: Path) -> ReadFile:
    """The file's sheets, read as what its bytes are, with notes on how it was read."""
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return ReadFile(read_parquet(path))
    if suffix not in SUPPORTED:
        raise FileProblem(
            "unsupported",
            th=f"ไม่รองรับไฟล์ชนิด {suffix or '(ไม่มีนามสกุล)'} — ส่งเป็น .xlsx หรือ .csv",
            en=f"unsupported file type {suffix or '(none)'}: send .xlsx or .csv",
        )
    data = path.read_bytes()
    kind = _what(data)
    if kind == "empty":
        if suffix in CSV_SUFFIXES:
            return ReadFile([Sheet(name="csv", cells=pl.DataFrame())])
        raise FileProblem(
            "empty",
            th=f"ไฟล์ว่างเปล่า (0 ไบต์) ไม่ใช่สมุดงาน {suffix} — ไฟล์อาจบันทึกหรือส่งไม่สำเร็จ",
            en=f"the file is empty (0 bytes), not a {suffix} workbook: it was not saved or sent completely",
        )
    if kind == "zip":
        problem = _zip_problem(data, suffix)
        if problem:
            raise problem
    if kind == "ole" and "EncryptedPackage".encode("utf-16-le") in data:
        raise FileProblem(
            "password_protected",
            th="สมุดงานนี้ตั้งรหัสผ่านไว้ อ่านไม่ได้ — เอารหัสผ่านออกแล้วส่งใหม่",
            en="the workbook is password protected and cannot be read; remove the password and send it again",
        )
    if kind in ("zip", "ole"):
        if suffix in EXCEL_SUFFIXES and (kind == "ole") == (suffix == ".xls"):
            return ReadFile(read_excel(path, suffix))
        real = ".xls" if kind == "ole" else ".xlsx"
        note = f"ไฟล์นี้เป็นสมุดงาน Excel ({real}) ที่ตั้งชื่อเป็น {suffix} อ่านเป็น Excel / an Excel workbook named {suffix}, read as Excel"
        return ReadFile(read_excel(data, real), [note])
    try:
        text, encoding = decode_csv(data)
    except FileProblem as problem:
        if suffix in CSV_SUFFIXES:
            raise
        head = data[:8].hex(" ")
        raise FileProblem(
            "not_a_workbook",
            th="ไฟล์นี้ไม่ใช่สมุดงาน Excel และไม่ใช่ข้อความ (ข้อมูลไม่ตรงรูปแบบใดที่รู้จัก) — บันทึกใหม่เป็น .xlsx แล้วส่งอีกครั้ง",
            en="this file is neither an Excel workbook nor text (unrecognised bytes); save it again as .xlsx and send it again",
            detail=f"first bytes: {head}; {problem.en}",
        ) from problem
    if HTML_START.match(text[:SNIFF_BYTES]) or (suffix in EXCEL_SUFFIXES and "<table" in text[:SNIFF_BYTES].lower()):
        sheets = html_sheets(text)
        if not sheets:
            raise FileProblem(
                "not_a_workbook",
                th=f"ไฟล์นี้เป็นหน้าเว็บ (HTML) ที่ตั้งชื่อเป็น {suffix} และไม่มีตาราง — ส่งเป็น .xlsx",
                en=f"this file is a web page (HTML) named {suffix} with no table in it; send an .xlsx",
            )
        note = (f"ไฟล์นี้เป็นตาราง HTML ที่ตั้งชื่อเป็น {suffix} อ่านเป็นตาราง (แถว = ลำดับแถว <tr> ของตาราง) "
                f"/ an HTML table named {suffix}, read as that table (row = the table's <tr> number)")
        return ReadFile(sheets, [note])
    if text.lstrip().startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text[:SNIFF_BYTES]:
        raise FileProblem(
            "not_a_workbook",
            th=f"ไฟล์นี้เป็น XML Spreadsheet 2003 ที่ตั้งชื่อเป็น {suffix} — เปิดใน Excel แล้วบันทึกเป็น .xlsx",
            en=f"this file is an XML Spreadsheet 2003 named {suffix}; open it in Excel and save as .xlsx",
        )
    if suffix in CSV_SUFFIXES:
        return ReadFile([csv_sheet(text, utf8=_as_utf8(data, encoding))])
    # Text renamed to a workbook name is a renaming slip the school can fix; said plainly, not guessed at.
    raise FileProblem(
        "not_a_workbook",
        th=f"ไฟล์นี้เป็นข้อความ CSV ({encoding}) ไม่ใช่สมุดงาน Excel แม้ชื่อจะลงท้าย {suffix} "
        "— เปลี่ยนนามสกุลเป็น .csv หรือเปิดใน Excel แล้วบันทึกเป็น .xlsx",
        en=f"this file is CSV text ({encoding}), not an Excel workbook, although it is named {suffix}; "
        "rename it to .csv or open it in Excel and save as .xlsx",
    )


def read_sheets(path: Path) -> list[Sheet]:
    return read_file(path).sheets
