"""The list -> describe workflow: the table shows whole job ids at 80 and 100 columns,
``--fields`` takes the table's headers, and any id the table shows can be described."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.cli.conftest import Invoke
from tests.cli.test_streams import clean_env

ROLE = "OrganizationAccountAccessRole"
BACKUPCTL = str(Path(sys.executable).with_name("backupctl"))
_GUID = re.compile(r"(?<![0-9A-F-])[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12}(?![0-9A-F-])")
LISTED = ("jobs", "list", "--account", "all", "--region", "us-east-1,eu-west-1", "--limit", "25")


@pytest.mark.parametrize("width", [80, 100])
def test_every_row_shows_its_whole_job_id(cli: Invoke, width: int) -> None:
    ids = [record["job_id"] for record in json.loads(cli(*LISTED, "-o", "json").stdout)]
    result = cli(*LISTED, width=width)
    assert result.exit_code == 0, result.stderr
    header, *rows, caption = result.stdout.splitlines()
    assert "job id" in header
    assert [_GUID.findall(row) for row in rows] == [[job_id] for job_id in ids]
    assert max(map(cell_len, result.stdout.splitlines())) <= width
    assert caption.startswith("25 jobs")


def test_with_columns_80_the_installed_script_shows_whole_ids() -> None:
    result = subprocess.run(
        [BACKUPCTL, "--sandbox", *LISTED],
        capture_output=True, text=True, env=clean_env(COLUMNS="80"), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    header, *rows, _ = result.stdout.splitlines()
    assert header.split() == ["created", "state", "account", "region", "job", "id"]
    assert len(rows) == 25
    assert all(len(_GUID.findall(row)) == 1 for row in rows)
    assert max(map(cell_len, result.stdout.splitlines())) <= 80


def test_fields_take_the_tables_headers_in_any_case(cli: Invoke) -> None:
    by_header = cli(*LISTED, "--fields", "Created,Job ID,RESOURCE,message,account", "-o", "csv")
    assert by_header.exit_code == 0, by_header.stderr
    by_name = cli(
        *LISTED,
        "--fields",
        "created_at,job_id,resource_name,status_message,account_id",
        "-o",
        "csv",
    )
    assert by_header.stdout == by_name.stdout
    assert by_name.stdout.startswith(
        "created_at,job_id,resource_name,status_message,account_id\r\n"
    )
    table = cli(*LISTED, "--fields", "job-id,state", width=80)
    assert table.stdout.splitlines()[0].split() == ["job", "id", "state"]


def test_an_id_from_the_table_describes_its_job_in_any_case(cli: Invoke) -> None:
    # Listed in the org view; Describe takes no ByAccountId: a member's job needs the role.
    rows = cli(*LISTED, width=80).stdout.splitlines()[1:-1]
    for row in rows[:3]:
        (job_id,) = _GUID.findall(row)
        found = cli(
            "job", "describe", job_id.lower(), "--account", "all", "--role", ROLE, "-o", "json"
        )
        assert found.exit_code == 0, found.stderr
        assert json.loads(found.stdout)["job_id"] == job_id
