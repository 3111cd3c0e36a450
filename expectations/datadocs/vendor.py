"""The browser libraries GX's Data Docs templates reference, kept beside the templates (no CDN).

GX 1.24.1's Jinja templates load Bootstrap, jQuery, Popper, bootstrap-table (+ filter-control),
bootstrap-datepicker and Font Awesome from five CDNs. The office has no internet, so the exact versions
those templates name are kept in `static/vendor/` here (minified files and each package's licence,
~0.8 MB) and copied into the Data Docs site on every build (`expectations/docs.py`).

Why committed rather than installed: the office machine reaches PyPI once (`python3 dev.py`), never npm,
and PyPI has only two of them at these versions (xstatic-jquery 3.7.1; fontawesomefree 6.6.0, a 25 MB
wheel for 0.3 MB of CSS and fonts); Bootstrap 4.3.1, Popper 1.12.9, bootstrap-table 1.19.1 and
bootstrap-datepicker 1.9.0 exist only on npm. Vega (GX loads it for profiling charts, which Khlang's
suites never render) and the optional dark theme (@forevolve/bootstrap-dark) are left out.

`python -m expectations.datadocs.vendor` re-fetches them with `npm pack` (a developer machine with npm)
and rewrites `vendor.json`; `tests/expectations/test_docs.py` checks every file against its sha256.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
MANIFEST = HERE / "vendor.json"

# npm package@version (as GX's templates reference them) -> {file in the package: path under static/vendor/}
PACKAGES: dict[str, dict[str, str]] = {
    "jquery@3.7.1": {
        "dist/jquery.min.js": "jquery/jquery.min.js",
        "LICENSE.txt": "jquery/LICENSE.txt",
    },
    "popper.js@1.12.9": {
        "dist/umd/popper.min.js": "popper/popper.min.js",
        "README.md": "popper/README.md",  # the MIT licence is stated in the README and the file header
    },
    "bootstrap@4.3.1": {
        "dist/css/bootstrap.min.css": "bootstrap/css/bootstrap.min.css",
        "dist/js/bootstrap.min.js": "bootstrap/js/bootstrap.min.js",
        "LICENSE": "bootstrap/LICENSE",
    },
    # GX names 1.19.0 for the filter-control CSS and 1.19.1 for everything else; 1.19.1 is used for both.
    "bootstrap-table@1.19.1": {
        "dist/bootstrap-table.min.css": "bootstrap-table/bootstrap-table.min.css",
        "dist/bootstrap-table.min.js": "bootstrap-table/bootstrap-table.min.js",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
            "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.css",
        "dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
            "bootstrap-table/extensions/filter-control/bootstrap-table-filter-control.min.js",
        "LICENSE": "bootstrap-table/LICENSE",
    },
    "bootstrap-datepicker@1.9.0": {
        "dist/css/bootstrap-datepicker.min.css": "bootstrap-datepicker/css/bootstrap-datepicker.min.css",
        "dist/js/bootstrap-datepicker.min.js": "bootstrap-datepicker/js/bootstrap-datepicker.min.js",
        "LICENSE": "bootstrap-datepicker/LICENSE",
    },
    # The CSS asks for woff2 first, so browsers never fetch the .ttf fallbacks; brands and the v4 shims
    # are not used by GX's pages.
    "@fortawesome/fontawesome-free@6.6.0": {
        "css/all.min.css": "fontawesome/css/all.min.css",
        "webfonts/fa-solid-900.woff2": "fontawesome/webfonts/fa-solid-900.woff2",
        "webfonts/fa-regular-400.woff2": "fontawesome/webfonts/fa-regular-400.woff2",
        "LICENSE.txt": "fontawesome/LICENSE.txt",
    },
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest() -> dict:
    """{"packages": {pkg@ver: {"integrity": npm's sha512, "files": {dest: sha256}}}}."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def files() -> list[Path]:
    """Every vendored file, as listed in the manifest."""
    return [VENDOR / dest for pkg in manifest()["packages"].values() for dest in pkg["files"]]


def refresh() -> None:
    """Fetch every package with `npm pack`, copy the listed files, rewrite vendor.json."""
    out: dict = {"source": "npm pack <package>@<version>", "packages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for spec, wanted in PACKAGES.items():
            info = json.loads(subprocess.run(["npm", "pack", spec, "--json"], cwd=tmp, check=True,
                                             capture_output=True, text=True).stdout)[0]
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                entry = {"integrity": info["integrity"], "files": {}}
                for src, dest in wanted.items():
                    data = tar.extractfile(f"package/{src}").read()
                    target = VENDOR / dest
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    entry["files"][dest] = hashlib.sha256(data).hexdigest()
                out["packages"][spec] = entry
            print(f"{spec}: {len(wanted)} files", file=sys.stderr)
    MANIFEST.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    refresh()
