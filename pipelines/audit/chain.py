"""The audit log's entries, files, key and lock: how an entry is made, chained, signed and appended.

One entry a line in `audit/YYYY-MM.jsonl` (the UTC month of its time), UTF-8 JSON with Thai as written:

    {"seq":42,"time":"2026-12-01T03:04:05.123456+00:00","user":"somchai","role":"ict","action":"upload",
     "target":"landing/…/แบบสำรวจ.xlsx","outcome":"ok","details":{"rows":120},"prev":"…","hash":"…"}

`hash` is HMAC-SHA256, with the audit key, of the entry's canonical JSON without `hash` (keys sorted,
no spaces, UTF-8); `prev` is the previous entry's `hash` (the first one's is GENESIS). Keyed, because a
plain hash chain can be recomputed by anyone who can edit the file: whoever can write the data root but
does not hold the key cannot re-chain an edited log. Beside the month files:

- `head.json`: seq and hash of the last entry, signed (replaced atomically after each append), so that
  cutting entries off the end is seen even though what remains is a valid chain.
- `anchor.json`: seq and hash of the last entry pruned (pipelines.audit.retention), signed, so that the
  log still verifies once its oldest months are gone.
- `.lock`: the OS file lock (filelock; flock on Linux) held around read-last-entry + append + fsync +
  head, by every thread and process alike (Streamlit's sessions, several `khlang` commands at once).

A crash mid-append leaves at most a last line without its newline (one `write` of the whole line; the
newline is its last byte). `verify` reports such a torn line; the next `record` cuts it off (it never
was an entry: the `record` that wrote it never returned) and first appends an `audit_repaired` entry
holding the length and start of the bytes it cut, so the repair itself stays in the chain. A crash
after the append but before `head.json` is replaced leaves head one entry behind, which both accept.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import math
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from pipelines.config import Home
from pipelines.durable import fsync_path, write_atomic
from pipelines.pii import KeyKind, KeyProblem, create_key, key_file, key_id, load_key

ENV_AUDIT_KEY_FILE = "KHLANG_AUDIT_KEY_FILE"
AUDIT_KEY = KeyKind(ENV_AUDIT_KEY_FILE, "audit.key", "กุญแจลงนามบันทึกการใช้งาน (audit log)", "key that signs the audit log")
GENESIS = "0" * 64  # the `prev` of entry 1
FIELDS = ("seq", "time", "user", "role", "action", "target", "outcome", "details", "prev", "hash")
HEAD_FILE, ANCHOR_FILE, LOCK_FILE = "head.json", "anchor.json", ".lock"
MONTH_FILE = re.compile(r"(\d{4}-\d{2})\.jsonl")
LOCK_TIMEOUT_S = 30.0
TORN_SHOWN = 200  # characters of a cut torn line kept in the `audit_repaired` entry

# action -> (Thai, English) meaning. Callers use exactly these names; `record` refuses others, so a typo
# never makes an entry that no report finds.
ACTIONS: dict[str, tuple[str, str]] = {
    "login": ("เข้าสู่ระบบ", "logged in"),
    "login_failed": ("เข้าสู่ระบบไม่สำเร็จ", "failed login"),
    "logout": ("ออกจากระบบ", "logged out"),
    "page_view": ("เปิดหน้า", "page viewed"),
    "upload": ("อัปโหลดไฟล์", "file uploaded"),
    "check": ("ตรวจไฟล์ก่อนส่ง", "file checked"),
    "export_prepared": ("เตรียมไฟล์ส่งออก สพฐ.", "OBEC export prepared"),
    "export_approved": ("ผอ.สพท. อนุมัติไฟล์ส่งออก", "export approved"),
    "export_returned": ("ส่งคืนไฟล์ส่งออกให้แก้ไข", "export returned"),
    "export_released": ("ส่งออกไฟล์ที่อนุมัติแล้ว", "export released"),
    "sql": ("คำสั่ง SQL ผ่านด่านนักวิเคราะห์", "SQL through the analysts' door"),
    "access_requested": ("ขอสิทธิ์เข้าถึงข้อมูล", "access requested"),
    "access_approved": ("อนุมัติสิทธิ์เข้าถึงข้อมูล", "access approved"),
    "access_refused": ("ปฏิเสธคำขอเข้าถึงข้อมูล", "access refused"),
    "report": ("จัดทำรายงานสรุปเสนอ ผอ.สพท.", "director's report made"),
    "audit_export": ("ส่งออกบันทึกการใช้งาน", "audit log exported"),
    "audit_pruned": ("ลบบันทึกการใช้งานที่เกินระยะเก็บรักษา", "audit entries past retention removed"),
    "audit_repaired": ("ตัดบรรทัดที่เขียนไม่ครบ (เครื่องหยุดระหว่างบันทึก)", "torn last line cut (a crash mid-append)"),
}
OUTCOMES: dict[str, tuple[str, str]] = {
    "ok": ("สำเร็จ", "ok"),
    "failed": ("ไม่สำเร็จ", "failed"),
    "refused": ("ถูกปฏิเสธ", "refused"),
    "error": ("ผิดพลาด", "error"),
}


class AuditError(RuntimeError):
    """The audit log cannot be written or pruned as asked: a Thai and an English message."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{en} / {th}")
        self.th, self.en = th, en


def utcnow() -> datetime:
    """The clock of new entries (tests replace it)."""
    return datetime.now(UTC)


def os_user() -> str:
    """Who runs this process (the `user` of command-line entries); a uid when the system names none."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid:{os.getuid()}"


# --- entries -----------------------------------------------------------------------------------------


def canonical(doc: dict) -> bytes:
    """The bytes that are signed: keys sorted, no spaces, UTF-8 (Thai as written)."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def mac(key: bytes, doc: dict, label: bytes = b"") -> str:
    """HMAC-SHA256 of `label` + the canonical JSON of `doc` without its `hash`/`mac`."""
    body = {k: v for k, v in doc.items() if k not in ("hash", "mac")}
    return hmac.new(key, label + canonical(body), hashlib.sha256).hexdigest()


def plain(value):
    """`value` as JSON that reads back equal: text valid UTF-8 (a lone surrogate, as from an undecodable
    file name, is written as its escape), dates ISO, non-finite floats and other objects as text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {plain(str(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return plain(str(value))


def _text_or_none(v) -> bool:
    return v is None or isinstance(v, str)


def parse_entry(raw: bytes) -> dict | None:
    """One line as an entry (its fields, in FIELDS order), or None when it is not one."""
    try:
        e = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        return None
    if not isinstance(e, dict) or set(e) != set(FIELDS):
        return None
    ok = (isinstance(e["seq"], int) and not isinstance(e["seq"], bool) and e["seq"] > 0
          and isinstance(e["time"], str) and isinstance(e["action"], str) and isinstance(e["outcome"], str)
          and _text_or_none(e["user"]) and _text_or_none(e["role"]) and _text_or_none(e["target"])
          and isinstance(e["details"], dict) and isinstance(e["prev"], str) and isinstance(e["hash"], str))
    if not ok or entry_time(e) is None:
        return None
    return {k: e[k] for k in FIELDS}


def entry_time(entry: dict) -> datetime | None:
    try:
        t = datetime.fromisoformat(entry.get("time"))
    except (TypeError, ValueError):
        return None
    return t if t.tzinfo is not None else None


def month_of(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m")


# --- files ---------------------------------------------------------------------------------------------


def month_files(h: Home) -> list[Path]:
    """The month files, oldest first."""
    if not h.audit.is_dir():
        return []
    return sorted(p for p in h.audit.iterdir() if MONTH_FILE.fullmatch(p.name) and p.is_file())


def read_doc(path: Path) -> dict | None:
    """A small JSON file (head, anchor) as a dict, or None when absent or not one."""
    try:
        doc = json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def signed_doc(h: Home, name: str, key: bytes) -> dict | None:
    """head.json or anchor.json when its signature holds with `key` (else None: not to be trusted)."""
    doc = read_doc(h.audit / name)
    if doc is None or not isinstance(doc.get("seq"), int) or not isinstance(doc.get("hash"), str):
        return None
    return doc if hmac.compare_digest(str(doc.get("mac", "")), mac(key, doc, name.encode())) else None


def write_signed(h: Home, name: str, key: bytes, doc: dict) -> None:
    doc = {**doc, "key_id": key_id(key)}
    write_atomic(h.audit / name, canonical({**doc, "mac": mac(key, doc, name.encode())}) + b"\n", mode=0o600)


def log_exists(h: Home) -> bool:
    return bool(month_files(h)) or (h.audit / HEAD_FILE).exists() or (h.audit / ANCHOR_FILE).exists()


@contextmanager
def audit_lock(h: Home) -> Iterator[None]:
    """The log's lock (one at a time, across threads and processes); the folder is made owner-only, since
    entries name people and what they did (personal data under the PDPA)."""
    try:
        h.audit.mkdir(mode=0o700, exist_ok=True)
    except FileNotFoundError:
        raise AuditError(f"ไม่พบที่เก็บข้อมูล {h.root} จึงบันทึกการใช้งานไม่ได้",
                         f"no data root at {h.root}, so the audit log cannot be written") from None
    lock = FileLock(h.audit / LOCK_FILE, timeout=LOCK_TIMEOUT_S, mode=0o600, poll_interval=0.005)
    try:
        lock.acquire()
    except Timeout:
        raise AuditError(f"รอล็อกของบันทึกการใช้งานเกิน {LOCK_TIMEOUT_S:.0f} วินาที ({lock.lock_file})",
                         f"waited over {LOCK_TIMEOUT_S:.0f} s for the audit log's lock ({lock.lock_file})") from None
    try:
        yield
    finally:
        lock.release()


def writing_key(h: Home) -> bytes:
    """The audit key. The very first entry of a data root creates it when there is none (as `khlang key
    create` would); once the log holds entries a missing key is an error, never silently replaced (a new
    key would make every entry before it look forged). A key other than the one the log is signed with
    is refused too, so two users' keys never mix in one chain."""
    try:
        key = load_key(kind=AUDIT_KEY)
    except KeyProblem:
        if log_exists(h) or key_file(AUDIT_KEY).exists():
            raise
        try:
            create_key(kind=AUDIT_KEY)
        except FileExistsError:  # another process made it a moment ago
            pass
        key = load_key(kind=AUDIT_KEY)
    for name in (HEAD_FILE, ANCHOR_FILE):
        doc = read_doc(h.audit / name)
        if doc and doc.get("key_id") not in (None, key_id(key)):
            raise AuditError(
                f"บันทึกการใช้งานนี้ลงนามด้วยกุญแจอื่น (รหัส {doc.get('key_id')}) ไม่ใช่ {key_file(AUDIT_KEY)} "
                f"(รหัส {key_id(key)}) — กำหนด {ENV_AUDIT_KEY_FILE} ให้ชี้ไปยังกุญแจเดิม",
                f"this audit log is signed with another key (id {doc.get('key_id')}), not {key_file(AUDIT_KEY)} "
                f"(id {key_id(key)}): point {ENV_AUDIT_KEY_FILE} at that key")
    return key


# --- appending --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tail:
    """Where the next entry chains on: the last entry's seq, hash and time."""

    seq: int
    hash: str
    time: datetime | None


def _last_line(path: Path) -> tuple[bytes | None, int]:
    """(the file's last complete line, the offset where its torn bytes start = its size when none)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        chunk, start = b"", size
        while start > 0:
            step = min(1 << 16, start)
            start -= step
            f.seek(start)
            chunk = f.read(step) + chunk
            end = chunk.rfind(b"\n")
            if end < 0:
                continue
            begin = chunk.rfind(b"\n", 0, end)
            if begin >= 0 or start == 0:
                return chunk[begin + 1:end], start + end + 1
    return None, 0


def tail(h: Home, key: bytes) -> tuple[Tail, Path | None, int]:
    """The tail to chain on, and the last month file with the offset of its torn bytes (if any).

    The furthest of: the last complete line, head.json, anchor.json (the latter two only when their
    signature holds). Head ahead of the files means entries were cut off the end: chaining from head
    then keeps that gap in the log for `verify` to report, instead of papering over it."""
    best = Tail(0, GENESIS, None)
    last_file, torn_at = None, 0
    for path in reversed(month_files(h)):
        line, end = _last_line(path)
        if last_file is None:
            last_file, torn_at = path, end
        if line is None:  # nothing whole in this file: the month before holds the last entry
            continue
        entry = parse_entry(line)
        if entry is not None:  # a last line that is no entry: head.json says where the chain was
            best = Tail(entry["seq"], entry["hash"], entry_time(entry))
        break
    for name in (HEAD_FILE, ANCHOR_FILE):
        doc = signed_doc(h, name, key)
        if doc is not None and doc["seq"] > best.seq:
            t = entry_time(doc)
            best = Tail(doc["seq"], doc["hash"], t if t else best.time)
    return best, last_file, torn_at


def _write_entry(h: Home, key: bytes, last: Tail, fields: dict) -> tuple[dict, Tail]:
    now = utcnow()
    when = max(now, last.time) if last.time else now  # never back in time (a clock stepped back)
    entry = {"seq": last.seq + 1, "time": when.astimezone(UTC).isoformat(timespec="microseconds"), **fields,
             "prev": last.hash}
    entry["hash"] = mac(key, entry)
    line = json.dumps({k: entry[k] for k in FIELDS}, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8") + b"\n"
    path = h.audit / f"{month_of(when)}.jsonl"
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_path(h.audit)
    write_signed(h, HEAD_FILE, key, {"seq": entry["seq"], "hash": entry["hash"], "time": entry["time"]})
    return entry, Tail(entry["seq"], entry["hash"], when)


def fields(action: str, *, user, role, target, outcome: str, details: dict) -> dict:
    """An entry's own fields, checked and made plain JSON (ValueError for an unknown action or outcome)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; use one of: {', '.join(ACTIONS)}")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}")
    return {"user": None if user is None else plain(str(user)), "role": None if role is None else plain(str(role)),
            "action": action, "target": None if target is None else plain(str(target)), "outcome": outcome,
            "details": plain(details)}


def append(h: Home, key: bytes, entry_fields: dict) -> dict:
    """Append one entry made by `fields`; the caller holds `audit_lock(h)`. A torn last line is cut
    first, and that cut recorded (module docstring)."""
    last, path, torn_at = tail(h, key)
    if path is not None and torn_at < path.stat().st_size:
        with open(path, "rb") as f:
            f.seek(torn_at)
            torn = f.read()
        os.truncate(path, torn_at)
        fsync_path(path)
        _, last = _write_entry(h, key, last, fields(
            "audit_repaired", user=None, role=None, target=path.name, outcome="ok",
            details={"bytes_cut": len(torn), "start": torn.decode("utf-8", "replace")[:TORN_SHOWN]}))
    entry, _ = _write_entry(h, key, last, entry_fields)
    return entry


def record(h: Home, action: str, *, user: str | None, role: str | None, target: str | None = None,
           outcome: str = "ok", **details) -> dict:
    """Append one entry to the data root's audit log and return it (as written, with seq and hash).

    `action` and `outcome` must be among ACTIONS and OUTCOMES (ValueError otherwise); `details` are any
    JSON-able keyword values (other objects are written as text). Durable when it returns (fsync'd).
    Raises AuditError (no data root, lock not had in 30 s, another key) or pii.KeyProblem (no key for a
    log that has entries): a caller that must not fail because of the log catches both."""
    entry_fields = fields(action, user=user, role=role, target=target, outcome=outcome, details=details)
    with audit_lock(h):
        return append(h, writing_key(h), entry_fields)
