"""How much CPU the host lends this VM right now, for the benchmarks to print beside their figures."""

import hashlib
import time


def cpu_probe() -> float:
    """Seconds for a fixed single-threaded loop (Python arithmetic and SHA-256), best of three. This VM's
    host lends it more or less CPU from one minute to the next (on 2026-12-01 a loop like this one took
    twice as long at some minutes as at others; 0.10 s is a quiet host): a probe beside each run says
    which state the figures were measured in."""
    best = float("inf")
    for _ in range(3):
        t, x, h = time.perf_counter(), 0, hashlib.sha256()
        for i in range(3_000_000):
            x += i * i
        for _ in range(200_000):
            h.update(b"x" * 64)
        best = min(best, time.perf_counter() - t)
    return round(best, 3)
