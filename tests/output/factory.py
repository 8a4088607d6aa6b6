"""Jobs for renderer tests, and the hostile strings every renderer must survive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from backupctl.domain.job import FIELDS, Job, Kind

NOW = datetime(2025, 11, 27, 14, 0, tzinfo=UTC)
JOB_ID = "0f5e3a6c-1d2b-4c3d-9e8f-7a6b5c4d3e2f"

HOSTILE = (
    "[bold red]x[/]",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b[2J",
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "bell\x07",
    "back\x08space",
    "carriage\rreturn",
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tleading tab",
    "line one\nline two",
    'quote " and, comma',
    "\u202eevil.exe",
    "\u2066isolate\u2067rtl\u2068first\u2069",
    "x" * 5000,
    "emoji 😀👨‍👩‍👧 and CJK 日本語のバックアップ",
    "\x9b31m C1 CSI",
    "next\x85line",
    "del\x7f",
    "line\u2028separator",
)


def make_job(**overrides: Any) -> Job:
    """A plain COMPLETED backup job two hours before ``NOW``; ``overrides`` replace fields."""
    values: dict[str, Any] = dict.fromkeys(FIELDS)
    values.update(
        kind=Kind.BACKUP,
        job_id=JOB_ID,
        account_id="123456789012",
        region="us-east-1",
        state="COMPLETED",
        created_at=NOW - timedelta(hours=2),
    )
    values.update(overrides)
    return Job(**values)


def full_job() -> Job:
    """A copy job with every field set, for exact-output tests."""
    return Job(
        kind=Kind.COPY,
        job_id="c0ffee00-0000-4000-8000-000000000001",
        account_id="210987654321",
        region="eu-west-1",
        state="FAILED",
        status_message='Access denied, "role" missing',
        message_category="ACCESS_DENIED",
        resource_type="EBS",
        resource_arn="arn:aws:ec2:eu-west-1:210987654321:volume/vol-0abc",
        resource_name="data-volume",
        vault_name="src",
        vault_arn="arn:aws:backup:eu-west-1:210987654321:backup-vault:src",
        destination_vault_arn="arn:aws:backup:eu-central-1:210987654321:backup-vault:dst",
        recovery_point_arn="arn:aws:ec2:eu-west-1::snapshot/snap-1",
        destination_recovery_point_arn="arn:aws:ec2:eu-central-1::snapshot/snap-2",
        created_resource_arn=None,
        created_at=datetime(2025, 11, 27, 12, 5, 0, tzinfo=UTC),
        completed_at=datetime(2025, 11, 27, 12, 6, 30, 250000, tzinfo=UTC),
        percent_done=42.5,
        backup_size_bytes=1536,
        bytes_transferred=0,
        iam_role_arn="arn:aws:iam::210987654321:role/backup",
        backup_plan_id="plan-1",
        backup_plan_arn="arn:aws:backup:eu-west-1:210987654321:backup-plan:plan-1",
        backup_rule_id="rule-1",
        parent_job_id=None,
        is_parent=False,
    )


# full_job() as the JSON writer must write it, by hand.
FULL_JOB_JSON = """[
  {
    "kind": "copy",
    "job_id": "c0ffee00-0000-4000-8000-000000000001",
    "account_id": "210987654321",
    "region": "eu-west-1",
    "state": "FAILED",
    "status_message": "Access denied, \\"role\\" missing",
    "message_category": "ACCESS_DENIED",
    "resource_type": "EBS",
    "resource_arn": "arn:aws:ec2:eu-west-1:210987654321:volume/vol-0abc",
    "resource_name": "data-volume",
    "vault_name": "src",
    "vault_arn": "arn:aws:backup:eu-west-1:210987654321:backup-vault:src",
    "destination_vault_arn": "arn:aws:backup:eu-central-1:210987654321:backup-vault:dst",
    "recovery_point_arn": "arn:aws:ec2:eu-west-1::snapshot/snap-1",
    "destination_recovery_point_arn": "arn:aws:ec2:eu-central-1::snapshot/snap-2",
    "created_resource_arn": null,
    "created_at": "2025-11-27T12:05:00.000Z",
    "completed_at": "2025-11-27T12:06:30.250Z",
    "percent_done": 42.5,
    "backup_size_bytes": 1536,
    "bytes_transferred": 0,
    "iam_role_arn": "arn:aws:iam::210987654321:role/backup",
    "backup_plan_id": "plan-1",
    "backup_plan_arn": "arn:aws:backup:eu-west-1:210987654321:backup-plan:plan-1",
    "backup_rule_id": "rule-1",
    "parent_job_id": null,
    "is_parent": false
  }
]
"""
