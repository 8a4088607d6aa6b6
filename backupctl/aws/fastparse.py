"""A faster response parser for the three List*Jobs calls.

botocore's generic parser walks every member of every job against the service
model and turns each timestamp into a ``datetime``; on a large organization that,
not the network, is the wall (about 5x slower than ``json.loads``). For the List
calls backupctl only needs the JSON: it decodes the body with ``json.loads`` and
leaves timestamps as epoch seconds, which ``model.normalize`` accepts. Errors and
every other operation keep botocore's own parsing.
"""

from __future__ import annotations

import json
from typing import Any

from botocore.parsers import ResponseParserFactory

FAST_OUTPUT_SHAPES = frozenset(
    {"ListBackupJobsOutput", "ListCopyJobsOutput", "ListRestoreJobsOutput"}
)


class _FastListParser:
    """Parses successful List*Jobs responses with ``json.loads``; hands the rest to botocore."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def parse(self, response: dict[str, Any], shape: Any) -> dict[str, Any]:
        if shape is None or shape.name not in FAST_OUTPUT_SHAPES or response["status_code"] >= 300:
            return self._inner.parse(response, shape)  # type: ignore[no-any-return]
        body = response["body"]
        parsed: dict[str, Any] = json.loads(body) if body else {}
        metadata: dict[str, Any] = {}
        request_id = response["headers"].get("x-amzn-requestid")
        if request_id:
            metadata["RequestId"] = request_id
        parsed["ResponseMetadata"] = metadata
        return parsed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class FastParserFactory(ResponseParserFactory):
    """botocore's factory, but rest-json parsers take the fast path for List*Jobs."""

    def create_parser(self, protocol_name: str) -> Any:
        parser = super().create_parser(protocol_name)
        return _FastListParser(parser) if protocol_name == "rest-json" else parser
