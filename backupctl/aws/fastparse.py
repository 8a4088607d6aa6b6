"""The List*Jobs responses, kept as their raw JSON body until the writer decodes them.

botocore's generic parser walks every member of every job against the service model and
turns each timestamp into a ``datetime``; on a large organization that, not the network,
is the wall (about 5x slower than ``json.loads``). And a decoded page of 1000 jobs is
several MB of Python objects, where its body is one ``bytes``. So a successful List*Jobs
response is not decoded where it arrives: the parser returns the body (``RAW``) and the
NextToken, read straight from the body, which is all the worker needs to ask for the next
page; ``backup_jobs.RawJobs`` decodes the body once, in the thread that writes it, and
checks that the token it finds there is the one the worker followed. Errors and every
other operation keep botocore's own parsing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.parsers import ResponseParserFactory

FAST_OUTPUT_SHAPES = frozenset(
    {"ListBackupJobsOutput", "ListCopyJobsOutput", "ListRestoreJobsOutput"}
)
RAW = "BackupctlRawBody"  # the parsed response's key for the undecoded body

_KEY = b'"NextToken"'
# A JSON string can hold no raw '"', so '"NextToken"' in a body is a key. It is the
# response's own when it is the first member or the last (AWS writes it last).
_LAST = re.compile(rb'"NextToken"\s*:\s*("(?:[^"\\]|\\.)*"|null)\s*}\s*\Z')
_FIRST = re.compile(rb'\A\s*{\s*"NextToken"\s*:\s*("(?:[^"\\]|\\.)*"|null)\s*[,}]')


def next_token(body: bytes) -> str | None:
    """The response's NextToken, read without decoding its jobs; None when there is none.

    A NextToken that is neither the first member nor the last is found by decoding the
    whole body (slow, and never seen from AWS). A key spelled with escapes is not found
    here: the writer's decode finds it, and fails the listing rather than end it early.
    """
    last = body.rfind(_KEY)
    if last < 0:
        return None
    match = _LAST.match(body, last)
    if match is None:
        match = _FIRST.match(body)
    if match is None:
        return _decoded_token(body)
    token = json.loads(match.group(1))
    return token if isinstance(token, str) and token else None


def _decoded_token(body: bytes) -> str | None:
    try:
        decoded = json.loads(body)
    except ValueError:
        return None  # the writer's decode names what is wrong with the body
    token = decoded.get("NextToken") if isinstance(decoded, dict) else None
    return token if isinstance(token, str) and token else None


class _FastListParser:
    """Leaves successful List*Jobs bodies undecoded; hands the rest to botocore."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def parse(self, response: dict[str, Any], shape: Any) -> dict[str, Any]:
        if shape is None or shape.name not in FAST_OUTPUT_SHAPES or response["status_code"] >= 300:
            return self._inner.parse(response, shape)  # type: ignore[no-any-return]
        body: bytes = response["body"] or b"{}"
        metadata: dict[str, Any] = {}
        request_id = response["headers"].get("x-amzn-requestid")
        if request_id:
            metadata["RequestId"] = request_id
        return {RAW: body, "NextToken": next_token(body), "ResponseMetadata": metadata}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class FastParserFactory(ResponseParserFactory):
    """botocore's factory, but rest-json parsers take the fast path for List*Jobs."""

    def create_parser(self, protocol_name: str) -> Any:
        parser = super().create_parser(protocol_name)
        return _FastListParser(parser) if protocol_name == "rest-json" else parser
