"""Accounts that fail alike share one line on stderr, with their count and their ids
(issue 14: six near-identical 250-character lines for one wrong --role)."""

from __future__ import annotations

import pytest

from backupctl.sandbox import Sandbox
from tests.cli.conftest import invoke_on

DENIED = (
    "access denied (AccessDenied: User: arn:aws:iam::{caller}:user/sandbox-admin is not "
    "authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{account}:role/WrongRole)"
)


def test_one_line_for_accounts_that_failed_alike(sandbox: Sandbox) -> None:
    data = sandbox.dataset
    caller = data.management_account_id
    members = sorted(a.id for a in data.active_accounts if a.id != caller)
    result = invoke_on(
        sandbox, "jobs", "list", "--account", "all", "--role", "WrongRole",
        "--region", "us-east-1,eu-west-1", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 3
    reason = DENIED.format(caller=caller, account="{account}")
    assert result.stderr == (
        f"backupctl: could not read {len(members)} accounts ({', '.join(members)}) in "
        f"eu-west-1, us-east-1 (backup, copy, restore jobs): {reason}\n"
    )


def test_one_account_keeps_its_own_words(sandbox: Sandbox) -> None:
    data = sandbox.dataset
    caller = data.management_account_id
    member = min(a.id for a in data.active_accounts if a.id != caller)
    result = invoke_on(
        sandbox, "jobs", "list", "--account", member, "--role", "WrongRole",
        "--region", "us-east-1", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 4
    reason = DENIED.format(caller=caller, account=member)
    assert result.stderr == (
        f"backupctl: could not read account {member} in us-east-1 "
        f"(backup, copy, restore jobs): {reason}\n"
    )


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (("report", "failures"), "backup, copy, restore jobs"),
        (("report", "gaps"), "backup, copy jobs, protected resources"),
    ],
)
@pytest.mark.parametrize(("fmt", "item"), [("text", "  "), ("markdown", "- ")])
def test_the_reports_name_accounts_that_failed_alike_once(
    sandbox: Sandbox, command: tuple[str, ...], what: str, fmt: str, item: str
) -> None:
    data = sandbox.dataset
    caller = data.management_account_id
    members = sorted(a.id for a in data.active_accounts if a.id != caller)
    result = invoke_on(
        sandbox, *command, "--account", "all", "--role", "WrongRole",
        "--region", "us-east-1,eu-west-1", "-o", fmt,
    )  # fmt: skip
    assert result.exit_code == 3
    section = result.stdout.split("ould not read")[1].strip("\n:").split("\n\n")[0]
    reason = DENIED.format(caller=caller, account="{account}")
    assert section.splitlines() == [
        f"{item}{len(members)} accounts ({', '.join(members)}) in 2 regions "
        f"(eu-west-1, us-east-1) ({what}): {reason}"
    ]
