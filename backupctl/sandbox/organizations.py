"""AWS Organizations (json 1.1): the calls that discover the organization's accounts.

Organizations is global: the region in the credential scope is counted, not checked.
DescribeOrganization answers any account of the organization, as AWS does; the listing
calls answer only the management account and the delegated administrator.
"""

from __future__ import annotations

import json
from typing import Any

from backupctl.sandbox import paging
from backupctl.sandbox.models import shape_members
from backupctl.sandbox.organization import Account
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.wire import (
    JSON_11,
    Response,
    ServiceError,
    dumps,
    epoch,
    front_end_token_error,
    json11_error,
)

_TARGET_PREFIX = "AWSOrganizationsV20161128."
_PAGE_LIMIT = 20
_POLICY_TYPES = [
    {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"},
    {"Type": "BACKUP_POLICY", "Status": "ENABLED"},
]


def _invalid(message: str, reason: str) -> ServiceError:
    return ServiceError(400, "InvalidInputException", message, {"Reason": reason})


class OrganizationsService:
    """ListAccounts, DescribeOrganization, ListRoots, ListChildren, ListAccountsForParent."""

    name = "organizations"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def operation(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The operation named by ``X-Amz-Target``."""
        target = headers.get("x-amz-target", "")
        return (
            target.removeprefix(_TARGET_PREFIX) if target.startswith(_TARGET_PREFIX) else "Unknown"
        )

    def check_region(self, region: str, account_id: str) -> None:
        """A global service: every region reaches the same endpoint."""

    def identity_error(self, expired: bool) -> ServiceError:
        """json 1.1 services answer 400 for a bad or expired token."""
        return front_end_token_error(400, expired)

    def throttled(self) -> ServiceError:
        """Organizations' throttling error."""
        return ServiceError(
            400,
            "TooManyRequestsException",
            "AWS Organizations can't complete your request because another request is already "
            "in progress. Try again later.",
        )

    def unavailable(self) -> ServiceError:
        """Organizations' 5xx error."""
        return ServiceError(
            500,
            "ServiceException",
            "AWS Organizations can't complete your request because of an internal service "
            "error. Try again later.",
        )

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        """``{"__type": …, "Message": …}``."""
        return json11_error(error)

    def handle(self, call: Call) -> Response:
        """Dispatch on the operation."""
        try:
            params: dict[str, Any] = json.loads(call.body or b"{}")
        except ValueError:
            raise ServiceError(
                400, "SerializationException", "The request body is not valid JSON."
            ) from None
        org = self.runtime.dataset.organization
        caller = call.identity.account_id
        if org.account(caller) is None:
            raise ServiceError(
                400,
                "AWSOrganizationsNotInUseException",
                "Your account is not a member of an organization.",
            )
        if call.operation == "DescribeOrganization":
            return self._describe_organization()
        if not self.runtime.monitors_organization(caller):
            raise ServiceError(
                400, "AccessDeniedException", "You don't have permissions to access this resource."
            )
        if call.operation == "ListAccounts":
            items = [self._account(acct) for acct in org.accounts]
            return self._page("Accounts", items, params, call)
        if call.operation == "ListRoots":
            root = {
                "Id": org.root_id,
                "Arn": org.root_arn,
                "Name": "Root",
                "PolicyTypes": _POLICY_TYPES,
            }
            return self._page("Roots", [root], params, call)
        if call.operation == "ListChildren":
            return self._children(params, call)
        if call.operation == "ListAccountsForParent":
            _, accounts = org.children(self._parent(params))
            return self._page("Accounts", [self._account(acct) for acct in accounts], params, call)
        raise ServiceError(
            400, "UnknownOperationException", f"The sandbox does not implement {call.operation}."
        )

    def _describe_organization(self) -> Response:
        org = self.runtime.dataset.organization
        management = org.account(org.management_account_id)
        assert management is not None  # the management account is always the first account
        body = {
            "Organization": {
                "Id": org.id,
                "Arn": org.arn,
                "FeatureSet": "ALL",
                "MasterAccountArn": management.arn,
                "MasterAccountId": management.id,
                "MasterAccountEmail": management.email,
                "AvailablePolicyTypes": _POLICY_TYPES,
            }
        }
        return Response(200, dumps(body), JSON_11)

    def _account(self, account: Account) -> dict[str, Any]:
        record = {
            "Id": account.id,
            "Arn": account.arn,
            "Email": account.email,
            "Name": account.name,
            "Status": account.status,
            "State": account.status,
            "JoinedMethod": account.joined_method,
            "JoinedTimestamp": epoch(account.joined_at),
        }
        return {
            key: record[key] for key in shape_members("organizations", "Account") if key in record
        }

    def _parent(self, params: dict[str, Any]) -> str:
        parent = params.get("ParentId")
        if not isinstance(parent, str):
            raise _invalid("You must specify a value for ParentId.", "INPUT_REQUIRED")
        if not self.runtime.dataset.organization.is_parent(parent):
            raise ServiceError(
                400,
                "ParentNotFoundException",
                "We can't find a root or OU with the ParentId that you specified.",
            )
        return parent

    def _children(self, params: dict[str, Any], call: Call) -> Response:
        parent = self._parent(params)
        child_type = params.get("ChildType")
        ous, accounts = self.runtime.dataset.organization.children(parent)
        if child_type == "ACCOUNT":
            children = [{"Id": acct.id, "Type": "ACCOUNT"} for acct in accounts]
        elif child_type == "ORGANIZATIONAL_UNIT":
            children = [{"Id": ou.id, "Type": "ORGANIZATIONAL_UNIT"} for ou in ous]
        else:
            raise _invalid("ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.", "INVALID_ENUM")
        return self._page("Children", children, params, call)

    def _page(
        self, member: str, items: list[dict[str, Any]], params: dict[str, Any], call: Call
    ) -> Response:
        """One page of ``items``, at most MaxResults (1 to 20, default 20) long."""
        size = params.get("MaxResults", _PAGE_LIMIT)
        if not isinstance(size, int) or size < 1:
            raise _invalid("MaxResults must be at least 1.", "MIN_VALUE_EXCEEDED")
        if size > _PAGE_LIMIT:
            raise _invalid(f"MaxResults must be at most {_PAGE_LIMIT}.", "MAX_VALUE_EXCEEDED")
        digest = paging.query_digest(
            call.operation,
            call.identity.account_id,
            params.get("ParentId"),
            params.get("ChildType"),
        )
        offset = 0
        token = params.get("NextToken")
        if token is not None:
            try:
                offset, _ = paging.decode(str(token), digest)
            except paging.TokenError:
                raise _invalid("The NextToken is not valid.", "INVALID_NEXT_TOKEN") from None
            expires_after = self.runtime.faults.org_token_expires_after
            if expires_after is not None and offset >= expires_after * size:
                self.runtime.fault("org_token_expired")
                raise _invalid("The NextToken is not valid.", "INVALID_NEXT_TOKEN")
        end = min(offset + size, len(items))
        body: dict[str, Any] = {member: items[offset:end]}
        if end < len(items):
            body["NextToken"] = paging.encode(end, digest)
        return Response(200, dumps(body), JSON_11)
