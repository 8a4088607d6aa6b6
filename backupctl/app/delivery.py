"""Delivering: the targets side by side, each with a few attempts with backoff.

Every kind of target (an HTTP POST, an SNS Publish, a heartbeat) makes one attempt per
call and says whether another may succeed (``DeliveryError.retryable``); the retry policy
is ``aws.delivery_retries``, for all of them (tenacity is imported by the AWS layer
only). A receiver that hangs costs its own attempts' timeouts, not the other targets'.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from backupctl.aws.delivery_retries import tried


@dataclass(frozen=True, slots=True)
class Delivery:
    """One thing to deliver: ``send`` makes one attempt (DeliveryError if it failed)."""

    name: str  # the target, as messages name it
    send: Callable[[], None]


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A delivery that failed for good, and why."""

    name: str
    reason: str


def deliver_all(deliveries: Sequence[Delivery]) -> list[Undelivered]:
    """Make every delivery, side by side; those that failed, in the order given."""
    if not deliveries:
        return []
    pool = ThreadPoolExecutor(max_workers=len(deliveries), thread_name_prefix="backupctl-send")
    try:
        reasons = [future.result() for future in [pool.submit(tried, d.send) for d in deliveries]]
    finally:
        # Ctrl-C or SIGTERM while waiting ends the run now, not when the receivers time out.
        pool.shutdown(wait=False, cancel_futures=True)
    return [Undelivered(d.name, r) for d, r in zip(deliveries, reasons, strict=True) if r]
