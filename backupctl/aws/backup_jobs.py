"""Paginated List*Jobs calls and the Describe*Job calls, normalized into Jobs."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

from tenacity import retry, retry_if_exception, stop_after_attempt

from backupctl.aws.errors import translate
from backupctl.aws.fastparse import RAW
from backupctl.aws.normalize import normalize, normalize_detail
from backupctl.aws.paging import responses
from backupctl.aws.sessions import Connector
from backupctl.domain.errors import (
    AccessDeniedError,
    BackupctlError,
    CredentialsError,
    MalformedResponseError,
)
from backupctl.domain.job import Job, JobDetail, Kind
from backupctl.domain.page import Encoded, Page
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
_CREATED = re.compile(rb'"CreationDate"\s*:\s*(-?[0-9][0-9.eE+-]*)')
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
        """Each page of one listing, its body left for the writer to decode; a NextToken
        seen before fails the listing."""
        operation, key = _LIST[listing.kind]
        params: dict[str, Any] = {**listing.params, "MaxResults": PAGE_SIZE}
        if target.access is Access.ORG_VIEW:
            params["ByAccountId"] = target.account_id
        account = None if target.account_id == ALL_ACCOUNTS else target.account_id
        doing = f"{operation.replace('_', ' ')} in {target}"
        call = partial(self._call, target, operation, doing=doing)
        for response, token in responses(call, params, doing):
            # Built in the yield, and popped from the response: while these generators wait
            # (for the fan-out's budget) to read the next page, nothing here holds the body.
            yield Page(
                RawJobs(response.pop(RAW), token, key, listing, account, target.region, doing),
                more=bool(token),
            )

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
        body = response.get("CopyJob") if kind is Kind.COPY else response
        found = body.get(id_param) if isinstance(body, dict) else None
        if not isinstance(found, str) or found.upper() != job_id.upper():
            raise MalformedResponseError(
                "the service answered with something that is not the job asked for "
                f"(no {id_param} {job_id!r} in the answer)",
                "MalformedResponse",
                doing,
            )
        return normalize_detail(kind, body, target.account_id, target.region)

    def call(self, target: Target, operation: str, params: dict[str, Any], doing: str) -> Any:
        """One Backup call as ``target``'s account, errors translated and expired
        credentials renewed: for the other readers of the Backup API."""
        return self._call(target, operation, params, doing)


def decoded_response(response: Any, key: str, doing: str) -> dict[str, Any]:
    """A List*Jobs response the fast parser left undecoded, decoded: its body as a dict
    with a list of jobs under ``key``; MalformedResponseError when it is not one."""
    body = response.get(RAW) if isinstance(response, dict) else None
    if body is None:
        return response  # type: ignore[no-any-return]  # botocore's own parse
    try:
        decoded = json.loads(body)
    except ValueError as error:
        raise _malformed(f"the body is not JSON ({error})", doing) from None
    if not isinstance(decoded, dict) or not isinstance(decoded.get(key), list | None):
        raise _malformed(f"{key} is not a list of jobs", doing)
    return decoded


def _malformed(why: str, doing: str) -> MalformedResponseError:
    return MalformedResponseError(
        f"the service's answer is not a page of jobs the API model allows: {why}",
        "MalformedResponse",
        doing,
    )


class RawJobs(Encoded[Job]):
    """One List response's body, as it came: decoded into jobs once, by the writer."""

    __slots__ = ("_account", "_body", "_doing", "_key", "_listing", "_region", "_token")

    def __init__(
        self,
        body: bytes,
        token: str | None,
        key: str,
        listing: Listing,
        account: str | None,
        region: str,
        doing: str,
    ) -> None:
        self._body, self._token, self._key, self._listing = body, token, key, listing
        self._account, self._region, self._doing = account, region, doing

    def decode(self) -> list[Job]:
        """The page's jobs, normalized and filtered; MalformedResponseError when the body is
        not a List response the model allows, or holds another NextToken than was followed."""
        try:
            response = json.loads(self._body)
        except ValueError as error:
            raise self._malformed(f"the body is not JSON ({error})") from None
        raw = response.get(self._key) if isinstance(response, dict) else None
        if not isinstance(raw, list | None):
            raise self._malformed(f"{self._key} is a JSON {type(raw).__name__}, not a list")
        token = response.get("NextToken") or None
        if token != self._token:
            raise self._malformed("its NextToken could not be read before the page was decoded")
        kind, account, region = self._listing.kind, self._account, self._region
        try:
            jobs = [normalize(kind, job, account, region) for job in raw or ()]
        except (AttributeError, TypeError):  # a job that is not a JSON object
            raise self._malformed(f"a job in {self._key} is not a JSON object") from None
        except MalformedResponseError as error:
            raise MalformedResponseError(error.reason, error.code, self._doing) from None
        if self._listing.client_filters:
            keep = self._listing.keep
            jobs = [job for job in jobs if keep(job)]
        return jobs

    @property
    def size(self) -> int:
        """The body's bytes: what the page weighs while it waits."""
        return len(self._body)

    def creation_times(self) -> list[datetime]:
        """The creation times on the page, read without decoding it (to plan windows: an
        estimate, so a time that is not a number is skipped)."""
        found = []
        for match in _CREATED.finditer(self._body):
            with contextlib.suppress(ValueError, OverflowError, OSError):
                found.append(datetime.fromtimestamp(float(match.group(1)), tz=UTC))
        return found

    def _malformed(self, why: str) -> MalformedResponseError:
        return _malformed(why, self._doing)
