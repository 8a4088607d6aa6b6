"""Records as large as AWS's get: the same jobs, model-valid, names and text near the limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from backupctl.sandbox import HOSTILE_STRINGS, KINDS, Sandbox, SandboxConfig
from backupctl.sandbox.dataset import Dataset

from .clients import client, pages
from .test_faithfulness import LISTS, assert_faithful
from .wiremodel import Recorder

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
IDS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
# The longest name AWS allows for each resource type (Name tags for EC2, EBS, EFS, FSx).
NAME_LIMITS = {
    "DynamoDB": 255, "EC2": 256, "EBS": 256, "EFS": 256, "FSx": 256,
    "RDS": 63, "Aurora": 63, "S3": 63, "CloudFormation": 128,
}  # fmt: skip
VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-\_]{2,50}$")
ROLE_ARN = re.compile(r"^arn:aws:iam::\d{12}:role(/[!-~]+/)([\w+=,.@-]{1,64})$")


@pytest.fixture(scope="module")
def large() -> Iterator[Sandbox]:
    config = SandboxConfig(members=3, jobs_per_region=200, large_records=True, now=NOW)
    with Sandbox(config) as server:
        yield server


def every_job(sandbox: Sandbox, kind: str) -> list[dict[str, Any]]:
    dataset = sandbox.dataset
    return [
        job
        for account in dataset.active_accounts
        for region in dataset.regions
        for job in dataset.jobs(kind, account.id, region)
    ]


def test_every_page_and_describe_matches_the_model(large: Sandbox) -> None:
    recorder = Recorder()
    for account in large.dataset.active_accounts:
        for region in large.dataset.regions:
            backup = client(large, "backup", account.id, region, recorder=recorder)
            for operation, member in LISTS:
                for job in getattr(backup, operation)()[member][:15]:
                    kind = operation.removeprefix("list_").removesuffix("_jobs")
                    getattr(backup, f"describe_{kind}_job")(**{IDS[kind]: job[IDS[kind]]})
    assert len(recorder.responses) > 200
    assert_faithful(recorder)


def outline(dataset: Dataset, kind: str, account: str, region: str) -> list[tuple[Any, ...]]:
    """What a job is, without its text: id, state and times."""
    state = "Status" if kind == "restore" else "State"
    return [
        (job[IDS[kind]], job[state], job["CreationDate"], job.get("CompletionDate"))
        for job in dataset.jobs(kind, account, region)
    ]


def test_the_jobs_are_those_of_the_ordinary_data_set(large: Sandbox) -> None:
    plain = Dataset(SandboxConfig(members=3, jobs_per_region=200, now=NOW), NOW)
    account = large.dataset.active_accounts[2].id
    for kind in KINDS:
        for region in large.dataset.regions:
            target = (kind, account, region)
            assert outline(large.dataset, *target) == outline(plain, *target)


def test_names_arns_and_vaults_are_near_aws_limits(large: Sandbox) -> None:
    backups = every_job(large, "backup")
    hostile = set(HOSTILE_STRINGS)
    longest: dict[str, int] = {}
    for job in backups:
        name = job["ResourceName"]
        if name not in hostile:
            longest[job["ResourceType"]] = max(longest.get(job["ResourceType"], 0), len(name))
        assert VAULT_NAME.match(job["BackupVaultName"])
        assert job["BackupVaultName"] == "Default" or len(job["BackupVaultName"]) == 50
        match = ROLE_ARN.match(job["IamRoleArn"])
        assert match is not None, job["IamRoleArn"]
        assert 480 <= len(match.group(1)) <= 512 and len(match.group(2)) == 64
    for kind, limit in NAME_LIMITS.items():
        assert limit - 25 <= longest[kind] <= limit, kind
    copies = every_job(large, "copy")
    assert {len(job["DestinationBackupVaultArn"].rsplit(":", 1)[1]) for job in copies} == {50}
    for job in every_job(large, "restore"):
        if "CreatedResourceArn" in job and job["ResourceType"] in ("RDS", "Aurora", "DynamoDB"):
            name = re.split(r"[:/]", job["CreatedResourceArn"])[-1]
            assert len(name) <= NAME_LIMITS[job["ResourceType"]], name


def test_half_the_status_messages_run_to_thousands_of_characters(large: Sandbox) -> None:
    lengths = [
        len(job["StatusMessage"])
        for kind in KINDS
        for job in every_job(large, kind)
        if "StatusMessage" in job and job["StatusMessage"] not in HOSTILE_STRINGS
    ]
    long = [length for length in lengths if length >= 1500]
    assert 0.35 <= len(long) / len(lengths) <= 0.65
    assert max(lengths) <= 4500
    for place in large.dataset.hostile_jobs():  # hostile strings are placed as they are
        jobs = large.dataset.jobs(place.kind, place.account_id, place.region)
        job = next(job for job in jobs if job[IDS[place.kind]] == place.job_id)
        assert job[place.field] == place.string


def test_filters_find_the_long_arns(large: Sandbox) -> None:
    account = large.dataset.active_accounts[1].id
    backup = client(large, "backup", account)
    jobs = large.dataset.jobs("backup", account, "us-east-1")
    arn = max((job["ResourceArn"] for job in jobs), key=len)
    found = pages(backup, "list_backup_jobs", "BackupJobs", ByResourceArn=arn)
    assert len(arn) > 250
    expected = [job["BackupJobId"] for job in jobs if job["ResourceArn"] == arn]
    assert [job["BackupJobId"] for job in found] == expected


def test_a_page_of_a_thousand_jobs_weighs_more_than_two_megabytes() -> None:
    def page_bytes(large_records: bool) -> int:
        config = SandboxConfig(members=0, jobs_per_region=1500, large_records=large_records)
        dataset = Dataset(config, NOW)
        jobs = dataset.listing("backup", dataset.management_account_id, "us-east-1")
        return len(b",".join(job.listed for job in jobs[:1000]))

    assert page_bytes(False) < 1_600_000 < 2_200_000 < page_bytes(True)
