"""Headless Debian Chromium for browser tests (no fixtures; import and call).

Playwright drives the system browser at /usr/bin/chromium (Debian package `chromium`,
installed by `python3 dev.py test`); nothing is ever downloaded (`playwright install` is
never run). Thai text needs Debian's `fonts-thai-tlwg`, installed alongside it.

    from playwright.sync_api import sync_playwright
    from tests.browser import launch_chromium, require_chromium

    def test_page():
        require_chromium()            # skip locally when absent; fail under CI=true
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                page = browser.new_page()
                page.goto("http://127.0.0.1:8501")
                page.screenshot(path="shot.png")
            finally:
                browser.close()

Import it as `tests.browser` (works under `python -m pytest` from the repo root, which is how
dev.py runs it, with or without tests/__init__.py). Don't also import it as plain `browser`:
that loads a second copy of the module.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM_PATH = "/usr/bin/chromium"

# Without the background-networking flags Chromium keeps dialling Google hosts, which this
# machine's closed network refuses; --no-sandbox because tests run as root here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SKIP_REASON = (
    f"{CHROMIUM_PATH} not found: run `python3 dev.py test` as root, or "
    "`sudo apt-get install -y --no-install-recommends chromium fonts-thai-tlwg fontconfig`"
)


def chromium_available() -> bool:
    """True when Debian's Chromium is installed at /usr/bin/chromium."""
    return Path(CHROMIUM_PATH).exists()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_chromium() -> None:
    """Skip the calling test when Chromium is absent; under CI=true fail instead of skipping."""
    if chromium_available():
        return
    import pytest

    if in_ci():
        pytest.fail(SKIP_REASON + " (CI=true: browser tests must not skip)", pytrace=False)
    pytest.skip(SKIP_REASON)


def launch_chromium(playwright: Any, *, headless: bool = True, extra_args: list[str] | None = None,
                    **kwargs: Any):
    """Launch headless /usr/bin/chromium through a sync or async Playwright object.

    Returns playwright.chromium.launch(...) (a Browser, or an awaitable under async Playwright).
    Extra keyword arguments (slow_mo, timeout, env, ...) go to launch() unchanged.
    """
    return playwright.chromium.launch(
        executable_path=CHROMIUM_PATH,
        headless=headless,
        args=[*CHROMIUM_ARGS, *(extra_args or [])],
        **kwargs,
    )


def offline_context(browser: Any, outside: list[str], **kwargs: Any):
    """A Thai, 1440-wide browser context in which every request leaving 127.0.0.1 is refused and written
    to `outside`: the office's machines are offline, so nothing a page needs may come from the internet."""
    from urllib.parse import urlsplit

    context = browser.new_context(**{"viewport": {"width": 1440, "height": 1000}, "locale": "th-TH", **kwargs})

    def only_localhost(route) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_localhost)
    return context
