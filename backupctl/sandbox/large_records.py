"""Records as large as AWS's get (``SandboxConfig(large_records=True)``).

What AWS allows, and what the sandbox then makes:
- resource names: DynamoDB tables 255 characters, Name tags (EC2, EBS, EFS, FSx) 256, RDS
  and Aurora identifiers and S3 buckets 63, CloudFormation stacks 128; names are made so
  long that a restore's name (the source's and 16 characters) still fits;
- the backup role: an IAM path of up to 512 characters, a role name of 64;
- vault names: 50 characters, the model's limit;
- status messages: half of them carry the trail of details AWS appends (retried calls,
  per-volume errors, objects that could not be read), to between 1,500 and 4,000 characters.

The jobs are those of the ordinary data set (same ids, states and times): the extra text
comes from its own generator, so the data set's draws are not disturbed.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from typing import Any

from backupctl.sandbox.ids import hex_id, stable_rng

_RESTORED_SUFFIX = len("-restored-") + 6
# Longest names per resource type, leaving room for a restore's suffix where one is made.
_NAME_LENGTHS = {
    "DynamoDB": 255 - _RESTORED_SUFFIX,
    "EC2": 256 - _RESTORED_SUFFIX,
    "EBS": 256 - _RESTORED_SUFFIX,
    "EFS": 256 - _RESTORED_SUFFIX,
    "FSx": 256 - _RESTORED_SUFFIX,
    "RDS": 63 - _RESTORED_SUFFIX,
    "Aurora": 63 - _RESTORED_SUFFIX,
    "S3": 63 - _RESTORED_SUFFIX,
    "CloudFormation": 128,
}
_VAULT_NAME_LENGTH = 50
_ROLE_PATH_LENGTH = 512
_ROLE_NAME_LENGTH = 64
_WORDS = (
    "primary", "replica", "archive", "analytics", "ingest", "reporting", "shared",
    "platform", "customer", "ledger", "events", "regional", "tier", "shard", "cluster",
)  # fmt: skip
_MESSAGE_LENGTHS = (1500, 4000)
_LONG_MESSAGE_SHARE = 0.5
_OPERATIONS = ("CreateSnapshot", "CopySnapshot", "DescribeVolumes", "CreateGrant", "GetObject")


def _padded(name: str, length: int, rng: random.Random) -> str:
    """``name``, then words joined by single hyphens, to ``length`` characters (no hyphen
    at the end); a name that long already is left as it is."""
    if len(name) >= length:
        return name
    parts = [name]
    while len("-".join(parts)) < length:
        parts.append(rng.choice(_WORDS) + str(rng.randrange(10)))
    padded = "-".join(parts)[:length]
    # The cut may end on a hyphen, which no name AWS allows ends with.
    return padded[:-1] + "x" if padded.endswith("-") else padded


def resource_name(resource_type: str, name: str, rng: random.Random) -> str:
    """A name as long as ``resource_type`` allows (restores' names included)."""
    return _padded(name, _NAME_LENGTHS[resource_type], rng)


def vault_name(name: str) -> str:
    """A vault name of 50 characters; always the same for the same name, as vaults that
    several accounts' copies go to must be."""
    return _padded(name, _VAULT_NAME_LENGTH, stable_rng("large-vault", name))


def role_arn(account_id: str, account_name: str, rng: random.Random) -> str:
    """The backup role, under the longest path IAM allows, with the longest name."""
    segments = ["organization", account_name, "platform-engineering", "backup-operations"]
    path = "/" + "/".join(segments) + "/"
    while len(path) < _ROLE_PATH_LENGTH - 24:
        path += f"{rng.choice(_WORDS)}-{hex_id(rng, 6)}/"
    name = _padded("AWSBackupServiceRole", _ROLE_NAME_LENGTH, rng)
    return f"arn:aws:iam::{account_id}:role{path}{name}"


def _detail(rng: random.Random, attempt: int, resource: str) -> str:
    """One sentence of the trail AWS appends to a status message."""
    request = str(uuid.UUID(int=rng.getrandbits(128)))
    choice = rng.randrange(3)
    if choice == 0:
        operation = rng.choice(_OPERATIONS)
        return (
            f"Attempt {attempt} of 10: An error occurred (ThrottlingException) when calling "
            f"the {operation} operation (reached max retries: 4): Rate exceeded. "
            f"Request ID: {request}."
        )
    if choice == 1:
        return (
            f"Volume vol-0{hex_id(rng, 16)} of {resource}: snapshot snap-0{hex_id(rng, 16)} "
            "did not complete: the volume is being modified (IncorrectState). "
            f"Request ID: {request}."
        )
    return (
        f"Object {hex_id(rng, 12)}/part-{rng.randrange(10**5):05d}.parquet of {resource} could "
        "not be read: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: "
        f"AccessDenied; Request ID: {hex_id(rng, 16).upper()}; S3 Extended Request ID: "
        f"{hex_id(rng, 64)})."
    )


def lengthen_messages(records: Iterable[dict[str, Any]], rng: random.Random) -> None:
    """Give half the records' status messages AWS's trail of details, in place."""
    for record in records:
        message = record.get("StatusMessage")
        if message is None or rng.random() >= _LONG_MESSAGE_SHARE:
            continue
        target = rng.randint(*_MESSAGE_LENGTHS)
        resource = record.get("ResourceArn") or record.get("SourceResourceArn", "")
        parts = [f"{message} Details:"]
        length = len(parts[0])
        while length < target:
            parts.append(_detail(rng, len(parts), resource))
            length += len(parts[-1]) + 1
        record["StatusMessage"] = " ".join(parts)
