"""What every command shares: the process's streams and terminal, the global options, and the
one mapping from errors to one line and an exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

import typer
from rich.console import Console

from backupctl.app.requests import Hooks, ProgressSink
from backupctl.cli.signals import StdoutClosed, stop_status
from backupctl.domain.errors import BackupctlError, ExitStatus
from backupctl.local.config import Config
from backupctl.output.safe import safe_str


@dataclass
class Environment:
    """Where the program runs (its streams, terminal, clock: tests replace them) and what
    the global options said (set once, by the root command, before any command runs)."""

    debug: bool = False
    sandbox_env: dict[str, str] | None = None
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    # Tests pin these; None lets Rich read the terminal.
    force_terminal: bool | None = None
    width: int | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    config: Config = field(default_factory=Config)
    color: str = "auto"  # --color: auto, always or never
    _closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def stderr_is_terminal(self) -> bool:
        """Progress is shown only when a person is watching stderr."""
        return _isatty(self.stderr)

    @property
    def stdout_is_terminal(self) -> bool:
        """True when a person reads stdout."""
        return _isatty(self.stdout)

    def out_console(self) -> Console:
        """A console on stdout for tables and panels; it fits the terminal's width."""
        return _DataConsole(
            file=self.stdout,
            soft_wrap=False,
            highlight=False,
            emoji=False,
            width=self.width,
            **self._colour(),
        )

    def err_console(self) -> Console:
        """A console on stderr for people: warnings, progress, per-target errors."""
        return Console(
            file=self.stderr, highlight=False, emoji=False, soft_wrap=True, **self._colour()
        )

    def _colour(self) -> dict[str, Any]:
        """Rich's colour settings: --color first, then NO_COLOR, FORCE_COLOR and TERM=dumb."""
        mode = self.color
        if mode == "auto":
            if os.environ.get("NO_COLOR"):
                mode = "never"
            elif os.environ.get("FORCE_COLOR"):
                mode = "always"
            elif os.environ.get("TERM") == "dumb":
                mode = "never"
        if mode == "never":
            return {"no_color": True, "color_system": None, "force_terminal": self.force_terminal}
        if mode == "always":
            # Rich reads NO_COLOR and TERM=dumb itself: "always" means always, as it says
            # (in the 16 colours every terminal has, where it cannot tell).
            dumb = os.environ.get("TERM") in ("dumb", "unknown")
            return {
                "force_terminal": True,
                "no_color": False,
                "color_system": "standard" if dumb else "auto",
            }
        return {"force_terminal": self.force_terminal}

    def hooks(self) -> Hooks:
        """What a use case needs from here: a progress line when a person watches stderr,
        and the clock."""
        return Hooks(progress=self._progress_line if self.stderr_is_terminal else None,
                     clock=self.clock)  # fmt: skip

    def _progress_line(self) -> ProgressSink:
        from backupctl.output.progress import ProgressLine

        return ProgressLine(self.err_console())

    def warn(self, message: str) -> None:
        """One line on stderr, never interpreted as markup, nothing in it live on a terminal
        (an AWS error message may quote control characters and line breaks)."""
        self.stderr.write(f"backupctl: {safe_str(message)}\n")
        self.stderr.flush()

    def stopped(self, stop: BaseException | None) -> int:
        """Say on stderr that a signal stopped the run; its exit code (130 or 143)."""
        status = stop_status(stop)
        self.warn("terminated" if status is ExitStatus.TERMINATED else "interrupted")
        return int(status)

    def on_close(self, closer: Callable[[], None]) -> None:
        """Run ``closer`` when the command ends."""
        self._closers.append(closer)

    def close(self) -> None:
        """Run the closers, newest first."""
        while self._closers:
            self._closers.pop()()


class _DataConsole(Console):
    """A console whose closed pipe ends the command quietly (exit 0), as for every other
    format, instead of Rich's exit 1."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def environment(ctx: typer.Context) -> Environment:
    """The Environment the root command stored."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Environment):
        obj = Environment()
        ctx.find_root().obj = obj
    return obj


@contextmanager
def reported(env: Environment) -> Iterator[None]:
    """Turn a BackupctlError into one line on stderr and its exit code; --debug adds the trace."""
    try:
        yield
    except BackupctlError as error:
        if env.debug:
            import traceback

            traceback.print_exc(file=env.stderr)
        env.warn(f"error: {error}")
        raise typer.Exit(int(error.exit_status)) from None
    except KeyboardInterrupt as stop:  # SIGTERM's Terminated too
        raise typer.Exit(env.stopped(stop)) from None
    except (BrokenPipeError, StdoutClosed):
        # `| head` closed stdout: a normal end. Caught here because Typer would turn it
        # into exit 1.
        silence_stdout()
        raise typer.Exit(int(ExitStatus.OK)) from None


def silence_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null so the final flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
