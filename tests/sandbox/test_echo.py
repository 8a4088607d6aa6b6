"""Errors that echo the request: headers, query string and body in the Message, code unchanged."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote_plus

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import ECHO_MODES, EchoMode, Faults, Sandbox, SandboxConfig

from .clients import assume, client
from .wiremodel import Recorder, check_response

EXTERNAL_ID = "ext id/with+signs"  # URL-encoded in the AssumeRole form: not itself on the wire
ROLE = "OrganizationAccountAccessRole"
BOGUS = {"AccessKeyId": "AKIA000000000000ZZZZ", "SecretAccessKey": "x"}


@pytest.fixture(scope="module")
def echoing() -> Iterator[Sandbox]:
    config = SandboxConfig(members=3, jobs_per_region=20, external_id=EXTERNAL_ID)
    with Sandbox(config) as server:
        yield server


@pytest.fixture(autouse=True)
def _clear(echoing: Sandbox) -> Iterator[None]:
    echoing.set_faults(Faults())
    echoing.counters.reset()
    yield
    echoing.set_faults(Faults())


def error_of(call: Callable[[], object]) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call()
    return dict(raised.value.response["Error"])


def header(mode: EchoMode, name: str, value: str) -> str:
    """How a header and the start of its value read inside the Message, in each form."""
    if mode == "http":
        return f"{name}: {value}"
    if mode == "json":
        return f'"{name}": "{value}'
    return f'\\"{name}\\": \\"{value}'


@pytest.mark.parametrize("mode", ECHO_MODES)
def test_a_denied_listing_echoes_its_session_token_and_query(
    echoing: Sandbox, mode: EchoMode
) -> None:
    member = echoing.dataset.active_accounts[1].id
    credentials = assume(echoing, member, ExternalId=EXTERNAL_ID)
    echoing.set_faults(Faults(deny_backup=frozenset({member}), echo_request_in_errors=mode))
    recorder = Recorder()
    backup = client(echoing, "backup", member, credentials=credentials, recorder=recorder)
    error = error_of(lambda: backup.list_copy_jobs(MaxResults=7, ByState="FAILED"))
    assert error["Code"] == "AccessDeniedException"
    message = error["Message"]
    assert message.startswith(f"User: arn:aws:sts::{member}:assumed-role/{ROLE}/tests is not")
    assert "GET /copy-jobs/?" in message and "maxResults=7" in message and "state=FAILED" in message
    token = credentials["SessionToken"]
    assert header(mode, "X-Amz-Security-Token", token) in message
    assert header(mode, "Authorization", "AWS4-HMAC-SHA256 Credential=ASIA") in message
    assert check_response(recorder.last) == []
    assert echoing.counters.faults["echoed_request"] == 1


def test_an_escaped_echo_slips_past_a_redaction_by_shape(echoing: Sandbox) -> None:
    member = echoing.dataset.active_accounts[1].id
    credentials = assume(echoing, member, ExternalId=EXTERNAL_ID)
    redaction = re.compile(r'"X-Amz-Security-Token": "[^"]*"')
    messages: dict[str, str] = {}
    modes: tuple[EchoMode, ...] = ("json", "escaped")
    for mode in modes:
        echoing.set_faults(Faults(throttle_rate=1.0, echo_request_in_errors=mode))
        backup = client(echoing, "backup", member, credentials=credentials)
        messages[mode] = error_of(backup.list_backup_jobs)["Message"]
    token = credentials["SessionToken"]
    assert token not in redaction.sub("[redacted]", messages["json"])
    assert token in redaction.sub("[redacted]", messages["escaped"])


@pytest.mark.parametrize("mode", ECHO_MODES)
def test_a_denied_assume_role_echoes_its_form_and_external_id(
    echoing: Sandbox, mode: EchoMode
) -> None:
    member = echoing.dataset.active_accounts[2].id
    echoing.set_faults(Faults(deny_assume_role=frozenset({member}), echo_request_in_errors=mode))
    recorder = Recorder()
    sts = client(echoing, "sts", recorder=recorder)
    role = f"arn:aws:iam::{member}:role/{ROLE}"
    error = error_of(
        lambda: sts.assume_role(RoleArn=role, RoleSessionName="tests", ExternalId=EXTERNAL_ID)
    )
    assert error["Code"] == "AccessDenied"
    message = error["Message"]
    assert f"ExternalId={quote_plus(EXTERNAL_ID)}" in message
    assert "Action=AssumeRole" in message and "POST / HTTP/1.1" in message
    assert header(mode, "Authorization", "AWS4-HMAC-SHA256 Credential=AKIA") in message
    assert check_response(recorder.last) == []


def _every_error(sb: Sandbox, rec: Recorder) -> list[tuple[str, Callable[[], object]]]:
    member = sb.dataset.active_accounts[1].id
    return [
        ("UnrecognizedClientException",
         client(sb, "backup", credentials=BOGUS, recorder=rec).list_backup_jobs),
        ("InvalidClientTokenId",
         client(sb, "sts", credentials=BOGUS, recorder=rec).get_caller_identity),
        ("AccessDeniedException", client(sb, "organizations", member, recorder=rec).list_accounts),
        ("InvalidParameterValueException",
         lambda: client(sb, "backup", recorder=rec).list_backup_jobs(NextToken="garbage")),
        ("InvalidInputException",
         lambda: client(sb, "organizations", recorder=rec).list_accounts(NextToken="garbage")),
    ]  # fmt: skip


@pytest.mark.parametrize("mode", ECHO_MODES)
def test_every_error_echoes_and_keeps_its_code(echoing: Sandbox, mode: EchoMode) -> None:
    echoing.set_faults(Faults(echo_request_in_errors=mode))
    recorder = Recorder()
    calls = _every_error(echoing, recorder)
    for code, call in calls:
        error = error_of(call)
        assert error["Code"] == code
        assert "(request received: " in error["Message"]
    assert "garbage" in error["Message"]  # the Organizations body, echoed
    for faults, codes in (
        (Faults(throttle_rate=1.0), ["ThrottlingException", "TooManyRequestsException"]),
        (Faults(error_rate=1.0), ["ServiceUnavailableException", "ServiceException"]),
    ):
        echoing.set_faults(dataclasses.replace(faults, echo_request_in_errors=mode))
        backup = client(echoing, "backup", recorder=recorder)
        org = client(echoing, "organizations", recorder=recorder)
        for code, call in zip(codes, (backup.list_restore_jobs, org.list_roots), strict=True):
            error = error_of(call)
            assert error["Code"] == code and "(request received: " in error["Message"]
    assert [check_response(captured) for captured in recorder.responses] == [[]] * 9
    assert echoing.counters.faults["echoed_request"] == 9


def test_without_the_fault_no_error_echoes(echoing: Sandbox) -> None:
    echoing.set_faults(Faults(throttle_rate=1.0))
    message = error_of(client(echoing, "backup").list_backup_jobs)["Message"]
    assert message == "Rate exceeded"
    with pytest.raises(ValueError, match="echo_request_in_errors must be one of http"):
        Faults(echo_request_in_errors="xml")  # type: ignore[arg-type]
