"""``job describe`` against the sandbox: the record plus every describe-only field, exactly."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import botocore.session
import pytest
from rich.cells import cell_len

from backupctl.sandbox import DEFAULT_DISABLED_REGIONS, Faults, Sandbox
from tests.cli.conftest import Invoke, invoke_on
from tests.cli.oracle import expected_record, rfc3339
from tests.conftest import SandboxFactory

KINDS = ("backup", "copy", "restore")
ENABLED = sorted(
    set(botocore.session.get_session().get_available_regions("backup"))
    - set(DEFAULT_DISABLED_REGIONS)
)
ROLE = "OrganizationAccountAccessRole"
_ID_MEMBER = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
_OPERATION = {
    "backup": "DescribeBackupJob",
    "copy": "DescribeCopyJob",
    "restore": "DescribeRestoreJob",
}
# The API members each kind's contract record is made of (DESIGN.md's job record).
_RECORD_MEMBERS = {
    "backup": {
        "BackupJobId", "State", "ResourceArn", "ResourceName", "BackupVaultName",
        "BackupVaultArn", "RecoveryPointArn", "BytesTransferred",
    },
    "copy": {
        "CopyJobId", "State", "ResourceArn", "ResourceName", "SourceBackupVaultArn",
        "DestinationBackupVaultArn", "SourceRecoveryPointArn", "DestinationRecoveryPointArn",
    },
    "restore": {
        "RestoreJobId", "Status", "SourceResourceArn", "BackupVaultArn", "RecoveryPointArn",
        "CreatedResourceArn",
    },
}  # fmt: skip
_COMMON_MEMBERS = {
    "AccountId", "StatusMessage", "MessageCategory", "ResourceType", "CreationDate",
    "CompletionDate", "PercentDone", "BackupSizeInBytes", "IamRoleArn", "ParentJobId", "IsParent",
}  # fmt: skip
_PLAN_MEMBERS = {"BackupPlanId", "BackupPlanArn", "BackupRuleId"}  # record's backup_plan_*, rule
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _snake(name: str) -> str:
    out: list[str] = []
    for i, char in enumerate(name):
        before = name[i - 1] if i else ""
        after = name[i + 1] if i + 1 < len(name) else ""
        boundary = before.islower() or before.isdigit() or (before.isupper() and after.islower())
        if char.isupper() and i and boundary:
            out.append("_")
        out.append(char.lower())
    return "".join(out)


@cache
def _output_shape(kind: str) -> Any:
    model = botocore.session.get_session().get_service_model("backup")
    shape: Any = model.operation_model(_OPERATION[kind]).output_shape
    return shape.members["CopyJob"] if kind == "copy" else shape


def _wire_value(shape: Any, value: Any) -> Any:
    """A member as JSON would carry it: timestamps in RFC 3339, nested keys as AWS spells them."""
    if shape.type_name == "timestamp":
        return rfc3339(value)
    if shape.type_name == "structure":
        return {k: _wire_value(shape.members[k], v) for k, v in value.items()}
    if shape.type_name == "map":
        return {k: _wire_value(shape.value, v) for k, v in value.items()}
    if shape.type_name == "list":
        return [_wire_value(shape.member, v) for v in value]
    return value


def describe_body(sandbox: Sandbox, kind: str, account: str, region: str, job_id: str) -> Any:
    body = sandbox.dataset.describe(kind, account, region, job_id)
    assert body is not None
    return body["CopyJob"] if kind == "copy" else body


def expected_detail(
    sandbox: Sandbox, kind: str, account: str, region: str, job_id: str
) -> dict[str, Any]:
    """The contract record, then every other Describe member in snake_case, in API order."""
    body = describe_body(sandbox, kind, account, region, job_id)
    detail = expected_record(kind, body, region)
    shape = _output_shape(kind)
    for name, value in body.items():
        if name in _RECORD_MEMBERS[kind] | _COMMON_MEMBERS:
            continue
        if name == "CreatedBy":
            value = {k: v for k, v in value.items() if k not in _PLAN_MEMBERS}
            if not value:
                continue
        detail[_snake(name)] = _wire_value(shape.members[name], value)
    return detail


def richest_job(
    sandbox: Sandbox, kind: str, account: str, *, parent: bool = False
) -> tuple[str, str]:
    """(region, job id) of the job of ``account`` whose Describe carries the most members."""
    best: tuple[int, str, str] = (-1, "", "")
    for region in sandbox.dataset.regions:
        for job in sandbox.dataset.jobs(kind, account, region):
            if parent and not job.get("IsParent"):
                continue
            job_id = job[_ID_MEMBER[kind]]
            size = len(describe_body(sandbox, kind, account, region, job_id))
            best = max(best, (size, region, job_id), key=lambda b: b[0])
    assert best[0] > 0, f"no {kind} job in {account}"
    return best[1], best[2]


def _describe_ops(sandbox: Sandbox) -> dict[str, int]:
    ops: dict[str, int] = {}
    for (_, operation, _, _), count in sandbox.counters.requests.items():
        if operation.startswith("Describe"):
            ops[operation] = ops.get(operation, 0) + count
    return ops


@pytest.mark.parametrize(
    ("kind", "parent"),
    [("backup", False), ("backup", True), ("copy", False), ("restore", False)],
    ids=["backup", "backup-parent", "copy", "restore"],
)
def test_json_is_the_record_then_every_describe_only_field(
    cli: Invoke, sandbox: Sandbox, kind: str, parent: bool
) -> None:
    account = sandbox.dataset.management_account_id
    region, job_id = richest_job(sandbox, kind, account, parent=parent)
    result = cli("job", "describe", job_id, "--region", region, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    want = expected_detail(sandbox, kind, account, region, job_id)
    got = json.loads(result.stdout)
    assert list(got.items()) == list(want.items())
    assert len(want) > 27  # the record's 27 keys and at least one describe-only field


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_accounts_job_through_the_role(cli: Invoke, sandbox: Sandbox, kind: str) -> None:
    account = sandbox.dataset.active_accounts[1].id
    assert account != sandbox.dataset.management_account_id
    region, job_id = richest_job(sandbox, kind, account)
    regions = ",".join(sandbox.dataset.regions)
    result = cli(
        "job", "describe", job_id, "--role", ROLE, "--account", "all", "--region", regions,
        "-o", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    want = expected_detail(sandbox, kind, account, region, job_id)
    assert list(json.loads(result.stdout).items()) == list(want.items())


def test_found_in_any_of_several_regions_without_kind(cli: Invoke, sandbox: Sandbox) -> None:
    account = sandbox.dataset.management_account_id
    region = sandbox.dataset.regions[-1]
    assert region != sandbox.dataset.regions[0]  # not the default region
    job_id = sandbox.dataset.jobs("copy", account, region)[3]["CopyJobId"]
    sandbox.counters.reset()
    result = cli(
        "job", "describe", job_id, "--region", ",".join(sandbox.dataset.regions), "-o", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected_detail(sandbox, "copy", account, region, job_id)
    # Every kind in every region at once, the rest dropped once it is found.
    regions = len(sandbox.dataset.regions)
    assert set(_describe_ops(sandbox)) <= set(_OPERATION.values())
    assert all(count <= regions for count in _describe_ops(sandbox).values())


@pytest.mark.parametrize("kind", KINDS)
def test_kind_narrows_the_calls(cli: Invoke, sandbox: Sandbox, kind: str) -> None:
    account = sandbox.dataset.management_account_id
    region = sandbox.dataset.regions[0]
    job_id = sandbox.dataset.jobs(kind, account, region)[0][_ID_MEMBER[kind]]
    regions = ",".join(sandbox.dataset.regions)
    sandbox.counters.reset()
    result = cli("job", "describe", job_id, "--kind", kind, "--region", regions, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["job_id"] == job_id
    ops = _describe_ops(sandbox)
    assert set(ops) == {_OPERATION[kind]}
    assert ops[_OPERATION[kind]] <= len(sandbox.dataset.regions)


@pytest.mark.parametrize("kind", KINDS)
def test_panel_shows_id_state_and_every_describe_only_field(
    cli: Invoke, sandbox: Sandbox, kind: str
) -> None:
    account = sandbox.dataset.management_account_id
    region, job_id = richest_job(sandbox, kind, account)
    result = cli("job", "describe", job_id, "--region", region, terminal=True, width=100)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert "\x1b[" in result.stdout  # a terminal: Rich did colour it
    text = _SGR.sub("", result.stdout)
    assert "\x1b" not in text
    record = expected_record(kind, describe_body(sandbox, kind, account, region, job_id), region)
    assert text.splitlines()[0] == f"{kind} job {job_id}"
    assert re.search(rf"^  state +{record['state']}\*?$", text, re.MULTILINE)
    extra = list(expected_detail(sandbox, kind, account, region, job_id))[len(record) :]
    assert extra
    for name in extra:
        assert re.search(rf"^  {re.escape(name)}\b", text, re.MULTILINE), name


def _arns_and_ids(value: Any) -> Iterator[str]:
    """Every ARN and GUID in a record, nested values included."""
    if isinstance(value, dict):
        for inner in value.values():
            yield from _arns_and_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _arns_and_ids(inner)
    elif isinstance(value, str):
        yield from re.findall(
            r"arn:\S+|[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}", value
        )


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("kind", KINDS)
def test_at_80_and_100_columns_every_arn_and_id_is_whole_on_one_line_and_labels_are_short(
    cli: Invoke, sandbox: Sandbox, kind: str, width: int
) -> None:
    account = sandbox.dataset.management_account_id
    region, job_id = richest_job(sandbox, kind, account)
    record = expected_detail(sandbox, kind, account, region, job_id)
    result = cli("job", "describe", job_id.lower(), width=width)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    wanted = set(_arns_and_ids(record))
    assert len(wanted) > 5
    for token in wanted:
        assert any(token in line.split() for line in lines), token
    for line in lines[1:]:
        if cell_len(line) > width:  # only an ARN or id too wide for any line, alone on it
            assert len(line.split()) == 1 and line.split()[0] in wanted, line
    # The labels' column: 24 cells at most (it was 64 at 100 columns).
    kind_line = re.match(r"  kind +", lines[1])
    assert kind_line is not None and kind_line.end() <= 26


def test_not_found_anywhere_says_where_it_looked(cli: Invoke, sandbox: Sandbox) -> None:
    job_id = "00000000-0000-0000-0000-000000000000"
    regions = sandbox.dataset.regions
    result = cli("job", "describe", job_id, "--region", ",".join(regions))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("backupctl: ")
    for word in (job_id, sandbox.dataset.management_account_id, *regions, *KINDS):
        assert word in line, word


def test_not_found_names_only_the_kinds_it_tried(cli: Invoke, sandbox: Sandbox) -> None:
    job_id = "00000000-0000-0000-0000-000000000000"
    result = cli("job", "describe", job_id, "--kind", "restore")
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("backupctl: ")
    said = line.removeprefix("backupctl: ")
    assert "restore" in said
    assert "backup" not in said
    assert "copy" not in said
    assert f" in {len(ENABLED)} regions (all those enabled)" in said


@pytest.mark.parametrize("job_id", ["../etc", "", "A" * 300, "a b", "x\x1b[2J"])
def test_a_malformed_id_is_refused_before_any_call(
    cli: Invoke, sandbox: Sandbox, job_id: str
) -> None:
    before = sandbox.counters.total_requests()
    result = cli("job", "describe", job_id)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("backupctl: error: ")
    assert result.stderr.count("\n") == 1
    assert result.stderr.endswith("\n")
    assert "\x1b" not in result.stderr
    assert sandbox.counters.total_requests() == before


def test_by_default_every_region_enabled_for_the_caller_is_searched_at_once(
    cli: Invoke, sandbox: Sandbox
) -> None:
    account = sandbox.dataset.management_account_id
    region = sandbox.dataset.regions[-1]
    assert region != sandbox.dataset.regions[0]  # not the default region
    job_id = sandbox.dataset.jobs("restore", account, region)[2]["RestoreJobId"]
    sandbox.counters.reset()
    result = cli("job", "describe", job_id, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout) == expected_detail(sandbox, "restore", account, region, job_id)
    sandbox.counters.reset()
    missing = cli("job", "describe", "00000000-0000-0000-0000-000000000000")
    assert missing.exit_code == 1
    assert _describe_ops(sandbox) == dict.fromkeys(_OPERATION.values(), len(ENABLED))
    regions = {key[3] for key in sandbox.counters.requests if key[1].startswith("Describe")}
    assert regions == set(ENABLED)  # none where the account has not enabled the region


def test_the_regions_are_searched_at_once(sandbox_factory: SandboxFactory) -> None:
    server = sandbox_factory(members=1, jobs_per_region=5, faults=Faults(latency=0.1))
    result = invoke_on(server, "job", "describe", "00000000-0000-0000-0000-000000000000")
    assert result.exit_code == 1
    assert server.counters.max_in_flight >= 16  # not one after another


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_accounts_job_in_any_region_through_the_role(
    cli: Invoke, sandbox: Sandbox, kind: str
) -> None:
    account = sandbox.dataset.active_accounts[2].id
    region, job_id = richest_job(sandbox, kind, account)
    result = cli("job", "describe", job_id, "--account", "all", "--role", ROLE, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected_detail(sandbox, kind, account, region, job_id)


def test_a_lower_case_id_is_found(cli: Invoke, sandbox: Sandbox) -> None:
    account = sandbox.dataset.management_account_id
    region, job_id = richest_job(sandbox, "backup", account)
    assert job_id == job_id.upper() and job_id != job_id.lower()
    result = cli("job", "describe", job_id.lower(), "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == expected_detail(sandbox, "backup", account, region, job_id)


def test_not_found_says_what_was_searched_and_what_would_widen_it(
    cli: Invoke, sandbox: Sandbox
) -> None:
    job_id = "0000000a-0000-0000-0000-000000000000"
    caller = sandbox.dataset.management_account_id
    result = cli("job", "describe", job_id)
    assert result.exit_code == 1
    assert result.stderr == (
        f"backupctl: no job {job_id.upper()} found: searched the backup/copy/restore jobs of "
        f"account {caller} in {len(ENABLED)} regions (all those enabled); to search further: "
        "--account all --role ROLE (the organization's accounts: Describe calls take no "
        "ByAccountId, so without a role only the caller's own account is searched)\n"
    )
    member = sandbox.dataset.active_accounts[1].id
    named = cli("job", "describe", job_id, "--region", "us-east-1", "--account", member,
                "--role", ROLE, "--kind", "copy")  # fmt: skip
    assert named.exit_code == 1
    assert named.stderr == (
        f"backupctl: no job {job_id.upper()} found: searched the copy jobs of account {member} "
        "in us-east-1; to search further: --region all (every region enabled), --account all, "
        "no --kind (every kind)\n"
    )


def test_org_view_not_found_says_to_pass_a_role(cli: Invoke, sandbox: Sandbox) -> None:
    member = sandbox.dataset.active_accounts[1].id
    region = sandbox.dataset.regions[0]
    job_id = sandbox.dataset.jobs("backup", member, region)[0]["BackupJobId"]
    result = cli("job", "describe", job_id, "--account", member)
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert sandbox.dataset.management_account_id in line  # where it could look
    assert "--role" in line


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, str):
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else value
    return str(value)


@pytest.mark.parametrize("fmt", ["ndjson", "csv"])
def test_ndjson_and_csv_carry_the_same_detail(cli: Invoke, sandbox: Sandbox, fmt: str) -> None:
    account = sandbox.dataset.management_account_id
    region, job_id = richest_job(sandbox, "backup", account, parent=True)
    result = cli("job", "describe", job_id, "--region", region, "-o", fmt)
    assert result.exit_code == 0, result.stderr
    want = expected_detail(sandbox, "backup", account, region, job_id)
    if fmt == "ndjson":
        assert result.stdout.count("\n") == 1
        assert list(json.loads(result.stdout).items()) == list(want.items())
    else:
        rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
        assert rows == [list(want), [_csv_cell(v) for v in want.values()]]
        assert result.stdout.endswith("\r\n")
