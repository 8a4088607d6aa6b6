"""What a gap report reads from AWS Backup: job listings traced to their plan rules,
ListProtectedResources, GetBackupPlan of one plan version, DescribeRecoveryPoint.

``GapReader`` is the fan-out's page source for a gap report (and for ``report failures
--gaps``, whose job listings it reads as ``BackupReader`` does); the two single calls are
made once per plan version and per recovery point by the use case.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from backupctl.aws.backup_jobs import PAGE_SIZE, BackupReader, decoded_response
from backupctl.aws.normalize import normalize
from backupctl.aws.paging import responses
from backupctl.aws.sessions import Connector
from backupctl.domain.job import Job, Kind, to_datetime
from backupctl.domain.page import Encoded, Page
from backupctl.domain.protection import (
    DEFAULT_START_WINDOW,
    Creator,
    GapListing,
    PlanVersion,
    ProtectedResource,
    Rule,
    Source,
    TracedJob,
)
from backupctl.domain.query import Listing
from backupctl.domain.targets import ALL_ACCOUNTS, Access, Target

ReportListing = Listing | GapListing
ReportItem = Job | TracedJob | ProtectedResource
_LISTS = {
    Source.BACKUP_JOBS: ("list_backup_jobs", "BackupJobs", Kind.BACKUP),
    Source.COPY_JOBS: ("list_copy_jobs", "CopyJobs", Kind.COPY),
}
_EMPTY: Mapping[str, Any] = {}


def creator_of(created_by: Mapping[str, Any] | None) -> Creator | None:
    """AWS's ``CreatedBy`` (a RecoveryPointCreator) as a Creator; None when no plan made it."""
    got = (created_by or _EMPTY).get
    plan_id = got("BackupPlanId")
    if not plan_id:
        return None
    return Creator(
        plan_id=str(plan_id),
        plan_version=got("BackupPlanVersion"),
        rule_id=got("BackupRuleId"),
        plan_name=got("BackupPlanName"),
        rule_name=got("BackupRuleName"),
        rule_cron=got("BackupRuleCron"),
        rule_timezone=got("BackupRuleTimezone"),
    )


def _rule(raw: Mapping[str, Any]) -> Rule:
    window = raw.get("StartWindowMinutes")
    return Rule(
        rule_id=str(raw["RuleId"]),
        name=str(raw.get("RuleName") or raw["RuleId"]),
        schedule=raw.get("ScheduleExpression") or None,
        timezone=raw.get("ScheduleExpressionTimezone") or None,
        start_window=timedelta(minutes=window) if window else DEFAULT_START_WINDOW,
        destinations=tuple(
            str(action["DestinationBackupVaultArn"])
            for action in raw.get("CopyActions") or ()
            if action.get("DestinationBackupVaultArn")
        ),
    )


def _vault_name(arn: str) -> str:
    return arn.rpartition(":backup-vault:")[2]


class GapReader:
    """Reads a gap report's chains from one target: the fan-out's page source."""

    def __init__(self, connector: Connector) -> None:
        self._backup = BackupReader(connector)

    def pages(self, target: Target, listing: ReportListing) -> Iterator[Page[ReportItem]]:
        """Each page of one chain: a job listing as ``report failures`` reads it, one
        traced to its plan rules, or ListProtectedResources."""
        if isinstance(listing, Listing):
            for jobs in self._backup.pages(target, listing):
                items: Sequence[ReportItem] | Encoded[ReportItem] = jobs.items
                yield Page(items, jobs.more)
        elif listing.source is Source.PROTECTED:
            yield from self._protected(target)
        else:
            yield from self._traced(target, listing.source)

    def _chain(
        self, target: Target, operation: str, params: dict[str, Any]
    ) -> Iterator[tuple[Any, bool]]:
        """Each response of a paginated call, and whether more follow; a NextToken seen
        before fails the chain."""
        doing = f"{operation.replace('_', ' ')} in {target}"
        call = partial(self._backup.call, target, operation, doing=doing)
        for response, token in responses(call, params, doing):
            yield response, bool(token)

    def _traced(self, target: Target, source: Source) -> Iterator[Page[ReportItem]]:
        operation, key, kind = _LISTS[source]
        params: dict[str, Any] = {"MaxResults": PAGE_SIZE}
        if target.access is Access.ORG_VIEW:
            params["ByAccountId"] = target.account_id
        account = None if target.account_id == ALL_ACCOUNTS else target.account_id
        doing = f"{operation.replace('_', ' ')} in {target}"
        for raw_response, more in self._chain(target, operation, params):
            # The tracing needs members the job record leaves out (the plan version, the
            # backup a copy was made from): this page is decoded here, not by the writer.
            response = decoded_response(raw_response, key, doing)
            items: list[ReportItem] = [
                TracedJob(
                    normalize(kind, raw, account, target.region),
                    creator_of(raw.get("CreatedBy")),
                    raw.get("CreatedByBackupJobId"),
                )
                for raw in response.get(key) or ()
            ]
            yield Page(items, more)

    def _protected(self, target: Target) -> Iterator[Page[ReportItem]]:
        params: dict[str, Any] = {"MaxResults": PAGE_SIZE}
        for response, more in self._chain(target, "list_protected_resources", params):
            items: list[ReportItem] = []
            for raw in response.get("Results") or ():
                last = to_datetime(raw.get("LastBackupTime"))
                if last is None or not raw.get("ResourceArn"):
                    continue  # never backed up: nothing to be overdue from
                items.append(
                    ProtectedResource(
                        account_id=target.account_id,
                        region=target.region,
                        resource_arn=str(raw["ResourceArn"]),
                        resource_type=raw.get("ResourceType"),
                        resource_name=raw.get("ResourceName"),
                        last_backup_time=last,
                        last_recovery_point_arn=raw.get("LastRecoveryPointArn"),
                        last_backup_vault_arn=raw.get("LastBackupVaultArn"),
                    )
                )
            yield Page(items, more)

    def plan_version(self, target: Target, plan_id: str, version: str | None) -> PlanVersion:
        """One version of one plan (the current one when ``version`` is None)."""
        params: dict[str, Any] = {"BackupPlanId": plan_id}
        if version:
            params["VersionId"] = version
        doing = f"get backup plan {plan_id} in {target}"
        response = self._backup.call(target, "get_backup_plan", params, doing)
        plan = response.get("BackupPlan") or _EMPTY
        return PlanVersion(
            plan_id=plan_id,
            version_id=response.get("VersionId") or version,
            name=str(plan.get("BackupPlanName") or plan_id),
            rules={str(r["RuleId"]): _rule(r) for r in plan.get("Rules") or () if r.get("RuleId")},
        )

    def recovery_point_creator(self, target: Target, vault_arn: str, point: str) -> Creator | None:
        """The plan rule that made a recovery point (DescribeRecoveryPoint)."""
        params = {"BackupVaultName": _vault_name(vault_arn), "RecoveryPointArn": point}
        doing = f"describe recovery point in {target}"
        response = self._backup.call(target, "describe_recovery_point", params, doing)
        return creator_of(response.get("CreatedBy"))
