"""What an AppTest page shows, as text: shared by the page tests."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def texts(at: AppTest) -> str:
    """Everything a page shows as text: headings, markdown, messages, metrics, table cells and charts' data."""
    parts = [e.value for kind in ("title", "caption", "markdown", "subheader", "info", "error", "success", "warning")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [d.value.to_csv() for d in [*at.dataframe, *at.table]]
    parts += [c.proto.spec + c.proto.datasets.__repr__() for c in at.get("vega_lite_chart")]
    return "\n".join(map(str, parts))
