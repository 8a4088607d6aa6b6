"""Run one call per item at once, results in order, errors and hung calls kept per item.

``job describe`` and ``jobs watch`` ask many places the same question at once (a
Describe call per kind, account and region); this is their small cousin of the fan-out.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from backupctl.domain.errors import AwsError, BackupctlError
from backupctl.engine.callclock import CallClock, no_answer

T = TypeVar("T")
R = TypeVar("R")


def gather(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    concurrency: int,
    cancel: threading.Event | None = None,
    call_timeout: float | None = None,
    stop_at: Callable[[R], bool] | None = None,
) -> list[R | BackupctlError]:
    """``fn`` over ``items`` on daemon threads; results in ``items`` order, errors kept per item.

    Waits in short steps, so Ctrl-C reaches the caller at once; the threads are daemons
    and never hold up the exit. An item whose call runs past ``call_timeout`` comes back
    as an EndpointError (its worker is replaced); items not done when ``cancel`` is set
    come back as errors too. Once a result for which ``stop_at`` is true is kept, the
    search is over: the items not started come back as errors without a call, and those
    in flight are waited for (within ``call_timeout``), so no call outlives the gather.
    """
    cancel = cancel or threading.Event()
    results: dict[int, R | BackupctlError] = {}
    todo: queue.SimpleQueue[int | None] = queue.SimpleQueue()
    workers = max(1, min(concurrency, len(items)))
    for index in [*range(len(items)), *([None] * workers)]:
        todo.put(index)
    finished: queue.SimpleQueue[int] = queue.SimpleQueue()
    clock = CallClock()

    found = threading.Event()  # a result ``stop_at`` wanted is kept
    unasked = AwsError("not asked: what was sought was found", "Found")

    def worker() -> None:
        while (index := todo.get()) is not None:
            result: R | BackupctlError = unasked
            if not found.is_set():
                clock.begin(index)
                try:
                    result = fn(items[index])
                except BackupctlError as error:
                    result = error
                except Exception as exc:  # isolate unexpected library errors per item
                    result = AwsError(f"{type(exc).__name__}: {exc}")
                finally:
                    clock.end(index)
            if index in results:
                return  # timed out meanwhile: a replacement worker has taken over
            results[index] = result
            finished.put(index)
            if stop_at is not None and not isinstance(result, BackupctlError) and stop_at(result):
                found.set()

    def start_worker() -> None:
        threading.Thread(target=worker, name="backupctl-gather", daemon=True).start()

    for _ in range(workers):
        start_worker()
    done = 0
    while done < len(items) and not cancel.is_set():
        if call_timeout is not None:
            for index in clock.overdue(call_timeout):
                clock.end(index)
                results[index] = no_answer(call_timeout)
                done += 1
                todo.put(None)
                start_worker()
        try:
            finished.get(timeout=0.1)
            done += 1
        except queue.Empty:
            continue
    cancelled = AwsError("cancelled before it finished", "Cancelled")
    return [results.get(i, cancelled) for i in range(len(items))]
