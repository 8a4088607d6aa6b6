"""The progress line a person sees on stderr while a fan-out runs."""

from __future__ import annotations

from backupctl.cli.progress import progress_text
from backupctl.domain.errors import AccessDeniedError
from backupctl.domain.job import Kind
from backupctl.domain.targets import Access, Target
from backupctl.engine.fanout import Failure, Outcome


def test_listings_done_of_all_and_jobs_found() -> None:
    assert progress_text(Outcome(total=60, jobs=4800, done=12)) == (
        "listings 12/60, 4,800 jobs found"
    )


def test_the_total_is_so_far_while_accounts_are_still_listed() -> None:
    outcome = Outcome(total=120, jobs=0, done=3, finding=True)
    assert progress_text(outcome) == "listings 3/120 so far, 0 jobs found"


def test_failed_listings_are_counted() -> None:
    denied = AccessDeniedError("no", "AccessDenied")
    failure = Failure(Target("111111111111", "eu-west-1", Access.ROLE), Kind.COPY, denied)
    outcome = Outcome(total=6, jobs=10, done=6, failures=[failure])
    assert progress_text(outcome) == "listings 6/6, 10 jobs found, 1 failed"
