"""Fan-out benchmark: backupctl against a minimal client, in turns, over a 100-account organization.

The sandbox runs in its own process with a fixed latency per request. Each round runs, in
both modes (``--role``: assume a role in each account; the org view: ``ByAccountId=*``),
``backupctl jobs list -o ndjson --account all`` and ``benchmarks/minimal_client.py``, the
same calls at the same concurrency with nothing else (raw HTTP on keep-alive connections,
SigV4, ``json.loads`` per page, one ``json.dumps`` per record, no SDK, no retries), one
after the other; which of the two goes first alternates from round to round, so drift in
the machine's load falls on both. Both write their NDJSON to a file.

Every run is checked: as many jobs as distinct job ids, the same ids from both programs,
and in the first round the same records. Per latency and mode it prints min/median/max
wall time of each, the ratio of the medians (the target: at most 1.25), the requests each
made, the jobs, and peak RSS; and, for scale, the network's own bound: the largest of the
longest chain of dependent calls x latency and requests x latency / concurrency.

Where both are bound by CPU (40 ms a call on this 2-core machine), the ratio also counts the
SDK's own CPU, which backupctl must spend and the minimal client does not: the benchmark
first measures it (``benchmarks/call_cost.py``: per List call, per AssumeRole, at start) and
prints, beside the ratio, ``fair_bound_s``: 1.25 x the minimal client's median had it made
its calls through the SDK (its median plus the SDK's extra CPU for its calls and start).

At AWS-like latency backupctl reads a long org-view listing as windows of creation time
side by side (``engine/windows.py``): it makes a few more calls than the plain chains of
the minimal client, and can take less time.

Run:  .venv/bin/python benchmarks/fanout.py [--latency 0.04,0.2] [--rounds 5] [--members 100]
                                            [--jobs-per-region 400] [--concurrency N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from call_cost import Costs, measure_on_own_sandbox
from harness import (
    REGIONS,
    ROLE,
    Run,
    SandboxProcess,
    backupctl,
    minimal_client,
    run,
    spread,
    start_sandbox,
)

PAGE = 1000
ORG_PAGE = 20  # Organizations ListAccounts returns at most 20 accounts a page
MODES = ("assume-role", "org-view")
PROGRAMS = ("backupctl", "minimal")
TARGET = 1.25  # backupctl's median wall, at most this times the minimal client's


def _argv(program: str, mode: str, concurrency: int) -> list[str]:
    regions = ",".join(REGIONS)
    if program == "minimal":
        return minimal_client(
            "--mode", mode, "--region", regions, "--concurrency", str(concurrency)
        )
    args = ["jobs", "list", "-o", "ndjson", "--account", "all", "--region", regions]
    args += ["--concurrency", str(concurrency)]
    return backupctl(*args, *(["--role", ROLE] if mode == "assume-role" else []))


class Output:
    """What a run printed: its job ids, the size of its listings, a digest of each record."""

    def __init__(self, path: Path, with_digests: bool) -> None:
        self.ids: set[str] = set()
        self.jobs = 0
        self.listings: Counter[tuple[str, str, str]] = Counter()
        self.digests: list[bytes] = []
        with path.open("rb") as lines:
            for line in lines:
                record = json.loads(line)
                self.jobs += 1
                self.ids.add(record["job_id"])
                self.listings[(record["account_id"], record["region"], record["kind"])] += 1
                if with_digests:
                    canonical = json.dumps(record, sort_keys=True).encode()
                    self.digests.append(hashlib.blake2b(canonical, digest_size=16).digest())
        self.digests.sort()

    def longest_chain(self, by_account: bool) -> int:
        """Pages of the longest List chain: one per account (or one for all), region, kind."""
        sizes: Counter[tuple[str, str, str]] = Counter()
        for (account, region, kind), jobs in self.listings.items():
            sizes[(account if by_account else "*", region, kind)] += jobs
        return max(math.ceil(jobs / PAGE) for jobs in sizes.values())


def _checked(outputs: dict[str, Output], mode: str) -> None:
    """Both programs printed each job once, and the same jobs (and records, where digested)."""
    for program, output in outputs.items():
        if output.jobs != len(output.ids):
            raise SystemExit(
                f"{mode}: {program} printed {output.jobs} records of {len(output.ids)} jobs"
            )
    ours, theirs = outputs["backupctl"], outputs["minimal"]
    if ours.ids != theirs.ids:
        raise SystemExit(
            f"{mode}: backupctl and the minimal client printed different jobs "
            f"({len(ours.ids - theirs.ids)} only in backupctl's, "
            f"{len(theirs.ids - ours.ids)} only in the minimal client's)"
        )
    if ours.digests != theirs.digests:
        raise SystemExit(f"{mode}: backupctl and the minimal client printed different records")


@dataclass(frozen=True)
class Sample:
    """One measured run and the requests the sandbox counted during it."""

    run: Run
    requests: int
    assume_roles: int


def _sample(
    sandbox: SandboxProcess, program: str, mode: str, concurrency: int, path: Path
) -> Sample:
    sandbox.admin("/_sandbox/reset", "POST")
    result = run(sandbox, _argv(program, mode, concurrency), path)
    counters = sandbox.admin("/_sandbox/counters")
    assumed = sum(c["count"] for c in counters["requests"] if c["operation"] == "AssumeRole")
    return Sample(result, int(counters["total_requests"]), assumed)


def _summary(
    latency: float,
    mode: str,
    samples: dict[str, list[Sample]],
    output: Output,
    members: int,
    concurrency: int,
    costs: Costs,
) -> dict[str, Any]:
    """One mode's line: the spread of each program's runs, their ratio, the network bound."""
    walls = {p: [s.run.wall_s for s in samples[p]] for p in PROGRAMS}
    paired = zip(walls["backupctl"], walls["minimal"], strict=True)
    medians = {p: statistics.median(walls[p]) for p in PROGRAMS}
    requests = max(s.requests for s in samples["backupctl"])
    chain = 1 + output.longest_chain(by_account=mode == "assume-role")  # STS, then the listing
    if mode == "assume-role":
        chain += math.ceil((members + 1) / ORG_PAGE) + 1  # the accounts, the role
    bounds = {"chain": chain * latency, "requests": requests * latency / concurrency}
    bound = max(bounds, key=lambda name: bounds[name])
    # The minimal client's calls, had it made them through the SDK as backupctl must.
    minimal = samples["minimal"][0]
    sdk_extra = costs.extra_s(minimal.requests, minimal.assume_roles)
    fair_bound = TARGET * (medians["minimal"] + sdk_extra)
    return {
        "latency_s": latency,
        "mode": mode,
        "rounds": len(walls["backupctl"]),
        "backupctl_wall_s": spread(walls["backupctl"]),
        "minimal_wall_s": spread(walls["minimal"]),
        "ratio_of_medians": round(medians["backupctl"] / medians["minimal"], 2),
        "within_target": medians["backupctl"] <= TARGET * medians["minimal"],
        "ratio_by_round": spread([round(ours / theirs, 2) for ours, theirs in paired]),
        "sdk_extra_s": round(sdk_extra, 3),
        "fair_bound_s": round(fair_bound, 3),
        "within_fair_bound": medians["backupctl"] <= fair_bound,
        "jobs": output.jobs,
        "requests": {p: sorted({s.requests for s in samples[p]}) for p in PROGRAMS},
        "cpu_s": {p: spread([s.run.cpu_s for s in samples[p]]) for p in PROGRAMS},
        "peak_rss_mib": {p: spread([s.run.peak_rss_mib for s in samples[p]]) for p in PROGRAMS},
        "network_bound_s": {"value": round(bounds[bound], 3), "by": bound},
    }


def bench_latency(
    options: argparse.Namespace, latency: float, concurrency: int, costs: Costs
) -> None:
    """Start a sandbox with ``latency`` and run every round; print a line per run and mode
    (the runs on stderr)."""
    sandbox = start_sandbox(options.members, options.jobs_per_region, latency)
    samples: dict[str, dict[str, list[Sample]]] = {m: {p: [] for p in PROGRAMS} for m in MODES}
    first: dict[str, Output] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for round_ in range(options.rounds):
                order = PROGRAMS if round_ % 2 == 0 else PROGRAMS[::-1]
                for mode in MODES:
                    outputs: dict[str, Output] = {}
                    for program in order:
                        path = Path(tmp, f"{program}.ndjson")
                        sample = _sample(sandbox, program, mode, concurrency, path)
                        samples[mode][program].append(sample)
                        outputs[program] = Output(path, with_digests=round_ == 0)
                        line = {"latency_s": latency, "round": round_ + 1, "mode": mode}
                        line |= {"program": program, "requests": sample.requests}
                        print(json.dumps(line | asdict(sample.run)), file=sys.stderr, flush=True)
                    _checked(outputs, mode)
                    first.setdefault(mode, outputs["backupctl"])
    finally:
        sandbox.stop()
    for mode in MODES:
        summary = _summary(
            latency, mode, samples[mode], first[mode], options.members, concurrency, costs
        )
        print(json.dumps(summary), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--jobs-per-region", type=int, default=400)
    parser.add_argument("--latency", default="0.04", help="seconds a call; a comma list runs each")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=None, help="default: backupctl's")
    options = parser.parse_args()

    from backupctl.engine.fanout import DEFAULT_CONCURRENCY

    concurrency = options.concurrency or DEFAULT_CONCURRENCY
    costs = measure_on_own_sandbox(calls=50, rounds=5)
    print(json.dumps({"sdk_costs": asdict(costs)}), flush=True)
    for latency in (float(value) for value in options.latency.split(",")):
        bench_latency(options, latency, concurrency, costs)


if __name__ == "__main__":
    main()
