"""What the benchmarks share: the sandbox in its own process, and runs measured from outside.

A run's peak memory must be its own. Linux carries a process's peak RSS across exec, and
a spawned child starts from its parent's: measured from the benchmark (which holds the
previous run's results), every run would report at least the benchmark's own peak. A
small launcher process spawns the measured program instead and reports the child's wall
time and rusage.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGIONS = ("us-east-1", "eu-west-1")
ROLE = "OrganizationAccountAccessRole"
MINIMAL_CLIENT = str(Path(__file__).resolve().parent / "minimal_client.py")


@dataclass
class SandboxProcess:
    """``backupctl sandbox`` in a child process, with the environment it printed."""

    proc: subprocess.Popen[str]
    env: dict[str, str]
    ready_s: float  # from the start of the process to the environment printed (--warm included)

    def admin(self, path: str, method: str = "GET") -> Any:
        """A call to one of the sandbox's ``/_sandbox/`` endpoints, decoded."""
        request = urllib.request.Request(self.env["AWS_ENDPOINT_URL"] + path, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
        return json.loads(body) if body else None

    def peak_rss_mib(self) -> float:
        """The sandbox's peak RSS so far (VmHWM)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return float("nan")

    def stop(self) -> None:
        """SIGTERM, and wait for it to end."""
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def start_sandbox(members: int, jobs: int, latency: float, *extra: str) -> SandboxProcess:
    """A warm sandbox of ``members`` accounts x ``REGIONS``, serving with ``latency``."""
    args = [sys.executable, "-m", "backupctl", "sandbox", "--members", str(members)]
    args += ["--jobs-per-region", str(jobs), "--latency", str(latency), "--warm", *extra]
    for region in REGIONS:
        args += ["--region", region]
    start = time.perf_counter()
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
    return SandboxProcess(proc, env, time.perf_counter() - start)


_LAUNCHER = """
import os, sys, time
report = int(sys.argv[1])
os.set_inheritable(report, False)
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
os.write(report, f"{wall} {usage.ru_maxrss} {cpu} {os.waitstatus_to_exitcode(status)}".encode())
"""


@dataclass(frozen=True)
class Run:
    """What one measured process did."""

    wall_s: float
    peak_rss_mib: float
    cpu_s: float  # user + system


def backupctl(*args: str) -> list[str]:
    """The command line of a ``backupctl`` run."""
    return [sys.executable, "-m", "backupctl", *args]


def minimal_client(*args: str) -> list[str]:
    """The command line of a ``benchmarks/minimal_client.py`` run."""
    return [sys.executable, MINIMAL_CLIENT, *args]


def run(
    sandbox: SandboxProcess | dict[str, str],
    argv: Sequence[str],
    stdout: Path,
    env: dict[str, str] | None = None,
    ok: Sequence[int] = (0,),
) -> Run:
    """Run ``argv`` against the sandbox (a process, or the environment that points at one),
    its stdout into ``stdout``; an exit status not in ``ok`` ends the benchmark with the
    run's stderr."""
    where = sandbox if isinstance(sandbox, dict) else sandbox.env
    child_env = {**os.environ, **where, "BACKUPCTL_SANDBOX": "0", **(env or {})}
    read_end, write_end = os.pipe()
    with stdout.open("wb") as out, tempfile.TemporaryFile() as err:
        launcher = [sys.executable, "-c", _LAUNCHER, str(write_end), *argv]
        subprocess.run(
            launcher, env=child_env, stdout=out, stderr=err, pass_fds=(write_end,), check=True
        )
        os.close(write_end)
        with os.fdopen(read_end, "rb") as report:
            wall, rss, cpu, code = report.read().decode().split()
        if int(code) not in ok:
            err.seek(0)
            raise SystemExit(f"{argv[1:]} exited {code}: {err.read().decode()[-2000:]}")
    return Run(round(float(wall), 3), round(int(rss) / 1024, 1), round(float(cpu), 2))


def spread(values: Sequence[float]) -> dict[str, float]:
    """min, median and max."""
    return {
        "min": min(values),
        "median": round(statistics.median(values), 3),
        "max": max(values),
    }
