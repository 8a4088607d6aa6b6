"""Private files and the run lock: the conventions of every store backupctl keeps locally.

A folder backupctl makes for its state is 0700 and its files are 0600 (SQLite gives its
journal files the mode of the database). The lock is an ``flock`` on a file: the kernel
drops it when the process dies, even by ``kill -9``, so no stale lock outlives a run.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from backupctl.domain.errors import LockHeldError


def private_folder(path: Path) -> None:
    """Make ``path`` (0700) if it is missing; OSError if it cannot be made."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """Make ``path`` if it is missing, and leave it 0600; OSError if that cannot be done."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    path.chmod(0o600)


def take_lock(path: Path, holder: str) -> int:
    """Hold an exclusive lock on ``path`` (made 0600 if missing) until the returned file
    descriptor is closed. LockHeldError naming ``holder`` when another process has it;
    OSError when the file cannot be opened."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LockHeldError(f"another {holder} holds the lock ({path})") from None
    return fd
