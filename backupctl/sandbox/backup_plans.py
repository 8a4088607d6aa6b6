"""AWS Backup's plan routes: ListBackupPlans, GetBackupPlan (any version, with a preview of
the next runs), ListBackupPlanVersions, ListBackupSelections and GetBackupSelection.

They answer for the caller's own account, as AWS does: none of them takes an account id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from backupctl.sandbox.backup_wire import invalid, not_found, page_of
from backupctl.sandbox.plans import DAY, Plan, PlanVersion, Selection
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.schedule import runs
from backupctl.sandbox.wire import Response, dumps

_PREVIEW_MOST = 10  # MaxScheduledRunsPreview's upper bound
_PREVIEW_REACH = 400 * DAY  # how far ahead a preview looks for runs


def _params(call: Call) -> dict[str, str]:
    return dict(parse_qsl(call.url.query, keep_blank_values=True))


def _query(call: Call) -> tuple[str, str, str]:
    """What a listing's tokens are bound to: the operation, the caller and the region."""
    return call.operation, call.identity.account_id, call.region


class PlanRoutes:
    """The calls that read the caller's backup plans and their selections."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def _plans(self, call: Call) -> tuple[Plan, ...]:
        estate = self.runtime.dataset.jobset(call.identity.account_id, call.region).estate
        return tuple(estate.plans.values()) if estate else ()

    def _plan(self, call: Call, plan_id: str) -> Plan:
        found = next((plan for plan in self._plans(call) if plan.plan_id == plan_id), None)
        if found is None:
            raise not_found(
                f"Backup plan {plan_id} was not found in account {call.identity.account_id}, "
                f"region {call.region}."
            )
        return found

    def _selections(self, call: Call, plan: Plan) -> list[Selection]:
        estate = self.runtime.dataset.jobset(call.identity.account_id, call.region).estate
        selections = estate.selections if estate else ()
        return [selection for selection in selections if selection.plan_id == plan.plan_id]

    def _last_run(self, plan: Plan) -> float | None:
        """When the plan last ran: its rules' latest run before now."""
        now = self.runtime.dataset.now.timestamp()
        found = plan.runs(now - 8 * DAY, now)
        return found[-1][0] if found else None

    def _listed(self, plan: Plan, version: PlanVersion, created: float) -> dict[str, Any]:
        member: dict[str, Any] = {
            "BackupPlanArn": plan.arn,
            "BackupPlanId": plan.plan_id,
            "CreationDate": created,
            "VersionId": version.version_id,
            "BackupPlanName": plan.name,
        }
        last = self._last_run(plan)
        if last is not None:
            member["LastExecutionDate"] = last
        return member

    def list_plans(self, call: Call, args: tuple[str, ...]) -> Response:
        """ListBackupPlans: the current version of each plan (none is ever deleted)."""
        plans = [self._listed(plan, plan.current, plan.created) for plan in self._plans(call)]
        page, token = page_of(plans, _params(call), *_query(call))
        return _page("BackupPlansList", list(page), token)

    def list_versions(self, call: Call, args: tuple[str, ...]) -> Response:
        """ListBackupPlanVersions: every version of one plan, newest first."""
        plan = self._plan(call, args[0])
        versions = [self._listed(plan, v, v.created) for v in reversed(plan.versions)]
        page, token = page_of(versions, _params(call), *_query(call), plan.plan_id)
        return _page("BackupPlanVersionsList", list(page), token)

    def get_plan(self, call: Call, args: tuple[str, ...]) -> Response:
        """GetBackupPlan: the current version, or the one ``versionId`` names."""
        plan, params = self._plan(call, args[0]), _params(call)
        version = plan.current
        if "versionId" in params:
            found = plan.version(params["versionId"])
            if found is None:
                raise not_found(f"Version {params['versionId']} of plan {plan.plan_id} not found.")
            version = found
        body: dict[str, Any] = {
            "BackupPlan": {
                "BackupPlanName": plan.name,
                "Rules": [rule.body() for rule in version.rules],
            },
            "BackupPlanId": plan.plan_id,
            "BackupPlanArn": plan.arn,
            "VersionId": version.version_id,
            "CreationDate": version.created,
        }
        last = self._last_run(plan)
        if last is not None:
            body["LastExecutionDate"] = last
        preview = self._preview(plan, params.get("MaxScheduledRunsPreview"))
        if preview:
            body["ScheduledRunsPreview"] = preview
        return Response(200, dumps(body))

    def _preview(self, plan: Plan, value: str | None) -> list[dict[str, Any]]:
        """The next runs of the plan's current rules, soonest first."""
        if value is None:
            return []
        if not value.isdigit() or int(value) > _PREVIEW_MOST:
            raise invalid(f"MaxScheduledRunsPreview must be between 0 and {_PREVIEW_MOST}.")
        now = self.runtime.dataset.now.timestamp()
        upcoming = sorted(
            (at, rule.rule_id)
            for rule in plan.current.rules
            for at in runs(rule.schedule, rule.timezone, now, now + _PREVIEW_REACH)[: int(value)]
        )
        return [
            {"ExecutionTime": at, "RuleId": rule_id, "RuleExecutionType": "SNAPSHOTS"}
            for at, rule_id in upcoming[: int(value)]
        ]

    def list_selections(self, call: Call, args: tuple[str, ...]) -> Response:
        """ListBackupSelections: the selections of one plan."""
        plan = self._plan(call, args[0])
        members = [
            {
                "SelectionId": selection.selection_id,
                "SelectionName": selection.name,
                "BackupPlanId": plan.plan_id,
                "CreationDate": selection.created,
                "IamRoleArn": selection.iam_role_arn,
            }
            for selection in self._selections(call, plan)
        ]
        page, token = page_of(members, _params(call), *_query(call), plan.plan_id)
        return _page("BackupSelectionsList", list(page), token)

    def get_selection(self, call: Call, args: tuple[str, ...]) -> Response:
        """GetBackupSelection: which resources one selection names."""
        plan, selection_id = self._plan(call, args[0]), args[1]
        selection = next(
            (item for item in self._selections(call, plan) if item.selection_id == selection_id),
            None,
        )
        if selection is None:
            raise not_found(f"Selection {selection_id} of plan {plan.plan_id} not found.")
        body = {
            "BackupSelection": selection.body(),
            "SelectionId": selection.selection_id,
            "BackupPlanId": plan.plan_id,
            "CreationDate": selection.created,
        }
        return Response(200, dumps(body))


def _page(member: str, items: list[dict[str, Any]], token: str | None) -> Response:
    body: dict[str, Any] = {member: items}
    if token is not None:
        body["NextToken"] = token
    return Response(200, dumps(body))
