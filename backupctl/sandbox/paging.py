"""Opaque pagination tokens: an offset bound to the query that produced it.

A token carries the offset of the next page, an optional offset to go back to (so a
fault can make tokens cycle), and a digest of the query: a token replayed against another
query, or garbage, is refused. The digest's last two bytes are the data set's generation
(see ``Dataset.advance``): a token of the same query from before the jobs changed is refused
as expired, since its offsets no longer point where they did.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct

_LAYOUT = struct.Struct(">II8s")


class TokenError(ValueError):
    """The token is not one this query handed out."""


def query_digest(*parts: object, generation: int = 0) -> bytes:
    """Eight bytes identifying a query (operation, caller, scope, filters…) on one
    generation of the data set."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).digest()[:6] + (generation % 65536).to_bytes(2, "big")


def encode(offset: int, digest: bytes, back: int = 0) -> str:
    """The token for the page at ``offset`` of the query with ``digest``."""
    return base64.urlsafe_b64encode(_LAYOUT.pack(offset, back, digest)).decode().rstrip("=")


def decode(token: str, digest: bytes) -> tuple[int, int]:
    """(offset, back) from a token of the query with ``digest``; TokenError otherwise."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        offset, back, found = _LAYOUT.unpack(raw)
    except (binascii.Error, struct.error, ValueError) as error:
        raise TokenError("the token is malformed") from error
    if found[:6] == digest[:6] and found != digest:
        raise TokenError("the token has expired: the jobs changed since the listing began")
    if found != digest:
        raise TokenError("the token belongs to another query")
    return offset, back
