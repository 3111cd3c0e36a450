"""The four-area marts (contract 3.5 and 4) on a hand-made district: exact figures.

The published views the marts read (`schools`, the long views `admin_academic_grades`,
`admin_academic_onet_levels` and `admin_personnel_items`, and `admin_budget`, `admin_personnel`,
`admin_general`) are small Polars frames holding current rows, the contracts' list labels are registered
as the warehouse registers them (`views._reference`), and only the marts under test are defined
(`marts.define`). Three register schools in two districts, and a fourth that sent nothing:
- A (เมือง, 300 students): ป.1 and ป.2 counted, ม.1 blank; 12 teachers in post (exactly 25 students per
  teacher: not short); a year earlier 11 teachers (short), so its profile must take the later year.
- B (เมือง, 50 students): no teacher in post at all (short, though PER-03 has no ratio to judge).
- C (บ้านไผ่, 100 students): 3 teachers (33.3 per teacher, short); the only ม.3 O-NET scores.
- D (บ้านไผ่): in the register only; its profile row has no four-area figure.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from warehouse import marts, views
from warehouse.contracts import get, lists

A, B, C, D = "1010000001", "1010000002", "1010000003", "1010000004"
TOWN, OTHER = "เมือง", "บ้านไผ่"
GRADES = ("academic_year", "school_code", "item", "male", "female")
ONET = ("academic_year", "school_code", "item", "thai", "math", "science", "english")
BUDGET = ("fiscal_year", "school_code", "category", "received_baht", "spent_baht")
STAFF = ("academic_year", "school_code", "item", "actual", "vacant")
GENERAL = ("academic_year", "school_code", "buildings", "building_condition", "computers_teaching", "computers_admin",
           "internet", "internet_mbps", "electricity", "distance_km")


def frame(columns: tuple[str, ...], rows: list[tuple], **schema) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=list(columns), orient="row", schema_overrides=schema)


def current(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`columns` of `df`, a row per distinct value, as a published table holds its current rows: valid, no rule."""
    return df.select(columns).unique(maintain_order=True).with_columns(
        pl.lit("valid").alias("outcome"), pl.lit([], dtype=pl.List(pl.String)).alias("rule_ids"))


@pytest.fixture
def con():
    c = duckdb.connect()
    views._reference(c)  # _ref_lists: the contracts' list labels, as every warehouse connection has them
    c.register("schools", pl.DataFrame({
        "school_code": [A, B, C, D], "smis_code": ["1", "2", "3", "4"],
        "school_name": ["โรงเรียนเอ", "โรงเรียนบี", "โรงเรียนซี", "โรงเรียนดี"],
        "district": [TOWN, TOWN, OTHER, OTHER], "subdistrict": ["ก", "ก", "ข", "ข"], "province": ["ขอนแก่น"] * 4,
        "students_total": [300, 50, 100, 80], "size_class": ["กลาง", "เล็ก", "เล็ก", "เล็ก"],
        "is_dltv_school": [False, True, True, True], "dltv_eligible": [False, True, True, True],
        "lat": [16.4] * 4, "lon": [102.8] * 4, "outcome": ["valid"] * 4,
        "rule_ids": [[]] * 4}, schema_overrides={"rule_ids": pl.List(pl.String)}))
    grades = frame(GRADES, [
        (2568, A, "p1", 10, 12), (2568, A, "p2", 8, 9), (2568, A, "m1", None, None),
        (2568, B, "p1", 5, 4), (2568, B, "p2", None, None),
        (2568, C, "p1", 20, 18), (2568, C, "m1", 7, None),
        (2567, A, "p1", 1, 1),
    ], male=pl.Int64, female=pl.Int64)
    c.register("admin_academic_grades", grades)
    c.register("admin_academic_onet_levels", frame(ONET, [
        (2568, A, "p6", 50.0, 40.0, None, 30.0), (2568, A, "m3", None, None, None, None),
        (2568, B, "p6", 60.0, 20.0, 45.0, None), (2568, B, "m3", None, None, None, None),
        (2568, C, "p6", 40.0, 30.0, 35.0, 33.0), (2568, C, "m3", 25.0, None, None, None),
    ], thai=pl.Float64, math=pl.Float64, science=pl.Float64, english=pl.Float64))
    c.register("admin_budget", frame(BUDGET, [
        (2568, A, "per_head", 100_000.0, 80_000.0), (2568, A, "textbooks", 10_000.0, 10_000.0),
        (2568, B, "per_head", 50_000.0, 20_000.0),
        (2568, C, "per_head", 40_000.0, 40_000.0), (2568, C, "other", 0.0, 0.0),
    ]))
    staff = frame(STAFF, [
        (2568, A, "director", 1, 1), (2568, A, "teacher", 10, 1), (2568, A, "contract_teacher", 2, None),
        (2568, B, "director", 1, None), (2568, B, "teacher", 0, 2), (2568, B, "contract_teacher", None, None),
        (2568, C, "teacher", 3, None), (2568, C, "contract_teacher", None, None), (2568, C, "staff", 1, 3),
        (2567, A, "teacher", 11, 0),
    ], actual=pl.Int64, vacant=pl.Int64)
    c.register("admin_personnel_items", staff)
    c.register("admin_personnel", current(staff, ["academic_year", "school_code"]))
    general = frame(GENERAL, [
        (2568, A, 3, "ดี", 20, 5, True, 100.0, True, 0.0),
        (2568, B, 1, "ทรุดโทรม", 2, None, False, None, False, 12.0),
        (2568, C, 2, "พอใช้", 10, 2, True, 30.0, True, 40.0),
    ], computers_admin=pl.Int64)
    c.register("admin_general", current(general, list(GENERAL)))
    # the other surveys school_profile reads, without a row: this district sent no DLTV or DLIT survey
    c.execute("CREATE VIEW dltv_equipment AS SELECT NULL::INTEGER AS fiscal_year, NULL::VARCHAR AS school_code, "
              "NULL::DATE AS survey_date, NULL::BIGINT AS dltv_classrooms, NULL::VARCHAR AS outcome WHERE false")
    c.execute("CREATE VIEW dltv_equipment_items AS SELECT NULL::VARCHAR AS school_code, NULL::INTEGER AS fiscal_year, "
              "NULL::BIGINT AS request_replace, NULL::BIGINT AS request_repair WHERE false")
    services = ", ".join(f"NULL::BOOLEAN AS {s}" for s in
                         ("uses_classroom", "uses_resources", "uses_library", "uses_assessment", "uses_plc"))
    c.execute("CREATE VIEW dlit_usage AS SELECT NULL::INTEGER AS academic_year, NULL::INTEGER AS semester, "
              "NULL::VARCHAR AS school_code, NULL::BIGINT AS teachers_total, NULL::BIGINT AS teachers_using, "
              f"{services}, "
              "NULL::DOUBLE AS hours_per_week, NULL::DOUBLE AS internet_mbps WHERE false")
    marts.define(c, ["students_by_grade", "onet_by_school", "budget_by_category", "infrastructure_by_district",
                     "school_profile"])
    yield c
    c.close()


def test_students_by_grade_district_and_sex(con):
    got = marts.build(con, "students_by_grade")
    shown = ("academic_year", "district", "grade", "grade_th", "schools", "male", "female", "total")
    assert got.select(shown).rows() == [
        (2567, TOWN, "p1", "ป.1", 1, 1, 1, 2),
        (2568, OTHER, "p1", "ป.1", 1, 20, 18, 38),
        (2568, OTHER, "m1", "ม.1", 1, 7, 0, 7),  # a blank girls' cell counts none
        (2568, TOWN, "p1", "ป.1", 2, 15, 16, 31),
        (2568, TOWN, "p2", "ป.2", 1, 8, 9, 17),  # B left ป.2 blank: not one of its schools
    ]
    assert got["grade_order"].to_list() == [4, 4, 10, 4, 5]  # the contract's place of the grade


def test_onet_district_means_beside_the_area_mean(con):
    got = marts.build(con, "onet_by_subject")
    rows = {(r["level"], r["subject"], r["district"]): r for r in got.iter_rows(named=True)}
    thai = rows[("p6", "thai", TOWN)]
    assert (thai["level_th"], thai["subject_th"]) == ("O-NET ป.6", "ภาษาไทย")
    assert (thai["schools"], thai["mean_score"], thai["area_schools"], thai["area_mean"], thai["diff_from_area"]) \
        == (2, 55.0, 3, 50.0, 5.0)
    assert rows[("p6", "thai", OTHER)]["diff_from_area"] == -10.0
    science = rows[("p6", "science", TOWN)]  # A left science blank: B alone
    assert (science["schools"], science["mean_score"], science["area_schools"], science["area_mean"]) \
        == (1, 45.0, 2, 40.0)
    english = rows[("p6", "english", OTHER)]
    assert (english["area_mean"], english["diff_from_area"]) == (31.5, 1.5)
    assert rows[("m3", "thai", OTHER)]["area_schools"] == 1
    assert len(rows) == 8 + 1  # four subjects in two districts of ป.6; ม.3 only C's Thai (blank scores left out)
    order = [(r[0], r[1]) for r in got.select("level", "subject").unique(maintain_order=True).rows()]
    assert order == [("p6", "thai"), ("p6", "math"), ("p6", "science"), ("p6", "english"), ("m3", "thai")]


def test_onet_each_school_against_its_district_and_the_area(con):
    got = marts.build(con, "onet_by_school")
    assert got.height == 3 + 3 + 2 + 2 + 1
    a = got.filter(school_code=A, level="p6", subject="thai").row(0, named=True)
    assert (a["score"], a["district_mean"], a["diff_from_district"], a["area_mean"], a["diff_from_area"]) \
        == (50.0, 55.0, -5.0, 50.0, 0.0)
    assert (a["school_name"], a["district"], a["level_th"]) == ("โรงเรียนเอ", TOWN, "O-NET ป.6")
    c = got.filter(school_code=C, subject="english").row(0, named=True)
    assert (c["diff_from_district"], c["diff_from_area"]) == (0.0, 1.5)


def test_budget_received_spent_and_share_per_category(con):
    got = marts.build(con, "budget_by_category")
    assert got.select("fiscal_year", "district", "category", "category_th", "schools", "received_baht",
                      "spent_baht", "spent_pct").rows() == [
        (2568, OTHER, "per_head", "เงินอุดหนุนรายหัว", 1, 40_000.0, 40_000.0, 100.0),
        (2568, OTHER, "other", "อื่น ๆ", 1, 0.0, 0.0, None),  # nothing received: no share
        (2568, TOWN, "per_head", "เงินอุดหนุนรายหัว", 2, 150_000.0, 100_000.0, 66.7),
        (2568, TOWN, "textbooks", "ค่าหนังสือเรียน", 1, 10_000.0, 10_000.0, 100.0),
    ]


def test_teacher_shortage_as_per_03_counts_it(con):
    rule = get("admin_personnel").rule("PER-03").expectations[0]
    assert (rule["column"], rule["max_value"]) == ("students_per_teacher", 25)  # the threshold the mart uses
    got = marts.build(con, "teacher_shortage")
    assert got.select("academic_year", "school_code", "district", "students_total", "teachers", "students_per_teacher",
                      "teacher_vacancies", "vacancies", "staff_in_post", "shortage").rows() == [
        (2567, A, TOWN, 300, 11, 27.3, 0, 0, 11, True),
        (2568, C, OTHER, 100, 3, 33.3, 0, 3, 4, True),
        (2568, A, TOWN, 300, 12, 25.0, 1, 2, 13, False),  # exactly 25 passes PER-03
        (2568, B, TOWN, 50, 0, None, 2, 2, 1, True),  # students and no teacher in post
    ]


def test_infrastructure_per_school_and_district(con):
    school = marts.build(con, "infrastructure").filter(school_code=B).row(0, named=True)
    assert (school["computers"], school["building_condition_en"], school["internet"], school["district"]) \
        == (2, "poor", False, TOWN)
    got = marts.build(con, "infrastructure_by_district")
    town = got.filter(district=TOWN).row(0, named=True)
    assert {k: town[k] for k in ("schools", "schools_internet", "internet_pct", "mean_internet_mbps",
                                 "schools_no_electricity", "computers_teaching", "computers_admin",
                                 "students_per_computer", "buildings", "schools_good", "schools_fair", "schools_poor",
                                 "mean_distance_km")} == {
        "schools": 2, "schools_internet": 1, "internet_pct": 50.0, "mean_internet_mbps": 100.0,
        "schools_no_electricity": 1, "computers_teaching": 22, "computers_admin": 5,
        "students_per_computer": 15.9, "buildings": 4, "schools_good": 1, "schools_fair": 0, "schools_poor": 1,
        "mean_distance_km": 6.0}
    other = got.filter(district=OTHER).row(0, named=True)
    assert (other["schools_fair"], other["internet_pct"], other["students_per_computer"]) == (1, 100.0, 10.0)
    # the condition columns are the contract's three conditions, in its order
    assert [i.en for i in lists()["building_conditions"]] == ["good", "fair", "poor"]
    assert [i.key for i in lists()["building_conditions"]] == ["ดี", "พอใช้", "ทรุดโทรม"]


def test_school_profile_takes_each_schools_latest_four_area_figures(con):
    got = marts.build(con, "school_profile")
    assert got["school_code"].to_list() == [A, B, C, D]  # one row per register school
    cols = ["admin_academic_year", "admin_students_counted", "admin_personnel_year", "admin_teachers",
            "admin_students_per_teacher", "admin_teacher_shortage", "admin_general_year", "admin_internet",
            "admin_internet_mbps", "admin_computers_teaching", "admin_computers_admin", "admin_buildings",
            "admin_building_condition"]
    assert got.select(cols).rows() == [
        (2568, 39, 2568, 12, 25.0, False, 2568, True, 100.0, 20, 5, 3, "ดี"),
        (2568, 9, 2568, 0, None, True, 2568, False, None, 2, None, 1, "ทรุดโทรม"),
        (2568, 45, 2568, 3, 33.3, True, 2568, True, 30.0, 10, 2, 2, "พอใช้"),
        (None,) * len(cols),
    ]
