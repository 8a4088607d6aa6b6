"""The record families the writers print: jobs, a described job, accounts, job summaries.

Each is what the seam (``output.format.Family``) needs to know of one kind of record; its
person form (the table, the panel) is imported only when the table is asked for, so the
machine formats never import Rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from backupctl.domain.job import (
    FIELDS,
    Job,
    JobDetail,
    JsonValue,
    as_record,
    newest_first,
    record_row,
)
from backupctl.domain.summary_rows import COUNT_FIELDS, Grouping, SummaryRow, summary_record
from backupctl.domain.targets import AccountEntry
from backupctl.output.family import Family, RecordWriter
from backupctl.output.fields import JOB_HEADERS

if TYPE_CHECKING:
    from rich.console import Console

ACCOUNT_FIELDS = ("account_id", "name", "status", "access", "role_arn", "regions")


def _jobs_table(
    console: Console, fields: Sequence[str] | None, now: datetime | None
) -> RecordWriter[Job]:
    from backupctl.output.table import TableWriter

    return TableWriter(console, fields, now=now)


def _detail_panel(
    console: Console, fields: Sequence[str] | None, now: datetime | None
) -> RecordWriter[JobDetail]:
    from backupctl.output.detail import PanelWriter

    return PanelWriter(console, now)


def _accounts_table(
    console: Console, fields: Sequence[str] | None, now: datetime | None
) -> RecordWriter[AccountEntry]:
    from backupctl.output.accounts import AccountsTable

    return AccountsTable(console)


def _account_record(entry: AccountEntry) -> dict[str, JsonValue]:
    """One account as the stable record of ``accounts list -o json``."""
    return {
        "account_id": entry.account_id,
        "name": entry.name,
        "status": entry.status,
        "access": entry.access,
        "role_arn": entry.role_arn,
        "regions": list(entry.regions),
    }


JOBS: Family[Job] = Family(
    "jobs", FIELDS, as_record, _jobs_table, row=record_row, order=newest_first, headers=JOB_HEADERS
)
JOB_DETAIL: Family[JobDetail] = Family(
    "job detail", (), JobDetail.record, _detail_panel, flat=False, single=True
)
ACCOUNTS: Family[AccountEntry] = Family(
    "accounts", ACCOUNT_FIELDS, _account_record, _accounts_table, flat=False, spaced_lists=True
)


def summary_family(by: Grouping | None) -> Family[SummaryRow]:
    """The rows of ``jobs summary``: a day, the group ``by`` names (a field named as the job
    record names it), then the counts; printed in the order they come (oldest day first)."""
    group = () if by is None else (by.field,)

    def table(
        console: Console, fields: Sequence[str] | None, now: datetime | None
    ) -> RecordWriter[SummaryRow]:
        from backupctl.output.summary_table import SummaryTable

        return SummaryTable(console, by, fields)

    return Family(
        "job summary",
        ("day", *group, *COUNT_FIELDS),
        lambda row: summary_record(row, by),
        table,
    )
