"""Memory benchmark: peak RSS of ``jobs list`` as the number of jobs grows.

None of the machine formats keeps the jobs: NDJSON is written page by page as pages
arrive, JSON and CSV sort newest first by spilling sorted runs of rendered rows to a
temporary file (``output/spool.py``). Their peak memory is set by the pages in flight,
which grows until every page is a full one (1000 jobs), then stays. For each size the
sandbox (in its own process, no latency) holds 10 member accounts x 2 regions with N jobs
per account and region; backupctl reads them all in assume-role mode, and the benchmark
prints its peak RSS.

Run:  .venv/bin/python benchmarks/memory.py [--sizes 800,3200,12800,25600]
                                           [--formats ndjson,csv,json]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import REGIONS, ROLE, backupctl, run, start_sandbox


def _count(fmt: str, out: bytes) -> int:
    """Jobs in the output (a CSV cell may hold a line break)."""
    if fmt == "json":
        return len(json.loads(out))
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(out.decode()))) - 1
    return out.count(b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument(
        "--sizes", default="800,3200,12800,25600", help="jobs per account and region"
    )
    parser.add_argument("--formats", default="ndjson,csv,json")
    options = parser.parse_args()
    for size in (int(s) for s in options.sizes.split(",")):
        sandbox = start_sandbox(options.members, size, 0.0)
        try:
            for fmt in options.formats.split(","):
                args = ["jobs", "list", "-o", fmt, "--account", "all", "--role", ROLE]
                args += ["--region", ",".join(REGIONS)]
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp, "out")
                    measured = run(sandbox, backupctl(*args), path)
                    jobs = _count(fmt, path.read_bytes())
                line = {"format": fmt, "jobs_per_account_region": size, "jobs": jobs}
                line |= {"wall_s": measured.wall_s, "peak_rss_mib": measured.peak_rss_mib}
                print(json.dumps(line), flush=True)
        finally:
            sandbox.stop()


if __name__ == "__main__":
    main()
