"""The director's summary report (สรุปรายงานผลเสนอ ผอ.สพท.): one period of the published warehouse as a Thai
PDF, ready to print on A4. `khlang report --period 2569 --out FILE.pdf` writes it; the overview page offers it
as a download (dashboards/report_download.py).

How it is built:
1. `figures.gather` reads the period's figures through one door on one verified published version: the
   dashboards' own queries (`dashboards.data`), pinned to that version's file with `data.reading`.
2. `charts.svg` draws the dashboards' own Altair charts to SVG offline with vl-convert.
3. `document.render` fills `templates/report.html.j2` (Jinja2) and WeasyPrint lays it out with
   `templates/report.css` on A4: Pango shapes Thai (vowels and tone marks in place) and breaks unspaced Thai
   at word boundaries. The face is Sarabun, the Thai government's standard, shipped in `fonts/` under the
   SIL Open Font License (OFL.txt), with Debian's fonts-thai-tlwg faces as fallbacks by name.

Nothing is fetched from the network: fonts, charts and styles are local, and WeasyPrint may open only
`file:` and `data:` URLs.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
FONTS_DIR = HERE / "fonts"
TEMPLATES_DIR = HERE / "templates"

__all__ = ["FONTS_DIR", "TEMPLATES_DIR", "Report", "build"]


def __getattr__(name: str):
    # `build` and `Report` load WeasyPrint, Polars and the dashboards' helpers: only when asked for.
    if name in ("build", "Report"):
        from warehouse.report import document

        return getattr(document, name)
    raise AttributeError(name)
