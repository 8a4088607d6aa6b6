"""``accounts list`` through the seam: CSV neutralized and inert, the table inert."""

from __future__ import annotations

import io
import re

from rich.console import Console

from backupctl.domain.targets import AccountEntry
from backupctl.output import OutputFormat, make_writer
from backupctl.output.families import ACCOUNTS

# An organization's account names are anyone's words: a formula, markup, an escape.
HOSTILE = AccountEntry(
    account_id="111111111111",
    name='=HYPERLINK("https://evil.example","x")',
    status="[bold red]ACTIVE[/]\x1b[2J",
    access="role",
    role_arn="@SUM(A1)",
    regions=("-us-east-1", "eu-west-1\u202e"),
)


def write(fmt: OutputFormat, screen: io.StringIO) -> str:
    stream = io.StringIO(newline="")
    console = Console(file=screen, width=200, force_terminal=True, color_system="truecolor")
    writer = make_writer(fmt, ACCOUNTS, stream=stream, console=console, fields=None)
    writer.write([HOSTILE])
    writer.close()
    return stream.getvalue()


def test_csv_of_accounts_neutralizes_formulas_and_shows_controls() -> None:
    assert write(OutputFormat.CSV, io.StringIO()) == (
        "account_id,name,status,access,role_arn,regions\r\n"
        '111111111111,"\'=HYPERLINK(""https://evil.example"",""x"")",'
        "[bold red]ACTIVE[/]\\x1b[2J,role,'@SUM(A1),'-us-east-1 eu-west-1<U+202E>\r\n"
    )


def test_table_of_accounts_obeys_no_markup_and_no_escape() -> None:
    screen = io.StringIO()
    write(OutputFormat.TABLE, screen)
    text = re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())  # Rich's own colour
    assert "\x1b" not in text and "\u202e" not in text
    assert "[bold red]ACTIVE[/]\\x1b[2J" in text
    assert "-us-east-1, eu-west-1<U+202E>" in text
