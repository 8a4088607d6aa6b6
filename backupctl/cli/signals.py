"""Ctrl-C between writes, never inside one: output ends on a whole line.

A write to a full pipe blocks. A SIGINT that interrupts it cuts the write short, and
CPython's buffered writer then drops the rest of that write without an error (3.11:
the bytes after the partial write are lost), so stdout would end on half a record or
miss a piece in the middle. While a writer writes, SIGINT is therefore blocked in this
thread (so no write is interrupted) and a Ctrl-C that comes meanwhile is raised once the
write is done. A reader that never reads keeps us waiting, as it would any writer;
Ctrl-C in a terminal ends the reader too, and the write then fails at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Generic, TypeVar

from backupctl.output import RecordWriter

R = TypeVar("R")


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Run the block with Ctrl-C held; raise KeyboardInterrupt after it if one came."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield  # not ours to change: a thread, an ignored SIGINT or someone else's handler
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    signal.signal(signal.SIGINT, hold)
    block = getattr(signal, "pthread_sigmask", None)  # POSIX only
    if block is not None:
        block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if block is not None:
            block(signal.SIG_UNBLOCK, {signal.SIGINT})  # a pending one is handled by hold()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if held:
            raise KeyboardInterrupt  # also replaces a BrokenPipeError: the user asked to stop


class WholeLines(Generic[R]):
    """A writer whose every write and close finishes before Ctrl-C takes effect."""

    def __init__(self, writer: RecordWriter[R]) -> None:
        self._writer = writer

    def write(self, records: Sequence[R]) -> None:
        """Write the page in full, then honour a Ctrl-C that came meanwhile."""
        with interrupts_held():
            self._writer.write(records)

    def close(self) -> None:
        """Finish the output in full, then honour a Ctrl-C that came meanwhile."""
        with interrupts_held():
            self._writer.close()
