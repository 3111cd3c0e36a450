"""The school map page (dashboards/app_pages/map.py) against the real test warehouse.

AppTest runs the page file itself (the lead registers it in app.py); the figures' values are checked
against the marts with plain SQL, and the browser test opens the page in Debian's headless Chromium
through a throwaway entry script that registers only this page, as app.py would.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import fmt, geo, map_chart
from dashboards import labels as L
from dashboards.map_figures import BAHT, FIGURES, values
from pipelines import config
from tests.browser import launch_chromium, offline_context
from tests.dashboards.login import log_in, log_in_browser
from tests.dashboards.test_browser import docs_url, server  # noqa: F401  (fixtures: the app on a free port)

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "dashboards" / "app_pages" / "map.py"
COV = next(f for f in FIGURES if f.column == "status")
COST = next(f for f in FIGURES if f.kind == BAHT)


def sql(home: config.Home, query: str, *params) -> list[tuple]:
    with duckdb.connect(str(home.duckdb_path), read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


def open_map(monkeypatch, home: config.Home) -> AppTest:
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=60))
    assert not at.exception, [e.value for e in at.exception]
    return at


def layers(at: AppTest) -> list[dict]:
    """Every single-view layer of the page's one map chart (locator and district panels)."""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    return [layer for panel in spec["hconcat"] for layer in panel["layer"]]


def rows(at: AppTest, layer: dict) -> list[dict]:
    """A layer's data rows: inline values, or the named dataset Streamlit sent beside the spec."""
    data = layer.get("data", {})
    if "values" in data:  # the outline travels as JSON text
        return json.loads(data["values"]) if isinstance(data["values"], str) else data["values"]
    for ds in at.get("vega_lite_chart")[0].proto.datasets:
        if ds.name == data.get("name"):
            return pl.read_ipc_stream(BytesIO(ds.data.data)).to_dicts()
    raise AssertionError(f"no data for layer {layer.get('mark')}")


def mark(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def drawn_schools(at: AppTest) -> list[dict]:
    """The school circles of the district panel (with a value, and the hollow no-data ones)."""
    return [r for layer in layers(at) if mark(layer) in ("circle", "point") and "tooltip" in layer.get("encoding", {})
            for r in rows(at, layer)]


def test_every_figure_draws_over_the_outline_with_thai_tooltips(monkeypatch, home):
    at = open_map(monkeypatch, home)
    assert at.title[0].value == L.PAGE_MAP[0]
    off = {r[0] for r in sql(home, "SELECT school_code FROM school_profile WHERE lat IS NULL OR lon IS NULL "
                                   "OR list_contains(register_rule_ids, 'SCH-05')")}
    register = sql(home, "SELECT count(*) FROM school_profile")[0][0]
    for figure in FIGURES:
        at.selectbox(key="map_figure").set_value(figure).run()
        assert not at.exception, (figure.label, [e.value for e in at.exception])
        shapes = [layer for layer in layers(at) if mark(layer) == "geoshape"]
        names = {f["properties"].get("name") for layer in shapes for f in rows(at, layer)}
        assert {"Thailand", "Laos", "Cambodia", "Myanmar"} <= names, figure.label
        drawn = drawn_schools(at)
        assert len(drawn) == register - len(off) and not off & {r["school_code"] for r in drawn}, figure.label
        tips = [t["title"] for layer in layers(at) for t in layer.get("encoding", {}).get("tooltip", [])]
        assert L.column("schools", "school_name") in tips and figure.label in tips
        if figure.periods:
            latest = sql(home, figure.periods)[0][0]
            assert at.selectbox(key=f"map_period_{figure.periods}").value == latest


def test_coverage_colours_match_the_coverage_mart(monkeypatch, home):
    """The COV-01 status of every school, drawn or listed, adds up to the coverage row of the year."""
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    period, population, submitted, rejected, not_sent = sql(
        home, "SELECT period, population, submitted, rejected, not_sent FROM coverage WHERE rule_id = 'COV-01' "
              "ORDER BY period DESC LIMIT 1")[0]
    got = values(COV, period)["value"].value_counts()
    counts = dict(zip(got["value"], got["count"], strict=True))
    assert counts.get("submitted", 0) == submitted and counts.get("rejected", 0) == rejected
    assert counts.get("not_sent", 0) == not_sent and population == submitted + rejected + not_sent
    assert set(counts) <= {c.value for c in COV.categories}


def test_school_costs_add_up_to_dltv_needs(monkeypatch, home):
    monkeypatch.setenv(config.ENV_HOME, str(home.root))
    for (year,) in sql(home, "SELECT DISTINCT fiscal_year FROM dltv_needs"):
        need = sql(home, "SELECT sum(est_cost_baht) FROM dltv_needs WHERE fiscal_year = ?", year)[0][0]
        assert values(COST, year)["value"].sum() == pytest.approx(float(need)), year


def test_schools_off_the_map_are_listed_with_the_reason(monkeypatch, home):
    at = open_map(monkeypatch, home)
    expected = sql(home, "SELECT school_code, school_name FROM school_profile WHERE lat IS NULL OR lon IS NULL "
                         "OR list_contains(register_rule_ids, 'SCH-05') ORDER BY district, school_code")
    assert expected, "the test district has schools with coordinates outside Thailand"
    listed = at.dataframe[0].value
    assert list(zip(listed["school_code"], listed["school_name"], strict=True)) == expected
    assert set(listed["off_map"]) <= set(L.OFF_MAP_REASONS.values())
    register = sql(home, "SELECT count(*) FROM school_profile")[0][0]
    drawn = L.MAP_DRAWN.format(drawn=fmt.number(register - len(expected)), off=fmt.number(len(expected)))
    assert drawn in [c.value for c in at.caption]


def test_where_a_school_can_be_drawn():
    """No coordinates, a swapped pair, a lost decimal point and an SCH-05 flag keep a school off the map."""
    schools = pl.DataFrame({
        "school_code": ["ok", "no_lat", "nan", "swapped", "decimal", "flagged", "edge"],
        "lat": [16.43, None, float("nan"), 102.8, 16.5, 16.4, 20.5],
        "lon": [102.83, 102.8, 102.8, 16.43, 1025.0, 102.8, 97.3],
        "register_rule_ids": [[], None, [], [], ["SCH-05"], ["SCH-05"], None],
    })
    got = dict(geo.placed(schools).select("school_code", "off_map").iter_rows())
    assert got == {"ok": None, "no_lat": geo.NO_COORDINATES, "nan": geo.NO_COORDINATES,
                   "swapped": geo.OUTSIDE_THAILAND, "decimal": geo.OUTSIDE_THAILAND,
                   "flagged": geo.OUTSIDE_THAILAND, "edge": None}


def test_shipped_outline_is_small_and_is_thailand():
    assert geo.OUTLINE.stat().st_size < 200_000
    (thailand,) = geo.features(geo.THAILAND)
    points = [p for polygon in thailand["geometry"]["coordinates"] for r in polygon for p in r]
    (lat0, lat1), (lon0, lon1) = geo.thailand_box()["lat"], geo.thailand_box()["lon"]
    assert all(lon0 <= lon <= lon1 and lat0 <= lat <= lat1 for lon, lat in points)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    assert min(lats) < 6 and max(lats) > 20 and min(lons) < 98 and max(lons) > 105  # the whole country
    assert all(r[0] == r[-1] and len(r) >= 4 for polygon in thailand["geometry"]["coordinates"] for r in polygon)


def test_page_before_anything_is_published(monkeypatch, empty_home):
    monkeypatch.setenv(config.ENV_HOME, str(empty_home.root))
    at = log_in(AppTest.from_file(str(PAGE), default_timeout=30))
    assert not at.exception and at.info[0].value == L.NOT_PUBLISHED
    assert not at.get("vega_lite_chart")


# ---------------------------------------------------------------- in a real browser
def colour_share(png: bytes, hex_colour: str, tolerance: int = 6) -> float:
    """Share of a screenshot's pixels within `tolerance` of a colour on each channel."""
    from PIL import Image

    want = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    img = Image.open(BytesIO(png)).convert("RGB")
    near = sum(n for n, rgb in img.getcolors(img.width * img.height)
               if all(abs(a - b) <= tolerance for a, b in zip(rgb, want, strict=True)))
    return near / (img.width * img.height)


@pytest.mark.browser
def test_map_in_chromium_draws_offline_in_thai(server):  # noqa: F811 (the imported fixture)
    from playwright.sync_api import sync_playwright

    from tests.dashboards.test_browser import SHOTS, fonts_rendering, thai_font_families

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            context = offline_context(browser, outside)
            page = context.new_page()
            log_in_browser(page, f"{server}/map")
            page.get_by_role("heading", name=L.PAGE_MAP[0], exact=True).wait_for(timeout=60_000)
            chart = page.locator('[data-testid="stVegaLiteChart"]').first
            chart.locator("canvas, svg").first.wait_for(state="visible", timeout=60_000)
            page.get_by_text(L.H_OFF_MAP).first.wait_for(timeout=30_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                   timeout=60_000)
            page.wait_for_timeout(1000)
            assert page.locator('[data-testid="stException"]').count() == 0
            shot = chart.screenshot()
            SHOTS.mkdir(parents=True, exist_ok=True)
            (SHOTS / "dashboards_11_map.png").write_bytes(shot)
            # Thailand's land colour fills much of both panels, and the school circles are drawn on it
            assert colour_share(shot, map_chart.LAND) > 0.15
            assert colour_share(shot, map_chart.NEIGHBOUR_LAND) > 0.005
            used = fonts_rendering(page, L.PAGE_MAP[0])
            thai = {name: n for name, n in used.items() if name in thai_font_families()}
            assert thai and sum(thai.values()) >= len(L.PAGE_MAP[0]) - 2, f"Thai drawn with {used}"
        finally:
            browser.close()
    assert outside == [], f"requests left the machine: {outside}"
