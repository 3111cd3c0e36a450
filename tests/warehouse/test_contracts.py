"""The contract loader's shared features the four-area workbook needs: several item groups in one table
(`$GROUP` in a rule, `SUM_OF` in a derive, one long view per group), the personal-data keys, and what a
public column is."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from warehouse import views
from warehouse.contracts import contracts, lists


def test_group_rules_and_sums_name_every_column_of_their_group():
    c = contracts()["admin_academic"]
    grades = [f"{g.key}_{s.key}" for g in lists()["grades"] for s in lists()["sexes"]]
    acad01 = [e["column"] for chk in c.checks if chk.rule_id == "ACAD-01" for e in chk.expectations]
    assert acad01 == grades
    acad03 = [e["column"] for chk in c.checks if chk.rule_id == "ACAD-03" for e in chk.expectations]
    assert acad03 == [f"onet_{lv.key}_{s.key}" for lv in lists()["onet_levels"] for s in lists()["onet_subjects"]]
    summed = c.derive["students_counted"]
    assert all(f"coalesce({g}, 0)" in summed for g in grades) and "onet" not in summed
    frame = pl.DataFrame({g: [1, None] for g in grades}).sql(f"SELECT {summed} AS n FROM self")
    assert frame["n"].to_list() == [30, 0], "a blank grade counts as none"


def test_one_long_view_per_item_group():
    assert views.item_views(contracts()["dltv_equipment"]) == {"dltv_equipment_items": "dltv_items"}
    assert views.item_views(contracts()["admin_academic"]) == {
        "admin_academic_grades": "grades", "admin_academic_onet_levels": "onet_levels"}
    con = duckdb.connect()
    c = contracts()["admin_academic"]
    row = {col.name: 1 for col in c.columns} | {"academic_year": 2568, "school_code": "1010000001",
                                                 "school_name": "โรงเรียนบ้านนา", "outcome": "valid"}
    con.register("admin_academic", pl.DataFrame([row]))
    views._items_long(con, c)
    grades = con.execute("SELECT item, male, female FROM admin_academic_grades").fetchall()
    assert [g for g, *_ in grades] == [g.key for g in lists()["grades"]] and grades[0][1:] == (1, 1)
    onet = con.execute("SELECT * FROM admin_academic_onet_levels").pl()
    assert onet.height == 2 and {"thai", "math", "science", "english"} <= set(onet.columns)


def test_names_and_ids_are_never_public_columns():
    staff = contracts()["admin_staff"]
    assert staff.landing_only == ("full_name",) and staff.check_before_hashing == {"citizen_id": "th_pin"}
    assert {c.name for c in staff.public_columns} == {"academic_year", "school_code", "position"}


def test_a_check_before_hashing_needs_a_hashed_column():
    from warehouse import contracts as module

    bad = {"table": "x", "pseudonymise": [], "check_before_hashing": {"citizen_id": "th_pin"}}
    with pytest.raises(ValueError, match="check_before_hashing"):
        module._identifier_checks(bad)
