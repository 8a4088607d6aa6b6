"""A simulated AWS Organization (Organizations, STS, Account, AWS Backup, SNS) on loopback.

with Sandbox(SandboxConfig(members=8)) as sb:
    boto3.client("backup", endpoint_url=sb.endpoint_url, ...)
    sb.dataset.gaps()  # what ``report gaps`` must find: StoppedResource, CopyGap records
"""

from backupctl.sandbox.advance import Advance, JobChange
from backupctl.sandbox.config import (
    DEFAULT_DISABLED_REGIONS,
    ECHO_MODES,
    NOT_A_JOB_MODES,
    REPEAT_MODES,
    EchoMode,
    Faults,
    NotAJobMode,
    RepeatMode,
    SandboxConfig,
)
from backupctl.sandbox.counters import Counters
from backupctl.sandbox.dataset import Dataset
from backupctl.sandbox.gaps import CopyGap, FailingResource, Gaps, StoppedResource
from backupctl.sandbox.hostile import HOSTILE_STRINGS
from backupctl.sandbox.jobset import KINDS, HostilePlacement
from backupctl.sandbox.organization import Account, OrganizationalUnit
from backupctl.sandbox.publications import MessageAttribute, Publication
from backupctl.sandbox.sandbox import Sandbox
from backupctl.sandbox.wrong_types import WrongType

__all__ = [
    "DEFAULT_DISABLED_REGIONS",
    "ECHO_MODES",
    "HOSTILE_STRINGS",
    "KINDS",
    "NOT_A_JOB_MODES",
    "REPEAT_MODES",
    "Account",
    "Advance",
    "CopyGap",
    "Counters",
    "Dataset",
    "EchoMode",
    "FailingResource",
    "Faults",
    "Gaps",
    "HostilePlacement",
    "JobChange",
    "MessageAttribute",
    "NotAJobMode",
    "OrganizationalUnit",
    "Publication",
    "RepeatMode",
    "Sandbox",
    "SandboxConfig",
    "StoppedResource",
    "WrongType",
]
