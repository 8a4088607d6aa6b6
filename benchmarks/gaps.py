"""Gap report benchmark: ``report gaps -o json --account all`` in both modes, the calls it
makes against the calls it needs, and whether it found exactly the sandbox's record.

The sandbox runs in this process with a fixed latency per request; backupctl runs in a
process of its own. For each mode the benchmark prints wall time, peak memory, the Backup
calls made by operation, the calls needed (``tests.cli.gap_oracle.needed_calls``: every
page of the listings and of ListProtectedResources, GetBackupPlan once per plan version
per account and region, DescribeRecoveryPoint once per last backup no listing shows),
and the gaps found against the record (the org view: what job listings can show).

Run:  .venv/bin/python benchmarks/gaps.py [--members 50] [--jobs 400] [--latency 0.04]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from backupctl.sandbox import Faults, Sandbox, SandboxConfig

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests: what a run needs
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REGIONS, ROLE, backupctl, run

from tests.cli.gap_oracle import backup_calls, needed_calls


def _by_operation(calls: Counter[tuple[str, str, str]]) -> dict[str, int]:
    found: Counter[str] = Counter()
    for (operation, _, _), count in calls.items():
        found[operation] += count
    return dict(sorted(found.items()))


def _expected(server: Sandbox, role: bool) -> tuple[int, int]:
    """(stopped, copies) the run should report."""
    record = server.dataset.gaps()
    management = server.dataset.management_account_id
    stopped = [g for g in record.stopped if role or g.in_job_listings or g.account_id == management]
    return len(stopped), len(record.copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=400, help="jobs per account and region")
    parser.add_argument("--latency", type=float, default=0.04)
    options = parser.parse_args()
    config = SandboxConfig(members=options.members, regions=REGIONS, jobs_per_region=options.jobs)
    with Sandbox(config) as server:
        server.warm()
        server.set_faults(Faults(latency=options.latency))
        env = {key: value for key, value in server.env().items() if key.startswith("AWS_")}
        for role in (True, False):
            server.counters.reset()
            args = ["report", "gaps", "-o", "json", "--account", "all"]
            args += ["--region", ",".join(REGIONS), *(["--role", ROLE] if role else [])]
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "report.json"
                measured = run(env, backupctl(*args), out, ok=(1,))
                report = json.loads(out.read_bytes())
            made, needed = backup_calls(server), needed_calls(server, role=role)
            found = (report["totals"]["stopped"], report["totals"]["copies"])
            line = {
                "mode": "assume-role" if role else "org view",
                "wall_s": round(measured.wall_s, 2),
                "peak_rss_mib": measured.peak_rss_mib,
                "backup_calls": _by_operation(made),
                "needed": _by_operation(needed),
                "only_what_is_needed": made == needed,
                "gaps_found": found,
                "gaps_expected": _expected(server, role),
                "other_requests": server.counters.total_requests() - sum(made.values()),
            }
            print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
