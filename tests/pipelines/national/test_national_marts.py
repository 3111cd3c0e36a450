"""pipelines/national/marts.py's reduce: per-office aggregates rolled up by warehouse/national/*.sql.

The per-office frames here have the shape `office_aggregates` returns; the cluster test
(test_national_cluster.py) checks the same sums on offices' real published versions.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.national.marts import read, reduce, write
from pipelines.office import offices


def _part(code: str, scale: int, price: bool = True) -> dict:
    coverage = pl.DataFrame({"rule_id": ["COV-01"], "survey": ["dltv_equipment"], "survey_th": ["แบบสำรวจ"],
                             "period": [2569], "part": pl.Series([None], dtype=pl.String),
                             "population": [100 * scale], "submitted": [90 * scale], "missing": [10 * scale],
                             "rejected": [4 * scale], "not_sent": [6 * scale]})
    needs = pl.DataFrame({"fiscal_year": [2569, 2569], "item": ["dish", "tv"], "item_th": ["จาน", "ทีวี"],
                          "item_en": ["Dish", "TV"], "schools": [10 * scale, 5], "total": [20, 10],
                          "working": [15, 8], "broken": [5, 2], "request_replace": [3 * scale, 1],
                          "request_repair": [2, 1],
                          "est_cost_baht": [2500.0 * 3 * scale, 9000.0 if price else None]})
    use = pl.DataFrame({"month": [dt.date(2025, 10, 1)], "fiscal_year": [2569], "platform": ["DLTV"],
                        "user_type": ["student"], "schools": [7 * scale], "active_user_days": [1000 * scale],
                        "sessions": [1500 * scale], "media_views": [9], "downloads": [1]})
    return {"office": {"office_code": code, "version": "v0001", "published_at": "2026-12-01T00:00:00+00:00"},
            "coverage": coverage, "dltv_needs": needs, "platform_use": use}


def test_rollups_sum_offices_by_province_and_region(tmp_path):
    # two offices of Khon Kaen, one of Chiang Mai (north), one without platform tables
    parts = [_part("4001", 1), _part("4002", 2, price=False), _part("5001", 3)]
    parts.append({**_part("9001", 4), "platform_use": None})
    r = reduce(parts)
    t = r.tables
    nat = t["coverage_national"].row(0, named=True)
    assert (nat["offices"], nat["population"], nat["submitted"]) == (4, 1000, 900)
    assert nat["coverage_pct"] == 90.0
    prov = {row["province"]: row for row in t["coverage_by_province"].iter_rows(named=True)}
    assert prov["ขอนแก่น"]["offices"] == 2 and prov["ขอนแก่น"]["population"] == 300
    assert prov["ขอนแก่น"]["province_en"] == "Khon Kaen" and prov["ขอนแก่น"]["region_th"] == "ภาคตะวันออกเฉียงเหนือ"
    regions = {row["region"]: row for row in t["coverage_by_region"].iter_rows(named=True)}
    assert set(regions) == {"northeast", "north", "south"} and regions["north"]["region_en"] == "North"
    # every level adds up to the country, and each office sits where _offices.yaml puts it
    for mart, col in (("coverage", "population"), ("dltv_needs", "request_replace"), ("platform_use", "sessions")):
        total = t[f"{mart}_national"][col].sum()
        assert t[f"{mart}_by_province"][col].sum() == t[f"{mart}_by_region"][col].sum() == total
        assert t[f"{mart}_by_office"][col].sum() == total
    for row in t["offices"].iter_rows(named=True):
        o = offices()[row["office_code"]]
        assert (row["province"], row["region"], row["region_en"]) == (o.province, o.region, o.region_en)
    # cost: summed where priced; an item no office priced would be NULL; priced_offices counts them
    tv = t["dltv_needs_national"].filter(pl.col("item") == "tv").row(0, named=True)
    assert tv["est_cost_baht"] == 9000.0 * 3 and tv["priced_offices"] == 3 and tv["offices"] == 4
    dish = t["dltv_needs_national"].filter(pl.col("item") == "dish").row(0, named=True)
    assert dish["est_cost_baht"] == 2500.0 * 3 * (1 + 2 + 3 + 4)
    assert t["platform_use_national"].row(0, named=True)["offices"] == 3

    written = write(tmp_path, r)
    assert written["coverage_national"] == 1
    back = read(tmp_path, "dltv_needs_by_province")
    assert back.sort("province", "item").equals(t["dltv_needs_by_province"].sort("province", "item"))
