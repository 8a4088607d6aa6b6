"""Thirty days of backup jobs for one account in one region, in AWS Backup's wire form.

Records hold every member of the Describe output (timestamps as epoch seconds with
milliseconds); the List form is a projection of the same record onto the model's shape.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from backupctl.sandbox import messages
from backupctl.sandbox.estate import Estate, Plan, Resource
from backupctl.sandbox.ids import guid, hex_id

DAY = 86400.0
WINDOW = 30 * DAY
RECENT = 6 * 3600.0  # jobs still in progress are only ever this young
START_WINDOW = 8 * 3600.0

_BACKUP_DONE = (("COMPLETED", 86), ("FAILED", 7), ("ABORTED", 3), ("EXPIRED", 4))
_BACKUP_ACTIVE = (("RUNNING", 70), ("PENDING", 15), ("CREATED", 15))
_ISSUES_SHARE = 0.07  # COMPLETED jobs whose MessageCategory is not SUCCESS
_ON_DEMAND_SHARE = 0.08
_COMPOSITE_SHARE = 0.02
ACTIVE_STATES = frozenset({"CREATED", "PENDING", "RUNNING", "ABORTING"})


@dataclass
class Job:
    """One job: its full wire-form record, and its List form serialized once."""

    kind: str  # backup, copy or restore
    job_id: str
    created: float
    record: dict[str, Any]
    listed: bytes = b""

    @property
    def sort_key(self) -> tuple[float, str]:
        """Newest first; ties broken by job id."""
        return (-self.created, self.job_id)


def weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    """One name from a (name, weight) table."""
    point = rng.random() * sum(weight for _, weight in table)
    for name, weight in table:
        point -= weight
        if point < 0:
            return name
    return table[-1][0]


def percent(value: float) -> str:
    """PercentDone as AWS sends it: a string such as ``"42.0"``."""
    return f"{value:.1f}"


def stamp(value: float) -> float:
    """Epoch seconds with milliseconds, as AWS Backup sends timestamps."""
    return round(value, 3)


def in_progress(rng: random.Random, age: float) -> bool:
    """Whether a job this old is still going: only in the last hours, more so the newer."""
    return age < RECENT and rng.random() < 0.8 * (1 - age / RECENT)


def recovery_point_arn(estate: Estate, resource: Resource, job_id: str, rng: random.Random) -> str:
    """Where a backup of ``resource`` is stored; its form depends on the resource type."""
    region, account = estate.region, estate.account_id
    if resource.type == "EC2":
        return f"arn:aws:ec2:{region}::image/ami-0{hex_id(rng, 16)}"
    if resource.type == "EBS":
        return f"arn:aws:ec2:{region}::snapshot/snap-0{hex_id(rng, 16)}"
    if resource.type == "RDS":
        return f"arn:aws:rds:{region}:{account}:snapshot:awsbackup:job-{job_id.lower()}"
    if resource.type == "Aurora":
        return f"arn:aws:rds:{region}:{account}:cluster-snapshot:awsbackup:job-{job_id.lower()}"
    if resource.type == "DynamoDB":
        digits = rng.randrange(10**12, 10**13)
        return f"{resource.arn}/backup/{digits}-{hex_id(rng, 8)}"
    return f"arn:aws:backup:{region}:{account}:recovery-point:{guid(rng)}"


class BackupGenerator:
    """Draws the backup jobs of one estate."""

    def __init__(self, rng: random.Random, estate: Estate, now: float) -> None:
        self.rng = rng
        self.estate = estate
        self.now = now

    def generate(self, count: int) -> list[Job]:
        """``count`` backup jobs, a few of them composite (a parent and its children)."""
        jobs: list[Job] = []
        while len(jobs) < count:
            created = stamp(self.now - self.rng.uniform(60.0, WINDOW))
            left = count - len(jobs)
            if left >= 3 and self.rng.random() < _COMPOSITE_SHARE:
                jobs.extend(self._composite(created, min(left - 1, self.rng.randint(2, 4))))
            else:
                resource = self.rng.choice(self.estate.resources)
                jobs.append(self._job(resource, created, self._plan(), None))
        return jobs

    def _plan(self) -> Plan | None:
        if self.rng.random() < _ON_DEMAND_SHARE:
            return None
        return self.rng.choice(self.estate.plans)

    def _fields(self, resource: Resource, vault_arn: str) -> dict[str, str]:
        """What a status message may name."""
        estate = self.estate
        return {
            "arn": resource.arn,
            "name": resource.name,
            "type": resource.type,
            "role": estate.role_arn,
            "key": estate.kms_key_arn,
            "vault": vault_arn,
            "region": estate.region,
            "account": estate.account_id,
        }

    def _state(self, created: float, duration: float, active: bool) -> tuple[str, float | None]:
        if active:
            return weighted(self.rng, _BACKUP_ACTIVE), None
        state = weighted(self.rng, _BACKUP_DONE)
        ends = {
            "COMPLETED": duration,
            "FAILED": self.rng.uniform(30.0, duration),
            "ABORTED": self.rng.uniform(30.0, duration),
            "EXPIRED": START_WINDOW,
        }
        end = created + ends[state]
        if end >= self.now:  # not over yet: still running, or still waiting to start
            return ("CREATED" if state == "EXPIRED" else "RUNNING"), None
        return state, stamp(end)

    def _job(
        self,
        resource: Resource,
        created: float,
        plan: Plan | None,
        parent: str | None,
        state: tuple[str, float | None] | None = None,
    ) -> Job:
        rng, estate = self.rng, self.estate
        job_id = guid(rng)
        duration = rng.uniform(*resource.minutes) * 60.0
        name, completed = state or self._state(
            created, duration, in_progress(rng, self.now - created)
        )
        vault = plan.vault_name if plan else "Default"
        record: dict[str, Any] = {
            "AccountId": estate.account_id,
            "BackupJobId": job_id,
            "BackupVaultName": vault,
            "BackupVaultArn": estate.vault_arn(vault),
            "VaultType": "BACKUP_VAULT",
            "EncryptionKeyArn": estate.kms_key_arn,
            "IsEncrypted": True,
            "ResourceArn": resource.arn,
            "ResourceType": resource.type,
            "ResourceName": resource.name,
            "CreationDate": created,
            "InitiationDate": created,
            "StartBy": stamp(created + START_WINDOW),
            "State": name,
            "IamRoleArn": estate.role_arn,
            "IsParent": False,
        }
        if plan:
            record["CreatedBy"] = plan.created_by
            record["RecoveryPointLifecycle"] = plan.lifecycle
        if parent:
            record["ParentJobId"] = parent
        if resource.type == "EC2" and rng.random() < 0.3:
            record["BackupOptions"] = {"WindowsVSS": "enabled"}
        self._outcome(record, resource, duration, completed)
        return Job("backup", job_id, created, record)

    def _outcome(
        self, record: dict[str, Any], resource: Resource, duration: float, completed: float | None
    ) -> None:
        rng, state = self.rng, record["State"]
        size = resource.size
        if completed is not None:
            record["CompletionDate"] = completed
        if state in ("COMPLETED", "RUNNING", "PARTIAL"):
            record["RecoveryPointArn"] = recovery_point_arn(
                self.estate, resource, record["BackupJobId"], rng
            )
        if state in ACTIVE_STATES:
            done = rng.uniform(1.0, 99.0) if state == "RUNNING" else 0.0
            record["PercentDone"] = percent(done)
            record["ExpectedCompletionDate"] = stamp(record["CreationDate"] + duration)
            record["BytesTransferred"] = int((size or 0) * done / 100)
            return
        fields = self._fields(resource, record["BackupVaultArn"])
        if state == "COMPLETED":
            record["PercentDone"] = percent(100.0)
            if size is not None:
                record["BackupSizeInBytes"] = size
                record["BytesTransferred"] = size
            record["MessageCategory"] = "SUCCESS"
            if "BackupOptions" in record:
                record["BackupType"] = "WindowsVSS"
            if rng.random() < _ISSUES_SHARE:
                category, text = messages.pick(rng, messages.BACKUP_ISSUES, **fields)
                record["MessageCategory"], record["StatusMessage"] = category, text
            return
        table = {
            "FAILED": messages.BACKUP_FAILED,
            "ABORTED": messages.BACKUP_ABORTED,
            "EXPIRED": messages.BACKUP_EXPIRED,
            "PARTIAL": messages.BACKUP_PARTIAL,
        }[state]
        record["MessageCategory"], record["StatusMessage"] = messages.pick(rng, table, **fields)
        record["PercentDone"] = percent(0.0 if state == "EXPIRED" else rng.uniform(0.0, 90.0))
        record["BytesTransferred"] = 0

    def _composite(self, created: float, children: int) -> list[Job]:
        """A CloudFormation stack backup: a parent job and its child jobs."""
        rng, estate = self.rng, self.estate
        plan = rng.choice(estate.plans)
        members = rng.sample(estate.resources, min(children, len(estate.resources)))
        active = in_progress(rng, self.now - created)
        parent = self._job(estate.stack, created, plan, None, ("RUNNING", None))
        kids: list[Job] = []
        for resource in members:
            start = stamp(created + rng.uniform(1.0, 30.0))
            duration = rng.uniform(*resource.minutes) * 60.0
            if active or start + duration >= self.now:
                state: tuple[str, float | None] = ("RUNNING", None)
            else:
                outcome = "FAILED" if rng.random() < 0.25 else "COMPLETED"
                state = (outcome, stamp(start + duration))
            kids.append(self._job(resource, start, plan, parent.job_id, state))
        self._settle_parent(parent, kids)
        return [parent, *kids]

    def _settle_parent(self, parent: Job, kids: list[Job]) -> None:
        """The parent's state, counts and completion follow from its children's."""
        record = parent.record
        states = Counter(kid.record["State"] for kid in kids)
        record["IsParent"] = True
        record["NumberOfChildJobs"] = len(kids)
        record["ChildJobsInState"] = dict(sorted(states.items()))
        if states["RUNNING"]:
            return
        state = "COMPLETED" if not states["FAILED"] else "FAILED"
        if states["FAILED"] and states["COMPLETED"]:
            state = "PARTIAL"
        for key in (
            "PercentDone",
            "ExpectedCompletionDate",
            "BytesTransferred",
            "RecoveryPointArn",
        ):
            record.pop(key, None)
        record["State"] = state
        completed = max(kid.record["CompletionDate"] for kid in kids)
        resource = self.estate.stack
        self._outcome(record, resource, completed - parent.created, completed)
