"""The server itself: start and stop, keep-alive, identity, counters and admin endpoints."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

from backupctl.sandbox import Faults, Sandbox, SandboxConfig

from .clients import SandboxFactory, client, raw


def test_start_is_fast_and_stop_is_prompt() -> None:
    started = time.perf_counter()
    sandbox = Sandbox(SandboxConfig(members=100)).start()
    assert time.perf_counter() - started < 0.2
    assert sandbox.running
    assert sandbox.endpoint_url == f"http://127.0.0.1:{sandbox.port}"
    client(sandbox, "sts").get_caller_identity()  # leaves a keep-alive connection open
    started = time.perf_counter()
    sandbox.stop()
    assert time.perf_counter() - started < 0.5
    assert not sandbox.running
    with pytest.raises(RuntimeError):
        sandbox.endpoint_url  # noqa: B018 - the property raises once stopped
    with sandbox:  # a stopped sandbox starts again, on a new port
        assert client(sandbox, "sts").get_caller_identity()["Account"]


def test_env_and_credentials(sandbox: Sandbox) -> None:
    env = sandbox.env()
    assert env["AWS_ENDPOINT_URL"] == sandbox.endpoint_url
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    management = sandbox.dataset.management_account_id
    assert (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) == sandbox.credentials()
    assert env["AWS_ACCESS_KEY_ID"] == sandbox.credentials(management)[0]
    member = sandbox.dataset.accounts[2].id
    key = sandbox.credentials(member)[0]
    assert key.startswith(f"AKIA{member}") and len(key) == 20
    with pytest.raises(ValueError, match="no account"):
        sandbox.credentials("000000000000")


def test_connections_are_kept_alive(sandbox: Sandbox) -> None:
    url = urlsplit(sandbox.endpoint_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    scope = f"{sandbox.credentials()[0]}/20261127/us-east-1/backup/aws4_request"
    headers = {"Authorization": f"AWS4-HMAC-SHA256 Credential={scope}, Signature=0"}
    try:
        for path in ("/backup-jobs/?maxResults=2", "/copy-jobs/?maxResults=2", "/nope/"):
            connection.request("GET", path, headers=headers)
            response = response_of(connection)
            assert response.getheader("Connection") is None
            assert int(response.getheader("Content-Length") or -1) == len(response.read())
        assert connection.sock is not None  # the same socket served all three
    finally:
        connection.close()


def response_of(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    return connection.getresponse()


def test_unknown_keys_and_requests_without_a_scope(sandbox: Sandbox) -> None:
    status, headers, _ = raw(sandbox, "GET", "/backup-jobs/", access_key="AKIA123456789012ABCD")
    assert (status, headers["x-amzn-errortype"]) == (403, "UnrecognizedClientException")
    suspended = next(acct.id for acct in sandbox.dataset.accounts if not acct.active)
    status, _, _ = raw(
        sandbox, "GET", "/backup-jobs/", access_key=sandbox.credentials(suspended)[0]
    )
    assert status == 403
    status, headers, _ = raw(sandbox, "GET", "/backup-jobs/", headers={"Authorization": "none"})
    assert status == 403


def test_counters_count_by_service_operation_account_and_region(
    sandbox_factory: SandboxFactory,
) -> None:
    sandbox = sandbox_factory(members=2, jobs_per_region=10)
    member = sandbox.dataset.active_accounts[1].id
    client(sandbox, "backup", member, "eu-west-1").list_backup_jobs()
    client(sandbox, "backup", member, "eu-west-1").list_backup_jobs()
    client(sandbox, "organizations").list_accounts()
    with pytest.raises(ClientError):
        client(sandbox, "sts", validate=False).assume_role(RoleArn="x" * 20, RoleSessionName="t1")
    counters = sandbox.counters
    assert counters.requests == {
        ("backup", "ListBackupJobs", member, "eu-west-1"): 2,
        ("organizations", "ListAccounts", sandbox.dataset.management_account_id, "us-east-1"): 1,
        ("sts", "AssumeRole", sandbox.dataset.management_account_id, "us-east-1"): 1,
    }
    assert counters.total_requests() == 4
    snapshot = counters.snapshot()
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert snapshot["total_requests"] == 4
    counters.reset()
    assert counters.total_requests() == 0
    assert counters.requests == {}


def test_max_in_flight_sees_concurrent_requests(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=1, jobs_per_region=10, faults=Faults(latency=0.2))
    threads = [
        threading.Thread(target=client(sandbox, "sts").get_caller_identity) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 2 <= sandbox.counters.max_in_flight <= 6
    assert sandbox.counters.faults["latency"] == 6


def test_admin_endpoints(sandbox_factory: SandboxFactory) -> None:
    sandbox = sandbox_factory(members=1, jobs_per_region=10)
    client(sandbox, "sts").get_caller_identity()
    with urllib.request.urlopen(f"{sandbox.endpoint_url}/_sandbox/counters") as response:
        counted = json.load(response)
    assert counted["total_requests"] == 1
    assert counted["requests"][0]["operation"] == "GetCallerIdentity"
    reset = urllib.request.Request(f"{sandbox.endpoint_url}/_sandbox/reset", method="POST")
    with urllib.request.urlopen(reset) as response:
        assert json.load(response)["total_requests"] == 0
    assert sandbox.counters.total_requests() == 0
    status, _, _ = raw(sandbox, "GET", "/_sandbox/nothing")
    assert status == 404
    status, _, body = raw(sandbox, "POST", "/_sandbox/warm")
    assert (status, json.loads(body)) == (200, {"warm": True})
