#!/usr/bin/env python3
"""Khlang developer entry point: fresh machine -> working environment in one command.

Standard library only; needs nothing but Python 3.11+ (and, for the browser tests,
Debian's apt, which it drives itself when run as root).

    python3 dev.py demo [args]     set up .venv, then run `khlang demo [args]`
    python3 dev.py test [args]     set up .venv + Chromium/Thai fonts, then `pytest [args]`
    python3 dev.py serve [args]    set up .venv, then run `khlang serve [args]`
    python3 dev.py shell [cmd..]   set up .venv, then a shell (or cmd) with .venv on PATH
    python3 dev.py setup           only set up .venv
    python3 dev.py lock [args]     regenerate requirements.lock (extra args go to uv, e.g. --upgrade)

Setup = create .venv (python -m venv) when missing, then install requirements.lock and the
project (editable, --no-deps) with uv, falling back to pip. The install runs only when
requirements.lock, pyproject.toml or the interpreter changed since the last one (a sha256
stamp in .venv/). No browser is ever downloaded: tests use Debian's /usr/bin/chromium.

`demo`, `serve`, `shell` and `setup` also put a small `khlang` launcher (a 3-line sh script running
.venv/bin/khlang) in ~/.local/bin or ~/bin when one of them is already on PATH, so `khlang ...` works in
any shell afterwards; they never change PATH or a shell's startup files. Without such a folder (or with
KHLANG_NO_LAUNCHER=1) the demo prints the `source .venv/bin/activate` line to type instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
VENV_PY = BIN / ("python.exe" if os.name == "nt" else "python")
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
STAMP = VENV / ".khlang-install.json"

UV_VERSION = "0.13.9"
LOCK_PYTHON = "3.11"
# One lock for everything: requirements.lock pins `.[test]`, so `demo` and `test` share .venv.
LOCK_CMD = [
    "pip", "compile", "pyproject.toml", "--extra", "test",
    "--python-version", LOCK_PYTHON,
    "--no-emit-index-url", "--no-emit-find-links",
    "--custom-compile-command", "python3 dev.py lock",
    "-o", "requirements.lock",
]
LOCK_HEADER = (
    "# Khlang: the fully pinned dependency tree of `.[test]` (Python {py}), resolved from PyPI.\n"
    "# Regenerate with `python3 dev.py lock` (add `--upgrade` to move every pin), which runs:\n"
    "#    uv=={uv} pip compile pyproject.toml --extra test --python-version {py} \\\n"
    "#        --no-emit-index-url --no-emit-find-links -o requirements.lock\n"
    "# Keep it free of local index URLs, file:// paths and hashes.\n"
).format(py=LOCK_PYTHON, uv=UV_VERSION)

CHROMIUM = Path("/usr/bin/chromium")
APT_PACKAGES = ["chromium", "fonts-thai-tlwg", "fontconfig"]
THAI_FONT_WORDS = ("garuda", "loma", "norasi", "kinnari", "tlwg")


# ------------------------------------------------------------------ helpers
def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def die(msg: str, code: int = 1) -> NoReturn:
    print(f"[dev] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def child_env() -> dict[str, str]:
    """Environment passed on to everything run inside .venv."""
    env = dict(os.environ)
    # The PATH the user's own shell has (before .venv/bin is put first): `khlang demo` looks there to
    # say whether plain `khlang` will work after it, or which activation line to type.
    env.setdefault("KHLANG_USER_PATH", env.get("PATH", ""))
    env["GX_ANALYTICS_ENABLED"] = "false"
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    return env


def run(cmd: list[str], **kw) -> int:
    return subprocess.call([str(c) for c in cmd], **kw)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "missing"


# ------------------------------------------------------------------ venv
def venv_python_ok() -> bool:
    if not VENV_PY.exists():
        return False
    try:
        return subprocess.call([str(VENV_PY), "-c", "import sys"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL) == 0
    except OSError:
        return False


def ensure_venv() -> None:
    if venv_python_ok():
        return
    if VENV.exists():
        say(f"{VENV.name} is broken (its python does not run); recreating it")
        shutil.rmtree(VENV)
    say(f"creating {VENV.name} with {sys.executable} (Python {sys.version.split()[0]})")
    if run([sys.executable, "-m", "venv", VENV]) != 0:
        die("python -m venv failed (on Debian: apt-get install python3-venv)")


def ensure_uv() -> Path | None:
    """uv inside .venv at the pinned version, or None when it can't be had."""
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    if uv.exists():
        out = subprocess.run([str(uv), "--version"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.split()[1:2] == [UV_VERSION]:
            return uv
    say(f"installing uv=={UV_VERSION} into {VENV.name}")
    rc = run([VENV_PY, "-m", "pip", "install", "-q", "--disable-pip-version-check",
              f"uv=={UV_VERSION}"])
    return uv if rc == 0 and uv.exists() else None


def wanted_stamp() -> dict[str, str]:
    out = subprocess.run([str(VENV_PY), "-c", "import sys; print(sys.version)"],
                         capture_output=True, text=True)
    return {
        "requirements.lock": sha256(LOCK),
        "pyproject.toml": sha256(PYPROJECT),
        "python": out.stdout.strip(),
        "bytecode": "compiled at install",  # venvs set up before that was done get it now
    }


def install() -> None:
    if not LOCK.exists():
        die(f"{LOCK.name} is missing; run `python3 dev.py lock` first")
    t0 = time.monotonic()
    uv = ensure_uv()
    ok = False
    if uv is not None:
        say(f"installing {LOCK.name} with uv")
        # --compile-bytecode: pip compiles what it installs, uv does not by default; without .pyc files
        # every process (each CLI call, worker, test subprocess) compiles Dagster, GX and the rest again
        # (4 s more per start here, where PYTHONDONTWRITEBYTECODE is set and nothing caches them).
        ok = (run([uv, "pip", "install", "--compile-bytecode", "--python", VENV_PY, "-r", LOCK], cwd=ROOT) == 0
              and run([uv, "pip", "install", "--python", VENV_PY, "--no-deps", "-e", "."],
                      cwd=ROOT) == 0)
        if not ok:
            say("uv install failed; falling back to pip")
    else:
        say("uv unavailable; falling back to pip")
    if not ok:
        ok = (run([VENV_PY, "-m", "pip", "install", "--disable-pip-version-check",
                   "-r", LOCK], cwd=ROOT) == 0
              and run([VENV_PY, "-m", "pip", "install", "--disable-pip-version-check",
                       "--no-deps", "-e", "."], cwd=ROOT) == 0)
    if not ok:
        die("dependency install failed (see the output above)")
    STAMP.write_text(json.dumps(wanted_stamp(), indent=2) + "\n")
    say(f"dependencies installed in {time.monotonic() - t0:.1f}s")


def setup() -> None:
    ensure_venv()
    try:
        have = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        have = None
    if have != wanted_stamp():
        install()
    else:
        say(f"{VENV.name} is up to date with {LOCK.name}")


# ------------------------------------------------------------------ launcher
LAUNCHER_MARK = "# khlang launcher written by `python3 dev.py`"


def launcher_dir() -> Path | None:
    """~/.local/bin or ~/bin when the user's PATH already holds it (created if missing), else None."""
    if os.name == "nt" or os.environ.get("KHLANG_NO_LAUNCHER"):
        return None
    on_path = {os.path.realpath(os.path.expanduser(d))
               for d in os.environ.get("KHLANG_USER_PATH", os.environ.get("PATH", "")).split(os.pathsep) if d}
    for d in (Path.home() / ".local" / "bin", Path.home() / "bin"):
        if os.path.realpath(d) in on_path:
            return d
    return None


def ensure_launcher() -> Path | None:
    """Write (or refresh) the `khlang` launcher of this checkout; returns its path, or None."""
    d = launcher_dir()
    if d is None:
        return None
    target = d / "khlang"
    text = (f"#!/bin/sh\n{LAUNCHER_MARK} (checkout {ROOT}); delete this file to remove it.\n"
            f"exec '{BIN / 'khlang'}' \"$@\"\n")
    try:
        if target.exists() or target.is_symlink():
            old = target.read_text(errors="replace") if target.is_file() else ""
            if LAUNCHER_MARK not in old:
                say(f"{target} exists and is not Khlang's launcher; leaving it alone")
                return None
            if old == text:
                return target
        d.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        target.chmod(0o755)
    except OSError as exc:
        say(f"could not write the khlang launcher {target}: {exc}")
        return None
    say(f"`khlang` launcher: {target} -> {BIN / 'khlang'}")
    return target


# ------------------------------------------------------------------ system packages
def thai_fonts_present() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list"], capture_output=True, text=True).stdout.lower()
    return any(word in out for word in THAI_FONT_WORDS)


def ensure_browser() -> None:
    """Debian chromium + Thai fonts for the browser tests; never a Playwright download."""
    missing = []
    if not CHROMIUM.exists():
        missing.append("chromium")
    if not thai_fonts_present():
        missing.append("Thai fonts (fonts-thai-tlwg)")
    if not missing:
        return
    install_cmd = "apt-get install -y --no-install-recommends " + " ".join(APT_PACKAGES)
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if is_root and shutil.which("apt-get"):
        say(f"missing {', '.join(missing)}: installing {' '.join(APT_PACKAGES)} with apt-get")
        t0 = time.monotonic()
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        rc = run(["apt-get", "update"], env=env)
        if rc == 0:
            rc = run(["apt-get", "install", "-y", "--no-install-recommends", *APT_PACKAGES],
                     env=env)
        say(f"apt-get finished in {time.monotonic() - t0:.1f}s (exit {rc})")
        if rc == 0 and CHROMIUM.exists() and thai_fonts_present():
            return
        msg = "apt-get could not install chromium and the Thai fonts"
    else:
        msg = (f"missing {', '.join(missing)}. Install them with:\n"
               f"    sudo apt-get update && sudo {install_cmd}")
    if in_ci():
        die(msg + "\nCI=true: browser tests must not be skipped, so stopping here.")
    say(f"WARNING: {msg}\n[dev] continuing: browser tests will skip themselves.")


# ------------------------------------------------------------------ commands
def exec_in_venv(argv: list[str]) -> NoReturn:
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(ROOT)
    exe = argv[0] if os.sep in argv[0] else (shutil.which(argv[0], path=child_env()["PATH"])
                                              or argv[0])
    try:
        os.execve(exe, argv, child_env())
    except OSError as exc:
        die(f"cannot run {argv[0]}: {exc}")


def cmd_khlang(sub: str, args: list[str]) -> None:
    setup()
    ensure_launcher()
    khlang = BIN / "khlang"
    if not khlang.exists():
        die(f"{khlang} is missing: the editable install of the project did not create it")
    exec_in_venv([str(khlang), sub, *args])


# One worker per core (up to four), each test module whole on one worker so that its module fixtures are
# built once (README, Development: the measured suite times). `-n 0` runs it in one process.
PARALLEL = ["-n", "auto", "--maxprocesses", "4", "--dist", "loadfile"]


def pytest_args(args: list[str]) -> list[str]:
    """The user's pytest arguments, run in parallel unless they chose otherwise (or debug with --pdb)."""
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist", "--pdb", "--trace")) or a == "no:xdist"
                 for a in args)
    return args if chosen else [*PARALLEL, *args]


def cmd_test(args: list[str]) -> int:
    setup()
    ensure_browser()
    args = pytest_args(args)
    say("running pytest " + " ".join(args))
    rc = run([VENV_PY, "-m", "pytest", *args], cwd=ROOT, env=child_env())
    if rc == 5:
        print("[dev] ERROR: pytest collected no tests (exit 5); counting that as a failure",
              file=sys.stderr)
    return rc


def cmd_shell(args: list[str]) -> None:
    setup()
    ensure_launcher()
    if args:
        exec_in_venv(args)
    shell = os.environ.get("SHELL") or "/bin/sh"
    say(f"starting {shell} with {VENV.name} active (exit to leave)")
    exec_in_venv([shell])


def cmd_lock(args: list[str]) -> int:
    ensure_venv()
    uv = ensure_uv()
    if uv is None:
        die(f"could not install uv=={UV_VERSION}")
    say("resolving requirements.lock with uv")
    rc = run([uv, *LOCK_CMD, *args], cwd=ROOT)
    if rc != 0:
        return rc
    text = LOCK.read_text()
    bad = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")
           and ("file://" in ln or ln.startswith(("--index-url", "--extra-index-url",
                                                "--find-links", "-f ", "-i ")))]
    if bad:
        die("requirements.lock names local indexes or paths:\n  " + "\n  ".join(bad))
    if not text.startswith(LOCK_HEADER):
        LOCK.write_text(LOCK_HEADER + text)
    say("requirements.lock written; `python3 dev.py setup` installs it")
    return 0


USAGE = __doc__.split("\n\n")[2]


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):
        die(f"Python 3.11+ is required, this is {sys.version.split()[0]} ({sys.executable})")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0 if argv else 2
    cmd, args = argv[0], argv[1:]
    if cmd in {"demo", "serve"}:
        cmd_khlang(cmd, args)
    elif cmd == "test":
        return cmd_test(args)
    elif cmd == "shell":
        cmd_shell(args)
    elif cmd == "setup":
        setup()
        if ensure_launcher() is None:
            say(f"to use `khlang` in this shell:  source {shlex.quote(str(BIN / 'activate'))}")
        return 0
    elif cmd == "lock":
        return cmd_lock(args)
    print(f"unknown command {cmd!r}\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
