"""The reports' notification options (``--notify``, ``--sns-topic``, ``--heartbeat``, ...)
and what a report command does with them.

A report command takes ``notify: NotifyArgs`` (laid out by ``args.grouped``) and wears
``@heartbeat`` under it: the options and the config file's ``[notify]`` are checked first
(exit 2 before anything else), and the heartbeat is requested once the command's exit
status is known, whichever way it ends. After printing, the command calls ``deliver``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from backupctl.cli.environment import Environment, environment, reported
from backupctl.cli.outcome import verdict
from backupctl.domain.errors import ExitStatus, UsageError
from backupctl.domain.notify_targets import (
    NotifySettings,
    NotifyTarget,
    parse_heartbeat,
    parse_target,
    parse_timeout,
)

if TYPE_CHECKING:
    from backupctl.app.delivery import Undelivered
    from backupctl.app.notify import Notice, Notifier
    from backupctl.app.requests import Where

F = TypeVar("F", bound=Callable[..., Any])
_PANEL = "Notifications"
_NOTIFIER = "backupctl.notifier"  # the command's Notifier, in click's Context.meta


@dataclasses.dataclass(frozen=True, slots=True)
class NotifyArgs:
    """Where a report is pushed, as typed on the command line."""

    notify: Annotated[
        list[str] | None,
        typer.Option(
            "--notify",
            help="Send the report here when there is something to report (repeatable): a "
            "Slack incoming-webhook URL, slack:URL (Slack-compatible), any other https:// "
            "URL (the JSON report), or sns:TOPIC_ARN. Replaces the config file's targets.",
            rich_help_panel=_PANEL,
        ),
    ] = None
    sns_topic: Annotated[
        list[str] | None,
        typer.Option(
            "--sns-topic", help="As --notify sns:TOPIC_ARN (repeatable).", rich_help_panel=_PANEL
        ),
    ] = None
    notify_always: Annotated[
        bool,
        typer.Option(
            "--notify-always",
            help="Notify after every run, also when there is nothing to report.",
            rich_help_panel=_PANEL,
        ),
    ] = False
    heartbeat: Annotated[
        str | None,
        typer.Option(
            "--heartbeat",
            help="Request this URL after every run that read its targets (exit 0 or 1), and "
            "this URL with /fail appended when it could not (3, 4) or did not deliver (6).",
            rich_help_panel=_PANEL,
        ),
    ] = None
    notify_timeout: Annotated[
        str | None,  # read by parse_timeout, to say what is wrong in backupctl's words
        typer.Option(
            "--notify-timeout",
            metavar="SECONDS",
            help="Seconds per delivery attempt (default 10; 4 attempts).",
            rich_help_panel=_PANEL,
        ),
    ] = None
    no_notify: Annotated[
        bool,
        typer.Option(
            "--no-notify",
            help="Send nothing this run: no target, no heartbeat (the config file's neither).",
            rich_help_panel=_PANEL,
        ),
    ] = False


def settings(env: Environment, args: NotifyArgs) -> NotifySettings:
    """The options over the config file's ``[notify]`` (a target given replaces its
    targets), checked: UsageError naming the option and its position, never the value."""
    config = env.config
    if config.notify.holds_secrets and config.path is not None:
        from backupctl.local.notify_config import readable_by_others

        if readable_by_others(config.path):
            env.warn(
                f"the config file {config.path} holds notification addresses, which are "
                f"secrets, and others may read it: chmod 600 {config.path}"
            )
    if args.no_notify:
        if args.notify or args.sns_topic or args.heartbeat or args.notify_always:
            raise UsageError("--no-notify: not with --notify, --sns-topic, --heartbeat or "
                             "--notify-always")  # fmt: skip
        return NotifySettings()
    notify, label = config.notify, ""
    targets: list[NotifyTarget] = []
    try:  # each value is named by its option and position: an address is a secret
        for option, values, prefix in (
            ("--notify", args.notify, ""),
            ("--sns-topic", args.sns_topic, "sns:"),
        ):
            for n, value in enumerate(values or (), start=1):
                label = f"{option} #{n}"
                targets.append(parse_target(prefix + value, label))
        if args.heartbeat is not None:
            label = "--heartbeat"
            notify = dataclasses.replace(notify, heartbeat=parse_heartbeat(args.heartbeat, label))
        if args.notify_timeout is not None:
            label = "--notify-timeout"
            notify = dataclasses.replace(notify, timeout=parse_timeout(args.notify_timeout))
    except ValueError as error:
        raise UsageError(f"{label}: {error}") from None
    found = dataclasses.replace(
        notify,
        targets=tuple(targets) or notify.targets,
        always=args.notify_always or notify.always,
    )
    if args.notify_always and not found.targets:
        raise UsageError("--notify-always: no target (--notify, --sns-topic, [notify.targets])")
    return found


def heartbeat(command: F) -> F:
    """Check ``command``'s ``notify`` options first, keep its Notifier for ``deliver``, and
    request the heartbeat once its exit status is known."""

    @functools.wraps(command)
    def call(**values: Any) -> Any:
        from backupctl.app.notify import Notifier

        ctx: typer.Context = values["ctx"]
        env = environment(ctx)
        with reported(env):
            notifier = Notifier(settings(env, values["notify"]))
        ctx.meta[_NOTIFIER] = notifier
        with _beating(env, notifier):
            return command(**values)

    return call  # type: ignore[return-value]


@contextmanager
def _beating(env: Environment, notifier: Notifier) -> Iterator[None]:
    try:
        yield
    except typer.Exit as end:
        _beat(env, notifier, end.exit_code)
        raise
    except Exception:
        _beat(env, notifier, ExitStatus.INTERNAL)  # a bug: the run says so, exit 70
        raise
    _beat(env, notifier, ExitStatus.OK)


def _beat(env: Environment, notifier: Notifier, status: int) -> None:
    """The heartbeat; when it fails for good, said on stderr, and a run that completed
    exits 6 (a delivery that failed, as a notification's; 3 and 4 stay: they outrank 6)."""
    failed = notifier.beat(status)
    _tell(env, failed)
    if failed and status in (ExitStatus.OK, ExitStatus.FINDINGS):  # the read was whole
        raise typer.Exit(int(verdict(ExitStatus.OK, undelivered=True)))


def deliver(
    ctx: typer.Context, where: Where, *, found: bool, notice: Callable[[], Notice], new: bool
) -> bool:
    """Send the report when there is something to report (``found``) or always; False when
    a target did not get it, each said on stderr."""
    notifier: Notifier = ctx.meta[_NOTIFIER]
    if not notifier.wants(found):
        return True
    failed = notifier.send(notice(), where)
    env = environment(ctx)
    _tell(env, failed)
    if failed and new:
        env.warn(
            "nothing of this report is marked as reported: the next --new run reports it "
            "all again, to every target"
        )
    return not failed


def _tell(env: Environment, failed: list[Undelivered]) -> None:
    for undelivered in failed:
        env.warn(f"error: {undelivered.name}: {undelivered.reason}")
