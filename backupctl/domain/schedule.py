"""When a backup rule runs: its ``ScheduleExpression`` read in its ``ScheduleExpressionTimezone``.

``cron(Minutes Hours Day-of-month Month Day-of-week Year)`` as AWS writes it: ``*``, ``?``
(exactly one of the day fields), numbers, ranges, lists, steps (``*/4``, ``0/30``,
``1-10/3``) and names (``JAN``, ``SUN``; days of the week count from SUN = 1); in the
day-of-month field ``L`` (the last day), ``nW`` (the weekday nearest day n, in the same
month) and ``LW`` (the last weekday); in the day-of-week field ``L`` (Saturday), ``nL``
(the month's last day n) and ``n#k`` (its k-th day n). ``rate(N minute|minutes|hour|hours|
day|days)`` runs every N units from whenever it last ran.

Local times follow AWS's documented handling of daylight saving time: a time the clocks
skip does not run that day, and a time they repeat runs once, at its first occurrence.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache, partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$", re.IGNORECASE)
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
# How far ahead a cron expression is searched for its next run: every valid expression
# fires within this (29 FEB on a weekday named in the day field recurs within 28 years).
_HORIZON_DAYS = 366 * 29

DayTest = Callable[[date], bool]


class ScheduleError(ValueError):
    """An expression or timezone this module cannot read."""


@cache
def zone(name: str) -> tzinfo:
    """The timezone ``name``: the system's database, or else python-dateutil's own copy."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        from dateutil.zoneinfo import get_zonefile_instance

        found = get_zonefile_instance().get(name)
        if found is None:
            raise ScheduleError(f"unknown timezone {name!r}") from None
        return found


def _weekday(day: date) -> int:
    """AWS's day-of-week number: SUN = 1 .. SAT = 7."""
    return day.isoweekday() % 7 + 1


def _number(text: str, names: tuple[str, ...], low: int, high: int) -> int:
    upper = text.upper()
    if upper in names:
        return names.index(upper) + low
    if not text.isdigit() or not low <= int(text) <= high:
        raise ScheduleError(f"{text!r} is not a value from {low} to {high}")
    return int(text)


def _values(text: str, low: int, high: int, names: tuple[str, ...] = ()) -> set[int]:
    """The values one plain field allows: ``*``, numbers, names, ranges, lists and steps."""
    found: set[int] = set()
    for part in text.split(","):
        base, slash, step_text = part.partition("/")
        step = _number(step_text, (), 1, high) if slash else 1
        if base == "*":
            first, last = low, high
        elif "-" in base:
            start, _, end = base.partition("-")
            first, last = _number(start, names, low, high), _number(end, names, low, high)
        else:
            first = _number(base, names, low, high)
            last = high if slash else first
        if first > last:
            raise ScheduleError(f"{part!r}: the range runs backwards")
        found.update(range(first, last + 1, step))
    return found


def _month_days(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _nearest_weekday(day: date, *, wanted: int) -> bool:
    """Whether ``day`` is the weekday nearest the ``wanted`` day of its month (``nW``)."""
    last = _month_days(day)
    if wanted > last:
        return False
    target = day.replace(day=wanted)
    weekday = target.isoweekday()
    if weekday == 6:  # Saturday: the Friday before, or the Monday after the 1st
        target = target - timedelta(days=1) if wanted > 1 else target + timedelta(days=2)
    elif weekday == 7:  # Sunday: the Monday after, or the Friday before the last day
        target = target + timedelta(days=1) if wanted < last else target - timedelta(days=2)
    return day == target


def _last_weekday(day: date) -> bool:
    last = day.replace(day=_month_days(day))
    while last.isoweekday() > 5:
        last -= timedelta(days=1)
    return day == last


def _last_of_month(day: date, *, weekday: int) -> bool:
    """Whether ``day`` is the month's last day of this weekday (``nL``)."""
    return _weekday(day) == weekday and day.day + 7 > _month_days(day)


def _nth_of_month(day: date, *, weekday: int, count: int) -> bool:
    """Whether ``day`` is the month's ``count``-th day of this weekday (``n#k``)."""
    return _weekday(day) == weekday and (day.day - 1) // 7 + 1 == count


def _day_of_month(text: str) -> DayTest:
    tests: list[DayTest] = []
    plain: list[str] = []
    for part in text.split(","):
        upper = part.upper()
        if upper == "L":
            tests.append(lambda day: day.day == _month_days(day))
        elif upper == "LW":
            tests.append(_last_weekday)
        elif upper.endswith("W"):
            tests.append(partial(_nearest_weekday, wanted=_number(upper[:-1], (), 1, 31)))
        else:
            plain.append(part)
    if plain:
        days = _values(",".join(plain), 1, 31)
        tests.append(lambda day: day.day in days)
    return lambda day: any(test(day) for test in tests)


def _day_of_week(text: str) -> DayTest:
    tests: list[DayTest] = []
    plain: list[str] = []
    for part in text.split(","):
        upper = part.upper()
        if upper == "L":
            plain.append("7")
        elif upper.endswith("L"):
            tests.append(partial(_last_of_month, weekday=_number(upper[:-1], _WEEKDAYS, 1, 7)))
        elif "#" in upper:
            name, _, nth = upper.partition("#")
            weekday, count = _number(name, _WEEKDAYS, 1, 7), _number(nth, (), 1, 5)
            tests.append(partial(_nth_of_month, weekday=weekday, count=count))
        else:
            plain.append(part)
    if plain:
        weekdays = _values(",".join(plain), 1, 7, _WEEKDAYS)
        tests.append(lambda day: _weekday(day) in weekdays)
    return lambda day: any(test(day) for test in tests)


@dataclass(frozen=True)
class Cron:
    """A parsed ``cron(...)`` expression in its timezone."""

    expression: str
    timezone: str
    times: tuple[tuple[int, int], ...]  # (hour, minute), in order
    months: frozenset[int]
    years: frozenset[int]
    day: DayTest

    def runs_on(self, day: date) -> bool:
        """Whether the expression runs on this local date."""
        return day.month in self.months and day.year in self.years and self.day(day)

    def next_after(self, moment: datetime) -> datetime | None:
        """The first run strictly after ``moment`` (UTC), or None when it never runs again."""
        where = zone(self.timezone)
        day = moment.astimezone(where).date()
        for _ in range(_HORIZON_DAYS):
            if day.year > max(self.years):
                return None
            if self.runs_on(day):
                for hour, minute in self.times:
                    run = _local(day, hour, minute, where)
                    if run is not None and run > moment:
                        return run
            day += timedelta(days=1)
        return None


def _local(day: date, hour: int, minute: int, where: tzinfo) -> datetime | None:
    """The UTC moment of a local wall time; None when the clocks skip it. A repeated time
    is its first occurrence (``fold=0``)."""
    wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=where)
    moment = wall.astimezone(UTC)
    if moment.astimezone(where).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return None
    return moment


@dataclass(frozen=True)
class Rate:
    """A ``rate(...)`` expression: every ``every`` from the last run."""

    expression: str
    every: timedelta

    def next_after(self, moment: datetime) -> datetime | None:
        """The next run, ``every`` after ``moment`` (the last run)."""
        return moment + self.every


Schedule = Cron | Rate


def interval(schedule: Schedule, moment: datetime) -> timedelta | None:
    """The time between the first two runs after ``moment``: the interval a resource is
    expected to be backed up at (None: the schedule runs once more at most)."""
    first = schedule.next_after(moment)
    second = schedule.next_after(first) if first is not None else None
    return second - first if first is not None and second is not None else None


@cache
def parse(expression: str, timezone: str | None = None) -> Schedule:
    """A ``cron(...)`` or ``rate(...)`` expression in ``timezone`` (default UTC); raises
    ScheduleError for anything AWS would refuse."""
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        count, unit = int(rate.group(1)), rate.group(2).lower().rstrip("s")
        if count < 1:
            raise ScheduleError(f"{expression!r}: a rate must be at least 1")
        return Rate(text, count * _UNITS[unit])
    if not (text.startswith("cron(") and text.endswith(")")):
        raise ScheduleError(f"{expression!r} is neither cron(...) nor rate(...)")
    fields = text[5:-1].split()
    if len(fields) != 6:
        raise ScheduleError(f"{expression!r}: a cron expression has six fields")
    minutes, hours, days, months, weekdays, years = fields
    if (days == "?") == (weekdays == "?"):
        raise ScheduleError(f"{expression!r}: exactly one of the day fields must be '?'")
    if "?" in (minutes, hours, months, years):
        raise ScheduleError(f"{expression!r}: '?' is for the day fields only")
    name = timezone or "Etc/UTC"
    zone(name)  # refuse an unknown timezone now, not at the first run
    return Cron(
        expression=text,
        timezone=name,
        times=tuple(
            (hour, minute)
            for hour in sorted(_values(hours, 0, 23))
            for minute in sorted(_values(minutes, 0, 59))
        ),
        months=frozenset(_values(months, 1, 12, _MONTHS)),
        years=frozenset(_values(years, 1970, 2199)),
        day=_day_of_week(weekdays) if days == "?" else _day_of_month(days),
    )
