"""Run many chains of List calls at once, with a bounded number of calls in flight and
errors kept per target.

Each unit of work is one chain of calls (a target and a listing): its pages depend on
each other, so one worker walks one chain. Workers are daemon threads, so an interrupted
run exits without waiting for calls in flight. Pages reach the caller's thread through a
bounded queue: the caller writes output from one thread, and a slow consumer slows the
workers instead of filling memory.

The engine is generic: ``L`` is what a chain reads (a ``domain.query.Listing`` for jobs),
``T`` what its pages carry (``Job`` records, protected resources, ...).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from backupctl.domain.errors import AwsError, BackupctlError
from backupctl.domain.outcome import Failure, Outcome
from backupctl.domain.page import Page
from backupctl.domain.targets import Target
from backupctl.engine.callclock import CallClock, no_answer

# Calls in flight at once by default: enough to hide 40-100 ms of latency per call over a
# few hundred listings, few enough to stay under AWS Backup's per-account request rate.
DEFAULT_CONCURRENCY = 32
# The longest one API call may take, retries included, before its listing is given up:
# long enough for botocore's backoff through heavy throttling, short enough for cron.
DEFAULT_TIMEOUT = 120.0

L = TypeVar("L")  # what one chain reads
T = TypeVar("T")  # what its pages carry
L_co = TypeVar("L_co", covariant=True)
L_contra = TypeVar("L_contra", contravariant=True)


class PageSource(Protocol[L_contra, T]):
    """Where pages come from: ``aws.backup_jobs.BackupReader`` for jobs."""

    def pages(self, target: Target, listing: L_contra) -> Iterator[Page[T]]: ...


class Split(Protocol[L_co, T]):
    """One part of a listing read in several chains side by side (``engine.windows``)."""

    @property
    def listing(self) -> L_co:
        """What this part reads."""

    def fresh(self, items: Sequence[T]) -> list[T]:
        """The page's items less those another part (or the first pages) already gave."""


@dataclass(frozen=True, slots=True)
class Work(Generic[L, T]):
    """One chain of List calls; ``split`` when it reads one part of a split listing."""

    target: Target
    listing: L
    split: Split[L, T] | None = None


def plan_work(targets: Sequence[Target], listings: Sequence[L]) -> list[Work[L, T]]:
    """Every listing of every target, ordered so that neighbouring units are different
    accounts: the first calls of an account wait for its AssumeRole, and spread over the
    workers they wait side by side instead of one account's listings queuing behind it."""
    by_region = sorted(targets, key=lambda target: target.region)  # stable: accounts stay
    return [Work(target, listing) for listing in listings for target in by_region]


# Given a listing, the items of its first pages (more follow) and the seconds the last of
# them took, the parts to read the rest with (None: keep to the one chain).
Splitter = Callable[[L, list[T], float], Sequence[Split[L, T]] | None]
# A chain is considered for a split at its second page: the first call's time includes
# setting up the connection, and every chain starts at once.
SPLIT_AT_PAGE = 2


Progress = Callable[[Outcome[L]], None]


@dataclass(frozen=True, slots=True)
class _Page(Generic[T]):
    chain: int
    items: Sequence[T]


@dataclass(frozen=True, slots=True)
class _End(Generic[L]):
    chain: int
    failure: Failure[L] | None


@dataclass(frozen=True, slots=True)
class _Split(Generic[L, T]):
    chain: int
    parts: Sequence[Split[L, T]]


@dataclass(frozen=True, slots=True)
class _More(Generic[L, T]):
    """Work found while running; ``last`` when no more will come (``error`` says why)."""

    work: Sequence[Work[L, T]] = ()
    last: bool = False
    error: BackupctlError | None = None


# The ``CallClock`` unit of the calls that find more work (no chain has a negative index).
_FINDING = -1


def _timed_out(item: Work[L, T], seconds: float, read: int) -> Failure[L]:
    doing = f"listing {item.listing} in {item.target}"
    return Failure(item.target, item.listing, no_answer(seconds, doing), read)


def run(
    source: PageSource[L, T],
    work: Sequence[Work[L, T]],
    on_page: Callable[[Sequence[T]], None],
    *,
    concurrency: int,
    limit: int | None = None,
    progress: Progress[L] | None = None,
    cancel: threading.Event | None = None,
    call_timeout: float | None = None,
    split: Splitter[L, T] | None = None,
    more: Iterator[Sequence[Work[L, T]]] | None = None,
) -> Outcome[L]:
    """Read every chain of ``work``, calling ``on_page`` in this thread for each page.

    See ``FanOut`` for what each argument does; ``run`` is ``FanOut`` drained into
    ``on_page``.
    """
    fan_out = FanOut(
        source, work, concurrency=concurrency, limit=limit, progress=progress, cancel=cancel,
        call_timeout=call_timeout, split=split, more=more,
    )  # fmt: skip
    for page in fan_out:
        on_page(page)
    return fan_out.outcome


class FanOut(Generic[L, T]):
    """One run: iterate it for the pages, in this thread, as they arrive; ``outcome`` says
    what was read and what was not (final once the iteration ends).

    With ``limit``, a chain stops once it has yielded ``limit`` items: its pages come
    newest first, so the newest ``limit`` items overall are among what was read. A call
    in flight longer than ``call_timeout`` (retries included) fails its chain; the
    worker stuck in it is replaced, and anything the chain sends later is dropped, so
    the run's length is bounded even when an endpoint hangs. With ``split`` (and no
    ``limit``), a chain whose first pages say more follow may hand the rest of its
    listing to parts read side by side (see ``engine.windows``). ``more`` yields work
    found while the run goes on (the accounts of an organization, a page of them at a
    time); it is drained in a thread of its own, and a ``BackupctlError`` it raises, or
    a wait for its next batch longer than ``call_timeout``, ends it as
    ``Outcome.unfound``. Leaving the iteration early (or ``cancel``) stops new calls.
    """

    def __init__(
        self,
        source: PageSource[L, T],
        work: Sequence[Work[L, T]],
        *,
        concurrency: int,
        limit: int | None = None,
        progress: Progress[L] | None = None,
        cancel: threading.Event | None = None,
        call_timeout: float | None = None,
        split: Splitter[L, T] | None = None,
        more: Iterator[Sequence[Work[L, T]]] | None = None,
    ) -> None:
        self._source, self._limit = source, limit
        self._split = split if limit is None else None
        self._cancel = cancel or threading.Event()
        self._concurrency, self._progress = concurrency, progress
        self._call_timeout, self._more = call_timeout, more
        self._units: list[Work[L, T]] = []
        self.outcome: Outcome[L] = Outcome(total=0)
        self._todo: queue.SimpleQueue[tuple[int, Work[L, T]] | None] = queue.SimpleQueue()
        self._add(work)
        self._results: queue.Queue[_Page[T] | _End[L] | _Split[L, T] | _More[L, T]] = queue.Queue(
            maxsize=concurrency
        )
        self._clock = CallClock()
        self._abandoned: set[int] = set()
        self._read: dict[int, int] = {}
        self._started = 0

    def __iter__(self) -> Iterator[Sequence[T]]:
        """Each page's items, in this thread, until every chain is done or ``cancel``."""
        self._add_workers()
        if self._more is not None:
            self.outcome.finding = True
            threading.Thread(
                target=self._find, args=(self._more,), name="backupctl-find", daemon=True
            ).start()
        try:
            while self.outcome.done < self.outcome.total or self.outcome.finding:
                if self._call_timeout is not None:
                    self._give_up_overdue(self._call_timeout)
                message = self._next()
                if message is None:
                    if self._cancel.is_set():
                        break
                    continue
                if isinstance(message, _More):
                    self._found(message)
                    continue
                if message.chain in self._abandoned:
                    continue
                items = self._take(message)
                if items:
                    yield items
                if self._progress is not None:
                    self._progress(self.outcome)
        finally:
            self._cancel.set()  # no new calls from the workers, whoever stopped the run
            for _ in range(self._started):
                self._todo.put(None)  # every worker's end-of-work marker (spares are harmless)

    def _add(self, work: Sequence[Work[L, T]]) -> None:
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

    def _find(self, more: Iterator[Sequence[Work[L, T]]]) -> None:
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
                if not self._send(_More(work)):
                    return
        except BackupctlError as exc:
            error = exc
        except Exception as exc:  # an unexpected library error: tell it like any other
            error = AwsError(f"{type(exc).__name__}: {exc}")
        self._send(_More(last=True, error=error))

    def _send(self, message: _Page[T] | _End[L] | _Split[L, T] | _More[L, T]) -> bool:
        """Hand ``message`` to the run's thread, waiting while the queue is full; False
        (and nothing sent) once the run is cancelled: nobody would take it."""
        while not self._cancel.is_set():
            try:
                self._results.put(message, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def _found(self, message: _More[L, T]) -> None:
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
            failure = _Chain(self, index, item).walk()
            if index in self._abandoned:
                return  # a replacement worker has taken this one's place
            self._send(_End(index, failure))

    def _start_worker(self) -> None:
        self._started += 1
        threading.Thread(target=self._worker, name="backupctl-fanout", daemon=True).start()

    def _give_up_overdue(self, call_timeout: float) -> None:
        """Fail each chain whose call has run too long, and replace its worker."""
        for index in self._clock.overdue(call_timeout):
            self._clock.end(index)
            if index == _FINDING:
                self.outcome.finding = False
                self.outcome.unfound = no_answer(call_timeout, "listing the accounts")
                continue
            self._abandoned.add(index)
            self.outcome.done += 1
            read = self._read.get(index, 0)
            self.outcome.failures.append(_timed_out(self._units[index], call_timeout, read))
            self._start_worker()

    def _next(self) -> _Page[T] | _End[L] | _Split[L, T] | _More[L, T] | None:
        """The next message from the workers; None after a tenth of a second without one."""
        try:
            return self._results.get_nowait()
        except queue.Empty:
            pass
        # Nothing to write: the calls are the wall, not this thread. Work that waits (the
        # parts of a split listing) gets another worker, up to the concurrency; while this
        # thread is busy, more threads would only contend with it for the GIL.
        live = self._started - len(self._abandoned)
        if not self._todo.empty() and live < self._concurrency:
            self._start_worker()
        try:
            return self._results.get(timeout=0.1)
        except queue.Empty:
            return None

    def _take(self, message: _Page[T] | _End[L] | _Split[L, T]) -> Sequence[T]:
        """Account for one message; the items to hand on (none for all but pages)."""
        outcome = self.outcome
        if isinstance(message, _Page):
            part = self._units[message.chain].split
            items = message.items if part is None else part.fresh(message.items)
            outcome.items += len(items)
            self._read[message.chain] = self._read.get(message.chain, 0) + len(items)
            return items
        if isinstance(message, _Split):
            parent = self._units[message.chain]
            self._add([Work(parent.target, part.listing, part) for part in message.parts])
        else:
            outcome.done += 1
            if message.failure is not None:
                outcome.failures.append(message.failure)
        return ()


class _Chain(Generic[L, T]):
    """One worker's walk down one chain, handing each page to the run's thread."""

    def __init__(self, run: FanOut[L, T], index: int, item: Work[L, T]) -> None:
        self._run, self._index, self._item = run, index, item

    def walk(self) -> Failure[L] | None:
        """Walk the chain to its end; an error ends it as a Failure."""
        run, index, item = self._run, self._index, self._item
        put, limit, split = run._send, run._limit, run._split
        read = 0
        pages = run._source.pages(item.target, item.listing)
        probe: list[T] | None = [] if split is not None and item.split is None else None
        number = 0
        try:
            while True:
                number += 1
                run._clock.begin(index)
                began = time.monotonic()
                try:
                    page = next(pages, None)
                finally:
                    run._clock.end(index)
                if page is None or run._cancel.is_set():
                    return None
                items = page.items
                if limit is not None and read + len(items) > limit:
                    items = items[: limit - read]
                if probe is not None and split is not None and page.more:
                    probe.extend(items)
                    if number == SPLIT_AT_PAGE:
                        parts = split(item.listing, probe, time.monotonic() - began)
                        probe = None
                        if parts:
                            put(_Page(index, items))
                            put(_Split(index, parts))
                            return None
                read += len(items)
                if items:
                    put(_Page(index, items))
                if limit is not None and read >= limit:
                    return None
        except BackupctlError as error:
            return Failure(item.target, item.listing, error, read)
        except Exception as exc:  # an unexpected library error: isolate it like any other
            unexpected = AwsError(f"{type(exc).__name__}: {exc}")
            return Failure(item.target, item.listing, unexpected, read)
