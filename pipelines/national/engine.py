"""Offices' nights on a `dask.distributed` cluster: one office's whole nightly job is one Dask task.

The unit of work is an office's night, unchanged (`pipelines.run.run_nightly` on its own data root,
holding its own run lock, publishing its own version): offices share nothing, so they scale out with no
coordination beyond handing each one to a free worker. The fiscal-year partitions and the events'
months stay inside each office's own job.

Workers. One thread a worker (`nthreads=1`): a night sets process-wide state (DAGSTER_HOME, the heap
freeze of pipelines/memory.py), so two nights must never share a process at once, and a worker is one
office at a time. Inside a Dask worker the night runs with KHLANG_WORKERS=1: its own forkserver pool
(pipelines/parallel.py) is not started. Dask's worker processes are daemonic and a daemonic process may
not have children; rather than making them non-daemonic (`distributed.worker.daemon: False`), which
would let every worker start up to four more processes and oversubscribe the cores, the parallelism is
the cluster's: one office a core. Worker processes are started with `spawn` (distributed's default;
`start_local_cluster` sets it explicitly): delta-rs must never run in a forked child.

A worker lost in the middle of a night (killed, out of memory) makes the scheduler run that office's
task again on another worker (distributed.scheduler.allowed-failures): for the office it is a run after
a crash, which its run lock and pipelines/recovery.py already handle (the lock is an OS file lock: the
shared file system of a real cluster must support it, as CephFS and NFSv4 do). A night that fails
(an exception, not a lost worker) is not retried: it is reported (`retries=0`).

No address: the offices run one after another in this process (the single-process reference, and a
national install without a cluster), each with the office's usual in-process pool for big nights.
"""

from __future__ import annotations

import contextlib
import os
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from pipelines.config import Home
from pipelines.environment import overridden
from pipelines.parallel import ENV_WORKERS

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Night:
    """What one office's night did, small enough to send back from a worker."""

    office: str
    success: bool
    run_id: str | None
    version: str | None  # published tonight (None: nothing new)
    published_version: str | None  # what the office's readers see now
    rows: int  # landing rows accounted for tonight (valid + flagged + quarantined + superseded)
    files: int
    failed_checks: list[str]
    error: str | None  # the night could not run at all (e.g. another run held the office's lock)
    seconds: float
    peak_rss_mib: float  # the process that ran it, over its life so far (a Dask worker: the worker's peak)
    host: str
    pid: int

    def as_dict(self) -> dict:
        return asdict(self)


def _in_dask_worker() -> bool:
    try:
        from distributed import get_worker

        get_worker()
        return True
    except (ImportError, ValueError):
        return False


def peak_rss_mib(children: bool = True) -> float:
    """This process's peak resident set (Linux reports KiB); with `children`, the largest of its waited-for
    children's too (a night's own worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if children else 0
    return max(own, kids) / 1024


def night(root: str, code: str = "") -> dict:
    """Run the nightly job of the single-office data root `root` here; a `Night` as a dict.
    Module-level so a Dask worker can import it by name."""
    import socket

    from pipelines.run import run_nightly

    home = Home(Path(root).resolve())
    workers = "1" if _in_dask_worker() else os.environ.get(ENV_WORKERS)
    started = time.perf_counter()
    # run_nightly points DAGSTER_HOME at the office's instance: put back the caller's (the national run's)
    code = code or home.office.code
    try:
        with overridden(DAGSTER_HOME=os.environ.get("DAGSTER_HOME"), **{ENV_WORKERS: workers}):
            summary = run_nightly(home)
    except Exception as e:  # one office's problem is reported with its partition, never the others' failure
        from warehouse.publish import current_version

        return Night(code, False, None, None, current_version(home), 0, 0, [], f"{type(e).__name__}: {e}",
                     round(time.perf_counter() - started, 2), round(peak_rss_mib(), 1), socket.gethostname(),
                     os.getpid()).as_dict()
    seconds = time.perf_counter() - started
    acc = summary.accounting
    counted = [c for c in ("valid", "flagged", "quarantined", "superseded") if c in acc.columns]
    rows = int(sum(acc[c].sum() for c in counted)) if acc.height else 0
    return Night(code, summary.success, summary.run_id, summary.version, summary.published_version, rows,
                 acc.height, summary.failed_checks, None, round(seconds, 2), round(peak_rss_mib(), 1),
                 socket.gethostname(), os.getpid()).as_dict()


def start_local_cluster(workers: int, memory_limit: str | int = "auto"):
    """A real `distributed.LocalCluster` on this machine: `workers` spawned processes, one thread each."""
    import dask
    from distributed import LocalCluster

    dask.config.set({"distributed.worker.multiprocessing-method": "spawn"})
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit=memory_limit,
                        dashboard_address=None, silence_logs=40)


@contextlib.contextmanager
def client_for(address: str | None):
    """A `distributed.Client` connected to `address`, or None (no address: work in this process)."""
    if not address:
        yield None
        return
    from distributed import Client

    with Client(address, set_as_default=False) as client:
        yield client


def map_on(client, fn: Callable[..., R], *iterables: Iterable) -> list[R]:
    """`fn` over the items, in item order: as Dask tasks when there is a client, else here one by one.
    Each call is its own task (`pure=False`): a night must run even with arguments seen before."""
    args = [list(it) for it in iterables]
    if client is None:
        return [fn(*a) for a in zip(*args)]
    futures = client.map(fn, *args, pure=False, retries=0)
    return client.gather(futures)


def run_offices(national_root: Path, codes: list[str], address: str | None = None) -> list[dict]:
    """Every office's night, on the cluster at `address` (each office a task) or here one after another."""
    from pipelines.national.layout import office_root

    roots = [str(office_root(national_root, c).resolve()) for c in codes]
    with client_for(address) as client:
        return map_on(client, night, roots, codes)
