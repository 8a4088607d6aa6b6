"""Work found while a fan-out runs (an organization's accounts, a page at a time)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence

from backupctl.domain.errors import AccessDeniedError
from backupctl.domain.job import Job, Kind
from backupctl.domain.outcome import Outcome
from backupctl.domain.page import Page
from backupctl.domain.query import Listing
from backupctl.domain.targets import Access, Target
from backupctl.engine import fanout
from backupctl.engine.fanout import Work
from tests.output.factory import make_job

LISTING = Listing(Kind.BACKUP, {})


def target(account: int) -> Target:
    return Target(f"{account:012d}", "eu-west-1", Access.ROLE)


class Accounts:
    """Each account holds three jobs, in two pages; every call takes 5 ms."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[str] = []

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        jobs = [make_job(job_id=f"{target.account_id}-{n}") for n in range(3)]
        for start in (0, 2):
            time.sleep(0.005)
            with self.lock:
                self.calls.append(target.account_id)
            yield Page(jobs[start : start + 2], more=start == 0)


def read(
    first: Sequence[int], more: Iterator[Sequence[Work[Listing]]] | None, concurrency: int = 4
) -> tuple[list[str], Outcome[Listing]]:
    printed: list[str] = []

    def on_page(jobs: Sequence[Job]) -> None:
        printed.extend(job.job_id for job in jobs)

    work: list[Work[Listing]] = [Work(target(a), LISTING) for a in first]
    outcome = fanout.run(Accounts(), work, on_page, concurrency=concurrency, more=more)
    return printed, outcome


def batches(*accounts: Sequence[int], wait: float = 0.0) -> Iterator[Sequence[Work[Listing]]]:
    """Work for each group of accounts, ``wait`` seconds apart (a slow ListAccounts)."""
    for group in accounts:
        time.sleep(wait)
        yield [Work(target(a), LISTING) for a in group]


def ids(*accounts: int) -> list[str]:
    return sorted(f"{a:012d}-{n}" for a in accounts for n in range(3))


def test_work_found_later_is_read_even_after_the_first_chains_are_done() -> None:
    # The first account is read long before the next page of accounts arrives.
    printed, outcome = read([1], batches([2, 3], [4], wait=0.1))
    assert sorted(printed) == ids(1, 2, 3, 4)
    assert (outcome.total, outcome.done, outcome.failures, outcome.unfound) == (4, 4, [], None)
    assert not outcome.finding


def test_the_first_chains_start_before_the_rest_is_found() -> None:
    started = threading.Event()

    class Watching(Accounts):
        def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
            started.set()
            yield from super().pages(target, listing)

    def more() -> Iterator[Sequence[Work[Listing]]]:
        assert started.wait(5), "nothing was read while the accounts were still being listed"
        yield [Work(target(2), LISTING)]

    printed: list[str] = []
    outcome = fanout.run(
        Watching(),
        [Work(target(1), LISTING)],
        lambda jobs: printed.extend(job.job_id for job in jobs),
        concurrency=2,
        more=more(),
    )
    assert sorted(printed) == ids(1, 2)
    assert outcome.unfound is None


def test_every_chain_can_come_from_the_work_found_later() -> None:
    printed, outcome = read([], batches([1, 2], [], [3]))
    assert sorted(printed) == ids(1, 2, 3)
    assert outcome.total == outcome.done == 3


def test_work_found_later_runs_up_to_the_concurrency() -> None:
    in_flight = most = 0
    lock = threading.Lock()

    class Counting(Accounts):
        def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
            nonlocal in_flight, most
            for page in super().pages(target, listing):
                with lock:
                    in_flight += 1
                    most = max(most, in_flight)
                time.sleep(0.02)
                with lock:
                    in_flight -= 1
                yield page

    printed: list[str] = []
    fanout.run(
        Counting(),
        [Work(target(1), LISTING)],
        lambda jobs: printed.extend(job.job_id for job in jobs),
        concurrency=5,
        more=batches(range(2, 20)),
    )
    assert sorted(printed) == ids(*range(1, 20))
    assert most == 5


def test_a_failure_to_find_more_keeps_what_was_found() -> None:
    denied = AccessDeniedError("not allowed", "AccessDeniedException", "listing accounts")

    def more() -> Iterator[Sequence[Work[Listing]]]:
        yield [Work(target(2), LISTING)]
        raise denied

    printed, outcome = read([1], more())
    assert sorted(printed) == ids(1, 2)
    assert outcome.unfound is denied
    assert outcome.failures == []
    assert outcome.total == outcome.done == 2


def test_an_unexpected_error_finding_more_is_told_in_words() -> None:
    def more() -> Iterator[Sequence[Work[Listing]]]:
        raise KeyError("Accounts")
        yield []  # a generator

    printed, outcome = read([1], more())
    assert sorted(printed) == ids(1)
    assert outcome.unfound is not None
    assert "KeyError" in str(outcome.unfound)


def test_finding_more_that_hangs_is_given_up_on_after_the_timeout() -> None:
    def more() -> Iterator[Sequence[Work[Listing]]]:
        yield [Work(target(2), LISTING)]
        time.sleep(3)  # Organizations never answers the next page (in time)
        yield [Work(target(3), LISTING)]

    printed: list[str] = []
    began = time.monotonic()
    outcome = fanout.run(
        Accounts(),
        [Work(target(1), LISTING)],
        lambda jobs: printed.extend(job.job_id for job in jobs),
        concurrency=2,
        call_timeout=0.3,
        more=more(),
    )
    assert time.monotonic() - began < 2
    assert sorted(printed) == ids(1, 2)
    assert outcome.unfound is not None
    assert str(outcome.unfound) == (
        "listing the accounts: no answer within 0.3 s (--timeout); stopped waiting"
    )
    assert not outcome.finding
