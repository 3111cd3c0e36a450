"""ส่งไฟล์ข้อมูล — a school sends its file through the dashboards (issue 9, point 3): the decision, no Streamlit.

`accept(h, user, school_code, filename, data) -> UploadResult`. The bytes are written to a folder of the
data root outside landing/ (`state/incoming/`), checked there by `khlang check`'s own function
(`pipelines.cli.check.check_file`: the same parse, the same rules on Polars, the same register, the same
messages), and only then either filed in landing/ or refused. Nothing reaches landing/ before the school
has seen the messages, and nothing at all when the file is refused.

What is accepted (the choices, contract sections 1 and 3):
- Only a school account sends, and only for its own school (`user.role == "school"`, `school_code` its
  own). ICT staff who receive a file some other way put it in landing/ themselves and run `khlang check`.
- Only the surveys schools fill in (SCHOOL_SURVEYS): DLTV equipment needs (3.1), DLIT usage (3.3) and the
  four-area workbook (3.5). The register, the allocation register and the platforms' exports are the
  office's own files: refused.
- Every row must be the school's own: a row whose school code (cleaned, an SMIS code resolved, as the
  check reads it) is another code is refused, naming the code(s) and the rows.
- A file with any quarantined row (✗ must be fixed) is refused: the school fixes those rows and sends
  again. Rows that are only flagged (! please review) do not stop it: the file is accepted and the flags
  are shown as notes (the office reviews them too on the data quality page).
- A file the check cannot read (not a workbook, a missing column, only a header, an Excel lock file) and a
  data root with no published register (nothing to check school codes against) are refused.
- Before anything is checked: at most MAX_BYTES (20 MB), a name ending .xlsx, .xls or .csv, a usable name.

Where an accepted file lands: `landing/<survey>/<period>/uploads/<school_code>/<UTC time>_<name>`, beside
the folders the sample district uses (`dltv_equipment/2569/…`, `dlit_usage/…`, `admin/…`): survey from the
tables the check recognised (`mixed` when a file holds two surveys), period from the file's year column
(fiscal or academic year, BE). The name is the sent name made safe (`safe_name`) behind the upload's
UTC time; a hard link (`os.link`) files it whole in one step and never replaces an existing name (a
second upload in the same second gets `_2`, and the audit entry, written just before, names it so). The
nightly job reads every file under landing/ at any depth, so nothing else is needed for it to be
ingested; its arrival is its modification time (the upload's).

The record: one JSON line per accepted file in `state/uploads.jsonl` (owner-only; outside landing/, so
the nightly job never reads it): UTC time, uploader (username, name, role), school code, the name sent,
where it landed, size and sha256, tables, rows and flagged rows. The audit log gets a `check` entry (ok:
the file passed; failed: rows or the file failed, or it could not be checked) and an `upload` entry (ok
before the file is filed, with where; refused with the reason; error when filing failed). When the
`check` or `upload` entry of an accepted file cannot be written, the file is not filed (as `khlang sql`
shows nothing it could not log).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipelines.cli.check import FileCheck, Message, check_file
from pipelines.config import Home
from pipelines.durable import fsync_path, temp_beside
from pipelines.users import User

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".csv")
NAME_BYTES = 120  # the sent name's longest UTF-8 form kept (Thai is 3 bytes a letter; a file name 255)
# table -> the landing folder of its survey (as the sample district's landing zone names them)
SCHOOL_SURVEYS = {
    "dltv_equipment": "dltv_equipment",
    "dlit_usage": "dlit_usage",
    "admin_academic": "admin",
    "admin_general": "admin",
    "admin_personnel": "admin",
    "admin_staff": "admin",
    "admin_budget": "admin",  # last: its fiscal year names the folder only when the workbook has no other sheet
}
SHOWN_CODES, SHOWN_ROWS = 5, 8  # other schools' codes named in a refusal, and rows named per code
RECORD_FILE = "uploads.jsonl"


@dataclass(frozen=True)
class Refusal:
    """Why a file is not accepted: a kind (for the audit log and tests), Thai and English."""

    kind: str  # role, name, extension, size, no_register, not_checked, file_problem, not_school_survey,
    #            other_school, quarantined, audit, error
    th: str
    en: str


@dataclass(frozen=True)
class UploadResult:
    """What became of one upload. `check` is None when the file was refused before it was checked."""

    filename: str  # as sent
    school_code: str | None
    time: datetime  # UTC
    size: int
    sha256: str
    name: str | None = None  # the name made safe (what the check and landing/ show)
    check: FileCheck | None = None
    refusal: Refusal | None = None
    landed: str | None = None  # where in landing/ (POSIX, relative to landing/)
    record: dict = field(default_factory=dict)  # the line written to state/uploads.jsonl

    @property
    def accepted(self) -> bool:
        return self.refusal is None and self.landed is not None

    @property
    def messages(self) -> list[Message]:
        return self.check.messages if self.check else []


class _NotFiled(Exception):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal


# ---------------------------------------------------------------- names
def safe_name(filename: str) -> str:
    """The sent name as a file name in landing/: its last path part (a browser may send `C:\\…\\x.xlsx`),
    NFC, no control characters, no characters Windows refuses, no leading dots or spaces (never hidden,
    never `..`), at most NAME_BYTES in UTF-8 with its extension kept. May be empty (then refused)."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch if ch.isprintable() else "_" for ch in name)
    name = re.sub(r'[<>:"|?*]', "_", name).strip().lstrip(". ").rstrip(". ")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = f".{suffix}" if dot else ""
    while stem and len((stem + suffix).encode("utf-8")) > NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(". ") + suffix) if stem.rstrip(". ") else ""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}"


def _before_check(user: User, school_code: str | None, filename: str, data: bytes) -> tuple[str, Refusal | None]:
    """The safe name, and a refusal that needs no check: role, school, name, extension, size."""
    name = safe_name(filename)
    if user.role != "school" or not user.school_code:
        return name, Refusal("role", "เฉพาะบัญชีของโรงเรียนเท่านั้นที่ส่งไฟล์ข้อมูลผ่านหน้านี้ได้",
                             "only a school account sends data files here")
    if school_code != user.school_code:
        return name, Refusal("other_school", f"บัญชีนี้ส่งไฟล์ได้เฉพาะของโรงเรียนตนเอง (รหัส {user.school_code}) "
                             f"ไม่ใช่ของรหัส {school_code}",
                             f"this account sends files for its own school ({user.school_code}) only, not {school_code}")
    suffix = Path(name).suffix.lower()
    if not name or not Path(name).stem:
        return name, Refusal("name", "ชื่อไฟล์ใช้ไม่ได้ — ตั้งชื่อไฟล์ใหม่ (เช่น แบบสำรวจ_2569.xlsx) แล้วส่งอีกครั้ง",
                             "the file name cannot be used: rename the file (e.g. survey_2569.xlsx) and send it again")
    if suffix not in ALLOWED_SUFFIXES:
        return name, Refusal("extension", f"รับเฉพาะไฟล์ .xlsx .xls หรือ .csv — ไฟล์นี้เป็น {suffix or 'ไฟล์ไม่มีนามสกุล'}",
                             f"only .xlsx, .xls or .csv files are accepted, not {suffix or 'a name without an extension'}")
    if len(data) > MAX_BYTES:
        return name, Refusal("size", f"ไฟล์ใหญ่เกินไป ({_mb(len(data))} MB) รับได้ไม่เกิน {_mb(MAX_BYTES)} MB — "
                             "ลบชีตหรือแถวที่ไม่เกี่ยวข้องออก หรือแยกเป็นหลายไฟล์",
                             f"the file is too large ({_mb(len(data))} MB; at most {_mb(MAX_BYTES)} MB): remove "
                             "unrelated sheets or rows, or split it")
    return name, None


# ---------------------------------------------------------------- after the check
def _rows_of(codes: list[tuple[str, int]], sheet_row: str) -> str:
    """`ชีต ก แถว 5, ชีต ก แถว 6 …` (at most SHOWN_ROWS) with `sheet_row` a "{sheet} … {row}" template."""
    rows = [sheet_row.format(sheet=sheet, row=row) for sheet, row in codes[:SHOWN_ROWS]]
    return ", ".join(rows) + (" …" if len(codes) > SHOWN_ROWS else "")


def _other_schools(check: FileCheck, own: str) -> Refusal | None:
    """Rows whose school code is not `own`, by code: one refusal naming the codes and their rows."""
    import polars as pl

    found: dict[str, list[tuple[str, int]]] = {}
    for t in check.tables:
        if "school_code" not in t.rows.columns:
            continue
        other = t.rows.filter(pl.col("school_code").is_not_null() & (pl.col("school_code") != own))
        for code, sheet, row in other.select("school_code", "_sheet", "_row").iter_rows():
            found.setdefault(code, []).append((sheet, row))
    if not found:
        return None
    codes = sorted(found)
    more = len(codes) - SHOWN_CODES
    th = "; ".join(f"รหัส {c} ({_rows_of(found[c], 'ชีต {sheet} แถว {row}')})" for c in codes[:SHOWN_CODES])
    en = "; ".join(f"code {c} ({_rows_of(found[c], 'sheet {sheet} row {row}')})" for c in codes[:SHOWN_CODES])
    return Refusal(
        "other_school",
        f"ไฟล์นี้มีแถวที่รหัสสถานศึกษาไม่ใช่ของโรงเรียนนี้ ({own}): {th}" + (f" และอีก {more} รหัส" if more > 0 else "")
        + " — บัญชีของโรงเรียนส่งได้เฉพาะแถวของโรงเรียนตนเอง ลบหรือแก้แถวเหล่านี้แล้วส่งใหม่",
        f"this file has rows whose school code is not this school's ({own}): {en}"
        + (f" and {more} more codes" if more > 0 else "")
        + "; a school account sends its own rows only: remove or correct those rows and send again",
    )


def _judge(check: FileCheck, own: str) -> Refusal | None:
    """The refusal the check's result calls for, or None (accepted)."""
    from warehouse.contracts import get

    if check.not_checked:
        n = check.not_checked
        return Refusal("no_register" if n.why == "no register published yet" else "not_checked", n.th, n.en)
    if check.problem:
        return Refusal("file_problem", f"ไฟล์นี้ตรวจไม่ได้: {check.problem.th}", f"the file cannot be checked: {check.problem.en}")
    others = [t for t in check.tables if t.table not in SCHOOL_SURVEYS]
    if others:
        names_th = ", ".join(f"{get(t.table).th}" for t in others)
        return Refusal("not_school_survey",
                       f"ไฟล์นี้เป็น {names_th} ซึ่งไม่ใช่แบบสำรวจที่โรงเรียนส่ง — โรงเรียนส่งได้เฉพาะแบบสำรวจ DLTV, "
                       "แบบสำรวจ DLIT และข้อมูลสารสนเทศ 4 ด้าน",
                       f"this file is {', '.join(t.table for t in others)}, not a survey schools send: schools send "
                       "the DLTV and DLIT surveys and the four-area workbook only")
    refusal = _other_schools(check, own)
    if refusal:
        return refusal
    quarantined = sum(t.counts.get("quarantined", 0) for t in check.tables)
    if quarantined:
        return Refusal("quarantined", f"มี {quarantined:,} แถวที่ไม่ผ่าน (✗ ต้องแก้ไข) — ยังไม่รับไฟล์นี้ "
                       "แก้ไขแถวตามข้อความในตารางแล้วส่งใหม่ทั้งไฟล์",
                       f"{quarantined:,} row(s) fail (✗ must be fixed): the file is not accepted; fix them as the "
                       "table says and send the whole file again")
    return None


def landing_folder(check: FileCheck) -> str:
    """`<survey>/<period>` of an accepted file (module docstring)."""
    import polars as pl

    from warehouse.contracts import get

    surveys = {SCHOOL_SURVEYS[t.table] for t in check.tables}
    survey = surveys.pop() if len(surveys) == 1 else "mixed"
    by_table = {t.table: t for t in check.tables}
    for table in SCHOOL_SURVEYS:  # the first survey table present that names a year
        t, period = by_table.get(table), get(table).period
        if t is None or not period or period not in t.rows.columns:
            continue
        years = sorted(t.rows.get_column(period).drop_nulls().unique().cast(pl.Int64).to_list())
        if years:
            return f"{survey}/{'-'.join(map(str, years))}"
    return f"{survey}/no_year"


# ---------------------------------------------------------------- filing and the record
def _link(src: Path, target: Path) -> None:
    """`src`'s bytes at `target` in one step, never replacing a file there (FileExistsError). Across file
    systems (landing/ mounted elsewhere): a hidden copy beside the target (the landing scan skips hidden
    names), linked in turn."""
    try:
        os.link(src, target)
        return
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise
    tmp = temp_beside(target)
    try:
        shutil.copyfile(src, tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.link(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _names(name: str):
    stem, suffix = Path(name).stem, Path(name).suffix
    yield name
    for n in range(2, 1000):
        yield f"{stem}_{n}{suffix}"


def free_name(folder: Path, name: str) -> str:
    """`name`, or `<stem>_2<suffix>`… when a file in `folder` has it (what `land` will most likely use)."""
    return next((n for n in _names(name) if not (folder / n).exists()), name)


def land(src: Path, folder: Path, name: str) -> Path:
    """File `src` in `folder` as `name`, or `<stem>_2<suffix>`… when that name is taken; the path used."""
    folder.mkdir(parents=True, exist_ok=True)
    for candidate in _names(name):
        target = folder / candidate
        try:
            _link(src, target)
        except FileExistsError:
            continue
        fsync_path(folder)
        return target
    raise FileExistsError(folder / name)


def record_path(h: Home) -> Path:
    return h.state / RECORD_FILE


def _append_record(h: Home, record: dict) -> None:
    """One line of state/uploads.jsonl, under a lock, flushed to disk; the file owner-only (it names people)."""
    from filelock import FileLock

    path = record_path(h)
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    with FileLock(h.state / f".{RECORD_FILE}.lock", timeout=30, mode=0o600):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)


def records(h: Home) -> list[dict]:
    """The accepted uploads recorded in state/uploads.jsonl, oldest first."""
    try:
        text = record_path(h).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------- audit
def _entry(h: Home, action: str, user: User, outcome: str, target: str | None, must: bool, **details) -> None:
    """An audit entry. `must`: a failure stops the upload (_NotFiled); else it is logged and passed over
    (a refusal is a refusal whether or not its entry could be written)."""
    from pipelines import audit
    from pipelines.pii import KeyProblem

    try:
        audit.record(h, action, user=user.username, role=user.role, target=target, outcome=outcome, **details)
    except (audit.AuditError, KeyProblem) as problem:
        log.warning("audit entry not written (%s %s %s): %s", action, outcome, user.username, problem.en)
        if must:
            raise _NotFiled(Refusal("audit", f"บันทึกการใช้งานไม่ได้ จึงยังไม่รับไฟล์ — แจ้งเจ้าหน้าที่ ICT: {problem.th}",
                                    f"the audit log cannot be written, so the file is not accepted: {problem.en}")) from None


def _check_details(check: FileCheck) -> dict:
    return {"status": check.status, "tables": [t.table for t in check.tables],
            "counts": {t.table: t.counts for t in check.tables},
            "problem": check.problem.kind if check.problem else None}


# ---------------------------------------------------------------- the decision
def accept(h: Home, user: User, school_code: str | None, filename: str, data: bytes,
           now: datetime | None = None) -> UploadResult:
    """Check `data` (sent as `filename` by `user` for `school_code`) and file it in landing/, or refuse
    it; see the module docstring for what is accepted, where it lands and what is recorded."""
    import hashlib

    now = (now or datetime.now(UTC)).astimezone(UTC)
    base = {"filename": filename, "school_code": school_code, "time": now, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}
    name, refusal = _before_check(user, school_code, filename, data)
    base["name"] = name or None
    details = {"school_code": school_code, "file": filename, "size": len(data), "sha256": base["sha256"]}
    if refusal is None and not h.root.is_dir():
        refusal = Refusal("no_register", "ยังไม่มีคลังข้อมูลของ สพท. จึงตรวจไฟล์ไม่ได้ — แจ้งเจ้าหน้าที่ ICT",
                          f"no data root at {h.root}, so the file cannot be checked")
    if refusal:
        _entry(h, "upload", user, "refused", filename, False, reason=refusal.kind, **details)
        return UploadResult(**base, refusal=refusal)

    h.state.mkdir(parents=True, exist_ok=True)
    incoming = h.state / "incoming"
    incoming.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="upload-", dir=incoming))  # outside landing/; removed below
    try:
        path = work / name
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (now.timestamp(), now.timestamp()))  # its arrival, once filed: the upload's time
        check = check_file(path, h)
        refusal = _judge(check, school_code)
        base["check"] = check
        try:
            _entry(h, "check", user, "ok" if check.status == "pass" else "failed", filename, refusal is None,
                   **details, **_check_details(check))
            if refusal:
                _entry(h, "upload", user, "refused", filename, False, reason=refusal.kind, **details)
                return UploadResult(**base, refusal=refusal)
            folder = f"{landing_folder(check)}/uploads/{school_code}"
            filed_as = free_name(h.landing / folder, f"{now.strftime('%Y%m%dT%H%M%SZ')}_{name}")
            _entry(h, "upload", user, "ok", f"landing/{folder}/{filed_as}", True, **details)
            return _file(h, user, path, folder, filed_as, check, base, details)
        except _NotFiled as stop:
            return UploadResult(**base, refusal=stop.refusal)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _file(h: Home, user: User, path: Path, folder: str, name: str, check: FileCheck, base: dict,
          details: dict) -> UploadResult:
    """Land the checked file and write its record; on a failure, nothing stays in landing/."""
    import polars as pl

    landed = None
    try:
        landed = land(path, h.landing / folder, name)
        rel = landed.relative_to(h.landing).as_posix()
        record = {"time": base["time"].isoformat(timespec="seconds"), "user": user.username, "name": user.name,
                  "role": user.role, "school_code": base["school_code"], "file": base["filename"], "path": rel,
                  "size": base["size"], "sha256": base["sha256"], "tables": [t.table for t in check.tables],
                  "rows": sum(t.rows.height for t in check.tables),
                  "flagged": sum(t.rows.filter(pl.col("_outcome") == "flagged").height for t in check.tables)}
        _append_record(h, record)
    except OSError as e:
        if landed is not None:
            landed.unlink(missing_ok=True)
        _entry(h, "upload", user, "error", base["filename"], False, reason="error", error=str(e), **details)
        return UploadResult(**base, refusal=Refusal(
            "error", f"บันทึกไฟล์ไม่สำเร็จ — ลองส่งใหม่อีกครั้ง หากยังไม่ได้ แจ้งเจ้าหน้าที่ ICT ({e.strerror or e})",
            f"the file could not be stored: send it again, or tell ICT staff ({e})"))
    return UploadResult(**base, landed=rel, record=record)
