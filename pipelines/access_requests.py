"""Access requests (แบบคำร้องขอเข้าถึงข้อมูลสารสนเทศ, issue 9 point 5): a logged-in person asks for more than
their role gives, ICT staff or the director approve or refuse it with a reason, and an approval grants
exactly what was asked for exactly that many days. Requests and grants as data; no Streamlit here.

    submit(h, user, Asked("page", "dltv"), "เตรียมประชุมผู้บริหาร", 30, role_pages=ROLE_PAGES)  -> Request
    decide(h, request_id, "ict1", "ict", approve=True, reason="")                           -> Request
    grants_for(h, "somchai", now)                                                            -> [Grant]
    effective_pages(h, "somchai", "school", ROLE_PAGES, now)   the role's own pages + its live grants'

Who asks: anyone logged in, school users too, for something their own role does not give. A person with
no account asks ICT staff, who make one with the least role that fits (`khlang users add`: a school user
bound to its school, else analyst); more is then asked for here, so every widening is a decided request.

What can be asked (`Asked`): a role of `pipelines.users.ROLES` (a school with its 10-digit code), or one
page of the dashboards' roles table (`dashboards.access.ROLE_PAGES`: every page some role sees; the table
is handed in, as this module knows no Streamlit). A role grants that role's pages. A grant widens what a
person may open, never who decides: deciding requests (here) and the director's export sign-off go by the
account's own role, so an approval can never be used to approve more.

For how long: 1-365 whole days, counted from the approval (not the request): the grant holds from the
decision's time until that time plus the days, and then ends by itself (nothing to revoke, nothing
recorded at expiry). Decisions: only `DECIDERS` (ict, director), never one's own request, a refusal only
with a reason, and a request is decided once.

Where: the data root's `state/access_requests.jsonl`, beside the export sign-off's registry, one line per
step (requested, approved, refused), appended under a file lock and folded into the current state on
every read. In the data root rather than beside the users file, because a request belongs with the audit
log that records it (the same root, the same backups; tests and a second office root each have their
own), and it holds no secret: names, reasons and dates. Since whoever can write the data root could
write a grant line, every line carries an HMAC with the audit log's key (kept outside the data root,
`pipelines.audit.AUDIT_KEY`): a line without a good signature is no request and no grant (counted in
`State.unsigned` for the review page). A decision line holds what it grants (user, what, from, until)
and the signature of the request it decides, so it stands alone and decides only that request.

Every step is an audit log entry (access_requested, access_approved, access_refused) written before the
line: a step whose entry cannot be written is not taken. A decision that is not allowed is refused with
its reason in Thai and English and recorded too (outcome "refused").
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import polars as pl
from filelock import FileLock, Timeout

from pipelines.audit import AUDIT_KEY, AuditError, record
from pipelines.audit.chain import mac
from pipelines.config import Home
from pipelines.pii import KeyProblem, load_key
from pipelines.users import ROLES, SCHOOL_CODE, User

log = logging.getLogger(__name__)

FILE, LOCK = "access_requests.jsonl", ".access_requests.lock"  # in the data root's state/
LABEL = FILE.encode()  # what the lines' HMAC is keyed to, so no other signed document passes for one
DECIDERS = ("ict", "director")  # whose own role may approve or refuse
MIN_DAYS, MAX_DAYS = 1, 365
MAX_REASON = 1000  # characters of a reason kept
STATUSES = {
    "pending": ("รอพิจารณา", "awaiting a decision"),
    "approved": ("อนุมัติแล้ว", "approved"),
    "expired": ("อนุมัติแล้ว หมดอายุ", "approved, expired"),
    "refused": ("ไม่อนุมัติ", "refused"),
}


class RequestProblem(RuntimeError):
    """A request or decision that cannot be made as asked: a Thai and an English message."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{en} / {th}")
        self.th, self.en = th, en


@dataclass(frozen=True)
class Asked:
    """What a request asks for: a role (a school with its code), or one dashboard page."""

    kind: str  # "role" or "page"
    key: str  # a role of pipelines.users.ROLES, or a page key of the roles table
    school_code: str | None = None  # the role "school" only

    def doc(self) -> dict:
        return {"kind": self.kind, "key": self.key, **({"school_code": self.school_code} if self.school_code else {})}

    @classmethod
    def of(cls, doc: dict) -> Asked:
        return cls(str(doc["kind"]), str(doc["key"]), doc.get("school_code"))


@dataclass(frozen=True)
class Decision:
    approved: bool
    by: str
    by_name: str
    by_role: str
    time: datetime
    reason: str
    until: datetime | None  # approved: when the grant ends


@dataclass(frozen=True)
class Request:
    id: str
    user: str
    name: str
    role: str  # the requester's own role when asking
    school_code: str | None
    asked: Asked
    reason: str
    days: int
    time: datetime
    decision: Decision | None
    mac: str  # the request line's signature, which its decision names

    def status(self, now: datetime | None = None) -> str:
        """pending, approved (its grant live at `now`), expired or refused: a key of STATUSES."""
        d = self.decision
        if d is None:
            return "pending"
        if not d.approved:
            return "refused"
        return "approved" if d.until > _now(now) else "expired"


@dataclass(frozen=True)
class Grant:
    """What an approval gives one user, from `start` until (not including) `until`."""

    request_id: str
    user: str
    asked: Asked
    start: datetime
    until: datetime
    by: str


@dataclass(frozen=True)
class State:
    requests: tuple[Request, ...]  # newest first
    grants: tuple[Grant, ...]  # every approval, live or not, in the file's order
    unsigned: int  # lines that are not a signed step (edited, hand-written, torn): ignored


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# ------------------------------------------------------------------------------------------------ reading
def _key() -> bytes | None:
    try:
        return load_key(kind=AUDIT_KEY)
    except KeyProblem:
        return None


def _lines(h: Home) -> tuple[list[dict], int]:
    """The file's signed lines, oldest first, and how many others it holds."""
    try:
        raw = (h.state / FILE).read_bytes()
    except FileNotFoundError:
        return [], 0
    key, good, bad = _key(), [], 0
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            doc = None
        if key is not None and isinstance(doc, dict) and hmac.compare_digest(str(doc.get("mac")), mac(key, doc, LABEL)):
            good.append(doc)
        else:
            bad += 1
    return good, bad


def _request(doc: dict, decision: Decision | None) -> Request:
    return Request(doc["id"], doc["user"], doc["name"], doc["role"], doc.get("school_code"), Asked.of(doc["what"]),
                   doc["reason"], int(doc["days"]), _time(doc["time"]), decision, doc["mac"])


def _decision(doc: dict) -> Decision:
    return Decision(doc["event"] == "approved", doc["by"], doc["by_name"], doc["by_role"], _time(doc["time"]),
                    doc["reason"], _time(doc["until"]) if doc["event"] == "approved" else None)


def state(h: Home) -> State:
    """Every request with its decision, and every grant, folded from the signed lines."""
    return _fold(*_lines(h))


def _fold(lines: list[dict], unsigned: int) -> State:
    asked = {d["id"]: d for d in lines if d.get("event") == "requested"}
    decided: dict[tuple[str, str], dict] = {}  # (id, the request's signature) -> its first decision, which stands
    for d in lines:
        if d.get("event") in ("approved", "refused"):
            decided.setdefault((d["id"], d["request_mac"]), d)
    requests = []
    for rid, doc in asked.items():
        decision = decided.get((rid, doc["mac"]))
        requests.append(_request(doc, None if decision is None else _decision(decision)))
    grants = tuple(Grant(d["id"], d["user"], Asked.of(d["what"]), _time(d["start"]), _time(d["until"]), d["by"])
                   for d in decided.values() if d["event"] == "approved")
    return State(tuple(sorted(requests, key=lambda r: r.time, reverse=True)), grants, unsigned)


def requests(h: Home, user: str | None = None) -> list[Request]:
    """The requests, newest first; only `user`'s when given."""
    return [r for r in state(h).requests if user is None or r.user == user]


def grants_for(h: Home, user: str | None, now: datetime | None = None) -> list[Grant]:
    """The grants live at `now` (start <= now < until), the soonest to end first; every user's when `user`
    is None. An expired grant is simply no longer here."""
    now = _now(now)
    live = [g for g in state(h).grants if (user is None or g.user == user) and g.start <= now < g.until]
    return sorted(live, key=lambda g: (g.until, g.request_id))


def effective_pages(h: Home, user: str, role: str, role_pages: Mapping[str, Sequence[str]],
                    now: datetime | None = None) -> tuple[str, ...]:
    """The pages `user` may open at `now`: their own role's (first, in the table's order), then those of
    their live grants (a role's pages, or the page granted). Pages not in the table are left out. The one
    place a grant reaches the role check (dashboards.access). When the file or key cannot be read, the
    role's own pages only (a grant is never assumed), and the server's log says why."""
    own = tuple(role_pages.get(role, ()))
    known = set(table_pages(role_pages))
    try:
        grants = grants_for(h, user, now)
    except (OSError, ValueError, KeyError, TypeError) as problem:
        log.warning("access grants of %s not read, own role's pages only: %s", user, problem)
        return own
    extra = [p for g in grants for p in (role_pages.get(g.asked.key, ()) if g.asked.kind == "role" else (g.asked.key,))]
    return tuple(dict.fromkeys([*own, *(p for p in extra if p in known)]))


def granted_schools(h: Home, user: str, now: datetime | None = None) -> tuple[str, ...]:
    """The school codes of `user`'s live grants of the school role (a school's page for another school)."""
    return tuple(dict.fromkeys(g.asked.school_code for g in grants_for(h, user, now)
                               if g.asked.kind == "role" and g.asked.key == "school" and g.asked.school_code))


def table_pages(role_pages: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Every page some role sees, in the table's order: what a page request may name (and what the usage
    page counts as the dashboards' pages)."""
    return tuple(dict.fromkeys(p for pages in role_pages.values() for p in pages))


# ------------------------------------------------------------------------------------------------ writing
@contextmanager
def _locked(h: Home) -> Iterator[None]:
    """One step at a time in a data root (two deciders at once: the second sees the first's decision)."""
    try:
        h.state.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise RequestProblem(f"ไม่พบที่เก็บข้อมูล {h.root}", f"no data root at {h.root}") from None
    try:
        held = FileLock(h.state / LOCK, timeout=30, mode=0o600).acquire()
    except Timeout:
        raise RequestProblem("รอคิวคำร้องเกิน 30 วินาที ลองใหม่อีกครั้ง", "waited over 30 s for the requests' lock; try again") from None
    with held:  # released at the block's end
        yield


def _append(h: Home, doc: dict) -> dict:
    """Sign and append one line (owner-only: it names people); the caller holds `_locked`."""
    doc = {**doc, "mac": mac(load_key(kind=AUDIT_KEY), doc, LABEL)}
    data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    fd = os.open(h.state / FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return doc


def _audit(h: Home, action: str, *, user: str, role: str | None, target: str, outcome: str = "ok", **details) -> None:
    """The step's audit entry; RequestProblem when it cannot be written (then the step is not taken)."""
    try:
        record(h, action, user=user, role=role, target=target, outcome=outcome, **details)
    except (AuditError, KeyProblem, OSError) as e:
        th, en = (e.th, e.en) if isinstance(e, AuditError | KeyProblem) else ("เขียนไฟล์ไม่ได้", str(e))
        raise RequestProblem(f"บันทึกการใช้งานไม่ได้ จึงไม่ดำเนินการ: {th}",
                             f"the audit log cannot be written, so nothing was done: {en}") from None


def _refuse(h: Home, action: str, user: str, role: str | None, target: str, th: str, en: str) -> None:
    """Record a decision that is not allowed (when the log can be written: the refusal stands either way)."""
    try:
        _audit(h, action, user=user, role=role, target=target, outcome="refused", refused=en)
    except RequestProblem:
        pass
    raise RequestProblem(th, en)


def _text(reason: str | None) -> str:
    return " ".join((reason or "").split())[:MAX_REASON]


def check_asked(user: User, asked: Asked, role_pages: Mapping[str, Sequence[str]]) -> None:
    """RequestProblem when `asked` is not a thing one may ask for, or `user`'s own role already gives it."""
    if asked.kind == "role":
        if asked.key not in ROLES:
            raise RequestProblem(f"ไม่รู้จักบทบาท {asked.key!r}", f"unknown role {asked.key!r}")
        if asked.key == "school" and not (asked.school_code and SCHOOL_CODE.fullmatch(asked.school_code)):
            raise RequestProblem("บทบาทโรงเรียนต้องระบุรหัสสถานศึกษา 10 หลัก",
                                 "the school role needs a 10-digit school code")
        if asked.key != "school" and asked.school_code:
            raise RequestProblem("รหัสสถานศึกษาใช้กับบทบาทโรงเรียนเท่านั้น", "a school code is for the school role only")
        if asked.key == user.role and asked.school_code == user.school_code:
            raise RequestProblem("บัญชีนี้มีบทบาทนี้อยู่แล้ว", "this account already has this role")
    elif asked.kind == "page":
        if asked.key not in table_pages(role_pages):
            raise RequestProblem(f"ไม่มีหน้า {asked.key!r} ให้ขอ", f"no page {asked.key!r} to ask for")
        if asked.school_code:
            raise RequestProblem("รหัสสถานศึกษาใช้กับบทบาทโรงเรียนเท่านั้น", "a school code is for the school role only")
        if asked.key in role_pages.get(user.role, ()):
            raise RequestProblem("บทบาทของบัญชีนี้เปิดหน้านี้ได้อยู่แล้ว", "this account's role opens this page already")
    else:
        raise RequestProblem(f"ขอได้เฉพาะบทบาทหรือหน้า ไม่ใช่ {asked.kind!r}", f"ask for a role or a page, not {asked.kind!r}")


def _days(days) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        raise RequestProblem(f"จำนวนวันต้องเป็นจำนวนเต็ม {MIN_DAYS}–{MAX_DAYS} วัน",
                             f"the number of days must be a whole number from {MIN_DAYS} to {MAX_DAYS}")
    return days


def _next_id(lines: list[dict], now: datetime) -> str:
    """AR-<Buddhist-era year>-<running number of that year>, as an office numbers its forms."""
    from pipelines.parsing.cells import BE_OFFSET

    prefix = f"AR-{now.year + BE_OFFSET}-"
    used = [int(d["id"][len(prefix):]) for d in lines if d.get("event") == "requested" and d["id"].startswith(prefix)]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def submit(h: Home, user: User, what: Asked, reason: str, days: int, *, role_pages: Mapping[str, Sequence[str]],
           now: datetime | None = None) -> Request:
    """A request by the logged-in `user` for `what` (checked against `role_pages`, the dashboards' roles
    table) for `days`, with a reason. Recorded (access_requested) and kept as awaiting a decision.
    RequestProblem when it cannot be asked for, or the same is already awaiting a decision."""
    check_asked(user, what, role_pages)
    days, reason = _days(days), _text(reason)
    if not reason:
        raise RequestProblem("กรุณาระบุเหตุผลที่ขอ", "a reason is required")
    now = _now(now)
    with _locked(h):
        lines, unsigned = _lines(h)
        for r in _fold(lines, unsigned).requests:
            if r.user == user.username and r.asked == what and r.decision is None:
                raise RequestProblem(f"มีคำร้องเดียวกันรอพิจารณาอยู่แล้ว (เลขที่ {r.id})",
                                     f"the same request is already awaiting a decision ({r.id})")
        rid = _next_id(lines, now)
        _audit(h, "access_requested", user=user.username, role=user.role, target=rid, name=user.name,
               what=what.doc(), days=days, reason=reason)
        doc = _append(h, {"event": "requested", "id": rid, "time": now.isoformat(), "user": user.username,
                          "name": user.name, "role": user.role, "school_code": user.school_code, "what": what.doc(),
                          "reason": reason, "days": days})
    return _request(doc, None)


def decide(h: Home, request_id: str, decider: str, decider_role: str, approve: bool, reason: str = "", *,
           decider_name: str | None = None, now: datetime | None = None) -> Request:
    """Approve or refuse request `request_id` as `decider` with their account's own role. Only DECIDERS
    decide, never their own request, a refusal only with a reason, and only a request awaiting a decision;
    otherwise RequestProblem, and the attempt is recorded as refused. An approval grants what was asked
    from now for the request's days. Recorded (access_approved / access_refused) before it is kept."""
    action = "access_approved" if approve else "access_refused"
    reason, now = _text(reason), _now(now)
    with _locked(h):
        found = next((r for r in state(h).requests if r.id == request_id), None)
        refused = None
        if decider_role not in DECIDERS:
            refused = ("เฉพาะเจ้าหน้าที่ ICT หรือผู้อำนวยการ สพท. เท่านั้นที่พิจารณาคำร้องได้",
                       "only ICT staff or the director decide access requests")
        elif found is None:
            refused = (f"ไม่พบคำร้องเลขที่ {request_id}", f"no request {request_id}")
        elif found.user == decider:
            refused = ("พิจารณาคำร้องของตนเองไม่ได้", "nobody decides their own request")
        elif found.decision is not None:
            refused = (f"คำร้องเลขที่ {request_id} ได้รับการพิจารณาแล้ว ({STATUSES[found.status(now)][0]})",
                       f"request {request_id} has been decided already ({STATUSES[found.status(now)][1]})")
        elif not approve and not reason:
            refused = ("กรุณาระบุเหตุผลที่ไม่อนุมัติ", "a refusal needs a reason")
        if refused:
            _refuse(h, action, decider, decider_role, request_id, *refused)
        period = {"start": now.isoformat(), "until": (now + timedelta(days=found.days)).isoformat()} if approve else {}
        _audit(h, action, user=decider, role=decider_role, target=found.id, requester=found.user,
               what=found.asked.doc(), days=found.days, reason=reason, **period)
        doc = _append(h, {"event": "approved" if approve else "refused", "id": found.id, "request_mac": found.mac,
                          "time": now.isoformat(), "by": decider, "by_name": decider_name or decider,
                          "by_role": decider_role, "reason": reason,
                          **({"user": found.user, "what": found.asked.doc(), **period} if approve else {})})
    return replace(found, decision=_decision(doc))


# ------------------------------------------------------------------------------------------------ shown
# What the pages show of requests and grants: Thai first, English beside it (the pages' column headings).
HEADINGS = {
    "id": "เลขที่คำร้อง (request)", "time": "วันที่ยื่น (asked)", "name": "ชื่อ-สกุล (name)", "user": "ชื่อผู้ใช้ (user)",
    "role": "บทบาท/ตำแหน่ง (role)", "what": "ขอสิทธิ์ (asking for)", "days": "จำนวนวัน (days)",
    "reason": "เหตุผลที่ขอ (reason)", "status": "สถานะ (status)", "by": "ผู้พิจารณา (decided by)",
    "decided": "วันที่พิจารณา (decided)", "decision_reason": "เหตุผลการพิจารณา (decision's reason)",
    "start": "ใช้ได้ตั้งแต่ (from)", "until": "ใช้ได้ถึง (until)",
}


def role_text(role: str | None, school_code: str | None = None) -> str:
    """`โรงเรียน (School) 1040866403`: a role's Thai name with the English beside it, a school's code after;
    `ไม่ระบุ (none)` for no role (a failed login under a name that is no user)."""
    if not role:
        return "ไม่ระบุ (none)"
    th, en = ROLES.get(role, (role, role))
    return f"{th} ({en})" + (f" {school_code}" if school_code else "")


def describe(asked: Asked, page_titles: Mapping[str, str]) -> str:
    """What was asked, as a person reads it: `หน้า “DLTV ความต้องการอุปกรณ์” (page dltv)`,
    `บทบาท นักวิเคราะห์ (Analyst)`, `บทบาท โรงเรียน (School) 1040866403`."""
    if asked.kind == "page":
        return f"หน้า “{page_titles.get(asked.key, asked.key)}” (page {asked.key})"
    return f"บทบาท {role_text(asked.key, asked.school_code)}"


def shown_requests(found: Sequence[Request], now: datetime, page_titles: Mapping[str, str],
                   when: Callable[[datetime | None], str]) -> pl.DataFrame:
    """The requests as a table of text (keys of HEADINGS), times written by `when` (the pages' Thai dates)."""
    rows = [{"id": r.id, "time": when(r.time), "name": r.name, "user": r.user, "role": role_text(r.role, r.school_code),
             "what": describe(r.asked, page_titles), "days": r.days, "reason": r.reason,
             "status": "{} ({})".format(*STATUSES[r.status(now)]),
             "by": f"{r.decision.by_name} ({r.decision.by})" if r.decision else "–",
             "decided": when(r.decision.time) if r.decision else "–",
             "decision_reason": (r.decision.reason or "–") if r.decision else "–",
             "until": when(r.decision.until) if r.decision and r.decision.until else "–"} for r in found]
    return pl.DataFrame(rows, schema={k: pl.Int64 if k == "days" else pl.String for k in HEADINGS if k != "start"})


def shown_grants(grants: Sequence[Grant], page_titles: Mapping[str, str],
                 when: Callable[[datetime | None], str]) -> pl.DataFrame:
    """Live grants as a table of text: who, what, from, until, decided by, the request."""
    rows = [{"user": g.user, "what": describe(g.asked, page_titles), "start": when(g.start), "until": when(g.until),
             "by": g.by, "id": g.request_id} for g in grants]
    return pl.DataFrame(rows, schema=dict.fromkeys(("user", "what", "start", "until", "by", "id"), pl.String))
