"""``backupctl sandbox``: serve a simulated AWS Organization on 127.0.0.1 until stopped."""

from __future__ import annotations

import shlex
import signal
import threading
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from backupctl.cli.context import state
from backupctl.errors import ExitStatus

if TYPE_CHECKING:
    from backupctl.sandbox import Sandbox

_FAULTS = "Faults (account options take an account id or name, and repeat)"
_DATA = "Data set"
_LISTED_ACCOUNTS = 20  # past this, the description counts accounts instead of listing them

Accounts = list[str] | None


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` command to the root app."""
    app.command("sandbox")(sandbox)


def sandbox(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the data set.", rich_help_panel=_DATA)] = 7,
    members: Annotated[
        int, typer.Option(min=0, help="Member accounts.", rich_help_panel=_DATA)
    ] = 8,
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            help="A region holding data (repeatable). [default: us-east-1, eu-west-1]",
            rich_help_panel=_DATA,
        ),
    ] = None,
    jobs_per_region: Annotated[
        int, typer.Option(min=0, help="Jobs per account and region.", rich_help_panel=_DATA)
    ] = 400,
    role_name: Annotated[
        str, typer.Option(help="The role AssumeRole accepts.", rich_help_panel=_DATA)
    ] = "OrganizationAccountAccessRole",
    external_id: Annotated[
        str | None, typer.Option(help="The external id AssumeRole requires.", rich_help_panel=_DATA)
    ] = None,
    delegated_admin: Annotated[
        str | None,
        typer.Option(
            help="An account that may read the whole organization.", rich_help_panel=_DATA
        ),
    ] = None,
    cross_account_monitoring: Annotated[
        bool,
        typer.Option(help="Whether ByAccountId may name other accounts.", rich_help_panel=_DATA),
    ] = True,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")
    ] = 0,
    warm: Annotated[
        bool, typer.Option(help="Generate every job before printing the environment.")
    ] = False,
    latency: Annotated[
        float,
        typer.Option(min=0.0, help="Seconds added to every request.", rich_help_panel=_FAULTS),
    ] = 0.0,
    throttle_rate: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of requests throttled.", rich_help_panel=_FAULTS
        ),
    ] = 0.0,
    error_rate: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of requests answered with a 5xx.", rich_help_panel=_FAULTS
        ),
    ] = 0.0,
    deny_assume_role: Annotated[
        Accounts,
        typer.Option(help="AssumeRole into this account is refused.", rich_help_panel=_FAULTS),
    ] = None,
    deny_backup: Annotated[
        Accounts,
        typer.Option(help="Backup calls for this account are refused.", rich_help_panel=_FAULTS),
    ] = None,
    credential_ttl: Annotated[
        float | None,
        typer.Option(
            min=0.0, help="Seconds until assumed-role credentials expire.", rich_help_panel=_FAULTS
        ),
    ] = None,
    looping_token: Annotated[
        Accounts,
        typer.Option(help="ListBackupJobs repeats its NextToken forever.", rich_help_panel=_FAULTS),
    ] = None,
    cycling_token: Annotated[
        Accounts, typer.Option(help="ListBackupJobs tokens cycle A, B, A.", rich_help_panel=_FAULTS)
    ] = None,
    hang: Annotated[
        Accounts,
        typer.Option(help="Backup calls for this account never answer.", rich_help_panel=_FAULTS),
    ] = None,
) -> None:
    """Serve a simulated AWS Organization (Organizations, STS, AWS Backup) on 127.0.0.1.

    Prints the environment for a shell on stdout (export lines, ready for eval) and a
    description of the organization on stderr; serves until Ctrl-C or SIGTERM.
    """
    from backupctl.sandbox import Faults, Sandbox, SandboxConfig

    app_state = state(ctx)

    def accounts(values: Accounts) -> frozenset[str]:
        return frozenset(values or ())

    try:
        faults = Faults(
            latency=latency,
            throttle_rate=throttle_rate,
            error_rate=error_rate,
            deny_assume_role=accounts(deny_assume_role),
            deny_backup=accounts(deny_backup),
            credential_ttl=credential_ttl,
            looping_token_accounts=accounts(looping_token),
            cycling_token_accounts=accounts(cycling_token),
            hang_accounts=accounts(hang),
        )
        config = SandboxConfig(
            seed=seed,
            members=members,
            regions=tuple(region) if region else SandboxConfig().regions,
            jobs_per_region=jobs_per_region,
            role_name=role_name,
            external_id=external_id,
            delegated_admin=delegated_admin,
            cross_account_monitoring=cross_account_monitoring,
            faults=faults,
            port=port,
        )
        server = Sandbox(config)
    except ValueError as error:
        app_state.warn(f"error: {error}")
        raise typer.Exit(int(ExitStatus.USAGE)) from None
    if warm:
        server.warm()
    try:
        server.start()
    except OSError as error:
        app_state.warn(f"error: cannot serve on {config.host}:{port}: {error.strerror or error}")
        raise typer.Exit(int(ExitStatus.UNREADABLE)) from None
    try:
        _print_env(server, app_state.stdout)
        _describe(server, app_state.stderr)
        code = _serve_until_stopped()
    finally:
        server.stop()
    raise typer.Exit(code)


def _print_env(server: Sandbox, out: TextIO) -> None:
    for name, value in server.env().items():
        out.write(f"export {name}={shlex.quote(value)}\n")
    out.flush()


def _describe(server: Sandbox, err: TextIO) -> None:
    """A few lines for the person who started it: what is served, and with which faults."""
    dataset, config = server.dataset, server.config
    management = dataset.account(dataset.management_account_id)
    members = [acct for acct in dataset.accounts if acct.id != dataset.management_account_id]
    suspended = sum(1 for acct in members if not acct.active)
    lines = [
        f"backupctl sandbox: a simulated AWS Organization on {server.endpoint_url}",
        f"  organization {dataset.organization.id}, management account "
        f"{dataset.management_account_id} ({management.name if management else '?'})",
        f"  {len(members)} members ({len(members) - suspended} active, {suspended} suspended); "
        f"regions {', '.join(dataset.regions)}; about {config.jobs_per_region} jobs per "
        "account and region",
        f"  role {config.role_name}"
        + (f" (external id required: {config.external_id})" if config.external_id else ""),
    ]
    if len(members) <= _LISTED_ACCOUNTS:
        lines += [f"    {acct.id}  {acct.name:<20} {acct.status}" for acct in members]
    faults = server.faults
    active = {
        name: value
        for name, value in vars(faults).items()
        if name != "seed" and value not in (0.0, None, frozenset())
    }
    if active:
        described = ", ".join(
            f"{name}={','.join(sorted(value)) if isinstance(value, frozenset) else value}"
            for name, value in active.items()
        )
        lines.append(f"  faults: {described}")
    lines.append("Stop with Ctrl-C.")
    err.write("\n".join(lines) + "\n")
    err.flush()


def _serve_until_stopped() -> int:
    """Block until SIGTERM (exit 0) or Ctrl-C (exit 130)."""
    stopped = threading.Event()
    code = [int(ExitStatus.OK)]

    def on_signal(signum: int, frame: object) -> None:
        code[0] = int(ExitStatus.INTERRUPTED if signum == signal.SIGINT else ExitStatus.OK)
        stopped.set()

    if threading.current_thread() is not threading.main_thread():
        stopped.wait()  # signals reach only the main thread; the caller ends the process
        return code[0]
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopped.wait(0.2):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code[0]
