"""``--debug``: botocore's debug log on stderr, with secrets redacted before they are written."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from backupctl.domain.secrets import SECRETS

# Secrets appear in botocore's log as headers, as STS's XML and as JSON or repr'd dicts.
_PATTERNS = (
    re.compile(
        r"(?P<key>(SecretAccessKey|SessionToken|ExternalId|aws_secret_access_key|aws_session_token"
        r"|secret_key|token|X-Amz-Security-Token|x-amz-security-token)"
        r"(['\"]?\s*[:=>]\s*b?['\"]?|>))(?P<secret>[^'\"<>,&\s}]+)"
    ),
    re.compile(r"(?P<key>Signature=)(?P<secret>[0-9a-f]{16,})"),
    re.compile(r"(?P<key>ExternalId=)(?P<secret>[^&\s'\"]+)"),
)


def redact(text: str) -> str:
    """``text`` with every secret replaced by ``<redacted>``: each one the process knows, by
    value; then, by the shape of what names it, any other (a signature, a stranger's key).

    Values first: a pattern stops at a comma or a space inside an external id, and would
    leave the rest of it where the value could no longer be found whole."""
    text = SECRETS.redact(text)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + "<redacted>", text)
    return text


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _Handler(logging.StreamHandler[TextIO]):
    """The redacted log on a stream or, for a while, handed line by line elsewhere."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.setFormatter(_Redacting("%(asctime)s %(name)s %(levelname)s %(message)s"))
        self.divert: Callable[[str], None] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        divert = self.divert  # read once: debug_log_to may reset it meanwhile
        if divert is None:
            super().emit(record)
            return
        try:
            divert(self.format(record))
        except Exception:  # a log line must never break the command
            self.handleError(record)


_active: list[_Handler] = []  # the handler of --debug, while it is on


def enable_debug_log(stream: TextIO) -> Callable[[], None]:
    """Send botocore's and urllib3's debug log to ``stream``, redacted; returns the undo."""
    handler = _Handler(stream)
    loggers = [logging.getLogger(name) for name in ("botocore", "urllib3", "backupctl")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    _active.append(handler)

    def undo() -> None:
        _active.remove(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)

    return undo


@contextmanager
def debug_log_to(write: Callable[[str], None]) -> Iterator[None]:
    """While the block runs, hand each line of the ``--debug`` log (if it is on) to ``write``:
    how ``jobs watch`` shows it above its live view instead of through it."""
    if not _active:
        yield
        return
    handler = _active[-1]
    handler.divert = write
    try:
        yield
    finally:
        handler.divert = None
