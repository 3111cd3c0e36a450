"""Altair charts of the dashboards, all with a Thai-capable font.

Vega draws on a canvas with its own font setting, so the page's CSS font fallback does not reach the
charts: without an explicit Thai font family, labels become boxes on machines whose default sans has
no Thai glyphs. Sarabun is the Thai government's standard font; Loma/Garuda/Waree are Debian's
fonts-thai-tlwg; Tahoma covers Windows.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from dashboards import labels as L

FONT = "Sarabun, Loma, Garuda, Waree, Tahoma, sans-serif"
NUM = ",.0f"
ITEM_COLOURS = ["#1f6f8b", "#99a8b2", "#e6a400", "#c0392b"]
KIND_COLOURS = ["#1f6f8b", "#e6a400"]


def themed(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Apply the Thai font to every text part of a chart (title, axes, legends, facet headers)."""
    text = {"labelFont": FONT, "titleFont": FONT, "labelFontSize": 13, "titleFontSize": 13}
    return (
        chart.configure(font=FONT)
        .configure_axis(**text)
        .configure_legend(**text, labelLimit=360)
        .configure_header(**text)
        .configure_title(font=FONT)
    )


def _item_label() -> str:
    return L.column("dltv_allocation", "item")


def cost_by_item(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Horizontal bars: estimated replacement cost of each item over the whole area."""
    chart = (
        alt.Chart(df.select("item_th", "request_replace", "unit_price_baht", "est_cost_baht"))
        .mark_bar(color=ITEM_COLOURS[0])
        .encode(
            y=alt.Y("item_th:N", title=None, sort=df["item_th"].to_list(), axis=alt.Axis(labelLimit=260)),
            x=alt.X("est_cost_baht:Q", title=L.C_EST_COST, axis=alt.Axis(format=NUM)),
            tooltip=[
                alt.Tooltip("item_th:N", title=_item_label()),
                alt.Tooltip("request_replace:Q", title=L.subcolumn("request_replace"), format=NUM),
                alt.Tooltip("unit_price_baht:Q", title=L.C_UNIT_PRICE, format=NUM),
                alt.Tooltip("est_cost_baht:Q", title=L.C_EST_COST, format=NUM),
            ],
        )
        .properties(height=48 * max(df.height, 1) + 50)
    )
    return themed(chart)


def requests_by_district(needs: pl.DataFrame) -> alt.TopLevelMixin:
    """One small chart per item (2 x 2): replace and repair requests stacked, one bar per district.

    Facets cannot stretch to the container, so each has a fixed width that fits the wide layout.
    """
    kinds = {k: L.subcolumn(k) for k in ("request_replace", "request_repair")}
    long = needs.unpivot(index=["district", "item_th"], on=list(kinds), variable_name="kind", value_name="units")
    long = long.with_columns(pl.col("kind").replace_strict(kinds))
    items = list(dict.fromkeys(L.items().values()))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("district:N", title=L.DISTRICT, axis=alt.Axis(labelAngle=-45, labelOverlap=False)),
            y=alt.Y("sum(units):Q", title=L.C_UNITS, axis=alt.Axis(format=NUM)),
            color=alt.Color(
                "kind:N", title=L.C_REQUEST_KIND, sort=list(kinds.values()),
                scale=alt.Scale(domain=list(kinds.values()), range=KIND_COLOURS),
            ),
            order=alt.Order("kind:N"),
            tooltip=[
                alt.Tooltip("item_th:N", title=_item_label()),
                alt.Tooltip("district:N", title=L.DISTRICT),
                alt.Tooltip("kind:N", title=L.C_REQUEST_KIND),
                alt.Tooltip("sum(units):Q", title=L.C_UNITS, format=NUM),
            ],
        )
        .properties(width=max(300, 48 * needs["district"].n_unique()), height=200)
        .facet(alt.Facet("item_th:N", title=None, sort=items, header=alt.Header(labelFontWeight="bold")), columns=2)
    )
    return themed(chart)


def cost_by_district(needs: pl.DataFrame) -> alt.TopLevelMixin:
    """Estimated replacement cost per district, stacked by item."""
    items = list(L.items().values())
    chart = (
        alt.Chart(needs.select("district", "item_th", "request_replace", "est_cost_baht"))
        .mark_bar()
        .encode(
            x=alt.X("district:N", title=L.DISTRICT, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            # No axis title: Vega under-measures the wide baht labels and draws the title over them;
            # the page heading names the unit instead.
            y=alt.Y("sum(est_cost_baht):Q", title=None, axis=alt.Axis(format=NUM)),
            color=alt.Color("item_th:N", title=_item_label(), sort=items,
                            scale=alt.Scale(domain=items, range=ITEM_COLOURS)),
            order=alt.Order("item_th:N"),
            tooltip=[
                alt.Tooltip("district:N", title=L.DISTRICT),
                alt.Tooltip("item_th:N", title=_item_label()),
                alt.Tooltip("request_replace:Q", title=L.subcolumn("request_replace"), format=NUM),
                alt.Tooltip("est_cost_baht:Q", title=L.C_EST_COST, format=NUM),
            ],
        )
        .properties(height=320)
    )
    return themed(chart)


def rules_failed(results: pl.DataFrame) -> alt.TopLevelMixin:
    """Rows failed per rule, coloured by what failing does (quarantine red, flag orange)."""
    df = results.with_columns(
        pl.col("severity").replace_strict(L.SEVERITIES, default=pl.col("severity")).alias("severity_th")
    )
    domain = list(L.SEVERITIES.values())
    chart = (
        alt.Chart(df.select("rule_id", "rule_text", "severity_th", "rows_failed", "rows_checked"))
        .mark_bar()
        .encode(
            y=alt.Y("rule_id:N", title=L.C_RULE_ID, sort=df["rule_id"].unique(maintain_order=True).to_list()),
            x=alt.X("sum(rows_failed):Q", title=L.C_ROWS_FAILED, axis=alt.Axis(format=NUM, tickMinStep=1)),
            color=alt.Color("severity_th:N", title=L.C_SEVERITY,
                            scale=alt.Scale(domain=domain, range=[L.SEVERITY_COLOURS[k] for k in L.SEVERITIES])),
            tooltip=[
                alt.Tooltip("rule_id:N", title=L.C_RULE_ID),
                alt.Tooltip("rule_text:N", title=L.C_RULE_TEXT),
                alt.Tooltip("severity_th:N", title=L.C_SEVERITY),
                alt.Tooltip("sum(rows_failed):Q", title=L.C_ROWS_FAILED, format=NUM),
                alt.Tooltip("sum(rows_checked):Q", title=L.C_ROWS_CHECKED, format=NUM),
            ],
        )
        .properties(height=30 * max(df["rule_id"].n_unique(), 1) + 50)
    )
    return themed(chart)
