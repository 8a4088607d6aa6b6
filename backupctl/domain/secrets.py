"""The secrets this process knows, and their removal, by value, from any text.

A secret is found where its value is, not where it looks like one: an error body that
echoes a request (proxies and broken gateways do) quotes the session token and the
external id as the request carried them (URL-encoded in a form, escaped inside JSON,
escaped again inside a JSON string), where no pattern of names and quotes finds them.
So every secret is registered once, with the encodings it may be written in, and every
line written to stdout or stderr is searched for all of them (``cli/redacting.py``).

A page of NDJSON must be searched for thousands of values (two per assumed account) for
much less than it cost to encode it. Each value of at least ``_LONG`` bytes is indexed by
the 8-byte words at each of its first ``_STEP`` offsets; any occurrence of it in a text
then covers the word at some multiple of ``_STEP``. Those words of the text (a thirty-
second of it, read as integers in C) are looked up at once, and only the values a word
points at are searched for. Shorter values (external ids, mostly) are searched for one
by one.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable

REDACTED = "<redacted>"
# Shorter values are no secret (guessed in a moment) and would cut words out of the data.
MIN_LENGTH = 6

_WORD = 8  # bytes: memoryview's "Q"
_STEP = 32  # bytes: a multiple of _WORD
_LONG = _STEP + _WORD - 1  # the shortest value (in UTF-8 bytes) a word is sure to find
_RESERVED = re.compile("[^A-Za-z0-9_.~-]+")  # all RFC 3986 leaves unencoded
_XML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"})
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def encodings(value: str) -> set[str]:
    """``value`` as a request, a log or an error body may write it: as it is, URL-encoded
    (a query string, an AWS form; a space as ``%20`` or ``+``, a slash kept or not),
    JSON-escaped (once, and again inside a JSON string), XML- and HTML-escaped, as
    Python's ``repr`` writes a str or its UTF-8 bytes."""
    encoded = _RESERVED.sub(_percent, value)  # urllib's quote(value, safe=""), in C mostly
    percent = {encoded, encoded.replace("%2F", "/")}
    percent |= {form.replace("%20", "+") for form in percent}
    once = json.dumps(value)[1:-1]
    return {
        value,
        *percent,
        once,
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(once)[1:-1],
        value.translate(_XML),
        value.translate(_HTML),
        repr(value)[1:-1],
        repr(value.encode("utf-8", "backslashreplace"))[2:-1],
    }


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in _utf8(match.group()))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate from the data too


def _leading_words(data: bytes) -> set[int]:
    """The 8-byte words at each of the first ``_STEP`` offsets of ``data``, as integers."""
    words: set[int] = set()
    for shift in range(_WORD):
        words.update(memoryview(data[shift : shift + _STEP]).cast("Q").tolist())
    return words


def _sampled_words(data: bytes) -> memoryview:
    """The 8-byte word at every ``_STEP``-th byte of ``data``, as integers, read in C and
    not copied (a last, partial word cannot be within a value that is within ``data``)."""
    return memoryview(data)[: len(data) & -_WORD].cast("Q")[:: _STEP // _WORD]


class Secrets:
    """A registry of secret values; ``redact`` removes every one of them from a text.

    Safe from any thread: ``add`` changes the index under a lock, and ``redact`` reads it
    with lookups and copies that the GIL keeps whole.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._forms: set[str] = set()
        # (value, its UTF-8), searched for in the text's UTF-8: a quarter of the memory a
        # str with one emoji takes. Replaced, never changed: readers may hold it.
        self._short: tuple[tuple[str, bytes], ...] = ()
        # A word -> the value it is part of, or the list of them (tokens share a prefix).
        # A set per word would cost a hundred megabytes over a thousand accounts.
        self._words: dict[int, str | list[str]] = {}

    def add(self, value: str | None) -> None:
        """Know ``value`` (a key, a token, an external id, a webhook URL) as a secret from now
        on; ``None`` and values shorter than ``MIN_LENGTH`` are ignored."""
        if value is None or len(value) < MIN_LENGTH or value in self._forms:
            return  # known already: every request's token comes by here
        forms = encodings(value)
        with self._lock:
            new = forms - self._forms
            self._forms |= new
            for form in new:
                data = _utf8(form)
                if len(data) >= _LONG:
                    self._index(_leading_words(data), form)
                else:
                    self._short += ((form, data),)

    def _index(self, words: set[int], form: str) -> None:
        """Each of ``words`` is part of ``form`` too (under the lock)."""
        index = self._words
        for word in words:
            known = index.get(word)
            if known is None:
                index[word] = form
            elif isinstance(known, str):
                index[word] = [known, form]
            else:
                known.append(form)

    def redact(self, text: str) -> str:
        """``text`` with every known secret, in every encoding, replaced by ``<redacted>``."""
        data = _utf8(text)
        found = [form for form, encoded in self._short if encoded in data]
        if self._words and len(data) >= _LONG:
            words = _sampled_words(data)
            if not self._words.keys().isdisjoint(words):
                found += (form for form in self._candidates(words) if form in text)
        if not found:
            return text
        # Longest first: one value's encoding may hold another, shorter value.
        for form in sorted(found, key=len, reverse=True):
            text = text.replace(form, REDACTED)
        return text

    def _candidates(self, words: Iterable[int]) -> set[str]:
        """The values that hold one of ``words``."""
        candidates: set[str] = set()
        for word in words:
            known = self._words.get(word)
            if isinstance(known, str):
                candidates.add(known)
            elif known is not None:
                candidates.update(known)
        return candidates


SECRETS = Secrets()
"""The process's registry: the AWS layer adds the credentials it resolves and receives and
the external id it sends; the CLI's streams redact with it."""
