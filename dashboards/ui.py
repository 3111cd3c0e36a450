"""Small Streamlit building blocks shared by the pages: headings, the "not published yet" guard,
period pickers and tables, so every page looks and behaves the same."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, fmt
from dashboards import labels as L


def heading(page: tuple[str, str]) -> None:
    """Thai title with its English name beside it in small grey text."""
    th, en = page
    st.title(th)
    st.caption(en)


def require_published() -> None:
    """Stop the page with a Thai explanation (not a traceback) when nothing is published yet."""
    if data.version_token(data.current_home()) is None:
        st.info(L.NOT_PUBLISHED, icon=":material/info:")
        st.stop()
    info = data.info()
    st.sidebar.caption(f"{L.M_VERSION} {info['version']} · {L.M_REFRESH} {fmt.thai_datetime(info['published_at'])}")


def pick_year(years: list[int], label: str, key: str) -> int | None:
    """A BE-year selector in the sidebar, newest first and selected by default."""
    if not years:
        st.info(L.NO_ROWS)
        return None
    return st.sidebar.selectbox(label, years, index=0, key=key)


def table(df: pl.DataFrame, column_config: dict | None = None) -> None:
    st.dataframe(df, hide_index=True, width="stretch", column_config=column_config, placeholder="")


def wrapped_table(df: pl.DataFrame, headers: dict[str, str], most_rows: int = 14) -> None:
    """A static table whose long Thai text wraps inside its column (a data grid cuts it at one line):
    for reasons and rule names people must read whole. `headers` picks and names the columns in order;
    past `most_rows` rows the table scrolls inside a fixed height."""
    shown = df.select(list(headers)).rename(headers).to_pandas()
    st.table(shown, hide_index=True, border="horizontal",
             height="content" if df.height <= most_rows else 44 * most_rows)


def count_col(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%,d")


def baht_col(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%,.0f")


def percent_col(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%.1f")


def text_col(label: str) -> st.column_config.TextColumn:
    return st.column_config.TextColumn(label)


def metric(where, label: str, value: str, *, now=None, before=None, prev_year: int | None = None, digits: int = 0,
           unit: str = "", delta_color: str = "normal", help: str | None = None, versus: str | None = None) -> None:
    """A bordered metric; with `prev_year`, the change from that year as its delta ("+1,250 บาท",
    described "เทียบกับปีงบประมาณ 2568"); with `versus` (a semester: "จากภาคเรียน 1/2568"), the change
    from what it names. No delta when there is nothing to compare with."""
    described = versus
    if described is None and prev_year is not None:
        described = L.HELP_DELTA.format(year=prev_year)
    delta = fmt.change(now, before, digits, unit) if described is not None else None
    where.metric(label, value, border=True, help=help, delta=delta, delta_color=delta_color, height="stretch",
                 delta_description=described if delta is not None else None)



@st.cache_resource
def tab_icon():
    """The browser tab's icon: a small teal square drawn in memory (no download, no file)."""
    from PIL import Image, ImageDraw

    icon = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(icon)
    draw.rounded_rectangle((2, 2, 29, 29), radius=6, fill="#1f6f8b")
    draw.rectangle((9, 9, 22, 12), fill="white")
    draw.rectangle((9, 15, 22, 18), fill="white")
    draw.rectangle((9, 21, 22, 24), fill="white")
    return icon
