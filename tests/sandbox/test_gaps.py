"""The gaps the sandbox makes on purpose, and its record of them (``Dataset.gaps()``)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from backupctl.sandbox import Sandbox

from .gapcheck import scheduled


def test_the_default_gaps_are_a_few_spread_over_the_organization(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    gaps = dataset.gaps()
    assert len(gaps.stopped) == 5
    assert Counter(gap.in_job_listings for gap in gaps.stopped) == {True: 3, False: 2}
    accounts = {gap.account_id for gap in gaps.stopped}
    assert dataset.management_account_id in accounts and len(accounts) >= 4
    assert {gap.region for gap in gaps.stopped} == set(dataset.regions)
    assert {gap.backup_rule_name for gap in gaps.stopped} == {
        "DailyBackups",
        "DailyWithDRCopy",
        "WeeklyBackups",
    }
    missing = [gap for gap in gaps.copies if gap.copy_job_id is None]
    failed = Counter(gap.copy_state for gap in gaps.copies if gap.copy_job_id is not None)
    assert len(missing) == 4
    assert failed["FAILED"] >= 4 and set(failed) <= {"FAILED", "PARTIAL"}
    now = dataset.now
    assert all(gap.completed_at <= now - timedelta(hours=6) for gap in gaps.copies)
    assert len({(gap.account_id, gap.region) for gap in gaps.copies}) >= 5
    assert len(gaps.failing) == 3


def test_each_stop_is_beyond_doubt(sandbox: Sandbox) -> None:
    now = sandbox.dataset.now
    for gap in sandbox.dataset.gaps().stopped:
        window = timedelta(minutes=gap.start_window_minutes)
        start = gap.last_backup_time
        runs = scheduled(gap.schedule_expression, gap.schedule_timezone, start, now)
        # The runs after the last backup, two of them with their windows closed before now.
        assert len(runs) >= 2 and runs[1] + window < now
        interval = runs[1] - runs[0]
        assert gap.stopped_at <= now - 2 * interval - window
        assert gap.last_backup_time < gap.stopped_at <= runs[0]
        assert gap.in_job_listings == (gap.last_backup_time >= now - timedelta(days=30))


def test_failing_resources_have_failed_jobs_not_gaps(sandbox: Sandbox) -> None:
    gaps = sandbox.dataset.gaps()
    stopped_arns = {gap.resource_arn for gap in gaps.stopped}
    for failing in gaps.failing:
        assert failing.resource_arn not in stopped_arns
        jobs = sandbox.dataset.jobs("backup", failing.account_id, failing.region)
        since = [
            job
            for job in jobs
            if job["ResourceArn"] == failing.resource_arn
            and job["CreationDate"] >= failing.failing_since.timestamp()
        ]
        assert since and since[0]["BackupJobId"] == failing.latest_job_id
        assert {job["State"] for job in since} <= {"FAILED", "RUNNING"}
        assert "FAILED" in {job["State"] for job in since}
        assert failing.last_backup_time is not None
        assert failing.last_backup_time < failing.failing_since
