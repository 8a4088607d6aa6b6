"""What Amazon SNS accepted: every publish, in order, for tests to read."""

from __future__ import annotations

import base64
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class MessageAttribute:
    """One message attribute, as Publish received it."""

    data_type: str  # String, String.Array, Number or Binary (with an optional .suffix)
    string_value: str | None = None
    binary_value: bytes | None = None


@dataclass(frozen=True)
class Publication:
    """One accepted publish. ``published_at`` is the wall-clock time it was accepted (not
    the organization's ``now``, which only ``advance`` moves)."""

    message_id: str
    topic_arn: str
    account_id: str  # the caller's account
    region: str
    subject: str | None
    message: str
    message_structure: str | None
    attributes: Mapping[str, MessageAttribute]
    published_at: datetime

    def as_json(self) -> dict[str, Any]:
        """A JSON-able copy (binary values in base64, the time in RFC 3339)."""
        attributes = {
            name: {
                "DataType": attribute.data_type,
                **(
                    {}
                    if attribute.string_value is None
                    else {"StringValue": attribute.string_value}
                ),
                **(
                    {}
                    if attribute.binary_value is None
                    else {"BinaryValue": base64.b64encode(attribute.binary_value).decode()}
                ),
            }
            for name, attribute in self.attributes.items()
        }
        return {
            "MessageId": self.message_id,
            "TopicArn": self.topic_arn,
            "AccountId": self.account_id,
            "Region": self.region,
            "Subject": self.subject,
            "Message": self.message,
            "MessageStructure": self.message_structure,
            "MessageAttributes": attributes,
            "PublishedAt": self.published_at.isoformat(),
        }


class PublicationLog:
    """Accepted publishes, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._publications: list[Publication] = []

    def add(self, publication: Publication) -> None:
        """Remember one accepted publish."""
        with self._lock:
            self._publications.append(publication)

    def read(self, topic_arn: str | None = None) -> tuple[Publication, ...]:
        """Every publish so far, oldest first; to one topic only when ``topic_arn`` is given."""
        with self._lock:
            found = tuple(self._publications)
        return found if topic_arn is None else tuple(p for p in found if p.topic_arn == topic_arn)

    def clear(self) -> None:
        """Forget every publish."""
        with self._lock:
            self._publications = []
