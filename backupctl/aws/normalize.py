"""The AWS boundary of the job record: API members in, ``Job`` records out.

``normalize`` is the only place that knows the API's field names. It accepts a job as
botocore parses it (``datetime`` values) and as backupctl's fast parser leaves it
(epoch seconds), so both paths give the same record. A member of the wrong JSON type
(a state that is a list, a number where the model has a string) is not a job the
record can hold: ``MalformedResponseError``, which fails the listing it came in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from backupctl.domain.errors import MalformedResponseError
from backupctl.domain.job import FIELDS, Job, JobDetail, JsonValue, Kind, format_time, to_datetime

# What each field of the record may hold, besides None (the kind is set here, not read).
_STRING = (str,)
_ALLOWED: tuple[tuple[type, ...], ...] = tuple(
    {
        "kind": (Kind,),
        "created_at": (datetime,),
        "completed_at": (datetime,),
        "percent_done": (float,),
        "backup_size_bytes": (int,),
        "bytes_transferred": (int,),
        "is_parent": (bool,),
    }.get(name, _STRING)
    for name in FIELDS
)
# Type signatures of records found well typed: the check is one set lookup per job.
_WELL_TYPED: set[tuple[type, ...]] = set()


def _check_types(record: Job) -> None:
    """Raise MalformedResponseError for the first member of a type the model rules out;
    otherwise remember the record's type signature as a good one."""
    if not isinstance(record.job_id, str):
        raise MalformedResponseError(
            f"the service sent a {record.kind.value} job whose job id is a JSON "
            f"{_json_type(record.job_id)}, which the API model does not allow",
            "MalformedResponse",
        )
    for name, value, allowed in zip(FIELDS, record, _ALLOWED, strict=True):
        if value is None or (type(value) in allowed):
            continue
        raise MalformedResponseError(
            f"the service sent a {record.kind.value} job ({record.job_id[:64]!r}) whose {name} "
            f"is a JSON {_json_type(value)}, which the API model does not allow",
            "MalformedResponse",
        )
    _WELL_TYPED.add(tuple(map(type, record)))


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


_EMPTY: Mapping[str, Any] = {}


def _percent(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _vault_name(arn: str | None) -> str | None:
    # arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME
    if not arn or ":backup-vault:" not in arn:
        return None
    name = arn.rpartition(":backup-vault:")[2]
    return name if name and ":" not in name and "/" not in name else None


def _time(value: Any) -> datetime | None:
    # The fast parser leaves epoch seconds: the common case goes first (normalize is hot).
    try:
        if value.__class__ is float or value.__class__ is int:
            return datetime.fromtimestamp(value, tz=UTC)
        return to_datetime(value)
    except (ValueError, TypeError, OverflowError, OSError):
        # A time no calendar holds (a broken or hostile endpoint): the job is still
        # reported, with no time, rather than failing every job of its listing.
        return None


def normalize(kind: Kind, job: Mapping[str, Any], account_id: str | None, region: str) -> Job:
    """Turn one List*/Describe* job structure into a ``Job``.

    ``account_id`` is the target's account, used when the API leaves ``AccountId`` out.
    Runs once per job on every page, so it is written for speed: positional arguments
    in ``FIELDS`` order, one ``get`` per member.
    """
    get = job.get
    created_by = get("CreatedBy") or _EMPTY
    if kind is Kind.BACKUP:
        vault_arn = get("BackupVaultArn")
        vault_name = get("BackupVaultName") or _vault_name(vault_arn)
        resource_arn = get("ResourceArn")
        recovery_point = get("RecoveryPointArn")
        state = get("State")
        job_id = get("BackupJobId")
    elif kind is Kind.COPY:
        vault_arn = get("SourceBackupVaultArn")
        vault_name = _vault_name(vault_arn)
        resource_arn = get("ResourceArn")
        recovery_point = get("SourceRecoveryPointArn")
        state = get("State")
        job_id = get("CopyJobId")
    else:
        vault_arn = get("BackupVaultArn")
        vault_name = _vault_name(vault_arn)
        resource_arn = get("SourceResourceArn")
        recovery_point = get("RecoveryPointArn")
        state = get("Status")
        job_id = get("RestoreJobId")
    created = get("CreationDate")
    completed = get("CompletionDate")
    percent = get("PercentDone")
    record = Job(
        kind,
        "" if job_id is None else job_id,  # the model makes no member required
        get("AccountId") or account_id,
        region,
        state,
        get("StatusMessage"),
        get("MessageCategory"),
        get("ResourceType"),
        resource_arn,
        get("ResourceName"),
        vault_name,
        vault_arn,
        get("DestinationBackupVaultArn"),
        recovery_point,
        get("DestinationRecoveryPointArn"),
        get("CreatedResourceArn"),
        None if created is None else _time(created),
        None if completed is None else _time(completed),
        None if percent is None else _percent(percent),
        get("BackupSizeInBytes"),
        get("BytesTransferred"),
        get("IamRoleArn"),
        created_by.get("BackupPlanId"),
        created_by.get("BackupPlanArn"),
        created_by.get("BackupRuleId"),
        get("ParentJobId"),
        get("IsParent"),
    )
    if tuple(map(type, record)) not in _WELL_TYPED:
        _check_types(record)
    return record


# API members that the record already carries, so the detail does not repeat them.
_IN_RECORD = frozenset(
    {
        "AccountId",
        "BackupJobId",
        "CopyJobId",
        "RestoreJobId",
        "State",
        "Status",
        "StatusMessage",
        "MessageCategory",
        "ResourceType",
        "ResourceArn",
        "SourceResourceArn",
        "ResourceName",
        "BackupVaultName",
        "BackupVaultArn",
        "SourceBackupVaultArn",
        "DestinationBackupVaultArn",
        "RecoveryPointArn",
        "SourceRecoveryPointArn",
        "DestinationRecoveryPointArn",
        "CreatedResourceArn",
        "CreationDate",
        "CompletionDate",
        "PercentDone",
        "BackupSizeInBytes",
        "BytesTransferred",
        "IamRoleArn",
        "ParentJobId",
        "IsParent",
    }
)
_TIME_MEMBERS = frozenset(
    {
        "ExpectedCompletionDate",
        "StartBy",
        "InitiationDate",
        "RecoveryPointCreationDate",
        "DeleteAt",
        "MoveToColdStorageAt",
    }
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """``ExpectedCompletionDate`` -> ``expected_completion_date``."""
    return _CAMEL.sub("_", name).lower()


def _json_value(name: str, value: Any) -> JsonValue:
    if isinstance(value, datetime) or (name in _TIME_MEMBERS and isinstance(value, int | float)):
        return format_time(to_datetime(value))
    if isinstance(value, Mapping):
        return {str(k): _json_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(name, v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def normalize_detail(
    kind: Kind, job: Mapping[str, Any], account_id: str | None, region: str
) -> JobDetail:
    """A Describe* response as a ``JobDetail``; describe-only members keep their order."""
    extra: dict[str, JsonValue] = {}
    for name, value in job.items():
        if name in _IN_RECORD or name == "ResponseMetadata":
            continue
        if name == "CreatedBy" and isinstance(value, Mapping):
            value = {
                k: v
                for k, v in value.items()
                if k not in {"BackupPlanId", "BackupPlanArn", "BackupRuleId"}
            }
            if not value:
                continue
        extra[snake_case(name)] = _json_value(name, value)
    return JobDetail(job=normalize(kind, job, account_id, region), extra=extra)
