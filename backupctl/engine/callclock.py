"""When each call in flight began: how a fan-out notices a call that hangs, and what it says."""

from __future__ import annotations

import threading
import time

from backupctl.domain.errors import EndpointError


class CallClock:
    """When each unit's call in flight began: how the fan-out notices a call that hangs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._began: dict[int, float] = {}

    def begin(self, unit: int) -> None:
        """A call of ``unit`` starts."""
        with self._lock:
            self._began[unit] = time.monotonic()

    def end(self, unit: int) -> None:
        """The call of ``unit`` answered (or failed)."""
        with self._lock:
            self._began.pop(unit, None)

    def overdue(self, limit: float) -> list[int]:
        """Units whose call has been in flight for more than ``limit`` seconds."""
        now = time.monotonic()
        with self._lock:
            return [unit for unit, began in self._began.items() if now - began > limit]


def no_answer(seconds: float, doing: str = "") -> EndpointError:
    """The error of a call given up on after ``seconds`` (``--timeout``)."""
    return EndpointError(f"no answer within {seconds:g} s (--timeout); stopped waiting",
                         "Timeout", doing)  # fmt: skip
