"""Jobs whose members carry the wrong JSON type, as a broken service or proxy sends them.

One job in five of an account's listing has one member of the wrong type: the state as a
list, the job id or the resource ARN as a number, the backup size as a word, the resource
type as an object, IsParent as a string. The same member is wrong in the job's List form and
in its Describe form; every other member, and every other job of the page, stays valid.
Which jobs, and which member each, follows from the data set's seed and the faults' seed
alone, so a test can ask for the same answer the server gives (``WrongTypes.of_listing``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from backupctl.sandbox.dataset import Dataset, describe_body
from backupctl.sandbox.ids import stable_int
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.wire import dumps

_STRIDE = 5  # one job in this many is mistyped
_ID_MEMBERS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
_Variant = Callable[[str, dict[str, Any]], tuple[str, Any]]  # (kind, record) -> (member, value)


class WrongType(NamedTuple):
    """One member of one job, and the mistyped value sent instead of it."""

    kind: str
    account_id: str
    region: str
    job_id: str
    member: str
    value: Any


def _state_as_list(kind: str, record: dict[str, Any]) -> tuple[str, Any]:
    member = "Status" if kind == "restore" else "State"
    return member, [record[member]]


def _id_as_number(kind: str, record: dict[str, Any]) -> tuple[str, Any]:
    member = _ID_MEMBERS[kind]
    return member, int(record[member][:8], 16)


def _arn_as_number(kind: str, record: dict[str, Any]) -> tuple[str, Any]:
    # Restore jobs name their resource in SourceResourceArn: they have no ResourceArn.
    return ("SourceResourceArn" if kind == "restore" else "ResourceArn"), 12345


def _size_as_word(kind: str, record: dict[str, Any]) -> tuple[str, Any]:
    return "BackupSizeInBytes", "big"


def _type_as_object(kind: str, record: dict[str, Any]) -> tuple[str, Any]:
    # DynamoDB's attribute-value form: what a proxy that stores records there sends back.
    return "ResourceType", {"S": record["ResourceType"]}


def _flag_as_string(kind: str, record: dict[str, Any]) -> tuple[str, Any]:
    return "IsParent", "true" if record["IsParent"] else "false"


_VARIANTS: tuple[_Variant, ...] = (
    _state_as_list,
    _id_as_number,
    _arn_as_number,
    _size_as_word,
    _type_as_object,
    _flag_as_string,
)


class WrongTypes:
    """Which jobs of a listing are mistyped, and how; worked out once per listing."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset
        self._lock = threading.Lock()
        self._plans: dict[tuple[int | None, str, str, str], dict[str, WrongType]] = {}

    def of_listing(
        self, seed: int | None, kind: str, account_id: str, region: str
    ) -> dict[str, WrongType]:
        """The mistyped jobs of one account's listing, by job id; ``seed``: the faults'."""
        key = (seed, kind, account_id, region)
        with self._lock:
            found = self._plans.get(key)
        if found is None:
            found = self._plan(key)
            with self._lock:
                self._plans[key] = found
        return found

    def _plan(self, key: tuple[int | None, str, str, str]) -> dict[str, WrongType]:
        _, kind, account_id, region = key  # the faults' seed matters only to the shift
        shift = stable_int("wrong-types", self._dataset.config.seed, *key)
        plan: dict[str, WrongType] = {}
        for position, job in enumerate(self._dataset.listing(kind, account_id, region)):
            slot, rest = divmod(position + shift % _STRIDE, _STRIDE)
            if rest:
                continue
            variant = _VARIANTS[(slot + shift) % len(_VARIANTS)]
            member, value = variant(kind, job.record)
            plan[job.job_id] = WrongType(kind, account_id, region, job.job_id, member, value)
        return plan


def listed_page(page: list[Job], plan: dict[str, WrongType]) -> tuple[list[bytes], int]:
    """The page's List members, those in ``plan`` mistyped; and how many were."""
    members: list[bytes] = []
    mistyped = 0
    for job in page:
        wrong = plan.get(job.job_id)
        if wrong is None:
            members.append(job.listed)
            continue
        record = json.loads(job.listed)
        record[wrong.member] = wrong.value
        members.append(dumps(record))
        mistyped += 1
    return members, mistyped


def described(job: Job, wrong: WrongType) -> bytes:
    """The job's Describe output, with the wrong member."""
    body = json.loads(describe_body(job))
    (body["CopyJob"] if job.kind == "copy" else body)[wrong.member] = wrong.value
    return dumps(body)
