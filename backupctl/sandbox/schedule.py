"""When a backup rule fires: AWS's six-field cron expressions, read in the rule's timezone.

``cron(Minutes Hours Day-of-month Month Day-of-week Year)``, as AWS Backup writes
``ScheduleExpression``: each field takes ``*``, ``?`` (day fields), numbers, ranges
(``1-5``), lists (``1,15``), steps (``*/4``, ``0/30``) and names (``JAN``, ``SUN``);
days of the week count from SUN = 1. ``L``, ``W`` and ``#`` are not used by the sandbox's
rules and are refused. A local time that a DST change skips or repeats is read with
``fold=0``, as ``zoneinfo`` does: the skipped time lands an hour later, the repeated time
fires once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (lowest, highest, names counted from the lowest)
_FIELDS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0, 59, ()),
    (0, 23, ()),
    (1, 31, ()),
    (1, 12, _MONTHS),
    (1, 7, _DAYS),
    (1970, 2199, ()),
)


@dataclass(frozen=True)
class Cron:
    """A parsed expression: the values each field allows (None: any, for ``?``)."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1 = Sunday
    years: frozenset[int]

    def matches(self, day: date) -> bool:
        """Whether the expression fires on this local date."""
        weekday = day.isoweekday() % 7 + 1  # Monday 1 .. Sunday 7 -> Sunday 1 .. Saturday 7
        return (
            day.month in self.months
            and day.year in self.years
            and (self.days is None or day.day in self.days)
            and (self.weekdays is None or weekday in self.weekdays)
        )


def _value(text: str, names: tuple[str, ...], lowest: int) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + lowest
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a number or a name")
    return int(text)


def _field(text: str, lowest: int, highest: int, names: tuple[str, ...]) -> frozenset[int] | None:
    if text == "?":
        return None
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            first, last = lowest, highest
        elif "-" in base:
            low, _, high = base.partition("-")
            first, last = _value(low, names, lowest), _value(high, names, lowest)
        else:
            first = _value(base, names, lowest)
            last = highest if step_text else first
        if not (lowest <= first <= last <= highest) or step < 1:
            raise ValueError(f"{part!r} is out of range {lowest}-{highest}")
        values.update(range(first, last + 1, step))
    return frozenset(values)


@cache
def parse(expression: str) -> Cron:
    """The fields of ``cron(...)``; ValueError for anything else."""
    if not (expression.startswith("cron(") and expression.endswith(")")):
        raise ValueError(f"not a cron expression: {expression!r}")
    parts = expression[5:-1].split()
    if len(parts) != len(_FIELDS):
        raise ValueError(f"a cron expression has six fields: {expression!r}")
    fields = [_field(text, *limits) for text, limits in zip(parts, _FIELDS, strict=True)]
    minutes, hours, days, months, weekdays, years = fields
    if minutes is None or hours is None or months is None or years is None:
        raise ValueError(f"'?' is for the day fields only: {expression!r}")
    if (days is None) == (weekdays is None):
        raise ValueError(f"exactly one of the day fields must be '?': {expression!r}")
    return Cron(minutes, hours, days, months, weekdays, years)


@cache
def zone(name: str) -> tzinfo:
    """The timezone ``name``, from the system's database or, without one, dateutil's."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        from dateutil.zoneinfo import get_zonefile_instance

        found = get_zonefile_instance().get(name)
        if found is None:
            raise ValueError(f"unknown timezone {name!r}") from None
        return found


def runs(expression: str, timezone: str, start: float, end: float) -> list[float]:
    """Every moment in [start, end) at which the expression fires, in epoch seconds."""
    cron, where = parse(expression), zone(timezone)
    first = datetime.fromtimestamp(start, UTC).astimezone(where).date() - timedelta(days=1)
    last = datetime.fromtimestamp(end, UTC).astimezone(where).date() + timedelta(days=1)
    times = [(hour, minute) for hour in sorted(cron.hours) for minute in sorted(cron.minutes)]
    found: set[float] = set()
    day = first
    while day <= last:
        if cron.matches(day):
            for hour, minute in times:
                moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=where)
                stamp = moment.timestamp()
                if start <= stamp < end:
                    found.add(stamp)
        day += timedelta(days=1)
    return sorted(found)


def previous(expression: str, timezone: str, before: float, within: float) -> float | None:
    """The last moment before ``before`` (and no more than ``within`` seconds earlier)."""
    found = runs(expression, timezone, before - within, before)
    return found[-1] if found else None
