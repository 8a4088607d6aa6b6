"""Gaps as a client must find them, written apart from the sandbox's own record
(``Dataset.gaps()``): here, its own reading of the cron expressions the sandbox's rules use.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# The forms the sandbox's rules take: a minute, an hour, every day or one day a week.
_CRON = re.compile(r"cron\((\d+) (\d+) \? \* (\*|SUN|MON|TUE|WED|THU|FRI|SAT) \*\)")


def scheduled(expression: str, timezone: str, start: datetime, end: datetime) -> list[datetime]:
    """The runs of ``expression`` in [start, end), in UTC."""
    match = _CRON.fullmatch(expression)
    assert match, f"the sandbox's rules use simple cron expressions, not {expression}"
    minute, hour, weekday = int(match[1]), int(match[2]), match[3]
    zone = ZoneInfo(timezone)
    day = start.astimezone(zone).date() - timedelta(days=1)
    found: list[datetime] = []
    while day <= end.astimezone(zone).date():
        if weekday == "*" or day.strftime("%a").upper() == weekday:
            at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            if start <= at.astimezone(UTC) < end:
                found.append(at.astimezone(UTC))
        day += timedelta(days=1)
    return found
