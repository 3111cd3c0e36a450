"""A small, realistic published warehouse for the dashboard tests, built to warehouse/SCHEMA.md.

Twelve schools of สพป.ขอนแก่น เขต 4 in three districts, DLTV surveys for fiscal years 2568 and 2569
(with a flagged row, a superseded row, three quarantined rows with Thai reasons, and a file that could
not be read), allocations at two price levels, and the marts computed from those rows the way SCHEMA.md
defines them. It is published with the real `warehouse.publish.publish`, so pages read a real DuckDB
file. Column names and types of the contract tables come from the contracts, not from this file.

Tests take the data root through the `home` fixture; to run them on the pipeline's demo district
instead, change `home` to return the repo-wide `demo_home`.
"""

from __future__ import annotations

import json
import random
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines import config
from pipelines.casting import DTYPES
from warehouse.contracts import get, lists
from warehouse.publish import publish

PROVINCE = "ขอนแก่น"
# code, name, district, subdistrict, students, size, is_dltv_school
SCHOOLS = [
    ("1040010001", "โรงเรียนบ้านโนนสะอาด", "ชุมแพ", "โนนหัน", 85, "เล็ก", True),
    ("1040010002", "โรงเรียนบ้านหนองไผ่", "ชุมแพ", "หนองไผ่", 112, "เล็ก", True),
    ("1040010003", "โรงเรียนชุมแพศึกษา", "ชุมแพ", "ชุมแพ", 1650, "ใหญ่พิเศษ", False),
    ("1040010004", "โรงเรียนบ้านนาเพียง", "ชุมแพ", "นาเพียง", 64, "เล็ก", True),
    ("1040010005", "โรงเรียนบ้านโคกสูงประชาสรรค์", "ชุมแพ", "ไชยสอ", 240, "กลาง", True),
    ("1040020001", "โรงเรียนบ้านซำยาง", "สีชมพู", "ซำยาง", 58, "เล็ก", True),
    ("1040020002", "โรงเรียนบ้านดงลาน", "สีชมพู", "ดงลาน", 97, "เล็ก", True),
    ("1040020003", "โรงเรียนสีชมพูพิทยาคม", "สีชมพู", "สีชมพู", 720, "ใหญ่", False),
    ("1040020004", "โรงเรียนบ้านนาจานวิทยา", "สีชมพู", "นาจาน", 120, "เล็ก", False),
    ("1040030001", "โรงเรียนบ้านห้วยม่วง", "ภูผาม่าน", "ห้วยม่วง", 45, "เล็ก", True),
    ("1040030002", "โรงเรียนบ้านวังสวาบ", "ภูผาม่าน", "วังสวาบ", 76, "เล็ก", True),
    ("1040030003", "โรงเรียนบ้านนาฝาย", "ภูผาม่าน", "นาฝาย", 103, "เล็ก", True),
]
REGISTER_FILE = "ทะเบียนสถานศึกษา_2569.xlsx"
ALLOC_FILE = "บัญชีจัดสรร_DLTV_2566-2568.xlsx"
FILE_2568 = "dltv_2568_รวมอำเภอ.xlsx"
FILE_2569 = "dltv_2569_รวมอำเภอ.xlsx"
FILE_RESUBMIT = "โรงเรียนบ้านโนนสะอาด_แก้ไข.xlsx"
FILE_BROKEN = "โรงเรียนบ้านดงลาน_DLTV.xlsx"
# Reporter names are personal data: tests assert they never appear on a page.
REPORTERS = ["นางสาวสุภาพร ใจดี", "นายสมชาย ศรีสุข", "นางกาญจนา แก้วมณี", "นายอนุชา บุญมา"]
PHONES = ["081-234-5678", "089-765-4321", "062-111-2233", "095-444-5566"]
PRICES = {2567: {"dish": 2300.0, "lnb": 420.0, "receiver": 1650.0, "tv": 11500.0},
          2568: {"dish": 2500.0, "lnb": 450.0, "receiver": 1800.0, "tv": 12900.0}}
LINEAGE = {"source_file": pl.String, "sheet": pl.String, "row_number": pl.Int64, "arrival_seq": pl.Int64,
           "outcome": pl.String, "rule_ids": pl.List(pl.String), "reason_th": pl.String, "reason_en": pl.String}


def message(table: str, rule_id: str, item: str | None = None, lang: str = "th", **values) -> str:
    """A rule's contract message filled in for one row, as the pipeline writes it."""
    check = next(c for c in get(table).checks if c.rule_id == rule_id and c.variant in (item, None))
    text = getattr(check, lang)
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "-")), text)


def typed(table: str, rows: list[dict], extra: dict | None = None) -> pl.DataFrame:
    """Rows -> frame with the contract's column types, then lineage columns (and `extra`)."""
    schema = {c.name: DTYPES[c.type] for c in get(table).columns} | LINEAGE | (extra or {})
    return pl.DataFrame(rows, schema=schema)


def lineage(file: str, row: int, seq: int, outcome: str = "valid", issues=()) -> dict:
    return {"source_file": file, "sheet": "Sheet1", "row_number": row, "arrival_seq": seq, "outcome": outcome,
            "rule_ids": [r for r, _, _ in issues], "reason_th": "; ".join(t for _, t, _ in issues) or None,
            "reason_en": "; ".join(e for _, _, e in issues) or None}


def schools_table() -> pl.DataFrame:
    rows = []
    for n, (code, name, district, sub, students, size, dltv) in enumerate(SCHOOLS):
        rows.append({"school_code": code, "smis_code": f"4001{n + 1:04d}", "school_name": name, "district": district,
                     "subdistrict": sub, "province": PROVINCE, "students_total": students, "size_class": size,
                     "lat": 16.5 + n / 50, "lon": 102.0 + n / 60, "is_dltv_school": dltv,
                     **lineage(REGISTER_FILE, n + 3, 1)})
    return typed("schools", rows)


def equipment_row(rng: random.Random, code: str, year: int, survey: date, reporter: int) -> dict:
    """Counts that satisfy DLTV-01..03: working + broken = total, requests <= broken, TVs <= rooms."""
    rooms = rng.randint(2, 8)
    row = {"fiscal_year": year, "school_code": code, "school_name": dict((s[0], s[1]) for s in SCHOOLS)[code],
           "dltv_classrooms": rooms, "survey_date": survey, "reporter_name": REPORTERS[reporter % 4],
           "reporter_phone": PHONES[reporter % 4], "submitted_code": code}
    for item in ("dish", "lnb", "receiver", "tv"):
        total = {"dish": rng.randint(1, 2), "lnb": rng.randint(1, 4)}.get(item, rooms)
        broken = rng.randint(0, total)
        replace = rng.randint(0, broken)
        repair = rng.randint(0, broken - replace)
        row |= {f"{item}_total": total, f"{item}_working": total - broken, f"{item}_broken": broken,
                f"{item}_request_replace": replace, f"{item}_request_repair": repair}
    return row


def build_tables() -> dict[str, pl.DataFrame]:
    rng = random.Random(2569)
    schools = schools_table()
    eligible = schools.filter((pl.col("students_total") <= 120) | pl.col("is_dltv_school"))
    codes = [s[0] for s in SCHOOLS]
    extra = {"submitted_code": pl.String}

    # --- dltv_equipment: 2568 from one district file, 2569 from a district file + one resubmission
    current, quarantine = [], []
    for n, code in enumerate(c for c in eligible["school_code"] if c not in ("1040020004", "1040030003")):
        current.append(equipment_row(rng, code, 2568, date(2024, 12, 10 + n), n) | lineage(FILE_2568, n + 4, 2))
    for n, code in enumerate(["1040010002", "1040010005", "1040020001", "1040020004", "1040030001", "1040030003"]):
        survey = date(2025, 11, 20 + n)
        issues = ()
        if code == "1040010005":  # surveyed before the fiscal year began: kept, flagged
            survey = date(2025, 9, 28)
            issues = [("DLTV-07", message("dltv_equipment", "DLTV-07", survey_date=survey, fiscal_year=2569),
                       message("dltv_equipment", "DLTV-07", lang="en", survey_date=survey, fiscal_year=2569))]
        outcome = "flagged" if issues else "valid"
        current.append(equipment_row(rng, code, 2569, survey, n) | lineage(FILE_2569, n + 5, 3, outcome, issues))
    current.append(equipment_row(rng, "1040010001", 2569, date(2025, 12, 15), 1) | lineage(FILE_RESUBMIT, 4, 4))
    equipment = typed("dltv_equipment", current, extra)

    def quarantined(code, row, rule, item=None, **values):
        values = {"school_code": code, "fiscal_year": 2569} | values
        quarantine.append({
            "table_name": "dltv_equipment", "period": 2569, "source_file": FILE_2569, "sheet": "Sheet1",
            "row_number": row, "school_code": code, "rule_ids": [rule],
            "reason_th": message("dltv_equipment", rule, item, **values),
            "reason_en": message("dltv_equipment", rule, item, lang="en", **values),
            "raw_values": json.dumps({"รหัสสถานศึกษา": code, "ปีงบประมาณ": "2569"}, ensure_ascii=False)})

    quarantined("1040010004", 11, "DLTV-02", "tv")
    quarantined("1040030002", 12, "DLTV-03", dltv_classrooms=3)
    quarantined("1040099999", 13, "REF-01")
    quarantine.append({"table_name": "schools", "period": None, "source_file": REGISTER_FILE, "sheet": "Sheet1",
                       "row_number": 15, "school_code": "104001000", "rule_ids": ["SCH-01"],
                       "reason_th": message("schools", "SCH-01", school_code="104001000"),
                       "reason_en": message("schools", "SCH-01", lang="en", school_code="104001000"),
                       "raw_values": json.dumps({"รหัสสถานศึกษา": "104001000"}, ensure_ascii=False)})
    quarantine_df = pl.DataFrame(quarantine, schema={
        "table_name": pl.String, "period": pl.Int32, "source_file": pl.String, "sheet": pl.String,
        "row_number": pl.Int64, "school_code": pl.String, "rule_ids": pl.List(pl.String), "reason_th": pl.String,
        "reason_en": pl.String, "raw_values": pl.String})

    # --- dltv_allocation and the latest unit prices
    alloc_rows = [{"fiscal_year": y, "school_code": codes[n], "item": item, "quantity": 1 + n % 2,
                   "unit_price_baht": price, "source": "สพฐ.", **lineage(ALLOC_FILE, 4 + n, 0)}
                  for y, prices in PRICES.items() for n, (item, price) in enumerate(prices.items())]
    allocation = typed("dltv_allocation", alloc_rows)
    items_th = {i.key: i.th for i in lists()["dltv_items"]}
    prices = pl.DataFrame([{"item": k, "item_th": items_th[k], "unit_price_baht": v, "price_fiscal_year": 2568}
                           for k, v in PRICES[2568].items()], schema_overrides={"price_fiscal_year": pl.Int32})

    # --- marts
    subs = ["total", "working", "broken", "request_replace", "request_repair"]
    long = pl.concat([
        equipment.join(schools.select("school_code", "district"), on="school_code").select(
            "fiscal_year", "district", pl.lit(item).alias("item"),
            *[pl.col(f"{item}_{s}").alias(s) for s in subs])
        for item in items_th])
    needs = (long.group_by("fiscal_year", "district", "item")
             .agg(pl.len().cast(pl.Int64).alias("schools"), *[pl.col(s).sum() for s in subs])
             .join(prices.select("item", "item_th", "unit_price_baht"), on="item")
             .with_columns((pl.col("request_replace") * pl.col("unit_price_baht")).alias("est_cost_baht"))
             .select("fiscal_year", "district", "item", "item_th", "schools", *subs, "unit_price_baht", "est_cost_baht")
             .sort("fiscal_year", "district", "item"))
    alloc_need = (allocation.join(schools.select("school_code", "district"), on="school_code")
                  .group_by("fiscal_year", "district", "item")
                  .agg(pl.col("quantity").sum().alias("allocated_qty"),
                       (pl.col("quantity") * pl.col("unit_price_baht")).sum().alias("allocated_baht"))
                  .join(needs.select("fiscal_year", "district", "item",
                                     pl.col("request_replace").alias("requested_replace"),
                                     pl.col("request_repair").alias("requested_repair"),
                                     pl.col("est_cost_baht").alias("est_need_baht")),
                        on=["fiscal_year", "district", "item"], how="full", coalesce=True)
                  .with_columns(pl.col("item").replace_strict(items_th).alias("item_th"))
                  .select("fiscal_year", "district", "item", "item_th", "allocated_qty", "allocated_baht",
                          "requested_replace", "requested_repair", "est_need_baht"))

    coverage, missing = [], []
    pop = eligible.select("school_code", "school_name", "district", "students_total")
    for year in (2568, 2569):
        sent = set(equipment.filter(pl.col("fiscal_year") == year)["school_code"])
        absent = pop.filter(~pl.col("school_code").is_in(sent))
        coverage.append({"rule_id": "COV-01", "survey": "dltv_equipment", "survey_th": get("dltv_equipment").th,
                         "period": year, "population": pop.height, "submitted": pop.height - absent.height,
                         "missing": absent.height, "coverage_pct": 100 * (pop.height - absent.height) / pop.height})
        missing.append(absent.select(pl.lit("COV-01").alias("rule_id"), pl.lit("dltv_equipment").alias("survey"),
                                     pl.lit(year, pl.Int32).alias("period"), pl.all()))
    coverage_df = pl.DataFrame(coverage, schema_overrides={"period": pl.Int32})

    latest = (equipment.sort("fiscal_year").group_by("school_code").last()
              .select("school_code", pl.col("fiscal_year").alias("dltv_latest_year"),
                      pl.col("survey_date").alias("dltv_survey_date"), pl.col("dltv_classrooms"),
                      pl.sum_horizontal(f"{i}_request_replace" for i in items_th).alias("dltv_request_replace"),
                      pl.sum_horizontal(f"{i}_request_repair" for i in items_th).alias("dltv_request_repair"),
                      pl.col("outcome").alias("dltv_outcome")))
    profile = (schools.select([c.name for c in get("schools").columns])
               .with_columns(((pl.col("students_total") <= 120) | pl.col("is_dltv_school")).alias("dltv_eligible"),
                             pl.lit("valid").alias("register_outcome"),
                             pl.lit([], pl.List(pl.String)).alias("register_rule_ids"))
               .join(latest, on="school_code", how="left"))

    files = pl.DataFrame([
        (REGISTER_FILE, "a1", 1, "schools", 13, 12, 0, 1, 0, None, None, None, None, None, None),
        (ALLOC_FILE, "a2", 0, "dltv_allocation", 8, 8, 0, 0, 0, None, None, None, None, None, None),
        (FILE_2568, "a3", 2, "dltv_equipment", 8, 8, 0, 0, 0, None, None, None, None, None, None),
        (FILE_2569, "a4", 3, "dltv_equipment", 10, 5, 1, 3, 1, None, None, None, None, None, None),
        (FILE_RESUBMIT, "a5", 4, "dltv_equipment", 1, 1, 0, 0, 0, None, None, None, None, None, None),
        (FILE_BROKEN, "a6", 5, "dltv_equipment", 0, 0, 0, 0, 0, "missing_column",
         "ไม่พบคอลัมน์ที่ต้องมี: วันที่สำรวจ — แฟ้มนี้ไม่ถูกนำเข้า", "required column not found: survey_date",
         "Sheet1", 3, "วันที่สำรวจ"),
    ], schema={"source_file": pl.String, "sha256": pl.String, "arrival_seq": pl.Int64, "table_name": pl.String,
               "rows_in": pl.Int64, "valid": pl.Int64, "flagged": pl.Int64, "quarantined": pl.Int64,
               "superseded": pl.Int64, "error_kind": pl.String, "error_th": pl.String, "error_en": pl.String,
               "error_sheet": pl.String, "error_row": pl.Int64, "error_column": pl.String}, orient="row")
    files = files.with_columns(pl.lit(None, pl.String).alias("notes"), pl.when(pl.col("rows_in") > 0).then(
        100 * (pl.col("rows_in") - pl.col("quarantined")) / pl.col("rows_in")).alias("pass_rate"))

    failed = {("dltv_equipment", 2569): {"DLTV-02": 1, "DLTV-03": 1, "REF-01": 1, "DLTV-07": 1},
              ("schools", None): {"SCH-01": 1}}
    checked = {("dltv_equipment", 2568): 8, ("dltv_equipment", 2569): 11, ("schools", None): 13,
               ("dltv_allocation", 2567): 4, ("dltv_allocation", 2568): 4}
    results = []
    for (table, period), n in checked.items():
        for rule_id in get(table).rule_ids:
            rule = get(table).rule(rule_id)
            bad = failed.get((table, period), {}).get(rule_id, 0)
            results.append({"table_name": table, "period": period, "rule_id": rule_id, "severity": rule.severity,
                            "rule_th": rule.th, "rule_en": rule.en, "rows_checked": n, "rows_failed": bad,
                            "pass_rate": 100 * (n - bad) / n})
    rule_results = pl.DataFrame(results, schema_overrides={"period": pl.Int32})
    expectations = rule_results.select(
        "table_name", "period", "rule_id", pl.col("rule_id").str.replace("-", "_").alias("check_key"),
        pl.lit("expect_column_values_to_be_between").alias("expectation"), pl.lit("[]").alias("columns"),
        (pl.col("rows_failed") == 0).alias("success"), pl.col("rows_checked").alias("element_count"),
        pl.col("rows_failed").alias("unexpected_count"))
    by_school = quarantine_df.filter(pl.col("period").is_not_null()).join(
        schools.select("school_code", "school_name", "district"), on="school_code", how="left").select(
        "table_name", "period", "school_code", "school_name", "district", pl.lit(1).alias("rows"),
        pl.lit(1).alias("quarantined"), pl.lit(0).alias("flagged"), "rule_ids")

    return {
        "schools": schools, "dltv_allocation": allocation, "dltv_equipment": equipment,
        "quarantine": quarantine_df, "file_accounting": files, "quality_by_file": files,
        "rule_results": rule_results, "quality_by_rule": rule_results, "expectation_results": expectations,
        "school_profile": profile, "dltv_needs": needs, "dltv_unit_prices": prices,
        "allocation_vs_need": alloc_need, "coverage": coverage_df, "missing_submissions": pl.concat(missing),
        "quality_by_school": by_school,
    }


@pytest.fixture(scope="session")
def published_home(tmp_path_factory) -> Path:
    """A data root with one published warehouse version and a Data Docs index."""
    root = tmp_path_factory.mktemp("khlang_home")
    home = config.home(root)
    publish(home, build_tables(), run_id="dashboard-tests")
    docs = home.gx / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    docs.parent.mkdir(parents=True)
    docs.write_text("<html><body>Data Docs</body></html>", encoding="utf-8")
    return root


@pytest.fixture
def home(published_home) -> config.Home:
    """The data root every dashboard test reads. To test on the pipeline's demo district: `demo_home`."""
    root = published_home
    return root if isinstance(root, config.Home) else config.home(root)


@pytest.fixture
def empty_home(tmp_path) -> config.Home:
    """A data root where nothing has been published yet."""
    return config.home(tmp_path / "fresh")
