"""``backupctl accounts list``: the targets a fan-out would reach, and how."""

from __future__ import annotations

import csv
import json

import typer

from backupctl.app.resolve import Plan
from backupctl.cli import options as opt
from backupctl.cli.context import reported, state
from backupctl.cli.execute import connect, where_from
from backupctl.cli.jobs_list import parse_output
from backupctl.domain.targets import ALL_ACCOUNTS, Access
from backupctl.output import OutputFormat

app = typer.Typer(help="The accounts backupctl would read.", no_args_is_help=True)

FIELDS = ("account_id", "name", "status", "access", "role_arn", "regions")


def _rows(plan: Plan, role_arn: str | None) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    by_account: dict[str, list[str]] = {}
    access: dict[str, Access] = {}
    for target in plan.targets:
        by_account.setdefault(target.account_id, []).append(target.region)
        access[target.account_id] = target.access
    org_wide = ALL_ACCOUNTS in by_account
    for account in plan.accounts:
        how = Access.ORG_VIEW if org_wide else access.get(account.account_id, plan.access)
        regions = by_account.get(ALL_ACCOUNTS if org_wide else account.account_id, plan.regions)
        rows.append(
            {
                "account_id": account.account_id,
                "name": account.name,
                "status": account.status or "ACTIVE",
                "access": how.value,
                "role_arn": role_arn.replace("{account}", account.account_id)
                if role_arn and how is Access.ROLE
                else None,
                "regions": list(regions),
            }
        )
    for account in plan.skipped:
        rows.append(
            {
                "account_id": account.account_id,
                "name": account.name,
                "status": account.status,
                "access": "skipped",
                "role_arn": None,
                "regions": [],
            }
        )
    return rows


@app.command("list")
def list_accounts(
    ctx: typer.Context,
    account: opt.Account = None,
    ou: opt.Ou = None,
    region: opt.Region = None,
    role: opt.Role = None,
    external_id: opt.ExternalId = None,
    profile: opt.Profile = None,
    output: opt.Output = None,
) -> None:
    """Show the accounts and regions a command with these options would read, and how.

    'caller' = the caller's own credentials; 'role' = the role assumed in the account;
    'org-view' = the caller's credentials with ByAccountId; 'skipped' = not ACTIVE.
    """
    app_state = state(ctx)
    with reported(app_state):
        fmt = parse_output(output, ctx)
        where = where_from(app_state, {**ctx.params, "concurrency": 4})
        connector, plan = connect(app_state, where, list_org=True)
        role_arn = connector.roles.template if connector.roles else None
        rows = _rows(plan, role_arn)
        out = app_state.stdout
        if fmt is OutputFormat.JSON:
            out.write(json.dumps(rows, indent=2, ensure_ascii=True) + "\n")
        elif fmt is OutputFormat.NDJSON:
            out.write("".join(json.dumps(r, ensure_ascii=True) + "\n" for r in rows))
        elif fmt is OutputFormat.CSV:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(FIELDS)
            for r in rows:
                writer.writerow(
                    [
                        " ".join(v) if isinstance(v, list) else ("" if v is None else v)
                        for v in (r[f] for f in FIELDS)
                    ]
                )
        else:
            from rich.table import Table
            from rich.text import Text

            from backupctl.output.safe import safe_text

            table = Table(box=None, header_style="bold")
            for name in ("ACCOUNT", "NAME", "STATUS", "ACCESS", "REGIONS"):
                table.add_column(name, overflow="fold")
            for r in rows:
                regions = r["regions"]
                table.add_row(
                    str(r["account_id"]),
                    safe_text(str(r["name"] or "")),
                    str(r["status"]),
                    Text(str(r["access"])),
                    ", ".join(regions) if isinstance(regions, list) else "",
                )
            app_state.out_console().print(table)
        out.flush()
