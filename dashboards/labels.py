"""Every small Thai UI string of the dashboards, plus labels looked up from the table contracts.

Page titles, headings, metric and axis labels live here so a wording change is one edit and the
pages read as layout. Names of rules, items, sub-columns and tables are *not* written here: they
come from `warehouse.contracts` (the one place they are declared), through the helpers below.
"""

from __future__ import annotations

import re

from warehouse.contracts import all_rules, contracts, lists

APP_TITLE = "Khlang คลังข้อมูล สพท."

# Navigation and page headings: (Thai, English shown small beside it).
PAGE_OVERVIEW = ("ภาพรวม", "Overview")
PAGE_DLTV = ("DLTV ความต้องการอุปกรณ์", "DLTV equipment needs")
PAGE_QUALITY = ("คุณภาพข้อมูล", "Data quality")

NOT_PUBLISHED = (
    "ยังไม่มีคลังข้อมูลที่เผยแพร่ — ให้เจ้าหน้าที่ ICT รันคำสั่ง `khlang ingest` "
    "เพื่อนำเข้าแฟ้มของโรงเรียนและเผยแพร่คลังข้อมูลรุ่นแรก แล้วเปิดหน้านี้ใหม่  \n"
    "No warehouse has been published yet: run `khlang ingest`, then reload this page."
)
SCHEMA_MISMATCH = (
    "คลังข้อมูลรุ่นที่เผยแพร่อยู่ไม่มีตารางหรือคอลัมน์ที่หน้านี้ต้องใช้ — ให้เจ้าหน้าที่ ICT รัน `khlang ingest` "
    "ด้วยโปรแกรมรุ่นปัจจุบันเพื่อเผยแพร่คลังข้อมูลใหม่ "
    "(the published warehouse lacks a table or column this page reads)"
)
NO_ROWS = "ไม่มีข้อมูลในรอบนี้ (no rows)"

# Selectors and filters.
FISCAL_YEAR = "ปีงบประมาณ (พ.ศ.)"
PERIOD = "รอบข้อมูล (ปี พ.ศ.)"
ALL = "ทั้งหมด"
DISTRICT = "อำเภอ"
ITEM_REQUESTED = "อุปกรณ์ที่ขอ (ขอทดแทนหรือขอซ่อม)"
OUTCOME = "ผลการตรวจ"
TABLE = "ตาราง"
RULE = "กฎ"

# Overview metrics.
M_SCHOOLS = "โรงเรียนในทะเบียน"
M_ELIGIBLE = "โรงเรียนที่มีสิทธิ์ DLTV"
M_COVERAGE = "ส่งแบบสำรวจ DLTV แล้ว"
M_COST = "ประมาณการค่าทดแทน"
M_PASS_RATE = "แถวที่ผ่านการตรวจ"
M_REFRESH = "ปรับปรุงข้อมูลล่าสุด"
M_VERSION = "รุ่นคลังข้อมูล"
M_QUARANTINED = "แถวที่ถูกกักกัน"
M_FILE_ERRORS = "แฟ้มที่อ่านไม่ได้"
M_MISSING = "โรงเรียนที่ยังไม่ส่ง"

# Section headings.
H_NEEDS_BY_ITEM = "ความต้องการอุปกรณ์ DLTV แยกตามรายการ"
H_NEEDS_BY_DISTRICT = "คำขอทดแทน/ซ่อม รายอำเภอ"
H_COST_BY_DISTRICT = "ประมาณการค่าทดแทน รายอำเภอ (บาท)"
H_SCHOOLS = "รายโรงเรียน"
H_BY_RULE = "ผลการตรวจรายกฎ"
H_BY_FILE = "ผลการตรวจรายแฟ้ม"
H_FILE_ERRORS = "แฟ้มที่มีข้อผิดพลาด"
H_QUARANTINE = "แถวที่ถูกกักกัน พร้อมเหตุผล"
H_MISSING = "โรงเรียนที่ยังไม่ส่งข้อมูล"
H_DATA_DOCS = "รายงาน Great Expectations (Data Docs)"

# Column and axis labels that are not contract columns.
C_SCHOOLS = "จำนวนโรงเรียน"
C_UNITS = "จำนวน (หน่วย)"
C_UNIT_PRICE = "ราคาต่อหน่วยล่าสุด (บาท)"
C_EST_COST = "ประมาณการค่าทดแทน (บาท)"
C_REQUEST_KIND = "ประเภทคำขอ"
C_ROWS_FAILED = "จำนวนแถวที่ไม่ผ่าน"
C_ROWS_CHECKED = "จำนวนแถวที่ตรวจ"
C_PASS_RATE = "อัตราผ่าน (%)"
C_SEVERITY = "ระดับ"
C_RULE_ID = "รหัสกฎ"
C_RULE_TEXT = "เกณฑ์"
C_SOURCE_FILE = "แฟ้มต้นทาง"
C_SHEET = "ชีต"
C_COLUMN = "คอลัมน์"
C_ROW = "แถวที่"
C_REASON = "เหตุผล"
C_ROWS_IN = "แถวที่อ่านได้"
C_VALID = "ผ่าน"
C_FLAGGED = "ผ่าน (ต้องตรวจสอบ)"
C_QUARANTINED = "กักกัน"
C_SUPERSEDED = "ถูกแทนที่"
C_ERROR = "ข้อผิดพลาดของแฟ้ม"
C_PERIOD = "รอบข้อมูล"
C_SURVEY = "แบบสำรวจ"

FY = "ปีงบประมาณ"
FY_SHORT = "ปีงบ"
N_SCHOOLS = "{n} โรงเรียน"
N_ROWS = "{n} แถว"
SUBMITTED = "ส่งแล้ว"
COVERAGE_NOTE = "{submitted} จาก {population} โรงเรียน"
HELP_PASS_RATE = "(แถวที่อ่านได้ − แถวที่ถูกกักกัน) ÷ แถวที่อ่านได้ ของทุกแฟ้ม"
HELP_COST = "จำนวนขอทดแทน × ราคาต่อหน่วยล่าสุดจากบัญชีจัดสรร"

DOWNLOAD_CSV = "ดาวน์โหลด CSV (เปิดด้วย Excel ได้)"
DATA_DOCS_MISSING = "ยังไม่มี Data Docs — จะสร้างขึ้นเมื่อรัน `khlang ingest`"
DATA_DOCS_HINT = "เปิดแฟ้มนี้ในเบราว์เซอร์บนเครื่องที่รันคลังข้อมูล (open this file on the warehouse machine):"
ALL_SUBMITTED = "ทุกโรงเรียนส่งข้อมูลครบแล้ว"
NO_QUARANTINE = "ไม่มีแถวที่ถูกกักกัน"
NO_FILE_ERRORS = "ทุกแฟ้มอ่านได้"

OUTCOMES = {"valid": "ผ่าน", "flagged": "ผ่าน (ต้องตรวจสอบ)", "quarantined": "กักกัน", "superseded": "ถูกแทนที่"}
SEVERITIES = {"quarantine": "กักกัน (quarantine)", "flag": "แจ้งให้ตรวจสอบ (flag)"}
SEVERITY_COLOURS = {"quarantine": "#c0392b", "flag": "#e67e22"}

BAHT = "บาท"
TIME_SUFFIX = "น."
MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")

_PLACEHOLDER = re.compile(r"\{\w+\}")


def items() -> dict[str, str]:
    """DLTV item key -> Thai name, in contract order (dish, LNB, receiver, TV)."""
    return {i.key: i.th for i in lists()["dltv_items"]}


def subcolumn(key: str) -> str:
    """Thai name of a DLTV sub-column (e.g. request_replace -> ขอทดแทน)."""
    return next(s.th for s in lists()["dltv_subcolumns"] if s.key == key)


def table(name: str) -> str:
    """Thai name of a contract table; unknown tables keep their technical name."""
    c = contracts().get(name)
    return c.th if c else name


def column(table_name: str, name: str) -> str:
    """Thai header of a contract column (`item - sub` for DLTV item columns)."""
    return contracts()[table_name].column(name).header_th


def rule_text(rule_id: str, th: str | None = None) -> str:
    """A rule's Thai criterion as a general statement, not one row's message.

    `th` is the text the warehouse stored (it came from the contracts); without it the contract's
    own text is used. Row placeholders (`{school_code}`) become `…`, and a per-item rule loses the
    item prefix its first expansion carries, because the dashboard shows the rule over all items.
    """
    text = th or (all_rules()[rule_id].th if rule_id in all_rules() else rule_id)
    for name in items().values():
        if text.startswith(name + ": "):
            text = text[len(name) + 2 :]
            break
    return _PLACEHOLDER.sub("…", text)


def rule_label(rule_id: str, th: str | None = None) -> str:
    return f"{rule_id} — {rule_text(rule_id, th)}"
