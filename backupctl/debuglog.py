"""``--debug``: botocore's debug log on stderr, with secrets redacted before they are written."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TextIO

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
    """``text`` with every secret value replaced by ``<redacted>``."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("key") + "<redacted>", text)
    return text


class _Redacting(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def enable_debug_log(stream: TextIO) -> Callable[[], None]:
    """Send botocore's and urllib3's debug log to ``stream``, redacted; returns the undo."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_Redacting("%(asctime)s %(name)s %(levelname)s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("botocore", "urllib3", "backupctl")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)

    def undo() -> None:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)

    return undo
