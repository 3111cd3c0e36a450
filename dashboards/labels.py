"""Every small Thai UI string of the dashboards, plus labels looked up from the table contracts.

Page titles, headings, metric and axis labels live here so a wording change is one edit and the
pages read as layout. Names of rules, items, sub-columns and tables are *not* written here: they
come from `warehouse.contracts` (the one place they are declared), through the helpers below.
"""

from __future__ import annotations

import re

from pipelines.parsing.cells import BE_OFFSET
from pipelines.users import ROLES
from warehouse.contracts import all_rules, contracts, lists

APP_TITLE = "Khlang คลังข้อมูล สพท."

# Navigation and page headings: (Thai, English shown small beside it).
PAGE_OVERVIEW = ("ภาพรวม", "Overview")
PAGE_DLTV = ("DLTV ความต้องการอุปกรณ์", "DLTV equipment needs")
PAGE_QUALITY = ("คุณภาพข้อมูล", "Data quality")
PAGE_PLATFORM = ("การใช้งานดิจิทัลแพลตฟอร์ม", "Digital platform use")

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
ACADEMIC_YEAR = "ปีการศึกษา (พ.ศ.)"
PERIOD = "รอบข้อมูล (ปี พ.ศ.)"
NO_PERIOD = "ไม่ระบุรอบ"
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
M_SKIPPED = "รายการที่ข้าม"
M_MISSING = "โรงเรียนที่ยังไม่ส่ง"
M_SUBMITTED_PCT = "โรงเรียนที่ส่งแล้ว"
M_REJECTED = "ส่งแล้วแต่ไม่ผ่าน"
M_NOT_SENT = "ไม่ได้ส่ง"

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
H_SKIPPED = "รายการใน landing/ ที่ข้าม ไม่ได้อ่าน (skipped entries)"
H_REJECTED = "ส่งแล้วแต่ไม่ผ่าน: มีแถวของโรงเรียนถูกกักกัน และไม่มีแถวที่ผ่าน (sent but rejected)"
H_NOT_SENT = "ไม่ได้ส่ง: ไม่มีแถวใดของรอบนี้ระบุรหัสโรงเรียนนี้ (sent nothing)"
H_WHOLE_FILES = "แฟ้มที่ถูกปฏิเสธทั้งแฟ้มในรอบนี้ (ไม่ทราบว่าเป็นของโรงเรียนใด)"
H_MISSING_BY_DISTRICT = "โรงเรียนที่ยังไม่ส่งแบบสำรวจ DLTV รายอำเภอ"
H_ALLOC_VS_NEED = "การจัดสรรเทียบกับความต้องการ (allocation against need)"
H_ALLOC_BY_DISTRICT = "การจัดสรรเทียบกับความต้องการ รายอำเภอ"

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
C_PERIOD_FROM = "ที่มาของรอบ"
C_FOLDER = "โฟลเดอร์"
C_SURVEY = "แบบสำรวจ"
C_RULE = "กฎ (รหัส)"
C_POPULATION = "โรงเรียนที่ต้องส่ง"
C_SUBMITTED = "ส่งแล้ว"
C_REJECTED = "ส่งแล้วแต่ไม่ผ่าน"
C_NOT_SENT = "ไม่ได้ส่ง"
C_COVERAGE = "ส่งแล้ว (%)"
C_STATUS = "สถานะ"
C_REJECTED_ROWS = "แถวที่ถูกกักกัน"
C_REJECTED_RULES = "เหตุที่ไม่ผ่าน"
C_REJECTED_FILES = "แฟ้มที่ส่ง"
C_ALLOCATED_QTY = "ได้รับจัดสรร (หน่วย)"
C_ALLOCATED_BAHT = "ได้รับจัดสรร (บาท)"
C_GAP_QTY = "ส่วนต่าง: ขอทดแทน − จัดสรร (หน่วย)"
C_EST_NEED = "ประมาณการค่าทดแทนที่ขอ (บาท)"
C_GAP_BAHT = "ส่วนต่าง: ความต้องการ − จัดสรร (บาท)"
C_KIND = "ประเภท"
C_CHANGE = "เปลี่ยนจากปีก่อน"
C_NAMED_IN = "แฟ้มที่ถูกปฏิเสธซึ่งชื่อมีรหัสนี้ (ยังไม่ยืนยัน)"

FY = "ปีงบประมาณ"
FY_SHORT = "ปีงบ"
N_SCHOOLS = "{n} โรงเรียน"
N_ROWS = "{n} แถว"
SUBMITTED = "ส่งแล้ว"
COVERAGE_NOTE = "{submitted} จาก {population} โรงเรียน"
HELP_PASS_RATE = "(แถวที่อ่านได้ − แถวที่ถูกกักกัน) ÷ แถวที่อ่านได้ ของแถวในรอบข้อมูลนี้"
HELP_FILE_ERRORS = "แฟ้มที่ถูกปฏิเสธทั้งแฟ้ม (อ่านไม่ได้ ไม่มีคอลัมน์ที่ต้องมี แฟ้มว่าง ฯลฯ) ของรอบนี้"
HELP_SKIPPED = "ไฟล์ล็อกของ Excel ไฟล์ซ่อน ลิงก์ที่ชี้ออกนอก landing/ และไฟล์พิเศษ: ไม่ได้เปิดอ่าน นับแยกจากแฟ้มที่อ่านไม่ได้"
HELP_REJECTED = "โรงเรียนที่ต้องส่ง ไม่มีแถวที่ผ่านในรอบนี้ แต่มีแถวที่ระบุรหัสโรงเรียนนั้นถูกกักกัน"
HELP_NOT_SENT = ("โรงเรียนที่ต้องส่ง และไม่มีแถวใดในรอบนี้ระบุรหัสโรงเรียนนั้น "
                 "(แฟ้มที่ถูกปฏิเสธทั้งแฟ้มไม่ได้ถูกอ่านเป็นแถว จึงไม่นับเป็นของโรงเรียนใด)")
HELP_PERIOD_FROM = ("รอบของแฟ้มมาจากปีในแถวข้อมูลของแฟ้ม; แฟ้มที่ไม่มีแถวข้อมูล (ถูกปฏิเสธทั้งแฟ้มหรือข้าม) "
                    "ใช้ปี พ.ศ. ที่เขียนในชื่อโฟลเดอร์หรือชื่อแฟ้ม ถ้ามีปีเดียว")
HELP_NAMED_IN = ("แฟ้มที่ถูกปฏิเสธทั้งแฟ้ม ซึ่งชื่อแฟ้มมีรหัสโรงเรียนนี้: อาจเป็นแฟ้มของโรงเรียนนี้ "
                 "แต่ชื่อแฟ้มไม่ใช่หลักฐาน จึงยังนับเป็น \"ไม่ได้ส่ง\" — ติดต่อโรงเรียนให้ส่งแฟ้มที่อ่านได้")
HELP_DELTA = "จากปี {year}"
HELP_COST = "จำนวนขอทดแทน × ราคาต่อหน่วยล่าสุดจากบัญชีจัดสรร"

DOWNLOAD_CSV = "ดาวน์โหลด CSV (เปิดด้วย Excel ได้)"
DATA_DOCS_OPEN = "เปิดรายงาน Data Docs (Great Expectations)"
DATA_DOCS_NOT_SERVED = (
    "ขณะนี้ไม่ได้เปิดให้ดู Data Docs ทางเว็บ — ให้เจ้าหน้าที่ ICT เปิดแดชบอร์ดด้วยคำสั่ง `khlang serve` "
    "ซึ่งเปิดให้ดู Data Docs ด้วย  \nData Docs are not being served: start the dashboards with `khlang serve`."
)
DATA_DOCS_BUILT_AT = "แฟ้ม Data Docs บนเครื่องที่รันคลังข้อมูล (on the warehouse machine):"
DATA_DOCS_MISSING = "ยังไม่มี Data Docs — จะสร้างขึ้นเมื่อรัน `khlang ingest`"
NOT_IN_PERIOD = ("ตัวเลขของรอบ {period} ไม่รวม{tables}และแฟ้มที่ไม่ทราบปี "
                 "({rows} แถวที่ถูกกักกัน, {files} แฟ้มที่อ่านไม่ได้, {skipped} รายการที่ข้าม) — "
                 "เลือกรอบ \"ไม่ระบุรอบ\" เพื่อดู")
NO_COVERAGE_WITHOUT_PERIOD = "ความครบถ้วนของการส่งนับเป็นรายปี — เลือกปีในแถบด้านข้าง"
WHOLE_FILES_NOTE = ("แฟ้มเหล่านี้ไม่ได้ถูกอ่านเป็นแถวข้อมูล จึงไม่รู้ว่าเป็นของโรงเรียนใด (ชื่อแฟ้มไม่ใช่หลักฐาน): "
                    "โรงเรียนที่ส่งแฟ้มเหล่านี้ยังนับอยู่ใน \"ไม่ได้ส่ง\" จนกว่าจะส่งแฟ้มที่อ่านได้")
NO_ALLOCATION = "ยังไม่มีบัญชีจัดสรรของปีงบประมาณ {year} — แสดงเฉพาะความต้องการ"
NO_PREVIOUS_YEAR = "ไม่มีข้อมูลปีงบประมาณ {year} ให้เปรียบเทียบ"
UPDATED = "ข้อมูล ณ {when} · รุ่นคลังข้อมูล {version}"
ALL_SUBMITTED = "ทุกโรงเรียนส่งข้อมูลครบแล้ว"
NO_QUARANTINE = "ไม่มีแถวที่ถูกกักกัน"
NO_FILE_ERRORS = "ทุกแฟ้มอ่านได้"
NO_REJECTED = "ไม่มีโรงเรียนที่ส่งแล้วแต่ไม่ผ่าน"
NO_NOT_SENT = "ไม่มีโรงเรียนที่ไม่ได้ส่ง"
STATUSES = {"rejected": "ส่งแล้วแต่ไม่ผ่าน", "not_sent": "ไม่ได้ส่ง"}
STATUS_COLOURS = {"rejected": "#e67e22", "not_sent": "#c0392b"}
PERIOD_FROM = {"rows": "ปีในแถวข้อมูล", "path": "ปีในชื่อโฟลเดอร์/แฟ้ม"}
PERIOD_FROM_NONE = "ไม่ทราบ"
ALLOC_COLOURS = ["#1f6f8b", "#e6a400"]
POINTS = "จุด"

OUTCOMES = {"valid": "ผ่าน", "flagged": "ผ่าน (ต้องตรวจสอบ)", "quarantined": "กักกัน", "superseded": "ถูกแทนที่"}
SEVERITIES = {"quarantine": "กักกัน (quarantine)", "flag": "แจ้งให้ตรวจสอบ (flag)"}
SEVERITY_COLOURS = {"quarantine": "#c0392b", "flag": "#e67e22"}

BAHT = "บาท"
UNIT = "หน่วย"
TIME_SUFFIX = "น."
MONTHS_ABBR = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")

# ---------------------------------------------------------------- digital platforms (contract 3.4)
# Values the platform marts write themselves (warehouse/marts/platform_*.sql), not contract list keys.
USER_TYPE_UNKNOWN = "ไม่ระบุ"  # use counted from events only: the event log has no user type
PUBLIC_DISTRICT = "ผู้ใช้ทั่วไป"  # the district of public users (no school)
ALL_PLATFORMS = "ALL"  # platform_monthly_users, platform_active_schools_weekly: any platform

DATE_RANGE = "ช่วงวันที่ (date range)"
PLATFORM = "แพลตฟอร์ม (platform)"
USER_TYPE = "ประเภทผู้ใช้ (user type)"
MEASURE = "ตัวชี้วัด (measure)"
MONTH = "เดือน (month)"
ALL_PLATFORMS_TH = "ทุกแพลตฟอร์ม (ไม่นับคนซ้ำ)"
NO_PLATFORM_DATA = ("ยังไม่มีสถิติการใช้งานดิจิทัลแพลตฟอร์มในคลังข้อมูล — วางแฟ้มสถิติรายวันหรือบันทึกเหตุการณ์ของแพลตฟอร์ม"
                    "ไว้ใน landing/ แล้วรัน `khlang ingest`  \nNo platform statistics in the warehouse yet.")
NO_USE_IN_RANGE = "ไม่มีการใช้งานในช่วงที่เลือก (no use in the selected range)"
RANGE_NOTE = "ข้อมูล {first} – {last} · เลือก {start} – {end} ({days} วัน)"

M_USER_DAYS = "ผู้ใช้งาน (คน-วัน)"
M_SESSIONS = "จำนวนครั้งที่เข้าใช้"
M_MEDIA_VIEWS = "การเข้าชมสื่อ"
M_DOWNLOADS = "ดาวน์โหลด"
M_MONTH_USERS = "ผู้ใช้งานไม่ซ้ำ เดือน {month}"
M_SCHOOLS_ACTIVE = "โรงเรียนที่ใช้งาน สัปดาห์ {week}"
M_INACTIVE = "โรงเรียนที่ไม่ได้ใช้งาน 30 วัน"
HELP_USER_DAYS = ("ผลรวมผู้ใช้งานรายวัน: คนที่ใช้งาน 5 วันนับ 5 (user-days) — จำนวนคนไม่ซ้ำดูได้ในผู้ใช้งานรายเดือน "
                  "ซึ่งนับจากบันทึกเหตุการณ์")
HELP_MONTH_USERS = "จำนวนผู้ใช้ไม่ซ้ำทุกแพลตฟอร์มที่เลือก นับจากบันทึกเหตุการณ์ (distinct users, event log)"
HELP_SCHOOLS_ACTIVE = "โรงเรียนในทะเบียนที่มีการใช้งานแพลตฟอร์มใดก็ได้ในสัปดาห์ (จันทร์–อาทิตย์) ÷ โรงเรียนในทะเบียน"
HELP_INACTIVE = "โรงเรียนในทะเบียนที่ไม่มีการใช้งานแพลตฟอร์มใดเลยใน 30 วันถึงวันล่าสุดที่มีข้อมูล"
H_TREND_DAY = "แนวโน้มการใช้งานรายวัน (use by day)"
H_TREND_MONTH = "การใช้งานรายเดือน (use by month)"
H_HEATMAP = "ช่วงเวลาที่ใช้งาน: วันในสัปดาห์ × ชั่วโมง (weekday × hour)"
H_MONTHLY_USERS = "ผู้ใช้งานไม่ซ้ำรายเดือน (distinct users per month)"
H_TOP_CONTENT = "สื่อที่มีผู้เข้าชมมากที่สุด (top content)"
H_SCHOOLS_WEEKLY = "สัดส่วนโรงเรียนที่ใช้งานรายสัปดาห์ (schools active each week)"
H_INACTIVE = "โรงเรียนที่ไม่ได้ใช้งานใน 30 วัน (inactive schools)"
H_RECONCILIATION = "สถิติแพลตฟอร์ม: แฟ้มรายวันเทียบบันทึกเหตุการณ์ (daily file against event log)"
H_RECONCILIATION_OFF = "วันที่ไม่ตรงกันหรือมีข้อมูลฝั่งเดียว (days that differ or have one source only)"
TAB_RECONCILIATION = "สถิติแพลตฟอร์ม"
N_DAYS = "วัน"
NOTE_TREND = ("วันที่แพลตฟอร์มส่งแฟ้มสถิติรายวัน ใช้ตัวเลขของแฟ้มนั้นแยกตามประเภทผู้ใช้; วันที่มีแต่บันทึกเหตุการณ์ "
              "ใช้ตัวเลขที่นับจากเหตุการณ์ ประเภทผู้ใช้ \"ไม่ระบุ\" (daily file first, events where none)")
NOTE_MONTH = "ทั้งเดือนของทุกเดือนที่อยู่ในช่วงวันที่ที่เลือก (whole months)"
NOTE_EVENTS_ONLY = ("นับจากบันทึกเหตุการณ์ซึ่งไม่มีประเภทผู้ใช้: ตัวกรองประเภทผู้ใช้ไม่มีผลกับส่วนนี้ "
                    "(event log: the user-type filter does not apply)")
NOTE_TOP_CONTENT = "20 อันดับแรกของแต่ละแพลตฟอร์มในเดือนที่เลือก เรียงตามการเข้าชม"
NOTE_INACTIVE = ("ณ วันที่ {as_of}: ไม่มีการใช้งานแพลตฟอร์มใดเลยตั้งแต่ {start} (30 วัน) · "
                 "ไม่ขึ้นกับตัวกรองด้านข้าง (all platforms, not filtered)")
NOTE_RECONCILIATION = ("ตามสัญญาข้อมูล 3.4 ตัวเลขที่นับจากบันทึกเหตุการณ์ต้องเท่ากับแฟ้มสถิติรายวันของแพลตฟอร์ม: "
                       "ส่วนต่าง = แฟ้มรายวัน − บันทึกเหตุการณ์ ต่อแพลตฟอร์มและวัน "
                       "(ผู้ใช้งาน: ผลรวมทุกโรงเรียนและประเภทผู้ใช้ เทียบกับผู้ใช้ไม่ซ้ำของวันนั้น; ครั้งที่เข้าใช้: เทียบกับจำนวน login)")
ALL_RECONCILED = "แฟ้มรายวันตรงกับบันทึกเหตุการณ์ทุกวัน (every day matches)"
NO_RECONCILIATION = "ไม่มีสถิติแพลตฟอร์มในรอบนี้ (no platform statistics in this period)"
NEVER = "ไม่เคยใช้งาน"
NO_INACTIVE = "ทุกโรงเรียนในทะเบียนมีการใช้งานแพลตฟอร์มใน 30 วันล่าสุด (every school used a platform)"

C_DATE = "วันที่"
C_WEEK = "สัปดาห์ที่เริ่ม (จันทร์)"
C_HOUR = "ชั่วโมง"
C_WEEKDAY = "วัน"
C_EVENTS = "จำนวนเหตุการณ์"
C_ACTIVE_USERS = "ผู้ใช้งานไม่ซ้ำ (คน)"
C_CONTENT = "รหัสสื่อ"
C_RANK = "อันดับ"
C_VIEWS = "เข้าชม (ครั้ง)"
C_DOWNLOADS = "ดาวน์โหลด (ครั้ง)"
C_QUIZ = "ส่งแบบทดสอบ (ครั้ง)"
C_USERS = "ผู้ใช้ไม่ซ้ำ (คน)"
C_HOURS = "เวลาใช้งานรวม (ชั่วโมง)"
C_ACTIVE_SCHOOLS = "โรงเรียนที่ใช้งาน"
C_REGISTER_SCHOOLS = "โรงเรียนในทะเบียน"
C_SHARE = "สัดส่วน (%)"
C_LAST_ACTIVE = "ใช้งานล่าสุด"
C_DAYS_INACTIVE = "ไม่ได้ใช้งาน (วัน)"
C_DIFF_USERS = "ส่วนต่างผู้ใช้งาน"
C_DIFF_SESSIONS = "ส่วนต่างครั้งที่เข้าใช้"
H_DIFF_USERS = "ผู้ใช้งาน: แฟ้มรายวัน − บันทึกเหตุการณ์ (active users: daily − events)"
H_DIFF_SESSIONS = "ครั้งที่เข้าใช้: แฟ้มรายวัน − จำนวน login (sessions: daily − logins)"
C_DAILY_USERS = "ผู้ใช้งาน: แฟ้มรายวัน"
C_EVENTS_USERS = "ผู้ใช้งาน: เหตุการณ์"
C_DAILY_SESSIONS = "ครั้งที่เข้าใช้: แฟ้มรายวัน"
C_EVENTS_SESSIONS = "ครั้งที่เข้าใช้: เหตุการณ์ (login)"
MEASURES = {"active_users": M_USER_DAYS, "sessions": M_SESSIONS, "media_views": M_MEDIA_VIEWS,
            "downloads": M_DOWNLOADS}
RECONCILIATION_STATUSES = {"match": "ตรงกัน", "differs": "ไม่ตรงกัน", "daily_only": "มีแต่แฟ้มรายวัน",
                           "events_only": "มีแต่บันทึกเหตุการณ์"}
RECONCILIATION_COLOURS = {"match": "#2e8b57", "differs": "#c0392b", "daily_only": "#e6a400", "events_only": "#99a8b2"}
WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")  # ISO 1..7
PLATFORM_COLOURS = ["#1f6f8b", "#e6a400", "#2e8b57", "#8e44ad"]
ALL_COLOUR = "#333333"

# ---------------------------------------------------------------- DLIT use (contract 3.3, app_pages/dlit.py)
# Column headers and the five services' names come from the contract (column(), dlit_services()).
PAGE_DLIT = ("การใช้งาน DLIT", "DLIT adoption")
NO_DLIT_DATA = ("ยังไม่มีข้อมูลการใช้งาน DLIT ในคลังข้อมูล — วางแฟ้มแบบสำรวจ DLIT ของโรงเรียนไว้ใน landing/ "
                "แล้วรัน `khlang ingest`  \nNo DLIT usage data has been published yet.")
NO_DLIT_IN_TERM = "ไม่มีแถวที่ผ่านการตรวจใน{term} (no accepted DLIT rows this semester)"
NO_PREVIOUS_TERM = "ไม่มีข้อมูล{term}ให้เปรียบเทียบ"
HELP_DELTA_TERM = "จาก{term}"
M_DLIT_REPORTING = "โรงเรียนที่รายงาน"
M_DLIT_SHARE = "สัดส่วนครูที่ใช้ DLIT"
M_DLIT_SATISFACTION = "ความพึงพอใจเฉลี่ย (1–5)"
M_DLIT_INTERNET = "ความเร็วอินเทอร์เน็ตเฉลี่ย (Mbps)"
MBPS = "Mbps"
HOURS = "ชม."
PEOPLE = "คน"
DLIT_REPORTING_NOTE = ("รายงานแล้ว {submitted} จาก {population} โรงเรียนในทะเบียน · {not_sent_label} {not_sent} · "
                       "{rejected_label} {rejected}")
HELP_DLIT_REPORTING = ("โรงเรียนในทะเบียนที่มีแถวผ่านการตรวจ (ผ่าน หรือ ผ่านแต่ต้องตรวจสอบ) ของภาคเรียนนี้ "
                       "÷ โรงเรียนในทะเบียนทั้งหมด ({rule})")
HELP_DLIT_TEACHERS = "รวมทุกโรงเรียนที่รายงาน: ใช้ DLIT {using} จากครูทั้งหมด {total} คน"
HELP_DLIT_SHARE = "ครูที่ใช้ DLIT ÷ จำนวนครูทั้งหมด ของโรงเรียนที่รายงานในภาคเรียนนี้"
HELP_DLIT_MEAN = "ค่าเฉลี่ยของโรงเรียนที่รายงานและกรอกช่องนี้"
NOTE_DLIT = ("นับเฉพาะแถวที่ผ่านการตรวจ (ผ่าน และ ผ่านแต่ต้องตรวจสอบ) ของโรงเรียนในทะเบียน · "
             "แผนภูมิแสดงทุกภาคเรียนของปีการศึกษาที่เลือก")
H_DLIT_SERVICES = "โรงเรียนที่ใช้บริการ DLIT แต่ละด้าน (schools using each service)"
H_DLIT_BY_DISTRICT = "สัดส่วนครูที่ใช้ DLIT รายอำเภอ (teachers using DLIT by district)"
H_DLIT_TREND = "แนวโน้มรายภาคเรียน (adoption by semester)"
H_DLIT_SCHOOLS = "รายโรงเรียน (schools)"
H_DLIT_MISSING = "โรงเรียนที่ไม่ได้รายงาน (schools that did not report)"
NOTE_DLIT_TREND = "ทุกภาคเรียนที่มีข้อมูล: สัดส่วนครูที่ใช้ DLIT และสัดส่วนโรงเรียนในทะเบียนที่รายงาน ({rule})"
ALL_REPORTED = "ทุกโรงเรียนในทะเบียนรายงาน{term}ครบแล้ว"
C_SERVICE = "บริการ DLIT"
C_SERVICES_USED = "จำนวนบริการที่ใช้ (จาก {n})"
C_SERVICE_NAMES = "บริการที่ใช้"
C_SCHOOLS_REPORTING = "โรงเรียนที่รายงาน"
C_SCHOOLS_USING = "โรงเรียนที่มีครูใช้ DLIT"
C_SHARE_REPORTING = "ร้อยละของโรงเรียนที่รายงาน"
C_TEACHERS_USING_PCT = "ครูที่ใช้ DLIT (%)"
C_REPORTING_PCT = "โรงเรียนที่รายงาน (%)"
C_MEAN_HOURS = "ชั่วโมงใช้งานต่อสัปดาห์ (เฉลี่ย)"
C_MEAN_INTERNET = "ความเร็วอินเทอร์เน็ต Mbps (เฉลี่ย)"
C_MEAN_SATISFACTION = "ความพึงพอใจ (เฉลี่ย)"
TERM_COLOURS = ["#1f6f8b", "#e6a400", "#2e8b57", "#8e44ad", "#99a8b2", "#c0392b"]


def platforms() -> dict[str, str]:
    """Platform key -> Thai name, in contract order (DLTV, DLIT, ELEARNING, MEDIA)."""
    return {p.key: p.th for p in lists()["platforms"]}


def platform_name(key: str) -> str:
    """Thai name of a platform key; ALL -> every platform, counted once; unknown keys as they are."""
    return ALL_PLATFORMS_TH if key == ALL_PLATFORMS else platforms().get(key, key)


def user_types() -> dict[str, str]:
    """User type key -> Thai name (contract order), then the marts' "unknown" (event-only days)."""
    return {**{u.key: u.th for u in lists()["user_types"]}, USER_TYPE_UNKNOWN: f"{USER_TYPE_UNKNOWN} (จากบันทึกเหตุการณ์)"}


def event_types() -> dict[str, str]:
    return {e.key: e.th for e in lists()["event_types"]}


def thai_date(d) -> str:
    """`5 ม.ค. 2569` (BE); "–" for None."""
    return "–" if d is None else f"{d.day} {MONTHS_ABBR[d.month - 1]} {d.year + BE_OFFSET}"


def thai_month(d) -> str:
    """`ม.ค. 2569` (BE) for any day of the month; "–" for None."""
    return "–" if d is None else f"{MONTHS_ABBR[d.month - 1]} {d.year + BE_OFFSET}"


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


def dlit_services() -> dict[str, str]:
    """The five DLIT services: tick column -> its Thai header (DLIT Classroom, ...), in contract order."""
    return {c.name: c.header_th for c in contracts()["dlit_usage"].columns if c.type == "bool"}


def term(year: int, semester: int) -> str:
    """`ภาคเรียน 1/2568`: a semester of a BE academic year as Thai schools write it (headers from the contract)."""
    return f"{column('dlit_usage', 'semester')} {semester}/{year}"


def coverage_part(survey: str, rule_id: str, part: str | None) -> str:
    """` ภาคเรียน 1` for a coverage line counted per part of its period (contract `per:`); else empty."""
    entry = next((e for e in contracts()[survey].coverage if e.id == rule_id), None) if survey in contracts() else None
    return f" {column(survey, entry.per)} {part}" if part and entry and entry.per else ""


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


_PAREN = re.compile(r"\s*\([^()]*\)")


def no_period_label() -> str:
    """The quality page's "no period" choice, naming the contract tables that have no period."""
    return f"{NO_PERIOD}: {undated_tables()} และแฟ้มที่ไม่ทราบปี (no period)"


def undated_tables() -> str:
    """Thai names of the contract tables without a period (today the school register)."""
    return ", ".join(c.th for c in contracts().values() if not c.period)


def rule_short(rule_id: str, th: str | None = None) -> str:
    """A rule's Thai meaning short enough for a chart axis or a filter: its criterion without the
    bracketed details (thresholds, values) or the advice after a dash; when still long, the heading
    before its colon (DLTV-03: `จำนวนอุปกรณ์เกินเกณฑ์`). The full criterion stays in the tables."""
    text = rule_text(rule_id, th).split(" — ")[0]
    text = _PAREN.sub("", text)
    if len(text) > 60 and ": " in text:
        text = text.split(": ")[0]
    return " ".join(text.split()) or rule_id


def rule_label(rule_id: str, th: str | None = None) -> str:
    """`Thai meaning (DLTV-04)`: what a director reads, with the code beside it for ICT staff."""
    short = rule_short(rule_id, th)
    return rule_id if short == rule_id else f"{short} ({rule_id})"


# ---------------------------------------------------------------- school map (app_pages/map.py)
# The figures a map can colour by, with their Thai labels, are listed in dashboards/map_figures.py.
PAGE_MAP = ("แผนที่โรงเรียน", "School map")
MAP_FIGURE = "ระบายสีตาม (colour by)"
MAP_DETAIL_TITLE = "โรงเรียนในเขตพื้นที่ (วงกลมสีเทากลวง: ไม่มีข้อมูล)"
MAP_LOCATOR_TITLE = "ที่ตั้งในประเทศไทย"
MAP_NO_VALUE = "ไม่มีข้อมูล"
MAP_NO_VALUE_COLOUR = "#b0b0b0"
MAP_SUBMITTED_COLOUR = "#2e8b57"
MAP_NOT_REQUIRED = "ไม่อยู่ในกลุ่มที่ต้องส่ง"
MAP_NOTE_DLTV = "ผลรวมทุกรายการอุปกรณ์จากแบบสำรวจ DLTV ที่ผ่านการตรวจของแต่ละโรงเรียน; โรงเรียนที่ไม่ได้ส่งแสดงเป็น \"ไม่มีข้อมูล\""
MAP_DRAWN = "แสดงบนแผนที่ {drawn} โรงเรียน · ไม่ได้แสดง {off} โรงเรียน (รายชื่อด้านล่าง)"
MAP_NOTE_OFFLINE = ("เส้นเขตแดนประเทศจาก Natural Earth (สาธารณสมบัติ) ที่ติดมากับโปรแกรม ไม่ได้โหลดแผนที่จากอินเทอร์เน็ต · "
                    "ชื่ออำเภอวางไว้กลางกลุ่มโรงเรียนของอำเภอนั้น (ไม่มีเส้นเขตอำเภอ)")
H_OFF_MAP = "โรงเรียนที่ไม่ได้แสดงบนแผนที่ (schools not on the map)"
OFF_MAP_NOTE = "ไม่มีพิกัด หรือพิกัดอยู่นอกประเทศไทย (มักสลับละติจูดกับลองจิจูด หรือจุดทศนิยมหาย): แก้ในทะเบียนแล้วรันใหม่"
ALL_ON_MAP = "ทุกโรงเรียนมีพิกัดในประเทศไทย แสดงบนแผนที่ครบ"
C_OFF_MAP_REASON = "เหตุที่ไม่แสดง"
OFF_MAP_REASONS = {"no_coordinates": "ไม่มีพิกัด", "outside_thailand": "พิกัดอยู่นอกประเทศไทย (SCH-05)"}
H_MAP_TABLE = "ตารางรายโรงเรียน"


# ---------------------------------------------------------------- the four areas (contract 3.5, app_pages/admin.py)
# Tabs are the contract sheets' names, columns the contract headers, grades, subjects, categories,
# positions and conditions the contract lists (coded(), sheet(), column()).
PAGE_ADMIN = ("ข้อมูล 4 ด้าน", "Four-area information")
NO_ADMIN_DATA = ("ยังไม่มีข้อมูลสารสนเทศ 4 ด้านในคลังข้อมูล — วางแฟ้มข้อมูล 4 ด้านของโรงเรียนไว้ใน landing/ "
                 "แล้วรัน `khlang ingest`  \nNo four-area information has been published yet.")
NO_ADMIN_IN_YEAR = "ไม่มีแถวที่ผ่านการตรวจของ{what}ใน{year} (no accepted rows)"
IN_ACADEMIC_YEAR = "ปีการศึกษา {year}"
IN_FISCAL_YEAR = "ปีงบประมาณ {year}"
ADMIN_REPORTING_NOTE = ("ส่งแล้ว {submitted} จาก {population} โรงเรียนในทะเบียน ({rule}) · "
                        "{not_sent_label} {not_sent} · {rejected_label} {rejected}")
NOTE_ADMIN = ("นับเฉพาะแถวที่ผ่านการตรวจ (ผ่าน และ ผ่านแต่ต้องตรวจสอบ) ของโรงเรียนในทะเบียน · "
              "ด้านงบประมาณเลือกปีงบประมาณแยกจากปีการศึกษา")
M_STUDENTS_COUNTED = "นักเรียนรวมทุกชั้น"
M_BOYS = "นักเรียนชาย"
M_GIRLS = "นักเรียนหญิง"
M_RECEIVED = "ได้รับจัดสรรรวม"
M_SPENT = "เบิกจ่ายรวม"
M_SPENT_PCT = "เบิกจ่ายแล้ว"
M_TEACHERS = "ครูที่มีอยู่จริง (ครู + ครูอัตราจ้าง)"
M_STUDENTS_PER_TEACHER = "นักเรียนต่อครู 1 คน"
M_SHORTAGE = "โรงเรียนที่ขาดแคลนครู"
M_INTERNET = "โรงเรียนที่มีอินเทอร์เน็ต"
M_MEAN_MBPS = "ความเร็วอินเทอร์เน็ตเฉลี่ย"
M_COMPUTERS = "คอมพิวเตอร์ (เครื่อง)"
HELP_COMPUTERS = "เครื่องเพื่อการเรียนการสอน + เครื่องเพื่อการบริหาร"
M_POOR_BUILDINGS = "โรงเรียนที่อาคารทรุดโทรม"
HELP_STUDENTS_COUNTED = "ผลรวมนักเรียนชายและหญิงทุกชั้น ของโรงเรียนที่ส่งด้านวิชาการและผ่านการตรวจ"
HELP_SPENT_PCT = "เบิกจ่าย ÷ ได้รับจัดสรร ของทุกหมวดและทุกโรงเรียนที่ส่งด้านงบประมาณ"
HELP_STUDENTS_PER_TEACHER = "นักเรียนตามทะเบียน ÷ ครูที่มีอยู่จริง (ครู + ครูอัตราจ้าง) ของโรงเรียนที่ส่ง"
HELP_SHORTAGE = ("นักเรียนต่อครูเกิน {threshold:g} คน (PER-03) หรือมีนักเรียนแต่ไม่มีครูเลย · "
                 "จาก {n} โรงเรียนที่ส่งด้านบริหารงานบุคคล")
HELP_MEAN_MBPS = "เฉลี่ยเฉพาะโรงเรียนที่มีอินเทอร์เน็ต"
H_STUDENTS_BY_GRADE = "นักเรียนรายชั้น แยกชาย–หญิง (students by grade and sex)"
H_ONET = "คะแนนเฉลี่ย O-NET รายวิชา เทียบค่าเฉลี่ยเขตพื้นที่ (O-NET by subject against the area mean)"
H_ONET_SCHOOLS = "คะแนน O-NET รายโรงเรียน เทียบค่าเฉลี่ยอำเภอและเขตพื้นที่"
H_BUDGET = "งบประมาณที่ได้รับจัดสรรและเบิกจ่าย รายหมวด (received and spent by category)"
H_BUDGET_BY_DISTRICT = "งบประมาณรายอำเภอ"
H_STUDENTS_PER_TEACHER = "นักเรียนต่อครู 1 คน รายโรงเรียน (เส้นประ: เกณฑ์ {threshold:g} คน, PER-03)"
H_SHORTAGE_LIST = "โรงเรียนที่ขาดแคลนครู (teacher shortage)"
H_INTERNET_BY_DISTRICT = "โรงเรียนที่มีอินเทอร์เน็ต รายอำเภอ (internet by district)"
H_CONDITION_BY_DISTRICT = "สภาพอาคารเรียน รายอำเภอ (building condition by district)"
H_INFRA_BY_DISTRICT = "สรุปรายอำเภอ (district summary)"
NO_SHORTAGE = "ไม่มีโรงเรียนที่ขาดแคลนครูในปีนี้"
ONET_LEVEL = "ระดับชั้นที่สอบ"
NOTE_ONET = ("แท่ง: ค่าเฉลี่ยของโรงเรียนในแต่ละอำเภอ · ขีดสีดำ: ค่าเฉลี่ยทั้งเขตพื้นที่ · "
             "ค่าเฉลี่ยคือค่าเฉลี่ยของคะแนนเฉลี่ยรายโรงเรียน (โรงเรียนละ 1 ค่า)")
C_GRADE = "ชั้น"
C_SEX = "เพศ"
C_STUDENTS = "จำนวนนักเรียน (คน)"
C_SUBJECT = "วิชา"
C_SCORE = "คะแนนเฉลี่ย"
C_DISTRICT_MEAN = "ค่าเฉลี่ยอำเภอ"
C_AREA_MEAN = "ค่าเฉลี่ยเขตพื้นที่"
C_DIFF_DISTRICT = "ต่างจากค่าเฉลี่ยอำเภอ"
C_DIFF_AREA = "ต่างจากค่าเฉลี่ยเขตพื้นที่"
C_SCHOOLS_WITH_SCORE = "โรงเรียนที่มีคะแนน"
C_BAHT = "จำนวนเงิน (บาท)"
C_AMOUNT_KIND = "รายการ"
C_SPENT_PCT = "เบิกจ่าย (%)"
C_TEACHERS = "ครูที่มีอยู่จริง (ครู + ครูอัตราจ้าง)"
C_STUDENTS_PER_TEACHER = "นักเรียนต่อครู 1 คน"
C_TEACHER_VACANCIES = "อัตราว่าง (ครู + ครูอัตราจ้าง)"
C_VACANCIES = "อัตราว่างทุกตำแหน่ง"
C_STAFF_IN_POST = "บุคลากรที่มีอยู่จริงทุกตำแหน่ง"
C_SHORTAGE = "ขาดแคลนครู"
C_SCHOOLS_INTERNET = "โรงเรียนที่มีอินเทอร์เน็ต"
C_INTERNET_PCT = "มีอินเทอร์เน็ต (%)"
C_MEAN_MBPS = "ความเร็วเฉลี่ย (Mbps)"
C_NO_ELECTRICITY = "โรงเรียนที่ไม่มีไฟฟ้า"
C_STUDENTS_PER_COMPUTER = "นักเรียนต่อคอมพิวเตอร์เพื่อการเรียนการสอน 1 เครื่อง"
C_MEAN_DISTANCE = "ระยะทางถึง สพท. เฉลี่ย (กม.)"
C_CONDITION_SCHOOLS = "โรงเรียน (แยกตามสภาพอาคาร)"
SHORTAGE_COLOURS = {True: "#c0392b", False: "#1f6f8b"}
SHORTAGE_LABELS = {True: "ขาดแคลนครู", False: "ไม่ขาดแคลน"}
AMOUNT_COLOURS = ["#1f6f8b", "#e6a400"]
SEX_COLOURS = ["#1f6f8b", "#e6a400"]
CONDITION_COLOURS = ["#2e8b57", "#e6a400", "#c0392b"]  # building_conditions in contract order
YES, NO = "มี", "ไม่มี"
MAP_NOTE_TEACHERS = ("จากด้านบริหารงานบุคคลของข้อมูล 4 ด้าน: นักเรียนตามทะเบียน ÷ ครูที่มีอยู่จริง "
                     "(ครู + ครูอัตราจ้าง); เกิน 25 คนถือว่าขาดแคลนครู (PER-03) · "
                     "โรงเรียนที่ไม่มีครูเลยหรือไม่ได้ส่งแสดงเป็น \"ไม่มีข้อมูล\"")
MAP_NOTE_INTERNET = ("จากด้านบริหารทั่วไปของข้อมูล 4 ด้าน: โรงเรียนที่ตอบว่าไม่มีอินเทอร์เน็ตแสดงเป็น 0 Mbps · "
                     "โรงเรียนที่ไม่ได้ส่งแสดงเป็น \"ไม่มีข้อมูล\"")

# ---------------------------------------------------------------- one school (app_pages/school.py)
PAGE_SCHOOL = ("โปรไฟล์โรงเรียน", "School profile")
PICK_SCHOOL = "เลือกโรงเรียน (พิมพ์รหัสหรือชื่อเพื่อค้นหา)"
PICK_SCHOOL_HINT = "พิมพ์รหัสสถานศึกษา รหัส SMIS หรือชื่อโรงเรียน"
CHOOSE_SCHOOL = "เลือกโรงเรียนจากช่องด้านบนเพื่อดูข้อมูลทุกแบบสำรวจของโรงเรียนนั้น"
NO_SCHOOLS = "ยังไม่มีโรงเรียนในทะเบียนที่เผยแพร่ (no register schools)"
H_REGISTER = "ข้อมูลจากทะเบียนโรงเรียน (register)"
H_LATEST_ADMIN = "ข้อมูล 4 ด้านล่าสุด (latest four-area figures)"
H_SCHOOL_DLTV = "แบบสำรวจ DLTV รายปีงบประมาณ"
H_SCHOOL_DLIT = "การใช้งาน DLIT รายภาคเรียน"
H_SCHOOL_ADMIN = "ข้อมูล 4 ด้าน รายปี"
H_SCHOOL_QUARANTINE = "แถวของโรงเรียนที่ถูกกักกัน พร้อมเหตุผล"
H_SCHOOL_COVERAGE = "การส่งข้อมูลตามเกณฑ์ความครบถ้วน (ทุกแบบสำรวจ ทุกรอบ)"
NO_SCHOOL_ROWS = "ไม่มีข้อมูลของโรงเรียนนี้ (no rows)"
NO_SCHOOL_QUARANTINE = "ไม่มีแถวของโรงเรียนนี้ที่ถูกกักกัน"
NO_SCHOOL_MISSING = "โรงเรียนนี้ส่งข้อมูลครบทุกรอบที่ต้องส่ง"
SCHOOL_MISSING_NOTE = "ยังไม่ส่ง {n} รอบ ({not_sent_label} {not_sent} · {rejected_label} {rejected})"
NOT_REQUIRED = "ไม่อยู่ในกลุ่มที่ต้องส่ง"
C_FIELD = "รายการ"
C_VALUE = "ข้อมูล"
C_LATEST_YEAR = "ปีการศึกษาของข้อมูล"
COVERAGE_STATUSES = {"submitted": SUBMITTED, **STATUSES, "not_required": NOT_REQUIRED}
C_ELIGIBLE = "มีสิทธิ์รับการสนับสนุน DLTV"
TRUE_FALSE = {True: "ใช่", False: "ไม่ใช่"}
HAS = {True: YES, False: NO}
NO_ADMIN_FOR_SCHOOL = "ยังไม่มีข้อมูล 4 ด้านของโรงเรียนนี้ที่ผ่านการตรวจ"
LATEST_OF = "ข้อมูลปีการศึกษา {year}"


def coded(list_name: str) -> dict[str, str]:
    """A contract list's keys -> Thai labels, in contract order (grades, onet_subjects, budget_categories, ...)."""
    return {i.key: i.th for i in lists()[list_name]}


def sheet(table_name: str) -> str:
    """The contract sheet's name of a table (ด้านวิชาการ, ...): the four-area page's tab titles."""
    c = contracts()[table_name]
    return c.sheet or c.th


def condition_columns() -> dict[str, str]:
    """infrastructure_by_district's counts of schools per building condition (`schools_good`, ...) -> the
    condition's Thai name (ดี, ...), in contract order: the mart names them by the list's English labels."""
    return {f"schools_{i.en}": i.th for i in lists()["building_conditions"]}


# Login and roles (dashboards/access.py; roles and the lock are pipelines/users.py).
LOGIN = ("เข้าสู่ระบบ", "Log in to the dashboards")
USERNAME = "ชื่อผู้ใช้ (username)"
PASSWORD = "รหัสผ่าน (password)"
LOGIN_BUTTON = "เข้าสู่ระบบ (Log in)"
LOGOUT_BUTTON = "ออกจากระบบ (Log out)"
LOGGED_OUT = "ออกจากระบบแล้ว (logged out)"
HOME_PAGE = "หน้าแรก"
LOGIN_EMPTY = "กรุณากรอกชื่อผู้ใช้และรหัสผ่าน (enter your username and password)"
LOGIN_WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง (wrong username or password)"
LOGIN_LOCKED = (
    "บัญชีนี้ถูกล็อกชั่วคราว เพราะใส่รหัสผ่านผิด {n} ครั้งติดกัน — ลองใหม่หลัง {until} "
    "หรือให้เจ้าหน้าที่ ICT ตั้งรหัสผ่านใหม่ (this account is locked after {n} failed attempts until {until}; "
    "ICT staff can set a new password)"
)
PAGE_REFUSED = (
    "หน้า “{page}” ไม่อยู่ในสิทธิ์ของบทบาท {role} — หากจำเป็นต้องใช้ โปรดติดต่อเจ้าหน้าที่ ICT "
    "(your role may not open this page)"
)
NO_ROLE = "บัญชีนี้ไม่มีบทบาทที่ระบบรู้จัก ({role}) — โปรดติดต่อเจ้าหน้าที่ ICT (this account has no known role)"
AUDIT_FAILED = "บันทึกการใช้งานไม่ได้ — แจ้งเจ้าหน้าที่ ICT: {th} (the audit log cannot be written: {en})"
OWN_SCHOOL_ONLY = "บัญชีของโรงเรียนดูได้เฉพาะข้อมูลของโรงเรียนตนเอง (a school account sees its own school only)"
SCHOOL_NOT_IN_REGISTER = (
    "ไม่พบรหัสสถานศึกษา {code} ของบัญชีนี้ในทะเบียนที่เผยแพร่ — โปรดติดต่อเจ้าหน้าที่ ICT "
    "(this account's school code is not in the published register)"
)


OFFICE_REFUSED = (
    "บัญชี {user} ({office_th}) ไม่ได้อยู่ใน{here_th} จึงดูข้อมูลที่นี่ไม่ได้ — โปรดติดต่อเจ้าหน้าที่ ICT ของเขตพื้นที่  \n"
    "The account {user} ({office_en}) is not of {here_en}, so it sees no data here: ask your office's ICT staff."
)
OFFICE_FOLDER_WRONG = (
    "โฟลเดอร์ข้อมูลของเขต {code} ในที่เก็บข้อมูลระดับประเทศไม่ได้ระบุว่าเป็นของเขต {code} (office.json) จึงไม่แสดงข้อมูล "
    "— แจ้งเจ้าหน้าที่ ICT  \nThe national root's folder of office {code} does not name office {code} (office.json), "
    "so nothing is shown: tell the ICT staff."
)
OFFICE_PICK = "เขตพื้นที่ที่ดูข้อมูล (office)"
NO_OFFICE = ("ไม่ได้ระบุเขตพื้นที่", "no office set")
ALL_OFFICES_NAME = ("ทุกเขตพื้นที่ (ส่วนกลาง)", "every office: national staff")


def office(code: str | None) -> tuple[str, str]:
    """An office's (Thai, English) names with its code, from pipelines.office (UNSET's for "0000")."""
    from pipelines.office import UNSET, offices
    from pipelines.users import ALL_OFFICES

    if code is None:
        return NO_OFFICE
    if code == ALL_OFFICES:
        return ALL_OFFICES_NAME
    found = UNSET if code == UNSET.code else offices().get(code)
    if found is None:
        return (f"รหัสเขต {code} ที่ระบบไม่รู้จัก", f"unknown office code {code}")
    return (f"{found.th} ({code})", f"{found.en} ({code})")


def role(key: str) -> str:
    """A role's Thai name with the English beside it: `ผู้อำนวยการ สพท. (Director)`."""
    th, en = ROLES.get(key, (key, key))
    return f"{th} ({en})"


# ---------------------------------------------------------------- director's sign-off (app_pages/approvals.py)
PAGE_APPROVALS = ("อนุมัติการส่งออก สพฐ.", "Director's sign-off of OBEC exports")
APPROVALS_INTRO = (
    "ผลการส่งออกข้อมูลให้ สพฐ. ที่เจ้าหน้าที่เตรียมไว้ (khlang export obec) รอ ผอ.สพท. พิจารณา: อนุมัติ หรือส่งกลับแก้ไข"
    "พร้อมเหตุผล ส่ง สพฐ. ได้เฉพาะผลการส่งออกที่อนุมัติแล้ว และไม่มีไฟล์ใดถูกแก้ไขหลังอนุมัติ "
    "(exports prepared by staff await the director's approval or return; only an approved, unchanged export is released)"
)
TAB_AWAITING = "รออนุมัติ"
TAB_APPROVED = "อนุมัติแล้ว"
TAB_RETURNED = "ส่งกลับแก้ไข"
TAB_CHANGED = "ถูกแก้ไข ต้องส่งออกใหม่"
NO_EXPORTS = ("ยังไม่มีผลการส่งออกที่เสนอ ผอ.สพท. — เจ้าหน้าที่ ICT เตรียมด้วยคำสั่ง khlang export obec "
              "(no export has been prepared yet)")
NONE_HERE = "ไม่มีรายการ (none)"
EXPORT_OF = "{survey} · รอบข้อมูล {period}"
EXPORT_FROM = "โฟลเดอร์ {folder} · ส่งออกเมื่อ {when} โดย {user}"
M_EXPORTED = "แถวที่ส่งออก"
M_COVERAGE_RULE = "ส่งข้อมูลแล้ว ({rule})"
COVERAGE_VALUE = "{submitted:,} / {population:,} โรง ({pct})"
M_RULES_PASSED = "กฎที่ผ่านทุกแถว"
M_RULES_FAILED = "กฎที่มีแถวไม่ผ่าน"
VERSION_OF = "จากคลังข้อมูลรุ่น {version} ปรับปรุงเมื่อ {when}"
C_RESULT = "ผลการตรวจ"
RULE_PASSED = "ผ่าน"
RULE_FAILED = "ไม่ผ่าน"
MANIFEST_SHA = "รหัสตรวจสอบ (sha256) ของ manifest.json ที่พิจารณา: {sha}"
APPROVE_BUTTON = "อนุมัติ (Approve)"
RETURN_REASON = "เหตุผลที่ส่งกลับแก้ไข (reason, required)"
RETURN_BUTTON = "ส่งกลับแก้ไข (Return)"
REASON_REQUIRED = "กรุณาระบุเหตุผลที่ส่งกลับแก้ไข (a reason is required)"
DONE_APPROVED = "อนุมัติ {what} แล้ว — เจ้าหน้าที่ ICT ส่ง สพฐ. ได้ด้วยคำสั่ง khlang release (approved)"
DONE_RETURNED = "ส่งกลับ {what} ให้แก้ไขแล้ว (returned)"
DECIDED_BY = "{decision}โดย {name} ({user}) เมื่อ {when}"
RETURN_REASON_SHOWN = "เหตุผล: {reason}"
READY_TO_RELEASE = "รอเจ้าหน้าที่ ICT ส่งออกด้วยคำสั่ง `khlang release {folder}` (approved, not yet released)"
RELEASED_TO = "ส่งออกแล้วไปที่ {to} เมื่อ {when} โดย {user} (released)"
FOLDERS_GONE = "ไม่พบผลการส่งออกในโฟลเดอร์ต่อไปนี้แล้ว (ถูกย้ายหรือลบ; not found): {folders}"


# ---------------------------------------------------------------- access requests and usage (app_pages/access_*.py, usage.py)
PAGE_ACCESS_REQUEST = ("ขอสิทธิ์เข้าถึงข้อมูล", "Request access to information")
PAGE_ACCESS_REVIEW = ("พิจารณาคำร้องขอสิทธิ์", "Access requests to decide")
PAGE_USAGE = ("สถิติการใช้งานระบบ", "Usage of the system")


# ---------------------------------------------------------------- a school sends its file (app_pages/upload.py)
PAGE_UPLOAD = ("ส่งไฟล์ข้อมูล", "Send a data file")
UPLOAD_INTRO = (
    "ส่งแบบสำรวจของโรงเรียน (DLTV, DLIT หรือข้อมูลสารสนเทศ 4 ด้าน) เป็นไฟล์ .xlsx .xls หรือ .csv ขนาดไม่เกิน {mb} MB "
    "ระบบตรวจไฟล์ด้วยเกณฑ์เดียวกับคำสั่ง `khlang check` ก่อนรับ: รับเฉพาะไฟล์ที่ไม่มีแถวที่ต้องแก้ไข (✗) "
    "และมีเฉพาะแถวของโรงเรียนตนเอง แถวที่มีข้อสังเกต (!) ส่งได้ โปรดตรวจตามข้อความ  \n"
    "(send your school's survey file; it is checked as `khlang check` checks it and accepted only when no row "
    "must be fixed and every row is your school's own)"
)
UPLOAD_SCHOOLS_ONLY = "หน้านี้สำหรับบัญชีของโรงเรียน (for school accounts)"
UPLOAD_SCHOOL_OF = "ส่งในนามโรงเรียน: {name} · รหัสสถานศึกษา {code}"
UPLOAD_FILE = "เลือกไฟล์ที่จะส่ง (choose the file to send)"
UPLOAD_BUTTON = "ตรวจและส่งไฟล์ (Check and send)"
UPLOAD_CHECKING = "กำลังตรวจไฟล์… (checking the file)"
UPLOAD_PASS = "ผล: ผ่าน — รับไฟล์แล้ว (result: PASS, the file is accepted)"
UPLOAD_FAIL = "ผล: ไม่ผ่าน — ยังไม่รับไฟล์ (result: FAIL, the file is not accepted)"
UPLOAD_FILED = "บันทึกไฟล์ {name} ไว้ที่ `landing/{path}` เมื่อ {when} (filed; the nightly run reads it)"
UPLOAD_FINGERPRINT = "ขนาด {size:,} ไบต์ · sha256 {sha}"
UPLOAD_FLAGGED = (
    "มี {n:,} แถวที่มีข้อสังเกตให้ตรวจ (!) — ไฟล์ได้รับแล้ว โปรดตรวจตามข้อความในตาราง หากต้องแก้ไข "
    "ส่งไฟล์ที่แก้แล้วอีกครั้ง ไฟล์ที่ส่งภายหลังจะแทนไฟล์เดิม (rows to review; send a corrected file again "
    "if needed: the later one replaces this one)"
)
UPLOAD_TABLE_COUNTS = "{table}: {rows:,} แถว — {counts}"
UPLOAD_NOTE = "หมายเหตุ: {note}"
UPLOAD_MESSAGES = "ข้อความจากการตรวจ (messages)"
UPLOAD_NO_MESSAGES = "ไม่มีข้อความ ทุกแถวผ่าน (no messages: every row passes)"
UPLOAD_SEVERITY = {"quarantine": "✗ ต้องแก้ไข", "flag": "! โปรดตรวจ", "file": "✗ ทั้งไฟล์"}
C_ENGLISH = "English"
