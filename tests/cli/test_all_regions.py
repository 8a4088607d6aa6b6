"""``--region all``: opt-in regions an account has not enabled are not read, not counted, and
not mentioned unless asked (``--verbose``, ``--debug``), so the README's cron line mails
nothing on a clean morning. A region named on the command line is still reported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import botocore.session
import pytest

from backupctl.sandbox import DEFAULT_DISABLED_REGIONS, Faults, Sandbox, SandboxConfig
from tests.cli.conftest import Result, invoke_on
from tests.cli.test_streams import clean_env
from tests.conftest import SandboxFactory

DATA_NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
NOW = DATA_NOW + timedelta(minutes=5)
ROLE = "OrganizationAccountAccessRole"
BACKUPCTL = str(Path(sys.executable).with_name("backupctl"))
EVERY_REGION = botocore.session.get_session().get_available_regions("backup")
OPT_IN = sorted(set(DEFAULT_DISABLED_REGIONS))
ENABLED = sorted(set(EVERY_REGION) - set(OPT_IN))


@pytest.fixture(scope="module")
def org() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=3, jobs_per_region=120, now=DATA_NOW)) as server:
        yield server


@pytest.fixture(autouse=True)
def _state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def cron(server: Sandbox, *args: str) -> Result:
    """The README's cron line, against the sandbox, with no terminal."""
    return invoke_on(
        server, "report", "failures", "--account", "all", "--region", "all", "--role", ROLE,
        *args, now=NOW,
    )  # fmt: skip


def calls(server: Sandbox, operation: str) -> dict[tuple[str, str], int]:
    """Requests of one operation by (caller account, region)."""
    counted: dict[tuple[str, str], int] = {}
    for (_, op, account, region), count in server.counters.requests.items():
        if op == operation:
            counted[account, region] = counted.get((account, region), 0) + count
    return counted


def accounts(server: Sandbox) -> list[str]:
    return sorted(a.id for a in server.dataset.active_accounts)


def test_the_cron_line_is_silent_on_a_clean_morning(org: Sandbox) -> None:
    first = cron(org, "--new")
    assert first.exit_code == 1, first.stderr
    assert first.stderr == ""  # no word of the regions the accounts have not enabled
    targets = len(accounts(org)) * len(ENABLED)
    assert first.stdout.splitlines()[0].endswith(f"; {targets} of {targets} targets read")
    again = cron(org, "--new")
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")


def test_the_installed_script_with_no_terminal_prints_nothing_when_clean() -> None:
    result = subprocess.run(
        [BACKUPCTL, "--sandbox", "report", "failures", "--account", "all", "--region", "all",
         "--role", ROLE, "--since", "2020-01-01", "--until", "2020-01-02"],
        capture_output=True, text=True, env=clean_env(), timeout=120, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_no_call_goes_to_a_region_the_account_has_not_enabled(org: Sandbox) -> None:
    org.counters.reset()
    result = cron(org, "-o", "json")
    assert result.exit_code == 1, result.stderr
    assert json.loads(result.stdout)["totals"]["targets"] == len(accounts(org)) * len(ENABLED)
    listed = calls(org, "ListBackupJobs")
    assert {region for _, region in listed} == set(ENABLED)
    assert {account for account, _ in listed} == set(accounts(org))
    # One ListRegions per account, through the credentials that read it.
    assert calls(org, "ListRegions") == {(a, "us-east-1"): 1 for a in accounts(org)}


def test_verbose_and_debug_name_the_regions_not_read(org: Sandbox) -> None:
    said = (
        f"backupctl: not read: regions not enabled for accounts {', '.join(accounts(org))}: "
        f"{', '.join(OPT_IN)}\n"
    )
    verbose = cron(org, "--verbose")
    assert verbose.exit_code == 1
    assert verbose.stderr == said
    listed = invoke_on(org, "jobs", "list", "--region", "all", "--limit", "1", now=NOW)
    assert (listed.exit_code, listed.stderr) == (0, "")
    debug = invoke_on(org, "--debug", "jobs", "list", "--region", "all", "--limit", "1", now=NOW)
    assert debug.exit_code == 0
    caller = org.dataset.management_account_id
    assert f"backupctl: not read: regions not enabled for account {caller}: " in debug.stderr


def test_an_account_that_enabled_an_opt_in_region_is_read_there(
    sandbox_factory: SandboxFactory,
) -> None:
    server = sandbox_factory(members=2, jobs_per_region=20, opted_in=(("security", OPT_IN[0]),))
    security = server.dataset.organization.resolve("security")
    result = invoke_on(
        server, "jobs", "list", "--account", "all", "--region", "all", "--role", ROLE,
        "--kind", "backup", "-o", "json", now=NOW,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    listed = calls(server, "ListBackupJobs")
    assert [key for key in listed if key[1] in OPT_IN] == [(security, OPT_IN[0])]
    assert len(listed) == len(accounts(server)) * len(ENABLED) + 1


def test_when_list_regions_is_denied_not_enabled_answers_are_skipped(
    sandbox_factory: SandboxFactory,
) -> None:
    server = sandbox_factory(members=2, jobs_per_region=60, now=DATA_NOW)
    security = server.dataset.organization.resolve("security")
    server.set_faults(Faults(deny_list_regions=frozenset({security})))
    quiet = cron(server, "-o", "json")
    assert quiet.exit_code == 1
    assert quiet.stderr == ""
    totals = json.loads(quiet.stdout)["totals"]
    targets = len(accounts(server)) * len(ENABLED)  # the skipped ones are not counted
    assert (totals["targets"], totals["targets_read"]) == (targets, targets)
    tried = {region for account, region in calls(server, "ListBackupJobs") if account == security}
    assert tried == set(EVERY_REGION)  # read everywhere: its regions were not known
    verbose = cron(server, "--verbose")
    lines = verbose.stderr.splitlines()
    assert lines[-2].startswith(
        f"backupctl: could not list the regions enabled for account {security} (access denied "
    )
    assert lines[-2].endswith(
        ': every region is read, and one that answers "not enabled" is skipped'
    )
    assert lines[-1] == (
        f'backupctl: skipped: regions that answered "not enabled" for account {security}: '
        + ", ".join(OPT_IN)
    )


def test_a_region_named_that_is_not_enabled_is_still_reported(org: Sandbox) -> None:
    caller = org.dataset.management_account_id
    result = invoke_on(
        org, "jobs", "list", "--region", f"us-east-1,{OPT_IN[0]}", "-o", "json", now=NOW
    )
    assert result.exit_code == 3
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"backupctl: could not read account {caller} in {OPT_IN[0]} ")
    assert "is the region enabled for the account?" in line


@pytest.mark.parametrize("fmt", ["table", "json", "ndjson", "csv"])
def test_nothing_on_stdout_when_nothing_could_be_read(
    sandbox_factory: SandboxFactory, fmt: str
) -> None:
    server = sandbox_factory(members=1, jobs_per_region=5)
    server.set_faults(Faults(deny_backup=frozenset(accounts(server))))
    result = invoke_on(server, "jobs", "list", "--region", "us-east-1", "-o", fmt)
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "access denied" in result.stderr
