"""The landing inventory: every entry listed, skipped ones with a reason, links never followed out,
FIFOs never opened, the sensor fingerprint, arrival numbers only for files that are read; and
`khlang check` on files that must not pass."""

from __future__ import annotations

import os

import polars as pl
import pytest

from pipelines.cli import main
from pipelines.config import home
from pipelines.landing import fingerprint, inventory, landing_files, scan, shown, still_inside
from pipelines.sample import bad_files


@pytest.fixture
def h(tmp_path):
    h = home(tmp_path / "root")
    h.landing.mkdir(parents=True)
    return h


def test_scan_lists_read_files_and_skipped_entries_with_reasons(h):
    (h.landing / "2569").mkdir()
    (h.landing / "2569" / "บ้านนา.xlsx").write_bytes(b"x")
    (h.landing / "2569" / "~$บ้านนา.xlsx").write_bytes(b"lock")
    (h.landing / ".hidden").mkdir()
    (h.landing / ".hidden" / "ไม่อ่าน.csv").write_text("a,b\n")
    os.mkfifo(h.landing / "pipe.csv")
    outside = h.root / "outside.csv"
    outside.write_text("secret\n")
    os.symlink(outside, h.landing / "out.csv")
    os.symlink(h.landing / "missing.csv", h.landing / "dangling.csv")
    os.symlink(h.landing / "loop.csv", h.landing / "loop.csv")
    os.symlink(h.landing / "2569", h.landing / "folder-link")
    got = {e.rel: e.skip for e in scan(h.landing)}
    assert got == {
        "2569/บ้านนา.xlsx": None,
        "2569/~$บ้านนา.xlsx": "lock_file",
        ".hidden": "hidden",
        "pipe.csv": "special",
        "out.csv": "symlink_outside",
        "dangling.csv": "symlink_dangling",
        "loop.csv": "symlink_dangling",
        "folder-link": "symlink_folder",
    }
    assert landing_files(h) == [h.landing / "2569" / "บ้านนา.xlsx"]
    assert all(e.th.startswith("ข้าม '") and e.en.startswith("skipped '") for e in scan(h.landing) if e.skip)


def test_a_link_inside_landing_is_read_unless_its_target_is_read_too(h):
    (h.landing / ".archive").mkdir()
    (h.landing / ".archive" / "เดิม.csv").write_text("a\n")
    (h.landing / "ใหม่.csv").write_text("b\n")
    os.symlink(h.landing / ".archive" / "เดิม.csv", h.landing / "ลิงก์เดิม.csv")  # target not read directly
    os.symlink(h.landing / "ใหม่.csv", h.landing / "ลิงก์ใหม่.csv")  # target read under its own name
    got = {e.rel: e.skip for e in scan(h.landing)}
    assert got == {".archive": "hidden", "ใหม่.csv": None, "ลิงก์เดิม.csv": None, "ลิงก์ใหม่.csv": "symlink_duplicate"}
    assert still_inside(h.landing, "ลิงก์เดิม.csv")
    os.remove(h.landing / "ลิงก์เดิม.csv")
    os.symlink(h.root / "elsewhere.csv", h.landing / "ลิงก์เดิม.csv")
    (h.root / "elsewhere.csv").write_text("c\n")
    assert not still_inside(h.landing, "ลิงก์เดิม.csv"), "re-checked at read time: never followed out"


def test_inventory_gives_arrivals_to_read_files_only(h):
    bad_files.write(h.landing)
    inv = inventory(h)
    read, skipped = inv.filter(pl.col("skip_kind").is_null()), inv.filter(pl.col("skip_kind").is_not_null())
    assert read.get_column("arrival_seq").null_count() == 0 and read.get_column("sha256").null_count() == 0
    assert skipped.get_column("arrival_seq").null_count() == skipped.height
    assert skipped.get_column("sha256").null_count() == skipped.height
    assert sorted(read.get_column("arrival_seq")) == list(range(1, read.height + 1))
    again = inventory(h)
    assert again.equals(inv), "a repeated run keeps arrival numbers"


def test_fingerprint_sees_skipped_entries_and_never_opens_a_fifo(h):
    (h.landing / "a.csv").write_text("a\n")
    first = fingerprint(h)
    assert fingerprint(h) == first
    os.mkfifo(h.landing / "pipe.csv")  # opening it would block this test forever
    second = fingerprint(h)
    assert second != first
    (h.landing / "~$a.xlsx").write_bytes(b"lock")
    assert fingerprint(h) != second


def test_names_are_shown_on_one_line():
    assert shown("บัญชี \"จัดสรร\"\nรอบ 2 'ล่าสุด'.csv") == "บัญชี \"จัดสรร\"\\nรอบ 2 'ล่าสุด'.csv"
    assert shown("ปกติ.xlsx") == "ปกติ.xlsx"


# --- khlang check on files that must not pass ---------------------------------------------------------


@pytest.mark.parametrize(
    ("case_id", "kind", "words"),
    [
        ("header-only", "no_data_rows", ["ไม่มีแถวข้อมูล", "no data rows"]),
        ("duplicated-header-column", "duplicate_column", ["รหัสสถานศึกษา", "B", "E"]),
        ("excel-lock-file", "lock_file", ["ไฟล์ล็อก", "lock file"]),
        ("mixed-encodings-csv", "mixed_encoding", ["บรรทัด 4", "line 4"]),
    ],
)
def test_check_does_not_pass_a_file_with_a_file_problem(h, monkeypatch, capsys, case_id, kind, words):
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    [case] = [c for c in bad_files.battery() if c.id == case_id]
    bad_files.write(h.landing, [case])
    assert main(["check", str(h.landing / case.rel)]) == 1
    out = capsys.readouterr().out
    assert "PASS" not in out and "ผ่าน /" not in out
    assert f"ผล: ไม่ผ่าน" in out and f"result: FAIL (file problem: {kind})" in out
    assert all(w in out for w in words)


def test_check_refuses_a_fifo_without_opening_it(h, monkeypatch, capsys):
    monkeypatch.setenv("KHLANG_HOME", str(h.root))
    os.mkfifo(h.landing / "ส่งข้อมูล.csv")
    assert main(["check", str(h.landing / "ส่งข้อมูล.csv")]) == 2
    assert "not a regular file" in capsys.readouterr().err
