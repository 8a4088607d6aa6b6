"""Backpressure: however fast the service, the pages alive (made, not yet written) never
pass the fan-out's bound, by number or by bytes, and every job is still written once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence

from backupctl.domain.job import Job, Kind
from backupctl.domain.page import Encoded, Page
from backupctl.domain.query import Listing
from backupctl.domain.targets import Access, Target
from backupctl.engine import fanout
from backupctl.engine.budget import PageBudget
from backupctl.engine.fanout import Work
from backupctl.engine.work import Splitter
from tests.output.factory import make_job

LISTING = Listing(Kind.BACKUP, {})
PAGES, PER_PAGE = 10, 5
BODY = 100_000  # what each page says it weighs while it waits


class _Alive:
    """The pages made and not yet written, and the most of them (and of their bytes) at
    once, as counted by the pages themselves and the writer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pages = self.bytes = self.most_pages = self.most_bytes = 0

    def made(self, size: int) -> None:
        with self.lock:
            self.pages += 1
            self.bytes += size
            self.most_pages = max(self.most_pages, self.pages)
            self.most_bytes = max(self.most_bytes, self.bytes)

    def written(self, size: int) -> None:
        with self.lock:
            self.pages -= 1
            self.bytes -= size


class _Body(Encoded[Job]):
    """A page still encoded, of ``size`` bytes; decoded (once) by the writer."""

    def __init__(self, jobs: list[Job], size: int, alive: _Alive) -> None:
        self._jobs, self._size = jobs, size
        alive.made(size)

    @property
    def size(self) -> int:
        return self._size

    def decode(self) -> list[Job]:
        return self._jobs


class _Fast:
    """A service that answers at once: pages are made far faster than they are written.
    It counts the calls in flight (from a page asked for to the page made), and the most."""

    def __init__(self, alive: _Alive, size: int = BODY) -> None:
        self._alive, self._size = alive, size
        self._lock = threading.Lock()
        self.in_flight = self.most_in_flight = 0

    def _call(self, delta: int) -> None:
        with self._lock:
            self.in_flight += delta
            self.most_in_flight = max(self.most_in_flight, self.in_flight)

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        for page in range(PAGES):
            self._call(+1)
            time.sleep(0.0005)  # long enough for the calls of other workers to overlap
            numbers = range(page * PER_PAGE, (page + 1) * PER_PAGE)
            jobs = [make_job(job_id=f"{target.account_id}-{n}") for n in numbers]
            self._call(-1)
            yield Page(_Body(jobs, self._size, self._alive), more=page < PAGES - 1)


def _read_slowly(
    accounts: int,
    concurrency: int,
    budget: PageBudget | None = None,
    size: int = BODY,
    service: list[_Fast] | None = None,
) -> tuple[_Alive, list[str]]:
    alive = _Alive()
    fast = _Fast(alive, size)
    if service is not None:
        service.append(fast)
    written: list[str] = []

    def slow_writer(jobs: Sequence[Job]) -> None:
        time.sleep(0.002)  # the writer is the bottleneck
        written.extend(job.job_id for job in jobs)
        alive.written(size)  # this page is written: it may go

    work = [Work(Target(f"{a:012d}", "eu-west-1", Access.ROLE), LISTING) for a in range(accounts)]
    outcome = fanout.run(fast, work, slow_writer, concurrency=concurrency, budget=budget)
    assert not outcome.failures
    return alive, written


def test_calls_in_flight_never_outnumber_the_concurrency_nor_pages_alive_twice_it() -> None:
    service: list[_Fast] = []
    alive, written = _read_slowly(accounts=20, concurrency=4, service=service)
    assert len(written) == len(set(written)) == 20 * PAGES * PER_PAGE
    assert service[0].most_in_flight <= 4
    assert alive.most_pages <= 2 * 4


def test_pages_waiting_for_the_writer_do_not_take_the_places_of_calls() -> None:
    # The writer is the bottleneck: pages wait for it, beyond the calls in flight.
    alive, _ = _read_slowly(accounts=20, concurrency=4)
    assert alive.most_pages > 4


def test_a_call_that_has_not_returned_keeps_its_place_however_few_pages_wait() -> None:
    budget = PageBudget(2, limit=10 * BODY, first_guess=BODY, pages=4)
    first, second = budget.take(threading.Event()), budget.take(threading.Event())
    assert first == second == BODY
    cancel = threading.Event()
    third: list[int | None] = []
    waiter = threading.Thread(target=lambda: third.append(budget.take(cancel)))
    waiter.start()
    time.sleep(0.2)
    cancel.set()  # two calls in flight, two pages alive of four: it waited all along
    waiter.join()
    assert third == [None]
    assert budget.most_calls == 2
    budget.give_back(budget.arrived(BODY, BODY // 2))  # one call returned, its page written
    assert budget.take(threading.Event()) == BODY // 2  # a place, reserving the largest body seen


def test_bytes_alive_never_pass_the_budget() -> None:
    budget = PageBudget(16, limit=5 * BODY, first_guess=BODY)
    alive, written = _read_slowly(accounts=20, concurrency=16, budget=budget)
    assert len(written) == len(set(written)) == 20 * PAGES * PER_PAGE
    assert alive.most_bytes <= 5 * BODY  # 16 calls could be in flight: the bytes bound them
    assert alive.most_pages <= 5
    assert budget.most_bytes <= 5 * BODY


def test_the_first_calls_reserve_the_first_guess_before_any_body_has_come() -> None:
    # Every body is as large as guessed: no wave of calls, not even the first, passes the
    # budget.
    budget = PageBudget(16, limit=3 * BODY, first_guess=BODY)
    alive, _ = _read_slowly(accounts=16, concurrency=16, budget=budget)
    assert alive.most_pages <= 3


def test_a_page_larger_than_the_budget_is_read_one_at_a_time() -> None:
    budget = PageBudget(8, limit=BODY // 2, first_guess=BODY // 2)
    alive, written = _read_slowly(accounts=4, concurrency=8, budget=budget)
    assert len(written) == len(set(written)) == 4 * PAGES * PER_PAGE
    assert alive.most_pages == 1


class _TwoPages:
    """Listings of two large pages; it counts the second-page calls in flight at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.second_in_flight = self.most_second_in_flight = 0

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        yield Page(_Body([make_job(job_id=f"{target.account_id}-1")], BODY, _Alive()), more=True)
        with self._lock:
            self.second_in_flight += 1
            self.most_second_in_flight = max(self.most_second_in_flight, self.second_in_flight)
        time.sleep(0.05)
        with self._lock:
            self.second_in_flight -= 1
        yield Page(_Body([make_job(job_id=f"{target.account_id}-2")], BODY, _Alive()), more=False)


def test_a_chain_waiting_for_the_page_after_its_first_holds_none_of_the_budget() -> None:
    # A split looks at a listing's first pages; keeping them (and their bytes) until the
    # next came left room for one call at a time once as many chains as the bytes allow
    # had read a first page: each waited for the others' second pages.
    service = _TwoPages()
    never: Splitter[Listing, Job] = Splitter(lambda items: [], lambda listing, times, seconds: None)
    work = [Work(Target(f"{a:012d}", "eu-west-1", Access.ROLE), LISTING) for a in range(8)]
    written: list[str] = []
    outcome = fanout.run(
        service,
        work,
        lambda jobs: written.extend(job.job_id for job in jobs),
        concurrency=8,
        split=never,
        budget=PageBudget(8, limit=3 * BODY, first_guess=BODY),
    )
    assert not outcome.failures
    assert len(written) == 16
    assert service.most_second_in_flight >= 2
