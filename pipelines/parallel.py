"""Both cores for the big nights: independent pieces of work (one landing file to parse, one batch of
rows to validate) run in worker processes.

Processes, not threads: casting, GX and Python-level work hold the GIL. Workers come from a
`forkserver`, never from `fork` of the run's own process (it holds Dagster's threads and open files,
and delta-rs must not run in a forked child): a clean server process imports Polars, the parsers and
GX once (PRELOAD), and each worker is forked from it ready to work, where a `spawn`ed worker would
import GX again (3 s each). Small nights stay in-process: a night with one new day of events must not
pay for starting workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, TypeVar

from pipelines.environment import overridden

T = TypeVar("T")
R = TypeVar("R")
ENV_WORKERS = "KHLANG_WORKERS"
PRELOAD = ["polars", "pipelines.parsed_files", "pipelines.incremental", "expectations.runner"]
_context = None


# Polars' allocator (jemalloc) in the workers keeps the pages it freed for 5 s rather than Polars' 0.5 s:
# the next batch reuses them instead of faulting fresh ones in (faulting pages in took about a tenth of
# a first load's CPU time). Kept for ever, they added a gigabyte to the workers' summed RSS; 5 s covers
# a batch. (Polars documents this variable as the override of its own allocator defaults.)
WORKER_ALLOCATOR = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:5000,muzzy_decay_ms:5000"}


def _mp_context():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    from multiprocessing import forkserver

    with overridden(**WORKER_ALLOCATOR):  # the server is a new interpreter: its allocator reads this at start
        forkserver.ensure_running()
    return _context


def workers() -> int:
    """Worker processes for big nights: $KHLANG_WORKERS, else the cores this process may use (at most 4:
    each worker holds a batch in memory)."""
    if os.environ.get(ENV_WORKERS):
        return max(1, int(os.environ[ENV_WORKERS]))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def run_all(fn: Callable[[T], R], items: Iterable[T], parallel: bool) -> list[R]:
    """`fn` over `items`, in item order: in worker processes when `parallel` and there is more than one
    item and more than one worker, else here. `fn` must be a module-level function (spawn pickles it)."""
    items = list(items)
    n = workers()
    if not parallel or len(items) < 2 or n < 2:
        return [fn(i) for i in items]
    # gc.freeze: a worker's collector leaves alone what the server preloaded (GX, Polars), as the run's does
    with ProcessPoolExecutor(max_workers=min(n, len(items)), mp_context=_mp_context(), initializer=gc.freeze) as pool:
        return list(pool.map(fn, items))


def warm() -> None:
    """Start the worker server now (its imports take seconds), so a big night's first workers are ready
    when the run reaches them; called when new landing files are big. Never blocks on the imports."""
    if workers() < 2:
        return
    _mp_context()
