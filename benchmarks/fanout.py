"""Fan-out benchmark: ``jobs list -o ndjson`` over a 100-account organization, both modes.

The sandbox runs in its own process (so it does not share backupctl's GIL) with a fixed
latency per request. For each mode the benchmark prints wall time, jobs, requests, peak
memory, and the ratio of the wall time to a lower bound measured in the same run, the
largest of:

  (a) the longest chain of dependent calls x latency,
  (b) requests x latency / concurrency,
  (c) jobs / the rate at which plain ``json.loads`` decodes the same pages.

For scale it first prints "boto3-floor": a new process that fetches the same pages with
boto3 in a thread pool (the org view per account) and does nothing else with them.

Run:  .venv/bin/python benchmarks/fanout.py [--members 100] [--latency 0.04] [--concurrency N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

REGIONS = ("us-east-1", "eu-west-1")
ROLE = "OrganizationAccountAccessRole"
PAGE = 1000
ORG_PAGE = 20  # Organizations ListAccounts returns at most 20 accounts a page


def start_sandbox(
    members: int, jobs: int, latency: float
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """``backupctl sandbox`` in a child process; returns it and the environment it printed."""
    args = [sys.executable, "-m", "backupctl", "sandbox", "--members", str(members)]
    args += ["--jobs-per-region", str(jobs), "--latency", str(latency), "--warm"]
    for region in REGIONS:
        args += ["--region", region]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    env: dict[str, str] = {}
    assert proc.stdout is not None
    while "AWS_REGION" not in env:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the sandbox did not start")
        if line.startswith("export "):
            name, _, value = line[len("export ") :].strip().partition("=")
            env[name] = value.strip("'\"")
    return proc, env


def admin(env: dict[str, str], path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(env["AWS_ENDPOINT_URL"] + path, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


# Linux carries a process's peak RSS across exec, and a spawned child starts from its
# parent's: measured from this process (which holds the decoded pages and the previous
# run's records), every run would report at least the benchmark's own peak. A small
# launcher process spawns backupctl instead and reports the child's wall time and rusage.
_LAUNCHER = """
import os, sys, time
report = int(sys.argv[1])
os.set_inheritable(report, False)
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
os.write(report, f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_cli(env: dict[str, str], args: list[str], expect: int = 0) -> tuple[float, bytes, int]:
    """Wall time, stdout and peak RSS (KiB) of one ``backupctl`` run that exits ``expect``."""
    child_env = {**os.environ, **env, "BACKUPCTL_SANDBOX": "0"}
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        launcher = [sys.executable, "-c", _LAUNCHER, str(write_end)]
        launcher += [sys.executable, "-m", "backupctl", *args]
        subprocess.run(
            launcher, env=child_env, stdout=out, stderr=err, pass_fds=(write_end,), check=True
        )
        os.close(write_end)
        with os.fdopen(read_end, "rb") as report:
            wall_text, rss_text, code_text = report.read().decode().split()
        out.seek(0)
        err.seek(0)
        if int(code_text) != expect:
            raise SystemExit(f"backupctl exited {code_text}: {err.read().decode()[-2000:]}")
        return float(wall_text), out.read(), int(rss_text)


def json_loads_rate(env: dict[str, str], accounts: list[str]) -> tuple[float, int]:
    """Jobs per second that ``json.loads`` decodes, over the very pages the run fetched."""
    import boto3

    bodies: list[bytes] = []

    def capture(response_dict: dict[str, Any], **_: Any) -> None:
        bodies.append(response_dict["body"])

    def fetch(account: str, region: str, operation: str) -> None:
        client = boto3.client(
            "backup",
            region_name=region,
            endpoint_url=env["AWS_ENDPOINT_URL"],
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )
        client.meta.events.register("before-parse.backup.*", capture)
        params: dict[str, Any] = {"ByAccountId": account, "MaxResults": PAGE}
        while True:
            page = getattr(client, operation)(**params)
            if not page.get("NextToken"):
                return
            params["NextToken"] = page["NextToken"]

    operations = ("list_backup_jobs", "list_copy_jobs", "list_restore_jobs")
    with ThreadPoolExecutor(16) as pool:
        for future in [
            pool.submit(fetch, a, r, op) for a in accounts for r in REGIONS for op in operations
        ]:
            future.result()
    best = math.inf
    jobs = 0
    for _ in range(3):
        start = time.perf_counter()
        jobs = 0
        for body in bodies:
            decoded = json.loads(body)
            for key in ("BackupJobs", "CopyJobs", "RestoreJobs"):
                jobs += len(decoded.get(key, ()))
        best = min(best, time.perf_counter() - start)
    return jobs / best, jobs


# The same pages fetched with nothing else done: boto3 clients (with backupctl's json.loads
# parser) in a thread pool, every listing of every active account in the org view, the
# pages decoded and dropped. No records, no output: what boto3 alone costs at this latency.
_FLOOR = """
import os, sys, time
from concurrent.futures import ThreadPoolExecutor
from backupctl.aws.sessions import Connector
from backupctl.aws.settings import AwsSettings
regions, concurrency = sys.argv[1].split(","), int(sys.argv[2])
settings = AwsSettings(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region=regions[0],
    access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"], concurrency=concurrency)
connector = Connector(settings)
org, accounts, params = connector.client("organizations", regions[0]), [], {}
while True:
    page = org.list_accounts(**params)
    accounts += [a["Id"] for a in page["Accounts"] if a["Status"] == "ACTIVE"]
    if not page.get("NextToken"):
        break
    params["NextToken"] = page["NextToken"]
def chain(account, region, operation):
    client, params, jobs = connector.client("backup", region), {"ByAccountId": account}, 0
    params["MaxResults"] = 1000
    while True:
        page = getattr(client, operation)(**params)
        jobs += sum(len(v) for k, v in page.items() if k.endswith("Jobs"))
        if not page.get("NextToken"):
            return jobs
        params["NextToken"] = page["NextToken"]
work = [(a, r, o) for a in accounts for r in regions
        for o in ("list_backup_jobs", "list_copy_jobs", "list_restore_jobs")]
with ThreadPoolExecutor(concurrency) as pool:
    print(sum(pool.map(lambda w: chain(*w), work)))
os._exit(0)
"""


def boto3_floor(env: dict[str, str], concurrency: int) -> dict[str, Any]:
    """Wall time of fetching the same pages with boto3 and nothing else, in a new process."""
    admin(env, "/_sandbox/reset", "POST")
    child_env = {**os.environ, **env, "BACKUPCTL_SANDBOX": "0"}
    args = [sys.executable, "-c", _FLOOR, ",".join(REGIONS), str(concurrency)]
    start = time.perf_counter()
    done = subprocess.run(args, env=child_env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    requests = admin(env, "/_sandbox/counters")["total_requests"]
    return {"mode": "boto3-floor", "wall_s": round(wall, 3), "jobs": int(done.stdout),
            "requests": requests}  # fmt: skip


def longest_listing(records: list[dict[str, Any]], by_account: bool) -> int:
    """Pages of the longest chain of List calls (one chain per account?, region and kind)."""
    sizes = Counter(
        (r["account_id"] if by_account else "*", r["region"], r["kind"]) for r in records
    )
    return max(math.ceil(n / PAGE) for n in sizes.values())


def measure(env: dict[str, str], mode: str, args: list[str], members: int, latency: float,
            concurrency: int, rate: float) -> dict[str, Any]:  # fmt: skip
    admin(env, "/_sandbox/reset", "POST")
    wall, out, rss = run_cli(env, args)
    records = [json.loads(line) for line in out.splitlines()]
    counters = admin(env, "/_sandbox/counters")
    requests = counters["total_requests"]
    assume = sum(r["count"] for r in counters["requests"] if r["operation"] == "AssumeRole")
    org_pages = math.ceil((members + 1) / ORG_PAGE)
    if mode == "assume-role":
        chain = 1 + org_pages + 1 + longest_listing(records, by_account=True)
    else:
        chain = 1 + longest_listing(records, by_account=False)
    bounds = {
        "a_chain": chain * latency,
        "b_requests": requests * latency / concurrency,
        "c_json_loads": len(records) / rate,
    }
    pages = requests - assume - 1 - (org_pages if mode == "assume-role" else 0)
    return {
        "mode": mode,
        "wall_s": round(wall, 3),
        "jobs": len(records),
        "unique_jobs": len({r["job_id"] for r in records}),
        "requests": requests,
        "assume_role": assume,
        "list_pages": pages,
        "peak_rss_mib": round(rss / 1024, 1),
        "lower_bound_s": round(max(bounds.values()), 3),
        "bounds_s": {k: round(v, 3) for k, v in bounds.items()},
        "ratio": round(wall / max(bounds.values()), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--jobs-per-region", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.04)
    parser.add_argument("--concurrency", type=int, default=None, help="default: backupctl's")
    options = parser.parse_args()

    from backupctl.engine.fanout import DEFAULT_CONCURRENCY

    concurrency = options.concurrency or DEFAULT_CONCURRENCY
    fast_proc, fast_env = start_sandbox(options.members, options.jobs_per_region, 0.0)
    proc, env = start_sandbox(options.members, options.jobs_per_region, options.latency)
    try:
        accounts = ["*"]
        rate, decoded = json_loads_rate(fast_env, accounts)
        fast_proc.send_signal(signal.SIGTERM)
        base = ["jobs", "list", "-o", "ndjson", "--account", "all", "--region", ",".join(REGIONS)]
        base += ["--concurrency", str(concurrency)]
        print(json.dumps({"json_loads_jobs_per_s": round(rate), "jobs_decoded": decoded,
                          "latency_s": options.latency, "concurrency": concurrency,
                          "members": options.members}))  # fmt: skip
        print(json.dumps(boto3_floor(env, concurrency)))
        for mode, extra in (("assume-role", ["--role", ROLE]), ("org-view", [])):
            result = measure(env, mode, base + extra, options.members, options.latency,
                             concurrency, rate)  # fmt: skip
            print(json.dumps(result))
    finally:
        for child in (proc, fast_proc):
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=10)


if __name__ == "__main__":
    main()
