"""AWS STS (query protocol, XML): AssumeRole into the organization's accounts, and
GetCallerIdentity.

The role exists in every ACTIVE account (the management account included) and trusts the
management account, as OrganizationAccountAccessRole does; its maximum session is 12 hours.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from backupctl.sandbox.models import backup_regions
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.wire import (
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    Response,
    ServiceError,
    query_error,
    query_response,
)

_ROLE_ARN = re.compile(r"^arn:aws:iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})$")
_SESSION_NAME = re.compile(r"^[\w+=,.@-]{2,64}$")
_CHAINED_LIMIT = 3600  # AWS caps sessions assumed from another role's session at an hour


def _validation(message: str) -> ServiceError:
    return ServiceError(400, "ValidationError", message)


def _constraint(value: object, member: str, constraint: str) -> ServiceError:
    """STS's wording for a parameter that breaks the model's constraints."""
    return _validation(
        f"1 validation error detected: Value {value} at '{member}' failed to satisfy "
        f"constraint: Member must {constraint}"
    )


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


class StsService:
    """AssumeRole and GetCallerIdentity."""

    name = "sts"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def operation(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The ``Action`` of the form."""
        return _form(body).get("Action", "Unknown")

    def check_region(self, region: str, account_id: str) -> None:
        """STS answers an opt-in region that is not enabled with InvalidClientTokenId."""
        if region in self.runtime.dataset.regions or region == "aws-global":
            return
        if not self.runtime.region_enabled(account_id, region) or region not in backup_regions():
            raise self.identity_error(expired=False)

    def identity_error(self, expired: bool) -> ServiceError:
        """STS's own codes: ExpiredToken (400) and InvalidClientTokenId (403)."""
        if expired:
            return ServiceError(400, "ExpiredToken", TOKEN_EXPIRED)
        return ServiceError(403, "InvalidClientTokenId", TOKEN_INVALID)

    def throttled(self) -> ServiceError:
        """STS's throttling error."""
        return ServiceError(400, "Throttling", "Rate exceeded")

    def unavailable(self) -> ServiceError:
        """STS's 5xx error."""
        return ServiceError(
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        )

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        """The query protocol's ErrorResponse document."""
        return query_error(error, request_id)

    def handle(self, call: Call) -> Response:
        """Dispatch on the form's Action."""
        form = _form(call.body)
        if call.operation == "GetCallerIdentity":
            identity = call.identity
            result = {
                "UserId": identity.user_id,
                "Account": identity.account_id,
                "Arn": identity.arn,
            }
            return query_response("GetCallerIdentity", result, call.request_id)
        if call.operation == "AssumeRole":
            return self._assume_role(form, call)
        raise ServiceError(
            400,
            "InvalidAction",
            f"Could not find operation {call.operation} for version 2011-06-15",
        )

    def _assume_role(self, form: dict[str, str], call: Call) -> Response:
        role_arn, session_name = form.get("RoleArn"), form.get("RoleSessionName")
        if role_arn is None or session_name is None:
            missing = "roleArn" if role_arn is None else "roleSessionName"
            raise _constraint("null", missing, "not be null")
        if not _SESSION_NAME.match(session_name):
            pattern = "satisfy regular expression pattern: [\\w+=,.@-]*"
            raise _constraint(f"'{session_name}'", "roleSessionName", pattern)
        duration = self._duration(form.get("DurationSeconds"), call)
        match = _ROLE_ARN.match(role_arn)
        if match is None:
            raise _validation(f"{role_arn} is invalid")
        account_id, role_name = match.groups()
        self._authorize(account_id, role_name, role_arn, form.get("ExternalId"), call)
        runtime = self.runtime
        ttl = runtime.faults.credential_ttl
        lifetime = float(duration) if ttl is None else min(float(duration), ttl)
        session = runtime.keys.issue(account_id, role_name, session_name, lifetime)
        expiration = datetime.fromtimestamp(int(time.time()) + duration, UTC)
        result = {
            "Credentials": {
                "AccessKeyId": session.identity.access_key,
                "SecretAccessKey": session.secret,
                "SessionToken": session.token,
                "Expiration": expiration,
            },
            "AssumedRoleUser": {
                "AssumedRoleId": session.identity.user_id,
                "Arn": session.identity.arn,
            },
        }
        return query_response("AssumeRole", result, call.request_id)

    def _duration(self, value: str | None, call: Call) -> int:
        if value is None:
            return 3600
        try:
            duration = int(value)
        except ValueError:
            raise _validation(f"Value '{value}' at 'durationSeconds' is not an integer") from None
        if duration < 900:
            raise _constraint(
                duration, "durationSeconds", "have value greater than or equal to 900"
            )
        if duration > 43200:
            raise _constraint(duration, "durationSeconds", "have value less than or equal to 43200")
        if call.identity.assumed and duration > _CHAINED_LIMIT:
            raise _validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
                "by role chaining."
            )
        return duration

    def _authorize(
        self, account_id: str, role_name: str, role_arn: str, external_id: str | None, call: Call
    ) -> None:
        runtime = self.runtime
        denied = ServiceError(
            403,
            "AccessDenied",
            f"User: {call.identity.arn} is not authorized to perform: sts:AssumeRole on "
            f"resource: {role_arn}",
        )
        account = runtime.dataset.account(account_id)
        if account is None or not account.active or role_name != runtime.config.role_name:
            raise denied
        # The role's trust policy names the management account, as Organizations sets it up.
        if call.identity.account_id != runtime.dataset.management_account_id:
            raise denied
        expected = runtime.config.external_id
        if expected is not None and external_id != expected:
            raise denied
        if account_id in runtime.faults.deny_assume_role:
            runtime.fault("deny_assume_role")
            raise denied
