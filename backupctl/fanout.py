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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from backupctl.errors import AwsError, BackupctlError
from backupctl.model import Job, Kind
from backupctl.query import Listing
from backupctl.targets import Target

# Calls in flight at once by default: enough to hide 40-100 ms of latency per call over a
# few hundred listings, few enough to stay under AWS Backup's per-account request rate.
DEFAULT_CONCURRENCY = 32


class PageSource(Protocol):
    """Where pages come from: ``aws.jobs.BackupReader`` in production."""

    def pages(self, target: Target, listing: Listing) -> Iterator[list[Job]]: ...


@dataclass(frozen=True, slots=True)
class Work:
    """One chain of List* calls."""

    target: Target
    listing: Listing


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
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Page:
    jobs: list[Job]


@dataclass(frozen=True, slots=True)
class _End:
    failure: Failure | None


def run(
    source: PageSource,
    work: Sequence[Work],
    on_page: Callable[[Sequence[Job]], None],
    *,
    concurrency: int,
    limit: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Outcome:
    """Read every chain of ``work``, calling ``on_page`` in this thread for each page.

    With ``limit``, a chain stops once it has yielded ``limit`` jobs: its pages come
    newest first, so the newest ``limit`` jobs overall are among what was read.
    """
    cancel = cancel or threading.Event()
    outcome = Outcome(total=len(work))
    todo: queue.SimpleQueue[Work | None] = queue.SimpleQueue()
    workers = max(1, min(concurrency, len(work)))
    for item in [*work, *([None] * workers)]:
        todo.put(item)
    results: queue.Queue[_Page | _End] = queue.Queue(maxsize=2 * workers)

    def worker() -> None:
        while (item := todo.get()) is not None and not cancel.is_set():
            results.put(_End(_chain(source, item, limit, cancel, results.put)))

    for _ in range(workers):
        threading.Thread(target=worker, name="backupctl-fanout", daemon=True).start()
    while outcome.done < outcome.total:
        try:
            message = results.get(timeout=0.1)
        except queue.Empty:
            if cancel.is_set():
                break
            continue
        if isinstance(message, _Page):
            outcome.jobs += len(message.jobs)
            on_page(message.jobs)
        else:
            outcome.done += 1
            if message.failure is not None:
                outcome.failures.append(message.failure)
        if progress is not None:
            progress(outcome)
    return outcome


def _chain(
    source: PageSource,
    item: Work,
    limit: int | None,
    cancel: threading.Event,
    put: Callable[[_Page], None],
) -> Failure | None:
    """Walk one chain, handing each page to ``put``; an error ends the chain as a Failure."""
    read = 0
    try:
        for page in source.pages(item.target, item.listing):
            if cancel.is_set():
                return None
            if limit is not None and read + len(page) > limit:
                page = page[: limit - read]
            read += len(page)
            if page:
                put(_Page(page))
            if limit is not None and read >= limit:
                return None
    except BackupctlError as error:
        return Failure(item.target, item.listing.kind, error, read)
    except Exception as exc:  # an unexpected library error: isolate it like any other
        unexpected = AwsError(f"{type(exc).__name__}: {exc}")
        return Failure(item.target, item.listing.kind, unexpected, read)
    return None


def gather(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    concurrency: int,
    cancel: threading.Event | None = None,
) -> list[R | BackupctlError]:
    """``fn`` over ``items`` on daemon threads; results in ``items`` order, errors kept per item.

    Waits in short steps, so Ctrl-C reaches the caller at once; the threads are daemons
    and never hold up the exit. Items not done when ``cancel`` is set come back as errors.
    """
    cancel = cancel or threading.Event()
    results: dict[int, R | BackupctlError] = {}
    todo: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    workers = max(1, min(concurrency, len(items)))
    for index in [*range(len(items)), *([None] * workers)]:
        todo.put(index)
    finished: queue.SimpleQueue[int] = queue.SimpleQueue()

    def worker() -> None:
        while (index := todo.get()) is not None:
            try:
                results[index] = fn(items[index])
            except BackupctlError as error:
                results[index] = error
            except Exception as exc:  # isolate unexpected library errors per item
                results[index] = AwsError(f"{type(exc).__name__}: {exc}")
            finished.put(index)

    for _ in range(workers):
        threading.Thread(target=worker, name="backupctl-gather", daemon=True).start()
    done = 0
    while done < len(items) and not cancel.is_set():
        try:
            finished.get(timeout=0.1)
            done += 1
        except queue.Empty:
            continue
    cancelled = AwsError("cancelled before it finished", "Cancelled")
    return [results.get(i, cancelled) for i in range(len(items))]
