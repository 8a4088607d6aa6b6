"""The AWS Account Management API (rest-json): ListRegions, each region's opt-in status.

Account is global: the region in the credential scope is counted, not checked. Without
``AccountId`` the caller's own account is listed; with it, a member account, for the
management account or the delegated administrator only (as with trusted access for
Account Management turned on), and never the caller's own id (AWS wants it left out).
"""

from __future__ import annotations

import json
from typing import Any

from backupctl.sandbox import paging
from backupctl.sandbox.models import enum_values, partition_regions
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.wire import REST_JSON, Response, ServiceError, dumps, front_end_token_error

_DEFAULT_PAGE = 20  # the sandbox's choice: AWS does not document its default
_MAX_PAGE = 50


def _invalid(message: str) -> ServiceError:
    return ServiceError(400, "ValidationException", message, {"reason": "fieldValidationFailed"})


class AccountService:
    """ListRegions, with the opt-in status of every region of the partition."""

    name = "account"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def operation(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The operation named by the path."""
        return "ListRegions" if (method, path) == ("POST", "/listRegions") else "Unknown"

    def check_region(self, region: str, account_id: str) -> None:
        """A global service: every region reaches the same endpoint."""

    def identity_error(self, expired: bool) -> ServiceError:
        """403, as the front end answers."""
        return front_end_token_error(403, expired)

    def throttled(self) -> ServiceError:
        """Account's throttling error."""
        return ServiceError(429, "TooManyRequestsException", "Rate exceeded")

    def unavailable(self) -> ServiceError:
        """Account's 5xx error."""
        return ServiceError(500, "InternalServerException", "Internal server error")

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        """``x-amzn-ErrorType`` and a ``message`` body (lower-case, as this model spells it)."""
        body = {"message": error.message, **error.extra}
        return Response(error.status, dumps(body), REST_JSON, {"x-amzn-ErrorType": error.code})

    def handle(self, call: Call) -> Response:
        """ListRegions; any other request is not served."""
        if call.operation != "ListRegions":
            raise ServiceError(
                404, "UnknownOperationException", "The sandbox does not implement this operation."
            )
        try:
            params: dict[str, Any] = json.loads(call.body or b"{}")
        except ValueError:
            raise _invalid("The request body is not valid JSON.") from None
        account = self._account(call, params.get("AccountId"))
        if account in self.runtime.faults.deny_list_regions:
            self.runtime.fault("deny_list_regions")
            raise ServiceError(
                403,
                "AccessDeniedException",
                f"User: {call.identity.arn} is not authorized to perform: account:ListRegions",
            )
        wanted = self._statuses(params.get("RegionOptStatusContains"))
        regions = [
            {"RegionName": region, "RegionOptStatus": status}
            for region in partition_regions(self.runtime.dataset.regions[0])
            if (status := self._status(account, region)) in wanted
        ]
        return self._page(regions, params, call, account)

    def _account(self, call: Call, account_id: object) -> str:
        caller = call.identity.account_id
        if account_id is None:
            return caller
        if (
            not isinstance(account_id, str)
            or self.runtime.dataset.organization.account(account_id) is None
        ):
            raise _invalid(f"{account_id!r} is not an account of the organization.")
        if account_id == caller:
            raise _invalid("The caller's own AccountId must be left out of the request.")
        if not self.runtime.monitors_organization(caller):
            raise ServiceError(
                403,
                "AccessDeniedException",
                f"User: {call.identity.arn} is not authorized to perform: account:ListRegions "
                f"on account {account_id}",
            )
        return account_id

    def _status(self, account: str, region: str) -> str:
        if not self.runtime.opt_in_region(region):
            return "ENABLED_BY_DEFAULT"
        return "ENABLED" if self.runtime.region_enabled(account, region) else "DISABLED"

    @staticmethod
    def _statuses(value: object) -> frozenset[str]:
        allowed = enum_values("account", "RegionOptStatus")
        if value is None:
            return allowed
        if not isinstance(value, list) or not all(v in allowed for v in value):
            raise _invalid(f"RegionOptStatusContains must hold only {', '.join(sorted(allowed))}.")
        return frozenset(value)

    def _page(
        self, regions: list[dict[str, str]], params: dict[str, Any], call: Call, account: str
    ) -> Response:
        size = params.get("MaxResults", _DEFAULT_PAGE)
        if not isinstance(size, int) or not 1 <= size <= _MAX_PAGE:
            raise _invalid(f"MaxResults must be between 1 and {_MAX_PAGE}.")
        digest = paging.query_digest(
            call.operation, account, sorted(params.get("RegionOptStatusContains") or ())
        )
        offset = 0
        token = params.get("NextToken")
        if token is not None:
            try:
                offset, _ = paging.decode(str(token), digest)
            except paging.TokenError:
                raise _invalid("The NextToken is not valid.") from None
        end = min(offset + size, len(regions))
        body: dict[str, Any] = {"Regions": regions[offset:end]}
        if end < len(regions):
            body["NextToken"] = paging.encode(end, digest)
        return Response(200, dumps(body), REST_JSON)
