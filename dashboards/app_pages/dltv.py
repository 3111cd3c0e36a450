"""DLTV — equipment needs by item and district, and the school list behind them.

For the ICT group and the director: which districts ask for what, what replacement would cost at the
latest unit prices, and which schools asked (filterable, downloadable for Excel). The survey's
reporter name and phone are personal data and are never read here.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L

access.require("dltv")  # first: the role may open this page, before anything is read

ui.heading(L.PAGE_DLTV)
ui.require_published()
year = ui.pick_year(data.fiscal_years(), L.FISCAL_YEAR, key="dltv_year")
if year is None:
    st.stop()

needs = data.needs(year)
st.subheader(f"{L.H_NEEDS_BY_DISTRICT} {L.FY} {year}")
if needs.height == 0:
    st.info(L.NO_ROWS)
else:
    st.altair_chart(charts.requests_by_district(needs), width="content")
    st.subheader(L.H_COST_BY_DISTRICT)
    st.altair_chart(charts.cost_by_district(needs), width="stretch")

st.subheader(f"{L.H_SCHOOLS} {L.FY} {year}")
schools = data.dltv_schools(year)
items = L.items()
f = st.columns(3)
districts = f[0].multiselect(L.DISTRICT, schools["district"].drop_nulls().unique().sort().to_list(),
                             placeholder=L.ALL, key="dltv_district")
wanted = f[1].multiselect(L.ITEM_REQUESTED, list(items), format_func=items.get, placeholder=L.ALL,
                          key="dltv_item")
outcomes = f[2].multiselect(L.OUTCOME, schools["outcome"].unique().sort().to_list(),
                            format_func=lambda o: L.OUTCOMES.get(o, o), placeholder=L.ALL, key="dltv_outcome")

if districts:
    schools = schools.filter(pl.col("district").is_in(districts))
if wanted:
    asked = [pl.col(f"{i}_request_replace").fill_null(0) + pl.col(f"{i}_request_repair").fill_null(0) > 0
             for i in wanted]
    schools = schools.filter(pl.any_horizontal(asked))
if outcomes:
    schools = schools.filter(pl.col("outcome").is_in(outcomes))

survey = ("fiscal_year", "dltv_classrooms", *data.request_columns())
headers = {
    "school_code": L.column("dltv_equipment", "school_code"),
    "school_name": L.column("dltv_equipment", "school_name"),
    "district": L.column("schools", "district"),
    **{c: L.column("dltv_equipment", c) for c in survey},
    "outcome": L.OUTCOME,
    "rule_ids": L.C_RULE_ID,
}
shown = schools.with_columns(
    pl.col("outcome").replace_strict(L.OUTCOMES, default=pl.col("outcome")),
    pl.col("rule_ids").list.join(", "),
).select(list(headers)).rename(headers)

st.caption(L.N_SCHOOLS.format(n=fmt.number(len(shown))))
ui.table(shown)
st.download_button(
    L.DOWNLOAD_CSV, data=data.csv_bytes(shown), file_name=f"dltv_needs_{year}.csv", mime="text/csv",
    icon=":material/download:", on_click="ignore",
)
