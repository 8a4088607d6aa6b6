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
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, get_type_hints

from backupctl.app.requests import Endpoint, Where
from backupctl.cli import options as opt
from backupctl.cli.environment import Environment
from backupctl.cli.notifications import NotifyArgs
from backupctl.domain.errors import UsageError
from backupctl.domain.query import (
    Query,
    parse_count,
    parse_kinds,
    parse_resource_type,
    parse_seconds,
    parse_states,
    parse_when,
    split_values,
)
from backupctl.domain.targets import TargetOptions
from backupctl.engine.fanout import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, MAX_CONCURRENCY
from backupctl.output import Family, OutputFormat, RecordWriter, make_writer, validate_fields
from backupctl.output.report import ReportFormat

if TYPE_CHECKING:
    from backupctl.output.query_expression import QueryExpression

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")


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
    limit: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class OutputArgs:
    """How records are printed, as typed on the command line (``--fields`` apart: not every
    command's records have fields to choose)."""

    output: opt.Output = None
    query: opt.Query = None
    header: opt.Header = False


_GROUPS = (TargetArgs, OutputArgs, NotifyArgs)


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
    concurrency = _number(args.concurrency, "--concurrency", most=MAX_CONCURRENCY)
    timeout = None if args.timeout is None else parse_seconds(args.timeout, "--timeout")
    accounts: tuple[str, ...] = tuple(args.account or ()) or (() if args.ou else config.accounts)
    accounts = config.expand_accounts(split_values(accounts, "--account")) if accounts else ()
    regions = tuple(args.region or ())
    if not regions and not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        regions = config.regions
    profile, origin = args.profile, "--profile"
    if profile is None and not os.environ.get("AWS_PROFILE"):
        profile, origin = config.profile, f"{config.path}: profile"
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
        concurrency or config.concurrency or DEFAULT_CONCURRENCY,
        timeout or DEFAULT_TIMEOUT,
        _endpoint(env),
        origin,
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
        limit=_number(args.limit, "--limit"),
    )


def _number(text: str | None, option: str, *, most: int | None = None) -> int | None:
    return None if text is None else parse_count(text, option, most=most)


def output_format(value: str | None, env: Environment) -> OutputFormat:
    """``-o`` value, any case, else BACKUPCTL_OUTPUT's, else the config file's, else table;
    UsageError (naming where the value came from) if it is not a format."""
    config = env.config
    from_env = value is None and bool(os.environ.get("BACKUPCTL_OUTPUT"))
    if from_env:
        value = os.environ["BACKUPCTL_OUTPUT"]
    if value is None:  # the config file's was checked when it was read
        return OutputFormat(config.output) if config.output else OutputFormat.TABLE
    try:
        return OutputFormat(value.strip().lower())
    except ValueError:
        valid = ", ".join(f.value for f in OutputFormat)
        name = "BACKUPCTL_OUTPUT" if from_env else "--output"
        raise UsageError(f"{name}: unknown format {value!r}; valid: {valid}") from None


def writer(
    env: Environment,
    family: Family[R],
    shown: OutputArgs,
    *,
    fields: Sequence[str] | None = None,
    now: datetime | None = None,
) -> RecordWriter[R]:
    """The writer the output options ask for, checked before any call: UsageError for a bad
    format, query, or an option the format does not take."""
    fmt = output_format(shown.output, env)
    if shown.header and fmt is not OutputFormat.TEXT:
        raise UsageError("--header is for -o text (CSV always has one; JSON names its keys)")
    query = query_expression(shown.query, fmt, _QUERIED)
    return make_writer(fmt, family, stream=env.stdout, console=env.out_console(),
                       fields=fields, now=now, query=query, header=shown.header)  # fmt: skip


# The formats --query applies to: those whose form is the JSON one.
_QUERIED = (OutputFormat.JSON, OutputFormat.NDJSON, OutputFormat.TEXT)


def query_expression(
    text: str | None, fmt: StrEnum, formats: Sequence[StrEnum]
) -> QueryExpression | None:
    """``--query``'s expression, checked; UsageError when it is not one, or when ``fmt`` is
    not one of the ``formats`` it applies to (those with a JSON form)."""
    if text is None:
        return None
    if fmt not in formats:
        with_ = ", ".join(f"-o {f.value}" for f in formats)
        raise UsageError(f"--query applies to the JSON form, not to -o {fmt.value}: use {with_}")
    from backupctl.output.query_expression import QueryExpression

    return QueryExpression(text)


def fields(value: str | None, family: Family[Any]) -> tuple[str, ...] | None:
    """``--fields`` value: the family's field names or table headers, any case; UsageError
    when a name is unknown."""
    if value is None:
        return None
    try:
        return validate_fields(value, family.fields, family.headers)
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
