"""The end of a command: what could not be read, told on stderr, and the exit code.

Every command ends here, so the exit code is decided in one place: errors outrank
findings (a report that found problems and could not read one account exits 3), and a
report that was printed but could not be remembered (6) outranks its findings (1), for
the next run repeats them, but not an incomplete read (3, 4), which matters more.
"""

from __future__ import annotations

from typing import NoReturn, TypeVar

import typer

from backupctl.app.reading import ReadingOf
from backupctl.cli.environment import Environment
from backupctl.domain.errors import ExitStatus
from backupctl.domain.outcome import Chain
from backupctl.output.skipped import skipped_lines
from backupctl.output.unread import failure_lines, unfound_line

C = TypeVar("C", bound=Chain)


def tell_unread(env: Environment, reading: ReadingOf[C], *, verbose: bool = False) -> None:
    """Name on stderr each target that could not be read; with ``verbose`` or ``--debug``,
    also the regions ``--region all`` expected not to read (a clean run stays quiet)."""
    if verbose or env.debug:
        for line in skipped_lines(reading.plan, reading.skipped):
            env.warn(line)
    for line in failure_lines(reading.failures):
        env.warn(line)
    if reading.unfound is not None:
        env.warn(unfound_line(reading.unfound, len(reading.plan.accounts)))


def verdict(read: ExitStatus, *, findings: bool = False, undelivered: bool = False) -> ExitStatus:
    """The exit status of a run: what the read says, else UNDELIVERED when the report could
    not be remembered, else FINDINGS when there are some."""
    if read is not ExitStatus.OK:
        return read
    if undelivered:
        return ExitStatus.UNDELIVERED
    return ExitStatus.FINDINGS if findings else ExitStatus.OK


def finish(status: ExitStatus) -> None:
    """End the command with ``status`` (returning is exit 0)."""
    if status is not ExitStatus.OK:
        exit_with(status)


def exit_with(status: ExitStatus) -> NoReturn:
    """End the command now with ``status``."""
    raise typer.Exit(int(status))
