"""The director's summary report (สรุปรายงานผลเสนอ ผอ.สพท.) offered on a dashboard page as a PDF download.

    from dashboards.report_download import report_button
    report_button(data.current_home(), year)

The PDF is the one `khlang report --period YEAR` writes (warehouse/report): built when the button is
clicked, not when the page is drawn (Streamlit calls `data` in its own thread on the click), from the version
published when the page was drawn, and cached per data root, version file and period, so a second click or
a second viewer gets the same bytes at once and a new version makes a new report.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import data
from dashboards import labels as L
from pipelines import config
from warehouse import read
from warehouse.publish import published_duckdb
from warehouse.report import figures

LABEL = "ดาวน์โหลดสรุปรายงานผลเสนอ ผอ.สพท. (PDF)"
HELP = ("รายงานสรุปของปี {period} สำหรับพิมพ์ขนาด A4: ตัวเลขสำคัญเทียบกับปีก่อน การส่งข้อมูล ความต้องการอุปกรณ์ DLTV "
        "การใช้งานแพลตฟอร์มและ DLIT ข้อมูล 4 ด้าน และคุณภาพข้อมูล จากคลังข้อมูลรุ่น {version} "
        "(the director's summary report, PDF)")
NO_DATA = "ไม่มีข้อมูลของปี {period} ในคลังข้อมูลรุ่นนี้ จึงไม่มีรายงาน (no data for {period})"
MIME = "application/pdf"


def file_name(period: int, version: str) -> str:
    return f"สรุปรายงานผล_ผอ.สพท._{period}_{version}.pdf"


@st.cache_data(max_entries=16, show_spinner=False)
def report_pdf(root: str, token: str, version: str, period: int) -> bytes:
    """The report's bytes: one build per data root, version file (`token`, data.version_token) and period."""
    del token  # part of the cache key only: the same version name in a rebuilt root is another file
    from warehouse.report.document import build

    return build(config.home(Path(root)), period, version=version).pdf


def _version_and_ready(home: config.Home, period: int) -> tuple[str, bool]:
    """The version published under `home` and whether `period` has data in it: through the pages' cached
    queries when `home` is the root they read, else through a door on `home`'s own version."""
    if home == data.current_home():
        return data.info()["version"], figures.has_data(period)
    with read.Door(published_duckdb(home)) as door, data.reading(door):
        return data.info()["version"], figures.has_data(period)


def recorded_pdf(root: str, token: str, version: str, period: int, user: str | None, role: str | None) -> bytes:
    """The report's bytes for a person who clicked, recorded first in the audit log as `khlang report`
    records its own (action report): a report whose entry cannot be written is not handed out."""
    from pipelines import audit

    home = config.home(Path(root))
    audit.record(home, "report", user=user, role=role, target=file_name(period, version), period=period,
                 version=version, via="dashboard")
    return report_pdf(root, token, version, period)


def report_button(home: config.Home, period: int, *, user=None, key: str = "director_report") -> bool:
    """A download button for the report of `period` (a BE year) from the version published now; disabled,
    saying why, when the period has no data. `user` (dashboards.access.User): who is recorded in the audit
    log when the report is handed out. Returns True on the click (as st.download_button does)."""
    token = data.version_token(home)
    if token is None:
        st.info(L.NOT_PUBLISHED, icon=":material/info:")
        return False
    version, ready = _version_and_ready(home, period)
    if not ready:
        return st.download_button(LABEL, data=b"", file_name=file_name(period, version), mime=MIME, key=key,
                                  disabled=True, help=NO_DATA.format(period=period), icon=":material/picture_as_pdf:")
    root = str(home.root)
    who, role = (user.username, user.role) if user is not None else (None, None)
    return st.download_button(
        LABEL, data=lambda: recorded_pdf(root, token, version, period, who, role), file_name=file_name(period, version), mime=MIME,
        key=key, on_click="ignore", help=HELP.format(period=period, version=version), icon=":material/picture_as_pdf:")
