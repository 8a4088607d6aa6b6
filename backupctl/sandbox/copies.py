"""Copy jobs, each made from a backup job of the same estate.

A backup made by a rule with copy actions is copied to each destination soon after it
completes (a composite one, even PARTIAL, with its completed children). The copies that
never ran, and those that failed, are the ones the estate's quota asks for; the others
complete, or are still going.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from backupctl.sandbox import messages
from backupctl.sandbox.estate import Estate
from backupctl.sandbox.ids import guid, hex_id
from backupctl.sandbox.jobs import Job, completed, in_progress, stamp, weighted
from backupctl.sandbox.plans import CopyAction

COPY_DELAY = (60.0, 1800.0)  # seconds after a backup completes that its copies are created
GAP_MIN_AGE = 6 * 3600.0  # a copy missing or failed on purpose is of a backup this old
_CHILD_LAG = (1.0, 20.0)  # seconds after a composite's copy job that its children's start
_COPY_ACTIVE = (("RUNNING", 75), ("CREATED", 25))
_COPIED_FIELDS = ("ResourceArn", "ResourceType", "ResourceName", "IamRoleArn", "CreatedBy")
_COPIED_STATES = frozenset({"COMPLETED", "PARTIAL"})

Pair = tuple[str, str]  # (backup job id, destination vault ARN)


def _destinations(job: Job) -> tuple[str, ...]:
    """Where the rule that made a backup copies it: nowhere for an on-demand one."""
    return job.origin.rule.destinations if job.origin else ()


@dataclass
class CopyPlan:
    """The copies left out or failed on purpose."""

    missing: set[Pair] = field(default_factory=set)
    failed: set[Pair] = field(default_factory=set)


class CopyGenerator:
    """Draws the copy jobs that follow an estate's backups."""

    def __init__(self, rng: random.Random, estate: Estate, now: float) -> None:
        self.rng = rng
        self.estate = estate
        self.now = now

    def choose_broken(self, backups: list[Job]) -> CopyPlan:
        """Which copies never run, and which fail, as the estate's quota says.

        Each is one destination of a completed backup at least GAP_MIN_AGE old; a copy left
        out is never a composite's, so that one record says it all."""
        quota, rng = self.estate.quota, self.rng
        eligible = [
            job
            for job in completed(backups)
            if _destinations(job)
            and "ParentJobId" not in job.record
            and job.record["CompletionDate"] <= self.now - GAP_MIN_AGE
        ]
        plan = CopyPlan()
        plain = [job for job in eligible if not job.record["IsParent"]]
        for job in rng.sample(plain, min(quota.missing_copies, len(plain))):
            plan.missing.add((job.job_id, rng.choice(_destinations(job))))
        chosen = {job_id for job_id, _ in plan.missing}
        left = [job for job in eligible if job.job_id not in chosen]
        for job in rng.sample(left, min(quota.failed_copies, len(left))):
            plan.failed.add((job.job_id, rng.choice(_destinations(job))))
        return plan

    def copies(self, backups: list[Job], broken: CopyPlan) -> list[Job]:
        """A copy job per destination of every backup whose rule copies it."""
        children: dict[str, list[Job]] = {}
        for job in backups:
            parent = job.record.get("ParentJobId")
            if parent:
                children.setdefault(parent, []).append(job)
        jobs: list[Job] = []
        for source in backups:
            record = source.record
            if (
                source.origin is None
                or "ParentJobId" in record
                or record["State"] not in _COPIED_STATES
            ):
                continue
            for action in source.origin.rule.copy_actions:
                pair = (source.job_id, action.destination)
                if pair in broken.missing:
                    continue
                created = stamp(record["CompletionDate"] + self.rng.uniform(*COPY_DELAY))
                if created + _CHILD_LAG[1] >= self.now:
                    continue  # not made yet (nor, for a composite, its children)
                kids = completed(children.get(source.job_id, []))
                fail = pair in broken.failed
                parent = self._copy(source, created, action, None, fail and not kids)
                jobs.append(parent)
                if kids:
                    failing = self.rng.randrange(len(kids)) if fail else -1
                    copies = [
                        self._copy(
                            kid,
                            stamp(created + self.rng.uniform(*_CHILD_LAG)),
                            action,
                            parent.job_id,
                            index == failing,
                        )
                        for index, kid in enumerate(kids)
                    ]
                    self._settle_parent(parent, copies)
                    jobs.extend(copies)
        return jobs

    def _copy(
        self, source: Job, created: float, action: CopyAction, parent: str | None, fail: bool
    ) -> Job:
        rng, estate, src = self.rng, self.estate, source.record
        job_id = guid(rng)
        destination = action.destination
        _, _, _, dest_region, dest_account, *_ = destination.split(":")
        record: dict[str, Any] = {
            "AccountId": estate.account_id,
            "CopyJobId": job_id,
            "SourceBackupVaultArn": src["BackupVaultArn"],
            "SourceRecoveryPointArn": src["RecoveryPointArn"],
            "DestinationBackupVaultArn": destination,
            "DestinationVaultType": "BACKUP_VAULT",
            "DestinationEncryptionKeyArn": (
                f"arn:aws:kms:{dest_region}:{dest_account}:key/{guid(rng, upper=False)}"
            ),
            "DestinationRecoveryPointLifecycle": action.lifecycle,
            "CreationDate": created,
            "CreatedByBackupJobId": source.job_id,
            "IsParent": False,
            **{key: src[key] for key in _COPIED_FIELDS if key in src},
        }
        if "BackupSizeInBytes" in src:
            record["BackupSizeInBytes"] = src["BackupSizeInBytes"]
        if parent:
            record["ParentJobId"] = parent
            record["CompositeMemberIdentifier"] = src["ResourceName"]
        duration = rng.uniform(5.0, 90.0) * 60.0
        if fail:
            record["State"] = "FAILED"
            record["CompletionDate"] = stamp(created + rng.uniform(30.0, duration))
        elif in_progress(rng, self.now - created) or created + duration >= self.now:
            record["State"] = weighted(rng, _COPY_ACTIVE)
        else:
            record["State"] = "COMPLETED"
            record["CompletionDate"] = stamp(created + duration)
        self._copy_outcome(record, dest_region, dest_account)
        return Job("copy", job_id, created, record, origin=source.origin)

    def _copy_outcome(self, record: dict[str, Any], dest_region: str, dest_account: str) -> None:
        state, rng = record["State"], self.rng
        if state in ("COMPLETED", "RUNNING", "PARTIAL"):
            if record["ResourceType"] in ("EC2", "EBS"):
                image = "image/ami-0" if record["ResourceType"] == "EC2" else "snapshot/snap-0"
                arn = f"arn:aws:ec2:{dest_region}::{image}{hex_id(rng, 16)}"
            else:
                arn = f"arn:aws:backup:{dest_region}:{dest_account}:recovery-point:{guid(rng)}"
            record["DestinationRecoveryPointArn"] = arn
        if state == "COMPLETED":
            record["MessageCategory"] = "SUCCESS"
        elif state in ("FAILED", "PARTIAL"):
            table = messages.COPY_FAILED if state == "FAILED" else messages.COPY_PARTIAL
            record["MessageCategory"], record["StatusMessage"] = messages.pick(
                rng,
                table,
                dest=record["DestinationBackupVaultArn"],
                account=record["AccountId"],
                key=self.estate.kms_key_arn,
                type=record["ResourceType"],
            )

    def _settle_parent(self, parent: Job, kids: list[Job]) -> None:
        """The parent's state, counts and completion follow from its children's."""
        record = parent.record
        states = Counter(kid.record["State"] for kid in kids)
        record["IsParent"] = True
        record["NumberOfChildJobs"] = len(kids)
        record["ChildJobsInState"] = dict(sorted(states.items()))
        for key in (
            "CompletionDate",
            "DestinationRecoveryPointArn",
            "MessageCategory",
            "StatusMessage",
        ):
            record.pop(key, None)
        if states["RUNNING"] or states["CREATED"]:
            record["State"] = "RUNNING"
        else:
            record["State"] = "COMPLETED"
            if states["FAILED"]:
                record["State"] = "PARTIAL" if states["COMPLETED"] else "FAILED"
            record["CompletionDate"] = max(kid.record["CompletionDate"] for kid in kids)
        _, _, _, region, account, *_ = record["DestinationBackupVaultArn"].split(":")
        self._copy_outcome(record, region, account)
