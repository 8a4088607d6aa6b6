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

from backupctl.errors import AwsError, BackupctlError, EndpointError
from backupctl.model import Job, Kind
from backupctl.query import Listing, Page
from backupctl.targets import Target
from backupctl.windows import Window

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
    """What a fan-out read, and what it could not."""

    total: int
    jobs: int = 0
    done: int = 0
    failures: list[Failure] = field(default_factory=list)

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


class CallClock:
    """When each unit's call in flight began: how the fan-out notices a call that hangs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._began: dict[int, float] = {}

    def begin(self, unit: int) -> None:
        """A call of ``unit`` starts."""
        with self._lock:
            self._began[unit] = time.monotonic()

    def end(self, unit: int) -> None:
        """The call of ``unit`` answered (or failed)."""
        with self._lock:
            self._began.pop(unit, None)

    def overdue(self, limit: float) -> list[int]:
        """Units whose call has been in flight for more than ``limit`` seconds."""
        now = time.monotonic()
        with self._lock:
            return [unit for unit, began in self._began.items() if now - began > limit]


def _timed_out(item: Work, seconds: float, read: int) -> Failure:
    error = EndpointError(
        f"no answer within {seconds:g} s (--timeout); stopped waiting",
        "Timeout",
        f"listing {item.listing.kind.value} jobs in {item.target}",
    )
    return Failure(item.target, item.listing.kind, error, read)


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
) -> Outcome:
    """Read every chain of ``work``, calling ``on_page`` in this thread for each page.

    With ``limit``, a chain stops once it has yielded ``limit`` jobs: its pages come
    newest first, so the newest ``limit`` jobs overall are among what was read. A call
    in flight longer than ``call_timeout`` (retries included) fails its chain; the
    worker stuck in it is replaced, and anything the chain sends later is dropped, so
    the run's length is bounded even when an endpoint hangs. With ``split`` (and no
    ``limit``), a chain whose first pages say more follow may hand the rest of its
    listing to windows read side by side (see ``backupctl.windows``).
    """
    cancel = cancel or threading.Event()
    units = list(work)
    outcome = Outcome(total=len(units))
    todo: queue.SimpleQueue[tuple[int, Work] | None] = queue.SimpleQueue()
    for entry in enumerate(units):
        todo.put(entry)
    workers = max(1, min(concurrency, len(units)))
    results: queue.Queue[_Page | _End | _Split] = queue.Queue(maxsize=2 * workers)
    clock = CallClock()
    abandoned: set[int] = set()
    read: dict[int, int] = {}
    splitter = split if limit is None else None
    started = 0

    def worker() -> None:
        while (entry := todo.get()) is not None and not cancel.is_set():
            index, item = entry
            failure = _chain(source, index, item, limit, splitter, cancel, clock, results.put)
            if index in abandoned:
                return  # a replacement worker has taken this one's place
            results.put(_End(index, failure))

    def start_worker() -> None:
        nonlocal started
        started += 1
        threading.Thread(target=worker, name="backupctl-fanout", daemon=True).start()

    for _ in range(workers):
        start_worker()
    try:
        while outcome.done < outcome.total:
            if call_timeout is not None:
                for index in clock.overdue(call_timeout):
                    clock.end(index)
                    abandoned.add(index)
                    outcome.done += 1
                    timed_out = _timed_out(units[index], call_timeout, read.get(index, 0))
                    outcome.failures.append(timed_out)
                    start_worker()
            try:
                message = results.get_nowait()
            except queue.Empty:
                # Nothing to write: the calls are the wall, not this thread. Work that waits
                # (the windows of a split listing) gets another worker, up to --concurrency.
                # While this thread is busy, more threads would only contend for the GIL.
                if not todo.empty() and started - len(abandoned) < concurrency:
                    start_worker()
                message = None
            try:
                message = message or results.get(timeout=0.1)
            except queue.Empty:
                if cancel.is_set():
                    break
                continue
            if message.chain in abandoned:
                continue
            if isinstance(message, _Page):
                window = units[message.chain].window
                jobs = message.jobs if window is None else window.seams.fresh(window, message.jobs)
                outcome.jobs += len(jobs)
                read[message.chain] = read.get(message.chain, 0) + len(jobs)
                if jobs:
                    on_page(jobs)
            elif isinstance(message, _Split):
                parent = units[message.chain]
                for window in message.windows:
                    units.append(Work(parent.target, window.listing, window))
                    todo.put((len(units) - 1, units[-1]))
                outcome.total += len(message.windows)
            else:
                outcome.done += 1
                if message.failure is not None:
                    outcome.failures.append(message.failure)
            if progress is not None:
                progress(outcome)
    finally:
        for _ in range(started):
            todo.put(None)  # every worker's end-of-work marker (spares are harmless)
    return outcome


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
