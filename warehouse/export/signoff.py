"""The director's sign-off of an OBEC export (contract section 4: compile -> verify -> present to the director,
เสนอ ผอ.สพท. พิจารณา -> report to OBEC). Only an approved export is released.

    prepared (รออนุมัติ) --approve--> approved (อนุมัติแล้ว) --release--> released (ส่งออกแล้ว)
        \\--return, with a reason--> returned (ส่งกลับแก้ไข): staff cut the export again, prepared anew
    changed (ถูกแก้ไข): a file is not what its manifest says, or the manifest not what was prepared or
        approved; nothing is approved or released until the export is cut again.

The state is derived each time from the files, never stored apart from them. Where each part lives:

- The decision lives with the export: `DIR/approval.json` (approved or returned; who, role, when in UTC and
  Bangkok, a return's reason, and the sha256 of `DIR/manifest.json` exactly as decided on), signed with an
  HMAC by the audit log's key, so that a hand-written approval.json is no approval. The manifest holds every
  file's sha256, so its one hash covers the whole export; `release` hashes everything again, so a change to
  any file after the decision voids it. Cutting the export again into DIR replaces the folder whole,
  approval.json with it (folder.py): an approval never outlives what it approved.
- The data root's registry, `state/exports.jsonl`: a line per step (prepared, approved, returned,
  released: the folder, the manifest's sha256, who), so the director's page finds the exports wherever
  `--out` put them, a manifest edited before any decision shows (its hash is not the prepared one), and
  the page can say an approval was released. An export not in it (cut by `export_obec` alone or by an
  older Khlang) cannot be approved: cut it again with `khlang export obec`.
- The audit log (pipelines.audit): each step and each refusal, with the user and role (export_prepared,
  export_approved, export_returned, export_released). The entry is written first: a step whose entry
  cannot be written is not taken.

Release (`khlang release DIR [--to DEST]`) copies the approved files into a new folder, by default
`exports/outbox/<survey>_<period>_<version>_<first 8 of the manifest's sha256>` in the data root, beside
the released manifest: the approved one with its `approval` filled (who, role, when in UTC and Bangkok,
the sha256 of the manifest approved) and a `released` block. A copy, not a mark in DIR: DIR stays the
folder staff cut into again (and DIR's manifest stays the bytes approved), while the released folder holds
exactly what was approved, nothing else, is never replaced (a second release needs a new folder) and is
what is sent to OBEC. The copies are hashed again, so what is sent is what was approved even if DIR
changes meanwhile, and the folder appears whole (built beside DEST, then renamed). `approved_manifest`
rebuilds the approved manifest's bytes from the released one, so anyone can check the approval's hash.

Only a director approves or returns; ICT staff or a director release. Checked here, not only by the page.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from pipelines.audit import AUDIT_KEY, AuditError, record
from pipelines.audit.chain import mac
from pipelines.config import TIMEZONE, Home
from pipelines.durable import TMP_SUFFIX, fsync_path, sha256_file, write_atomic
from pipelines.pii import KeyProblem, key_id, load_key
from warehouse.export.errors import ExportError
from warehouse.export.folder import APPROVAL, MANIFEST, OUTBOX, refuse_own_folder
from warehouse.export.obec import export_obec, manifest_bytes

REGISTRY, REGISTRY_LOCK = "exports.jsonl", ".exports.lock"  # in the data root's state/
DECIDERS = ("director",)  # who may approve or return
RELEASERS = ("ict", "director")
DECISIONS = {"approved": "export_approved", "returned": "export_returned"}  # decision -> audit action


class State(StrEnum):
    PREPARED = "prepared"
    APPROVED = "approved"
    RETURNED = "returned"
    RELEASED = "released"
    CHANGED = "changed"


STATES: dict[State, tuple[str, str]] = {
    State.PREPARED: ("รออนุมัติ", "awaiting the director's approval"),
    State.APPROVED: ("อนุมัติแล้ว", "approved"),
    State.RETURNED: ("ส่งกลับแก้ไข", "returned for correction"),
    State.RELEASED: ("ส่งออกแล้ว", "released"),
    State.CHANGED: ("ไฟล์ถูกแก้ไข ต้องส่งออกใหม่", "changed: export again"),
}


class SignoffRefused(ExportError):
    """A step that the export's state or the user's role does not allow (`khlang release` exits 1)."""


@dataclass(frozen=True)
class Status:
    """An export folder as it is now."""

    folder: Path
    manifest: dict
    manifest_sha256: str  # of manifest.json's bytes as read now
    prepared: dict | None  # the registry's last `prepared` line of this folder
    decision: dict | None  # approval.json, its signature good
    changed: tuple[str, ...]  # files not as their manifest says; manifest.json / approval.json as in `status`
    releases: tuple[dict, ...]  # the registry's `released` lines of this approved manifest

    @property
    def state(self) -> State:
        if self.changed:
            return State.CHANGED
        if self.decision is None:
            return State.PREPARED
        if self.decision["decision"] == "returned":
            return State.RETURNED
        return State.RELEASED if self.releases else State.APPROVED


@dataclass(frozen=True)
class Released:
    folder: Path  # the released copy, ready to send
    manifest: dict  # its manifest, with the approval


# --------------------------------------------------------------------------------------- reading
def now() -> datetime:
    return datetime.now(UTC)


def times(t: datetime) -> dict[str, str]:
    """When, as the approval and the released manifest say it: in UTC and in Bangkok time."""
    return {"at_utc": t.astimezone(UTC).isoformat(timespec="seconds"),
            "at_bangkok": t.astimezone(ZoneInfo(TIMEZONE)).isoformat(timespec="seconds")}


def _key() -> bytes:
    try:
        return load_key(kind=AUDIT_KEY)
    except KeyProblem as e:
        raise ExportError(f"ตรวจลายมือชื่อของการอนุมัติไม่ได้: {e.th}", f"cannot check the approval's signature: {e.en}") from None


def _signature(key: bytes, doc: dict) -> str:
    return mac(key, doc, APPROVAL.encode())


def _decision(folder: Path) -> tuple[dict | None, bool]:
    """(approval.json when its signature holds, whether an approval.json is there that is not a good one)."""
    try:
        doc = json.loads((folder / APPROVAL).read_bytes())
    except FileNotFoundError:
        return None, False
    except (OSError, ValueError):
        return None, True
    good = (isinstance(doc, dict) and doc.get("decision") in DECISIONS and isinstance(doc.get("manifest_sha256"), str)
            and hmac.compare_digest(str(doc.get("mac", "")), _signature(_key(), doc)))
    return (doc, False) if good else (None, True)


def read_registry(h: Home) -> list[dict]:
    """The registry's lines, oldest first (a line that is not whole JSON, as a crash may leave, is skipped)."""
    try:
        raw = (h.state / REGISTRY).read_bytes()
    except FileNotFoundError:
        return []
    lines = []
    for line in raw.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("dir"), str) and isinstance(entry.get("event"), str):
            lines.append(entry)
    return lines


def _not_an_export(folder: Path) -> ExportError:
    return ExportError(f"{folder} ไม่ใช่ผลการส่งออก (ไม่มี {MANIFEST} ที่อ่านได้) — ส่งออกด้วย khlang export obec",
                       f"{folder} is not an export (no readable {MANIFEST}); make one with khlang export obec")


def status(h: Home, folder: Path, registry: list[dict] | None = None) -> Status:
    """The export in `folder` now: every file hashed, the decision's signature checked. ExportError when
    `folder` holds no export. `changed` names manifest.json when it is not the one prepared (nor, once
    decided, the one decided on) and approval.json when that is not a signed decision."""
    folder = Path(folder).expanduser().resolve()
    try:
        data = (folder / MANIFEST).read_bytes()
        manifest = json.loads(data)
        files = [(f["name"], f["sha256"]) for f in manifest["files"]]
    except (OSError, ValueError, TypeError, KeyError):
        raise _not_an_export(folder) from None
    sha = hashlib.sha256(data).hexdigest()
    mine = [e for e in (read_registry(h) if registry is None else registry) if e["dir"] == str(folder)]
    prepared = next((e for e in reversed(mine) if e["event"] == "prepared"), None)
    decision, bad = _decision(folder)
    changed = [n for n, want in files if "/" in n or not (folder / n).is_file() or sha256_file(folder / n) != want]
    expected = (decision or prepared or {}).get("manifest_sha256")
    if expected not in (None, sha):
        changed.insert(0, MANIFEST)
    if bad:
        changed.append(APPROVAL)
    releases = [e for e in mine if e["event"] == "released" and e.get("manifest_sha256") == sha]
    return Status(folder, manifest, sha, prepared, decision, tuple(changed),
                  tuple(releases) if decision and decision["decision"] == "approved" else ())


def listed(h: Home) -> tuple[list[Status], list[tuple[str, ExportError]]]:
    """Every export in the registry, the last prepared first, and the folders that no longer hold one."""
    registry = read_registry(h)
    folders = list(dict.fromkeys(e["dir"] for e in reversed(registry) if e["event"] == "prepared"))
    found, gone = [], []
    for folder in folders:
        try:
            found.append(status(h, Path(folder), registry))
        except ExportError as e:
            gone.append((folder, e))
    return found, gone


def summary(manifest: dict) -> dict:
    """What an audit entry and a registry line say of an export."""
    return {"survey": manifest.get("survey"), "period": manifest.get("period"),
            "version": (manifest.get("warehouse") or {}).get("version"), "rows": (manifest.get("rows") or {}).get("exported")}


def why(st: Status) -> tuple[str, str]:
    """The export's state in a Thai and an English sentence, with who decided when and the files changed."""
    d = st.decision or {}
    who = f"{d.get('name') or d.get('by')} ({d.get('role')}) {d.get('at_bangkok')}"
    if st.state is State.CHANGED:
        names = ", ".join(st.changed)
        if d:
            return (f"ไฟล์ถูกแก้ไขหลัง ผอ.สพท. ตัดสิน ({who}) การอนุมัติจึงเป็นโมฆะ: {names} — ส่งออกใหม่แล้วเสนออนุมัติอีกครั้ง",
                    (f"changed after the director's decision ({who}), so it is void: {names}; export again and "
                     "present it for approval again"))
        return (f"ไฟล์ไม่ตรงกับที่ส่งออกไว้ (ถูกแก้ไขหลังส่งออก): {names} — ส่งออกใหม่ด้วย khlang export obec",
                f"not as exported (changed after export): {names}; export again with khlang export obec")
    if st.state is State.RETURNED:
        return (f"ผอ.สพท. ส่งกลับให้แก้ไข ({who}) เหตุผล: {d.get('reason')} — แก้ไขแล้วส่งออกใหม่ เพื่อเสนออนุมัติอีกครั้ง",
                (f"returned by the director ({who}), reason: {d.get('reason')}; correct, export again and present "
                 "it again"))
    if st.state is State.PREPARED:
        if st.prepared is None:
            return ("ยังไม่ได้เสนอ ผอ.สพท. (ไม่อยู่ในทะเบียนผลการส่งออกที่รออนุมัติ) — ส่งออกใหม่ด้วย khlang export obec",
                    ("never presented to the director (not in the registry of exports awaiting approval); export it "
                     "again with khlang export obec"))
        return ("ยังไม่ได้รับอนุมัติจาก ผอ.สพท. (รออนุมัติ)", "not approved by the director yet (awaiting approval)")
    return f"ผอ.สพท. อนุมัติแล้ว ({who})", f"approved by the director ({who})"


# --------------------------------------------------------------------------------------- writing
@contextmanager
def _locked(h: Home) -> Iterator[None]:
    """One sign-off step at a time in a data root (two directors at once, a release meanwhile)."""
    h.state.mkdir(exist_ok=True)
    lock = FileLock(h.state / REGISTRY_LOCK, timeout=30, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise ExportError("รอคิวการอนุมัติเกิน 30 วินาที ลองใหม่อีกครั้ง", "waited over 30 s for the sign-off lock; try again") from None
    try:
        yield
    finally:
        lock.release()


def _register(h: Home, event: str, folder: Path, sha: str, user: str, role: str, **details) -> None:
    """Append a line to the registry (owner-only: it names people); the caller holds `_locked`."""
    line = {"time": times(now())["at_utc"], "event": event, "dir": str(folder), "manifest_sha256": sha,
            "user": user, "role": role, **details}
    data = json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    fd = os.open(h.state / REGISTRY, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _audit(h: Home, action: str, *, user: str, role: str, target: Path | str, outcome: str = "ok", **details) -> dict:
    """The step's audit entry; ExportError when it cannot be written (then the step is not taken)."""
    try:
        return record(h, action, user=user, role=role, target=str(target), outcome=outcome, **details)
    except (AuditError, KeyProblem, OSError) as e:
        th, en = (e.th, e.en) if isinstance(e, AuditError | KeyProblem) else ("เขียนไฟล์ไม่ได้", str(e))
        raise ExportError(f"บันทึกการใช้งานไม่ได้ จึงไม่ดำเนินการ: {th}",
                          f"the audit log cannot be written, so nothing was done: {en}") from None


def _refuse(h: Home, action: str, user: str, role: str, target: Path | str, th: str, en: str, **details) -> None:
    """Record the refusal (when the log can be written: a refusal stands either way) and raise it."""
    try:
        _audit(h, action, user=user, role=role, target=target, outcome="refused", reason=en, **details)
    except ExportError:
        pass
    raise SignoffRefused(th, en)


def prepare(h: Home, survey: str, period: int, out: Path, *, user: str, role: str, version: str | None = None) -> dict:
    """`export_obec`, recorded (`export_prepared`) before the files replace `out`, then registered as
    awaiting the director's approval. Returns the manifest."""
    done: dict = {}

    def ready(out_dir: Path, manifest: dict) -> None:
        sha = hashlib.sha256(manifest_bytes(manifest)).hexdigest()
        _audit(h, "export_prepared", user=user, role=role, target=out_dir, **summary(manifest), manifest_sha256=sha)
        done.update(folder=out_dir, sha=sha, summary=summary(manifest))

    try:
        manifest = export_obec(h, survey, period, out, version=version, ready=ready)
    except BaseException as e:
        if done:  # recorded as prepared, yet `out` was not replaced
            try:
                _audit(h, "export_prepared", user=user, role=role, target=done["folder"], outcome="error", reason=str(e))
            except ExportError:
                pass
        raise
    try:
        with _locked(h):
            _register(h, "prepared", done["folder"], done["sha"], user, role, **done["summary"])
    except OSError as e:
        raise ExportError(f"ส่งออกไว้ที่ {done['folder']} แล้ว แต่ลงทะเบียนรออนุมัติไม่ได้ ({e}) — ส่งออกใหม่อีกครั้ง",
                          f"exported to {done['folder']}, but it could not be registered for approval ({e}); "
                          "export again") from None
    return manifest


def _decide(h: Home, folder: Path, decision: str, *, user: str, role: str, name: str | None,
            reason: str | None = None) -> dict:
    action = DECISIONS[decision]
    verb_th, verb_en = ("อนุมัติ", "approve") if decision == "approved" else ("ส่งกลับ", "return")
    if role not in DECIDERS:
        _refuse(h, action, user, role, folder,
                f"เฉพาะผู้อำนวยการ สพท. เท่านั้นที่{verb_th}ผลการส่งออกได้ (บทบาทของ {user}: {role})",
                f"only a director may {verb_en} an export ({user}'s role: {role})")
    with _locked(h):
        st = status(h, folder)
        if st.state is not State.PREPARED or st.prepared is None:
            th, en = why(st)
            _refuse(h, action, user, role, st.folder, f"{verb_th}ไม่ได้: {th}", f"cannot {verb_en}: {en}",
                    manifest_sha256=st.manifest_sha256)
        if decision == "approved" and st.prepared.get("user") == user:  # four eyes: another person approves
            _refuse(h, action, user, role, st.folder,
                    f"{user} เป็นผู้เตรียมผลการส่งออกนี้ จึงอนุมัติเองไม่ได้ ต้องให้ผู้อำนวยการอีกคนหนึ่งอนุมัติ",
                    f"{user} prepared this export and cannot approve it: another director must",
                    manifest_sha256=st.manifest_sha256)
        key = _key()
        at = times(now())
        details = {**summary(st.manifest), "manifest_sha256": st.manifest_sha256, "reason": reason}
        entry = _audit(h, action, user=user, role=role, target=st.folder, **details)
        doc = {"decision": decision, **details, "by": user, "name": name or user, "role": role, **at,
               "audit_seq": entry["seq"], "key_id": key_id(key)}
        doc["mac"] = _signature(key, doc)
        try:
            write_atomic(st.folder / APPROVAL, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
            _register(h, decision, st.folder, st.manifest_sha256, user, role, reason=reason)
        except OSError as e:
            (st.folder / APPROVAL).unlink(missing_ok=True)
            _audit(h, action, user=user, role=role, target=st.folder, outcome="error", reason=str(e))
            raise ExportError(f"บันทึกการ{verb_th}ลงใน {st.folder} ไม่ได้: {e}", f"cannot write the decision into {st.folder}: {e}") from None
    return doc


def approve(h: Home, folder: Path, *, user: str, role: str, name: str | None = None) -> dict:
    """The director approves the export in `folder` as it is now; returns approval.json's content."""
    return _decide(h, folder, "approved", user=user, role=role, name=name)


def send_back(h: Home, folder: Path, *, user: str, role: str, reason: str, name: str | None = None) -> dict:
    """The director returns the export for correction; `reason` is required."""
    reason = " ".join((reason or "").split())
    if not reason:
        _refuse(h, "export_returned", user, role, folder, "ต้องระบุเหตุผลที่ส่งกลับแก้ไข", "a return needs a reason")
    return _decide(h, folder, "returned", user=user, role=role, name=name, reason=reason)


def approved_manifest(released: dict) -> bytes:
    """The bytes of the manifest the director approved, rebuilt from a released manifest: their sha256 is
    the approval's `manifest_sha256`."""
    return manifest_bytes({k: None if k == "approval" else v for k, v in released.items() if k != "released"})


def _destination(h: Home, st: Status, to: Path | None) -> Path:
    if to is None:
        m = st.manifest
        to = h.exports / OUTBOX / f"{m.get('survey')}_{m.get('period')}_{summary(m)['version']}_{st.manifest_sha256[:8]}"
    dest = Path(to).expanduser().resolve()
    outbox = (h.exports / OUTBOX).resolve()
    if not (dest.is_relative_to(outbox) and dest != outbox):
        refuse_own_folder(h, dest)
    if dest.is_relative_to(st.folder) or st.folder.is_relative_to(dest):
        raise ExportError(f"ปลายทาง {dest} ต้องอยู่นอกโฟลเดอร์ผลการส่งออก {st.folder}",
                          f"the destination {dest} must be outside the export's folder {st.folder}")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ExportError(f"{dest} มีอยู่แล้ว — ไม่เขียนทับ (ไฟล์ที่เคยส่งออกไว้ที่นั่นยังอยู่ครบ) เลือก --to อื่น",
                          f"{dest} already exists: nothing overwritten (an earlier release there is kept); choose "
                          "another --to")
    return dest


def release(h: Home, folder: Path, *, user: str, role: str, to: Path | None = None) -> Released:
    """Copy an approved, unchanged export into a new folder with the released manifest (module docstring).
    SignoffRefused for a role or state that may not release; ExportError when it cannot be done."""
    st = status(h, folder)
    if role not in RELEASERS:
        _refuse(h, "export_released", user, role, st.folder, f"บทบาท {role} ส่งออกไฟล์ที่อนุมัติแล้วไม่ได้",
                f"the role {role} may not release an export")
    if st.state not in (State.APPROVED, State.RELEASED):
        th, en = why(st)
        _refuse(h, "export_released", user, role, st.folder, f"ไม่ส่งออก: {th}", f"not released: {en}",
                manifest_sha256=st.manifest_sha256)
    dest = _destination(h, st, to)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex}{TMP_SUFFIX}"
    tmp.mkdir()
    try:
        changed = []
        for f in st.manifest["files"]:  # hashed again as copied: the bytes sent are the bytes approved
            shutil.copyfile(st.folder / f["name"], tmp / f["name"])
            if sha256_file(tmp / f["name"]) != f["sha256"]:
                changed.append(f["name"])
        if changed:
            _refuse(h, "export_released", user, role, st.folder,
                    f"ไม่ส่งออก: ไฟล์ถูกแก้ไขระหว่างส่งออก การอนุมัติจึงเป็นโมฆะ: {', '.join(changed)}",
                    f"not released: changed while being released, so the approval is void: {', '.join(changed)}")
        d = st.decision
        approval = {k: d[k] for k in ("decision", "by", "name", "role", "at_utc", "at_bangkok", "manifest_sha256",
                                      "audit_seq")}
        released = {**st.manifest, "approval": approval,
                    "released": {"by": user, "role": role, **times(now()), "from": str(st.folder)}}
        (tmp / MANIFEST).write_bytes(manifest_bytes(released))
        for p in tmp.iterdir():
            fsync_path(p)
        fsync_path(tmp)
        _audit(h, "export_released", user=user, role=role, target=dest, source=str(st.folder),
               **summary(st.manifest), manifest_sha256=st.manifest_sha256, approved_by=d["by"])
        try:
            os.rename(tmp, dest)  # DEST absent or an empty folder: it appears whole
        except OSError as e:
            _audit(h, "export_released", user=user, role=role, target=dest, outcome="error", reason=str(e))
            raise ExportError(f"ย้ายไฟล์ไปที่ {dest} ไม่ได้: {e}", f"cannot move the release into {dest}: {e}") from None
        fsync_path(dest.parent)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with _locked(h):
        _register(h, "released", st.folder, st.manifest_sha256, user, role, to=str(dest))
    return Released(dest, released)
