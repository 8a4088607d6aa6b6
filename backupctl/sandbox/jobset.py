"""All jobs of one account in one region: generated once, hostile strings placed, serialized."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from backupctl.sandbox.estate import build_estate
from backupctl.sandbox.followups import FollowUpGenerator
from backupctl.sandbox.hostile import HOSTILE_STRINGS
from backupctl.sandbox.ids import stable_rng
from backupctl.sandbox.jobs import BackupGenerator, Job
from backupctl.sandbox.large_records import lengthen_messages
from backupctl.sandbox.models import shape_members
from backupctl.sandbox.wire import dumps

KINDS = ("backup", "copy", "restore")
LIST_SHAPES = {"backup": "BackupJob", "copy": "CopyJob", "restore": "RestoreJobsListMember"}
DESCRIBE_SHAPES = {
    "backup": "DescribeBackupJobOutput",
    "copy": "CopyJob",  # wrapped in {"CopyJob": ...} by DescribeCopyJob
    "restore": "DescribeRestoreJobOutput",
}
_SHARES = {"backup": 0.70, "copy": 0.22}
_HOSTILE_CATEGORY = "InvalidParameters"
# What a job loses when it is turned into a failure to carry a hostile string.
_FAILURE_DROPS = {
    "backup": ("RecoveryPointArn", "BackupType", "BackupSizeInBytes"),
    "copy": ("DestinationRecoveryPointArn",),
    "restore": (
        "CreatedResourceArn",
        "ValidationStatus",
        "ValidationStatusMessage",
        "DeletionStatus",
        "DeletionStatusMessage",
    ),
}


class HostilePlacement(NamedTuple):
    """Where one hostile string was put: a field of one FAILED job."""

    kind: str
    account_id: str
    region: str
    job_id: str
    field: str  # StatusMessage or ResourceName
    string: str


@dataclass
class JobSet:
    """The jobs of one account in one region, newest first per kind."""

    jobs: dict[str, list[Job]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    index: dict[str, dict[str, Job]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    hostile: list[HostilePlacement] = field(default_factory=list)


def project(kind: str, record: dict[str, Any], shapes: dict[str, str]) -> dict[str, Any]:
    """The members of ``record`` that the model's shape for ``kind`` defines."""
    return {key: record[key] for key in shape_members("backup", shapes[kind]) if key in record}


def build_jobset(
    seed: int,
    account: tuple[str, str],
    region: str,
    regions: tuple[str, ...],
    total: int,
    now: float,
    central_account: str | None,
    hostile: tuple[int, ...],
    large_records: bool = False,
) -> JobSet:
    """Thirty days of jobs for ``account`` (id, name) in ``region``; ``hostile`` indexes
    the HOSTILE_STRINGS to place here; ``large_records``: see ``large_records``."""
    account_id, account_name = account
    rng = stable_rng(seed, "jobs", account_id, region)
    large = stable_rng(seed, "large", account_id, region) if large_records else None
    copy_regions = tuple(other for other in regions if other != region)
    if not copy_regions:
        copy_regions = ("us-west-2" if region != "us-west-2" else "us-east-2",)
    estate = build_estate(
        rng,
        account_id,
        account_name,
        region,
        max(6, min(40, total // 30)),
        copy_regions,
        central_account,
        large,
    )
    counts = {kind: round(total * share) for kind, share in _SHARES.items()}
    backups = BackupGenerator(rng, estate, now).generate(counts["backup"])
    followups = FollowUpGenerator(rng, estate, now)
    copies = followups.copies(backups, counts["copy"])
    restores = followups.restores(backups, total - counts["backup"] - counts["copy"])
    jobset = JobSet()
    by_kind = {"backup": backups, "copy": copies, "restore": restores}
    if large:
        for jobs in by_kind.values():
            lengthen_messages((job.record for job in jobs), large)
    jobset.hostile = _place_hostile(rng, by_kind, hostile, region)
    for kind, jobs in by_kind.items():
        jobs.sort(key=lambda job: job.sort_key)
        for job in jobs:
            job.listed = dumps(project(kind, job.record, LIST_SHAPES))
        jobset.jobs[kind] = jobs
        jobset.index[kind] = {job.job_id: job for job in jobs}
    return jobset


def _referenced(by_kind: dict[str, list[Job]]) -> set[str]:
    """Backups that copies or restores were made from: they must stay COMPLETED."""
    copies = {job.record["CreatedByBackupJobId"] for job in by_kind["copy"]}
    points = {job.record["RecoveryPointArn"] for job in by_kind["restore"]}
    return copies | {
        job.job_id for job in by_kind["backup"] if job.record.get("RecoveryPointArn") in points
    }


def _host(rng: random.Random, jobs: list[Job], taken: set[str], referenced: set[str]) -> Job | None:
    """A FAILED job to carry a hostile string, or one that can become FAILED."""
    state = "Status" if jobs and jobs[0].kind == "restore" else "State"
    free = [job for job in jobs if job.job_id not in taken and not job.record["IsParent"]]
    failed = [job for job in free if job.record[state] == "FAILED"]
    convertible = [
        job
        for job in free
        if "CompletionDate" in job.record
        and "ParentJobId" not in job.record
        and job.job_id not in referenced
    ]
    candidates = failed or convertible
    return rng.choice(candidates) if candidates else None


def _fail(job: Job, text: str, with_name: bool) -> list[str]:
    """Make ``job`` a FAILED job whose message (and name) is ``text``; the fields set."""
    record = job.record
    record["Status" if job.kind == "restore" else "State"] = "FAILED"
    for key in _FAILURE_DROPS[job.kind]:
        record.pop(key, None)
    if job.kind == "backup":
        record["BytesTransferred"] = 0
    if job.kind != "restore":
        record["MessageCategory"] = _HOSTILE_CATEGORY
    record["StatusMessage"] = text
    if with_name and job.kind != "restore":
        record["ResourceName"] = text
        return ["StatusMessage", "ResourceName"]
    return ["StatusMessage"]


def _place_hostile(
    rng: random.Random, by_kind: dict[str, list[Job]], indices: tuple[int, ...], region: str
) -> list[HostilePlacement]:
    placements: list[HostilePlacement] = []
    referenced = _referenced(by_kind)
    taken: set[str] = set()
    for index in indices:
        text = HOSTILE_STRINGS[index]
        # Spread the strings over the three kinds; restore jobs have no ResourceName, so
        # a backup job carries the string as a name too.
        kinds = [KINDS[index % 3]]
        if kinds[0] == "restore":
            kinds.append("backup")
        for kind in kinds:
            job = _host(rng, by_kind[kind], taken, referenced)
            if job is None:
                job = _host(rng, by_kind["backup"], taken, referenced)
            if job is None:
                continue
            taken.add(job.job_id)
            for name in _fail(job, text, with_name=True):
                placements.append(
                    HostilePlacement(
                        job.kind, job.record["AccountId"], region, job.job_id, name, text
                    )
                )
    return placements
