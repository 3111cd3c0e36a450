"""Khlang dashboards: `streamlit run dashboards/app.py` (or `khlang serve`).

The entry script only sets the page and the navigation; each page in `app_pages/` holds its own
layout and reads the warehouse through `dashboards.data`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts only this folder on sys.path; the project root is needed for `warehouse`,
# `pipelines` and `dashboards` when the project is run from a checkout rather than installed.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402

from dashboards import labels as L  # noqa: E402
from dashboards import ui  # noqa: E402
from warehouse.read import DoorError  # noqa: E402

# The tab icon is drawn here, not a Material symbol or an emoji: Streamlit fetches those from Google's
# and other CDNs, which the office's offline machines cannot reach.
st.set_page_config(layout="wide", page_title=L.APP_TITLE, page_icon=ui.tab_icon())

page = st.navigation(
    [
        st.Page("app_pages/overview.py", title=L.PAGE_OVERVIEW[0], icon=":material/dashboard:", default=True),
        st.Page("app_pages/dltv.py", title=L.PAGE_DLTV[0], icon=":material/satellite_alt:"),
        st.Page("app_pages/platform.py", title=L.PAGE_PLATFORM[0], icon=":material/monitoring:"),
        st.Page("app_pages/dlit.py", title=L.PAGE_DLIT[0], icon=":material/cast_for_education:"),
        st.Page("app_pages/admin.py", title=L.PAGE_ADMIN[0], icon=":material/account_balance:"),
        st.Page("app_pages/school.py", title=L.PAGE_SCHOOL[0], icon=":material/school:"),
        st.Page("app_pages/quality.py", title=L.PAGE_QUALITY[0], icon=":material/fact_check:"),
        st.Page("app_pages/map.py", title=L.PAGE_MAP[0], icon=":material/map:"),
    ]
)
try:
    page.run()
except DoorError as err:
    # Pages read through the SQL door (warehouse.read). An SQL error means the published warehouse (from
    # an older or newer pipeline) lacks a table or column this page reads; any other refusal (time or
    # memory limit, a file holding personal columns) is shown as the door's own Thai / English line.
    # Either way no traceback: the technical detail stays visible for ICT staff.
    st.error(L.SCHEMA_MISMATCH if err.kind == "sql" else f"{err.th} / {err.en}")
    st.code(err.detail or err.line(), language=None)
