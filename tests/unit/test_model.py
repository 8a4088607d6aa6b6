"""The job record: states match the service model, normalize fills every field."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import botocore
import pytest

from backupctl.aws.normalize import normalize, normalize_detail
from backupctl.domain.job import (
    FIELDS,
    STATES,
    Kind,
    as_record,
    format_time,
    record_row,
)


def _backup_model() -> dict[str, object]:
    root = Path(botocore.__file__).parent / "data" / "backup"
    (version,) = sorted(p.name for p in root.iterdir())[-1:]
    with gzip.open(root / version / "service-2.json.gz") as fh:
        model: dict[str, object] = json.load(fh)
    return model


@pytest.mark.parametrize(
    ("kind", "shape"),
    [
        (Kind.BACKUP, "BackupJobState"),
        (Kind.COPY, "CopyJobState"),
        (Kind.RESTORE, "RestoreJobStatus"),
    ],
)
def test_states_are_the_service_models(kind: Kind, shape: str) -> None:
    shapes = _backup_model()["shapes"]
    assert isinstance(shapes, dict)
    assert set(STATES[kind]) == set(shapes[shape]["enum"])


def test_record_has_the_contract_fields_in_order() -> None:
    assert FIELDS == (
        "kind", "job_id", "account_id", "region", "state", "status_message", "message_category",
        "resource_type", "resource_arn", "resource_name", "vault_name", "vault_arn",
        "destination_vault_arn", "recovery_point_arn", "destination_recovery_point_arn",
        "created_resource_arn", "created_at", "completed_at", "percent_done", "backup_size_bytes",
        "bytes_transferred", "iam_role_arn", "backup_plan_id", "backup_plan_arn", "backup_rule_id",
        "parent_job_id", "is_parent",
    )  # fmt: skip


def test_epoch_and_datetime_give_the_same_record() -> None:
    raw = {"BackupJobId": "A", "CreationDate": 1764201600.123, "State": "COMPLETED"}
    parsed = {**raw, "CreationDate": datetime(2025, 11, 27, 0, 0, 0, 123000, tzinfo=UTC)}
    assert normalize(Kind.BACKUP, raw, "1", "r") == normalize(Kind.BACKUP, parsed, "1", "r")
    assert (
        as_record(normalize(Kind.BACKUP, raw, "1", "r"))["created_at"] == "2025-11-27T00:00:00.123Z"
    )


def test_copy_job_maps_source_and_destination() -> None:
    job = normalize(
        Kind.COPY,
        {
            "CopyJobId": "C",
            "SourceBackupVaultArn": "arn:aws:backup:us-east-1:111122223333:backup-vault:prod",
            "DestinationBackupVaultArn": "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr",
            "SourceRecoveryPointArn": "arn:src",
            "DestinationRecoveryPointArn": "arn:dst",
            "State": "FAILED",
            "CreatedBy": {"BackupPlanId": "p", "BackupRuleId": "r"},
        },
        "111122223333",
        "us-east-1",
    )
    assert (job.vault_name, job.recovery_point_arn, job.destination_recovery_point_arn) == (
        "prod",
        "arn:src",
        "arn:dst",
    )
    assert (job.backup_plan_id, job.backup_rule_id, job.percent_done) == ("p", "r", None)


def test_restore_job_uses_status_and_source_resource() -> None:
    job = normalize(
        Kind.RESTORE,
        {
            "RestoreJobId": "R",
            "Status": "ABORTED",
            "SourceResourceArn": "arn:res",
            "PercentDone": "12.5",
        },
        "111122223333",
        "eu-west-1",
    )
    assert (job.state, job.resource_arn, job.percent_done, job.account_id) == (
        "ABORTED",
        "arn:res",
        12.5,
        "111122223333",
    )


def test_bad_percent_done_is_null_not_an_error() -> None:
    job = normalize(Kind.BACKUP, {"BackupJobId": "B", "PercentDone": "n/a"}, None, "r")
    assert job.percent_done is None


def test_detail_keeps_describe_only_fields_in_snake_case() -> None:
    detail = normalize_detail(
        Kind.BACKUP,
        {
            "BackupJobId": "B",
            "State": "RUNNING",
            "ExpectedCompletionDate": 1764201600,
            "NumberOfChildJobs": 3,
            "ChildJobsInState": {"FAILED": 1},
            "BackupOptions": {"WindowsVSS": "enabled"},
            "CreatedBy": {"BackupPlanId": "p", "BackupPlanName": "daily"},
        },
        "1",
        "r",
    )
    assert detail.extra == {
        "expected_completion_date": "2025-11-27T00:00:00.000Z",
        "number_of_child_jobs": 3,
        "child_jobs_in_state": {"FAILED": 1},
        "backup_options": {"WindowsVSS": "enabled"},
        "created_by": {"BackupPlanName": "daily"},
    }


def test_format_time_is_rfc3339_utc_with_z() -> None:
    assert format_time(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05.000Z"
    # Any offset, microseconds truncated to milliseconds (never rounded), years below 1000.
    east = timezone(timedelta(hours=5, minutes=30))
    assert format_time(datetime(2026, 1, 2, 8, 34, 5, 999999, tzinfo=east)) == (
        "2026-01-02T03:04:05.999Z"
    )
    assert format_time(datetime(987, 6, 5, 4, 3, 2, 1000, tzinfo=UTC)) == "0987-06-05T04:03:02.001Z"


def test_non_finite_percent_is_null_in_every_record() -> None:
    raw = {"BackupJobId": "B", "CreationDate": 1764201600.5, "PercentDone": "NaN"}
    job = normalize(Kind.BACKUP, raw, "123456789012", "eu-west-1")
    assert as_record(job)["percent_done"] is None
    assert as_record(job) == dict(zip(FIELDS, record_row(job), strict=True))


@pytest.mark.parametrize(
    "bad", ["yesterday", "", "2026-13-45T99:00:00Z", 1e20, -1e20, float("nan"), {"a": 1}]
)
def test_a_time_no_calendar_holds_leaves_the_field_empty_not_the_listing(bad: object) -> None:
    raw = {
        "BackupJobId": "B",
        "CreationDate": bad,
        "CompletionDate": 1764201600.5,
        "State": "FAILED",
    }
    job = normalize(Kind.BACKUP, raw, "123456789012", "eu-west-1")
    assert job.created_at is None
    assert job.completed_at == datetime(2025, 11, 27, 0, 0, 0, 500000, tzinfo=UTC)
    assert as_record(job)["created_at"] is None
