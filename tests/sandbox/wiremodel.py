"""Check raw response bodies against botocore's service models, member by member."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore.loaders import Loader

_LOADER = Loader()
_MODELS: dict[str, dict[str, Any]] = {}
# Errors AWS's front ends answer with that no service model lists.
_GENERIC_ERRORS = {
    "AccessDeniedException",
    "ThrottlingException",
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "InvalidSignatureException",
    "UnknownOperationException",
    "TooManyRequestsException",
}
# Errors the query-protocol front ends (STS, SNS) answer with that no service model lists.
_GENERIC_QUERY_ERRORS = {
    "AccessDenied",
    "ValidationError",
    "InvalidClientTokenId",
    "ExpiredToken",
    "Throttling",
    "InternalFailure",
    "InvalidAction",
}


def model(service: str) -> dict[str, Any]:
    """The service model as botocore loads it."""
    if service not in _MODELS:
        _MODELS[service] = _LOADER.load_service_model(service, "service-2")
    return _MODELS[service]


def _query(service: str) -> bool:
    return bool(model(service)["metadata"]["protocol"] == "query")


def _ns(service: str) -> str:
    """The XML namespace of a query-protocol service, as ElementTree writes it in tags."""
    return "{" + str(model(service)["metadata"]["xmlNamespace"]) + "}"


def check_json(service: str, shape_name: str, value: Any, path: str = "$") -> list[str]:
    """Every way ``value`` departs from the shape (JSON protocols: timestamps are numbers)."""
    shape = model(service)["shapes"][shape_name]
    kind = shape["type"]
    problems: list[str] = []
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: expected an object for {shape_name}, got {value!r:.80}"]
        members = shape["members"]
        for name, item in value.items():
            if name not in members:
                problems.append(f"{path}.{name}: not a member of {shape_name}")
            else:
                problems += check_json(service, members[name]["shape"], item, f"{path}.{name}")
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{path}: expected a list for {shape_name}"]
        for index, item in enumerate(value):
            problems += check_json(service, shape["member"]["shape"], item, f"{path}[{index}]")
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: expected a map for {shape_name}"]
        for key, item in value.items():
            problems += check_json(service, shape["key"]["shape"], key, f"{path}<key>")
            problems += check_json(service, shape["value"]["shape"], item, f"{path}[{key}]")
    else:
        problems += _check_scalar(shape, shape_name, value, path)
    return problems


def _check_scalar(shape: dict[str, Any], shape_name: str, value: Any, path: str) -> list[str]:
    kind = shape["type"]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected a string for {shape_name}, got {value!r:.80}"]
        if "enum" in shape and value not in shape["enum"]:
            return [f"{path}: {value!r} is not in the enum {shape_name}"]
        return []
    if kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected an integer for {shape_name}, got {value!r}"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected a boolean, got {value!r}"]
    if kind == "timestamp":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and round(value, 3) != value:
            return [f"{path}: {value!r} has more than millisecond precision"]
        return [] if ok else [f"{path}: expected epoch seconds, got {value!r}"]
    if kind in ("double", "float"):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected a number, got {value!r}"]
    return [f"{path}: unchecked type {kind}"]


def check_xml(service: str, shape_name: str, element: ET.Element, path: str = "") -> list[str]:
    """Every way an XML element departs from the shape (query protocol)."""
    shape = model(service)["shapes"][shape_name]
    kind = shape["type"]
    text = element.text or ""
    if kind == "structure":
        problems: list[str] = []
        for child in element:
            name = child.tag.removeprefix(_ns(service))
            if name not in shape["members"]:
                problems.append(f"{path}/{name}: not a member of {shape_name}")
            else:
                member = shape["members"][name]["shape"]
                problems += check_xml(service, member, child, f"{path}/{name}")
        return problems
    if kind == "timestamp":
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return [f"{path}: {text!r} is not an ISO 8601 timestamp"]
        return []
    if kind in ("integer", "long"):
        return [] if text.lstrip("-").isdigit() else [f"{path}: {text!r} is not an integer"]
    if kind == "boolean":
        return [] if text in ("true", "false") else [f"{path}: {text!r} is not a boolean"]
    if kind == "string" and "enum" in shape and text not in shape["enum"]:
        return [f"{path}: {text!r} is not in the enum {shape_name}"]
    return []


def error_members(service: str, code: str) -> set[str]:
    """The members an error body may carry: the modelled shape's, or the generic ones."""
    shapes = model(service)["shapes"]
    for name, shape in shapes.items():
        if shape.get("exception") and code in (name, shape.get("error", {}).get("code")):
            return set(shape["members"])
    assert code in _GENERIC_ERRORS, f"{code} is neither modelled nor a known front-end error"
    if service == "backup":
        return {"Code", "Message", "Type", "Context"}
    return {"message"} if service == "account" else {"Message"}


@dataclass
class Captured:
    """One raw response, as it came off the wire."""

    service: str
    operation: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Recorder:
    """Collects every raw response a client receives (botocore's before-parse event)."""

    responses: list[Captured] = field(default_factory=list)

    def attach(self, client: Any) -> Any:
        """Record ``client``'s responses; returns the client."""
        client.meta.events.register("before-parse", self._record)
        return client

    def _record(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        self.responses.append(
            Captured(
                service=operation_model.service_model.service_name,
                operation=operation_model.name,
                status=int(response_dict["status_code"]),
                headers={k.lower(): v for k, v in response_dict["headers"].items()},
                body=bytes(response_dict["body"]),
            )
        )

    @property
    def last(self) -> Captured:
        """The most recent response."""
        return self.responses[-1]


def check_response(captured: Captured) -> list[str]:
    """Every way a captured response departs from its operation's model."""
    service, operation = captured.service, captured.operation
    op = model(service)["operations"][operation]
    if captured.status >= 300:
        return _check_error(captured)
    if _query(service):
        ns = _ns(service)
        root = ET.fromstring(captured.body)
        if root.tag != f"{ns}{operation}Response":
            return [f"root element {root.tag}"]
        result = root.find(f"{ns}{op['output']['resultWrapper']}")
        if result is None:
            return ["no result wrapper"]
        return check_xml(service, op["output"]["shape"], result)
    return check_json(service, op["output"]["shape"], json.loads(captured.body))


def _check_error(captured: Captured) -> list[str]:
    service = captured.service
    if _query(service):
        ns = _ns(service)
        root = ET.fromstring(captured.body)
        error = root.find(f"{ns}Error")
        if root.tag != f"{ns}ErrorResponse" or error is None:
            return ["not an ErrorResponse document"]
        children = [child.tag.removeprefix(ns) for child in error]
        request_id = root.find(f"{ns}RequestId")
        problems = [] if children == ["Type", "Code", "Message"] else [f"Error has {children}"]
        code = error.findtext(f"{ns}Code") or ""
        modelled = {
            shape.get("error", {}).get("code", name)
            for name, shape in model(service)["shapes"].items()
            if shape.get("exception")
        }
        if code not in modelled | _GENERIC_QUERY_ERRORS:
            problems.append(f"{code} is neither modelled nor a known front-end error")
        return problems + ([] if request_id is not None else ["no RequestId"])
    body = json.loads(captured.body)
    if service == "backup":
        code = captured.headers.get("x-amzn-errortype", "")
        problems = [] if body.get("Code") == code else [f"Code {body.get('Code')} != {code}"]
        if body.get("Type") not in ("User", "Server"):
            problems.append(f"Type {body.get('Type')!r}")
    elif model(service)["metadata"]["protocol"] == "rest-json":
        code = captured.headers.get("x-amzn-errortype", "")
        problems = [] if code else ["no x-amzn-ErrorType"]
    else:
        code = body.get("__type", "")
        problems = []
        body = {key: value for key, value in body.items() if key != "__type"}
    allowed = error_members(service, code)
    extra = set(body) - allowed
    if extra:
        problems.append(f"{code} has members {sorted(extra)} beyond {sorted(allowed)}")
    if not all(isinstance(value, str) for value in body.values()):
        problems.append(f"{code} has non-string members")
    return problems
