"""Give memory that a finished step freed back to the operating system.

The nightly job runs every step in one process (the in-process executor: ~10 ms a step against 1.5-2 s
for a process each). glibc keeps freed heap pages for reuse by the same process, so the parse of a
200,000-row sheet (calamine, pandas) would otherwise stay in the process's footprint under every later
step; returning them after each step kept the whole job under 1 GiB (benchmarks/big_sheet.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


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
