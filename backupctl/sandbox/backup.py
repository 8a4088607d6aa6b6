"""AWS Backup (rest-json): the List and Describe calls of backup, copy and restore jobs, and
the job summary calls (in ``summary_calls``)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote

from backupctl.sandbox import paging, wrong_types
from backupctl.sandbox.config import RepeatMode
from backupctl.sandbox.dataset import describe_body
from backupctl.sandbox.filters import JobFilter, parse_filter
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.models import backup_regions
from backupctl.sandbox.not_a_job import not_a_job
from backupctl.sandbox.repeats import PageRequest, repeating_page
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.summary_calls import SummaryCalls, summary_route
from backupctl.sandbox.wire import Response, ServiceError, rest_json_error

_KINDS = {"backup-jobs": "backup", "copy-jobs": "copy", "restore-jobs": "restore"}
_LIST = {"backup": "ListBackupJobs", "copy": "ListCopyJobs", "restore": "ListRestoreJobs"}
_DESCRIBE = {
    "backup": "DescribeBackupJob",
    "copy": "DescribeCopyJob",
    "restore": "DescribeRestoreJob",
}
_MEMBERS = {"backup": b"BackupJobs", "copy": b"CopyJobs", "restore": b"RestoreJobs"}
_NOUNS = {"backup": "Backup job", "copy": "Copy job", "restore": "Restore job"}
_DEFAULT_PAGE = 1000
_CACHED_QUERIES = 256
# generation, kind, scope, region, filters
_QueryKey = tuple[int, str, str, str, tuple[tuple[str, str], ...]]


class _Position(NamedTuple):
    """Where a page sits: its offset, where it ends, the cycle's way back, the query."""

    offset: int
    end: int
    back: int
    digest: bytes


def _invalid(message: str) -> ServiceError:
    return ServiceError(400, "InvalidParameterValueException", message)


def _denied(message: str) -> ServiceError:
    return ServiceError(403, "AccessDeniedException", message)


def _named_accounts(call: Call, scope: str) -> frozenset[str]:
    """The accounts a listing's faults answer to: the caller's and the scope's; none for
    ``*``, which lists every account and is not any one account's listing."""
    if scope == "*":
        return frozenset()
    return frozenset({call.identity.account_id, scope})


def _route(path: str) -> tuple[str, str | None] | None:
    """(kind, job id or None for a List call) from a request path."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "" and parts[1] in _KINDS:
        return _KINDS[parts[1]], unquote(parts[2]) or None
    return None


class BackupService:
    """ListBackupJobs, ListCopyJobs, ListRestoreJobs and the three Describe calls."""

    name = "backup"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._lock = threading.Lock()
        self._cache: OrderedDict[_QueryKey, list[Job]] = OrderedDict()
        self._summaries = SummaryCalls(runtime)

    def operation(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The operation named by the method and path."""
        summary = summary_route(method, path)
        if summary is not None:
            return summary.operation
        route = _route(path)
        if method != "GET" or route is None:
            return "Unknown"
        kind, job_id = route
        return _DESCRIBE[kind] if job_id else _LIST[kind]

    def check_region(self, region: str) -> None:
        """Opt-in regions not enabled refuse the token; unknown regions refuse the scope."""
        if region in self.runtime.dataset.regions:
            return
        if region in self.runtime.config.disabled_regions:
            raise self.identity_error(expired=False)
        if region not in backup_regions():
            raise ServiceError(
                403, "InvalidSignatureException", "Credential should be scoped to a valid region."
            )

    def identity_error(self, expired: bool) -> ServiceError:
        """403, as Backup's front end answers."""
        if expired:
            return ServiceError(
                403,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            )
        return ServiceError(
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )

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
        """Route a request to a List, Describe or job summary call."""
        route = _route(call.url.path)
        summary = summary_route(call.method, call.url.path)
        if call.method != "GET" or (route is None and summary is None):
            raise ServiceError(
                404, "UnknownOperationException", "The sandbox does not implement this operation."
            )
        caller = call.identity.account_id
        self._check_denied(caller, call)
        if caller in self.runtime.faults.hang_accounts:
            self.runtime.hang()
        if summary is not None:
            return self._summaries.answer(summary, call, self._scope)
        assert route is not None
        kind, job_id = route
        if job_id is not None:
            return self._describe(kind, job_id, call)
        return self._list(kind, call)

    def _check_denied(self, account_id: str, call: Call) -> None:
        if account_id in self.runtime.faults.deny_backup:
            self.runtime.fault("deny_backup")
            raise _denied(
                f"User: {call.identity.arn} is not authorized to perform: "
                f"backup:{call.operation} on account {account_id}"
            )

    def _describe(self, kind: str, job_id: str, call: Call) -> Response:
        job = self.runtime.dataset.job(kind, call.identity.account_id, call.region, job_id)
        if job is None:
            raise ServiceError(
                404,
                "ResourceNotFoundException",
                f"{_NOUNS[kind]} {job_id} was not found in account "
                f"{call.identity.account_id}, region {call.region}.",
            )
        runtime, account = self.runtime, call.identity.account_id
        faults = runtime.faults
        if account in faults.not_a_job_accounts:
            runtime.fault("not_a_job")
            return not_a_job(faults.not_a_job_mode, job)
        if account in faults.wrong_types_accounts:
            plan = runtime.wrong_types.of_listing(faults.seed, kind, account, call.region)
            wrong = plan.get(job_id)
            if wrong is not None:
                runtime.fault("wrong_type")
                return Response(200, wrong_types.described(job, wrong))
        return Response(200, describe_body(job))

    def _scope(self, target: str | None, call: Call) -> str:
        """The account whose jobs are listed (or ``*``), after the ByAccountId rules."""
        caller = call.identity.account_id
        if target is None or target == caller:
            return caller
        if target != "*" and not (len(target) == 12 and target.isdigit()):
            raise _invalid(f"Invalid account ID {target!r}: expected 12 digits or '*'.")
        runtime = self.runtime
        if not runtime.monitors_organization(caller):
            raise _denied(
                f"Account {caller} can only list its own jobs: only the organization's "
                "management account or a delegated administrator can list other accounts' jobs."
            )
        if not runtime.config.cross_account_monitoring:
            raise _denied(
                "Cross-account monitoring is not enabled for this organization: enable it in "
                "the AWS Backup settings of the management account to list other accounts' jobs."
            )
        if target != "*":
            if runtime.dataset.account(target) is None:
                raise _denied(f"Account {target} is not a member of the organization.")
            self._check_denied(target, call)
            if target in runtime.faults.hang_accounts:
                runtime.hang()
        return target

    def _list(self, kind: str, call: Call) -> Response:
        params = dict(parse_qsl(call.url.query, keep_blank_values=True))
        job_filter = parse_filter(kind, params, _invalid)
        scope = self._scope(params.get("accountId"), call)
        page_size = _page_size(params.get("maxResults"))
        generation = self.runtime.dataset.generation
        digest = paging.query_digest(
            kind,
            call.identity.account_id,
            scope,
            call.region,
            job_filter.key,
            generation=generation,
        )
        offset, back, token = 0, 0, params.get("nextToken")
        if token is not None:
            try:
                offset, back = paging.decode(token, digest)
            except paging.TokenError as error:
                raise _invalid(f"Invalid NextToken: {error}.") from None
        jobs = self._matching(kind, scope, call.region, job_filter, generation)
        named = _named_accounts(call, scope)
        repeating = self._repeating(kind, named, call, scope)
        if repeating is not None:
            request = PageRequest(token is None, offset, back, page_size, digest)
            page, next_token, repeated = repeating_page(repeating, jobs, request)
            if repeated:
                self.runtime.fault("repeated_page")
                self.runtime.fault("repeated_job", repeated)
        else:
            page = jobs[offset : offset + page_size]
            end = offset + len(page)
            next_token = paging.encode(end, digest) if end < len(jobs) else None
            if kind == "backup":
                position = _Position(offset, end, back, digest)
                next_token = self._broken_token(call, scope, token, next_token, position)
        members = self._members(kind, page, named, scope, call.region)
        return Response(200, _page_body(kind, members, next_token))

    def _repeating(
        self, kind: str, named: frozenset[str], call: Call, scope: str
    ) -> RepeatMode | None:
        """The repeating-pages mode this listing is served in, if any: a looping or cycling
        token, where one is in force, breaks the listing first."""
        faults = self.runtime.faults
        if not named & faults.repeating_pages_accounts:
            return None
        token_faults = faults.looping_token_accounts | faults.cycling_token_accounts
        if kind == "backup" and {call.identity.account_id, scope} & token_faults:
            return None
        return faults.repeating_pages_mode

    def _members(
        self, kind: str, page: list[Job], named: frozenset[str], scope: str, region: str
    ) -> list[bytes]:
        """The page's jobs in their List form; some mistyped, where that fault is in force."""
        runtime = self.runtime
        faults = runtime.faults
        if not named & faults.wrong_types_accounts:
            return [job.listed for job in page]
        plan = runtime.wrong_types.of_listing(faults.seed, kind, scope, region)
        members, mistyped = wrong_types.listed_page(page, plan)
        if mistyped:
            runtime.fault("wrong_type", mistyped)
        return members

    def _matching(
        self, kind: str, scope: str, region: str, job_filter: JobFilter, generation: int
    ) -> list[Job]:
        """The filtered jobs; cached, so paging through them costs a slice per page."""
        jobs = self.runtime.dataset.listing(kind, scope, region)
        if job_filter.empty:
            return jobs
        key = (generation, kind, scope, region, job_filter.key)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
        found = job_filter.apply(jobs)
        with self._lock:
            self._cache[key] = found
            while len(self._cache) > _CACHED_QUERIES:
                self._cache.popitem(last=False)
        return found

    def _broken_token(
        self,
        call: Call,
        scope: str,
        token: str | None,
        next_token: str | None,
        position: _Position,
    ) -> str | None:
        """The NextToken a broken paginator sends: the same one forever, or A→B→A.

        ``*`` names no account, so these per-account faults never touch it."""
        faults = self.runtime.faults
        accounts = {call.identity.account_id, scope}
        offset, end, back, digest = position
        if accounts & faults.looping_token_accounts:
            self.runtime.fault("looping_token")
            return token or paging.encode(end, digest)
        if accounts & faults.cycling_token_accounts:
            self.runtime.fault("cycling_token")
            if token is None:
                return paging.encode(end, digest)  # A
            if back:
                return paging.encode(back, digest)  # B → A
            return paging.encode(end, digest, back=offset)  # A → B
        return next_token


def _page_size(value: str | None) -> int:
    if value is None:
        return _DEFAULT_PAGE
    try:
        size = int(value)
    except ValueError:
        raise _invalid(f"Invalid MaxResults {value!r}: expected an integer.") from None
    if not 1 <= size <= 1000:
        raise _invalid(f"MaxResults must be between 1 and 1000, not {size}.")
    return size


def _page_body(kind: str, members: list[bytes], next_token: str | None) -> bytes:
    """The List output: the pre-serialized members joined, and the token."""
    parts: list[bytes] = [b'{"', _MEMBERS[kind], b'":[', b",".join(members), b"]"]
    if next_token is not None:
        parts += [b',"NextToken":"', next_token.encode(), b'"']
    parts.append(b"}")
    return b"".join(parts)
