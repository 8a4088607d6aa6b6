"""Stop signals and stdout: SIGINT and SIGTERM end a run between whole lines, never inside one.

A write to a full pipe blocks until the reader makes room. A signal that interrupts it
cuts it short, and CPython's buffered writer then drops the rest of that write without
an error (3.11: the bytes after the partial write are lost, whether the handler raises
or not), so stdout would end on half a record or miss a piece in the middle. So, for one
run of the console script, stdout is written in pieces of whole lines of up to 16 KiB
(a longer line or record is a piece of its own), each with the stop signals blocked in
the writing thread (no write is interrupted) and held (a stop that comes meanwhile is
raised once the piece is out). A stop never waits for more than one piece, however
slowly the reader reads and however much a sorted format has left to write.

SIGTERM (from ``timeout``, systemd, Kubernetes) raises ``Terminated``, a kind of
KeyboardInterrupt, so that every path that ends a run on Ctrl-C ends it the same way.
"""

from __future__ import annotations

import io
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType
from typing import NoReturn

from backupctl.domain.errors import ExitStatus

# A piece of stdout, in characters: what a stop may wait for. Each piece costs two
# pthread_sigmask calls: about 0.6 ms of CPU per MB written at 16 KiB, 1.2 ms at 8 KiB.
PIECE = 16 * 1024
# A write up to this long is never cut (one CSV row may hold line breaks in a quoted
# cell); a longer one (a page of NDJSON, a whole table) is cut at its line ends.
_WHOLE_WRITE = 64 * 1024


class Terminated(KeyboardInterrupt):
    """SIGTERM: raised where Ctrl-C raises KeyboardInterrupt."""


class StdoutClosed(Exception):
    """The reader of stdout has gone (``| head``): not an OSError, so that Rich's console
    does not turn it into exit 1, as it does a BrokenPipeError."""


def stop_status(stop: BaseException | None) -> ExitStatus:
    """The exit status of a run a stop signal ended: 143 for SIGTERM, else 130."""
    return ExitStatus.TERMINATED if isinstance(stop, Terminated) else ExitStatus.INTERRUPTED


class _Stops:
    """The stop signals of this process's run (the handler runs in the main thread only)."""

    def __init__(self) -> None:
        self.holds = 0  # nested interrupts_held() blocks now running
        self.pending: int | None = None  # a signal that came while held
        self.raised = False  # a stop has ended, or is ending, the run


_STOPS = _Stops()
_RAISES: dict[int, type[KeyboardInterrupt]] = {
    signal.SIGINT: KeyboardInterrupt,
    signal.SIGTERM: Terminated,
}


def _raise(signum: int) -> NoReturn:
    _STOPS.pending = None
    _STOPS.raised = True
    raise _RAISES[signum]()


def _on_stop(signum: int, frame: FrameType | None) -> None:
    if _STOPS.holds:
        # Delivered to another thread while a piece is being written: raised after it.
        _STOPS.pending = _STOPS.pending or signum
        return
    _raise(signum)


def _block(how: int) -> None:
    # POSIX only. A blocked signal goes to another thread, or waits for the unblocking.
    mask = getattr(signal, "pthread_sigmask", None)
    if mask is not None:
        mask(how, _RAISES.keys())


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM held; raise the stop after it if one came."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers run in the main thread only
        return
    outermost = not _STOPS.holds
    _STOPS.holds += 1
    if outermost:
        _block(signal.SIG_BLOCK)
    try:
        yield
    finally:
        if outermost:
            _block(signal.SIG_UNBLOCK)  # a stop that waited is handled now: held
        _STOPS.holds -= 1
        if not _STOPS.holds and _STOPS.pending is not None:
            _raise(_STOPS.pending)  # also replaces a closed pipe's error: the user asked to stop


def _pieces(text: str) -> Iterator[str]:
    """``text`` cut after line ends into pieces of at most ``PIECE`` characters (a longer
    line is a piece of its own); the last piece may end without a line end."""
    start, end = 0, len(text)
    while start < end:
        cut = text.rfind("\n", start, start + PIECE) + 1
        if cut <= start:
            cut = text.find("\n", start + PIECE) + 1 or end
        yield text[start:cut]
        start = cut


class WholeLines(io.TextIOWrapper):
    """The process's stdout for one run, written a piece of whole lines at a time under
    ``interrupts_held``; a last line without its end waits for the next write.

    On a terminal each write goes out at once (a large one in pieces cut at line ends): a
    person reads it, and a live display moves the cursor with text that ends no line.
    """

    def __init__(self, stdout: io.TextIOWrapper) -> None:
        super().__init__(
            stdout.buffer,
            encoding=stdout.encoding,
            errors=stdout.errors,
            newline="\n",
            write_through=True,
        )
        self._terminal = self.isatty()
        self._pending: list[str] = []
        self._size = 0
        self._whole = 0  # self._pending[:self._whole] ends at a line end
        self._gone = False

    def write(self, text: str, /) -> int:
        """Keep ``text``; write the whole lines kept when ``text`` would make them more
        than a piece."""
        if not isinstance(text, str):  # click tells a text stream by this, as TextIOWrapper
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self._gone:
            return len(text)  # nobody reads: the run is ending
        if self._terminal:
            for piece in _pieces(text) if len(text) > PIECE else (text,):
                self._send(piece)
            return len(text)
        for piece in _pieces(text) if len(text) > _WHOLE_WRITE else (text,):
            if self._whole and self._size + len(piece) > PIECE:
                self._send_whole()
            self._pending.append(piece)
            self._size += len(piece)
            if piece.endswith("\n"):
                self._whole = len(self._pending)
        return len(text)

    def flush(self) -> None:
        """Write the whole lines kept; a last line without its end waits for it."""
        if self._whole and not self._gone:
            self._send_whole()

    def finish(self) -> None:
        """At the end of the run: write what is kept, a last line without its end too
        (unless a stop signal ended the run: nothing is written after one)."""
        self._whole = len(self._pending)
        with suppress(StdoutClosed):  # the reader left just now: nothing to tell
            self.flush()

    def _send_whole(self) -> None:
        whole = self._pending[: self._whole]
        del self._pending[: self._whole]
        self._whole = 0
        self._size = sum(map(len, self._pending))
        if not _STOPS.raised:  # once stopped, stdout ends on the last piece written
            self._send("".join(whole))

    def _send(self, text: str) -> None:
        try:
            with interrupts_held():
                super().write(text)
                super().flush()
        except BrokenPipeError:
            self._gone = True
            self._pending.clear()
            raise StdoutClosed from None


@contextmanager
def stops_between_lines() -> Iterator[None]:
    """For one run of the console script: SIGINT and SIGTERM raise between whole lines of
    stdout (unless the process was started with them ignored or handled elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    previous = {
        signum: signal.signal(signum, _on_stop)
        for signum, default in defaults.items()
        if signal.getsignal(signum) is default
    }
    _STOPS.raised = False
    real = sys.stdout
    stdout = WholeLines(real) if isinstance(real, io.TextIOWrapper) else None
    if stdout is not None:
        sys.stdout = stdout
    try:
        yield
    finally:
        if stdout is not None:
            sys.stdout = real
            stdout.finish()
            stdout.detach()  # the real stdout's buffer stays open
        for signum, handler in previous.items():
            signal.signal(signum, handler)
