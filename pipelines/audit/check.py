"""`verify`: whether the audit log is whole and unedited, and if not, where and how (Thai and English).

It re-computes every entry's HMAC and follows the chain from entry 1 (or from `anchor.json` once old
months are pruned) to `head.json`, and so finds: an edited entry (its hash), a deleted entry or month
file (a gap in seq and a `prev` that does not match), an inserted, duplicated or reordered entry (seq
not the next), an entry moved to another month's file, a torn or cut-off tail, a removed or altered
head or anchor, and a log re-chained without the key (every hash wrong). After a problem it carries on
from the entry as written, so one deletion is reported once, not once for every entry after it.

What a chain cannot show: a log deleted whole together with its head and anchor, or a head.json put
back from an older copy together with the files cut to match. Keeping the last seq and hash somewhere
else (a printout, the nightly run's log) closes that gap.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime

from pipelines.audit.chain import (
    ANCHOR_FILE,
    AUDIT_KEY,
    GENESIS,
    HEAD_FILE,
    audit_lock,
    entry_time,
    key_id,
    load_key,
    mac,
    month_files,
    month_of,
    parse_entry,
    read_doc,
)
from pipelines.config import Home


@dataclass(frozen=True)
class AuditProblem:
    """One thing wrong with the log: where (file, line, seq) and what, in Thai and English."""

    kind: str  # edited, gap, order, prev, month, time, torn, not_entry, start, truncated, head, anchor, key
    th: str
    en: str
    file: str | None = None
    line: int | None = None
    seq: int | None = None

    def __str__(self) -> str:
        return f"{self.th} / {self.en}"


@dataclass
class Verified:
    """What `verify_log` found: the problems, and what the log holds (for a summary line)."""

    problems: list[AuditProblem] = field(default_factory=list)
    entries: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_time: datetime | None = None


def _at(file: str | None, line: int | None, seq: int | None) -> tuple[str, str]:
    """'2026-12.jsonl บรรทัด 5 (ลำดับ 42): ' and its English."""
    if file is None:
        return "", ""
    th, en = file, file
    if line is not None:
        th, en = f"{th} บรรทัด {line}", f"{en} line {line}"
    if seq is not None:
        th, en = f"{th} (ลำดับ {seq})", f"{en} (seq {seq})"
    return f"{th}: ", f"{en}: "


class _Walk:
    """The chain walked entry by entry, collecting problems."""

    def __init__(self, key: bytes, head: dict | None, anchor: dict | None):
        self.key, self.head, self.anchor = key, head, anchor
        self.out = Verified()
        self.expected: int | None = None  # seq of the next entry; None before the first
        self.prev_hash = GENESIS
        self.prev_time: datetime | None = None

    def problem(self, kind: str, th: str, en: str, file=None, line=None, seq=None) -> None:
        at_th, at_en = _at(file, line, seq)
        self.out.problems.append(AuditProblem(kind, at_th + th, at_en + en, file, line, seq))

    def file(self, name: str, data: bytes, last_file: bool) -> None:
        lines = data.split(b"\n")  # only \n ends an entry (JSON keeps U+2028 and friends inside strings)
        torn = lines.pop()
        for number, raw in enumerate(lines, 1):
            self.line(name, number, raw)
        if torn:
            where = "ท้ายบันทึก" if last_file else "ท้ายไฟล์ที่ไม่ใช่เดือนล่าสุด"
            self.problem("torn", f"บรรทัดสุดท้ายเขียนไม่ครบ {len(torn)} ไบต์ ({where}: เครื่องหยุดระหว่างบันทึก หรือถูกตัด) "
                                 "— การบันทึกครั้งถัดไปจะตัดออกและบันทึกไว้",
                         f"the last line is incomplete, {len(torn)} bytes (a crash mid-append, or cut); "
                         "the next entry recorded cuts it off and says so", name, len(lines) + 1)

    def line(self, name: str, number: int, raw: bytes) -> None:
        entry = parse_entry(raw)
        if entry is None:
            self.problem("not_entry", "ไม่ใช่รายการบันทึกที่ถูกต้อง (แก้ไขหรือแทรก)",
                         "not a valid entry (edited or inserted)", name, number)
            return
        seq, out = entry["seq"], self.out
        out.entries += 1
        out.first_seq = seq if out.first_seq is None else out.first_seq
        if not hmac.compare_digest(entry["hash"], mac(self.key, entry)):
            self.problem("edited", "ค่าแฮชไม่ตรงกับเนื้อหา — รายการถูกแก้ไข (หรือเขียนโดยไม่มีกุญแจ)",
                         "hash does not match the content: the entry was edited (or written without the key)",
                         name, number, seq)
        chained = self._chain(entry, name, number)
        when = entry_time(entry)
        if month_of(when) != name[:7]:
            self.problem("month", f"เวลา {entry['time']} ไม่อยู่ในเดือนของไฟล์ — รายการถูกย้ายไฟล์",
                         f"time {entry['time']} is not in this file's month: the entry was moved", name, number, seq)
        elif chained and self.prev_time is not None and when < self.prev_time:
            self.problem("time", "เวลาย้อนหลังรายการก่อนหน้า", "time goes back before the previous entry",
                         name, number, seq)
        if self.head is not None and seq == self.head["seq"] and entry["hash"] != self.head["hash"]:
            self.problem("head", f"ไม่ตรงกับ {HEAD_FILE} — รายการสุดท้ายถูกแทนที่",
                         f"does not match {HEAD_FILE}: the last entry was replaced", name, number, seq)
        if self.anchor is not None and seq == self.anchor["seq"] and entry["hash"] != self.anchor["hash"]:
            self.problem("anchor", f"ไม่ตรงกับ {ANCHOR_FILE}", f"does not match {ANCHOR_FILE}", name, number, seq)
        if chained is not None:  # carry on from the entry as written; one out of order is stepped over
            self.expected, self.prev_hash, self.prev_time = seq + 1, entry["hash"], when
        out.last_seq, out.last_time = max(seq, out.last_seq or 0), max(when, out.last_time or when)

    def _chain(self, entry: dict, name: str, number: int) -> bool | None:
        """True when the entry follows the one before; else a problem is added and False (a gap or a
        broken link: the chain goes on from this entry) or None (out of order: it is stepped over)."""
        seq = entry["seq"]
        if self.anchor is not None and (self.expected is None or self.expected <= self.anchor["seq"]):
            if seq <= self.anchor["seq"]:  # left by a prune that stopped midway: the anchor vouches for the rest
                return True
            self.expected, self.prev_hash = self.anchor["seq"] + 1, self.anchor["hash"]
        elif self.expected is None:  # the first entry present, no anchor
            if seq != 1:
                self.problem("start", f"บันทึกเริ่มที่ลำดับ {seq} แทนที่จะเป็น 1 และไม่มี {ANCHOR_FILE} — "
                                      "รายการแรก ๆ หรือไฟล์เดือนแรกถูกลบ",
                             f"the log starts at seq {seq}, not 1, and there is no {ANCHOR_FILE}: "
                             "its first entries or first month file were deleted", name, number, seq)
                return False
            else:
                self.expected = 1
        if seq > self.expected:
            also_th = " (ต้นไฟล์: ไฟล์เดือนก่อนหน้าอาจถูกลบ)" if number == 1 else ""
            also_en = " (at the start of the file: a month file before it may have been deleted)" if number == 1 else ""
            self.problem("gap", f"ขาดรายการลำดับ {self.expected}–{seq - 1} ({seq - self.expected} รายการ) — ถูกลบ{also_th}",
                         f"entries {self.expected}–{seq - 1} are missing ({seq - self.expected}): deleted{also_en}",
                         name, number, seq)
            return False
        if seq < self.expected:
            self.problem("order", f"ลำดับ {seq} มาหลังลำดับ {self.expected - 1} — รายการถูกแทรก ซ้ำ หรือสลับที่",
                         f"seq {seq} comes after seq {self.expected - 1}: an entry inserted, duplicated or reordered",
                         name, number, seq)
            return None
        if entry["prev"] != self.prev_hash:
            self.problem("prev", "ค่า prev ไม่ตรงกับแฮชของรายการก่อนหน้า — รายการก่อนหน้าถูกแทนที่",
                         "prev does not match the previous entry's hash: the entry before it was replaced",
                         name, number, seq)
            return False
        return True


def _signed(doc: dict | None, name: str, key: bytes, walk: _Walk) -> dict | None:
    """head.json / anchor.json when whole, signed by this key; a problem when not."""
    if doc is None:
        return None
    kid = key_id(key)
    if doc.get("key_id") != kid:
        walk.problem("key", f"{name} ลงนามด้วยกุญแจอื่น (รหัส {doc.get('key_id')}; กุญแจนี้ {kid}) — "
                            "ใช้กุญแจเดิม หรือบันทึกถูกสร้างใหม่ทั้งชุด",
                     f"{name} is signed with another key (id {doc.get('key_id')}; this key {kid}): "
                     "use the log's own key, or the log was forged whole", name)
        return None
    if not (isinstance(doc.get("seq"), int) and isinstance(doc.get("hash"), str)
            and hmac.compare_digest(str(doc.get("mac", "")), mac(key, doc, name.encode()))):
        walk.problem("head" if name == HEAD_FILE else "anchor", f"{name} ถูกแก้ไข (ลายเซ็นไม่ตรง)",
                     f"{name} was edited (its signature does not match)", name)
        return None
    return doc


def verify_log(h: Home) -> Verified:
    """Every check of the module docstring over the whole log. Raises pii.KeyProblem without the key."""
    if not h.audit.is_dir():
        return Verified()
    with audit_lock(h):  # a still snapshot: no append half-written while the files are read
        files = [(p.name, p.read_bytes()) for p in month_files(h)]
        head_doc, anchor_doc = read_doc(h.audit / HEAD_FILE), read_doc(h.audit / ANCHOR_FILE)
    if not files and head_doc is None and anchor_doc is None:
        return Verified()
    key = load_key(kind=AUDIT_KEY)
    walk = _Walk(key, None, None)
    walk.head = _signed(head_doc, HEAD_FILE, key, walk)
    walk.anchor = _signed(anchor_doc, ANCHOR_FILE, key, walk)
    for i, (name, data) in enumerate(files):
        walk.file(name, data, i == len(files) - 1)
    out, head = walk.out, walk.head
    last = out.last_seq if out.last_seq is not None else (walk.anchor["seq"] if walk.anchor else 0)
    if head_doc is None and out.entries:
        walk.problem("head", f"ไม่พบ {HEAD_FILE} — ถูกลบ", f"{HEAD_FILE} is missing: deleted", HEAD_FILE)
    elif head is not None and last < head["seq"]:
        walk.problem("truncated", f"บันทึกจบที่ลำดับ {last} แต่ {HEAD_FILE} ระบุลำดับ {head['seq']} — "
                                  f"รายการท้ายบันทึก {head['seq'] - last} รายการถูกตัดออก (หรือไฟล์เดือนล่าสุดถูกลบ)",
                     f"the log ends at seq {last} but {HEAD_FILE} records seq {head['seq']}: "
                     f"{head['seq'] - last} entries were cut off the end (or the latest month file deleted)", HEAD_FILE)
    elif head is not None and last > head["seq"] + 1:  # one behind is a crash between append and head
        walk.problem("head", f"{HEAD_FILE} ตามหลังบันทึก {last - head['seq']} รายการ — นำสำเนาเก่ามาวางแทน?",
                     f"{HEAD_FILE} is {last - head['seq']} entries behind the log: an old copy put back?", HEAD_FILE)
    return out


def verify(h: Home) -> list[AuditProblem]:
    """[] when the log is whole and unedited (or there is none yet); else each problem found."""
    return verify_log(h).problems
