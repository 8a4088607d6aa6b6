"""Errors that echo the request, as broken proxies and gateways answer: the request line
with its query string, every header (``Authorization``, ``X-Amz-Security-Token``) and the
body (an AssumeRole form carries ``ExternalId=…``, URL-encoded) end up in the Message.

Three forms, each a way a redaction by the secret's usual shape misses it:
``http``: the request as HTTP text, lines split by CRLF; ``json``: the request as a JSON
object; ``escaped``: that JSON encoded once more as a string, so inside the Message every
quote is ``\\"``. The error's code and status do not change: clients classify it as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from backupctl.sandbox.config import EchoMode
from backupctl.sandbox.wire import ServiceError


@dataclass(frozen=True)
class ReceivedRequest:
    """A request as it came off the wire: its first line, its headers in order, its body."""

    request_line: str  # e.g. "GET /backup-jobs/?maxResults=1000 HTTP/1.1"
    headers: tuple[tuple[str, str], ...]  # names as the client spelled them
    body: bytes


def echoed(error: ServiceError, request: ReceivedRequest, mode: EchoMode) -> ServiceError:
    """``error`` with ``request``, in the form ``mode`` names, at the end of its Message."""
    body = request.body.decode("utf-8", "replace")
    if mode == "http":
        head = "\r\n".join([request.request_line, *(f"{n}: {v}" for n, v in request.headers)])
        text = f"{head}\r\n\r\n{body}"
    else:
        document = {
            "requestLine": request.request_line,
            "headers": dict(request.headers),
            "body": body,
        }
        text = json.dumps(document)
        if mode == "escaped":
            text = json.dumps(text)
    message = f"{error.message} (request received: {text})"
    return ServiceError(error.status, error.code, message, error.extra)
