"""Ctrl-C between writes, never inside one: output ends on a whole line.

A write to a full pipe blocks; a SIGINT then cuts it after however many bytes fitted,
which leaves half a record on stdout. While a writer writes, the first Ctrl-C is held
until the write is done and raised then; a second one stops at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from backupctl.model import Job
from backupctl.output import JobWriter


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Run the block with Ctrl-C held; raise KeyboardInterrupt after it if one came."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.default_int_handler:  # ignored, or someone else's handler
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        import sys; sys.stderr.write(f"HOLD {held}\n")
        if held:
            raise KeyboardInterrupt
        held.append(signum)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt


class WholeLines:
    """A JobWriter whose every write and close finishes before Ctrl-C takes effect."""

    def __init__(self, writer: JobWriter) -> None:
        self._writer = writer

    def write(self, jobs: Sequence[Job]) -> None:
        """Write the page in full, then honour a Ctrl-C that came meanwhile."""
        with interrupts_held():
            self._writer.write(jobs)

    def close(self) -> None:
        """Finish the output in full, then honour a Ctrl-C that came meanwhile."""
        with interrupts_held():
            self._writer.close()
