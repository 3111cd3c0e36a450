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
# Room for the x axis, its title and a legend placed below the plot: Streamlit fits the whole chart
# into the height it is given, so without it the bars are squeezed.
LEGEND_BELOW = 110


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
    """Rows failed per rule of one table, labelled `Thai meaning (CODE)`, coloured by what failing does
    (quarantine red, flag orange). `results` needs rule_label, rule_text, severity, rows_failed, rows_checked."""
    df = results.with_columns(
        pl.col("severity").replace_strict(L.SEVERITIES, default=pl.col("severity")).alias("severity_th")
    )
    domain = list(L.SEVERITIES.values())
    chart = (
        alt.Chart(df.select("rule_label", "rule_text", "severity_th", "rows_failed", "rows_checked"))
        .mark_bar()
        .encode(
            y=alt.Y("rule_label:N", title=None, sort=df["rule_label"].unique(maintain_order=True).to_list(),
                    axis=alt.Axis(labelLimit=560)),
            x=alt.X("sum(rows_failed):Q", title=L.C_ROWS_FAILED, axis=alt.Axis(format=NUM, tickMinStep=1)),
            color=alt.Color("severity_th:N", title=L.C_SEVERITY, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=domain, range=[L.SEVERITY_COLOURS[k] for k in L.SEVERITIES])),
            tooltip=[
                alt.Tooltip("rule_label:N", title=L.RULE),
                alt.Tooltip("rule_text:N", title=L.C_RULE_TEXT),
                alt.Tooltip("severity_th:N", title=L.C_SEVERITY),
                alt.Tooltip("sum(rows_failed):Q", title=L.C_ROWS_FAILED, format=NUM),
                alt.Tooltip("sum(rows_checked):Q", title=L.C_ROWS_CHECKED, format=NUM),
            ],
        )
        # Streamlit fits the whole chart (axis and the legend below it) into this height
        .properties(height=28 * max(df["rule_label"].n_unique(), 1) + LEGEND_BELOW)
    )
    return themed(chart)


def missing_by_district(by_district: pl.DataFrame) -> alt.TopLevelMixin:
    """Schools missing per district, stacked: sent but rejected (orange) and sent nothing (red)."""
    statuses = {"rejected": L.STATUSES["rejected"], "not_sent": L.STATUSES["not_sent"]}
    long = by_district.unpivot(index=["district", "population"], on=list(statuses), variable_name="status",
                               value_name="schools").with_columns(pl.col("status").replace_strict(statuses))
    order = by_district["district"].to_list()
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("district:N", title=None, sort=order, axis=alt.Axis(labelLimit=200)),
            x=alt.X("sum(schools):Q", title=L.C_SCHOOLS, axis=alt.Axis(format=NUM, tickMinStep=1)),
            color=alt.Color("status:N", title=L.C_STATUS, sort=list(statuses.values()),
                            legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=list(statuses.values()),
                                            range=[L.STATUS_COLOURS[k] for k in statuses])),
            order=alt.Order("status:N"),
            tooltip=[
                alt.Tooltip("district:N", title=L.DISTRICT),
                alt.Tooltip("status:N", title=L.C_STATUS),
                alt.Tooltip("sum(schools):Q", title=L.C_SCHOOLS, format=NUM),
                alt.Tooltip("population:Q", title=L.C_POPULATION, format=NUM),
            ],
        )
        .properties(height=30 * max(len(order), 1) + LEGEND_BELOW)
    )
    return themed(chart)


def allocation_vs_need(by_item: pl.DataFrame) -> alt.TopLevelMixin:
    """Per item, units allocated beside units requested for replacement (grouped bars)."""
    kinds = {"allocated_qty": L.C_ALLOCATED_QTY.split(" (")[0], "requested_replace": L.subcolumn("request_replace")}
    long = by_item.unpivot(index=["item_th"], on=list(kinds), variable_name="kind", value_name="units").with_columns(
        pl.col("kind").replace_strict(kinds), pl.col("units").cast(pl.Float64))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("item_th:N", title=None, sort=by_item["item_th"].to_list(), axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("kind:N", sort=list(kinds.values())),
            x=alt.X("units:Q", title=L.C_UNITS, axis=alt.Axis(format=NUM, tickMinStep=1)),
            color=alt.Color("kind:N", title=L.C_KIND, sort=list(kinds.values()), legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=list(kinds.values()), range=L.ALLOC_COLOURS)),
            tooltip=[
                alt.Tooltip("item_th:N", title=_item_label()),
                alt.Tooltip("kind:N", title=L.C_KIND),
                alt.Tooltip("units:Q", title=L.C_UNITS, format=NUM),
            ],
        )
        .properties(height=56 * max(by_item.height, 1) + LEGEND_BELOW)
    )
    return themed(chart)


# ---------------------------------------------------------------- digital platforms (contract 3.4)
def _platform_scale(keys: list[str]) -> alt.Scale:
    """One colour per platform in contract order (any-platform ALL in dark grey), by Thai name."""
    order = list(L.platforms())
    colours = {k: L.PLATFORM_COLOURS[i % len(L.PLATFORM_COLOURS)] for i, k in enumerate(order)}
    colours[L.ALL_PLATFORMS] = L.ALL_COLOUR
    ordered = [k for k in [*order, L.ALL_PLATFORMS] if k in keys] + [k for k in keys if k not in colours]
    return alt.Scale(domain=[L.platform_name(k) for k in ordered],
                     range=[colours.get(k, "#7f8c8d") for k in ordered])


def _with_platform_th(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.col("platform").map_elements(L.platform_name, return_dtype=pl.String).alias("platform_th"))


def _platform_colour(df: pl.DataFrame, columns: int = 2) -> alt.Color:
    scale = _platform_scale(df["platform"].unique().to_list())
    return alt.Color("platform_th:N", title=L.PLATFORM, scale=scale, sort=scale.domain,
                     legend=alt.Legend(orient="bottom", columns=columns))


def use_by_day(df: pl.DataFrame, measure: str, start=None, end=None, platforms=None) -> alt.TopLevelMixin:
    """One line per platform: `measure` (a platform_use_by_day count) per day. Days of `start`..`end`
    without a row for one of `platforms` are drawn as zero (no use), not bridged by the line. The x axis
    is dd/mm (Vega cannot write BE years); the tooltip has the Thai date."""
    if start is not None and end is not None and platforms:
        days = pl.date_range(start, end, "1d", eager=True).alias("date")
        grid = pl.DataFrame({"platform": list(platforms)}).join(days.to_frame(), how="cross")
        df = grid.join(df, on=["date", "platform"], how="left").with_columns(pl.col(measure).fill_null(0))
    shown = _with_platform_th(df).with_columns(
        pl.col("date").map_elements(L.thai_date, return_dtype=pl.String).alias("date_th"))
    title = L.MEASURES[measure]
    chart = (
        alt.Chart(shown.select("date", "date_th", "platform_th", measure))
        .mark_line(point=shown["date"].n_unique() <= 45, strokeWidth=2)
        .encode(
            x=alt.X("date:T", title=L.C_DATE, axis=alt.Axis(format="%d/%m", labelAngle=0)),
            y=alt.Y(f"{measure}:Q", title=title, axis=alt.Axis(format=NUM)),
            color=_platform_colour(shown),
            tooltip=[alt.Tooltip("date_th:N", title=L.C_DATE), alt.Tooltip("platform_th:N", title=L.PLATFORM),
                     alt.Tooltip(f"{measure}:Q", title=title, format=NUM)],
        )
        .properties(height=300 + LEGEND_BELOW)
    )
    return themed(chart)


def use_by_month(df: pl.DataFrame, measure: str) -> alt.TopLevelMixin:
    """Bars per month (Thai month names), stacked by platform: `measure` summed over user types."""
    months = df.select("month").unique().sort("month")["month"].to_list()
    shown = _with_platform_th(df).with_columns(
        pl.col("month").map_elements(L.thai_month, return_dtype=pl.String).alias("month_th"))
    title = L.MEASURES[measure]
    chart = (
        alt.Chart(shown.select("month_th", "platform_th", measure))
        .mark_bar()
        .encode(
            x=alt.X("month_th:N", title=L.MONTH, sort=[L.thai_month(m) for m in months],
                    axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            y=alt.Y(f"sum({measure}):Q", title=title, axis=alt.Axis(format=NUM)),
            color=_platform_colour(shown),
            order=alt.Order("platform_th:N"),
            tooltip=[alt.Tooltip("month_th:N", title=L.MONTH), alt.Tooltip("platform_th:N", title=L.PLATFORM),
                     alt.Tooltip(f"sum({measure}):Q", title=title, format=NUM)],
        )
        .properties(height=300 + LEGEND_BELOW)
    )
    return themed(chart)


def weekday_hour(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Heatmap: ISO weekday (rows, Monday first, Thai names) x hour of day (0-23): events; every cell is
    drawn, also those without events."""
    grid = pl.DataFrame({"weekday": [d for d in range(1, 8) for _ in range(24)],
                         "hour": [h for _ in range(7) for h in range(24)]}, schema={"weekday": pl.Int32, "hour": pl.Int32})
    shown = grid.join(df.with_columns(pl.col("weekday", "hour").cast(pl.Int32)), on=["weekday", "hour"], how="left")
    shown = shown.with_columns(
        pl.col("events").fill_null(0),
        pl.col("weekday").map_elements(lambda d: L.WEEKDAYS[d - 1], return_dtype=pl.String).alias("weekday_th"),
    )
    chart = (
        alt.Chart(shown.select("weekday_th", "hour", "events"))
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=f"{L.C_HOUR} ({L.TIME_SUFFIX})", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("weekday_th:N", title=None, sort=list(L.WEEKDAYS)),
            color=alt.Color("events:Q", title=L.C_EVENTS, scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(orient="bottom", format=NUM, gradientLength=320)),
            tooltip=[alt.Tooltip("weekday_th:N", title=L.C_WEEKDAY), alt.Tooltip("hour:O", title=L.C_HOUR),
                     alt.Tooltip("events:Q", title=L.C_EVENTS, format=NUM)],
        )
        .properties(height=7 * 34 + 90)
    )
    return themed(chart)


def monthly_users(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Distinct users per month: a line per platform and the all-platform line (a person counted once)."""
    months = df.select("month").unique().sort("month")["month"].to_list()
    shown = _with_platform_th(df).with_columns(
        pl.col("month").map_elements(L.thai_month, return_dtype=pl.String).alias("month_th"))
    chart = (
        alt.Chart(shown.select("month_th", "platform_th", "active_users"))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("month_th:N", title=L.MONTH, sort=[L.thai_month(m) for m in months], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("active_users:Q", title=L.C_ACTIVE_USERS, axis=alt.Axis(format=NUM)),
            color=_platform_colour(shown),
            tooltip=[alt.Tooltip("month_th:N", title=L.MONTH), alt.Tooltip("platform_th:N", title=L.PLATFORM),
                     alt.Tooltip("active_users:Q", title=L.C_ACTIVE_USERS, format=NUM)],
        )
        .properties(height=280 + LEGEND_BELOW)
    )
    return themed(chart)


def top_content(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Horizontal bars: views of the most viewed contents, coloured by platform, most viewed on top."""
    shown = _with_platform_th(df)
    # the same content id on two platforms is two contents: one bar each, the platform named
    twice = shown["content_id"].is_duplicated()
    shown = shown.with_columns(pl.when(twice).then(pl.format("{} · {}", "content_id", "platform"))
                               .otherwise(pl.col("content_id")).alias("label"))
    chart = (
        alt.Chart(shown.select("label", "content_id", "platform_th", "views", "downloads", "users"))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=shown["label"].to_list(), axis=alt.Axis(labelLimit=280)),
            x=alt.X("views:Q", title=L.C_VIEWS, axis=alt.Axis(format=NUM)),
            color=_platform_colour(shown),
            tooltip=[alt.Tooltip("content_id:N", title=L.C_CONTENT), alt.Tooltip("platform_th:N", title=L.PLATFORM),
                     alt.Tooltip("views:Q", title=L.C_VIEWS, format=NUM),
                     alt.Tooltip("downloads:Q", title=L.C_DOWNLOADS, format=NUM),
                     alt.Tooltip("users:Q", title=L.C_USERS, format=NUM)],
        )
        .properties(height=24 * max(df.height, 1) + LEGEND_BELOW)
    )
    return themed(chart)


def schools_weekly(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Share (%) of register schools active each week: a line per platform and for any platform."""
    shown = _with_platform_th(df).with_columns(
        pl.col("week_start").map_elements(L.thai_date, return_dtype=pl.String).alias("week_th"))
    chart = (
        alt.Chart(shown.select("week_start", "week_th", "platform_th", "share_pct", "active_schools", "register_schools"))
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("week_start:T", title=L.C_WEEK, axis=alt.Axis(format="%d/%m", labelAngle=0)),
            y=alt.Y("share_pct:Q", title=L.C_SHARE, scale=alt.Scale(domain=[0, 100])),
            color=_platform_colour(shown),
            tooltip=[alt.Tooltip("week_th:N", title=L.C_WEEK), alt.Tooltip("platform_th:N", title=L.PLATFORM),
                     alt.Tooltip("active_schools:Q", title=L.C_ACTIVE_SCHOOLS, format=NUM),
                     alt.Tooltip("register_schools:Q", title=L.C_REGISTER_SCHOOLS, format=NUM),
                     alt.Tooltip("share_pct:Q", title=L.C_SHARE, format=".1f")],
        )
        .properties(height=280 + LEGEND_BELOW)
    )
    return themed(chart)


def reconciliation(df: pl.DataFrame, diff: str, title: str) -> alt.TopLevelMixin:
    """Daily file minus events per platform and day (`diff`: diff_active_users or diff_sessions): a dot
    per platform and day on a zero line (zero is a match). Days where one side is missing have no dot."""
    shown = _with_platform_th(df.filter(pl.col(diff).is_not_null())).with_columns(
        pl.col("date").map_elements(L.thai_date, return_dtype=pl.String).alias("date_th"),
        pl.col("status").replace_strict(L.RECONCILIATION_STATUSES, default=pl.col("status")).alias("status_th"))
    dots = (
        alt.Chart(shown.select("date", "date_th", "platform_th", "status_th", diff))
        .mark_circle(size=36, opacity=0.8)
        .encode(
            x=alt.X("date:T", title=L.C_DATE, axis=alt.Axis(format="%d/%m", labelAngle=0)),
            y=alt.Y(f"{diff}:Q", title=title, axis=alt.Axis(format=NUM, tickMinStep=1)),
            color=_platform_colour(shown, columns=1),
            tooltip=[alt.Tooltip("date_th:N", title=L.C_DATE), alt.Tooltip("platform_th:N", title=L.PLATFORM),
                     alt.Tooltip(f"{diff}:Q", title=title, format=NUM),
                     alt.Tooltip("status_th:N", title=L.C_STATUS)],
        )
    )
    zero = alt.Chart(pl.DataFrame({"y": [0]})).mark_rule(color="#7f8c8d").encode(y="y:Q")
    return themed((zero + dots).properties(height=240 + LEGEND_BELOW))


# ---------------------------------------------------------------- DLIT use (contract 3.3)
def _with_term_th(df: pl.DataFrame) -> pl.DataFrame:
    """`term_th` (ภาคเรียน 1/2568) from academic_year and semester; rows must be in term order."""
    return df.with_columns(pl.struct("academic_year", "semester").map_elements(
        lambda t: L.term(t["academic_year"], t["semester"]), return_dtype=pl.String).alias("term_th"))


def _term_colour(terms: list[str]) -> alt.Color:
    """One colour per semester, in term order, legend below."""
    scale = alt.Scale(domain=terms, range=[L.TERM_COLOURS[i % len(L.TERM_COLOURS)] for i in range(len(terms))])
    return alt.Color("term_th:N", title=L.column("dlit_usage", "semester"), sort=terms, scale=scale,
                     legend=alt.Legend(orient="bottom"))


def dlit_services(terms: pl.DataFrame) -> alt.TopLevelMixin:
    """Horizontal bars: schools using each of the five DLIT services (contract order), one bar per
    semester side by side. `terms`: rows of data.dlit_terms (one per semester) with accepted rows."""
    services = L.dlit_services()
    long = (_with_term_th(terms.sort("academic_year", "semester"))
            .unpivot(index=["term_th", "schools_reporting"], on=list(services), variable_name="service",
                     value_name="schools")
            .with_columns(pl.col("service").replace_strict(services).alias("service_th"),
                          (100.0 * pl.col("schools") / pl.col("schools_reporting")).alias("share_pct")))
    order = list(dict.fromkeys(long["term_th"]))
    chart = (
        alt.Chart(long.select("service_th", "term_th", "schools", "schools_reporting", "share_pct"))
        .mark_bar()
        .encode(
            y=alt.Y("service_th:N", title=None, sort=list(services.values()), axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("term_th:N", sort=order),
            x=alt.X("schools:Q", title=L.C_SCHOOLS, axis=alt.Axis(format=NUM, tickMinStep=1)),
            color=_term_colour(order),
            tooltip=[alt.Tooltip("service_th:N", title=L.C_SERVICE),
                     alt.Tooltip("term_th:N", title=L.column("dlit_usage", "semester")),
                     alt.Tooltip("schools:Q", title=L.C_SCHOOLS, format=NUM),
                     alt.Tooltip("schools_reporting:Q", title=L.C_SCHOOLS_REPORTING, format=NUM),
                     alt.Tooltip("share_pct:Q", title=L.C_SHARE_REPORTING, format=".1f")],
        )
        .properties(height=22 * len(services) * max(len(order), 1) + 40 + LEGEND_BELOW)
    )
    return themed(chart)


def dlit_share_by_district(adoption: pl.DataFrame) -> alt.TopLevelMixin:
    """Share (%) of teachers using DLIT per district, one bar per semester side by side (dlit_adoption)."""
    shown = _with_term_th(adoption.sort("academic_year", "semester", "district"))
    order = list(dict.fromkeys(shown["term_th"]))
    chart = (
        alt.Chart(shown.select("district", "term_th", "teachers_using_pct", "teachers_using", "teachers_total",
                               "schools_reporting"))
        .mark_bar()
        .encode(
            x=alt.X("district:N", title=L.DISTRICT, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            xOffset=alt.XOffset("term_th:N", sort=order),
            y=alt.Y("teachers_using_pct:Q", title=L.C_TEACHERS_USING_PCT, scale=alt.Scale(domain=[0, 100])),
            color=_term_colour(order),
            tooltip=[alt.Tooltip("district:N", title=L.DISTRICT),
                     alt.Tooltip("term_th:N", title=L.column("dlit_usage", "semester")),
                     alt.Tooltip("teachers_using_pct:Q", title=L.C_TEACHERS_USING_PCT, format=".1f"),
                     alt.Tooltip("teachers_using:Q", title=L.column("dlit_usage", "teachers_using"), format=NUM),
                     alt.Tooltip("teachers_total:Q", title=L.column("dlit_usage", "teachers_total"), format=NUM),
                     alt.Tooltip("schools_reporting:Q", title=L.C_SCHOOLS_REPORTING, format=NUM)],
        )
        .properties(height=300 + LEGEND_BELOW)
    )
    return themed(chart)


def dlit_trend(terms: pl.DataFrame) -> alt.TopLevelMixin:
    """Adoption across semesters: the share of teachers using DLIT and the share of register schools
    reporting (COV-02), both in %, a line each over every semester in order."""
    measures = {"teachers_using_pct": L.C_TEACHERS_USING_PCT, "coverage_pct": L.C_REPORTING_PCT}
    shown = _with_term_th(terms.sort("academic_year", "semester"))
    order = shown["term_th"].to_list()
    counts = ["teachers_using", "teachers_total", "submitted", "population"]
    long = shown.unpivot(index=["term_th", *counts], on=list(measures), variable_name="measure",
                         value_name="pct").with_columns(
        pl.col("measure").replace_strict(measures), pl.col("pct").cast(pl.Float64)).drop_nulls("pct")
    chart = (
        alt.Chart(long)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("term_th:N", title=L.column("dlit_usage", "semester"), sort=order, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("pct:Q", title=L.C_SHARE, scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("measure:N", title=None, sort=list(measures.values()),
                            scale=alt.Scale(domain=list(measures.values()), range=KIND_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("term_th:N", title=L.column("dlit_usage", "semester")),
                     alt.Tooltip("measure:N", title=L.MEASURE), alt.Tooltip("pct:Q", title=L.C_SHARE, format=".1f"),
                     alt.Tooltip("teachers_using:Q", title=L.column("dlit_usage", "teachers_using"), format=NUM),
                     alt.Tooltip("teachers_total:Q", title=L.column("dlit_usage", "teachers_total"), format=NUM),
                     alt.Tooltip("submitted:Q", title=L.C_SCHOOLS_REPORTING, format=NUM),
                     alt.Tooltip("population:Q", title=L.C_REGISTER_SCHOOLS, format=NUM)],
        )
        .properties(height=260 + LEGEND_BELOW)
    )
    return themed(chart)


# ---------------------------------------------------------------- the four areas (contract 3.5)
def _order_of(list_name: str) -> list[str]:
    """The Thai labels of a contract list, in contract order: a chart axis or legend sorted as the office writes it."""
    return list(L.coded(list_name).values())


def students_by_grade(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Stacked bars: students per grade (contract order, อ.1 to ม.6), boys and girls. `df`: rows of
    students_by_grade, any number of districts (summed here)."""
    sexes = L.coded("sexes")
    long = (df.group_by("grade_th", "grade_order").agg(pl.col("male", "female").sum()).sort("grade_order")
            .unpivot(index=["grade_th", "grade_order"], on=list(sexes), variable_name="sex", value_name="students")
            .with_columns(pl.col("sex").replace_strict(sexes)))
    grades = [g for g in _order_of("grades") if g in set(long["grade_th"])]
    chart = (
        alt.Chart(long.select("grade_th", "sex", "students"))
        .mark_bar()
        .encode(
            x=alt.X("grade_th:N", title=L.C_GRADE, sort=grades, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("students:Q", title=L.C_STUDENTS, axis=alt.Axis(format=NUM)),
            color=alt.Color("sex:N", title=L.C_SEX, sort=list(sexes.values()),
                            scale=alt.Scale(domain=list(sexes.values()), range=L.SEX_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("sex:N"),
            tooltip=[alt.Tooltip("grade_th:N", title=L.C_GRADE), alt.Tooltip("sex:N", title=L.C_SEX),
                     alt.Tooltip("students:Q", title=L.C_STUDENTS, format=NUM)],
        )
        .properties(height=300 + LEGEND_BELOW)
    )
    return themed(chart)


def onet_by_subject(df: pl.DataFrame) -> alt.TopLevelMixin:
    """One level's O-NET means: per subject (contract order) a bar per district, and a black tick at the
    mean over the whole area. `df`: onet_by_subject rows of one academic year and level."""
    subjects = [s for s in _order_of("onet_subjects") if s in set(df["subject_th"])]
    rows = df.select("subject_th", "district", "schools", "mean_score", "area_mean", "area_schools", "diff_from_area")
    base = alt.Chart(rows).encode(
        x=alt.X("subject_th:N", title=L.C_SUBJECT, sort=subjects, axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar().encode(
        xOffset=alt.XOffset("district:N"),
        y=alt.Y("mean_score:Q", title=L.C_SCORE, scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("district:N", title=L.DISTRICT, legend=alt.Legend(orient="bottom", columns=6)),
        tooltip=[alt.Tooltip("subject_th:N", title=L.C_SUBJECT), alt.Tooltip("district:N", title=L.DISTRICT),
                 alt.Tooltip("mean_score:Q", title=L.C_DISTRICT_MEAN, format=".2f"),
                 alt.Tooltip("schools:Q", title=L.C_SCHOOLS_WITH_SCORE, format=NUM),
                 alt.Tooltip("area_mean:Q", title=L.C_AREA_MEAN, format=".2f"),
                 alt.Tooltip("diff_from_area:Q", title=L.C_DIFF_AREA, format="+.2f")],
    )
    area = base.transform_aggregate(area_mean="max(area_mean)", area_schools="max(area_schools)",
                                    groupby=["subject_th"]).mark_tick(color="#222222", thickness=3, size=60).encode(
        y=alt.Y("area_mean:Q"),
        tooltip=[alt.Tooltip("subject_th:N", title=L.C_SUBJECT),
                 alt.Tooltip("area_mean:Q", title=L.C_AREA_MEAN, format=".2f"),
                 alt.Tooltip("area_schools:Q", title=L.C_SCHOOLS_WITH_SCORE, format=NUM)],
    )
    return themed((bars + area).properties(height=320 + LEGEND_BELOW))


def budget_by_category(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Horizontal bars: baht received and spent per budget category (contract order), side by side.
    `df`: budget_by_category rows of one fiscal year, any number of districts (summed here)."""
    kinds = {"received_baht": L.column("admin_budget", "received_baht"),
             "spent_baht": L.column("admin_budget", "spent_baht")}
    summed = (df.group_by("category_th", "category_order").agg(pl.col("received_baht", "spent_baht", "schools").sum())
              .sort("category_order"))
    long = (summed.with_columns((100.0 * pl.col("spent_baht") / pl.col("received_baht")).alias("spent_pct"))
            .unpivot(index=["category_th", "schools", "spent_pct"], on=list(kinds), variable_name="kind",
                     value_name="baht")
            .with_columns(pl.col("kind").replace_strict(kinds)))
    categories = [c for c in _order_of("budget_categories") if c in set(long["category_th"])]
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("category_th:N", title=None, sort=categories, axis=alt.Axis(labelLimit=240)),
            yOffset=alt.YOffset("kind:N", sort=list(kinds.values())),
            x=alt.X("baht:Q", title=L.C_BAHT, axis=alt.Axis(format=NUM)),
            color=alt.Color("kind:N", title=L.C_AMOUNT_KIND, sort=list(kinds.values()),
                            scale=alt.Scale(domain=list(kinds.values()), range=L.AMOUNT_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("category_th:N", title=L.column("admin_budget", "category")),
                     alt.Tooltip("kind:N", title=L.C_AMOUNT_KIND), alt.Tooltip("baht:Q", title=L.C_BAHT, format=NUM),
                     alt.Tooltip("spent_pct:Q", title=L.C_SPENT_PCT, format=".1f"),
                     alt.Tooltip("schools:Q", title=L.C_SCHOOLS, format=NUM)],
        )
        .properties(height=44 * max(len(categories), 1) + 40 + LEGEND_BELOW)
    )
    return themed(chart)


def students_per_teacher(df: pl.DataFrame, threshold: float = 25) -> alt.TopLevelMixin:
    """A dot per school: students per teacher by district (spread sideways so dots do not hide each other),
    red when short of teachers, with a dashed line at PER-03's threshold. Schools with no teacher in post
    have no ratio and no dot; the list names them. `df`: teacher_shortage rows of one academic year."""
    shown = df.filter(pl.col("students_per_teacher").is_not_null()).with_columns(
        pl.col("shortage").replace_strict(L.SHORTAGE_LABELS, return_dtype=pl.String).alias("shortage_th"))
    labels = [L.SHORTAGE_LABELS[k] for k in (True, False)]
    dots = (
        alt.Chart(shown.select("school_code", "school_name", "district", "students_total", "teachers",
                               "students_per_teacher", "shortage_th"))
        .transform_calculate(jitter="random()")
        .mark_circle(size=60, opacity=0.75)
        .encode(
            x=alt.X("district:N", title=L.DISTRICT, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            xOffset=alt.XOffset("jitter:Q"),
            y=alt.Y("students_per_teacher:Q", title=L.C_STUDENTS_PER_TEACHER),
            color=alt.Color("shortage_th:N", title=L.C_SHORTAGE, sort=labels,
                            scale=alt.Scale(domain=labels, range=[L.SHORTAGE_COLOURS[k] for k in (True, False)]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("school_code:N", title=L.column("schools", "school_code")),
                     alt.Tooltip("school_name:N", title=L.column("schools", "school_name")),
                     alt.Tooltip("district:N", title=L.DISTRICT),
                     alt.Tooltip("students_total:Q", title=L.column("schools", "students_total"), format=NUM),
                     alt.Tooltip("teachers:Q", title=L.C_TEACHERS, format=NUM),
                     alt.Tooltip("students_per_teacher:Q", title=L.C_STUDENTS_PER_TEACHER, format=".1f")],
        )
    )
    line = alt.Chart(pl.DataFrame({"y": [threshold]})).mark_rule(color="#c0392b", strokeDash=[6, 4]).encode(y="y:Q")
    return themed((line + dots).properties(height=320 + LEGEND_BELOW))


def internet_by_district(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Bars: the share (%) of reporting schools with internet per district. `df`: infrastructure_by_district
    rows of one academic year."""
    chart = (
        alt.Chart(df.select("district", "schools", "schools_internet", "internet_pct", "mean_internet_mbps"))
        .mark_bar(color=ITEM_COLOURS[0])
        .encode(
            x=alt.X("district:N", title=L.DISTRICT, axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            y=alt.Y("internet_pct:Q", title=L.C_INTERNET_PCT, scale=alt.Scale(domain=[0, 100])),
            tooltip=[alt.Tooltip("district:N", title=L.DISTRICT),
                     alt.Tooltip("schools_internet:Q", title=L.C_SCHOOLS_INTERNET, format=NUM),
                     alt.Tooltip("schools:Q", title=L.C_SCHOOLS_REPORTING, format=NUM),
                     alt.Tooltip("internet_pct:Q", title=L.C_INTERNET_PCT, format=".1f"),
                     alt.Tooltip("mean_internet_mbps:Q", title=L.C_MEAN_MBPS, format=".1f")],
        )
        .properties(height=280)
    )
    return themed(chart)


def condition_by_district(df: pl.DataFrame) -> alt.TopLevelMixin:
    """Stacked horizontal bars: schools per district by building condition (ดี, พอใช้, ทรุดโทรม in contract
    order). `df`: infrastructure_by_district rows of one academic year."""
    conditions = L.condition_columns()
    names = list(conditions.values())
    long = (df.unpivot(index=["district", "schools"], on=list(conditions), variable_name="condition",
                       value_name="n")
            .with_columns(pl.col("condition").replace_strict(conditions))
            .with_columns(pl.col("condition").replace_strict({n: i for i, n in enumerate(names)},
                                                             return_dtype=pl.Int32).alias("condition_order")))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("district:N", title=L.DISTRICT, axis=alt.Axis(labelLimit=200)),
            x=alt.X("n:Q", title=L.C_CONDITION_SCHOOLS, axis=alt.Axis(format=NUM, tickMinStep=1)),
            color=alt.Color("condition:N", title=L.column("admin_general", "building_condition"), sort=names,
                            scale=alt.Scale(domain=names, range=L.CONDITION_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            order=alt.Order("condition_order:Q"),
            tooltip=[alt.Tooltip("district:N", title=L.DISTRICT),
                     alt.Tooltip("condition:N", title=L.column("admin_general", "building_condition")),
                     alt.Tooltip("n:Q", title=L.C_SCHOOLS, format=NUM),
                     alt.Tooltip("schools:Q", title=L.C_SCHOOLS_REPORTING, format=NUM)],
        )
        .properties(height=34 * max(df.height, 1) + 40 + LEGEND_BELOW)
    )
    return themed(chart)
