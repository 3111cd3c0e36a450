"""OBEC export: real Parquet snapshots, real DuckDB, real CSV/XLSX files read back.

Tests take the data root from the `home` fixture. It is a small published warehouse built here with
`publish()` as SCHEMA.md describes it; to run the same tests on the sample district, make `home`
return the repo-wide `demo_home` instead. Nothing below hard-codes the fixture's schools or values:
periods, personal values and expected rows are read back from the snapshot.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import unicodedata
import zipfile
from datetime import date, datetime, timezone

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.config import Home
from warehouse.contracts import get, lists
from warehouse.export import ExportError, export_obec, formatted, sheet_name
from warehouse.publish import current_version, publish, read_snapshot

SURVEY = "dltv_equipment"
CONTRACT = get(SURVEY)
BOM = b"\xef\xbb\xbf"
ITEMS = [i.key for i in lists()["dltv_items"]]
SUBS = [s.key for s in lists()["dltv_subcolumns"]]

# --- a small district, published the way SCHEMA.md describes ------------------------------------

SCHOOLS = {
    "1058010001": ("โรงเรียนบ้านห้วยปูลิง", "เมืองแม่ฮ่องสอน", 64),
    "1058010002": ("โรงเรียนบ้านห้วยผึ้ง", "เมืองแม่ฮ่องสอน", 88),
    "1058010003": ("โรงเรียนบ้านแม่สะงี", "เมืองแม่ฮ่องสอน", 41),
    "1058010004": ("โรงเรียนบ้านนาป่าแปก", "เมืองแม่ฮ่องสอน", 115),
    "1058010005": ("โรงเรียนบ้านห้วยเดื่อ", "ขุนยวม", 72),
    "1058010006": ("โรงเรียนบ้านเมืองปอน", "ขุนยวม", 103),
}
DISTRICT_2569 = "2569/สำรวจ DLTV อ.เมือง 2569.xlsx"
RESENT_2569 = "2569/1058010004 ส่งใหม่.xlsx"
SINGLE_2569 = "2569/บ้านห้วยเดื่อ.csv"
DISTRICT_2568 = "2568/สำรวจ DLTV 2568.xlsx"


def _equipment(code, fy, day, rooms, tv=(4, 3, 1, 1, 0), *, who, phone, src, row, seq,
               outcome="valid", rules=(), submitted=None):
    counts = {"dish": (1, 1, 0, 0, 0), "lnb": (2, 2, 0, 0, 0), "receiver": (rooms, rooms, 0, 0, 0), "tv": tv}
    reason = {"DLTV-05": ("ขอทดแทนทั้งที่ได้รับจัดสรรในช่วง 3 ปีงบประมาณก่อนหน้า", "replacement although allocated"),
              "DLTV-07": ("วันที่สำรวจอยู่นอกปีงบประมาณ", "survey date outside the fiscal year")}
    return {
        "fiscal_year": fy, "school_code": code, "school_name": SCHOOLS.get(code, ("โรงเรียนไม่ทราบชื่อ",))[0],
        "dltv_classrooms": rooms,
        **{f"{i}_{s}": counts[i][k] for i in ITEMS for k, s in enumerate(SUBS)},
        "survey_date": day, "reporter_name": who, "reporter_phone": phone,
        "source_file": src, "sheet": "ข้อมูล", "row_number": row, "arrival_seq": seq, "outcome": outcome,
        "rule_ids": list(rules), "reason_th": "; ".join(reason[r][0] for r in rules) or None,
        "reason_en": "; ".join(reason[r][1] for r in rules) or None, "submitted_code": submitted or code,
    }


def _equipment_frame(rows: list[dict]) -> pl.DataFrame:
    schema = {c.name: {"be_year": pl.Int32, "int": pl.Int64, "date": pl.Date}.get(c.type, pl.String)
              for c in CONTRACT.columns}
    schema |= {"source_file": pl.String, "sheet": pl.String, "row_number": pl.Int64, "arrival_seq": pl.Int64,
               "outcome": pl.String, "rule_ids": pl.List(pl.String), "reason_th": pl.String,
               "reason_en": pl.String, "submitted_code": pl.String, "superseded_by": pl.String}
    return pl.DataFrame(rows, schema=schema)


def build_tables() -> dict[str, pl.DataFrame]:
    current = [  # deliberately not in school-code order
        _equipment("1058010004", 2569, date(2026, 2, 3), 6, who="นายสมชาย ใจดี", phone="0812345670",
                   src=RESENT_2569, row=5, seq=4),
        _equipment("1058010001", 2569, date(2026, 1, 15), 6, who="นางสาวพิมพ์ใจ แสนดี", phone="0891112222",
                   src=DISTRICT_2569, row=5, seq=2, submitted="58010001"),  # SMIS code resolved
        _equipment("1058010003", 2569, date(2026, 1, 16), 3, tv=(3, 2, 1, 1, 0), who="นางมาลี ศรีสุข",
                   phone="0533456789", src=DISTRICT_2569, row=7, seq=2, outcome="flagged", rules=["DLTV-05"]),
        _equipment("1058010002", 2569, date(2026, 1, 15), 6, who="นายวีระ กล้าหาญ", phone="0867778888",
                   src=DISTRICT_2569, row=6, seq=2),
        _equipment("1058010005", 2569, date(2025, 9, 20), 6, who="นางบุญมา ทองคำ", phone="0844445555",
                   src=SINGLE_2569, row=2, seq=3, outcome="flagged", rules=["DLTV-07"]),
        _equipment("1058010001", 2568, date(2025, 1, 10), 6, who="นางสาวพิมพ์ใจ แสนดี", phone="0891112222",
                   src=DISTRICT_2568, row=5, seq=1),
        _equipment("1058010002", 2568, date(2025, 1, 11), 6, who="นายวีระ กล้าหาญ", phone="0867778888",
                   src=DISTRICT_2568, row=6, seq=1),
    ]
    old = _equipment("1058010004", 2569, date(2026, 1, 15), 6, tv=(4, 2, 2, 2, 0), who="นายสมชาย ใจดี",
                     phone="0812345670", src=DISTRICT_2569, row=8, seq=2, outcome="superseded")
    equipment = _equipment_frame(current).drop("superseded_by")
    history = _equipment_frame([*current, {**old, "superseded_by": f"{RESENT_2569}#5"}])

    raw = json.dumps({"school_code": "1058010006", "tv_total": "4", "tv_working": "4", "tv_broken": "1"},
                     ensure_ascii=False)
    quarantine = pl.DataFrame(
        [
            ("dltv_equipment", 2569, DISTRICT_2569, "ข้อมูล", 9, "1058010006", ["DLTV-01"],
             "เครื่องรับโทรทัศน์: ใช้งานได้ + ชำรุด ต้องเท่ากับมีทั้งหมด", "Television: working + broken must equal total", raw),
            ("dltv_equipment", 2569, SINGLE_2569, "ข้อมูล", 3, "1099999999", ["REF-01"],
             "ไม่พบรหัสสถานศึกษา 1099999999 ในทะเบียนสถานศึกษา", "school code 1099999999 is not in the register", "{}"),
            ("dltv_equipment", 2568, DISTRICT_2568, "ข้อมูล", 7, "1058010003", ["DLTV-03"],
             "จำนวนอุปกรณ์เกินเกณฑ์", "equipment above OBEC limits", "{}"),
        ],
        schema={"table_name": pl.String, "period": pl.Int32, "source_file": pl.String, "sheet": pl.String,
                "row_number": pl.Int64, "school_code": pl.String, "rule_ids": pl.List(pl.String),
                "reason_th": pl.String, "reason_en": pl.String, "raw_values": pl.String},
        orient="row",
    )
    files = [  # source_file, arrival_seq, table, rows_in, valid, flagged, quarantined, superseded
        ("ทะเบียนสถานศึกษา 2569.xlsx", 0, "schools", 6, 6, 0, 0, 0),
        (DISTRICT_2568, 1, SURVEY, 3, 2, 0, 1, 0),
        (DISTRICT_2569, 2, SURVEY, 5, 2, 1, 1, 1),
        (SINGLE_2569, 3, SURVEY, 2, 0, 1, 1, 0),
        (RESENT_2569, 4, SURVEY, 1, 1, 0, 0, 0),
        ("จัดสรร 2566-2568.xlsx", 5, "dltv_allocation", 2, 2, 0, 0, 0),
    ]
    accounting = pl.DataFrame(
        [{"source_file": f, "sha256": hashlib.sha256(f.encode()).hexdigest(), "arrival_seq": s, "table_name": t,
          "rows_in": n, "valid": v, "flagged": fl, "quarantined": q, "superseded": sp, "error_kind": None,
          "error_th": None, "error_en": None, "error_sheet": None, "error_row": None, "error_column": None,
          "notes": None, "pass_rate": 100.0 * (v + fl) / n} for f, s, t, n, v, fl, q, sp in files],
        schema_overrides={"error_row": pl.Int64, **{c: pl.String for c in ("error_kind", "error_th", "error_en",
                                                                       "error_sheet", "error_column", "notes")}},
    )
    failed = {2569: {"REF-01": 1, "DLTV-01": 1, "DLTV-05": 1, "DLTV-07": 1}, 2568: {"DLTV-03": 1}}
    checked = {2569: 8, 2568: 3}
    rule_results = pl.DataFrame(
        [{"table_name": SURVEY, "period": p, "rule_id": r, "severity": CONTRACT.rule(r).severity,
          "rule_th": CONTRACT.rule(r).th, "rule_en": CONTRACT.rule(r).en, "rows_checked": checked[p],
          "rows_failed": failed[p].get(r, 0), "pass_rate": 100.0 * (1 - failed[p].get(r, 0) / checked[p])}
         for p in checked for r in CONTRACT.rule_ids],
        schema_overrides={"period": pl.Int32},
    )
    allocation = pl.DataFrame(
        {"fiscal_year": [2567, 2567], "school_code": ["1058010003", "1058010001"], "item": ["tv", "dish"],
         "quantity": [1, 1], "unit_price_baht": [8500.0, 2900.0], "source": ["สพฐ.", "มูลนิธิการศึกษาทางไกลผ่านดาวเทียม"],
         "source_file": ["จัดสรร 2566-2568.xlsx"] * 2, "sheet": ["2567"] * 2, "row_number": [4, 5],
         "arrival_seq": [5, 5], "outcome": ["valid"] * 2, "rule_ids": [[], []], "reason_th": [None, None],
         "reason_en": [None, None], "submitted_code": ["1058010003", "1058010001"]},
        schema_overrides={"fiscal_year": pl.Int32, "rule_ids": pl.List(pl.String), "reason_th": pl.String,
                          "reason_en": pl.String},
    )
    return {"dltv_equipment": equipment, "dltv_equipment_history": history, "dltv_allocation": allocation,
            "dltv_allocation_history": allocation.with_columns(superseded_by=pl.lit(None, pl.String)),
            "quarantine": quarantine, "file_accounting": accounting, "rule_results": rule_results}


@pytest.fixture(scope="module")
def published_home(tmp_path_factory) -> Home:
    home = Home(tmp_path_factory.mktemp("khlang"))
    publish(home, build_tables(), run_id="test-run")
    return home


@pytest.fixture(scope="module")
def home(published_home) -> Home:
    return published_home  # switch to the repo-wide `demo_home` here


@pytest.fixture(scope="module")
def period(home) -> int:
    """The latest period with validated rows in the current version."""
    rows = read_snapshot(home, SURVEY).filter(pl.col("outcome").is_in(["valid", "flagged"]))
    return int(rows[CONTRACT.period].max())


@pytest.fixture(scope="module")
def exported(home, period, tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    return out, export_obec(home, SURVEY, period, out)


def _csv_rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def _xlsx_rows(path) -> tuple[openpyxl.worksheet.worksheet.Worksheet, list[tuple]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return ws, list(ws.iter_rows(values_only=True))


def _snapshot_sql(home, sql: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        for p in (home.versions / current_version(home)).glob("*.parquet"):
            con.execute(f"CREATE VIEW \"{p.stem}\" AS SELECT * FROM read_parquet('{p.as_posix()}')")
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --- tests ------------------------------------------------------------------------------------------

def test_csv_has_bom_and_thai_public_headers(exported, period):
    out, _ = exported
    data = (out / f"{SURVEY}_{period}.csv").read_bytes()
    assert data.startswith(BOM)
    header = _csv_rows(out / f"{SURVEY}_{period}.csv")[0]
    assert header == [c.header_th for c in CONTRACT.public_columns]
    assert {CONTRACT.column(p).header_th for p in CONTRACT.personal}.isdisjoint(header)


def test_no_personal_data_in_csv_or_xlsx(home, exported, period):
    out, manifest = exported
    history = read_snapshot(home, f"{SURVEY}_history")
    personal = {str(v) for p in CONTRACT.personal for v in history[p].drop_nulls()}
    assert personal, "the fixture must carry personal values for this test to mean anything"
    assert manifest["personal_columns_excluded"] == ["reporter_name", "reporter_phone"]
    csv_text = (out / f"{SURVEY}_{period}.csv").read_text(encoding="utf-8-sig")
    _, cells = _xlsx_rows(out / f"{SURVEY}_{period}.xlsx")
    xlsx_text = "\n".join(str(v) for row in cells for v in row if v is not None)
    for value in personal:
        assert value not in csv_text and value not in xlsx_text, value


def test_only_validated_rows_of_the_period(home, exported, period):
    out, manifest = exported
    expected = _snapshot_sql(home, f"""
        SELECT school_code, outcome FROM dltv_equipment
        WHERE fiscal_year = {period} AND outcome IN ('valid', 'flagged') ORDER BY school_code""")
    rows = _csv_rows(out / f"{SURVEY}_{period}.csv")[1:]
    code_at = [c.name for c in CONTRACT.public_columns].index("school_code")
    assert [r[code_at] for r in rows] == [code for code, _ in expected]  # sorted by the contract key
    assert manifest["rows"]["exported"] == len(rows) == len(expected)
    assert manifest["rows"]["flagged"] == sum(o == "flagged" for _, o in expected)
    [(quarantined,)] = _snapshot_sql(home, f"""
        SELECT count(*) FROM quarantine WHERE table_name = '{SURVEY}' AND period = {period}""")
    [(superseded,)] = _snapshot_sql(home, f"""
        SELECT count(*) FROM dltv_equipment_history WHERE fiscal_year = {period} AND outcome = 'superseded'""")
    assert (manifest["rows"]["quarantined"], manifest["rows"]["superseded"]) == (quarantined, superseded)
    assert sum(s["rows_exported"] for s in manifest["sources"]) == len(rows)
    assert sum(s["rows_quarantined"] for s in manifest["sources"]) == quarantined
    assert all(s["sha256"] for s in manifest["sources"])


def test_values_are_written_the_thai_way(home, exported, period):
    out, _ = exported
    names = [c.name for c in CONTRACT.public_columns]
    csv_rows = _csv_rows(out / f"{SURVEY}_{period}.csv")[1:]
    snap = (read_snapshot(home, SURVEY).filter(pl.col("fiscal_year") == period, pl.col("outcome") != "superseded")
            .sort("school_code"))
    for row, expected_date in zip(csv_rows, snap["survey_date"]):
        assert row[names.index("fiscal_year")] == str(period)
        assert re.fullmatch(r"\d{2}/\d{2}/25\d{2}", row[names.index("survey_date")])
        assert row[names.index("survey_date")] == f"{expected_date:%d/%m}/{expected_date.year + 543}"
    ws, cells = _xlsx_rows(out / f"{SURVEY}_{period}.xlsx")
    assert ws.title == sheet_name(CONTRACT.th) and len(ws.title) <= 31
    assert all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["B"].width >= 10  # school codes are not cut off
    assert [list(r) for r in cells] == [
        [c.header_th for c in CONTRACT.public_columns],
        *[[int(v) if v.lstrip("-").isdigit() and n != "school_code" else (v or None) for n, v in zip(names, r)]
          for r in csv_rows],
    ]


def test_manifest_names_version_rules_and_checksums(home, exported, period):
    out, manifest = exported
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert manifest["warehouse"]["version"] == current_version(home)
    for f in manifest["files"]:
        data = (out / f["name"]).read_bytes()
        assert f["sha256"] == hashlib.sha256(data).hexdigest() and f["bytes"] == len(data)
    [(n_rules,)] = _snapshot_sql(home, f"SELECT count(*) FROM rule_results WHERE table_name = '{SURVEY}' "
                                       f"AND period = {period}")
    assert len(manifest["rules"]) == n_rules > 0
    assert {"rule_id", "severity", "rule_th", "rule_en", "rows_checked", "rows_failed"} == set(manifest["rules"][0])
    assert [c["header_th"] for c in manifest["columns"]] == [c.header_th for c in CONTRACT.public_columns]
    assert manifest["approval"] is None and manifest["exported_at"]


def test_two_runs_are_byte_identical(home, exported, period, tmp_path):
    first_dir, first = exported
    second = export_obec(home, SURVEY, period, tmp_path / "again")
    for ext in ("csv", "xlsx"):
        name = f"{SURVEY}_{period}.{ext}"
        assert (first_dir / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert {**first, "exported_at": None} == {**second, "exported_at": None}
    # No clock inside the XLSX: zip entries carry the fixed 1980 stamp, core.xml the publish time.
    with zipfile.ZipFile(first_dir / f"{SURVEY}_{period}.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    published = datetime.fromisoformat(first["warehouse"]["published_at"]).astimezone(timezone.utc)
    assert core.count(f"{published:%Y-%m-%dT%H:%M:%SZ}</dcterms:") == 2  # created and modified


def test_old_version_recut_is_unchanged_by_a_new_publish(home, exported, period, tmp_path):
    first_dir, first = exported
    copy = Home(tmp_path / "root")
    shutil.copytree(home.warehouse, copy.warehouse)
    old = current_version(copy)
    tables = {p.stem: pl.read_parquet(p) for p in (copy.versions / old).glob("*.parquet")}
    corrected = tables[SURVEY].with_columns(  # a school corrects its classrooms in a later run
        pl.when(pl.col("fiscal_year") == period).then(pl.col("dltv_classrooms") + 1)
        .otherwise(pl.col("dltv_classrooms")).alias("dltv_classrooms"))
    assert publish(copy, {**tables, SURVEY: corrected}).version != old

    recut = export_obec(copy, SURVEY, period, tmp_path / "recut", version=old)
    latest = export_obec(copy, SURVEY, period, tmp_path / "latest")
    assert recut["files"] == first["files"] and recut["warehouse"] == first["warehouse"]
    for ext in ("csv", "xlsx"):
        name = f"{SURVEY}_{period}.{ext}"
        assert (tmp_path / "recut" / name).read_bytes() == (first_dir / name).read_bytes()
    assert latest["warehouse"]["version"] != old and latest["files"][0]["sha256"] != first["files"][0]["sha256"]


def test_coded_items_are_written_as_thai_labels(home, tmp_path):
    alloc = get("dltv_allocation")
    rows = read_snapshot(home, "dltv_allocation").filter(pl.col("outcome").is_in(["valid", "flagged"]))
    year = int(rows["fiscal_year"].max())
    export_obec(home, "dltv_allocation", year, tmp_path)
    header, *body = _csv_rows(tmp_path / f"dltv_allocation_{year}.csv")
    items = {i.th for i in lists()["dltv_items"]}
    sources = {i.th for i in lists()["allocation_sources"]}
    assert header == [c.header_th for c in alloc.public_columns]
    assert body and all(r[header.index("รายการ")] in items for r in body)
    assert all(r[header.index("แหล่งงบประมาณ")] in sources | {""} for r in body)


def test_formatting_of_booleans_dates_and_blanks():
    schools = get("schools")
    frame = pl.DataFrame({c.name: [None, None, None] for c in schools.columns}).with_columns(
        is_dltv_school=pl.Series([True, False, None]), size_class=pl.Series(["เล็ก", "ใหญ่พิเศษ", None]))
    out = formatted(frame, schools)
    assert out[schools.column("is_dltv_school").header_th].to_list() == ["ใช่", "ไม่ใช่", None]
    assert out["ขนาดโรงเรียน"].to_list() == ["เล็ก", "ใหญ่พิเศษ", None]
    dates = formatted(pl.DataFrame({"survey_date": [date(2026, 1, 15), date(2025, 10, 1), None]}).with_columns(
        **{c.name: pl.lit(None) for c in CONTRACT.columns if c.name != "survey_date"}), CONTRACT)
    assert dates["วันที่สำรวจ"].to_list() == ["15/01/2569", "01/10/2568", None]


@pytest.mark.parametrize("title", [CONTRACT.th, get("dltv_allocation").th, "ก" * 31 + "่าง", "a[b]:c*d?e/f\\g"])
def test_sheet_names_are_valid_excel_names(title):
    name = sheet_name(title)
    assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert re.sub(r"[\[\]:*?/\\]", "-", title).startswith(name)
    if len(name) < len(title):  # never cut a Thai tone or vowel mark off its consonant
        assert not unicodedata.category(title[len(name)]).startswith("M")


def test_errors_are_clear_in_thai_and_english(home, period, tmp_path):
    with pytest.raises(ExportError, match="ไม่รู้จักแบบสำรวจ.*unknown survey"):
        export_obec(home, "no_such_survey", period, tmp_path / "a")
    with pytest.raises(ExportError, match="unknown survey"):
        export_obec(home, "schools", period, tmp_path / "b")  # the register has no period to export
    with pytest.raises(ExportError, match="ไม่มีข้อมูลที่ผ่านการตรวจสอบ.*no validated"):
        export_obec(home, SURVEY, 2500, tmp_path / "c")
    with pytest.raises(ExportError, match="ยังไม่มีคลังข้อมูล.* / .*publish"):
        export_obec(Home(tmp_path / "empty"), SURVEY, period, tmp_path / "d")
    with pytest.raises(ExportError, match="v9999 ไม่เคยเผยแพร่.*v9999 was never published"):
        export_obec(home, SURVEY, period, tmp_path / "e", version="v9999")
    assert not (tmp_path / "c").exists()  # nothing half-written on error
