"""What a person is told, on stderr, about the history store a read used."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from backupctl.domain.history import Freshness
from backupctl.output.report.common import when

SYNC = "run 'backupctl history sync' with these target options"


def freshness_lines(
    freshness: Freshness, path: Path, since: datetime | None, now: datetime
) -> list[str]:
    """A line for what was never synced, one for targets synced more than a day ago, one
    when the window starts before the store's history does."""
    lines: list[str] = []
    if freshness.unsynced == ("anything",):
        lines.append(f"the history store {path} holds no sync yet: {SYNC}")
    elif freshness.unsynced:
        lines.append(
            f"the history store {path} holds no sync of {', '.join(freshness.unsynced)}: {SYNC}"
        )
    if freshness.stale:
        oldest = min(freshness.stale, key=lambda mark: mark.synced_at)
        more = len(freshness.stale) - 1
        others = f" (and {more} more target{'s' * (more > 1)})" if more else ""
        lines.append(
            f"the history of {oldest.target_name}{others} was last synced "
            f"{when(oldest.synced_at, now)}: {SYNC}"
        )
    if freshness.starts is not None and since is not None:
        lines.append(
            f"the window starts {when(since, now)}, but the store's history of these targets "
            f"starts {when(freshness.starts, now)} (30 days before their first sync): "
            "older jobs are not in it"
        )
    return lines


def sync_line(path: Path, targets: int, read: int, new: int, changed: int) -> str:
    """The closing line of a sync a person watched."""
    plural = "" if targets == 1 else "s"
    return (
        f"synced {targets} target{plural} into {path}: {read:,} jobs read, {new:,} new, "
        f"{changed:,} changed"
    )
