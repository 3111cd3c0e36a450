"""`khlang serve` for real: it starts without re-running published work, and SIGTERM or Ctrl+C (SIGINT)
stops every process it started, freeing both ports."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import dagster as dg
import pytest

from assets.automation import landing_sensor
from assets.resources import KhlangHome
from pipelines.cli.serve import descendants, port_answers, port_free
from pipelines.config import home
from pipelines.landing import fingerprint

KHLANG = Path(sys.executable).parent / "khlang"
START_TIMEOUT = 180  # dagster dev imports the code location twice; 2 shared cores


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


class Serve:
    """A real `khlang serve` on free ports over `root`, its output collected line by line."""

    def __init__(self, root: Path):
        self.ports = (_free_port(), _free_port(), _free_port())
        env = {**os.environ, "KHLANG_HOME": str(root), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [str(KHLANG), "serve", "--dagster-port", str(self.ports[0]), "--streamlit-port", str(self.ports[1]),
             "--docs-port", str(self.ports[2])],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, what, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"khlang serve exited early:\n{self.output()[-3000:]}"
            if what():
                return
            time.sleep(0.5)
        raise AssertionError(f"timed out:\n{self.output()[-3000:]}")

    def stop(self, sig: int) -> tuple[int, dict[int, str]]:
        tree = descendants(self.proc.pid)
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=60), tree

    def kill(self) -> None:  # a failed test must not leave a server behind
        if self.proc.poll() is None:
            for pid in descendants(self.proc.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self.proc.kill()
            self.proc.wait()


def _assert_all_stopped(s: Serve, code: int, tree: dict[int, str], sig: int) -> None:
    assert code == 0, s.output()[-3000:]
    assert len(tree) >= 4, f"dagster dev, its webserver and daemon, Streamlit: {tree}"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in tree):
        time.sleep(0.1)
    assert [p for p in tree if _alive(p)] == [], "every process serve started is gone"
    for port in s.ports:
        assert port_free("127.0.0.1", port), f"port {port} is free again"
    out = s.output()
    assert signal.Signals(sig).name in out and "stopped; ports released" in out


@pytest.mark.slow
def test_serve_skips_published_work_and_sigterm_stops_everything(demo_home, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(demo_home.root, root)
    instance = dg.DagsterInstance.from_config(str(root / "dagster_home"))
    runs_before = instance.get_runs_count()
    s = Serve(root)
    try:
        s.wait_for(lambda: all(port_answers("127.0.0.1", p) for p in s.ports))
        with urllib.request.urlopen(f"http://127.0.0.1:{s.ports[2]}/", timeout=10) as page:  # the demo's site
            assert page.status == 200 and b"<html" in page.read().lower()
        streamlit = [pid for pid in descendants(s.proc.pid)
                     if b"streamlit" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        env = dict(kv.split(b"=", 1) for kv in Path(f"/proc/{streamlit[0]}/environ").read_bytes().split(b"\0") if b"=" in kv)
        assert env[b"KHLANG_DOCS_URL"] == f"http://127.0.0.1:{s.ports[2]}/".encode(), "the dashboards link the served site"
        assert env[b"TZ"] in (b"Asia/Bangkok", b"<+07>-7"), "children log in Bangkok time"
        s.wait_for(lambda: "landing_sensor skipped" in s.output())
        assert "landing folder unchanged since v0001 was published from it" in s.output()
        time.sleep(2)
        assert instance.get_runs_count() == runs_before, "serve started no run over already published files"
        code, tree = s.stop(signal.SIGTERM)
    finally:
        s.kill()
    _assert_all_stopped(s, code, tree, signal.SIGTERM)


@pytest.mark.slow
def test_ctrl_c_stops_everything(tmp_path):
    (tmp_path / "landing").mkdir()
    s = Serve(tmp_path)
    try:
        s.wait_for(lambda: all(port_answers("127.0.0.1", p) for p in s.ports))
        s.wait_for(lambda: "ready" in s.output(), timeout=10)
        code, tree = s.stop(signal.SIGINT)
    finally:
        s.kill()
    _assert_all_stopped(s, code, tree, signal.SIGINT)


def test_serve_refuses_a_busy_port_naming_it(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run([str(KHLANG), "serve", "--dagster-port", str(port), "--streamlit-port", str(_free_port())],
                           env={**os.environ, "KHLANG_HOME": str(tmp_path)}, capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 2 and f"Dagster (--dagster-port) {port}" in r.stderr
    assert "port already in use" in r.stderr and "พอร์ต" in r.stderr


@pytest.mark.slow
def test_sensor_first_tick_compares_with_what_the_published_version_read(demo_home, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(demo_home.root, root)
    resources = {"khlang": KhlangHome(root=str(root))}
    with dg.DagsterInstance.from_config(str(root / "dagster_home")) as instance:
        with dg.build_sensor_context(instance=instance, resources=resources) as ctx:
            skipped = landing_sensor(ctx)
            assert isinstance(skipped, dg.SkipReason) and "v0001" in skipped.skip_message
            assert ctx.cursor == fingerprint(home(root)), "seeded: later ticks compare with it"
        (root / "landing" / "new_school.csv").write_bytes(b"x")
        with dg.build_sensor_context(instance=instance, resources=resources) as ctx:
            request = landing_sensor(ctx)
            assert isinstance(request, dg.RunRequest), "a file landed since v0001: run"
            assert ctx.cursor == fingerprint(home(root))
