"""All jobs of one account in one region: generated once, hostile strings placed, serialized."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from backupctl.sandbox.copies import CopyGenerator
from backupctl.sandbox.estate import Estate, build_estate
from backupctl.sandbox.fates import GapQuota
from backupctl.sandbox.gaps import Gaps, find_gaps
from backupctl.sandbox.hostile import HOSTILE_STRINGS
from backupctl.sandbox.ids import stable_rng
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.large_records import lengthen_messages
from backupctl.sandbox.models import shape_members
from backupctl.sandbox.protected import protected_resources, recovery_points
from backupctl.sandbox.restores import RestoreGenerator
from backupctl.sandbox.scheduled import ScheduledBackups
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
_HEALTHY = frozenset({"COMPLETED", "CREATED", "PENDING", "RUNNING"})  # states of no problem
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
    """The jobs of one account in one region, newest first per kind, and what else the
    account holds there: plans, protected resources, recovery points, and its gaps."""

    jobs: dict[str, list[Job]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    index: dict[str, dict[str, Job]] = field(default_factory=lambda: {kind: {} for kind in KINDS})
    hostile: list[HostilePlacement] = field(default_factory=list)
    estate: Estate | None = None
    protected: list[dict[str, Any]] = field(default_factory=list)  # by resource ARN
    recovery_points: dict[str, Job] = field(default_factory=dict)  # by recovery point ARN
    gaps: Gaps = field(default_factory=Gaps)


def project(kind: str, record: dict[str, Any], shapes: dict[str, str]) -> dict[str, Any]:
    """The members of ``record`` that the model's shape for ``kind`` defines."""
    return {key: record[key] for key in shape_members("backup", shapes[kind]) if key in record}


def _dr_region(region: str, regions: tuple[str, ...]) -> str:
    """Where an estate's disaster-recovery vault is: the next region holding data."""
    if region not in regions or len(regions) == 1:
        return "us-west-2" if region != "us-west-2" else "us-east-2"
    index = regions.index(region)
    return (regions[index + 1 :] + regions[:index])[0]


def build_jobset(
    seed: int,
    account: tuple[str, str],
    region: str,
    regions: tuple[str, ...],
    total: int,
    now: float,
    central_account: str | None,
    hostile: tuple[int, ...],
    large_records: bool,
    quota: GapQuota,
) -> JobSet:
    """Thirty days of jobs for ``account`` (id, name) in ``region``: about ``total`` of
    them; ``hostile`` indexes the HOSTILE_STRINGS to place here, ``large_records``: see
    ``large_records``, ``quota`` says what breaks on purpose."""
    rng = stable_rng(seed, "jobs", account[0], region)
    large = stable_rng(seed, "large", account[0], region) if large_records else None
    counts = {kind: round(total * share) for kind, share in _SHARES.items()}
    budget = (counts["backup"], counts["copy"])
    dr_region = _dr_region(region, regions)
    estate = build_estate(
        rng, account, region, budget, dr_region, central_account, quota, now, large
    )
    backups = ScheduledBackups(rng, estate, now).generate(counts["backup"])
    copier = CopyGenerator(rng, estate, now)
    broken = copier.choose_broken(backups.listed)
    copies = copier.copies(backups.listed, broken)
    restores = RestoreGenerator(rng, estate, now).restores(
        backups.listed, total - counts["backup"] - counts["copy"]
    )
    jobset = JobSet(estate=estate)
    by_kind = {"backup": backups.listed, "copy": copies, "restore": restores}
    if large is not None:
        for jobs in by_kind.values():
            lengthen_messages((job.record for job in jobs), large)
    # The backups the record of gaps depends on keep their outcome.
    keep = backups.last_before_stop | {job_id for job_id, _ in broken.missing}
    jobset.hostile = _place_hostile(rng, by_kind, hostile, region, keep)
    for kind, jobs in by_kind.items():
        jobs.sort(key=lambda job: job.sort_key)
        for job in jobs:
            job.listed = dumps(project(kind, job.record, LIST_SHAPES))
        jobset.jobs[kind] = jobs
        jobset.index[kind] = {job.job_id: job for job in jobs}
    every_backup = backups.listed + backups.unlisted
    jobset.protected = protected_resources(every_backup)
    jobset.recovery_points = recovery_points(every_backup)
    jobset.gaps = find_gaps(estate, backups.listed, backups.unlisted, copies, now)
    return jobset


def _referenced(by_kind: dict[str, list[Job]]) -> set[str]:
    """Backups that copies or restores were made from: they must stay COMPLETED."""
    copies = {job.record["CreatedByBackupJobId"] for job in by_kind["copy"]}
    points = {job.record["RecoveryPointArn"] for job in by_kind["restore"]}
    return copies | {
        job.job_id for job in by_kind["backup"] if job.record.get("RecoveryPointArn") in points
    }


def _resource(job: Job) -> str:
    return str(job.record.get("ResourceArn") or job.record.get("SourceResourceArn", ""))


def _newest_problems(jobs: list[Job]) -> dict[str, float]:
    """When each resource's newest problem job was made, by resource ARN."""
    newest: dict[str, float] = {}
    for job in jobs:
        record = job.record
        state = record.get("State") or record.get("Status")
        if state in _HEALTHY and record.get("MessageCategory", "SUCCESS") == "SUCCESS":
            continue
        resource = _resource(job)
        newest[resource] = max(newest.get(resource, 0.0), job.created)
    return newest


def _host(rng: random.Random, jobs: list[Job], taken: set[str], referenced: set[str]) -> Job | None:
    """A FAILED job to carry a hostile string, or a backup or restore that can become
    FAILED. A copy is never made to fail for one: a failed copy is a gap, and the gaps are
    only those the quota asks for.

    A report names each resource's newest problem, so the job chosen is one, if it can be:
    every string is then shown by a report over the 30 days."""
    kind = jobs[0].kind if jobs else "backup"
    state = "Status" if kind == "restore" else "State"
    newest = _newest_problems(jobs)
    free = [job for job in jobs if job.job_id not in taken and not job.record["IsParent"]]
    failed = [job for job in free if job.record[state] == "FAILED"]
    shown = [job for job in failed if job.created >= newest[_resource(job)]]
    if kind == "copy":
        candidates = shown or failed
    else:
        convertible = [
            job
            for job in free
            if "CompletionDate" in job.record
            and "ParentJobId" not in job.record
            and job.job_id not in referenced
            and job.created > newest.get(_resource(job), 0.0)
        ]
        candidates = shown or convertible or failed
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
    rng: random.Random,
    by_kind: dict[str, list[Job]],
    indices: tuple[int, ...],
    region: str,
    keep: set[str],
) -> list[HostilePlacement]:
    placements: list[HostilePlacement] = []
    referenced = _referenced(by_kind) | keep
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
