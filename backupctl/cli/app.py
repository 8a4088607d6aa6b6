"""The root command: global options, the command groups, and ``main`` (one line per error)."""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from backupctl.cli import accounts_list as accounts
from backupctl.cli import completion, history, report_gaps, sandbox
from backupctl.cli import job_describe as job
from backupctl.cli import jobs_list as jobs
from backupctl.cli import jobs_summary as summary
from backupctl.cli import jobs_watch as watch
from backupctl.cli import report_failures as report
from backupctl.cli.allocator import tune_allocator
from backupctl.cli.completion import COMPLETE_VAR
from backupctl.cli.environment import Environment, reported, silence_stdout
from backupctl.cli.help_text import examples, plain_paragraphs, use_value_names
from backupctl.cli.redacting import redacted_streams
from backupctl.cli.signals import StdoutClosed, stops_between_lines
from backupctl.domain.errors import ExitStatus, UsageError
from backupctl.version import __version__

GC_YOUNG_THRESHOLD = 20_000  # allocations between young collections (CPython's default: 700)

EXIT_CODES = """Exit codes: 0 done, nothing to report; 1 a negative answer (failures found, no
such job); 2 bad usage, no AWS call made; 3 partial: some targets could not be read;
4 nothing could be read; 5 another run holds the lock (report --new, history sync); 6 the
report was printed but could not be delivered (--notify, --heartbeat) or remembered
(reported again next run); 70 internal error (a bug); 130 interrupted (Ctrl-C); 143
terminated (SIGTERM)."""

# The order the commands are listed in: the everyday ones first.
COMMANDS = ("jobs", "job", "accounts", "report", "history", "sandbox", "completion")


class _Commands(TyperGroup):
    """The root group, listing its commands in ``COMMANDS`` order."""

    def list_commands(self, ctx: Any) -> list[str]:
        listed = super().list_commands(ctx)
        return sorted(listed, key=lambda name: COMMANDS.index(name) if name in COMMANDS else 99)


use_value_names()
app = typer.Typer(
    name="backupctl",
    cls=_Commands,
    help="Which AWS Backup jobs failed, where and why: backup, copy and restore jobs across "
    "every account and region of an AWS Organization.\n\n" + EXIT_CODES,
    epilog=examples(
        "backupctl --sandbox jobs list --state failed --since 7d",
        "backupctl jobs list --account all --region all --state failed --since 24h",
        "backupctl report failures --account all --role BackupAuditRole --new",
        "backupctl job describe 5B3F2D8C-1A2B-4C3D-9E8F-0123456789AB",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
watch.register(jobs.app)  # `jobs watch`, beside `jobs list`
report_gaps.register(report.app)  # `report gaps`, beside `report failures`
summary.register(jobs.app)  # `jobs summary`
app.add_typer(jobs.app, name="jobs")
app.add_typer(job.app, name="job")
app.add_typer(accounts.app, name="accounts")
app.add_typer(report.app, name="report")
app.add_typer(history.app, name="history")
sandbox.register(app)
completion.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"backupctl {__version__}")
        raise typer.Exit()


def _colour_mode(value: str) -> str:
    from backupctl.local.config import COLOURS

    mode = value.strip().lower()
    if mode not in COLOURS:
        raise UsageError(f"--color: {value!r} is not {', '.join(COLOURS)}")
    return mode


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@app.callback()
def root(
    ctx: typer.Context,
    sandbox_: Annotated[
        bool,
        typer.Option(
            "--sandbox",
            help="Run against a simulated AWS Organization started for this one invocation "
            "(env: BACKUPCTL_SANDBOX=1).",
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="Tracebacks and botocore's debug log on stderr (secrets redacted)."
        ),
    ] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            metavar="PATH",
            help="Config file (default: $XDG_CONFIG_HOME/backupctl/config.toml).",
            dir_okay=False,
        ),
    ] = None,
    color: Annotated[
        str | None,
        typer.Option(
            "--color",
            metavar="WHEN",
            help="auto (default), always or never; auto heeds NO_COLOR, FORCE_COLOR and TERM=dumb.",
            autocompletion=lambda: ["auto", "always", "never"],
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Global options: before the command or, moved there by ``run``, after it."""
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment()
    ctx.obj = env
    env.debug = debug
    with reported(env):
        from backupctl.local.config import load

        env.config = load(config, explicit=config is not None)
        env.color = _colour_mode(color) if color is not None else env.config.color or "auto"
    if debug:
        from backupctl.local.debuglog import enable_debug_log

        env.on_close(enable_debug_log(env.stderr))
    if (
        sandbox_ or _truthy(os.environ.get("BACKUPCTL_SANDBOX"))
    ) and ctx.invoked_subcommand != "sandbox":
        from backupctl.sandbox import Sandbox, SandboxConfig

        server = Sandbox(SandboxConfig())
        server.start()
        env.sandbox_env = server.env()
        env.on_close(server.stop)
    ctx.call_on_close(env.close)


def _usage_error(exc: Exception, env: Environment) -> int:
    """Typer's (click's) own usage errors as one line; returns their exit code."""
    message = getattr(exc, "format_message", lambda: str(exc))()
    command = getattr(getattr(exc, "ctx", None), "command_path", "backupctl")
    if type(exc).__name__ == "NoArgsIsHelpError":
        # A bare command group: Typer has printed its help; the message is that help.
        message = "missing command"
    env.warn(f"error: {message} (see '{command} --help')")
    return int(getattr(exc, "exit_code", ExitStatus.USAGE))


def redact_line(text: str) -> str:
    """An error line with any secret in it redacted (an exception may quote a request)."""
    from backupctl.local.debuglog import redact

    return redact(text)


def run(args: list[str] | None = None, env: Environment | None = None) -> int:
    """Run the CLI and return its exit code; every error ends as one line, never a traceback,
    and nothing written to stdout or stderr holds a secret the process knows."""
    env = env or Environment()
    if COMPLETE_VAR in os.environ:
        # A Tab press: register Typer's bash/zsh/fish answerers (add_completion=False skips it).
        from typer._completion_classes import completion_init

        completion_init()
    with redacted_streams(env):
        return _run(args, env)


def _run(args: list[str] | None, env: Environment) -> int:
    from backupctl.cli.global_options import before_the_command

    try:
        root = plain_paragraphs(typer.main.get_command(app))
        line = before_the_command(root, sys.argv[1:] if args is None else args)
        result: Any = root.main(args=line, prog_name="backupctl", standalone_mode=False, obj=env)
    except (BrokenPipeError, StdoutClosed):
        silence_stdout()
        return int(ExitStatus.OK)
    except KeyboardInterrupt as stop:  # SIGTERM's Terminated too
        return env.stopped(stop)
    except Exception as exc:
        if hasattr(exc, "exit_code") and hasattr(exc, "format_message"):  # click's errors
            return _usage_error(exc, env)
        if type(exc).__name__ == "Abort":  # click's, for a stop outside a command's body
            return env.stopped(exc.__cause__)
        if env.debug:
            import traceback

            from backupctl.local.debuglog import redact

            env.stderr.write(redact(traceback.format_exc()))
        hint = "" if env.debug else " (run with --debug for details)"
        env.warn(redact_line(f"internal error: {type(exc).__name__}: {exc}{hint}"))
        return int(ExitStatus.INTERNAL)
    finally:
        env.close()
    return result if isinstance(result, int) else int(ExitStatus.OK)


def main() -> None:
    """The console script."""
    tune_allocator()  # first: before any thread (the sandbox's, the fan-out's) exists
    # A fan-out keeps thousands of objects alive per botocore client (one per account and
    # region) and makes almost no reference cycles. With CPython's default thresholds the
    # growing heap is rescanned by a full collection each time it grows by a quarter: a
    # fifth of the CPU time of a run over 100 accounts. Fewer young collections, so fewer
    # full ones; cycles are still collected.
    gc.set_threshold(GC_YOUNG_THRESHOLD, 10, 10)
    with stops_between_lines():
        try:
            code = run(sys.argv[1:])
        except KeyboardInterrupt as stop:  # it came as run() closed the command's resources
            code = Environment().stopped(stop)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
    with contextlib.suppress(OSError):  # nobody reads stderr any more: nothing to tell
        sys.stderr.flush()
    # Everything the run owed was written and flushed above (the sandbox and the writers
    # are closed inside run()). A normal interpreter exit would now close every pooled
    # connection one by one through urllib3's finalizers (half a second after a run over
    # a hundred accounts) and tear down every module: work nobody waits for.
    os._exit(code)
