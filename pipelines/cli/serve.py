"""`khlang serve`: the Dagster UI, the dashboards and the Data Docs on this machine, until Ctrl+C or SIGTERM.

The GX Data Docs site is served from this process (`expectations.docs`, a thread, localhost only) on
--docs-port, and Streamlit is told its URL ($KHLANG_DOCS_URL). The Dagster UI has no login, so it listens
on 127.0.0.1 whatever --host the dashboards get (which ask for a login: dashboards/access.py), unless
--dagster-host names another address (README: behind the office's login only).

Each child (`dagster dev`, which starts its own webserver, daemon and code servers; Streamlit) runs in a
session and process group of its own. On Ctrl+C, SIGTERM or SIGHUP, or when one child stops, every
group gets SIGTERM, then SIGKILL after a grace period, and so does any descendant that left its group;
`khlang serve` returns only when all of them are gone, so both ports are free again.

The children's local time is Bangkok time (TZ), so their log timestamps read as the pages do.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipelines.cli.output import bangkok_tz_env
from pipelines.cli.output import out as _out
from pipelines.config import ENV_DOCS_URL, ENV_HOME, home

GRACE_SECONDS = 15.0  # dagster dev shuts its webserver, daemon and code servers down in a few seconds


class _Stop(Exception):
    def __init__(self, signum: int):
        self.signum = signum


def _on_signal(signum, frame):
    raise _Stop(signum)


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# --- the process tree (Linux /proc; elsewhere only the process groups are used) ------------------------


def _proc_stat(pid: int) -> tuple[int, int, str] | None:
    """(ppid, pgid, start time) of a live process, from /proc; None when it is gone (or a zombie)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    if fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[2]), fields[19]


def descendants(pid: int) -> dict[int, str]:
    """Every live descendant of `pid` (pid -> start time, so a reused pid is not mistaken for it)."""
    children: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else []:
        if entry.name.isdigit():
            st = _proc_stat(int(entry.name))
            if st is not None:
                children.setdefault(st[0], []).append(int(entry.name))
                starts[int(entry.name)] = st[2]
    found, todo = {}, list(children.get(pid, []))
    while todo:
        p = todo.pop()
        if p not in found:
            found[p] = starts[p]
            todo.extend(children.get(p, []))
    return found


def _alive(pid: int, start: str | None) -> bool:
    st = _proc_stat(pid)
    if st is not None:
        return start is None or st[2] == start
    if not Path("/proc/self/stat").exists():  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop_all(children: list[subprocess.Popen], grace: float = GRACE_SECONDS) -> None:
    """SIGTERM to every child's process group and every descendant, SIGKILL to what is left after
    `grace` seconds; returns when none of them is alive."""
    tree: dict[int, str | None] = {}
    for p in children:
        tree[p.pid] = None
        tree.update(descendants(p.pid))
    groups = [p.pid for p in children]  # each child leads its own session and group

    def signal_all(sig: int) -> None:
        for g in groups:
            try:
                os.killpg(g, sig)
            except (ProcessLookupError, PermissionError):
                pass
        for pid, start in tree.items():
            if _alive(pid, start):
                try:
                    os.kill(pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass

    def all_gone() -> bool:
        for p in children:
            p.poll()  # reap our own children, so they are not left as zombies
        return not any(_group_alive(g) for g in groups) and not any(_alive(pid, s) for pid, s in tree.items())

    signal_all(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not all_gone():
        time.sleep(0.1)
    if not all_gone():
        _out("บางโปรเซสไม่หยุดตามคำขอ จึงบังคับหยุด / some processes did not stop in time: sending SIGKILL")
        signal_all(signal.SIGKILL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not all_gone():
            time.sleep(0.1)
    for p in children:
        try:
            p.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass


def _child_env(h) -> dict[str, str]:
    return {**os.environ, ENV_HOME: str(h.root), "GX_ANALYTICS_ENABLED": "false", "DAGSTER_HOME": str(h.dagster_home),
            "TZ": bangkok_tz_env(), "PYTHONUNBUFFERED": "1"}


def _users_line() -> str:
    """Where the dashboards' users are, or how to make them (the dashboards show only a login form)."""
    from pipelines.users import ROLES, users_file

    path = users_file()
    if path.exists():
        return f"ผู้ใช้แดชบอร์ด / dashboard users:  {path}  (khlang users list)"
    return (f"ยังไม่มีผู้ใช้แดชบอร์ด สร้างด้วย khlang users add / no dashboard users yet ({path}): "
            f"khlang users add NAME --role {'|'.join(ROLES)}")


def cmd_serve(args) -> int:
    from expectations import docs
    from pipelines.run import instance_for

    h = home()
    docs_host = args.host if docs.is_loopback(args.host) else "127.0.0.1"  # Data Docs never leave this machine
    # Dagster has no login: on this machine only, whatever --host the dashboards get, unless --dagster-host
    # names another address explicitly (README: put it behind the office's login first).
    dagster_host = getattr(args, "dagster_host", None) or "127.0.0.1"
    hosts = {"Dagster (--dagster-port)": (dagster_host, args.dagster_port),
             "Streamlit (--streamlit-port)": (args.host, args.streamlit_port),
             "Data Docs (--docs-port)": (docs_host, args.docs_port)}
    busy = [f"{name} {port} ({host})" for name, (host, port) in hosts.items() if not port_free(host, port)]
    if busy:
        print(f"พอร์ตถูกใช้อยู่แล้ว / port already in use: {', '.join(busy)} — "
              f"ปิดโปรแกรมที่ใช้อยู่ หรือเลือกพอร์ตอื่น / stop what holds it, or choose another port", file=sys.stderr)
        return 2
    instance_for(h).dispose()  # writes dagster.yaml
    env = _child_env(h)
    repo = Path(__file__).resolve().parent.parent.parent
    commands = {
        "dagster": [sys.executable, "-m", "dagster", "dev", "-m", "assets.definitions", "-h", dagster_host,
                    "-p", str(args.dagster_port)],
        "streamlit": [sys.executable, "-m", "streamlit", "run", str(repo / "dashboards" / "app.py"),
                      "--server.address", args.host, "--server.port", str(args.streamlit_port),
                      "--server.headless", "true", "--browser.gatherUsageStats", "false",
                      "--client.toolbarMode", "viewer"],
    }
    dagster_url = f"http://{dagster_host}:{args.dagster_port}"
    docs_server = docs.make_server(h, docs_host, args.docs_port)
    env[ENV_DOCS_URL] = docs.url(docs_server)
    children: list[subprocess.Popen] = []
    previous = {s: signal.signal(s, _on_signal) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    code = 0
    docs_thread = threading.Thread(target=docs_server.serve_forever, name="data-docs", daemon=True)
    try:
        docs_thread.start()
        for name, cmd in commands.items():
            children.append(subprocess.Popen(cmd, cwd=repo, env=env, start_new_session=True))
        _out(f"ข้อมูล / data root:  {h.root}\n"
             f"Dagster UI:  {dagster_url}\n"
             f"แดชบอร์ด / dashboards:  http://{args.host}:{args.streamlit_port}\n"
             f"{_users_line()}\n"
             f"GX Data Docs:  {env[ENV_DOCS_URL]}\n"
             f"(Ctrl+C เพื่อหยุดทั้งหมด / Ctrl+C stops everything)")
        ready = False
        while True:
            for name, p in zip(commands, children):
                if p.poll() is not None:
                    print(f"{name} หยุดทำงาน (exit {p.returncode}) จึงหยุดทั้งหมด / {name} stopped "
                          f"(exit {p.returncode}): stopping everything", file=sys.stderr, flush=True)
                    code = 1
                    raise _Stop(0)
            if not ready and all(port_answers(host, port) for host, port in hosts.values()):
                ready = True
                _out("พร้อมใช้งาน / ready")
            time.sleep(0.5)
    except _Stop as stop:
        if stop.signum:
            _out(f"\nได้รับสัญญาณ {signal.Signals(stop.signum).name} กำลังหยุด Dagster และแดชบอร์ด / "
                 f"got {signal.Signals(stop.signum).name}: stopping Dagster and the dashboards ...")
    finally:
        # A second Ctrl+C while stopping must not leave processes behind: ignore it until all are gone.
        for s in previous:
            signal.signal(s, signal.SIG_IGN)
        try:
            stop_all(children)
            if docs_thread.is_alive():
                docs_server.shutdown()  # waits for serve_forever to return (it would wait for ever if never started)
            docs_server.server_close()
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
    _out("หยุดแล้ว ปล่อยพอร์ตแล้ว / stopped; ports released")
    return code

