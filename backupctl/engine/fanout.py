"""Run many chains of List calls at once, with bounded calls in flight and pages alive (by
number and by bytes), every item once, and errors kept per target.

Each unit of work is one chain of calls (a target and a listing): its pages depend on
each other, so one worker walks one chain. Workers are daemon threads, so an interrupted
run exits without waiting for calls in flight. Pages reach the caller's thread through a
queue, and are decoded there, when they are written (``domain.page.Encoded``): what waits
is the compact body. A worker asks the run's ``PageBudget`` before each call and the page
gives its share back once the caller has written it, so the calls in flight never number
more than the concurrency, nor the pages in flight and waiting more than twice it, nor do
they weigh more than the budget's bytes: a writer slower than the service slows the calls
instead of filling memory. Items repeated by the service (a page served again, pages that
overlap, a NextToken that comes back) are dropped by ``key``, per listing, before they are
handed on.

The engine is generic: ``L`` is what a chain reads (a ``Listing`` for jobs), ``T`` what its
pages carry (``Job`` records, protected resources, ...).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, TypeVar

from backupctl.domain.errors import AwsError, BackupctlError
from backupctl.domain.outcome import Failure, Outcome
from backupctl.domain.page import Page
from backupctl.engine.budget import PageBudget
from backupctl.engine.callclock import CallClock, no_answer
from backupctl.engine.seen import Seen
from backupctl.engine.work import SPLIT_AT_PAGE, Key, PageSource, Splitter, decoded, weight
from backupctl.engine.work import Items as Items  # the engine's names, for its callers
from backupctl.engine.work import Progress as Progress
from backupctl.engine.work import Work as Work
from backupctl.engine.work import plan_work as plan_work

# Calls in flight at once by default: enough to hide 40-100 ms of latency per call over a
# few hundred listings, few enough to stay under AWS Backup's per-account request rate.
DEFAULT_CONCURRENCY = 32
MAX_CONCURRENCY = 256  # a thread each: more only costs memory and AWS's patience
# The longest one API call may take, retries included, before its listing is given up:
# long enough for botocore's backoff through heavy throttling, short enough for cron.
DEFAULT_TIMEOUT = 120.0

L = TypeVar("L")  # what one chain reads
T = TypeVar("T")  # what its pages carry


@dataclass(frozen=True, slots=True)
class _Page(Generic[T]):
    chain: int
    items: Items[T]
    size: int  # bytes of its body, held in the budget until it is written


@dataclass(frozen=True, slots=True)
class _End(Generic[L]):
    chain: int
    failure: Failure[L] | None


@dataclass(frozen=True, slots=True)
class _Split(Generic[L]):
    chain: int
    parts: Sequence[L]


@dataclass(frozen=True, slots=True)
class _More(Generic[L]):
    """Work found while running; ``last`` when no more will come (``error`` says why)."""

    work: Sequence[Work[L]] = ()
    last: bool = False
    error: BackupctlError | None = None


_Message = _Page[T] | _End[L] | _Split[L] | _More[L]
# The ``CallClock`` unit of the calls that find more work (no chain has a negative index).
_FINDING = -1


def run(
    source: PageSource[L, T],
    work: Sequence[Work[L]],
    on_page: Callable[[Sequence[T]], None],
    *,
    concurrency: int,
    limit: int | None = None,
    progress: Progress[L] | None = None,
    cancel: threading.Event | None = None,
    call_timeout: float | None = None,
    split: Splitter[L, T] | None = None,
    more: Iterator[Sequence[Work[L]]] | None = None,
    key: Key[T] | None = None,
    budget: PageBudget | None = None,
) -> Outcome[L]:
    """Read every chain of ``work``, calling ``on_page`` in this thread for each page.

    See ``FanOut`` for what each argument does; ``run`` is ``FanOut`` drained into
    ``on_page``.
    """
    fan_out = FanOut(
        source, work, concurrency=concurrency, limit=limit, progress=progress, cancel=cancel,
        call_timeout=call_timeout, split=split, more=more, key=key, budget=budget,
    )  # fmt: skip
    for page in fan_out:
        on_page(page)
    return fan_out.outcome


class FanOut(Generic[L, T]):
    """One run: iterate it for the pages, in this thread, as they arrive; ``outcome`` says
    what was read and what was not (final once the iteration ends).

    Calls in flight number at most ``concurrency``; they and the pages not yet written
    are bounded by ``budget`` (default: ``engine.budget``'s pages and bytes). With
    ``key``, an item whose key its listing gave before is dropped (``Outcome.items`` and a
    failure's ``read`` count what was handed on). A page that cannot be decoded fails its
    chain like an error of its call. With ``limit``, a chain stops once it has yielded
    ``limit`` items: its pages come newest first, so the newest ``limit`` items overall
    are among what was read. A call in flight longer than ``call_timeout`` (retries
    included) fails its chain; the worker stuck in it is replaced, and anything the chain
    sends later is dropped, so the run's length is bounded even when an endpoint hangs.
    With ``split`` (and no ``limit``), a chain whose first pages say more follow may hand
    the rest of its listing to parts read side by side (see ``engine.windows``). ``more``
    yields work found while the run goes on (the accounts of an organization, a page of
    them at a time); it is drained in a thread of its own, and a ``BackupctlError`` it
    raises, or a wait for its next batch longer than ``call_timeout``, ends it as
    ``Outcome.unfound``. Leaving the iteration early (or ``cancel``) stops new calls.
    """

    def __init__(
        self,
        source: PageSource[L, T],
        work: Sequence[Work[L]],
        *,
        concurrency: int,
        limit: int | None = None,
        progress: Progress[L] | None = None,
        cancel: threading.Event | None = None,
        call_timeout: float | None = None,
        split: Splitter[L, T] | None = None,
        more: Iterator[Sequence[Work[L]]] | None = None,
        key: Key[T] | None = None,
        budget: PageBudget | None = None,
    ) -> None:
        self._source, self._limit, self._key = source, limit, key
        self._split = split if limit is None else None
        self._cancel = cancel or threading.Event()
        self._concurrency, self._progress = concurrency, progress
        self._call_timeout, self._more = call_timeout, more
        self._units: list[Work[L]] = []
        self.outcome: Outcome[L] = Outcome(total=0)
        self._todo: queue.SimpleQueue[tuple[int, Work[L]] | None] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[_Message[T, L]] = queue.SimpleQueue()
        self.budget = budget or PageBudget(concurrency)
        self._clock = CallClock()
        self._abandoned: set[int] = set()
        self._read: dict[int, int] = {}
        self._seen: dict[int, Seen] = {}  # per root chain: the keys its listing gave
        self._open: dict[int, int] = {}  # per root chain: its chains not yet done
        self._started = 0
        self._add(work)

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
                try:
                    if message.chain not in self._abandoned:
                        items = self._take(message)
                        if items:
                            yield items
                        if self._progress is not None:
                            self._progress(self.outcome)
                finally:
                    if isinstance(message, _Page):
                        self.budget.give_back(message.size)  # written (or dropped)
        finally:
            self._cancel.set()  # no new calls from the workers, whoever stopped the run
            for _ in range(self._started):
                self._todo.put(None)  # every worker's end-of-work marker (spares are harmless)

    def _add(self, work: Sequence[Work[L]]) -> None:
        """Queue more chains to read."""
        for item in work:
            self._units.append(item)
            index = len(self._units) - 1
            root = index if item.root is None else item.root
            self._open[root] = self._open.get(root, 0) + 1
            self._todo.put((index, item))
        self.outcome.total += len(work)

    def _add_workers(self) -> None:
        """A worker for each chain waiting to start, up to the concurrency."""
        live = self._started - len(self._abandoned)
        waiting = self.outcome.total - self.outcome.done
        for _ in range(min(self._concurrency, waiting) - live):
            self._start_worker()

    def _find(self, more: Iterator[Sequence[Work[L]]]) -> None:
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
                if work is None or self._cancel.is_set():
                    break
                self._results.put(_More(work))
        except BackupctlError as exc:
            error = exc
        except Exception as exc:  # an unexpected library error: tell it like any other
            error = AwsError(f"{type(exc).__name__}: {exc}")
        self._results.put(_More(last=True, error=error))

    def _found(self, message: _More[L]) -> None:
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
            self._results.put(_End(index, failure))

    def _start_worker(self) -> None:
        self._started += 1
        threading.Thread(target=self._worker, name="backupctl-fanout", daemon=True).start()

    def _give_up(self, index: int, failure: Failure[L]) -> None:
        """End chain ``index`` now, as ``failure``; its worker is replaced, and whatever the
        chain sends later is dropped."""
        self._abandoned.add(index)
        self._done(index, failure)
        self._start_worker()

    def _give_up_overdue(self, call_timeout: float) -> None:
        """Fail each chain whose call has run too long, and replace its worker."""
        for index in self._clock.overdue(call_timeout):
            self._clock.end(index)
            if index == _FINDING:
                self.outcome.finding = False
                self.outcome.unfound = no_answer(call_timeout, "listing the accounts")
                continue
            item = self._units[index]
            doing = f"listing {item.listing} in {item.target}"
            self._give_up(index, Failure(item.target, item.listing, no_answer(call_timeout, doing)))

    def _next(self) -> _Message[T, L] | None:
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

    def _take(self, message: _Page[T] | _End[L] | _Split[L]) -> Sequence[T]:
        """Account for one message; the items to hand on (none for all but pages)."""
        if isinstance(message, _Split):
            parent = self._units[message.chain]
            root = message.chain if parent.root is None else parent.root
            self._add([Work(parent.target, listing, root) for listing in message.parts])
            return ()
        if isinstance(message, _End):
            self._done(message.chain, message.failure)
            return ()
        index = message.chain
        try:
            items = decoded(message.items)
        except BackupctlError as error:
            item = self._units[index]
            self._give_up(index, Failure(item.target, item.listing, error))
            return ()
        if self._key is not None:
            item = self._units[index]
            root = index if item.root is None else item.root
            items = self._seen.setdefault(root, Seen()).fresh(items, self._key)
        self.outcome.items += len(items)
        self._read[index] = self._read.get(index, 0) + len(items)
        return items

    def _done(self, index: int, failure: Failure[L] | None) -> None:
        """Chain ``index`` ended; its listing's keys go once every part of it has ended."""
        self.outcome.done += 1
        if failure is not None:
            # What was handed on before the failure: counted here, after the repeats.
            self.outcome.failures.append(replace(failure, read=self._read.get(index, 0)))
        item = self._units[index]
        root = index if item.root is None else item.root
        self._open[root] -= 1
        if not self._open[root]:
            del self._open[root]
            self._seen.pop(root, None)


class _Chain(Generic[L, T]):
    """One worker's walk down one chain, handing each page to the run's thread."""

    def __init__(self, run: FanOut[L, T], index: int, item: Work[L]) -> None:
        self._run, self._index, self._item = run, index, item

    def walk(self) -> Failure[L] | None:
        """Walk the chain to its end; an error ends it as a Failure."""
        run, index, item = self._run, self._index, self._item
        put, limit, split, read = run._results.put, run._limit, run._split, 0
        pages = run._source.pages(item.target, item.listing)
        probe: list[list[datetime]] | None = [] if split and item.root is None else None
        number = 0
        try:
            while index not in run._abandoned:
                number += 1
                held = run.budget.take(run._cancel)
                if held is None:
                    return None
                sent = False
                run._clock.begin(index)
                began = time.monotonic()
                page: Page[T] | None = None
                try:
                    try:
                        page = next(pages, None)
                    finally:  # the call has returned (or failed): no longer in flight
                        held = run.budget.arrived(held, weight(page))
                    if page is None or run._cancel.is_set():
                        return None
                    items: Items[T] = page.items
                    if limit is not None:  # counting needs the items: --limit is for few
                        items = decoded(items)[: limit - read]
                    if probe is not None and split is not None and page.more:
                        probe.append(split.sample(items))  # the page itself is written
                        if number == SPLIT_AT_PAGE:
                            parts = split.plan(item.listing, probe, time.monotonic() - began)
                            probe = None
                            if parts:
                                put(_Page(index, items, held))
                                sent = True
                                put(_Split(index, parts))
                                return None
                    put(_Page(index, items, held))
                    sent = True
                finally:
                    run._clock.end(index)
                    if not sent:
                        run.budget.give_back(held)
                read += len(items) if isinstance(items, Sequence) else 0
                del page, items  # not kept while waiting for the budget: it is written
                if limit is not None and read >= limit:
                    return None
            return None
        except BackupctlError as error:
            return Failure(item.target, item.listing, error)
        except Exception as exc:  # an unexpected library error: isolate it like any other
            return Failure(item.target, item.listing, AwsError(f"{type(exc).__name__}: {exc}"))
