"""The bad-file battery: every kind of broken or odd landing entry a district really receives, written
by code (never binary fixtures), each with what Khlang must say about it.

`battery()` lists the cases; `write(landing, cases)` creates them under a landing folder (and, for the
link that points out, a decoy file beside it, outside landing/, which must never be read). Each case
knows the `raw/file_report` row it must end in: rows read (and their table), or the error kind and
the words (sheet, row, column, file kind) its Thai and English messages must carry. Parse-level rules
that rows must break (FMT-03 formula error, FMT-04 too long) are listed per case as well.

Contents are Thai and messy like real submissions: cp874 and UTF-16 exports, title rows, merged
headers, `หมายเหตุ` rows, Thai digits, apostrophes before codes.
"""

from __future__ import annotations

import io
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import xlsxwriter

DECOY_DIR = "นอกคลัง"  # beside landing/: the target of a link pointing out; must never be read
ALLOC_HEADER = ["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "ราคาต่อหน่วย (บาท)", "แหล่งงบประมาณ"]
ALLOC_TITLE = "บัญชีรายละเอียดการจัดสรรวัสดุอุปกรณ์ DLTV ปีงบประมาณ ๒๕๖๙ สพป.ขอนแก่น เขต 4"
ALLOC_ROWS = [
    ["2569", "'1040050011", "จานรับสัญญาณดาวเทียม", "1", "2,500", "สพฐ."],
    ["๒๕๖๙", "1040050012", "เครื่องรับโทรทัศน์", "๒", "9,000.50 บาท", "มูลนิธิฯ"],
    ["2569", " 1040050013 ", "หัวรับสัญญาณ LNB", "4", "450", "สพฐ"],
]
REGISTER_HEADER = ["รหัสสถานศึกษา", "รหัส SMIS 8 หลัก", "ชื่อสถานศึกษา", "อำเภอ", "ตำบล", "จังหวัด", "จำนวนนักเรียน",
                   "ขนาดโรงเรียน"]  # fmt: skip


@dataclass
class BadFile:
    """One landing entry of the battery and the file_report row it must end in."""

    id: str
    rel: str  # path under landing/
    what: str  # what the case is, for a reader of the tests
    make: Callable[[Path, Path], None]  # (path under landing, landing folder) -> creates the entry
    kind: str | None = None  # expected error_kind (`skipped` for entries not read); None: rows read
    skip: str | None = None  # expected skip reason (notes column) for skipped entries
    table: str | None = None
    rows: int = 0  # rows read (rows_in)
    excel_rows: tuple[int, ...] = ()  # their row numbers as Excel (or the table/CSV) shows them
    rules: dict[str, int] = field(default_factory=dict)  # parse rule -> rows breaking it
    says: tuple[str, ...] = ()  # words the Thai or English message (or notes) must contain
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    entry: str | None = None  # the landing entry reported, when not `rel` (a hidden folder is one entry)

    @property
    def reported(self) -> str:
        return self.entry or self.rel


EVENT_HEADER = ["วันเวลา", "แพลตฟอร์ม", "รหัสผู้ใช้", "รหัสสถานศึกษา", "ประเภทเหตุการณ์", "รหัสสื่อ", "ระยะเวลา (วินาที)"]
EVENT_ROWS = [
    ["2025-10-01 08:15:02", "DLTV", "stu-9990001", "1040050011", "login", "", "0"],
    ["2025-10-01 08:15:40", "DLTV", "stu-9990001", "1040050011", "view", "DLTV-P5-MATH-012", "1,250"],
]


# --- writers ------------------------------------------------------------------------------------------


def _parquet(header: list[str], rows: list[list[str]]) -> Callable[[Path, Path], None]:
    def make(path: Path, landing: Path) -> None:
        import polars as pl

        path.parent.mkdir(parents=True, exist_ok=True)
        pl.DataFrame([pl.Series(h, [r[i] for r in rows], dtype=pl.String) for i, h in enumerate(header)]).write_parquet(path)

    return make



def _csv(rows: list[list[str]], sep: str = ",") -> str:
    def cell(v: str) -> str:
        return f'"{v}"' if any(c in v for c in (sep, '"', "\n")) else v

    return "".join(sep.join(cell(v) for v in r) + "\r\n" for r in rows)


def _alloc_csv() -> str:
    return _csv([[ALLOC_TITLE], ALLOC_HEADER, *ALLOC_ROWS, ["หมายเหตุ: ราคารวมภาษีมูลค่าเพิ่มแล้ว"]])


def _workbook_bytes(sheets: dict[str, list[list]], formulas: dict[tuple[str, int, int], tuple[str, str]] | None = None,
                    merges: dict[str, list[tuple[int, int, int, int]]] | None = None) -> bytes:
    """An .xlsx in memory: strings as strings, numbers as numbers, formulas with their cached result."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"author": "โรงเรียนบ้านโนนสำราญ", "created": None})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r1, c1, r2, c2 in (merges or {}).get(name, []):
            ws.merge_range(r1, c1, r2, c2, rows[r1][c1])
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if (name, r, c) in (formulas or {}):
                    formula, result = formulas[(name, r, c)]
                    ws.write_formula(r, c, formula, None, result)
                elif isinstance(v, (int, float)):
                    ws.write_number(r, c, v)
                elif v is not None and not any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in (merges or {}).get(name, [])):
                    ws.write_string(r, c, v)
    wb.close()
    return buf.getvalue()


def _alloc_workbook(rows: list[list] | None = None, header: list[str] | None = None, **kw) -> bytes:
    header = header or ALLOC_HEADER
    body = [[ALLOC_TITLE] + [None] * (len(header) - 1), header, *(ALLOC_ROWS if rows is None else rows)]
    return _workbook_bytes({"บัญชีจัดสรร": body}, merges={"บัญชีจัดสรร": [(0, 0, 0, len(header) - 1)]}, **kw)


def _put(data: bytes) -> Callable[[Path, Path], None]:
    def make(path: Path, landing: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    return make


def _fifo(path: Path, landing: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _link_to(target: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    def make(path: Path, landing: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target(landing), path)

    return make


def _decoy(landing: Path) -> Path:
    """A real, readable allocation CSV outside landing/: if a link out were followed, its rows would count."""
    decoy = landing.parent / DECOY_DIR / "บัญชีจัดสรร_ลับ.csv"
    decoy.parent.mkdir(parents=True, exist_ok=True)
    decoy.write_bytes(_alloc_csv().encode("cp874"))
    return decoy


# --- the battery --------------------------------------------------------------------------------------


def battery(seed: int = 2569) -> list[BadFile]:
    rng = random.Random(seed)
    good = _alloc_workbook()
    random_bytes = bytes(rng.randrange(256) for _ in range(4096))
    html = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>\r\n<table border="1">\r\n'
        f'<tr><td colspan="6"><b>{ALLOC_TITLE}</b></td></tr>\r\n'
        + "<tr>" + "".join(f"<th>{h}</th>" for h in ALLOC_HEADER) + "</tr>\r\n"
        + "".join("<tr>" + "".join(f'<td style="mso-number-format:\\@">{v}</td>' for v in r) + "</tr>\r\n" for r in ALLOC_ROWS)
        + "<tr><td colspan=\"6\">หมายเหตุ: ส่งออกจากระบบ e-Budget</td></tr>\r\n</table></body></html>"
    )
    mixed = (_csv([ALLOC_HEADER, ALLOC_ROWS[0], ALLOC_ROWS[1]]).encode("cp874")
             + _csv([ALLOC_ROWS[2], ["2569", "1040050014", "ทีวี", "1", "9000", "สพฐ."]]).encode("utf-8"))
    formula_rows = [
        ["2569", "1040050011", "จาน", None, "2500", "สพฐ."],  # quantity: =VLOOKUP(...) -> #REF!
        ["2569", "1040050012", "ทีวี", "1", None, "สพฐ."],  # unit price: =B9/0 -> #DIV/0!
        ["2569", None, "LNB", "4", "450", "สพฐ."],  # school code: =VLOOKUP(ชื่อ, ทะเบียน!A:B, 2, 0) -> #N/A
        ["2569", "1040050014", "เครื่องรับสัญญาณ", "1", "1200", "สพฐ."],  # clean
    ]
    formulas = {("บัญชีจัดสรร", 2, 3): ("=VLOOKUP(C3,#REF!,2,0)", "#REF!"),
                ("บัญชีจัดสรร", 3, 4): ("=E9/0", "#DIV/0!"),
                ("บัญชีจัดสรร", 4, 1): ("=VLOOKUP(\"บ้านหนองบัว\",ทะเบียน!A:B,2,0)", "#N/A")}  # fmt: skip
    dup_header = ["ปีงบประมาณ", "รหัสสถานศึกษา", "รายการ", "จำนวน", "รหัสโรงเรียน", "ราคาต่อหน่วย (บาท)"]
    dup_rows = [["2569", "1040050011", "จาน", "1", "1040050099", "2500"]]
    long_name = "โรงเรียนบ้านหนองบัวแดงวิทยาคม (ประชาสามัคคีสงเคราะห์) " * 6
    register = [["ทะเบียนสถานศึกษา สพป.ขอนแก่น เขต 4 ปีการศึกษา ๒๕๖๙"], REGISTER_HEADER,
                ["1040050011", "40050011", "โรงเรียนบ้านโนนสำราญ", "พล", "โคกสง่า", "ขอนแก่น", "85", "เล็ก"],
                ["1040050012", "40050012", long_name.strip(), "พล", "เมืองพล", "ขอนแก่น", "140", "กลาง"]]
    header_only = [[ALLOC_TITLE], ALLOC_HEADER, [], ["หมายเหตุ: กรอกข้อมูลใต้หัวตาราง"]]
    return [
        BadFile("zero-byte-xlsx", "2569/แบบสำรวจ DLTV โรงเรียนบ้านว่าง.xlsx", "a zero-byte .xlsx (an upload that failed)",
                _put(b""), kind="empty", says=("0 ไบต์", "0 bytes")),
        BadFile("truncated-xlsx", "2569/บัญชีจัดสรร (ส่งไม่ครบ).xlsx", "a real workbook cut off half way",
                _put(good[: len(good) // 2]), kind="truncated", says=("ส่งมาไม่ครบ", "truncated")),
        BadFile("random-bytes-xlsx", "2569/ไฟล์เสีย.xlsx", "4 KiB of random bytes named .xlsx",
                _put(random_bytes), kind="not_a_workbook", says=("ไม่ใช่สมุดงาน Excel", "neither an Excel workbook")),
        BadFile("csv-renamed-xlsx", "2569/บัญชีจัดสรร_csv.xlsx", "a cp874 CSV export renamed .xlsx",
                _put(_alloc_csv().encode("cp874")), kind="not_a_workbook",
                says=("ข้อความ CSV (cp874)", "CSV text", "rename it to .csv")),
        BadFile("html-saved-as-xls", "2569/e-Budget ส่งออก.xls", "an HTML table saved as .xls by a web system",
                _put(html.encode("utf-8")), table="dltv_allocation", rows=3, excel_rows=(3, 4, 5),
                says=("HTML", "<tr>")),
        BadFile("utf16-bom-csv", "2569/บัญชีจัดสรร_unicode.csv", "a UTF-16 CSV with BOM",
                _put(_alloc_csv().encode("utf-16")), table="dltv_allocation", rows=3, excel_rows=(3, 4, 5)),
        BadFile("utf16le-no-bom-csv", "2569/บัญชีจัดสรร_utf16le.csv", "a UTF-16LE CSV without BOM",
                _put(_alloc_csv().encode("utf-16-le")), table="dltv_allocation", rows=3, excel_rows=(3, 4, 5)),
        BadFile("utf16-tab-unicode-text", "2569/บัญชีจัดสรร_unicode_text.txt", "Excel 'Unicode Text': UTF-16, tabs",
                _put(_csv([[ALLOC_TITLE], ALLOC_HEADER, *ALLOC_ROWS], sep="\t").encode("utf-16")),
                table="dltv_allocation", rows=3, excel_rows=(3, 4, 5)),
        BadFile("mixed-encodings-csv", "2569/รวมไฟล์ 2 อำเภอ.csv", "two CSVs joined: cp874 lines, then UTF-8 lines",
                _put(mixed), kind="mixed_encoding", row=4, says=("บรรทัด 4", "line 4", "TIS-620", "UTF-8")),
        BadFile("formula-errors-xlsx", "2569/บัญชีจัดสรร_สูตรเสีย.xlsx", "#REF!, #DIV/0! and #N/A from broken formulas",
                _put(_alloc_workbook(formula_rows, formulas=formulas)), table="dltv_allocation", rows=4,
                excel_rows=(3, 4, 5, 6), rules={"FMT-03": 3, "REQ-01": 0, "FMT-01": 0}),
        BadFile("duplicated-header-column", "2569/บัญชีจัดสรร_รหัสซ้ำ.xlsx", "school code in columns B and E",
                _put(_alloc_workbook(dup_rows, header=dup_header)), kind="duplicate_column", sheet="บัญชีจัดสรร",
                row=2, column="รหัสสถานศึกษา", says=("รหัสสถานศึกษา", "B", "E", "รหัสโรงเรียน")),
        BadFile("header-only", "2569/แบบฟอร์มเปล่า.xlsx", "the template sent back with no rows filled in",
                _put(_workbook_bytes({"บัญชีจัดสรร": header_only})), kind="no_data_rows", sheet="บัญชีจัดสรร", row=2,
                says=("ไม่มีแถวข้อมูล", "no data rows")),
        BadFile("cell-longer-than-limit", "ทะเบียน/ทะเบียนโรงเรียน_ชื่อยาว.xlsx", "a school name pasted six times",
                _put(_workbook_bytes({"ทะเบียน": register})), table="schools", rows=2, excel_rows=(3, 4),
                rules={"FMT-04": 1}),
        BadFile("excel-lock-file", "2569/~$บัญชีจัดสรร.xlsx", "Excel's lock file left while the workbook is open",
                _put(b"\x0cnong bua   " + "สมศรี".encode("utf-16-le") + bytes(140)), kind="skipped", skip="lock_file",
                says=("ไฟล์ล็อก", "lock file")),
        BadFile("libreoffice-lock-file", "2569/.~lock.บัญชีจัดสรร.xlsx#", "LibreOffice's hidden lock file",
                _put("สมศรี,nongbua,nongbua-pc,01.03.2026 09:00,file:///home/nongbua;\n".encode()), kind="skipped",
                skip="hidden", says=("ไฟล์ซ่อน", "hidden")),
        BadFile("hidden-file", ".DS_Store", "a macOS folder file", _put(b"\x00\x00\x00\x01Bud1" + bytes(64)),
                kind="skipped", skip="hidden", says=("ไฟล์ซ่อน", "hidden")),
        BadFile("hidden-folder", ".Trash-1000/files/บัญชีเก่า.xlsx", "a file in a hidden folder (the folder is the entry)",
                _put(good), kind="skipped", skip="hidden", says=("โฟลเดอร์ซ่อน", "hidden folder"), entry=".Trash-1000"),
        BadFile("fifo", "2569/ส่งข้อมูล.csv", "a named pipe: opening it would block the run", _fifo,
                kind="skipped", skip="special", says=("FIFO", "not opened")),
        BadFile("symlink-outside", "2569/ลิงก์ไปบัญชีลับ.csv", "a link to a readable CSV outside landing/",
                _link_to(_decoy), kind="skipped", skip="symlink_outside", says=("นอกโฟลเดอร์ landing/", "not followed")),
        BadFile("symlink-to-etc", "2569/passwd.csv", "a link to /etc/passwd", _link_to(lambda _: Path("/etc/passwd")),
                kind="skipped", skip="symlink_outside", says=("นอกโฟลเดอร์ landing/", "outside landing/")),
        BadFile("symlink-dangling", "2569/ไฟล์ที่ถูกลบ.xlsx", "a link to a file that is gone",
                _link_to(lambda landing: landing / "2569" / "ไม่มีไฟล์นี้.xlsx"), kind="skipped", skip="symlink_dangling",
                says=("ไม่มีอยู่", "does not exist")),
        BadFile("symlink-inside-duplicate", "ทางลัด/บัญชีจัดสรร_csv.xlsx", "a link to another landing file",
                _link_to(lambda landing: landing / "2569" / "บัญชีจัดสรร_csv.xlsx"), kind="skipped",
                skip="symlink_duplicate", says=("2569/บัญชีจัดสรร_csv.xlsx", "read under its own name")),
        BadFile("name-with-newline-and-quotes", "2569/บัญชี \"จัดสรร\"\nรอบ 2 'ล่าสุด'.csv",
                "a file name with a newline and both quotes", _put(_alloc_csv().encode("utf-8-sig")),
                table="dltv_allocation", rows=3, excel_rows=(3, 4, 5)),
        # Platform exports (contract 3.4): a CSV named .parquet, an event log without its user column (as
        # CSV and as Parquet).
        BadFile("csv-named-parquet", "platform/events/events_2569-10.parquet", "an event-log CSV named .parquet",
                _put(_csv([EVENT_HEADER, *EVENT_ROWS]).encode("utf-8")), kind="not_a_workbook",
                says=("Parquet", "not a Parquet file")),
        BadFile("events-without-user-column", "platform/events/events_ไม่มีผู้ใช้.csv", "an event log missing user_id",
                _put(_csv([[h for h in EVENT_HEADER if h != "รหัสผู้ใช้"],
                           *[[v for h, v in zip(EVENT_HEADER, r) if h != "รหัสผู้ใช้"] for r in EVENT_ROWS]]).encode("utf-8")),
                kind="missing_column", sheet="csv", row=1, column="รหัสผู้ใช้", says=("รหัสผู้ใช้", "user_id")),
        BadFile("parquet-without-event-type", "platform/events/events_2569-11.parquet", "a Parquet event log missing event_type",
                _parquet([h for h in EVENT_HEADER if h != "ประเภทเหตุการณ์"],
                         [[v for h, v in zip(EVENT_HEADER, r) if h != "ประเภทเหตุการณ์"] for r in EVENT_ROWS]),
                kind="missing_column", sheet="parquet", row=1, column="ประเภทเหตุการณ์", says=("ประเภทเหตุการณ์", "event_type")),
    ]


def write(landing: Path, cases: list[BadFile] | None = None) -> list[BadFile]:
    """Create the battery's entries under `landing` (in list order: link targets come first)."""
    cases = battery() if cases is None else cases
    landing.mkdir(parents=True, exist_ok=True)
    for case in cases:
        case.make(landing / case.rel, landing)
    return cases
