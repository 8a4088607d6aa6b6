"""backupctl: which AWS Backup jobs failed, where and why, across an AWS Organization.

The Python API (``backupctl.jobs``, ``backupctl.describe``, ``backupctl.accounts``; see
``backupctl.api``) loads on first use, so the command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backupctl.version import __version__

if TYPE_CHECKING:
    from backupctl.api import accounts, describe, jobs
    from backupctl.app.list_jobs import JobStream
    from backupctl.app.reading import Reading
    from backupctl.domain.errors import BackupctlError, UsageError
    from backupctl.domain.job import Job, JobDetail, Kind, as_record
    from backupctl.domain.targets import AccountEntry

_API = {
    "jobs": "backupctl.api",
    "describe": "backupctl.api",
    "accounts": "backupctl.api",
    "JobStream": "backupctl.app.list_jobs",
    "Reading": "backupctl.app.reading",
    "BackupctlError": "backupctl.domain.errors",
    "UsageError": "backupctl.domain.errors",
    "Job": "backupctl.domain.job",
    "JobDetail": "backupctl.domain.job",
    "Kind": "backupctl.domain.job",
    "as_record": "backupctl.domain.job",
    "AccountEntry": "backupctl.domain.targets",
}

__all__ = [
    "AccountEntry",
    "BackupctlError",
    "Job",
    "JobDetail",
    "JobStream",
    "Kind",
    "Reading",
    "UsageError",
    "__version__",
    "accounts",
    "as_record",
    "describe",
    "jobs",
]


def __getattr__(name: str) -> object:
    # PEP 562: `import backupctl` stays cheap for the command line.
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
