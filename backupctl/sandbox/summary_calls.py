"""AWS Backup's job summary calls (rest-json): ListBackupJobSummaries, ListCopyJobSummaries
and ListRestoreJobSummaries, per region like the List calls.

``AccountId``: absent, or the caller's own id, counts the caller's jobs. From the management
account or the delegated administrator, ``ANY`` gives a row per account of the organization,
``AGGREGATE_ALL`` one row summed over them, and an account id that account's rows (with the
List calls' rules: cross-account monitoring must be on, the account must be a member, and
its faults apply). A member account gets its own jobs whatever it asks for, as AWS
documents. The other parameters are validated against the model; the counting is in
``job_summaries``. ``MaxResults`` is 1 to 500 as AWS documents (the model allows 1000);
without it a page holds 500 rows. ``AggregationPeriod`` defaults to ONE_DAY and is echoed.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from backupctl.sandbox import paging
from backupctl.sandbox.job_summaries import AGGREGATE_ALL, ANY, SummaryQuery, summarize
from backupctl.sandbox.models import enum_values, service_model
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.wire import Response, ServiceError, dumps

_PREFIX = "/audit/"
_MAX_PAGE = 500
_CACHED_QUERIES = 64
_ACCOUNT = re.compile(r"^[0-9]{12}$")
Scope = Callable[[str, Call], str]  # BackupService's ByAccountId rules: target -> scope


class SummaryRoute(NamedTuple):
    """One of the three summary calls."""

    kind: str
    operation: str
    member: str  # the output's list member


_ROUTES = {
    "backup-job-summaries": SummaryRoute("backup", "ListBackupJobSummaries", "BackupJobSummaries"),
    "copy-job-summaries": SummaryRoute("copy", "ListCopyJobSummaries", "CopyJobSummaries"),
    "restore-job-summaries": SummaryRoute(
        "restore", "ListRestoreJobSummaries", "RestoreJobSummaries"
    ),
}


def summary_route(method: str, path: str) -> SummaryRoute | None:
    """The summary call a request asks for, or None when it asks for something else."""
    if method != "GET" or not path.startswith(_PREFIX):
        return None
    return _ROUTES.get(path[len(_PREFIX) :].rstrip("/"))


def _invalid(message: str) -> ServiceError:
    return ServiceError(400, "InvalidParameterValueException", message)


@cache
def _input_members(operation: str) -> dict[str, str]:
    """Member name -> shape name of a summary call's input."""
    shape = service_model("backup")["shapes"][f"{operation}Input"]
    return {name: member["shape"] for name, member in shape["members"].items()}


@cache
def _resource_type_pattern() -> re.Pattern[str]:
    return re.compile(service_model("backup")["shapes"]["ResourceType"]["pattern"])


def _query(route: SummaryRoute, params: dict[str, str]) -> SummaryQuery:
    """The validated parameters; InvalidParameterValueException for what AWS refuses."""
    members = _input_members(route.operation)
    period = params.get("AggregationPeriod", "ONE_DAY")
    if period not in enum_values("backup", members["AggregationPeriod"]):
        raise _invalid(f"Invalid value for AggregationPeriod: {period!r}.")
    state = params.get("State", ANY)
    if state not in enum_values("backup", members["State"]):
        raise _invalid(f"Invalid value for State: {state!r} is not a valid {members['State']}.")
    resource_type = params.get("ResourceType", ANY)
    if not _resource_type_pattern().match(resource_type):
        raise _invalid(f"Invalid value for ResourceType: {resource_type!r}.")
    category: str | None = None
    if "MessageCategory" in members:
        category = params.get("MessageCategory", ANY)
        if not category:
            raise _invalid("Invalid value for MessageCategory: it must not be empty.")
    account = params.get("AccountId")
    if account is not None and account not in (ANY, AGGREGATE_ALL) and not _ACCOUNT.match(account):
        raise _invalid(
            f"Invalid value for AccountId: {account!r}: expected 12 digits, ANY or AGGREGATE_ALL."
        )
    return SummaryQuery(
        kind=route.kind,
        period=period,
        account=AGGREGATE_ALL if account == AGGREGATE_ALL else ANY,
        state=state,
        resource_type=resource_type,
        message_category=category,
    )


def _page_size(value: str | None) -> int:
    if value is None:
        return _MAX_PAGE
    try:
        size = int(value)
    except ValueError:
        raise _invalid(f"Invalid MaxResults {value!r}: expected an integer.") from None
    if not 1 <= size <= _MAX_PAGE:
        raise _invalid(f"MaxResults must be between 1 and {_MAX_PAGE}, not {size}.")
    return size


class SummaryCalls:
    """The three summary calls; rows are counted once per query and data-set generation."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()

    def answer(self, route: SummaryRoute, call: Call, scope: Scope) -> Response:
        """One page of rows. ``scope`` applies the List calls' cross-account rules."""
        params = dict(parse_qsl(call.url.query, keep_blank_values=True))
        query = _query(route, params)
        target = self._scope(params.get("AccountId"), call, scope)
        page_size = _page_size(params.get("MaxResults"))
        dataset = self.runtime.dataset
        generation = dataset.generation  # read once: the token and the cached rows agree
        digest = paging.query_digest(
            route.operation,
            call.identity.account_id,
            target,
            call.region,
            query,
            generation=generation,
        )
        offset, token = 0, params.get("NextToken")
        if token is not None:
            try:
                offset, _ = paging.decode(token, digest)
            except paging.TokenError as error:
                raise _invalid(f"Invalid NextToken: {error}.") from None
        rows = self._rows(query, target, call.region, generation)
        end = min(offset + page_size, len(rows))
        body: dict[str, Any] = {route.member: rows[offset:end], "AggregationPeriod": query.period}
        if end < len(rows):
            body["NextToken"] = paging.encode(end, digest)
        return Response(200, dumps(body))

    def _scope(self, account: str | None, call: Call, scope: Scope) -> str:
        """Whose jobs are counted: an account id, or ``*`` for the whole organization."""
        caller = call.identity.account_id
        if account in (None, caller) or not self.runtime.monitors_organization(caller):
            return caller  # a member account counts its own jobs, whatever it asks for
        assert account is not None
        return scope("*" if account in (ANY, AGGREGATE_ALL) else account, call)

    def _rows(self, query: SummaryQuery, target: str, region: str, generation: int) -> list[Any]:
        key = (generation, query, target, region)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        dataset = self.runtime.dataset
        jobs = dataset.listing(query.kind, target, region)
        found = summarize(jobs, query, region, dataset.now.timestamp())
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > _CACHED_QUERIES:
                self._cache.popitem(last=False)
        return found
