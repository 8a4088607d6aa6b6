"""What the server was asked and which faults it injected: thread-safe counts."""

from __future__ import annotations

import threading
from typing import Any

RequestKey = tuple[str, str, str, str]  # (service, operation, caller account, region)


class Counters:
    """Requests by (service, operation, caller account, region), faults by kind, and the
    most requests in flight at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[RequestKey, int] = {}
        self.faults: dict[str, int] = {}
        self.max_in_flight = 0
        self._in_flight = 0

    def request(self, service: str, operation: str, account: str, region: str) -> None:
        """Count one request."""
        key = (service, operation, account, region)
        with self._lock:
            self.requests[key] = self.requests.get(key, 0) + 1

    def fault(self, kind: str, count: int = 1) -> None:
        """Count ``count`` injected faults of one kind."""
        with self._lock:
            self.faults[kind] = self.faults.get(kind, 0) + count

    def enter(self) -> None:
        """A request starts being handled."""
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def leave(self) -> None:
        """A request is done."""
        with self._lock:
            self._in_flight -= 1

    def total_requests(self) -> int:
        """Every request counted since the last reset."""
        with self._lock:
            return sum(self.requests.values())

    def reset(self) -> None:
        """Zero every count (requests in flight stay in flight)."""
        with self._lock:
            self.requests = {}
            self.faults = {}
            self.max_in_flight = self._in_flight

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able copy of every count."""
        with self._lock:
            requests = [
                {
                    "service": service,
                    "operation": operation,
                    "account": account,
                    "region": region,
                    "count": count,
                }
                for (service, operation, account, region), count in sorted(self.requests.items())
            ]
            return {
                "requests": requests,
                "faults": dict(sorted(self.faults.items())),
                "max_in_flight": self.max_in_flight,
                "total_requests": sum(self.requests.values()),
            }
