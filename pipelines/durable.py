"""Files that are whole or absent: atomic replacement, flushing, checksums. No heavy imports.

Every temporary file is `.<name>.<id>.tmp` beside its target, so a crash leaves nothing a reader opens,
and `warehouse.publish.recover` finds and removes what a killed run left.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

TMP_SUFFIX = ".tmp"  # every temporary file or folder Khlang writes ends so (recover removes them)


def temp_beside(path: Path) -> Path:
    """A hidden temporary name in `path`'s folder (same file system, so a rename is atomic)."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{TMP_SUFFIX}")


def fsync_path(path: Path) -> None:
    """Flush `path` to disk: a file's bytes, or a directory's entries (so a rename in it is durable)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Replace `path` by `data` whole: readers see the old bytes or the new ones, even after a crash.
    `mode` (less the umask) is the new file's from its creation: 0o600 keeps a secret unreadable by
    others at every moment, the temporary file included."""
    tmp = temp_beside(path)
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_path(path.parent)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
