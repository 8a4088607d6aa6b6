"""Start-up benchmark: ``--help``, ``jobs list --help`` and a completion request.

Each is run as a fresh process several times; the best and the median wall time are
printed beside ``aws --version`` (when the AWS CLI is installed) for scale. Target: under
0.3 s each, with boto3 never imported (tests/cli/test_startup.py checks the imports).

Run:  .venv/bin/python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

COMMANDS: dict[str, tuple[list[str], dict[str, str]]] = {
    "backupctl --help": (["--help"], {}),
    "backupctl jobs list --help": (["jobs", "list", "--help"], {}),
    "completion (jobs list --st<TAB>)": (
        [],
        {
            "_BACKUPCTL_COMPLETE": "complete_bash",
            "COMP_WORDS": "backupctl jobs list --state F",
            "COMP_CWORD": "4",
        },
    ),
}


def backupctl() -> list[str]:
    """The installed console script when there is one, else ``python -m backupctl``."""
    script = shutil.which("backupctl", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "backupctl"]


def timed(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        walls.append(time.perf_counter() - start)
    return walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    options = parser.parse_args()
    base = backupctl()
    rows = {name: timed(base + args, env, options.runs) for name, (args, env) in COMMANDS.items()}
    aws = shutil.which("aws")
    if aws:
        rows["aws --version (for scale)"] = timed([aws, "--version"], {}, options.runs)
    for name, walls in rows.items():
        best, median = round(min(walls), 3), round(statistics.median(walls), 3)
        print(json.dumps({"command": name, "best_s": best, "median_s": median, "runs": len(walls)}))
    if not aws:
        print(json.dumps({"command": "aws --version (for scale)", "note": "AWS CLI not installed"}))


if __name__ == "__main__":
    main()
