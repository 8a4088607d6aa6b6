"""How one job's record reads at a later moment: the record-level rules of ``Dataset.advance``.

Only the wire form is read and written (the members of the Describe output), never how the
generator drew the job, so these rules hold whatever the generator does. A job's fate (when
it starts and ends, how it ends, with which message) is drawn from a generator seeded by the
data set's seed and the job's id alone: its record at a moment does not depend on the steps
taken to reach that moment.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from backupctl.sandbox import messages
from backupctl.sandbox.ids import guid, hex_id, stable_rng
from backupctl.sandbox.jobs import ON_DEMAND_WINDOW, window_text

STATE_MEMBER = {"backup": "State", "copy": "State", "restore": "Status"}
JOB_ID_MEMBER = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
ACTIVE_STATES = {
    "backup": frozenset({"CREATED", "PENDING", "RUNNING", "ABORTING"}),
    "copy": frozenset({"CREATED", "RUNNING", "ABORTING", "COMPLETING", "FAILING"}),
    "restore": frozenset({"CREATED", "PENDING", "RUNNING"}),
}
_OUTCOMES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "backup": (("COMPLETED", "FAILED", "ABORTED", "EXPIRED"), (88, 7, 3, 2)),
    "copy": (("COMPLETED", "FAILED"), (90, 10)),
    "restore": (("COMPLETED", "FAILED", "ABORTED"), (87, 9, 4)),
}
_FAILURES = {
    ("backup", "FAILED"): messages.BACKUP_FAILED,
    ("backup", "ABORTED"): messages.BACKUP_ABORTED,
    ("backup", "EXPIRED"): messages.BACKUP_EXPIRED,
    ("backup", "PARTIAL"): messages.BACKUP_PARTIAL,
    ("copy", "FAILED"): messages.COPY_FAILED,
    ("copy", "PARTIAL"): messages.COPY_PARTIAL,
    ("restore", "FAILED"): messages.RESTORE_FAILED,
    ("restore", "ABORTED"): messages.RESTORE_ABORTED,
}
# What a finished job has that a job just begun has not (and what a family member has).
_OUTCOME_MEMBERS = {
    "backup": ("CompletionDate", "MessageCategory", "StatusMessage", "BackupSizeInBytes",
               "RecoveryPointArn", "BackupType", "ExpectedCompletionDate"),
    "copy": ("CompletionDate", "MessageCategory", "StatusMessage", "DestinationRecoveryPointArn"),
    "restore": ("CompletionDate", "StatusMessage", "CreatedResourceArn", "ValidationStatus",
                "ValidationStatusMessage", "DeletionStatus", "DeletionStatusMessage"),
}  # fmt: skip
_FAMILY_MEMBERS = ("ParentJobId", "CompositeMemberIdentifier", "NumberOfChildJobs",
                   "ChildJobsInState")  # fmt: skip
_START_WINDOW = 8 * 3600.0  # AWS Backup's default: a job not started by then expires
_SHORTEST_WAIT = 60.0  # an active job runs at least this long after it is first seen


@dataclass(frozen=True)
class Origin:
    """An active job as it was first seen, and when: everything its future follows from."""

    kind: str
    record: dict[str, Any]
    seen_at: float

    @property
    def job_id(self) -> str:
        """The job's id."""
        return str(self.record[JOB_ID_MEMBER[self.kind]])


@dataclass(frozen=True)
class _Fate:
    begins: float  # CREATED or PENDING until then, RUNNING from then on
    ends: float
    outcome: str
    arn: str  # the recovery point a backup or copy makes, if it had none yet
    rng: random.Random  # for the message of a failure, drawn last


def is_active(kind: str, record: dict[str, Any]) -> bool:
    """Whether the job may still change."""
    return record[STATE_MEMBER[kind]] in ACTIVE_STATES[kind]


def _expected_end(record: dict[str, Any]) -> float | None:
    if "ExpectedCompletionDate" in record:
        return float(record["ExpectedCompletionDate"])
    if "ExpectedCompletionTimeMinutes" in record:
        minutes = float(record["ExpectedCompletionTimeMinutes"])
        return float(record["CreationDate"]) + 60.0 * minutes
    return None


def _vault_place(arn: str) -> tuple[str, str]:
    """(region, account) of a vault ARN."""
    parts = arn.split(":")
    return (parts[3], parts[4]) if len(parts) > 5 else ("", "")


def _fate(origin: Origin, seed: int) -> _Fate:
    """Every draw in a fixed order, so each moment reads the same fate."""
    kind, record = origin.kind, origin.record
    rng = stable_rng(seed, "fate", kind, origin.job_id)
    created = float(record["CreationDate"])
    drawn = created + rng.uniform(5.0, 90.0) * 60.0
    # The generator may leave a job active past its expected end: it still runs a while.
    floor = origin.seen_at + rng.uniform(_SHORTEST_WAIT, 1800.0)
    ends = max(_expected_end(record) or drawn, floor)
    waits = record[STATE_MEMBER[kind]] in ("CREATED", "PENDING")
    begins = origin.seen_at + rng.random() * (ends - origin.seen_at) / 2 if waits else created
    names, weights = _OUTCOMES[kind]
    outcome = rng.choices(names, weights)[0]
    if outcome == "EXPIRED":
        if waits and "StartBy" in record:  # it never starts, and ends with its start window
            begins = ends = max(float(record["StartBy"]), floor)
        else:  # only a job that has not started can expire
            outcome = "COMPLETED"
    vault = record.get("DestinationBackupVaultArn") or record.get("BackupVaultArn") or ""
    region, account = _vault_place(vault)
    arn = f"arn:aws:backup:{region}:{account}:recovery-point:{guid(rng)}"
    return _Fate(begins, ends, outcome, arn, rng)


def record_at(origin: Origin, moment: float, seed: int, sizes: dict[str, int]) -> dict[str, Any]:
    """The record of a job (not a parent) at ``moment``; ``sizes``: resource ARN -> bytes its
    backups hold."""
    fate = _fate(origin, seed)
    record = dict(origin.record)
    if moment >= fate.ends:
        _finish(origin.kind, record, fate, sizes)
    elif moment >= fate.begins:
        _run(origin.kind, record, fate, moment, sizes)
    return record


def _run(
    kind: str, record: dict[str, Any], fate: _Fate, moment: float, sizes: dict[str, int]
) -> None:
    record[STATE_MEMBER[kind]] = "RUNNING"
    if kind == "copy":
        record.setdefault("DestinationRecoveryPointArn", fate.arn)
        return
    done = 100.0 * (moment - fate.begins) / (fate.ends - fate.begins)
    done = min(99.0, max(float(record.get("PercentDone") or 0.0), done))
    record["PercentDone"] = f"{done:.1f}"
    if kind == "backup":
        record.setdefault("RecoveryPointArn", fate.arn)
        size = sizes.get(record["ResourceArn"])
        if size is not None:
            record["BytesTransferred"] = int(size * done / 100)


def _finish(kind: str, record: dict[str, Any], fate: _Fate, sizes: dict[str, int]) -> None:
    outcome = fate.outcome
    record[STATE_MEMBER[kind]] = outcome
    record["CompletionDate"] = round(fate.ends, 3)
    record.pop("ExpectedCompletionDate", None)
    if outcome == "COMPLETED":
        _complete(kind, record, fate, sizes)
        return
    category, text = messages.pick(fate.rng, _FAILURES[kind, outcome], **_fields(record))
    record["StatusMessage"] = text
    if kind == "restore":
        return
    record["MessageCategory"] = category
    if kind == "copy":
        if outcome == "PARTIAL":
            record.setdefault("DestinationRecoveryPointArn", fate.arn)
        else:
            record.pop("DestinationRecoveryPointArn", None)
        return
    record["BytesTransferred"] = 0
    if outcome == "EXPIRED":
        record["PercentDone"] = "0.0"
    for member in ("BackupSizeInBytes", "BackupType"):
        record.pop(member, None)
    if outcome == "PARTIAL":
        record.setdefault("RecoveryPointArn", fate.arn)
    else:
        record.pop("RecoveryPointArn", None)


def _complete(kind: str, record: dict[str, Any], fate: _Fate, sizes: dict[str, int]) -> None:
    record.pop("StatusMessage", None)
    if kind == "restore":
        record["PercentDone"] = "100.0"
        suffix = hex_id(fate.rng, 6)
        record["CreatedResourceArn"] = f"{record['SourceResourceArn']}-restored-{suffix}"
        return
    record["MessageCategory"] = "SUCCESS"
    if kind == "copy":
        record.setdefault("DestinationRecoveryPointArn", fate.arn)
        return
    record["PercentDone"] = "100.0"
    record.setdefault("RecoveryPointArn", fate.arn)
    size = sizes.get(record["ResourceArn"])
    if size is None:
        record.pop("BytesTransferred", None)
    else:
        record["BackupSizeInBytes"] = record["BytesTransferred"] = size
    if "BackupOptions" in record:
        record["BackupType"] = "WindowsVSS"


def parent_at(
    origin: Origin, children: list[dict[str, Any]], seed: int, sizes: dict[str, int]
) -> dict[str, Any]:
    """A composite parent's record, from its children's records at the same moment."""
    kind = origin.kind
    record = dict(origin.record)
    states = Counter(child[STATE_MEMBER[kind]] for child in children)
    record["NumberOfChildJobs"] = len(children)
    record["ChildJobsInState"] = dict(sorted(states.items()))
    if not children or any(is_active(kind, child) for child in children):
        return record
    completed = states["COMPLETED"]
    outcome = "COMPLETED" if completed == len(children) else "PARTIAL" if completed else "FAILED"
    fate = _fate(origin, seed)
    ends = max(float(child["CompletionDate"]) for child in children)
    _finish(kind, record, _Fate(fate.begins, ends, outcome, fate.arn, fate.rng), sizes)
    return record


def _fields(record: dict[str, Any]) -> dict[str, str]:
    """What a status message may name, from the record."""
    arn = str(record.get("ResourceArn") or record.get("SourceResourceArn") or "")
    vault = str(record.get("BackupVaultArn") or record.get("SourceBackupVaultArn") or "")
    key = record.get("EncryptionKeyArn") or record.get("DestinationEncryptionKeyArn") or ""
    start_by, created = record.get("StartBy"), record.get("CreationDate")
    window = ON_DEMAND_WINDOW
    if isinstance(start_by, int | float) and isinstance(created, int | float):
        window = max(1, round((start_by - created) / 60))
    return {
        "window": window_text(window),
        "arn": arn,
        "name": str(record.get("ResourceName") or arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]),
        "type": str(record.get("ResourceType", "")),
        "role": str(record.get("IamRoleArn", "")),
        "key": str(key),
        "vault": vault,
        "dest": str(record.get("DestinationBackupVaultArn", "")),
        "region": _vault_place(vault)[0],
        "account": str(record.get("AccountId", "")),
    }


def begun(kind: str, template: dict[str, Any], job_id: str, created: float) -> dict[str, Any]:
    """A new job like ``template`` (a finished job of the same kind), just created."""
    dropped = {*_OUTCOME_MEMBERS[kind], *_FAMILY_MEMBERS}
    record = {key: value for key, value in template.items() if key not in dropped}
    record[JOB_ID_MEMBER[kind]] = job_id
    record["CreationDate"] = created
    record["IsParent"] = False
    if kind == "backup":
        took = float(template.get("CompletionDate", created)) - float(template["CreationDate"])
        record.update(
            InitiationDate=created,
            StartBy=round(created + _START_WINDOW, 3),
            State="CREATED",
            PercentDone="0.0",
            BytesTransferred=0,
            ExpectedCompletionDate=round(created + max(took, _SHORTEST_WAIT), 3),
        )
    elif kind == "copy":
        record["State"] = "CREATED"
    else:
        record.update(Status="PENDING", PercentDone="0.0")
    return record
