"""What every AWS Backup route shares: its errors, and pages of a listing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from backupctl.sandbox import paging
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.wire import ServiceError

Item = TypeVar("Item")
MAX_PAGE = 1000  # the most any Backup List call returns at once, and its default


def invalid(message: str) -> ServiceError:
    """400 InvalidParameterValueException."""
    return ServiceError(400, "InvalidParameterValueException", message)


def denied(message: str) -> ServiceError:
    """403 AccessDeniedException."""
    return ServiceError(403, "AccessDeniedException", message)


def not_found(message: str) -> ServiceError:
    """404 ResourceNotFoundException."""
    return ServiceError(404, "ResourceNotFoundException", message)


def page_size(value: str | None, default: int = MAX_PAGE) -> int:
    """``maxResults`` from a querystring: 1 to 1000."""
    if value is None:
        return default
    try:
        size = int(value)
    except ValueError:
        raise invalid(f"Invalid MaxResults {value!r}: expected an integer.") from None
    if not 1 <= size <= MAX_PAGE:
        raise invalid(f"MaxResults must be between 1 and {MAX_PAGE}, not {size}.")
    return size


def token_offset(token: str | None, digest: bytes) -> tuple[int, int]:
    """(offset, back) of a ``nextToken`` of the query with ``digest``; (0, 0) for none."""
    if token is None:
        return 0, 0
    try:
        return paging.decode(token, digest)
    except paging.TokenError as error:
        raise invalid(f"Invalid NextToken: {error}.") from None


def page_of(
    items: Sequence[Item], params: dict[str, str], *query: object
) -> tuple[Sequence[Item], str | None]:
    """The page of ``items`` that ``maxResults`` and ``nextToken`` ask for, and the token
    of the next one; ``query`` identifies the listing, so a token fits no other."""
    digest = paging.query_digest(*query)
    offset, _ = token_offset(params.get("nextToken"), digest)
    size = page_size(params.get("maxResults"))
    page = items[offset : offset + size]
    end = offset + len(page)
    return page, paging.encode(end, digest) if end < len(items) else None


def check_reachable(runtime: Runtime, account_id: str, call: Call) -> None:
    """The faults that stand between a Backup call and one account's data: access denied
    (``deny_backup``), or no answer at all (``hang_accounts``)."""
    faults = runtime.faults
    if account_id in faults.deny_backup:
        runtime.fault("deny_backup")
        raise denied(
            f"User: {call.identity.arn} is not authorized to perform: "
            f"backup:{call.operation} on account {account_id}"
        )
    if account_id in faults.hang_accounts:
        runtime.hang()
