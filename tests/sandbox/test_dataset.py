"""The data set: organization, realistic jobs, hostile strings, determinism and scale."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from backupctl.sandbox import HOSTILE_STRINGS, KINDS, Sandbox, SandboxConfig
from backupctl.sandbox.dataset import Dataset

GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
KEYS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}


def every_job(sandbox: Sandbox, kind: str) -> list[dict[str, Any]]:
    dataset = sandbox.dataset
    return [
        job
        for account in dataset.active_accounts
        for region in dataset.regions
        for job in dataset.jobs(kind, account.id, region)
    ]


def state_of(job: dict[str, Any]) -> str:
    return str(job.get("State") or job["Status"])


def test_the_organization(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    names = [acct.name for acct in dataset.accounts]
    assert names[:5] == ["management", "security", "log-archive", "prod-payments", "staging-web"]
    assert len(names) == 9 and len(set(names)) == 9
    assert Counter(acct.status for acct in dataset.accounts) == {"ACTIVE": 7, "SUSPENDED": 2}
    assert all(re.fullmatch(r"\d{12}", acct.id) for acct in dataset.accounts)
    assert dataset.accounts[0].id == dataset.management_account_id
    ous = {ou.name for ou in dataset.ous}
    assert {"Production", "Payments", "Development", "Suspended"} <= ous
    assert dataset.regions == ("us-east-1", "eu-west-1")


def test_a_large_organization_scales() -> None:
    started = time.perf_counter()
    dataset = Dataset(SandboxConfig(members=150), NOW)
    assert len({acct.id for acct in dataset.accounts}) == 151
    assert len({acct.name for acct in dataset.accounts}) == 151
    last = dataset.active_accounts[-1]
    assert len(dataset.jobs("backup", last.id, "eu-west-1")) > 200
    assert time.perf_counter() - started < 1.0


def test_about_jobs_per_region_in_realistic_shares(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    counts = {kind: len(every_job(sandbox, kind)) for kind in KINDS}
    pairs = len(dataset.active_accounts) * len(dataset.regions)
    # Jobs follow the schedules, so the count is near the budget rather than on it.
    assert 0.9 * 400 <= sum(counts.values()) / pairs <= 1.1 * 400
    assert abs(counts["backup"] / sum(counts.values()) - 0.70) < 0.03
    assert abs(counts["copy"] / sum(counts.values()) - 0.22) < 0.03
    for account in dataset.accounts:
        if not account.active:
            assert all(dataset.jobs(kind, account.id, "us-east-1") == [] for kind in KINDS)


def test_states_are_realistic(sandbox: Sandbox) -> None:
    backups = every_job(sandbox, "backup")
    states = Counter(state_of(job) for job in backups)
    assert states["COMPLETED"] / len(backups) > 0.75
    for state in ("FAILED", "ABORTED", "EXPIRED", "PARTIAL", "RUNNING"):
        assert states[state] > 0, state
    issues = [j for j in backups if j["State"] == "COMPLETED" and j["MessageCategory"] != "SUCCESS"]
    assert {job["MessageCategory"] for job in issues} >= {"InvalidParameters", "AccessDenied"}
    now = sandbox.dataset.now.timestamp()
    for kind in KINDS:
        for job in every_job(sandbox, kind):
            state = state_of(job)
            if state in ("CREATED", "PENDING", "RUNNING"):
                assert "CompletionDate" not in job
                assert now - job["CreationDate"] < 8 * 3600
                if kind != "copy":  # copy jobs have no PercentDone member
                    assert re.fullmatch(r"\d{1,3}\.\d", job["PercentDone"])
            else:
                assert job["CreationDate"] <= job["CompletionDate"] <= now
            if state == "FAILED":
                assert job["StatusMessage"]


def test_ids_and_order(sandbox: Sandbox) -> None:
    seen: set[str] = set()
    for kind in KINDS:
        for account in sandbox.dataset.active_accounts:
            jobs = sandbox.dataset.jobs(kind, account.id, "eu-west-1")
            keys = [(-job["CreationDate"], job[KEYS[kind]]) for job in jobs]
            assert keys == sorted(keys)
            for job in jobs:
                assert GUID.match(job[KEYS[kind]])
                assert round(job["CreationDate"], 3) == job["CreationDate"]
                seen.add(job[KEYS[kind]])
    assert len(seen) == sum(
        len(sandbox.dataset.jobs(kind, acct.id, "eu-west-1"))
        for kind in KINDS
        for acct in sandbox.dataset.active_accounts
    )


def test_copies_follow_completed_backups(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    log_archive = next(acct.id for acct in dataset.accounts if acct.name == "log-archive")
    destinations: Counter[str] = Counter()
    for account in dataset.active_accounts:
        for region in dataset.regions:
            backups = {
                job["BackupJobId"]: job for job in dataset.jobs("backup", account.id, region)
            }
            for copy in dataset.jobs("copy", account.id, region):
                source = backups[copy["CreatedByBackupJobId"]]
                # A PARTIAL composite is copied too: what of it completed.
                assert source["State"] == "COMPLETED" or (
                    source["State"] == "PARTIAL" and source["IsParent"]
                )
                assert copy["CreatedBy"] == source["CreatedBy"]
                assert copy["SourceRecoveryPointArn"] == source["RecoveryPointArn"]
                assert copy["CreationDate"] > source["CompletionDate"]
                _, _, _, dest_region, dest_account, *_ = copy["DestinationBackupVaultArn"].split(
                    ":"
                )
                assert dest_region != region or dest_account == log_archive
                destinations["other region" if dest_region != region else "log-archive"] += 1
    assert destinations["other region"] and destinations["log-archive"]


def test_parents_and_children_agree(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    parents = 0
    for kind in ("backup", "copy"):
        for account in dataset.active_accounts:
            for region in dataset.regions:
                jobs = dataset.jobs(kind, account.id, region)
                children = Counter(job["ParentJobId"] for job in jobs if "ParentJobId" in job)
                for job in jobs:
                    if not job["IsParent"]:
                        continue
                    parents += 1
                    job_id = job[KEYS[kind]]
                    described = dataset.describe(kind, account.id, region, job_id)
                    assert described is not None
                    body = described.get("CopyJob", described)
                    assert body["NumberOfChildJobs"] == children[job_id] > 0
                    assert sum(body["ChildJobsInState"].values()) == children[job_id]
    assert parents >= 10


def test_every_hostile_string_is_in_a_failed_job(sandbox: Sandbox) -> None:
    dataset = sandbox.dataset
    placements = dataset.hostile_jobs()
    assert {place.string for place in placements} == set(HOSTILE_STRINGS)
    assert {place.field for place in placements} == {"StatusMessage", "ResourceName"}
    for string in HOSTILE_STRINGS:
        fields = {place.field for place in placements if place.string == string}
        assert fields == {"StatusMessage", "ResourceName"}, repr(string)
    assert {place.kind for place in placements} == set(KINDS)
    for place in placements:
        jobs = dataset.jobs(place.kind, place.account_id, place.region)
        job = next(job for job in jobs if job[KEYS[place.kind]] == place.job_id)
        assert state_of(job) == "FAILED"
        assert job[place.field] == place.string
    assert max(len(text) for text in HOSTILE_STRINGS) == 5000


def test_same_seed_same_data_other_seed_other_data() -> None:
    def fingerprint(seed: int) -> list[Any]:
        dataset = Dataset(SandboxConfig(seed=seed, members=2, jobs_per_region=50), NOW)
        account = dataset.active_accounts[1].id
        return [
            [acct.id for acct in dataset.accounts],
            dataset.organization.id,
            dataset.jobs("backup", account, "us-east-1"),
            dataset.jobs("restore", account, "eu-west-1"),
        ]

    assert fingerprint(3) == fingerprint(3)
    other = fingerprint(4)
    assert all(a != b for a, b in zip(fingerprint(3), other, strict=True))


def test_the_data_is_relative_to_now() -> None:
    dataset = Dataset(SandboxConfig(members=1, jobs_per_region=100), NOW)
    jobs = dataset.jobs("backup", dataset.management_account_id, "us-east-1")
    ages = [NOW.timestamp() - job["CreationDate"] for job in jobs]
    assert min(ages) > 0 and max(ages) <= 30 * 86400
    assert max(ages) > 25 * 86400
