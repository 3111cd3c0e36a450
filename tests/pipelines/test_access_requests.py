"""Access requests and grants (pipelines/access_requests.py): submit, decide, grants that last exactly the
days asked from the approval, the rules of who decides, every step in the audit log, and the signed file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from pipelines import access_requests as ar
from pipelines.access_requests import Asked, RequestProblem
from pipelines.audit import read, verify
from pipelines.config import Home
from pipelines.users import User

# a roles table like dashboards.access.ROLE_PAGES (which this module is handed, never imports)
ROLE_PAGES = {
    "director": ("overview", "dltv", "school", "access_request", "access_review", "usage"),
    "ict": ("overview", "dltv", "quality", "school", "access_request", "access_review", "usage"),
    "analyst": ("overview", "dltv", "school", "access_request"),
    "school": ("school", "access_request"),
}
NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 09:30 in Bangkok
SCHOOL = User("school_1040866403", "โรงเรียนบ้านหนองบัว", "school", "1040866403")
ANALYST = User("somsri.k", "นางสาวสมศรี ใจดี", "analyst")
ICT = User("ict1", "นายสมชาย รักงาน", "ict")
DIRECTOR = User("director", "ผู้อำนวยการ สพท.", "director")


@pytest.fixture
def h(tmp_path) -> Home:
    (tmp_path / "root").mkdir()
    return Home(tmp_path / "root")


DLTV = Asked("page", "dltv")


def ask(h: Home, user: User = SCHOOL, what: Asked = DLTV, days: int = 30, reason: str = "เตรียมประชุม",
        now: datetime = NOW) -> ar.Request:
    return ar.submit(h, user, what, reason, days, role_pages=ROLE_PAGES, now=now)


def entries(h: Home, action: str) -> list[dict]:
    return read(h).filter(pl.col("action") == action).to_dicts()


def test_a_request_awaits_a_decision_recorded_and_numbered_by_the_buddhist_year(h):
    r = ask(h, reason="  ต้องการดูข้อมูล DLTV \n ของอำเภอ  ")
    assert r.id == "AR-2569-0001" and r.status(NOW) == "pending" and r.decision is None
    assert (r.user, r.name, r.role, r.school_code) == (SCHOOL.username, SCHOOL.name, "school", "1040866403")
    assert r.reason == "ต้องการดูข้อมูล DLTV ของอำเภอ" and r.days == 30 and r.time == NOW
    assert ar.requests(h) == [r] and ar.requests(h, "someone_else") == []
    assert ask(h, ANALYST, Asked("role", "ict")).id == "AR-2569-0002"
    [e] = entries(h, "access_requested")[:1]
    assert (e["user"], e["role"], e["target"], e["outcome"]) == (SCHOOL.username, "school", "AR-2569-0001", "ok")
    assert json.loads(e["details"]) == {"name": SCHOOL.name, "what": {"kind": "page", "key": "dltv"}, "days": 30,
                                        "reason": "ต้องการดูข้อมูล DLTV ของอำเภอ"}
    assert (h.state / ar.FILE).stat().st_mode & 0o777 == 0o600
    assert ar.grants_for(h, SCHOOL.username, NOW) == [], "a request grants nothing before it is approved"


def test_an_approval_grants_exactly_what_was_asked_for_exactly_that_long_from_the_decision(h):
    r = ask(h, days=30)
    decided_at = NOW + timedelta(days=2, hours=5)
    done = ar.decide(h, r.id, ICT.username, "ict", True, "", decider_name=ICT.name, now=decided_at)
    assert done.status(decided_at) == "approved" and done.decision.by_name == ICT.name
    [g] = ar.grants_for(h, SCHOOL.username, decided_at)
    assert (g.user, g.asked, g.start, g.until, g.by) == (SCHOOL.username, Asked("page", "dltv"), decided_at,
                                                         decided_at + timedelta(days=30), "ict1")
    pages = ar.effective_pages(h, SCHOOL.username, "school", ROLE_PAGES, decided_at)
    assert pages == ("school", "access_request", "dltv"), "the own role's pages first, then exactly the page granted"
    assert ar.effective_pages(h, SCHOOL.username, "school", ROLE_PAGES, decided_at - timedelta(seconds=1)) == \
        ("school", "access_request"), "nothing before the approval"
    last = g.until - timedelta(microseconds=1)
    assert ar.grants_for(h, SCHOOL.username, last) == [g]
    assert ar.grants_for(h, SCHOOL.username, g.until) == [], "it ends by itself after the days asked"
    assert ar.effective_pages(h, SCHOOL.username, "school", ROLE_PAGES, g.until) == ("school", "access_request")
    assert ar.requests(h)[0].status(g.until) == "expired"
    assert ar.effective_pages(h, ANALYST.username, "analyst", ROLE_PAGES, decided_at) == ROLE_PAGES["analyst"]


def test_a_role_grant_gives_that_roles_pages_and_a_school_grant_its_school(h):
    a = ask(h, ANALYST, Asked("role", "ict"), days=7)
    b = ask(h, ANALYST, Asked("role", "school", "1040866999"), days=1)
    for r in (a, b):
        ar.decide(h, r.id, DIRECTOR.username, "director", True, "ได้รับมอบหมาย", now=NOW)
    pages = ar.effective_pages(h, ANALYST.username, "analyst", ROLE_PAGES, NOW + timedelta(hours=1))
    assert pages == ("overview", "dltv", "school", "access_request", "quality", "access_review", "usage")
    assert ar.granted_schools(h, ANALYST.username, NOW) == ("1040866999",)
    assert ar.granted_schools(h, ANALYST.username, NOW + timedelta(days=1)) == ()
    assert [g.request_id for g in ar.grants_for(h, None, NOW + timedelta(days=2))] == [a.id]


def test_a_refusal_needs_a_reason_and_grants_nothing(h):
    r = ask(h)
    with pytest.raises(RequestProblem, match="reason") as e:
        ar.decide(h, r.id, ICT.username, "ict", False, "   ", now=NOW)
    assert "เหตุผล" in e.value.th
    assert ar.requests(h)[0].status(NOW) == "pending"
    done = ar.decide(h, r.id, ICT.username, "ict", False, "ข้อมูลระดับอำเภอไม่จำเป็นต่อภารกิจ", now=NOW)
    assert done.status(NOW) == "refused" and done.decision.reason == "ข้อมูลระดับอำเภอไม่จำเป็นต่อภารกิจ"
    assert ar.grants_for(h, SCHOOL.username, NOW) == []
    [e] = entries(h, "access_refused")[-1:]
    assert (e["user"], e["role"], e["target"], e["outcome"]) == ("ict1", "ict", r.id, "ok")
    assert json.loads(e["details"])["reason"] == "ข้อมูลระดับอำเภอไม่จำเป็นต่อภารกิจ"


@pytest.mark.parametrize("role", ["analyst", "school", "", "ICT"])
def test_only_ict_staff_or_the_director_decide_and_the_attempt_is_recorded(h, role):
    r = ask(h)
    with pytest.raises(RequestProblem, match="only ICT staff or the director"):
        ar.decide(h, r.id, "someone", role, True, now=NOW)
    assert ar.requests(h)[0].decision is None
    [e] = entries(h, "access_approved")
    assert (e["user"], e["role"], e["target"], e["outcome"]) == ("someone", role, r.id, "refused")


def test_nobody_decides_their_own_request(h):
    r = ask(h, ICT, Asked("role", "director"))
    with pytest.raises(RequestProblem, match="their own request") as e:
        ar.decide(h, r.id, ICT.username, "ict", True, now=NOW)
    assert "ตนเอง" in e.value.th and ar.grants_for(h, ICT.username, NOW) == []
    assert entries(h, "access_approved")[0]["outcome"] == "refused"
    ar.decide(h, r.id, DIRECTOR.username, "director", True, now=NOW)  # someone else may
    assert [g.asked for g in ar.grants_for(h, ICT.username, NOW)] == [Asked("role", "director")]


def test_a_decided_request_is_not_decided_again(h):
    r = ask(h)
    ar.decide(h, r.id, ICT.username, "ict", False, "ไม่จำเป็น", now=NOW)
    for approve in (True, False):
        with pytest.raises(RequestProblem, match="decided already"):
            ar.decide(h, r.id, DIRECTOR.username, "director", approve, "เปลี่ยนใจ", now=NOW + timedelta(hours=1))
    assert ar.requests(h)[0].status(NOW) == "refused" and ar.grants_for(h, SCHOOL.username, NOW) == []
    with pytest.raises(RequestProblem, match="no request"):
        ar.decide(h, "AR-2569-9999", ICT.username, "ict", True, now=NOW)


@pytest.mark.parametrize(("user", "what", "days", "reason", "message"), [
    (SCHOOL, Asked("page", "dltv"), 0, "x", "number of days"),
    (SCHOOL, Asked("page", "dltv"), 366, "x", "number of days"),
    (SCHOOL, Asked("page", "dltv"), 1.5, "x", "number of days"),
    (SCHOOL, Asked("page", "dltv"), True, "x", "number of days"),
    (SCHOOL, Asked("page", "dltv"), 30, " \n", "reason is required"),
    (SCHOOL, Asked("page", "payroll"), 30, "x", "no page"),
    (SCHOOL, Asked("page", "school"), 30, "x", "opens this page already"),
    (SCHOOL, Asked("role", "school", "1040866403"), 30, "x", "already has this role"),
    (ANALYST, Asked("role", "analyst"), 30, "x", "already has this role"),
    (ANALYST, Asked("role", "superuser"), 30, "x", "unknown role"),
    (ANALYST, Asked("role", "school"), 30, "x", "10-digit school code"),
    (ANALYST, Asked("role", "school", "12345"), 30, "x", "10-digit school code"),
    (ANALYST, Asked("role", "ict", "1040866403"), 30, "x", "school role only"),
    (ANALYST, Asked("table", "schools"), 30, "x", "a role or a page"),
])
def test_what_cannot_be_asked_is_refused_in_thai_and_english_and_writes_nothing(h, user, what, days, reason, message):
    with pytest.raises(RequestProblem, match=message) as e:
        ask(h, user, what, days, reason)
    assert e.value.th and e.value.th != e.value.en
    assert ar.requests(h) == [] and read(h).height == 0


def test_the_same_request_twice_while_it_awaits_a_decision_is_refused(h):
    r = ask(h)
    with pytest.raises(RequestProblem, match=r.id):
        ask(h, days=60)
    ar.decide(h, r.id, ICT.username, "ict", True, now=NOW)
    assert ask(h, days=60).id == "AR-2569-0002", "asking again once decided (to extend) is a new request"


def test_every_step_is_in_the_audit_log_and_the_log_verifies(h):
    a, b, c = ask(h), ask(h, ANALYST, Asked("role", "ict")), ask(h, ICT, Asked("role", "director"))
    ar.decide(h, a.id, ICT.username, "ict", True, "ตามภารกิจ", now=NOW)
    ar.decide(h, b.id, DIRECTOR.username, "director", False, "ไม่ใช่หน้าที่", now=NOW)
    with pytest.raises(RequestProblem):
        ar.decide(h, c.id, ICT.username, "ict", True, now=NOW)
    log = read(h).select("user", "action", "target", "outcome").rows()
    assert log == [
        (SCHOOL.username, "access_requested", a.id, "ok"), (ANALYST.username, "access_requested", b.id, "ok"),
        (ICT.username, "access_requested", c.id, "ok"), (ICT.username, "access_approved", a.id, "ok"),
        (DIRECTOR.username, "access_refused", b.id, "ok"), (ICT.username, "access_approved", c.id, "refused"),
    ]
    approved = json.loads(entries(h, "access_approved")[0]["details"])
    assert approved == {"requester": SCHOOL.username, "what": {"kind": "page", "key": "dltv"}, "days": 30,
                        "reason": "ตามภารกิจ", "start": NOW.isoformat(),
                        "until": (NOW + timedelta(days=30)).isoformat()}
    assert verify(h) == []


def test_a_hand_written_or_edited_line_is_no_request_and_no_grant(h):
    r = ask(h, days=1)
    ar.decide(h, r.id, ICT.username, "ict", True, now=NOW)
    path = h.state / ar.FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    longer = json.loads(lines[1]) | {"until": (NOW + timedelta(days=365)).isoformat()}  # an approval stretched
    forged = json.loads(lines[1]) | {"user": "intruder", "what": {"kind": "role", "key": "director"}}
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(longer, ensure_ascii=False) + "\n" + json.dumps(forged) + "\n{not json\n")
    s = ar.state(h)
    assert s.unsigned == 3 and len(s.requests) == 1 and len(s.grants) == 1
    assert ar.grants_for(h, SCHOOL.username, NOW + timedelta(days=2)) == []
    assert ar.grants_for(h, "intruder", NOW) == []
    assert ar.effective_pages(h, "intruder", "school", ROLE_PAGES, NOW) == ("school", "access_request")


def test_without_the_key_or_the_file_nobody_has_more_than_their_role(h, monkeypatch, tmp_path):
    assert ar.effective_pages(h, SCHOOL.username, "school", ROLE_PAGES, NOW) == ROLE_PAGES["school"]
    assert ar.effective_pages(h, "nobody", "no_such_role", ROLE_PAGES, NOW) == ()
    r = ask(h)
    ar.decide(h, r.id, ICT.username, "ict", True, now=NOW)
    monkeypatch.setenv("KHLANG_AUDIT_KEY_FILE", str(tmp_path / "missing.key"))
    assert ar.effective_pages(h, SCHOOL.username, "school", ROLE_PAGES, NOW) == ROLE_PAGES["school"]
    assert ar.state(h).unsigned == 2


def test_a_missing_data_root_is_said_in_thai_and_english(tmp_path):
    with pytest.raises(RequestProblem) as e:
        ask(Home(tmp_path / "nowhere"))
    assert "ไม่พบที่เก็บข้อมูล" in e.value.th


def test_two_deciders_at_once_decide_a_request_once(h):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    r = ask(h)
    start = Barrier(2)

    def decide(who: tuple[str, str, bool]) -> str:
        start.wait()
        try:
            ar.decide(h, r.id, who[0], who[1], who[2], "ตัดสินพร้อมกัน", now=NOW)
        except RequestProblem:
            return "refused"
        return "decided"

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(decide, [(ICT.username, "ict", True), (DIRECTOR.username, "director", False)]))
    assert sorted(results) == ["decided", "refused"]
    events = [json.loads(line)["event"] for line in (h.state / ar.FILE).read_text(encoding="utf-8").splitlines()]
    assert events[0] == "requested" and len(events) == 2, "one decision line"
    assert verify(h) == []
