"""Values as a person reads them in a table: relative and local times, sizes, percentages."""

from __future__ import annotations

from datetime import datetime, tzinfo

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def relative(when: datetime, now: datetime) -> str:
    """``when`` as an age from ``now``: ``5m ago``, ``2h ago``, ``3d ago``, ``in 4m``."""
    seconds = int((now - when).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        amount = f"{seconds}s"
    elif seconds < 3600:
        amount = f"{seconds // 60}m"
    elif seconds < 48 * 3600:
        amount = f"{seconds // 3600}h"
    elif seconds < 730 * 86400:
        amount = f"{seconds // 86400}d"
    else:
        amount = f"{seconds // (365 * 86400)}y"
    return f"in {amount}" if future else f"{amount} ago"


def local(when: datetime, now: datetime, tz: tzinfo | None = None) -> str:
    """``when`` in ``tz`` (else the system's zone), with the zone: ``11-27 14:05 CET``, or
    ``+0100`` for a zone with no name; another year as a date."""
    moment = when.astimezone(tz)
    if moment.year != now.astimezone(tz).year:
        return moment.strftime("%Y-%m-%d")
    zone = moment.tzname() or ""
    if not zone.isalpha():  # "UTC+01:00": a fixed offset, named by its offset
        zone = moment.strftime("%z")
    return moment.strftime("%m-%d %H:%M ") + zone


def size(value: int) -> str:
    """A byte count in binary units: ``512 B``, ``1.5 GiB``."""
    if abs(value) < 1024:
        return f"{value} B"
    amount = float(value)
    unit = 0
    while abs(amount) >= 1024 and unit < len(_UNITS) - 1:
        amount /= 1024
        unit += 1
    return f"{amount:.1f} {_UNITS[unit]}"


def percent(value: float) -> str:
    """``42.5`` -> ``42.5%``; whole numbers lose their ``.0``."""
    return f"{value:g}%"
