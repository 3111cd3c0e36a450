"""GX Data Docs that work with no internet, and a localhost server for them.

GX 1.24.1 builds Data Docs from Jinja templates that load Bootstrap, jQuery, Popper, bootstrap-table,
bootstrap-datepicker, Font Awesome and Vega from CDNs, fetch GX's logo from an S3 bucket with the data
context id in the URL (a beacon), and show `$PARAMETER` for expectation parameters. The office has no
internet. Everything here is GX configuration (the `local_site` entry of `data_docs_sites`), no
editing of built HTML:

* views (`KhlangPageView`, `KhlangIndexPageView`): GX's own view classes whose Jinja loader looks in
  `datadocs/templates/` first. Those templates replace GX's CDN links with the copies in
  `datadocs/static/vendor/` (exact versions, see `datadocs/vendor.py`), drop the S3 logo and the
  newsletter footer, and put Thai titles on the pages; `data_docs_custom_styles.css` is GX's own hook
  for extra CSS. GX's default stylesheet is used without its dark-mode block, the one place it names
  the S3 bucket (a background image).
* `KhlangSiteIndexBuilder`: GX's index builder that also copies `datadocs/static/vendor/` into the
  site's `static/` through GX's static-assets store.
* `KhlangSuitePageRenderer`: suite pages show a Thai label (`PARAMETER_LABELS`) where a run supplies
  the value (the register's school codes, today's date); validation pages show the values used.
* `show_how_to_buttons: false`: no call-to-action footer or walkthrough modal.

Runs are named (`run_name`: "nightly-<date>-<Dagster run id>") instead of GX's `__none__`, through
`run_checkpoint`, the one call `expectations/runner.py` makes. Thai rule messages come from each
expectation's `notes` and `meta.attributes` (`expectations/suites.py`), rendered by GX on suite pages
and as columns of the validation tables.

`make_server(home)` returns a stdlib `ThreadingHTTPServer` serving only the site folder on a loopback
address; `serve(home, host, port)` runs it until interrupted (`khlang serve`).
"""

from __future__ import annotations

import ipaddress
import mimetypes
import os
import sys
from datetime import date, datetime
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from expectations import gx_env  # noqa: F401  (analytics off before GX is imported)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.render.renderer.page_renderer import (
    ExpectationSuitePageRenderer,
)
from great_expectations.render.components import RenderedStringTemplateContent
from great_expectations.render.renderer.content_block.validation_results_table_content_block import (
    ValidationResultsTableContentBlockRenderer,
)
from great_expectations.render.renderer.site_builder import DefaultSiteIndexBuilder
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import ChoiceLoader, FileSystemLoader, FunctionLoader, PackageLoader

from pipelines.config import DATA_DOCS_INDEX, Home

SITE_NAME = "local_site"
HERE = Path(__file__).parent / "datadocs"
TEMPLATES = HERE / "templates"
VENDOR = HERE / "static" / "vendor"

# What a suite page says where a run supplies the value (validation pages show the value itself).
PARAMETER_LABELS = {
    "today": "‹วันที่ของรอบตรวจ (today)›",
}


def parameter_label(name: str) -> str:
    return PARAMETER_LABELS.get(name, f"‹ค่าที่รอบตรวจส่งมา ({name})›")


# ------------------------------------------------------------------ the site's configuration
def site_config() -> dict:
    """The `local_site` entry of GX's `data_docs_sites`: GX's defaults plus Khlang's classes."""
    view = {"module_name": __name__, "class_name": "KhlangPageView"}
    return {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": DATA_DOCS_INDEX.parent.relative_to("gx").as_posix() + "/",
        },
        "site_index_builder": {
            "module_name": __name__,
            "class_name": "KhlangSiteIndexBuilder",
            "view": {"module_name": __name__, "class_name": "KhlangIndexPageView"},
        },
        "site_section_builders": {
            "expectations": {
                "renderer": {"module_name": __name__, "class_name": "KhlangSuitePageRenderer"},
                "view": view,
            },
            "validations": {
                "renderer": {
                    "class_name": "ValidationResultsPageRenderer",
                    "module_name": "great_expectations.render.renderer",
                    "column_section_renderer": {
                        "class_name": "ValidationResultsColumnSectionRenderer",
                        "module_name": "great_expectations.render.renderer.column_section_renderer",
                        "table_renderer": {
                            "module_name": __name__,
                            "class_name": "KhlangValidationResultsTableContentBlockRenderer",
                        },
                    },
                },
                "view": view,
            },
            "profiling": {"view": view},
        },
    }


def configure(ctx: Any) -> None:
    """Point the file context's `local_site` at Khlang's offline site (saved only when it changed)."""
    sites = dict(ctx.variables.data_docs_sites or {})
    wanted = site_config()
    if sites.get(SITE_NAME) != wanted:
        sites[SITE_NAME] = wanted
        ctx.variables.data_docs_sites = sites
        ctx.variables.save()


def run_name(parameters: dict[str, Any] | None = None) -> str:
    """`nightly-<date>-<first 8 of the Dagster run id>` inside a Dagster run, else `khlang-<date>`.

    The date is the run's `today` parameter (the date the rules were checked against). The name is a
    folder of GX's validation store and part of the page's URL, so it has no spaces.
    """
    today = (parameters or {}).get("today") or date.today()
    day = today.date() if isinstance(today, datetime) else today
    dagster_run = None
    if "dagster" in sys.modules:  # never imported here: a worker process validating a batch has no Dagster step
        try:
            dagster_run = sys.modules["dagster"].OpExecutionContext.get().run_id
        except Exception:  # not inside a Dagster step (tests, scripts)
            pass
    return f"nightly-{day.isoformat()}-{dagster_run[:8]}" if dagster_run else f"khlang-{day.isoformat()}"


def run_checkpoint(ctx: Any, checkpoint: Any, **kwargs: Any) -> Any:
    """`checkpoint.run(**kwargs)` with the offline site configured and the run named."""
    configure(ctx)
    name = run_name(kwargs.get("expectation_parameters"))
    return checkpoint.run(run_id=RunIdentifier(run_name=name), **kwargs)


def site_dir(home: Home) -> Path:
    """The folder holding the built site (index.html, expectations/, validations/, static/)."""
    return (home.root / DATA_DOCS_INDEX).parent


# ------------------------------------------------------------------ GX classes named in site_config()
_DARK = "@media (prefers-color-scheme: dark)"


def _gx_styles_without_dark_block(name: str) -> str | None:
    """GX's default stylesheet minus its dark-mode block, which needs a dark Bootstrap theme from a CDN
    and sets the navbar's background to GX's logo on S3."""
    if name != "data_docs_default_styles.css":
        return None
    source = PackageLoader("great_expectations", "render/view/static/styles")
    css = source.get_source(None, name)[0]  # type: ignore[arg-type]
    start = css.find(_DARK)
    if start < 0:
        return css
    depth, i = 0, css.index("{", start)
    for i in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        if depth == 0:
            break
    return css[:start] + css[i + 1:]


class _Offline:
    """Mixin for GX's Jinja views: Khlang's templates first, then GX's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.env.loader = ChoiceLoader(
            [FileSystemLoader(str(TEMPLATES)), FunctionLoader(_gx_styles_without_dark_block), self.env.loader]
        )


class KhlangPageView(_Offline, DefaultJinjaPageView):
    """Suite and validation pages (GX's page.j2 and content blocks) with Khlang's templates first."""


class KhlangIndexPageView(_Offline, DefaultJinjaIndexPageView):
    """The index page with Khlang's templates first."""


class KhlangSiteIndexBuilder(DefaultSiteIndexBuilder):
    """GX's index builder, then the vendored browser libraries into the site's static/vendor/."""

    def build(self, skip_and_clean_missing: bool = True, build_index: bool = True):
        built = super().build(skip_and_clean_missing=skip_and_clean_missing, build_index=build_index)
        backend = self.target_store.store_backends["static_assets"]
        for path in sorted(p for p in VENDOR.rglob("*") if p.is_file()):
            key = ("static", "vendor", *path.relative_to(VENDOR).parts)
            content_type = mimetypes.guess_type(path.name)[0] or _TYPES.get(path.suffix, "application/octet-stream")
            backend.set(key, path.read_bytes(), content_encoding=None, content_type=content_type)
        # GX also copies the template source of its stylesheet (no page links it; pages inline it):
        # the same text without the dark block, so the site names no outside address at all.
        name = "data_docs_default_styles.css"
        backend.set(("static", "styles", name), _gx_styles_without_dark_block(name).encode("utf-8"),
                    content_encoding=None, content_type="text/css")
        return built


def _is_parameter(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"$PARAMETER"}


def _label_parameters(node: Any, seen: set[int] | None = None) -> None:
    """In GX's rendered content, put `parameter_label` where a string template would print a
    `{"$PARAMETER": name}` (`max_value`) or the bare key `$PARAMETER` (an iterated `value_set`)."""
    seen = set() if seen is None else seen
    if id(node) in seen or isinstance(node, (str, bytes, int, float, bool)) or node is None:
        return
    seen.add(id(node))
    if isinstance(node, dict):
        params = node.get("params")
        if "template" in node and isinstance(params, dict):
            names = [v["$PARAMETER"] for v in params.values() if _is_parameter(v)]
            for key, value in list(params.items()):
                if _is_parameter(value):
                    params[key] = parameter_label(str(value["$PARAMETER"]))
                elif value == "$PARAMETER" and len(names) == 1:
                    params[key] = parameter_label(str(names[0]))
        children = list(node.values())
    elif isinstance(node, (list, tuple)):
        children = list(node)
    elif hasattr(node, "__dict__"):
        children = list(vars(node).values())
    else:
        return
    for child in children:
        _label_parameters(child, seen)


SEVERITIES = {"quarantine": "กักกัน (quarantine)", "flag": "แจ้งให้ตรวจสอบ (flag)"}


def rule_notes(meta: dict) -> list[str] | None:
    """The Thai/English rule message of an expectation's Khlang meta, as GX markdown notes."""
    if not meta.get("rule_id"):
        return None
    severity = SEVERITIES.get(meta.get("severity", ""), meta.get("severity", ""))
    return [f"**{meta['rule_id']}** · {severity} — {meta.get('th', '')}  \n_{meta.get('en', '')}_"]


class KhlangSuitePageRenderer(ExpectationSuitePageRenderer):
    """GX's suite page with each rule's Thai/English message (as GX notes, from the expectation's
    meta) and a Thai label instead of `$PARAMETER` (e.g. `{'$PARAMETER': 'today'}`)."""

    def _get_grouped_and_ordered_expectations_by_column(self, expectation_suite, *args, **kwargs):
        # GX hands back fresh ExpectationConfiguration copies: changing them leaves the suite alone.
        columns, ordered = super()._get_grouped_and_ordered_expectations_by_column(expectation_suite, *args, **kwargs)
        for configurations in columns.values():
            for configuration in configurations:
                configuration.notes = configuration.notes or rule_notes(configuration.meta or {})
        return columns, ordered

    def render(self, expectations):
        document = super().render(expectations)
        _label_parameters(document)
        return document


class KhlangValidationResultsTableContentBlockRenderer(ValidationResultsTableContentBlockRenderer):
    """GX's validation table with the rule (ID, severity) and its Thai/English message above each
    expectation. (GX's own `meta_properties_to_render` columns fail in 1.24: the expectation models
    refuse the extra kwarg.)"""

    @classmethod
    def _get_content_block_fn(cls, expectation_type, expectation_config=None):
        row_fn = super()._get_content_block_fn(expectation_type, expectation_config)

        def with_rule(configuration=None, result=None, runtime_configuration=None, **kwargs):
            rows = row_fn(configuration=configuration, result=result,
                          runtime_configuration=runtime_configuration, **kwargs)
            config = getattr(result, "expectation_config", None)
            block = rule_block((config.meta or {}) if config is not None else {})
            if block is not None and rows:
                cell = rows[0][1]  # [status icon, expectation, observed value]
                rows[0][1] = [block, *(cell if isinstance(cell, list) else [cell])]
            return rows

        return with_rule


def rule_block(meta: dict) -> RenderedStringTemplateContent | None:
    """The rule as GX renders strings: `OBEC-03 · กักกัน (quarantine)` (a badge), Thai, English."""
    if not meta.get("rule_id"):
        return None
    severity = SEVERITIES.get(meta.get("severity", ""), meta.get("severity", ""))
    badge = "badge-danger" if meta.get("severity") == "quarantine" else "badge-warning"
    return RenderedStringTemplateContent(
        content_block_type="string_template",
        string_template={
            "template": "$rule $th $en",
            "params": {"rule": f"{meta['rule_id']} · {severity}", "th": str(meta.get("th", "")),
                       "en": str(meta.get("en", ""))},
            "styling": {
                "classes": ["khlang-rule"],
                "params": {
                    "rule": {"classes": ["badge", badge, "khlang-rule-id"]},
                    "th": {"classes": ["khlang-rule-th"], "tag": "span"},
                    "en": {"classes": ["khlang-rule-en", "text-muted"], "tag": "span"},
                },
            },
            "tag": "div",
        },
    )


# ------------------------------------------------------------------ serving the site on localhost
_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".js": "text/javascript", ".css": "text/css",
          ".html": "text/html; charset=utf-8", ".json": "application/json"}
# The pages need nothing from anywhere else: a browser refuses to load from elsewhere even if a
# future GX template names a CDN again. (Inline scripts and styles are how GX builds its pages.)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self' http://localhost:* http://127.0.0.1:*"
)
NO_SITE_YET = (
    "<!DOCTYPE html><html lang=\"th\"><meta charset=\"utf-8\"><title>ยังไม่มีผลตรวจ</title>"
    "<body style=\"font-family: sans-serif; margin: 2rem\"><h1>ยังไม่มีผลตรวจคุณภาพข้อมูล</h1>"
    "<p>Data Docs are built by the nightly run: <code>khlang ingest</code>.</p></body></html>"
)


class DocsHandler(SimpleHTTPRequestHandler):
    """GET/HEAD of files inside the site folder; no directory listings, nothing outside it."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **_TYPES}
    def version_string(self) -> str:
        return "khlang-docs"

    def __init__(self, *args: Any, directory: str, **kwargs: Any) -> None:
        super().__init__(*args, directory=directory, **kwargs)

    def send_head(self):  # noqa: ANN201  (the stdlib's contract: a file object or None)
        site = Path(self.directory)
        if not site.is_dir():
            body = NO_SITE_YET.encode("utf-8")
            self.send_response(HTTPStatus.SERVICE_UNAVAILABLE)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            import io

            return io.BytesIO(body)
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        real, root = os.path.realpath(path), os.path.realpath(site)
        if os.path.commonpath([real, root]) != root or not os.path.isfile(real):
            self.send_error(HTTPStatus.NOT_FOUND, "Not found")
            return None
        return super().send_head()

    def list_directory(self, path):  # noqa: ANN001, ANN201
        self.send_error(HTTPStatus.NOT_FOUND, "Not found")
        return None

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")  # rebuilt by every run
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # quiet: `khlang serve` prints the URL once


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1): the only hosts Data Docs are served on."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_loopback = is_loopback  # the name `khlang serve` first used


def make_server(home: Home, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """A ready server for the Data Docs of `home` on a loopback address (port 0: any free port).

    The caller runs `serve_forever()` (in a thread, or via `serve`) and `server_close()`; the URL is
    `url(server)`. The site may not exist yet: until the first run it answers with a Thai note.
    """
    if not is_loopback(host):
        raise ValueError(f"Data Docs are served on localhost only, not {host!r}")
    handler = partial(DocsHandler, directory=str(site_dir(home)))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{'[' + host + ']' if ':' in str(host) else host}:{port}/"


def serve(home: Home, host: str = "127.0.0.1", port: int = 0) -> None:
    """Serve the Data Docs of `home` until interrupted."""
    server = make_server(home, host, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()


def build(home: Home) -> Path:
    """Rebuild the whole site of `home` from GX's stores (suites and kept results); return index.html.

    The nightly run builds it through its checkpoints; this is for a data root whose site was built
    before (or by a GX without Khlang's configuration).
    """
    import great_expectations as gx

    ctx = gx.get_context(mode="file", project_root_dir=str(home.root))
    configure(ctx)
    ctx.build_data_docs(site_names=[SITE_NAME])
    return home.root / DATA_DOCS_INDEX
