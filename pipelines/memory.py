"""Give memory that a finished step freed back to the operating system.

The nightly job runs every step in one process (the in-process executor: ~10 ms a step against 1.5-2 s
for a process each). glibc keeps freed heap pages for reuse by the same process, so the parse of a
200,000-row sheet (calamine, pandas) would otherwise stay in the process's footprint under every later
step; returning them after each step kept the whole job under 1 GiB (benchmarks/big_sheet.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import importlib


@functools.cache
def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def release() -> bool:
    """`malloc_trim(0)` where the C library has it (glibc); elsewhere nothing. True if it ran."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


@contextlib.contextmanager
def frozen_heap():
    """Python's collector leaves alone what exists now (imported Dagster, GX, Polars: about a million
    objects) while the block runs, and sees it again after; and collects young objects every 10,000
    allocations instead of 700. GX and Dagster allocate without pause: a night at a million events spent
    1.9 s in 1,700 collections, full ones walking every imported object; 0.85 s in 580 with this."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def import_frozen(module: str) -> None:
    """Import `module` and, when a `frozen_heap` block is running, freeze what exists then too: GX is
    imported mid-run (~3 s, hundreds of thousands of objects), and unfrozen its objects would be walked
    by every full collection until the run ends."""
    importlib.import_module(module)
    if gc.get_freeze_count():
        gc.freeze()
