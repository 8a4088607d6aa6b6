"""A simulated AWS Organization (Organizations, STS and AWS Backup) over HTTP on loopback.

with Sandbox(SandboxConfig(members=8)) as sb:
    boto3.client("backup", endpoint_url=sb.endpoint_url, ...)
    sb.dataset.gaps()  # what ``report gaps`` must find: StoppedResource, CopyGap records
"""

from backupctl.sandbox.config import DEFAULT_DISABLED_REGIONS, Faults, SandboxConfig
from backupctl.sandbox.counters import Counters
from backupctl.sandbox.dataset import Dataset
from backupctl.sandbox.gaps import CopyGap, FailingResource, Gaps, StoppedResource
from backupctl.sandbox.hostile import HOSTILE_STRINGS
from backupctl.sandbox.jobset import KINDS, HostilePlacement
from backupctl.sandbox.organization import Account, OrganizationalUnit
from backupctl.sandbox.sandbox import Sandbox

__all__ = [
    "DEFAULT_DISABLED_REGIONS",
    "HOSTILE_STRINGS",
    "KINDS",
    "Account",
    "CopyGap",
    "Counters",
    "Dataset",
    "FailingResource",
    "Faults",
    "Gaps",
    "HostilePlacement",
    "OrganizationalUnit",
    "Sandbox",
    "SandboxConfig",
    "StoppedResource",
]
