"""One error tree for backupctl and the one mapping from errors to exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Exit codes: the contract documented in the README and in ``--help``."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    PARTIAL = 3
    UNREADABLE = 4
    LOCKED = 5
    INTERRUPTED = 130


class BackupctlError(Exception):
    """Base of every error backupctl reports to a user in one line.

    ``reason`` says what went wrong, ``doing`` what was being tried (both for people);
    ``code`` is the service's error code, or backupctl's own name for the failure.
    """

    exit_status: ExitStatus = ExitStatus.UNREADABLE

    def __init__(self, reason: str, code: str | None = None, doing: str = "") -> None:
        super().__init__(f"{doing}: {reason}" if doing else reason)
        self.reason = reason
        self.code = code
        self.doing = doing


class UsageError(BackupctlError):
    """Bad options or values; raised before any AWS call is made."""

    exit_status = ExitStatus.USAGE


class AwsError(BackupctlError):
    """An AWS call failed; ``code`` is the service's error code when there is one."""


class CredentialsError(AwsError):
    """No usable credentials, or they were refused."""


class AccessDeniedError(AwsError):
    """The caller may not make the call (IAM, SCP, or the Organizations set-up)."""


class RegionNotEnabledError(AwsError):
    """The region is not enabled for the account (an opt-in region)."""


class ThrottledError(AwsError):
    """Still throttled after every retry."""


class EndpointError(AwsError):
    """The endpoint could not be reached, or did not answer in time."""


class PaginationError(AwsError):
    """The service returned a NextToken it had already returned (a loop)."""


class LockHeldError(BackupctlError):
    """Another run holds the state lock."""

    exit_status = ExitStatus.LOCKED


class StateError(BackupctlError):
    """The state directory or file of ``--new`` cannot be used."""


class HistoryError(BackupctlError):
    """The history store cannot be used: missing, not one, from another schema, unwritable."""
