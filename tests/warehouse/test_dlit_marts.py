"""The DLIT adoption mart (contract 3.3 and 4) on a hand-made district: exact figures.

`schools` and `dlit_usage` are small Polars frames as the published views hold them (current rows:
valid and flagged), and only `dlit_adoption` is defined (`marts.define`). Two districts; in 2568/1 school
A uses Classroom and Library, B (same district) uses nothing with no teacher using DLIT, C (another
district) ticks every service; in 2568/2 only A reports.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from warehouse import marts

A, B, C = "1010000001", "1010000002", "1010000003"


@pytest.fixture
def con():
    c = duckdb.connect()
    c.register("schools", pl.DataFrame({"school_code": [A, B, C], "district": ["เมือง", "เมือง", "บ้านไผ่"]}))
    services = ("uses_classroom", "uses_resources", "uses_library", "uses_assessment", "uses_plc")
    rows = [  # (year, semester, school, teachers, using, ticks, hours, mbps, devices, satisfaction)
        (2568, 1, A, 10, 8, (1, 0, 1, 0, 0), 6.0, 50.0, 20, 4),
        (2568, 1, B, 5, 0, (0, 0, 0, 0, 0), 0.0, 10.0, 0, 2),
        (2568, 1, C, 20, 5, (1, 1, 1, 1, 1), 3.0, 100.0, 40, 5),
        (2568, 2, A, 10, 10, (1, 1, 1, 0, 0), 8.0, 50.0, 25, 5),
    ]
    c.register("dlit_usage", pl.DataFrame(
        [{"academic_year": y, "semester": s, "school_code": k, "teachers_total": t, "teachers_using": u,
          **{name: bool(v) for name, v in zip(services, ticks)}, "hours_per_week": h, "internet_mbps": m,
          "student_devices": d, "satisfaction": sat} for y, s, k, t, u, ticks, h, m, d, sat in rows]))
    marts.define(c, ["dlit_adoption"])
    yield c
    c.close()


def test_adoption_per_semester_and_district(con):
    got = marts.build(con, "dlit_adoption")
    assert got.select("academic_year", "semester", "district").rows() == [
        (2568, 1, "บ้านไผ่"), (2568, 1, "เมือง"), (2568, 2, "เมือง")]
    town = got.filter(semester=1, district="เมือง").row(0, named=True)
    assert (town["schools_reporting"], town["teachers_total"], town["teachers_using"]) == (2, 15, 8)
    assert town["teachers_using_pct"] == pytest.approx(53.3)
    assert (town["schools_using"], town["schools_classroom"], town["schools_library"], town["schools_plc"]) == (1, 1, 1, 0)
    assert (town["mean_hours_per_week"], town["mean_internet_mbps"], town["student_devices"], town["mean_satisfaction"]) \
        == (3.0, 30.0, 20, 3.0)
    other = got.filter(semester=1, district="บ้านไผ่").row(0, named=True)
    assert [other[f"schools_{s}"] for s in ("classroom", "resources", "library", "assessment", "plc")] == [1] * 5
    later = got.filter(semester=2).row(0, named=True)
    assert (later["schools_reporting"], later["teachers_using_pct"]) == (1, 100.0)
