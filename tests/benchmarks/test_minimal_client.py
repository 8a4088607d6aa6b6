"""The fan-out benchmark's minimal client signs as botocore does and prints backupctl's records.

It is the yardstick backupctl's speed is measured against: if it skipped the signing or
printed other records, the comparison would flatter or wrong backupctl.
"""

from __future__ import annotations

import importlib.util
import io
import json
from datetime import datetime
from pathlib import Path
from types import ModuleType

import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from backupctl.domain.job import FIELDS
from backupctl.sandbox import Sandbox
from tests.cli.conftest import invoke_on

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "minimal_client.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("minimal_client", _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


minimal = _load()


@pytest.mark.parametrize("token", [None, "FwoGZXIvYXdzE+to/ken="])
@pytest.mark.parametrize(
    ("method", "params", "body"),
    [
        ("GET", {"maxResults": "1000", "nextToken": "a+b/c=", "accountId": "*"}, b""),
        ("POST", {}, b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2FR"),
    ],
)
def test_signature_is_botocores(
    monkeypatch: pytest.MonkeyPatch,
    token: str | None,
    method: str,
    params: dict[str, str],
    body: bytes,
) -> None:
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: datetime(2026, 11, 27, 6, 5))
    request = AWSRequest(method, "http://127.0.0.1:8080/backup-jobs/", params=params, data=body)
    SigV4Auth(Credentials("AKIAEXAMPLE", "secret", token), "backup", "eu-west-1").add_auth(request)
    query = minimal.canonical_query(params)
    ours = minimal.sign(
        minimal.Credentials("AKIAEXAMPLE", "secret", token),
        "backup",
        "eu-west-1",
        (method, "127.0.0.1:8080", "/backup-jobs/", query, body),
        "20261127T060500Z",
    )
    assert ours["authorization"] == request.headers["Authorization"]


@pytest.mark.parametrize("mode", ["assume-role", "org-view"])
def test_same_records_as_backupctl(sandbox: Sandbox, mode: str) -> None:
    env = sandbox.env()
    regions = list(sandbox.dataset.regions)
    out = io.StringIO()
    caller = minimal.Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
    client = minimal.Client(minimal.Http(env["AWS_ENDPOINT_URL"]), caller, env["AWS_REGION"], out)
    if mode == "assume-role":
        role = sandbox.config.role_name
        jobs = minimal.run_assume_role(client, regions, role, 8)
        extra = ["--role", role]
    else:
        jobs = minimal.run_org_view(client, regions, 8)
        extra = []
    args = ["jobs", "list", "-o", "ndjson", "--account", "all", "--region", ",".join(regions)]
    result = invoke_on(sandbox, *args, *extra)
    assert result.exit_code == 0, result.stderr
    theirs = [json.loads(line) for line in out.getvalue().splitlines()]
    expected = [json.loads(line) for line in result.stdout.splitlines()]
    assert jobs == len(theirs) == len(expected) > 0
    assert all(tuple(record) == FIELDS for record in theirs)

    def key(record: dict[str, object]) -> str:
        return json.dumps(record, sort_keys=True)

    assert sorted(theirs, key=key) == sorted(expected, key=key)
