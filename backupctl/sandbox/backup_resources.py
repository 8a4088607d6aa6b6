"""AWS Backup's resource routes: ListProtectedResources and DescribeRecoveryPoint.

Both answer for the caller's own account: ListProtectedResources takes no account id, and
DescribeRecoveryPoint's ``backupVaultAccountId`` may only name the caller.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from backupctl.sandbox.backup_wire import denied, not_found, page_of
from backupctl.sandbox.protected import describe_recovery_point
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.wire import Response, dumps


class ResourceRoutes:
    """The calls that read the caller's protected resources and recovery points."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def list_protected(self, call: Call, args: tuple[str, ...]) -> Response:
        """ListProtectedResources: every resource with a completed backup, by ARN."""
        account = call.identity.account_id
        resources = self.runtime.dataset.jobset(account, call.region).protected
        params = dict(parse_qsl(call.url.query, keep_blank_values=True))
        page, token = page_of(resources, params, call.operation, account, call.region)
        body: dict[str, Any] = {"Results": list(page)}
        if token is not None:
            body["NextToken"] = token
        return Response(200, dumps(body))

    def describe_recovery_point(self, call: Call, args: tuple[str, ...]) -> Response:
        """DescribeRecoveryPoint: one recovery point of one of the caller's vaults."""
        vault, arn = args
        account = call.identity.account_id
        params = dict(parse_qsl(call.url.query, keep_blank_values=True))
        owner = params.get("backupVaultAccountId", account)
        if owner != account:
            raise denied(
                f"User: {call.identity.arn} is not authorized to perform: "
                f"backup:DescribeRecoveryPoint on a backup vault of account {owner}"
            )
        jobset = self.runtime.dataset.jobset(account, call.region)
        job = jobset.recovery_points.get(arn)
        if job is None or job.record["BackupVaultName"] != vault:
            raise not_found(f"Recovery point {arn} was not found in backup vault {vault}.")
        parent = jobset.index["backup"].get(job.record.get("ParentJobId", ""))
        now = self.runtime.dataset.now.timestamp()
        return Response(200, dumps(describe_recovery_point(job, parent, now)))
