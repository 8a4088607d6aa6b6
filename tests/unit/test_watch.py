"""What changed between two refreshes of ``jobs watch``: hand-made jobs, no AWS."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backupctl.domain.changes import Cycle, Unread, compare, job_key, settle
from backupctl.domain.errors import AwsError
from backupctl.domain.job import Job, Kind
from backupctl.domain.outcome import Failure
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Target
from tests.output.factory import NOW, make_job

ACCOUNT = "123456789012"


def running(job_id: str, **overrides: Any) -> Job:
    values: dict[str, Any] = {"state": "RUNNING", "percent_done": 10.0, **overrides}
    return make_job(job_id=job_id, account_id=ACCOUNT, **values)


def refresh(
    previous: Cycle,
    listed: list[Job],
    described: dict[str, Job | None] | None = None,
    unread: Unread | None = None,
) -> Cycle:
    """One refresh; ``described`` answers the describe calls by job id."""
    change = compare(previous.keyed, listed, unread)
    answers = described or {}
    for job in change.gone:  # every gone job must be asked about, and only those
        assert job.job_id in answers, job.job_id
    return settle(change, {job_key(job): answers[job.job_id] for job in change.gone})


def ids(jobs: tuple[Job, ...]) -> list[str]:
    return sorted(job.job_id for job in jobs)


def test_the_first_refresh_shows_what_it_listed_and_nothing_finished() -> None:
    cycle = refresh(Cycle(), [running("a"), running("b")])
    assert ids(cycle.active) == ["a", "b"]
    assert cycle.finished == ()


def test_a_job_that_stays_is_not_finished_and_shows_its_new_progress() -> None:
    first = refresh(Cycle(), [running("a"), running("b")])
    second = refresh(first, [running("a", percent_done=55.0), running("b")])
    assert second.finished == ()
    assert {job.job_id: job.percent_done for job in second.active} == {"a": 55.0, "b": 10.0}


def test_a_job_that_disappears_is_finished_once_with_the_described_state() -> None:
    first = refresh(Cycle(), [running("a"), running("b")])
    failed = running("a", state="FAILED", status_message="Access denied")
    second = refresh(first, [running("b")], {"a": failed})
    assert second.finished == (failed,)
    assert ids(second.active) == ["b"]
    third = refresh(second, [running("b")])  # no describe asked for a again
    assert third.finished == ()
    assert ids(third.active) == ["b"]


def test_a_job_that_cannot_be_described_ends_with_an_unknown_state() -> None:
    first = refresh(Cycle(), [running("a")])
    second = refresh(first, [], {"a": None})
    assert [(job.job_id, job.state) for job in second.finished] == [("a", None)]
    assert refresh(second, []).finished == ()


def test_a_described_job_still_active_stays_and_is_asked_about_again() -> None:
    first = refresh(Cycle(), [running("a")])
    aborting = running("a", state="ABORTING")
    second = refresh(first, [], {"a": aborting})
    assert (second.active, second.finished) == ((aborting,), ())
    aborted = running("a", state="ABORTED")
    third = refresh(second, [], {"a": aborted})
    assert (third.active, third.finished) == ((), (aborted,))


def test_jobs_of_a_failed_listing_are_kept_not_finished() -> None:
    first = refresh(Cycle(), [running("a"), running("c", kind=Kind.COPY)])
    target = Target(ACCOUNT, "us-east-1", Access.CALLER)
    unread = Unread.of([Failure(target, Listing(Kind.BACKUP, {}), AwsError("throttled"))])
    copy_done = running("c", kind=Kind.COPY, state="COMPLETED")
    second = refresh(first, [], {"c": copy_done}, unread)
    assert ids(second.active) == ["a"]  # its listing failed: still the last known record
    assert second.finished == (copy_done,)  # the copy listing was read: it did end


def test_an_org_wide_failure_covers_every_account_of_its_region() -> None:
    unread = Unread.of(
        [
            Failure(
                Target(ALL_ACCOUNTS, "us-east-1", Access.ORG_VIEW),
                Listing(Kind.BACKUP, {}),
                AwsError("x"),
            )
        ]
    )
    assert unread.covers(running("a"))
    assert not unread.covers(running("a", region="eu-west-1"))
    assert not unread.covers(running("a", kind=Kind.RESTORE))


def test_a_job_that_left_the_since_window_is_dropped_without_a_describe() -> None:
    old = running("old", created_at=NOW - timedelta(hours=3))
    first = refresh(Cycle(), [old, running("new")])
    change = compare(first.keyed, [running("new")], since=NOW - timedelta(hours=2))
    assert change.gone == ()
    assert list(change.active) == [job_key(running("new"))]


def test_a_job_listed_twice_while_it_moved_keeps_its_later_state() -> None:
    for order in (["PENDING", "RUNNING"], ["RUNNING", "PENDING"]):
        cycle = refresh(Cycle(), [running("a", state=state) for state in order])
        assert [job.state for job in cycle.active] == ["RUNNING"]


def test_the_same_id_in_two_regions_is_two_jobs() -> None:
    cycle = refresh(Cycle(), [running("a"), running("a", region="eu-west-1")])
    assert sorted(job.region for job in cycle.active) == ["eu-west-1", "us-east-1"]
