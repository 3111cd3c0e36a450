"""pipelines/national/engine.py: one office's problem is reported as that office's, not raised."""

from __future__ import annotations

import subprocess
import sys
import time

from pipelines.national.engine import map_on, night
from pipelines.national.layout import create, office_root

HOLD = """
import sys, time
from pathlib import Path
from pipelines.config import Home
from pipelines.runlock import run_lock
with run_lock(Home(Path(sys.argv[1])), command="test"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_night_that_cannot_run_is_reported_with_its_office(tmp_path):
    create(tmp_path, ["4001"])
    root = office_root(tmp_path, "4001").resolve()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.perf_counter()
        [n] = map_on(None, night, [str(root)], ["4001"])  # no client: here
        assert time.perf_counter() - started < 60
    finally:
        holder.kill()
        holder.wait()
    assert n["office"] == "4001" and n["success"] is False
    assert n["error"].startswith("RunLocked") and n["published_version"] is None and n["rows"] == 0
