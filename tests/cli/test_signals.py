"""SIGINT and SIGTERM in a real process whose stdout is read slowly through a real pipe
(or is a terminal, for ``jobs watch``), and the stdout stream that makes them safe.

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
from contextlib import suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pytest
from rich.cells import cell_len

from backupctl.cli.signals import PIECE, StdoutClosed, WholeLines
from backupctl.domain.job import FIELDS
from tests.cli.test_streams import BACKUPCTL, EVERY_JOB, STOPS, clean_env
from tests.cli.test_watch import frames

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# 4 KiB every 50 ms: 80 KiB/s, so the table (about 450 KB) takes 6 s to read, CSV 45 s,
# JSON and NDJSON well over a minute.
READ_SIZE = 4096
READ_PAUSE = 0.05
# The table's lines are as wide as the console: 80 columns when stdout is not a terminal.
TABLE_WIDTH = 80

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
    assert lines[0].split()[:2] == ["created", "state"]  # at 80 columns, then the job id
    assert text.endswith("\n")
    for line in lines:  # no trailing spaces: a whole line is one that ended ("\n")
        assert 0 < cell_len(line) <= TABLE_WIDTH, line


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


class _Pieces(io.BytesIO):
    """A binary stream that keeps each write it is given: the pieces stdout went out in."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[bytes] = []

    def write(self, data: ReadableBuffer, /) -> int:
        self.pieces.append(bytes(data))
        return super().write(data)


# The stdouts WholeLines wraps: kept, as sys.stdout is, since closing one closes its buffer.
_WRAPPED: list[io.TextIOWrapper] = []


def _stdout(binary: IO[bytes] | None = None) -> tuple[WholeLines, _Pieces]:
    sent = _Pieces()
    _WRAPPED.append(io.TextIOWrapper(binary or sent, encoding="utf-8"))
    return WholeLines(_WRAPPED[-1]), sent


def test_a_large_write_goes_out_in_pieces_of_whole_lines() -> None:
    stdout, sent = _stdout()
    page = "".join(f'{{"n":{n},"text":"{"x" * 90}"}}\n' for n in range(2000))  # 210 KB
    stdout.write(page)
    stdout.flush()
    assert b"".join(sent.pieces).decode() == page
    assert len(sent.pieces) >= len(page) // PIECE
    for piece in sent.pieces:
        assert piece.endswith(b"\n")
        assert len(piece) <= PIECE


def test_a_record_written_in_one_write_is_never_cut_at_a_line_break_inside_it() -> None:
    stdout, sent = _stdout()
    # CSV rows whose quoted cell holds line breaks, each written in one write.
    cell = "line\r\n" * 200
    rows = [f'{n},"{cell}"\r\n' for n in range(100)]
    for row in rows:
        stdout.write(row)
    stdout.flush()
    written = b"".join(sent.pieces).decode()
    assert written == "".join(rows)
    ends = {sum(map(len, rows[: n + 1])) for n in range(len(rows))}
    cut = 0
    for piece in sent.pieces:
        cut += len(piece.decode())
        assert cut in ends
    assert len(sent.pieces) >= len(written) // PIECE


def test_a_line_waits_for_its_end_and_the_end_of_the_run_writes_what_is_left() -> None:
    stdout, sent = _stdout()
    stdout.write("[\n")
    stdout.write("  {")
    stdout.flush()
    assert b"".join(sent.pieces) == b"[\n"
    stdout.write('"a": 1}\n')
    stdout.write("]")
    stdout.flush()
    assert b"".join(sent.pieces) == b'[\n  {"a": 1}\n'
    stdout.finish()
    assert b"".join(sent.pieces) == b'[\n  {"a": 1}\n]'


def test_a_closed_pipe_ends_the_output_with_stdout_closed() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    stdout, _ = _stdout(os.fdopen(write_end, "wb"))
    stdout.write("a line\n")
    with pytest.raises(StdoutClosed):
        stdout.flush()
    assert stdout.write("more\n") == len("more\n")  # dropped: nobody reads
    stdout.flush()
    with suppress(BrokenPipeError):  # what the pipe never took
        stdout.detach().close()
