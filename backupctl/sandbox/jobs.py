"""Backup jobs one at a time, in AWS Backup's wire form: a resource, when the job was
made, the plan rule that made it (or none: on demand), and how it went.

Records hold every member of the Describe output (timestamps as epoch seconds with
milliseconds); the List form is a projection of the same record onto the model's shape.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from backupctl.sandbox import messages
from backupctl.sandbox.estate import Estate
from backupctl.sandbox.ids import guid, hex_id
from backupctl.sandbox.plans import Origin
from backupctl.sandbox.resources import Resource

RECENT = 6 * 3600.0  # jobs still in progress are only ever this young
ON_DEMAND_WINDOW = 480  # minutes: StartBackupJob's default start window

_BACKUP_DONE = (("COMPLETED", 86), ("FAILED", 7), ("ABORTED", 3), ("EXPIRED", 4))
_BACKUP_ACTIVE = (("RUNNING", 70), ("PENDING", 15), ("CREATED", 15))
_ISSUES_SHARE = 0.07  # COMPLETED jobs whose MessageCategory is not SUCCESS
_CHILD_FAILS = 0.08  # a child job of a composite backup fails this often
CHILD_START = (1.0, 30.0)  # seconds after a composite backup job that its children start
ACTIVE_STATES = frozenset({"CREATED", "PENDING", "RUNNING", "ABORTING"})
Outcome = tuple[str, float | None]  # (State, CompletionDate or None while it goes on)


@dataclass
class Job:
    """One job: its full wire-form record, its List form serialized once, and the plan rule
    that made it (None: on demand, or not a backup)."""

    kind: str  # backup, copy or restore
    job_id: str
    created: float
    record: dict[str, Any]
    listed: bytes = b""
    origin: Origin | None = None

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


def window_text(minutes: int) -> str:
    """A start window as a status message words it: ``8 hours``, ``90 minutes``."""
    if minutes % 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours != 1 else ''}"


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


class BackupJobFactory:
    """Makes the backup jobs of one estate."""

    def __init__(self, rng: random.Random, estate: Estate, now: float) -> None:
        self.rng = rng
        self.estate = estate
        self.now = now

    def _fields(self, resource: Resource, vault_arn: str, window: int) -> dict[str, str]:
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
            "window": window_text(window),
        }

    def _state(self, created: float, duration: float, start_by: float) -> Outcome:
        if in_progress(self.rng, self.now - created):
            return weighted(self.rng, _BACKUP_ACTIVE), None
        state = weighted(self.rng, _BACKUP_DONE)
        ends = {
            "COMPLETED": created + duration,
            "FAILED": created + self.rng.uniform(30.0, duration),
            "ABORTED": created + self.rng.uniform(30.0, duration),
            "EXPIRED": start_by,  # it never started
        }
        end = ends[state]
        if end >= self.now:  # not over yet: still running, or still waiting to start
            return ("CREATED" if state == "EXPIRED" else "RUNNING"), None
        return state, stamp(end)

    def job(
        self,
        resource: Resource,
        created: float,
        origin: Origin | None,
        start_by: float,
        parent: str | None = None,
        outcome: Outcome | None = None,
        forced: str | None = None,
    ) -> Job:
        """A backup of ``resource`` made at ``created`` by ``origin`` (None: on demand) that
        must start by ``start_by``; ``outcome`` says how it ends, or ``forced`` which state
        it ends in (COMPLETED or FAILED) once its time has come."""
        rng, estate = self.rng, self.estate
        job_id = guid(rng)
        duration = rng.uniform(*resource.minutes) * 60.0
        if outcome is None and forced is not None:
            end = created + (duration if forced == "COMPLETED" else rng.uniform(30.0, duration))
            outcome = (forced, stamp(end)) if end < self.now else ("RUNNING", None)
        name, completed = outcome or self._state(created, duration, start_by)
        vault = origin.rule.vault_name if origin else "Default"
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
            "StartBy": stamp(start_by),
            "State": name,
            "IamRoleArn": estate.role_arn,
            "IsParent": False,
        }
        if origin:
            record["CreatedBy"] = origin.created_by
            record["RecoveryPointLifecycle"] = origin.rule.lifecycle
        if parent:
            record["ParentJobId"] = parent
        if resource.type == "EC2" and rng.random() < 0.3:
            record["BackupOptions"] = {"WindowsVSS": "enabled"}
        window = origin.rule.start_window if origin else ON_DEMAND_WINDOW
        self._outcome(record, resource, duration, completed, window)
        return Job("backup", job_id, created, record, origin=origin)

    def fail(self, job: Job, resource: Resource) -> None:
        """Give a FAILED job the one cause a failing resource keeps failing with."""
        fields = self._fields(resource, job.record["BackupVaultArn"], 0)
        category, text = messages.pick(self.rng, messages.BACKUP_FAILING, **fields)
        job.record["MessageCategory"], job.record["StatusMessage"] = category, text

    def _outcome(
        self,
        record: dict[str, Any],
        resource: Resource,
        duration: float,
        completed: float | None,
        window: int,
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
        fields = self._fields(resource, record["BackupVaultArn"], window)
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

    def composite(self, created: float, origin: Origin, start_by: float) -> list[Job]:
        """A CloudFormation stack backup: a parent job and a child job per stack member.

        The children end together: a composite still going has every child still going, so
        no child is ever complete (and due a copy) before its parent."""
        rng, estate = self.rng, self.estate
        parent = self.job(estate.stack, created, origin, start_by, None, ("RUNNING", None))
        starts = [stamp(created + rng.uniform(*CHILD_START)) for _ in estate.stack_members]
        durations = [rng.uniform(*member.minutes) * 60.0 for member in estate.stack_members]
        going = in_progress(rng, self.now - created) or any(
            start + duration >= self.now for start, duration in zip(starts, durations, strict=True)
        )
        kids: list[Job] = []
        for member, start, duration in zip(estate.stack_members, starts, durations, strict=True):
            outcome: Outcome = ("RUNNING", None)
            if not going:
                state = "FAILED" if rng.random() < _CHILD_FAILS else "COMPLETED"
                outcome = (state, stamp(start + duration))
            kids.append(self.job(member, start, origin, start_by, parent.job_id, outcome))
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
        window = parent.origin.rule.start_window if parent.origin else ON_DEMAND_WINDOW
        self._outcome(record, resource, completed - parent.created, completed, window)


def completed(jobs: list[Job]) -> list[Job]:
    """The jobs that ended COMPLETED (backup and copy jobs: their State)."""
    return [job for job in jobs if job.record.get("State") == "COMPLETED"]
