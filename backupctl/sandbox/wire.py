"""Responses and errors in the three wire protocols: rest-json, json 1.1 and query/XML."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape as _html_escape
from typing import Any

REST_JSON = "application/json"
JSON_11 = "application/x-amz-json-1.1"
XML = "text/xml"
STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
SNS_NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/"


@dataclass
class Response:
    """What the server writes back: status, body and the headers beyond the standard ones."""

    status: int
    body: bytes
    content_type: str = REST_JSON
    headers: dict[str, str] = field(default_factory=dict)


class ServiceError(Exception):
    """An error a service answers with; each protocol encodes it its own way.

    ``sender`` says whose fault it is (the caller's: 4xx, or the service's: 5xx);
    ``extra`` holds members beyond Message that the error shape defines (e.g. Reason).
    """

    def __init__(
        self, status: int, code: str, message: str, extra: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}

    @property
    def sender(self) -> bool:
        """Whether the caller is at fault."""
        return self.status < 500


# What AWS's front ends say of a token they cannot accept, in every protocol.
TOKEN_EXPIRED = "The security token included in the request is expired"
TOKEN_INVALID = "The security token included in the request is invalid."


def front_end_token_error(status: int, expired: bool) -> ServiceError:
    """A bad or expired token, as the JSON front ends (Backup, Account, Organizations)
    answer it, with their ``status``."""
    if expired:
        return ServiceError(status, "ExpiredTokenException", TOKEN_EXPIRED)
    return ServiceError(status, "UnrecognizedClientException", TOKEN_INVALID)


class Hangup(Exception):
    """The server is stopping while a request hangs: close the connection, answer nothing."""


def escape(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped."""
    return _html_escape(text, quote=False)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, as AWS sends it."""
    return _ENCODER.encode(value).encode()


def epoch(moment: datetime) -> float:
    """A JSON timestamp: epoch seconds with milliseconds."""
    return round(moment.timestamp(), 3)


def iso8601(moment: datetime) -> str:
    """An XML timestamp, as STS writes them."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rest_json_error(error: ServiceError) -> Response:
    """An AWS Backup error: the code in ``x-amzn-ErrorType`` and in the body."""
    body = {
        "Code": error.code,
        "Message": error.message,
        "Type": "User" if error.sender else "Server",
        **error.extra,
    }
    return Response(error.status, dumps(body), REST_JSON, {"x-amzn-ErrorType": error.code})


def json11_error(error: ServiceError) -> Response:
    """An Organizations error: ``__type`` and ``Message``."""
    body = {"__type": error.code, "Message": error.message, **error.extra}
    return Response(error.status, dumps(body), JSON_11)


def xml_elements(value: dict[str, Any]) -> str:
    """Nested elements for a query-protocol result; None members are left out."""
    parts: list[str] = []
    for name, item in value.items():
        if item is None:
            continue
        if isinstance(item, dict):
            text = xml_elements(item)
        elif isinstance(item, datetime):
            text = iso8601(item)
        else:
            text = escape(str(item))
        parts.append(f"<{name}>{text}</{name}>")
    return "".join(parts)


def query_response(
    operation: str, result: dict[str, Any], request_id: str, namespace: str = STS_NAMESPACE
) -> Response:
    """A query-protocol (STS, SNS) response: ``<OpResponse><OpResult>…</OpResult>…``."""
    body = (
        f'<{operation}Response xmlns="{namespace}">'
        f"<{operation}Result>{xml_elements(result)}</{operation}Result>"
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{operation}Response>"
    )
    return Response(200, body.encode(), XML)


def query_error(error: ServiceError, request_id: str, namespace: str = STS_NAMESPACE) -> Response:
    """A query-protocol error: ``<ErrorResponse><Error><Type/><Code/><Message/></Error>…``."""
    body = (
        f'<ErrorResponse xmlns="{namespace}"><Error>'
        f"<Type>{'Sender' if error.sender else 'Receiver'}</Type>"
        f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    return Response(error.status, body.encode(), XML)
