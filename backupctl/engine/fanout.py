"""Run many listings at once, with a bounded number of calls in flight and errors kept per target.

Each unit of work is one chain of List* calls (a target and a listing): its pages
depend on each other, so one worker walks one chain. Workers are daemon threads,
so an interrupted run exits without waiting for calls in flight. Pages reach the
caller's thread through a bounded queue: the caller writes output from one
thread, and a slow consumer slows the workers instead of filling memory.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from backupctl.domain.errors import AwsError, BackupctlError, EndpointError
from backupctl.domain.job import Job, Kind
from backupctl.domain.query import Listing, Page
from backupctl.domain.targets import Target
from backupctl.engine.callclock import CallClock
from backupctl.engine.windows import Window

# Calls in flight at once by default: enough to hide 40-100 ms of latency per call over a
# few hundred listings, few enough to stay under AWS Backup's per-account request rate.
DEFAULT_CONCURRENCY = 32
# The longest one API call may take, retries included, before its listing is given up:
# long enough for botocore's backoff through heavy throttling, short enough for cron.
DEFAULT_TIMEOUT = 120.0


class PageSource(Protocol):
    """Where pages come from: ``aws.jobs.BackupReader`` in production."""

    def pages(self, target: Target, listing: Listing) -> Iterator[Page]: ...


@dataclass(frozen=True, slots=True)
class Work:
    """One chain of List* calls; ``window`` when it reads one window of a split listing."""

    target: Target
    listing: Listing
    window: Window | None = None


def plan_work(targets: Sequence[Target], listings: Sequence[Listing]) -> list[Work]:
    """Every listing of every target, ordered so that neighbouring units are different
    accounts: the first calls of an account wait for its AssumeRole, and spread over the
    workers they wait side by side instead of one account's listings queuing behind it."""
    by_region = sorted(targets, key=lambda target: target.region)  # stable: accounts stay
    return [Work(target, listing) for listing in listings for target in by_region]


# Given a listing, the jobs of its first pages (more follow) and the seconds the last of
# them took, the windows to read the rest with.
Splitter = Callable[[Listing, list[Job], float], list[Window] | None]
# A chain is considered for a split at its second page: the first call's time includes
# setting up the connection, and every chain starts at once.
SPLIT_AT_PAGE = 2


@dataclass(frozen=True, slots=True)
class Failure:
    """A chain that could not be read to its end."""

    target: Target
    kind: Kind
    error: BackupctlError
    jobs_read: int = 0


@dataclass(slots=True)
class Outcome:
    """What a fan-out read, and what it could not.

    ``finding`` while more work may still be found (``run``'s ``more``), so ``total``
    may grow; ``unfound`` is why finding stopped short: the chains found before it were
    read, but some that exist were never known.
    """

    total: int
    jobs: int = 0
    done: int = 0
    failures: list[Failure] = field(default_factory=list)
    finding: bool = False
    unfound: BackupctlError | None = None

    @property
    def failed_targets(self) -> set[tuple[str, str]]:
        """(account, region) pairs with at least one chain that failed."""
        return {(f.target.account_id, f.target.region) for f in self.failures}


Progress = Callable[[Outcome], None]


@dataclass(frozen=True, slots=True)
class _Page:
    chain: int
    jobs: list[Job]


@dataclass(frozen=True, slots=True)
class _End:
    chain: int
    failure: Failure | None


@dataclass(frozen=True, slots=True)
class _Split:
    chain: int
    windows: list[Window]


@dataclass(frozen=True, slots=True)
class _More:
    """Work found while running; ``last`` when no more will come (``error`` says why)."""

    work: Sequence[Work] = ()
    last: bool = False
    error: BackupctlError | None = None


_Message = _Page | _End | _Split | _More
# The ``CallClock`` unit of the calls that find more work (no chain has a negative index).
_FINDING = -1


def _no_answer(seconds: float, doing: str) -> EndpointError:
    return EndpointError(f"no answer within {seconds:g} s (--timeout); stopped waiting",
                         "Timeout", doing)  # fmt: skip


def _timed_out(item: Work, seconds: float, read: int) -> Failure:
    doing = f"listing {item.listing.kind.value} jobs in {item.target}"
    return Failure(item.target, item.listing.kind, _no_answer(seconds, doing), read)


def run(
    source: PageSource,
    work: Sequence[Work],
    on_page: Callable[[Sequence[Job]], None],
    *,
    concurrency: int,
    limit: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    call_timeout: float | None = None,
    split: Splitter | None = None,
    more: Iterator[Sequence[Work]] | None = None,
) -> Outcome:
    """Read every chain of ``work``, calling ``on_page`` in this thread for each page.

    With ``limit``, a chain stops once it has yielded ``limit`` jobs: its pages come
    newest first, so the newest ``limit`` jobs overall are among what was read. A call
    in flight longer than ``call_timeout`` (retries included) fails its chain; the
    worker stuck in it is replaced, and anything the chain sends later is dropped, so
    the run's length is bounded even when an endpoint hangs. With ``split`` (and no
    ``limit``), a chain whose first pages say more follow may hand the rest of its
    listing to windows read side by side (see ``backupctl.engine.windows``). ``more`` yields
    work found while the run goes on (the accounts of an organization, a page of them
    at a time); it is drained in a thread of its own, and a ``BackupctlError`` it raises,
    or a wait for its next batch longer than ``call_timeout``, ends it as
    ``Outcome.unfound``.
    """
    splitter = split if limit is None else None
    fan_out = _FanOut(source, work, concurrency, limit, splitter, cancel or threading.Event())
    return fan_out.run(on_page, progress, call_timeout, more)


class _FanOut:
    """One run: the chains to read, the workers reading them, and what they sent back."""

    def __init__(
        self,
        source: PageSource,
        work: Sequence[Work],
        concurrency: int,
        limit: int | None,
        split: Splitter | None,
        cancel: threading.Event,
    ) -> None:
        self._source, self._limit, self._split, self._cancel = source, limit, split, cancel
        self._concurrency = concurrency
        self._units: list[Work] = []
        self.outcome = Outcome(total=0)
        self._todo: queue.SimpleQueue[tuple[int, Work] | None] = queue.SimpleQueue()
        self._add(work)
        self._results: queue.Queue[_Message] = queue.Queue(maxsize=concurrency)
        self._clock = CallClock()
        self._abandoned: set[int] = set()
        self._read: dict[int, int] = {}
        self._started = 0

    def run(
        self,
        on_page: Callable[[Sequence[Job]], None],
        progress: Progress | None,
        call_timeout: float | None,
        more: Iterator[Sequence[Work]] | None,
    ) -> Outcome:
        """Read until every chain is done or ``cancel`` is set; see ``fanout.run``."""
        self._add_workers()
        if more is not None:
            self.outcome.finding = True
            threading.Thread(
                target=self._find, args=(more,), name="backupctl-find", daemon=True
            ).start()
        try:
            while self.outcome.done < self.outcome.total or self.outcome.finding:
                if call_timeout is not None:
                    self._give_up_overdue(call_timeout)
                message = self._next()
                if message is None:
                    if self._cancel.is_set():
                        break
                    continue
                if isinstance(message, _More):
                    self._found(message)
                elif message.chain not in self._abandoned:
                    self._take(message, on_page)
                    if progress is not None:
                        progress(self.outcome)
        finally:
            for _ in range(self._started):
                self._todo.put(None)  # every worker's end-of-work marker (spares are harmless)
        return self.outcome

    def _add(self, work: Sequence[Work]) -> None:
        """Queue more chains to read."""
        for item in work:
            self._units.append(item)
            self._todo.put((len(self._units) - 1, item))
        self.outcome.total += len(work)

    def _add_workers(self) -> None:
        """A worker for each chain waiting to start, up to the concurrency."""
        live = self._started - len(self._abandoned)
        waiting = self.outcome.total - self.outcome.done
        for _ in range(min(self._concurrency, waiting) - live):
            self._start_worker()

    def _find(self, more: Iterator[Sequence[Work]]) -> None:
        """Drain ``more`` (in its own thread), sending each batch to the run's thread.

        Its calls are timed like a chain's: one that hangs is given up on (``_FINDING``).
        """
        error: BackupctlError | None = None
        try:
            while True:
                self._clock.begin(_FINDING)
                try:
                    work = next(more, None)
                finally:
                    self._clock.end(_FINDING)
                if work is None:
                    break
                if self._cancel.is_set():
                    return
                self._results.put(_More(work))
        except BackupctlError as exc:
            error = exc
        except Exception as exc:  # an unexpected library error: tell it like any other
            error = AwsError(f"{type(exc).__name__}: {exc}")
        self._results.put(_More(last=True, error=error))

    def _found(self, message: _More) -> None:
        if not self.outcome.finding:
            return  # given up on (``_give_up_overdue``): what comes after is dropped
        self._add(message.work)
        self._add_workers()
        if message.last:
            self.outcome.finding = False
            self.outcome.unfound = message.error

    def _worker(self) -> None:
        while (entry := self._todo.get()) is not None and not self._cancel.is_set():
            index, item = entry
            failure = _chain(
                self._source, index, item, self._limit, self._split, self._cancel, self._clock,
                self._results.put,
            )  # fmt: skip
            if index in self._abandoned:
                return  # a replacement worker has taken this one's place
            self._results.put(_End(index, failure))

    def _start_worker(self) -> None:
        self._started += 1
        threading.Thread(target=self._worker, name="backupctl-fanout", daemon=True).start()

    def _give_up_overdue(self, call_timeout: float) -> None:
        """Fail each chain whose call has run too long, and replace its worker."""
        for index in self._clock.overdue(call_timeout):
            self._clock.end(index)
            if index == _FINDING:
                self.outcome.finding = False
                self.outcome.unfound = _no_answer(call_timeout, "listing the accounts")
                continue
            self._abandoned.add(index)
            self.outcome.done += 1
            read = self._read.get(index, 0)
            self.outcome.failures.append(_timed_out(self._units[index], call_timeout, read))
            self._start_worker()

    def _next(self) -> _Message | None:
        """The next message from the workers; None after a tenth of a second without one."""
        try:
            return self._results.get_nowait()
        except queue.Empty:
            pass
        # Nothing to write: the calls are the wall, not this thread. Work that waits (the
        # windows of a split listing) gets another worker, up to the concurrency; while this
        # thread is busy, more threads would only contend with it for the GIL.
        live = self._started - len(self._abandoned)
        if not self._todo.empty() and live < self._concurrency:
            self._start_worker()
        try:
            return self._results.get(timeout=0.1)
        except queue.Empty:
            return None

    def _take(
        self, message: _Page | _End | _Split, on_page: Callable[[Sequence[Job]], None]
    ) -> None:
        outcome = self.outcome
        if isinstance(message, _Page):
            window = self._units[message.chain].window
            jobs = message.jobs if window is None else window.seams.fresh(window, message.jobs)
            outcome.jobs += len(jobs)
            self._read[message.chain] = self._read.get(message.chain, 0) + len(jobs)
            if jobs:
                on_page(jobs)
        elif isinstance(message, _Split):
            parent = self._units[message.chain]
            self._add([Work(parent.target, window.listing, window) for window in message.windows])
        else:
            outcome.done += 1
            if message.failure is not None:
                outcome.failures.append(message.failure)


def _chain(
    source: PageSource,
    index: int,
    item: Work,
    limit: int | None,
    split: Splitter | None,
    cancel: threading.Event,
    clock: CallClock,
    put: Callable[[_Page | _Split], None],
) -> Failure | None:
    """Walk one chain, handing each page to ``put``; an error ends the chain as a Failure."""
    read = 0
    pages = source.pages(item.target, item.listing)
    probe: list[Job] | None = [] if split is not None and item.window is None else None
    number = 0
    try:
        while True:
            number += 1
            clock.begin(index)
            began = time.monotonic()
            try:
                page = next(pages, None)
            finally:
                clock.end(index)
            if page is None or cancel.is_set():
                return None
            jobs = page.jobs
            if limit is not None and read + len(jobs) > limit:
                jobs = jobs[: limit - read]
            if probe is not None and split is not None and page.more:
                probe.extend(jobs)
                if number == SPLIT_AT_PAGE:
                    windows = split(item.listing, probe, time.monotonic() - began)
                    probe = None
                    if windows:
                        put(_Page(index, jobs))
                        put(_Split(index, windows))
                        return None
            read += len(jobs)
            if jobs:
                put(_Page(index, jobs))
            if limit is not None and read >= limit:
                return None
    except BackupctlError as error:
        return Failure(item.target, item.listing.kind, error, read)
    except Exception as exc:  # an unexpected library error: isolate it like any other
        unexpected = AwsError(f"{type(exc).__name__}: {exc}")
        return Failure(item.target, item.listing.kind, unexpected, read)
