"""AWS cron expressions in a timezone: the runs the sandbox's backup jobs follow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backupctl.sandbox.schedule import parse, previous, runs


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    return datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp()


def iso(stamps: list[float]) -> list[str]:
    return [datetime.fromtimestamp(at, UTC).strftime("%a %Y-%m-%d %H:%M") for at in stamps]


def test_a_daily_rule_fires_once_a_day_at_its_hour() -> None:
    found = runs("cron(0 5 ? * * *)", "Etc/UTC", utc(2026, 11, 1), utc(2026, 11, 4))
    assert iso(found) == ["Sun 2026-11-01 05:00", "Mon 2026-11-02 05:00", "Tue 2026-11-03 05:00"]


def test_the_window_is_half_open() -> None:
    start, end = utc(2026, 11, 1, 5), utc(2026, 11, 3, 5)
    assert iso(runs("cron(0 5 ? * * *)", "Etc/UTC", start, end)) == [
        "Sun 2026-11-01 05:00",
        "Mon 2026-11-02 05:00",
    ]


def test_a_weekly_rule_by_day_name_and_number() -> None:
    by_name = runs("cron(30 3 ? * SUN *)", "Etc/UTC", utc(2026, 11, 1), utc(2026, 11, 29))
    by_number = runs("cron(30 3 ? * 1 *)", "Etc/UTC", utc(2026, 11, 1), utc(2026, 11, 29))
    assert by_name == by_number
    assert iso(by_name) == [f"Sun 2026-11-{day:02d} 03:30" for day in (1, 8, 15, 22)]


def test_lists_ranges_and_steps() -> None:
    found = runs("cron(0 */8 ? * MON-FRI *)", "Etc/UTC", utc(2026, 11, 6), utc(2026, 11, 10))
    assert iso(found) == [
        "Fri 2026-11-06 00:00",
        "Fri 2026-11-06 08:00",
        "Fri 2026-11-06 16:00",
        "Mon 2026-11-09 00:00",
        "Mon 2026-11-09 08:00",
        "Mon 2026-11-09 16:00",
    ]
    monthly = runs("cron(15 1 1,15 * ? *)", "Etc/UTC", utc(2026, 10, 1), utc(2026, 12, 1))
    assert len(monthly) == 4


def test_a_local_schedule_follows_daylight_saving_time() -> None:
    # New York leaves daylight saving time on 1 November 2026: 22:00 local is 02:00 UTC
    # before, 03:00 UTC after.
    found = runs("cron(0 22 ? * * *)", "America/New_York", utc(2026, 10, 30), utc(2026, 11, 4))
    assert iso(found) == [
        "Fri 2026-10-30 02:00",
        "Sat 2026-10-31 02:00",
        "Sun 2026-11-01 02:00",
        "Mon 2026-11-02 03:00",
        "Tue 2026-11-03 03:00",
    ]
    zone = ZoneInfo("America/New_York")
    assert {datetime.fromtimestamp(at, zone).hour for at in found} == {22}


def test_previous_finds_the_last_run_before_a_moment() -> None:
    before = utc(2026, 11, 18, 12)
    assert iso([previous("cron(0 3 ? * SUN *)", "Etc/UTC", before, 8 * 86400) or 0.0]) == [
        "Sun 2026-11-15 03:00"
    ]
    assert previous("cron(0 3 ? * SUN *)", "Etc/UTC", before, 86400) is None


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 day)",
        "cron(0 5 * * *)",
        "cron(0 5 ? * ? *)",
        "cron(0 5 1 * MON *)",
        "cron(0 25 ? * * *)",
        "cron(0 5 L * ? *)",
        "cron(0 5 ? * MON#2 *)",
    ],
)
def test_what_the_sandbox_does_not_read_is_refused(expression: str) -> None:
    with pytest.raises(ValueError):
        parse(expression)


def test_every_run_matches_a_brute_force_walk() -> None:
    """Minute by minute over a fortnight, in a timezone with a DST change."""
    zone = ZoneInfo("Europe/Dublin")
    start = datetime(2026, 10, 20, tzinfo=UTC)
    end = start + timedelta(days=14)
    walked = []
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        if local.minute == 30 and local.hour in (1, 13) and local.isoweekday() in (2, 4):
            walked.append(moment.timestamp())
        moment += timedelta(minutes=1)
    expression = "cron(30 1,13 ? * TUE,THU *)"
    assert runs(expression, "Europe/Dublin", start.timestamp(), end.timestamp()) == walked
    assert len(walked) == 8
