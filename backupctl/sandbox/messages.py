"""Status messages and message categories, as AWS Backup words them for each outcome.

Templates take ``arn`` (the resource), ``role``, ``key``, ``vault``, ``dest``, ``region``,
``account``, ``name``, ``type`` and ``window`` (a start window, such as "8 hours").
"""

from __future__ import annotations

import random

Message = tuple[str, str]  # (MessageCategory, StatusMessage template)

BACKUP_FAILED: tuple[Message, ...] = (
    (
        "AccessDenied",
        "Insufficient privileges to perform this action. {role} is not authorized "
        "to perform: kms:CreateGrant on resource: {key}",
    ),
    (
        "AccessDenied",
        "Access denied to backup vault {vault}: the vault access policy denies "
        "backup:StartBackupJob.",
    ),
    (
        "InvalidParameters",
        "Resource {arn} is not in a state that allows a backup (state: stopping).",
    ),
    (
        "InvalidParameters",
        "An error occurred (InvalidParameterValue) when calling the "
        "CreateSnapshot operation: the volume is being modified.",
    ),
    ("ResourceNotFound", "Resource not found: {arn} does not exist or was deleted."),
    ("InvalidParameters", "The backup job did not finish within the 8-hour completion window."),
)
BACKUP_ABORTED: tuple[Message, ...] = (("Aborted", "Backup job was stopped by user."),)
BACKUP_EXPIRED: tuple[Message, ...] = (
    ("Expired", "Backup job failed to start before the start window of {window} ended."),
)
# Every scheduled job of a resource fails from some moment on: one cause, again and again.
BACKUP_FAILING: tuple[Message, ...] = BACKUP_FAILED[:1]
BACKUP_PARTIAL: tuple[Message, ...] = (
    (
        "InvalidParameters",
        "Composite backup completed partially: {name} has child jobs that "
        "failed. Check the child jobs for details.",
    ),
)
# COMPLETED with a MessageCategory other than SUCCESS: the console's "Completed with issues".
BACKUP_ISSUES: tuple[Message, ...] = (
    (
        "InvalidParameters",
        "Windows VSS Backup attempt failed because either Instance or SSM "
        "Agent has invalid state or insufficient privileges. Falling back to "
        "a regular (non-VSS) backup.",
    ),
    (
        "AccessDenied",
        "Backup completed, but copying resource tags failed: {role} is not "
        "authorized to perform: tag:GetResources.",
    ),
    (
        "InvalidParameters",
        "Backup completed with warnings: 1 of 3 volumes of {arn} was skipped "
        "because it is not attached.",
    ),
)
COPY_FAILED: tuple[Message, ...] = (
    (
        "AccessDenied",
        "Copy job failed. The destination backup vault {dest} does not allow "
        "backup:CopyIntoBackupVault from account {account}.",
    ),
    (
        "AccessDenied",
        "Copy job failed because the KMS key {key} that encrypts the source "
        "recovery point is not shared with the destination account.",
    ),
    ("ResourceNotFound", "Copy job failed. The destination backup vault {dest} does not exist."),
    (
        "InvalidParameters",
        "Copy job failed: {type} recovery points encrypted with an AWS managed "
        "key cannot be copied to another account.",
    ),
)
COPY_PARTIAL: tuple[Message, ...] = (
    ("InvalidParameters", "Composite copy completed partially: some child copy jobs failed."),
)
RESTORE_FAILED: tuple[Message, ...] = (
    ("InvalidParameters", "Restore failed: a resource named {name}-restored already exists."),
    ("AccessDenied", "{role} is not authorized to perform: iam:PassRole."),
    (
        "InvalidParameters",
        "Restore failed: DB subnet group default-vpc does not exist in {region}.",
    ),
    ("ResourceNotFound", "Recovery point {arn} was not found or has been deleted."),
)
RESTORE_ABORTED: tuple[Message, ...] = (("Aborted", "Restore job was canceled by user."),)
VALIDATION_FAILED = "Validation script exited with status 1: health check on port 443 timed out."
DELETION_FAILED = "Could not delete the restored resource: deletion protection is enabled."


def pick(rng: random.Random, messages: tuple[Message, ...], **fields: str) -> tuple[str, str]:
    """A (MessageCategory, StatusMessage) drawn from ``messages``, filled in with ``fields``."""
    category, template = rng.choice(messages)
    return category, template.format(**fields)
