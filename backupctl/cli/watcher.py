"""The refresh loop of ``jobs watch``: one fan-out, a describe per ended job, one redraw."""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from itertools import count as counter
from typing import TYPE_CHECKING, Protocol

from backupctl.app.resolve import Plan
from backupctl.cli.context import AppState
from backupctl.cli.execute import Where, real_failures, report_failures
from backupctl.cli.signals import interrupts_held
from backupctl.domain.changes import JobKey, Unread, compare, job_key, settle
from backupctl.domain.errors import ExitStatus, RegionNotEnabledError
from backupctl.domain.job import Job, JobDetail, Kind
from backupctl.domain.query import Query, parse_when
from backupctl.domain.targets import Access, Target
from backupctl.engine import fanout
from backupctl.engine.fanout import Outcome, PageSource
from backupctl.engine.gather import gather
from backupctl.local.debuglog import debug_log_to
from backupctl.output.safe import safe_text
from backupctl.output.watch import WatchView

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

_PROGRESS_EVERY = 0.25  # seconds between redraws of "refreshing n/m" during a fan-out


class Reader(PageSource, Protocol):
    """Pages of jobs and single jobs: ``aws.jobs.BackupReader`` in production."""

    def describe(self, target: Target, kind: Kind, job_id: str) -> JobDetail | None: ...


class Watcher:
    """The refresh loop: one fan-out, the describes of the jobs that left, one redraw."""

    def __init__(
        self,
        app: AppState,
        reader: Reader,
        plan: Plan,
        query: Query,
        since: str | None,
        where: Where,
    ) -> None:
        self._app, self._reader, self._plan = app, reader, plan
        self._query, self._since = query, since
        self._concurrency, self._timeout = where.concurrency, where.timeout
        self._last: Outcome | None = None
        self._targets = list(plan.targets)
        self._view = WatchView((), (), app.clock())

    def run(self, console: Console, interval: int, count: int | None) -> ExitStatus:
        """Refresh until ``count`` refreshes or Ctrl-C; then name the failed targets on stderr."""
        from rich.live import Live

        interrupted = False
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
                except KeyboardInterrupt:
                    # Ctrl-C is how a watch ends: the last view stays, without its countdown.
                    interrupted = True
                    _show(live, dataclasses.replace(self._view, next_in=None, busy=None))
        except KeyboardInterrupt:  # a second one while the display closed
            interrupted = True
        status = ExitStatus.OK
        if self._last is not None:
            status = report_failures(self._app, self._plan, self._last)
        return ExitStatus.INTERRUPTED if interrupted else status

    def _debug_log_above(self, live: Live) -> AbstractContextManager[None]:
        """With ``--debug`` on the terminal the view is drawn on, the log's lines are printed
        above the view (made safe, as any text from AWS) rather than across it."""
        if not (self._app.debug and self._app.stderr_is_terminal):
            return nullcontext()

        def above(line: str) -> None:
            live.console.print(safe_text(line), soft_wrap=True)

        return debug_log_to(above)

    def _loop(self, live: Live, interval: int, count: int | None) -> None:
        _show(live, self._view)
        previous: dict[JobKey, Job] = {}
        for refresh in counter(1):
            started = time.monotonic()
            previous = self._refresh(live, previous)
            if count is not None and refresh >= count:
                return
            self._wait(live, started + interval)

    def _refresh(self, live: Live, previous: dict[JobKey, Job]) -> dict[JobKey, Job]:
        """One refresh: list, compare, describe the jobs that left, redraw; the active by key."""
        now = self._app.clock()
        query = self._query
        if self._since is not None:  # a relative --since slides with the clock
            query = dataclasses.replace(query, since=parse_when(self._since, now))
        listed, outcome = self._read(query, live)
        change = compare(previous, listed, Unread.of(outcome.failures), query.since)
        cycle = settle(change, self._describe(change.gone))
        self._last = outcome
        failures, _ = real_failures(self._plan, outcome)
        if self._plan.all_regions:
            # A region the account has not enabled stays so: not asked again every refresh.
            off = {f.target for f in outcome.failures if isinstance(f.error, RegionNotEnabledError)}
            self._targets = [target for target in self._targets if target not in off]
        unreadable = sorted({str(failure.target) for failure in failures})
        self._view = WatchView(
            cycle.active, cycle.finished, now, refreshed_at=now, unreadable=unreadable
        )
        _show(live, self._view)
        return cycle.keyed

    def _read(self, query: Query, live: Live) -> tuple[list[Job], Outcome]:
        """One fan-out of the query's listings; the view says how far it got."""
        listed: list[Job] = []
        work = fanout.plan_work(self._targets, query.listings())
        shown = 0.0

        def progress(outcome: Outcome) -> None:
            nonlocal shown
            if time.monotonic() - shown >= _PROGRESS_EVERY:
                shown = time.monotonic()
                busy = f"refreshing {outcome.done}/{outcome.total}"
                _show(live, dataclasses.replace(self._view, busy=busy))

        cancel = threading.Event()
        try:
            outcome = fanout.run(
                self._reader,
                work,
                listed.extend,
                concurrency=self._concurrency,
                progress=progress,
                cancel=cancel,
                call_timeout=self._timeout,
            )
        finally:
            cancel.set()  # after Ctrl-C: no new calls from the workers
        return listed, outcome

    def _describe(self, gone: Sequence[Job]) -> dict[JobKey, Job | None]:
        """The final record of each job that left the active states; None where unreadable."""
        if not gone:
            return {}

        def final(job: Job) -> Job | None:
            detail = self._reader.describe(self._target(job), job.kind, job.job_id)
            return detail.job if detail is not None else None

        results = gather(final, gone, concurrency=self._concurrency, call_timeout=self._timeout)
        return {
            job_key(job): result if isinstance(result, Job) else None
            for job, result in zip(gone, results, strict=True)
        }

    def _target(self, job: Job) -> Target:
        """Where the job lives, reached the way the refresh reached it."""
        caller = self._plan.caller_account
        account = job.account_id or caller
        access = Access.CALLER if account == caller else self._plan.access
        return Target(account, job.region, access)

    def _wait(self, live: Live, deadline: float) -> None:
        """Count down to ``deadline``, redrawing each whole second (times are relative)."""
        while (left := deadline - time.monotonic()) > 0:
            now = self._app.clock()
            _show(live, dataclasses.replace(self._view, now=now, next_in=math.ceil(left)))
            time.sleep(left - math.floor(left) or 1.0)


def _show(live: Live, view: WatchView) -> None:
    # A Ctrl-C inside a redraw would leave half an escape sequence on the terminal.
    with interrupts_held():
        live.update(view, refresh=True)
