"""Named pause points where the crash tests stop a real run, so a SIGKILL lands exactly there.

`KHLANG_PAUSE_AT=<name>` makes the run that reaches `pause_point(name)` write
`$KHLANG_HOME/state/paused-at-<name>` (holding its pid) and sleep; the test then kills the process from
outside. Without the variable a pause point costs one dictionary lookup.
"""

from __future__ import annotations

import os
import time

from pipelines.config import home

ENV = "KHLANG_PAUSE_AT"
MAX_PAUSE_SECONDS = 300  # a forgotten variable must not hang a run for ever


def pause_point(name: str) -> None:
    if os.environ.get(ENV) != name:
        return
    h = home()
    h.state.mkdir(parents=True, exist_ok=True)
    (h.state / f"paused-at-{name}").write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(MAX_PAUSE_SECONDS)
