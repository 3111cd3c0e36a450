"""Boundaries shipped with the dashboards, and which schools can be put on the map.

The office's machines reach no map server (no tiles, no CDN), so the map page draws on
`thailand.geo.json` in this folder: Thailand's outline and its neighbours from Natural Earth, made by
`build_outline.py` (README.md says how, and under which licence). Nothing is fetched at run time.

A school is drawn only where its coordinates can be trusted: a school without coordinates, or whose
coordinates fail SCH-05 (outside Thailand's box in the contract: often latitude and longitude swapped,
or a decimal point lost), is listed under the map instead of being drawn at a wrong place.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import polars as pl

from warehouse.contracts import all_rules

OUTLINE = Path(__file__).with_name("thailand.geo.json")
THAILAND, NEIGHBOUR = "thailand", "neighbour"  # the features' `role`
COORDINATE_RULE = "SCH-05"
# Why a school is not drawn (the `off_map` column; None = drawn).
NO_COORDINATES, OUTSIDE_THAILAND = "no_coordinates", "outside_thailand"


@cache
def outline() -> dict:
    """The shipped FeatureCollection: neighbours first, then Thailand (drawn on top)."""
    return json.loads(OUTLINE.read_text(encoding="utf-8"))


def features(role: str) -> list[dict]:
    """The outline's features of one role (THAILAND or NEIGHBOUR)."""
    return [f for f in outline()["features"] if f["properties"]["role"] == role]


@cache
def features_json(role: str) -> str:
    """`features(role)` as one JSON text: a chart carries it as a string, which Altair neither walks nor
    deep-copies at each layer and configure step (as a nested list it cost ~1.5 s per page run)."""
    return json.dumps(features(role), ensure_ascii=False, separators=(",", ":"))


@cache
def thailand_box() -> dict[str, tuple[float, float]]:
    """{"lat": (min, max), "lon": (min, max)}: the box SCH-05 checks, read from the contract itself."""
    box = {}
    for e in all_rules()[COORDINATE_RULE].expectations:
        box[e["column"]] = (float(e["min_value"]), float(e["max_value"]))
    return box


def placed(schools: pl.DataFrame) -> pl.DataFrame:
    """`schools` (lat, lon, register_rule_ids) with `off_map`: None where the school can be drawn,
    else NO_COORDINATES (either one missing) or OUTSIDE_THAILAND (flagged SCH-05, or outside the
    contract's box: a register published before the rule still gets the same answer)."""
    (lat0, lat1), (lon0, lon1) = thailand_box()["lat"], thailand_box()["lon"]
    lat, lon = pl.col("lat").cast(pl.Float64), pl.col("lon").cast(pl.Float64)
    flagged = pl.col("register_rule_ids").list.contains(COORDINATE_RULE).fill_null(False)
    return schools.with_columns(
        pl.when(lat.is_null() | lon.is_null() | lat.is_nan() | lon.is_nan())
        .then(pl.lit(NO_COORDINATES))
        .when(flagged | ~lat.is_between(lat0, lat1) | ~lon.is_between(lon0, lon1))
        .then(pl.lit(OUTSIDE_THAILAND))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("off_map")
    )


def extent(points: pl.DataFrame, pad: float = 0.12, least: float = 0.1) -> tuple[float, float, float, float]:
    """(lon min, lat min, lon max, lat max) around the drawn schools, padded by `pad` of each side and
    at least `least` degrees wide, so one school or a row of them still gets a readable frame. With no
    school drawn, the whole of Thailand's box."""
    if points.height == 0:
        (lat0, lat1), (lon0, lon1) = thailand_box()["lat"], thailand_box()["lon"]
        return lon0, lat0, lon1, lat1
    lon0, lon1 = points["lon"].min(), points["lon"].max()
    lat0, lat1 = points["lat"].min(), points["lat"].max()
    dx = max((lon1 - lon0) * pad, (least - (lon1 - lon0)) / 2, 0)
    dy = max((lat1 - lat0) * pad, (least - (lat1 - lat0)) / 2, 0)
    return lon0 - dx, lat0 - dy, lon1 + dx, lat1 + dy
