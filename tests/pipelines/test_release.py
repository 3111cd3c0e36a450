"""`khlang release DIR [--to DEST]` (pipelines/cli/release.py): only an export the director approved, and
unchanged since, is released; refusals are one Thai and one English line with exit 1 (exit 2 when there is
nothing to release or nowhere to put it). Real small warehouse, real `khlang export obec`, the director's
decision through warehouse.export.signoff as the page makes it, the real audit log."""

from __future__ import annotations

import json

import polars as pl
import pytest

from pipelines.audit import os_user, read, verify
from pipelines.cli import main
from pipelines.config import Home
from tests.warehouse import test_signoff
from warehouse.export import signoff
from warehouse.export.folder import APPROVAL, MANIFEST, OUTBOX

SURVEY = test_signoff.SURVEY
published, h = test_signoff.published, test_signoff.h  # fixtures: the test's own small published data root
PERIOD = 2569
CSV = f"{SURVEY}_{PERIOD}.csv"
DIRECTOR = {"user": "somsak", "role": "director", "name": "นายสมศักดิ์"}


@pytest.fixture
def exported(h, tmp_path, capsys):
    out = tmp_path / "obec"
    assert main(["export", "obec", "--survey", SURVEY, "--year", str(PERIOD), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "รอ ผอ.สพท. อนุมัติ" in said and "awaiting the director's approval" in said
    assert f"khlang release {out}" in said
    return out


def release(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["release", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def released_entries(h: Home) -> list[dict]:
    return read(h).filter(pl.col("action") == "export_released").to_dicts()


def test_an_approved_export_is_released_with_its_approval(h, exported, capsys):
    doc = signoff.approve(h, exported, **DIRECTOR)
    code, out, err = release(capsys, exported)
    assert code == 0, err
    [dest] = (h.exports / OUTBOX).iterdir()
    assert f"ไปที่ {dest}" in out and "ready to send to OBEC" in out
    assert f"นายสมศักดิ์ (somsak, director) {doc['at_bangkok']}" in out and f"{doc['at_utc']} UTC" in out
    assert doc["manifest_sha256"] in out
    manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["approval"]["manifest_sha256"] == doc["manifest_sha256"]
    assert (manifest["approval"]["by"], manifest["approval"]["role"]) == ("somsak", "director")
    assert (dest / CSV).read_bytes() == (exported / CSV).read_bytes()
    [entry] = released_entries(h)
    assert (entry["user"], entry["role"], entry["outcome"], entry["target"]) == (os_user(), "ict", "ok", str(dest))
    assert not verify(h)


def test_an_export_awaiting_approval_is_refused(h, exported, capsys):
    code, out, err = release(capsys, exported)
    assert code == 1 and out == ""
    assert "ไม่ส่งออก: ยังไม่ได้รับอนุมัติจาก ผอ.สพท." in err and "not released: not approved by the director yet" in err
    assert not (h.exports / OUTBOX).exists()
    assert [e["outcome"] for e in released_entries(h)] == ["refused"]


def test_a_returned_export_is_refused_with_the_reason(h, exported, capsys):
    signoff.send_back(h, exported, **DIRECTOR, reason="ตัวเลขห้องเรียนไม่ตรงกับทะเบียน")
    code, _, err = release(capsys, exported)
    assert code == 1 and "ส่งกลับให้แก้ไข" in err and "ตัวเลขห้องเรียนไม่ตรงกับทะเบียน" in err
    assert "returned by the director" in err
    assert not (h.exports / OUTBOX).exists()


@pytest.mark.parametrize("what", [CSV, MANIFEST])
def test_a_tampered_approved_export_is_refused(h, exported, capsys, what):
    signoff.approve(h, exported, **DIRECTOR)
    path = exported / what
    path.write_bytes(path.read_bytes().replace(b"1", b"2", 1))
    code, _, err = release(capsys, exported)
    assert code == 1
    assert "การอนุมัติจึงเป็นโมฆะ" in err and what in err and "so it is void" in err
    assert not (h.exports / OUTBOX).exists()


def test_a_recut_export_needs_a_new_approval(h, exported, capsys):
    signoff.approve(h, exported, **DIRECTOR)
    assert main(["export", "obec", "--survey", SURVEY, "--year", str(PERIOD), "--out", str(exported)]) == 0
    said = capsys.readouterr().out
    assert "สิ้นผล" in said and "the director's decision on the previous export no longer applies" in said
    assert not (exported / APPROVAL).exists()
    code, _, err = release(capsys, exported)
    assert code == 1 and "not approved by the director yet" in err


def test_nothing_to_release_or_nowhere_to_put_it_is_exit_2(h, exported, tmp_path, capsys):
    code, _, err = release(capsys, tmp_path / "nothing")
    assert code == 2 and "is not an export" in err and "ไม่ใช่ผลการส่งออก" in err
    signoff.approve(h, exported, **DIRECTOR)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("x", encoding="utf-8")
    code, _, err = release(capsys, exported, "--to", busy)
    assert code == 2 and "มีอยู่แล้ว" in err and "already exists" in err
    assert sorted(p.name for p in busy.iterdir()) == ["mine.txt"]
    code, _, err = release(capsys, exported, "--to", tmp_path / "usb" / "obec-2569")
    assert code == 0, err
    assert (tmp_path / "usb" / "obec-2569" / CSV).read_bytes() == (exported / CSV).read_bytes()
