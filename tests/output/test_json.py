"""JSON and NDJSON: exact text, newest first, terminal-inert, exact round trip."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backupctl.domain.job import FIELDS, as_record
from backupctl.output.families import JOBS
from backupctl.output.fields import selected
from backupctl.output.json import _UNSAFE, JsonWriter, _escape, dumps, inert
from backupctl.output.ndjson import NdjsonWriter

from .factory import FULL_JOB_JSON, HOSTILE, NOW, full_job, make_job

# Each hostile string as a JSON string literal, written by hand.
HOSTILE_JSON = {
    "[bold red]x[/]": '"[bold red]x[/]"',
    "\x1b[31mred\x1b[0m": '"\\u001b[31mred\\u001b[0m"',
    "\x1b]8;;https://evil.example\x07link\x1b]8;;\x07": (
        '"\\u001b]8;;https://evil.example\\u0007link\\u001b]8;;\\u0007"'
    ),
    "back\x08space": '"back\\bspace"',
    "carriage\rreturn": '"carriage\\rreturn"',
    "\tleading tab": '"\\tleading tab"',
    "line one\nline two": '"line one\\nline two"',
    'quote " and, comma': '"quote \\" and, comma"',
    "\u202eevil.exe": '"\\u202eevil.exe"',
    "\u2066isolate\u2067rtl\u2068first\u2069": '"\\u2066isolate\\u2067rtl\\u2068first\\u2069"',
    "\u200e\u200f\u202a\u202b\u202c\u202d": '"\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d"',
    "emoji 😀 CJK 日本語": '"emoji 😀 CJK 日本語"',
    "\x9b31m C1 CSI": '"\\u009b31m C1 CSI"',
    "next\x85line": '"next\\u0085line"',
    "del\x7f": '"del\\u007f"',
    "line\u2028separator\u2029": '"line\\u2028separator\\u2029"',
    "lone \ud800 surrogate": '"lone \\ud800 surrogate"',
}

# Characters that act on a terminal (or cannot be encoded) and must never appear raw.
RAW_FORBIDDEN = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + [
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    "\u2028",
    "\u2029",
]


class RecordingStream(io.StringIO):
    """A stream that remembers each write and counts flushes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []
        self.flushes = 0

    def write(self, s: str) -> int:
        self.writes.append(s)
        return super().write(s)

    def flush(self) -> None:
        self.flushes += 1


def test_json_full_record_exact() -> None:
    stream = io.StringIO()
    writer = JsonWriter(stream, JOBS, FIELDS)
    writer.write([full_job()])
    writer.close()
    assert stream.getvalue() == FULL_JOB_JSON


def test_json_empty_is_empty_array() -> None:
    stream = io.StringIO()
    JsonWriter(stream, JOBS, FIELDS).close()
    assert stream.getvalue() == "[]\n"


def test_json_fields_pick_and_order() -> None:
    stream = io.StringIO()
    writer = JsonWriter(stream, JOBS, ("state", "job_id"))
    writer.write([make_job(job_id="a", state="FAILED")])
    writer.close()
    assert stream.getvalue() == '[\n  {\n    "state": "FAILED",\n    "job_id": "a"\n  }\n]\n'


def test_json_newest_first_none_last_ties_by_id() -> None:
    jobs = [
        make_job(job_id="none-b", created_at=None),
        make_job(job_id="old", created_at=NOW - timedelta(days=2)),
        make_job(job_id="tie-b", created_at=NOW),
        make_job(job_id="none-a", created_at=None),
        make_job(job_id="tie-a", created_at=NOW),
        make_job(job_id="newest", created_at=NOW + timedelta(microseconds=1)),
    ]
    stream = io.StringIO()
    writer = JsonWriter(stream, JOBS, ("job_id",))
    writer.write(jobs[:3])
    writer.write(jobs[3:])
    writer.close()
    ids = [record["job_id"] for record in json.loads(stream.getvalue())]
    assert ids == ["newest", "tie-a", "tie-b", "old", "none-a", "none-b"]


@pytest.mark.parametrize(("raw", "literal"), HOSTILE_JSON.items())
def test_dumps_escapes_exactly(raw: str, literal: str) -> None:
    assert dumps(raw) == literal
    assert json.loads(literal) == raw


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_messages_round_trip_and_stay_inert(raw: str) -> None:
    stream = io.StringIO()
    writer = NdjsonWriter(stream, JOBS, ("status_message",))
    writer.write([make_job(status_message=raw)])
    text = stream.getvalue()
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert not any(char in text[:-1] for char in RAW_FORBIDDEN)
    assert json.loads(text) == {"status_message": raw}


def test_non_finite_percent_becomes_null() -> None:
    stream = io.StringIO()
    writer = NdjsonWriter(stream, JOBS, ("percent_done",))
    writer.write([make_job(percent_done=float("nan")), make_job(percent_done=float("inf"))])
    assert stream.getvalue() == '{"percent_done":null}\n{"percent_done":null}\n'


def test_ndjson_one_write_and_flush_per_page_in_arrival_order() -> None:
    stream = RecordingStream()
    writer = NdjsonWriter(stream, JOBS, ("job_id", "percent_done", "is_parent"))
    writer.write([make_job(job_id="b", percent_done=50.0), make_job(job_id="a", is_parent=True)])
    writer.write([])
    writer.write([make_job(job_id="c", backup_size_bytes=3)])
    assert stream.writes == [
        '{"job_id":"b","percent_done":50.0,"is_parent":null}\n'
        '{"job_id":"a","percent_done":null,"is_parent":true}\n',
        '{"job_id":"c","percent_done":null,"is_parent":null}\n',
    ]
    assert stream.flushes == 2
    writer.close()
    assert len(stream.writes) == 2


def test_ndjson_full_record_matches_json_record() -> None:
    stream = io.StringIO()
    NdjsonWriter(stream, JOBS, FIELDS).write([full_job()])
    assert json.loads(stream.getvalue()) == json.loads(FULL_JOB_JSON)[0]


any_text = st.text(st.characters(exclude_categories=[]), max_size=40)


@given(messages=st.lists(any_text, min_size=1, max_size=5), name=any_text)
def test_json_values_are_the_exact_strings(messages: list[str], name: str) -> None:
    jobs = [
        make_job(job_id=f"{i:04d}", status_message=m, resource_name=name)
        for i, m in enumerate(messages)
    ]
    stream = io.StringIO()
    writer = JsonWriter(stream, JOBS, ("job_id", "status_message", "resource_name"))
    writer.write(jobs)
    writer.close()
    text = stream.getvalue()
    assert not any(char in text.replace("\n", "") for char in RAW_FORBIDDEN)
    text.encode("utf-8")  # no lone surrogate left raw
    assert json.loads(text) == [
        {"job_id": f"{i:04d}", "status_message": m, "resource_name": name}
        for i, m in enumerate(messages)
    ]


@given(
    messages=st.lists(any_text, min_size=1, max_size=5),
    name=any_text,
    percent=st.none() | st.floats(),
    fields=st.sampled_from([FIELDS, ("status_message",), ("resource_name", "job_id", "kind")]),
)
def test_ndjson_page_is_each_record_dumped(
    messages: list[str], name: str, percent: float | None, fields: tuple[str, ...]
) -> None:
    # The writer encodes a page at once; the text must be exactly one dumps() per record.
    jobs = [make_job(status_message=m, resource_name=name, percent_done=percent) for m in messages]
    stream = io.StringIO()
    NdjsonWriter(stream, JOBS, fields).write(jobs)
    expected = "".join(dumps(selected(as_record(job), fields)) + "\n" for job in jobs)
    assert stream.getvalue() == expected


@given(values=st.lists(any_text, min_size=1, max_size=20), ascii_lines=st.integers(0, 3))
def test_a_long_text_is_made_inert_exactly_as_a_short_one(
    values: list[str], ascii_lines: int
) -> None:
    # Past a few kilobytes inert() scans only the lines that are not ASCII; the result must
    # be what escaping the whole text at once gives.
    lines = [json.dumps(v, ensure_ascii=False) for v in values]
    lines += [json.dumps("del\x7f " + "x" * 2000)] * ascii_lines + ['"' + "y" * 5000 + '"']
    text = "\n".join(lines) + "\n"
    assert inert(text) == _UNSAFE.sub(_escape, text)
