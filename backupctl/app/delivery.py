"""Delivering: a few attempts with backoff for each target, the targets side by side.

Every kind of target (an HTTP POST, an SNS Publish, a heartbeat) makes one attempt per
call and says whether another may succeed (``DeliveryError.retryable``); the retry policy
is this one, for all of them. A receiver that hangs costs its own attempts' timeouts, not
the other targets'. At the default 10 s a try, a target that never answers is given up
after about a minute (4 tries of up to 15 s, connection included, and 3.5 s of waits).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential, wait_random

from backupctl.domain.errors import DeliveryError

ATTEMPTS = 4  # the first and three retries: a receiver that fails twice still gets it
BACKOFF_FIRST = 0.5  # seconds before the first retry; doubled at each, plus up to JITTER
BACKOFF_MAX = 4.0
JITTER = 0.5
RETRY_AFTER_MAX = 30.0  # a receiver's Retry-After is honoured up to this many seconds


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
        reasons = [future.result() for future in [pool.submit(_tried, d.send) for d in deliveries]]
    finally:
        # Ctrl-C or SIGTERM while waiting ends the run now, not when the receivers time out.
        pool.shutdown(wait=False, cancel_futures=True)
    return [Undelivered(d.name, r) for d, r in zip(deliveries, reasons, strict=True) if r]


def _tried(send: Callable[[], None]) -> str | None:
    """None once ``send`` succeeded; else why not, and after how many attempts."""
    attempts = 0

    def attempt() -> None:
        nonlocal attempts
        attempts += 1
        send()

    retrying = Retrying(
        stop=stop_after_attempt(ATTEMPTS),
        retry=retry_if_exception(lambda e: isinstance(e, DeliveryError) and e.retryable),
        wait=_wait,
        reraise=True,
    )
    try:
        retrying(attempt)
    except DeliveryError as error:
        after = f" after {attempts} attempts" if attempts > 1 else ""
        return f"not delivered{after}: {error.reason}"
    return None


# Spelled with the waits every tenacity since 8.2 has (wait_exponential_jitter's
# parameters were renamed since).
_backoff = wait_exponential(multiplier=BACKOFF_FIRST, max=BACKOFF_MAX) + wait_random(0, JITTER)


def _wait(state: RetryCallState) -> float:
    """The backoff, or longer when the receiver said how long to wait (HTTP 429)."""
    error = state.outcome.exception() if state.outcome is not None else None
    asked = error.retry_after if isinstance(error, DeliveryError) else None
    return max(_backoff(state), min(asked or 0.0, RETRY_AFTER_MAX))
