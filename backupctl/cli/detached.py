"""``backupctl sandbox --detach``: the server in a process of its own, so that
``eval "$(backupctl sandbox --detach)"`` returns.

``$(...)`` waits until the command's stdout is closed, which a server in the foreground
never does, even sent to the background with ``&`` (it holds the pipe open). Here the
process forks before the server starts (no thread exists yet); the child leaves the
terminal's session, starts the server and writes the exports to a pipe, which it closes;
the parent prints them with ``BACKUPCTL_SANDBOX_PID`` and returns. The server serves
until SIGTERM (``kill $BACKUPCTL_SANDBOX_PID``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from backupctl.domain.errors import ExitStatus

PID_VARIABLE = "BACKUPCTL_SANDBOX_PID"

# serve(exports, settled): start the server, write the exports to ``exports``, call
# ``settled()`` (here: close the pipe, and say nothing more on stderr), serve until stopped;
# its exit code.
Serve = Callable[[TextIO, Callable[[], None]], int]


def run_detached(serve: Serve, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``serve`` in a child process; print its exports and its process id. The exit
    code: 0, or the child's when it ended without writing any (it said why on stderr)."""
    stdout.flush()
    stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the server
        code = int(ExitStatus.INTERNAL)
        try:
            os.close(read_end)
            os.setsid()  # no terminal: its hang-up and its Ctrl-C are not the server's
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, sys.stdin.fileno())
            os.dup2(devnull, sys.stdout.fileno())
            with os.fdopen(write_end, "w", encoding="utf-8") as exports:

                def settled() -> None:
                    exports.close()  # the parent prints the exports once the pipe is closed
                    os.dup2(devnull, sys.stderr.fileno())

                code = serve(exports, settled)
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, encoding="utf-8") as pipe:
        printed = pipe.read()
    if not printed:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) or int(ExitStatus.UNREADABLE)
    stdout.write(f"{printed}export {PID_VARIABLE}={pid}\n")
    stdout.flush()
    stderr.write(
        f"backupctl sandbox: serving in the background as process {pid}; "
        f"stop it with: kill ${PID_VARIABLE}\n"
    )
    stderr.flush()
    return int(ExitStatus.OK)
