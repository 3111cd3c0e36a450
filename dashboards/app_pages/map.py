"""แผนที่โรงเรียน — the district's schools on a map, coloured by a figure the user picks.

For the director and the ICT group: where the schools that ask for DLTV equipment, that have not sent
a survey, or that are small, lie. The map is drawn from boundaries shipped with the project (the
office's machines reach no tile server); the figures are the entries of `dashboards.map_figures`.
Schools without coordinates, or whose coordinates fail SCH-05, are listed under the map, never drawn
at a wrong place.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import access, data, fmt, geo, map_chart, ui
from dashboards import labels as L
from dashboards.map_figures import FIGURES, periods, schools, with_values

access.require("map")  # first: the role may open this page, before anything is read

ui.heading(L.PAGE_MAP)
ui.require_published()

pick = st.columns([4, 2, 2])
figure = pick[0].selectbox(L.MAP_FIGURE, FIGURES, format_func=lambda f: f.label, key="map_figure")
period = None
if figure.periods:
    choices = periods(figure)
    if not choices:
        st.info(L.NO_ROWS)
        st.stop()
    period = pick[1].selectbox(figure.period_label, choices, index=0, key=f"map_period_{figure.periods}")

shown = geo.placed(with_values(schools(), figure, period))
on_map, off_map = shown.filter(pl.col("off_map").is_null()), shown.filter(pl.col("off_map").is_not_null())

st.altair_chart(map_chart.school_map(on_map, figure), width="content")
st.caption(L.MAP_DRAWN.format(drawn=fmt.number(on_map.height), off=fmt.number(off_map.height)))
if figure.note:
    st.caption(figure.note)
st.caption(L.MAP_NOTE_OFFLINE)

headers = {
    "school_code": L.column("schools", "school_code"),
    "school_name": L.column("schools", "school_name"),
    "district": L.column("schools", "district"),
    "subdistrict": L.column("schools", "subdistrict"),
    "value_th": figure.label,
}

st.subheader(L.H_OFF_MAP)
if off_map.height == 0:
    st.success(L.ALL_ON_MAP)
else:
    st.caption(L.OFF_MAP_NOTE)
    off = off_map.with_columns(pl.col("off_map").replace_strict(L.OFF_MAP_REASONS, default=pl.col("off_map")),
                               pl.col("lat", "lon").cast(pl.Float64))
    ui.table(off.select(*headers, "lat", "lon", "off_map"),
             {**{c: ui.text_col(h) for c, h in headers.items()},
              "lat": st.column_config.NumberColumn(L.column("schools", "lat"), format="%.5f"),
              "lon": st.column_config.NumberColumn(L.column("schools", "lon"), format="%.5f"),
              "off_map": ui.text_col(L.C_OFF_MAP_REASON)})

with st.expander(L.H_MAP_TABLE):
    every = shown.select(*headers).rename(headers)
    ui.table(every)
    suffix = f"_{period}" if period is not None else ""
    st.download_button(L.DOWNLOAD_CSV, data=data.csv_bytes(every), file_name=f"school_map_{figure.column}{suffix}.csv",
                       mime="text/csv", icon=":material/download:", on_click="ignore")
