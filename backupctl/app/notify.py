"""Notifications: what a report sends, where, and when (``--notify``, ``--sns-topic``,
``--heartbeat``).

A report goes to its targets only when there is something to report, as cron mails only
what a run prints: problems, gaps, or targets that could not be read (``--notify-always``:
every run). The heartbeat is requested after every run that happened, whatever it found:
as it is when the run completed (exit 0 or 1), with ``/fail`` when it did not (3, 4: it
could not read; 6: what it found was not delivered; 70: a bug). A run that did not happen
(bad usage, 2; the lock held by another run, 5; stopped by a signal, 130 and 143) sends
nothing: the monitor's silence is the truth.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from backupctl.app.delivery import Delivery, Undelivered, deliver_all
from backupctl.app.requests import Where
from backupctl.domain.errors import BackupctlError, DeliveryError, ExitStatus
from backupctl.domain.notify_targets import (
    CONNECT_TIMEOUT,
    NotifySettings,
    NotifyTarget,
    TargetKind,
)

if TYPE_CHECKING:
    from backupctl.local.webhook import HttpSender

_COMPLETED = frozenset({ExitStatus.OK, ExitStatus.FINDINGS})
_FAILED = frozenset(
    {ExitStatus.PARTIAL, ExitStatus.UNREADABLE, ExitStatus.UNDELIVERED, ExitStatus.INTERNAL}
)


class Notice(Protocol):
    """A report in the form each kind of target takes (``output.report.notice``)."""

    subject: str  # SNS's subject, Slack's header: printable ASCII, under 100 characters

    def text(self) -> str:
        """The text report, within SNS's message size."""

    def report_json(self) -> bytes:
        """The JSON report, for a webhook."""

    def slack_message(self) -> bytes:
        """A Slack incoming webhook's payload."""


class Notifier:
    """Sends a report to ``settings``' targets and requests its heartbeat."""

    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings

    def wants(self, found: bool) -> bool:
        """Whether to send a report that ``found`` something (or nothing) to report."""
        return bool(self.settings.targets) and (found or self.settings.always)

    def send(self, notice: Notice, where: Where) -> list[Undelivered]:
        """Deliver ``notice`` to every target, side by side; those that failed for good.
        SNS is called as ``where`` says (its profile, or the sandbox)."""
        from backupctl.local.webhook import HttpSender

        http = HttpSender(self.settings.timeout)
        # Made at the first topic's first attempt: botocore is not loaded for webhooks alone.
        sns = functools.cache(lambda: _sns_publish(where, self.settings.timeout))
        try:
            return deliver_all(
                [Delivery(t.name, _attempt(t, notice, http, sns)) for t in self.settings.targets]
            )
        finally:
            http.close()

    def beat(self, status: int) -> list[Undelivered]:
        """Request the heartbeat for a run that ended with ``status`` (nothing for a run
        that did not happen); it, if it failed for good."""
        heartbeat = self.settings.heartbeat
        if heartbeat is None or status not in _COMPLETED | _FAILED:
            return []
        from backupctl.local.webhook import HttpSender

        url = heartbeat.url_for(completed=status in _COMPLETED)
        http = HttpSender(self.settings.timeout)
        try:
            return deliver_all([Delivery(heartbeat.label, lambda: http.get(url))])
        finally:
            http.close()


Publish = Callable[[NotifyTarget, Notice], None]


def _attempt(
    target: NotifyTarget, notice: Notice, http: HttpSender, sns: Callable[[], Publish]
) -> Callable[[], None]:
    """One attempt at ``target``, in its form."""
    if target.kind is TargetKind.SLACK:
        return lambda: http.post_json(target.address, notice.slack_message())
    if target.kind is TargetKind.WEBHOOK:
        return lambda: http.post_json(target.address, notice.report_json())
    return lambda: sns()(target, notice)


def _sns_publish(where: Where, timeout: float) -> Publish:
    """Publish with the run's profile and credential chain (or the sandbox), one attempt
    per call and the delivery's timeouts (the report's calls have their own)."""
    from backupctl.app.connect import settings_for
    from backupctl.aws.sessions import Connector
    from backupctl.aws.sns import SnsPublisher

    settings = replace(
        settings_for(where),
        max_attempts=1,
        connect_timeout=min(CONNECT_TIMEOUT, timeout),
        read_timeout=timeout,
        timeout=timeout,
    )
    try:
        publisher = SnsPublisher(Connector(settings))
    except BackupctlError as error:  # a profile that does not exist, say
        reason = f"SNS cannot be called: {error}"

        def refused(target: NotifyTarget, notice: Notice) -> None:
            raise DeliveryError(reason)

        return refused
    return lambda t, n: publisher.publish(t.address, t.region, n.subject, n.text())
