"""The report's charts: the dashboards' own Altair charts (dashboards/charts.py), drawn to SVG offline.

vl-convert runs Vega-Lite and Vega inside its own bundled JavaScript engine (no browser, no network) and
measures text with the fonts it knows: the Sarabun files shipped with the report are registered first, so
label widths are measured in the face WeasyPrint then draws them with. The SVG keeps text as `<text>`
elements in the charts' Thai font family, which WeasyPrint shapes with Pango like the rest of the page.
Labels that Vega hides to avoid overlaps are written with `opacity="0"`; they are dropped here, so the
PDF's text holds only what is seen.
"""

from __future__ import annotations

import json
import re
import threading

import altair as alt

from dashboards.charts import LEGEND_BELOW
from warehouse.report import FONTS_DIR

# The width of a single view's plot area in CSS pixels: with its axis labels the chart fills the width of
# an A4 page between the report's margins (174 mm ≈ 657 px).
WIDTH = 460
_HIDDEN_TEXT = re.compile(r"<text\b[^>]*\bopacity=\"0\"[^>]*>.*?</text>", re.DOTALL)
_lock = threading.Lock()
_fonts_registered = False


def _converter():
    global _fonts_registered
    import vl_convert

    with _lock:
        if not _fonts_registered:
            vl_convert.register_font_directory(str(FONTS_DIR))
            _fonts_registered = True
    return vl_convert


def svg(chart: alt.TopLevelMixin, width: int | None = WIDTH, legend_below: bool = False) -> str:
    """`chart` as an SVG document. `width` sets the plot area of a single or layered view (a faceted
    chart keeps its own panels' widths); None keeps the chart's own. `legend_below`: the chart's height
    holds the room Streamlit needs for a legend under the plot (dashboards.charts.LEGEND_BELOW), which
    an SVG adds by itself, so it is taken off the plot."""
    spec = chart.to_dict()
    single = not any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat"))
    if width is not None and single:
        spec["width"] = width
    if legend_below and single and isinstance(spec.get("height"), (int, float)):
        spec["height"] = max(spec["height"] - LEGEND_BELOW, 120)
    # DuckDB's sums of integers arrive as Decimal, which the Vega-Lite JSON has no type for
    drawn = _converter().vegalite_to_svg(json.dumps(spec, default=float))
    return _HIDDEN_TEXT.sub("", drawn)
