"""The ``By*`` filters of the three List calls, read from the querystring as botocore sends it.

Which querystring names exist comes from the model's input shapes; what each one means is
below. Time windows are half-open: ``…After`` includes its instant, ``…Before`` excludes
it, so consecutive windows tile without overlap. Jobs that have not completed never match
a ``Complete…`` filter. ``ByMessageCategory`` matches case-insensitively, and ``ANY``,
``AGGREGATE_ALL`` and ``*`` match every job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from backupctl.sandbox.jobs import Job
from backupctl.sandbox.models import enum_values, service_model
from backupctl.sandbox.wire import ServiceError

Predicate = Callable[[dict[str, Any]], bool]
_INPUTS = {
    "backup": "ListBackupJobsInput",
    "copy": "ListCopyJobsInput",
    "restore": "ListRestoreJobsInput",
}
_NOT_FILTERS = frozenset({"NextToken", "MaxResults", "ByAccountId"})
_EQUALS = {
    "ByResourceArn": "ResourceArn",
    "ByBackupVaultName": "BackupVaultName",
    "ByResourceType": "ResourceType",
    "ByParentJobId": "ParentJobId",
    "ByDestinationVaultArn": "DestinationBackupVaultArn",
    "BySourceRecoveryPointArn": "SourceRecoveryPointArn",
}
_ENUMS = {"ByState": "State", "ByStatus": "Status"}
_TIMES = {
    "ByCreatedAfter": ("CreationDate", True),
    "ByCreatedBefore": ("CreationDate", False),
    "ByCompleteAfter": ("CompletionDate", True),
    "ByCompleteBefore": ("CompletionDate", False),
}
_EVERY_CATEGORY = frozenset({"ANY", "AGGREGATE_ALL", "*"})


@cache
def _querystring(kind: str) -> dict[str, tuple[str, str]]:
    """locationName → (member name, shape name) of a List call's querystring members."""
    shape = service_model("backup")["shapes"][_INPUTS[kind]]
    return {
        member["locationName"]: (name, member["shape"])
        for name, member in shape["members"].items()
        if member.get("location") == "querystring" and name not in _NOT_FILTERS
    }


def _timestamp(value: str) -> float:
    """ISO 8601 (as botocore sends it) or epoch seconds."""
    try:
        return float(value)
    except ValueError:
        pass
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _predicate(member: str, shape: str, value: str) -> Predicate | None:
    """The test one filter makes; ValueError for a value the service would refuse."""
    if member in _EQUALS:
        key = _EQUALS[member]
        return lambda record: record.get(key) == value
    if member in _ENUMS:
        if value not in enum_values("backup", shape):
            raise ValueError(f"{value!r} is not a valid {shape}")
        key = _ENUMS[member]
        return lambda record: record.get(key) == value
    if member in _TIMES:
        key, after = _TIMES[member]
        bound = _timestamp(value)
        if after:
            return lambda record: key in record and record[key] >= bound
        return lambda record: key in record and record[key] < bound
    if member == "ByMessageCategory":
        if value.upper() in _EVERY_CATEGORY:
            return None
        wanted = value.casefold()
        return lambda record: str(record.get("MessageCategory", "")).casefold() == wanted
    if member == "ByRestoreTestingPlanArn":
        return lambda record: record.get("CreatedBy", {}).get("RestoreTestingPlanArn") == value
    return None  # a filter this sandbox does not know yet: ignored, like an unknown parameter


@dataclass(frozen=True)
class JobFilter:
    """The filters of one List request; ``key`` identifies them for tokens and caching."""

    key: tuple[tuple[str, str], ...]
    predicates: tuple[Predicate, ...]

    @property
    def empty(self) -> bool:
        """Whether every job matches."""
        return not self.predicates

    def apply(self, jobs: list[Job]) -> list[Job]:
        """The jobs that pass every filter, in their order."""
        if not self.predicates:
            return jobs
        return [job for job in jobs if all(test(job.record) for test in self.predicates)]


def parse_filter(
    kind: str, params: dict[str, str], invalid: Callable[[str], ServiceError]
) -> JobFilter:
    """The filters in a List request's querystring; ``invalid`` makes the 400 error."""
    known = _querystring(kind)
    key: list[tuple[str, str]] = []
    predicates: list[Predicate] = []
    for name, value in sorted(params.items()):
        if name not in known:
            continue
        member, shape = known[name]
        try:
            test = _predicate(member, shape, value)
        except ValueError as error:
            raise invalid(f"Invalid value for {member}: {error}.") from None
        key.append((name, value))
        if test is not None:
            predicates.append(test)
    return JobFilter(tuple(key), tuple(predicates))
