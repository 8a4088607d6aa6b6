"""``backupctl accounts list``: the targets a fan-out would reach, and how."""

from __future__ import annotations

from dataclasses import replace

import typer

from backupctl.cli import args
from backupctl.cli.environment import environment, reported
from backupctl.cli.help_text import examples

_EXAMPLES = examples(
    "backupctl accounts list --account all --role OrganizationAccountAccessRole",
    "backupctl accounts list --ou ou-ab12-34cd5678 --region all",
    "backupctl accounts list --account @prod -o text | cut -f1,3",
)
app = typer.Typer(help="The accounts backupctl would read.", epilog=_EXAMPLES, no_args_is_help=True)


@app.command("list", epilog=_EXAMPLES)
@args.grouped
def list_accounts(
    ctx: typer.Context,
    targets: args.TargetArgs = args.TargetArgs(),
    shown: args.OutputArgs = args.OutputArgs(),
) -> None:
    """Show the accounts and regions a command with these options would read, and how.

    'caller' = the caller's own credentials; 'role' = the role assumed in the account;
    'org-view' = the caller's credentials with ByAccountId; 'skipped' = not ACTIVE.
    An id the organization does not hold is NOT_IN_ORGANIZATION; names Organizations
    does not give come from the config file's [names].
    """
    from backupctl.app.list_accounts import list_accounts as run
    from backupctl.output.families import ACCOUNTS

    env = environment(ctx)
    with reported(env):
        writer = args.writer(env, ACCOUNTS, shown)
        where = args.where(env, targets)
        names = env.config.names
        writer.write([replace(e, name=e.name or names.get(e.account_id)) for e in run(where)])
        writer.close()
