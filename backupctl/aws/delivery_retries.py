"""The retry policy of notifications: a few attempts with backoff, for any kind of target.

Every kind of target (an HTTP POST, an SNS Publish, a heartbeat) makes one attempt per
call and says whether another may succeed (``DeliveryError.retryable``). They are not all
AWS calls, but retries with tenacity live in this layer. At the default 10 s a try, a
target that never answers is given up after about a minute (4 tries of up to 15 s,
connection included, and 3.5 s of waits).
"""

from __future__ import annotations

from collections.abc import Callable

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential, wait_random

from backupctl.domain.errors import DeliveryError

ATTEMPTS = 4  # the first and three retries: a receiver that fails twice still gets it
BACKOFF_FIRST = 0.5  # seconds before the first retry; doubled at each, plus up to JITTER
BACKOFF_MAX = 4.0
JITTER = 0.5
RETRY_AFTER_MAX = 30.0  # a receiver's Retry-After is honoured up to this many seconds


def tried(send: Callable[[], None]) -> str | None:
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
