"""``accounts list``: statuses as Organizations has them, the config file's names, and a
table of one line per account at 80 and 100 columns, with no trailing space (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backupctl.sandbox import Sandbox
from tests.cli.conftest import invoke_on

STRANGER = "111111111111"  # an account id the sandbox's organization does not hold


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[names]\n"{STRANGER}" = "ex-partner"\n', encoding="utf-8")
    return path


def test_named_accounts_as_organizations_lists_them(sandbox: Sandbox, tmp_path: Path) -> None:
    member = next(a for a in sandbox.dataset.active_accounts if a.name == "security")
    result = invoke_on(
        sandbox, "--config", str(_config(tmp_path)), "accounts", "list",
        "--account", f"{member.id},{STRANGER}", "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = {row["account_id"]: (row["name"], row["status"]) for row in json.loads(result.stdout)}
    assert rows == {
        member.id: ("security", "ACTIVE"),
        STRANGER: ("ex-partner", "NOT_IN_ORGANIZATION"),
    }


@pytest.mark.parametrize("width", [80, 100])
def test_every_region_is_named_once_below_the_table(
    sandbox: Sandbox, tmp_path: Path, width: int
) -> None:
    args = ("--config", str(_config(tmp_path)), "accounts", "list", "--region", "all",
            "--account", f"{sandbox.dataset.management_account_id},{STRANGER}")  # fmt: skip
    regions = json.loads(invoke_on(sandbox, *args, "-o", "json").stdout)[0]["regions"]
    result = invoke_on(sandbox, *args, width=width)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    management = sandbox.dataset.management_account_id
    assert lines[:3] == [
        "ACCOUNT       NAME        STATUS               ACCESS    REGIONS",
        f"{management}  management  ACTIVE               caller    {len(regions)} regions",
        f"{STRANGER}  ex-partner  NOT_IN_ORGANIZATION  org-view  {len(regions)} regions",
    ]
    assert " ".join(lines[3:]) == f"{len(regions)} regions: {', '.join(regions)}"
    assert all(len(line) <= width and line == line.rstrip() for line in lines)
