"""Stable identifiers: the same seed gives the same ids in every process.

Python's ``hash()`` is salted per process, so everything here goes through SHA-256.
"""

from __future__ import annotations

import hashlib
import random

_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def stable_int(*parts: object) -> int:
    """A 64-bit integer determined by ``parts`` alone."""
    text = "\x1f".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def stable_rng(*parts: object) -> random.Random:
    """A random generator seeded by ``parts``; ``random.Random(int)`` is not salted."""
    return random.Random(stable_int(*parts))


def lower_token(length: int, *parts: object) -> str:
    """Lowercase letters and digits, as in organization, root and OU ids."""
    rng = stable_rng("token", *parts)
    return "".join(rng.choice(_LOWER) for _ in range(length))


def upper_token(length: int, *parts: object) -> str:
    """Uppercase letters and digits, as in access key ids."""
    rng = stable_rng("key", *parts)
    return "".join(rng.choice(_UPPER) for _ in range(length))


def guid(rng: random.Random, upper: bool = True) -> str:
    """A GUID-shaped id (8-4-4-4-12 hex), uppercase like job ids or lowercase like plan ids."""
    text = f"{rng.getrandbits(128):032x}"
    text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text.upper() if upper else text


def hex_id(rng: random.Random, length: int) -> str:
    """Lowercase hex of ``length`` characters, as in ``i-0…`` or ``vol-0…``."""
    return f"{rng.getrandbits(4 * length):0{length}x}"
