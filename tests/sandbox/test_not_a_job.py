"""Describe answers 200 with something that is not a job: an HTML page, cut JSON, ``{}``."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import KINDS, NOT_A_JOB_MODES, Faults, NotAJobMode, Sandbox, SandboxConfig
from backupctl.sandbox.dataset import describe_body

from .clients import client
from .wiremodel import Recorder

IDS = {"backup": "BackupJobId", "copy": "CopyJobId", "restore": "RestoreJobId"}
REGION = "us-east-1"


@pytest.fixture(scope="module")
def intercepted() -> Iterator[Sandbox]:
    with Sandbox(SandboxConfig(members=3, jobs_per_region=60)) as server:
        yield server


@pytest.fixture(autouse=True)
def _clear(intercepted: Sandbox) -> Iterator[None]:
    intercepted.set_faults(Faults())
    intercepted.counters.reset()
    yield
    intercepted.set_faults(Faults())


def some_job(sandbox: Sandbox, kind: str, account: str) -> str:
    return str(sandbox.dataset.jobs(kind, account, REGION)[0][IDS[kind]])


@pytest.mark.parametrize("mode", NOT_A_JOB_MODES)
@pytest.mark.parametrize("kind", KINDS)
def test_describe_answers_200_with_no_job(
    intercepted: Sandbox, kind: str, mode: NotAJobMode
) -> None:
    member = intercepted.dataset.active_accounts[1].id
    intercepted.set_faults(Faults(not_a_job_accounts=frozenset({member}), not_a_job_mode=mode))
    recorder = Recorder()
    backup = client(intercepted, "backup", member, recorder=recorder)
    job_id = some_job(intercepted, kind, member)
    parsed = getattr(backup, f"describe_{kind}_job")(**{IDS[kind]: job_id})
    parsed.pop("ResponseMetadata")
    assert parsed == {}  # botocore finds no member in any of them, and says nothing
    captured = recorder.last
    assert captured.status == 200
    job = intercepted.dataset.job(kind, member, REGION, job_id)
    assert job is not None
    whole = describe_body(job)
    if mode == "html":
        assert captured.headers["content-type"] == "text/html"
        assert captured.body.startswith(b"<!DOCTYPE html>")
    elif mode == "truncated":
        assert captured.headers["content-type"] == "application/json"
        assert whole.startswith(captured.body) and 0 < len(captured.body) < len(whole)
        with pytest.raises(ValueError):
            json.loads(captured.body)
    else:
        assert captured.body == b"{}"
    assert intercepted.counters.faults["not_a_job"] == 1


def test_only_describe_of_a_job_of_those_accounts_is_intercepted(intercepted: Sandbox) -> None:
    member = intercepted.dataset.active_accounts[1].id
    other = intercepted.dataset.active_accounts[2].id
    intercepted.set_faults(Faults(not_a_job_accounts=frozenset({member})))
    backup = client(intercepted, "backup", member)
    missing = "00000000-0000-0000-0000-000000000000"
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        backup.describe_copy_job(CopyJobId=missing)
    assert backup.list_backup_jobs(MaxResults=3)["BackupJobs"]
    job_id = some_job(intercepted, "restore", other)
    described = client(intercepted, "backup", other).describe_restore_job(RestoreJobId=job_id)
    assert described["RestoreJobId"] == job_id
    assert "not_a_job" not in intercepted.counters.faults


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="not_a_job_mode must be one of html, truncated"):
        Faults(not_a_job_mode="xml")  # type: ignore[arg-type]
