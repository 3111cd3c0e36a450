"""dev.py's `khlang` launcher: on a PATH folder the user already has, never over someone else's file,
and it runs this checkout's khlang from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import dev
from pipelines.cli.demo import how_to_run_khlang


@pytest.fixture
def user(tmp_path, monkeypatch):
    """A user whose home is tmp_path, with ~/.local/bin on PATH (not yet created)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("KHLANG_NO_LAUNCHER", raising=False)
    bindir = tmp_path / ".local" / "bin"
    monkeypatch.setenv("KHLANG_USER_PATH", os.pathsep.join([str(bindir), "/usr/bin", "/bin"]))
    return bindir


def test_launcher_runs_this_checkouts_khlang_from_any_folder(user, tmp_path, monkeypatch):
    launcher = dev.ensure_launcher()
    assert launcher == user / "khlang" and os.access(launcher, os.X_OK)
    assert str(dev.BIN / "khlang") in launcher.read_text()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "KHLANG_HOME"}
    env["PATH"] = os.pathsep.join([str(user), "/usr/bin", "/bin"])  # no .venv/bin: only the launcher
    r = subprocess.run(["khlang", "--help"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0 and r.stdout.startswith("usage: khlang"), r.stderr
    assert dev.ensure_launcher() == launcher, "idempotent"
    # the demo then says plain `khlang` works in any shell
    command, lines = how_to_run_khlang()
    assert command == "khlang" and "works in any shell" in lines[0] and "activate" not in "\n".join(lines)


def test_launcher_never_replaces_a_file_it_did_not_write(user):
    user.mkdir(parents=True)
    theirs = user / "khlang"
    theirs.write_text("#!/bin/sh\necho someone else's khlang\n")
    assert dev.ensure_launcher() is None
    assert theirs.read_text() == "#!/bin/sh\necho someone else's khlang\n"


def test_without_a_path_folder_the_demo_prints_the_activation_line(user, monkeypatch):
    monkeypatch.setenv("KHLANG_USER_PATH", os.pathsep.join(["/usr/bin", "/bin"]))
    assert dev.ensure_launcher() is None and not (user / "khlang").exists()
    _, lines = how_to_run_khlang()
    assert f"source {Path(sys.prefix, 'bin', 'activate')}" in "\n".join(lines)


def test_the_test_command_runs_on_every_core_unless_told_otherwise():
    assert dev.pytest_args([]) == dev.PARALLEL
    assert dev.pytest_args(["-k", "cells"]) == [*dev.PARALLEL, "-k", "cells"]
    for own in (["-n", "0"], ["-n2"], ["--numprocesses=3"], ["--pdb"], ["-p", "no:xdist"]):
        assert dev.pytest_args(own) == own, own


def test_the_parallel_options_are_ones_the_pinned_pytest_xdist_knows(tmp_path):
    """pytest itself parses the options: a worker's run of one passing test says so and exits 0."""
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert True\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", *dev.PARALLEL, "-q", "-p", "no:cacheprovider",
                           str(tmp_path / "test_one.py")], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
