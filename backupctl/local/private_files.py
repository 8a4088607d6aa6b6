"""Private files and the run lock: the conventions of every store backupctl keeps locally.

A folder backupctl makes for its state is 0700 and its files are 0600 (SQLite gives its
journal files the mode of the database). No file is opened through a symbolic link: its
target would be written and chmod'ed. The lock is an ``flock`` on a file: the kernel
drops it when the process dies, even by ``kill -9``, so no stale lock outlives a run.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import stat
from pathlib import Path

from backupctl.domain.errors import LockHeldError


def private_folder(path: Path) -> None:
    """Make ``path`` (0700) if it is missing; OSError if it cannot be made."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def open_private(path: Path) -> tuple[int, bool]:
    """``path`` opened for reading and writing, created 0600 if it is missing, and whether
    it was created now; never through a symbolic link (OSError ELOOP)."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600), True
    except FileExistsError:
        return os.open(path, flags), False


def private_file(path: Path) -> None:
    """Make ``path`` if it is missing, and leave it a regular file of mode 0600."""
    fd, _ = open_private(path)
    try:
        _own_regular(fd)
    finally:
        os.close(fd)


def connect_private(path: Path) -> tuple[sqlite3.Connection, bool]:
    """The SQLite database at ``path``, 0600, and whether its file was created now. SQLite
    opens it by name, so the name must still be the regular file checked and chmod'ed."""
    fd, created = open_private(path)
    try:
        opened = _own_regular(fd)
        db = sqlite3.connect(path, isolation_level=None)
        named = os.lstat(path)
        if (named.st_dev, named.st_ino) != (opened.st_dev, opened.st_ino):
            db.close()
            raise OSError(errno.EAGAIN, "it was replaced while it was opened")
        return db, created
    finally:
        os.close(fd)


def take_lock(path: Path, holder: str) -> int:
    """Hold an exclusive lock on ``path`` (made 0600 if missing) until the returned file
    descriptor is closed. LockHeldError naming ``holder`` when another process has it;
    OSError when the file cannot be opened (ELOOP: it is a symbolic link)."""
    fd, _ = open_private(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LockHeldError(f"another {holder} holds the lock ({path})") from None
    return fd


def _own_regular(fd: int) -> os.stat_result:
    opened = os.fstat(fd)
    if not stat.S_ISREG(opened.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    os.fchmod(fd, 0o600)
    return opened
