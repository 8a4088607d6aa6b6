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
    UNDELIVERED = 6  # the report was printed but not delivered or remembered: it comes again
    INTERNAL = 70  # a bug (EX_SOFTWARE): not something AWS or the input did
    INTERRUPTED = 130
    TERMINATED = 143


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


class MalformedResponseError(AwsError):
    """The service answered, but not with what its API model allows (wrong JSON types, a
    body that is not JSON, a Describe answer that is not a job)."""


class PaginationError(AwsError):
    """The service returned a NextToken it had already returned (a loop)."""


class LockHeldError(BackupctlError):
    """Another run holds the state lock."""

    exit_status = ExitStatus.LOCKED


class StateError(BackupctlError):
    """The state directory or file of ``--new`` cannot be used; found before any AWS call."""

    exit_status = ExitStatus.USAGE


class StateNotSavedError(BackupctlError):
    """The report was printed but the ``--new`` state could not be saved: the next run
    reports the same problems again."""

    exit_status = ExitStatus.UNDELIVERED


class HistoryError(BackupctlError):
    """The history store cannot be used: missing, not one, from another schema, unwritable."""


class DeliveryError(BackupctlError):
    """A notification or heartbeat was not delivered. ``retryable``: another attempt may
    succeed (a timeout, a closed connection, a 5xx, throttling); ``retry_after``: seconds
    the receiver asked to wait (HTTP Retry-After), when it said."""

    exit_status = ExitStatus.UNDELIVERED

    def __init__(
        self, reason: str, *, retryable: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(reason, "Undelivered")
        self.retryable = retryable
        self.retry_after = retry_after
