"""The director's report offered on a page (dashboards/report_download.py), run with Streamlit's AppTest
against the sample district's published warehouse.

The button must cost the page nothing: the PDF is built only when it is clicked (Streamlit then calls the
button's `data` in its own thread), once per version and period. AppTest does not click download buttons,
so the test keeps the callable the page handed to `st.download_button` and calls it as Streamlit would.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from dashboards import labels as L
from dashboards import report_download
from pipelines import config

pytestmark = pytest.mark.slow


def page() -> None:
    """What a page does: one button for a year with data, one for a year without."""
    from dashboards import data
    from dashboards.report_download import report_button
    from pipelines.users import User

    report_button(data.current_home(), 2569, user=User("somchai.d", "สมชาย ใจดี", "director"))
    report_button(data.current_home(), 2575, key="no_data")


@pytest.fixture
def clicks(monkeypatch) -> dict:
    """The `data` each download button was given, by its key; and how many reports were built."""
    from warehouse.report import document

    seen: dict = {"builds": 0}
    original, build = streamlit.download_button, document.build

    def recording(label, data, *args, **kwargs):
        seen[kwargs.get("key")] = data
        return original(label, data, *args, **kwargs)

    def counting(*args, **kwargs):
        seen["builds"] += 1
        return build(*args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    monkeypatch.setattr(document, "build", counting)
    report_download.report_pdf.clear()
    return seen


def test_the_button_offers_the_pdf_built_on_click_and_cached(demo_home, monkeypatch, clicks):
    monkeypatch.setenv(config.ENV_HOME, str(demo_home.root))
    at = AppTest.from_function(page, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ready, empty = at.get("download_button")
    assert ready.proto.label == report_download.LABEL and "PDF" in ready.proto.label
    assert not ready.proto.disabled and ready.proto.deferred_file_id, "built on the click, not with the page"
    assert "v0001" in ready.proto.help and "2569" in ready.proto.help
    assert empty.proto.disabled and "2575" in empty.proto.help
    assert clicks["builds"] == 0, "drawing the page built no report"

    pdf = clicks["director_report"]()  # the click
    assert pdf.startswith(b"%PDF") and clicks["builds"] == 1
    document = pdfium.PdfDocument(pdf)
    assert len(document) >= 3 and tuple(round(x) for x in document[0].get_size()) == (595, 842)
    assert "2569" in document[0].get_textpage().get_text_range()
    assert clicks["director_report"]() == pdf and clicks["builds"] == 1, "a second click is served from the cache"
    from pipelines import audit

    handed = audit.read(demo_home).filter(action="report", user="somchai.d")
    assert handed.height == 2 and set(handed.get_column("role")) == {"director"}, "each click is in the audit log"
    assert handed.get_column("target").to_list() == [report_download.file_name(2569, "v0001")] * 2


def test_before_anything_is_published_the_page_says_so_and_offers_nothing(tmp_path, monkeypatch, clicks):
    empty = config.home(tmp_path / "fresh")
    monkeypatch.setenv(config.ENV_HOME, str(empty.root))
    at = AppTest.from_function(page, default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("download_button")
    assert [i.value for i in at.info][:1] == [L.NOT_PUBLISHED]


def test_a_root_other_than_the_pages_is_read_through_its_own_version(demo_home, tmp_path, monkeypatch):
    monkeypatch.setenv(config.ENV_HOME, str(tmp_path / "elsewhere"))
    assert report_download._version_and_ready(demo_home, 2569) == ("v0001", True)
    assert report_download._version_and_ready(demo_home, 2575) == ("v0001", False)
