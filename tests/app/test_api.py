"""The Python API: the jobs of `jobs list` as records, with its checks and its failure reporting.

The sandbox is reached as any SDK user would reach an endpoint: through the standard
environment (``AWS_ENDPOINT_URL`` and keys), which botocore honours.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

import backupctl
from backupctl.domain.errors import ExitStatus, UsageError
from backupctl.sandbox import Faults, Sandbox
from tests.conftest import SandboxFactory

ROLE = "OrganizationAccountAccessRole"
IDS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}


@pytest.fixture
def org(sandbox_factory: SandboxFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    server = sandbox_factory(members=3, jobs_per_region=60)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    yield server


def every_job_id(server: Sandbox, accounts: list[str]) -> list[str]:
    data = server.dataset
    return sorted(
        job[IDS[kind]]
        for account in accounts
        for region in data.regions
        for kind in IDS
        for job in data.jobs(kind, account, region)
    )


def test_jobs_are_every_record_of_the_organization_once(org: Sandbox) -> None:
    data = org.dataset
    stream = backupctl.jobs(accounts=["all"], regions=list(data.regions), role=ROLE)
    jobs = list(stream)
    active = [a.id for a in data.active_accounts]
    assert sorted(job.job_id for job in jobs) == every_job_id(org, active)
    assert all(isinstance(job, backupctl.Job) for job in jobs)
    assert stream.reading is not None
    assert stream.reading.failures == ()
    assert stream.reading.status is ExitStatus.OK
    record = backupctl.as_record(jobs[0])
    assert record["job_id"] == jobs[0].job_id
    assert str(record["created_at"]).endswith("Z")


def test_a_target_that_cannot_be_read_is_reported_not_raised(org: Sandbox) -> None:
    data = org.dataset
    denied = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    org.set_faults(Faults(deny_backup=frozenset({denied})))
    stream = backupctl.jobs(accounts=["all"], regions=list(data.regions), role=ROLE)
    jobs = list(stream)
    assert denied not in {job.account_id for job in jobs}
    assert jobs
    assert stream.reading is not None
    assert {f.target.account_id for f in stream.reading.failures} == {denied}
    assert stream.reading.status is ExitStatus.PARTIAL


def test_bad_options_raise_before_any_call(org: Sandbox) -> None:
    before = org.counters.total_requests()
    with pytest.raises(UsageError, match="--state"):
        backupctl.jobs(states=["SLEEPING"])
    with pytest.raises(UsageError, match="--account"):
        backupctl.jobs(accounts=["12345"])
    with pytest.raises(UsageError, match="since: cannot read"):
        backupctl.jobs(since="last tuesday")
    assert org.counters.total_requests() == before


def test_values_aws_would_refuse_raise_before_any_call(org: Sandbox) -> None:
    before = org.counters.total_requests()
    with pytest.raises(UsageError, match=r"^--vault: AWS does not accept 'my\.vault'"):
        backupctl.jobs(vault="my.vault")
    with pytest.raises(UsageError, match=r"^--resource-type: AWS does not accept 'a b'"):
        backupctl.jobs(resource_type="a b")
    with pytest.raises(UsageError, match=r"^--external-id: AWS does not accept"):
        backupctl.accounts(role=ROLE, external_id="an id")
    with pytest.raises(UsageError, match=r"^since: '1000000d' is out of range"):
        backupctl.jobs(since="1000000d")
    with pytest.raises(UsageError, match=r"^--account: "):
        backupctl.jobs(accounts=["\u0661" * 12])
    assert org.counters.total_requests() == before


def test_nothing_is_called_until_the_iteration_starts(org: Sandbox) -> None:
    before = org.counters.total_requests()
    stream = backupctl.jobs(states=["FAILED"])
    assert org.counters.total_requests() == before
    assert all(job.state == "FAILED" for job in stream)
    assert org.counters.total_requests() > before


def test_limit_gives_the_newest_newest_first(org: Sandbox) -> None:
    data = org.dataset
    everything = list(backupctl.jobs(accounts=["all"], regions=list(data.regions), role=ROLE))
    newest = list(backupctl.jobs(accounts=["all"], regions=list(data.regions), role=ROLE, limit=5))
    expected = sorted(everything, key=lambda job: job.created_at or 0, reverse=True)[:5]
    assert [job.job_id for job in newest] == [job.job_id for job in expected]


def test_leaving_the_iteration_early_stops_the_calls(org: Sandbox) -> None:
    org.set_faults(Faults(latency=0.05))
    data = org.dataset
    stream = backupctl.jobs(accounts=["all"], regions=list(data.regions), role=ROLE, concurrency=2)
    for _ in stream:
        break
    time.sleep(0.3)  # calls in flight when the iteration stopped may still land
    settled = org.counters.total_requests()
    time.sleep(0.5)
    assert org.counters.total_requests() == settled
    assert stream.reading is None  # not exhausted: no verdict
    deadline = time.monotonic() + 5  # and no worker is left waiting to hand on a page
    while _workers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _workers() == []


def _workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("backupctl-fan")]


def test_describe_finds_a_job_and_says_none_for_no_such_job(org: Sandbox) -> None:
    data = org.dataset
    raw = data.jobs("copy", data.management_account_id, data.regions[0])[0]
    found = backupctl.describe(raw["CopyJobId"])
    assert found is not None
    assert found.job.kind is backupctl.Kind.COPY
    assert backupctl.describe("0123-NO-SUCH-JOB") is None


def test_accounts_say_how_each_is_reached(org: Sandbox) -> None:
    entries = backupctl.accounts(accounts=["all"], role=ROLE)
    active = {a.id for a in org.dataset.active_accounts}
    reached = {e.account_id for e in entries if e.access != "skipped"}
    assert reached == active
    assert all(e.role_arn and ROLE in e.role_arn for e in entries if e.access == "role")
