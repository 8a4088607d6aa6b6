"""The judgment of gaps, case by case: what makes a candidate, which evidence wins, when a
copy counts as made."""

from __future__ import annotations

from datetime import datetime, timedelta

from backupctl.domain.copy_gaps import copy_gaps
from backupctl.domain.durations import duration_text, parse_duration
from backupctl.domain.gaps import Evidence
from backupctl.domain.job import Kind
from backupctl.domain.protection import Creator, PlanVersion, Rule, TracedJob
from backupctl.domain.stopped_resources import candidates, expect
from tests.output.factory import NOW, make_job

ARN = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123"
DAILY = Creator("plan-1", "v1", "rule-1", "daily", "Daily", "cron(0 5 ? * * *)", "Etc/UTC")
VAULT = "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"
HOUR = timedelta(hours=1)


def backup(
    job_id: str,
    at: datetime,
    state: str = "COMPLETED",
    creator: Creator | None = DAILY,
    **fields: object,
) -> TracedJob:
    """A backup job of the one resource, completed an hour after it was created."""
    point = f"rp-{job_id}"
    job = make_job(
        job_id=job_id,
        created_at=at,
        state=state,
        resource_arn=ARN,
        recovery_point_arn=point,
        completed_at=at + HOUR,
        **fields,
    )
    return TracedJob(job, creator, None)


def daily_runs(days: int, end: datetime) -> list[TracedJob]:
    """A job of the daily rule at 05:00 UTC of each of ``days`` days before ``end``."""
    first = end.replace(hour=5, minute=0, second=0, microsecond=0)
    runs = [first - timedelta(days=n) for n in range(days)]
    return [backup(f"d{n}", at) for n, at in enumerate(runs) if at < end]


def test_a_job_made_since_the_last_backup_makes_a_failure_not_a_candidate() -> None:
    last = NOW - timedelta(days=3)
    failed = backup("later", last + timedelta(days=1), state="FAILED")
    assert candidates([backup("last", last), failed], None) == []
    running = backup("later", NOW - HOUR, state="RUNNING")
    assert candidates([backup("last", last), running], None) == []
    [found] = candidates([backup("last", last), backup("older", last - timedelta(days=1))], None)
    assert (found.job_id, found.time, found.creator) == ("last", last, DAILY)


def test_the_plan_rule_wins_over_the_job_record_and_history() -> None:
    [found] = candidates(daily_runs(5, NOW - timedelta(days=2)), None)
    rule = Rule("rule-1", "Daily", "cron(0 5 ? * * *)", "Etc/UTC", 2 * HOUR, ())
    version = PlanVersion("plan-1", "v1", "daily", {"rule-1": rule})
    by_plan, used, judged = expect(found, None, version)
    assert judged and used == rule and by_plan is not None
    assert by_plan.evidence is Evidence.PLAN
    assert by_plan.overdue_since == found.time + timedelta(days=1) + 2 * HOUR
    by_job, used, judged = expect(found, None, None)
    assert by_job is not None and by_job.evidence is Evidence.JOB and used is None
    assert by_job.overdue_since == found.time + timedelta(days=1) + timedelta(hours=8)
    assert by_job.interval == timedelta(days=1)


def test_history_is_the_median_interval_and_as_much_again() -> None:
    times = [NOW - timedelta(days=d) for d in (10, 9, 8, 6, 5)]  # one day missed
    jobs = [backup(f"h{n}", at, creator=None) for n, at in enumerate(times)]
    [found] = candidates(jobs, None)
    expected, _, judged = expect(found, None, None)
    assert judged and expected is not None
    assert (expected.evidence, expected.text) == (Evidence.HISTORY, "history: every 24h")
    assert expected.overdue_since == NOW - timedelta(days=5) + timedelta(days=2)
    single = candidates([backup("only", NOW - timedelta(days=40), creator=None)], None)
    assert expect(single[0], None, None) == (None, None, False)  # nothing to judge by


def test_a_backup_on_demand_is_judged_by_the_resources_scheduled_rule() -> None:
    """On-demand backups cluster at any time: their history would expect a backup far
    more often than the weekly rule that protects the resource."""
    weekly = DAILY._replace(rule_cron="cron(0 5 ? * SUN *)")
    sunday = datetime(2026, 11, 22, 5, 0, tzinfo=NOW.tzinfo)
    jobs = [backup(f"w{n}", sunday - timedelta(days=7 * n), creator=weekly) for n in (1, 0)]
    jobs += [backup(f"o{n}", sunday + n * 6 * HOUR + 30 * HOUR, creator=None) for n in range(3)]
    [found] = candidates(jobs, None)
    assert found.job_id == "o2" and found.creator == weekly
    expected, _, _ = expect(found, None, None)
    assert expected is not None and expected.evidence is Evidence.JOB
    assert expected.overdue_since == sunday + timedelta(days=7, hours=8)


def test_rpo_replaces_every_other_evidence() -> None:
    [found] = candidates(daily_runs(3, NOW), None)
    expected, _, _ = expect(found, timedelta(hours=26), None)
    assert expected is not None and expected.text == "--rpo 26h"
    assert expected.overdue_since == found.time + timedelta(hours=26)


def copy(job_id: str, source: TracedJob, state: str, at: datetime) -> TracedJob:
    point = source.job.recovery_point_arn
    job = make_job(
        kind=Kind.COPY,
        job_id=job_id,
        state=state,
        created_at=at,
        destination_vault_arn=VAULT,
        recovery_point_arn=point,
    )
    return TracedJob(job, source.creator, source.job.job_id)


def test_a_copy_retried_after_a_failure_is_no_gap_and_grace_counts() -> None:
    source = backup("b1", NOW - timedelta(days=1))
    plan = ((VAULT,), Evidence.PLAN, "plan daily rule Daily copies there")
    failed = copy("c1", source, "FAILED", NOW - timedelta(hours=20))
    retried = copy("c2", source, "COMPLETED", NOW - timedelta(hours=10))
    grace = timedelta(hours=4)
    [gap], checked = copy_gaps([source], [failed], lambda _: plan, NOW, grace)
    assert (gap.copy_job_id, gap.copy_state, checked) == ("c1", "FAILED", 1)
    assert copy_gaps([source], [failed, retried], lambda _: plan, NOW, grace) == ([], 1)
    [missing], _ = copy_gaps([source], [], lambda _: plan, NOW, grace)
    assert missing.copy_job_id is None and source.job.completed_at is not None
    assert missing.expected.overdue_since == source.job.completed_at + grace
    assert copy_gaps([source], [], lambda _: plan, NOW, timedelta(days=2)) == ([], 0)


def test_a_composites_children_wait_for_it() -> None:
    parent = backup("p", NOW - timedelta(days=1), state="RUNNING", is_parent=True)
    parent = parent._replace(job=parent.job._replace(completed_at=None))
    child = backup("k", NOW - timedelta(days=1), parent_job_id="p")
    plan = ((VAULT,), Evidence.PLAN, "plan")
    assert copy_gaps([parent, child], [], lambda _: plan, NOW, HOUR) == ([], 0)


def test_durations() -> None:
    assert parse_duration("26h", "--rpo") == timedelta(hours=26)
    lengths = [timedelta(minutes=m) for m in (90, 1440, 2160, 2880, 10080)]
    assert [duration_text(length) for length in lengths] == ["90m", "24h", "36h", "2d", "1w"]
