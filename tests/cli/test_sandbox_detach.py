"""``eval "$(backupctl sandbox --detach)"`` returns, and the server it leaves serves until
SIGTERM: the README's line, run by bash (issue 14)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from tests.cli.test_streams import BACKUPCTL, clean_env

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_line() -> str:
    """The README's ``eval`` line, on any free port (tests run side by side)."""
    line = next(
        line.removeprefix("$ ").split("  #")[0]
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith('$ eval "$(backupctl sandbox')
    )
    assert "--detach" in line and "--port 4566" in line
    return line.replace("--port 4566", "--port 0")


def _gone(pid: int) -> bool:
    """Ended (a zombie left for whoever reaps it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return True
    return state in ("Z", "X")


def test_the_readme_line_returns_and_leaves_a_server() -> None:
    script = (
        f"{_readme_line()}\n"
        "backupctl jobs list --limit 2 -o json\n"
        'echo "pid=$BACKUPCTL_SANDBOX_PID"\n'
    ).replace("backupctl", BACKUPCTL)
    done = subprocess.run(
        ["bash", "-e", "-c", script], capture_output=True, text=True, env=clean_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    match = re.search(r"^pid=(\d+)$", done.stdout, re.M)
    assert match is not None, done.stdout
    pid = int(match.group(1))
    try:
        assert len(json.loads(done.stdout[: match.start()])) == 2
        assert done.stderr == (
            f"backupctl sandbox: serving in the background as process {pid}; "
            "stop it with: kill $BACKUPCTL_SANDBOX_PID\n"
        )
        assert not _gone(pid)
    finally:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(pid)


def test_a_server_that_cannot_start_says_so() -> None:
    """The port is taken: the child says why, and the command fails with nothing to eval."""
    first = subprocess.run(
        [BACKUPCTL, "sandbox", "--detach"], capture_output=True, text=True, env=clean_env(),
        timeout=60, check=True,
    )  # fmt: skip
    exports = dict(re.findall(r"^export (\w+)=(\S+)$", first.stdout, re.M))
    pid = int(exports["BACKUPCTL_SANDBOX_PID"])
    try:
        port = exports["AWS_ENDPOINT_URL"].rsplit(":", 1)[1]
        second = subprocess.run(
            [BACKUPCTL, "sandbox", "--detach", "--port", port], capture_output=True, text=True,
            env=clean_env(), timeout=60, check=False,
        )  # fmt: skip
        assert (second.returncode, second.stdout) == (4, "")
        assert second.stderr.startswith(f"backupctl: error: cannot serve on 127.0.0.1:{port}: ")
    finally:
        os.kill(pid, signal.SIGTERM)
