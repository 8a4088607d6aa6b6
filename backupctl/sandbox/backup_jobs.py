"""AWS Backup's job routes: ListBackupJobs, ListCopyJobs, ListRestoreJobs and the three
Describe calls, with ``ByAccountId`` for the organization's monitoring accounts."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple
from urllib.parse import parse_qsl

from backupctl.sandbox import paging, wrong_types
from backupctl.sandbox.backup_wire import (
    check_reachable,
    denied,
    invalid,
    not_found,
    page_size,
    token_offset,
)
from backupctl.sandbox.config import RepeatMode
from backupctl.sandbox.dataset import describe_body
from backupctl.sandbox.filters import JobFilter, parse_filter
from backupctl.sandbox.jobs import Job
from backupctl.sandbox.not_a_job import not_a_job
from backupctl.sandbox.repeats import PageRequest, repeating_page
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.wire import Response

LIST = {"ListBackupJobs": "backup", "ListCopyJobs": "copy", "ListRestoreJobs": "restore"}
DESCRIBE = {
    "DescribeBackupJob": "backup",
    "DescribeCopyJob": "copy",
    "DescribeRestoreJob": "restore",
}
_MEMBERS = {"backup": b"BackupJobs", "copy": b"CopyJobs", "restore": b"RestoreJobs"}
_NOUNS = {"backup": "Backup job", "copy": "Copy job", "restore": "Restore job"}
_CACHED_QUERIES = 256
# generation, kind, scope, region, filters
_QueryKey = tuple[int, str, str, str, tuple[tuple[str, str], ...]]


class _Position(NamedTuple):
    """Where a page sits: its offset, where it ends, the cycle's way back, the query."""

    offset: int
    end: int
    back: int
    digest: bytes


def _named_accounts(call: Call, scope: str) -> frozenset[str]:
    """The accounts a listing's faults answer to: the caller's and the scope's; none for
    ``*``, which lists every account and is not any one account's listing."""
    if scope == "*":
        return frozenset()
    return frozenset({call.identity.account_id, scope})


class JobRoutes:
    """The List and Describe calls of the three kinds of job."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._lock = threading.Lock()
        self._cache: OrderedDict[_QueryKey, list[Job]] = OrderedDict()

    def describe_job(self, call: Call, args: tuple[str, ...]) -> Response:
        """DescribeBackupJob, DescribeCopyJob or DescribeRestoreJob."""
        kind, job_id = DESCRIBE[call.operation], args[0]
        job = self.runtime.dataset.job(kind, call.identity.account_id, call.region, job_id)
        if job is None:
            raise not_found(
                f"{_NOUNS[kind]} {job_id} was not found in account "
                f"{call.identity.account_id}, region {call.region}."
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

    def list_jobs(self, call: Call, args: tuple[str, ...]) -> Response:
        """ListBackupJobs, ListCopyJobs or ListRestoreJobs."""
        kind = LIST[call.operation]
        params = dict(parse_qsl(call.url.query, keep_blank_values=True))
        job_filter = parse_filter(kind, params, invalid)
        scope = self.scope(params.get("accountId"), call)
        size = page_size(params.get("maxResults"))
        generation = self.runtime.dataset.generation
        digest = paging.query_digest(
            kind,
            call.identity.account_id,
            scope,
            call.region,
            job_filter.key,
            generation=generation,
        )
        token = params.get("nextToken")
        offset, back = token_offset(token, digest)
        jobs = self._matching(kind, scope, call.region, job_filter, generation)
        named = _named_accounts(call, scope)
        repeating = self._repeating(kind, named, call, scope)
        if repeating is not None:
            request = PageRequest(token is None, offset, back, size, digest)
            page, next_token, repeated = repeating_page(repeating, jobs, request)
            if repeated:
                self.runtime.fault("repeated_page")
                self.runtime.fault("repeated_job", repeated)
        else:
            page = jobs[offset : offset + size]
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

    def scope(self, target: str | None, call: Call) -> str:
        """The account whose jobs are listed (or ``*``), after the ByAccountId rules."""
        caller = call.identity.account_id
        if target is None or target == caller:
            return caller
        if target != "*" and not (len(target) == 12 and target.isdigit()):
            raise invalid(f"Invalid account ID {target!r}: expected 12 digits or '*'.")
        runtime = self.runtime
        if not runtime.monitors_organization(caller):
            raise denied(
                f"Account {caller} can only list its own jobs: only the organization's "
                "management account or a delegated administrator can list other accounts' jobs."
            )
        if not runtime.config.cross_account_monitoring:
            raise denied(
                "Cross-account monitoring is not enabled for this organization: enable it in "
                "the AWS Backup settings of the management account to list other accounts' jobs."
            )
        if target != "*":
            if runtime.dataset.account(target) is None:
                raise denied(f"Account {target} is not a member of the organization.")
            check_reachable(runtime, target, call)
        return target

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


def _page_body(kind: str, members: list[bytes], next_token: str | None) -> bytes:
    """The List output: the pre-serialized members joined, and the token."""
    parts: list[bytes] = [b'{"', _MEMBERS[kind], b'":[', b",".join(members), b"]"]
    if next_token is not None:
        parts += [b',"NextToken":"', next_token.encode(), b'"']
    parts.append(b"}")
    return b"".join(parts)
