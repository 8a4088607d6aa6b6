"""Protected resources and recovery points of one estate, as ListProtectedResources and
DescribeRecoveryPoint answer.

A resource is protected once a backup of it completed; its ``LastBackupTime`` is the
creation date of its latest completed backup (the recovery point's creation date is its
backup job's), whether or not any job listing still shows that job. Recovery points are
those of completed backups and of PARTIAL composites.
"""

from __future__ import annotations

from typing import Any

from backupctl.sandbox.jobs import Job, stamp
from backupctl.sandbox.models import shape_members
from backupctl.sandbox.plans import DAY

_WITH_POINTS = frozenset({"COMPLETED", "PARTIAL"})
_COPIED = (
    "RecoveryPointArn",
    "BackupVaultName",
    "BackupVaultArn",
    "ResourceArn",
    "ResourceType",
    "ResourceName",
    "CreatedBy",
    "IamRoleArn",
    "StatusMessage",
    "CreationDate",
    "InitiationDate",
    "CompletionDate",
    "BackupSizeInBytes",
    "EncryptionKeyArn",
    "IsEncrypted",
    "IsParent",
    "VaultType",
)


def latest_completed(backups: list[Job]) -> dict[str, Job]:
    """Each resource's newest COMPLETED backup, by resource ARN."""
    latest: dict[str, Job] = {}
    for job in backups:
        if job.record["State"] != "COMPLETED":
            continue
        arn = job.record["ResourceArn"]
        found = latest.get(arn)
        if found is None or job.sort_key < found.sort_key:
            latest[arn] = job
    return latest


def protected_resources(backups: list[Job]) -> list[dict[str, Any]]:
    """ListProtectedResources' members, by resource ARN."""
    members = shape_members("backup", "ProtectedResource")
    resources: list[dict[str, Any]] = []
    for arn, job in sorted(latest_completed(backups).items()):
        record = job.record
        entry = {
            "ResourceArn": arn,
            "ResourceType": record["ResourceType"],
            "LastBackupTime": record["CreationDate"],
            "ResourceName": record["ResourceName"],
            "LastBackupVaultArn": record["BackupVaultArn"],
            "LastRecoveryPointArn": record["RecoveryPointArn"],
        }
        resources.append({key: value for key, value in entry.items() if key in members})
    return resources


def recovery_points(backups: list[Job]) -> dict[str, Job]:
    """The backup job behind each recovery point, by recovery point ARN."""
    return {
        job.record["RecoveryPointArn"]: job
        for job in backups
        if job.record["State"] in _WITH_POINTS and "RecoveryPointArn" in job.record
    }


def describe_recovery_point(job: Job, parent: Job | None, now: float) -> dict[str, Any]:
    """DescribeRecoveryPoint's output for the recovery point ``job`` made (``parent``: the
    composite job above it)."""
    record = job.record
    body: dict[str, Any] = {key: record[key] for key in _COPIED if key in record}
    body["Status"] = record["State"]  # COMPLETED or PARTIAL, as the job ended
    body["EncryptionKeyType"] = "CUSTOMER_MANAGED_KMS_KEY"
    lifecycle = record.get("RecoveryPointLifecycle")
    body["StorageClass"] = "WARM"
    if lifecycle:
        body["Lifecycle"] = lifecycle
        calculated: dict[str, float] = {}
        cold = lifecycle.get("MoveToColdStorageAfterDays")
        if cold is not None:
            calculated["MoveToColdStorageAt"] = stamp(record["CreationDate"] + cold * DAY)
            if calculated["MoveToColdStorageAt"] <= now:
                body["StorageClass"] = "COLD"
        delete = lifecycle.get("DeleteAfterDays")
        if delete is not None:
            calculated["DeleteAt"] = stamp(record["CreationDate"] + delete * DAY)
        body["CalculatedLifecycle"] = calculated
    if parent is not None and "RecoveryPointArn" in parent.record:
        body["ParentRecoveryPointArn"] = parent.record["RecoveryPointArn"]
        body["CompositeMemberIdentifier"] = record["ResourceName"]
    members = shape_members("backup", "DescribeRecoveryPointOutput")
    return {key: value for key, value in body.items() if key in members}
