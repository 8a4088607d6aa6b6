"""Amazon SNS (query protocol, XML): Publish to the organization's topics (``topics``).

A caller publishes to its own account's topics in the region it calls: a topic of another
account is refused (AuthorizationError, as with no topic policy that lets it in), a topic of
another region is an invalid TopicArn, a topic that does not exist is NotFound. AWS's limits
hold with AWS's codes and wording: a message of at most 256 KiB (262,144 UTF-8 bytes,
message attributes included), a subject of 1 to 100 printable ASCII characters (no line
breaks or other control characters, not starting with a space), well-formed message
attributes and ``MessageStructure=json``. Throttling answers ``Throttling`` ("Rate
exceeded"), as SNS's front end does; 5xx and ``sns_fail_topics`` answer 500 InternalError.
Every accepted publish is kept in ``Runtime.publications``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from backupctl.sandbox.models import backup_regions
from backupctl.sandbox.publications import MessageAttribute, Publication
from backupctl.sandbox.runtime import Call, Runtime
from backupctl.sandbox.topics import parse_topic_arn
from backupctl.sandbox.wire import (
    SNS_NAMESPACE,
    TOKEN_EXPIRED,
    TOKEN_INVALID,
    Response,
    ServiceError,
    query_error,
    query_response,
)

MAX_MESSAGE_BYTES = 262_144
MAX_SUBJECT = 100
_SUBJECT = re.compile(r"^[!-~][ -~]*$")  # printable ASCII, not starting with a space
_ATTRIBUTE_NAME = re.compile(r"^(?!\.)(?!.*\.\.)(?!.*\.$)[A-Za-z0-9_.-]{1,256}$")
_ATTRIBUTE_KEY = re.compile(r"^MessageAttributes\.entry\.(\d+)\.(Name|Value\.(\w+))$")


def _invalid(what: str) -> ServiceError:
    return ServiceError(400, "InvalidParameter", f"Invalid parameter: {what}")


def _bad_value(message: str) -> ServiceError:
    return ServiceError(400, "ParameterValueInvalid", message)


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def _attributes(form: dict[str, str]) -> dict[str, MessageAttribute]:
    """``MessageAttributes.entry.N.Name`` / ``.Value.DataType|StringValue|BinaryValue``."""
    entries: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        match = _ATTRIBUTE_KEY.match(key)
        if match:
            entries.setdefault(int(match[1]), {})[match[3] or "Name"] = value
    attributes: dict[str, MessageAttribute] = {}
    for _, entry in sorted(entries.items()):
        name = entry.get("Name", "")
        if not _ATTRIBUTE_NAME.match(name) or name.lower().startswith(("aws.", "amazon.")):
            raise _bad_value(f"Invalid attribute name: '{name}'.")
        attributes[name] = _attribute(name, entry)
    return attributes


def _attribute(name: str, entry: dict[str, str]) -> MessageAttribute:
    data_type = entry.get("DataType", "")
    base = data_type.split(".", 1)[0]
    if base not in ("String", "Number", "Binary"):
        raise _bad_value(
            f"The message attribute '{name}' has an invalid message attribute type, the set "
            "of supported type prefixes is Binary, Number, and String."
        )
    empty = _bad_value(
        f"The message attribute '{name}' must contain non-empty message attribute value "
        f"for message attribute type '{data_type}'."
    )
    if base == "Binary":
        try:
            binary = base64.b64decode(entry.get("BinaryValue", ""), validate=True)
        except binascii.Error:
            raise _bad_value(
                f"The message attribute '{name}' has an invalid binary value."
            ) from None
        if not binary:
            raise empty
        return MessageAttribute(data_type, binary_value=binary)
    text = entry.get("StringValue", "")
    if not text:
        raise empty
    if base == "Number":
        try:
            float(text)
        except ValueError:
            raise _bad_value(
                f"Could not cast message attribute '{name}' value to number."
            ) from None
    if data_type == "String.Array":
        try:
            valid = isinstance(json.loads(text), list)
        except ValueError:
            valid = False
        if not valid:
            raise _bad_value(f"The message attribute '{name}' must be a valid JSON array.")
    return MessageAttribute(data_type, string_value=text)


def _size(message: str, attributes: dict[str, MessageAttribute]) -> int:
    """What counts toward the limit: the body, and each attribute's name, type and value."""
    size = len(message.encode())
    for name, attribute in attributes.items():
        value = attribute.binary_value or (attribute.string_value or "").encode()
        size += len(name.encode()) + len(attribute.data_type.encode()) + len(value)
    return size


def _check_structure(structure: str | None, message: str) -> None:
    if structure is None:
        return
    if structure != "json":
        raise _invalid("MessageStructure")
    try:
        body = json.loads(message)
    except ValueError:
        raise _invalid("Message Structure - JSON message body failed to parse") from None
    if not isinstance(body, dict) or not isinstance(body.get("default"), str):
        raise _invalid("Message Structure - No default entry in JSON message body")


class SnsService:
    """Publish."""

    name = "sns"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def operation(self, method: str, path: str, headers: dict[str, str], body: bytes) -> str:
        """The ``Action`` of the form."""
        return _form(body).get("Action", "Unknown")

    def check_region(self, region: str, account_id: str) -> None:
        """An opt-in region that is not enabled refuses the token, as STS's does."""
        if region in self.runtime.dataset.regions:
            return
        if not self.runtime.region_enabled(account_id, region) or region not in backup_regions():
            raise self.identity_error(expired=False)

    def identity_error(self, expired: bool) -> ServiceError:
        """SNS answers 403 for a bad or an expired token."""
        if expired:
            return ServiceError(403, "ExpiredToken", TOKEN_EXPIRED)
        return ServiceError(403, "InvalidClientTokenId", TOKEN_INVALID)

    def throttled(self) -> ServiceError:
        """SNS's front end throttles with Throttling, 400."""
        return ServiceError(400, "Throttling", "Rate exceeded")

    def unavailable(self) -> ServiceError:
        """SNS's 5xx error."""
        return ServiceError(500, "InternalError", "Internal Error")

    def encode_error(self, error: ServiceError, request_id: str) -> Response:
        """The query protocol's ErrorResponse document, in SNS's namespace."""
        return query_error(error, request_id, SNS_NAMESPACE)

    def handle(self, call: Call) -> Response:
        """Publish; any other action is not served."""
        if call.operation != "Publish":
            raise ServiceError(
                400,
                "InvalidAction",
                f"The action {call.operation} is not valid for this web service.",
            )
        form = _form(call.body)
        publication = self._publication(form, call)
        self._check_topic(publication.topic_arn, call)
        self.runtime.publications.add(publication)
        result = {"MessageId": publication.message_id}
        return query_response("Publish", result, call.request_id, SNS_NAMESPACE)

    def _publication(self, form: dict[str, str], call: Call) -> Publication:
        """The request's parameters, validated as SNS validates them."""
        if form.get("PhoneNumber"):
            raise _invalid("PhoneNumber Reason: the sandbox sends no SMS messages")
        topic = form.get("TopicArn") or form.get("TargetArn")
        if not topic:
            raise _invalid("TopicArn or TargetArn Reason: no value for required parameter")
        message = form.get("Message")
        if message is None:
            raise ServiceError(
                400,
                "ValidationError",
                "1 validation error detected: Value null at 'message' failed to satisfy "
                "constraint: Member must not be null",
            )
        if not message:
            raise _invalid("Empty message")
        subject = form.get("Subject")
        if subject is not None and not (len(subject) <= MAX_SUBJECT and _SUBJECT.match(subject)):
            raise _invalid("Subject")
        structure = form.get("MessageStructure")
        _check_structure(structure, message)
        attributes = _attributes(form)
        if _size(message, attributes) > MAX_MESSAGE_BYTES:
            raise _invalid("Message too long")
        return Publication(
            message_id=str(uuid.uuid4()),
            topic_arn=topic,
            account_id=call.identity.account_id,
            region=call.region,
            subject=subject,
            message=message,
            message_structure=structure,
            attributes=attributes,
            published_at=datetime.now(UTC),
        )

    def _check_topic(self, topic: str, call: Call) -> None:
        """Whether the caller may publish to ``topic``: its own, in this region, existing."""
        parsed = parse_topic_arn(topic)
        if parsed is None or parsed[0] != call.region:
            raise _invalid("TopicArn")
        if parsed[1] != call.identity.account_id:
            raise ServiceError(
                403,
                "AuthorizationError",
                f"User: {call.identity.arn} is not authorized to perform: SNS:Publish on "
                f"resource: {topic} because no resource-based policy allows the SNS:Publish "
                "action",
            )
        if topic not in self.runtime.topics:
            raise ServiceError(404, "NotFound", "Topic does not exist")
        if topic in self.runtime.faults.sns_fail_topics:
            self.runtime.fault("sns_fail")
            raise self.unavailable()
