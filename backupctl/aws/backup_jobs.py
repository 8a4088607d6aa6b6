"""Paginated List*Jobs calls and the Describe*Job calls, normalized into Jobs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tenacity import retry, retry_if_exception, stop_after_attempt

from backupctl.aws.errors import translate
from backupctl.aws.sessions import Connector
from backupctl.domain.errors import (
    AccessDeniedError,
    BackupctlError,
    CredentialsError,
    PaginationError,
)
from backupctl.domain.job import Job, JobDetail, Kind, normalize, normalize_detail
from backupctl.domain.page import Page
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Target

PAGE_SIZE = 1000  # the service maximum: fewer round trips
_LIST = {
    Kind.BACKUP: ("list_backup_jobs", "BackupJobs"),
    Kind.COPY: ("list_copy_jobs", "CopyJobs"),
    Kind.RESTORE: ("list_restore_jobs", "RestoreJobs"),
}
_DESCRIBE = {
    Kind.BACKUP: ("describe_backup_job", "BackupJobId"),
    Kind.COPY: ("describe_copy_job", "CopyJobId"),
    Kind.RESTORE: ("describe_restore_job", "RestoreJobId"),
}
_NOT_FOUND = {"ResourceNotFoundException", "InvalidParameterValueException"}
ORG_VIEW_HINT = (
    "the org view (no --role) needs the Organizations management account, or a delegated "
    "administrator for AWS Backup, with cross-account monitoring turned on (AWS Backup "
    "console > Settings); or pass --role NAME to assume a role in each account"
)


def _expired(exc: BaseException) -> bool:
    return isinstance(exc, CredentialsError) and (exc.code or "").startswith("Expired")


class BackupReader:
    """Reads jobs from one target: the fan-out's page source."""

    def __init__(self, connector: Connector) -> None:
        self._connector = connector

    def _client(self, target: Target) -> Any:
        as_account = target.account_id if target.access is Access.ROLE else None
        return self._connector.client("backup", target.region, as_account)

    # Credentials can expire early (revoked, clocks apart) and botocore does not retry that:
    # the account's credentials are renewed and this one call (never the page generator)
    # is tried once more.
    @retry(retry=retry_if_exception(_expired), stop=stop_after_attempt(2), reraise=True)
    def _call(self, target: Target, operation: str, params: dict[str, Any], doing: str) -> Any:
        roles = self._connector.roles if target.access is Access.ROLE else None
        generation = roles.generation(target.account_id) if roles else 0
        try:
            return getattr(self._client(target), operation)(**params)
        except BackupctlError:
            raise
        except Exception as exc:
            error = translate(exc, doing=doing)
            if roles is not None and _expired(error):
                roles.renew(target.account_id, generation)
            if isinstance(error, AccessDeniedError) and target.access is Access.ORG_VIEW:
                error = AccessDeniedError(f"{error.reason}; {ORG_VIEW_HINT}", error.code, doing)
            raise error from exc

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        """Each page of one listing, normalized; a NextToken seen before fails the listing."""
        operation, key = _LIST[listing.kind]
        params: dict[str, Any] = {**listing.params, "MaxResults": PAGE_SIZE}
        if target.access is Access.ORG_VIEW:
            params["ByAccountId"] = target.account_id
        account = None if target.account_id == ALL_ACCOUNTS else target.account_id
        doing = f"{operation.replace('_', ' ')} in {target}"
        seen: set[str] = set()
        while True:
            # The decoded response is dropped before the page is handed on: a worker waiting
            # to hand a page over holds only its jobs (about a third of the memory).
            jobs, token = _jobs_and_token(
                self._call(target, operation, params, doing), key, listing, account, target.region
            )
            yield Page(jobs, more=bool(token))
            if not token:
                return
            if token in seen:
                raise PaginationError(
                    "the service returned a NextToken it had already returned "
                    "(a pagination loop); stopped reading this target",
                    "PaginationLoop",
                    doing,
                )
            seen.add(token)
            params["NextToken"] = token

    def describe(self, target: Target, kind: Kind, job_id: str) -> JobDetail | None:
        """The job in full, or None when this target has no such job of this kind."""
        operation, id_param = _DESCRIBE[kind]
        doing = f"{operation.replace('_', ' ')} in {target}"
        try:
            response = self._call(target, operation, {id_param: job_id}, doing)
        except BackupctlError as error:
            if error.code in _NOT_FOUND:
                return None
            raise
        body = response.get("CopyJob", response) if kind is Kind.COPY else response
        return normalize_detail(kind, body, target.account_id, target.region)

    def call(self, target: Target, operation: str, params: dict[str, Any], doing: str) -> Any:
        """One Backup call as ``target``'s account, errors translated and expired
        credentials renewed: for the other readers of the Backup API."""
        return self._call(target, operation, params, doing)


def _jobs_and_token(
    response: Any, key: str, listing: Listing, account: str | None, region: str
) -> tuple[list[Job], str | None]:
    """A List response's jobs, normalized and filtered, and its NextToken."""
    kind = listing.kind
    jobs = [normalize(kind, raw, account, region) for raw in response.get(key) or ()]
    if listing.client_filters:
        keep = listing.keep
        jobs = [job for job in jobs if keep(job)]
    token = response.get("NextToken")
    return jobs, str(token) if token else None
