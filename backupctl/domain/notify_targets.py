"""Where a report is pushed: ``--notify``, ``--sns-topic``, ``--heartbeat`` and the config
file's ``[notify]``, each checked before any call and known as a secret once read.

A webhook URL is a credential: whoever holds it may post to the channel (a Slack incoming
webhook carries its token in the path, a Teams workflow in its query), and a topic ARN
names an account and what it alerts on. So an address is never written anywhere: a target
is named by its option and position or by the label the config file gives it
(``--notify #2 (webhook)``, ``notify target team-slack (slack)``), and the address, with
every part of it that may hold a token, is registered with ``SECRETS``, so that no output
path (``--debug``'s log, an error that quotes a request) can print it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from backupctl.domain.secrets import MIN_LENGTH, SECRETS

# Plain http is for a receiver on this machine (tests, a local relay), never the network.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})
# Slack's incoming webhooks (https://api.slack.com/messaging/webhooks): hooks.slack.com,
# and hooks.slack-gov.com for GovSlack; always under /services/.
SLACK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})
SLACK_PATH = "/services/"
DEFAULT_TIMEOUT = 10.0  # seconds per attempt: Slack and ping services answer in well under one
CONNECT_TIMEOUT = 5.0  # seconds: a reachable receiver (or SNS) connects in far less
# A standard topic's ARN (SNS allows 1-256 letters, digits, - and _ in a name); FIFO topics
# (".fifo") are refused: Publish to one needs a message group, which a report has no use for.
_TOPIC_ARN = re.compile(
    r"arn:aws(?:-[a-z]+)*:sns:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2}):\d{12}:[A-Za-z0-9_-]{1,256}"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,15}")
_LONG_TOKEN = 16  # a path segment this long is a token even with no digit (no word is)
# What --notify and --heartbeat take, said when a value is not one of them.
_TARGET_TAKES = "https://URL, slack:https://URL or sns:TOPIC_ARN"
_HEARTBEAT_TAKES = "an https:// URL (http:// only on 127.0.0.1 or localhost)"
_SECONDS = re.compile(r"\s*([0-9]+(\.[0-9]*)?|\.[0-9]+)\s*")
_TIMEOUT_RANGE = "more than 0 and at most 300"


class TargetKind(StrEnum):
    """What a target receives."""

    SLACK = "slack"  # a Slack incoming webhook: a Block Kit message
    WEBHOOK = "webhook"  # any other https:// URL: the report's JSON
    SNS = "sns"  # an Amazon SNS topic: Publish of the text report


@dataclass(frozen=True, slots=True)
class NotifyTarget:
    """One place a report is sent. ``address`` (a URL or a topic ARN) is a secret: messages
    name the target by ``name``."""

    kind: TargetKind
    address: str = field(repr=False)
    label: str  # "--notify #2", "notify target team-slack"

    @property
    def name(self) -> str:
        """How every message names the target: its label and kind, never its address."""
        return f"{self.label} ({self.kind.value})"

    @property
    def region(self) -> str:
        """An SNS topic's region (its ARN's), where Publish must be called."""
        return self.address.split(":")[3]


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """A URL requested after every run (``--heartbeat``): as it is when the run completed,
    with ``/fail`` appended to its path when it could not read (healthchecks.io's
    convention, which most dead man's switches follow)."""

    url: str = field(repr=False)
    label: str  # "--heartbeat", "the config file's heartbeat"

    def url_for(self, completed: bool) -> str:
        """The URL to request: the run completed, or it failed."""
        if completed:
            return self.url
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/fail"))


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """Where reports go and how: the command line's, else the config file's."""

    targets: tuple[NotifyTarget, ...] = ()
    always: bool = False  # send when there is nothing to report too (--notify-always)
    heartbeat: Heartbeat | None = None
    timeout: float = DEFAULT_TIMEOUT  # seconds per attempt

    @property
    def holds_secrets(self) -> bool:
        """Whether any address is set (a file holding one should be private)."""
        return bool(self.targets) or self.heartbeat is not None


def parse_target(value: str, label: str) -> NotifyTarget:
    """A target from ``https://URL`` (Slack's incoming webhooks recognized by their host),
    ``slack:URL`` (a Slack-compatible receiver of your own) or ``sns:TOPIC_ARN``, its
    address known as a secret; ValueError saying why not, never quoting the value (a
    value refused is not registered: ``https://`` alone would be cut out of every text)."""
    text = value.strip()
    prefix, _, rest = text.partition(":")
    if prefix.lower() == "sns":
        return NotifyTarget(TargetKind.SNS, _topic_arn(rest), label)
    if prefix.lower() == "slack":
        return NotifyTarget(TargetKind.SLACK, _checked_url(rest), label)
    url = _checked_url(text)
    parts = urlsplit(url)
    slack = parts.hostname in SLACK_HOSTS and parts.path.startswith(SLACK_PATH)
    return NotifyTarget(TargetKind.SLACK if slack else TargetKind.WEBHOOK, url, label)


def parse_heartbeat(value: str, label: str) -> Heartbeat:
    """The ``--heartbeat`` URL, known as a secret; ValueError saying why not."""
    return Heartbeat(_checked_url(value.strip(), _HEARTBEAT_TAKES), label)


def parse_timeout(value: float | str) -> float:
    """Seconds per delivery attempt, from a number or from its text (``--notify-timeout``);
    ValueError outside (0, 300], or for a text that is not a number."""
    if isinstance(value, str):
        number = float(value) if _SECONDS.fullmatch(value) else 0
        if not 0 < number <= 300:
            raise ValueError(f"{value!r} is not a number of seconds, {_TIMEOUT_RANGE}")
        return number
    if not 0 < value <= 300:
        raise ValueError(f"must be {_TIMEOUT_RANGE} seconds")
    return float(value)


def _topic_arn(text: str) -> str:
    arn = text.strip()
    if arn.endswith(".fifo") and _TOPIC_ARN.fullmatch(arn.removesuffix(".fifo")):
        raise ValueError("a FIFO topic (.fifo) cannot take a report: use a standard topic")
    if not _TOPIC_ARN.fullmatch(arn):
        raise ValueError("not an SNS topic ARN (sns:arn:aws:sns:REGION:ACCOUNT:TOPIC)")
    SECRETS.add(arn)
    return arn


def _checked_url(text: str, takes: str = _TARGET_TAKES) -> str:
    """``text`` as an https URL (http for loopback only), its fragment dropped; every part
    of it that may hold a token registered as a secret. ``takes``: what the option takes,
    said when the scheme is not a URL's."""
    if any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError("a URL cannot hold spaces or control characters")
    scheme = text.partition(":")[0]
    try:
        parts = urlsplit(text)
        host, _ = parts.hostname, parts.port  # .port checks the port
    except ValueError:
        raise ValueError("not a URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = f" {scheme!r}" if _SCHEME.fullmatch(scheme) and "//" in text else ""
        raise ValueError(f"unknown scheme{shown}: use {takes}")
    if not host:
        raise ValueError("a URL with no host")
    if parts.scheme.lower() == "http" and host not in LOOPBACK_HOSTS:
        raise ValueError("http:// is only for 127.0.0.1 and localhost: use https://")
    url = urlunsplit(parts._replace(fragment=""))
    _learn(url)
    return url


def _learn(url: str) -> None:
    """Know ``url`` and its parts as secrets: a log line or an error may quote its path, its
    query or one segment of them (a token) without the rest."""
    parts = urlsplit(url)
    SECRETS.add(url)
    SECRETS.add(parts.path)
    if parts.query:
        SECRETS.add(parts.query)
        SECRETS.add(f"{parts.path}?{parts.query}")
    SECRETS.add(parts.username)
    SECRETS.add(parts.password)
    pieces = [*parts.path.split("/"), *(v for _, v in parse_qsl(parts.query))]
    for piece in pieces:
        # A token has digits, or is longer than words are; "services" or "invoke" are the
        # service's words, and redacting them would cut them out of every report too.
        if len(piece) >= MIN_LENGTH and (
            any(c.isdigit() for c in piece) or len(piece) >= _LONG_TOKEN
        ):
            SECRETS.add(piece)
