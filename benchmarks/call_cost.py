"""What the SDK costs per call and at start, against the minimal client's raw HTTP.

At 40 ms a call both programs of the fan-out benchmark are bound by CPU, so its ratio counts
every millisecond of CPU backupctl spends beyond the minimal client. Part of that is the
SDK's, which the project requires (backupctl talks to AWS through boto3/botocore only):
botocore builds each request through its event hooks, signs it, sends it through urllib3's
pool and reads the response, where the minimal client signs with ``hmac`` and writes to an
``http.client`` connection; and it loads its service models and endpoint rules at start.
This measures those costs on one sandbox (its own process, no latency), in one thread, as
CPU time, each batch of the SDK's and of the minimal client's in turns:

- a List call: ``ListBackupJobs`` of one account and region (one page of a few hundred
  jobs, its body left undecoded by both), through a backupctl client (botocore, the role's
  credentials bound, backupctl's response parser) and through the minimal client's ``Http``;
- an AssumeRole: through botocore's STS client (its XML parsed into a response), and the
  minimal client's (``ElementTree``);
- the start: a fresh process's CPU to import botocore and build the clients a run needs
  (STS, Organizations and Backup), against the minimal client's imports.

``benchmarks/fanout.py`` adds these differences, times the calls of its run, to its target:
``fair_bound_s``.

Run:  .venv/bin/python benchmarks/call_cost.py [--calls 50] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROLE, start_sandbox
from minimal_client import Client, Credentials, Http

from backupctl.aws.sessions import Connector
from backupctl.aws.settings import AwsSettings

REGION = "eu-west-1"

_SDK_START = """
import time
import botocore.session
session = botocore.session.get_session()
for service in ("sts", "organizations", "backup"):
    session.create_client(service, region_name="{region}", endpoint_url="{endpoint}",
                          aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="example")
print(time.process_time())
"""
_RAW_START = """
import time
import concurrent.futures, hashlib, hmac, http.client, json, urllib.parse, xml.etree.ElementTree
print(time.process_time())
"""


@dataclass(frozen=True)
class Costs:
    """CPU milliseconds of one call and seconds of the start, the SDK's and the raw client's."""

    list_call_ms: dict[str, float]
    assume_role_ms: dict[str, float]
    start_s: dict[str, float]

    def extra_s(self, calls: int, assume_roles: int) -> float:
        """The SDK's CPU beyond the raw client's for a run of ``calls`` requests, of which
        ``assume_roles`` are AssumeRoles, and one start."""
        per_call = self.list_call_ms["sdk"] - self.list_call_ms["raw"]
        per_assume = self.assume_role_ms["sdk"] - self.assume_role_ms["raw"]
        started = self.start_s["sdk"] - self.start_s["raw"]
        return ((calls - assume_roles) * per_call + assume_roles * per_assume) / 1000 + started


def _cpu_ms(batch: Callable[[], object], calls: int) -> float:
    """The CPU of this thread per call of ``batch`` (which makes ``calls`` calls)."""
    start = time.thread_time()
    batch()
    return (time.thread_time() - start) / calls * 1000


def _start_s(code: str) -> float:
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(output.split()[-1])


def _member(raw: Client) -> tuple[str, Credentials]:
    """A member account whose role may be assumed (the sandbox denies some), and its keys."""
    caller = raw.caller_account()
    for account in (a for page in raw.account_pages() for a in page if a != caller):
        try:
            return account, raw.assume(account, ROLE)
        except RuntimeError:  # denied: the sandbox's deliberate breakages
            continue
    raise SystemExit("no member account of the sandbox lets its role be assumed")


def measure(env: dict[str, str], calls: int, rounds: int) -> Costs:
    """Each cost's median over ``rounds`` batches of ``calls``, the two clients in turns."""
    settings = AwsSettings(
        region=env["AWS_REGION"],
        endpoint_url=env["AWS_ENDPOINT_URL"],
        access_key_id=env["AWS_ACCESS_KEY_ID"],
        secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    connector = Connector(settings, role=ROLE)
    caller = Credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"])
    http = Http(env["AWS_ENDPOINT_URL"])
    raw = Client(http, caller, env["AWS_REGION"], sys.stderr)
    account, member = _member(raw)
    sdk_backup = connector.client("backup", REGION, account)
    sts = connector.client("sts")
    role_arn = f"arn:aws:iam::{account}:role/{ROLE}"
    params = {"maxResults": "1000"}
    pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {
        "list_call_ms": (
            lambda: [sdk_backup.list_backup_jobs(MaxResults=1000) for _ in range(calls)],
            lambda: [
                http.call(member, "backup", REGION, "GET", "/backup-jobs/", params)
                for _ in range(calls)
            ],
        ),
        "assume_role_ms": (
            lambda: [
                sts.assume_role(RoleArn=role_arn, RoleSessionName="backupctl") for _ in range(calls)
            ],
            lambda: [raw.assume(account, ROLE) for _ in range(calls)],
        ),
    }
    measured: dict[str, dict[str, list[float]]] = {}
    for name, (sdk, plain) in pairs.items():
        sdk(), plain()  # connections opened, caches warm
        samples: dict[str, list[float]] = {"sdk": [], "raw": []}
        for round_ in range(rounds):
            for side in ("sdk", "raw") if round_ % 2 == 0 else ("raw", "sdk"):
                samples[side].append(_cpu_ms(sdk if side == "sdk" else plain, calls))
        measured[name] = samples
    code = _SDK_START.format(region=REGION, endpoint=env["AWS_ENDPOINT_URL"])
    starts = {"sdk": [_start_s(code) for _ in range(rounds)]}
    starts["raw"] = [_start_s(_RAW_START) for _ in range(rounds)]

    def medians(samples: dict[str, list[float]], digits: int) -> dict[str, float]:
        return {side: round(statistics.median(values), digits) for side, values in samples.items()}

    return Costs(
        list_call_ms=medians(measured["list_call_ms"], 3),
        assume_role_ms=medians(measured["assume_role_ms"], 3),
        start_s=medians(starts, 3),
    )


def measure_on_own_sandbox(calls: int, rounds: int) -> Costs:
    """``measure`` on a sandbox of its own, with no latency (CPU does not depend on it)."""
    sandbox = start_sandbox(members=8, jobs=400, latency=0.0)
    try:
        return measure(sandbox.env, calls, rounds)
    finally:
        sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    print(json.dumps(asdict(measure_on_own_sandbox(options.calls, options.rounds))))


if __name__ == "__main__":
    main()
