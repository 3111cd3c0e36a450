"""Environment variables set for a block and put back after it, for code that hands them to a process it
starts (the worker server reads its allocator settings at start; a national office's night reads
DAGSTER_HOME and its worker count)."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator


@contextlib.contextmanager
def overridden(**values: str | None) -> Iterator[None]:
    """Each `values` item set (None: removed) inside the block; every one as it was afterwards, also
    when the block raises."""
    saved = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
