"""The expected job record for a sandbox job, written out field by field from the contract.

This is the tests' own reading of DESIGN.md's job record, kept apart from
``backupctl.domain.job`` so that a mistake there shows up as a difference here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def rfc3339(value: float | None) -> str | None:
    if value is None:
        return None
    moment = datetime.fromtimestamp(value, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _vault_name(arn: str | None) -> str | None:
    return arn.rsplit(":backup-vault:", 1)[1] if arn and ":backup-vault:" in arn else None


def expected_record(kind: str, job: dict[str, Any], region: str) -> dict[str, Any]:
    created_by = job.get("CreatedBy") or {}
    percent = job.get("PercentDone")
    common = {
        "kind": kind,
        "account_id": job.get("AccountId"),
        "region": region,
        "status_message": job.get("StatusMessage"),
        "message_category": job.get("MessageCategory"),
        "resource_type": job.get("ResourceType"),
        "created_at": rfc3339(job.get("CreationDate")),
        "completed_at": rfc3339(job.get("CompletionDate")),
        "percent_done": float(percent) if percent not in (None, "") else None,
        "backup_size_bytes": job.get("BackupSizeInBytes"),
        "iam_role_arn": job.get("IamRoleArn"),
        "parent_job_id": job.get("ParentJobId"),
        "is_parent": job.get("IsParent"),
    }
    if kind == "backup":
        specific = {
            "job_id": job["BackupJobId"],
            "state": job.get("State"),
            "resource_arn": job.get("ResourceArn"),
            "resource_name": job.get("ResourceName"),
            "vault_name": job.get("BackupVaultName"),
            "vault_arn": job.get("BackupVaultArn"),
            "destination_vault_arn": None,
            "recovery_point_arn": job.get("RecoveryPointArn"),
            "destination_recovery_point_arn": None,
            "created_resource_arn": None,
            "bytes_transferred": job.get("BytesTransferred"),
        }
    elif kind == "copy":
        specific = {
            "job_id": job["CopyJobId"],
            "state": job.get("State"),
            "resource_arn": job.get("ResourceArn"),
            "resource_name": job.get("ResourceName"),
            "vault_name": _vault_name(job.get("SourceBackupVaultArn")),
            "vault_arn": job.get("SourceBackupVaultArn"),
            "destination_vault_arn": job.get("DestinationBackupVaultArn"),
            "recovery_point_arn": job.get("SourceRecoveryPointArn"),
            "destination_recovery_point_arn": job.get("DestinationRecoveryPointArn"),
            "created_resource_arn": None,
            "bytes_transferred": None,
        }
    else:
        specific = {
            "job_id": job["RestoreJobId"],
            "state": job.get("Status"),
            "resource_arn": job.get("SourceResourceArn"),
            "resource_name": None,
            "vault_name": _vault_name(job.get("BackupVaultArn")),
            "vault_arn": job.get("BackupVaultArn"),
            "destination_vault_arn": None,
            "recovery_point_arn": job.get("RecoveryPointArn"),
            "destination_recovery_point_arn": None,
            "created_resource_arn": job.get("CreatedResourceArn"),
            "bytes_transferred": None,
        }
    record = {**common, **specific}
    record["backup_plan_id"] = created_by.get("BackupPlanId")
    record["backup_plan_arn"] = created_by.get("BackupPlanArn")
    record["backup_rule_id"] = created_by.get("BackupRuleId")
    order = (
        "kind",
        "job_id",
        "account_id",
        "region",
        "state",
        "status_message",
        "message_category",
        "resource_type",
        "resource_arn",
        "resource_name",
        "vault_name",
        "vault_arn",
        "destination_vault_arn",
        "recovery_point_arn",
        "destination_recovery_point_arn",
        "created_resource_arn",
        "created_at",
        "completed_at",
        "percent_done",
        "backup_size_bytes",
        "bytes_transferred",
        "iam_role_arn",
        "backup_plan_id",
        "backup_plan_arn",
        "backup_rule_id",
        "parent_job_id",
        "is_parent",
    )
    return {name: record[name] for name in order}


def newest_first(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contract's order: newest first; ties by job id."""
    by_id = sorted(records, key=lambda r: r["job_id"])
    return sorted(by_id, key=lambda r: r["created_at"] or "", reverse=True)
