"""One run at a time on a data root: CLI ingests, the sensor, the schedule and UI launches alike.

The lock is an OS file lock (`filelock`, flock on Linux) on `state/run.lock`: the kernel releases it
when its process dies, however it dies, so a lock left by a killed run is never stale. Beside it,
`state/run.holder.json` names the holder (pid, run id, command, since) so that a refused or waiting
run can say who holds it; a holder file whose lock is free is what a dead run left behind.

The lock is re-entrant within a process (one FileLock object per path), so `khlang ingest` can take it
before starting Dagster (to refuse without creating a failed run) and the run's resource takes it again.
Whoever takes it first in a process runs `on_acquire` (the recovery of a killed run's leftovers).
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from pipelines.config import TIMEZONE, Home
from pipelines.durable import write_atomic

LOCK_FILE = "run.lock"
HOLDER_FILE = "run.holder.json"
_locks: dict[str, FileLock] = {}
_guard = threading.Lock()


class RunLocked(Exception):
    """Another run holds the data root; `holder` says which (pid, run_id, command, since)."""

    def __init__(self, holder: dict | None, waited: float):
        self.holder = holder or {}
        who = describe(self.holder)
        wait_th = f"รอแล้ว {waited:.0f} วินาที " if waited > 0 else ""
        wait_en = f" (waited {waited:.0f} s)" if waited > 0 else ""
        self.th = f"มีการประมวลผลอื่นกำลังทำงานกับคลังนี้อยู่: {who} {wait_th}— รอให้เสร็จแล้วลองใหม่ หรือใช้ --wait"
        self.en = f"another run is working on this data root: {who}{wait_en}; try again when it ends, or use --wait"
        super().__init__(f"{self.th} / {self.en}")


def describe(holder: dict) -> str:
    if not holder:
        return "(unknown holder)"
    parts = [f"run {holder['run_id']}" if holder.get("run_id") else None,
             f"pid {holder.get('pid')}", holder.get("command"), f"since {holder.get('since')}"]
    return ", ".join(p for p in parts if p)


def _lock(home: Home) -> FileLock:
    home.state.mkdir(parents=True, exist_ok=True)
    path = str(home.state / LOCK_FILE)
    with _guard:
        if path not in _locks:
            _locks[path] = FileLock(path, thread_local=False)
        return _locks[path]


def holder(home: Home) -> dict | None:
    """Who holds (or, if the lock is free, last held and died holding) the lock."""
    path = home.state / HOLDER_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def is_locked(home: Home) -> bool:
    """True while another process holds the lock (a probe: takes and releases it at once)."""
    lock = _lock(home)
    if lock.is_locked:  # held in this process
        return True
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def _write_holder(home: Home, info: dict) -> None:
    write_atomic(home.state / HOLDER_FILE, json.dumps(info, ensure_ascii=False).encode())


@contextmanager
def run_lock(
    home: Home,
    command: str,
    run_id: str | None = None,
    wait_seconds: float = 0,
    on_acquire: Callable[[dict | None], None] | None = None,
    on_wait: Callable[[dict | None], None] | None = None,
) -> Iterator[dict]:
    """Hold the data root's run lock for the block. `wait_seconds` 0 refuses at once, <0 waits for ever.

    `on_acquire(previous_holder)` runs when this process takes the lock first (not on re-entry), with
    the holder file a dead run may have left; `on_wait(holder)` once before waiting.
    """
    lock = _lock(home)
    started = datetime.now(ZoneInfo(TIMEZONE))
    reentry = lock.is_locked
    if not reentry:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if wait_seconds == 0:
                raise RunLocked(holder(home), 0) from None
            if on_wait:
                on_wait(holder(home))
            try:
                lock.acquire(timeout=wait_seconds)
            except Timeout:
                raise RunLocked(holder(home), (datetime.now(ZoneInfo(TIMEZONE)) - started).total_seconds()) from None
    try:
        info = holder(home) if reentry else None
        if not reentry:
            previous = holder(home)
            info = {"pid": os.getpid(), "host": socket.gethostname(), "command": command,
                    "since": started.isoformat(timespec="seconds"), "run_id": run_id}
            _write_holder(home, info)
            if on_acquire:
                on_acquire(previous)
        elif run_id and info is not None and info.get("run_id") != run_id:
            info = {**info, "run_id": run_id}
            _write_holder(home, info)
        yield info or {}
    finally:
        if not reentry:
            (home.state / HOLDER_FILE).unlink(missing_ok=True)
            lock.release()
