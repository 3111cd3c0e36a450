"""ภาพรวม — the director's (ผอ.สพท.) one screen: how many schools, how many submitted and how that
changed from last year, which districts still owe the survey (sent nothing, or sent but rejected), what
the DLTV equipment needs will cost, what was allocated against them, how clean the data is and how fresh.
Thai only, no personal data."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import access, charts, data, fmt, ui
from dashboards import labels as L
from dashboards.report_download import report_button

user = access.require("overview")  # first: the role may open this page, before anything is read

COVERAGE_RULE = "COV-01"  # the DLTV survey's coverage entry in the contract (dltv_equipment.yaml)

ui.heading(L.PAGE_OVERVIEW)
ui.require_published()
years = data.fiscal_years()
year = ui.pick_year(years, L.FISCAL_YEAR, key="overview_year")
if year is None:
    st.stop()
prev = year - 1 if year - 1 in years else None

info = data.info()
st.caption(L.UPDATED.format(when=fmt.thai_datetime(info["published_at"]), version=info["version"]))
report_button(data.current_home(), year, user=user)  # the director's printed report (สรุปรายงานผลเสนอ ผอ.สพท.)


def coverage_of(y: int | None) -> dict:
    if y is None:
        return {}
    cov = data.coverage(y).filter(pl.col("rule_id") == COVERAGE_RULE)
    return cov.row(0, named=True) if cov.height else {}


def cost_of(y: int | None) -> float | None:
    if y is None:
        return None
    by = data.needs_by_item(y)
    return by["est_cost_baht"].sum() if by.height else None


counts = data.register_counts()
cov, cov_prev = coverage_of(year), coverage_of(prev)
by_item = data.needs_by_item(year)
cost, cost_prev = cost_of(year), cost_of(prev)
rate, rate_prev = data.pass_rate(year), (data.pass_rate(prev) if prev else None)

top = st.columns(4)
ui.metric(top[0], L.M_SCHOOLS, fmt.number(counts["schools"]))
ui.metric(top[1], L.M_ELIGIBLE, fmt.number(counts["eligible"]))
ui.metric(top[2], L.M_COVERAGE, fmt.percent(cov.get("coverage_pct")), now=cov.get("coverage_pct"),
          before=cov_prev.get("coverage_pct"), prev_year=prev, digits=1, unit=L.POINTS,
          help=L.COVERAGE_NOTE.format(submitted=fmt.number(cov.get("submitted")),
                                      population=fmt.number(cov.get("population"))))
ui.metric(top[3], L.M_COST, fmt.baht(cost), now=cost, before=cost_prev, prev_year=prev,
          unit=L.BAHT, delta_color="off", help=L.HELP_COST)

second = st.columns(4)
ui.metric(second[0], L.M_PASS_RATE, fmt.percent(rate), now=rate, before=rate_prev,
          prev_year=prev, digits=1, unit=L.POINTS, help=L.HELP_PASS_RATE)
ui.metric(second[1], L.M_MISSING, fmt.number(cov.get("missing")), now=cov.get("missing"),
          before=cov_prev.get("missing"), prev_year=prev, delta_color="inverse")
ui.metric(second[2], L.M_NOT_SENT, fmt.number(cov.get("not_sent")), now=cov.get("not_sent"),
          before=cov_prev.get("not_sent"), prev_year=prev, delta_color="inverse", help=L.HELP_NOT_SENT)
ui.metric(second[3], L.M_REJECTED, fmt.number(cov.get("rejected")), now=cov.get("rejected"),
          before=cov_prev.get("rejected"), prev_year=prev, delta_color="inverse", help=L.HELP_REJECTED)
if prev is None:
    st.caption(L.NO_PREVIOUS_YEAR.format(year=year - 1))

# ---------------------------------------------------------------- who has not sent, by district
st.subheader(f"{L.H_MISSING_BY_DISTRICT} {L.FY} {year}")
districts = data.coverage_by_district(COVERAGE_RULE, year)
if districts.height == 0:
    st.info(L.NO_ROWS)
else:
    left, right = st.columns([3, 4])
    owing = districts.filter(pl.col("missing") > 0)
    if owing.height:
        left.altair_chart(charts.missing_by_district(owing), width="stretch")
    else:
        left.success(L.ALL_SUBMITTED)
    with right:
        ui.table(
            districts.select("district", "population", "submitted", "rejected", "not_sent", "coverage_pct"),
            {
                "district": ui.text_col(L.column("schools", "district")),
                "population": ui.count_col(L.C_POPULATION),
                "submitted": ui.count_col(L.C_SUBMITTED),
                "rejected": ui.count_col(L.C_REJECTED),
                "not_sent": ui.count_col(L.C_NOT_SENT),
                "coverage_pct": ui.percent_col(L.C_COVERAGE),
            },
        )

# ---------------------------------------------------------------- needs by item
st.subheader(f"{L.H_NEEDS_BY_ITEM} {L.FY} {year}")
if by_item.height == 0:
    st.info(L.NO_ROWS)
else:
    shown = by_item.select("item_th", "schools", "total", "broken", "request_replace", "request_repair",
                           "unit_price_baht", "est_cost_baht")
    columns = {
        "item_th": ui.text_col(L.column("dltv_allocation", "item")),
        "schools": ui.count_col(L.C_SCHOOLS),
        "total": ui.count_col(L.subcolumn("total")),
        "broken": ui.count_col(L.subcolumn("broken")),
        "request_replace": ui.count_col(L.subcolumn("request_replace")),
        "request_repair": ui.count_col(L.subcolumn("request_repair")),
        "unit_price_baht": ui.baht_col(L.C_UNIT_PRICE),
        "est_cost_baht": ui.baht_col(L.C_EST_COST),
    }
    if prev is not None:
        before = data.needs_by_item(prev).select("item", pl.col("est_cost_baht").alias("before"))
        shown = shown.with_columns(by_item["item"]).join(before, on="item", how="left").with_columns(
            (pl.col("est_cost_baht") - pl.col("before")).alias("est_cost_change")).drop("item", "before")
        columns["est_cost_change"] = ui.baht_col(f"{L.C_CHANGE} ({L.FY_SHORT} {prev}, {L.BAHT})")
    st.altair_chart(charts.cost_by_item(by_item), width="stretch")
    ui.table(shown, columns)

# ---------------------------------------------------------------- allocation against need
st.subheader(f"{L.H_ALLOC_VS_NEED} {L.FY} {year}")
alloc_items = data.allocation_vs_need_by_item(year)
if alloc_items.height == 0:
    st.info(L.NO_ROWS)
else:
    if alloc_items["allocated_qty"].sum() == 0:
        st.info(L.NO_ALLOCATION.format(year=year))
    alloc_items = alloc_items.with_columns(
        (pl.col("requested_replace") - pl.col("allocated_qty")).alias("gap_qty"),
        (pl.col("est_need_baht") - pl.col("allocated_baht")).alias("gap_baht"),
    )
    alloc_columns = {
        "item_th": ui.text_col(L.column("dltv_allocation", "item")),
        "allocated_qty": ui.count_col(L.C_ALLOCATED_QTY),
        "requested_replace": ui.count_col(f"{L.subcolumn('request_replace')} ({L.UNIT})"),
        "gap_qty": ui.count_col(L.C_GAP_QTY),
        "requested_repair": ui.count_col(f"{L.subcolumn('request_repair')} ({L.UNIT})"),
        "allocated_baht": ui.baht_col(L.C_ALLOCATED_BAHT),
        "est_need_baht": ui.baht_col(L.C_EST_NEED),
        "gap_baht": ui.baht_col(L.C_GAP_BAHT),
    }
    st.altair_chart(charts.allocation_vs_need(alloc_items), width="stretch")
    ui.table(alloc_items.select(*alloc_columns), alloc_columns)
    st.markdown(f"**{L.H_ALLOC_BY_DISTRICT} {L.FY} {year}**")
    by_district = data.allocation_vs_need(year).with_columns(
        (pl.col("requested_replace") - pl.col("allocated_qty")).alias("gap_qty"),
        (pl.col("est_need_baht") - pl.col("allocated_baht")).alias("gap_baht"),
    )
    ui.table(by_district.select("district", *alloc_columns),
             {"district": ui.text_col(L.column("schools", "district")), **alloc_columns})
