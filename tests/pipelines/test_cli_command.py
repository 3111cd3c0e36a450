"""`khlang` as a console script (pipelines.cli.command): its exit skips the interpreter's teardown, not
what an exit owes others: exit handlers, finalizers, every line of output, the exit code, running threads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = """
import atexit, logging, sys, threading, time, weakref
from pathlib import Path
import pipelines.cli as cli

out = Path(sys.argv[1])
log = logging.getLogger("khlang-test")
handler = logging.FileHandler(out / "log.txt", delay=True)
log.addHandler(handler)

class Held:
    pass

held = Held()
weakref.finalize(held, (out / "finalized.txt").write_text, "yes")

def main():
    atexit.register((out / "atexit.txt").write_text, "ran")
    log.warning("บันทึก / logged")
    for i in range(200_000):
        print(f"แถว {i} / row {i}")
    if sys.argv[2] == "thread":  # still running when main returns
        threading.Thread(target=lambda: (time.sleep(0.5), (out / "thread.txt").write_text("done"))).start()
    return 3

cli.main = main
sys.exit(cli.command())
"""


def _run(tmp_path: Path, mode: str) -> subprocess.CompletedProcess:
    script = tmp_path / "command.py"
    script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # output buffered, as usually
    return subprocess.run([sys.executable, str(script), str(tmp_path), mode], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120, check=False)


def test_the_command_exits_with_its_code_every_line_and_every_exit_handler_run(tmp_path):
    r = _run(tmp_path, "plain")
    assert r.returncode == 3, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 200_000 and lines[-1] == "แถว 199999 / row 199999"
    assert (tmp_path / "atexit.txt").read_text() == "ran"
    assert (tmp_path / "finalized.txt").read_text() == "yes"
    assert (tmp_path / "log.txt").read_text(encoding="utf-8") == "บันทึก / logged\n"


def test_a_thread_still_running_is_waited_for(tmp_path):
    r = _run(tmp_path, "thread")
    assert r.returncode == 3, r.stderr
    assert (tmp_path / "thread.txt").read_text() == "done"
    assert (tmp_path / "atexit.txt").read_text() == "ran"
