"""The live view of ``jobs watch``: one Rich Live display, redrawn at each refresh and each
second of the countdown; Ctrl-C (or SIGTERM) ends it and leaves the last view on screen."""

from __future__ import annotations

import dataclasses
import math
import time
from contextlib import AbstractContextManager, nullcontext
from itertools import count as counter
from typing import TYPE_CHECKING

from backupctl.app.watch_jobs import Refresh, Watch
from backupctl.cli.environment import Environment
from backupctl.cli.outcome import tell_unread
from backupctl.cli.signals import interrupts_held, stop_status
from backupctl.domain.errors import ExitStatus
from backupctl.domain.outcome import Outcome
from backupctl.domain.query import Listing
from backupctl.local.debuglog import debug_log_to
from backupctl.output.safe import safe_text
from backupctl.output.watch import WatchView

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

_PROGRESS_EVERY = 0.25  # seconds between redraws of "refreshing n/m" during a refresh


class LiveWatch:
    """Draws a ``Watch``: refresh, redraw, count down, until ``count`` refreshes or Ctrl-C."""

    def __init__(self, env: Environment, jobs: Watch) -> None:
        self._env, self._jobs = env, jobs
        self._last: Refresh | None = None
        self._view = WatchView((), (), env.clock())

    def run(self, console: Console, interval: int, count: int | None) -> ExitStatus:
        """Refresh until ``count`` refreshes, Ctrl-C or SIGTERM; then name the failed targets
        on stderr."""
        from rich.live import Live

        stop: KeyboardInterrupt | None = None
        try:
            with (
                Live(
                    console=console,
                    auto_refresh=False,
                    redirect_stdout=False,
                    redirect_stderr=False,
                ) as live,
                self._debug_log_above(live),
            ):
                try:
                    self._loop(live, interval, count)
                except KeyboardInterrupt as first:
                    # Ctrl-C (or SIGTERM) is how a watch ends: the last view stays, without
                    # its countdown.
                    stop = first
                    _show(live, dataclasses.replace(self._view, next_in=None, busy=None))
        except KeyboardInterrupt as second:  # a second one while the display closed
            stop = stop or second
        status = ExitStatus.OK
        if self._last is not None:
            tell_unread(self._env, self._last.reading)
            status = self._last.reading.status
        return status if stop is None else stop_status(stop)

    def _debug_log_above(self, live: Live) -> AbstractContextManager[None]:
        """With ``--debug`` on the terminal the view is drawn on, the log's lines are printed
        above the view (made safe, as any text from AWS) rather than across it."""
        if not (self._env.debug and self._env.stderr_is_terminal):
            return nullcontext()

        def above(line: str) -> None:
            live.console.print(safe_text(line), soft_wrap=True)

        return debug_log_to(above)

    def _loop(self, live: Live, interval: int, count: int | None) -> None:
        _show(live, self._view)
        for refresh in counter(1):
            started = time.monotonic()
            self._refresh(live)
            if count is not None and refresh >= count:
                return
            self._wait(live, started + interval)

    def _refresh(self, live: Live) -> None:
        shown = 0.0

        def progress(outcome: Outcome[Listing]) -> None:
            nonlocal shown
            if time.monotonic() - shown >= _PROGRESS_EVERY:
                shown = time.monotonic()
                busy = f"refreshing {outcome.done}/{outcome.total}"
                _show(live, dataclasses.replace(self._view, busy=busy))

        last = self._last = self._jobs.refresh(progress)
        self._view = WatchView(
            last.active, last.finished, last.now, refreshed_at=last.now, unreadable=last.unreadable
        )
        _show(live, self._view)

    def _wait(self, live: Live, deadline: float) -> None:
        """Count down to ``deadline``, redrawing each whole second (times are relative)."""
        while (left := deadline - time.monotonic()) > 0:
            now = self._env.clock()
            _show(live, dataclasses.replace(self._view, now=now, next_in=math.ceil(left)))
            time.sleep(left - math.floor(left) or 1.0)


def _show(live: Live, view: WatchView) -> None:
    # A Ctrl-C inside a redraw would leave half an escape sequence on the terminal.
    with interrupts_held():
        live.update(view, refresh=True)
