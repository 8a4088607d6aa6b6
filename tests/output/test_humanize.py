"""Relative and local times, sizes and percentages for people."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from backupctl.output import humanize

from .factory import NOW


@pytest.mark.parametrize(
    ("ago", "shown"),
    [
        (timedelta(seconds=5), "5s ago"),
        (timedelta(minutes=59, seconds=59), "59m ago"),
        (timedelta(hours=2), "2h ago"),
        (timedelta(hours=47), "47h ago"),
        (timedelta(days=3), "3d ago"),
        (timedelta(days=800), "2y ago"),
        (timedelta(minutes=-4), "in 4m"),
    ],
)
def test_relative(ago: timedelta, shown: str) -> None:
    assert humanize.relative(NOW - ago, NOW) == shown


def test_local_time_in_the_given_zone() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    assert humanize.local(NOW, NOW, berlin_winter) == "11-27 15:00 +0100"
    assert humanize.local(NOW, NOW, ZoneInfo("Europe/Berlin")) == "11-27 15:00 CET"
    assert humanize.local(NOW, NOW, UTC) == "11-27 14:00 UTC"
    assert humanize.local(NOW - timedelta(days=400), NOW, UTC) == "2024-10-23"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.5 KiB"),
        (3 * 1024**3, "3.0 GiB"),
        (2**70, "1024.0 EiB"),
    ],
)
def test_size(value: int, shown: str) -> None:
    assert humanize.size(value) == shown


def test_percent() -> None:
    assert humanize.percent(42.0) == "42%"
    assert humanize.percent(42.5) == "42.5%"
