"""ภาพรวม — the director's (ผอ.สพท.) one screen: how many schools, how many submitted, what the
DLTV equipment needs will cost, how clean the data is and how fresh. Thai only, no personal data."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, fmt, ui
from dashboards import labels as L

ui.heading(L.PAGE_OVERVIEW)
ui.require_published()
year = ui.pick_year(data.fiscal_years(), L.FISCAL_YEAR, key="overview_year")
if year is None:
    st.stop()

counts = data.register_counts()
cov = data.coverage(year).filter(pl.col("rule_id") == "COV-01")
by_item = data.needs_by_item(year)
info = data.info()

top = st.columns(4)
top[0].metric(L.M_SCHOOLS, fmt.number(counts["schools"]), border=True)
top[1].metric(L.M_ELIGIBLE, fmt.number(counts["eligible"]), border=True)
if cov.height:
    c = cov.row(0, named=True)
    top[2].metric(
        L.M_COVERAGE, fmt.percent(c["coverage_pct"]), border=True,
        delta=L.COVERAGE_NOTE.format(submitted=fmt.number(c["submitted"]), population=fmt.number(c["population"])),
        delta_color="off", delta_arrow="off",
    )
else:
    top[2].metric(L.M_COVERAGE, "–", border=True)
top[3].metric(
    L.M_COST, fmt.baht(by_item["est_cost_baht"].sum() if by_item.height else None), border=True,
    delta=f"{L.FY_SHORT} {year}", delta_color="off", delta_arrow="off", help=L.HELP_COST,
)

second = st.columns([1, 2, 1])  # the Thai date needs the wider column
second[0].metric(L.M_PASS_RATE, fmt.percent(data.pass_rate()), border=True, help=L.HELP_PASS_RATE)
second[1].metric(L.M_REFRESH, fmt.thai_datetime(info["published_at"]), border=True)
second[2].metric(L.M_VERSION, info["version"], border=True)

st.subheader(f"{L.H_NEEDS_BY_ITEM} {L.FY} {year}")
if by_item.height == 0:
    st.info(L.NO_ROWS)
else:
    st.altair_chart(charts.cost_by_item(by_item), width="stretch")
    ui.table(
        by_item.select("item_th", "schools", "total", "broken", "request_replace", "request_repair",
                       "unit_price_baht", "est_cost_baht"),
        {
            "item_th": ui.text_col(L.column("dltv_allocation", "item")),
            "schools": ui.count_col(L.C_SCHOOLS),
            "total": ui.count_col(L.subcolumn("total")),
            "broken": ui.count_col(L.subcolumn("broken")),
            "request_replace": ui.count_col(L.subcolumn("request_replace")),
            "request_repair": ui.count_col(L.subcolumn("request_repair")),
            "unit_price_baht": ui.baht_col(L.C_UNIT_PRICE),
            "est_cost_baht": ui.baht_col(L.C_EST_COST),
        },
    )
