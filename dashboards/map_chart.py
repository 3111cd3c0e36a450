"""The school map: Altair (Vega-Lite) geoshapes and circles, drawn in the browser with no tiles.

Two panels side by side, both Mercator: a locator of the whole of Thailand (the shipped outline, its
neighbours grey, every school a dot and a frame around the district), and the district itself, fitted
to the schools, each school a circle coloured by the chosen figure. District names sit at the middle
of their schools, since no district boundaries are shipped. The outline travels inside the chart's
spec (about 75 KB, twice), so the browser asks nothing of anyone.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboards import charts, geo
from dashboards import labels as L
from dashboards.map_figures import CATEGORY, NUMBER, Figure

LAND, NEIGHBOUR_LAND, BORDER = "#f3efe4", "#e4e4e4", "#8c8c8c"
DETAIL = (760, 620)  # width, height in px
LOCATOR = (250, 470)
POINT_SIZE = 90


def _fit(lon0: float, lat0: float, lon1: float, lat1: float) -> dict:
    """A GeoJSON feature for `projection.fit`: two corners (points, so no ring winding to get wrong)."""
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "MultiPoint", "coordinates": [[lon0, lat0], [lon1, lat1]]}}


def _frame(lon0: float, lat0: float, lon1: float, lat1: float) -> dict:
    """The district's frame on the locator, as a closed line (a line has no inside to get wrong)."""
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": ring}}


def outline_data(role: str) -> alt.Data:
    """The shipped features of one role, inline as JSON text (Vega parses it in the browser)."""
    return alt.Data(values=geo.features_json(role), format=alt.DataFormat(type="json"))


def _land() -> list[alt.Chart]:
    """Neighbours (grey) then Thailand, cut to the panel's frame."""
    return [
        alt.Chart(outline_data(geo.NEIGHBOUR))
        .mark_geoshape(fill=NEIGHBOUR_LAND, stroke="#b5b5b5", strokeWidth=0.6, clip=True),
        alt.Chart(outline_data(geo.THAILAND)).mark_geoshape(fill=LAND, stroke=BORDER, strokeWidth=1, clip=True),
    ]


def _tooltip(figure: Figure) -> list[alt.Tooltip]:
    return [
        alt.Tooltip("school_name:N", title=L.column("schools", "school_name")),
        alt.Tooltip("school_code:N", title=L.column("schools", "school_code")),
        alt.Tooltip("district:N", title=L.column("schools", "district")),
        alt.Tooltip("subdistrict:N", title=L.column("schools", "subdistrict")),
        alt.Tooltip("value_th:N", title=figure.label),
    ]


def _colour(figure: Figure, values: pl.DataFrame) -> alt.Color:
    legend = alt.Legend(orient="bottom", direction="horizontal", titleLimit=700, labelLimit=300)
    if figure.kind == CATEGORY:
        cats = list(figure.categories)
        known = {c.value for c in cats}
        # a value the figure does not list (a new status in a newer warehouse) still gets a grey dot
        extra = sorted(set(values["value"].drop_nulls().to_list()) - known)
        domain = [c.label for c in cats] + extra
        return alt.Color("value_th:N", title=figure.label, legend=legend,
                         scale=alt.Scale(domain=domain, range=[c.colour for c in cats] + ["#7f8c8d"] * len(extra)))
    fmt_ = ",.1f" if figure.kind == NUMBER else charts.NUM
    return alt.Color("value:Q", title=figure.label, scale=alt.Scale(scheme="yelloworangered"),
                     legend=alt.Legend(orient="bottom", direction="horizontal", format=fmt_, gradientLength=360,
                                       titleLimit=700))


def school_map(schools: pl.DataFrame, figure: Figure) -> alt.TopLevelMixin:
    """`schools`: the drawn schools (off_map is None) with school_code, school_name, district,
    subdistrict, lon, lat, value and value_th (map_figures.with_values)."""
    cols = ["school_code", "school_name", "district", "subdistrict", "lon", "lat", "value", "value_th"]
    points = schools.select(cols).sort("value", nulls_last=False)  # the highest drawn last, on top
    known, unknown = points.filter(pl.col("value").is_not_null()), points.filter(pl.col("value").is_null())
    lon0, lat0, lon1, lat1 = geo.extent(points)
    (tlat0, tlat1), (tlon0, tlon1) = geo.thailand_box()["lat"], geo.thailand_box()["lon"]
    position = {"longitude": "lon:Q", "latitude": "lat:Q"}

    no_value = (alt.Chart(unknown).mark_point(filled=False, color="#7f8c8d", size=POINT_SIZE * 0.7, strokeWidth=1.5)
                .encode(**position, tooltip=_tooltip(figure)))
    with_value = (alt.Chart(known).mark_circle(size=POINT_SIZE, opacity=0.95, stroke="#333333", strokeWidth=0.6)
                  .encode(**position, color=_colour(figure, known), tooltip=_tooltip(figure)))
    names = (points.group_by("district").agg(pl.col("lon").mean(), pl.col("lat").max())
             .filter(pl.col("district").is_not_null()))
    # each name twice: a white outline under grey text, readable over the circles it sits on
    district_names = [
        alt.Chart(names).mark_text(dy=-14, fontSize=13, fontWeight="bold", font=charts.FONT, **style)
        .encode(**position, text="district:N")
        for style in ({"stroke": "white", "strokeWidth": 4, "strokeJoin": "round"}, {"color": "#444444"})
    ]
    detail = (alt.layer(*_land(), no_value, with_value, *district_names)
              .project(type="mercator", fit=_fit(lon0, lat0, lon1, lat1))
              .properties(width=DETAIL[0], height=DETAIL[1], title=L.MAP_DETAIL_TITLE))

    frame = (alt.Chart(alt.Data(values=[_frame(lon0, lat0, lon1, lat1)]))
             .mark_geoshape(filled=False, stroke="#c0392b", strokeWidth=2))
    dots = alt.Chart(points.select("lon", "lat")).mark_circle(size=6, color="#1f6f8b", opacity=0.8).encode(**position)
    locator = (alt.layer(*_land(), frame, dots)
               .project(type="mercator", fit=_fit(tlon0, tlat0, tlon1, tlat1))
               .properties(width=LOCATOR[0], height=LOCATOR[1], title=L.MAP_LOCATOR_TITLE))

    # themed() sets the whole config, so the view and title settings come after it
    return (charts.themed(alt.hconcat(locator, detail, spacing=24))
            .configure_view(stroke="#b5b5b5")
            .configure_title(font=charts.FONT, fontSize=14, anchor="start"))
