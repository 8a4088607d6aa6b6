"""Lengths of time as people write them: ``--rpo 26h``, ``--copy-grace 4h``, ``every 7d``."""

from __future__ import annotations

import re
from datetime import timedelta

from backupctl.domain.errors import UsageError

_DURATION = re.compile(r"^\s*(?P<n>\d+)\s*(?P<unit>[mhdw])\s*$", re.IGNORECASE)
_UNITS = {
    "m": timedelta(minutes=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}


def parse_duration(text: str, option: str) -> timedelta:
    """``90m``, ``26h``, ``2d``, ``1w``: a positive length of time, or UsageError."""
    match = _DURATION.match(text)
    if not match or int(match.group("n")) == 0:
        raise UsageError(f"{option}: {text!r} is not a length of time like 90m, 26h, 2d or 1w")
    return int(match.group("n")) * _UNITS[match.group("unit").lower()]


def duration_text(length: timedelta) -> str:
    """``90m``, ``24h``, ``36h``, ``2d``, ``1w``: the largest unit that divides the length
    (rounded to the minute), days from two on, so that a day reads ``24h``."""
    minutes = round(length.total_seconds() / 60)
    if minutes % (7 * 1440) == 0 and minutes > 0:
        return f"{minutes // (7 * 1440)}w"
    if minutes % 1440 == 0 and minutes >= 2 * 1440:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0 and minutes > 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"
