"""The audit log (pipelines.audit): entries appended and chained, every kind of tampering found, many
writers at once, retention, the CSV export, the `khlang audit` commands and `khlang sql`'s entries.

Each test has a data root of its own under tmp_path; the session's audit key comes from conftest."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.audit import (
    ACTIONS,
    AuditError,
    chain,
    export_csv,
    keep_days,
    prune,
    prune_quietly,
    read,
    record,
    verify,
)
from pipelines.cli import main
from pipelines.config import Home, home
from pipelines.pii import KeyProblem, create_key

JAN = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def h(tmp_path) -> Home:
    root = home(tmp_path / "root")
    root.root.mkdir()
    return root


class Clock:
    """The time new entries get, moved by the test (chain.utcnow replaced)."""

    def __init__(self, monkeypatch, start: datetime):
        self.now = start
        monkeypatch.setattr(chain, "utcnow", lambda: self.now)

    def set(self, when: datetime) -> None:
        self.now = when


def _some(h: Home, n: int = 5, **extra) -> list[dict]:
    return [record(h, "page_view", user=f"ผู้ใช้{i}", role="director", target="ภาพรวม / overview", n=i, **extra)
            for i in range(n)]


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _kinds(h: Home) -> list[str]:
    return [p.kind for p in verify(h)]


def _three_months(h: Home, monkeypatch) -> Clock:
    clock = Clock(monkeypatch, JAN)
    for month in (1, 2, 3):
        clock.set(JAN.replace(month=month))
        _some(h, 3)
    return clock


# --- appending -------------------------------------------------------------------------------------


def test_entries_are_chained_signed_owner_only_and_read_back_typed(h):
    written = _some(h, 4) + [record(h, "sql", user="analyst1", role="analyst", target="SELECT 'ชุมแพ'",
                                    outcome="refused", rows=0, seconds=0.25)]
    assert [e["seq"] for e in written] == [1, 2, 3, 4, 5]
    assert written[0]["prev"] == chain.GENESIS
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(written))
    assert verify(h) == []
    files = sorted(p.name for p in h.audit.iterdir())
    month = written[0]["time"][:7]
    assert files == [".lock", f"{month}.jsonl", "head.json"]
    assert oct(h.audit.stat().st_mode & 0o777) == "0o700"
    assert oct((h.audit / f"{month}.jsonl").stat().st_mode & 0o777) == "0o600"
    raw = (h.audit / f"{month}.jsonl").read_text(encoding="utf-8")
    assert "ผู้ใช้0" in raw and "SELECT 'ชุมแพ'" in raw, "Thai as written, not \\u escapes"
    assert [json.loads(line) for line in raw.splitlines()] == written
    head = json.loads((h.audit / "head.json").read_text())
    assert (head["seq"], head["hash"]) == (5, written[-1]["hash"])

    frame = read(h)
    assert frame.schema["seq"] == pl.Int64 and frame.schema["time"] == pl.Datetime("us", "UTC")
    assert frame.get_column("seq").to_list() == [1, 2, 3, 4, 5]
    last = frame.row(-1, named=True)
    assert (last["user"], last["role"], last["action"], last["outcome"]) == ("analyst1", "analyst", "sql", "refused")
    assert json.loads(last["details"]) == {"rows": 0, "seconds": 0.25}
    assert last["time"] == datetime.fromisoformat(written[-1]["time"])


def test_unknown_actions_and_outcomes_are_refused_and_write_nothing(h):
    with pytest.raises(ValueError, match="page_view"):
        record(h, "pageview", user="a", role="ict")
    with pytest.raises(ValueError, match="refused"):
        record(h, "login", user="a", role="ict", outcome="maybe")
    assert not h.audit.exists()
    assert "audit_pruned" in ACTIONS and "export_released" in ACTIONS


def test_details_of_any_kind_are_written_as_json_that_verifies(h):
    e = record(h, "upload", user=None, role=None, target=Path("landing/โรงเรียน.xlsx"), when=JAN, ratio=float("nan"),
               codes={"1040010001"}, odd=object.__new__(object), name="bad\udcff")
    assert e["details"]["when"] == JAN.isoformat() and e["details"]["ratio"] == "nan"
    assert e["details"]["codes"] == ["1040010001"] and e["target"] == "landing/โรงเรียน.xlsx"
    assert e["details"]["name"] == "bad\\udcff", "a lone surrogate is written as its escape, never as bad UTF-8"
    assert verify(h) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.text(), details=st.dictionaries(st.text(min_size=1), st.one_of(
    st.text(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none(),
    st.lists(st.text(), max_size=3)), max_size=4))
def test_any_text_round_trips_and_verifies(tmp_path_factory, target, details):
    """Newlines, U+2028, NUL, Thai marks, emoji: one entry a line, read back equal, chain intact."""
    h = home(tmp_path_factory.mktemp("prop"))
    record(h, "check", user="u", role="school", target=target, **details)
    entry = record(h, "check", user="u", role="school", target=target, **details)
    assert verify(h) == []
    row = read(h).row(-1, named=True)
    assert row["target"] == entry["target"] and json.loads(row["details"]) == entry["details"]
    assert entry["target"] == target.encode("utf-8", "backslashreplace").decode("utf-8")


def test_time_never_goes_back_when_the_clock_does(h, monkeypatch):
    clock = Clock(monkeypatch, JAN.replace(month=2))
    first = record(h, "login", user="a", role="ict")
    clock.set(JAN)  # the clock stepped back a month
    second = record(h, "logout", user="a", role="ict")
    assert second["time"] == first["time"] and not (h.audit / "2026-01.jsonl").exists()
    assert verify(h) == []


# --- tampering ---------------------------------------------------------------------------------------


def _one_month(h: Home) -> Path:
    _some(h, 6)
    (path,) = h.audit.glob("*.jsonl")
    return path


def test_an_edited_field_is_found_by_its_hash(h):
    path = _one_month(h)
    lines = _lines(path)
    lines[2] = lines[2].replace("ผู้ใช้2".encode(), "ผู้ใช้9".encode())
    path.write_bytes(b"".join(lines))
    (problem,) = verify(h)
    assert (problem.kind, problem.file, problem.line, problem.seq) == ("edited", path.name, 3, 3)
    assert "ถูกแก้ไข" in problem.th and "edited" in problem.en and f"{path.name} line 3 (seq 3)" in problem.en


def test_a_deleted_middle_line_is_a_gap(h):
    path = _one_month(h)
    lines = _lines(path)
    del lines[2]
    path.write_bytes(b"".join(lines))
    (problem,) = verify(h)
    assert (problem.kind, problem.seq) == ("gap", 4) and "3–3" in problem.en and "ขาดรายการ" in problem.th


def test_two_swapped_lines_are_found(h):
    path = _one_month(h)
    lines = _lines(path)
    lines[2], lines[3] = lines[3], lines[2]
    path.write_bytes(b"".join(lines))
    assert _kinds(h) == ["gap", "order"]


def test_an_inserted_copy_of_an_entry_is_found(h):
    path = _one_month(h)
    lines = _lines(path)
    lines.insert(4, lines[1])
    path.write_bytes(b"".join(lines))
    assert _kinds(h) == ["order"]


def test_a_cut_off_tail_is_found_by_the_head_and_stays_found_after_new_entries(h):
    path = _one_month(h)
    path.write_bytes(b"".join(_lines(path)[:4]))
    (problem,) = verify(h)
    assert problem.kind == "truncated" and "seq 4" in problem.en and "seq 6" in problem.en
    record(h, "login", user="a", role="ict")  # chains on head (seq 7), so the cut is never papered over
    assert _kinds(h) == ["gap"] and verify(h)[0].seq == 7


def test_a_deleted_month_file_in_the_middle_and_at_either_end(h, monkeypatch, tmp_path):
    _three_months(h, monkeypatch)
    saved = tmp_path / "saved"
    shutil.copytree(h.audit, saved)
    (h.audit / "2026-02.jsonl").unlink()
    (problem,) = verify(h)
    assert problem.kind == "gap" and problem.file == "2026-03.jsonl" and "month file" in problem.en

    for name, kind in (("2026-01.jsonl", "start"), ("2026-03.jsonl", "truncated")):
        shutil.rmtree(h.audit)
        shutil.copytree(saved, h.audit)
        (h.audit / name).unlink()
        assert _kinds(h) == [kind], name


def test_an_entry_moved_to_another_months_file_is_found(h, monkeypatch):
    _three_months(h, monkeypatch)
    jan, feb = h.audit / "2026-01.jsonl", h.audit / "2026-02.jsonl"
    lines = _lines(jan)
    jan.write_bytes(b"".join(lines[:-1]))
    feb.write_bytes(lines[-1] + feb.read_bytes())
    assert _kinds(h) == ["month"]


def test_a_log_rechained_without_the_key_is_found(h, tmp_path, monkeypatch):
    """A forger who can write the data root edits an entry and re-chains everything after it with a key
    of their own (also rewriting head.json): every hash and the head's signature fail."""
    path = _one_month(h)
    forged_key = create_key(tmp_path / "forger.key")
    entries = [json.loads(line) for line in _lines(path)]
    entries[1]["user"] = "someone else"
    from pipelines.pii import load_key

    key = load_key(forged_key)
    prev = chain.GENESIS
    for e in entries:
        e["prev"] = prev
        e["hash"] = prev = chain.mac(key, e)
    path.write_bytes(b"".join(json.dumps(e, ensure_ascii=False).encode() + b"\n" for e in entries))
    chain.write_signed(h, chain.HEAD_FILE, key, {"seq": entries[-1]["seq"], "hash": prev, "time": entries[-1]["time"]})
    kinds = _kinds(h)
    assert kinds == ["key"] + ["edited"] * 6
    with pytest.raises(AuditError, match="another key"):  # and nobody appends to it with the office's key
        record(h, "login", user="a", role="ict")


def test_an_edited_or_deleted_head_is_found(h):
    _one_month(h)
    head = h.audit / "head.json"
    doc = json.loads(head.read_text())
    head.write_text(json.dumps({**doc, "seq": 3}))
    assert _kinds(h) == ["head"]
    head.unlink()
    assert _kinds(h) == ["head"]


def test_a_torn_last_line_is_reported_then_cut_and_recorded_by_the_next_entry(h):
    path = _one_month(h)
    with open(path, "ab") as f:
        f.write(b'{"seq":7,"time":"2026-')  # a crash mid-append
    (problem,) = verify(h)
    assert (problem.kind, problem.line) == ("torn", 7) and "crash" in problem.en
    assert read(h).height == 6, "read leaves the torn line out"
    entry = record(h, "login", user="a", role="ict")
    assert entry["seq"] == 8 and verify(h) == []
    repaired = read(h).filter(pl.col("action") == "audit_repaired").row(0, named=True)
    assert repaired["seq"] == 7
    assert json.loads(repaired["details"]) == {"bytes_cut": 22, "start": '{"seq":7,"time":"2026-'}


def test_a_crash_between_append_and_head_is_accepted(h):
    _some(h, 3)
    before = (h.audit / "head.json").read_bytes()
    record(h, "logout", user="a", role="ict")
    (h.audit / "head.json").write_bytes(before)  # the head as it was before the last append
    assert verify(h) == []
    assert record(h, "login", user="a", role="ict")["seq"] == 5 and verify(h) == []


# --- keys --------------------------------------------------------------------------------------------


def test_the_first_entry_makes_a_missing_key_but_a_log_with_entries_never_gets_a_new_one(h, tmp_path, monkeypatch):
    key = tmp_path / "cfg" / "audit.key"
    monkeypatch.setenv(chain.ENV_AUDIT_KEY_FILE, str(key))
    record(h, "login", user="a", role="ict")
    assert oct(key.stat().st_mode & 0o777) == "0o600" and verify(h) == []
    key.unlink()
    with pytest.raises(KeyProblem, match="khlang key create"):
        record(h, "login", user="a", role="ict")
    with pytest.raises(KeyProblem):
        verify(h)
    assert not key.exists()


def test_a_key_others_can_read_is_refused(h, tmp_path, monkeypatch):
    key = create_key(tmp_path / "open.key")
    os.chmod(key, 0o644)
    monkeypatch.setenv(chain.ENV_AUDIT_KEY_FILE, str(key))
    with pytest.raises(KeyProblem, match="chmod 600"):
        record(h, "login", user="a", role="ict")


# --- many writers --------------------------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from pipelines.audit import record
from pipelines.config import home
h, who, n, go = home(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.005)
for i in range(n):
    record(h, "page_view", user=who, role="analyst", target=f"หน้า {i}", i=i)
"""


def test_processes_and_threads_appending_at_once_keep_one_chain_and_lose_nothing(h, tmp_path):
    go = tmp_path / "go"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(h.root), f"p{w}", "25", str(go)],
                                cwd=Path(__file__).resolve().parents[2]) for w in range(4)]

    def thread_writer(t: int) -> None:
        while not go.exists():
            pass
        for i in range(25):
            record(h, "page_view", user=f"t{t}", role="director", target=f"หน้า {i}", i=i)

    threads = [threading.Thread(target=thread_writer, args=(t,)) for t in range(3)]
    for t in threads:
        t.start()
    import time

    time.sleep(1.0)  # let the processes import
    go.touch()
    for t in threads:
        t.join(60)
    assert [w.wait(60) for w in writers] == [0] * 4
    assert verify(h) == []
    frame = read(h)
    assert frame.get_column("seq").to_list() == list(range(1, 176))
    per_writer = frame.group_by("user").agg(pl.col("details").str.json_path_match("$.i").cast(pl.Int64).sort())
    assert per_writer.height == 7 and all(v == list(range(25)) for v in per_writer.get_column("details").to_list())


# --- retention -------------------------------------------------------------------------------------------


def test_prune_drops_only_whole_months_past_retention_and_still_verifies(h, monkeypatch):
    clock = _three_months(h, monkeypatch)
    clock.set(datetime(2026, 7, 1, tzinfo=UTC))
    # 1 May + 91 days: only January ended before the cut-off (1 May − 91 days = 30 Jan); February did not
    assert prune(h, datetime(2026, 5, 1, tzinfo=UTC), days=91) == 0
    assert prune(h, datetime(2026, 5, 3, tzinfo=UTC), days=91) == 3
    assert sorted(p.name for p in h.audit.glob("*.jsonl")) == ["2026-02.jsonl", "2026-03.jsonl", "2026-07.jsonl"]
    anchor = json.loads((h.audit / "anchor.json").read_text())
    assert anchor["seq"] == 3 and anchor["files"] == ["2026-01.jsonl"]
    assert verify(h) == []
    pruned = read(h).filter(pl.col("action") == "audit_pruned").row(0, named=True)
    assert pruned["seq"] == 10 and json.loads(pruned["details"])["entries"] == 3
    assert json.loads(pruned["details"])["keep_days"] == 91

    # everything past retention, the current tail too: the log still verifies and goes on
    assert prune(h, datetime(2027, 12, 1, tzinfo=UTC), days=91) == 7
    assert [p.name for p in h.audit.glob("*.jsonl")] == ["2026-07.jsonl"]
    assert read(h).get_column("seq").to_list() == [11] and verify(h) == []
    (anchor_file := h.audit / "anchor.json").unlink()
    assert _kinds(h) == ["start"], "the anchor is what lets a pruned log start past 1"
    assert anchor_file.parent.exists()


def test_a_prune_stopped_midway_still_verifies_and_the_next_one_finishes(h, monkeypatch, tmp_path):
    _three_months(h, monkeypatch)
    saved = tmp_path / "feb.jsonl"
    shutil.copy(h.audit / "2026-02.jsonl", saved)
    prune(h, datetime(2026, 6, 1, tzinfo=UTC), days=90)  # drops January and February, oldest first
    shutil.copy(saved, h.audit / "2026-02.jsonl")  # as if the prune had died before removing February
    assert verify(h) == []
    assert prune(h, datetime(2026, 6, 1, tzinfo=UTC), days=90) == 3 and verify(h) == []


def test_retention_below_90_days_is_refused_in_thai_and_english(h, monkeypatch):
    _some(h, 2)
    with pytest.raises(AuditError) as e:
        prune(h, days=30)
    assert "90" in e.value.th and "พ.ร.บ." in e.value.th and "Computer Crimes Act" in e.value.en
    monkeypatch.setenv("KHLANG_AUDIT_KEEP_DAYS", "89")
    with pytest.raises(AuditError):
        keep_days()
    monkeypatch.setenv("KHLANG_AUDIT_KEEP_DAYS", "สามร้อย")
    with pytest.raises(AuditError, match="not a number"):
        keep_days()
    assert prune_quietly(h) is None, "the nightly run's wrapper logs, never raises"
    monkeypatch.setenv("KHLANG_AUDIT_KEEP_DAYS", "730")
    assert keep_days() == 730
    monkeypatch.delenv("KHLANG_AUDIT_KEEP_DAYS")
    assert keep_days() == 365 and prune(h) == 0 and read(h).height == 2


def test_prune_without_a_log_writes_nothing(h):
    assert prune(h) == 0 and prune_quietly(h) == 0 and not h.audit.exists()


# --- export ------------------------------------------------------------------------------------------------


def test_csv_export_keeps_thai_for_excel_filters_by_time_and_is_itself_recorded(h, monkeypatch, tmp_path):
    clock = _three_months(h, monkeypatch)
    clock.set(JAN.replace(month=3, day=20))
    record(h, "login_failed", user="=HYPERLINK(\"http://x\")", role=None, outcome="failed")
    out = tmp_path / "out" / "audit.csv"
    assert export_csv(h, out, user="ict1", role="ict") == 10
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pl.read_csv(out, encoding="utf8")
    assert frame.columns[:3] == ["ลำดับ / seq", "เวลา (เวลาไทย) / time (Asia/Bangkok)", "ผู้ใช้ / user"]
    assert frame.get_column("ผู้ใช้ / user").to_list()[:3] == ["ผู้ใช้0", "ผู้ใช้1", "ผู้ใช้2"]
    assert frame.get_column("ความหมาย / meaning")[0] == "เปิดหน้า / page viewed"
    assert frame.get_column("เวลา (เวลาไทย) / time (Asia/Bangkok)")[0] == "2026-01-10 10:00:00"
    assert frame.get_column("ผู้ใช้ / user")[-1].startswith("'="), "no formula for Excel to run"
    exported = read(h).row(-1, named=True)
    assert (exported["action"], exported["user"], exported["target"]) == ("audit_export", "ict1", str(out))
    assert json.loads(exported["details"])["rows"] == 10

    feb = datetime(2026, 2, 1, tzinfo=UTC)
    assert export_csv(h, tmp_path / "feb.csv", since=feb, until=feb + timedelta(days=28)) == 3
    march = JAN.replace(month=3)  # 10:00 in Bangkok
    assert read(h, since=datetime(2026, 3, 10, 10, 0)).height == 3 + 3, "a naive time is Bangkok time"
    assert read(h, since=datetime(2026, 3, 10, 10, 0, 1)).height == 3
    assert read(h, since=march, until=march + timedelta(microseconds=1)).height == 3, "since <= time < until"
    assert verify(h) == []


# --- the command line -------------------------------------------------------------------------------------


def test_khlang_audit_verify_export_and_prune(h, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    assert main(["audit", "verify"]) == 0
    assert "ยังไม่มีบันทึก" in capsys.readouterr().out
    path = _one_month(h)
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "ครบถ้วน" in out and "intact: 6 entries" in out and "Asia/Bangkok" in out

    lines = _lines(path)
    del lines[1]
    lines[3] = lines[3].replace(b"page_view", b"login")
    path.write_bytes(b"".join(lines))
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "2 problem(s)" in out[0]
    assert out[1].strip().startswith("- ") and "ขาดรายการ" in out[1] and "missing" in out[2], "Thai, then English"

    csv = tmp_path / "a.csv"
    today = datetime.now(UTC).date()
    assert main(["audit", "export", "--out", str(csv), "--since", str(today - timedelta(days=1)),
                 "--until", str(today + timedelta(days=1))]) == 0
    assert "exported 5 audit entries" in capsys.readouterr().out
    assert pl.read_csv(csv).height == 5
    assert read(h).row(-1, named=True)["action"] == "audit_export"
    with pytest.raises(SystemExit):
        main(["audit", "export", "--out", str(csv), "--since", "2026-02-30"])
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["audit", "export", "--out", str(csv), "--since", "2026-03-02", "--until", "2026-03-01"]) == 2
    capsys.readouterr()

    monkeypatch.setenv("KHLANG_AUDIT_KEEP_DAYS", "30")
    assert main(["audit", "prune"]) == 2
    assert "Computer Crimes Act" in capsys.readouterr().err
    monkeypatch.delenv("KHLANG_AUDIT_KEEP_DAYS")
    assert main(["audit", "prune"]) == 0
    assert "nothing older than 365 days" in capsys.readouterr().out

    monkeypatch.setenv(chain.ENV_AUDIT_KEY_FILE, str(tmp_path / "none.key"))
    assert main(["audit", "verify"]) == 2
    assert "khlang key create" in capsys.readouterr().err


def test_khlang_key_create_makes_both_keys(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_KEY_FILE", str(tmp_path / "pii.key"))
    monkeypatch.setenv(chain.ENV_AUDIT_KEY_FILE, str(tmp_path / "audit.key"))
    assert main(["key", "show"]) == 2
    capsys.readouterr()
    assert main(["key", "create"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "pii.key").exists() and (tmp_path / "audit.key").exists()
    assert "audit log" in out and "personal data" in out
    first = (tmp_path / "audit.key").read_bytes()
    assert main(["key", "create"]) == 0 and (tmp_path / "audit.key").read_bytes() == first
    assert "already exists" in capsys.readouterr().out


def test_khlang_sql_records_each_statement_run_or_refused(h, monkeypatch, capsys):
    from warehouse.publish import publish

    publish(h, {"schools": pl.DataFrame({"school_code": ["1040010001", "1040010002"],
                                         "school_name": ["บ้านหนองแวง", "ชุมแพศึกษา"]})}, run_id="audit-tests")
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    assert main(["sql", "SELECT * FROM schools", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["sql", "COPY (SELECT 1) TO '/tmp/x.csv'"]) == 2
    assert main(["sql", "SELECT nope FROM schools"]) == 2
    capsys.readouterr()
    long = "SELECT 'ชุมแพ' AS x" + " " * 600 + "-- end"
    assert main(["sql", long]) == 0
    assert "ชุมแพ" in capsys.readouterr().out
    entries = read(h)
    assert entries.get_column("action").to_list() == ["sql"] * 4
    assert entries.get_column("outcome").to_list() == ["ok", "refused", "error", "ok"]
    assert set(entries.get_column("role")) == {"analyst"} and set(entries.get_column("user")) == {chain.os_user()}
    details = [json.loads(d) for d in entries.get_column("details")]
    assert details[0]["rows"] == 2 and details[1]["kind"] == "refused" and details[2]["kind"] == "sql"
    assert all(isinstance(d["seconds"], float) for d in details)
    assert entries.get_column("target")[0] == "SELECT * FROM schools"
    assert entries.get_column("target")[3] == long[:500]
    assert verify(h) == []

    # the log cannot be written: the statement is not answered
    monkeypatch.setenv(chain.ENV_AUDIT_KEY_FILE, str(h.root / "missing.key"))
    assert main(["sql", "SELECT * FROM schools"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "audit log cannot be written" in captured.err


def test_a_line_that_is_no_entry_is_found_and_the_chain_goes_on(h):
    path = _one_month(h)
    lines = _lines(path)
    lines.insert(3, b"[" * 100_000 + b"\n")
    lines.insert(1, "แก้ไขด้วยมือ\n".encode())
    path.write_bytes(b"".join(lines))
    problems = verify(h)
    assert [(p.kind, p.line) for p in problems] == [("not_entry", 2), ("not_entry", 5)]
    assert read(h).height == 6
