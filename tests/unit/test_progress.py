"""The progress line a person sees on stderr while a fan-out runs."""

from __future__ import annotations

from backupctl.domain.errors import AccessDeniedError
from backupctl.domain.job import Kind
from backupctl.domain.outcome import Failure, Outcome
from backupctl.domain.query import Listing
from backupctl.domain.targets import Access, Target
from backupctl.output.unread import progress_text


def test_listings_done_of_all_and_jobs_found() -> None:
    assert progress_text(Outcome(total=60, items=4800, done=12)) == (
        "listings 12/60, 4,800 jobs found"
    )


def test_the_total_is_so_far_while_accounts_are_still_listed() -> None:
    outcome: Outcome[Listing] = Outcome(total=120, items=0, done=3, finding=True)
    assert progress_text(outcome) == "listings 3/120 so far, 0 jobs found"


def test_failed_listings_are_counted() -> None:
    denied = AccessDeniedError("no", "AccessDenied")
    target = Target("111111111111", "eu-west-1", Access.ROLE)
    failure = Failure(target, Listing(Kind.COPY, {}), denied)
    outcome = Outcome(total=6, items=10, done=6, failures=[failure])
    assert progress_text(outcome) == "listings 6/6, 10 jobs found, 1 failed"
