"""``accounts list``: the table that is the person form of the accounts."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from backupctl.domain.targets import AccountEntry
from backupctl.output.safe import safe_text


class AccountsTable:
    """The accounts as a table, printed at ``close``."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._entries: list[AccountEntry] = []

    def write(self, entries: Sequence[AccountEntry]) -> None:
        """Keep the page's accounts."""
        self._entries.extend(entries)

    def close(self) -> None:
        """Print the table."""
        table = Table(box=None, header_style="bold")
        for name in ("ACCOUNT", "NAME", "STATUS", "ACCESS", "REGIONS"):
            table.add_column(name, overflow="fold")
        for entry in self._entries:
            table.add_row(
                safe_text(entry.account_id),
                safe_text(entry.name or ""),
                safe_text(entry.status or ""),
                Text(entry.access),
                safe_text(", ".join(entry.regions)),  # a str would be read as Rich markup
            )
        self._console.print(table)
