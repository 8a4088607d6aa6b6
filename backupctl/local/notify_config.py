"""The config file's ``[notify]`` section: where reports go when no option says.

    [notify]
    always = false                                  # --notify-always
    heartbeat = "https://hc-ping.com/<uuid>"        # --heartbeat
    timeout = 10                                    # --notify-timeout

    [notify.targets]                                # label = target, as --notify takes them
    team-slack = "https://hooks.slack.com/services/T000/B000/XXXX"
    ops-topic = "sns:arn:aws:sns:us-east-1:111111111111:backup-alerts"

Each target is checked as ``--notify`` checks it, and named by its label in every message.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from backupctl.domain.errors import UsageError
from backupctl.domain.notify_targets import (
    DEFAULT_TIMEOUT,
    Heartbeat,
    NotifySettings,
    NotifyTarget,
    parse_heartbeat,
    parse_target,
    parse_timeout,
)

_LABEL = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_KEYS = ("targets", "always", "heartbeat", "timeout")

Bad = Callable[[str, str], UsageError]  # (key, why) -> the error naming file, line and key


def parse_notify(value: Any, bad: Bad) -> NotifySettings:
    """The ``[notify]`` table; ``bad`` makes the error for a key."""
    if not isinstance(value, dict):
        raise bad("notify", "must be a table ([notify])")
    unknown = [key for key in value if key not in _KEYS]
    if unknown:
        raise bad(unknown[0], f"is not a [notify] setting (settings: {', '.join(_KEYS)})")
    always = value.get("always", False)
    if not isinstance(always, bool):
        raise bad("always", "must be true or false")
    return NotifySettings(
        targets=_targets(value.get("targets", {}), bad),
        always=always,
        heartbeat=_heartbeat(value.get("heartbeat"), bad),
        timeout=_timeout(value.get("timeout", DEFAULT_TIMEOUT), bad),
    )


def _targets(value: Any, bad: Bad) -> tuple[NotifyTarget, ...]:
    if not isinstance(value, dict):
        raise bad("targets", "must be a table of label = target ([notify.targets])")
    targets = []
    for label, target in value.items():
        if not _LABEL.match(label):
            raise bad(label, "is not a target label (letters, digits, . _ -)")
        if not isinstance(target, str):
            raise bad(label, "must be a string: https://URL, slack:URL or sns:TOPIC_ARN")
        try:
            targets.append(parse_target(target, f"notify target {label}"))
        except ValueError as error:
            raise bad(label, str(error)) from None
    return tuple(targets)


def _heartbeat(value: Any, bad: Bad) -> Heartbeat | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad("heartbeat", "must be a string (a URL)")
    try:
        return parse_heartbeat(value, "the config file's heartbeat")
    except ValueError as error:
        raise bad("heartbeat", str(error)) from None


def _timeout(value: Any, bad: Bad) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise bad("timeout", "must be a number of seconds")
    try:
        return parse_timeout(value)
    except ValueError as error:
        raise bad("timeout", str(error)) from None


def readable_by_others(path: Path) -> bool:
    """Whether users other than its owner may read ``path`` (group or world read bits)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))
