"""The registry of secrets: every value it knows, in every encoding, redacted from any text."""

from __future__ import annotations

import html
import io
import json
import secrets
import sys
from urllib.parse import quote, quote_plus
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backupctl.cli.environment import Environment
from backupctl.cli.redacting import RedactingStream, redacted_streams
from backupctl.domain.secrets import REDACTED, Secrets

EXTERNAL_ID = "tenant,Secret Part/+&'\"<é\\x"


def written_as(value: str) -> list[str]:
    """How requests, logs and error bodies write ``value``: made here, not by the code."""
    once = json.dumps(value)
    return [
        value,
        quote(value, safe=""),  # botocore's query and form encoding
        quote_plus(value),
        quote(value),
        once[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(once)[1:-1][2:-2],  # a JSON document inside a JSON string
        escape(value, {'"': "&quot;", "'": "&apos;"}),
        html.escape(value),
        repr(value)[1:-1],
        repr(value.encode())[2:-1],  # a body logged as bytes
    ]


@pytest.mark.parametrize("form", written_as(EXTERNAL_ID), ids=repr)
def test_every_encoding_of_a_value_is_redacted(form: str) -> None:
    known = Secrets()
    known.add(EXTERNAL_ID)
    assert known.redact(f"ExternalId={form}&Action=AssumeRole") == (
        f"ExternalId={REDACTED}&Action=AssumeRole"
    )


def test_a_token_is_found_at_every_offset_of_short_and_long_texts() -> None:
    known = Secrets()
    tokens = [secrets.token_urlsafe(30) for _ in range(50)]  # 40 characters, as AWS's keys
    for token in tokens:
        known.add(token)
    token = tokens[17]
    page = "x" * 1_000_000
    for offset in range(80):
        line = f"{'a' * offset}{token}\\u0022 tail"
        assert known.redact(line) == f"{'a' * offset}{REDACTED}\\u0022 tail"
        assert known.redact(page[:offset] + token + page) == page[:offset] + REDACTED + page
    assert known.redact(token[:-1]) == token[:-1]  # a part of it is not it


@given(before=st.text(max_size=80), after=st.text(max_size=80))
def test_a_long_value_in_any_text_is_redacted(before: str, after: str) -> None:
    known = Secrets()
    token = "FwoGZXIvYXdzE" + "Kq3-vP_9" * 30
    known.add(token)
    assert token not in known.redact(before + token + after)
    assert known.redact(before + after) == before + after


def test_the_longest_value_is_redacted_first_and_short_ones_not_at_all() -> None:
    known = Secrets()
    known.add("SecretPart-9911")
    known.add("tenant,SecretPart-9911")
    known.add("abc12")  # too short to be secret, too common to cut out of data
    known.add(None)
    assert known.redact("id tenant,SecretPart-9911 and SecretPart-9911, abc12") == (
        f"id {REDACTED} and {REDACTED}, abc12"
    )


def test_text_without_secrets_is_unchanged() -> None:
    known = Secrets()
    assert known.redact("nothing known yet") == "nothing known yet"
    for _ in range(1000):
        known.add(secrets.token_urlsafe(30))
    page = json.dumps([{"job_id": f"{n:08X}-1D2B-4C3D-9E8F", "x": "ÄÖÜ"} for n in range(9999)])
    assert known.redact(page) == page


def test_the_stream_redacts_each_write_and_is_its_inner_stream_otherwise() -> None:
    known = Secrets()
    known.add("tenant,SecretPart-9911")
    inner = io.StringIO()
    stream = RedactingStream(inner, known)
    assert stream.write("a tenant%2CSecretPart-9911 b\n") == len("a tenant%2CSecretPart-9911 b\n")
    stream.writelines(["c 'tenant,SecretPart-9911'\n"])
    print("d tenant,SecretPart-9911", file=stream)
    stream.close()  # the inner stream is not ours to close
    assert inner.getvalue() == f"a {REDACTED} b\nc '{REDACTED}'\nd {REDACTED}\n"
    assert not stream.isatty()
    assert stream.encoding == sys.stdout.encoding or stream.encoding is None
    with pytest.raises(io.UnsupportedOperation):
        stream.fileno()


def test_redacted_streams_cover_the_environments_and_the_process_streams(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, err = io.StringIO(), io.StringIO()
    env = Environment(stdout=out, stderr=err)
    saved = sys.stdout, sys.stderr
    value = "SecretPart-" + secrets.token_hex(8)
    with redacted_streams(env):
        from backupctl.domain.secrets import SECRETS

        SECRETS.add(value)
        env.stdout.write(f"out {value}\n")
        env.stderr.write(f"err {value}\n")
        assert isinstance(sys.stdout, RedactingStream) and isinstance(sys.stderr, RedactingStream)
        sys.stderr.write(f"sys {value}\n")  # a traceback or a warning would go here
    assert (sys.stdout, sys.stderr) == saved
    assert (env.stdout, env.stderr) == (out, err)
    assert out.getvalue() == f"out {REDACTED}\n"
    assert err.getvalue() == f"err {REDACTED}\n"
    assert capsys.readouterr().err == f"sys {REDACTED}\n"
