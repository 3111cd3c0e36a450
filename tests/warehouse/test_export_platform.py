"""OBEC exports of the platform statistics: the daily files' validated rows, and the event logs' daily
aggregates (counts only, never an event row or a user id, raw or hashed), each with its manifest."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import polars as pl
import pytest

from pipelines.cli import main
from warehouse.contracts import get
from warehouse.read import query

pytestmark = pytest.mark.slow
PERIOD = 2569
HASH = re.compile(r"h1:[0-9a-f]{64}")


def _csv(folder, name) -> list[list[str]]:
    return list(csv.reader(io.StringIO((folder / name).read_bytes().decode("utf-8-sig"))))


def test_the_daily_files_export_is_their_validated_rows_of_the_fiscal_year(demo_home, tmp_path, monkeypatch):
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    out = tmp_path / "daily"
    assert main(["export", "obec", "--survey", "platform_daily", "--year", str(PERIOD), "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = _csv(out, f"platform_daily_{PERIOD}.csv")
    assert rows[0] == [c.header_th for c in get("platform_daily").public_columns]
    current = query(demo_home, "SELECT count(*) FROM platform_daily WHERE date BETWEEN '2025-10-01' AND '2026-09-30'").item()
    assert len(rows) - 1 == manifest["rows"]["exported"] == current > 0
    assert manifest["rows"]["superseded"] > 0  # the re-sent file's earlier rows, named in the manifest
    assert {r["rule_id"] for r in manifest["rules"]} >= {"PLAT-01", "PLAT-02", "PLAT-03", "PLAT-04", "REF-01"}
    assert all(re.fullmatch(r"\d{2}/\d{2}/25\d\d", r[0]) for r in rows[1:])  # dates as Thai readers write them


def test_the_events_export_is_their_daily_aggregates_with_no_user_id(demo_home, tmp_path, monkeypatch):
    monkeypatch.setenv("KHLANG_HOME", str(demo_home.root))
    out = tmp_path / "events"
    code = main(["export", "obec", "--survey", "platform_events", "--year", str(PERIOD), "--out", str(out)])
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    spec = get("platform_events").export
    rows = _csv(out, f"platform_events_{PERIOD}.csv")
    assert rows[0] == [c.header_th for c in spec.columns]
    assert "รหัสผู้ใช้" not in rows[0] and "user_id" not in json.dumps(manifest["columns"])
    aggregates = query(demo_home, "SELECT count(*), sum(events) FROM platform_events_daily WHERE fiscal_year = ?", [PERIOD])
    n, events = aggregates.row(0)
    assert len(rows) - 1 == manifest["rows"]["exported"] == n
    # Every valid or flagged event of the year is counted once in the aggregates.
    assert manifest["rows"]["aggregated_from"]["valid"] + manifest["rows"]["aggregated_from"]["flagged"] == events
    assert manifest["personal_columns_excluded"] == ["user_id"] and "no user ids" in manifest["aggregated_from"]
    assert sum(s["rows_aggregated"] for s in manifest["sources"]) == events
    text = (out / f"platform_events_{PERIOD}.csv").read_text(encoding="utf-8-sig")
    book = openpyxl.load_workbook(out / f"platform_events_{PERIOD}.xlsx", read_only=True)
    cells = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    for blob in (text, cells, json.dumps(manifest)):
        assert not HASH.search(blob) and "stu-" not in blob and "@kk4.example" not in blob
    assert pl.Series([r[1] for r in rows[1:]]).str.contains(r"^\d{2}/\d{2}/25\d\d$").all()
