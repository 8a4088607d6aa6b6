"""Copy and restore jobs, each made from a completed backup job of the same estate."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from backupctl.sandbox import messages
from backupctl.sandbox.estate import Estate, resource_arn
from backupctl.sandbox.ids import guid, hex_id
from backupctl.sandbox.jobs import Job, in_progress, percent, stamp, weighted

_COPY_DONE = (("COMPLETED", 90), ("FAILED", 10))
_COPY_ACTIVE = (("RUNNING", 75), ("CREATED", 25))
_RESTORE_DONE = (("COMPLETED", 85), ("FAILED", 10), ("ABORTED", 5))
_RESTORE_ACTIVE = (("RUNNING", 70), ("PENDING", 30))
_TESTING_SHARE = 0.4  # restores started by a restore testing plan
_COPIED_FIELDS = ("ResourceArn", "ResourceType", "ResourceName", "IamRoleArn", "CreatedBy")


def _completed(jobs: list[Job]) -> list[Job]:
    return [job for job in jobs if job.record["State"] == "COMPLETED"]


class FollowUpGenerator:
    """Draws the copy and restore jobs that follow an estate's backups."""

    def __init__(self, rng: random.Random, estate: Estate, now: float) -> None:
        self.rng = rng
        self.estate = estate
        self.now = now

    def copies(self, backups: list[Job], count: int) -> list[Job]:
        """Up to ``count`` copy jobs of completed backups (composites copy as composites)."""
        children: dict[str, list[Job]] = {}
        for job in backups:
            parent = job.record.get("ParentJobId")
            if parent:
                children.setdefault(parent, []).append(job)
        sources = [job for job in _completed(backups) if "ParentJobId" not in job.record]
        # Stacks are copied first: their copy rule is why composite copy jobs exist at all.
        ordered = sorted(
            self.rng.sample(sources, len(sources)), key=lambda job: job.job_id not in children
        )
        jobs: list[Job] = []
        for source in ordered:
            if len(jobs) >= count:
                break
            kids = children.get(source.job_id, [])
            if len(jobs) + 1 + len(kids) > count:
                continue
            created = stamp(source.record["CompletionDate"] + self.rng.uniform(60.0, 1800.0))
            if created >= self.now:
                continue
            destination = self.rng.choice(self.estate.copy_destinations)
            parent = self._copy(source, created, destination, None)
            jobs.append(parent)
            if kids:
                copies = [
                    self._copy(
                        kid,
                        stamp(created + self.rng.uniform(1.0, 20.0)),
                        destination,
                        parent.job_id,
                    )
                    for kid in kids
                ]
                self._settle_parent(parent, copies)
                jobs.extend(copies)
        return jobs

    def _copy(self, source: Job, created: float, destination: str, parent: str | None) -> Job:
        rng, estate, src = self.rng, self.estate, source.record
        job_id = guid(rng)
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
            "CreationDate": created,
            "CreatedByBackupJobId": source.job_id,
            "IsParent": False,
            **{key: src[key] for key in _COPIED_FIELDS if key in src},
        }
        if "RecoveryPointLifecycle" in src:
            record["DestinationRecoveryPointLifecycle"] = src["RecoveryPointLifecycle"]
        if "BackupSizeInBytes" in src:
            record["BackupSizeInBytes"] = src["BackupSizeInBytes"]
        if parent:
            record["ParentJobId"] = parent
            record["CompositeMemberIdentifier"] = src["ResourceName"]
        duration = rng.uniform(5.0, 90.0) * 60.0
        if in_progress(rng, self.now - created) or created + duration >= self.now:
            record["State"] = weighted(rng, _COPY_ACTIVE)
        else:
            record["State"] = weighted(rng, _COPY_DONE)
            record["CompletionDate"] = stamp(created + duration)
        self._copy_outcome(record, dest_region, dest_account)
        return Job("copy", job_id, created, record)

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

    def restores(self, backups: list[Job], count: int) -> list[Job]:
        """Up to ``count`` restore jobs of completed, non-composite backups."""
        sources = [
            job
            for job in _completed(backups)
            if not job.record["IsParent"] and self.now - job.record["CompletionDate"] > 600.0
        ]
        if not sources:
            return []
        return [self._restore(self.rng.choice(sources)) for _ in range(count)]

    def _restore(self, source: Job) -> Job:
        rng, estate, src = self.rng, self.estate, source.record
        job_id = guid(rng)
        created = stamp(rng.uniform(src["CompletionDate"] + 300.0, self.now - 60.0))
        minutes = rng.randint(5, 120)
        record: dict[str, Any] = {
            "AccountId": estate.account_id,
            "RestoreJobId": job_id,
            "RecoveryPointArn": src["RecoveryPointArn"],
            "SourceResourceArn": src["ResourceArn"],
            "BackupVaultArn": src["BackupVaultArn"],
            "CreationDate": created,
            "IamRoleArn": estate.role_arn,
            "ExpectedCompletionTimeMinutes": minutes,
            "ResourceType": src["ResourceType"],
            "RecoveryPointCreationDate": src["CreationDate"],
            "IsParent": False,
        }
        if "BackupSizeInBytes" in src:
            record["BackupSizeInBytes"] = src["BackupSizeInBytes"]
        testing = rng.random() < _TESTING_SHARE
        if testing:
            record["CreatedBy"] = {"RestoreTestingPlanArn": estate.restore_testing_plan_arn}
        duration = minutes * 60.0 * rng.uniform(0.5, 1.5)
        if in_progress(rng, self.now - created) or created + duration >= self.now:
            record["Status"] = weighted(rng, _RESTORE_ACTIVE)
            done = rng.uniform(1.0, 99.0) if record["Status"] == "RUNNING" else 0.0
            record["PercentDone"] = percent(done)
            return Job("restore", job_id, created, record)
        record["Status"] = status = weighted(rng, _RESTORE_DONE)
        record["CompletionDate"] = stamp(created + duration)
        if status == "COMPLETED":
            record["PercentDone"] = percent(100.0)
            name = f"{src['ResourceName']}-restored-{hex_id(rng, 6)}"
            record["CreatedResourceArn"] = resource_arn(
                src["ResourceType"], name, estate.account_id, estate.region, rng
            )
            if testing:
                self._validation(record)
            return Job("restore", job_id, created, record)
        table = messages.RESTORE_FAILED if status == "FAILED" else messages.RESTORE_ABORTED
        _, record["StatusMessage"] = messages.pick(
            rng,
            table,
            name=src["ResourceName"],
            role=estate.role_arn,
            region=estate.region,
            arn=src["RecoveryPointArn"],
        )
        record["PercentDone"] = percent(rng.uniform(0.0, 90.0))
        return Job("restore", job_id, created, record)

    def _validation(self, record: dict[str, Any]) -> None:
        """A restore test validates the restored resource, then deletes it."""
        rng = self.rng
        if self.now - record["CompletionDate"] < 3600.0:
            record["ValidationStatus"], record["DeletionStatus"] = "VALIDATING", "DELETING"
            return
        record["ValidationStatus"] = weighted(
            rng, (("SUCCESSFUL", 80), ("FAILED", 15), ("TIMED_OUT", 5))
        )
        if record["ValidationStatus"] == "FAILED":
            record["ValidationStatusMessage"] = messages.VALIDATION_FAILED
        record["DeletionStatus"] = weighted(rng, (("SUCCESSFUL", 90), ("FAILED", 10)))
        if record["DeletionStatus"] == "FAILED":
            record["DeletionStatusMessage"] = messages.DELETION_FAILED
