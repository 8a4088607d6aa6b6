"""The job summary calls: ListBackupJobSummaries, ListCopyJobSummaries and
ListRestoreJobSummaries, read page by page as ``JobCount`` rows.

A ``Listing`` here names one kind's summary call and its parameters
(``domain.summary_rows.summary_listings``); the target says whose jobs are counted: the
org view asks for ``AccountId=ANY`` (the whole organization, one call per region) or for
one account, and a role or the caller counts its own account's jobs.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from backupctl.aws.backup_jobs import BackupReader
from backupctl.aws.paging import responses
from backupctl.domain.errors import AwsError
from backupctl.domain.job import Kind, completed_with_issues, to_datetime
from backupctl.domain.page import Page
from backupctl.domain.query import Listing
from backupctl.domain.summary_rows import JobCount
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Target

PAGE_SIZE = 500  # the most AWS documents for a summary page
_SUMMARY = {
    Kind.BACKUP: ("list_backup_job_summaries", "BackupJobSummaries"),
    Kind.COPY: ("list_copy_job_summaries", "CopyJobSummaries"),
    Kind.RESTORE: ("list_restore_job_summaries", "RestoreJobSummaries"),
}


class _Calls(BackupReader):
    """The job reader's way of calling Backup, for the summary calls too: errors translated
    (with the org view's hint), expired credentials renewed once."""

    def call(self, target: Target, operation: str, params: dict[str, Any], doing: str) -> Any:
        """One call as ``target`` reaches its account."""
        return self._call(target, operation, params, doing)


class SummaryReader:
    """Reads the job counts of one target: the fan-out's page source for ``jobs summary``."""

    def __init__(self, calls: _Calls) -> None:
        self._calls = calls

    @classmethod
    def of(cls, connector: Any) -> SummaryReader:
        """The reader for ``connector`` (an ``aws.sessions.Connector``)."""
        return cls(_Calls(connector))

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[JobCount]]:
        """Each page of one summary call's rows; a NextToken seen before fails the listing."""
        operation, member = _SUMMARY[listing.kind]
        params: dict[str, Any] = {**listing.params, "MaxResults": PAGE_SIZE}
        if target.access is Access.ORG_VIEW:
            params["AccountId"] = "ANY" if target.account_id == ALL_ACCOUNTS else target.account_id
        doing = f"{operation.replace('_', ' ')} in {target}"
        call = partial(self._calls.call, target, operation, doing=doing)
        for response, token in responses(call, params, doing):
            rows = [_count(listing.kind, row, target) for row in response.get(member) or ()]
            yield Page(rows, more=bool(token))


def _count(kind: Kind, row: Any, target: Target) -> JobCount:
    """One summary row; its period is one UTC day (``AggregationPeriod=ONE_DAY``)."""
    start = to_datetime(row.get("StartTime"))
    if start is None:  # a row no day can hold: the call's answer cannot be used
        raise AwsError("the service sent a summary row without a StartTime", "MalformedSummary")
    state = row.get("State")
    own = None if target.account_id == ALL_ACCOUNTS else target.account_id
    return JobCount(
        day=start.date(),
        kind=kind,
        account_id=row.get("AccountId") or own,
        region=row.get("Region") or target.region,
        resource_type=row.get("ResourceType"),
        state=state,
        with_issues=completed_with_issues(state, row.get("MessageCategory")),
        jobs=int(row.get("Count") or 0),
    )
