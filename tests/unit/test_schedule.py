"""AWS schedule expressions: cron fields, the day wildcards, rate, timezones and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backupctl.domain.schedule import Cron, Rate, ScheduleError, interval, parse


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def runs(expression: str, start: datetime, count: int, timezone: str = "Etc/UTC") -> list[str]:
    """The next ``count`` runs after ``start``, in local wall time."""
    schedule = parse(expression, timezone)
    found: list[str] = []
    moment: datetime | None = start
    for _ in range(count):
        assert moment is not None
        moment = schedule.next_after(moment)
        assert moment is not None
        found.append(f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %a %H:%M}")
    return found


def test_daily_and_weekly() -> None:
    assert runs("cron(0 5 ? * * *)", utc(2026, 11, 27, 5, 0), 2) == [
        "2026-11-28 Sat 05:00",
        "2026-11-29 Sun 05:00",
    ]
    assert runs("cron(30 22 ? * MON,FRI *)", utc(2026, 11, 27), 3) == [
        "2026-11-27 Fri 22:30",
        "2026-11-30 Mon 22:30",
        "2026-12-04 Fri 22:30",
    ]
    assert runs("cron(0 3 ? * 2-4 *)", utc(2026, 11, 27), 3) == [
        "2026-11-30 Mon 03:00",
        "2026-12-01 Tue 03:00",
        "2026-12-02 Wed 03:00",
    ]


def test_steps_lists_names_and_years() -> None:
    assert runs("cron(0/20 */12 * * ? *)", utc(2026, 11, 27, 11, 59), 4) == [
        "2026-11-27 Fri 12:00",
        "2026-11-27 Fri 12:20",
        "2026-11-27 Fri 12:40",
        "2026-11-28 Sat 00:00",
    ]
    assert runs("cron(0 1 1,15 JAN-MAR ? 2027)", utc(2026, 11, 27), 6) == [
        "2027-01-01 Fri 01:00",
        "2027-01-15 Fri 01:00",
        "2027-02-01 Mon 01:00",
        "2027-02-15 Mon 01:00",
        "2027-03-01 Mon 01:00",
        "2027-03-15 Mon 01:00",
    ]
    assert parse("cron(0 1 1,15 JAN-MAR ? 2027)").next_after(utc(2027, 3, 15, 2)) is None
    assert runs("cron(0 8 10-20/5 * ? *)", utc(2026, 11, 27), 3) == [
        "2026-12-10 Thu 08:00",
        "2026-12-15 Tue 08:00",
        "2026-12-20 Sun 08:00",
    ]


def test_last_day_weekday_and_nth() -> None:
    assert runs("cron(0 0 L * ? *)", utc(2027, 1, 1), 3) == [
        "2027-01-31 Sun 00:00",
        "2027-02-28 Sun 00:00",
        "2027-03-31 Wed 00:00",
    ]
    assert runs("cron(0 0 LW * ? *)", utc(2027, 1, 1), 2) == [
        "2027-01-29 Fri 00:00",  # the 31st is a Sunday
        "2027-02-26 Fri 00:00",
    ]
    # 2027-05-01 is a Saturday: the nearest weekday in May is Monday the 3rd, not April 30.
    assert runs("cron(0 0 1W * ? *)", utc(2027, 4, 15), 2) == [
        "2027-05-03 Mon 00:00",
        "2027-06-01 Tue 00:00",
    ]
    # 2027-02-14 is a Sunday: Monday the 15th; 2027-03-13 a Saturday: Friday the 12th.
    assert runs("cron(0 0 14W * ? *)", utc(2027, 2, 1), 1) == ["2027-02-15 Mon 00:00"]
    assert runs("cron(0 0 13W * ? *)", utc(2027, 3, 1), 1) == ["2027-03-12 Fri 00:00"]
    assert runs("cron(0 4 ? * 6L *)", utc(2026, 11, 1), 2) == [
        "2026-11-27 Fri 04:00",
        "2026-12-25 Fri 04:00",
    ]
    assert runs("cron(0 4 ? * MON#2 *)", utc(2026, 11, 1), 2) == [
        "2026-11-09 Mon 04:00",
        "2026-12-14 Mon 04:00",
    ]
    assert runs("cron(0 4 ? * L *)", utc(2026, 11, 27), 1) == ["2026-11-28 Sat 04:00"]


def test_rate_runs_from_the_last_run() -> None:
    schedule = parse("rate(12 hours)")
    assert isinstance(schedule, Rate)
    assert schedule.next_after(utc(2026, 1, 1, 3)) == utc(2026, 1, 1, 15)
    assert interval(parse("rate(1 day)"), utc(2026, 1, 1)) == timedelta(days=1)
    assert interval(parse("rate(90 minutes)"), utc(2026, 1, 1)) == timedelta(minutes=90)


def test_the_interval_is_between_the_next_two_runs() -> None:
    assert interval(parse("cron(0 5 ? * * *)"), utc(2026, 11, 27)) == timedelta(days=1)
    assert interval(parse("cron(0 5 ? * SUN *)"), utc(2026, 11, 27)) == timedelta(days=7)
    # Across a change of the clocks, a local 05:00 is 23 or 25 hours after the one before.
    york = parse("cron(0 5 ? * * *)", "America/New_York")
    assert interval(york, utc(2026, 3, 7, 0)) == timedelta(hours=23)
    assert interval(york, utc(2026, 10, 31, 0)) == timedelta(hours=25)


def test_a_time_the_clocks_skip_does_not_run_that_day() -> None:
    # New York, 2026-03-08: 02:00 EST becomes 03:00 EDT.
    assert runs("cron(30 2 ? * * *)", utc(2026, 3, 7, 8), 2, "America/New_York") == [
        "2026-03-09 Mon 02:30",
        "2026-03-10 Tue 02:30",
    ]


def test_a_time_the_clocks_repeat_runs_once_at_its_first_occurrence() -> None:
    # New York, 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice.
    schedule = parse("cron(30 1 ? * * *)", "America/New_York")
    first = schedule.next_after(utc(2026, 11, 1, 0))
    assert first == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    assert schedule.next_after(first) == utc(2026, 11, 2, 6, 30)  # not 01:30 EST that day


def test_southern_and_irish_summer_time() -> None:
    # Sydney leaves summer time on 2026-04-05 (03:00 AEDT -> 02:00 AEST); Dublin's zone
    # writes winter as the negative offset, and its clocks go forward on 2026-03-29.
    assert runs("cron(30 2 ? * * *)", utc(2026, 4, 4, 12), 2, "Australia/Sydney") == [
        "2026-04-05 Sun 02:30",
        "2026-04-06 Mon 02:30",
    ]
    sydney = parse("cron(30 2 ? * * *)", "Australia/Sydney")
    assert sydney.next_after(utc(2026, 4, 4, 12)) == utc(2026, 4, 4, 15, 30)  # AEDT, once
    assert runs("cron(30 1 ? * * *)", utc(2026, 3, 28, 2), 2, "Europe/Dublin") == [
        "2026-03-30 Mon 01:30",
        "2026-03-31 Tue 01:30",
    ]


@pytest.mark.parametrize(
    ("expression", "timezone"),
    [
        ("cron(0 5 * * * *)", None),  # both day fields given
        ("cron(0 5 ? * ? *)", None),  # neither
        ("cron(0 5 ? * *)", None),  # five fields
        ("cron(60 5 ? * * *)", None),
        ("cron(0 24 ? * * *)", None),
        ("cron(0 5 ? * XYZ *)", None),
        ("cron(0 5 ? * 8 *)", None),
        ("cron(0 5 5-1 * ? *)", None),
        ("cron(? 5 1 * ? *)", None),
        ("cron(0 5 ? * MON#6 *)", None),
        ("rate(0 hours)", None),
        ("rate(5 weeks)", None),
        ("at(2026-01-01T00:00:00)", None),
        ("cron(0 5 ? * * *)", "Mars/Olympus_Mons"),
    ],
)
def test_what_aws_would_refuse_is_refused(expression: str, timezone: str | None) -> None:
    with pytest.raises(ScheduleError):
        parse(expression, timezone)


ZONES = ("Etc/UTC", "America/New_York", "Europe/Dublin", "Australia/Sydney", "Asia/Kolkata")


@st.composite
def crons(draw: st.DrawFn) -> tuple[str, str]:
    minutes = draw(st.lists(st.integers(0, 59), min_size=1, max_size=3, unique=True))
    hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=3, unique=True))
    weekdays = draw(st.lists(st.integers(1, 7), min_size=1, max_size=7, unique=True))
    text = ",".join(map(str, minutes)), ",".join(map(str, hours)), ",".join(map(str, weekdays))
    return f"cron({text[0]} {text[1]} ? * {text[2]} *)", draw(st.sampled_from(ZONES))


def _is_run(cron: Cron, moment: datetime) -> bool:
    """Brute force, minute by minute: whether a run falls at this UTC minute."""
    local = moment.astimezone(ZoneInfo(cron.timezone))
    if local.fold == 1:  # the second occurrence of a repeated wall time
        return False
    day = date(local.year, local.month, local.day)
    return (local.hour, local.minute) in cron.times and cron.runs_on(day)


@settings(max_examples=60, deadline=None)
@given(crons(), st.datetimes(datetime(2025, 1, 1), datetime(2030, 12, 31)))
def test_next_after_is_the_first_run_after(expression: tuple[str, str], start: datetime) -> None:
    cron = parse(*expression)
    assert isinstance(cron, Cron)
    moment = start.replace(second=0, microsecond=0, tzinfo=UTC)
    found = cron.next_after(moment)
    assert found is not None and found > moment
    assert _is_run(cron, found)
    probe = moment + timedelta(minutes=1)
    while probe < found:
        assert not _is_run(cron, probe), probe
        probe += timedelta(minutes=1)
