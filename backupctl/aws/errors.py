"""Translate botocore's exceptions into backupctl's error tree, in words a user can act on."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
)

from backupctl.domain.errors import (
    AccessDeniedError,
    AwsError,
    BackupctlError,
    CredentialsError,
    EndpointError,
    RegionNotEnabledError,
    ThrottledError,
    UsageError,
)

_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
_EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}
_INVALID_TOKEN = {"UnrecognizedClientException", "InvalidClientTokenId"}
_THROTTLED = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "SlowDown",
}


def translate(exc: Exception, *, doing: str = "") -> BackupctlError:
    """One ``BackupctlError`` for any exception botocore raises; ``doing`` says what was tried."""
    if isinstance(exc, BackupctlError):
        return exc
    if isinstance(exc, ClientError):
        return _client_error(exc, doing)
    if isinstance(exc, NoRegionError):
        return UsageError("no region: pass --region or set AWS_REGION (or a region in the profile)")
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return CredentialsError(
            "no AWS credentials found (set a profile with --profile or AWS_PROFILE, "
            "or run under aws-vault / an instance role)",
            "NoCredentials",
            doing,
        )
    if isinstance(exc, ConnectionError | HTTPClientError):
        return EndpointError(f"could not reach the endpoint: {exc}", "Network", doing)
    if isinstance(exc, BotoCoreError):
        return AwsError(str(exc), type(exc).__name__, doing)
    return AwsError(f"{type(exc).__name__}: {exc}", None, doing)


def _client_error(exc: ClientError, doing: str) -> AwsError:
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "Unknown")
    message = str(error.get("Message") or "").strip()
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    said = f" ({code}: {message})" if message else f" ({code})"
    if code in _DENIED:
        return AccessDeniedError(f"access denied{said}", code, doing)
    if code in _EXPIRED:
        return CredentialsError(f"the credentials have expired{said}", code, doing)
    if code in _INVALID_TOKEN:
        return RegionNotEnabledError(
            f"the credentials are not valid here; is the region enabled for the account?{said}",
            code,
            doing,
        )
    if code in _THROTTLED:
        return ThrottledError(f"throttled by AWS, still after every retry{said}", code, doing)
    if isinstance(status, int) and status >= 500:
        return AwsError(f"AWS had a server error, still after every retry{said}", code, doing)
    return AwsError(f"{code}: {message}" if message else code, code, doing)
