"""Options into typed requests, in one place.

A command declares the options it shares with others as one parameter typed with an
option group (``targets: TargetArgs``); ``@grouped`` lays the group's fields out as
Typer options and hands the command the group, built. ``where`` then turns the target
options into the ``Where`` every use case takes, with the precedence the README states:
the command line, then the environment, then the config file, then the defaults.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from backupctl.app.requests import Endpoint, Where
from backupctl.cli import options as opt
from backupctl.cli.environment import Environment
from backupctl.cli.notifications import NotifyArgs
from backupctl.domain.errors import UsageError
from backupctl.domain.query import (
    Query,
    parse_kinds,
    parse_resource_type,
    parse_states,
    parse_when,
    split_values,
)
from backupctl.domain.targets import TargetOptions
from backupctl.engine.fanout import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT
from backupctl.output import OutputFormat, validate_fields
from backupctl.output.report import ReportFormat

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True, slots=True)
class TargetArgs:
    """Where the calls go, as typed on the command line (every AWS command takes these)."""

    account: opt.Account = None
    ou: opt.Ou = None
    region: opt.Region = None
    role: opt.Role = None
    external_id: opt.ExternalId = None
    profile: opt.Profile = None
    concurrency: opt.Concurrency = None
    timeout: opt.Timeout = None


@dataclasses.dataclass(frozen=True, slots=True)
class QueryArgs:
    """Which jobs, as typed on the command line (each command names the ones it takes)."""

    kind: Sequence[str] | None = None
    state: Sequence[str] | None = None
    since: str | None = None
    until: str | None = None
    resource_type: str | None = None
    resource_arn: str | None = None
    vault: str | None = None
    limit: int | None = None


_GROUPS = (TargetArgs, NotifyArgs)


def grouped(command: F) -> F:
    """Lay each option-group parameter of ``command`` out as the group's own options (at
    its place), and call ``command`` with the group built from them."""
    hints = get_type_hints(command, include_extras=True)
    parameters: list[inspect.Parameter] = []
    groups: dict[str, type] = {}
    for parameter in inspect.signature(command).parameters.values():
        group = hints.get(parameter.name)
        if group in _GROUPS and isinstance(group, type):
            groups[parameter.name] = group
            fields = get_type_hints(group, include_extras=True)
            parameters += [
                inspect.Parameter(
                    field.name,
                    inspect.Parameter.POSITIONAL_OR_KEYWORD,
                    default=field.default,
                    annotation=fields[field.name],
                )
                for field in dataclasses.fields(group)
            ]
        else:
            parameters.append(parameter.replace(annotation=hints.get(parameter.name)))

    @functools.wraps(command)
    def call(**values: Any) -> Any:
        for name, group in groups.items():
            names = [field.name for field in dataclasses.fields(group)]
            values[name] = group(**{field: values.pop(field) for field in names})
        return command(**values)

    call.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in parameters}
    return call  # type: ignore[return-value]


def where(env: Environment, args: TargetArgs) -> Where:
    """The target options, each from the command line, else the environment, else the
    config file, else the built-in default; validated, with ``@list`` accounts expanded."""
    config = env.config
    accounts: tuple[str, ...] = tuple(args.account or ()) or (() if args.ou else config.accounts)
    accounts = config.expand_accounts(split_values(accounts)) if accounts else ()
    regions = tuple(args.region or ())
    if not regions and not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        regions = config.regions
    profile = args.profile
    if profile is None and not os.environ.get("AWS_PROFILE"):
        profile = config.profile
    targets = TargetOptions(
        accounts,
        args.ou,
        regions,
        args.role if args.role is not None else config.role,
        args.external_id if args.external_id is not None else config.external_id,
    )
    return Where(
        targets.validate(),
        profile,
        args.concurrency or config.concurrency or DEFAULT_CONCURRENCY,
        args.timeout or DEFAULT_TIMEOUT,
        _endpoint(env),
    )


def _endpoint(env: Environment) -> Endpoint | None:
    """The sandbox's endpoint and keys when ``--sandbox`` is on."""
    sandbox = env.sandbox_env
    if sandbox is None:
        return None
    return Endpoint(
        sandbox["AWS_ENDPOINT_URL"],
        sandbox["AWS_REGION"],
        sandbox["AWS_ACCESS_KEY_ID"],
        sandbox["AWS_SECRET_ACCESS_KEY"],
    )


def query(args: QueryArgs, now: datetime) -> Query:
    """The validated Query for these options (UsageError on the first bad value)."""
    return Query(
        kinds=parse_kinds(args.kind or []),
        states=parse_states(args.state or []),
        since=parse_when(args.since, now, option="--since") if args.since is not None else None,
        until=parse_when(args.until, now, option="--until") if args.until is not None else None,
        resource_type=parse_resource_type(args.resource_type),
        resource_arn=args.resource_arn,
        vault=args.vault,
        limit=args.limit,
    )


def output_format(value: str | None, env: Environment) -> OutputFormat:
    """``-o`` value, any case, else BACKUPCTL_OUTPUT's, else the config file's, else table;
    UsageError (naming where the value came from) if it is not a format."""
    config = env.config
    from_env = value is None and bool(os.environ.get("BACKUPCTL_OUTPUT"))
    if from_env:
        value = os.environ["BACKUPCTL_OUTPUT"]
    if value is None:
        if not config.output:
            return OutputFormat.TABLE
        try:
            return OutputFormat(config.output.strip().lower())
        except ValueError:
            raise UsageError(f"{config.path}: output {config.output!r} is not a format") from None
    try:
        return OutputFormat(value.strip().lower())
    except ValueError:
        valid = ", ".join(f.value for f in OutputFormat)
        name = "BACKUPCTL_OUTPUT" if from_env else "--output"
        raise UsageError(f"{name}: unknown format {value!r}; valid: {valid}") from None


def fields(value: str | None, known: Sequence[str]) -> tuple[str, ...] | None:
    """``--fields`` value; UsageError when a name is unknown."""
    if value is None:
        return None
    try:
        return validate_fields(value, known)
    except ValueError as error:
        raise UsageError(str(error)) from None


def report_format(value: str) -> ReportFormat:
    """A report's ``-o`` value, any case; UsageError if it is not text, markdown or json."""
    try:
        return ReportFormat(value.strip().lower())
    except ValueError:
        valid = ", ".join(f.value for f in ReportFormat)
        raise UsageError(f"--output: unknown report format {value!r}; valid: {valid}") from None


def history_db(env: Environment, value: Path | None) -> Path:
    """``--db``, else the config file's ``history_db``, else the default store."""
    from backupctl.local.history_store import default_path

    if value is not None:
        return value.expanduser()
    if env.config.history_db:
        return Path(env.config.history_db).expanduser()
    return default_path()
