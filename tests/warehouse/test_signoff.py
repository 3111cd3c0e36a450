"""The director's sign-off of OBEC exports (warehouse/export/signoff.py, issue 9 point 4): prepared ->
approved | returned -> released, each step in the audit log and the registry, only a director deciding,
and every change after a decision voiding it.

A real small warehouse per test (test_export.build_tables published with `publish()`, with a coverage mart
added), real exports into tmp_path, the real audit log (the session's audit key, tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.audit import os_user, read, verify
from pipelines.config import Home
from tests.warehouse.test_export import SURVEY, build_tables
from warehouse.export import ExportError, export_obec
from warehouse.export import signoff as so
from warehouse.export.folder import APPROVAL, MANIFEST, OUTBOX
from warehouse.export.signoff import SignoffRefused, State
from warehouse.publish import publish

PERIOD = 2569
CSV, XLSX = f"{SURVEY}_{PERIOD}.csv", f"{SURVEY}_{PERIOD}.xlsx"
DIRECTOR = {"user": "somsak", "role": "director", "name": "นายสมศักดิ์ ผู้อำนวยการ"}
ICT = {"user": os_user(), "role": "ict"}
COVERAGE = pl.DataFrame({
    "rule_id": ["COV-01", "COV-01"], "survey": [SURVEY, SURVEY], "survey_th": ["-", "-"], "period": [2568, PERIOD],
    "part": [None, None], "population": [6, 6], "submitted": [5, 4], "missing": [1, 2], "rejected": [0, 1],
    "not_sent": [1, 1], "coverage_pct": [83.3, 66.7],
}, schema_overrides={"period": pl.Int32, "part": pl.String})


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Home:
    h = Home(tmp_path_factory.mktemp("signoff"))
    publish(h, {**build_tables(), "coverage": COVERAGE}, run_id="test-run")
    return h


@pytest.fixture
def h(published, tmp_path, monkeypatch) -> Home:
    """A copy of the small published warehouse, the data root of the test (also for the CLI and the page):
    each test has its own registry and audit log. tests/pipelines/test_release.py and
    tests/dashboards/test_approvals_page.py use these fixtures too."""
    shutil.copytree(published.root, tmp_path / "root")
    monkeypatch.setenv("KHLANG_HOME", str(tmp_path / "root"))
    return Home(tmp_path / "root")


@pytest.fixture
def prepared(h, tmp_path) -> Path:
    out = tmp_path / "obec"
    so.prepare(h, SURVEY, PERIOD, out, **ICT)
    return out


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def entries(h: Home, action: str) -> list[dict]:
    rows = read(h).filter(pl.col("action") == action).to_dicts()
    return [{**r, "details": json.loads(r["details"])} for r in rows]


def tree(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


# --- prepared ------------------------------------------------------------------------------------------

def test_a_new_export_awaits_approval_and_is_recorded(h, prepared):
    st = so.status(h, prepared)
    assert st.state is State.PREPARED and st.changed == () and st.decision is None
    assert st.manifest["approval"] is None and not (prepared / APPROVAL).exists()
    assert st.manifest_sha256 == sha(prepared / MANIFEST)
    [entry] = entries(h, "export_prepared")
    assert (entry["user"], entry["role"], entry["target"], entry["outcome"]) == (os_user(), "ict", str(prepared), "ok")
    assert entry["details"] == {"survey": SURVEY, "period": PERIOD, "version": "v0001",
                                "rows": st.manifest["rows"]["exported"], "manifest_sha256": st.manifest_sha256}
    [line] = so.read_registry(h)
    assert (line["event"], line["dir"], line["manifest_sha256"]) == ("prepared", str(prepared), st.manifest_sha256)
    assert [s.folder for s in so.listed(h)[0]] == [prepared]


def test_the_manifest_carries_the_periods_coverage(h, prepared):
    coverage = so.status(h, prepared).manifest["coverage"]
    assert coverage == [{"rule_id": "COV-01", "part": None, "population": 6, "submitted": 4, "missing": 2,
                         "rejected": 1, "not_sent": 1, "coverage_pct": 66.7}]


def test_an_export_whose_audit_entry_cannot_be_written_is_not_made(h, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        from pipelines.audit import AuditError

        raise AuditError("ล็อกไม่ได้", "no lock")

    monkeypatch.setattr(so, "record", broken)
    with pytest.raises(ExportError, match="บันทึกการใช้งานไม่ได้ จึงไม่ดำเนินการ.* / .*audit log cannot be written"):
        so.prepare(h, SURVEY, PERIOD, tmp_path / "obec", **ICT)
    assert not (tmp_path / "obec").exists() and so.read_registry(h) == []


# --- approved, then released -----------------------------------------------------------------------------

def test_a_director_approves_and_the_release_carries_the_approval(h, prepared):
    exported = tree(prepared)
    doc = so.approve(h, prepared, **DIRECTOR)
    st = so.status(h, prepared)
    assert st.state is State.APPROVED and st.decision == doc
    assert json.loads((prepared / APPROVAL).read_text(encoding="utf-8")) == doc
    assert doc["decision"] == "approved" and doc["manifest_sha256"] == sha(prepared / MANIFEST)
    assert (doc["by"], doc["role"], doc["name"]) == ("somsak", "director", DIRECTOR["name"])
    assert doc["at_utc"].endswith("+00:00") and doc["at_bangkok"].endswith("+07:00")
    [approved] = entries(h, "export_approved")
    assert (approved["user"], approved["role"], approved["target"]) == ("somsak", "director", str(prepared))
    assert approved["details"]["manifest_sha256"] == doc["manifest_sha256"] and approved["seq"] == doc["audit_seq"]

    done = so.release(h, prepared, **ICT)
    dest = h.exports / OUTBOX / f"{SURVEY}_{PERIOD}_v0001_{doc['manifest_sha256'][:8]}"
    assert done.folder == dest.resolve()
    assert sorted(p.name for p in dest.iterdir()) == sorted([CSV, XLSX, MANIFEST])
    assert all((dest / n).read_bytes() == exported[n] for n in (CSV, XLSX))
    released = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    assert released == done.manifest
    assert released["approval"] == {k: doc[k] for k in ("decision", "by", "name", "role", "at_utc", "at_bangkok",
                                                        "manifest_sha256", "audit_seq")}
    assert released["released"]["by"] == os_user() and released["released"]["from"] == str(prepared)
    # the manifest approved is rebuilt from the released one, byte for byte
    assert so.approved_manifest(released) == exported[MANIFEST]
    assert hashlib.sha256(so.approved_manifest(released)).hexdigest() == doc["manifest_sha256"]

    assert tree(prepared) == {**exported, APPROVAL: (prepared / APPROVAL).read_bytes()}  # DIR left as it was
    assert so.status(h, prepared).state is State.RELEASED
    [rel] = entries(h, "export_released")
    assert (rel["user"], rel["role"], rel["target"], rel["outcome"]) == (os_user(), "ict", str(dest), "ok")
    assert rel["details"]["source"] == str(prepared) and rel["details"]["approved_by"] == "somsak"
    assert [e["event"] for e in so.read_registry(h)] == ["prepared", "approved", "released"]
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")], "no temporary folder left"
    assert not verify(h)


def test_a_second_release_needs_a_new_folder(h, prepared, tmp_path):
    so.approve(h, prepared, **DIRECTOR)
    first = so.release(h, prepared, **ICT).folder
    before = tree(first)
    with pytest.raises(ExportError, match="มีอยู่แล้ว — ไม่เขียนทับ.* / .*already exists: nothing overwritten") as e:
        so.release(h, prepared, **ICT)
    assert not isinstance(e.value, SignoffRefused) and tree(first) == before
    again = so.release(h, prepared, **ICT, to=tmp_path / "usb")
    assert tree(again.folder).keys() == before.keys()


@pytest.mark.parametrize("to", ["obec", "obec/inside", "root/warehouse/x", "root/state/x", "root", f"root/exports/{OUTBOX}"])
def test_a_release_never_goes_into_the_export_or_the_data_roots_own_folders(h, prepared, tmp_path, to):
    so.approve(h, prepared, **DIRECTOR)
    before = tree(tmp_path)
    with pytest.raises(ExportError, match="(โฟลเดอร์ของคลังข้อมูล|ต้องอยู่นอกโฟลเดอร์ผลการส่งออก)"):
        so.release(h, prepared, **ICT, to=tmp_path / to)
    assert tree(tmp_path) == before


# --- who may decide ---------------------------------------------------------------------------------------

def test_whoever_prepared_an_export_cannot_approve_it_but_may_return_it(h, tmp_path):
    out = tmp_path / "own"
    so.prepare(h, SURVEY, PERIOD, out, user=DIRECTOR["user"], role="director")
    with pytest.raises(SignoffRefused, match="อนุมัติเองไม่ได้ .* / somsak prepared this export and cannot approve it"):
        so.approve(h, out, **DIRECTOR)
    assert not (out / APPROVAL).exists() and so.status(h, out).state is State.PREPARED
    assert [(e["user"], e["outcome"]) for e in entries(h, "export_approved")] == [("somsak", "refused")]
    so.approve(h, out, user="another", role="director")  # another director may
    assert so.status(h, out).state is State.APPROVED
    again = tmp_path / "own_again"
    so.prepare(h, SURVEY, PERIOD, again, user=DIRECTOR["user"], role="director")
    so.send_back(h, again, **DIRECTOR, reason="ตัวเลขไม่ครบ")  # a return is no approval: the preparer may
    assert so.status(h, again).state is State.RETURNED


@pytest.mark.parametrize("role", ["ict", "analyst", "school", ""])
def test_only_a_director_approves_or_returns(h, prepared, role):
    with pytest.raises(SignoffRefused, match="เฉพาะผู้อำนวยการ สพท.* / only a director may approve"):
        so.approve(h, prepared, user="someone", role=role)
    with pytest.raises(SignoffRefused, match="only a director may return"):
        so.send_back(h, prepared, user="someone", role=role, reason="ไม่ถูกต้อง")
    assert not (prepared / APPROVAL).exists() and so.status(h, prepared).state is State.PREPARED
    refused = entries(h, "export_approved") + entries(h, "export_returned")
    assert [(e["user"], e["role"], e["outcome"]) for e in refused] == [("someone", role, "refused")] * 2


@pytest.mark.parametrize("role", ["analyst", "school"])
def test_only_ict_staff_or_a_director_release(h, prepared, role):
    so.approve(h, prepared, **DIRECTOR)
    with pytest.raises(SignoffRefused, match=f"role {role} may not release"):
        so.release(h, prepared, user="x", role=role)
    assert not (h.exports / OUTBOX).exists()


# --- returned ---------------------------------------------------------------------------------------------

def test_a_return_needs_a_reason(h, prepared):
    for blank in ("", "   \n "):
        with pytest.raises(SignoffRefused, match="ต้องระบุเหตุผล.* / a return needs a reason"):
            so.send_back(h, prepared, **DIRECTOR, reason=blank)
    assert so.status(h, prepared).state is State.PREPARED


def test_a_returned_export_is_neither_approved_nor_released(h, prepared):
    doc = so.send_back(h, prepared, **DIRECTOR, reason="  ยอดโรงเรียน\nไม่ครบ ")
    assert (doc["decision"], doc["reason"]) == ("returned", "ยอดโรงเรียน ไม่ครบ")
    st = so.status(h, prepared)
    assert st.state is State.RETURNED
    [entry] = entries(h, "export_returned")
    assert entry["details"]["reason"] == "ยอดโรงเรียน ไม่ครบ" and entry["user"] == "somsak"
    with pytest.raises(SignoffRefused, match="ไม่ส่งออก: ผอ.สพท. ส่งกลับให้แก้ไข.*ยอดโรงเรียน ไม่ครบ.* / not released: "
                                             "returned by the director"):
        so.release(h, prepared, **ICT)
    with pytest.raises(SignoffRefused, match="cannot approve: returned by the director"):
        so.approve(h, prepared, **DIRECTOR)
    assert not (h.exports / OUTBOX).exists()
    assert [e["outcome"] for e in entries(h, "export_released")] == ["refused"]


def test_an_approved_export_is_not_decided_again(h, prepared):
    so.approve(h, prepared, **DIRECTOR)
    with pytest.raises(SignoffRefused, match="cannot return: approved by the director"):
        so.send_back(h, prepared, **DIRECTOR, reason="เปลี่ยนใจ")
    with pytest.raises(SignoffRefused, match="cannot approve: approved by the director"):
        so.approve(h, prepared, **DIRECTOR)


# --- nothing released unless approved and unchanged ------------------------------------------------------

def test_an_export_awaiting_approval_is_not_released(h, prepared):
    with pytest.raises(SignoffRefused, match="ยังไม่ได้รับอนุมัติจาก ผอ.สพท.* / not released: not approved"):
        so.release(h, prepared, **ICT)
    assert not (h.exports / OUTBOX).exists()
    [entry] = entries(h, "export_released")
    assert (entry["outcome"], entry["target"]) == ("refused", str(prepared))


def _append(path: Path, data: bytes = b"edited in Excel\r\n") -> None:
    path.write_bytes(path.read_bytes() + data)


def _rewrite_manifest(folder: Path) -> None:
    m = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    m["rows"]["quarantined"] = 0  # a nicer figure for the director
    (folder / MANIFEST).write_text(json.dumps(m, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _forge_decision(folder: Path) -> None:
    doc = json.loads((folder / APPROVAL).read_text(encoding="utf-8"))
    doc["manifest_sha256"] = sha(folder / MANIFEST)  # "approve" a changed manifest by hand
    (folder / APPROVAL).write_text(json.dumps(doc), encoding="utf-8")


TAMPERING = {
    "csv edited": (lambda d: _append(d / CSV), [CSV]),
    "xlsx replaced": (lambda d: (d / XLSX).write_bytes(b"PK\x03\x04 not the workbook"), [XLSX]),
    "csv deleted": (lambda d: (d / CSV).unlink(), [CSV]),
    "manifest edited": (_rewrite_manifest, [MANIFEST]),
    "manifest and approval forged": (lambda d: (_rewrite_manifest(d), _forge_decision(d)), [MANIFEST, APPROVAL]),
    "files and manifest re-hashed": (lambda d: (_append(d / CSV), _rehash(d)), [MANIFEST]),
}


def _rehash(folder: Path) -> None:
    m = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for f in m["files"]:
        f["sha256"] = sha(folder / f["name"])
    (folder / MANIFEST).write_text(json.dumps(m, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@pytest.mark.parametrize("how", TAMPERING)
def test_a_change_after_approval_voids_it(h, prepared, how):
    so.approve(h, prepared, **DIRECTOR)
    tamper, changed = TAMPERING[how]
    tamper(prepared)
    st = so.status(h, prepared)
    assert st.state is State.CHANGED and list(st.changed) == changed
    with pytest.raises(SignoffRefused, match=f"ไม่ส่งออก: .*{changed[0]}.* / not released: .*{changed[0]}"):
        so.release(h, prepared, **ICT)
    assert not (h.exports / OUTBOX).exists()
    assert [e["outcome"] for e in entries(h, "export_released")] == ["refused"]


@pytest.mark.parametrize("how", ["csv edited", "manifest edited", "files and manifest re-hashed"])
def test_a_change_before_the_decision_is_not_approved(h, prepared, how):
    tamper, changed = TAMPERING[how]
    tamper(prepared)
    assert so.status(h, prepared).state is State.CHANGED
    with pytest.raises(SignoffRefused, match=f"อนุมัติไม่ได้: ไฟล์ไม่ตรงกับที่ส่งออกไว้.*{changed[0]}.* / cannot approve"):
        so.approve(h, prepared, **DIRECTOR)
    assert not (prepared / APPROVAL).exists()


def test_a_hand_written_approval_is_no_approval(h, prepared):
    doc = {"decision": "approved", "manifest_sha256": sha(prepared / MANIFEST), "by": "somsak", "role": "director",
           "name": "x", "at_utc": "2026-12-01T00:00:00+00:00", "at_bangkok": "2026-12-01T07:00:00+07:00", "audit_seq": 1,
           "mac": "0" * 64}
    (prepared / APPROVAL).write_text(json.dumps(doc), encoding="utf-8")
    st = so.status(h, prepared)
    assert st.state is State.CHANGED and st.changed == (APPROVAL,) and st.decision is None
    with pytest.raises(SignoffRefused, match=f"not released: .*{APPROVAL}"):
        so.release(h, prepared, **ICT)


def test_a_file_changed_while_being_released_is_not_released(h, prepared, monkeypatch):
    so.approve(h, prepared, **DIRECTOR)

    copy = shutil.copyfile

    def copy_then_edit(src, dst, **kwargs):
        copy(src, dst, **kwargs)
        _append(Path(dst))

    monkeypatch.setattr(so.shutil, "copyfile", copy_then_edit)
    with pytest.raises(SignoffRefused, match="ไฟล์ถูกแก้ไขระหว่างส่งออก.* / not released: changed while being released"):
        so.release(h, prepared, **ICT)
    assert not (h.exports / OUTBOX).exists() or not any((h.exports / OUTBOX).iterdir())


def test_a_recut_into_the_same_folder_voids_the_earlier_decision(h, prepared):
    so.approve(h, prepared, **DIRECTOR)
    manifest = so.prepare(h, SURVEY, PERIOD, prepared, **ICT)
    assert APPROVAL in manifest["replaced"]["files"] and not (prepared / APPROVAL).exists()
    st = so.status(h, prepared)
    assert st.state is State.PREPARED and st.prepared["manifest_sha256"] == st.manifest_sha256
    with pytest.raises(SignoffRefused, match="not released: not approved"):
        so.release(h, prepared, **ICT)
    so.approve(h, prepared, **DIRECTOR)  # the new cut is presented afresh
    assert so.release(h, prepared, **ICT).manifest["approval"]["manifest_sha256"] == st.manifest_sha256


def test_an_export_never_presented_is_not_approved(h, tmp_path):
    out = tmp_path / "direct"
    export_obec(h, SURVEY, PERIOD, out)  # not through prepare: no audit entry, not in the registry
    with pytest.raises(SignoffRefused, match="อนุมัติไม่ได้: ยังไม่ได้เสนอ ผอ.สพท.* / cannot approve: never presented"):
        so.approve(h, out, **DIRECTOR)
    with pytest.raises(SignoffRefused, match="not released: never presented"):
        so.release(h, out, **ICT)


def test_a_decision_whose_audit_entry_cannot_be_written_is_not_taken(h, prepared, monkeypatch):
    def broken(*args, **kwargs):
        from pipelines.audit import AuditError

        raise AuditError("ล็อกไม่ได้", "no lock")

    monkeypatch.setattr(so, "record", broken)
    with pytest.raises(ExportError, match="audit log cannot be written"):
        so.approve(h, prepared, **DIRECTOR)
    assert not (prepared / APPROVAL).exists() and so.status(h, prepared).state is State.PREPARED


def test_a_folder_without_an_export_is_said_so(h, tmp_path):
    (tmp_path / "notes").mkdir()
    with pytest.raises(ExportError, match="ไม่ใช่ผลการส่งออก.* / .*is not an export") as e:
        so.release(h, tmp_path / "notes", **ICT)
    assert not isinstance(e.value, SignoffRefused)


def test_the_page_list_says_which_folders_are_gone(h, prepared, tmp_path):
    second = tmp_path / "second"
    so.prepare(h, SURVEY, PERIOD, second, **ICT)
    shutil.rmtree(prepared)
    found, gone = so.listed(h)
    assert [s.folder for s in found] == [second] and [g[0] for g in gone] == [str(prepared)]
