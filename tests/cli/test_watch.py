"""``jobs watch`` in-process on a forced terminal: the sandbox's active jobs, refusals, endings."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from backupctl.app.requests import Where
from backupctl.app.watch_jobs import Watch
from backupctl.cli.environment import Environment
from backupctl.cli.jobs_watch import NOT_A_TERMINAL
from backupctl.cli.live_watch import LiveWatch
from backupctl.domain.errors import ExitStatus, RegionNotEnabledError
from backupctl.domain.job import Job, JobDetail, Kind
from backupctl.domain.page import Page
from backupctl.domain.query import Listing, Query
from backupctl.domain.targets import Access, Account, Plan, Target
from backupctl.sandbox import Faults, Sandbox
from tests.cli.conftest import Invoke, invoke_on
from tests.conftest import SandboxFactory
from tests.output.factory import NOW, make_job

KINDS = ("backup", "copy", "restore")
WATCHED = ("CREATED", "PENDING", "RUNNING")
ROLE = "OrganizationAccountAccessRole"
# Live redraws a frame by going back over the previous one: \r, then erase-line and up.
_REDRAW = re.compile(r"\r(?:\x1b\[2K\x1b\[1A)*\x1b\[2K")
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_GUID = re.compile(r"\b[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\b")


@pytest.fixture(autouse=True)
def _tall_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Room for every row (Rich reads the height from LINES), and a terminal that can redraw."""
    monkeypatch.setenv("LINES", "200")
    monkeypatch.setenv("TERM", "xterm-256color")
    for name in ("TTY_INTERACTIVE", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def frames(stdout: str) -> list[str]:
    """Each redraw of the live view as plain text, but those drawn while a refresh ran."""
    plain = [_CONTROL.sub("", frame) for frame in _REDRAW.split(stdout)]
    return [frame for frame in plain if frame.strip() and "refreshing" not in frame]


def rows(frame: str) -> list[str]:
    """The job rows of a frame: their first column is the age."""
    return [line for line in frame.splitlines() if " ago " in line[:9]]


def active(
    sandbox: Sandbox, regions: tuple[str, ...], kinds: tuple[str, ...] = KINDS
) -> dict[str, tuple[str, Any]]:
    """The management account's CREATED/PENDING/RUNNING jobs: job id -> (state, percent)."""
    data = sandbox.dataset
    found: dict[str, tuple[str, Any]] = {}
    for region in regions:
        for kind in kinds:
            for job in data.jobs(kind, data.management_account_id, region):
                state = job.get("State") or job.get("Status")
                if state in WATCHED:
                    found[job[f"{kind.capitalize()}JobId"]] = (state, job.get("PercentDone"))
    return found


def operations(sandbox: Sandbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (service, operation, _, _), n in sandbox.counters.requests.items():
        if service == "backup":
            counts[operation] = counts.get(operation, 0) + n
    return counts


def test_two_refreshes_show_exactly_the_active_jobs(cli: Invoke, sandbox: Sandbox) -> None:
    regions = sandbox.dataset.regions
    want = active(sandbox, regions)
    assert want
    sandbox.counters.reset()
    result = cli(
        "jobs", "watch", "--region", ",".join(regions), "--count", "2", "--interval", "1",
        terminal=True,
    )  # fmt: skip
    assert (result.exit_code, result.stderr) == (0, "")
    drawn = frames(result.stdout)
    assert any("next in 1s, Ctrl-C to quit" in frame for frame in drawn)
    last = drawn[-1]
    by_id = {_GUID.findall(row)[0]: row for row in rows(last)}
    assert set(by_id) == set(want)
    for job_id, (state, percent) in want.items():
        assert f" {state} " in by_id[job_id]
        # A copy job has no PercentDone: "-", the last cell when no row has a message.
        assert (f" {float(percent):.0f}%" if percent is not None else "   -") in by_id[job_id]
    assert f"{len(want)} active: " in last
    assert "refreshed " in last and "next in" not in last  # the last refresh: no countdown
    # Two refreshes, each listing only the states each kind has, and nothing ended.
    per_refresh = {"ListBackupJobs": 3, "ListCopyJobs": 2, "ListRestoreJobs": 2}
    assert operations(sandbox) == {op: 2 * n * len(regions) for op, n in per_refresh.items()}


def test_kind_and_region_narrow_the_view_whose_ids_are_whole_at_80_columns(
    cli: Invoke, sandbox: Sandbox
) -> None:
    region = sandbox.dataset.regions[1]
    want = active(sandbox, (region,), ("restore",))
    sandbox.counters.reset()
    result = cli(
        "jobs", "watch", "--kind", "restore", "--region", region, "--count", "1",
        width=80, terminal=True,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    last = frames(result.stdout)[-1]
    assert max(cell_len(line) for line in last.splitlines()) <= 80
    shown = rows(last)
    assert len(shown) == len(want)
    # Every id whole, for `job describe`; the kind and region gave way to it.
    assert {_GUID.findall(row)[0] for row in shown} == set(want)
    assert operations(sandbox) == {"ListRestoreJobs": 2}  # ByStatus PENDING, RUNNING


@pytest.mark.parametrize("colour", [[], ["--color", "always"]])
def test_not_a_terminal_is_refused_before_any_call(
    cli: Invoke, sandbox: Sandbox, colour: list[str]
) -> None:
    before = sandbox.counters.total_requests()
    result = cli(*colour, "jobs", "watch", "--count", "1")
    assert result.exit_code == ExitStatus.USAGE
    assert result.stdout == ""
    assert result.stderr == f"backupctl: {NOT_A_TERMINAL}\n"
    assert sandbox.counters.total_requests() == before


def test_a_dumb_terminal_is_refused(
    cli: Invoke, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "dumb")  # no cursor movement: the view could not be redrawn
    before = sandbox.counters.total_requests()
    result = cli("jobs", "watch", "--count", "1", terminal=True)
    assert (result.exit_code, result.stderr) == (2, f"backupctl: {NOT_A_TERMINAL}\n")
    assert sandbox.counters.total_requests() == before


@pytest.mark.parametrize(
    "args",
    [
        ["--interval", "0"],
        ["--count", "0"],
        ["--kind", "tape"],
        ["--since", "last tuesday"],
        ["--region", "mars"],
        ["--state", "RUNNING"],
    ],
)
def test_bad_options_exit_2_in_one_line(cli: Invoke, sandbox: Sandbox, args: list[str]) -> None:
    before = sandbox.counters.total_requests()
    result = cli("jobs", "watch", *args, terminal=True)
    assert result.exit_code == ExitStatus.USAGE
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert sandbox.counters.total_requests() == before


def test_unreadable_targets_are_shown_and_named_on_exit(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=2, jobs_per_region=400)
    data = server.dataset
    denied = next(a.id for a in data.active_accounts if a.id != data.management_account_id)
    server.set_faults(Faults(deny_backup=frozenset({denied})))
    regions = ",".join(data.regions)
    result = invoke_on(
        server, "jobs", "watch", "--account", "all", "--role", ROLE, "--region", regions,
        "--count", "1", terminal=True,
    )  # fmt: skip
    assert result.exit_code == ExitStatus.PARTIAL
    last = frames(result.stdout)[-1]
    assert f"{len(data.regions)} targets could not be read: {denied} " in last
    assert denied in result.stderr
    assert rows(last)
    assert all(denied not in row for row in rows(last))


class _ScriptedReader:
    """Refresh n lists ``script[n]``; describe answers from ``final``."""

    def __init__(self, script: list[list[Job]], final: dict[str, Job]) -> None:
        self.script, self.final = script, final
        self.listed = 0
        self.described: list[str] = []

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        self.listed += 1  # one listing per refresh: backup jobs, RUNNING
        yield Page(self.script[self.listed - 1])

    def describe(self, target: Target, kind: Kind, job_id: str) -> JobDetail | None:
        self.described.append(job_id)
        job = self.final.get(job_id)
        return None if job is None else JobDetail(job, {})


def test_a_job_that_ends_is_shown_once_with_its_final_state() -> None:
    account = "123456789012"
    a = make_job(job_id="job-a", state="RUNNING", percent_done=40.0)
    b = make_job(job_id="job-b", state="RUNNING", percent_done=5.0)
    done = make_job(job_id="job-a", state="COMPLETED", percent_done=100.0)
    reader = _ScriptedReader([[a, b], [b], [b]], {"job-a": done})
    target = Target(account, "us-east-1", Access.CALLER)
    plan = Plan(account, Access.CALLER, ["us-east-1"], [Account(account)], [target])
    buffer = io.StringIO()
    env = Environment(stdout=buffer, stderr=io.StringIO(), clock=lambda: NOW)
    query = Query(kinds=(Kind.BACKUP,), states=("RUNNING",))
    console = Console(file=buffer, width=200, height=40, force_terminal=True)
    assert (
        LiveWatch(env, Watch(reader, plan, query, Where(concurrency=4), clock=env.clock)).run(
            console, 0, 3
        )
        is ExitStatus.OK
    )
    assert reader.described == ["job-a"]
    shown = [frame for frame in frames(buffer.getvalue()) if "refreshed" in frame]
    assert len(shown) >= 3
    assert "job-a" in shown[0] and "RUNNING" in shown[0]
    assert "COMPLETED" in shown[1] and "1 just ended: 1 COMPLETED" in shown[1]
    assert "job-a" not in shown[-1] and "job-b" in shown[-1]


class _OptInRegionReader(_ScriptedReader):
    """eu-south-1 is not enabled for the account; us-east-1 has nothing running."""

    def __init__(self) -> None:
        super().__init__([], {})
        self.asked: list[str] = []

    def pages(self, target: Target, listing: Listing) -> Iterator[Page[Job]]:
        self.asked.append(target.region)
        if target.region == "eu-south-1":
            raise RegionNotEnabledError("The security token included in the request is invalid.")
        yield Page([])


def test_a_region_not_enabled_is_asked_once_not_every_refresh() -> None:
    account = "123456789012"
    targets = [Target(account, region, Access.CALLER) for region in ("us-east-1", "eu-south-1")]
    plan = Plan(account, Access.CALLER, ["us-east-1", "eu-south-1"], [Account(account)], targets)
    plan.all_regions = True
    reader = _OptInRegionReader()
    stdout, stderr = io.StringIO(), io.StringIO()
    env = Environment(stdout=stdout, stderr=stderr, clock=lambda: NOW)
    query = Query(kinds=(Kind.BACKUP,), states=("RUNNING",))
    console = Console(file=stdout, width=120, height=40, force_terminal=True)
    assert (
        LiveWatch(env, Watch(reader, plan, query, Where(concurrency=4), clock=env.clock)).run(
            console, 0, 3
        )
        is ExitStatus.OK
    )
    assert sorted(reader.asked) == ["eu-south-1", *["us-east-1"] * 3]
    assert "could not be read" not in stdout.getvalue()  # skipped, as jobs list skips it
    assert stderr.getvalue() == ""
