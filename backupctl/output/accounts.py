"""``accounts list``: the table that is the person form of the accounts."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from backupctl.domain.targets import AccountEntry
from backupctl.output.safe import safe_text
from backupctl.output.trimmed import print_trimmed

# More regions than this are counted in their cell and named once, below the table: with
# --region all, 34 names in a cell made a dozen lines of every account.
LISTED_REGIONS = 3


class AccountsTable:
    """The accounts as a table, printed at ``close``: one line each, no trailing space."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._entries: list[AccountEntry] = []

    def write(self, entries: Sequence[AccountEntry]) -> None:
        """Keep the page's accounts."""
        self._entries.extend(entries)

    def close(self) -> None:
        """Print the table."""
        table = Table(box=None, header_style="bold", pad_edge=False)
        for name in ("ACCOUNT", "NAME", "STATUS", "ACCESS", "REGIONS"):
            table.add_column(name, overflow="fold")
        counted: dict[tuple[str, ...], None] = {}
        for entry in self._entries:
            regions = ", ".join(entry.regions)
            if len(entry.regions) > LISTED_REGIONS:
                counted[entry.regions] = None
                regions = f"{len(entry.regions)} regions"
            table.add_row(
                safe_text(entry.account_id),
                safe_text(entry.name or ""),
                safe_text(entry.status or "-"),
                Text(entry.access),
                safe_text(regions),  # a str would be read as Rich markup
            )
        print_trimmed(self._console, table)
        for named in counted:
            print_trimmed(self._console, safe_text(f"{len(named)} regions: {', '.join(named)}"))
