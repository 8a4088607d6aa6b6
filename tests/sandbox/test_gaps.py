"""The gaps the sandbox makes on purpose, its record of them, and the served data agreeing.

``gapcheck`` finds the gaps from what the sandbox serves; ``Dataset.gaps()`` is the record.
Everything that is not in the record must not look like a gap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from backupctl.sandbox import Sandbox

from .clients import SandboxFactory, client, pages
from .gapcheck import COPY_SETTLED, copy_gaps, scheduled, served, stopped

NO_GAPS = {
    "stopped_resources": 0,
    "stopped_long_ago": 0,
    "missing_copies": 0,
    "failed_copies": 0,
    "failing_resources": 0,
}


def targets(sandbox: Sandbox) -> Iterator[tuple[str, str]]:
    for account in sandbox.dataset.active_accounts:
        for region in sandbox.dataset.regions:
            yield account.id, region


def test_the_record_is_what_a_client_finds_from_the_served_data(sandbox: Sandbox) -> None:
    gaps = sandbox.dataset.gaps()
    for account, region in targets(sandbox):
        data = served(sandbox, account, region)
        here = [gap for gap in gaps.stopped if (gap.account_id, gap.region) == (account, region)]
        assert stopped(data) == {gap.resource_arn for gap in here}, (account, region)
        copies = {
            (gap.backup_job_id, gap.destination_vault_arn, gap.copy_job_id, gap.copy_state)
            for gap in gaps.copies
            if (gap.account_id, gap.region) == (account, region)
        }
        assert copy_gaps(data) == copies, (account, region)
        protected = {item["ResourceArn"]: item for item in data.protected}
        for gap in here:
            resource = protected[gap.resource_arn]
            assert resource["LastBackupTime"] == gap.last_backup_time
            assert resource["LastRecoveryPointArn"] == gap.last_recovery_point_arn
            assert resource["LastBackupVaultArn"] == gap.last_backup_vault_arn
            listed = [job for job in data.backups if job["ResourceArn"] == gap.resource_arn]
            assert bool(listed) == gap.in_job_listings
            rule = data.rule(
                {
                    "BackupPlanId": gap.backup_plan_id,
                    "BackupPlanVersion": gap.backup_plan_version,
                    "BackupRuleId": gap.backup_rule_id,
                }
            )
            assert rule["ScheduleExpression"] == gap.schedule_expression
            assert rule["ScheduleExpressionTimezone"] == gap.schedule_timezone
            assert rule["StartWindowMinutes"] == gap.start_window_minutes


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


def _versions(backup: Any, plan_id: str) -> list[tuple[Any, str, dict[str, Any]]]:
    """(created, version id, rule) of each version of a plan, oldest first."""
    listed = backup.list_backup_plan_versions(BackupPlanId=plan_id)["BackupPlanVersionsList"]
    found = []
    for version in sorted(listed, key=lambda item: item["CreationDate"]):
        body = backup.get_backup_plan(BackupPlanId=plan_id, VersionId=version["VersionId"])
        rule = body["BackupPlan"]["Rules"][0]
        found.append((version["CreationDate"], version["VersionId"], rule))
    return found


def _runs(versions: list[tuple[Any, str, dict[str, Any]]], start: Any, end: Any) -> list[Any]:
    """(run, start window, version id) of every run in [start, end), under the version
    then in force."""
    found = []
    for index, (created, version_id, rule) in enumerate(versions):
        ends = versions[index + 1][0] if index + 1 < len(versions) else end
        window = timedelta(minutes=rule["StartWindowMinutes"])
        expression, zone = rule["ScheduleExpression"], rule["ScheduleExpressionTimezone"]
        found += [
            (run, window, version_id)
            for run in scheduled(expression, zone, max(created, start), min(ends, end))
        ]
    return sorted(found)


def test_every_scheduled_run_whose_window_closed_has_its_job(sandbox: Sandbox) -> None:
    """Per resource: one job per run of its rule (under the version then in force),
    created inside the run's start window, until the resource stops; none after."""
    now = sandbox.dataset.now
    stops = {gap.resource_arn: gap.stopped_at for gap in sandbox.dataset.gaps().stopped}
    checked = 0
    for account, region in targets(sandbox):
        backup = client(sandbox, "backup", account, region)
        jobs = [
            job
            for job in pages(backup, "list_backup_jobs", "BackupJobs")
            if "BackupPlanId" in job.get("CreatedBy", {}) and "ParentJobId" not in job
        ]
        by_resource: dict[str, list[dict[str, Any]]] = {}
        for job in jobs:
            by_resource.setdefault(job["ResourceArn"], []).append(job)
        plans: dict[str, list[tuple[Any, str, dict[str, Any]]]] = {}
        for arn, mine in by_resource.items():
            plan_id = mine[0]["CreatedBy"]["BackupPlanId"]
            assert {job["CreatedBy"]["BackupPlanId"] for job in mine} == {plan_id}
            versions = plans.setdefault(plan_id, _versions(backup, plan_id))
            runs = _runs(versions, now - timedelta(days=30), stops.get(arn, now))
            made: dict[Any, list[dict[str, Any]]] = {}
            for job in mine:  # each job belongs to the last run before it
                run = max(item for item in runs if item[0] <= job["CreationDate"])
                made.setdefault(run, []).append(job)
            for run, window, version_id in runs:
                found = made.get((run, window, version_id), [])
                if run + window < now:
                    assert len(found) == 1, (arn, run)
                    checked += 1
                for job in found:
                    assert job["CreationDate"] < run + window, (arn, run)
                    assert job["CreatedBy"]["BackupPlanVersion"] == version_id
    assert checked > 3000


def test_every_job_names_a_plan_version_get_backup_plan_answers(sandbox: Sandbox) -> None:
    for account, region in targets(sandbox):
        data = served(sandbox, account, region)
        creators: dict[tuple[str, str, str], dict[str, Any]] = {}
        for job in data.backups + data.copies:
            made_by = job.get("CreatedBy", {})
            if "BackupPlanId" in made_by:
                plan, version = made_by["BackupPlanId"], made_by["BackupPlanVersion"]
                creators[(plan, version, made_by["BackupRuleId"])] = made_by
        for created_by in creators.values():
            rule = data.rule(created_by)
            assert rule["RuleName"] == created_by["BackupRuleName"]
            assert rule["ScheduleExpression"] == created_by["BackupRuleCron"]
            assert rule["ScheduleExpressionTimezone"] == created_by["BackupRuleTimezone"]
        versions = {(plan, version) for plan, version, _ in creators}
        edited = {plan for plan, _ in versions if sum(p == plan for p, _ in versions) > 1}
        assert edited, f"{account} {region}: a plan edited within the 30 days"


def test_without_gaps_nothing_looks_like_one(sandbox_factory: SandboxFactory) -> None:
    quiet = sandbox_factory(members=3, jobs_per_region=200, **NO_GAPS)
    gaps = quiet.dataset.gaps()
    assert (gaps.stopped, gaps.copies, gaps.failing) == ((), (), ())
    for account, region in targets(quiet):
        data = served(quiet, account, region)
        assert stopped(data) == set()
        assert copy_gaps(data) == set()


@pytest.mark.parametrize(
    "counts",
    [
        {"stopped_resources": 7, "stopped_long_ago": 1, "missing_copies": 2},
        {"stopped_long_ago": 3, "failed_copies": 5, "failing_resources": 1},
    ],
)
def test_the_counts_are_the_configs(
    sandbox_factory: SandboxFactory, counts: dict[str, int]
) -> None:
    config = {**NO_GAPS, **counts}
    server = sandbox_factory(members=2, jobs_per_region=300, **config)
    gaps = server.dataset.gaps()
    listed = Counter(gap.in_job_listings for gap in gaps.stopped)
    assert listed[True] == config["stopped_resources"]
    assert listed[False] == config["stopped_long_ago"]
    assert sum(gap.copy_job_id is None for gap in gaps.copies) == config["missing_copies"]
    failed = {gap.backup_job_id for gap in gaps.copies if gap.copy_state == "FAILED"}
    assert len(failed) >= config["failed_copies"]
    assert len(gaps.failing) == config["failing_resources"]
    for target in targets(server):
        data = served(server, *target)
        here = {g.resource_arn for g in gaps.stopped if (g.account_id, g.region) == target}
        assert stopped(data) == here


def test_copy_gaps_are_found_by_source_recovery_point(sandbox: Sandbox) -> None:
    for gap in sandbox.dataset.gaps().copies:
        backup = client(sandbox, "backup", gap.account_id, gap.region)
        copies = backup.list_copy_jobs(BySourceRecoveryPointArn=gap.recovery_point_arn)["CopyJobs"]
        assert all(copy["SourceRecoveryPointArn"] == gap.recovery_point_arn for copy in copies)
        destination = gap.destination_vault_arn
        to_destination = [c for c in copies if c["DestinationBackupVaultArn"] == destination]
        assert [copy["CopyJobId"] for copy in to_destination] == (
            [gap.copy_job_id] if gap.copy_job_id else []
        )
        assert gap.completed_at <= sandbox.dataset.now - COPY_SETTLED
