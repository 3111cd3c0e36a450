"""Khlang dashboards: `streamlit run dashboards/app.py` (or `khlang serve`).

The entry script only sets the page, the login and the navigation (the logged-in role's pages,
`dashboards.access`); each page in `app_pages/` checks the role again first, then holds its own layout and
reads the warehouse through `dashboards.data`.
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

from dashboards import access  # noqa: E402
from dashboards import labels as L  # noqa: E402
from dashboards import ui  # noqa: E402
from warehouse.read import DoorError  # noqa: E402

# The tab icon is drawn here, not a Material symbol or an emoji: Streamlit fetches those from Google's
# and other CDNs, which the office's offline machines cannot reach.
st.set_page_config(layout="wide", page_title=L.APP_TITLE, page_icon=ui.tab_icon())

# Nobody sees a page before logging in; each role gets only its own pages (dashboards/access.py).
user = access.login()
page = st.navigation(access.navigation(user))
try:
    page.run()
except DoorError as err:
    # Pages read through the SQL door (warehouse.read). An SQL error means the published warehouse (from
    # an older or newer pipeline) lacks a table or column this page reads; any other refusal (time or
    # memory limit, a file holding personal columns) is shown as the door's own Thai / English line.
    # Either way no traceback: the technical detail stays visible for ICT staff.
    st.error(L.SCHEMA_MISMATCH if err.kind == "sql" else f"{err.th} / {err.en}")
    st.code(err.detail or err.line(), language=None)
except access.OfficeRefused as err:  # access.require refuses first; this is the queries' own guard
    st.error(str(err), icon=":material/block:")
