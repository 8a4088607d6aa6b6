"""Restore jobs, each of a completed backup of the same estate; some by a restore testing
plan, which validates the restored resource and then deletes it."""

from __future__ import annotations

import random
from typing import Any

from backupctl.sandbox import messages
from backupctl.sandbox.estate import Estate
from backupctl.sandbox.ids import guid, hex_id
from backupctl.sandbox.jobs import Job, completed, in_progress, percent, stamp, weighted
from backupctl.sandbox.resources import resource_arn

_RESTORE_DONE = (("COMPLETED", 85), ("FAILED", 10), ("ABORTED", 5))
_RESTORE_ACTIVE = (("RUNNING", 70), ("PENDING", 30))
_TESTING_SHARE = 0.4  # restores started by a restore testing plan


class RestoreGenerator:
    """Draws the restore jobs of an estate."""

    def __init__(self, rng: random.Random, estate: Estate, now: float) -> None:
        self.rng = rng
        self.estate = estate
        self.now = now

    def restores(self, backups: list[Job], count: int) -> list[Job]:
        """Up to ``count`` restore jobs of completed, non-composite backups."""
        sources = [
            job
            for job in completed(backups)
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
