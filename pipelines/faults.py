"""Named pause points where the crash tests stop a real run, so a SIGKILL lands exactly there.

`KHLANG_PAUSE_AT=<name>` makes the run that reaches `pause_point(name)` write
`$KHLANG_HOME/state/paused-at-<name>` (`marker`) (holding its pid) and sleep; the test then kills the process from
outside. Without the variable a pause point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from pipelines.config import Home, home

ENV = "KHLANG_PAUSE_AT"
MAX_PAUSE_SECONDS = 300  # a forgotten variable must not hang a run for ever


def marker(h: Home, name: str) -> Path:
    """The file a run paused at `name` writes (names hold `/` and `:`, file names do not)."""
    return h.state / ("paused-at-" + re.sub(r"[^\w.-]", "_", name))


def pause_point(name: str) -> None:
    if os.environ.get(ENV) != name:
        return
    h = home()
    h.state.mkdir(parents=True, exist_ok=True)
    marker(h, name).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(MAX_PAUSE_SECONDS)
