"""The job summary calls' responses, success and error, walked against botocore's model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Faults

from .clients import SandboxFactory, client
from .test_faithfulness import assert_faithful
from .wiremodel import Recorder

NOW = datetime(2026, 11, 27, 9, 15, tzinfo=UTC)
OPERATIONS = ("list_backup_job_summaries", "list_copy_job_summaries", "list_restore_job_summaries")
EVERY_WAY: list[dict[str, Any]] = [
    {},
    {"AccountId": "ANY", "MaxResults": 3},
    {"AccountId": "AGGREGATE_ALL", "State": "AGGREGATE_ALL", "AggregationPeriod": "SEVEN_DAYS"},
    {"ResourceType": "AGGREGATE_ALL", "AggregationPeriod": "FOURTEEN_DAYS"},
    {"State": "COMPLETED", "ResourceType": "EC2"},
]


def test_every_summary_response_matches_the_model(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=3, jobs_per_region=150, now=NOW)
    recorder = Recorder()
    management = client(sandbox, "backup", recorder=recorder)
    member = client(sandbox, "backup", sandbox.dataset.active_accounts[1].id, recorder=recorder)
    for backup in (management, member):
        for operation in OPERATIONS:
            for params in EVERY_WAY:
                getattr(backup, operation)(**params)
    for operation in OPERATIONS[:2]:
        getattr(management, operation)(MessageCategory="AGGREGATE_ALL", AccountId="ANY")
        getattr(management, operation)(MessageCategory="SUCCESS")
    first = management.list_backup_job_summaries(AccountId="ANY", MaxResults=2)
    management.list_backup_job_summaries(
        AccountId="ANY", MaxResults=2, NextToken=first["NextToken"]
    )
    sandbox.advance(3600)
    management.list_copy_job_summaries(AccountId="ANY")
    assert sum(len(r.body) > 200 for r in recorder.responses) > 30  # rows, not empty lists
    assert_faithful(recorder)


Call = Callable[[], object]


def test_every_summary_error_is_parsed_by_botocore_and_matches_the_model(
    sandbox_factory: SandboxFactory,
) -> None:
    sandbox = sandbox_factory(members=2, jobs_per_region=20, cross_account_monitoring=False)
    recorder = Recorder()
    loose = client(sandbox, "backup", recorder=recorder, validate=False)
    calls: list[tuple[Call, str]] = [
        (lambda: loose.list_backup_job_summaries(MaxResults=900), "InvalidParameterValueException"),
        (lambda: loose.list_copy_job_summaries(State="DONE"), "InvalidParameterValueException"),
        (lambda: loose.list_restore_job_summaries(AccountId="ANY"), "AccessDeniedException"),
    ]
    seen = [_code(call) for call, _ in calls]
    for faults, code in (
        (Faults(throttle_rate=1.0), "ThrottlingException"),
        (Faults(error_rate=1.0), "ServiceUnavailableException"),
    ):
        sandbox.set_faults(faults)
        seen.append(_code(loose.list_backup_job_summaries))
        calls.append((loose.list_backup_job_summaries, code))
    sandbox.set_faults(Faults())
    assert seen == [code for _, code in calls]
    assert_faithful(recorder)


def _code(call: Call) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])
