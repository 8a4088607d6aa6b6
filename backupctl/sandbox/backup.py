"""AWS Backup (rest-json): routes each request by method and path to the calls the sandbox
serves, after the faults that apply to every Backup call.

Jobs (``backup_jobs``): List and Describe of backup, copy and restore jobs. Plans
(``backup_plans``): ListBackupPlans, GetBackupPlan, ListBackupPlanVersions,
ListBackupSelections, GetBackupSelection. Resources (``backup_resources``):
ListProtectedResources, DescribeRecoveryPoint. Job summaries (``summary_calls``):
ListBackupJobSummaries, ListCopyJobSummaries, ListRestoreJobSummaries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote

from backupctl.sandbox.backup_jobs import JobRoutes
from backupctl.sandbox.backup_plans import PlanRoutes
from backupctl.sandbox.backup_resources import ResourceRoutes
from backupctl.sandbox.backup_wire import check_reachable
from backupctl.sandbox.models import backup_regions
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.summary_calls import SummaryCalls, summary_route
from backupctl.sandbox.wire import Response, ServiceError, front_end_token_error, rest_json_error

Handler = Callable[[Call, tuple[str, ...]], Response]
_SEGMENT = "([^/]+)"
# (operation, path); every one is a GET. Path segments come percent-encoded.
_PATHS = (
    ("ListBackupJobs", "/backup-jobs/"),
    ("DescribeBackupJob", f"/backup-jobs/{_SEGMENT}"),
    ("ListCopyJobs", "/copy-jobs/"),
    ("DescribeCopyJob", f"/copy-jobs/{_SEGMENT}"),
    ("ListRestoreJobs", "/restore-jobs/"),
    ("DescribeRestoreJob", f"/restore-jobs/{_SEGMENT}"),
    ("ListBackupPlans", "/backup/plans/"),
    ("GetBackupPlan", f"/backup/plans/{_SEGMENT}/?"),
    ("ListBackupPlanVersions", f"/backup/plans/{_SEGMENT}/versions/?"),
    ("ListBackupSelections", f"/backup/plans/{_SEGMENT}/selections/?"),
    ("GetBackupSelection", f"/backup/plans/{_SEGMENT}/selections/{_SEGMENT}/?"),
    ("ListProtectedResources", "/resources/"),
    ("DescribeRecoveryPoint", f"/backup-vaults/{_SEGMENT}/recovery-points/{_SEGMENT}/?"),
)
_ROUTES = tuple((operation, re.compile(path)) for operation, path in _PATHS)


def _route(method: str, path: str) -> tuple[str, tuple[str, ...]] | None:
    """(operation, decoded path arguments) for a request, or None."""
    if method != "GET":
        return None
    for operation, pattern in _ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return operation, tuple(unquote(arg) for arg in match.groups())
    return None


class BackupService:
    """The AWS Backup calls of the sandbox, and Backup's way of answering errors."""

    name = "backup"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        jobs, plans, resources = JobRoutes(runtime), PlanRoutes(runtime), ResourceRoutes(runtime)
        self._jobs = jobs
        self._summaries = SummaryCalls(runtime)
        self._handlers: dict[str, Handler] = {
            "ListBackupJobs": jobs.list_jobs,
            "ListCopyJobs": jobs.list_jobs,
            "ListRestoreJobs": jobs.list_jobs,
            "DescribeBackupJob": jobs.describe_job,
            "DescribeCopyJob": jobs.describe_job,
            "DescribeRestoreJob": jobs.describe_job,
            "ListBackupPlans": plans.list_plans,
            "GetBackupPlan": plans.get_plan,
            "ListBackupPlanVersions": plans.list_versions,
            "ListBackupSelections": plans.list_selections,
            "GetBackupSelection": plans.get_selection,
            "ListProtectedResources": resources.list_protected,
            "DescribeRecoveryPoint": resources.describe_recovery_point,
        }

    def operation(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The operation named by the method and path."""
        summary = summary_route(method, path)
        if summary is not None:
            return summary.operation
        route = _route(method, path)
        return route[0] if route else "Unknown"

    def check_region(self, region: str, account_id: str) -> None:
        """Opt-in regions not enabled refuse the token; unknown regions refuse the scope."""
        if region in self.runtime.dataset.regions:
            return
        if not self.runtime.region_enabled(account_id, region):
            raise self.identity_error(expired=False)
        if region not in backup_regions():
            raise ServiceError(
                403, "InvalidSignatureException", "Credential should be scoped to a valid region."
            )

    def identity_error(self, expired: bool) -> ServiceError:
        """403, as Backup's front end answers."""
        return front_end_token_error(403, expired)

    def throttled(self) -> ServiceError:
        """Backup's throttling error."""
        return ServiceError(400, "ThrottlingException", "Rate exceeded")

    def unavailable(self) -> ServiceError:
        """Backup's 5xx error."""
        return ServiceError(
            503, "ServiceUnavailableException", "Service is unavailable. Please try again later."
        )

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        """rest-json: ``x-amzn-ErrorType`` and a Code/Message/Type body."""
        return rest_json_error(error)

    def handle(self, call: Call) -> Response:
        """Answer a request, once the caller's account is reachable."""
        route = _route(call.method, call.url.path)
        summary = summary_route(call.method, call.url.path)
        if route is None and summary is None:
            raise ServiceError(
                404, "UnknownOperationException", "The sandbox does not implement this operation."
            )
        check_reachable(self.runtime, call.identity.account_id, call)
        if summary is not None:
            return self._summaries.answer(summary, call, self._jobs.scope)
        assert route is not None
        operation, args = route
        return self._handlers[operation](call, args)
