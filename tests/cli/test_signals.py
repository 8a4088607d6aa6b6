"""SIGINT and SIGTERM in a real process whose stdout is read slowly through a real pipe.

The sorted formats (JSON, CSV, the table) write everything at the end of the run; a reader
slower than backupctl keeps it writing for many seconds. A stop signal must still end the
run within two seconds, on a whole line, with a note on stderr and its own exit code.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import select
import signal
import struct
import subprocess
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import IO

import pytest
from rich.cells import cell_len

from backupctl.domain.job import FIELDS
from tests.cli.test_streams import BACKUPCTL, EVERY_JOB, clean_env
from tests.cli.test_watch import frames

# 4 KiB every 50 ms: 80 KiB/s, so the table (about 450 KB) takes 6 s to read, CSV 45 s,
# JSON and NDJSON well over a minute.
READ_SIZE = 4096
READ_PAUSE = 0.05
# The table's lines are as wide as the console: 80 columns when stdout is not a terminal.
TABLE_WIDTH = 80
STOPS = {
    signal.SIGINT: (130, "backupctl: interrupted"),
    signal.SIGTERM: (143, "backupctl: terminated"),
}

pytestmark = pytest.mark.skipif(not Path(BACKUPCTL).exists(), reason="console script missing")


class SlowReader(threading.Thread):
    """Reads a stream a little at a time until it ends; ``begun`` is set at the first bytes."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(daemon=True)
        self._stream = stream
        self._chunks: list[bytes] = []
        self.begun = threading.Event()

    def run(self) -> None:
        while chunk := self._stream.read1(READ_SIZE):  # type: ignore[attr-defined]
            self._chunks.append(chunk)
            self.begun.set()
            time.sleep(READ_PAUSE)

    @property
    def output(self) -> bytes:
        return b"".join(self._chunks)


def _assert_whole_ndjson(text: str) -> None:
    for line in text.splitlines():
        assert set(json.loads(line)) == set(FIELDS)


def _assert_whole_csv(text: str) -> None:
    assert text.endswith("\r\n")
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert header == list(FIELDS)
    assert rows
    for row in rows:
        assert len(row) == len(FIELDS), row


def _assert_whole_json(text: str) -> None:
    """An array cut after any of its lines: the records before the cut are whole, and each
    line after the last of them is one key and its value."""
    assert text.startswith("[\n")
    assert text.endswith("\n")
    last_record_end = text.rfind("\n  }") + len("\n  }")
    records = json.loads(text[:last_record_end] + "\n]")
    assert records
    assert all(set(record) == set(FIELDS) for record in records)
    for line in text[last_record_end:].splitlines():
        if line.strip(" ,") in ("", "{"):
            continue
        assert line.startswith('    "'), line
        assert len(json.loads("{" + line.rstrip(",") + "}")) == 1


def _assert_whole_table(text: str) -> None:
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["created", "kind", "state"]
    assert text.endswith("\n")
    for line in lines:
        assert cell_len(line) == TABLE_WIDTH, line


WHOLE = {
    "ndjson": _assert_whole_ndjson,
    "csv": _assert_whole_csv,
    "json": _assert_whole_json,
    "table": _assert_whole_table,
}


@pytest.mark.parametrize("stop", list(STOPS), ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize("fmt", list(WHOLE))
def test_a_stop_signal_ends_a_slowly_read_run_within_2s_on_a_whole_line(
    fmt: str, stop: signal.Signals
) -> None:
    code, note = STOPS[stop]
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [BACKUPCTL, "--sandbox", "jobs", "list", *EVERY_JOB, "-o", fmt],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=clean_env(),
        )
        assert child.stdout is not None
        reader = SlowReader(child.stdout)
        reader.start()
        try:
            assert reader.begun.wait(60), "no output"  # a sorted format writes at the end
            signalled = time.monotonic()
            child.send_signal(stop)
            exit_code = child.wait(timeout=60)
            elapsed = time.monotonic() - signalled
        finally:
            child.kill()
            child.wait()
        reader.join(timeout=60)
        errors.seek(0)
        stderr = errors.read().decode()
    assert exit_code == code, stderr
    assert elapsed < 2
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == note
    WHOLE[fmt](reader.output.decode())


def _read_terminal(primary: int, until: bytes | None, deadline: float) -> bytes:
    """What the child drew on the terminal, up to ``until`` (None: until it closes)."""
    drawn = b""
    while time.monotonic() < deadline and (until is None or until not in drawn):
        ready, _, _ = select.select([primary], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the child closed its side of the terminal
            break
        if not chunk:
            break
        drawn += chunk
    return drawn


@pytest.mark.parametrize("stop", list(STOPS), ids=lambda s: signal.Signals(s).name)
def test_a_stop_signal_ends_jobs_watch_leaving_the_last_view(stop: signal.Signals) -> None:
    code, _ = STOPS[stop]
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 60, 160, 0, 0))
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [BACKUPCTL, "--sandbox", "jobs", "watch", "--account", "all", "--interval", "1"],
            stdout=secondary,
            stderr=errors,
            env=clean_env(TERM="xterm-256color"),
        )
        os.close(secondary)
        try:
            before = _read_terminal(primary, b"next in", time.monotonic() + 60)
            assert b"next in" in before, "no countdown drawn"
            signalled = time.monotonic()
            child.send_signal(stop)
            exit_code = child.wait(timeout=60)
            elapsed = time.monotonic() - signalled
            after = _read_terminal(primary, None, time.monotonic() + 5)
        finally:
            child.kill()
            child.wait()
            os.close(primary)
        errors.seek(0)
        stderr = errors.read().decode()
    assert exit_code == code, stderr
    assert elapsed < 2
    assert stderr == ""  # every target was read; Ctrl-C and SIGTERM are how a watch ends
    last = frames((before + after).decode())[-1]
    assert "refreshed " in last
    assert "next in" not in last  # the last view stays, without its countdown
    assert b"\x1b[?25h" in after  # the cursor is shown again
