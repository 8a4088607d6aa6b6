"""History benchmark: ``history sync`` of the sandbox's organization, and queries on a
store of a million jobs.

1. Sync. The sandbox runs in its own process with a fixed latency per request (default
   40 ms), 100 member accounts x 2 regions x about 400 jobs each. For the org view
   (``--account all``) and assume-role mode (``--role``), in a new store each: the
   requests and wall time of a first (full) sync, then of a second sync right after.
2. Queries. A store of ``--jobs`` jobs (default 1,000,000) spread evenly over ``--days``
   days (default 365) is written through the sync's own code (``HistoryStore.write``, a
   page of 1000 jobs per transaction), from copies of the sandbox's jobs with new ids and
   creation times: the same mix of kinds, states and resources. Then, each in a new
   process (start-up included), best of 5: ``jobs list --history --state FAILED --since
   90d -o json`` and ``jobs summary --history --since 90d``, with ``backupctl --help`` for
   the start-up alone; and the store's own share, in this process: reading the jobs
   (``HistoryStore.jobs``) and counting them (``HistoryStore.counts``).

Run:  .venv/bin/python benchmarks/history.py [--members 100] [--latency 0.04]
                                            [--jobs 1000000] [--days 365]
                                            [--no-sync] [--store PATH]
(``--store``: build the big store there once and reuse it on later runs.)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REGIONS, ROLE, SandboxProcess, backupctl, run, start_sandbox

from backupctl.aws.normalize import normalize
from backupctl.domain.history import Scope
from backupctl.domain.job import Job, Kind
from backupctl.domain.query import Query
from backupctl.local.history_store import HistoryStore
from backupctl.sandbox import Sandbox, SandboxConfig

PAGE = 1000


def sync_runs(sandbox: SandboxProcess, folder: Path) -> list[dict[str, object]]:
    """A full sync and a second one, in both modes: wall and requests of each."""
    results: list[dict[str, object]] = []
    targets = ["--account", "all", "--region", ",".join(REGIONS)]
    for mode, extra in (("org-view", []), ("assume-role", ["--role", ROLE])):
        db = folder / f"{mode}.sqlite"
        for which in ("full", "second"):
            sandbox.admin("/_sandbox/reset", "POST")
            args = ["history", "sync", *targets, *extra, "--db", str(db)]
            measured = run(sandbox, backupctl(*args), folder / "sync.out")
            counters = sandbox.admin("/_sandbox/counters")
            listed = sum(
                r["count"] for r in counters["requests"] if r["operation"].endswith("Jobs")
            )
            results.append({"mode": mode, "sync": which, "wall_s": round(measured.wall_s, 2),
                            "requests": counters["total_requests"], "list_calls": listed,
                            "peak_rss_mib": measured.peak_rss_mib})  # fmt: skip
    return results


def templates() -> list[Job]:
    """Every job of the default sandbox organization: the mix the big store copies."""
    dataset = Sandbox(SandboxConfig()).dataset
    return [
        normalize(kind, raw, account.id, region)
        for kind in Kind
        for account in dataset.active_accounts
        for region in dataset.regions
        for raw in dataset.jobs(kind.value, account.id, region)
    ]


def build_store(path: Path, jobs: int, days: int, now: datetime) -> dict[str, object]:
    """``jobs`` jobs over ``days`` days before ``now``, written a page per transaction."""
    models = templates()
    step = timedelta(days=days) / jobs
    store = HistoryStore.for_sync(path)
    began = time.perf_counter()
    for start in range(0, jobs, PAGE):
        page = [
            models[i % len(models)]._replace(
                job_id=f"{i:012d}-BENCH", created_at=now - step * i, completed_at=None
            )
            for i in range(start, min(start + PAGE, jobs))
        ]
        store.write(page)
    store.optimize()
    store.close()
    wall = time.perf_counter() - began
    size = sum(part.stat().st_size for part in path.parent.glob(path.name + "*"))
    return {"store_jobs": jobs, "days": days, "build_s": round(wall, 1),
            "jobs_per_s": round(jobs / wall), "size_mib": round(size / 2**20)}  # fmt: skip


def store_share(db: Path, runs: int = 5) -> dict[str, object]:
    """Best of ``runs``: the store's reading of the two queries, with no output."""
    now = datetime.now(UTC)
    since = now - timedelta(days=90)
    failed = Query(states=("FAILED",), since=since)
    best_jobs = best_counts = float("inf")
    for _ in range(runs):
        store = HistoryStore.for_reading(db)
        began = time.perf_counter()
        jobs = sum(len(page) for page in store.jobs(failed, Scope()))
        counted = time.perf_counter()
        rows = store.counts(since.date(), now.date(), Query(), Scope(), None)
        best_jobs = min(best_jobs, counted - began)
        best_counts = min(best_counts, time.perf_counter() - counted)
        store.close()
    return {"store_read_failed_90d_s": round(best_jobs, 3), "jobs": jobs,
            "store_counts_90d_s": round(best_counts, 3), "count_rows": len(rows)}  # fmt: skip


def best_of(args: list[str], folder: Path, runs: int = 5) -> tuple[float, bytes]:
    """The shortest wall time of ``runs`` new processes, and the output of the last."""
    best, out = float("inf"), folder / "query.out"
    for _ in range(runs):
        best = min(best, run({}, backupctl(*args), out).wall_s)
    return best, out.read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--jobs-per-region", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.04)
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--no-sync", action="store_true", help="only the queries")
    parser.add_argument("--store", type=Path, help="the big store: reused if it exists")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if not options.no_sync:
            sandbox = start_sandbox(options.members, options.jobs_per_region, options.latency)
            try:
                for result in sync_runs(sandbox, Path(folder)):
                    print(json.dumps(result), flush=True)
            finally:
                sandbox.stop()
        db = options.store or Path(folder) / "million.sqlite"
        if not db.exists():
            built = build_store(db, options.jobs, options.days, datetime.now(UTC))
            print(json.dumps(built), flush=True)
        history = ["--history", "--db", str(db), "--account", "all", "--region", "all"]
        queries = {
            "help": ["--help"],
            "failed_90d_json": ["jobs", "list", *history, "--state", "FAILED", "--since", "90d",
                                "-o", "json"],
            "summary_90d": ["jobs", "summary", *history, "--since", "90d"],
        }  # fmt: skip
        for name, args in queries.items():
            wall, out = best_of(args, Path(folder))  # no AWS call: no endpoint needed
            sized = {"records": len(json.loads(out))} if name == "failed_90d_json" else {}
            print(json.dumps({"query": name, "best_of_5_s": round(wall, 3), **sized}), flush=True)
        print(json.dumps(store_share(db)), flush=True)


if __name__ == "__main__":
    main()
