"""The sync use case where the CLI cannot steer it: a NextToken that expires part-way,
and jobs the store holds as running long ago, described or listed again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from backupctl.app.history_sync import HistorySync
from backupctl.app.requests import Endpoint, Hooks, Where
from backupctl.app.watch_jobs import Reader
from backupctl.aws.backup_jobs import BackupReader
from backupctl.domain.errors import ExitStatus
from backupctl.domain.history import Scope
from backupctl.domain.job import Job, JobDetail, Kind
from backupctl.domain.page import Page
from backupctl.domain.query import Listing, Query
from backupctl.domain.targets import Target, TargetOptions
from backupctl.local.history_store import HistoryStore
from backupctl.sandbox import Sandbox, SandboxConfig
from tests.conftest import SandboxFactory
from tests.stores import stored_jobs

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
REGION = "us-east-1"
ROLE = "OrganizationAccountAccessRole"


def where(sandbox: Sandbox, role: str | None = None) -> Where:
    env = sandbox.env()
    targets = TargetOptions(("all",), None, (REGION,), role).validate()
    endpoint = Endpoint(
        env["AWS_ENDPOINT_URL"], REGION, env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    )
    return Where(targets, endpoint=endpoint)


def synced(path: Path, sandbox: Sandbox, at: datetime, reader: Any = None) -> ExitStatus:
    store = HistoryStore.for_sync(path)
    try:
        result = HistorySync(store, where(sandbox), Hooks(clock=lambda: at), reader).run()
    finally:
        store.close()
    return result.reading.status


class Advancing:
    """A reader that moves the organization on a minute once the first page of a listing
    of several pages is handed out: the NextToken that page carried is then refused."""

    def __init__(self, reader: BackupReader, sandbox: Sandbox) -> None:
        self._reader, self._sandbox = reader, sandbox
        self.started: list[tuple[Target, Kind]] = []

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        self.started.append((target, listing.kind))
        for page in self._reader.pages(target, listing):
            yield page
            if page.more and not self._sandbox.dataset.advances:
                self._sandbox.advance(60)

    def describe(self, target: Target, kind: Kind, job_id: str) -> JobDetail | None:
        return self._reader.describe(target, kind, job_id)


def test_a_listing_whose_token_expires_is_read_again(
    sandbox_factory: SandboxFactory, tmp_path: Path
) -> None:
    sandbox = sandbox_factory(SandboxConfig(members=3, jobs_per_region=400, now=NOW))
    readers: list[Advancing] = []

    def advancing(connector: Any) -> Reader:
        readers.append(Advancing(BackupReader(connector), sandbox))
        return readers[0]

    assert synced(tmp_path / "a.sqlite", sandbox, NOW, advancing) is ExitStatus.OK
    assert len(sandbox.dataset.advances) == 1
    started = readers[0].started
    restarted = {listing for listing in started if started.count(listing) == 2}
    assert restarted  # the listing of several pages, at least
    # The restarted listings were read after the advance: as one full read makes them now.
    # (Those read before it hold what was listed then, until the next sync.)
    later = NOW + timedelta(minutes=1)
    assert synced(tmp_path / "b.sqlite", sandbox, later) is ExitStatus.OK
    kinds = {kind.value for _, kind in restarted}
    gone = {(c.kind, c.job_id) for c in sandbox.dataset.advances[0].removed}

    def of_kinds(path: Path) -> dict[tuple[str, str], tuple[Any, ...]]:
        jobs = stored_jobs(path).items()
        return {key: row for key, row in jobs if key[0] in kinds and key not in gone}

    assert len(of_kinds(tmp_path / "b.sqlite")) > 1000
    assert of_kinds(tmp_path / "a.sqlite") == of_kinds(tmp_path / "b.sqlite")


def running_long_ago(path: Path, sandbox: Sandbox) -> tuple[Job, int]:
    """Make the store hold a member's completed backup job of 20 days ago as RUNNING, with
    3,000 more jobs stored after it: listing back to it would cost pages. The job, and how
    many jobs of its listing the store holds as not ended from before the last hours."""
    store = HistoryStore.for_sync(path)
    member = sandbox.dataset.active_accounts[1].id
    completed = Query(kinds=(Kind.BACKUP,), states=("COMPLETED",), until=NOW - timedelta(days=20))
    job = next(store.jobs(completed, Scope((member,), (REGION,))))[0]
    created = job.created_at
    assert created is not None
    store.write([job._replace(state="RUNNING")])
    step = (NOW - timedelta(days=2) - created) / 3000
    store.write([job._replace(job_id=f"filler-{i}", created_at=created + step * (i + 1))
                 for i in range(3000)])  # fmt: skip
    opened = store.open_jobs(member, REGION, Kind.BACKUP, NOW - timedelta(days=30))
    store.close()
    recent = NOW - timedelta(hours=2)
    return job, sum(1 for j in opened if j.created_at is not None and j.created_at < recent)


@pytest.mark.parametrize("role", [ROLE, None], ids=["role", "org-view"])
def test_an_old_open_job_is_described_or_listed_again(
    sandbox_factory: SandboxFactory, tmp_path: Path, role: str | None
) -> None:
    sandbox = sandbox_factory(SandboxConfig(members=1, jobs_per_region=300, now=NOW))
    path = tmp_path / "h.sqlite"
    targets = where(sandbox, role)
    store = HistoryStore.for_sync(path)
    HistorySync(store, targets, Hooks(clock=lambda: NOW)).run()
    store.close()
    job, old_open = running_long_ago(path, sandbox)
    sandbox.counters.reset()
    store = HistoryStore.for_sync(path)
    result = HistorySync(store, targets, Hooks(clock=lambda: NOW)).run()
    store.close()
    assert result.reading.status is ExitStatus.OK
    assert stored_jobs(path)["backup", job.job_id][4] == "COMPLETED"
    calls: Counter[str] = Counter()
    for (_, operation, _, _), count in sandbox.counters.requests.items():
        calls[operation] += count
    if role is not None:  # one call per old job, fewer than the pages listing back takes
        assert 1 <= calls.get("DescribeBackupJob", 0) == old_open <= 3
    else:  # the org view cannot describe a member's job: its listing goes back instead
        assert "DescribeBackupJob" not in calls
    assert calls["ListBackupJobs"] == (1 if role is None else 2)  # one page per listing
